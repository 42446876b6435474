//! Every field of every field table, round-tripped: its text read by the record editor's parser (the same
//! reader a table cell uses), written to JSON and CSV and read back, and shown in a table cell.

use pledge_explorer::io::{csv, json};
use pledge_explorer::model::fields::{self, Kind, Spec};
use pledge_explorer::model::{Collection, Dataset, FuzzyDate, PartialDate};

/// A value of the field's kind as a file holds it (canonical, so that it reads back to the same text),
/// with the characters that trouble CSV and spreadsheets in free text.
fn sample(spec: &Spec) -> String {
    match spec.kind {
        Kind::Id => "rec-1".to_owned(),
        Kind::Text => "Patriot, \"GEM-T\"; =SUM(A1)".to_owned(),
        Kind::LongText => "first line\nsecond line, with a comma".to_owned(),
        Kind::Word => "air and missile defence".to_owned(),
        // The last word, so that it is never the value a blank record starts with.
        Kind::Vocabulary(choices) => choices[choices.len() - 1].0.to_owned(),
        Kind::Date => "2024-07~/2029?".to_owned(),
        Kind::Count => "1000".to_owned(),
        Kind::Amount => "700000000.5".to_owned(),
        Kind::Currency => "EUR".to_owned(),
        Kind::Year => "2023".to_owned(),
        Kind::Reference(_) => "nato".to_owned(),
        Kind::References(_) => "deu;nld".to_owned(),
        Kind::AnyReferences => "vilnius-2023;pledge".to_owned(),
        Kind::Deliveries => "2024:12; 2025-03:about 30 [src-1]; :?".to_owned(),
    }
}

fn today() -> FuzzyDate {
    FuzzyDate::Single(PartialDate::of_year(2026))
}

/// A dataset holding one record of `collection`, read from `texts`.
fn dataset_with(collection: Collection, texts: &[String]) -> Dataset {
    let mut dataset = Dataset::default();
    let record = fields::read_texts(collection, texts, &mut dataset.strings)
        .unwrap_or_else(|error| panic!("{collection:?} reads {texts:?}: {error}"));
    dataset.insert(0, record);
    dataset
}

/// The record's text after a trip through JSON and through CSV.
fn after_files(collection: Collection, dataset: &Dataset) -> (Vec<String>, Vec<String>) {
    let text = json::to_string(dataset);
    let from_json = json::from_str(&text, "trip.json").unwrap_or_else(|error| panic!("{error}\n{text}"));
    let mut table = Vec::new();
    csv::write_table(dataset, collection, &mut table).unwrap();
    let from_csv = csv::import_table(collection, &table, "trip.csv").unwrap();
    (fields::texts(&from_json, collection, 0), fields::texts(&from_csv, collection, 0))
}

#[test]
fn every_field_of_every_table_round_trips() {
    for collection in Collection::ALL {
        let specs = fields::specs(collection);
        // Every field filled at once.
        let full: Vec<String> = specs.iter().map(|spec| sample(spec)).collect();
        let dataset = dataset_with(collection, &full);
        assert_eq!(fields::texts(&dataset, collection, 0), full, "{collection:?}: the editor's parser");
        let (json_texts, csv_texts) = after_files(collection, &dataset);
        assert_eq!(json_texts, full, "{collection:?}: JSON");
        assert_eq!(csv_texts, full, "{collection:?}: CSV");
        for spec in &specs {
            let shown = fields::shown(&dataset, collection, 0, spec.key);
            assert!(!shown.is_empty(), "{collection:?}.{} shows its value", spec.key);
        }

        // Each field alone on a new record (with the amount a currency or qualifier needs).
        for (position, spec) in specs.iter().enumerate().skip(1) {
            let mut texts = fields::blank_texts(collection, "rec-1", today());
            texts[position] = sample(spec);
            if spec.key.starts_with("value_") || spec.key == "value" {
                let value = fields::position(collection, "value").unwrap();
                texts[value] = "5".to_owned();
                texts[value + 1] = "USD".to_owned();
                texts[position] = sample(spec);
            }
            let dataset = dataset_with(collection, &texts);
            let written = fields::texts(&dataset, collection, 0);
            assert_eq!(written[position], texts[position], "{collection:?}.{}: the editor's parser", spec.key);
            let (json_texts, csv_texts) = after_files(collection, &dataset);
            assert_eq!(json_texts, written, "{collection:?}.{}: JSON", spec.key);
            assert_eq!(csv_texts, written, "{collection:?}.{}: CSV", spec.key);
            // A table cell that edits the field starts from the file text and reads it back unchanged.
            if spec.cell_edit {
                let cell = fields::text(&dataset, collection, 0, spec.key);
                let mut edited = written.clone();
                edited[position] = cell;
                let mut strings = dataset.strings.clone();
                let record = fields::read_texts(collection, &edited, &mut strings).unwrap();
                assert_eq!(Some(record), dataset.record(collection, 0), "{collection:?}.{}: a cell edit", spec.key);
            }
        }
    }
}

#[test]
fn the_default_dataset_reads_back_field_by_field() {
    let dataset = pledge_explorer::io::default_dataset();
    for collection in Collection::ALL {
        for index in 0..dataset.len(collection) {
            let texts = fields::texts(&dataset, collection, index);
            let mut strings = dataset.strings.clone();
            let record = fields::read_texts(collection, &texts, &mut strings).unwrap();
            assert_eq!(Some(record), dataset.record(collection, index), "{collection:?}[{index}]");
        }
    }
}

#[test]
fn table_columns_and_csv_columns_come_from_the_field_table() {
    for collection in Collection::ALL {
        let keys: Vec<&str> = fields::specs(collection).iter().map(|spec| spec.key).collect();
        assert_eq!(csv::columns(collection), keys);
        let shown: Vec<&str> = fields::columns(collection).iter().map(|spec| spec.key).collect();
        assert!(shown.iter().all(|key| keys.contains(key)));
    }
}
