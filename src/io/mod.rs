//! Files in and out: the JSON dataset format, CSV tables, atomic saves, the schema.

mod acquisition_line;
mod acquisition_scan;
pub mod convert;
pub mod csv;
pub mod json;
pub mod layout;
pub(crate) mod parts;
pub mod progress;
pub mod save;
pub mod schema;
pub mod stamp;
pub mod stream;
pub mod tabular;
pub mod window;
pub mod wire;
pub mod xlsx;

use std::fmt;
use std::path::Path;

use crate::model::{Collection, Dataset};

/// The largest file the app will read: past this the file is refused before it is read to the end.
pub const MAX_FILE_BYTES: u64 = 4 << 30;

/// Loading holds a file's bytes and the dataset built from them, and the app then builds its views: the
/// app's peak with a million acquisitions open and every view built was 2.1 bytes of memory per byte of
/// JSON (README, Performance); 3 leaves room for edits and their undo. A file that would need more than
/// is free is refused before it is read, instead of pushing the machine into swap or the OOM killer.
pub const MEMORY_PER_FILE_BYTE: u64 = 3;

/// Memory free for a load now, in bytes: the system's available memory, or what a container's limit
/// leaves when that is less. None where it cannot be read.
pub fn available_memory() -> Option<u64> {
    let mut system = sysinfo::System::new().ok()?;
    system.refresh_memory();
    let available = system.available_memory();
    let free = system.cgroup_limits().map_or(available, |limits| limits.free_memory.min(available));
    (free > 0).then_some(free)
}

/// Why a file of `len` bytes cannot be loaded with `available` bytes of memory free, if it cannot.
pub fn size_refusal(len: u64, available: Option<u64>) -> Option<String> {
    if len > MAX_FILE_BYTES {
        return Some(format!(
            "the file is {}; files over {} are refused",
            human_bytes(len),
            human_bytes(MAX_FILE_BYTES)
        ));
    }
    let available = available?;
    let needed = len.saturating_mul(MEMORY_PER_FILE_BYTE);
    (needed > available).then(|| {
        format!(
            "the file is {}: loading it needs about {} of memory and {} is free; close other programs or split the file",
            human_bytes(len),
            human_bytes(needed),
            human_bytes(available)
        )
    })
}

/// The largest input that can be loaded now, for reading a stream of unknown length.
pub fn loadable_bytes() -> u64 {
    available_memory().map_or(MAX_FILE_BYTES, |free| (free / MEMORY_PER_FILE_BYTE).min(MAX_FILE_BYTES))
}

/// "412 MB", "9.8 GB".
pub fn human_bytes(bytes: u64) -> String {
    const MB: f64 = (1 << 20) as f64;
    let megabytes = bytes as f64 / MB;
    if megabytes >= 1024.0 { format!("{:.1} GB", megabytes / 1024.0) } else { format!("{megabytes:.0} MB") }
}

/// Why a file could not be loaded, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// The file, or `<stdin>`, or `<default dataset>`.
    pub origin: String,
    /// 1-based line and column, when the problem has a place in the text.
    pub position: Option<(usize, usize)>,
    /// Extra place information (a CSV row and column name, a JSON path) is part of the message.
    pub message: String,
}

impl LoadError {
    pub fn at(origin: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        let position = (line > 0).then_some((line, column));
        LoadError { origin: origin.to_owned(), position, message: message.into() }
    }

    pub fn whole(origin: &str, message: impl Into<String>) -> Self {
        LoadError { origin: origin.to_owned(), position: None, message: message.into() }
    }
}

impl fmt::Display for LoadError {
    /// `file.json:12:5: acquisitions[3].date: ...`, one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Checks the bytes are UTF-8 text (not UTF-16), strips a UTF-8 byte-order mark.
pub fn decode_utf8<'a>(bytes: &'a [u8], origin: &str) -> Result<&'a str, LoadError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(LoadError::whole(origin, "the file is UTF-16 text; save it as UTF-8"));
    }
    // NUL is valid UTF-8 but never in a text dataset: near the start it means UTF-16 or UTF-32.
    if bytes.iter().take(4).any(|&b| b == 0) {
        return Err(LoadError::whole(
            origin,
            "the file is not UTF-8 text (UTF-16 without a byte-order mark?); save it as UTF-8",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        LoadError::at(origin, line, column, "the file is not UTF-8 text; save it as UTF-8")
    })
}

/// Reads a whole file, refusing one too large to load (see [`size_refusal`]) before reading it.
pub fn read_file(path: &Path) -> Result<Vec<u8>, LoadError> {
    read_file_with(path, None)
}

/// [`read_file`], counting the bytes read into `progress` and stopping when it is cancelled.
pub fn read_file_with(path: &Path, progress: Option<&progress::Progress>) -> Result<Vec<u8>, LoadError> {
    let origin = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|error| LoadError::whole(&origin, io_message(&error)))?;
    if metadata.is_dir() {
        return Err(LoadError::whole(&origin, "this is a folder, not a file"));
    }
    if let Some(message) = size_refusal(metadata.len(), available_memory()) {
        return Err(LoadError::whole(&origin, message));
    }
    let uncounted = progress::Progress::default();
    let progress = progress.unwrap_or(&uncounted);
    let read = std::fs::File::open(path).and_then(|file| progress::read_all(&file, metadata.len(), progress));
    read.map_err(|error| LoadError::whole(&origin, io_message(&error)))
}

/// Loads a dataset from a path, by its kind: a folder of CSV tables, one CSV table (its collection from
/// `table` or the file's name), a workbook laid out as the app writes them, or a JSON dataset. Tables
/// get the actors and sources their records name and they lack (see [`crate::model::references`]).
/// Someone else's table or workbook is not a dataset: it comes in through a column mapping
/// ([`crate::mapping`]).
pub fn load_path(path: &Path, table: Option<Collection>) -> Result<Dataset, LoadError> {
    load_path_with(path, table, None)
}

/// [`load_path`], counting the bytes of a single file read into `progress` and stopping when it is
/// cancelled.
pub fn load_path_with(
    path: &Path,
    table: Option<Collection>,
    progress: Option<&progress::Progress>,
) -> Result<Dataset, LoadError> {
    let read_file = |path: &Path| read_file_with(path, progress);
    let origin = path.display().to_string();
    let mut dataset = if path.is_dir() {
        csv::import_folder(path)?
    } else if is_csv(path) {
        let collection = csv_collection(path, table).map_err(|message| LoadError::whole(&origin, message))?;
        csv::import_table(collection, &read_file(path)?, &origin)?
    } else if is_workbook(path) {
        let bytes = read_file(path)?;
        if !xlsx::is_own_workbook(&bytes) {
            let message = "this workbook is not laid out as a dataset (a sheet per collection, headed by its \
                           field names): import it with a column mapping (File > Import…, or pledge-explorer import)";
            return Err(LoadError::whole(&origin, message));
        }
        xlsx::read(bytes, &origin)?
    } else {
        return json::read(path, progress).map(|(dataset, _)| dataset);
    };
    crate::model::references::complete(&mut dataset, &origin);
    Ok(dataset)
}

/// True for the workbook files the app reads: XLSX, XLSM, XLSB, XLS and ODS.
pub fn is_workbook(path: &Path) -> bool {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    matches!(extension.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

pub fn is_csv(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

/// The collection a CSV file holds: `table`, else the start of the file's name (`acquisitions.csv`,
/// `acquisitions-2024.csv`).
pub fn csv_collection(path: &Path, table: Option<Collection>) -> Result<Collection, String> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_lowercase();
    let first_word = stem.split(['-', '_', '.', ' ']).next().unwrap_or("");
    table.or_else(|| Collection::from_key(first_word)).ok_or_else(|| {
        let names: Vec<_> = Collection::ALL.iter().map(|c| format!("{}.csv", c.key())).collect();
        format!("cannot tell which collection this CSV holds: name it {} or pass --table", names.join(", "))
    })
}

/// What the user is told when a file of an older format version was read.
pub fn upgrade_notice(upgrade: crate::model::Upgrade) -> String {
    let mut notice = format!(
        "The file is format version {}; saving writes version {} (deliveries and recipients)",
        upgrade.from,
        wire::VERSION
    );
    if upgrade.deliveries_added > 0 {
        notice.push_str(&format!(
            ": {} delivered {} given a delivery of {} whole quantity",
            upgrade.deliveries_added,
            if upgrade.deliveries_added == 1 { "order was" } else { "orders were" },
            if upgrade.deliveries_added == 1 { "its" } else { "their" }
        ));
    }
    notice
}

/// The embedded default dataset: NATO's pledges and the orders around them.
pub fn default_dataset() -> Dataset {
    const DEFAULT: &str = include_str!("../../assets/default-dataset.json");
    // A test proves the embedded file loads and validates; an empty dataset is the safe fallback.
    json::from_str(DEFAULT, DEFAULT_ORIGIN).unwrap_or_default()
}

/// How the embedded dataset is named in messages.
pub const DEFAULT_ORIGIN: &str = "<default dataset>";

/// An IO error as a short sentence ("No such file or directory" rather than a debug dump).
pub fn io_message(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_refused_when_loading_it_would_not_fit_in_free_memory() {
        const GB: u64 = 1 << 30;
        assert_eq!(size_refusal(100 << 20, Some(8 * GB)), None, "100 MB with 8 GB free loads");
        assert_eq!(size_refusal(100 << 20, None), None, "unknown free memory: only the fixed limit applies");
        assert_eq!(size_refusal(2 * GB, Some(8 * GB)), None, "2 GB needs about 6 GB");
        let refusal = size_refusal(3 * GB, Some(8 * GB)).unwrap();
        assert_eq!(
            refusal,
            "the file is 3.0 GB: loading it needs about 9.0 GB of memory and 8.0 GB is free; \
             close other programs or split the file"
        );
        assert!(size_refusal(10 * GB, None).unwrap().contains("files over 4.0 GB are refused"));
        assert!(size_refusal(u64::MAX, Some(u64::MAX)).is_some(), "no overflow");
    }

    #[test]
    fn free_memory_is_read_on_this_machine() {
        let free = available_memory().expect("free memory is known on Linux, macOS and Windows");
        assert!(free > 1 << 20, "{free}");
        assert!(loadable_bytes() <= MAX_FILE_BYTES && loadable_bytes() > 0);
    }
}
