//! The dataset as an Excel workbook, and back: a sheet per collection (its field table's keys as the
//! header row, frozen), and a `meta` sheet. Cells are typed, so Excel neither mangles dates nor runs text as
//! a formula: counts, amounts and years are numbers; an EDTF date is text, with the day as an Excel date
//! in the column beside it where the date is one exact day; a source's link is a link.

use calamine::{Data, Reader as _};
use rust_xlsxwriter::{ExcelDateTime, Format, Url, Workbook, Worksheet, XlsxError};

use crate::model::fields::{self, Kind, Spec};
use crate::model::{Collection, Dataset, FuzzyDate, Source};

use super::LoadError;
use super::progress::Progress;
use super::tabular::number_text;

/// The header of the column beside a date field that holds the day as an Excel date.
const DAY_SUFFIX: &str = " (day)";
/// Rows a sheet can hold, the header included.
const MAX_ROWS: usize = 1_048_576;

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum XlsxWriteError {
    #[error("{collection} has {records} records; a sheet holds at most {limit}: save as JSON or CSV instead")]
    TooManyRows { collection: &'static str, records: usize, limit: usize },
    #[error("writing the workbook: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("{}", crate::io::progress::CANCELLED)]
    Cancelled,
}

/// The dataset as an XLSX workbook, in memory.
pub fn write(dataset: &Dataset) -> Result<Vec<u8>, XlsxWriteError> {
    write_rows(dataset, &Collection::ALL.map(|collection| (collection, (0..dataset.len(collection)).collect())))
}

/// The records at the given rows of each given collection as a workbook (a filtered report).
pub fn write_rows(dataset: &Dataset, tables: &[(Collection, Vec<usize>)]) -> Result<Vec<u8>, XlsxWriteError> {
    write_rows_with(dataset, tables, &Progress::default())
}

/// [`write_rows`], counting the rows laid out into `progress` (its total is all of them); once it is
/// cancelled, the laying out stops with [`XlsxWriteError::Cancelled`].
pub fn write_rows_with(
    dataset: &Dataset,
    tables: &[(Collection, Vec<usize>)],
    progress: &Progress,
) -> Result<Vec<u8>, XlsxWriteError> {
    progress.set_total(tables.iter().map(|(_, rows)| rows.len() as u64).sum());
    let mut workbook = Workbook::new();
    let header = Format::new().set_bold();
    let day = Format::new().set_num_format("yyyy-mm-dd");
    for (collection, rows) in tables {
        if rows.len() + 1 > MAX_ROWS {
            return Err(XlsxWriteError::TooManyRows {
                collection: collection.key(),
                records: rows.len(),
                limit: MAX_ROWS - 1,
            });
        }
        // A sheet of records is written a row at a time to a temporary file rather than held cell by cell
        // (a million acquisitions took over 3 GB so); the sources' links need a sheet in memory.
        let sheet = match collection {
            Collection::Sources => workbook.add_worksheet(),
            _ => workbook.add_worksheet_with_constant_memory()?,
        };
        sheet.set_name(collection.key())?;
        let specs = fields::specs(*collection);
        let columns = layout(&specs);
        // Where each column's field is among a record's texts, found once per sheet rather than per cell.
        let positions: Vec<usize> =
            columns.iter().map(|(spec, _)| specs.iter().position(|s| s.key == spec.key).unwrap_or(0)).collect();
        let mut widths = Widths::default();
        for (column, (spec, is_day)) in columns.iter().enumerate() {
            let title = if *is_day { format!("{}{DAY_SUFFIX}", spec.key) } else { spec.key.to_owned() };
            widths.fit(column, &title);
            sheet.write_string_with_format(0, column as u16, title, &header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        for (line, &index) in rows.iter().enumerate() {
            if progress.is_cancelled() {
                return Err(XlsxWriteError::Cancelled);
            }
            let texts = fields::texts(dataset, *collection, index);
            let row = line as u32 + 1;
            let source = (*collection == Collection::Sources).then(|| dataset.sources.get(index)).flatten();
            for (column, ((spec, is_day), &position)) in columns.iter().zip(&positions).enumerate() {
                let text = texts.get(position).map_or("", String::as_str);
                widths.fit(column, if *is_day { "yyyy-mm-dd" } else { text });
                write_cell(sheet, row, column as u16, spec, *is_day, text, source, &day)?;
            }
            progress.add(1);
        }
        widths.set(sheet)?;
    }
    let meta = workbook.add_worksheet();
    meta.set_name("meta")?;
    write_meta(dataset, meta, &header)?;
    Ok(workbook.save_to_buffer()?)
}

/// The width of each column of a sheet, fitted to its longest text as it is written (the crate's autofit
/// reads the cells back, which a sheet written a row at a time no longer holds).
#[derive(Default)]
struct Widths(Vec<usize>);

impl Widths {
    /// The widest a column is made, in characters (about 400 pixels): longer notes wrap off the edge.
    const MOST: usize = 57;

    fn fit(&mut self, column: usize, text: &str) {
        if self.0.len() <= column {
            self.0.resize(column + 1, 0);
        }
        // Counting stops at the widest a column is made.
        let characters = text.chars().take(Self::MOST).count();
        self.0[column] = self.0[column].max(characters);
    }

    fn set(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (column, &characters) in self.0.iter().enumerate() {
            // A character of padding, as Excel leaves.
            sheet.set_column_width(column as u16, (characters + 1) as f64)?;
        }
        Ok(())
    }
}

/// The sheet's columns: each field, and after each date field its day.
fn layout<'s>(specs: &[&'s Spec]) -> Vec<(&'s Spec, bool)> {
    specs
        .iter()
        .flat_map(|spec| {
            let day = (spec.kind == Kind::Date).then_some((*spec, true));
            std::iter::once((*spec, false)).chain(day)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    column: u16,
    spec: &Spec,
    is_day: bool,
    text: &str,
    source: Option<&Source>,
    day_format: &Format,
) -> Result<(), XlsxError> {
    if text.is_empty() {
        return Ok(());
    }
    if is_day {
        if let Ok(FuzzyDate::Single(date)) = FuzzyDate::parse(text)
            && date.qualifier.is_exact()
            && let (Some(month), Some(day)) = (date.month(), date.day())
            && let Ok(year) = u16::try_from(date.year())
            && let Ok(excel) = ExcelDateTime::from_ymd(year, month, day)
        {
            sheet.write_datetime_with_format(row, column, &excel, day_format)?;
        }
        return Ok(());
    }
    match spec.kind {
        Kind::Count | Kind::Amount | Kind::Year => match text.parse::<f64>() {
            Ok(number) => sheet.write_number(row, column, number)?,
            Err(_) => sheet.write_string(row, column, text)?,
        },
        _ if spec.key == "url" && source.and_then(Source::safe_url).is_some() => {
            sheet.write_url_with_text(row, column, Url::new(text), text)?
        }
        _ => sheet.write_string(row, column, text)?,
    };
    Ok(())
}

fn write_meta(dataset: &Dataset, sheet: &mut Worksheet, header: &Format) -> Result<(), XlsxError> {
    for (column, title) in ["field", "date", "value"].into_iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, title, header)?;
    }
    let meta = &dataset.meta;
    let mut rows: Vec<(&str, String, &str)> = vec![
        ("title", String::new(), &meta.title),
        ("description", String::new(), &meta.description),
        ("release", String::new(), &meta.release),
        ("cutoff", meta.cutoff.map(|d| d.to_string()).unwrap_or_default(), ""),
        ("licence", String::new(), &meta.licence),
    ];
    rows.extend(meta.authors.iter().map(|author| ("author", String::new(), author.as_str())));
    rows.extend(meta.changelog.iter().map(|entry| ("changelog", entry.date.to_string(), entry.text.as_str())));
    for (line, (field, date, value)) in rows.iter().enumerate() {
        let row = line as u32 + 1;
        sheet.write_string(row, 0, *field)?;
        if !date.is_empty() {
            sheet.write_string(row, 1, date)?;
        }
        if !value.is_empty() {
            sheet.write_string(row, 2, *value)?;
        }
    }
    sheet.autofit();
    Ok(())
}

/// Opens a workbook (XLSX, XLSM, XLSB, XLS, ODS) for reading, after checking that what its zip unpacks
/// to fits in memory: a small file that unpacks to gigabytes (a zip bomb) is refused before any of it is
/// unpacked.
pub fn open<B: AsRef<[u8]> + Clone>(bytes: B, origin: &str) -> Result<calamine::Sheets<std::io::Cursor<B>>, LoadError> {
    if let Some(unpacked) = unpacked_size(bytes.as_ref())
        && let Some(refusal) = super::size_refusal(unpacked, super::available_memory())
    {
        let refusal = refusal.replacen("the file is", "the workbook unpacks to", 1);
        return Err(LoadError::whole(
            origin,
            format!("{refusal} (its file is {})", super::human_bytes(bytes.as_ref().len() as u64)),
        ));
    }
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|error| LoadError::whole(origin, format!("not a workbook this app can read: {error}")))
}

/// What a zip-based workbook's parts unpack to, as its central directory states (the reader stops at
/// the stated sizes); None for a file that is not a zip (XLS), which unpacks to no more than itself.
fn unpacked_size(bytes: &[u8]) -> Option<u64> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    Some(
        (0..archive.len())
            .filter_map(|index| archive.by_index_raw(index).ok().map(|file| file.size()))
            .fold(0, u64::saturating_add),
    )
}

/// True when a workbook has the app's own layout: a sheet named after a collection, headed by its keys.
pub fn is_own_workbook(bytes: &[u8]) -> bool {
    let Ok(mut workbook) = open(bytes, "") else { return false };
    let names = workbook.sheet_names();
    names.iter().filter_map(|name| Collection::from_key(name).map(|c| (name.clone(), c))).any(|(name, collection)| {
        workbook.worksheet_range(&name).ok().and_then(|range| range.rows().next().map(<[Data]>::to_vec)).is_some_and(
            |header| {
                matches!(header.first(), Some(Data::String(id)) if id == "id") && fields::specs(collection).len() > 1
            },
        )
    })
}

/// Reads a workbook the app wrote (or one laid out the same way).
pub fn read(bytes: Vec<u8>, origin: &str) -> Result<Dataset, LoadError> {
    let mut workbook = open(bytes, origin)?;
    let mut dataset = Dataset::default();
    for collection in Collection::ALL {
        let Ok(range) = workbook.worksheet_range(collection.key()) else { continue };
        let mut rows = range.rows();
        let Some(header) = rows.next() else { continue };
        let specs = fields::specs(collection);
        // For each field, its column in the sheet.
        let mut positions: Vec<Option<usize>> = vec![None; specs.len()];
        for (column, cell) in header.iter().enumerate() {
            let title = cell_text(cell);
            if title.ends_with(DAY_SUFFIX) || title.is_empty() {
                continue;
            }
            match specs.iter().position(|spec| spec.key == title) {
                Some(field) => positions[field] = Some(column),
                None => {
                    let message = format!("sheet \"{}\": unknown column \"{title}\"", collection.key());
                    return Err(LoadError::whole(origin, message));
                }
            }
        }
        for (line, row) in rows.enumerate() {
            if row.iter().all(|cell| matches!(cell, Data::Empty)) {
                continue;
            }
            let texts: Vec<String> =
                positions.iter().map(|at| at.and_then(|at| row.get(at)).map(cell_text).unwrap_or_default()).collect();
            let record = fields::read_texts(collection, &texts, &mut dataset.strings).map_err(|error| {
                let message = format!(
                    "sheet \"{}\", row {}, column \"{}\": {}",
                    collection.key(),
                    line + 2,
                    error.key,
                    error.message
                );
                LoadError::whole(origin, message)
            })?;
            let end = dataset.len(collection);
            dataset.insert(end, record);
        }
    }
    if let Ok(range) = workbook.worksheet_range("meta") {
        read_meta(&range, &mut dataset, origin)?;
    }
    Ok(dataset)
}

fn read_meta(range: &calamine::Range<Data>, dataset: &mut Dataset, origin: &str) -> Result<(), LoadError> {
    for (line, row) in range.rows().enumerate().skip(1) {
        let cell = |i: usize| row.get(i).map(cell_text).unwrap_or_default();
        let date = || {
            FuzzyDate::parse(&cell(1))
                .map_err(|error| LoadError::whole(origin, format!("sheet \"meta\", row {}: {error}", line + 1)))
        };
        let meta = &mut dataset.meta;
        match cell(0).as_str() {
            "title" => meta.title = cell(2),
            "description" => meta.description = cell(2),
            "release" => meta.release = cell(2),
            "licence" => meta.licence = cell(2),
            "cutoff" => meta.cutoff = if cell(1).is_empty() { None } else { Some(date()?) },
            "author" => meta.authors.push(cell(2)),
            "changelog" => meta.changelog.push(crate::model::ChangelogEntry { date: date()?, text: cell(2) }),
            "" => {}
            other => {
                let message = format!("sheet \"meta\", row {}: unknown field \"{other}\"", line + 1);
                return Err(LoadError::whole(origin, message));
            }
        }
    }
    Ok(())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        Data::Float(number) => number_text(*number),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(date) => number_text(date.as_f64()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workbook's zip with the sizes its central directory states for its parts replaced by `size`.
    fn restated(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
        let mut at = 0;
        while let Some(found) = bytes[at..].windows(4).position(|window| window == b"PK\x01\x02") {
            let header = at + found;
            bytes[header + 24..header + 28].copy_from_slice(&size.to_le_bytes());
            at = header + 4;
        }
        bytes
    }

    #[test]
    fn a_workbook_that_unpacks_to_gigabytes_is_refused_before_it_is_unpacked() {
        let bytes = write(&crate::io::default_dataset()).unwrap();
        // Every part says it unpacks to almost 4 GB: together far over what can be loaded.
        let bomb = restated(bytes.clone(), 0xFFFF_FFF0);
        let Err(error) = open(bomb.as_slice(), "bomb.xlsx") else { panic!("a zip bomb was opened") };
        assert!(error.message.starts_with("the workbook unpacks to"), "{error}");
        assert!(!is_own_workbook(&bomb));
        let table = crate::io::tabular::read(std::path::Path::new("bomb.xlsx"), bomb, &Default::default());
        assert!(table.is_err());

        // Parts that unpack to more than they say are cut at what they say: an error, not gigabytes.
        let understated = restated(bytes, 16);
        let error = read(understated.clone(), "small.xlsx").map(|_| ()).unwrap_err();
        assert!(error.message.contains("not a workbook"), "{error}");
        assert!(
            crate::io::tabular::read(std::path::Path::new("small.xlsx"), understated, &Default::default()).is_err()
        );
    }

    #[test]
    fn the_default_dataset_comes_back_from_its_workbook() {
        let dataset = crate::io::default_dataset();
        let bytes = write(&dataset).unwrap();
        assert!(is_own_workbook(&bytes));
        let back = read(bytes, "default.xlsx").unwrap();
        assert_eq!(crate::io::json::to_string(&back), crate::io::json::to_string(&dataset));
    }

    /// The widths of a sheet's columns in its XML (`<col min= max= width=>`), by column from 1.
    fn column_widths(xml: &str) -> std::collections::BTreeMap<u32, f64> {
        let attribute = |element: &str, name: &str| -> Option<String> {
            let start = element.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(element[start..].split('"').next()?.to_owned())
        };
        let mut widths = std::collections::BTreeMap::new();
        // Each element's attributes, after a space like every attribute.
        for element in xml.split("<col").skip(1).map(|rest| rest.split('>').next().unwrap_or("")) {
            let number = |name| attribute(element, name).and_then(|value| value.parse::<u32>().ok());
            let width = attribute(element, "width").and_then(|value| value.parse::<f64>().ok());
            if let (Some(min), Some(max), Some(width)) = (number("min"), number("max"), width) {
                widths.extend((min..=max).map(|column| (column, width)));
            }
        }
        widths
    }

    #[test]
    fn a_sheet_of_records_is_written_a_row_at_a_time_with_its_header_frozen_and_its_columns_fitted() {
        let dataset = crate::io::default_dataset();
        let bytes = write(&dataset).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let sheets: Vec<String> = (0..archive.len())
            .filter_map(|index| {
                let mut file = archive.by_index(index).ok()?;
                let mut xml = String::new();
                let is_sheet = file.name().is_ok_and(|name| name.starts_with("xl/worksheets/sheet"));
                (is_sheet && std::io::Read::read_to_string(&mut file, &mut xml).is_ok()).then_some(xml)
            })
            .collect();
        let sheet = sheets.iter().find(|xml| xml.contains(">quantity_unit<")).expect("the acquisitions' sheet");
        // Strings inline in their cells: the sheet went to a temporary file a row at a time.
        assert!(sheet.contains("t=\"inlineStr\""));
        assert!(sheet.contains("state=\"frozen\""), "the header row stays in view");
        let widths = column_widths(sheet);
        let columns = layout(&fields::specs(Collection::Acquisitions));
        for key in ["system", "category", "stage"] {
            let column = columns.iter().position(|(spec, is_day)| spec.key == key && !is_day).unwrap();
            let texts =
                (0..dataset.acquisitions.len()).map(|row| fields::texts(&dataset, Collection::Acquisitions, row));
            let longest =
                texts.map(|texts| texts[fields::position(Collection::Acquisitions, key).unwrap()].chars().count());
            let fitted = longest.chain([key.len()]).max().unwrap().min(Widths::MOST) + 1;
            let width = widths.get(&(column as u32 + 1)).copied().unwrap_or_default();
            // Excel's units add a fraction of padding to the width asked for.
            assert!(width >= fitted as f64 && width < fitted as f64 + 1.0, "{key}: {width} for {fitted} characters");
        }
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text() {
        let mut dataset = crate::io::default_dataset();
        dataset.acquisitions[0].notes = Some("=HYPERLINK(\"http://x\")".into());
        let bytes = write(&dataset).unwrap();
        let back = read(bytes, "f.xlsx").unwrap();
        assert_eq!(back.acquisitions[0].notes.as_deref(), Some("=HYPERLINK(\"http://x\")"));
    }
}
