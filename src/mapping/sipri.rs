//! SIPRI's Arms Transfers Database as its two exports come, read without a mapping step: the trade
//! register (one row per deal, what SIPRI's website gives) and the per-delivery CSV (one row per deal and
//! delivery year, with SIPRI's deal id). Both start with the same preamble: its "Data generated" date is
//! when the source was accessed, its conventions the source's note. The files are Latin-1 and never
//! quoted (SIPRI writes "; " for a comma), and a line break inside a comment splits a row in two: the
//! parts are joined again. Actors come as SIPRI names them (`*` a non-state group, `**` an organisation)
//! and are resolved by [`countries::complete_actors`]; money is read from the comments.

use std::collections::HashMap;

use crate::io::LoadError;
use crate::model::{
    Acquisition, Confidence, Currency, Dataset, DateQualifier, Delivery, FuzzyDate, Money, MoneyQualifier, PartialDate,
    Quantity, QuantityQualifier, Record, Source, Stage, Symbol, countries,
};

use super::{Imported, RowProblem};

/// Which of SIPRI's exports a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    /// One row per deal: what the website's trade register gives.
    TradeRegister,
    /// One row per deal and delivery year, with the deal's id.
    PerDelivery,
}

impl Export {
    pub fn label(self) -> &'static str {
        match self {
            Export::TradeRegister => "SIPRI trade register",
            Export::PerDelivery => "SIPRI deliveries by deal",
        }
    }

    fn header(self) -> &'static str {
        match self {
            Export::TradeRegister => TRADE_REGISTER_HEADER,
            Export::PerDelivery => PER_DELIVERY_HEADER,
        }
    }
}

const TRADE_REGISTER_HEADER: &str = "Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,\
Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,SIPRI TIV per unit,\
SIPRI TIV for total order,SIPRI TIV of delivered weapons";

const PER_DELIVERY_HEADER: &str = "SIPRI AT Database ID,Supplier,Recipient,Designation,Description,\
Armament category,Order date,Order date is estimate,Numbers delivered,Numbers delivered is estimate,\
Delivery year,Delivery year is estimate,Status,SIPRI estimate,TIV deal unit,TIV delivery values,Local production";

/// The preamble has 11 lines; a few more are looked at in case a release adds one.
const PREAMBLE_LINES_LOOKED_AT: usize = 20;

/// The id of the source record every imported deal cites.
pub const SOURCE_ID: &str = "sipri-atdb";

/// SIPRI's name for a supplier it does not know.
const UNKNOWN_SUPPLIER: &str = "unknown supplier(s)";

/// Which export `bytes` hold, told by the header line below the preamble; None for any other file.
pub fn recognise(bytes: &[u8]) -> Option<Export> {
    let head = &bytes[..bytes.len().min(8 * 1024)];
    let text = decode(head);
    let lines = text.lines().take(PREAMBLE_LINES_LOOKED_AT).map(|line| line.trim_end_matches('\r'));
    lines.into_iter().find_map(|line| {
        [Export::TradeRegister, Export::PerDelivery].into_iter().find(|export| line.trim_end() == export.header())
    })
}

/// Latin-1 as SIPRI writes it; a file someone saved again as UTF-8 is read as UTF-8.
fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        // Every Latin-1 byte is the code point of the same number.
        Err(_) => bytes.iter().map(|&byte| char::from(byte)).collect::<String>().into(),
    }
}

/// Reads a SIPRI export into acquisitions that cite one source record (SIPRI's database, accessed the day
/// the file was generated), with the actors they name. Rows that cannot be read are listed with why.
pub fn import(bytes: &[u8], origin: &str) -> Result<Imported, LoadError> {
    let export = recognise(bytes).ok_or_else(|| {
        LoadError::whole(origin, "not a SIPRI export: no trade-register header below a preamble was found")
    })?;
    let text = decode(bytes);
    let lines: Vec<&str> = text.split('\n').map(|line| line.trim_end_matches('\r')).collect();
    let header_at = lines.iter().position(|line| line.trim_end() == export.header()).unwrap_or(0);
    let mut dataset = Dataset::default();
    let source = source_record(&lines[..header_at], export, &mut dataset);
    let mut reader = Reader { dataset, source, taken: HashMap::new(), rows: Vec::new(), problems: Vec::new() };
    let columns = export.header().split(',').count();
    let rows = join_split_rows(&lines, header_at + 1, columns, &mut reader.problems);
    match export {
        Export::TradeRegister => {
            for (row, cells) in rows {
                match reader.trade_register_row(&cells) {
                    Ok(acquisition) => reader.push(acquisition, row),
                    Err((column, message)) => reader.problems.push(RowProblem { row, column, message }),
                }
            }
        }
        Export::PerDelivery => reader.per_delivery_rows(rows),
    }
    let Reader { mut dataset, rows, problems, .. } = reader;
    countries::complete_actors(&mut dataset, "Named by SIPRI's Arms Transfers Database.");
    Ok(Imported { dataset, rows, problems })
}

/// The source every deal cites: SIPRI's database, accessed when the export was generated; its note holds
/// the conventions the preamble states.
fn source_record(preamble: &[&str], export: Export, dataset: &mut Dataset) -> Symbol {
    let generated = preamble.iter().find_map(|line| line.strip_prefix("Data generated:")).and_then(generated_date);
    let conventions: Vec<&str> = preamble
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty() && !line.starts_with("Data generated:"))
        .collect();
    let id = dataset.intern(SOURCE_ID);
    let source = Source {
        id,
        title: format!("SIPRI Arms Transfers Database ({})", export.label()),
        publisher: "Stockholm International Peace Research Institute (SIPRI)".to_owned(),
        url: "https://www.sipri.org/databases/armstransfers".to_owned(),
        published: None,
        accessed: generated,
        notes: conventions.join("\n"),
    };
    dataset.insert(0, Record::Source(source));
    // A new dataset made from the export says what it is and how recent.
    dataset.meta.title = format!("SIPRI Arms Transfers Database: {}", export.label());
    dataset.meta.description = preamble.first().map(|title| title.trim().to_owned()).unwrap_or_default();
    if let Some(date) = generated {
        dataset.meta.release = format!("generated {}", date.human());
        dataset.meta.cutoff = Some(date);
    }
    id
}

/// "13 Oct 2024 2:20:11 PM" as the day.
fn generated_date(text: &str) -> Option<FuzzyDate> {
    let mut words = text.split_whitespace();
    let day = words.next()?.parse().ok()?;
    let month = super::values::month_number(words.next()?)?;
    let year = words.next()?.parse().ok()?;
    FuzzyDate::day(year, month, day).ok()
}

/// The data rows from `first` on, by their line in the file (from 1), a row that a line break inside a
/// cell split over several lines joined again (the break read as a space). A row that has too many cells,
/// or that the file ends inside, is listed as a problem.
fn join_split_rows(
    lines: &[&str],
    first: usize,
    columns: usize,
    problems: &mut Vec<RowProblem>,
) -> Vec<(u64, Vec<String>)> {
    let mut rows = Vec::with_capacity(lines.len().saturating_sub(first));
    let mut at = first;
    while at < lines.len() {
        let row = at as u64 + 1;
        let mut joined = lines[at].to_owned();
        at += 1;
        if joined.trim().is_empty() {
            continue;
        }
        let count = |text: &str| text.split(',').count();
        while count(&joined) < columns && at < lines.len() && !lines[at].trim().is_empty() {
            if count(&joined) + count(lines[at]) - 1 > columns {
                break;
            }
            joined.push(' ');
            joined.push_str(lines[at]);
            at += 1;
        }
        let found = count(&joined);
        if found != columns {
            let message = format!(
                "the row has {found} cells where SIPRI's export has {columns}; SIPRI never quotes cells, so a comma \
                 or a line break in a cell cannot be told from the end of one"
            );
            problems.push(RowProblem { row, column: "(the whole row)".to_owned(), message });
            continue;
        }
        rows.push((row, joined.split(',').map(|cell| cell.trim().to_owned()).collect()));
    }
    rows
}

/// The dataset being built, with the ids given so far.
struct Reader {
    dataset: Dataset,
    source: Symbol,
    /// Ids given, with how many deals had the same one, to make the next unique.
    taken: HashMap<String, u32>,
    rows: Vec<u64>,
    problems: Vec<RowProblem>,
}

type CellProblem = (String, String);

impl Reader {
    fn push(&mut self, acquisition: Acquisition, row: u64) {
        self.dataset.acquisitions.push(acquisition);
        self.rows.push(row);
    }

    /// An id that stays the same from one export to the next, so that a newer export updates the deals of
    /// an older one: SIPRI's deal id where the file has it, else recipient, supplier, designation and year
    /// of order; a second deal with the same ones in a file gets `-2`.
    fn id(&mut self, parts: &[&str]) -> Symbol {
        let mut slug = String::from("sipri");
        for part in parts {
            slug.push('-');
            let mut last_dash = true;
            for c in part.chars().flat_map(char::to_lowercase) {
                if c.is_alphanumeric() {
                    slug.push(c);
                    last_dash = false;
                } else if !last_dash {
                    slug.push('-');
                    last_dash = true;
                }
            }
            while slug.ends_with('-') {
                slug.pop();
            }
        }
        let seen = self.taken.entry(slug.clone()).or_insert(0);
        *seen += 1;
        if *seen > 1 {
            slug = format!("{slug}-{seen}");
        }
        self.dataset.intern(&slug)
    }

    fn actor(&mut self, name: &str) -> Option<Symbol> {
        (!name.is_empty() && name != UNKNOWN_SUPPLIER).then(|| self.dataset.intern(name))
    }

    fn trade_register_row(&mut self, cells: &[String]) -> Result<Acquisition, CellProblem> {
        let [
            recipient,
            supplier,
            year,
            year_flag,
            ordered,
            ordered_flag,
            designation,
            description,
            delivered,
            delivered_flag,
            years,
            status,
            comments,
            tiv_unit,
            tiv_order,
            tiv_delivered,
        ] = cells
        else {
            return Err(("(the whole row)".to_owned(), "the row does not have SIPRI's 16 cells".to_owned()));
        };
        if recipient.is_empty() || designation.is_empty() {
            return Err(("Recipient".to_owned(), "the row names no recipient or no weapon".to_owned()));
        }
        let date = order_year(year, year_flag == "?").map_err(|message| ("Year of order".to_owned(), message))?;
        let mut quantity =
            count(ordered, ordered_flag == "?").map_err(|message| ("Number ordered".to_owned(), message))?;
        let delivered_count =
            count(delivered, delivered_flag == "?").map_err(|message| ("Number delivered".to_owned(), message))?;
        let delivery_years = delivery_window(years).map_err(|message| ("Year(s) of delivery".to_owned(), message))?;
        let deliveries: Box<[Delivery]> = match (&delivered_count, delivery_years) {
            (Some(quantity), date) if quantity.count != Some(0) => Box::new([Delivery {
                date,
                count: quantity.count,
                qualifier: quantity.qualifier,
                sources: Box::new([self.source]),
            }]),
            (None, Some(date)) => Box::new([Delivery {
                date: Some(date),
                count: None,
                qualifier: QuantityQualifier::Unknown,
                sources: Box::new([self.source]),
            }]),
            _ => Box::default(),
        };
        // SIPRI gives 0 ordered beside weapons delivered for open-ended orders (most of them licensed
        // production): the number ordered is not known, not nought.
        let delivered_some = delivered_count.as_ref().and_then(|q| q.count).is_some_and(|n| n > 0);
        if delivered_some && quantity.as_ref().is_some_and(|q| q.count == Some(0)) {
            quantity = Some(Quantity {
                count: None,
                unit: None,
                qualifier: QuantityQualifier::Unknown,
                text: Some("0 ordered (SIPRI): the number ordered is open".into()),
            });
        }
        let stage = match (quantity.as_ref().and_then(|q| q.count), delivered_count.as_ref().and_then(|q| q.count)) {
            _ if deliveries.is_empty() => Stage::Contracted,
            (Some(ordered), Some(delivered)) if delivered >= ordered => Stage::Delivered,
            _ => Stage::Delivering,
        };
        let supplier_text = if supplier.is_empty() { UNKNOWN_SUPPLIER } else { supplier.as_str() };
        let id = self.id(&[recipient, supplier_text, designation, year]);
        let mut notes = comments.clone();
        let value = comment_money(comments);
        if supplier == UNKNOWN_SUPPLIER {
            push_line(&mut notes, "Supplier unknown to SIPRI.");
        }
        push_line(
            &mut notes,
            &format!(
                "SIPRI: status {}; TIV per unit {}, for the order {}, of weapons delivered {} (millions).",
                or_none(status),
                or_none(tiv_unit),
                or_none(tiv_order),
                or_none(tiv_delivered)
            ),
        );
        Ok(Acquisition {
            stage,
            quantity,
            value,
            date,
            delivery: planned_delivery(comments),
            deliveries,
            notes: (!notes.is_empty()).then(|| notes.into()),
            ..self.deal(id, recipient, supplier, designation, description)
        })
    }

    /// A deal of `recipient` from `supplier`, citing SIPRI, with nothing yet known of its figures.
    fn deal(
        &mut self,
        id: Symbol,
        recipient: &str,
        supplier: &str,
        designation: &str,
        description: &str,
    ) -> Acquisition {
        Acquisition {
            id,
            system: self.dataset.intern(designation),
            category: self.dataset.intern(description),
            buyers: smallvec::smallvec![self.dataset.intern(recipient)],
            recipient: None,
            agency: None,
            supplier: self.actor(supplier),
            stage: Stage::Contracted,
            quantity: None,
            value: None,
            date: None,
            delivery: None,
            deliveries: Box::default(),
            parent: None,
            commitment: None,
            sources: smallvec::smallvec![self.source],
            confidence: Confidence::Medium,
            notes: None,
        }
    }

    /// The per-delivery export: the rows of a deal (by its id, wherever they stand in the file) become
    /// one acquisition with a delivery per row, in order of date.
    fn per_delivery_rows(&mut self, rows: Vec<(u64, Vec<String>)>) {
        let mut deal_at: HashMap<String, usize> = HashMap::new();
        for (row, cells) in rows {
            let [
                deal,
                supplier,
                recipient,
                designation,
                description,
                category,
                order_date,
                order_estimate,
                delivered,
                delivered_estimate,
                delivery_year,
                year_estimate,
                status,
                tiv_estimate,
                tiv_unit,
                tiv_delivered,
                local_production,
            ] = cells.as_slice()
            else {
                continue;
            };
            let problem = |column: &str, message: String| RowProblem { row, column: column.to_owned(), message };
            if deal.is_empty() || recipient.is_empty() || designation.is_empty() {
                let message = "the row names no deal id, recipient or weapon".to_owned();
                self.problems.push(problem("SIPRI AT Database ID", message));
                continue;
            }
            let delivery = match (
                count(delivered, delivered_estimate == "Yes"),
                order_year(delivery_year, year_estimate == "Yes"),
            ) {
                (Ok(quantity), Ok(date)) => Delivery {
                    date,
                    count: quantity.as_ref().and_then(|q| q.count),
                    qualifier: quantity.map_or(QuantityQualifier::Unknown, |q| q.qualifier),
                    sources: Box::new([self.source]),
                },
                (Err(message), _) => {
                    self.problems.push(problem("Numbers delivered", message));
                    continue;
                }
                (_, Err(message)) => {
                    self.problems.push(problem("Delivery year", message));
                    continue;
                }
            };
            if let Some(&at) = deal_at.get(deal.as_str()) {
                let acquisition = &mut self.dataset.acquisitions[at];
                let mut deliveries = std::mem::take(&mut acquisition.deliveries).into_vec();
                deliveries.push(delivery);
                deliveries.sort_by_key(|delivery| delivery.date.map(|date| date.sort_key()));
                acquisition.deliveries = deliveries.into_boxed_slice();
                continue;
            }
            let date = match order_year(order_date, order_estimate == "Yes") {
                Ok(date) => date,
                Err(message) => {
                    self.problems.push(problem("Order date", message));
                    continue;
                }
            };
            let notes = format!(
                "SIPRI: armament category {}; status {}; local production {}; SIPRI estimate {}; TIV per unit {} \
                 (millions); TIV of deliveries in the rows read: {}.",
                or_none(category),
                or_none(status),
                or_none(local_production),
                or_none(tiv_estimate),
                or_none(tiv_unit),
                or_none(tiv_delivered)
            );
            let id = self.id(&[deal]);
            let acquisition = Acquisition {
                // This export lists deliveries, not how many were ordered, nor whether more are to come.
                stage: Stage::Delivering,
                date,
                deliveries: Box::new([delivery]),
                notes: Some(notes.into()),
                ..self.deal(id, recipient, supplier, designation, description)
            };
            deal_at.insert(deal.clone(), self.dataset.acquisitions.len());
            self.push(acquisition, row);
        }
    }
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "not given" } else { text }
}

fn push_line(notes: &mut String, line: &str) {
    if !notes.is_empty() {
        notes.push('\n');
    }
    notes.push_str(line);
}

/// A year, uncertain when SIPRI marks it; empty for none.
fn order_year(text: &str, uncertain: bool) -> Result<Option<FuzzyDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let year: i16 = text.parse().map_err(|_| format!("`{text}` is not a year"))?;
    let qualifier = DateQualifier { uncertain, approximate: false };
    Ok(Some(FuzzyDate::Single(PartialDate::of_year(year).with_qualifier(qualifier))))
}

/// A number of weapons, an estimate when SIPRI marks it; empty means not yet available.
fn count(text: &str, estimate: bool) -> Result<Option<Quantity>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let count: u64 = text.parse().map_err(|_| format!("`{text}` is not a number of weapons"))?;
    let qualifier = if estimate { QuantityQualifier::Estimate } else { QuantityQualifier::Exact };
    Ok(Some(Quantity { count: Some(count), unit: None, qualifier, text: None }))
}

/// "1979; 1980; 1981" as the years from the first to the last.
fn delivery_window(text: &str) -> Result<Option<FuzzyDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let mut years = Vec::new();
    for year in text.split(';').map(str::trim) {
        years.push(year.parse::<i16>().map_err(|_| format!("`{year}` is not a year"))?);
    }
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else { return Ok(None) };
    let edtf = if first == last { format!("{first:04}") } else { format!("{first:04}/{last:04}") };
    FuzzyDate::parse(&edtf).map(Some).map_err(|error| error.to_string())
}

/// "delivery planned 2023-2030" in a comment, as the delivery window.
fn planned_delivery(comments: &str) -> Option<FuzzyDate> {
    let (_, after) = comments.split_once("delivery planned ")?;
    let span: String = after.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
    let edtf = span.replace('-', "/");
    FuzzyDate::parse(&edtf).ok()
}

/// The value of the deal where a comment gives it: `$79 m deal`, `EUR12.6 m deal`, `SEK1.4 b ($161 m) deal`,
/// `$17-20 m aid` (a range: up to its top; the comment, kept in the notes, has both ends), `$4.6 b 'HISAM'
/// programme`. A sum the comment says this deal is "part of" is a larger deal's and is not taken.
pub fn comment_money(comments: &str) -> Option<Money> {
    for clause in comments.split(';').map(str::trim) {
        let lower = clause.to_lowercase();
        if lower.starts_with("part of") || !["deal", "aid", "programme", "contract"].iter().any(|w| lower.contains(w)) {
            continue;
        }
        let Some(start) = clause.find(|c: char| c == '$' || c.is_ascii_uppercase()) else { continue };
        if let Some(money) = money_at(&clause[start..]) {
            return Some(money);
        }
    }
    None
}

/// SIPRI's own codes for currencies, as ISO 4217 codes (withdrawn ones for old currencies), and its typos.
const SIPRI_CURRENCIES: [(&str, &str); 13] = [
    ("ASH", "ATS"),
    ("BFR", "BEF"),
    ("DKR", "DKK"),
    ("FFR", "FRF"),
    ("GPB", "GBP"),
    ("HFL", "NLG"),
    ("KWR", "KRW"),
    ("LIT", "ITL"),
    ("MNX", "MXN"),
    ("QAT", "QAR"),
    ("RMB", "CNY"),
    ("TBH", "THB"),
    ("TWS", "TWD"),
];

/// A sum at the start of `text`: a `$` or a three-letter code, a number or a range, `m` or `b`. A code
/// that is no ISO 4217 code, not even through SIPRI's own (`AUP`, `NZP`: pounds that had none), gives no
/// sum: the comment, kept in the notes, still has it.
fn money_at(text: &str) -> Option<Money> {
    let (currency, rest) = match text.strip_prefix('$') {
        Some(rest) => (Currency::parse("USD")?, rest),
        None => {
            let code = text.get(..3)?;
            let code = SIPRI_CURRENCIES.iter().find(|(sipri, _)| *sipri == code).map_or(code, |(_, iso)| iso);
            (Currency::parse(code).filter(|currency| currency.is_known())?, &text[3..])
        }
    };
    let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-')).unwrap_or(rest.len());
    let (number, after) = rest.split_at(number_end);
    let scale = match after.split_whitespace().next()? {
        "m" => 1e6,
        "b" => 1e9,
        _ => return None,
    };
    let (number, qualifier) = match number.split_once('-') {
        Some((_, top)) => (top, MoneyQualifier::UpTo),
        None => (number, MoneyQualifier::Exact),
    };
    let amount: f64 = number.parse().ok()?;
    Some(Money { amount: amount * scale, currency, qualifier, price_year: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_every_form_sipri_writes_it() {
        let usd = |amount: f64, qualifier| Money {
            amount,
            currency: Currency::parse("USD").unwrap(),
            qualifier,
            price_year: None,
        };
        assert_eq!(comment_money("$79 m deal"), Some(usd(79e6, MoneyQualifier::Exact)));
        assert_eq!(comment_money("$17-20 m aid; MD-530F version"), Some(usd(20e6, MoneyQualifier::UpTo)));
        let sek = comment_money("Second-hand J-35D version; SEK1.4 b ($161 m) deal (agreed offsets 130%)").unwrap();
        assert_eq!((sek.currency.to_string(), sek.amount), ("SEK".to_owned(), 1.4e9));
        let eur = comment_money("EUR12.6 m deal").unwrap();
        assert_eq!((eur.currency.to_string(), eur.amount), ("EUR".to_owned(), 12.6e6));
        assert_eq!(comment_money("Part of EUR21 m deal; SMART-S version"), None, "a larger deal's value");
        assert_eq!(comment_money("A-29B version; financed by USA"), None);
        let francs = comment_money("FFR150 m deal").unwrap();
        assert_eq!(francs.currency.to_string(), "FRF", "SIPRI's code for the French franc, as ISO 4217 has it");
        assert_eq!(comment_money("AUP2.5 m deal"), None, "the Australian pound had no ISO 4217 code");
    }

    #[test]
    fn a_row_split_by_a_line_break_is_joined() {
        let lines = ["a,b,c", "d,e", ",f", "g,h,i"];
        let mut problems = Vec::new();
        let rows = join_split_rows(&lines, 0, 3, &mut problems);
        assert_eq!(
            rows,
            vec![
                (1, vec!["a".into(), "b".into(), "c".into()]),
                (2, vec!["d".into(), "e".into(), "f".into()]),
                (4, vec!["g".into(), "h".into(), "i".into()])
            ]
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn the_export_is_told_by_its_header() {
        assert_eq!(recognise(format!("title\n\n{TRADE_REGISTER_HEADER}\n").as_bytes()), Some(Export::TradeRegister));
        assert_eq!(recognise(format!("{PER_DELIVERY_HEADER}\r\n1,2").as_bytes()), Some(Export::PerDelivery));
        assert_eq!(recognise(b"Recipient,Supplier\n"), None);
        assert_eq!(generated_date(" 13 Oct 2024 2:20:11 PM"), FuzzyDate::day(2024, 10, 13).ok());
    }
}
