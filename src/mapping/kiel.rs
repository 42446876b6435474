//! The Kiel Institute's Ukraine Support Tracker, read from its workbook without a mapping step: the sheet
//! `Bilateral Assistance, MAIN DATA` has a row per sub-activity; military rows become acquisitions with the
//! donor as buyer and Ukraine as recipient. `measure` gives the stage: a commitment is announced, an
//! allocation (aid earmarked for delivery, Kiel's main measure since April 2024) contracted; what the row says
//! was delivered becomes a delivery, and an order delivered in full is at stage delivered. `.` is Kiel's empty
//! cell; text where a number belongs is kept in the notes. Rows of other kinds of aid are left out, counted.

use crate::io::LoadError;
use crate::io::tabular::{self, Cell, ReadOptions, parse_number};
use crate::model::{
    Acquisition, Confidence, Currency, Dataset, Delivery, FuzzyDate, Money, MoneyQualifier, Quantity,
    QuantityQualifier, Record, Source, Stage, Symbol, countries,
};

use super::{Imported, RowProblem, values};

/// The sheet with one row per sub-activity.
pub const MAIN_SHEET: &str = "Bilateral Assistance, MAIN DATA";

/// The id of the source record every imported row cites.
pub const SOURCE_ID: &str = "kiel-ust";

/// The columns read, as Kiel names them.
const COLUMNS: [&str; 13] = [
    "activity_id",
    "sub_activity_id",
    "donor",
    "announcement_date",
    "aid_type_general",
    "aid_type_specific",
    "measure",
    "explanation",
    "item",
    "item_type",
    "item_numb",
    "item_numb_deliv",
    "tot_sub_activity_value_EUR",
];

/// True for a workbook with Kiel's main data sheet.
pub fn recognise(bytes: &[u8]) -> bool {
    use calamine::Reader as _;
    crate::io::xlsx::open(bytes, "").is_ok_and(|workbook| workbook.sheet_names().iter().any(|name| name == MAIN_SHEET))
}

/// What the tracker gives: the acquisitions, and how many rows were of other aid.
pub struct KielImport {
    pub imported: Imported,
    pub not_military: usize,
}

/// Reads the main data sheet of a tracker workbook.
pub fn import(path: &std::path::Path, bytes: Vec<u8>) -> Result<KielImport, LoadError> {
    let options = ReadOptions { sheet: Some(MAIN_SHEET.to_owned()), header_row: Some(1), ..Default::default() };
    let table = tabular::read(path, bytes, &options)?;
    let column = |name: &str| table.headers.iter().position(|header| header.trim() == name);
    let at: Vec<Option<usize>> = COLUMNS.iter().map(|name| column(name)).collect();
    for required in ["donor", "aid_type_general", "measure"] {
        if column(required).is_none() {
            let message = format!("sheet \"{MAIN_SHEET}\" has no column \"{required}\"");
            return Err(LoadError::whole(&table.origin, message));
        }
    }
    let mut dataset = Dataset::default();
    let source = source_record(&table.origin, &mut dataset);
    let ukraine = dataset.intern("UKR");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut not_military = 0;
    table.rows(|row, cells| {
        let cell = |name: &str| -> String {
            let index = COLUMNS.iter().position(|c| *c == name).and_then(|i| at[i]);
            let text = index.and_then(|i| cells.get(i)).map(Cell::text).unwrap_or_default();
            let text = text.trim();
            if text == "." { String::new() } else { text.to_owned() }
        };
        if cell("aid_type_general").to_lowercase() != "military" {
            not_military += 1;
            return true;
        }
        let row_data = RowData { cell: &cell, row, source, ukraine };
        match row_data.acquisition(&mut dataset) {
            Ok(acquisition) => {
                dataset.acquisitions.push(acquisition);
                rows.push(row);
            }
            Err(problem) => problems.push(problem),
        }
        true
    })?;
    countries::complete_actors(&mut dataset, "Named by the Kiel Institute's Ukraine Support Tracker.");
    Ok(KielImport { imported: Imported { dataset, rows, problems }, not_military })
}

/// The tracker as a source; its release, where the file's name gives it, in the note.
fn source_record(origin: &str, dataset: &mut Dataset) -> Symbol {
    let id = dataset.intern(SOURCE_ID);
    let file = std::path::Path::new(origin).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let source = Source {
        id,
        title: "Ukraine Support Tracker".to_owned(),
        publisher: "Kiel Institute for the World Economy".to_owned(),
        url: "https://www.ifw-kiel.de/topics/war-against-ukraine/ukraine-support-tracker/".to_owned(),
        published: None,
        accessed: None,
        notes: format!("Read from {file}, sheet \"{MAIN_SHEET}\"."),
    };
    dataset.insert(0, Record::Source(source));
    dataset.meta.title = "Kiel Institute: Ukraine Support Tracker, military aid".to_owned();
    dataset.meta.description = format!("Military rows of \"{MAIN_SHEET}\" in {file}.");
    id
}

struct RowData<'c, F: Fn(&str) -> String> {
    cell: &'c F,
    row: u64,
    source: Symbol,
    ukraine: Symbol,
}

impl<F: Fn(&str) -> String> RowData<'_, F> {
    fn acquisition(&self, dataset: &mut Dataset) -> Result<Acquisition, RowProblem> {
        let cell = self.cell;
        let problem = |column: &str, message: String| RowProblem { row: self.row, column: column.to_owned(), message };
        let donor = cell("donor");
        if donor.is_empty() {
            return Err(problem("donor", "the row names no donor".to_owned()));
        }
        let mut notes = Vec::new();
        let explanation = cell("explanation");
        if !explanation.is_empty() {
            notes.push(explanation);
        }
        // A number, or the text kept in the notes.
        let mut number = |name: &str| -> Option<f64> {
            let text = cell(name);
            if text.is_empty() {
                return None;
            }
            let number = parse_number(&text, false);
            if number.is_none() {
                notes.push(format!("{name}: {text}"));
            }
            number
        };
        let ordered = number("item_numb").filter(|n| *n >= 0.0).map(|n| n.round() as u64);
        let delivered = number("item_numb_deliv").filter(|n| *n > 0.0).map(|n| n.round() as u64);
        let value = number("tot_sub_activity_value_EUR").map(|amount| Money {
            amount,
            currency: Currency::parse("EUR").unwrap_or(Currency::NONE),
            qualifier: MoneyQualifier::Exact,
            price_year: None,
        });
        let date = match cell("announcement_date") {
            text if text.is_empty() => None,
            text => {
                let edtf = values::date(&text).map_err(|message| problem("announcement_date", message))?;
                FuzzyDate::parse(&edtf).ok()
            }
        };
        let measure = cell("measure");
        let stage = match (ordered, delivered) {
            (Some(ordered), Some(delivered)) if ordered > 0 && delivered >= ordered => Stage::Delivered,
            (_, Some(_)) => Stage::Delivering,
            _ if measure.eq_ignore_ascii_case("allocation") => Stage::Contracted,
            _ if measure.eq_ignore_ascii_case("commitment") => Stage::Announced,
            _ => {
                notes.push(format!("measure: {measure}"));
                Stage::Announced
            }
        };
        let item = cell("item");
        let specific = cell("aid_type_specific");
        let system = [&item, &specific].into_iter().find(|text| !text.is_empty()).cloned();
        let category = [cell("item_type"), specific].into_iter().find(|text| !text.is_empty());
        let id = match (cell("sub_activity_id"), cell("activity_id")) {
            (sub, _) if !sub.is_empty() => format!("kiel-{sub}"),
            (_, activity) if !activity.is_empty() => format!("kiel-{activity}-row-{}", self.row),
            _ => format!("kiel-row-{}", self.row),
        };
        Ok(Acquisition {
            id: dataset.intern(&id),
            system: dataset.intern(system.as_deref().unwrap_or("(item not named)")),
            category: dataset.intern(category.as_deref().unwrap_or("military aid")),
            buyers: smallvec::smallvec![dataset.intern(&donor)],
            recipient: Some(self.ukraine),
            agency: None,
            supplier: None,
            stage,
            quantity: ordered.map(|count| Quantity {
                count: Some(count),
                unit: None,
                qualifier: QuantityQualifier::Exact,
                text: None,
            }),
            value,
            date,
            delivery: None,
            deliveries: match delivered {
                Some(count) => Box::new([Delivery {
                    date: None,
                    count: Some(count),
                    qualifier: QuantityQualifier::Exact,
                    sources: Box::new([self.source]),
                }]),
                None => Box::default(),
            },
            parent: None,
            commitment: None,
            sources: smallvec::smallvec![self.source],
            confidence: Confidence::Medium,
            notes: (!notes.is_empty()).then(|| notes.join("\n").into()),
        })
    }
}
