//! Record edits: add, duplicate, delete, and fields set from their text; each one undoable step.

use crate::context::history::Edit;
use crate::model::fields;
use crate::model::{Collection, FuzzyDate};

use super::PledgeApp;

impl PledgeApp {
    pub(super) fn add_record(&mut self) {
        let collection = self.tab;
        let id = self.document.dataset.unused_id(&format!("new-{}", collection.singular()));
        let texts = fields::blank_texts(collection, &id, FuzzyDate::today());
        match fields::read_texts(collection, &texts, self.document.strings_mut()) {
            Ok(record) => {
                let index = self.document.dataset.len(collection);
                self.document.apply(Edit::Insert { index, record }, format!("add {id}"), None);
                self.selection = Some((collection, index));
                self.tables.scroll_to_selection = true;
                self.settings.editor_open = true;
            }
            Err(error) => self.notifications.error(format!("Could not add a record: {error}")),
        }
    }

    pub(super) fn duplicate_record(&mut self) {
        let Some((collection, index)) = self.selection else {
            self.notifications.info("Select a record to duplicate");
            return;
        };
        let Some(mut record) = self.document.dataset.record(collection, index) else { return };
        let base = format!("{}-copy", self.document.dataset.text(record.id()));
        let id = self.document.dataset.unused_id(&base);
        record.set_id(self.document.intern(&id));
        self.document.apply(Edit::Insert { index: index + 1, record }, format!("duplicate as {id}"), None);
        self.selection = Some((collection, index + 1));
        self.tables.scroll_to_selection = true;
    }

    pub(super) fn delete_record(&mut self) {
        let Some((collection, index)) = self.selection else {
            self.notifications.info("Select a record to delete");
            return;
        };
        let Some(record) = self.document.dataset.record(collection, index) else { return };
        let id = self.document.dataset.text(record.id()).to_owned();
        self.document.apply(Edit::Remove { collection, index }, format!("delete {id}"), None);
        self.select_after_edit(None);
        self.notifications.info(format!("Deleted {id} (Undo brings it back)"));
    }

    /// Sets a record's fields from their text (the record editor, a table cell), as one undo step per field
    /// typed into. The view checked the text; a failure here is reported, never applied in part.
    pub(super) fn set_fields(&mut self, collection: Collection, index: usize, texts: &[String], field: &'static str) {
        match fields::read_texts(collection, texts, self.document.strings_mut()) {
            Ok(record) => {
                let label = format!("edit of {field}");
                // A state or organisation named for the first time comes in with the same step.
                let actors = new_known_actors(&self.document.dataset, &record);
                let edit = if actors.is_empty() {
                    Edit::Replace { index, record }
                } else {
                    let end = self.document.dataset.actors.len();
                    let inserts = actors.into_iter().enumerate().map(|(offset, actor)| Edit::Insert {
                        index: end + offset,
                        record: crate::model::Record::Actor(actor),
                    });
                    Edit::Batch(std::iter::once(Edit::Replace { index, record }).chain(inserts).collect())
                };
                self.document.apply(edit, label, Some((collection, index, field)));
            }
            Err(error) => self.notifications.error(format!("Could not change the record: {error}")),
        }
    }
}

/// The actors a record names that the dataset lacks and the reference table knows (a country code picked
/// in the editor), each with its name.
fn new_known_actors(dataset: &crate::model::Dataset, record: &crate::model::Record) -> Vec<crate::model::Actor> {
    use crate::model::Record;
    let named: Vec<crate::model::Symbol> = match record {
        Record::Acquisition(a) => a.buyers.iter().copied().chain(a.agency).chain(a.supplier).collect(),
        Record::Commitment(c) => c.parties.clone(),
        _ => Vec::new(),
    };
    let mut actors: Vec<crate::model::Actor> = Vec::new();
    for id in named {
        if dataset.actors.iter().any(|actor| actor.id == id) || actors.iter().any(|actor| actor.id == id) {
            continue;
        }
        let Some(known) =
            crate::model::countries::find(dataset.text(id)).filter(|known| known.id() == dataset.text(id))
        else {
            continue;
        };
        actors.push(crate::model::Actor {
            id,
            name: known.name().into(),
            kind: known.kind(),
            provenance: crate::model::Provenance {
                sources: Vec::new(),
                confidence: crate::model::Confidence::High,
                notes: "From Pledge Explorer's list of states and organisations.".to_owned(),
            },
        });
    }
    actors
}
