//! CSV import and export, one file per collection, with a header row. Nested values get flat columns
//! (`quantity`, `quantity_qualifier`, `quantity_unit`…), lists are separated by `;`.
//!
//! Exported text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) get a leading `'`; so does a cell that starts with `'`, and import removes one leading
//! `'`, so export then import gives back the same text.

use std::io::Write;
use std::path::Path;

use serde::de::IntoDeserializer;
use serde::{Deserialize, Serialize};

use crate::model::{Collection, Dataset, FuzzyDate, Interner};

use super::LoadError;
use super::convert::{self, WireRecord};
use super::parts::{Part, in_parts, join_parts, part_starts};
use super::wire::{
    AcquisitionRecord, ActorRecord, ChangelogRecord, CommitmentRecord, EventRecord, MetaRecord, MoneyRecord,
    QuantityRecord, SourceRecord, Text,
};

/// The columns of each collection's CSV file, in order.
pub fn columns(collection: Collection) -> &'static [&'static str] {
    match collection {
        Collection::Actors => &["id", "name", "kind", "sources", "confidence", "notes"],
        Collection::Sources => &["id", "title", "publisher", "url", "published", "accessed", "notes"],
        Collection::Events => &["id", "date", "kind", "title", "location", "related", "sources", "confidence", "notes"],
        Collection::Commitments => &[
            "id",
            "title",
            "kind",
            "status",
            "origin",
            "parties",
            "category",
            "adopted",
            "horizon",
            "value",
            "value_currency",
            "value_qualifier",
            "value_price_year",
            "description",
            "parent",
            "sources",
            "confidence",
            "notes",
        ],
        Collection::Acquisitions => &[
            "id",
            "system",
            "category",
            "buyers",
            "agency",
            "supplier",
            "stage",
            "quantity",
            "quantity_qualifier",
            "quantity_unit",
            "quantity_text",
            "value",
            "value_currency",
            "value_qualifier",
            "value_price_year",
            "date",
            "delivery",
            "parent",
            "commitment",
            "sources",
            "confidence",
            "notes",
        ],
    }
}

const META_COLUMNS: [&str; 3] = ["field", "date", "value"];
const LIST_SEPARATOR: &str = ";";

/// Writes one collection as CSV (UTF-8, header row, CRLF line ends as RFC 4180 has them).
pub fn write_table(dataset: &Dataset, collection: Collection, out: impl Write) -> std::io::Result<()> {
    write_rows(dataset, collection, 0..dataset.len(collection), out)
}

/// Writes the records at `rows` of one collection as CSV (a filtered table).
pub fn write_rows(
    dataset: &Dataset,
    collection: Collection,
    rows: impl IntoIterator<Item = usize>,
    out: impl Write,
) -> std::io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    writer.write_record(columns(collection))?;
    for index in rows {
        let cells = record_cells(dataset, collection, index);
        writer.write_record(cells.iter().map(|cell| neutralise(cell)).map(|cell| cell.into_owned()))?;
    }
    writer.flush()
}

/// The text of each column of one record, in [`columns`] order, as CSV and the record editor show it.
pub fn record_cells(dataset: &Dataset, collection: Collection, index: usize) -> Vec<String> {
    match collection {
        Collection::Actors => dataset.actors.get(index).map(|r| actor_cells(&convert::actor_to_wire(r, dataset))),
        Collection::Sources => dataset.sources.get(index).map(|r| source_cells(&convert::source_to_wire(r, dataset))),
        Collection::Events => dataset.events.get(index).map(|r| event_cells(&convert::event_to_wire(r, dataset))),
        Collection::Commitments => {
            dataset.commitments.get(index).map(|r| commitment_cells(&convert::commitment_to_wire(r, dataset)))
        }
        Collection::Acquisitions => {
            dataset.acquisitions.get(index).map(|r| acquisition_cells(&convert::acquisition_to_wire(r, dataset)))
        }
    }
    .unwrap_or_default()
}

fn actor_cells(r: &ActorRecord<'_>) -> Vec<String> {
    vec![s(&r.id), s(&r.name), word(&r.kind), list(&r.sources), word(&r.confidence), s(&r.notes)]
}

fn source_cells(r: &SourceRecord<'_>) -> Vec<String> {
    vec![s(&r.id), s(&r.title), s(&r.publisher), s(&r.url), date(r.published), date(r.accessed), s(&r.notes)]
}

fn event_cells(r: &EventRecord<'_>) -> Vec<String> {
    vec![
        s(&r.id),
        r.date.to_string(),
        word(&r.kind),
        s(&r.title),
        s(&r.location),
        list(&r.related),
        list(&r.sources),
        word(&r.confidence),
        s(&r.notes),
    ]
}

fn commitment_cells(r: &CommitmentRecord<'_>) -> Vec<String> {
    let [amount, currency, qualifier, year] = money_cells(r.value.as_ref());
    vec![
        s(&r.id),
        s(&r.title),
        word(&r.kind),
        word(&r.status),
        opt(&r.origin),
        list(&r.parties),
        opt(&r.category),
        date(r.adopted),
        date(r.horizon),
        amount,
        currency,
        qualifier,
        year,
        s(&r.description),
        opt(&r.parent),
        list(&r.sources),
        word(&r.confidence),
        s(&r.notes),
    ]
}

fn acquisition_cells(r: &AcquisitionRecord<'_>) -> Vec<String> {
    let [amount, currency, qualifier, year] = money_cells(r.value.as_ref());
    let q = r.quantity.as_ref();
    vec![
        s(&r.id),
        s(&r.system),
        s(&r.category),
        list(&r.buyers),
        opt(&r.agency),
        opt(&r.supplier),
        word(&r.stage),
        q.and_then(|q| q.count).map(|c| c.to_string()).unwrap_or_default(),
        q.map(|q| word(&q.qualifier)).unwrap_or_default(),
        q.map(|q| opt(&q.unit)).unwrap_or_default(),
        q.map(|q| opt(&q.text)).unwrap_or_default(),
        amount,
        currency,
        qualifier,
        year,
        date(r.date),
        date(r.delivery),
        opt(&r.parent),
        opt(&r.commitment),
        list(&r.sources),
        word(&r.confidence),
        s(&r.notes),
    ]
}

/// Writes `meta` as rows of field, date, value.
pub fn write_meta(dataset: &Dataset, out: impl Write) -> std::io::Result<()> {
    let meta = &dataset.meta;
    let mut writer = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    writer.write_record(META_COLUMNS)?;
    let mut write = |field: &str, date: String, value: &str| writer.write_record([field, &date, &*neutralise(value)]);
    write("title", String::new(), &meta.title)?;
    write("description", String::new(), &meta.description)?;
    write("release", String::new(), &meta.release)?;
    write("cutoff", meta.cutoff.map(|d| d.to_string()).unwrap_or_default(), "")?;
    write("licence", String::new(), &meta.licence)?;
    for author in &meta.authors {
        write("author", String::new(), author)?;
    }
    for entry in &meta.changelog {
        write("changelog", entry.date.to_string(), &entry.text)?;
    }
    writer.flush()
}

/// Writes every collection into `folder` as `meta.csv`, `actors.csv`, … (each file atomically).
pub fn export_folder(dataset: &Dataset, folder: &Path) -> Result<(), super::save::SaveError> {
    std::fs::create_dir_all(folder)
        .map_err(|error| super::save::SaveError { path: folder.to_owned(), message: super::io_message(&error) })?;
    super::save::save_atomic(&folder.join("meta.csv"), |out| write_meta(dataset, out))?;
    for collection in Collection::ALL {
        let path = folder.join(format!("{}.csv", collection.key()));
        super::save::save_atomic(&path, |out| write_table(dataset, collection, out))?;
    }
    Ok(())
}

/// Reads a folder written by [`export_folder`]; missing files are empty collections.
pub fn import_folder(folder: &Path) -> Result<Dataset, LoadError> {
    let mut dataset = Dataset::default();
    let meta_path = folder.join("meta.csv");
    if meta_path.exists() {
        let bytes = super::read_file(&meta_path)?;
        let mut meta = MetaRecord::default();
        read_meta(&bytes, &meta_path.display().to_string(), &mut meta)?;
        dataset.meta = convert::meta_from_wire(&meta);
    }
    for collection in Collection::ALL {
        let path = folder.join(format!("{}.csv", collection.key()));
        if path.exists() {
            let bytes = super::read_file(&path)?;
            read_table(collection, &bytes, &path.display().to_string(), &mut dataset, rayon::current_num_threads())?;
        }
    }
    Ok(dataset)
}

/// Reads one collection's CSV into an otherwise empty dataset.
pub fn import_table(collection: Collection, bytes: &[u8], origin: &str) -> Result<Dataset, LoadError> {
    let mut dataset = Dataset::default();
    read_table(collection, bytes, origin, &mut dataset, rayon::current_num_threads())?;
    Ok(dataset)
}

/// A cell that could not be read: its column and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    pub column: &'static str,
    pub message: String,
}

impl CellError {
    /// The error as a file's: "row 5, column \"quantity\": ...". `row` counts the header as row 1.
    fn in_file(self, origin: &str, row: u64) -> LoadError {
        LoadError::whole(origin, format!("row {row}, column \"{}\": {}", self.column, self.message))
    }
}

impl std::fmt::Display for CellError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.column, self.message)
    }
}

/// Reads one record from its cells in [`columns`] order (as [`record_cells`] gives them).
pub fn record_from_cells(collection: Collection, cells: &[String]) -> Result<WireRecord<'static>, CellError> {
    let record: ::csv::StringRecord = cells.iter().collect();
    let positions: Vec<Option<usize>> = (0..columns(collection).len()).map(Some).collect();
    let row = Row::new(&record, &positions, columns(collection), |cell| Text::owned(cell.to_owned()));
    parse_record(collection, &row)
}

fn parse_record<'t>(collection: Collection, row: &Row<'_, 't>) -> Result<WireRecord<'t>, CellError> {
    Ok(match collection {
        Collection::Actors => WireRecord::Actor(ActorRecord {
            id: row.required("id")?,
            name: row.text("name"),
            kind: row.word("kind")?,
            sources: row.list("sources"),
            confidence: row.word("confidence")?,
            notes: row.text("notes"),
        }),
        Collection::Sources => WireRecord::Source(SourceRecord {
            id: row.required("id")?,
            title: row.text("title"),
            publisher: row.text("publisher"),
            url: row.text("url"),
            published: row.date("published")?,
            accessed: row.date("accessed")?,
            notes: row.text("notes"),
        }),
        Collection::Events => WireRecord::Event(EventRecord {
            id: row.required("id")?,
            date: row.required_date("date")?,
            kind: row.word("kind")?,
            title: row.text("title"),
            location: row.text("location"),
            related: row.list("related"),
            sources: row.list("sources"),
            confidence: row.word("confidence")?,
            notes: row.text("notes"),
        }),
        Collection::Commitments => WireRecord::Commitment(CommitmentRecord {
            id: row.required("id")?,
            title: row.text("title"),
            kind: row.word("kind")?,
            status: row.word("status")?,
            origin: row.optional("origin"),
            parties: row.list("parties"),
            category: row.optional("category"),
            adopted: row.date("adopted")?,
            horizon: row.date("horizon")?,
            value: row.money()?,
            description: row.text("description"),
            parent: row.optional("parent"),
            sources: row.list("sources"),
            confidence: row.word("confidence")?,
            notes: row.text("notes"),
        }),
        Collection::Acquisitions => {
            // Read in the order of the columns, which is the order the row's cursor expects.
            let (id, system, category, buyers) =
                (row.required("id")?, row.text("system"), row.text("category"), row.list("buyers"));
            let (agency, supplier, stage) = (row.optional("agency"), row.optional("supplier"), row.word("stage")?);
            let count = row.number::<u64>("quantity", "a whole number of zero or more")?;
            let qualifier = row.optional_word("quantity_qualifier")?;
            let qualifier_given = !row.raw("quantity_qualifier").is_empty();
            let unit = row.optional("quantity_unit");
            let words = row.optional("quantity_text");
            let quantity = (count.is_some() || qualifier_given || unit.is_some() || words.is_some())
                .then_some(QuantityRecord { count, unit, qualifier, text: words });
            WireRecord::Acquisition(AcquisitionRecord {
                id,
                system,
                category,
                buyers,
                agency,
                supplier,
                stage,
                quantity,
                value: row.money()?,
                date: row.date("date")?,
                delivery: row.date("delivery")?,
                parent: row.optional("parent"),
                commitment: row.optional("commitment"),
                sources: row.list("sources"),
                confidence: row.word("confidence")?,
                notes: row.text("notes"),
            })
        }
    })
}

/// One data row, with what is needed to say where a bad cell is. Cells become [`Text`] through `text`:
/// borrowed from the row while importing (the record is interned before the next row is read), owned
/// for the record editor, whose record outlives its cells.
struct Row<'r, 't> {
    cells: &'r ::csv::StringRecord,
    /// For each expected column, its position in the file.
    positions: &'r [Option<usize>],
    names: &'static [&'static str],
    text: fn(&'r str) -> Text<'t>,
    /// Just past the last column asked for in `names`: records ask for their columns in order, so
    /// each is found with one comparison instead of a search per cell.
    cursor: std::cell::Cell<usize>,
}

impl<'r, 't> Row<'r, 't> {
    fn new(
        cells: &'r ::csv::StringRecord,
        positions: &'r [Option<usize>],
        names: &'static [&'static str],
        text: fn(&'r str) -> Text<'t>,
    ) -> Self {
        Row { cells, positions, names, text, cursor: std::cell::Cell::new(0) }
    }

    fn error(&self, column: &str, message: impl std::fmt::Display) -> CellError {
        let column = self.names.iter().find(|name| **name == column).copied().unwrap_or("?");
        CellError { column, message: message.to_string() }
    }

    fn slot(&self, column: &str) -> Option<usize> {
        // The next column, or the same one again.
        let next = self.cursor.get();
        let slot = [next, next.wrapping_sub(1)]
            .into_iter()
            .find(|&slot| self.names.get(slot).is_some_and(|name| *name == column))
            .or_else(|| self.names.iter().position(|name| *name == column));
        if let Some(slot) = slot {
            self.cursor.set(slot + 1);
        }
        slot
    }

    fn raw(&self, column: &str) -> &'r str {
        let cells = self.cells;
        let cell = self.slot(column).and_then(|slot| self.positions[slot]).and_then(|position| cells.get(position));
        let cell = cell.unwrap_or("").trim();
        cell.strip_prefix('\'').unwrap_or(cell)
    }

    fn text(&self, column: &str) -> Text<'t> {
        (self.text)(self.raw(column))
    }

    fn required(&self, column: &str) -> Result<Text<'t>, CellError> {
        let text = self.raw(column);
        if text.is_empty() {
            return Err(self.error(column, "is empty but required"));
        }
        Ok((self.text)(text))
    }

    fn optional(&self, column: &str) -> Option<Text<'t>> {
        let text = self.raw(column);
        (!text.is_empty()).then(|| (self.text)(text))
    }

    fn list(&self, column: &str) -> Vec<Text<'t>> {
        self.raw(column).split(LIST_SEPARATOR).map(str::trim).filter(|item| !item.is_empty()).map(self.text).collect()
    }

    fn date(&self, column: &str) -> Result<Option<FuzzyDate>, CellError> {
        let text = self.raw(column);
        if text.is_empty() {
            return Ok(None);
        }
        FuzzyDate::parse(text).map(Some).map_err(|error| self.error(column, error))
    }

    fn required_date(&self, column: &str) -> Result<FuzzyDate, CellError> {
        self.date(column)?.ok_or_else(|| self.error(column, "is empty but required"))
    }

    /// A closed vocabulary value, by its file name ("up_to") or its label ("up to").
    fn word<T: for<'de> Deserialize<'de>>(&self, column: &str) -> Result<T, CellError> {
        let raw = self.raw(column);
        // Exported files hold the file names; only labels and other spellings need the copy.
        let exact: serde::de::value::StrDeserializer<serde::de::value::Error> = raw.into_deserializer();
        if let Ok(value) = T::deserialize(exact) {
            return Ok(value);
        }
        let text = raw.to_lowercase().replace([' ', '-'], "_");
        let deserializer: serde::de::value::StringDeserializer<serde::de::value::Error> = text.into_deserializer();
        T::deserialize(deserializer).map_err(|error| self.error(column, error))
    }

    fn optional_word<T: for<'de> Deserialize<'de> + Default>(&self, column: &str) -> Result<T, CellError> {
        if self.raw(column).is_empty() { Ok(T::default()) } else { self.word(column) }
    }

    fn number<T: std::str::FromStr>(&self, column: &str, what: &str) -> Result<Option<T>, CellError> {
        let text = self.raw(column);
        if text.is_empty() {
            return Ok(None);
        }
        let parsed = if text.contains(',') { text.replace(',', "").parse() } else { text.parse() };
        parsed.map(Some).map_err(|_| self.error(column, format!("`{text}` is not {what}")))
    }

    /// The `value` columns, the only money columns of any collection.
    fn money(&self) -> Result<Option<MoneyRecord>, CellError> {
        let Some(amount) = self.number::<f64>("value", "a number")? else {
            return Ok(None);
        };
        let currency_text = self.raw("value_currency");
        let currency = crate::model::Currency::parse(currency_text).ok_or_else(|| {
            self.error(
                "value_currency",
                format!("`{currency_text}` is not a currency code (three capital letters, e.g. EUR)"),
            )
        })?;
        Ok(Some(MoneyRecord {
            amount,
            currency,
            qualifier: self.optional_word("value_qualifier")?,
            price_year: self.number("value_price_year", "a year")?,
        }))
    }
}

/// Reads one collection's CSV and appends its records to `dataset`, each interned as it is read; a large
/// acquisitions table in up to `parts` parts at once (see [`super::parts`]).
fn read_table(
    collection: Collection,
    bytes: &[u8],
    origin: &str,
    dataset: &mut Dataset,
    parts: usize,
) -> Result<(), LoadError> {
    let text = super::decode_utf8(bytes, origin)?;
    let mut reader = ::csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let names = columns(collection);
    let header = reader.headers().map_err(|error| csv_error(origin, &error))?.clone();
    let positions: Vec<Option<usize>> =
        names.iter().map(|name| header.iter().position(|cell| cell.trim() == *name)).collect();
    if positions[0].is_none() {
        return Err(LoadError::at(
            origin,
            1,
            1,
            format!("the header row has no \"id\" column (expected: {})", names.join(", ")),
        ));
    }
    if let Some(unknown) = header.iter().find(|cell| !names.contains(&cell.trim())) {
        let message = format!("the header row has an unknown column \"{unknown}\" (expected: {})", names.join(", "));
        return Err(LoadError::at(origin, 1, 1, message));
    }
    if collection == Collection::Acquisitions && dataset.acquisitions.is_empty() {
        let first = reader.position().byte() as usize;
        let starts = part_starts(text.as_bytes(), first, parts, b"\r\n", |_| true);
        if starts.len() > 1 {
            let read = |start, until, pool| read_part(text, start, until, pool, header.len(), &positions);
            // A seam that does not match, or a bad row, is read again on one core, which names the row.
            if let Some(parsed) = in_parts(&starts, &dataset.strings, read) {
                join_parts(dataset, parsed);
                return Ok(());
            }
        }
    }
    let mut cells = ::csv::StringRecord::new();
    // Rows are about 120 bytes; reserving once saves copying a growing list of a million records.
    let rows = text.len() / 128;
    match collection {
        Collection::Acquisitions => dataset.acquisitions.reserve(rows),
        Collection::Commitments => dataset.commitments.reserve(rows),
        _ => {}
    }
    let mut number = 1;
    while reader.read_record(&mut cells).map_err(|error| csv_error(origin, &error))? {
        number += 1;
        let row = Row::new(&cells, &positions, names, Text::borrowed);
        let wire = parse_record(collection, &row).map_err(|error| error.in_file(origin, number))?;
        let record = convert::record_from_wire(&wire, &mut dataset.strings);
        let end = dataset.len(collection);
        dataset.insert(end, record);
    }
    Ok(())
}

/// Reads acquisitions from `start` to exactly `until` (the next part's start), or to the end. None when
/// the rows do not end exactly there or one cannot be read.
fn read_part(
    text: &str,
    start: usize,
    until: Option<usize>,
    mut strings: Interner,
    columns: usize,
    positions: &[Option<usize>],
) -> Option<Part> {
    let rest = text.get(start..)?;
    let mut reader = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(rest.as_bytes());
    let mut cells = ::csv::StringRecord::new();
    // Rows take over 100 bytes each, and bring one new string each (their id).
    let expected = until.unwrap_or(text.len()).saturating_sub(start) / 100;
    let mut records = Vec::with_capacity(expected);
    strings.reserve(expected);
    let names = self::columns(Collection::Acquisitions);
    loop {
        if let Some(until) = until {
            // Where the next row starts, past the line end of this one.
            let mut at = start + reader.position().byte() as usize;
            while matches!(text.as_bytes().get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            if at == until {
                return Some(Part { records, strings, end: until });
            }
            if at > until {
                return None;
            }
        }
        if !reader.read_record(&mut cells).ok()? {
            return until.is_none().then_some(Part { records, strings, end: text.len() });
        }
        if cells.len() != columns {
            return None;
        }
        let row = Row::new(&cells, positions, names, Text::borrowed);
        let WireRecord::Acquisition(record) = parse_record(Collection::Acquisitions, &row).ok()? else {
            return None;
        };
        records.push(convert::acquisition_from_wire(&record, &mut strings));
    }
}

fn read_meta(bytes: &[u8], origin: &str, meta: &mut MetaRecord<'static>) -> Result<(), LoadError> {
    let text = super::decode_utf8(bytes, origin)?;
    let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = reader.headers().map_err(|error| csv_error(origin, &error))?.clone();
    if header.iter().map(str::trim).ne(META_COLUMNS) {
        return Err(LoadError::at(origin, 1, 1, format!("the header row must be: {}", META_COLUMNS.join(", "))));
    }
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| csv_error(origin, &error))?;
        let number = index as u64 + 2;
        let cell = |i: usize| {
            let cell = record.get(i).unwrap_or("").trim();
            cell.strip_prefix('\'').unwrap_or(cell).to_owned()
        };
        let date = || {
            FuzzyDate::parse(&cell(1))
                .map_err(|error| LoadError::whole(origin, format!("row {number}, column \"date\": {error}")))
        };
        match cell(0).as_str() {
            "title" => meta.title = Text::owned(cell(2)),
            "description" => meta.description = Text::owned(cell(2)),
            "release" => meta.release = Text::owned(cell(2)),
            "licence" => meta.licence = Text::owned(cell(2)),
            "cutoff" => meta.cutoff = if cell(1).is_empty() { None } else { Some(date()?) },
            "author" => meta.authors.push(Text::owned(cell(2))),
            "changelog" => meta.changelog.push(ChangelogRecord { date: date()?, text: Text::owned(cell(2)) }),
            other => {
                let message = format!("row {number}, column \"field\": unknown field \"{other}\"");
                return Err(LoadError::whole(origin, message));
            }
        }
    }
    Ok(())
}

fn csv_error(origin: &str, error: &::csv::Error) -> LoadError {
    let place = error.position().map(|p| format!("row {}: ", p.record() + 1)).unwrap_or_default();
    let message = match error.kind() {
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("{place}the row has {len} cells but the header has {expected_len}")
        }
        _ => format!("{place}{error}"),
    };
    let line = error.position().map_or(0, |p| p.line() as usize);
    LoadError::at(origin, line, 1, message)
}

/// Guards a cell against formula injection in spreadsheets (see the module comment).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

fn s(text: &Text<'_>) -> String {
    text.as_str().to_owned()
}

fn opt(text: &Option<Text<'_>>) -> String {
    text.as_ref().map(s).unwrap_or_default()
}

fn list(items: &[Text<'_>]) -> String {
    items.iter().map(Text::as_str).collect::<Vec<_>>().join(LIST_SEPARATOR)
}

fn date(date: Option<FuzzyDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The serde name of a vocabulary value ("up_to").
fn word<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

fn money_cells(money: Option<&MoneyRecord>) -> [String; 4] {
    match money {
        Some(m) => [
            m.amount.to_string(),
            m.currency.to_string(),
            word(&m.qualifier),
            m.price_year.map(|y| y.to_string()).unwrap_or_default(),
        ],
        None => Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// About 5 MB of acquisitions as CSV, every symbol field filled, some notes over several lines.
    fn large_table() -> Vec<u8> {
        let text = crate::synthetic::dataset_json(40_000, 5);
        let mut dataset = crate::io::json::from_str(&text, "synthetic.json").unwrap();
        let (supplier, commitment) = (dataset.intern("sup"), dataset.intern("c-1"));
        for (i, record) in dataset.acquisitions.iter_mut().enumerate() {
            record.supplier = Some(supplier);
            record.commitment = Some(commitment);
            if i % 7 == 0 {
                record.notes = Some(format!("first line\nsecond line, \"quoted\"\n{i}").into());
            }
        }
        let mut bytes = Vec::new();
        write_table(&dataset, Collection::Acquisitions, &mut bytes).unwrap();
        bytes
    }

    fn read(bytes: &[u8], parts: usize) -> Dataset {
        let mut dataset = Dataset::default();
        read_table(Collection::Acquisitions, bytes, "a.csv", &mut dataset, parts).unwrap();
        dataset
    }

    #[test]
    fn a_table_read_in_parts_is_the_table_read_on_one_core() {
        let bytes = large_table();
        let one = read(&bytes, 1);
        assert_eq!(one.acquisitions.len(), 40_000);
        for parts in [2, 3, 8] {
            let many = read(&bytes, parts);
            assert_eq!(many.acquisitions, one.acquisitions);
            assert_eq!(many.strings.len(), one.strings.len());
            assert!((0..one.strings.len()).all(|i| many.strings.resolve_index(i) == one.strings.resolve_index(i)));
        }
        // The parts themselves, where notes over several lines cannot mislead them.
        let single_line = String::from_utf8(bytes).unwrap().replace("first line\nsecond line", "first line");
        let text = single_line.as_str();
        let first = text.find('\n').unwrap() + 1;
        let starts = part_starts(text.as_bytes(), first, 3, b"\r\n", |_| true);
        assert_eq!(starts.len(), 3);
        let columns = columns(Collection::Acquisitions);
        let positions: Vec<Option<usize>> = (0..columns.len()).map(Some).collect();
        let read = |start, until, pool| read_part(text, start, until, pool, columns.len(), &positions);
        let parsed = in_parts(&starts, &Interner::default(), read).expect("the seams match");
        assert_eq!(parsed.iter().map(|part| part.records.len()).sum::<usize>(), 40_000);
    }

    #[test]
    fn a_bom_and_crlf_line_ends_are_read() {
        let text = "\u{feff}id,system,category,stage,quantity,quantity_qualifier,quantity_unit,confidence\r\n\
                    a1,\"Patriot, GEM-T\",air and missile defence,contracted,\"1,000\",up to,missile,high\r\n";
        let dataset = import_table(Collection::Acquisitions, text.as_bytes(), "a.csv").unwrap();
        let record = &dataset.acquisitions[0];
        assert_eq!(dataset.text(record.system), "Patriot, GEM-T");
        let quantity = record.quantity.as_ref().unwrap();
        assert_eq!((quantity.count, quantity.qualifier), (Some(1000), crate::model::QuantityQualifier::UpTo));
    }

    #[test]
    fn formulas_are_neutralised_and_come_back_as_text() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("'quoted"), "''quoted");
        assert_eq!(neutralise("plain"), "plain");
        let text = "id,system,category,stage,confidence\na1,'=1+1,c,planned,high\n";
        let dataset = import_table(Collection::Acquisitions, text.as_bytes(), "a.csv").unwrap();
        assert_eq!(dataset.text(dataset.acquisitions[0].system), "=1+1");
    }

    #[test]
    fn labels_are_accepted_for_vocabulary_cells() {
        let text =
            "id,system,category,stage,quantity,quantity_qualifier,confidence\na1,X,c,Contracted,5,at least,High\n";
        let dataset = import_table(Collection::Acquisitions, text.as_bytes(), "a.csv").unwrap();
        assert_eq!(dataset.acquisitions[0].stage, crate::model::Stage::Contracted);
    }
}

/// What a column holds, for the record editor's choice of widget.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnKind {
    Text,
    /// Several lines (notes, descriptions).
    LongText,
    /// An EDTF date.
    Date,
    Number,
    /// One of a closed list: (file name, label) pairs.
    Vocabulary(Vec<(String, &'static str)>),
    /// Ids of records in `target`; `list` when several are allowed (separated by `;`).
    Reference {
        target: Option<Collection>,
        list: bool,
    },
}

fn vocabulary<T: Serialize + Copy>(all: &[T], label: fn(T) -> &'static str) -> ColumnKind {
    ColumnKind::Vocabulary(all.iter().map(|&value| (word(&value), label(value))).collect())
}

/// What `column` of `collection` holds.
pub fn column_kind(collection: Collection, column: &str) -> ColumnKind {
    use crate::model::{
        ActorKind, CommitmentKind, CommitmentStatus, Confidence, EventKind, MoneyQualifier, QuantityQualifier, Stage,
    };
    let reference = |target, list| ColumnKind::Reference { target, list };
    match (collection, column) {
        (_, "notes" | "description") => ColumnKind::LongText,
        (_, "date" | "delivery" | "published" | "accessed" | "adopted" | "horizon") => ColumnKind::Date,
        (_, "quantity" | "value" | "value_price_year") => ColumnKind::Number,
        (_, "confidence") => vocabulary(Confidence::ALL, Confidence::label),
        (_, "stage") => vocabulary(Stage::ALL, Stage::label),
        (_, "status") => vocabulary(CommitmentStatus::ALL, CommitmentStatus::label),
        (_, "quantity_qualifier") => vocabulary(&QuantityQualifier::ALL, QuantityQualifier::label),
        (_, "value_qualifier") => vocabulary(&MoneyQualifier::ALL, MoneyQualifier::label),
        (Collection::Actors, "kind") => vocabulary(ActorKind::ALL, ActorKind::label),
        (Collection::Events, "kind") => vocabulary(EventKind::ALL, EventKind::label),
        (Collection::Commitments, "kind") => vocabulary(CommitmentKind::ALL, CommitmentKind::label),
        (_, "sources") => reference(Some(Collection::Sources), true),
        (_, "buyers" | "parties") => reference(Some(Collection::Actors), true),
        (_, "agency" | "supplier") => reference(Some(Collection::Actors), false),
        (_, "origin") => reference(Some(Collection::Events), false),
        (_, "commitment") => reference(Some(Collection::Commitments), false),
        (collection, "parent") => reference(Some(collection), false),
        (_, "related") => reference(None, true),
        _ => ColumnKind::Text,
    }
}

/// The cells of a new record: its id and a valid value for every required column; confidence starts
/// low until the record cites a source.
pub fn blank_cells(collection: Collection, id: &str, today: &str) -> Vec<String> {
    columns(collection)
        .iter()
        .map(|&column| {
            match (collection, column) {
                (_, "id") => id,
                (_, "confidence") => "low",
                (Collection::Actors, "kind") => "state",
                (Collection::Events, "kind") | (Collection::Commitments, "kind") => "other",
                (Collection::Events, "date") => today,
                (Collection::Commitments, "status") => "proposed",
                (Collection::Acquisitions, "stage") => "planned",
                _ => "",
            }
            .to_owned()
        })
        .collect()
}
