//! Dates as sources give them: a day, a month, a year or an interval, possibly approximate or uncertain.
//!
//! The text form is the Extended Date/Time Format (EDTF, ISO 8601-2) at level 1, restricted to what
//! trackers need: `2024-07-10`, `2024-01`, `2024`, `2024?` (uncertain), `2024~` (approximate),
//! `2024%` (both), intervals `2023-07-11/2023-07-12`, `2024/2029`, with an open end `2024/..` or an
//! unknown one `/2024`. Years are 0000 to 9999.

use std::fmt;

use jiff::civil::Date;

/// How sure the source is of a date, as EDTF marks it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DateQualifier {
    /// `?`: the source is not sure of it.
    pub uncertain: bool,
    /// `~`: the source gives it as roughly right.
    pub approximate: bool,
}

impl DateQualifier {
    fn suffix(self) -> &'static str {
        match (self.uncertain, self.approximate) {
            (false, false) => "",
            (true, false) => "?",
            (false, true) => "~",
            (true, true) => "%",
        }
    }

    pub fn is_exact(self) -> bool {
        !self.uncertain && !self.approximate
    }
}

/// How much of a calendar date is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A year, a month or a day, with its qualifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i16,
    /// 1 to 12, or 0 when only the year is known.
    month: u8,
    /// 1 to 31, or 0 when the day is not known.
    day: u8,
    pub qualifier: DateQualifier,
}

impl PartialDate {
    /// A checked date: the month and day must exist (`2024-02-30` does not).
    pub fn new(year: i16, month: Option<u8>, day: Option<u8>) -> Result<Self, DateError> {
        if !(0..=9999).contains(&year) {
            return Err(DateError::YearOutOfRange);
        }
        match (month, day) {
            (None, Some(_)) => return Err(DateError::DayWithoutMonth),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(DateError::NoSuchMonth(m)),
            (Some(m), Some(d)) => {
                // jiff knows leap years and month lengths; year 0 is valid in ISO 8601.
                Date::new(year, m as i8, d as i8).map_err(|_| DateError::NoSuchDay { year, month: m, day: d })?;
            }
            _ => {}
        }
        Ok(PartialDate { year, month: month.unwrap_or(0), day: day.unwrap_or(0), qualifier: DateQualifier::default() })
    }

    /// A whole year, exact; years outside 0000–9999 are brought to the nearest end.
    pub fn of_year(year: i16) -> Self {
        PartialDate { year: year.clamp(0, 9999), month: 0, day: 0, qualifier: DateQualifier::default() }
    }

    pub fn with_qualifier(mut self, qualifier: DateQualifier) -> Self {
        self.qualifier = qualifier;
        self
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> Option<u8> {
        (self.month != 0).then_some(self.month)
    }

    pub fn day(self) -> Option<u8> {
        (self.day != 0).then_some(self.day)
    }

    pub fn precision(self) -> Precision {
        match (self.month, self.day) {
            (0, _) => Precision::Year,
            (_, 0) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// The first day the date can mean.
    pub fn first_day(self) -> Date {
        let month = self.month().unwrap_or(1) as i8;
        let day = self.day().unwrap_or(1) as i8;
        // The constructor checked the parts, so this cannot fail; fall back rather than panic regardless.
        Date::new(self.year, month, day).unwrap_or(Date::MIN)
    }

    /// The last day the date can mean.
    pub fn last_day(self) -> Date {
        let first = self.first_day();
        match self.precision() {
            Precision::Day => first,
            Precision::Month => first.last_of_month(),
            Precision::Year => Date::new(self.year, 12, 31).unwrap_or(Date::MAX),
        }
    }

    fn write_edtf(self, out: &mut impl fmt::Write) -> fmt::Result {
        // Digits put in place rather than through `write!`, whose formatting was a tenth of the time of
        // saving a million acquisitions. Years are 0000 to 9999 (`parse` refuses others).
        let Ok(year @ 0..=9999) = u16::try_from(self.year) else {
            return write!(out, "{:04}{}", self.year, self.qualifier.suffix());
        };
        let mut text = *b"0000-00-00";
        let mut put = |at: usize, width: usize, mut number: u16| {
            for place in text[at..at + width].iter_mut().rev() {
                *place = b'0' + (number % 10) as u8;
                number /= 10;
            }
        };
        put(0, 4, year);
        let mut length = 4;
        if let Some(month) = self.month() {
            put(5, 2, u16::from(month));
            length = 7;
        }
        if let Some(day) = self.day() {
            put(8, 2, u16::from(day));
            length = 10;
        }
        out.write_str(std::str::from_utf8(&text[..length]).unwrap_or_default())?;
        out.write_str(self.qualifier.suffix())
    }

    fn write_human(self, out: &mut impl fmt::Write) -> fmt::Result {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let month_name = |m: u8| MONTHS.get(usize::from(m).saturating_sub(1)).copied().unwrap_or("?");
        if self.qualifier.approximate {
            out.write_str("c. ")?;
        }
        match (self.month(), self.day()) {
            (Some(m), Some(d)) => write!(out, "{d} {} {}", month_name(m), self.year)?,
            (Some(m), None) => write!(out, "{} {}", month_name(m), self.year)?,
            _ => write!(out, "{}", self.year)?,
        }
        if self.qualifier.uncertain {
            out.write_str("?")?;
        }
        Ok(())
    }
}

/// One end of an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    Date(PartialDate),
    /// `..`: the interval runs on without an end (or from no beginning).
    Open,
    /// Empty: the end exists but is not known.
    Unknown,
}

impl Bound {
    pub fn date(self) -> Option<PartialDate> {
        match self {
            Bound::Date(date) => Some(date),
            Bound::Open | Bound::Unknown => None,
        }
    }
}

/// A date as a source gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FuzzyDate {
    Single(PartialDate),
    Interval { start: Bound, end: Bound },
}

/// Why a text is not a date this app understands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("empty date")]
    Empty,
    #[error("`{0}` is not an EDTF date (expected e.g. 2024-07-10, 2024-01, 2024, 2024?, 2024~ or 2024/2029)")]
    Syntax(String),
    #[error("years must be 0000 to 9999")]
    YearOutOfRange,
    #[error("a day needs a month")]
    DayWithoutMonth,
    #[error("there is no month {0}")]
    NoSuchMonth(u8),
    #[error("{year:04}-{month:02}-{day:02} does not exist")]
    NoSuchDay { year: i16, month: u8, day: u8 },
    #[error("an interval needs at least one known end")]
    NoKnownEnd,
    #[error("the interval ends before it starts")]
    Reversed,
}

impl FuzzyDate {
    /// Today, in the local time zone.
    pub fn today() -> Self {
        let today = jiff::ZonedDateTime::now().date();
        PartialDate::new(today.year(), Some(today.month() as u8), Some(today.day() as u8))
            .map_or(FuzzyDate::Single(PartialDate::of_year(today.year())), FuzzyDate::Single)
    }

    pub fn day(year: i16, month: u8, day: u8) -> Result<Self, DateError> {
        PartialDate::new(year, Some(month), Some(day)).map(FuzzyDate::Single)
    }

    /// The first day the date can mean, if it has a known start.
    pub fn earliest(&self) -> Option<Date> {
        match *self {
            FuzzyDate::Single(date) => Some(date.first_day()),
            FuzzyDate::Interval { start, .. } => start.date().map(PartialDate::first_day),
        }
    }

    /// The last day the date can mean, if it has a known end.
    pub fn latest(&self) -> Option<Date> {
        match *self {
            FuzzyDate::Single(date) => Some(date.last_day()),
            FuzzyDate::Interval { end, .. } => end.date().map(PartialDate::last_day),
        }
    }

    /// The date that places the record in time: the start, or the end of an interval with no known start.
    pub fn anchor(&self) -> PartialDate {
        match *self {
            FuzzyDate::Single(date) => date,
            FuzzyDate::Interval { start: Bound::Date(date), .. } => date,
            // `parse` refuses intervals with no known end, so the end is known here.
            FuzzyDate::Interval { end, .. } => end.date().unwrap_or(PartialDate {
                year: 0,
                month: 0,
                day: 0,
                qualifier: DateQualifier { uncertain: true, approximate: false },
            }),
        }
    }

    /// The year used to group records by period.
    pub fn year(&self) -> i16 {
        self.anchor().year()
    }

    /// A key that orders dates by when they start, then by how precisely.
    pub fn sort_key(&self) -> i32 {
        let anchor = self.anchor();
        i32::from(anchor.year) * 10_000 + i32::from(anchor.month) * 100 + i32::from(anchor.day)
    }

    /// True when any part is approximate or uncertain.
    pub fn is_qualified(&self) -> bool {
        match *self {
            FuzzyDate::Single(date) => !date.qualifier.is_exact(),
            FuzzyDate::Interval { start, end } => {
                [start, end].into_iter().filter_map(Bound::date).any(|date| !date.qualifier.is_exact())
            }
        }
    }

    /// Parses the EDTF text form.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DateError::Empty);
        }
        let Some((start, end)) = text.split_once('/') else {
            return parse_partial(text).map(FuzzyDate::Single);
        };
        let start = parse_bound(start, text)?;
        let end = parse_bound(end, text)?;
        if let (Bound::Date(first), Bound::Date(last)) = (start, end)
            && last.last_day() < first.first_day()
        {
            return Err(DateError::Reversed);
        }
        if start.date().is_none() && end.date().is_none() {
            return Err(DateError::NoKnownEnd);
        }
        Ok(FuzzyDate::Interval { start, end })
    }

    /// How a reader would write it: "10 Jul 2024", "Jan 2024", "2024?", "c. 2024 – 2029".
    pub fn human(&self) -> String {
        let mut out = String::new();
        let written = match *self {
            FuzzyDate::Single(date) => date.write_human(&mut out),
            FuzzyDate::Interval { start, end } => write_human_bound(start, &mut out, "…")
                .and_then(|()| fmt::Write::write_str(&mut out, " – "))
                .and_then(|()| write_human_bound(end, &mut out, "…")),
        };
        debug_assert!(written.is_ok(), "writing to a String cannot fail");
        out
    }
}

fn write_human_bound(bound: Bound, out: &mut String, open: &str) -> fmt::Result {
    match bound {
        Bound::Date(date) => date.write_human(out),
        Bound::Open => fmt::Write::write_str(out, open),
        Bound::Unknown => fmt::Write::write_str(out, "?"),
    }
}

fn parse_bound(text: &str, whole: &str) -> Result<Bound, DateError> {
    match text {
        "" => Ok(Bound::Unknown),
        ".." => Ok(Bound::Open),
        _ => parse_partial(text).map(Bound::Date).map_err(|error| match error {
            DateError::Syntax(_) => DateError::Syntax(whole.to_owned()),
            other => other,
        }),
    }
}

/// The date's text without its EDTF qualifier (`?`, `~` or `%` at the end), and the qualifier.
fn without_qualifier(text: &str) -> (&str, DateQualifier) {
    match text.as_bytes().last() {
        Some(b'?') => (&text[..text.len() - 1], DateQualifier { uncertain: true, approximate: false }),
        Some(b'~') => (&text[..text.len() - 1], DateQualifier { uncertain: false, approximate: true }),
        Some(b'%') => (&text[..text.len() - 1], DateQualifier { uncertain: true, approximate: true }),
        _ => (text, DateQualifier::default()),
    }
}

fn parse_partial(text: &str) -> Result<PartialDate, DateError> {
    let syntax = || DateError::Syntax(text.to_owned());
    let (body, qualifier) = without_qualifier(text);
    // `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, read in place: a million records' dates went through a split
    // and a number parse each, a twentieth of loading them.
    let bytes = body.as_bytes();
    let number = |from: usize, to: usize| {
        bytes[from..to].iter().try_fold(0u16, |n, &b| b.is_ascii_digit().then(|| n * 10 + u16::from(b - b'0')))
    };
    let two_digits = |from: usize| number(from, from + 2).and_then(|n| u8::try_from(n).ok());
    let (year, month, day) = match bytes.len() {
        4 => (number(0, 4), None, None),
        7 if bytes[4] == b'-' => (number(0, 4), Some(two_digits(5).ok_or_else(syntax)?), None),
        10 if bytes[4] == b'-' && bytes[7] == b'-' => {
            (number(0, 4), Some(two_digits(5).ok_or_else(syntax)?), Some(two_digits(8).ok_or_else(syntax)?))
        }
        _ => return Err(syntax()),
    };
    // Four digits are at most 9999, a year the model holds.
    let year = i16::try_from(year.ok_or_else(syntax)?).map_err(|_| DateError::YearOutOfRange)?;
    Ok(PartialDate::new(year, month, day)?.with_qualifier(qualifier))
}

impl fmt::Display for FuzzyDate {
    /// The EDTF text form, which `parse` reads back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FuzzyDate::Single(date) => date.write_edtf(f),
            FuzzyDate::Interval { start, end } => {
                write_edtf_bound(start, f)?;
                f.write_str("/")?;
                write_edtf_bound(end, f)
            }
        }
    }
}

fn write_edtf_bound(bound: Bound, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    match bound {
        Bound::Date(date) => date.write_edtf(f),
        Bound::Open => f.write_str(".."),
        Bound::Unknown => Ok(()),
    }
}

impl std::str::FromStr for FuzzyDate {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FuzzyDate::parse(text)
    }
}

impl serde::Serialize for FuzzyDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for FuzzyDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = FuzzyDate;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an EDTF date such as \"2024-07-10\", \"2024-01\", \"2024?\" or \"2024/2029\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<FuzzyDate, E> {
                FuzzyDate::parse(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl schemars::JsonSchema for FuzzyDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FuzzyDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "EDTF (ISO 8601-2) date: YYYY, YYYY-MM or YYYY-MM-DD, optionally followed by ? (uncertain), ~ (approximate) or % (both); or an interval START/END where an end may be empty (unknown) or .. (open).",
            "pattern": "^(\\d{4}(-\\d{2}){0,2}[?~%]?|\\.\\.)?(/(\\d{4}(-\\d{2}){0,2}[?~%]?|\\.\\.)?)?$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FuzzyDate {
        FuzzyDate::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn every_form_round_trips_through_text() {
        for text in [
            "2024-07-10",
            "2024-01",
            "2024",
            "2024?",
            "2024~",
            "2024%",
            "2024-07-10?",
            "2023-07-11/2023-07-12",
            "2024/2029",
            "2024~/2029~",
            "2024-07/..",
            "../2024",
            "/2024",
            "2024/",
            "0000",
            "9999-12-31",
        ] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn spans_cover_the_whole_period() {
        let day = |y, m, d| Date::new(y, m, d).unwrap();
        assert_eq!(parse("2024").earliest(), Some(day(2024, 1, 1)));
        assert_eq!(parse("2024").latest(), Some(day(2024, 12, 31)));
        assert_eq!(parse("2024-02").latest(), Some(day(2024, 2, 29)));
        assert_eq!(parse("2023-02").latest(), Some(day(2023, 2, 28)));
        assert_eq!(parse("2024-07-10").earliest(), parse("2024-07-10").latest());
        assert_eq!(parse("2024/2029").latest(), Some(day(2029, 12, 31)));
        assert_eq!(parse("2024/..").latest(), None);
        assert_eq!(parse("../2024").earliest(), None);
        assert_eq!(parse("/2024-03").year(), 2024);
    }

    #[test]
    fn impossible_dates_are_refused_with_a_reason() {
        assert_eq!(FuzzyDate::parse("2024-02-30"), Err(DateError::NoSuchDay { year: 2024, month: 2, day: 30 }));
        assert_eq!(FuzzyDate::parse("2023-02-29"), Err(DateError::NoSuchDay { year: 2023, month: 2, day: 29 }));
        assert_eq!(FuzzyDate::parse("2024-13"), Err(DateError::NoSuchMonth(13)));
        assert_eq!(FuzzyDate::parse("2029/2024"), Err(DateError::Reversed));
        assert_eq!(FuzzyDate::parse(""), Err(DateError::Empty));
        assert_eq!(FuzzyDate::parse("../.."), Err(DateError::NoKnownEnd));
        for bad in
            ["10 July 2024", "24", "2024-7-1", "2024-07-10T00:00", "+2024", "2024??", "2024/2025/2026", "２０２４"]
        {
            assert!(matches!(FuzzyDate::parse(bad), Err(DateError::Syntax(_))), "{bad}");
        }
    }

    /// The date read as before it was read in place: split at `-`, each part's digits parsed (its
    /// qualifier taken off as the reading does).
    fn parse_by_splitting(text: &str) -> Result<PartialDate, DateError> {
        let syntax = || DateError::Syntax(text.to_owned());
        let (body, qualifier) = without_qualifier(text);
        let digits = |text: &str| text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse::<u32>().ok()).flatten();
        let two_digits =
            |text: &str| (text.len() == 2).then(|| digits(text)).flatten().and_then(|n| u8::try_from(n).ok());
        let mut parts = body.split('-');
        let year = parts.next().filter(|part| part.len() == 4).and_then(digits).ok_or_else(syntax)?;
        let month = parts.next().map(|part| two_digits(part).ok_or_else(syntax)).transpose()?;
        let day = parts.next().map(|part| two_digits(part).ok_or_else(syntax)).transpose()?;
        if parts.next().is_some() {
            return Err(syntax());
        }
        let year = i16::try_from(year).map_err(|_| DateError::YearOutOfRange)?;
        Ok(PartialDate::new(year, month, day)?.with_qualifier(qualifier))
    }

    proptest::proptest! {
        #[test]
        fn a_date_reads_as_splitting_it_read_it(text in "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[?~%]?|[0-9-]{0,11}[?~%]?|[0-9a-é -]{0,11}") {
            proptest::prop_assert_eq!(parse_partial(&text), parse_by_splitting(&text));
        }
    }

    #[test]
    fn near_dates_read_as_splitting_them_read_them() {
        for text in ["2024-", "2024--01", "-2024", "2024-07-", "2024-0a", "2024-7", "20241", "2024-07-1", "2024-00-00"]
        {
            assert_eq!(parse_partial(text), parse_by_splitting(text), "{text}");
        }
    }

    #[test]
    fn human_form_reads_as_the_source_put_it() {
        assert_eq!(parse("2024-07-10").human(), "10 Jul 2024");
        assert_eq!(parse("2024-01").human(), "Jan 2024");
        assert_eq!(parse("2024?").human(), "2024?");
        assert_eq!(parse("2024~/2029~").human(), "c. 2024 – c. 2029");
        assert_eq!(parse("2024-07/..").human(), "Jul 2024 – …");
    }

    #[test]
    fn sort_key_orders_by_start() {
        assert!(parse("2023").sort_key() < parse("2023-07").sort_key());
        assert!(parse("2023-07").sort_key() < parse("2023-07-11").sort_key());
        assert!(parse("2023-12-31").sort_key() < parse("2024").sort_key());
    }
}
