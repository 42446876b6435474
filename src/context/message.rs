//! What views send the app besides user commands: messages that carry data (a record edited, a path
//! picked, a row selected, a sort chosen). The app handles them after the frame's views have run.

use std::path::PathBuf;

use crate::analysis::table::Sort;
use crate::analysis::volumes::GroupBy;
use crate::model::{Collection, Stage};

use super::UserCommand;

#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A command the user invoked from a button, a menu or the palette.
    Command(UserCommand),
    /// Open this file (recent files, drag-and-drop, the path field, tests); someone else's table opens
    /// the import dialog.
    OpenFile(PathBuf),
    /// Show the import dialog for this file.
    ImportFile(PathBuf),
    /// Import with the import dialog's choices: as a new dataset, or added to the open one.
    RunImport {
        append: bool,
    },
    CloseImport,
    /// Compare the open dataset with this file (and with the open file as last saved, their common base).
    CompareWith(PathBuf),
    /// Take proposals of the comparison (by index in its list) into the dataset as one undoable step; the
    /// dataset's details too when `meta`; conflicts only when `with_conflicts`.
    TakeChanges {
        proposals: Vec<usize>,
        meta: bool,
        with_conflicts: bool,
    },
    /// End the comparison.
    CloseComparison,
    /// Open the file again as it is on disk (another program changed it), asking first about unsaved work.
    ReloadFromDisk,
    /// Stop the running open or save (the status bar's Cancel); it changes nothing.
    CancelTask,
    /// Hide the bar saying the open file changed on disk (saving will still ask before writing over it).
    DismissDiskChange,
    /// Save to this path (the path field, tests).
    SaveTo(PathBuf),
    /// Write the report chosen in the report dialog to this path.
    SaveReportTo(PathBuf),
    /// Export the CSV tables into this folder.
    ExportCsvTo(PathBuf),
    /// Export the dataset as an Excel workbook to this path.
    ExportXlsxTo(PathBuf),
    ExportTimelineTo {
        path: PathBuf,
        png: bool,
    },
    ExportPlotTo {
        path: PathBuf,
        png: bool,
    },
    /// Select a record (tables, problems list, timeline, plots).
    Select(Collection, usize),
    /// Sort a table by a field, or restore the dataset's order.
    SortBy(Collection, Option<Sort>),
    ShowEditor,
    /// Set fields of a record from their text (the record editor, a table cell): `texts` holds every
    /// field in table order; `field` is the key of the one edited, which groups typing into one undo step.
    SetFields {
        collection: Collection,
        index: usize,
        texts: Vec<String>,
        field: &'static str,
    },
    /// End the current undo step (an in-place cell edit is one step of its own).
    SealUndoStep,
    /// Say something in a toast and the log.
    Notify(String),
    /// Draw a view again after it failed (panicked) and was replaced by an explanation.
    RetryView,
    /// Check the data again after a check failed.
    CheckAgain,
    /// Show in the tables the records of one bar of the plot.
    /// Show in the tables the records behind a bar of the progress view.
    FilterToProgress {
        by: crate::analysis::progress::ProgressBy,
        group: crate::analysis::volumes::GroupKey,
        /// The stages the bar counts.
        stages: Vec<Stage>,
    },
    FilterToBar {
        group_by: GroupBy,
        /// The bar's group, as the aggregation keys it (an id, a category, a period).
        group: crate::analysis::volumes::GroupKey,
        stage: Stage,
    },
}

impl Message {
    /// Whether carrying it out changes the dataset (refused while it is open read-only).
    pub fn edits_data(&self) -> bool {
        match self {
            Message::Command(command) => command.edits_data(),
            Message::RunImport { append } => *append,
            Message::TakeChanges { .. } | Message::SetFields { .. } => true,
            _ => false,
        }
    }
}

impl From<UserCommand> for Message {
    fn from(command: UserCommand) -> Self {
        Message::Command(command)
    }
}
