//! Between the model and the file without the whole file shape in memory. Loading parses each record
//! into its borrowed file shape and converts it at once; saving converts each record as it is written.
//! For a million acquisitions the list of file-shaped records would be about 400 MB, and more while it
//! grows. Loading uses this on its fast path only: a file that fails here is parsed again by the derived
//! `DatasetFile` with path tracking, which gives the precise message. The derived type stays the
//! definition of the format (and its schema); a test holds both to the same text.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::model::{Dataset, Interner};

use super::convert;
use super::wire::{FORMAT, MetaRecord, Text, VERSION};

/// The header fields, checked by the caller, and the dataset.
pub struct Streamed<'de> {
    pub format: Text<'de>,
    pub version: u32,
    pub dataset: Dataset,
}

const FIELDS: &[&str] = &["format", "version", "meta", "actors", "sources", "events", "commitments", "acquisitions"];

/// Parses the whole file's JSON value into a dataset.
pub fn dataset<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Streamed<'de>, D::Error> {
    deserializer.deserialize_map(FileVisitor)
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = Streamed<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a Pledge Explorer dataset")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut strings = Interner::default();
        let mut dataset = Dataset::default();
        let (mut format, mut version, mut meta) = (None, None, None);
        let mut seen = [false; FIELDS.len()];
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let key = key.as_str();
            let Some(field) = FIELDS.iter().position(|field| *field == key) else {
                return Err(A::Error::unknown_field(key, FIELDS));
            };
            if std::mem::replace(&mut seen[field], true) {
                return Err(A::Error::duplicate_field(FIELDS[field]));
            }
            match key {
                "format" => format = Some(map.next_value::<Text<'de>>()?),
                "version" => version = Some(map.next_value::<u32>()?),
                "meta" => meta = Some(map.next_value::<MetaRecord<'de>>()?),
                "actors" => {
                    dataset.actors = map.next_value_seed(Records::new(&mut strings, convert::actor_from_wire))?;
                }
                "sources" => {
                    dataset.sources = map.next_value_seed(Records::new(&mut strings, convert::source_from_wire))?;
                }
                "events" => {
                    dataset.events = map.next_value_seed(Records::new(&mut strings, convert::event_from_wire))?;
                }
                "commitments" => {
                    let records = Records::new(&mut strings, convert::commitment_from_wire);
                    dataset.commitments = map.next_value_seed(records)?;
                }
                _ => {
                    let records = Records::new(&mut strings, convert::acquisition_from_wire);
                    dataset.acquisitions = map.next_value_seed(records)?;
                }
            }
        }
        let format = format.ok_or_else(|| A::Error::missing_field("format"))?;
        let version = version.ok_or_else(|| A::Error::missing_field("version"))?;
        dataset.meta = convert::meta_from_wire(&meta.unwrap_or_default());
        dataset.strings = strings;
        Ok(Streamed { format, version, dataset })
    }
}

/// A list of records in file shape `W`, each converted to the model's `M` as soon as it is parsed.
struct Records<'s, W, M> {
    strings: &'s mut Interner,
    convert: fn(&W, &mut Interner) -> M,
    shape: PhantomData<W>,
}

impl<'s, W, M> Records<'s, W, M> {
    fn new(strings: &'s mut Interner, convert: fn(&W, &mut Interner) -> M) -> Self {
        Records { strings, convert, shape: PhantomData }
    }
}

impl<'de, W: Deserialize<'de>, M> DeserializeSeed<'de> for Records<'_, W, M> {
    type Value = Vec<M>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<M>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, W: Deserialize<'de>, M> Visitor<'de> for Records<'_, W, M> {
    type Value = Vec<M>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a list of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<M>, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(record) = seq.next_element::<W>()? {
            records.push((self.convert)(&record, self.strings));
        }
        Ok(records)
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
struct Written<'a, M, W>(&'a [M], &'a Dataset, fn(&'a M, &'a Dataset) -> W);

impl<'a, M, W: Serialize> Serialize for Written<'a, M, W> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Written(records, dataset, to_wire) = *self;
        serializer.collect_seq(records.iter().map(|record| to_wire(record, dataset)))
    }
}
