//! Hand-made pairs of datasets: each kind of change, changes that are none, the totals' effect, and
//! merges two- and three-way.

use super::merge::{merge, take};
use super::*;
use crate::model::{Actor, ActorKind, Confidence, Provenance, QuantityQualifier, Record, Stage};

fn base() -> Dataset {
    crate::io::default_dataset()
}

fn index_of(dataset: &Dataset, id: &str) -> usize {
    dataset.acquisitions.iter().position(|a| dataset.text(a.id) == id).expect("the default dataset has it")
}

/// Sets the count of an acquisition's quantity.
fn set_count(dataset: &mut Dataset, id: &str, count: u64) {
    let at = index_of(dataset, id);
    dataset.acquisitions[at].quantity.as_mut().expect("it has a quantity").count = Some(count);
}

fn only_record(diff: &Diff) -> &RecordChange {
    assert_eq!(diff.records.len(), 1, "{:#?}", diff.records);
    &diff.records[0]
}

#[test]
fn the_same_data_is_no_change() {
    assert!(diff(&base(), &base()).is_empty());
}

#[test]
fn reordered_records_are_no_change() {
    let mut reordered = base();
    reordered.acquisitions.reverse();
    reordered.actors.swap(0, 3);
    assert!(diff(&base(), &reordered).is_empty());
}

#[test]
fn another_file_format_or_layout_is_no_change() {
    let dataset = base();
    // Pretty JSON as the app saves it, and the CSV tables, both read back: their string pools differ from
    // the original's in order, and nothing else.
    let folder = tempfile::tempdir().expect("a temporary folder");
    let saved = folder.path().join("saved.json");
    crate::io::save::save_json(&dataset, &saved).expect("saved");
    let from_json = crate::io::load_path(&saved, None).expect("loaded");
    crate::io::csv::export_folder(&dataset, &folder.path().join("csv")).expect("exported");
    let from_csv = crate::io::csv::import_folder(&folder.path().join("csv")).expect("imported");
    assert!(diff(&dataset, &from_json).is_empty(), "{}", diff(&dataset, &from_json).text("a", "b"));
    assert!(diff(&from_json, &from_csv).is_empty(), "{}", diff(&from_json, &from_csv).text("a", "b"));
}

#[test]
fn an_added_record_is_found_by_its_id() {
    let mut new = base();
    let id = new.intern("FRA");
    let provenance = Provenance { sources: Vec::new(), confidence: Confidence::High, notes: String::new() };
    let actor = Actor { id, name: "France".into(), kind: ActorKind::State, provenance };
    new.insert(0, Record::Actor(actor));
    let diff = diff(&base(), &new);
    let change = only_record(&diff);
    assert_eq!((change.collection, change.id.as_str(), change.kind), (Collection::Actors, "FRA", ChangeKind::Added));
    assert_eq!((change.old_index, change.new_index), (None, Some(0)));
}

#[test]
fn a_removed_record_is_listed_with_its_place() {
    let mut new = base();
    let at = index_of(&new, "stinger-ita");
    new.acquisitions.remove(at);
    let diff = diff(&base(), &new);
    let change = only_record(&diff);
    assert_eq!((change.id.as_str(), change.kind, change.old_index), ("stinger-ita", ChangeKind::Removed, Some(at)));
}

#[test]
fn each_kind_of_field_changed_is_named_with_its_old_and_new_text() {
    let old = base();
    let mut new = base();
    let at = index_of(&new, "patriot-gemt-rou");
    let system = new.intern("Patriot PAC-3 MSE");
    let unit = new.intern("interceptor");
    let record = &mut new.acquisitions[at];
    record.system = system; // a symbol
    record.stage = Stage::Delivering; // a word of a closed list
    record.quantity.as_mut().expect("a quantity").count = Some(250); // a number
    record.quantity.as_mut().expect("a quantity").unit = Some(unit); // a part of a compound field
    record.quantity.as_mut().expect("a quantity").qualifier = QuantityQualifier::About;
    record.date = Some("2024-07".parse().expect("an EDTF date")); // a date
    record.notes = Some("checked again".into()); // free text
    let diff = diff(&old, &new);
    let change = only_record(&diff);
    assert_eq!(change.kind, ChangeKind::Changed);
    let keys: Vec<&str> = change.fields.iter().map(|f| f.key).collect();
    let expected: Vec<&str> = crate::model::fields::specs(Collection::Acquisitions)
        .iter()
        .map(|spec| spec.key)
        .filter(|key| {
            ["system", "stage", "quantity", "quantity_unit", "quantity_qualifier", "date", "notes"].contains(key)
        })
        .collect();
    assert_eq!(keys, expected, "in field-table order");
    let field = |key: &str| change.fields.iter().find(|f| f.key == key).expect("changed");
    assert_eq!((field("quantity").old.as_str(), field("quantity").new.as_str()), ("200", "250"));
    assert_eq!(field("stage").describe(), "contracted → delivering");
    assert_eq!(field("notes").new, "checked again");
}

#[test]
fn the_datasets_details_are_compared_too() {
    let mut new = base();
    new.meta.release = "2025.2".to_owned();
    let diff = diff(&base(), &new);
    assert!(diff.records.is_empty());
    assert_eq!(diff.meta.len(), 1);
    assert_eq!((diff.meta[0].key, diff.meta[0].new.as_str()), ("release", "2025.2"));
}

#[test]
fn the_effect_on_the_totals_is_per_stage_unit_and_kind_of_figure() {
    let mut new = base();
    set_count(&mut new, "patriot-gemt-rou", 250);
    let diff = diff(&base(), &new);
    let totals: Vec<String> = diff.totals.iter().map(TotalChange::text).collect();
    assert_eq!(totals, vec!["contracted missiles: +50 exact"]);

    // Moving an order from one stage to another moves its figures, value included.
    let mut moved = base();
    let at = index_of(&moved, "f35-cze");
    moved.acquisitions[at].stage = Stage::Contracted;
    let totals: Vec<String> = super::diff(&base(), &moved).totals.iter().map(TotalChange::text).collect();
    assert_eq!(
        totals,
        vec![
            "announced aircraft: −24 exact",
            "announced USD: −5 bn exact",
            "contracted aircraft: +24 exact",
            "contracted USD: +5 bn exact"
        ]
    );
}

#[test]
fn the_text_and_json_say_the_same() {
    let mut new = base();
    set_count(&mut new, "patriot-gemt-rou", 250);
    let diff = diff(&base(), &new);
    let text = diff.text("old.json", "new.json");
    assert!(text.contains("Acquisitions: 1 changed"), "{text}");
    assert!(text.contains("~ acquisition patriot-gemt-rou: Quantity: 200 → 250"), "{text}");
    assert!(text.contains("contracted missiles: +50 exact"), "{text}");
    let json = diff.json("old.json", "new.json");
    assert_eq!(json["same"], false);
    assert_eq!(json["records"][0]["fields"][0]["new"], "250");
}

#[test]
fn two_way_every_difference_is_a_proposal_and_taking_them_all_gives_theirs() {
    let ours = base();
    let mut theirs = base();
    set_count(&mut theirs, "patriot-gemt-rou", 250);
    let removed = index_of(&theirs, "stinger-ita");
    theirs.acquisitions.remove(removed);
    theirs.meta.release = "2025.2".to_owned();
    let merged = merge(&ours, &theirs, None);
    assert!(!merged.three_way);
    assert_eq!(merged.proposals.len(), 2);
    assert_eq!(merged.conflicts(), 0);
    let mut strings = ours.strings.clone();
    let all: Vec<usize> = (0..merged.proposals.len()).collect();
    let changes = take(&merged, &all, true, false, &ours, &theirs, &mut strings).expect("taken");
    let mut result = ours.clone();
    result.strings = strings;
    result.apply(changes);
    assert!(diff(&result, &theirs).is_empty(), "{}", diff(&result, &theirs).text("merged", "theirs"));
}

#[test]
fn three_way_takes_what_only_they_changed_and_keeps_ours() {
    let base = base();
    let mut ours = base.clone();
    set_count(&mut ours, "stinger-deu", 510);
    let mut theirs = base.clone();
    set_count(&mut theirs, "patriot-gemt-rou", 250);
    let merged = merge(&ours, &theirs, Some(&base));
    assert!(merged.three_way);
    assert_eq!(merged.ours_only, 1);
    assert_eq!(merged.proposals.len(), 1, "our change is not proposed back: {:#?}", merged.proposals);
    assert_eq!(merged.conflicts(), 0);
    let proposal = &merged.proposals[0];
    assert_eq!((proposal.id.as_str(), proposal.fields[0].base.as_deref()), ("patriot-gemt-rou", Some("200")));
    let mut strings = ours.strings.clone();
    let changes = take(&merged, &[0], false, false, &ours, &theirs, &mut strings).expect("taken");
    let mut result = ours.clone();
    result.strings = strings;
    result.apply(changes);
    let rou = index_of(&result, "patriot-gemt-rou");
    let deu = index_of(&result, "stinger-deu");
    assert_eq!(result.acquisitions[rou].quantity.as_ref().and_then(|q| q.count), Some(250));
    assert_eq!(result.acquisitions[deu].quantity.as_ref().and_then(|q| q.count), Some(510));
}

#[test]
fn three_way_conflicts_are_listed_with_both_values_and_never_taken_silently() {
    let base = base();
    let mut ours = base.clone();
    set_count(&mut ours, "patriot-gemt-rou", 220);
    let at = index_of(&ours, "patriot-gemt-rou");
    ours.acquisitions[at].notes = Some("ours".into());
    let mut theirs = base.clone();
    set_count(&mut theirs, "patriot-gemt-rou", 250);
    let at = index_of(&theirs, "patriot-gemt-rou");
    theirs.acquisitions[at].stage = Stage::Delivering;
    // A record they removed and ours changed.
    let removed = index_of(&theirs, "stinger-ita");
    theirs.acquisitions.remove(removed);
    set_count(&mut ours, "stinger-ita", 250);
    let merged = merge(&ours, &theirs, Some(&base));
    assert_eq!(merged.conflicts(), 2, "{:#?}", merged.proposals);
    let rou = merged.proposals.iter().find(|p| p.id == "patriot-gemt-rou").expect("proposed");
    let quantity = rou.fields.iter().find(|f| f.key == "quantity").expect("listed");
    assert!(quantity.conflict);
    assert_eq!(
        (quantity.ours.as_str(), quantity.theirs.as_str(), quantity.base.as_deref()),
        ("220", "250", Some("200"))
    );
    let stage = rou.fields.iter().find(|f| f.key == "stage").expect("listed");
    assert!(!stage.conflict, "only they changed the stage");
    let ita = merged.proposals.iter().find(|p| p.id == "stinger-ita").expect("proposed");
    assert!(ita.conflict && ita.kind == ChangeKind::Removed);

    // Taking everything without conflicts: the stage comes, the count and the removal do not.
    let all: Vec<usize> = (0..merged.proposals.len()).collect();
    let mut strings = ours.strings.clone();
    let changes = take(&merged, &all, true, false, &ours, &theirs, &mut strings).expect("taken");
    let mut result = ours.clone();
    result.strings = strings;
    result.apply(changes);
    let at = index_of(&result, "patriot-gemt-rou");
    assert_eq!(result.acquisitions[at].stage, Stage::Delivering);
    assert_eq!(result.acquisitions[at].quantity.as_ref().and_then(|q| q.count), Some(220));
    assert!(result.acquisitions.iter().any(|a| result.text(a.id) == "stinger-ita"));

    // Taking a conflict when asked: theirs wins that record.
    let index = merged.proposals.iter().position(|p| p.id == "patriot-gemt-rou").expect("proposed");
    let mut strings = ours.strings.clone();
    let changes = take(&merged, &[index], false, true, &ours, &theirs, &mut strings).expect("taken");
    let mut result = ours.clone();
    result.strings = strings;
    result.apply(changes);
    let at = index_of(&result, "patriot-gemt-rou");
    assert_eq!(result.acquisitions[at].quantity.as_ref().and_then(|q| q.count), Some(250));
}

#[test]
fn a_repeated_id_is_paired_in_order() {
    let mut old = base();
    let copy = old.acquisitions[0].clone();
    old.acquisitions.push(copy);
    let mut new = old.clone();
    let last = new.acquisitions.len() - 1;
    new.acquisitions[last].quantity.as_mut().expect("a quantity").count = Some(7);
    let diff = diff(&old, &new);
    let change = only_record(&diff);
    assert_eq!((change.kind, change.old_index), (ChangeKind::Changed, Some(last)));
}
