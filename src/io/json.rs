//! Reading and writing the JSON dataset file. Errors name the file, the line and column, and the field.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Acquisition, Dataset, Delivery, Stage, Upgrade};

use super::progress::Progress;
use super::stamp::DiskStamp;
use super::stream::Written;
use super::wire::{DatasetFile, FIRST_WITH_DELIVERIES, FORMAT, VERSION};
use super::{LoadError, convert, layout};
use std::io::Write as _;
use std::path::Path;

/// Parses a dataset from JSON text. `origin` names the file in messages.
pub fn from_str(text: &str, origin: &str) -> Result<Dataset, LoadError> {
    match parse_fast(text, origin)? {
        Some(parsed) => finish(parsed, origin),
        None => parse_for_message(text, origin),
    }
}

/// Parses a dataset from a file's bytes: refuses UTF-16 and invalid UTF-8 with the place, skips a UTF-8
/// BOM. Takes the bytes to free them as soon as they are parsed, before the records are put together.
pub fn from_bytes(bytes: Vec<u8>, origin: &str) -> Result<Dataset, LoadError> {
    let parsed = {
        let text = super::decode_utf8(&bytes, origin)?;
        if text.trim().is_empty() {
            return Err(LoadError::whole(origin, "the file is empty"));
        }
        parse_fast(text, origin)?
    };
    match parsed {
        Some(parsed) => {
            drop(bytes);
            finish(parsed, origin)
        }
        None => parse_for_message(super::decode_utf8(&bytes, origin)?, origin),
    }
}

/// Reads the JSON dataset file at `path`, counting the bytes read into `progress`, and stamps it from
/// the bytes read: a window at a time when it is large and laid out as the app writes it (see
/// [`super::window`]), else whole (which also says what is wrong with it).
pub fn read(path: &Path, progress: Option<&Progress>) -> Result<(Dataset, DiskStamp), LoadError> {
    let origin = path.display().to_string();
    // The time the file had before the read: a write in between makes the next check compare the bytes.
    let metadata = std::fs::metadata(path).ok();
    let modified = metadata.as_ref().and_then(|metadata| metadata.modified().ok());
    let windowed = metadata.filter(|metadata| {
        metadata.is_file()
            && metadata.len() >= super::window::SMALLEST_FILE
            && super::size_refusal(metadata.len(), super::available_memory()).is_none()
    });
    if windowed.is_some()
        && let Some(read) = super::window::read(path, rayon::current_num_threads(), progress)
    {
        let stamp = DiskStamp { len: read.len, modified, checksum: read.checksum };
        return Ok((finish(read.parsed, &origin)?, stamp));
    }
    if let Some(progress) = progress {
        progress.restart();
    }
    let bytes = super::read_file_with(path, progress)?;
    let stamp = DiskStamp::of_bytes(&bytes, modified);
    Ok((from_bytes(bytes, &origin)?, stamp))
}

/// The fast path: parses without tracking the path, on all cores. None when the text is not a valid
/// dataset, which [`parse_for_message`] then says why.
fn parse_fast(text: &str, origin: &str) -> Result<Option<super::stream::Parsed>, LoadError> {
    let start = text.len() - text.trim_start().len();
    if text[start..].starts_with(['[', '"']) || text[start..].starts_with(|c: char| c.is_ascii_digit()) {
        let (line, column) = position_of(text, start);
        return Err(LoadError::at(origin, line, column, "a dataset is a JSON object, starting with {"));
    }
    Ok(super::stream::parse(text, rayon::current_num_threads()))
}

fn finish(parsed: super::stream::Parsed, origin: &str) -> Result<Dataset, LoadError> {
    check_header(&parsed.format, Some(u64::from(parsed.version)), origin)?;
    let version = parsed.version;
    Ok(upgrade(parsed.into_dataset(), version))
}

/// Brings a dataset read from a file of an older version up to this one. Version 1 had no deliveries: an
/// order at stage "delivered" was delivered whole, so it gets one delivery of its quantity, dated by its
/// delivery window (else its order date) and citing its sources. An order still "delivering" gets none:
/// how much of it had arrived was never written down.
pub fn upgrade(mut dataset: Dataset, version: u32) -> Dataset {
    if version >= FIRST_WITH_DELIVERIES {
        return dataset;
    }
    let mut deliveries_added = 0;
    for acquisition in &mut dataset.acquisitions {
        let whole = acquisition.quantity.as_ref().filter(|q| q.count.is_some());
        if let (Stage::Delivered, Some(quantity), true) = (acquisition.stage, whole, acquisition.deliveries.is_empty())
        {
            acquisition.deliveries = Box::new([Delivery {
                date: acquisition.delivery.or(acquisition.date),
                count: quantity.count,
                qualifier: quantity.qualifier,
                sources: acquisition.sources.iter().copied().collect(),
            }]);
            deliveries_added += 1;
        }
    }
    dataset.upgraded = Some(Upgrade { from: version, deliveries_added });
    dataset
}

/// Parses a file the fast path refused again, with path tracking, to name the field in the message.
fn parse_for_message(text: &str, origin: &str) -> Result<Dataset, LoadError> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, DatasetFile<'_>>(&mut deserializer) {
        Ok(file) => {
            check_header(file.format.as_str(), Some(u64::from(file.version)), origin)?;
            deserializer.end().map_err(|error| {
                LoadError::at(origin, error.line(), error.column(), "there is more after the end of the dataset")
            })?;
            let version = file.version;
            Ok(upgrade(convert::from_wire(file), version))
        }
        Err(error) => {
            // A file of another format or a newer version fails on fields this build does not know;
            // say that rather than the first unknown field.
            if let Ok(header) = serde_json::from_str::<Header>(text) {
                check_header(header.format.as_deref().unwrap_or(""), header.version, origin)?;
            }
            let inner = error.inner();
            let path = error.path().to_string();
            let message = inner.to_string();
            // serde_json appends " at line L column C"; we give the place in front instead.
            let message = match message.rfind(" at line ") {
                Some(cut) if inner.line() > 0 => message[..cut].to_owned(),
                _ => message,
            };
            let message = if path.is_empty() || path == "." { message } else { format!("{path}: {message}") };
            Err(LoadError::at(origin, inner.line(), inner.column(), message))
        }
    }
}

/// Writes the dataset in the file's layout ([`super::layout`]: a record per line), ending in a newline:
/// the text the derived `DatasetFile` gives in that layout (a test holds them equal), with the
/// acquisitions written field by field ([`super::acquisition_line`]) on all cores, a batch at a time so
/// that memory stays flat.
pub fn write(dataset: &Dataset, out: impl std::io::Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(b"{\n")?;
    write_field(&mut out, "format", &FORMAT)?;
    write_field(&mut out, "version", &VERSION)?;
    write_field(&mut out, "meta", &convert::meta_to_wire(&dataset.meta))?;
    write_field(&mut out, "actors", &Written(&dataset.actors, dataset, convert::actor_to_wire))?;
    write_field(&mut out, "sources", &Written(&dataset.sources, dataset, convert::source_to_wire))?;
    write_field(&mut out, "events", &Written(&dataset.events, dataset, convert::event_to_wire))?;
    write_field(&mut out, "commitments", &Written(&dataset.commitments, dataset, convert::commitment_to_wire))?;
    out.write_all(b"  \"acquisitions\": ")?;
    if dataset.acquisitions.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        write_acquisitions(dataset, &mut out)?;
        out.write_all(b"\n  ]")?;
    }
    out.write_all(b"\n}\n")?;
    out.flush()
}

/// The acquisitions' lines: rendered on the cores a batch ahead while this thread writes the batch
/// before, so that writing (the kernel's copy into the page cache) and rendering overlap. A failed write
/// stops the rendering.
fn write_acquisitions(dataset: &Dataset, out: &mut impl std::io::Write) -> std::io::Result<()> {
    // 16 of the dataset's chunks (16,384 records, about 5 MB of text) at a time, a chunk per core.
    const BATCH: usize = 16;
    std::thread::scope(|scope| {
        let (batches, rendered) = std::sync::mpsc::sync_channel::<Vec<Vec<u8>>>(1);
        scope.spawn(move || {
            let chunks: Vec<&[Acquisition]> = dataset.acquisitions.slices().collect();
            for (batch, chunks) in chunks.chunks(BATCH).enumerate() {
                let texts = chunks
                    .par_iter()
                    .enumerate()
                    .map(|(chunk, records)| render_acquisitions(dataset, records, batch + chunk == 0))
                    .collect();
                if batches.send(texts).is_err() {
                    break;
                }
            }
        });
        for texts in rendered {
            for text in texts {
                out.write_all(&text)?;
            }
        }
        Ok(())
    })
}

/// `  "key": value,` with the value laid out as a field of the file.
fn write_field(out: &mut impl std::io::Write, key: &str, value: &impl Serialize) -> std::io::Result<()> {
    write!(out, "  \"{key}\": ")?;
    layout::write(&mut *out, value, 1)?;
    out.write_all(b",\n")
}

/// Acquisitions as lines of the file's list, each after the line break (and the comma) before it.
fn render_acquisitions(dataset: &Dataset, records: &[Acquisition], first: bool) -> Vec<u8> {
    let mut text = Vec::with_capacity(records.len() * 320);
    for (i, record) in records.iter().enumerate() {
        text.extend_from_slice(if first && i == 0 { b"\n    " } else { b",\n    " });
        super::acquisition_line::write(&mut text, record, dataset);
    }
    text
}

/// The dataset as the file's text, ending in a newline.
pub fn to_string(dataset: &Dataset) -> String {
    let mut bytes = Vec::new();
    // Writing plain data into memory cannot fail, and serde_json writes UTF-8.
    let _ = write(dataset, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// The two fields read first, so that another format or a newer version gets its own message.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

fn check_header(format: &str, version: Option<u64>, origin: &str) -> Result<(), LoadError> {
    if format != FORMAT {
        let message = if format.is_empty() {
            format!("this is not a Pledge Explorer dataset: it has no \"format\": \"{FORMAT}\"")
        } else {
            format!("this is not a Pledge Explorer dataset: its format is \"{format}\", not \"{FORMAT}\"")
        };
        return Err(LoadError::whole(origin, message));
    }
    match version {
        Some(version) if version > u64::from(VERSION) => Err(LoadError::whole(
            origin,
            format!(
                "the file is format version {version}, newer than this app reads (version {VERSION}): \
                 update Pledge Explorer to open it"
            ),
        )),
        Some(0) => Err(LoadError::whole(origin, "format version 0 does not exist; the first version is 1")),
        _ => Ok(()),
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn position_of(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_on_all_cores_writes_what_the_layout_gives() {
        // Three batches of records, the last one short.
        let text = crate::synthetic::dataset_json(40_000, 11);
        let dataset = from_str(&text, "synthetic.json").unwrap();
        let reference = |dataset: &Dataset| {
            let file = layout::to_vec(&super::super::stream::FileView(dataset), 0).unwrap();
            format!("{}\n", String::from_utf8(file).unwrap())
        };
        let written = to_string(&dataset);
        assert_eq!(written, reference(&dataset));
        let record_lines = written.lines().filter(|line| line.starts_with("    {\"id\": \"acq-")).count();
        assert_eq!(record_lines, 40_000, "a line per record");
        assert_eq!(to_string(&Dataset::default()), reference(&Dataset::default()));
    }
}
