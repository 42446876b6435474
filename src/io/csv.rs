//! CSV import and export, one file per collection, with a header row. The columns are the collection's
//! field table ([`fields`]) in order: nested values as flat columns (`quantity`, `quantity_qualifier`,
//! `quantity_unit`…), lists separated by `;`.
//!
//! Exported text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or
//! carriage return) get a leading `'`; so does a cell that starts with `'`, and import removes one leading
//! `'`, so export then import gives back the same text.

use std::io::Write;
use std::path::Path;

use crate::model::fields::{self, FieldError};
use crate::model::{Acquisition, Collection, Dataset, FuzzyDate, Interner};

use super::LoadError;
use super::convert;
use super::parts::{Part, in_parts, join_parts, part_starts, reached};
use super::wire::{ChangelogRecord, MetaRecord, Text};

/// The columns of each collection's CSV file, in order: the keys of its field table.
pub fn columns(collection: Collection) -> Vec<&'static str> {
    fields::specs(collection).iter().map(|spec| spec.key).collect()
}

const META_COLUMNS: [&str; 3] = ["field", "date", "value"];

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
        let cells = fields::texts(dataset, collection, index);
        writer.write_record(cells.iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    writer.flush()
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

/// Writes every collection into `folder` as `meta.csv`, `actors.csv`, …: the folder is replaced as a
/// whole (see [`super::save::replace_folder`]).
pub fn export_folder(dataset: &Dataset, folder: &Path) -> Result<(), super::save::SaveError> {
    super::save::replace_folder(folder, |staging| {
        super::save::save_atomic(&staging.join("meta.csv"), |out| write_meta(dataset, out))?;
        for collection in Collection::ALL {
            let path = staging.join(format!("{}.csv", collection.key()));
            super::save::save_atomic(&path, |out| write_table(dataset, collection, out))?;
        }
        Ok(())
    })
}

/// The files of a folder of tables, as [`export_folder`] writes them.
fn table_files() -> impl Iterator<Item = String> {
    std::iter::once("meta.csv".to_owned()).chain(Collection::ALL.iter().map(|c| format!("{}.csv", c.key())))
}

/// Reads a folder written by [`export_folder`]; missing files are empty collections, but a folder with
/// none of them is not a dataset.
pub fn import_folder(folder: &Path) -> Result<Dataset, LoadError> {
    if !table_files().any(|name| folder.join(name).exists()) {
        let names: Vec<String> = table_files().collect();
        return Err(LoadError::whole(
            &folder.display().to_string(),
            format!("this folder holds none of the tables of a dataset ({})", names.join(", ")),
        ));
    }
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

/// The error of a field read from a file's row. `row` counts the header as row 1.
fn in_file(error: FieldError, origin: &str, row: u64) -> LoadError {
    LoadError::whole(origin, format!("row {row}, column \"{}\": {}", error.key, error.message))
}

/// The text of each field of a row: the cell at the field's position in the file, trimmed, with the
/// leading `'` that guards a formula taken off; empty for a field the file has no column for.
fn cell<'r>(cells: &'r ::csv::StringRecord, positions: &[Option<usize>], field: usize) -> &'r str {
    let cell = positions.get(field).copied().flatten().and_then(|position| cells.get(position)).unwrap_or("");
    let cell = fields::trim(cell);
    cell.strip_prefix('\'').unwrap_or(cell)
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
            let new_strings = (text.len() - first) / ROW_BYTES;
            if let Some(parsed) = in_parts(&starts, &dataset.strings, new_strings, read) {
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
        let text = |field| cell(&cells, &positions, field);
        let record = fields::read_record(collection, text, &mut dataset.strings)
            .map_err(|error| in_file(error, origin, number))?;
        let end = dataset.len(collection);
        dataset.insert(end, record);
    }
    Ok(())
}

/// Acquisitions' rows take over this many bytes each, and bring one new string each (their id).
const ROW_BYTES: usize = 100;

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
    let expected = until.unwrap_or(text.len()).saturating_sub(start) / ROW_BYTES;
    let mut records = crate::model::Records::new();
    records.reserve(expected);
    strings.reserve(expected);
    loop {
        if let Some(until) = until
            && let Some(exactly) = reached(text.as_bytes(), start + reader.position().byte() as usize, until)
        {
            return exactly.then_some(Part { records, strings, end: until });
        }
        if !reader.read_record(&mut cells).ok()? {
            return until.is_none().then_some(Part { records, strings, end: text.len() });
        }
        if cells.len() != columns {
            return None;
        }
        let record = fields::read::<Acquisition>(|field| cell(&cells, positions, field), &mut strings).ok()?;
        records.push(record);
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
        let parsed = in_parts(&starts, &Interner::default(), 0, read).expect("the seams match");
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
