//! Undo and redo. Every edit is a small value with an inverse: undo applies the inverse, which
//! gives back the edit for redo. Nothing here clones the dataset; a step holds one record, or the
//! records of one import, and the ids of the records it touched, for the change log.

use std::time::{Duration, Instant};

use crate::compare::changelog::{Touch, Touches};
use crate::compare::{self, ChangeKind};
use crate::model::{Collection, Dataset, Record};

/// A change to the dataset that can be applied and inverted.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Put `record` at `index` of its collection, in place of the record there.
    Replace { index: usize, record: Record },
    /// Insert `record` at `index` of its collection.
    Insert { index: usize, record: Record },
    /// Remove the record at `index` of `collection`.
    Remove { collection: Collection, index: usize },
    /// Put these details in place of the dataset's.
    Meta(Box<crate::model::Meta>),
    /// Several edits as one step (an import appended to the dataset), applied in order.
    Batch(Vec<Edit>),
}

impl Edit {
    /// Applies the edit and returns its inverse.
    pub fn apply(self, dataset: &mut Dataset) -> Edit {
        self.apply_noting(dataset, None)
    }

    /// Applies the edit, noting in `touches` (when given) each record it adds, changes or removes, for the
    /// change log; returns its inverse.
    fn apply_noting(self, dataset: &mut Dataset, mut touches: Option<&mut Touches>) -> Edit {
        let id_of = |dataset: &Dataset, record: &Record| dataset.text(record.id()).to_owned();
        match self {
            Edit::Replace { index, record } => {
                let collection = record.collection();
                let old = dataset.replace(index, record);
                if let Some(touches) = touches
                    && let Some(new) = dataset.record(collection, index)
                {
                    let fields =
                        if touches.lists_more() { compare::fields_changed(&old, &new, dataset) } else { Vec::new() };
                    let id = id_of(dataset, &new);
                    touches.push(Touch { collection: Some(collection), id, kind: ChangeKind::Changed, fields });
                }
                Edit::Replace { index, record: old }
            }
            Edit::Insert { index, record } => {
                let collection = record.collection();
                if let Some(touches) = touches {
                    // Past the listed touches only the count is kept: the id is not worth a copy.
                    let id = if touches.lists_more() { id_of(dataset, &record) } else { String::new() };
                    touches.push(Touch {
                        collection: Some(collection),
                        id,
                        kind: ChangeKind::Added,
                        fields: Vec::new(),
                    });
                }
                let index = index.min(dataset.len(collection));
                dataset.insert(index, record);
                Edit::Remove { collection, index }
            }
            Edit::Remove { collection, index } => match dataset.remove(collection, index) {
                Some(record) => {
                    if let Some(touches) = touches {
                        let id = if touches.lists_more() { id_of(dataset, &record) } else { String::new() };
                        let kind = ChangeKind::Removed;
                        touches.push(Touch { collection: Some(collection), id, kind, fields: Vec::new() });
                    }
                    Edit::Insert { index, record }
                }
                // Nothing to remove: the inverse of nothing is nothing, expressed as a no-op removal.
                None => Edit::Remove { collection, index: usize::MAX },
            },
            Edit::Meta(meta) => {
                let old = std::mem::replace(&mut dataset.meta, *meta);
                if let Some(touches) = touches {
                    let fields = compare::diff_meta(&old, &dataset.meta).iter().map(|change| change.label).collect();
                    touches.push(Touch { collection: None, id: String::new(), kind: ChangeKind::Changed, fields });
                }
                Edit::Meta(Box::new(old))
            }
            Edit::Batch(edits) => {
                let mut inverses: Vec<Edit> =
                    edits.into_iter().map(|edit| edit.apply_noting(dataset, touches.as_deref_mut())).collect();
                inverses.reverse();
                Edit::Batch(inverses)
            }
        }
    }

    /// The record the edit leaves selected: (collection, index), if any.
    pub fn target(&self) -> Option<(Collection, usize)> {
        match self {
            Edit::Replace { index, record } | Edit::Insert { index, record } => Some((record.collection(), *index)),
            Edit::Remove { .. } | Edit::Meta(_) => None,
            Edit::Batch(edits) => edits.first().and_then(Edit::target),
        }
    }
}

/// What makes consecutive edits one undo step: typing in the same field of the same record.
pub type MergeKey = (Collection, usize, &'static str);

struct Step {
    /// Names the state the data is in after this step, for "is this what was saved?".
    id: u64,
    label: String,
    /// Applying this undoes the step.
    inverse: Edit,
    merge_key: Option<MergeKey>,
    at: Instant,
    /// The records the step added, changed and removed: what the change log entry is drafted from.
    touches: Touches,
}

/// Typing pauses shorter than this continue the same undo step.
const MERGE_WINDOW: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct History {
    undo: Vec<Step>,
    /// Undone steps: their id, label, the edit that redoes them and what it touches.
    redo: Vec<(u64, String, Edit, Touches)>,
    last_id: u64,
    /// Every edit applied to the data since the journal started (undos and redos included), in order:
    /// replayed onto the file saved then, they give the data now. None when not kept (no file to
    /// replay onto, or too many records for a journal to be worth it).
    applied: Option<Vec<Edit>>,
    /// The records in `applied`.
    applied_records: usize,
}

impl History {
    /// Applies `edit`, recording its inverse. Edits with the same `merge_key` in quick succession form
    /// one step, so that typing a word is undone at once.
    pub fn apply(&mut self, dataset: &mut Dataset, edit: Edit, label: String, merge_key: Option<MergeKey>) {
        self.note_applied(&edit);
        let mut touches = Touches::default();
        let inverse = edit.apply_noting(dataset, Some(&mut touches));
        self.redo.clear();
        let now = Instant::now();
        if let Some(last) = self.undo.last_mut()
            && merge_key.is_some()
            && last.merge_key == merge_key
            && now.duration_since(last.at) < MERGE_WINDOW
        {
            // The earlier inverse already restores the state before the first keystroke; the state
            // itself is new.
            last.at = now;
            last.touches.extend(&touches);
            self.last_id += 1;
            last.id = self.last_id;
            return;
        }
        self.last_id += 1;
        self.undo.push(Step { id: self.last_id, label, inverse, merge_key, at: now, touches });
    }

    /// Names the current state of the data: equal ids mean equal data (0 is the state at load).
    pub fn state_id(&self) -> u64 {
        self.undo.last().map_or(0, |step| step.id)
    }

    /// Undoes the last step; returns its label and the record to select.
    pub fn undo(&mut self, dataset: &mut Dataset) -> Option<(String, Option<(Collection, usize)>)> {
        let step = self.undo.pop()?;
        self.note_applied(&step.inverse);
        let target = step.inverse.target();
        let redo = step.inverse.apply(dataset);
        self.redo.push((step.id, step.label.clone(), redo, step.touches));
        Some((step.label, target))
    }

    /// Redoes the last undone step; returns its label and the record to select.
    pub fn redo(&mut self, dataset: &mut Dataset) -> Option<(String, Option<(Collection, usize)>)> {
        let (id, label, edit, touches) = self.redo.pop()?;
        self.note_applied(&edit);
        let target = edit.target();
        let inverse = edit.apply(dataset);
        self.undo.push(Step { id, label: label.clone(), inverse, merge_key: None, at: Instant::now(), touches });
        Some((label, target))
    }

    /// The edit the next undo applies.
    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last().map(|step| &step.inverse)
    }

    /// The edit the next redo applies.
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last().map(|(_, _, edit, _)| edit)
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|step| step.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|(_, label, _, _)| label.as_str())
    }

    /// What the steps after state `since` touched (every step when that state is not in the history any
    /// more, or None): the change log entry of a save is drafted from it.
    pub fn touches_since(&self, since: Option<u64>) -> Touches {
        let mut touches = Touches::default();
        for step in &self.undo[self.undo.len() - self.steps_since(since)..] {
            touches.extend(&step.touches);
        }
        touches
    }

    /// How many undoable steps lead from state `since` to now (all of them when that state is not in the
    /// history any more, or None).
    pub fn steps_since(&self, since: Option<u64>) -> usize {
        let start = match since {
            Some(0) | None => 0,
            Some(state) => self.undo.iter().position(|step| step.id == state).map_or(0, |at| at + 1),
        };
        self.undo.len() - start
    }

    /// The edits that take the data from now back to state `since`, to apply in order; None when that
    /// state is not in the history (or None).
    pub fn back_to(&self, since: Option<u64>) -> Option<Vec<Edit>> {
        let start = match since? {
            0 => 0,
            state => self.undo.iter().position(|step| step.id == state)? + 1,
        };
        Some(self.undo[start..].iter().rev().map(|step| step.inverse.clone()).collect())
    }

    /// Starts the journal of applied edits afresh: the data now is what a file holds.
    pub fn start_journal(&mut self) {
        self.applied = Some(Vec::new());
        self.applied_records = 0;
    }

    /// Goes on with a journal restored from a recovery copy: `edits` were applied to the file since.
    pub fn resume_journal(&mut self, edits: Vec<Edit>) {
        self.applied_records = super::journal::records_in(&edits);
        self.applied = Some(edits);
    }

    /// The edits applied since the journal started, if it is kept.
    pub fn journal(&self) -> Option<&[Edit]> {
        self.applied.as_deref()
    }

    /// How many edits the journal holds (0 when it is not kept).
    pub fn journal_len(&self) -> usize {
        self.applied.as_ref().map_or(0, Vec::len)
    }

    /// The first `written` edits of the journal are in a file now (a save that started after them
    /// succeeded): they are dropped, and the journal goes on from that file. A journal that was not kept
    /// starts again only when nothing happened since the save started.
    pub fn journal_saved(&mut self, written: usize, nothing_since: bool) {
        match &mut self.applied {
            Some(applied) => {
                let written = written.min(applied.len());
                self.applied_records -= super::journal::records_in(&applied[..written]);
                applied.drain(..written);
            }
            None if nothing_since => self.start_journal(),
            None => {}
        }
    }

    fn note_applied(&mut self, edit: &Edit) {
        let Some(applied) = &mut self.applied else { return };
        self.applied_records += super::journal::records_in(std::slice::from_ref(edit));
        if self.applied_records > super::journal::MOST_RECORDS {
            self.applied = None;
        } else {
            applied.push(edit.clone());
        }
    }

    /// Ends the current typing step: the next edit starts a new one.
    pub fn seal(&mut self) {
        if let Some(last) = self.undo.last_mut() {
            last.merge_key = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::json;

    fn dataset() -> Dataset {
        let text = r#"{"format": "pledge-explorer-dataset", "version": 1, "acquisitions": [
            {"id": "a", "system": "A", "category": "c", "stage": "planned", "confidence": "high"},
            {"id": "b", "system": "B", "category": "c", "stage": "planned", "confidence": "high"}]}"#;
        json::from_str(text, "t.json").unwrap()
    }

    fn systems(dataset: &Dataset) -> Vec<&str> {
        dataset.acquisitions.iter().map(|a| dataset.text(a.system)).collect()
    }

    fn renamed(dataset: &mut Dataset, index: usize, system: &str) -> Edit {
        let mut record = dataset.acquisitions[index].clone();
        record.system = dataset.intern(system);
        Edit::Replace { index, record: Record::Acquisition(record) }
    }

    #[test]
    fn every_kind_of_edit_undoes_and_redoes() {
        let mut data = dataset();
        let mut history = History::default();
        let edit = renamed(&mut data, 0, "A2");
        history.apply(&mut data, edit, "rename".into(), None);
        let copy = Record::Acquisition(data.acquisitions[1].clone());
        history.apply(&mut data, Edit::Insert { index: 2, record: copy }, "duplicate".into(), None);
        history.apply(
            &mut data,
            Edit::Remove { collection: Collection::Acquisitions, index: 1 },
            "delete".into(),
            None,
        );
        assert_eq!(systems(&data), ["A2", "B"]);
        history.undo(&mut data);
        assert_eq!(systems(&data), ["A2", "B", "B"]);
        history.undo(&mut data);
        history.undo(&mut data);
        assert_eq!(systems(&data), ["A", "B"]);
        assert!(history.undo(&mut data).is_none());
        history.redo(&mut data);
        history.redo(&mut data);
        history.redo(&mut data);
        assert_eq!(systems(&data), ["A2", "B"]);
        assert!(history.redo(&mut data).is_none());
    }

    #[test]
    fn the_edits_back_to_a_state_rebuild_it_on_a_copy() {
        let mut data = dataset();
        let mut history = History::default();
        let edit = renamed(&mut data, 0, "A2");
        history.apply(&mut data, edit, "rename".into(), None);
        let saved = history.state_id();
        history.apply(
            &mut data,
            Edit::Remove { collection: Collection::Acquisitions, index: 1 },
            "delete".into(),
            None,
        );
        let edit = renamed(&mut data, 0, "A3");
        history.apply(&mut data, edit, "rename again".into(), None);
        let rebuild = |since| {
            let mut copy = data.clone();
            history.back_to(since).map(|edits| {
                edits.into_iter().for_each(|edit| drop(edit.apply(&mut copy)));
                systems(&copy).join(",")
            })
        };
        assert_eq!(rebuild(Some(saved)).as_deref(), Some("A2,B"));
        assert_eq!(rebuild(Some(0)).as_deref(), Some("A,B"));
        assert_eq!(rebuild(Some(999)), None, "a state the history does not reach");
        assert_eq!(rebuild(None), None);
        assert_eq!(systems(&data), ["A3"], "the data itself is untouched");
    }

    #[test]
    fn typing_in_one_field_is_one_step() {
        let mut data = dataset();
        let mut history = History::default();
        let key = Some((Collection::Acquisitions, 0, "system"));
        for text in ["A-", "A-x", "A-xy"] {
            let edit = renamed(&mut data, 0, text);
            history.apply(&mut data, edit, "edit system".into(), key);
        }
        assert_eq!(systems(&data), ["A-xy", "B"]);
        let typed = history.state_id();
        history.undo(&mut data);
        assert_eq!(systems(&data), ["A", "B"]);
        assert_eq!(history.state_id(), 0, "back to the state at load");
        history.redo(&mut data);
        assert_eq!(systems(&data), ["A-xy", "B"]);
        assert_eq!(history.state_id(), typed, "redo returns to the same state");
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let mut data = dataset();
        let mut history = History::default();
        let edit = renamed(&mut data, 0, "A2");
        history.apply(&mut data, edit, "rename".into(), None);
        history.undo(&mut data);
        let edit = renamed(&mut data, 1, "B2");
        history.apply(&mut data, edit, "rename".into(), None);
        assert!(history.redo_label().is_none());
    }
}
