//! Comparing the open dataset with another version: reading it on a worker (and rebuilding the open
//! dataset as last saved, the common base of a three-way merge, from the undo history), and taking its
//! changes as one undoable step each time.

use std::path::PathBuf;

use crate::compare::merge;
use crate::context::history::Edit;
use crate::io::LoadError;
use crate::model::{Dataset, count_text};
use crate::ui;

use super::PledgeApp;
use super::import::edits;

impl PledgeApp {
    /// Starts a comparison with `path`. When the open dataset has changes since it was saved, it is
    /// rebuilt as saved too (from memory, not the file, which another program may have written since):
    /// it is what both versions grew from.
    pub(super) fn compare_with(&mut self, path: PathBuf, ctx: &egui::Context) {
        let document = &self.document;
        let base = if document.is_modified() { document.back_to_saved() } else { None };
        let base = base.map(|edits| (document.dataset.clone(), edits));
        self.tasks.read_for_comparison(path, base, ctx);
    }

    /// The other version (and the base) read: the Changes view opens on them.
    pub(super) fn read_for_comparison(&mut self, path: PathBuf, result: Result<(Dataset, Option<Dataset>), LoadError>) {
        match result {
            Ok((other, base)) => {
                let name = |path: &std::path::Path| {
                    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
                };
                let base_name = self.document.path.as_deref().map(name).unwrap_or_default();
                self.comparison = Some(ui::changes::Comparison::new(other, name(&path), base, base_name));
                self.main = ui::MainView::Changes;
            }
            Err(error) => self.notifications.error(format!("Could not compare: {error}")),
        }
    }

    /// Takes proposals of the comparison into the dataset, as one step.
    pub(super) fn take_changes(&mut self, proposals: &[usize], meta: bool, with_conflicts: bool) {
        let Some(comparison) = &self.comparison else { return };
        let Some(compared) = comparison.current(self.document.generation) else {
            self.notifications.info("The comparison is being brought up to date: try again in a moment");
            return;
        };
        let dataset = &self.document.dataset;
        let mut strings = dataset.strings.clone();
        let taken =
            merge::take(&compared.merge, proposals, meta, with_conflicts, dataset, &comparison.other, &mut strings);
        let changes = match taken {
            Ok(changes) => changes,
            Err(error) => {
                self.notifications.error(format!("Could not take the change from {}: {error}", comparison.other_name));
                return;
            }
        };
        if changes.is_empty() {
            self.notifications.info("Nothing to take: only conflicts are left, each with its Take Theirs");
            return;
        }
        let count = changes.len();
        let label = match proposals {
            [one] => compared.merge.proposals.get(*one).map_or_else(
                || format!("changes from {}", comparison.other_name),
                |p| format!("{} {} from {}", p.collection.singular(), p.id, comparison.other_name),
            ),
            [] => format!("the dataset's details from {}", comparison.other_name),
            _ => format!("{} changes from {}", count_text(count), comparison.other_name),
        };
        let edits = edits(dataset, changes);
        self.document.adopt_strings(strings);
        self.document.apply(Edit::Batch(edits), format!("take {label}"), None);
        self.notifications.info(format!("Took {label}"));
    }
}
