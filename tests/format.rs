//! The published schema matches the types, and the embedded default dataset is complete and clean.

use pledge_explorer::io;
use pledge_explorer::model::validate::validate;

#[test]
fn the_published_schema_matches_the_types() {
    let generated = io::schema::dataset_schema();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/dataset.schema.json"), &generated).unwrap();
    }
    assert!(
        generated == io::schema::PUBLISHED,
        "assets/dataset.schema.json is out of date: run `UPDATE_SCHEMA=1 cargo test --test format` and commit it"
    );
}

#[test]
fn the_default_dataset_loads_and_validates_without_problems() {
    let text = include_str!("../assets/default-dataset.json");
    let dataset = io::json::from_str(text, "default-dataset.json").unwrap();
    assert_eq!(validate(&dataset), vec![]);
    assert_eq!(dataset.acquisitions.len(), 22);
    assert_eq!(dataset.commitments.len(), 12);
    assert_eq!(dataset.events.len(), 9);
    // Saving gives back the file byte for byte: the asset is in the canonical form.
    assert!(io::json::to_string(&dataset) == text, "assets/default-dataset.json is not in the form the app saves");
}

/// Every record cites at least one source, as FACTS.md requires, and the "not established" facts
/// stay unestablished: no per-country split of the Patriot framework, no number for "thousands".
#[test]
fn the_default_dataset_is_sourced_and_invents_nothing() {
    let dataset = io::default_dataset();
    assert!(dataset.acquisitions.iter().all(|a| !a.sources.is_empty()));
    assert!(dataset.commitments.iter().all(|c| !c.provenance.sources.is_empty()));
    assert!(dataset.events.iter().all(|e| !e.provenance.sources.is_empty()));
    let find = |id: &str| dataset.acquisitions.iter().find(|a| dataset.text(a.id) == id).unwrap();
    let thousands = find("ad-artillery").quantity.as_ref().unwrap();
    assert_eq!((thousands.count, thousands.text.as_deref()), (None, Some("thousands")));
    let stinger = find("stinger").value.unwrap();
    assert_eq!(stinger.currency.as_str(), "USD", "no euro value for the Stinger order is established");
    let pledge = dataset.commitments.iter().find(|c| dataset.text(c.id) == "icep").unwrap();
    assert_eq!(pledge.adopted.map(|d| d.to_string()), Some("2024-07-10".to_owned()), "10 July, not 10 June");
}
