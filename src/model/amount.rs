//! Quantities and money as sources state them, each with its qualifier: "up to 1,000 missiles" is a
//! ceiling, not a count of 1,000, and "almost USD 700 million" is not exactly 700 million.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Vocabulary;
use super::intern::Symbol;

/// How a source qualifies a count.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum QuantityQualifier {
    #[default]
    Exact,
    /// A ceiling, e.g. a framework contract "if all options are exercised".
    UpTo,
    AtLeast,
    About,
    /// A figure the source marks as uncertain (SIPRI's `?`).
    Estimate,
    /// No number: the source's words are kept in `text` ("thousands").
    Unknown,
}

impl QuantityQualifier {
    pub const ALL: [QuantityQualifier; 6] = [
        QuantityQualifier::Exact,
        QuantityQualifier::UpTo,
        QuantityQualifier::AtLeast,
        QuantityQualifier::About,
        QuantityQualifier::Estimate,
        QuantityQualifier::Unknown,
    ];

    pub fn label(self) -> &'static str {
        match self {
            QuantityQualifier::Exact => "exact",
            QuantityQualifier::UpTo => "up to",
            QuantityQualifier::AtLeast => "at least",
            QuantityQualifier::About => "about",
            QuantityQualifier::Estimate => "estimate",
            QuantityQualifier::Unknown => "unknown",
        }
    }

    /// The words put before a number: "up to 1,000".
    fn prefix(self) -> &'static str {
        match self {
            QuantityQualifier::Exact | QuantityQualifier::Unknown => "",
            QuantityQualifier::UpTo => "up to ",
            QuantityQualifier::AtLeast => "at least ",
            QuantityQualifier::About => "≈ ",
            QuantityQualifier::Estimate => "est. ",
        }
    }
}

impl Vocabulary for QuantityQualifier {
    const ALL: &'static [QuantityQualifier] = &QuantityQualifier::ALL;
    const CHOICES: &'static [(&'static str, &'static str)] = &[
        ("exact", "exact"),
        ("up_to", "up to"),
        ("at_least", "at least"),
        ("about", "about"),
        ("estimate", "estimate"),
        ("unknown", "unknown"),
    ];

    fn position(self) -> usize {
        self as usize
    }
}

/// A count of things of one unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// None when the source gives no number.
    pub count: Option<u64>,
    /// What is counted: missile, aircraft, round, system.
    pub unit: Option<Symbol>,
    pub qualifier: QuantityQualifier,
    /// The source's own words where they say more than the number ("thousands", "96?").
    pub text: Option<Box<str>>,
}

impl Quantity {
    /// "up to 1,000 missiles", "“thousands” (systems)", for tables and reports.
    pub fn display(&self, unit: &str) -> String {
        match self.count {
            Some(count) => {
                let unit = if unit.is_empty() { String::new() } else { format!(" {}", plural(unit, count)) };
                format!("{}{}{unit}", self.qualifier.prefix(), group_thousands(count as f64, 0))
            }
            None => {
                let words = self.text.as_deref().map_or_else(|| "unknown".to_owned(), |text| format!("“{text}”"));
                if unit.is_empty() { words } else { format!("{words} ({})", plural(unit, 2)) }
            }
        }
    }
}

/// The unit as a reader expects it after a count: "1 missile", "2 missiles", "850 aircraft".
pub fn plural(unit: &str, count: u64) -> String {
    const SAME_IN_PLURAL: [&str; 4] = ["aircraft", "ammunition", "materiel", "equipment"];
    if count == 1 || unit.ends_with('s') || SAME_IN_PLURAL.contains(&unit) {
        return unit.to_owned();
    }
    // "battery" → "batteries", but "day" → "days".
    match unit.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{unit}s"),
    }
}

/// How a source qualifies a sum of money.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MoneyQualifier {
    #[default]
    Exact,
    About,
    /// Just under the figure: "almost USD 700 million".
    Almost,
    UpTo,
}

impl MoneyQualifier {
    pub const ALL: [MoneyQualifier; 4] =
        [MoneyQualifier::Exact, MoneyQualifier::About, MoneyQualifier::Almost, MoneyQualifier::UpTo];

    pub fn label(self) -> &'static str {
        match self {
            MoneyQualifier::Exact => "exact",
            MoneyQualifier::About => "about",
            MoneyQualifier::Almost => "almost",
            MoneyQualifier::UpTo => "up to",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            MoneyQualifier::Exact => "",
            MoneyQualifier::About => "≈ ",
            MoneyQualifier::Almost => "almost ",
            MoneyQualifier::UpTo => "up to ",
        }
    }
}

impl Vocabulary for MoneyQualifier {
    const ALL: &'static [MoneyQualifier] = &MoneyQualifier::ALL;
    const CHOICES: &'static [(&'static str, &'static str)] =
        &[("exact", "exact"), ("about", "about"), ("almost", "almost"), ("up_to", "up to")];

    fn position(self) -> usize {
        self as usize
    }
}

/// An ISO 4217 alphabetic code: three upper-case ASCII letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// ISO 4217's code for "no currency".
    pub const NONE: Currency = Currency(*b"XXX");

    /// Accepts any three upper-case letters; whether ISO 4217 knows the code is a validation question.
    pub fn parse(code: &str) -> Option<Currency> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        bytes.iter().all(u8::is_ascii_uppercase).then_some(Currency(bytes))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters get in.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The code in 15 bits, five per letter, for columns of a million amounts.
    pub fn packed(self) -> u16 {
        self.0.iter().fold(0, |code, letter| (code << 5) | u16::from(letter - b'A'))
    }

    /// The currency [`Currency::packed`] gave `code`.
    pub fn from_packed(code: u16) -> Currency {
        Currency([2, 1, 0].map(|letter| b'A' + ((code >> (5 * letter)) & 31) as u8))
    }

    /// True for the active ISO 4217 codes (list of 2024) and the historic ones older sources quote.
    pub fn is_known(&self) -> bool {
        // Validation asks this for every amount of a million records: a binary search, not a scan.
        static CODES: std::sync::LazyLock<Vec<&str>> =
            std::sync::LazyLock::new(|| ISO_4217.split_ascii_whitespace().collect());
        CODES.binary_search(&self.as_str()).is_ok()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::parse(&code).ok_or_else(|| {
            serde::de::Error::custom(format!("`{code}` is not a currency code (three capital letters, e.g. EUR)"))
        })
    }
}

impl schemars::JsonSchema for Currency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Currency".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "ISO 4217 alphabetic currency code",
            "pattern": "^[A-Z]{3}$"
        })
    }
}

/// A sum of money in the currency the source gave; never converted, never added across currencies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: Currency,
    pub qualifier: MoneyQualifier,
    /// The year whose prices the amount is in, when the source says.
    pub price_year: Option<i16>,
}

impl Money {
    /// "≈ USD 5.5 bn", "almost USD 700 M".
    pub fn display(&self) -> String {
        format!("{}{} {}", self.qualifier.prefix(), self.currency, short_amount(self.amount))
    }
}

/// A count of records with thousands grouped: "1,000,000".
pub fn count_text(count: usize) -> String {
    group_thousands(count as f64, 0)
}

/// A count and what it counts: "1 record", "813,410 records".
pub fn counted(count: usize, noun: &str) -> String {
    format!("{} {}", count_text(count), plural(noun, count as u64))
}

/// 5_500_000_000 → "5.5 bn", 700_000_000 → "700 M", 395_000 → "395,000".
pub fn short_amount(amount: f64) -> String {
    let (scaled, suffix) = if amount.abs() >= 1e9 {
        (amount / 1e9, " bn")
    } else if amount.abs() >= 1e6 {
        (amount / 1e6, " M")
    } else {
        return group_thousands(amount, 0);
    };
    let text = group_thousands(scaled, 2);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}{suffix}")
}

/// 1234567.0 → "1,234,567" (with `decimals` digits after the point).
pub fn group_thousands(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if value.is_sign_negative() && value != 0.0 {
        grouped.push('-');
    }
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if !fraction.is_empty() {
        grouped.push('.');
        grouped.push_str(fraction);
    }
    grouped
}

/// ISO 4217 alphabetic codes in use (SIX list, 2024), plus funds codes and the withdrawn codes of currencies
/// older orders were priced in (the Deutsche Mark, the French franc, the peseta, the Soviet rouble…).
/// Sorted (a test checks), for [`Currency::is_known`].
const ISO_4217: &str = "
AED AFN ALL AMD ANG AOA ARS ATS AUD AWG AZN BAM BBD BDT BEF BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN
BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CSK CUC CUP CVE CYP CZK DEM DJF DKK DOP DZD EEK EGP ERN ESP
ETB EUR FIM FJD FKP FRF GBP GEL GHS GIP GMD GNF GRD GTQ GYD HKD HNL HRK HTG HUF IDR IEP ILS INR IQD IRR ISK
ITL JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LTL LUF LVL LYD MAD MDL MGA MKD MMK
MNT MOP MRU MTL MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NLG NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PLZ PTE
PYG QAR ROL RON RSD RUB RUR RWF SAR SBD SCR SDG SEK SGD SHP SIT SKK SLE SLL SOS SRD SSP STN SUR SVC SYP SZL
THB TJS TMT TND TOP TRL TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VEB VED VES VND VUV WST XAF XAG XAU
XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER YUM ZAR ZMW ZWG ZWL
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_take_their_plural() {
        assert_eq!(plural("missile", 2), "missiles");
        assert_eq!(plural("battery", 4), "batteries");
        assert_eq!(plural("day", 2), "days");
        assert_eq!(plural("aircraft", 35), "aircraft");
        assert_eq!(plural("missile", 1), "missile");
    }

    #[test]
    fn currency_codes_are_checked() {
        let codes: Vec<&str> = ISO_4217.split_ascii_whitespace().collect();
        assert!(codes.is_sorted(), "the list is sorted for binary search");
        assert!(Currency::parse("USD").is_some_and(|c| c.is_known()));
        assert!(Currency::parse("EUR").is_some_and(|c| c.is_known()));
        assert!(Currency::parse("ABC").is_some_and(|c| !c.is_known()));
        assert_eq!(Currency::parse("usd"), None);
        assert_eq!(Currency::parse("EURO"), None);
        assert_eq!(Currency::parse("€"), None);
    }

    #[test]
    fn amounts_read_as_the_source_put_them() {
        let usd = Currency::parse("USD").unwrap();
        let money = |amount, qualifier| Money { amount, currency: usd, qualifier, price_year: None };
        assert_eq!(money(5.5e9, MoneyQualifier::About).display(), "≈ USD 5.5 bn");
        assert_eq!(money(7e8, MoneyQualifier::Almost).display(), "almost USD 700 M");
        assert_eq!(money(395_000.0, MoneyQualifier::Exact).display(), "USD 395,000");
        assert_eq!(money(1_193_060_000_000.0, MoneyQualifier::Exact).display(), "USD 1,193.06 bn");
        let quantity = Quantity { count: Some(1000), unit: None, qualifier: QuantityQualifier::UpTo, text: None };
        assert_eq!(quantity.display("missile"), "up to 1,000 missiles");
        assert_eq!(Quantity { count: Some(1), ..quantity.clone() }.display("missile"), "up to 1 missile");
        assert_eq!(Quantity { count: Some(850), ..quantity.clone() }.display("aircraft"), "up to 850 aircraft");
        let thousands =
            Quantity { count: None, unit: None, qualifier: QuantityQualifier::Unknown, text: Some("thousands".into()) };
        assert_eq!(thousands.display("system"), "“thousands” (systems)");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0.0, 0), "0");
        assert_eq!(group_thousands(999.0, 0), "999");
        assert_eq!(group_thousands(1000.0, 0), "1,000");
        assert_eq!(group_thousands(220_000.0, 0), "220,000");
        assert_eq!(group_thousands(1_234_567.5, 1), "1,234,567.5");
        assert_eq!(group_thousands(-1500.0, 0), "-1,500");
    }
}
