//! Opening a large JSON dataset a window of the file at a time, so that the file's bytes and the records
//! built from them are never all in memory at once: reading the whole file first, a 308 MB file of a
//! million acquisitions peaked at 566 MB (the bytes beside the records).
//!
//! The fields before the acquisitions are read from the head of the file. The acquisitions are read in
//! parts on all cores as [`super::parts`] splits them (a part starts at a line that starts with `{`, and
//! is kept only if the part before it ends exactly there), each part from the file a window at a time:
//! a window is parsed up to the last record that starts in it, and the rest carried into the next. What
//! follows the acquisitions is read last. The records, their strings and the order the strings are met
//! come out as reading the whole text gives them (tests compare the two).
//!
//! This is a fast path: a file laid out otherwise (fields before the acquisitions over the head's size,
//! a record over a window's size, a part that starts inside a record), a file changed while it is read,
//! or an invalid one gives None, and the caller reads the whole file, which also says what is wrong.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use rayon::prelude::*;

use crate::model::{Interner, Records};

use super::parts::{Part, SMALLEST_PART_BYTES};
use super::progress::Progress;
use super::stream::{Cursor, Parsed, Reading, Stop, parse_records};

/// Files smaller than this are read whole: their bytes are little beside the app's own memory.
pub const SMALLEST_FILE: u64 = 32 << 20;

/// How much is read at a time.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// What a part reads of the file at a time; it holds about one window, as bytes and as text.
    window: usize,
    /// The head of the file, where the fields before the acquisitions must end.
    head: usize,
}

const SIZES: Sizes = Sizes { window: 8 << 20, head: 4 << 20 };

/// A record, or a run of lines without one, longer than this is not laid out for windows.
const LONGEST_RECORD: usize = 64 << 20;

/// How much of the file is looked at for the start of a part.
const PROBE: usize = 1 << 20;

/// A file read a window at a time: the parsed dataset, and the CRC-32 of all its bytes, as read.
pub struct Windowed {
    pub parsed: Parsed,
    pub checksum: u32,
    pub len: u64,
}

/// Reads the JSON dataset at `path` a window at a time, the acquisitions in up to `parts` parts at
/// once, counting the bytes read into `progress`. None when it cannot be read so (see the module
/// comment); also when cancelled, which the caller's reading of the whole file then reports.
pub fn read(path: &Path, parts: usize, progress: Option<&Progress>) -> Option<Windowed> {
    read_in(path, parts, progress, SIZES)
}

fn read_in(path: &Path, parts: usize, progress: Option<&Progress>, sizes: Sizes) -> Option<Windowed> {
    let len = std::fs::metadata(path).ok()?.len();
    let file_len = usize::try_from(len).ok()?;
    if let Some(progress) = progress {
        progress.set_total(len);
    }
    let head = read_range(path, 0, sizes.head.min(file_len))?;
    let bom = if head.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let head_text = complete_text(&head[bom..])?;
    let mut reading = Reading::default();
    let mut cursor = Cursor { text: head_text, position: 0 };
    if reading.start(&mut cursor)? != Stop::Acquisitions {
        return None;
    }
    cursor.expect(b'[')?;
    cursor.skip_whitespace();
    // The first record starts here (an empty array, a small file, is left to the whole reading).
    let first = bom + cursor.position;
    if head.get(first) != Some(&b'{') {
        return None;
    }
    let mut checksum = crc32fast::Hasher::new();
    checksum.update(&head[..first]);
    let starts = part_starts(path, first, file_len, parts)?;
    drop(head);
    let jobs: Vec<(usize, Option<usize>, Interner)> = starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let strings = if k == 0 { reading.dataset.strings.clone() } else { Interner::default() };
            (start, starts.get(k + 1).copied(), strings)
        })
        .collect();
    let read_parts: Vec<WindowedPart> = jobs
        .into_par_iter()
        .map(|(start, until, strings)| read_part(path, (start, until, file_len), strings, progress, sizes.window))
        .collect::<Option<_>>()?;
    let mut trailer = String::new();
    let mut parts = Vec::with_capacity(read_parts.len());
    for part in read_parts {
        checksum.combine(&part.checksum);
        if let Some(rest) = part.trailer {
            trailer = rest;
        }
        parts.push(part.part);
    }
    reading.pending = parts;
    // What follows the acquisitions' `]`: the other fields, and the object's end.
    let mut cursor = Cursor { text: &trailer, position: 0 };
    if reading.next_fields(&mut cursor)? != Stop::End {
        return None;
    }
    let parsed = reading.finish(&mut cursor)?;
    Some(Windowed { parsed, checksum: checksum.finalize(), len })
}

/// One part, read: its records and strings, the CRC-32 of its bytes, and for the last part the text
/// after the acquisitions' `]`.
struct WindowedPart {
    part: Part,
    checksum: crc32fast::Hasher,
    trailer: Option<String>,
}

/// Reads the records from `start` (a record's first byte) to exactly `until` (the next part's start),
/// or for the last part to the end of the array and then the rest of the file.
fn read_part(
    path: &Path,
    (start, until, file_len): (usize, Option<usize>, usize),
    mut strings: Interner,
    progress: Option<&Progress>,
    window: usize,
) -> Option<WindowedPart> {
    let end = until.unwrap_or(file_len);
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(start as u64)).ok()?;
    let mut checksum = crc32fast::Hasher::new();
    let mut records = Records::new();
    // Records take about 300 bytes of JSON each, and bring one new string each (their id).
    strings.reserve((end - start) / 300);
    let mut bytes: Vec<u8> = Vec::with_capacity(window * 2);
    let mut read_to = start;
    loop {
        if progress.is_some_and(Progress::is_cancelled) {
            return None;
        }
        let take = window.min(end - read_to);
        let before = bytes.len();
        bytes.resize(before + take, 0);
        file.read_exact(&mut bytes[before..]).ok()?;
        checksum.update(&bytes[before..]);
        read_to += take;
        if let Some(progress) = progress {
            progress.add(take as u64);
        }
        if read_to == end {
            let text = std::str::from_utf8(&bytes).ok()?;
            let stop = parse_records(text, 0, until.map(|_| bytes.len()), &mut records, &mut strings)?;
            let trailer = until.is_none().then(|| text[stop..].to_owned());
            return Some(WindowedPart { part: Part { records, strings, end }, checksum, trailer });
        }
        // Up to the last line in the window that starts a record; the rest waits for the next window.
        let Some(stop) = last_record_start(&bytes) else {
            if bytes.len() > LONGEST_RECORD {
                return None;
            }
            continue;
        };
        let text = std::str::from_utf8(&bytes[..stop]).ok()?;
        parse_records(text, 0, Some(stop), &mut records, &mut strings)?;
        bytes.drain(..stop);
    }
}

/// Where each part of the acquisitions begins: `first`, then at even distances through the rest of
/// the file, the first line start after them that starts with `{` (after any indent), found by
/// reading a little of the file there.
fn part_starts(path: &Path, first: usize, file_len: usize, parts: usize) -> Option<Vec<usize>> {
    let length = file_len - first;
    let mut starts = vec![first];
    if parts < 2 || length < SMALLEST_PART_BYTES * 2 {
        return Some(starts);
    }
    for k in 1..parts {
        let from = first + length / parts * k;
        let probe = read_range(path, from, (from + PROBE).min(file_len))?;
        let Some(start) = first_record_start(&probe).map(|at| from + at) else { break };
        if start > starts[starts.len() - 1] {
            starts.push(start);
        }
    }
    Some(starts)
}

/// The bytes of `path` from `start` to `end` (not counted as read: the parts read them again).
fn read_range(path: &Path, start: usize, end: usize) -> Option<Vec<u8>> {
    let mut file = File::open(path).ok()?;
    file.seek(SeekFrom::Start(start as u64)).ok()?;
    let mut bytes = vec![0; end.checked_sub(start)?];
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

/// The text of `bytes` up to a character cut off at their end.
fn complete_text(bytes: &[u8]) -> Option<&str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) if error.error_len().is_none() => std::str::from_utf8(&bytes[..error.valid_up_to()]).ok(),
        Err(_) => None,
    }
}

/// Where the first line after the start of `bytes` begins with `{`, after any indent.
fn first_record_start(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    loop {
        let line = from + bytes.get(from..)?.iter().position(|&b| b == b'\n')? + 1;
        let at = line + bytes.get(line..)?.iter().position(|b| !b" \t\r".contains(b))?;
        if bytes[at] == b'{' {
            return Some(at);
        }
        from = at;
    }
}

/// Where the last line of `bytes` that begins with `{` (after any indent) starts it, when that is
/// after the first byte.
fn last_record_start(bytes: &[u8]) -> Option<usize> {
    let mut end = bytes.len();
    while let Some(line_end) = bytes[..end].iter().rposition(|&b| b == b'\n') {
        let indent = bytes[line_end + 1..end].iter().take_while(|b| b" \t\r".contains(b)).count();
        let at = line_end + 1 + indent;
        if bytes.get(at) == Some(&b'{') {
            return Some(at);
        }
        end = line_end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::stream::tests::{same, sources_moved_last};
    use proptest::prelude::*;

    const SMALL: Sizes = Sizes { window: 64 << 10, head: 64 << 10 };

    /// A synthetic file of about 4 MB whose acquisitions fill every field that holds a symbol, some notes
    /// with quotes and characters of several bytes.
    fn every_field() -> String {
        let text = crate::synthetic::dataset_json(12_000, 3);
        let (head, acquisitions) = text.split_at(text.find("\"acquisitions\"").unwrap());
        let more = r#""supplier": "sup", "commitment": "c-1", "notes": "Łódź \"{\"\n", "confidence": ""#;
        format!("{head}{}", acquisitions.replace(r#""confidence": ""#, more))
    }

    fn written(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("dataset.json");
        std::fs::write(&path, text).unwrap();
        (folder, path)
    }

    #[test]
    fn windows_on_several_cores_give_the_whole_reading() {
        let text = every_field();
        let whole = crate::io::json::from_str(&text, "whole").unwrap();
        let (_folder, path) = written(&text);
        for parts in [1, 2, 3, 7] {
            let progress = Progress::default();
            let read = read_in(&path, parts, Some(&progress), SMALL).expect("laid out for windows");
            assert_eq!(read.parsed.parts.len(), parts, "the file was split");
            assert_eq!((read.len, read.checksum), (text.len() as u64, crc32fast::hash(text.as_bytes())));
            assert!(progress.fraction().unwrap() > 0.9, "the bytes read are counted");
            same(&read.parsed.into_dataset(), &whole);
        }
    }

    #[test]
    fn a_collection_after_the_acquisitions_and_a_byte_order_mark() {
        let text = every_field();
        let moved = format!("\u{feff}{}", sources_moved_last(&text));
        let whole = crate::io::json::from_bytes(moved.clone().into_bytes(), "whole").unwrap();
        let (_folder, path) = written(&moved);
        let read = read_in(&path, 3, None, SMALL).expect("laid out for windows");
        assert_eq!(read.checksum, crc32fast::hash(moved.as_bytes()));
        let read = read.parsed.into_dataset();
        assert_eq!(read.sources.len(), 50);
        same(&read, &whole);
    }

    #[test]
    fn other_layouts_are_left_to_the_whole_reading() {
        let text = every_field();
        // Each record over several lines, nested objects on lines of their own: read right or not at all.
        let misleading = text.replace(r#""quantity": {"#, "\"quantity\":\n      {");
        let whole = crate::io::json::from_str(&misleading, "whole").unwrap();
        let (_folder, path) = written(&misleading);
        if let Some(read) = read_in(&path, 4, None, SMALL) {
            same(&read.parsed.into_dataset(), &whole);
        }
        // Fields before the acquisitions longer than the head.
        let (_folder, path) = written(&text);
        assert!(read_in(&path, 2, None, Sizes { window: 64 << 10, head: 4 << 10 }).is_none());
        // The whole file as one line: no record starts a line, so one window grows to hold it all.
        let one_line = misleading.replace('\n', " ");
        let (_folder, path) = written(&one_line);
        if let Some(read) = read_in(&path, 2, None, SMALL) {
            same(&read.parsed.into_dataset(), &crate::io::json::from_str(&one_line, "whole").unwrap());
        }
    }

    #[test]
    fn a_cancelled_reading_stops() {
        let (_folder, path) = written(&every_field());
        let progress = Progress::default();
        progress.cancel();
        assert!(read_in(&path, 2, Some(&progress), SMALL).is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// A file cut anywhere, or with a byte changed anywhere, is read as the whole reading reads it, or
        /// left to it; never a panic.
        #[test]
        fn a_damaged_file_is_read_right_or_left_to_the_whole_reading(cut in 0.0..1.0f64, byte in any::<u8>()) {
            let text = crate::synthetic::dataset_json(2_000, 4);
            let at = (text.len() as f64 * cut) as usize;
            let mut changed = text.clone().into_bytes();
            changed[at.min(text.len() - 1)] = byte;
            for bytes in [text.as_bytes()[..at].to_vec(), changed] {
                let folder = tempfile::tempdir().unwrap();
                let path = folder.path().join("damaged.json");
                std::fs::write(&path, &bytes).unwrap();
                if let Some(read) = read_in(&path, 3, None, Sizes { window: 8 << 10, head: 32 << 10 }) {
                    let whole = crate::io::json::from_bytes(bytes.clone(), "whole");
                    prop_assert!(whole.is_ok(), "only a valid file is read so");
                    same(&read.parsed.into_dataset(), &whole.unwrap());
                }
            }
        }
    }
}
