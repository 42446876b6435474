//! Between the model and the file without the whole file shape in memory, on every core. Loading parses
//! each record into its borrowed file shape and converts it at once; saving converts each record as it is
//! written. For a million acquisitions the list of file-shaped records would be about 400 MB.
//!
//! The acquisitions, nearly all of a large file, are parsed in parts on all cores ([`super::parts`]): a
//! part starts where a line starts with `{`, outside a string, since JSON strings hold no raw line breaks,
//! but perhaps a nested object rather than a record; the check at the seams catches that.
//!
//! This is the fast path only: a file that fails here is parsed again by the derived `DatasetFile` with
//! path tracking, which gives the precise message. The derived type stays the definition of the format
//! (and its schema); tests hold both to the same text.

use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Acquisition, Columnar, Dataset, Interner, Records};

use super::convert;
use super::parts::{Part, in_parts, join_parts, part_starts};
use super::wire::{AcquisitionRecord, FORMAT, MetaRecord, Text, VERSION};

/// A parsed file: the header fields, checked by the caller, and the dataset, whose acquisitions may still
/// be in parts. The parts hold nothing of the text, so the caller can free the text before
/// [`Parsed::into_dataset`] puts them together: the text and a second copy of the records are never
/// in memory at once.
pub struct Parsed {
    pub format: String,
    pub version: u32,
    dataset: Dataset,
    pub(super) parts: Vec<Part>,
}

impl Parsed {
    pub fn into_dataset(mut self) -> Dataset {
        join_parts(&mut self.dataset, std::mem::take(&mut self.parts));
        self.dataset
    }
}

const FIELDS: &[&str] = &["format", "version", "meta", "actors", "sources", "events", "commitments", "acquisitions"];

/// Parses a whole file, the acquisitions in up to `parts` parts at once. None when the text is not a
/// valid dataset file (the caller parses it again for the message).
pub fn parse(text: &str, parts: usize) -> Option<Parsed> {
    let mut reading = Reading::default();
    let mut cursor = Cursor { text, position: 0 };
    let mut at = reading.start(&mut cursor)?;
    while at == Stop::Acquisitions {
        reading.pending = acquisitions(&mut cursor, &reading.dataset.strings, parts)?;
        at = reading.next_fields(&mut cursor)?;
    }
    reading.finish(&mut cursor)
}

/// The top-level fields read so far.
#[derive(Default)]
pub(super) struct Reading {
    format: Option<String>,
    version: Option<u32>,
    seen: [bool; FIELDS.len()],
    pub(super) dataset: Dataset,
    /// The acquisitions, in parts not yet put together.
    pub(super) pending: Vec<Part>,
}

/// Where reading the fields stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// At the acquisitions' array, for the caller to read (on all cores, or from the file a window at
    /// a time); then [`Reading::next_fields`] goes on after it.
    Acquisitions,
    /// Past the object's closing brace.
    End,
}

impl Reading {
    /// Reads from the object's opening brace.
    pub(super) fn start(&mut self, cursor: &mut Cursor<'_>) -> Option<Stop> {
        cursor.expect(b'{')?;
        if cursor.eat(b'}') {
            return Some(Stop::End);
        }
        self.fields(cursor)
    }

    /// Goes on after a value the caller read: the next field, or the end of the object.
    pub(super) fn next_fields(&mut self, cursor: &mut Cursor<'_>) -> Option<Stop> {
        if cursor.eat(b',') {
            return self.fields(cursor);
        }
        cursor.expect(b'}')?;
        Some(Stop::End)
    }

    fn fields(&mut self, cursor: &mut Cursor<'_>) -> Option<Stop> {
        loop {
            let key: Text = cursor.value()?;
            let field = FIELDS.iter().position(|field| *field == key.as_str())?;
            if std::mem::replace(&mut self.seen[field], true) {
                return None;
            }
            cursor.expect(b':')?;
            if matches!(FIELDS[field], "actors" | "sources" | "events" | "commitments") {
                // A collection after the acquisitions interns after them, as on one core.
                join_parts(&mut self.dataset, std::mem::take(&mut self.pending));
            }
            let dataset = &mut self.dataset;
            let strings = &mut dataset.strings;
            match FIELDS[field] {
                "format" => self.format = Some(cursor.value::<Text>()?.0.into_owned()),
                "version" => self.version = Some(cursor.value::<u32>()?),
                "meta" => dataset.meta = convert::meta_from_wire(&cursor.value::<MetaRecord>()?),
                "actors" => dataset.actors = cursor.records(strings, convert::actor_from_wire)?,
                "sources" => dataset.sources = cursor.records(strings, convert::source_from_wire)?,
                "events" => dataset.events = cursor.records(strings, convert::event_from_wire)?,
                "commitments" => dataset.commitments = cursor.records(strings, convert::commitment_from_wire)?,
                _ => return Some(Stop::Acquisitions),
            }
            if !cursor.eat(b',') {
                cursor.expect(b'}')?;
                return Some(Stop::End);
            }
        }
    }

    /// The parsed file, once the object has ended and nothing but white space follows.
    pub(super) fn finish(self, cursor: &mut Cursor<'_>) -> Option<Parsed> {
        cursor.skip_whitespace();
        if cursor.position != cursor.text.len() {
            return None;
        }
        let Reading { format, version, mut dataset, pending, seen } = self;
        if !seen[FIELDS.iter().position(|field| *field == "meta")?] {
            dataset.meta = convert::meta_from_wire(&MetaRecord::default());
        }
        Some(Parsed { format: format?, version: version?, dataset, parts: pending })
    }
}

/// A place in the text, between JSON values. serde_json parses the values, or the acquisitions' scanner
/// ([`super::acquisition_scan`]) the usual ones; this steps over the punctuation between them, which is
/// what lets parts of the file be parsed apart.
#[derive(Clone, Copy)]
pub(super) struct Cursor<'t> {
    pub(super) text: &'t str,
    pub(super) position: usize,
}

impl<'t> Cursor<'t> {
    pub(super) fn skip_whitespace(&mut self) {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.position), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.position += 1;
        }
    }

    /// Steps over `byte` (after whitespace) if it is next.
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let next = self.text.as_bytes().get(self.position) == Some(&byte);
        if next {
            self.position += 1;
        }
        next
    }

    pub(super) fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// Parses the next JSON value as a `T` and steps past it.
    fn value<T: Deserialize<'t>>(&mut self) -> Option<T> {
        self.skip_whitespace();
        let mut values = serde_json::Deserializer::from_str(self.text.get(self.position..)?).into_iter::<T>();
        let value = values.next()?.ok()?;
        self.position += values.byte_offset();
        Some(value)
    }

    /// A list of records in file shape `W`, each converted to the model's `M` as soon as it is parsed:
    /// ten million tiny records never exist twice, in file shape and in the model's.
    fn records<W: Deserialize<'t>, M: Columnar + Clone>(
        &mut self,
        strings: &mut Interner,
        convert: fn(&W, &mut Interner) -> M,
    ) -> Option<Records<M>> {
        self.expect(b'[')?;
        let mut records = Records::new();
        if self.eat(b']') {
            return Some(records);
        }
        loop {
            let record: W = self.value()?;
            records.push(convert(&record, strings));
            if !self.eat(b',') {
                self.expect(b']')?;
                return Some(records);
            }
        }
    }
}

/// The acquisitions array, parsed in parts on all cores; the cursor ends past its `]`.
fn acquisitions(cursor: &mut Cursor<'_>, strings: &Interner, parts: usize) -> Option<Vec<Part>> {
    cursor.expect(b'[')?;
    if cursor.eat(b']') {
        return Some(Vec::new());
    }
    cursor.skip_whitespace();
    let text = cursor.text;
    // A record starts a line with `{`, after any indent.
    let starts = part_starts(text.as_bytes(), cursor.position, parts, b" \t\r\n", |byte| byte == b'{');
    let parse = |start, until, pool| parse_part(text, start, until, pool);
    // A seam that does not match (a layout that misleads the split) is read again on one core: only
    // this array, not the whole file.
    let new_strings = (text.len() - cursor.position) / RECORD_BYTES;
    let parsed = in_parts(&starts, strings, new_strings, parse)
        .or_else(|| (starts.len() > 1).then(|| in_parts(&starts[..1], strings, new_strings, parse))?)?;
    cursor.position = parsed.last()?.end;
    Some(parsed)
}

/// Acquisitions take about this many bytes of JSON each, and bring one new string each (their id).
const RECORD_BYTES: usize = 300;

/// Parses records from `start` until exactly `until` (the next part's start) or, for the last part, the
/// end of the array. None when the records do not end exactly there, or the text is not valid.
fn parse_part(text: &str, start: usize, until: Option<usize>, mut strings: Interner) -> Option<Part> {
    let expected = until.unwrap_or(text.len()).saturating_sub(start) / RECORD_BYTES;
    let mut records = Records::new();
    records.reserve(expected);
    strings.reserve(expected);
    let end = parse_records(text, start, until, &mut records, &mut strings)?;
    Some(Part { records, strings, end })
}

/// [`parse_part`] into records and strings already begun: where the reading stopped (`until`, or past
/// the array's `]`).
pub(super) fn parse_records(
    text: &str,
    start: usize,
    until: Option<usize>,
    records: &mut Records<Acquisition>,
    strings: &mut Interner,
) -> Option<usize> {
    let mut cursor = Cursor { text, position: start };
    loop {
        // Read field by field, or by serde when the record is unusual.
        let record = match super::acquisition_scan::read(text, cursor.position, strings) {
            Some((record, end)) => {
                cursor.position = end;
                record
            }
            None => convert::acquisition_from_wire(&cursor.value::<AcquisitionRecord>()?, strings),
        };
        records.push(record);
        if cursor.eat(b',') {
            cursor.skip_whitespace();
            match until {
                Some(until) if cursor.position == until => return Some(until),
                Some(until) if cursor.position > until => return None,
                _ => continue,
            }
        }
        cursor.expect(b']')?;
        return until.is_none().then_some(cursor.position);
    }
}

/// The dataset in file shape for writing, converting one record at a time.
pub struct FileView<'a>(pub &'a Dataset);

impl Serialize for FileView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let dataset = self.0;
        // The fields, and their order, of `wire::DatasetFile`.
        let mut file = serializer.serialize_struct("DatasetFile", FIELDS.len())?;
        file.serialize_field("format", FORMAT)?;
        file.serialize_field("version", &VERSION)?;
        file.serialize_field("meta", &convert::meta_to_wire(&dataset.meta))?;
        file.serialize_field("actors", &Written(&dataset.actors, dataset, convert::actor_to_wire))?;
        file.serialize_field("sources", &Written(&dataset.sources, dataset, convert::source_to_wire))?;
        file.serialize_field("events", &Written(&dataset.events, dataset, convert::event_to_wire))?;
        file.serialize_field("commitments", &Written(&dataset.commitments, dataset, convert::commitment_to_wire))?;
        file.serialize_field("acquisitions", &Written(&dataset.acquisitions, dataset, convert::acquisition_to_wire))?;
        file.end()
    }
}

/// Records written as a list, each converted to file shape `W` just before it is written.
pub struct Written<'a, M: Columnar, W>(pub &'a Records<M>, pub &'a Dataset, pub fn(&'a M, &'a Dataset) -> W);

impl<'a, M: Columnar, W: Serialize> Serialize for Written<'a, M, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Written(records, dataset, to_wire) = *self;
        serializer.collect_seq(records.iter().map(|record| to_wire(record, dataset)))
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::synthetic;

    /// A synthetic file of about 4 MB whose acquisitions fill every field that holds a symbol.
    fn every_field() -> String {
        let text = synthetic::dataset_json(12_000, 3);
        let (head, acquisitions) = text.split_at(text.find("\"acquisitions\"").unwrap());
        let more = r#""supplier": "sup", "commitment": "c-1", "notes": "n", "confidence": ""#;
        format!("{head}{}", acquisitions.replace(r#""confidence": ""#, more))
    }

    /// The same records with the same symbols, and the same other collections and meta.
    pub(in crate::io) fn same(a: &Dataset, b: &Dataset) {
        assert_eq!(a.acquisitions, b.acquisitions, "the same records with the same symbols");
        assert_eq!(a.strings.len(), b.strings.len());
        for i in 0..a.strings.len() {
            assert_eq!(a.strings.resolve_index(i), b.strings.resolve_index(i));
        }
        assert_eq!((&a.actors, &a.sources, &a.events), (&b.actors, &b.sources, &b.events));
        assert_eq!((&a.commitments, &a.meta), (&b.commitments, &b.meta));
    }

    /// A synthetic file with its sources moved after the acquisitions.
    pub(in crate::io) fn sources_moved_last(text: &str) -> String {
        let moved = text.replacen("\"sources\": [", "\"ignored\": [", 1);
        let (sources_start, sources_end) =
            (moved.find("\"ignored\": [").unwrap(), moved.find("],\n\"acquisitions\"").unwrap());
        let sources = &moved[sources_start + "\"ignored\": ".len()..=sources_end];
        format!(
            "{}{}, \"sources\": {sources}}}\n",
            &moved[..sources_start],
            moved[sources_end + 3..].trim_end().trim_end_matches('}')
        )
    }

    #[test]
    fn parts_on_several_cores_give_what_one_core_gives() {
        let text = every_field();
        let one = parse(&text, 1).unwrap();
        assert_eq!(one.parts.len(), 1);
        let one = one.into_dataset();
        assert_eq!(one.acquisitions.len(), 12_000);
        for parts in [2, 3, 7] {
            let parsed = parse(&text, parts).unwrap();
            assert_eq!(parsed.parts.len(), parts, "the file was split");
            same(&parsed.into_dataset(), &one);
        }
    }

    #[test]
    fn a_layout_that_misleads_the_split_is_read_on_one_core() {
        let text = every_field();
        let one = parse(&text, 1).unwrap().into_dataset();
        // Nested objects on lines of their own look like the start of a record.
        let misleading = text.replace(r#""quantity": {"#, "\"quantity\":\n      {");
        if let Some(parsed) = parse(&misleading, 4) {
            same(&parsed.into_dataset(), &one);
        }
        same(&crate::io::json::from_str(&misleading, "misleading.json").unwrap(), &one);
    }

    #[test]
    fn a_collection_after_the_acquisitions_interns_after_them() {
        let text = every_field();
        let reordered = sources_moved_last(&text);
        let one = parse(&reordered, 1).unwrap().into_dataset();
        let many = parse(&reordered, 3).unwrap().into_dataset();
        same(&many, &one);
        assert_eq!(many.sources.len(), 50);
    }
}
