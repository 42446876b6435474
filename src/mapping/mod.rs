//! Turning someone else's columns into our fields: which column fills which field of an acquisition
//! (guessed from headers as people write them and from the values, changed by the user, saved and reused),
//! how each value is read ([`values`]), and the records that result, with every row that could not be read
//! listed by row, column and reason. No egui here: the import dialog and `pledge-explorer import` both use it.

pub mod kiel;
pub mod recognised;
pub mod sipri;
pub mod update;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use crate::io::progress::Progress;
use crate::io::tabular::{Cell, Stretch, Table, parse_number};
pub use crate::model::Change;
use crate::model::fields::{self, Kind};
use crate::model::{Acquisition, Collection, Dataset, Interner, PartialDate, Record, Source, Symbol, Vocabulary};

/// What a column becomes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "as", content = "field")]
pub enum Target {
    /// A field of the acquisition, by key. `quantity` and `value` read a whole quantity or sum of money
    /// ("up to 1,000 missiles", "$79 m") into their parts.
    Field(String),
    /// Kept in the record's notes as "Header: value".
    Notes,
    /// Left out.
    Skip,
}

impl Target {
    pub fn label(&self) -> String {
        match self {
            Target::Field(key) => {
                fields::spec(Collection::Acquisitions, key).map_or_else(|| key.clone(), |spec| spec.label.to_owned())
            }
            Target::Notes => "Keep in notes".to_owned(),
            Target::Skip => "Leave out".to_owned(),
        }
    }

    /// Every target a column can have: none, notes, then the acquisition's fields. A record whose id
    /// cell is empty, or that has no id column, gets one made from the file's name and its row.
    pub fn all() -> Vec<Target> {
        let fields = fields::specs(Collection::Acquisitions).into_iter().map(|spec| Target::Field(spec.key.to_owned()));
        [Target::Skip, Target::Notes].into_iter().chain(fields).collect()
    }
}

/// One column and what it becomes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// The column's header as the file has it.
    pub column: String,
    #[serde(flatten)]
    pub target: Target,
}

/// What each column of a file becomes: saved as JSON and reused (`--mapping`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mapping {
    pub columns: Vec<ColumnMapping>,
    /// Field texts every record gets where no column fills the field ("stage": "contracted").
    pub defaults: BTreeMap<String, String>,
}

impl Mapping {
    pub fn target(&self, column: &str) -> Target {
        self.columns.iter().find(|c| c.column == column).map_or(Target::Skip, |c| c.target.clone())
    }

    /// The target of each of `headers`, looked up once each (a file may have a million columns).
    pub fn targets(&self, headers: &[String]) -> Vec<Target> {
        let mut by_column: std::collections::HashMap<&str, &Target> = std::collections::HashMap::new();
        for mapping in &self.columns {
            // The first mapping of a column wins, as in `target`.
            by_column.entry(mapping.column.as_str()).or_insert(&mapping.target);
        }
        headers
            .iter()
            .map(|header| by_column.get(header.as_str()).map_or(Target::Skip, |&target| target.clone()))
            .collect()
    }

    pub fn set(&mut self, column: &str, target: Target) {
        match self.columns.iter_mut().find(|c| c.column == column) {
            Some(mapping) => mapping.target = target,
            None => self.columns.push(ColumnMapping { column: column.to_owned(), target }),
        }
    }

    /// The mapping as lines: "Country → Buyers".
    pub fn describe(&self) -> String {
        self.columns.iter().map(|c| format!("{} -> {}\n", c.column, c.target.label())).collect()
    }

    pub fn from_json(text: &str) -> Result<Mapping, String> {
        serde_json::from_str(text).map_err(|error| error.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Headers as people write them, per field key; compared without case, spaces or punctuation.
const HEADER_WORDS: &[(&str, &[&str])] = &[
    ("id", &["id", "identifier", "dealid", "recordid"]),
    (
        "buyers",
        &["country", "countries", "recipient", "buyer", "buyers", "purchaser", "customer", "donor", "state", "nation"],
    ),
    (
        "system",
        &["weaponsystem", "system", "designation", "weapondesignation", "item", "equipment", "platform", "model"],
    ),
    ("category", &["type", "category", "weapondescription", "description", "armamentcategory", "itemtype", "class"]),
    ("quantity", &["numberordered", "qty", "quantity", "number", "count", "units", "amountordered", "itemnumb"]),
    ("quantity_unit", &["unit", "units of measure", "uom"]),
    (
        "date",
        &["yearoforder", "orderdate", "date", "year", "orderyear", "announced", "announcementdate", "dateofcontract"],
    ),
    ("delivery", &["delivery", "deliveryyears", "yearsofdelivery", "deliverydate", "delivered"]),
    ("value", &["dealvalue", "amount", "value", "contractvalue", "cost", "price", "totalvalue"]),
    ("value_currency", &["currency", "reportingcurrency"]),
    ("stage", &["status", "stage", "measure"]),
    ("supplier", &["supplier", "contractor", "manufacturer", "seller", "vendor", "company"]),
    ("agency", &["agency", "procurementagency"]),
    ("sources", &["source", "sources", "url", "link", "reference"]),
    ("notes", &["comments", "comment", "notes", "note", "remarks", "explanation"]),
    ("confidence", &["confidence", "reliability"]),
];

fn squash(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Guesses what each column is, from its header and, where the header says nothing, from its values
/// (country names are buyers, years are dates, whole numbers quantities). Each field is filled by one
/// column at most; the rest are kept in notes.
pub fn guess(headers: &[String], sample: &[Vec<String>]) -> Mapping {
    let mut mapping = Mapping::default();
    let mut taken: Vec<String> = Vec::new();
    let choose = |key: &str, taken: &mut Vec<String>| {
        if taken.iter().any(|k| k == key) {
            None
        } else {
            taken.push(key.to_owned());
            Some(Target::Field(key.to_owned()))
        }
    };
    let specs = fields::specs(Collection::Acquisitions);
    // Squashed once, not once per column: a file may have a million columns.
    let header_words: Vec<(&str, Vec<(String, usize)>)> =
        HEADER_WORDS.iter().map(|(key, words)| (*key, words.iter().map(|w| (squash(w), w.len())).collect())).collect();
    let labels: Vec<(String, &str)> = specs.iter().map(|spec| (squash(spec.label), spec.key)).collect();
    for (index, header) in headers.iter().enumerate() {
        let word = squash(header);
        // A field's key as the app's own tables write it; then headers as people write them ("Recipient"
        // in SIPRI's register is who buys); then a field's label.
        let by_header = specs
            .iter()
            .find(|spec| spec.key == header.trim())
            .map(|spec| spec.key)
            .or_else(|| {
                header_words.iter().find(|(_, words)| words.iter().any(|(w, _)| *w == word)).map(|(key, _)| *key)
            })
            .or_else(|| labels.iter().find(|(label, _)| *label == word).map(|(_, key)| *key))
            .or_else(|| {
                header_words
                    .iter()
                    .find(|(_, words)| words.iter().any(|(w, len)| word.contains(w.as_str()) && *len > 3))
                    .map(|(key, _)| *key)
            });
        let values: Vec<&str> =
            sample.iter().filter_map(|row| row.get(index)).map(|v| v.trim()).filter(|v| !v.is_empty()).collect();
        let by_values = || -> Option<&'static str> {
            if values.is_empty() {
                return None;
            }
            let share =
                |test: &dyn Fn(&str) -> bool| values.iter().filter(|v| test(v)).count() * 10 >= values.len() * 8;
            if share(&|v| crate::model::countries::find(v).is_some()) {
                Some("buyers")
            } else if share(&|v| v.len() >= 4 && values::date(v).is_ok() && !v.contains(' '))
                && share(&|v| v.starts_with(['1', '2']))
            {
                Some("date")
            } else if share(&|v| !values::quantity(v, false).count.is_empty()) {
                Some("quantity")
            } else {
                None
            }
        };
        // A header is trusted only where its values read as the field reads them ("status" that holds
        // "New" and "Second hand" is not a stage).
        let fits =
            |key: &str| values.is_empty() || values.iter().filter(|v| reads_as(key, v)).count() * 2 >= values.len();
        let target = by_header
            .filter(|key| fits(key))
            .and_then(|key| choose(key, &mut taken))
            .or_else(|| by_values().and_then(|key| choose(key, &mut taken)))
            .unwrap_or(Target::Notes);
        mapping.columns.push(ColumnMapping { column: header.clone(), target });
    }
    mapping
}

/// True when a sample value reads as the field `key` reads it.
fn reads_as(key: &str, value: &str) -> bool {
    match key {
        "date" | "delivery" => values::date(value).is_ok(),
        "quantity" => !values::quantity(value, false).count.is_empty() || value.chars().all(char::is_alphabetic),
        "quantity_unit" => parse_number(value, false).is_none(),
        "value" => values::money(value, false).is_ok() || values::money(value, true).is_ok(),
        "value_currency" => value.len() == 3 && value.chars().all(|c| c.is_ascii_alphabetic()),
        "stage" => values::stage(value).is_some(),
        "confidence" => fields::spec(Collection::Acquisitions, key).is_some_and(|spec| spec.kind.parse(value).is_ok()),
        _ => true,
    }
}

/// A row that could not be read, or a value that was read with a doubt.
#[derive(Clone, Debug, PartialEq)]
pub struct RowProblem {
    /// The row in the file, from 1.
    pub row: u64,
    /// The column's header, or the field when no one column is to blame.
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {}, column \"{}\": {}", self.row, self.column, self.message)
    }
}

/// What a file gives through a mapping: its records (in a dataset of their own, with the sources and
/// actors they name), and the rows left out, each with why.
pub struct Imported {
    pub dataset: Dataset,
    /// The row in the file of each acquisition, in order.
    pub rows: Vec<u64>,
    /// Rows that could not be read (left out).
    pub problems: Vec<RowProblem>,
}

/// How records are named: `{prefix}-{row}`.
pub fn id_prefix(origin: &str) -> String {
    let stem = std::path::Path::new(origin).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let slug: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() { "import".to_owned() } else { slug }
}

/// Reads every row of `table` through `mapping`; at most `limit` records (a preview) when given. A large
/// table is read in parts on every core, with the result a reading on one core gives.
pub fn import(table: &Table, mapping: &Mapping, limit: Option<usize>) -> Result<Imported, crate::io::LoadError> {
    import_with(table, mapping, limit, &Progress::default())
}

/// [`import`], counting the rows read in `progress`; once it is cancelled, the reading stops and the
/// import fails with "cancelled".
pub fn import_with(
    table: &Table,
    mapping: &Mapping,
    limit: Option<usize>,
    progress: &Progress,
) -> Result<Imported, crate::io::LoadError> {
    let parts = if limit.is_some() { 1 } else { rayon::current_num_threads() };
    progress.set_total(table.rows_estimate());
    import_in_parts(table, mapping, limit, parts, progress)
}

/// Rows read between two additions to the shared count (and checks of Cancel).
const ROWS_COUNTED_AT_ONCE: u64 = 4096;

fn import_in_parts(
    table: &Table,
    mapping: &Mapping,
    limit: Option<usize>,
    parts: usize,
    progress: &Progress,
) -> Result<Imported, crate::io::LoadError> {
    let rows = RowReader::new(table, mapping);
    let cancelled = || crate::io::LoadError::whole(&table.origin, crate::io::progress::CANCELLED);
    // Counts a row; false once the work is cancelled, which stops the reading.
    let count = |counted: &mut u64| {
        *counted += 1;
        if *counted == ROWS_COUNTED_AT_ONCE {
            progress.add(*counted);
            *counted = 0;
            return !progress.is_cancelled();
        }
        true
    };
    let mut dataset = Dataset::default();
    let stretches = table.stretches(parts);
    let mut pieces = None;
    if stretches.len() > 1 {
        // A seam that does not match, or a syntax error, is read again on one core, which names the line.
        // The first piece's pool will take every piece's strings (see `crate::io::parts::in_parts`).
        let all_rows: usize = stretches.iter().map(|stretch| table.rows_expected(stretch)).sum();
        let read = |(k, stretch): (usize, &Stretch)| {
            let pool = if k == 0 {
                let mut pool = dataset.strings.clone();
                pool.reserve(all_rows);
                pool
            } else {
                Default::default()
            };
            let mut piece = Piece::new(pool, table.headers.len(), table.rows_expected(stretch));
            let mut counted = 0;
            let whole = table
                .rows_in(stretch, |row, cells| {
                    rows.read(row, cells, &mut piece);
                    count(&mut counted)
                })
                .ok()?;
            progress.add(counted);
            whole.then_some(piece)
        };
        pieces = stretches.par_iter().enumerate().map(read).collect::<Option<Vec<Piece>>>();
        if progress.is_cancelled() {
            return Err(cancelled());
        }
    }
    let pieces = match pieces {
        Some(pieces) => pieces,
        None => {
            // The rows the parts read were counted: they are read again.
            progress.restart();
            let expected = limit.unwrap_or_else(|| stretches.iter().map(|s| table.rows_expected(s)).sum());
            let mut piece = Piece::new(dataset.strings.clone(), table.headers.len(), expected);
            let mut counted = 0;
            table.rows(|row, cells| {
                rows.read(row, cells, &mut piece);
                count(&mut counted) && limit.is_none_or(|limit| piece.rows.len() + piece.problems.len() < limit)
            })?;
            if progress.is_cancelled() {
                return Err(cancelled());
            }
            progress.add(counted);
            vec![piece]
        }
    };
    let mut row_list = Vec::new();
    let mut problems = Vec::new();
    let mut named_sources = Vec::new();
    let mut parts = Vec::new();
    for piece in pieces {
        row_list.extend(piece.rows);
        problems.extend(piece.problems);
        named_sources.push((piece.sources, piece.source_of));
        parts.push(crate::io::parts::Part { records: piece.records, strings: piece.strings, end: 0 });
    }
    crate::io::parts::join_parts(&mut dataset, parts);
    // The sources the rows name, numbered in the order the file names them.
    let mut sources: HashMap<String, Symbol> = HashMap::new();
    let mut source_ids = Vec::new();
    for (texts, source_of) in named_sources {
        let ids: Vec<Symbol> = texts.iter().map(|text| source_id(text, &mut dataset, &mut sources)).collect();
        source_ids.extend(source_of.into_iter().map(|source| source.map(|at| ids[at as usize])));
    }
    for (record, source) in dataset.acquisitions.iter_mut().zip(source_ids) {
        if let Some(source) = source {
            record.sources = smallvec::smallvec![source];
        }
    }
    crate::model::references::complete(&mut dataset, &table.origin);
    let name = std::path::Path::new(&table.origin)
        .file_name()
        .map_or_else(|| table.origin.clone(), |n| n.to_string_lossy().into_owned());
    dataset.meta.title = format!("Imported from {name}");
    dataset.meta.description = format!("Acquisitions read from {} through a column mapping.", table.origin);
    Ok(Imported { dataset, rows: row_list, problems })
}

/// What reading a stretch of rows gives: its records (interned into a pool of its own), their rows, the
/// rows left out, and the sources the rows name.
struct Piece {
    records: crate::model::Records<Acquisition>,
    strings: Interner,
    rows: Vec<u64>,
    problems: Vec<RowProblem>,
    /// The texts of the sources named, in the order met; the one each record names (by place in `sources`).
    sources: Vec<String>,
    source_of: Vec<Option<u32>>,
    source_index: FxHashMap<String, u32>,
    /// What a cell's text gave, by column, while the column's values repeat (countries, dates, stages,
    /// units, systems: a million rows name a few hundred of each); None once a column has shown more
    /// distinct values than are worth keeping (ids, notes).
    cache: Vec<Option<FxHashMap<String, Result<Filled, String>>>>,
    /// The field texts of the row being read (kept between rows so their buffers are reused), and which of
    /// them it wrote.
    texts: Vec<String>,
    written: Vec<usize>,
    /// By field, the column of the row being read whose cell the field reads as it is.
    direct: Vec<Option<usize>>,
    notes: Vec<String>,
}

impl Piece {
    /// A piece for about `rows` rows; each brings a new string or two (its id).
    fn new(mut strings: Interner, columns: usize, rows: usize) -> Piece {
        strings.reserve(rows);
        Piece {
            records: crate::model::Records::new(),
            strings,
            rows: Vec::with_capacity(rows),
            problems: Vec::new(),
            sources: Vec::new(),
            source_of: Vec::with_capacity(rows),
            source_index: FxHashMap::default(),
            cache: vec![Some(FxHashMap::default()); columns],
            texts: Vec::new(),
            written: Vec::new(),
            direct: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// The distinct values of a column whose readings are kept; past them the column is read cell by cell.
const DISTINCT_VALUES_KEPT: usize = 1 << 16;

/// How each column of a table is read through a mapping: worked out once, used for every row.
struct RowReader<'t> {
    headers: &'t [String],
    columns: Vec<Target>,
    /// The field texts of a record no column fills: empty, or the mapping's defaults.
    blank: Vec<String>,
    prefix: String,
    decimal_comma: bool,
    /// The columns that name a system or a buyer, when one is mapped: a row with neither is the tail of a
    /// split row.
    naming: Vec<usize>,
    notes_at: Option<usize>,
    /// By field, the column whose text the field reads as it is (a name, an id, a word of a closed
    /// list): its cells go to the field table without a copy.
    verbatim: Vec<Option<usize>>,
    /// By column, what its cells are for, worked out from the mapping once rather than for every cell.
    roles: Vec<Role>,
    /// The columns whose cells a row's reading looks at: not those left out, nor, in a delimited file
    /// (whose every cell is text), those read by their field as they are.
    visited: Vec<usize>,
}

/// What a column's cells are for.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Skip,
    /// Kept in the notes under the column's header.
    Note,
    /// The notes field itself.
    Notes,
    /// Names the record's source.
    Sources,
    /// Read by its field as it is (see `RowReader::verbatim`).
    Verbatim,
    /// A column whose cells, when already in the form the field stores ([`Plain`]), fill the field at
    /// this place as they are; other cells are read into field texts first ([`fill`]).
    Plain(usize, Plain),
    /// Read into field texts first ([`fill`]).
    Read,
}

/// The form in which a cell is what [`fill`] would make of it, so that it is read as it is: a million
/// rows name tens of thousands of combinations of buyers, too many to keep each one's reading at hand.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Plain {
    /// A count or a sum written as digits ("4243").
    Digits,
    /// One known actor's id ("DEU", "nato").
    Actor,
    /// Known actors' ids joined by `;` ("NOR;DEU").
    Actors,
    /// A stage's key ("contracted").
    Stage,
    /// A currency's code in capitals ("EUR").
    Currency,
    /// A year, month or day in digits ("2023", "2018-10", "2024-07-10"). One that is no date ("2023-13")
    /// is refused by the field as [`values::date`] would refuse it, whose other forms start with a day or a
    /// month.
    Date,
}

impl Plain {
    /// The form of the cells a column mapped to `key` can take as they are, if any.
    fn of(key: &str) -> Option<Plain> {
        let kind = fields::spec(Collection::Acquisitions, key)?.kind;
        Some(match key {
            "buyers" => Plain::Actors,
            "agency" | "supplier" => Plain::Actor,
            "stage" => Plain::Stage,
            "value_currency" => Plain::Currency,
            "date" | "delivery" => Plain::Date,
            _ if matches!(kind, Kind::Count | Kind::Amount | Kind::Year) => Plain::Digits,
            _ => return None,
        })
    }

    fn holds(self, text: &str) -> bool {
        match self {
            Plain::Digits => text.len() <= 15 && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()),
            Plain::Actor => crate::model::countries::is_id(text),
            Plain::Actors => text.split(';').all(crate::model::countries::is_id),
            Plain::Stage => crate::model::Stage::ALL.iter().any(|stage| stage.key() == text),
            Plain::Currency => text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase()),
            Plain::Date => {
                let digits = |part: &str, count: usize| part.len() == count && part.bytes().all(|b| b.is_ascii_digit());
                let mut parts = text.split('-');
                parts.next().is_some_and(|year| digits(year, 4))
                    && parts.by_ref().take(2).all(|part| digits(part, 2))
                    && parts.next().is_none()
            }
        }
    }
}

impl<'t> RowReader<'t> {
    fn new(table: &'t Table, mapping: &Mapping) -> Self {
        let collection = Collection::Acquisitions;
        let columns = mapping.targets(&table.headers);
        let mut blank =
            fields::blank_texts(collection, "", crate::model::FuzzyDate::Single(PartialDate::of_year(2000)));
        for (key, text) in &mapping.defaults {
            if let Some(at) = position(key) {
                blank[at] = text.clone();
            }
        }
        let is = |target: &Target, keys: &[&str]| matches!(target, Target::Field(key) if keys.contains(&key.as_str()));
        let naming = (0..columns.len()).filter(|&index| is(&columns[index], &["system", "buyers"])).collect();
        let verbatim: Vec<Option<usize>> = fields::specs(Collection::Acquisitions)
            .iter()
            .map(|spec| {
                let as_it_is =
                    !TRANSFORMED.contains(&spec.key) && !matches!(spec.kind, Kind::Count | Kind::Amount | Kind::Year);
                let column = || columns.iter().position(|t| matches!(t, Target::Field(k) if k == spec.key));
                if as_it_is { column() } else { None }
            })
            .collect();
        let roles = columns
            .iter()
            .enumerate()
            .map(|(column, target)| match target {
                Target::Skip => Role::Skip,
                Target::Notes => Role::Note,
                Target::Field(key) if key == "notes" => Role::Notes,
                Target::Field(key) if key == "sources" => Role::Sources,
                _ if verbatim.contains(&Some(column)) => Role::Verbatim,
                Target::Field(key) => match (position(key), Plain::of(key)) {
                    (Some(at), Some(plain)) => Role::Plain(at, plain),
                    _ => Role::Read,
                },
            })
            .collect::<Vec<Role>>();
        let visited = (0..columns.len())
            .filter(|&column| match roles[column] {
                Role::Skip => false,
                Role::Verbatim => !table.sheets.is_empty(),
                _ => true,
            })
            .collect();
        RowReader {
            headers: &table.headers,
            columns,
            blank,
            prefix: id_prefix(&table.origin),
            decimal_comma: table.decimal_comma,
            naming,
            notes_at: position("notes"),
            verbatim,
            roles,
            visited,
        }
    }

    /// Reads one row into `piece`: a record, or a problem. Always goes on to the next row.
    fn read(&self, row: u64, cells: &[Cell<'_>], piece: &mut Piece) -> bool {
        match self.record(row, cells, piece) {
            Ok((record, source)) => {
                piece.records.push(record);
                piece.source_of.push(source);
                piece.rows.push(row);
            }
            Err(problem) => piece.problems.push(problem),
        }
        true
    }

    fn record(
        &self,
        row: u64,
        cells: &[Cell<'_>],
        piece: &mut Piece,
    ) -> Result<(Acquisition, Option<u32>), RowProblem> {
        let filled = |index: &usize| cells.get(*index).is_some_and(|cell| !cell.is_empty());
        if !self.naming.is_empty() && !self.naming.iter().any(filled) {
            let message = "the row names no system and no buyer: if it holds the end of the row above, a line \
                           break inside a cell split that row"
                .to_owned();
            return Err(RowProblem { row, column: "(the whole row)".to_owned(), message });
        }
        let Piece { texts, written, direct, notes, cache, sources, source_index, strings, .. } = &mut *piece;
        direct.clone_from(&self.verbatim);
        // Back to the blank record: only the texts the last row wrote.
        if texts.len() == self.blank.len() {
            for at in written.drain(..) {
                texts[at].clone_from(&self.blank[at]);
            }
        } else {
            texts.clone_from(&self.blank);
            written.clear();
        }
        let id_cell = self.verbatim[0].and_then(|column| cells.get(column));
        if !id_cell.is_some_and(|cell| matches!(cell, Cell::Text(_))) {
            let _ = write!(texts[0], "{}-{row}", self.prefix);
            written.push(0);
        }
        notes.clear();
        let mut source = None;
        for &index in &self.visited {
            let (target, role) = (&self.columns[index], &self.roles[index]);
            let cell = cells.get(index).unwrap_or(&Cell::Empty);
            if cell.is_empty() {
                continue;
            }
            let header = &self.headers[index];
            let text = cell.text();
            let problem = |message: &String| RowProblem { row, column: header.clone(), message: message.clone() };
            match (role, target) {
                (Role::Skip, _) => {}
                (Role::Note, _) => notes.push(format!("{header}: {text}")),
                (Role::Notes, _) => notes.push(text.into_owned()),
                (Role::Sources, _) => {
                    let text = crate::model::fields::trim(&text);
                    source = Some(match source_index.get(text) {
                        Some(&at) => at,
                        None => {
                            let at = sources.len() as u32;
                            source_index.insert(text.to_owned(), at);
                            sources.push(text.to_owned());
                            at
                        }
                    });
                }
                // Read straight from the cell below.
                (Role::Verbatim, _) if matches!(cell, Cell::Text(_)) => {}
                // A cell already in the field's form is read by its field as it is.
                (Role::Plain(at, plain), _) if matches!(cell, Cell::Text(_)) && plain.holds(&text) => {
                    direct[*at] = Some(index);
                }
                (_, Target::Skip | Target::Notes) => {}
                (_, Target::Field(key)) => {
                    // Numbers and dates from a workbook are read as they are.
                    let column = cache[index].as_mut().filter(|_| !matches!(cell, Cell::Number(_) | Cell::Date(_)));
                    let result = match column {
                        Some(column) => {
                            let result = match column.get(text.as_ref()) {
                                Some(filled) => put(filled, texts, written).map_err(problem),
                                None => {
                                    let filled = fill(key, cell, &text, self.decimal_comma);
                                    let result = put(&filled, texts, written).map_err(problem);
                                    column.insert(text.to_string(), filled);
                                    result
                                }
                            };
                            if column.len() > DISTINCT_VALUES_KEPT {
                                cache[index] = None;
                            }
                            result
                        }
                        None => put(&fill(key, cell, &text, self.decimal_comma), texts, written).map_err(problem),
                    };
                    result?;
                }
            }
        }
        if !notes.is_empty()
            && let Some(at) = self.notes_at
        {
            written.push(at);
            let all = &mut texts[at];
            for note in notes.iter() {
                if !all.is_empty() {
                    all.push('\n');
                }
                all.push_str(note);
            }
        }
        let texts = &*texts;
        let text_of = |at: usize| match direct.get(at).copied().flatten().and_then(|column| cells.get(column)) {
            Some(Cell::Text(text)) => text,
            _ => texts.get(at).map_or("", String::as_str),
        };
        let record = fields::read::<Acquisition>(text_of, strings).map_err(|error| {
            let column = self
                .columns
                .iter()
                .position(
                    |t| matches!(t, Target::Field(k) if k == error.key || error.key.starts_with(&format!("{k}_"))),
                )
                .map_or_else(|| error.key.to_owned(), |i| self.headers[i].clone());
            RowProblem { row, column, message: error.message }
        })?;
        Ok((record, source))
    }
}

/// The fields whose cells are read into another form ([`fill`]) or gathered (notes, sources).
const TRANSFORMED: [&str; 12] = [
    "quantity",
    "quantity_unit",
    "value",
    "value_currency",
    "date",
    "delivery",
    "stage",
    "buyers",
    "agency",
    "supplier",
    "notes",
    "sources",
];

/// Writes the field texts a cell gave into the row's texts, noting which were written; or the reason the
/// cell could not be read.
fn put<'a>(
    filled: &'a Result<Filled, String>,
    texts: &mut [String],
    written: &mut Vec<usize>,
) -> Result<(), &'a String> {
    for (at, value) in filled.as_ref()? {
        texts[*at].clone_from(value);
        written.push(*at);
    }
    Ok(())
}

/// The place of an acquisition's field in its field table.
fn position(key: &str) -> Option<usize> {
    fields::position(Collection::Acquisitions, key)
}

/// The field texts a cell gives: (position in the field table, text).
type Filled = Vec<(usize, String)>;

/// The field texts a cell gives, for a column mapped to `key` (not notes or sources, which gather).
fn fill(key: &str, cell: &Cell<'_>, text: &str, decimal_comma: bool) -> Result<Filled, String> {
    let mut filled = Filled::new();
    let mut set = |key: &str, value: String| {
        if let Some(at) = position(key)
            && !value.is_empty()
        {
            filled.push((at, value));
        }
    };
    let kind = fields::spec(Collection::Acquisitions, key).map(|spec| spec.kind);
    match key {
        "quantity" => {
            let quantity = match cell {
                Cell::Number(number) => values::quantity(&crate::io::tabular::number_text(*number), false),
                _ => values::quantity(text, decimal_comma),
            };
            set("quantity", quantity.count);
            set("quantity_qualifier", quantity.qualifier);
            set("quantity_unit", quantity.unit);
            set("quantity_text", quantity.words);
        }
        "quantity_unit" => set("quantity_unit", values::singular(text)),
        "value" => {
            let money = match cell {
                Cell::Number(number) => {
                    values::MoneyText { amount: crate::io::tabular::number_text(*number), ..Default::default() }
                }
                _ => values::money(text, decimal_comma)?,
            };
            set("value", money.amount);
            set("value_currency", money.currency);
            set("value_qualifier", money.qualifier);
        }
        "value_currency" => set("value_currency", text.trim().to_uppercase()),
        "date" | "delivery" => {
            let date = match cell {
                Cell::Date(serial) => {
                    crate::io::tabular::excel_date(*serial).ok_or_else(|| format!("`{text}` is not a date"))?
                }
                Cell::Number(number) => {
                    values::date_from_number(*number).ok_or_else(|| format!("`{text}` is not a date"))?
                }
                _ => values::date(text)?,
            };
            set(key, date);
        }
        "stage" => {
            let stage = values::stage(text)
                .ok_or_else(|| format!("`{text}` is not a stage (planned, announced, contracted, delivered…)"))?;
            set("stage", stage.key().to_owned());
        }
        "buyers" | "agency" | "supplier" => {
            let ids = values::actors(text);
            let joined = if key == "buyers" { ids.join(";") } else { ids.into_iter().next().unwrap_or_default() };
            set(key, joined);
        }
        _ => match kind {
            Some(Kind::Count | Kind::Amount | Kind::Year) => {
                let number = match cell {
                    Cell::Number(number) => Some(*number),
                    _ => parse_number(text, decimal_comma),
                };
                set(key, number.map(crate::io::tabular::number_text).unwrap_or_else(|| text.to_owned()));
            }
            _ => set(key, text.to_owned()),
        },
    }
    Ok(filled)
}

/// The id of the source a cell names, adding the source the first time: a link becomes its url, other
/// text its title.
fn source_id(text: &str, dataset: &mut Dataset, sources: &mut HashMap<String, Symbol>) -> Symbol {
    if let Some(&id) = sources.get(text) {
        return id;
    }
    let id_text = format!("source-{}", sources.len() + 1);
    let id = dataset.intern(&id_text);
    let is_link = text.starts_with("http://") || text.starts_with("https://");
    let source = Source {
        id,
        title: if is_link { String::new() } else { text.to_owned() },
        publisher: String::new(),
        url: if is_link { text.to_owned() } else { String::new() },
        published: None,
        accessed: None,
        notes: String::new(),
    };
    let end = dataset.sources.len();
    dataset.insert(end, Record::Source(source));
    sources.insert(text.to_owned(), id);
    id
}

/// What to do with an imported record that matches one the dataset has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Add it beside the one there.
    KeepBoth,
    /// Leave it out.
    #[default]
    Skip,
    /// Put its fields in the record there, which keeps its id.
    Update,
}

impl OnDuplicate {
    pub const ALL: [OnDuplicate; 3] = [OnDuplicate::KeepBoth, OnDuplicate::Skip, OnDuplicate::Update];

    pub fn label(self) -> &'static str {
        match self {
            OnDuplicate::KeepBoth => "keep both",
            OnDuplicate::Skip => "skip",
            OnDuplicate::Update => "update",
        }
    }
}

/// What adding `imported` to `dataset` changes, for one undoable step: the actors the dataset lacks, the
/// sources, and the acquisitions, ids made unique where the dataset has them already; an acquisition that
/// matches one there (`matches`, from [`duplicates`]) kept beside it, skipped or put in its place, as
/// `choice` says. The records' strings are interned into a copy of the dataset's pool, returned with them.
pub fn merge(
    dataset: &Dataset,
    imported: &Dataset,
    matches: &[Option<usize>],
    choice: OnDuplicate,
) -> (crate::model::Interner, Vec<Change>) {
    let mut strings = dataset.strings.clone();
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    for collection in Collection::ALL {
        for index in 0..dataset.len(collection) {
            if let Some(record) = dataset.record(collection, index) {
                taken.insert(dataset.text(record.id()).to_owned());
            }
        }
    }
    let unique = |base: &str, taken: &mut std::collections::HashSet<String>| -> String {
        let id = (1..)
            .map(|n| if n == 1 { base.to_owned() } else { format!("{base}-{n}") })
            .find(|id| !taken.contains(id))
            .unwrap_or_else(|| base.to_owned());
        taken.insert(id.clone());
        id
    };
    let mut changes = Vec::new();
    let mut renamed: HashMap<Symbol, String> = HashMap::new();
    for actor in &imported.actors {
        let id = imported.text(actor.id);
        if dataset.actors.iter().any(|a| dataset.text(a.id) == id) {
            continue;
        }
        let mut actor = actor.clone();
        actor.id = strings.intern(id);
        taken.insert(id.to_owned());
        changes.push(Change::Add(Record::Actor(actor)));
    }
    for source in &imported.sources {
        let id = unique(imported.text(source.id), &mut taken);
        renamed.insert(source.id, id.clone());
        let mut source = source.clone();
        source.id = strings.intern(&id);
        changes.push(Change::Add(Record::Source(source)));
    }
    // Each record's id first (kept where free, made unique where the dataset has it, the matched record's
    // on update), so that a record naming another as its framework names it by its id in the dataset.
    let mut kept = Vec::with_capacity(imported.acquisitions.len());
    for (index, acquisition) in imported.acquisitions.iter().enumerate() {
        let matched = matches.get(index).copied().flatten();
        let id = match (matched, choice) {
            (Some(_), OnDuplicate::Skip) => continue,
            (Some(at), OnDuplicate::Update) => match dataset.acquisitions.get(at) {
                Some(there) => dataset.text(there.id).to_owned(),
                None => continue,
            },
            _ => unique(imported.text(acquisition.id), &mut taken),
        };
        renamed.insert(acquisition.id, id);
        kept.push((acquisition, matched));
    }
    for (acquisition, matched) in kept {
        let mut record = acquisition.clone();
        record.map_symbols(|symbol| match renamed.get(&symbol) {
            Some(id) => strings.intern(id),
            None => strings.intern(imported.text(symbol)),
        });
        match (matched, choice) {
            (Some(at), OnDuplicate::Update) => changes.push(Change::Replace(at, Record::Acquisition(record))),
            _ => changes.push(Change::Add(Record::Acquisition(record))),
        }
    }
    (strings, changes)
}

/// Records of `imported` that match one `dataset` has (same buyers, system, date and quantity): for each
/// imported acquisition, the index of its match.
pub fn duplicates(dataset: &Dataset, imported: &Dataset) -> Vec<Option<usize>> {
    type Key = (Vec<String>, String, String, Option<u64>);
    let key = |dataset: &Dataset, record: &crate::model::Acquisition| -> Key {
        let mut buyers: Vec<String> = record.buyers.iter().map(|&b| dataset.text(b).to_owned()).collect();
        buyers.sort();
        (
            buyers,
            dataset.text(record.system).to_lowercase(),
            record.date.map(|d| d.to_string()).unwrap_or_default(),
            record.quantity.as_ref().and_then(|q| q.count),
        )
    };
    let existing: HashMap<Key, usize> =
        dataset.acquisitions.iter().enumerate().map(|(index, record)| (key(dataset, record), index)).collect();
    imported.acquisitions.iter().map(|record| existing.get(&key(imported, record)).copied()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The acquisition whose `key` field is `text` and whose other fields are blank, or why not.
    fn read_alone(key: &str, text: &str) -> Result<Acquisition, String> {
        let at = position(key).expect("a field of acquisitions");
        let blank = fields::blank_texts(
            Collection::Acquisitions,
            "x",
            crate::model::FuzzyDate::Single(PartialDate::of_year(2000)),
        );
        let text_of = |field: usize| if field == at { text } else { blank[field].as_str() };
        fields::read::<Acquisition>(text_of, &mut Interner::default()).map_err(|error| error.message)
    }

    /// Texts in the forms [`Plain`] tells apart, and near misses of them.
    fn plain_looking() -> impl Strategy<Value = String> {
        let ids = vec!["DEU", "NOR", "USA", "nato", "eu", "Deu", "XXX", "DE", "Germany", ""];
        prop_oneof![
            prop::collection::vec(prop::sample::select(ids), 1..4).prop_map(|ids| ids.join(";")),
            prop::sample::select(&["contracted", "planned", "Contracted", "signed", "delivered", " announced"][..])
                .prop_map(str::to_owned),
            "[A-Za-z]{2,4}",
            "[0-9]{4}(-[0-9]{1,2}(-[0-9]{1,3})?)?\\??",
            "[0-9]{0,17}",
            "[0-9 ,.;A-Za-z-]{0,12}",
        ]
    }

    proptest! {
        /// A cell read as it is, because it looks already in its field's form, gives the record that the
        /// field texts [`fill`] makes of it give, or is refused where they are: the shortcut never changes
        /// what is imported (a message may quote the cell as it was written).
        #[test]
        fn a_cell_read_as_it_is_gives_what_its_reading_gives(text in plain_looking()) {
            let keys = ["buyers", "agency", "supplier", "stage", "value_currency", "date", "delivery", "quantity",
                "value", "value_price_year"];
            for key in keys {
                let plain = Plain::of(key).expect("a field read as it is when plain");
                if !plain.holds(&text) {
                    continue;
                }
                let as_it_is = read_alone(key, &text);
                let through_fill = match fill(key, &Cell::Text(text.as_str().into()), &text, false) {
                    Ok(filled) => {
                        prop_assert!(filled.len() <= 1, "{key}: {filled:?}");
                        let value = filled.first().map_or(text.as_str(), |(_, value)| value.as_str());
                        read_alone(key, value)
                    }
                    Err(message) => Err(message),
                };
                match (as_it_is, through_fill) {
                    (Ok(as_it_is), Ok(read)) => prop_assert_eq!(as_it_is, read, "{} {}", key, text),
                    (as_it_is, read) => {
                        prop_assert!(as_it_is.is_err() && read.is_err(), "{key} {text}: {as_it_is:?} {read:?}")
                    }
                }
            }
        }
    }

    /// A table as an analyst's export has it, over 2 MB so that it is read in parts: country names,
    /// sources named again and again, rows that cannot be read, and (when `multiline`) comments over
    /// several lines, so that some places where a part would start fall inside a quoted cell.
    fn large_foreign_table(multiline: bool) -> Table {
        let countries = ["Germany", "Czech Republic", "Türkiye", "UK", "Netherlands"];
        let mut text =
            String::from("Orders of European Allies\n\nCountry,Weapon system,Qty,Year of order,Source,Comments\n");
        for row in 0..40_000 {
            let year = if row % 997 == 0 { "sometime".to_owned() } else { format!("{}", 2000 + row % 25) };
            let comment = if multiline && row % 7 == 0 { "\"signed,\nthen amended\"" } else { "signed" };
            let country = countries[row % countries.len()];
            let quantity = if row % 11 == 0 { format!("c. {}", row % 300) } else { format!("{}", row % 500) };
            let source = format!("https://example.org/report-{}", row % 17);
            text.push_str(&format!("{country},System {},{quantity},{year},{source},{comment}\n", row % 60));
        }
        crate::io::tabular::read(std::path::Path::new("orders.csv"), text.into_bytes(), &Default::default()).unwrap()
    }

    #[test]
    fn ids_are_kept_and_a_taken_one_is_made_unique_with_the_records_that_name_it() {
        let text = "ID,System,Country,Framework,Year\npatriot-gemt-deu,Patriot GEM-T missile,DEU,,2023\n\
                    order-2,Patriot GEM-T missile,NLD,patriot-gemt-deu,2024\n,IRIS-T SLM,DEU,,2024\n";
        let table =
            crate::io::tabular::read(std::path::Path::new("orders.csv"), text.as_bytes().to_vec(), &Default::default())
                .unwrap();
        let mapping = guess(&table.headers, &table.sample(50));
        assert_eq!(mapping.target("ID"), Target::Field("id".to_owned()));
        let imported = import(&table, &mapping, None).unwrap();
        let ids: Vec<&str> = imported.dataset.acquisitions.iter().map(|a| imported.dataset.text(a.id)).collect();
        assert_eq!(ids, ["patriot-gemt-deu", "order-2", "orders-4"], "an empty id cell gets one made from the row");
        // The default dataset has a "patriot-gemt-deu": the new one is renamed, and the order under it follows.
        let dataset = crate::io::default_dataset();
        let matches = vec![None; imported.dataset.acquisitions.len()];
        let (strings, changes) = merge(&dataset, &imported.dataset, &matches, OnDuplicate::KeepBoth);
        let added: Vec<&Acquisition> = changes
            .iter()
            .filter_map(|change| match change {
                Change::Add(Record::Acquisition(a)) => Some(a),
                _ => None,
            })
            .collect();
        assert_eq!(strings.resolve(added[0].id), "patriot-gemt-deu-2");
        assert_eq!(added[1].parent.map(|p| strings.resolve(p)), Some("patriot-gemt-deu-2"));
    }

    #[test]
    fn a_table_imported_on_every_core_is_the_table_imported_on_one() {
        for multiline in [false, true] {
            let table = large_foreign_table(multiline);
            assert!(table.stretches(8).len() > 1, "the table is large enough to be cut");
            let mapping = guess(&table.headers, &table.sample(50));
            let one = import_in_parts(&table, &mapping, None, 1, &Progress::default()).unwrap();
            assert_eq!(one.rows.len() + one.problems.len(), 40_000);
            assert_eq!(one.problems.len(), 41, "every row with a year that is not a date: {:?}", &one.problems[..2]);
            assert_eq!(one.dataset.sources.len(), 17);
            for parts in [2, 3, 8] {
                let progress = Progress::default();
                let many = import_in_parts(&table, &mapping, None, parts, &progress).unwrap();
                assert_eq!(progress.done(), 40_000, "every row counted once, also when read again on one core");
                assert_eq!(many.dataset.acquisitions, one.dataset.acquisitions, "{parts} parts");
                assert_eq!(many.dataset.sources, one.dataset.sources);
                assert_eq!(many.dataset.actors, one.dataset.actors);
                assert_eq!(many.rows, one.rows);
                assert_eq!(many.problems, one.problems);
                let strings = |d: &Dataset| {
                    (0..d.strings.len()).map(|i| d.strings.resolve_index(i).to_owned()).collect::<Vec<_>>()
                };
                assert_eq!(strings(&many.dataset), strings(&one.dataset));
            }
        }
    }

    #[test]
    fn headers_as_people_write_them() {
        let headers: Vec<String> = [
            "Country",
            "Weapon system",
            "Number ordered",
            "Year of order",
            "Deal value",
            "Currency",
            "Status",
            "Source",
            "Comments",
            "Misc",
        ]
        .map(str::to_owned)
        .to_vec();
        let mapping = guess(&headers, &[]);
        let keys: Vec<String> = mapping.columns.iter().map(|c| c.target.label()).collect();
        assert_eq!(
            keys,
            ["Buyers", "System", "Quantity", "Date", "Value", "Currency", "Stage", "Sources", "Notes", "Keep in notes"]
        );
    }

    #[test]
    fn values_speak_where_headers_do_not() {
        let headers: Vec<String> = ["A", "B", "C"].map(str::to_owned).to_vec();
        let sample = vec![
            vec!["Germany".to_owned(), "2023".to_owned(), "500".to_owned()],
            vec!["Czech Republic".to_owned(), "2024?".to_owned(), "c. 24".to_owned()],
        ];
        let mapping = guess(&headers, &sample);
        let targets: Vec<Target> = mapping.columns.iter().map(|c| c.target.clone()).collect();
        assert_eq!(
            targets,
            [Target::Field("buyers".into()), Target::Field("date".into()), Target::Field("quantity".into())]
        );
    }

    #[test]
    fn a_mapping_is_saved_and_read_back() {
        let mut mapping = guess(&["Country".to_owned(), "Misc".to_owned()], &[]);
        mapping.set("Misc", Target::Skip);
        mapping.defaults.insert("stage".into(), "contracted".into());
        let text = mapping.to_json();
        assert!(text.contains("\"column\": \"Country\""), "{text}");
        assert_eq!(Mapping::from_json(&text).unwrap(), mapping);
    }
}
