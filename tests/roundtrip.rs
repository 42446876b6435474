//! Property tests: any dataset survives JSON save and load, and CSV export and import, unchanged.

use std::borrow::Cow;

use pledge_explorer::io::wire::{
    AcquisitionRecord, ActorRecord, ChangelogRecord, CommitmentRecord, DatasetFile, DeliveryRecord, EventRecord,
    MetaRecord, MoneyRecord, QuantityRecord, SourceRecord, Text,
};
use pledge_explorer::io::{convert, csv, json, layout};
use pledge_explorer::model::{
    ActorKind, Collection, CommitmentKind, CommitmentStatus, Confidence, Currency, EventKind, FuzzyDate,
    MoneyQualifier, QuantityQualifier, Stage,
};
use proptest::prelude::*;

/// Text as a user would type it, with the characters that trouble CSV, JSON and spreadsheets; never
/// padded with spaces (CSV import trims cells).
fn text() -> impl Strategy<Value = Text<'static>> {
    "[a-zA-Zé€ 0-9,.;:'\"=+@\\-\n\t<>|]{0,16}".prop_map(|s| Text(Cow::Owned(s.trim().to_owned())))
}

fn some_text() -> impl Strategy<Value = Option<Text<'static>>> {
    prop::option::of(text().prop_filter("not empty", |t| !t.is_empty()))
}

fn id() -> impl Strategy<Value = Text<'static>> {
    "[a-zA-Z][a-zA-Z0-9_.-]{0,10}".prop_map(|s| Text(Cow::Owned(s)))
}

fn ids() -> impl Strategy<Value = Vec<Text<'static>>> {
    prop::collection::vec(id(), 0..4)
}

fn partial_date() -> impl Strategy<Value = String> {
    (0i32..=9999, 0u8..=12, 0u8..=28, 0usize..4).prop_map(|(year, month, day, qualifier)| {
        let mut text = format!("{year:04}");
        if month > 0 {
            text.push_str(&format!("-{month:02}"));
            if day > 0 {
                text.push_str(&format!("-{day:02}"));
            }
        }
        text.push_str(["", "?", "~", "%"][qualifier]);
        text
    })
}

fn date() -> impl Strategy<Value = FuzzyDate> {
    prop_oneof![
        partial_date(),
        (partial_date(), partial_date()).prop_map(|(a, b)| {
            let (a, b) = if a <= b { (a, b) } else { (b, a) };
            format!("{a}/{b}")
        }),
        partial_date().prop_map(|a| format!("{a}/..")),
        partial_date().prop_map(|a| format!("/{a}")),
    ]
    .prop_filter_map("a valid interval", |text| FuzzyDate::parse(&text).ok())
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(vec!["EUR", "USD", "CHF", "GBP", "PLN"]).prop_map(|code| Currency::parse(code).unwrap())
}

fn money() -> impl Strategy<Value = Option<MoneyRecord>> {
    prop::option::of(
        (0.0f64..1e13, currency(), prop::sample::select(MoneyQualifier::ALL.to_vec()), prop::option::of(1900i16..2100))
            .prop_map(|(amount, currency, qualifier, price_year)| MoneyRecord {
                amount,
                currency,
                qualifier,
                price_year,
            }),
    )
}

fn quantity() -> impl Strategy<Value = Option<QuantityRecord<'static>>> {
    prop::option::of(
        (
            prop::option::of(any::<u64>()),
            some_text(),
            prop::sample::select(QuantityQualifier::ALL.to_vec()),
            some_text(),
        )
            .prop_map(|(count, unit, qualifier, text)| QuantityRecord { count, unit, qualifier, text }),
    )
}

/// Deliveries as the text form writes them: a count with its qualifier, or none and "unknown".
fn deliveries() -> impl Strategy<Value = Vec<DeliveryRecord<'static>>> {
    let counted = (
        any::<u64>(),
        pick(&[
            QuantityQualifier::Exact,
            QuantityQualifier::About,
            QuantityQualifier::Estimate,
            QuantityQualifier::AtLeast,
            QuantityQualifier::UpTo,
        ]),
    )
        .prop_map(|(count, qualifier)| (Some(count), qualifier));
    let count = prop_oneof![counted, Just((None, QuantityQualifier::Unknown))];
    let delivery = (prop::option::of(date()), count, ids())
        .prop_map(|(date, (count, qualifier), sources)| DeliveryRecord { date, count, qualifier, sources });
    prop::collection::vec(delivery, 0..3)
}

fn pick<T: Clone + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    prop::sample::select(all)
}

fn acquisition() -> impl Strategy<Value = AcquisitionRecord<'static>> {
    (
        (id(), text(), text(), ids(), prop::option::of(id()), prop::option::of(id()), pick(Stage::ALL)),
        (
            quantity(),
            money(),
            prop::option::of(date()),
            prop::option::of(date()),
            prop::option::of(id()),
            prop::option::of(id()),
        ),
        (ids(), pick(Confidence::ALL), text(), prop::option::of(id()), deliveries()),
    )
        .prop_map(
            |(
                (id, system, category, buyers, agency, supplier, stage),
                (quantity, value, date, delivery, parent, commitment),
                (sources, confidence, notes, recipient, deliveries),
            )| {
                AcquisitionRecord {
                    id,
                    system,
                    category,
                    buyers,
                    recipient,
                    agency,
                    supplier,
                    stage,
                    quantity,
                    value,
                    date,
                    delivery,
                    deliveries,
                    parent,
                    commitment,
                    sources,
                    confidence,
                    notes,
                }
            },
        )
}

fn commitment() -> impl Strategy<Value = CommitmentRecord<'static>> {
    (
        (
            id(),
            text(),
            pick(CommitmentKind::ALL),
            pick(CommitmentStatus::ALL),
            prop::option::of(id()),
            ids(),
            some_text(),
        ),
        (prop::option::of(date()), prop::option::of(date()), money(), text(), prop::option::of(id())),
        (ids(), pick(Confidence::ALL), text()),
    )
        .prop_map(
            |(
                (id, title, kind, status, origin, parties, category),
                (adopted, horizon, value, description, parent),
                (sources, confidence, notes),
            )| {
                CommitmentRecord {
                    id,
                    title,
                    kind,
                    status,
                    origin,
                    parties,
                    category,
                    adopted,
                    horizon,
                    value,
                    description,
                    parent,
                    sources,
                    confidence,
                    notes,
                }
            },
        )
}

fn event() -> impl Strategy<Value = EventRecord<'static>> {
    (id(), date(), pick(EventKind::ALL), text(), text(), ids(), ids(), pick(Confidence::ALL), text()).prop_map(
        |(id, date, kind, title, location, related, sources, confidence, notes)| EventRecord {
            id,
            date,
            kind,
            title,
            location,
            related,
            sources,
            confidence,
            notes,
        },
    )
}

fn source() -> impl Strategy<Value = SourceRecord<'static>> {
    (id(), text(), text(), text(), prop::option::of(date()), prop::option::of(date()), text()).prop_map(
        |(id, title, publisher, url, published, accessed, notes)| SourceRecord {
            id,
            title,
            publisher,
            url,
            published,
            accessed,
            notes,
        },
    )
}

fn actor() -> impl Strategy<Value = ActorRecord<'static>> {
    (id(), text(), pick(ActorKind::ALL), ids(), pick(Confidence::ALL), text()).prop_map(
        |(id, name, kind, sources, confidence, notes)| ActorRecord { id, name, kind, sources, confidence, notes },
    )
}

fn meta() -> impl Strategy<Value = MetaRecord<'static>> {
    (
        text(),
        text(),
        text(),
        prop::option::of(date()),
        text(),
        prop::collection::vec(text().prop_filter("not empty", |t| !t.is_empty()), 0..3),
        prop::collection::vec((date(), text()).prop_map(|(date, text)| ChangelogRecord { date, text }), 0..3),
    )
        .prop_map(|(title, description, release, cutoff, licence, authors, changelog)| MetaRecord {
            title,
            description,
            release,
            cutoff,
            licence,
            authors,
            changelog,
        })
}

fn dataset() -> impl Strategy<Value = DatasetFile<'static>> {
    (
        meta(),
        prop::collection::vec(actor(), 0..4),
        prop::collection::vec(source(), 0..4),
        prop::collection::vec(event(), 0..4),
        prop::collection::vec(commitment(), 0..4),
        prop::collection::vec(acquisition(), 0..6),
    )
        .prop_map(|(meta, actors, sources, events, commitments, acquisitions)| DatasetFile {
            format: Text::borrowed(pledge_explorer::io::wire::FORMAT),
            version: pledge_explorer::io::wire::VERSION,
            meta,
            actors,
            sources,
            events,
            commitments,
            acquisitions,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn json_save_then_load_gives_the_same_dataset(file in dataset()) {
        let dataset = convert::from_wire(file.clone());
        let text = json::to_string(&dataset);
        // The record-by-record writer writes what the derived file type would.
        let laid_out = layout::to_vec(&file, 0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&text, &format!("{}\n", String::from_utf8_lossy(&laid_out)));
        let loaded = json::from_str(&text, "generated.json").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&convert::to_wire(&loaded), &file);
        prop_assert_eq!(json::to_string(&loaded), text);
    }

    #[test]
    fn fields_in_any_order_load_the_same(file in dataset()) {
        // Through a serde_json::Value the keys come out sorted: acquisitions first, format after them.
        let reordered = serde_json::to_string(&serde_json::to_value(&file).unwrap()).unwrap();
        prop_assert!(reordered.starts_with(r#"{"acquisitions""#), "keys sorted");
        let loaded = json::from_str(&reordered, "reordered.json").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(convert::to_wire(&loaded), file);
    }

    #[test]
    fn csv_export_then_import_gives_the_same_dataset(file in dataset()) {
        let dataset = convert::from_wire(file.clone());
        let folder = tempfile::tempdir().unwrap();
        csv::export_folder(&dataset, folder.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let imported = csv::import_folder(folder.path()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(convert::to_wire(&imported), file);
    }

    #[test]
    fn exported_cells_never_start_a_formula(file in dataset()) {
        let dataset = convert::from_wire(file);
        for collection in Collection::ALL {
            let mut bytes = Vec::new();
            csv::write_table(&dataset, collection, &mut bytes).unwrap();
            let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
            for record in reader.records() {
                for cell in record.unwrap().iter() {
                    prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
                }
            }
        }
    }

    #[test]
    fn date_text_round_trips(date in date()) {
        prop_assert_eq!(FuzzyDate::parse(&date.to_string()), Ok(date));
    }

    #[test]
    fn the_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = json::from_bytes(bytes.clone(), "fuzz.json");
        let _ = csv::import_table(Collection::Acquisitions, &bytes, "fuzz.csv");
    }
}
