//! Deliveries of an order: when, how many, and who says so. An order keeps its stage; what has been
//! delivered to date is derived from its deliveries, never typed in beside them.
//!
//! The text form (a CSV cell, the record editor) is a list separated by `;`, each delivery
//! `DATE:COUNT [SOURCE, SOURCE]`: `2024:12; 2025:30?` is 12 delivered in 2024 and an estimated 30 in 2025.
//! The count takes the qualifiers sources use: `30?` (estimate), `about 30`, `at least 30`, `up to 30`, and
//! `?` alone for a delivery whose number is not known. The date is EDTF and may be left empty (`:12`).

use super::{FuzzyDate, Interner, QuantityQualifier, Symbol, group_thousands};

/// One delivery of (part of) an order.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub date: Option<FuzzyDate>,
    /// None when the source says a delivery took place but not how many.
    pub count: Option<u64>,
    pub qualifier: QuantityQualifier,
    pub sources: Box<[Symbol]>,
}

/// What an order's deliveries add up to, kept apart by how sure the figures are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Delivered {
    pub exact: u64,
    /// Estimates and "about" figures.
    pub approximate: u64,
    pub at_least: u64,
    pub up_to: u64,
    /// Deliveries with no number.
    pub unknown: u32,
}

impl Delivered {
    /// The sum of the deliveries of one order.
    pub fn of(deliveries: &[Delivery]) -> Delivered {
        let mut delivered = Delivered::default();
        for delivery in deliveries {
            delivered.add(delivery.count, delivery.qualifier);
        }
        delivered
    }

    pub fn add(&mut self, count: Option<u64>, qualifier: QuantityQualifier) {
        let Some(count) = count else {
            self.unknown += 1;
            return;
        };
        let sum = match qualifier {
            QuantityQualifier::Exact => &mut self.exact,
            QuantityQualifier::About | QuantityQualifier::Estimate => &mut self.approximate,
            QuantityQualifier::AtLeast => &mut self.at_least,
            QuantityQualifier::UpTo | QuantityQualifier::Unknown => &mut self.up_to,
        };
        *sum = sum.saturating_add(count);
    }

    pub fn merge(&mut self, other: Delivered) {
        self.exact = self.exact.saturating_add(other.exact);
        self.approximate = self.approximate.saturating_add(other.approximate);
        self.at_least = self.at_least.saturating_add(other.at_least);
        self.up_to = self.up_to.saturating_add(other.up_to);
        self.unknown += other.unknown;
    }

    /// True when every delivery counted has an exact number.
    pub fn is_exact(&self) -> bool {
        self.approximate == 0 && self.at_least == 0 && self.up_to == 0 && self.unknown == 0
    }

    pub fn is_empty(&self) -> bool {
        *self == Delivered::default()
    }

    /// The most the deliveries can stand for, for bars: every figure as given, ceilings included.
    pub fn reach(&self) -> u64 {
        self.exact.saturating_add(self.approximate).saturating_add(self.at_least).saturating_add(self.up_to)
    }

    /// "30 exact; ≈ 12 approx.; 1 without a number", or "none" for nothing delivered.
    pub fn describe(&self) -> String {
        let mut parts = count_parts(self.exact, self.approximate, self.at_least, self.up_to, false);
        if self.unknown > 0 {
            let deliveries = if self.unknown == 1 { "delivery" } else { "deliveries" };
            parts.push(format!("{} {deliveries} without a number", self.unknown));
        }
        if parts.is_empty() { "none".to_owned() } else { parts.join("; ") }
    }
}

/// "700 exact", "≈ 96 approx.", "at least 4", "up to 1,000": each kind of figure apart, those that are not
/// nought (and "0 exact" when `zero_exact` asks for it).
pub fn count_parts(exact: u64, approximate: u64, at_least: u64, up_to: u64, zero_exact: bool) -> Vec<String> {
    let n = |count: u64| group_thousands(count as f64, 0);
    let mut parts = Vec::new();
    if exact > 0 || zero_exact {
        parts.push(format!("{} exact", n(exact)));
    }
    if approximate > 0 {
        parts.push(format!("≈ {} approx.", n(approximate)));
    }
    if at_least > 0 {
        parts.push(format!("at least {}", n(at_least)));
    }
    if up_to > 0 {
        parts.push(format!("up to {}", n(up_to)));
    }
    parts
}

/// Writes deliveries in their text form.
pub fn write_deliveries(deliveries: &[Delivery], strings: &Interner, out: &mut String) {
    for (i, delivery) in deliveries.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        if let Some(date) = delivery.date {
            out.push_str(&date.to_string());
        }
        out.push(':');
        match (delivery.count, delivery.qualifier) {
            (None, _) => out.push('?'),
            (Some(count), qualifier) => {
                out.push_str(match qualifier {
                    QuantityQualifier::About => "about ",
                    QuantityQualifier::AtLeast => "at least ",
                    QuantityQualifier::UpTo => "up to ",
                    _ => "",
                });
                out.push_str(&count.to_string());
                if qualifier == QuantityQualifier::Estimate {
                    out.push('?');
                }
            }
        }
        if !delivery.sources.is_empty() {
            out.push_str(" [");
            for (j, &source) in delivery.sources.iter().enumerate() {
                if j > 0 {
                    out.push_str(", ");
                }
                out.push_str(strings.resolve(source));
            }
            out.push(']');
        }
    }
}

/// Reads deliveries from their text form; the message says which delivery is wrong and why.
pub fn parse_deliveries(text: &str, strings: &mut Interner) -> Result<Box<[Delivery]>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .enumerate()
        .map(|(i, item)| parse_delivery(item, strings).map_err(|why| format!("delivery {} (`{item}`): {why}", i + 1)))
        .collect()
}

fn parse_delivery(item: &str, strings: &mut Interner) -> Result<Delivery, String> {
    let (item, sources) = match item.split_once('[') {
        Some((before, after)) => {
            let list = after.strip_suffix(']').ok_or("the list of sources has no closing `]`")?;
            let sources = list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(|s| strings.intern(s));
            (before.trim(), sources.collect())
        }
        None => (item, Box::default()),
    };
    let (date, count) = item.split_once(':').ok_or("write it as DATE:COUNT, e.g. `2024:12`")?;
    let date = match date.trim() {
        "" => None,
        date => Some(FuzzyDate::parse(date).map_err(|error| error.to_string())?),
    };
    let (count, qualifier) = parse_count(count.trim())?;
    Ok(Delivery { date, count, qualifier, sources })
}

/// A delivered count with its qualifier: `30`, `30?`, `about 30`, `~30`, `at least 30`, `up to 30`, `?`.
fn parse_count(text: &str) -> Result<(Option<u64>, QuantityQualifier), String> {
    if text == "?" || text.is_empty() {
        return Ok((None, QuantityQualifier::Unknown));
    }
    let lower = text.to_lowercase();
    let (rest, mut qualifier) = [
        ("about ", QuantityQualifier::About),
        ("~", QuantityQualifier::About),
        ("at least ", QuantityQualifier::AtLeast),
        ("up to ", QuantityQualifier::UpTo),
    ]
    .into_iter()
    .find_map(|(prefix, qualifier)| lower.strip_prefix(prefix).map(|rest| (rest.trim().to_owned(), qualifier)))
    .unwrap_or((lower.clone(), QuantityQualifier::Exact));
    let rest = match rest.strip_suffix('?') {
        Some(number) => {
            if qualifier == QuantityQualifier::Exact {
                qualifier = QuantityQualifier::Estimate;
            }
            number.trim().to_owned()
        }
        None => rest,
    };
    let count =
        rest.replace(',', "").parse().map_err(|_| format!("`{text}` is not a count (e.g. 12, 12?, about 12)"))?;
    Ok((Some(count), qualifier))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) -> String {
        let mut strings = Interner::default();
        let deliveries = parse_deliveries(text, &mut strings).unwrap();
        let mut out = String::new();
        write_deliveries(&deliveries, &strings, &mut out);
        out
    }

    #[test]
    fn the_text_form_reads_back_as_written() {
        for text in
            ["2024:12; 2025:30?", ":?", "2023-07:about 5 [sipri, kiel]", "2024/2025:up to 100; 2026~:at least 3"]
        {
            assert_eq!(round_trip(text), text);
        }
        assert_eq!(round_trip("2024:1,000;;2025:~7"), "2024:1000; 2025:about 7");
    }

    #[test]
    fn sums_keep_figures_apart_by_qualifier() {
        let mut strings = Interner::default();
        let deliveries = parse_deliveries("2024:12; 2025:30?; 2026:at least 4; 2027:?; 2028:8", &mut strings).unwrap();
        let delivered = Delivered::of(&deliveries);
        assert_eq!(
            delivered,
            Delivered { exact: 20, approximate: 30, at_least: 4, up_to: 0, unknown: 1 },
            "exact figures are added only to exact ones"
        );
        assert_eq!(delivered.describe(), "20 exact; ≈ 30 approx.; at least 4; 1 delivery without a number");
    }

    #[test]
    fn wrong_deliveries_say_which_and_why() {
        let mut strings = Interner::default();
        let error = parse_deliveries("2024:12; 2025-13:3", &mut strings).unwrap_err();
        assert!(error.starts_with("delivery 2 (`2025-13:3`)"), "{error}");
        assert!(parse_deliveries("2024 12", &mut strings).unwrap_err().contains("DATE:COUNT"));
        assert!(parse_deliveries("2024:many", &mut strings).unwrap_err().contains("not a count"));
        assert!(parse_deliveries("2024:3 [a", &mut strings).unwrap_err().contains("closing"));
    }
}
