//! Every action of the app, as one enum: the menu bar, the keyboard shortcuts and the command palette
//! are all generated from it, so a command has one label and one shortcut everywhere.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use crate::analysis::table::Sort;
use crate::analysis::volumes::GroupBy;
use crate::io::convert::WireRecord;
use crate::model::{Collection, Stage};
use crate::ui::tables::Tab;

#[derive(Clone, Debug, PartialEq)]
pub enum AppCommand {
    New,
    /// Open with the native dialog.
    Open,
    /// Open by typing a path (the fallback where no native dialog is available).
    OpenPath,
    /// Open this file (recent files, drag-and-drop, the path field, tests).
    OpenFile(PathBuf),
    Save,
    SaveAs,
    /// Save to this path (the path field, tests).
    SaveTo(PathBuf),
    ImportCsv,
    ExportCsv,
    /// Ask what report to write (format, title, sections, filter).
    SaveReport,
    /// Write the report chosen in the report dialog to this path.
    SaveReportTo(PathBuf),
    /// Export the CSV tables into this folder.
    ExportCsvTo(PathBuf),
    Undo,
    Redo,
    Find,
    AddRecord,
    DuplicateRecord,
    DeleteRecord,
    Show(Tab),
    ToggleEditor,
    ShowProblems,
    ShowLog,
    CommandPalette,
    SetTheme(egui::ThemePreference),
    Quit,
    /// Select a record (tables, problems list).
    Select(Collection, usize),
    /// Sort a table by a column, or restore the dataset's order.
    SortBy(Tab, Option<Sort>),
    ShowEditor,
    /// End the current undo step (an in-place cell edit is one step of its own).
    SealUndoStep,
    /// Say something in a toast and the log.
    Notify(String),
    /// Draw a view again after it failed (panicked) and was replaced by an explanation.
    RetryView,
    ShowPlots,
    ShowTimeline,
    /// Export the timeline as shown: ask where, then write it.
    ExportTimeline {
        png: bool,
    },
    ExportTimelineTo {
        path: PathBuf,
        png: bool,
    },
    /// Export the plot on screen: ask where, then write it.
    ExportPlot {
        png: bool,
    },
    ExportPlotTo {
        path: PathBuf,
        png: bool,
    },
    /// Show in the tables the records of one bar of the plot.
    FilterToBar {
        group_by: GroupBy,
        group: String,
        stage: Stage,
    },
    /// Put an edited record in place (the record editor); `field` groups typing into one undo step.
    ReplaceRecord {
        index: usize,
        record: Box<WireRecord<'static>>,
        field: &'static str,
    },
}

const fn shortcut(modifiers: Modifiers, key: Key) -> Option<KeyboardShortcut> {
    Some(KeyboardShortcut::new(modifiers, key))
}

const COMMAND_SHIFT: Modifiers = Modifiers { shift: true, ..Modifiers::COMMAND };

impl AppCommand {
    /// The commands a user can pick from the palette, in menu order.
    pub fn palette() -> Vec<AppCommand> {
        let mut all = vec![
            AppCommand::New,
            AppCommand::Open,
            AppCommand::OpenPath,
            AppCommand::Save,
            AppCommand::SaveAs,
            AppCommand::ImportCsv,
            AppCommand::ExportCsv,
            AppCommand::SaveReport,
            AppCommand::Undo,
            AppCommand::Redo,
            AppCommand::Find,
            AppCommand::AddRecord,
            AppCommand::DuplicateRecord,
            AppCommand::DeleteRecord,
        ];
        all.extend(Tab::ALL.map(AppCommand::Show));
        all.extend([
            AppCommand::ShowTimeline,
            AppCommand::ExportTimeline { png: false },
            AppCommand::ExportTimeline { png: true },
            AppCommand::ShowPlots,
            AppCommand::ExportPlot { png: false },
            AppCommand::ExportPlot { png: true },
            AppCommand::ToggleEditor,
            AppCommand::ShowProblems,
            AppCommand::ShowLog,
            AppCommand::CommandPalette,
            AppCommand::SetTheme(egui::ThemePreference::System),
            AppCommand::SetTheme(egui::ThemePreference::Light),
            AppCommand::SetTheme(egui::ThemePreference::Dark),
            AppCommand::Quit,
        ]);
        all
    }

    pub fn label(&self) -> String {
        match self {
            AppCommand::New => "New Dataset".into(),
            AppCommand::Open => "Open…".into(),
            AppCommand::OpenPath => "Open Path…".into(),
            AppCommand::OpenFile(path) => format!("Open {}", path.display()),
            AppCommand::Save => "Save".into(),
            AppCommand::SaveAs => "Save As…".into(),
            AppCommand::SaveTo(path) => format!("Save to {}", path.display()),
            AppCommand::ImportCsv => "Import CSV…".into(),
            AppCommand::ExportCsv => "Export CSV…".into(),
            AppCommand::SaveReport => "Save Report…".into(),
            AppCommand::SaveReportTo(path) => format!("Save the report to {}", path.display()),
            AppCommand::ExportCsvTo(path) => format!("Export CSV to {}", path.display()),
            AppCommand::Undo => "Undo".into(),
            AppCommand::Redo => "Redo".into(),
            AppCommand::Find => "Find".into(),
            AppCommand::AddRecord => "Add Record".into(),
            AppCommand::DuplicateRecord => "Duplicate Record".into(),
            AppCommand::DeleteRecord => "Delete Record".into(),
            AppCommand::Show(tab) => format!("Show {}", tab.label()),
            AppCommand::ToggleEditor => "Record Editor".into(),
            AppCommand::ShowProblems => "Problems".into(),
            AppCommand::ShowLog => "Message Log".into(),
            AppCommand::CommandPalette => "Command Palette…".into(),
            AppCommand::SetTheme(theme) => match theme {
                egui::ThemePreference::System => "Theme: Follow the System".into(),
                egui::ThemePreference::Light => "Theme: Light".into(),
                egui::ThemePreference::Dark => "Theme: Dark".into(),
            },
            AppCommand::Quit => "Quit".into(),
            AppCommand::Select(collection, index) => format!("Select {}[{index}]", collection.key()),
            AppCommand::SortBy(tab, Some(sort)) => format!("Sort {} by {}", tab.label(), sort.column),
            AppCommand::SortBy(tab, None) => format!("Unsort {}", tab.label()),
            AppCommand::ShowEditor => "Show Record Editor".into(),
            AppCommand::SealUndoStep => "Seal Undo Step".into(),
            AppCommand::Notify(text) => text.clone(),
            AppCommand::RetryView => "Try the View Again".into(),
            AppCommand::ShowPlots => "Show Plots".into(),
            AppCommand::ShowTimeline => "Show Timeline".into(),
            AppCommand::ExportTimeline { png: false } => "Export Timeline as SVG…".into(),
            AppCommand::ExportTimeline { png: true } => "Export Timeline as PNG…".into(),
            AppCommand::ExportTimelineTo { path, .. } => format!("Export the timeline to {}", path.display()),
            AppCommand::ExportPlot { png: false } => "Export Plot as SVG…".into(),
            AppCommand::ExportPlot { png: true } => "Export Plot as PNG…".into(),
            AppCommand::ExportPlotTo { path, .. } => format!("Export the plot to {}", path.display()),
            AppCommand::FilterToBar { group, stage, .. } => format!("Show the records of {group}, {}", stage.label()),
            AppCommand::ReplaceRecord { field, .. } => format!("Edit {field}"),
        }
    }

    /// The main shortcut, shown in menus and the palette.
    pub fn shortcut(&self) -> Option<KeyboardShortcut> {
        match self {
            AppCommand::New => shortcut(Modifiers::COMMAND, Key::N),
            AppCommand::Open => shortcut(Modifiers::COMMAND, Key::O),
            AppCommand::Save => shortcut(Modifiers::COMMAND, Key::S),
            AppCommand::SaveAs => shortcut(COMMAND_SHIFT, Key::S),
            AppCommand::SaveReport => shortcut(Modifiers::COMMAND, Key::R),
            AppCommand::Undo => shortcut(Modifiers::COMMAND, Key::Z),
            AppCommand::Redo => shortcut(COMMAND_SHIFT, Key::Z),
            AppCommand::Find => shortcut(Modifiers::COMMAND, Key::F),
            AppCommand::AddRecord => shortcut(COMMAND_SHIFT, Key::N),
            AppCommand::DuplicateRecord => shortcut(Modifiers::COMMAND, Key::D),
            AppCommand::Show(tab) => {
                let keys = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5];
                let position = Tab::ALL.iter().position(|t| t == tab).unwrap_or(0);
                shortcut(Modifiers::COMMAND, keys[position])
            }
            AppCommand::ToggleEditor => shortcut(Modifiers::COMMAND, Key::E),
            AppCommand::ShowTimeline => shortcut(Modifiers::COMMAND, Key::Num6),
            AppCommand::ShowPlots => shortcut(Modifiers::COMMAND, Key::Num7),
            AppCommand::CommandPalette => shortcut(COMMAND_SHIFT, Key::P),
            AppCommand::Quit => shortcut(Modifiers::COMMAND, Key::Q),
            _ => None,
        }
    }

    /// Other shortcuts that also run the command (Ctrl+Y for redo).
    fn extra_shortcuts(&self) -> &'static [KeyboardShortcut] {
        const REDO: [KeyboardShortcut; 1] = [KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)];
        match self {
            AppCommand::Redo => &REDO,
            _ => &[],
        }
    }

    /// Reads this frame's shortcuts. Shortcuts with more modifiers are consumed first, so Ctrl+Shift+Z
    /// is not also taken for Ctrl+Z.
    pub fn from_shortcuts(ctx: &egui::Context) -> Vec<AppCommand> {
        let mut bindings: Vec<(KeyboardShortcut, AppCommand)> = AppCommand::palette()
            .into_iter()
            .flat_map(|command| {
                let main = command.shortcut().into_iter();
                let extra = command.extra_shortcuts().iter().copied();
                main.chain(extra).map(move |shortcut| (shortcut, command.clone())).collect::<Vec<_>>()
            })
            .collect();
        let weight = |m: Modifiers| u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl);
        bindings.sort_by_key(|(shortcut, _)| std::cmp::Reverse(weight(shortcut.modifiers)));
        let mut commands = Vec::new();
        ctx.input_mut(|input| {
            for (shortcut, command) in bindings {
                if input.consume_shortcut(&shortcut) {
                    commands.push(command);
                }
            }
        });
        commands
    }

    /// The shortcut as menus show it ("Ctrl+Shift+S").
    pub fn shortcut_text(&self, ctx: &egui::Context) -> String {
        self.shortcut().map(|s| ctx.format_shortcut(&s)).unwrap_or_default()
    }
}
