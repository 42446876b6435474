//! The edits since the last save, kept in order as text: the recovery copy of a large dataset, where
//! writing the whole of it every few seconds would mean hundreds of megabytes. Replayed onto the saved
//! file, they give the data exactly as it was, in the same order.

use serde::{Deserialize, Serialize};

use super::history::Edit;
use crate::io::convert;
use crate::io::wire::{AcquisitionRecord, ActorRecord, CommitmentRecord, EventRecord, MetaRecord, SourceRecord};
use crate::model::{Collection, Dataset, Interner, Record};

/// Past this many records in the edits since the last save, the recovery copy is the whole dataset again:
/// a journal as large as the data saves nothing.
pub const MOST_RECORDS: usize = 100_000;

/// An edit as the journal writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalEdit<'a> {
    Replace {
        index: usize,
        #[serde(borrow)]
        record: JournalRecord<'a>,
    },
    Insert {
        index: usize,
        #[serde(borrow)]
        record: JournalRecord<'a>,
    },
    Remove {
        /// The collection's key ("acquisitions").
        collection: String,
        index: usize,
    },
    Meta(#[serde(borrow)] Box<MetaRecord<'a>>),
    Batch(#[serde(borrow)] Vec<JournalEdit<'a>>),
}

/// A record as the journal writes it: its collection, then its fields as the dataset file has them.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalRecord<'a> {
    Actor(#[serde(borrow)] ActorRecord<'a>),
    Source(#[serde(borrow)] SourceRecord<'a>),
    Event(#[serde(borrow)] EventRecord<'a>),
    Commitment(#[serde(borrow)] CommitmentRecord<'a>),
    Acquisition(#[serde(borrow)] AcquisitionRecord<'a>),
}

/// How many records `edits` hold.
pub fn records_in(edits: &[Edit]) -> usize {
    edits
        .iter()
        .map(|edit| match edit {
            Edit::Batch(inner) => records_in(inner),
            _ => 1,
        })
        .sum()
}

/// `edit` as text; its strings are read from `dataset`'s pool, which holds every string an edit of it
/// ever used (the pool only grows).
pub fn to_journal<'a>(edit: &'a Edit, dataset: &'a Dataset) -> JournalEdit<'a> {
    let record = |record: &'a Record| match record {
        Record::Actor(r) => JournalRecord::Actor(convert::actor_to_wire(r, dataset)),
        Record::Source(r) => JournalRecord::Source(convert::source_to_wire(r, dataset)),
        Record::Event(r) => JournalRecord::Event(convert::event_to_wire(r, dataset)),
        Record::Commitment(r) => JournalRecord::Commitment(convert::commitment_to_wire(r, dataset)),
        Record::Acquisition(r) => JournalRecord::Acquisition(convert::acquisition_to_wire(r, dataset)),
    };
    match edit {
        Edit::Replace { index, record: r } => JournalEdit::Replace { index: *index, record: record(r) },
        Edit::Insert { index, record: r } => JournalEdit::Insert { index: *index, record: record(r) },
        Edit::Remove { collection, index } => {
            JournalEdit::Remove { collection: collection.key().to_owned(), index: *index }
        }
        Edit::Meta(meta) => JournalEdit::Meta(Box::new(convert::meta_to_wire(meta))),
        Edit::Batch(edits) => JournalEdit::Batch(edits.iter().map(|edit| to_journal(edit, dataset)).collect()),
    }
}

/// The edit a journal line stands for, its strings interned into `strings`.
pub fn from_journal(edit: &JournalEdit<'_>, strings: &mut Interner) -> Result<Edit, String> {
    let record = |record: &JournalRecord<'_>, strings: &mut Interner| match record {
        JournalRecord::Actor(r) => Record::Actor(convert::actor_from_wire(r, strings)),
        JournalRecord::Source(r) => Record::Source(convert::source_from_wire(r, strings)),
        JournalRecord::Event(r) => Record::Event(convert::event_from_wire(r, strings)),
        JournalRecord::Commitment(r) => Record::Commitment(convert::commitment_from_wire(r, strings)),
        JournalRecord::Acquisition(r) => Record::Acquisition(convert::acquisition_from_wire(r, strings)),
    };
    Ok(match edit {
        JournalEdit::Replace { index, record: r } => Edit::Replace { index: *index, record: record(r, strings) },
        JournalEdit::Insert { index, record: r } => Edit::Insert { index: *index, record: record(r, strings) },
        JournalEdit::Remove { collection, index } => Edit::Remove {
            collection: Collection::from_key(collection).ok_or_else(|| format!("no table \"{collection}\""))?,
            index: *index,
        },
        JournalEdit::Meta(meta) => Edit::Meta(Box::new(convert::meta_from_wire(meta))),
        JournalEdit::Batch(edits) => {
            Edit::Batch(edits.iter().map(|edit| from_journal(edit, strings)).collect::<Result<_, _>>()?)
        }
    })
}
