//! Bringing another copy of a dataset into the open one. Each difference is a proposal that can be taken
//! as changes. Given the common base both copies descend from, the merge is three-way: what only the other
//! copy changed is proposed, what only ours changed is kept, and a field both changed differently (or a
//! record one side removed and the other changed) is a conflict, listed with both values and taken only
//! when the user asks for that one.

use rustc_hash::FxHashMap;

use super::{ChangeKind, FieldChange, RecordChange, diff};
use crate::model::fields;
use crate::model::{Change, Collection, Dataset, Interner, Meta};

/// A field as the three versions have it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedField {
    pub key: &'static str,
    pub label: &'static str,
    /// None in a two-way comparison.
    pub base: Option<String>,
    pub ours: String,
    pub theirs: String,
    /// Both sides changed it from the base, to different values.
    pub conflict: bool,
}

/// One record the other copy has differently.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub collection: Collection,
    pub id: String,
    /// What taking it does to ours: add their record, remove ours, or change fields of ours.
    pub kind: ChangeKind,
    pub ours_index: Option<usize>,
    pub theirs_index: Option<usize>,
    /// The fields taking it changes (changed records), or that ours changed (a record they removed).
    pub fields: Vec<ProposedField>,
    /// Ours changed a record they removed, or removed one they changed.
    pub conflict: bool,
}

impl Proposal {
    /// True when some part of it is a conflict.
    pub fn has_conflict(&self) -> bool {
        self.conflict || self.fields.iter().any(|field| field.conflict)
    }
}

/// What the other copy would change in ours.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Merge {
    pub proposals: Vec<Proposal>,
    /// The dataset's details they have differently.
    pub meta: Vec<ProposedField>,
    /// True when a common base was given.
    pub three_way: bool,
    /// Records ours changed since the base that theirs did not: kept as they are.
    pub ours_only: usize,
    /// What taking every proposal would do to the totals (two-way: theirs against ours).
    pub totals: Vec<super::TotalChange>,
}

impl Merge {
    pub fn conflicts(&self) -> usize {
        self.proposals.iter().filter(|p| p.has_conflict()).count() + self.meta.iter().filter(|f| f.conflict).count()
    }

    /// Proposals (and the details) with something Take All takes: all but what is only conflicts.
    pub fn takeable(&self) -> usize {
        let takes =
            |p: &Proposal| !p.conflict && (p.kind != ChangeKind::Changed || p.fields.iter().any(|f| !f.conflict));
        self.proposals.iter().filter(|p| takes(p)).count() + usize::from(self.meta.iter().any(|f| !f.conflict))
    }

    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty() && self.meta.is_empty()
    }
}

/// What `theirs` would change in `ours`; three-way when `base` is the version both descend from.
pub fn merge(ours: &Dataset, theirs: &Dataset, base: Option<&Dataset>) -> Merge {
    let Some(base) = base else {
        let two_way = diff(ours, theirs);
        let field = |change: &FieldChange| ProposedField {
            key: change.key,
            label: change.label,
            base: None,
            ours: change.old.clone(),
            theirs: change.new.clone(),
            conflict: false,
        };
        let proposals = two_way
            .records
            .iter()
            .map(|change| Proposal {
                collection: change.collection,
                id: change.id.clone(),
                kind: change.kind,
                ours_index: change.old_index,
                theirs_index: change.new_index,
                fields: change.fields.iter().map(field).collect(),
                conflict: false,
            })
            .collect();
        let meta = two_way.meta.iter().map(field).collect();
        return Merge { proposals, meta, three_way: false, ours_only: 0, totals: two_way.totals };
    };
    let (theirs_diff, ours_diff) = (diff(base, theirs), diff(base, ours));
    let ours_changes: FxHashMap<(Collection, &str), &RecordChange> =
        ours_diff.records.iter().map(|change| ((change.collection, change.id.as_str()), change)).collect();
    let ours_index = IdIndex::new(ours);
    let mut proposals = Vec::new();
    let mut touched = 0;
    for change in &theirs_diff.records {
        let ours_change = ours_changes.get(&(change.collection, change.id.as_str())).copied();
        touched += usize::from(ours_change.is_some());
        let at = ours_index.get(change.collection, &change.id);
        let proposal = |kind, fields, conflict| Proposal {
            collection: change.collection,
            id: change.id.clone(),
            kind,
            ours_index: at,
            theirs_index: change.new_index,
            fields,
            conflict,
        };
        match (change.kind, ours_change.map(|c| c.kind)) {
            // Added on both sides: the same unless their fields say otherwise.
            (ChangeKind::Added, Some(ChangeKind::Added)) => {
                let (Some(ours_at), Some(theirs_at)) = (at, change.new_index) else { continue };
                let fields = both_added(ours, ours_at, theirs, theirs_at, change.collection);
                if !fields.is_empty() {
                    proposals.push(proposal(ChangeKind::Changed, fields, false));
                }
            }
            (ChangeKind::Added, _) => proposals.push(proposal(ChangeKind::Added, Vec::new(), false)),
            (ChangeKind::Removed, Some(ChangeKind::Removed)) => {}
            (ChangeKind::Removed, Some(ChangeKind::Changed)) => {
                let fields = ours_change.map(|c| as_ours(&c.fields)).unwrap_or_default();
                proposals.push(proposal(ChangeKind::Removed, fields, true));
            }
            (ChangeKind::Removed, _) => proposals.push(proposal(ChangeKind::Removed, Vec::new(), false)),
            (ChangeKind::Changed, Some(ChangeKind::Removed)) => {
                let fields = as_theirs(&change.fields, &[]);
                proposals.push(proposal(ChangeKind::Added, fields, true));
            }
            (ChangeKind::Changed, ours_kind) => {
                let ours_fields = match ours_kind {
                    Some(ChangeKind::Changed) => ours_change.map(|c| c.fields.as_slice()).unwrap_or_default(),
                    _ => &[],
                };
                let fields = as_theirs(&change.fields, ours_fields);
                if !fields.is_empty() {
                    proposals.push(proposal(ChangeKind::Changed, fields, false));
                }
            }
        }
    }
    let meta = as_theirs(&theirs_diff.meta, &ours_diff.meta);
    let ours_only = ours_diff.records.len().saturating_sub(touched);
    let totals = super::totals_effect(ours, theirs);
    Merge { proposals, meta, three_way: true, ours_only, totals }
}

/// Their changes to fields against the base, each marked a conflict where ours changed it otherwise and
/// left out where ours changed it the same way.
fn as_theirs(theirs: &[FieldChange], ours: &[FieldChange]) -> Vec<ProposedField> {
    theirs
        .iter()
        .filter_map(|field| {
            let ours_field = ours.iter().find(|o| o.key == field.key);
            if ours_field.is_some_and(|o| o.new == field.new) {
                return None;
            }
            Some(ProposedField {
                key: field.key,
                label: field.label,
                base: Some(field.old.clone()),
                ours: ours_field.map_or_else(|| field.old.clone(), |o| o.new.clone()),
                theirs: field.new.clone(),
                conflict: ours_field.is_some(),
            })
        })
        .collect()
}

/// Our changes to a record they removed: what taking the removal would lose.
fn as_ours(ours: &[FieldChange]) -> Vec<ProposedField> {
    ours.iter()
        .map(|field| ProposedField {
            key: field.key,
            label: field.label,
            base: Some(field.old.clone()),
            ours: field.new.clone(),
            theirs: String::new(),
            conflict: true,
        })
        .collect()
}

/// A record both sides added under one id: each field where they differ is a conflict.
fn both_added(
    ours: &Dataset,
    ours_at: usize,
    theirs: &Dataset,
    theirs_at: usize,
    collection: Collection,
) -> Vec<ProposedField> {
    let (ours_texts, theirs_texts) =
        (fields::texts(ours, collection, ours_at), fields::texts(theirs, collection, theirs_at));
    fields::specs(collection)
        .into_iter()
        .zip(ours_texts.into_iter().zip(theirs_texts))
        .filter(|(_, (o, t))| o != t)
        .map(|(spec, (ours, theirs))| ProposedField {
            key: spec.key,
            label: spec.label,
            base: None,
            ours,
            theirs,
            conflict: true,
        })
        .collect()
}

/// The place of each record of a dataset by collection and id.
struct IdIndex<'d> {
    places: FxHashMap<(Collection, &'d str), usize>,
}

impl<'d> IdIndex<'d> {
    fn new(dataset: &'d Dataset) -> Self {
        let mut places = FxHashMap::default();
        for collection in Collection::ALL {
            fields::per_collection!(collection, T => {
                for (index, record) in <T as fields::Table>::all(dataset).iter().enumerate() {
                    places.entry((collection, dataset.text(fields::Table::id(record)))).or_insert(index);
                }
            });
        }
        IdIndex { places }
    }

    fn get(&self, collection: Collection, id: &str) -> Option<usize> {
        self.places.get(&(collection, id)).copied()
    }
}

/// The changes that take `chosen` proposals (by index) of `merge` into `ours`, and the details when
/// `take_meta`. A conflict is taken only when `with_conflicts`: else its conflicting fields are left as
/// ours has them and a conflicting removal or re-adding is not made. Records are read into `strings`
/// (a copy of our pool, to adopt with the changes). Changes come in an order that keeps every index
/// right: replacements, then removals from the end, then additions.
pub fn take(
    merge: &Merge,
    chosen: &[usize],
    take_meta: bool,
    with_conflicts: bool,
    ours: &Dataset,
    theirs: &Dataset,
    strings: &mut Interner,
) -> Result<Vec<Change>, String> {
    let (mut replaced, mut removed, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for proposal in chosen.iter().filter_map(|&index| merge.proposals.get(index)) {
        if proposal.conflict && !with_conflicts {
            continue;
        }
        let collection = proposal.collection;
        let problem = |error: fields::FieldError| format!("{} {}: {error}", collection.singular(), proposal.id);
        match (proposal.kind, proposal.ours_index, proposal.theirs_index) {
            (ChangeKind::Added, _, Some(theirs_at)) => {
                let texts = fields::texts(theirs, collection, theirs_at);
                added.push(Change::Add(fields::read_texts(collection, &texts, strings).map_err(problem)?));
            }
            (ChangeKind::Removed, Some(ours_at), _) => removed.push((collection, ours_at)),
            (ChangeKind::Changed, Some(ours_at), _) => {
                let mut texts = fields::texts(ours, collection, ours_at);
                let mut any = false;
                for field in proposal.fields.iter().filter(|field| with_conflicts || !field.conflict) {
                    if let Some(at) = fields::position(collection, field.key) {
                        texts[at].clone_from(&field.theirs);
                        any = true;
                    }
                }
                if any {
                    let record = fields::read_texts(collection, &texts, strings).map_err(problem)?;
                    replaced.push(Change::Replace(ours_at, record));
                }
            }
            _ => {}
        }
    }
    removed.sort_unstable_by_key(|&(_, index)| std::cmp::Reverse(index));
    let mut changes = replaced;
    changes.extend(removed.into_iter().map(|(collection, index)| Change::Remove(collection, index)));
    changes.extend(added);
    if take_meta {
        let keys: Vec<&str> =
            merge.meta.iter().filter(|field| with_conflicts || !field.conflict).map(|field| field.key).collect();
        if !keys.is_empty() {
            changes.push(Change::Meta(Box::new(meta_with(&ours.meta, &theirs.meta, &keys))));
        }
    }
    Ok(changes)
}

/// Our details with the fields named by `keys` as theirs has them.
fn meta_with(ours: &Meta, theirs: &Meta, keys: &[&str]) -> Meta {
    let mut meta = ours.clone();
    for key in keys {
        match *key {
            "title" => meta.title.clone_from(&theirs.title),
            "description" => meta.description.clone_from(&theirs.description),
            "release" => meta.release.clone_from(&theirs.release),
            "cutoff" => meta.cutoff = theirs.cutoff,
            "licence" => meta.licence.clone_from(&theirs.licence),
            "authors" => meta.authors.clone_from(&theirs.authors),
            "changelog" => meta.changelog.clone_from(&theirs.changelog),
            _ => {}
        }
    }
    meta
}

/// What the tables mark in one of our records while a comparison is open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordMark {
    /// Taking the proposal removes the record.
    pub removed: bool,
    /// The fields the other version has otherwise: key, their text, and whether it is a conflict.
    pub fields: Vec<(&'static str, String, bool)>,
}

impl RecordMark {
    /// The change in a column: its field, or a part of it ("quantity_unit" in the "quantity" column).
    pub fn column(&self, key: &str) -> Option<&(&'static str, String, bool)> {
        self.fields
            .iter()
            .find(|(field, _, _)| *field == key || field.strip_prefix(key).is_some_and(|rest| rest.starts_with('_')))
    }
}

/// Our records the proposals touch, by collection and place.
pub type Marks = FxHashMap<(Collection, usize), RecordMark>;

impl Merge {
    pub fn marks(&self) -> Marks {
        self.proposals
            .iter()
            .filter_map(|proposal| {
                let at = proposal.ours_index?;
                let mark = match proposal.kind {
                    ChangeKind::Removed => RecordMark { removed: true, fields: Vec::new() },
                    _ => RecordMark {
                        removed: false,
                        fields: proposal.fields.iter().map(|f| (f.key, f.theirs.clone(), f.conflict)).collect(),
                    },
                };
                Some(((proposal.collection, at), mark))
            })
            .collect()
    }
}
