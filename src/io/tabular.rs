//! Someone else's table: a CSV or TSV export, or a sheet of an XLSX, XLS, XLSB or ODS workbook, read as rows
//! of cells for the column mapping (`crate::mapping`). What a spreadsheet program varies is detected and
//! can be overridden: the encoding (UTF-8, UTF-16, Windows-1252), the delimiter, the lines of title or
//! notes above the header row, and whether numbers use a decimal comma.
//!
//! A delimited file keeps its decoded text and is read row by row when imported, so that a million rows
//! never become a million vectors of strings; a workbook sheet is what calamine holds in memory.

use std::borrow::Cow;

use calamine::{Data, Reader as _};

use super::LoadError;

/// A cell as the file holds it. Text borrows from the file where it can, trimmed of the spaces around it
/// (once, where the cell is read: every reader of a cell wants it so); a blank cell is `Empty`.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    /// A date typed as a date in a workbook: days since 1899-12-30, as Excel counts them.
    Date(f64),
    Bool(bool),
}

impl<'a> Cell<'a> {
    /// The cell as text, as the file shows it: numbers without a trailing `.0`.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(text) => Cow::Borrowed(text),
            Cell::Number(number) => Cow::Owned(number_text(*number)),
            Cell::Date(serial) => Cow::Owned(excel_date(*serial).unwrap_or_else(|| number_text(*serial))),
            Cell::Bool(value) => Cow::Borrowed(if *value { "yes" } else { "no" }),
        }
    }

    /// The cell of a file's text: trimmed, `Empty` when blank.
    pub fn of_text(text: &'a str) -> Self {
        let text = crate::model::fields::trim(text);
        if text.is_empty() { Cell::Empty } else { Cell::Text(Cow::Borrowed(text)) }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.is_empty(),
            _ => false,
        }
    }
}

/// A number as a person writes it: `12`, not `12.0`.
pub fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() < 1e15 { format!("{}", number as i64) } else { number.to_string() }
}

/// An Excel date serial (days since 1899-12-30) as an ISO day, if it is one.
pub fn excel_date(serial: f64) -> Option<String> {
    let days = serial.floor() as i64;
    if !(1..=2_958_465).contains(&days) {
        return None;
    }
    let day = jiff::civil::date(1899, 12, 30).checked_add(jiff::Span::new().days(days)).ok()?;
    Some(day.to_string())
}

/// The text encodings of delimited files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    pub const ALL: [TextEncoding; 4] =
        [TextEncoding::Utf8, TextEncoding::Utf16Le, TextEncoding::Utf16Be, TextEncoding::Windows1252];

    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 (little-endian)",
            TextEncoding::Utf16Be => "UTF-16 (big-endian)",
            TextEncoding::Windows1252 => "Windows-1252 (Latin-1)",
        }
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        }
    }
}

/// How to read a file; `None` is "detect".
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ReadOptions {
    /// The sheet of a workbook, by name.
    pub sheet: Option<String>,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<char>,
    /// The header row, counting from 1.
    pub header_row: Option<usize>,
    pub decimal_comma: Option<bool>,
}

/// What was read, and how: the detected choices, each of which the user may override.
pub struct Table {
    pub origin: String,
    /// The sheets of a workbook (empty for a delimited file) and the one read.
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// For a delimited file.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<char>,
    /// The header row, counting from 1 (blank lines of a delimited file are not rows); rows above it are a
    /// preamble (titles, notes).
    pub header_row: usize,
    pub decimal_comma: bool,
    /// The line of the file (delimited) or the row of the sheet (workbook) the header is on, from 1.
    pub header_line: u64,
    /// The header's cells, trimmed; an empty header is named by its column letter.
    pub headers: Vec<String>,
    body: Body,
}

enum Body {
    Delimited { text: String },
    Sheet { rows: Vec<Vec<Data>> },
}

/// True for the file types [`read`] takes as a workbook.
pub fn is_workbook(path: &std::path::Path, bytes: &[u8]) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads a CSV, TSV or workbook, detecting what `options` leaves open.
pub fn read(path: &std::path::Path, bytes: Vec<u8>, options: &ReadOptions) -> Result<Table, LoadError> {
    let origin = path.display().to_string();
    if is_workbook(path, &bytes) {
        read_workbook(origin, bytes, options)
    } else {
        read_delimited(origin, bytes, options)
    }
}

fn read_workbook(origin: String, bytes: Vec<u8>, options: &ReadOptions) -> Result<Table, LoadError> {
    let mut workbook = super::xlsx::open(bytes, &origin)?;
    let sheets = workbook.sheet_names();
    let sheet = match &options.sheet {
        Some(wanted) => sheets.iter().find(|name| *name == wanted).cloned().ok_or_else(|| {
            LoadError::whole(&origin, format!("there is no sheet \"{wanted}\" (sheets: {})", sheets.join(", ")))
        })?,
        None => sheets.first().cloned().ok_or_else(|| LoadError::whole(&origin, "the workbook has no sheets"))?,
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|error| LoadError::whole(&origin, format!("sheet \"{sheet}\": {error}")))?;
    let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    let counts: Vec<(usize, usize)> = rows
        .iter()
        .take(SNIFF_ROWS)
        .map(|row| {
            let filled = row.iter().filter(|cell| !matches!(cell, Data::Empty)).count();
            let texts = row.iter().filter(|cell| matches!(cell, Data::String(_))).count();
            (filled, texts)
        })
        .collect();
    let header_row = options.header_row.unwrap_or_else(|| header_row(&counts) + 1);
    let headers = match rows.get(header_row - 1) {
        Some(row) => names(row.iter().map(|cell| data_cell(cell).text().into_owned())),
        None => return Err(LoadError::whole(&origin, format!("sheet \"{sheet}\" has no row {header_row}"))),
    };
    Ok(Table {
        origin,
        sheets,
        sheet: Some(sheet),
        encoding: None,
        delimiter: None,
        header_row,
        decimal_comma: options.decimal_comma.unwrap_or(false),
        header_line: header_row as u64,
        headers,
        body: Body::Sheet { rows },
    })
}

/// How many rows are looked at to detect the delimiter and the header row.
const SNIFF_ROWS: usize = 40;

fn read_delimited(origin: String, bytes: Vec<u8>, options: &ReadOptions) -> Result<Table, LoadError> {
    let encoding = options.encoding.unwrap_or_else(|| detect_encoding(&bytes));
    let text = match encoding {
        // The bytes become the text as they are: a large file is neither checked twice nor copied.
        TextEncoding::Utf8 => String::from_utf8(bytes)
            .map_err(|_| LoadError::whole(&origin, "the file is not UTF-8: choose its encoding"))?,
        _ => encoding.encoding().decode(&bytes).0.into_owned(),
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    };
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(&text));
    let counts: Vec<(usize, usize)> = reader(&text, delimiter)
        .records()
        .take(SNIFF_ROWS)
        .map_while(Result::ok)
        .map(|record| {
            let filled = record.iter().filter(|cell| !cell.trim().is_empty()).count();
            let texts =
                record.iter().filter(|cell| !cell.trim().is_empty() && parse_number(cell, false).is_none()).count();
            (filled, texts)
        })
        .collect();
    let header_row = options.header_row.unwrap_or_else(|| header_row(&counts) + 1);
    let header = reader(&text, delimiter)
        .records()
        .nth(header_row - 1)
        .and_then(Result::ok)
        .ok_or_else(|| LoadError::whole(&origin, format!("the file has no row {header_row}")))?;
    let headers = names(header.iter().map(str::to_owned));
    // The line the header starts on, counting every line (the reader's own count leaves some out).
    let header_line =
        header.position().map_or(header_row as u64, |position| Lines::new(&text).of(position.byte() as usize));
    Ok(Table {
        origin,
        sheets: Vec::new(),
        sheet: None,
        encoding: Some(encoding),
        delimiter: Some(delimiter),
        header_row,
        decimal_comma: options.decimal_comma.unwrap_or(delimiter == ';'),
        header_line,
        headers,
        body: Body::Delimited { text },
    })
}

/// Counts lines up to the records a reader meets, in one pass over the text however many records are
/// asked for, in order.
struct Lines<'t> {
    bytes: &'t [u8],
    /// Where the count has got to, and the line there (from 1).
    at: usize,
    line: u64,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines { bytes: text.as_bytes(), at: 0, line: 1 }
    }

    /// The line of the record the reader placed at `byte`: past the blank lines it skipped there.
    fn of(&mut self, byte: usize) -> u64 {
        let mut end = byte.min(self.bytes.len());
        while matches!(self.bytes.get(end), Some(b'\n' | b'\r')) {
            end += 1;
        }
        if end >= self.at {
            self.line += self.bytes[self.at..end].iter().filter(|&&b| b == b'\n').count() as u64;
            self.at = end;
        }
        self.line
    }

    /// The line `byte` is on (a place at or after the last one asked for).
    fn at(&mut self, byte: usize) -> u64 {
        let end = byte.min(self.bytes.len()).max(self.at);
        self.line += self.bytes[self.at..end].iter().filter(|&&b| b == b'\n').count() as u64;
        self.at = end;
        self.line
    }
}

/// Below this many rows a sheet is read in one stretch: threads would cost more than they save.
const SMALLEST_SHEET_PART: usize = 4096;

/// Headers trimmed; an empty one named by its column ("Column C").
fn names(cells: impl Iterator<Item = String>) -> Vec<String> {
    let mut names: Vec<String> = cells
        .enumerate()
        .map(|(index, cell)| {
            let cell = cell.trim();
            if cell.is_empty() { format!("Column {}", column_letters(index)) } else { cell.to_owned() }
        })
        .collect();
    while names.last().is_some_and(|name| name.starts_with("Column ")) && names.len() > 1 {
        names.pop();
    }
    names
}

/// "A", "B", … "Z", "AA" for a column index from 0.
pub fn column_letters(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rest = (n - 1) % 26;
        letters.push(b'A' + rest as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

fn reader(text: &str, delimiter: char) -> csv::Reader<&[u8]> {
    let mut delimiter_byte = [0; 4];
    let delimiter = delimiter.encode_utf8(&mut delimiter_byte).as_bytes()[0];
    csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes())
}

/// A byte order mark says; else UTF-8 if the bytes are; else UTF-16 if every other byte is zero in the
/// first line; else Windows-1252, which every byte sequence is.
fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    match bytes {
        [0xEF, 0xBB, 0xBF, ..] => TextEncoding::Utf8,
        [0xFF, 0xFE, ..] => TextEncoding::Utf16Le,
        [0xFE, 0xFF, ..] => TextEncoding::Utf16Be,
        _ if std::str::from_utf8(bytes).is_ok() => TextEncoding::Utf8,
        _ => {
            let start = &bytes[..bytes.len().min(200)];
            let zeros_at = |offset: usize| start.iter().skip(offset).step_by(2).filter(|&&b| b == 0).count();
            let half = start.len() / 2;
            if half > 4 && zeros_at(1) * 10 > half * 8 {
                TextEncoding::Utf16Le
            } else if half > 4 && zeros_at(0) * 10 > half * 8 {
                TextEncoding::Utf16Be
            } else {
                TextEncoding::Windows1252
            }
        }
    }
}

/// The delimiter that splits the most of the first lines into the same number of cells (more than one).
fn detect_delimiter(text: &str) -> char {
    let lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).take(SNIFF_ROWS).collect();
    let score = |delimiter: char| {
        let counts: Vec<usize> = lines.iter().map(|line| line.matches(delimiter).count()).collect();
        let mut frequency = std::collections::HashMap::new();
        for &count in counts.iter().filter(|&&count| count > 0) {
            *frequency.entry(count).or_insert(0usize) += 1;
        }
        // The most common number of cells, and how many lines have it; ties go to more cells.
        frequency.into_iter().map(|(count, lines)| (lines, count)).max().unwrap_or((0, 0))
    };
    [',', ';', '\t', '|'].into_iter().max_by_key(|&delimiter| score(delimiter)).unwrap_or(',')
}

/// The header row (from 0): the first row as wide as most rows, mostly text. Title and note lines above it
/// have fewer cells.
fn header_row(counts: &[(usize, usize)]) -> usize {
    let widest = counts.iter().map(|(filled, _)| *filled).max().unwrap_or(0);
    counts
        .iter()
        .position(|&(filled, texts)| filled * 10 >= widest * 6 && filled > 0 && texts * 10 >= filled * 6)
        .unwrap_or(0)
}

/// A number as people write it: `1,000`, `1 000`, `1.5`, and with a decimal comma `1.000,5` or `1,5`.
pub fn parse_number(text: &str, decimal_comma: bool) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let cleaned: String = text.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'')).collect();
    let normal = if decimal_comma {
        cleaned.replace('.', "").replace(',', ".")
    } else {
        match (cleaned.rfind(','), cleaned.rfind('.')) {
            // "1.000,5": the comma that comes last is the decimal point.
            (Some(comma), Some(dot)) if comma > dot => cleaned.replace('.', "").replace(',', "."),
            _ => cleaned.replace(',', ""),
        }
    };
    normal.parse::<f64>().ok().filter(|number| number.is_finite())
}

fn data_cell(data: &Data) -> Cell<'_> {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => Cell::of_text(text),
        Data::Int(number) => Cell::Number(*number as f64),
        Data::Float(number) => Cell::Number(*number),
        Data::Bool(value) => Cell::Bool(*value),
        Data::DateTime(date) if date.is_datetime() => Cell::Date(date.as_f64()),
        Data::DateTime(date) => Cell::Number(date.as_f64()),
    }
}

/// A stretch of a table's rows below the header, which a reader can take on a core of its own: see
/// [`Table::stretches`].
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    /// Where the stretch starts: a byte of a delimited file's text, or the index of a sheet's row.
    start: usize,
    /// Where the next stretch starts; None for the last.
    until: Option<usize>,
    /// The line of the file at `start`, from 1 (a delimited file).
    line: u64,
}

impl Table {
    /// Visits the rows below the header, with their place in the file (the line of a delimited file, the
    /// row of a sheet, from 1) and their cells; stops when `visit` returns false. Returns the first error
    /// of the file's syntax.
    pub fn rows(&self, visit: impl FnMut(u64, &[Cell<'_>]) -> bool) -> Result<(), LoadError> {
        let whole = self.stretches(1).into_iter().next();
        whole.map_or(Ok(()), |whole| self.rows_in(&whole, visit).map(|_| ()))
    }

    /// The rows below the header in up to `parts` stretches of about equal size (one for a small table). A
    /// delimited file is cut at line starts, which may fall inside a quoted cell: [`Table::rows_in`] says
    /// whether a stretch ended exactly where the next begins (see `crate::io::parts`).
    pub fn stretches(&self, parts: usize) -> Vec<Stretch> {
        match &self.body {
            Body::Delimited { text } => {
                // The first row below the header: past as many records as the header row says.
                let mut header = reader(text, self.delimiter.unwrap_or(','));
                let mut record = csv::StringRecord::new();
                for _ in 0..self.header_row {
                    if !header.read_record(&mut record).unwrap_or(false) {
                        break;
                    }
                }
                let first = (header.position().byte() as usize).min(text.len());
                let starts = super::parts::part_starts(text.as_bytes(), first, parts, b"\r\n", |_| true);
                let mut lines = Lines::new(text);
                (0..starts.len())
                    .map(|k| Stretch { start: starts[k], until: starts.get(k + 1).copied(), line: lines.at(starts[k]) })
                    .collect()
            }
            Body::Sheet { rows } => {
                let count = rows.len().saturating_sub(self.header_row);
                let parts = parts.clamp(1, count.div_ceil(SMALLEST_SHEET_PART).max(1));
                let starts: Vec<usize> = (0..parts).map(|k| self.header_row + count * k / parts).collect();
                (0..parts)
                    .map(|k| Stretch {
                        start: starts[k],
                        until: starts.get(k + 1).copied(),
                        line: starts[k] as u64 + 1,
                    })
                    .collect()
            }
        }
    }

    /// About how many rows a stretch holds (rows of a CSV export take about 100 bytes), to reserve room
    /// for what they give.
    pub fn rows_expected(&self, stretch: &Stretch) -> usize {
        match &self.body {
            Body::Delimited { text } => stretch.until.unwrap_or(text.len()).saturating_sub(stretch.start) / 100,
            Body::Sheet { rows } => stretch.until.unwrap_or(rows.len()).saturating_sub(stretch.start),
        }
    }

    /// About how many rows there are below the header, to count progress against: the lines of a
    /// delimited file (a quoted cell may hold more), the rows of a sheet.
    pub fn rows_estimate(&self) -> u64 {
        let rows = match &self.body {
            Body::Delimited { text } => {
                text.bytes().filter(|&byte| byte == b'\n').count() + usize::from(!text.ends_with('\n'))
            }
            Body::Sheet { rows } => rows.len(),
        };
        rows.saturating_sub(self.header_row) as u64
    }

    /// Visits the rows of one stretch as [`Table::rows`] does. Returns false when the stretch did not end
    /// exactly where the next one starts (it began or ended inside a quoted cell): its rows are not the
    /// file's, and the file is to be read in one stretch.
    pub fn rows_in(
        &self,
        stretch: &Stretch,
        mut visit: impl FnMut(u64, &[Cell<'_>]) -> bool,
    ) -> Result<bool, LoadError> {
        match &self.body {
            Body::Delimited { text } => {
                let Some(rest) = text.get(stretch.start..) else {
                    return Ok(false);
                };
                let mut reader = reader(rest, self.delimiter.unwrap_or(','));
                let mut record = csv::StringRecord::new();
                let mut lines = Lines { bytes: text.as_bytes(), at: stretch.start, line: stretch.line };
                loop {
                    let position = stretch.start + reader.position().byte() as usize;
                    if let Some(until) = stretch.until
                        && let Some(exactly) = super::parts::reached(text.as_bytes(), position, until)
                    {
                        return Ok(exactly);
                    }
                    let more = reader.read_record(&mut record).map_err(|error| {
                        let line = error.position().map_or(0, |p| p.line() + stretch.line - 1);
                        LoadError::at(&self.origin, line as usize, 1, error.to_string())
                    })?;
                    if !more {
                        return Ok(stretch.until.is_none());
                    }
                    // On the stack: a row of up to 32 cells costs no allocation.
                    let cells: smallvec::SmallVec<[Cell<'_>; 32]> = record.iter().map(Cell::of_text).collect();
                    if cells.iter().all(Cell::is_empty) {
                        continue;
                    }
                    let line = record.position().map_or(stretch.line, |p| lines.of(stretch.start + p.byte() as usize));
                    if !visit(line, &cells) {
                        return Ok(true);
                    }
                }
            }
            Body::Sheet { rows } => {
                let until = stretch.until.unwrap_or(rows.len()).min(rows.len());
                for (index, row) in rows.iter().enumerate().take(until).skip(stretch.start) {
                    if row.iter().all(|cell| matches!(cell, Data::Empty)) {
                        continue;
                    }
                    let cells: Vec<Cell<'_>> = row.iter().map(data_cell).collect();
                    if !visit(index as u64 + 1, &cells) {
                        break;
                    }
                }
                Ok(true)
            }
        }
    }

    /// The first `count` rows below the header, as text, for a preview of each column.
    pub fn sample(&self, count: usize) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let _ = self.rows(|_, cells| {
            rows.push(cells.iter().map(|cell| cell.text().into_owned()).collect());
            rows.len() < count
        });
        rows
    }

    /// What was detected, in a line: "UTF-8, `;`-separated, header on row 3, decimal comma".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(sheet) = &self.sheet {
            parts.push(format!("sheet \"{sheet}\""));
        }
        if let Some(encoding) = self.encoding {
            parts.push(encoding.label().to_owned());
        }
        if let Some(delimiter) = self.delimiter {
            let name = match delimiter {
                '\t' => "tab".to_owned(),
                other => format!("\"{other}\""),
            };
            parts.push(format!("{name}-separated"));
        }
        let place = if self.sheet.is_some() { "row" } else { "line" };
        parts.push(format!("header on {place} {}", self.header_line));
        if self.decimal_comma {
            parts.push("decimal comma".to_owned());
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(bytes: &[u8]) -> Table {
        read(std::path::Path::new("t.csv"), bytes.to_vec(), &ReadOptions::default()).unwrap()
    }

    /// The rows of `stretches` read one after another, and whether every seam held.
    fn rows_of(table: &Table, stretches: &[Stretch]) -> (Vec<(u64, Vec<String>)>, bool) {
        let mut rows = Vec::new();
        let mut held = true;
        for stretch in stretches {
            held &= table
                .rows_in(stretch, |line, cells| {
                    rows.push((line, cells.iter().map(|cell| cell.text().into_owned()).collect()));
                    true
                })
                .unwrap();
        }
        (rows, held)
    }

    #[test]
    fn rows_read_in_stretches_are_the_rows_read_at_once() {
        let mut text = String::from("A title\n\nId,Name,Note\n");
        for row in 0..60_000 {
            text.push_str(&format!("{row},name {},a note long enough for 4 MB in all\r\n", row % 9));
            if row % 1000 == 0 {
                text.push('\n');
            }
        }
        let table = table(text.as_bytes());
        let (whole, _) = rows_of(&table, &table.stretches(1));
        assert_eq!(whole.len(), 60_000);
        assert_eq!(
            whole[0],
            (4, vec!["0".to_owned(), "name 0".to_owned(), "a note long enough for 4 MB in all".to_owned()])
        );
        for parts in [2, 3, 8] {
            let stretches = table.stretches(parts);
            assert_eq!(stretches.len(), parts);
            let (rows, held) = rows_of(&table, &stretches);
            assert!(held, "every stretch starts at a row");
            assert_eq!(rows, whole, "{parts} stretches");
        }
        // A quoted cell from a quarter of the file to its end: the second stretch starts inside it, and the first
        // says so.
        let middle = text.len() / 4;
        let at = text[middle..].find('\n').unwrap() + middle + 1;
        let mut broken = text.clone();
        broken.insert_str(at, "60000,a long note,\"");
        broken.push_str("\"\n60001,last,row\n");
        let table = super::read(std::path::Path::new("t.csv"), broken.into_bytes(), &ReadOptions::default()).unwrap();
        let (_, held) = rows_of(&table, &table.stretches(2));
        assert!(!held, "the seam inside the quoted cell is found");
    }

    #[test]
    fn numbers_are_read_as_people_write_them() {
        assert_eq!(parse_number("1,000", false), Some(1000.0));
        assert_eq!(parse_number("1 000 000", false), Some(1e6));
        assert_eq!(parse_number("1.5", false), Some(1.5));
        assert_eq!(parse_number("1.234,5", false), Some(1234.5));
        assert_eq!(parse_number("1,5", true), Some(1.5));
        assert_eq!(parse_number("1.000,5", true), Some(1000.5));
        assert_eq!(parse_number("n/a", false), None);
    }

    #[test]
    fn a_title_above_a_semicolon_table_in_windows_1252_is_detected() {
        let text = "Orders of air defence systems\n\nSource: ministry data\nLand;Waffensystem;Anzahl;Wert\n\
                    Deutschland;Patriot;500;3,5\nSchweiz;F-35;36;6\n";
        let bytes: Vec<u8> = encoding_rs::WINDOWS_1252.encode(&text.replace("Schweiz", "Österreich")).0.into_owned();
        let table = table(&bytes);
        assert_eq!(table.encoding, Some(TextEncoding::Windows1252));
        assert_eq!(table.delimiter, Some(';'));
        assert_eq!(table.header_row, 3, "rows are counted as a spreadsheet program counts them, blank lines left out");
        assert!(table.decimal_comma);
        assert_eq!(table.headers, ["Land", "Waffensystem", "Anzahl", "Wert"]);
        let rows = table.sample(10);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][0], "Österreich");
    }

    #[test]
    fn utf16_with_a_byte_order_mark_and_tabs() {
        let text = "\u{feff}Country\tSystem\tQty\r\nPoland\tF-35\t32\r\n";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let table = table(&bytes);
        assert_eq!(table.encoding, Some(TextEncoding::Utf16Le));
        assert_eq!(table.delimiter, Some('\t'));
        assert_eq!(table.headers, ["Country", "System", "Qty"]);
        assert_eq!(table.sample(5), [["Poland", "F-35", "32"]]);
    }

    #[test]
    fn overrides_win() {
        let text = "a,b\n1;2,3\n";
        let options = ReadOptions { delimiter: Some(';'), header_row: Some(2), ..Default::default() };
        let table = read(std::path::Path::new("t.csv"), text.as_bytes().to_vec(), &options).unwrap();
        assert_eq!(table.headers, ["1", "2,3"]);
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
    }
}
