//! Between the file's shape ([`wire`](super::wire)) and the in-memory model: interning on the way in,
//! borrowing from the string pool on the way out. Both directions are total: anything the wire types
//! accept becomes a dataset, and validation says what is wrong with it.

use crate::model::{
    Acquisition, Actor, ChangelogEntry, Commitment, Dataset, Delivery, Event, Interner, Meta, Money, Provenance,
    Quantity, Source, Symbol,
};

use super::wire::{
    AcquisitionRecord, ActorRecord, ChangelogRecord, CommitmentRecord, DatasetFile, DeliveryRecord, EventRecord,
    FORMAT, MetaRecord, MoneyRecord, QuantityRecord, SourceRecord, Text, VERSION,
};

/// Builds the model from a parsed file.
pub fn from_wire(file: DatasetFile<'_>) -> Dataset {
    let mut strings = Interner::default();
    let actors = file.actors.iter().map(|r| actor_from_wire(r, &mut strings)).collect();
    let sources = file.sources.iter().map(|r| source_from_wire(r, &mut strings)).collect();
    let events = file.events.iter().map(|r| event_from_wire(r, &mut strings)).collect();
    let commitments = file.commitments.iter().map(|r| commitment_from_wire(r, &mut strings)).collect();
    let acquisitions = file.acquisitions.iter().map(|r| acquisition_from_wire(r, &mut strings)).collect();
    let meta = meta_from_wire(&file.meta);
    Dataset { strings, meta, actors, sources, events, commitments, acquisitions, upgraded: None }
}

pub fn meta_from_wire(meta: &MetaRecord<'_>) -> Meta {
    Meta {
        title: meta.title.as_str().to_owned(),
        description: meta.description.as_str().to_owned(),
        release: meta.release.as_str().to_owned(),
        cutoff: meta.cutoff,
        licence: meta.licence.as_str().to_owned(),
        authors: meta.authors.iter().map(|a| a.as_str().to_owned()).collect(),
        changelog: meta
            .changelog
            .iter()
            .map(|c| ChangelogEntry { date: c.date, text: c.text.as_str().to_owned() })
            .collect(),
    }
}

fn symbols<List: FromIterator<Symbol>>(texts: &[Text<'_>], strings: &mut Interner) -> List {
    texts.iter().map(|t| strings.intern(t.as_str())).collect()
}

fn symbol(text: &Option<Text<'_>>, strings: &mut Interner) -> Option<Symbol> {
    text.as_ref().map(|t| strings.intern(t.as_str()))
}

fn provenance(
    sources: &[Text<'_>],
    confidence: crate::model::Confidence,
    notes: &Text<'_>,
    strings: &mut Interner,
) -> Provenance {
    Provenance { sources: symbols(sources, strings), confidence, notes: notes.as_str().to_owned() }
}

pub fn actor_from_wire(r: &ActorRecord<'_>, strings: &mut Interner) -> Actor {
    Actor {
        id: strings.intern(r.id.as_str()),
        name: r.name.as_str().into(),
        kind: r.kind,
        provenance: provenance(&r.sources, r.confidence, &r.notes, strings),
    }
}

pub fn source_from_wire(r: &SourceRecord<'_>, strings: &mut Interner) -> Source {
    Source {
        id: strings.intern(r.id.as_str()),
        title: r.title.as_str().to_owned(),
        publisher: r.publisher.as_str().to_owned(),
        url: r.url.as_str().to_owned(),
        published: r.published,
        accessed: r.accessed,
        notes: r.notes.as_str().to_owned(),
    }
}

pub fn event_from_wire(r: &EventRecord<'_>, strings: &mut Interner) -> Event {
    Event {
        id: strings.intern(r.id.as_str()),
        date: r.date,
        kind: r.kind,
        title: r.title.as_str().to_owned(),
        location: r.location.as_str().to_owned(),
        related: symbols(&r.related, strings),
        provenance: provenance(&r.sources, r.confidence, &r.notes, strings),
    }
}

pub fn commitment_from_wire(r: &CommitmentRecord<'_>, strings: &mut Interner) -> Commitment {
    Commitment {
        id: strings.intern(r.id.as_str()),
        title: r.title.as_str().to_owned(),
        kind: r.kind,
        status: r.status,
        origin: symbol(&r.origin, strings),
        parties: symbols(&r.parties, strings),
        category: symbol(&r.category, strings),
        adopted: r.adopted,
        horizon: r.horizon,
        value: r.value.as_ref().map(money_from_wire),
        description: r.description.as_str().to_owned(),
        parent: symbol(&r.parent, strings),
        provenance: provenance(&r.sources, r.confidence, &r.notes, strings),
    }
}

pub fn acquisition_from_wire(r: &AcquisitionRecord<'_>, strings: &mut Interner) -> Acquisition {
    Acquisition {
        id: strings.intern(r.id.as_str()),
        system: strings.intern(r.system.as_str()),
        category: strings.intern(r.category.as_str()),
        buyers: symbols(&r.buyers, strings),
        recipient: symbol(&r.recipient, strings),
        agency: symbol(&r.agency, strings),
        supplier: symbol(&r.supplier, strings),
        stage: r.stage,
        quantity: r.quantity.as_ref().map(|q| Quantity {
            count: q.count,
            unit: symbol(&q.unit, strings),
            qualifier: q.qualifier,
            text: q.text.as_ref().map(|t| t.as_str().into()),
        }),
        value: r.value.as_ref().map(money_from_wire),
        date: r.date,
        delivery: r.delivery,
        deliveries: r
            .deliveries
            .iter()
            .map(|d| Delivery {
                date: d.date,
                count: d.count,
                qualifier: d.qualifier,
                sources: symbols(&d.sources, strings),
            })
            .collect(),
        parent: symbol(&r.parent, strings),
        commitment: symbol(&r.commitment, strings),
        sources: symbols(&r.sources, strings),
        confidence: r.confidence,
        notes: (!r.notes.is_empty()).then(|| r.notes.as_str().into()),
    }
}

fn money_from_wire(record: &MoneyRecord) -> Money {
    Money {
        amount: record.amount,
        currency: record.currency,
        qualifier: record.qualifier,
        price_year: record.price_year,
    }
}

fn money_to_wire(money: &Money) -> MoneyRecord {
    MoneyRecord {
        amount: money.amount,
        currency: money.currency,
        qualifier: money.qualifier,
        price_year: money.price_year,
    }
}

/// The file form of a dataset, borrowing every string from it.
pub fn to_wire(dataset: &Dataset) -> DatasetFile<'_> {
    DatasetFile {
        format: Text::borrowed(FORMAT),
        version: VERSION,
        meta: meta_to_wire(&dataset.meta),
        actors: dataset.actors.iter().map(|r| actor_to_wire(r, dataset)).collect(),
        sources: dataset.sources.iter().map(|r| source_to_wire(r, dataset)).collect(),
        events: dataset.events.iter().map(|r| event_to_wire(r, dataset)).collect(),
        commitments: dataset.commitments.iter().map(|r| commitment_to_wire(r, dataset)).collect(),
        acquisitions: dataset.acquisitions.iter().map(|r| acquisition_to_wire(r, dataset)).collect(),
    }
}

pub fn meta_to_wire(meta: &Meta) -> MetaRecord<'_> {
    MetaRecord {
        title: Text::borrowed(&meta.title),
        description: Text::borrowed(&meta.description),
        release: Text::borrowed(&meta.release),
        cutoff: meta.cutoff,
        licence: Text::borrowed(&meta.licence),
        authors: meta.authors.iter().map(|a| Text::borrowed(a)).collect(),
        changelog: meta
            .changelog
            .iter()
            .map(|c| ChangelogRecord { date: c.date, text: Text::borrowed(&c.text) })
            .collect(),
    }
}

fn text(dataset: &Dataset, symbol: Symbol) -> Text<'_> {
    Text::borrowed(dataset.text(symbol))
}

fn texts<'a>(dataset: &'a Dataset, symbols: &[Symbol]) -> Vec<Text<'a>> {
    symbols.iter().map(|&s| text(dataset, s)).collect()
}

pub fn actor_to_wire<'a>(r: &'a Actor, dataset: &'a Dataset) -> ActorRecord<'a> {
    ActorRecord {
        id: text(dataset, r.id),
        name: Text::borrowed(&r.name),
        kind: r.kind,
        sources: texts(dataset, &r.provenance.sources),
        confidence: r.provenance.confidence,
        notes: Text::borrowed(&r.provenance.notes),
    }
}

pub fn source_to_wire<'a>(r: &'a Source, dataset: &'a Dataset) -> SourceRecord<'a> {
    SourceRecord {
        id: text(dataset, r.id),
        title: Text::borrowed(&r.title),
        publisher: Text::borrowed(&r.publisher),
        url: Text::borrowed(&r.url),
        published: r.published,
        accessed: r.accessed,
        notes: Text::borrowed(&r.notes),
    }
}

pub fn event_to_wire<'a>(r: &'a Event, dataset: &'a Dataset) -> EventRecord<'a> {
    EventRecord {
        id: text(dataset, r.id),
        date: r.date,
        kind: r.kind,
        title: Text::borrowed(&r.title),
        location: Text::borrowed(&r.location),
        related: texts(dataset, &r.related),
        sources: texts(dataset, &r.provenance.sources),
        confidence: r.provenance.confidence,
        notes: Text::borrowed(&r.provenance.notes),
    }
}

pub fn commitment_to_wire<'a>(r: &'a Commitment, dataset: &'a Dataset) -> CommitmentRecord<'a> {
    CommitmentRecord {
        id: text(dataset, r.id),
        title: Text::borrowed(&r.title),
        kind: r.kind,
        status: r.status,
        origin: r.origin.map(|s| text(dataset, s)),
        parties: texts(dataset, &r.parties),
        category: r.category.map(|s| text(dataset, s)),
        adopted: r.adopted,
        horizon: r.horizon,
        value: r.value.as_ref().map(money_to_wire),
        description: Text::borrowed(&r.description),
        parent: r.parent.map(|s| text(dataset, s)),
        sources: texts(dataset, &r.provenance.sources),
        confidence: r.provenance.confidence,
        notes: Text::borrowed(&r.provenance.notes),
    }
}

pub fn acquisition_to_wire<'a>(r: &'a Acquisition, dataset: &'a Dataset) -> AcquisitionRecord<'a> {
    AcquisitionRecord {
        id: text(dataset, r.id),
        system: text(dataset, r.system),
        category: text(dataset, r.category),
        buyers: texts(dataset, &r.buyers),
        recipient: r.recipient.map(|s| text(dataset, s)),
        agency: r.agency.map(|s| text(dataset, s)),
        supplier: r.supplier.map(|s| text(dataset, s)),
        stage: r.stage,
        quantity: r.quantity.as_ref().map(|q| QuantityRecord {
            count: q.count,
            unit: q.unit.map(|s| text(dataset, s)),
            qualifier: q.qualifier,
            text: q.text.as_deref().map(Text::borrowed),
        }),
        value: r.value.as_ref().map(money_to_wire),
        date: r.date,
        delivery: r.delivery,
        deliveries: r
            .deliveries
            .iter()
            .map(|d| DeliveryRecord {
                date: d.date,
                count: d.count,
                qualifier: d.qualifier,
                sources: texts(dataset, &d.sources),
            })
            .collect(),
        parent: r.parent.map(|s| text(dataset, s)),
        commitment: r.commitment.map(|s| text(dataset, s)),
        sources: texts(dataset, &r.sources),
        confidence: r.confidence,
        notes: Text::borrowed(r.notes.as_deref().unwrap_or("")),
    }
}
