//! Values the way sources write them, turned into the text of our fields: `96?`, `c. 200`, `up to 1,000
//! missiles`; `2023?`, `23.01.2024`, `Jan 2024`, an Excel date; `$79 m`, `EUR 1.2 bn`, `almost USD 700
//! million`; `Contracted`; country names in several spellings.

use crate::io::tabular::parse_number;
use crate::model::countries;
use crate::model::{FuzzyDate, MoneyQualifier, QuantityQualifier, Stage, Vocabulary};

/// A quantity as field texts: count, qualifier, unit, the source's words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuantityText {
    pub count: String,
    pub qualifier: String,
    pub unit: String,
    pub words: String,
}

/// Words before a number that qualify it, longest first.
const QUANTITY_PREFIXES: &[(&str, QuantityQualifier)] = &[
    ("approximately", QuantityQualifier::About),
    ("approx.", QuantityQualifier::About),
    ("approx", QuantityQualifier::About),
    ("at least", QuantityQualifier::AtLeast),
    ("more than", QuantityQualifier::AtLeast),
    ("over", QuantityQualifier::AtLeast),
    ("up to", QuantityQualifier::UpTo),
    ("about", QuantityQualifier::About),
    ("around", QuantityQualifier::About),
    ("circa", QuantityQualifier::About),
    ("ca.", QuantityQualifier::About),
    ("c.", QuantityQualifier::About),
    ("~", QuantityQualifier::About),
    ("≈", QuantityQualifier::About),
    (">", QuantityQualifier::AtLeast),
    ("≤", QuantityQualifier::UpTo),
];

/// "96?" (an estimate, SIPRI's mark), "c. 200", "up to 1,000 missiles", "200+", "thousands".
pub fn quantity(text: &str, decimal_comma: bool) -> QuantityText {
    let mut rest = text.trim();
    let mut qualifier = QuantityQualifier::Exact;
    let lower = rest.to_lowercase();
    for (prefix, meant) in QUANTITY_PREFIXES {
        if lower.starts_with(prefix) {
            qualifier = *meant;
            rest = rest[prefix.len()..].trim_start();
            break;
        }
    }
    // The number: digits and the separators inside it.
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}')))
        .map_or(rest.len(), |(i, _)| i);
    let (number, mut after) = rest.split_at(end);
    let count = parse_number(number, decimal_comma).filter(|n| *n >= 0.0 && n.fract() == 0.0);
    let Some(count) = count else {
        return QuantityText {
            qualifier: if text.trim().is_empty() { String::new() } else { "unknown".to_owned() },
            words: text.trim().to_owned(),
            ..Default::default()
        };
    };
    after = after.trim_start();
    if let Some(stripped) = after.strip_prefix('?') {
        qualifier = QuantityQualifier::Estimate;
        after = stripped.trim_start();
    } else if let Some(stripped) = after.strip_prefix('+') {
        qualifier = QuantityQualifier::AtLeast;
        after = stripped.trim_start();
    }
    let unit = after.split(['(', ';', ',']).next().unwrap_or("").trim();
    QuantityText {
        count: format!("{}", count as u64),
        qualifier: if qualifier == QuantityQualifier::Exact { String::new() } else { qualifier.key().to_owned() },
        unit: singular(unit),
        // The source's words are kept where they say more than the number.
        words: if qualifier == QuantityQualifier::Estimate || !after.is_empty() && unit.is_empty() {
            text.trim().to_owned()
        } else {
            String::new()
        },
    }
}

/// A unit in the singular, as the unit field holds it: "missiles" → "missile", "aircraft" stays,
/// "batteries" → "battery".
pub fn singular(unit: &str) -> String {
    let unit = unit.trim().to_lowercase();
    let unchanged = ["aircraft", "ammunition", "series", "systems analysis"];
    if unit.is_empty() || unchanged.contains(&unit.as_str()) {
        return unit;
    }
    if let Some(stem) = unit.strip_suffix("ies") {
        return format!("{stem}y");
    }
    if unit.ends_with("ss") || unit.ends_with("us") {
        return unit;
    }
    unit.strip_suffix('s').map_or(unit.clone(), str::to_owned)
}

/// A date as sources write it, as EDTF text: `2023`, `2023?`, `2024-01-23`, `23.01.2024`, `23/01/2024`,
/// `Jan 2024`, `January 2024`; a number in a date column as an Excel date (days since 1899-12-30) when it
/// is one, else as a year.
pub fn date(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    if let Ok(date) = FuzzyDate::parse(text) {
        return Ok(date.to_string());
    }
    // Years of delivery as SIPRI lists them ("1979; 1980; 1981"): the window from the first to the last.
    if text.contains(';') {
        let years: Vec<i16> = text.split(';').filter_map(|year| year.trim().parse().ok()).collect();
        if years.len() == text.split(';').count()
            && let (Some(first), Some(last)) = (years.iter().min(), years.iter().max())
        {
            return if first == last {
                checked(&format!("{first:04}"), text)
            } else {
                checked(&format!("{first:04}/{last:04}"), text)
            };
        }
    }
    let (core, mark) = match text.strip_suffix('?') {
        Some(core) => (core.trim(), "?"),
        None => (text, ""),
    };
    let numbers: Vec<&str> = core.split(['.', '/', '-']).map(str::trim).collect();
    if let [day, month, year] = numbers.as_slice()
        && let (Ok(day), Ok(month), Ok(year)) = (day.parse::<u8>(), month.parse::<u8>(), year.parse::<i16>())
        && year > 999
    {
        return checked(&format!("{year:04}-{month:02}-{day:02}{mark}"), text);
    }
    let words: Vec<&str> = core.split([' ', '-']).filter(|w| !w.is_empty()).collect();
    if let [month, year] = words.as_slice()
        && let Some(month) = month_number(month)
        && let Ok(year) = year.parse::<i16>()
    {
        return checked(&format!("{year:04}-{month:02}{mark}"), text);
    }
    Err(format!("`{text}` is not a date (2024, 2024-07-10, 10.07.2024, Jul 2024)"))
}

fn checked(edtf: &str, original: &str) -> Result<String, String> {
    FuzzyDate::parse(edtf).map(|date| date.to_string()).map_err(|error| format!("`{original}`: {error}"))
}

pub(crate) fn month_number(word: &str) -> Option<u8> {
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let word = word.to_lowercase();
    MONTHS.iter().position(|month| word.starts_with(month)).map(|index| index as u8 + 1)
}

/// A number in a date column: a year as itself, a larger number as an Excel date.
pub fn date_from_number(number: f64) -> Option<String> {
    if number.fract() == 0.0 && (1000.0..=2999.0).contains(&number) {
        Some(format!("{}", number as i64))
    } else {
        crate::io::tabular::excel_date(number)
    }
}

/// Money as field texts: amount, currency (empty when the text names none), qualifier.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MoneyText {
    pub amount: String,
    pub currency: String,
    pub qualifier: String,
}

const CURRENCY_SIGNS: &[(&str, &str)] = &[("US$", "USD"), ("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")];

const SCALES: &[(&str, f64)] = &[
    ("billion", 1e9),
    ("bn", 1e9),
    ("b", 1e9),
    ("mrd", 1e9),
    ("million", 1e6),
    ("mn", 1e6),
    ("mln", 1e6),
    ("m", 1e6),
    ("thousand", 1e3),
    ("k", 1e3),
];

/// `$79 m`, `EUR 1.2 bn`, `EUR12.6 m`, `almost USD 700 million`, `3,000,000,000`, `$17-20 m` (a range:
/// up to its top, the words kept by the caller).
pub fn money(text: &str, decimal_comma: bool) -> Result<MoneyText, String> {
    let original = text.trim();
    let mut rest = original;
    let mut qualifier = MoneyQualifier::Exact;
    let lower = rest.to_lowercase();
    for (prefix, meant) in [
        ("almost ", MoneyQualifier::Almost),
        ("nearly ", MoneyQualifier::Almost),
        ("up to ", MoneyQualifier::UpTo),
        ("about ", MoneyQualifier::About),
        ("approximately ", MoneyQualifier::About),
        ("around ", MoneyQualifier::About),
        ("c. ", MoneyQualifier::About),
        ("~", MoneyQualifier::About),
    ] {
        if lower.starts_with(prefix) {
            qualifier = meant;
            rest = rest[prefix.len()..].trim_start();
            break;
        }
    }
    let mut currency = String::new();
    for (sign, code) in CURRENCY_SIGNS {
        if let Some(stripped) = rest.strip_prefix(sign) {
            currency = (*code).to_owned();
            rest = stripped.trim_start();
            break;
        }
    }
    if currency.is_empty() {
        let letters: String = rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if letters.len() == 3 && letters.chars().all(|c| c.is_ascii_uppercase()) {
            currency = letters;
            rest = rest[3..].trim_start();
        }
    }
    let end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || matches!(c, ',' | '.' | ' ' | '\u{a0}' | '-' | '–')))
        .map_or(rest.len(), |(i, _)| i);
    let (number, after) = rest.split_at(end);
    // A range "17-20": its top, as a ceiling.
    let number = match number.rsplit_once(['-', '–']) {
        Some((low, high)) if !low.trim().is_empty() => {
            qualifier = MoneyQualifier::UpTo;
            high
        }
        _ => number,
    };
    let amount = parse_number(number, decimal_comma).ok_or_else(|| format!("`{original}` is not a sum of money"))?;
    let after = after.trim_start().to_lowercase();
    let word: String = after.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    let scale = SCALES.iter().find(|(name, _)| *name == word).map_or(1.0, |(_, scale)| *scale);
    if currency.is_empty() {
        // A code after the number: "700 million USD".
        let code: String = after
            .split_whitespace()
            .find(|w| w.len() == 3 && w.chars().all(|c| c.is_ascii_alphabetic()))
            .unwrap_or("")
            .to_owned();
        if SCALES.iter().all(|(name, _)| *name != code) {
            currency = code.to_uppercase();
        }
    }
    Ok(MoneyText {
        amount: crate::io::tabular::number_text(amount * scale),
        currency,
        qualifier: if qualifier == MoneyQualifier::Exact { String::new() } else { qualifier.key().to_owned() },
    })
}

/// Words sources use for how far an order has gone.
pub fn stage(text: &str) -> Option<Stage> {
    let word = text.trim().to_lowercase();
    if let Some(stage) = Stage::ALL.iter().find(|stage| stage.key() == word || stage.label() == word) {
        return Some(*stage);
    }
    let starts = |prefixes: &[&str]| prefixes.iter().any(|prefix| word.starts_with(prefix));
    Some(if starts(&["contract", "order", "signed", "purchase", "bought", "agreed"]) {
        Stage::Contracted
    } else if starts(&["plan", "intend", "intent", "request", "consider", "envisag"]) {
        Stage::Planned
    } else if starts(&["announc", "select", "approv", "pledge", "commit", "alloc"]) {
        Stage::Announced
    } else if starts(&["in delivery", "delivering", "being delivered", "partly delivered", "partially"]) {
        Stage::Delivering
    } else if starts(&["deliver", "complete", "received", "in service"]) {
        Stage::Delivered
    } else if starts(&["cancel"]) {
        Stage::Cancelled
    } else {
        return None;
    })
}

/// The actors a cell names, separated by `;`, `,`, `/` or " and ", as ids: a known country or organisation
/// as its code, anything else as written. A cell whose parts are not all known is one actor.
pub fn actors(text: &str) -> Vec<String> {
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    if let Some(known) = countries::find(text) {
        return vec![known.id().to_owned()];
    }
    let parts: Vec<&str> = text
        .split([';', ',', '/'])
        .flat_map(|part| part.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1 && parts.iter().all(|part| countries::find(part).is_some()) {
        return parts.iter().filter_map(|part| countries::find(part)).map(|known| known.id().to_owned()).collect();
    }
    if text.contains(';') {
        return parts.iter().map(|part| resolve(part)).collect();
    }
    vec![resolve(text)]
}

fn resolve(name: &str) -> String {
    countries::find(name).map_or_else(|| name.trim().to_owned(), |known| known.id().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> (String, String, String) {
        let quantity = quantity(text, false);
        (quantity.count, quantity.qualifier, quantity.unit)
    }

    #[test]
    fn quantities() {
        let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(q("96?"), s("96", "estimate", ""));
        assert_eq!(q("c. 200"), s("200", "about", ""));
        assert_eq!(q("up to 1,000"), s("1000", "up_to", ""));
        assert_eq!(q("up to 1,000 missiles"), s("1000", "up_to", "missile"));
        assert_eq!(q("500"), s("500", "", ""));
        assert_eq!(q("200+"), s("200", "at_least", ""));
        assert_eq!(q("35 aircraft"), s("35", "", "aircraft"));
        assert_eq!(q("12 batteries"), s("12", "", "battery"));
        let thousands = quantity("thousands", false);
        assert_eq!(
            (thousands.count.as_str(), thousands.qualifier.as_str(), thousands.words.as_str()),
            ("", "unknown", "thousands")
        );
        assert_eq!(quantity("96?", false).words, "96?", "the source's mark is kept");
    }

    #[test]
    fn dates() {
        assert_eq!(date("2023?").unwrap(), "2023?");
        assert_eq!(date("2024-01-23").unwrap(), "2024-01-23");
        assert_eq!(date("23.01.2024").unwrap(), "2024-01-23");
        assert_eq!(date("23/01/2024").unwrap(), "2024-01-23");
        assert_eq!(date("Jan 2024").unwrap(), "2024-01");
        assert_eq!(date("January 2024").unwrap(), "2024-01");
        assert_eq!(date("1979; 1980; 1981").unwrap(), "1979/1981", "years of delivery become their window");
        assert!(date("30.02.2024").is_err());
        assert!(date("soon").is_err());
        assert_eq!(date_from_number(2024.0).unwrap(), "2024");
        assert_eq!(date_from_number(45_292.0).unwrap(), "2024-01-01", "an Excel serial");
    }

    #[test]
    fn money_as_sources_write_it() {
        let m = |text: &str| {
            let money = money(text, false).unwrap();
            (money.amount, money.currency, money.qualifier)
        };
        let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(m("$79 m"), s("79000000", "USD", ""));
        assert_eq!(m("EUR 1.2 bn"), s("1200000000", "EUR", ""));
        assert_eq!(m("EUR12.6 m"), s("12600000", "EUR", ""));
        assert_eq!(m("3,000,000,000"), s("3000000000", "", ""));
        assert_eq!(m("almost USD 700 million"), s("700000000", "USD", "almost"));
        assert_eq!(m("$17-20 m"), s("20000000", "USD", "up_to"));
        assert_eq!(m("700 million USD"), s("700000000", "USD", ""));
        assert_eq!(money("1.234,5", true).unwrap().amount, "1234.5");
        assert!(money("undisclosed", false).is_err());
    }

    #[test]
    fn stages_and_actors() {
        assert_eq!(stage("Contracted"), Some(Stage::Contracted));
        assert_eq!(stage("ordered"), Some(Stage::Contracted));
        assert_eq!(stage("Selected"), Some(Stage::Announced));
        assert_eq!(stage("Delivered"), Some(Stage::Delivered));
        assert_eq!(stage("??"), None);
        assert_eq!(actors("Czech Republic"), ["CZE"]);
        assert_eq!(actors("Germany, Netherlands"), ["DEU", "NLD"]);
        assert_eq!(actors("Germany and the Netherlands"), ["DEU", "NLD"]);
        assert_eq!(actors("Acme Corp"), ["Acme Corp"]);
        assert_eq!(actors("Raytheon, Inc."), ["Raytheon, Inc."], "not every comma separates actors");
    }
}
