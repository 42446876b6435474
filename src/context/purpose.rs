//! What file dialogs and the unsaved-changes question are for: the views ask, the app carries it out.

use std::path::PathBuf;

use super::Message;

/// An action that would drop unsaved changes, held while the user is asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Guarded {
    New,
    Open,
    OpenPath,
    OpenFile(PathBuf),
    /// Replace the document with the records the import dialog read.
    NewFromImport,
    Quit,
}

impl Guarded {
    pub fn verb(&self) -> &'static str {
        match self {
            Guarded::New => "starting a new dataset",
            Guarded::Open | Guarded::OpenPath | Guarded::OpenFile(_) => "opening another file",
            Guarded::NewFromImport => "importing as a new dataset",
            Guarded::Quit => "quitting",
        }
    }
}

/// What a file dialog or the path field is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    Open,
    Import,
    SaveAs,
    ExportCsv,
    ExportXlsx,
    ExportSvg,
    ExportPng,
    TimelineSvg,
    TimelinePng,
    Report,
    /// Another version of the dataset to compare with.
    Compare,
}

impl PathPurpose {
    /// The native dialog for this purpose (shown on a worker thread).
    pub fn native_dialog(self, suggested: Option<&str>) -> rfd::FileDialog {
        let dialog = rfd::FileDialog::new();
        let dialog = match self {
            PathPurpose::Open => dialog
                .set_title("Open a dataset")
                .add_filter("Pledge Explorer dataset", &["json"])
                .add_filter("CSV table", &["csv"]),
            PathPurpose::Import => dialog
                .set_title("Import a table")
                .add_filter("Tables and workbooks", &["csv", "tsv", "txt", "xlsx", "xlsm", "xlsb", "xls", "ods"]),
            PathPurpose::SaveAs => {
                dialog.set_title("Save the dataset").add_filter("Pledge Explorer dataset", &["json"])
            }
            PathPurpose::ExportCsv => dialog.set_title("Export the CSV tables into a folder"),
            PathPurpose::ExportXlsx => {
                dialog.set_title("Export the dataset as an Excel workbook").add_filter("Excel workbook", &["xlsx"])
            }
            PathPurpose::ExportSvg => dialog.set_title("Export the plot as SVG").add_filter("SVG image", &["svg"]),
            PathPurpose::ExportPng => dialog.set_title("Export the plot as PNG").add_filter("PNG image", &["png"]),
            PathPurpose::TimelineSvg => {
                dialog.set_title("Export the timeline as SVG").add_filter("SVG image", &["svg"])
            }
            PathPurpose::TimelinePng => {
                dialog.set_title("Export the timeline as PNG").add_filter("PNG image", &["png"])
            }
            PathPurpose::Report => dialog.set_title("Save the report"),
            PathPurpose::Compare => dialog
                .set_title("Compare with another version")
                .add_filter("Pledge Explorer dataset", &["json"])
                .add_filter("CSV table", &["csv"])
                .add_filter("Excel workbook", &["xlsx"]),
        };
        let suggested = suggested.map(std::path::Path::new);
        let dialog = match suggested.and_then(|path| path.parent()).filter(|folder| folder.is_dir()) {
            Some(folder) => dialog.set_directory(folder),
            None => dialog,
        };
        let names_a_file =
            !matches!(self, PathPurpose::Open | PathPurpose::Import | PathPurpose::ExportCsv | PathPurpose::Compare);
        match suggested.and_then(|path| path.file_name()).filter(|_| names_a_file) {
            Some(name) => dialog.set_file_name(name.to_string_lossy()),
            None => dialog,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PathPurpose::Open => "Open a file",
            PathPurpose::Import => "Import a table",
            PathPurpose::SaveAs => "Save As",
            PathPurpose::ExportCsv => "Export CSV into a folder",
            PathPurpose::ExportXlsx => "Export an Excel workbook",
            PathPurpose::ExportSvg => "Export the plot as SVG",
            PathPurpose::ExportPng => "Export the plot as PNG",
            PathPurpose::TimelineSvg => "Export the timeline as SVG",
            PathPurpose::TimelinePng => "Export the timeline as PNG",
            PathPurpose::Report => "Save the report",
            PathPurpose::Compare => "Compare with another version",
        }
    }

    /// The message that carries out the purpose once a path is chosen.
    pub fn message(self, path: PathBuf) -> Message {
        match self {
            PathPurpose::Open => Message::OpenFile(path),
            PathPurpose::Import => Message::ImportFile(path),
            PathPurpose::SaveAs => Message::SaveTo(path),
            PathPurpose::ExportCsv => Message::ExportCsvTo(path),
            PathPurpose::ExportXlsx => Message::ExportXlsxTo(path),
            PathPurpose::ExportSvg => Message::ExportPlotTo { path, png: false },
            PathPurpose::ExportPng => Message::ExportPlotTo { path, png: true },
            PathPurpose::TimelineSvg => Message::ExportTimelineTo { path, png: false },
            PathPurpose::TimelinePng => Message::ExportTimelineTo { path, png: true },
            PathPurpose::Report => Message::SaveReportTo(path),
            PathPurpose::Compare => Message::CompareWith(path),
        }
    }
}
