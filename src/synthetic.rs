//! Synthetic datasets of any size, for the benchmark and for tests at scale: seeded (the same seed gives
//! the same file), with the field and uncertainty mix of real trackers: fuzzy dates of every precision,
//! "up to" and unknown quantities, several currencies, frameworks with national orders, joint buyers.

use std::fmt::Write as _;

const COUNTRIES: [&str; 24] = [
    "BEL", "BGR", "CAN", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HRV", "HUN", "ITA", "LTU",
    "LVA", "NLD", "NOR", "POL", "PRT", "ROU", "SVK", "SWE",
];
const CATEGORIES: [(&str, &[&str], &str); 5] = [
    (
        "air and missile defence",
        &["Patriot GEM-T missile", "IRIS-T SLM", "NASAMS", "Stinger anti-aircraft missile"],
        "missile",
    ),
    ("ammunition", &["155 mm artillery shell", "120 mm tank round", "35 mm round"], "round"),
    ("artillery", &["CAESAR howitzer", "PzH 2000", "HIMARS launcher", "K9 howitzer"], "system"),
    ("aircraft", &["F-35 combat aircraft", "Eurofighter Typhoon", "A330 MRTT", "CH-47 helicopter"], "aircraft"),
    ("armoured vehicles", &["Leopard 2A8", "CV90", "Boxer", "Patria AMV"], "vehicle"),
];
const STAGES: [&str; 6] = ["planned", "announced", "contracted", "delivering", "delivered", "cancelled"];
const CURRENCIES: [&str; 5] = ["EUR", "USD", "GBP", "PLN", "NOK"];

/// A dataset of `acquisitions` records as JSON text in the app's format.
pub fn dataset_json(acquisitions: usize, seed: u64) -> String {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = String::with_capacity(acquisitions * 420 + 4096);
    out.push_str(r#"{"format": "pledge-explorer-dataset", "version": 2, "meta": {"title": "Synthetic dataset", "release": "synthetic", "cutoff": "2030"},"#);
    out.push_str("\n\"actors\": [");
    for (i, country) in COUNTRIES.iter().enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let _ =
            write!(out, r#"{comma}{{"id": "{country}", "name": "{country}", "kind": "state", "confidence": "high"}}"#);
    }
    out.push_str(r#", {"id": "nspa", "name": "NSPA", "kind": "organisation", "confidence": "high"}],"#);
    out.push_str("\n\"sources\": [");
    for i in 0..50 {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(
            out,
            r#"{comma}{{"id": "src-{i}", "title": "Synthetic source {i}", "url": "https://example.org/{i}"}}"#
        );
    }
    out.push_str("],\n\"acquisitions\": [\n");
    let mut last_framework: Option<usize> = None;
    for i in 0..acquisitions {
        let (category, systems, unit) = CATEGORIES[rng.usize(..CATEGORIES.len())];
        let system = systems[rng.usize(..systems.len())];
        let stage = STAGES[rng.usize(..STAGES.len())];
        let confidence = ["high", "medium", "low"][rng.usize(..3)];
        let mut fields = vec![
            format!(r#""id": "acq-{i}""#),
            format!(r#""system": "{system}""#),
            format!(r#""category": "{category}""#),
        ];
        // One buyer, or for one record in ten a joint order of two to four different ones.
        let mut buyers: Vec<String> = Vec::new();
        for _ in 0..if rng.u8(..10) == 0 { 2 + rng.usize(..3) } else { 1 } {
            let buyer = format!("\"{}\"", COUNTRIES[rng.usize(..COUNTRIES.len())]);
            if !buyers.contains(&buyer) {
                buyers.push(buyer);
            }
        }
        fields.push(format!(r#""buyers": [{}]"#, buyers.join(", ")));
        // One record in twenty is bought for another state (aid); derived from the index, not drawn, so
        // that the rest of the data stays as it was before recipients existed.
        if i % 20 == 7 {
            fields.push(format!(r#""recipient": "{}""#, COUNTRIES[(i / 20) % COUNTRIES.len()]));
        }
        if rng.u8(..4) == 0 {
            fields.push(r#""agency": "nspa""#.to_owned());
        }
        fields.push(format!(r#""stage": "{stage}""#));
        let count = 1 + rng.u64(..5_000);
        let kind = rng.u8(..20);
        let quantity = match kind {
            0..=11 => format!(r#"{{"count": {count}, "unit": "{unit}"}}"#),
            12..=14 => format!(r#"{{"count": {count}, "unit": "{unit}", "qualifier": "up_to"}}"#),
            15..=16 => format!(r#"{{"count": {count}, "unit": "{unit}", "qualifier": "about"}}"#),
            17 => format!(r#"{{"count": {count}, "unit": "{unit}", "qualifier": "estimate", "text": "{count}?"}}"#),
            18 => format!(r#"{{"count": {count}, "unit": "{unit}", "qualifier": "at_least"}}"#),
            _ => format!(r#"{{"unit": "{unit}", "qualifier": "unknown", "text": "several"}}"#),
        };
        fields.push(format!(r#""quantity": {quantity}"#));
        if rng.u8(..3) != 0 {
            let amount = (1 + rng.u64(..2_000)) * 1_000_000;
            let currency = CURRENCIES[rng.usize(..CURRENCIES.len())];
            let qualifier = ["exact", "exact", "about", "almost", "up_to"][rng.usize(..5)];
            fields.push(format!(
                r#""value": {{"amount": {amount}, "currency": "{currency}", "qualifier": "{qualifier}"}}"#
            ));
        }
        let year = 2015 + rng.u16(..16);
        let date = match rng.u8(..10) {
            0..=3 => format!("{year}-{:02}-{:02}", 1 + rng.u8(..12), 1 + rng.u8(..28)),
            4..=6 => format!("{year}-{:02}", 1 + rng.u8(..12)),
            7 => format!("{year}"),
            8 => format!("{year}?"),
            _ => format!("{year}~"),
        };
        fields.push(format!(r#""date": "{date}""#));
        if rng.u8(..3) == 0 {
            fields.push(format!(r#""delivery": "{}/{}""#, year + 1, year + 2 + rng.u16(..4)));
        }
        // Orders being delivered have half their exact count delivered the year after the order, and
        // delivered ones all of it over the two years after (as an estimate when the order's count is one).
        match (stage, kind) {
            ("delivering", 0..=11) => {
                fields.push(format!(r#""deliveries": [{{"date": "{}", "count": {}}}]"#, year + 1, count / 2))
            }
            ("delivered", 0..=11) => fields.push(format!(
                r#""deliveries": [{{"date": "{}", "count": {}}}, {{"date": "{}", "count": {}}}]"#,
                year + 1,
                count / 2,
                year + 2,
                count - count / 2
            )),
            ("delivered", 15..=17) => fields.push(format!(
                r#""deliveries": [{{"date": "{}/{}", "count": {count}, "qualifier": "estimate"}}]"#,
                year + 1,
                year + 2
            )),
            _ => {}
        }
        // One record in fifty is a framework; the next few records are its national orders.
        match last_framework {
            Some(framework) if i - framework <= 4 && rng.bool() => {
                fields.push(format!(r#""parent": "acq-{framework}""#))
            }
            _ if rng.u8(..50) == 0 => last_framework = Some(i),
            _ => {}
        }
        fields.push(format!(r#""sources": ["src-{}"]"#, rng.usize(..50)));
        fields.push(format!(r#""confidence": "{confidence}""#));
        let comma = if i + 1 == acquisitions { "" } else { "," };
        let _ = writeln!(out, "{{{}}}{comma}", fields.join(", "));
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::json;
    use crate::model::validate::{is_usable, validate};

    #[test]
    fn the_generator_is_deterministic_and_its_data_validates() {
        let first = dataset_json(2_000, 7);
        assert_eq!(first, dataset_json(2_000, 7), "the same seed gives the same file");
        assert_ne!(first, dataset_json(2_000, 8));
        let dataset = json::from_str(&first, "synthetic.json").unwrap();
        assert_eq!(dataset.acquisitions.len(), 2_000);
        let problems = validate(&dataset);
        assert!(is_usable(&problems), "{:?}", problems.first());
        assert!(dataset.acquisitions.iter().any(|a| a.parent.is_some()), "frameworks with national orders");
        assert!(dataset.acquisitions.iter().any(|a| a.quantity.as_ref().is_some_and(|q| q.count.is_none())));
        assert!(dataset.acquisitions.iter().any(|a| !a.deliveries.is_empty()), "orders with deliveries");
        assert!(dataset.acquisitions.iter().any(|a| a.recipient.is_some()), "aid for another state");
    }
}
