//! Parsing a large collection in parts, one per core, for files of a million records. A part starts at a
//! place that looks like the start of a record (a line start), which may be wrong: inside a quoted CSV
//! cell, or at a nested JSON object. So a part is kept only if the part before it, parsed from a place
//! known to start a record, ends exactly where it starts; the first part starts at the first record, so
//! by induction every kept part is parsed as a reading from the start would parse it. When a seam does
//! not match, the caller reads the collection again on one core.
//!
//! Each part interns into a string pool of its own; [`join_parts`] merges them into the first in file
//! order, so the symbols come out as a reading on one core gives them.

use rayon::prelude::*;

use crate::model::{Acquisition, Dataset, Interner, Records};

/// Below this many bytes of records, starting threads costs more than it saves.
pub const SMALLEST_PART_BYTES: usize = 1 << 20;

/// One part of the acquisitions: its records, interned into a pool of its own, and where it ended.
pub struct Part {
    pub records: Records<Acquisition>,
    pub strings: Interner,
    /// Where the part's reading stopped: the next part's start, or for the last part past the records.
    pub end: usize,
}

/// Where each part of the records from `first` on begins: `first`, then at even distances through the
/// rest of `bytes`, the first line start (after any of the bytes in `skip`) whose first byte
/// `starts_record` accepts.
pub fn part_starts(bytes: &[u8], first: usize, parts: usize, skip: &[u8], starts_record: fn(u8) -> bool) -> Vec<usize> {
    let length = bytes.len().saturating_sub(first);
    let mut starts = vec![first];
    if parts < 2 || length < SMALLEST_PART_BYTES * 2 {
        return starts;
    }
    for k in 1..parts {
        let mut from = first + length / parts * k;
        let start = loop {
            let Some(line) = bytes.get(from..).and_then(|rest| rest.iter().position(|&b| b == b'\n')) else {
                break None;
            };
            let mut at = from + line + 1;
            while bytes.get(at).is_some_and(|byte| skip.contains(byte)) {
                at += 1;
            }
            match bytes.get(at) {
                Some(&byte) if starts_record(byte) => break Some(at),
                Some(_) => from = at,
                None => break None,
            }
        };
        match start {
            Some(start) if start > starts[starts.len() - 1] => starts.push(start),
            _ => break,
        }
    }
    starts
}

/// Whether a reading that has got to `position` of `bytes` has reached the next part's start `until`:
/// None while before it, Some(true) exactly there (past the line end of the row just read), Some(false)
/// when it went past (the part started or ended inside a quoted cell or a nested object).
pub fn reached(bytes: &[u8], position: usize, until: usize) -> Option<bool> {
    let mut at = position;
    while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
        at += 1;
    }
    (at >= until).then_some(at == until)
}

/// Parses the parts beginning at `starts` at once: `parse(start, until, pool)` reads from `start` to
/// exactly `until` (the next part's start; None for the last part) into `pool`. The first part goes on
/// with a copy of `strings` (what came before the records), with room for `new_strings` more: the
/// strings of every part end up in it, and growing it as they are joined would hash every string of
/// the first part again. The others start empty pools.
pub fn in_parts(
    starts: &[usize],
    strings: &Interner,
    new_strings: usize,
    parse: impl Fn(usize, Option<usize>, Interner) -> Option<Part> + Sync,
) -> Option<Vec<Part>> {
    let jobs: Vec<(usize, Option<usize>, Interner)> = starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let pool = if k == 0 {
                let mut pool = strings.clone();
                pool.reserve(new_strings);
                pool
            } else {
                Interner::default()
            };
            (start, starts.get(k + 1).copied(), pool)
        })
        .collect();
    jobs.into_par_iter().map(|(start, until, pool)| parse(start, until, pool)).collect()
}

/// Puts parsed parts together as the dataset's acquisitions, the first part's string pool as the
/// dataset's. Strings new to it are added in the order each part met them: the order a reading on one
/// core adds them in.
pub fn join_parts(dataset: &mut Dataset, parts: Vec<Part>) {
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return;
    };
    let total = first.records.len() + parts.as_slice().iter().map(|part| part.records.len()).sum::<usize>();
    dataset.strings = first.strings;
    // Each other part's records are moved after the first part's, their symbols renumbered on the way,
    // on all cores and never held twice (see `Records::append_with`).
    let records = &mut dataset.acquisitions;
    *records = first.records;
    records.reserve(total - records.len());
    for part in parts {
        let symbols = dataset.strings.intern_all(&part.strings);
        drop(part.strings);
        records.append_with(part.records, |record| record.map_symbols(|symbol| symbols[symbol.index()]));
    }
    // The columns the aggregates read and the national orders (which the aggregates and the table's
    // nesting look up) are part of what reading a large file makes, on all cores (25 to 35 ms at a
    // million records): the first table and plot read them.
    records.make_derived();
}
