//! Import: someone else's table opened in the import dialog, read on a worker through its mapping, and
//! made a new dataset or added to the open one as one undoable step.

use std::path::PathBuf;

use crate::context::history::Edit;
use crate::context::{Document, Settings};
use crate::mapping::{self, Change, Imported};
use crate::model::count_text;
use crate::ui::import::{ImportState, Opened};
use crate::ui::known_import::KnownImportState;

use super::PledgeApp;

impl PledgeApp {
    /// Opens a file: a dataset (JSON, the app's own CSV table or workbook, a folder) is loaded; someone
    /// else's table opens the import dialog.
    pub(super) fn open_file(&mut self, path: PathBuf, ctx: &egui::Context) {
        if is_foreign_table(&path) {
            self.open_import(path, ctx);
        } else {
            self.guarded(crate::context::Guarded::OpenFile(path), ctx);
        }
    }

    /// Reads the file for the import dialog on a worker; [`Self::table_read`] shows the dialog.
    pub(super) fn open_import(&mut self, path: PathBuf, ctx: &egui::Context) {
        self.tasks.read_table(path, ctx);
    }

    /// The file for the import dialog was read: the dialog opens, with the mapping used before for these
    /// columns if there was one.
    pub(super) fn table_read(&mut self, result: Result<Opened, crate::io::LoadError>) {
        match result {
            Ok(Opened::Known(known)) => {
                self.known_import = Some(KnownImportState::open(*known, &self.document.dataset));
            }
            Ok(Opened::Table(opened)) => {
                let remembered = self.settings.mappings.get(&Settings::mapping_key(opened.headers())).cloned();
                self.import = Some(ImportState::open(*opened, remembered, &self.document.dataset));
            }
            Err(error) => self.notifications.error(error.to_string()),
        }
    }

    /// Starts reading the whole table on a worker, remembering the mapping for tables with these columns.
    pub(super) fn run_import(&mut self, append: bool, ctx: &egui::Context) {
        if let Some(known) = self.known_import.take() {
            return self.known_imported(known, append);
        }
        let Some(state) = &mut self.import else { return };
        let key = Settings::mapping_key(&state.table.headers);
        self.settings.mappings.insert(key, state.mapping.clone());
        if self.tasks.import(state.table.clone(), state.mapping.clone(), append, ctx) {
            state.running = true;
        }
    }

    /// The worker read the table: a new document, or the records added as one undo step.
    pub(super) fn imported(&mut self, append: bool, result: Result<Imported, crate::io::LoadError>) {
        let Some(state) = self.import.take() else { return };
        let imported = match result {
            Ok(imported) => imported,
            Err(error) => return self.notifications.error(error.to_string()),
        };
        let origin = state.table.origin.clone();
        let read = imported.dataset.acquisitions.len();
        let left_out = imported.problems.len();
        for problem in &imported.problems {
            self.notifications.error(format!("{origin}: {problem} (row left out)"));
        }
        let mut message = if append {
            let dataset = &self.document.dataset;
            let matches = mapping::duplicates(dataset, &imported.dataset);
            let duplicates = matches.iter().flatten().count();
            let (strings, changes) = mapping::merge(dataset, &imported.dataset, &matches, state.on_duplicate);
            let edits = edits(dataset, changes);
            self.document.adopt_strings(strings);
            self.document.apply(Edit::Batch(edits), format!("import of {origin}"), None);
            let mut message = format!("Added {} acquisitions from {origin}", count_text(read));
            if duplicates > 0 {
                message.push_str(&format!(
                    "; {} matched records already there ({})",
                    count_text(duplicates),
                    state.on_duplicate.label()
                ));
            }
            message
        } else {
            let mut document = Document::new(imported.dataset, None, origin.clone());
            document.mark_modified();
            self.replace_document(document);
            format!("Imported {} acquisitions from {origin} as a new dataset", count_text(read))
        };
        if left_out > 0 {
            message.push_str(&format!("; {} rows left out (see View > Message Log)", count_text(left_out)));
        }
        self.notifications.info(message);
    }
}

impl PledgeApp {
    /// A known export brought in: a new document, or the open one updated (deals of an older export of it
    /// changed in place, new ones added) as one undo step.
    fn known_imported(&mut self, known: KnownImportState, append: bool) {
        let KnownImportState { import, .. } = known;
        let origin = import.path.display().to_string();
        let recognised = import.recognised;
        let label = recognised.known.label();
        for problem in &recognised.imported.problems {
            self.notifications.error(format!("{origin}: {problem} (row left out)"));
        }
        let mut message = if append {
            let dataset = &self.document.dataset;
            let update = crate::mapping::update::update(dataset, &recognised.imported.dataset);
            let described = update.describe();
            let edits = edits(dataset, update.changes);
            self.document.adopt_strings(update.strings);
            self.document.apply(Edit::Batch(edits), format!("update from {origin}"), None);
            format!("Updated from {origin} ({label}): {described}")
        } else {
            let mut document = Document::new(recognised.imported.dataset, None, origin.clone());
            document.mark_modified();
            self.replace_document(document);
            format!("Imported {origin} ({label}) as a new dataset: {}", recognised.summary)
        };
        let left_out = recognised.imported.problems.len();
        if left_out > 0 {
            message.push_str(&format!("; {} rows left out (see View > Message Log)", count_text(left_out)));
        }
        self.notifications.info(message);
    }
}

/// The edits that make an import's changes, each insert at the end of its collection.
pub(crate) fn edits(dataset: &crate::model::Dataset, changes: Vec<Change>) -> Vec<Edit> {
    let mut ends: std::collections::HashMap<crate::model::Collection, usize> = std::collections::HashMap::new();
    changes
        .into_iter()
        .map(|change| match change {
            Change::Add(record) => {
                let collection = record.collection();
                let end = ends.entry(collection).or_insert_with(|| dataset.len(collection));
                let index = *end;
                *end += 1;
                Edit::Insert { index, record }
            }
            Change::Replace(index, record) => Edit::Replace { index, record },
            Change::Remove(collection, index) => Edit::Remove { collection, index },
            Change::Meta(meta) => Edit::Meta(meta),
        })
        .collect()
}

/// True for a table that is not a dataset: a CSV not named after a collection, or a workbook not laid out
/// as the app writes them.
pub fn is_foreign_table(path: &std::path::Path) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "csv" => crate::io::csv_collection(path, None).is_err(),
        "tsv" | "txt" => true,
        _ if crate::io::is_workbook(path) => {
            crate::io::read_file(path).map(|bytes| !crate::io::xlsx::is_own_workbook(&bytes)).unwrap_or(false)
        }
        _ => false,
    }
}
