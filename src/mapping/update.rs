//! A newer export of a source brought into a dataset that holds an older one: the same deals are updated
//! in place, not added again. A deal is the same when its id is (SIPRI's deal id, or the id made from its
//! recipient, supplier, designation and year of order), else when those four agree. What changed, what is
//! new and what is as it was are counted for the user; deals the older export had and the newer one lacks
//! are kept, and counted too.

use std::collections::{HashMap, HashSet};

use crate::model::{Acquisition, Collection, Dataset, Interner, Record};

use super::Change;

/// The changes that bring a dataset up to a newer export, for one undoable step, and what they amount to.
pub struct Update {
    /// The dataset's strings with the export's added: the changes' symbols are in it.
    pub strings: Interner,
    pub changes: Vec<Change>,
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Acquisitions citing the export's source that the newer export does not have.
    pub not_in_export: usize,
}

impl Update {
    /// "12 added, 3 changed, 27,938 unchanged".
    pub fn describe(&self) -> String {
        let n = |count: usize| crate::model::count_text(count);
        let mut text = format!("{} added, {} changed, {} unchanged", n(self.added), n(self.changed), n(self.unchanged));
        if self.not_in_export > 0 {
            text.push_str(&format!("; {} from an earlier export not in this one, kept", n(self.not_in_export)));
        }
        text
    }
}

/// Recipient, supplier, designation and year of order.
type DealKey = (Vec<String>, String, String, Option<i16>);

fn deal_key(dataset: &Dataset, record: &Acquisition) -> DealKey {
    let mut buyers: Vec<String> = record.buyers.iter().map(|&b| dataset.text(b).to_owned()).collect();
    buyers.sort();
    (
        buyers,
        dataset.text_or_empty(record.supplier).to_owned(),
        dataset.text(record.system).to_lowercase(),
        record.date.map(|date| date.year()),
    )
}

/// What bringing `imported` (one export, read whole) into `dataset` changes.
pub fn update(dataset: &Dataset, imported: &Dataset) -> Update {
    let mut strings = dataset.strings.clone();
    let mut changes = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    for collection in Collection::ALL {
        for index in 0..dataset.len(collection) {
            if let Some(record) = dataset.record(collection, index) {
                taken.insert(dataset.text(record.id()).to_owned());
            }
        }
    }
    for actor in &imported.actors {
        let id = imported.text(actor.id);
        if !dataset.actors.iter().any(|a| dataset.text(a.id) == id) {
            let mut actor = actor.clone();
            actor.id = strings.intern(id);
            changes.push(Change::Add(Record::Actor(actor)));
        }
    }
    for source in &imported.sources {
        let id = imported.text(source.id);
        let mut source = source.clone();
        source.id = strings.intern(id);
        match dataset.sources.iter().position(|s| dataset.text(s.id) == id) {
            Some(at) if dataset.sources[at] == source => {}
            Some(at) => changes.push(Change::Replace(at, Record::Source(source))),
            None => changes.push(Change::Add(Record::Source(source))),
        }
    }
    let by_id: HashMap<&str, usize> =
        dataset.acquisitions.iter().enumerate().map(|(index, record)| (dataset.text(record.id), index)).collect();
    let mut by_key: HashMap<DealKey, usize> = HashMap::new();
    for (index, record) in dataset.acquisitions.iter().enumerate() {
        by_key.entry(deal_key(dataset, record)).or_insert(index);
    }
    let mut matched: HashSet<usize> = HashSet::new();
    let (mut added, mut changed, mut unchanged) = (0, 0, 0);
    for record in &imported.acquisitions {
        let id = imported.text(record.id);
        let at = by_id
            .get(id)
            .or_else(|| by_key.get(&deal_key(imported, record)))
            .copied()
            .filter(|at| !matched.contains(at));
        let mut new = record.clone();
        new.map_symbols(|symbol| strings.intern(imported.text(symbol)));
        match at {
            Some(at) => {
                matched.insert(at);
                let there = &dataset.acquisitions[at];
                new.id = there.id;
                if *there == new {
                    unchanged += 1;
                } else {
                    changed += 1;
                    changes.push(Change::Replace(at, Record::Acquisition(new)));
                }
            }
            None => {
                if taken.contains(id) {
                    let free = (2..).map(|n| format!("{id}-{n}")).find(|id| !taken.contains(id)).unwrap_or_default();
                    new.id = strings.intern(&free);
                    taken.insert(free);
                } else {
                    taken.insert(id.to_owned());
                }
                added += 1;
                changes.push(Change::Add(Record::Acquisition(new)));
            }
        }
    }
    let sources: HashSet<&str> = imported.sources.iter().map(|source| imported.text(source.id)).collect();
    let not_in_export = dataset
        .acquisitions
        .iter()
        .enumerate()
        .filter(|(index, record)| {
            !matched.contains(index) && record.sources.iter().any(|&s| sources.contains(dataset.text(s)))
        })
        .count();
    Update { strings, changes, added, changed, unchanged, not_in_export }
}
