//! What changed between two versions of a dataset: records added, removed and changed, matched by id and
//! compared field by field through the field table (so a change of file format, layout or record order is
//! no change), the dataset's own details, and the effect on the totals. No egui: the command line's
//! `diff`, the Changes view, merges and the reports' "Changes since" section all read a [`Diff`].

pub mod changelog;
pub mod merge;
pub mod totals;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::fields::{Table, per_collection};
use crate::model::{Collection, Dataset, Meta, Record, Symbol, Vocabulary};

pub use totals::{TotalChange, totals_effect};

/// How a record differs from one version to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 3] = [ChangeKind::Added, ChangeKind::Removed, ChangeKind::Changed];

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }

    /// The mark a line of changes starts with.
    pub fn sign(self) -> &'static str {
        match self {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "−",
            ChangeKind::Changed => "~",
        }
    }
}

/// One field of a record (or of the dataset's details) with its text before and after, as files hold it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    pub key: &'static str,
    pub label: &'static str,
    pub old: String,
    pub new: String,
}

/// A record added, removed or changed.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordChange {
    pub collection: Collection,
    pub id: String,
    pub kind: ChangeKind,
    /// Its place in the older version (removed, changed) and in the newer (added, changed).
    pub old_index: Option<usize>,
    pub new_index: Option<usize>,
    /// The fields that differ, in field-table order (changed records only).
    pub fields: Vec<FieldChange>,
}

/// Everything that differs between two datasets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// Title, release, cut-off and the rest of the dataset's details.
    pub meta: Vec<FieldChange>,
    /// By collection in the order the app shows its tables; within one, the older version's order
    /// (changed and removed), then the newer's (added).
    pub records: Vec<RecordChange>,
    /// What the changes do to the acquisitions' totals per stage, unit and currency.
    pub totals: Vec<TotalChange>,
}

impl Diff {
    /// True when the two datasets hold the same data.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty() && self.records.is_empty()
    }

    /// How many records of a collection changed this way.
    pub fn count(&self, collection: Collection, kind: ChangeKind) -> usize {
        self.records.iter().filter(|r| r.collection == collection && r.kind == kind).count()
    }

    /// "Acquisitions: 2 added, 1 changed" for every collection with changes, one per line.
    pub fn counts_text(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.meta.is_empty() {
            let keys: Vec<&str> = self.meta.iter().map(|change| change.label).collect();
            lines.push(format!("Dataset details: {} changed", keys.join(", ")));
        }
        for collection in Collection::IN_VIEW_ORDER {
            let parts: Vec<String> = ChangeKind::ALL
                .iter()
                .map(|&kind| (kind, self.count(collection, kind)))
                .filter(|&(_, n)| n > 0)
                .map(|(kind, n)| format!("{} {}", crate::model::count_text(n), kind.label()))
                .collect();
            if !parts.is_empty() {
                lines.push(format!("{}: {}", collection.label(), parts.join(", ")));
            }
        }
        lines
    }

    /// The whole diff as text: counts, each change, and the totals' effect.
    pub fn text(&self, old_name: &str, new_name: &str) -> String {
        let mut out = format!("{old_name} → {new_name}\n");
        if self.is_empty() {
            out.push_str("No changes: the datasets hold the same data.\n");
            return out;
        }
        for line in self.counts_text() {
            out.push_str(&format!("{line}\n"));
        }
        out.push('\n');
        for change in &self.meta {
            out.push_str(&format!("~ dataset {}: {}\n", change.label, change.describe()));
        }
        for record in &self.records {
            out.push_str(&format!("{} {} {}", record.kind.sign(), record.collection.singular(), record.id));
            if !record.fields.is_empty() {
                let fields: Vec<String> =
                    record.fields.iter().map(|field| format!("{}: {}", field.label, field.describe())).collect();
                out.push_str(&format!(": {}", fields.join("; ")));
            }
            out.push('\n');
        }
        if !self.totals.is_empty() {
            out.push_str("\nEffect on the totals:\n");
            for total in &self.totals {
                out.push_str(&format!("  {}\n", total.text()));
            }
        }
        out
    }

    /// The whole diff as JSON, for scripts.
    pub fn json(&self, old_name: &str, new_name: &str) -> serde_json::Value {
        let fields = |fields: &[FieldChange]| -> Vec<serde_json::Value> {
            fields
                .iter()
                .map(|field| serde_json::json!({ "field": field.key, "old": field.old, "new": field.new }))
                .collect()
        };
        let records: Vec<serde_json::Value> = self
            .records
            .iter()
            .map(|record| {
                let mut value = serde_json::json!({
                    "collection": record.collection.key(),
                    "id": record.id,
                    "change": record.kind.label(),
                });
                if !record.fields.is_empty() {
                    value["fields"] = fields(&record.fields).into();
                }
                value
            })
            .collect();
        let totals: Vec<serde_json::Value> = self
            .totals
            .iter()
            .map(|total| {
                serde_json::json!({
                    "stage": total.stage.key(),
                    "figure": total.figure,
                    "change": total.change,
                })
            })
            .collect();
        serde_json::json!({
            "old": old_name,
            "new": new_name,
            "same": self.is_empty(),
            "meta": fields(&self.meta),
            "records": records,
            "totals": totals,
        })
    }
}

impl FieldChange {
    /// "700 → 750", with "(empty)" for a field without text.
    pub fn describe(&self) -> String {
        let shown = |text: &str| if text.is_empty() { "(empty)".to_owned() } else { text.replace('\n', " ⏎ ") };
        format!("{} → {}", shown(&self.old), shown(&self.new))
    }
}

/// What differs between `old` and `new`.
pub fn diff(old: &Dataset, new: &Dataset) -> Diff {
    // Where each string of the older pool is in the newer one.
    let translate: Vec<Option<Symbol>> =
        (0..old.strings.len()).into_par_iter().map(|index| new.strings.get(old.strings.resolve_index(index))).collect();
    let mut records = Vec::new();
    for collection in Collection::IN_VIEW_ORDER {
        records.extend(per_collection!(collection, T => diff_table::<T>(old, new, &translate)));
    }
    Diff { meta: diff_meta(&old.meta, &new.meta), records, totals: totals_effect(old, new) }
}

/// Pairs the records of one collection by id: each record of `old` with the first record of `new` that
/// has its id and is not taken yet (so that a repeated id pairs in order).
fn pairs<T: Table>(old: &Dataset, new: &Dataset) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let (old_records, new_records) = (T::all(old), T::all(new));
    let mut by_id: FxHashMap<&str, smallvec::SmallVec<[u32; 1]>> = FxHashMap::default();
    by_id.reserve(new_records.len());
    for (index, record) in new_records.iter().enumerate() {
        by_id.entry(new.text(record.id())).or_default().push(index as u32);
    }
    let mut taken = vec![false; new_records.len()];
    let mut matched = Vec::with_capacity(old_records.len());
    let mut removed = Vec::new();
    for (index, record) in old_records.iter().enumerate() {
        let candidates = by_id.get(old.text(record.id()));
        match candidates.and_then(|list| list.iter().map(|&i| i as usize).find(|&i| !taken[i])) {
            Some(at) => {
                taken[at] = true;
                matched.push((index, at));
            }
            None => removed.push(index),
        }
    }
    let added = (0..new_records.len()).filter(|&index| !taken[index]).collect();
    (matched, removed, added)
}

fn diff_table<T: Table + Sync + Send>(old: &Dataset, new: &Dataset, translate: &[Option<Symbol>]) -> Vec<RecordChange> {
    let (matched, removed, added) = pairs::<T>(old, new);
    let (old_records, new_records) = (T::all(old), T::all(new));
    let id = |dataset: &Dataset, record: &T| dataset.text(record.id()).to_owned();
    let whole = |kind, old_index: Option<usize>, new_index: Option<usize>, id: String| RecordChange {
        collection: T::COLLECTION,
        id,
        kind,
        old_index,
        new_index,
        fields: Vec::new(),
    };
    // Two buffers per worker, reused for every field of every pair: comparing allocates nothing.
    let changed: Vec<RecordChange> = matched
        .par_iter()
        .map_init(
            || (String::new(), String::new()),
            |(before, after), &(old_index, new_index)| {
                let (old_record, new_record) = (&old_records[old_index], &new_records[new_index]);
                if old_record.same_across(new_record, translate) {
                    return None;
                }
                let fields = differing_fields(old_record, old, new_record, new, before, after);
                (!fields.is_empty()).then(|| RecordChange {
                    fields,
                    ..whole(ChangeKind::Changed, Some(old_index), Some(new_index), id(old, &old_records[old_index]))
                })
            },
        )
        .flatten()
        .collect();
    // Changed and removed in the older version's order, then added in the newer's.
    let mut changes: Vec<RecordChange> = changed;
    changes.extend(
        removed.into_iter().map(|index| whole(ChangeKind::Removed, Some(index), None, id(old, &old_records[index]))),
    );
    changes.sort_by_key(|change| change.old_index);
    changes.extend(
        added.into_iter().map(|index| whole(ChangeKind::Added, None, Some(index), id(new, &new_records[index]))),
    );
    changes
}

/// The fields whose file texts differ between two records of one collection, each in its own dataset.
pub fn differing_fields<T: Table>(
    old_record: &T,
    old: &Dataset,
    new_record: &T,
    new: &Dataset,
    before: &mut String,
    after: &mut String,
) -> Vec<FieldChange> {
    let mut fields = Vec::new();
    for field in T::FIELDS {
        before.clear();
        after.clear();
        (field.write)(old_record, old, before);
        (field.write)(new_record, new, after);
        if before != after {
            fields.push(FieldChange { key: field.key, label: field.label, old: before.clone(), new: after.clone() });
        }
    }
    fields
}

/// The labels of the fields that differ between two versions of one record of `dataset` (an edit's
/// before and after).
pub fn fields_changed(old: &Record, new: &Record, dataset: &Dataset) -> Vec<&'static str> {
    let (mut before, mut after) = (String::new(), String::new());
    let changes = match (old, new) {
        (Record::Actor(a), Record::Actor(b)) => differing_fields(a, dataset, b, dataset, &mut before, &mut after),
        (Record::Source(a), Record::Source(b)) => differing_fields(a, dataset, b, dataset, &mut before, &mut after),
        (Record::Event(a), Record::Event(b)) => differing_fields(a, dataset, b, dataset, &mut before, &mut after),
        (Record::Commitment(a), Record::Commitment(b)) => {
            differing_fields(a, dataset, b, dataset, &mut before, &mut after)
        }
        (Record::Acquisition(a), Record::Acquisition(b)) => {
            differing_fields(a, dataset, b, dataset, &mut before, &mut after)
        }
        _ => Vec::new(),
    };
    changes.into_iter().map(|change| change.label).collect()
}

/// The dataset's details that differ.
pub fn diff_meta(old: &Meta, new: &Meta) -> Vec<FieldChange> {
    let changelog = |meta: &Meta| -> String {
        meta.changelog.iter().map(|entry| format!("{}: {}", entry.date, entry.text)).collect::<Vec<_>>().join("\n")
    };
    let date = |meta: &Meta| meta.cutoff.map(|date| date.to_string()).unwrap_or_default();
    let texts: [(&'static str, &'static str, String, String); 7] = [
        ("title", "title", old.title.clone(), new.title.clone()),
        ("description", "description", old.description.clone(), new.description.clone()),
        ("release", "release", old.release.clone(), new.release.clone()),
        ("cutoff", "cut-off", date(old), date(new)),
        ("licence", "licence", old.licence.clone(), new.licence.clone()),
        ("authors", "authors", old.authors.join("; "), new.authors.join("; ")),
        ("changelog", "change log", changelog(old), changelog(new)),
    ];
    texts
        .into_iter()
        .filter(|(_, _, old, new)| old != new)
        .map(|(key, label, old, new)| FieldChange { key, label, old, new })
        .collect()
}

#[cfg(test)]
mod tests;
