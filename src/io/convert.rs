//! Between the file's shape ([`wire`](super::wire)) and the in-memory model: interning on the way in,
//! borrowing from the string pool on the way out. Both directions are total: anything the wire types
//! accept becomes a dataset, and validation says what is wrong with it.

use crate::model::{
    Acquisition, Actor, ChangelogEntry, Commitment, Dataset, Event, Interner, Meta, Money, Provenance, Quantity,
    Source, Symbol,
};

use super::wire::{
    AcquisitionRecord, ActorRecord, ChangelogRecord, CommitmentRecord, DatasetFile, EventRecord, FORMAT, MetaRecord,
    MoneyRecord, QuantityRecord, SourceRecord, Text, VERSION,
};

/// Builds the model from a parsed file.
pub fn from_wire(file: DatasetFile<'_>) -> Dataset {
    let mut strings = Interner::default();
    let mut sym = |text: &Text<'_>| strings.intern(text.as_str());
    let actors = file
        .actors
        .iter()
        .map(|r| Actor {
            id: sym(&r.id),
            name: r.name.as_str().to_owned(),
            kind: r.kind,
            provenance: Provenance {
                sources: r.sources.iter().map(&mut sym).collect(),
                confidence: r.confidence,
                notes: r.notes.as_str().to_owned(),
            },
        })
        .collect();
    let sources = file
        .sources
        .iter()
        .map(|r| Source {
            id: sym(&r.id),
            title: r.title.as_str().to_owned(),
            publisher: r.publisher.as_str().to_owned(),
            url: r.url.as_str().to_owned(),
            published: r.published,
            accessed: r.accessed,
            notes: r.notes.as_str().to_owned(),
        })
        .collect();
    let events = file
        .events
        .iter()
        .map(|r| Event {
            id: sym(&r.id),
            date: r.date,
            kind: r.kind,
            title: r.title.as_str().to_owned(),
            location: r.location.as_str().to_owned(),
            related: r.related.iter().map(&mut sym).collect(),
            provenance: Provenance {
                sources: r.sources.iter().map(&mut sym).collect(),
                confidence: r.confidence,
                notes: r.notes.as_str().to_owned(),
            },
        })
        .collect();
    let commitments = file
        .commitments
        .iter()
        .map(|r| Commitment {
            id: sym(&r.id),
            title: r.title.as_str().to_owned(),
            kind: r.kind,
            status: r.status,
            origin: r.origin.as_ref().map(&mut sym),
            parties: r.parties.iter().map(&mut sym).collect(),
            category: r.category.as_ref().map(&mut sym),
            adopted: r.adopted,
            horizon: r.horizon,
            value: r.value.as_ref().map(money_from_wire),
            description: r.description.as_str().to_owned(),
            parent: r.parent.as_ref().map(&mut sym),
            provenance: Provenance {
                sources: r.sources.iter().map(&mut sym).collect(),
                confidence: r.confidence,
                notes: r.notes.as_str().to_owned(),
            },
        })
        .collect();
    let acquisitions = file
        .acquisitions
        .iter()
        .map(|r| Acquisition {
            id: sym(&r.id),
            system: sym(&r.system),
            category: sym(&r.category),
            buyers: r.buyers.iter().map(&mut sym).collect(),
            agency: r.agency.as_ref().map(&mut sym),
            supplier: r.supplier.as_ref().map(&mut sym),
            stage: r.stage,
            quantity: r.quantity.as_ref().map(|q| Quantity {
                count: q.count,
                unit: q.unit.as_ref().map(&mut sym),
                qualifier: q.qualifier,
                text: q.text.as_ref().map(|t| t.as_str().into()),
            }),
            value: r.value.as_ref().map(money_from_wire),
            date: r.date,
            delivery: r.delivery,
            parent: r.parent.as_ref().map(&mut sym),
            commitment: r.commitment.as_ref().map(&mut sym),
            sources: r.sources.iter().map(&mut sym).collect(),
            confidence: r.confidence,
            notes: (!r.notes.is_empty()).then(|| r.notes.as_str().into()),
        })
        .collect();
    let meta = Meta {
        title: file.meta.title.as_str().to_owned(),
        description: file.meta.description.as_str().to_owned(),
        release: file.meta.release.as_str().to_owned(),
        cutoff: file.meta.cutoff,
        licence: file.meta.licence.as_str().to_owned(),
        authors: file.meta.authors.iter().map(|a| a.as_str().to_owned()).collect(),
        changelog: file
            .meta
            .changelog
            .iter()
            .map(|c| ChangelogEntry { date: c.date, text: c.text.as_str().to_owned() })
            .collect(),
    };
    Dataset { strings, meta, actors, sources, events, commitments, acquisitions }
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
    fn plain(text: &str) -> Text<'_> {
        Text::borrowed(text)
    }
    let text = |symbol: Symbol| Text::borrowed(dataset.text(symbol));
    let texts = |symbols: &[Symbol]| symbols.iter().map(|&s| text(s)).collect::<Vec<_>>();
    let meta = &dataset.meta;
    DatasetFile {
        format: Text::borrowed(FORMAT),
        version: VERSION,
        meta: MetaRecord {
            title: plain(&meta.title),
            description: plain(&meta.description),
            release: plain(&meta.release),
            cutoff: meta.cutoff,
            licence: plain(&meta.licence),
            authors: meta.authors.iter().map(|a| plain(a)).collect(),
            changelog: meta.changelog.iter().map(|c| ChangelogRecord { date: c.date, text: plain(&c.text) }).collect(),
        },
        actors: dataset
            .actors
            .iter()
            .map(|r| ActorRecord {
                id: text(r.id),
                name: plain(&r.name),
                kind: r.kind,
                sources: texts(&r.provenance.sources),
                confidence: r.provenance.confidence,
                notes: plain(&r.provenance.notes),
            })
            .collect(),
        sources: dataset
            .sources
            .iter()
            .map(|r| SourceRecord {
                id: text(r.id),
                title: plain(&r.title),
                publisher: plain(&r.publisher),
                url: plain(&r.url),
                published: r.published,
                accessed: r.accessed,
                notes: plain(&r.notes),
            })
            .collect(),
        events: dataset
            .events
            .iter()
            .map(|r| EventRecord {
                id: text(r.id),
                date: r.date,
                kind: r.kind,
                title: plain(&r.title),
                location: plain(&r.location),
                related: texts(&r.related),
                sources: texts(&r.provenance.sources),
                confidence: r.provenance.confidence,
                notes: plain(&r.provenance.notes),
            })
            .collect(),
        commitments: dataset
            .commitments
            .iter()
            .map(|r| CommitmentRecord {
                id: text(r.id),
                title: plain(&r.title),
                kind: r.kind,
                status: r.status,
                origin: r.origin.map(text),
                parties: texts(&r.parties),
                category: r.category.map(text),
                adopted: r.adopted,
                horizon: r.horizon,
                value: r.value.as_ref().map(money_to_wire),
                description: plain(&r.description),
                parent: r.parent.map(text),
                sources: texts(&r.provenance.sources),
                confidence: r.provenance.confidence,
                notes: plain(&r.provenance.notes),
            })
            .collect(),
        acquisitions: dataset
            .acquisitions
            .iter()
            .map(|r| AcquisitionRecord {
                id: text(r.id),
                system: text(r.system),
                category: text(r.category),
                buyers: texts(&r.buyers),
                agency: r.agency.map(text),
                supplier: r.supplier.map(text),
                stage: r.stage,
                quantity: r.quantity.as_ref().map(|q| QuantityRecord {
                    count: q.count,
                    unit: q.unit.map(text),
                    qualifier: q.qualifier,
                    text: q.text.as_deref().map(plain),
                }),
                value: r.value.as_ref().map(money_to_wire),
                date: r.date,
                delivery: r.delivery,
                parent: r.parent.map(text),
                commitment: r.commitment.map(text),
                sources: texts(&r.sources),
                confidence: r.confidence,
                notes: plain(r.notes.as_deref().unwrap_or("")),
            })
            .collect(),
    }
}
