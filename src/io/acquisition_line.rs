//! An acquisition's line of the dataset file, written field by field: the bytes serde gives for the
//! file's `AcquisitionRecord` in the layout of [`super::layout`] (a test holds them equal), in less than
//! half its time. A save of a million acquisitions spends most of its time here; serde's way went
//! through a record of borrowed fields, a formatter call per bracket and comma, and an escape check byte
//! by byte.

use std::io::Write;

use serde_json::ser::{CompactFormatter, Formatter as _};

use crate::model::{Acquisition, Dataset, FuzzyDate, Symbol, Vocabulary};

/// Appends `record` as one line's JSON object: `{"id": "…", "system": "…", …}`.
pub fn write(text: &mut Vec<u8>, record: &Acquisition, dataset: &Dataset) {
    let mut object = Object::new(text);
    object.symbol("id", record.id, dataset);
    object.symbol("system", record.system, dataset);
    object.symbol("category", record.category, dataset);
    object.symbols("buyers", &record.buyers, dataset);
    object.optional_symbol("recipient", record.recipient, dataset);
    object.optional_symbol("agency", record.agency, dataset);
    object.optional_symbol("supplier", record.supplier, dataset);
    object.word("stage", record.stage.key());
    if let Some(quantity) = &record.quantity {
        let mut inner = object.object("quantity");
        if let Some(count) = quantity.count {
            inner.count("count", count);
        }
        inner.optional_symbol("unit", quantity.unit, dataset);
        inner.word("qualifier", quantity.qualifier.key());
        if let Some(words) = &quantity.text {
            inner.string("text", words);
        }
        inner.close();
    }
    if let Some(money) = &record.value {
        let mut inner = object.object("value");
        inner.amount("amount", money.amount);
        inner.word("currency", money.currency.as_str());
        inner.word("qualifier", money.qualifier.key());
        if let Some(year) = money.price_year {
            inner.key("price_year");
            // Writing into memory cannot fail.
            let _ = CompactFormatter.write_i16(inner.text, year);
        }
        inner.close();
    }
    object.date("date", record.date);
    object.date("delivery", record.delivery);
    if !record.deliveries.is_empty() {
        object.key("deliveries");
        object.text.push(b'[');
        for (at, delivery) in record.deliveries.iter().enumerate() {
            if at > 0 {
                object.text.extend_from_slice(b", ");
            }
            let mut inner = Object::new(object.text);
            inner.date("date", delivery.date);
            if let Some(count) = delivery.count {
                inner.count("count", count);
            }
            inner.word("qualifier", delivery.qualifier.key());
            inner.symbols("sources", &delivery.sources, dataset);
            inner.close();
        }
        object.text.push(b']');
    }
    object.optional_symbol("parent", record.parent, dataset);
    object.optional_symbol("commitment", record.commitment, dataset);
    object.symbols("sources", &record.sources, dataset);
    object.word("confidence", record.confidence.key());
    if let Some(notes) = record.notes.as_deref().filter(|notes| !notes.is_empty()) {
        object.string("notes", notes);
    }
    object.close();
}

/// An object being written on one line: `{"key": value, "key": value}`.
struct Object<'a> {
    text: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    fn new(text: &'a mut Vec<u8>) -> Self {
        text.push(b'{');
        Object { text, empty: true }
    }

    fn close(self) {
        self.text.push(b'}');
    }

    fn key(&mut self, key: &str) {
        if !self.empty {
            self.text.extend_from_slice(b", ");
        }
        self.empty = false;
        self.text.push(b'"');
        self.text.extend_from_slice(key.as_bytes());
        self.text.extend_from_slice(b"\": ");
    }

    /// An object inside this one, under `key`.
    fn object(&mut self, key: &str) -> Object<'_> {
        self.key(key);
        Object::new(self.text)
    }

    fn string(&mut self, key: &str, value: &str) {
        self.key(key);
        string(self.text, value);
    }

    /// A word of a closed vocabulary or a currency code, which never needs escapes.
    fn word(&mut self, key: &str, word: &str) {
        self.key(key);
        self.text.push(b'"');
        self.text.extend_from_slice(word.as_bytes());
        self.text.push(b'"');
    }

    fn symbol(&mut self, key: &str, symbol: Symbol, dataset: &Dataset) {
        self.string(key, dataset.text(symbol));
    }

    fn optional_symbol(&mut self, key: &str, symbol: Option<Symbol>, dataset: &Dataset) {
        if let Some(symbol) = symbol {
            self.symbol(key, symbol, dataset);
        }
    }

    /// A list of ids, left out when empty.
    fn symbols(&mut self, key: &str, symbols: &[Symbol], dataset: &Dataset) {
        if symbols.is_empty() {
            return;
        }
        self.key(key);
        self.text.push(b'[');
        for (at, &symbol) in symbols.iter().enumerate() {
            if at > 0 {
                self.text.extend_from_slice(b", ");
            }
            string(self.text, dataset.text(symbol));
        }
        self.text.push(b']');
    }

    fn date(&mut self, key: &str, date: Option<FuzzyDate>) {
        if let Some(date) = date {
            self.key(key);
            // An EDTF date is digits and `-~?/.X`: nothing to escape. Writing into memory cannot fail.
            let _ = write!(self.text, "\"{date}\"");
        }
    }

    fn count(&mut self, key: &str, count: u64) {
        self.key(key);
        let _ = CompactFormatter.write_u64(self.text, count);
    }

    /// A number as serde_json writes an `f64`: `null` when it is not finite.
    fn amount(&mut self, key: &str, amount: f64) {
        self.key(key);
        let _ = if amount.is_finite() {
            CompactFormatter.write_f64(self.text, amount)
        } else {
            CompactFormatter.write_null(self.text)
        };
    }
}

/// A JSON string: copied as it is when nothing in it needs an escape (almost always), else escaped by
/// serde_json.
fn string(text: &mut Vec<u8>, value: &str) {
    // A fold rather than `any` so that the check is done on many bytes at a time.
    let needs_escape = value.bytes().fold(false, |seen, byte| seen | (byte < 0x20) | (byte == b'"') | (byte == b'\\'));
    if needs_escape {
        // Writing a string into memory cannot fail.
        let _ = serde_json::to_writer(&mut *text, value);
    } else {
        text.push(b'"');
        text.extend_from_slice(value.as_bytes());
        text.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Currency, Delivery, Money, MoneyQualifier, Quantity, QuantityQualifier, Stage};

    /// The line serde gives for `record`.
    fn through_serde(record: &Acquisition, dataset: &Dataset) -> String {
        let wire = super::super::convert::acquisition_to_wire(record, dataset);
        String::from_utf8(super::super::layout::to_vec(&wire, 2).unwrap()).unwrap()
    }

    fn by_hand(record: &Acquisition, dataset: &Dataset) -> String {
        let mut text = Vec::new();
        write(&mut text, record, dataset);
        String::from_utf8(text).unwrap()
    }

    #[test]
    fn every_record_of_the_synthetic_dataset_is_written_as_serde_writes_it() {
        let dataset = crate::io::json::from_str(&crate::synthetic::dataset_json(5_000, 3), "synthetic").unwrap();
        for record in dataset.acquisitions.iter() {
            assert_eq!(by_hand(record, &dataset), through_serde(record, &dataset));
        }
        let defaults = crate::io::default_dataset();
        for record in defaults.acquisitions.iter() {
            assert_eq!(by_hand(record, &defaults), through_serde(record, &defaults));
        }
    }

    #[test]
    fn fields_that_are_rare_in_data_are_written_as_serde_writes_them() {
        let mut dataset = Dataset::default();
        let mut symbol = |text: &str| dataset.intern(text);
        let odd =
            ["quote \" and backslash \\", "line\nbreak\ttab\u{1}control\u{7f}", "non-ASCII: Müller, Ελλάδα, 🚀", ""];
        let symbols: Vec<Symbol> = odd.iter().map(|text| symbol(text)).collect();
        let date = |text: &str| FuzzyDate::parse(text).unwrap();
        let mut records = Vec::new();
        for (at, &stage) in Stage::ALL.iter().enumerate() {
            let quantity_qualifier = QuantityQualifier::ALL[at % QuantityQualifier::ALL.len()];
            let money_qualifier = MoneyQualifier::ALL[at % MoneyQualifier::ALL.len()];
            records.push(Acquisition {
                id: symbols[at % 4],
                system: symbols[(at + 1) % 4],
                category: symbols[(at + 2) % 4],
                buyers: symbols.iter().copied().take(at).collect(),
                recipient: Some(symbols[at % 4]),
                agency: (at % 2 == 0).then_some(symbols[1]),
                supplier: (at % 3 == 0).then_some(symbols[2]),
                stage,
                quantity: Some(Quantity {
                    count: (at % 2 == 1).then_some(u64::MAX >> at),
                    unit: (at % 3 != 1).then_some(symbols[0]),
                    qualifier: quantity_qualifier,
                    text: (at % 2 == 0).then(|| odd[at % 4].into()),
                }),
                value: Some(Money {
                    amount: [0.0, -0.0, 1e300, 5e-324, 700e6, 1.0 / 3.0, f64::NAN, f64::INFINITY][at % 8],
                    currency: Currency::parse("EUR").unwrap(),
                    qualifier: money_qualifier,
                    price_year: (at % 2 == 0).then_some(-1 - at as i16),
                }),
                date: Some(date(["2024-07-10", "2024~", "2023-07/2024-07", "2024-07?", "2030~"][at % 5])),
                delivery: (at % 2 == 1).then(|| date("2025?/2027~")),
                deliveries: (0..at)
                    .map(|n| Delivery {
                        date: (n % 2 == 0).then(|| date("2025-03")),
                        count: (n % 3 != 2).then_some(n as u64),
                        qualifier: quantity_qualifier,
                        sources: symbols.iter().copied().take(n).collect(),
                    })
                    .collect(),
                parent: (at % 2 == 0).then_some(symbols[3]),
                commitment: (at % 2 == 1).then_some(symbols[0]),
                sources: symbols.iter().copied().skip(at % 4).collect(),
                confidence: crate::model::Confidence::ALL[at % crate::model::Confidence::ALL.len()],
                notes: [None, Some("".into()), Some(odd[at % 4].into())][at % 3].clone(),
            });
        }
        records.push(Acquisition { quantity: None, value: None, date: None, ..records[0].clone() });
        for record in &records {
            assert_eq!(by_hand(record, &dataset), through_serde(record, &dataset));
        }
    }
}
