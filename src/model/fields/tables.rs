//! The five field tables, in file order. The order is the CSV column order and the order parts are read in.

use super::{Field, Kind, SortKey, Table, Value};
use crate::model::{
    Acquisition, Actor, ActorKind, Collection, Commitment, CommitmentKind, CommitmentStatus, Confidence, Dataset,
    Event, EventKind, FuzzyDate, Money, MoneyQualifier, PartialDate, Provenance, Quantity, QuantityQualifier, Record,
    Records, Source, Stage, Symbol, Symbols, Vocabulary, group_thousands, parse_deliveries, write_deliveries,
};

fn push_date(out: &mut String, date: Option<FuzzyDate>) {
    if let Some(date) = date {
        out.push_str(&date.to_string());
    }
}

fn push_list(out: &mut String, dataset: &Dataset, ids: &[Symbol]) {
    for (position, &id) in ids.iter().enumerate() {
        if position > 0 {
            out.push(super::LIST_SEPARATOR);
        }
        out.push_str(dataset.text(id));
    }
}

fn push_number(out: &mut String, number: Option<impl ToString>) {
    if let Some(number) = number {
        out.push_str(&number.to_string());
    }
}

/// Actors by name, as tables show buyers and parties.
fn names(dataset: &Dataset, ids: &[Symbol]) -> String {
    ids.iter().map(|&id| dataset.actor_name(id)).collect::<Vec<_>>().join(", ")
}

/// Ids as tables show sources.
fn ids(dataset: &Dataset, ids: &[Symbol]) -> String {
    ids.iter().map(|&id| dataset.text(id)).collect::<Vec<_>>().join(", ")
}

fn human(date: Option<FuzzyDate>) -> String {
    date.map(|date| date.human()).unwrap_or_default()
}

fn date_key(date: Option<FuzzyDate>) -> SortKey {
    date.map_or(SortKey::Missing, |date| SortKey::Number(f64::from(date.sort_key())))
}

fn symbol_key(symbol: Option<Symbol>) -> SortKey {
    symbol.map_or(SortKey::Missing, SortKey::Symbol)
}

fn order(value: impl Vocabulary) -> SortKey {
    SortKey::Number(value.position() as f64)
}

fn text_key(text: &str) -> SortKey {
    if text.is_empty() { SortKey::Missing } else { SortKey::Text(text.to_lowercase()) }
}

/// Sets a vocabulary field; an empty text keeps the value a new record starts with.
fn set_word<T: Vocabulary>(slot: &mut T, value: Value<'_>) -> Result<(), String> {
    if let Some(word) = value.word() {
        *slot = word;
    }
    Ok(())
}

const fn vocabulary<T: Vocabulary>() -> Kind {
    Kind::Vocabulary(T::CHOICES)
}

const SOURCES: Kind = Kind::References(Collection::Sources);
const ACTOR: Kind = Kind::Reference(Collection::Actors);
const ACTORS: Kind = Kind::References(Collection::Actors);

/// An optional EDTF date field of a record: shown as a reader writes it, sorted by when it starts.
macro_rules! date_field {
    ($T:ident, $key:literal, $label:literal, $field:ident) => {
        Field::<$T>::new(
            $key,
            $label,
            Kind::Date,
            |r, _, out| push_date(out, r.$field),
            |r, v, _| {
                r.$field = v.date();
                Ok(())
            },
        )
        .display(|r, _| human(r.$field))
        .sort(|r, _| date_key(r.$field))
    };
}

/// A free-text field on one line.
macro_rules! text_field {
    ($T:ident, $key:literal, $label:literal, $field:ident) => {
        Field::<$T>::new(
            $key,
            $label,
            Kind::Text,
            |r, _, out| out.push_str(&r.$field),
            |r, v, _| {
                r.$field = v.text().into();
                Ok(())
            },
        )
    };
}

/// The record's id.
macro_rules! id_field {
    ($T:ident) => {
        Field::<$T>::new("id", "Id", Kind::Id, |r, d, out| out.push_str(d.text(r.id)), |_, _, _| Ok(()))
            .sort(|r, _| SortKey::Symbol(r.id))
    };
}

/// An optional interned word or reference to a record, sorted by its text.
macro_rules! reference_field {
    ($T:ident, $key:literal, $label:literal, $kind:expr, $field:ident) => {
        Field::<$T>::new(
            $key,
            $label,
            $kind,
            |r, d, out| out.push_str(d.text_or_empty(r.$field)),
            |r, v, s| {
                r.$field = v.symbol(s);
                Ok(())
            },
        )
        .sort(|r, _| symbol_key(r.$field))
    };
}

/// The fields every record but a source and an acquisition carries, at the end of its table: sources,
/// confidence, notes.
macro_rules! provenance_fields {
    ($T:ty) => {
        [
            Field::<$T>::new(
                "sources",
                "Sources",
                SOURCES,
                |r, d, out| push_list(out, d, &r.provenance.sources),
                |r, v, s| {
                    r.provenance.sources = v.symbols(s);
                    Ok(())
                },
            )
            .display(|r, d| ids(d, &r.provenance.sources))
            .sort(|r, _| symbol_key(r.provenance.sources.first().copied())),
            Field::<$T>::new(
                "confidence",
                "Confidence",
                vocabulary::<Confidence>(),
                |r, _, out| out.push_str(r.provenance.confidence.key()),
                |r, v, _| set_word(&mut r.provenance.confidence, v),
            )
            .display(|r, _| r.provenance.confidence.label().to_owned())
            .sort(|r, _| order(r.provenance.confidence))
            .required(),
            Field::<$T>::new(
                "notes",
                "Notes",
                Kind::LongText,
                |r, _, out| out.push_str(&r.provenance.notes),
                |r, v, _| {
                    r.provenance.notes = v.text().to_owned();
                    Ok(())
                },
            ),
        ]
    };
}

fn provenance() -> Provenance {
    Provenance { sources: Vec::new(), confidence: Confidence::Low, notes: String::new() }
}

type ActorField = Field<Actor>;
const ACTOR_PROVENANCE: [ActorField; 3] = provenance_fields!(Actor);

impl Table for Actor {
    const COLLECTION: Collection = Collection::Actors;
    const FIELDS: &'static [ActorField] = &[
        id_field!(Actor).column(150.0),
        text_field!(Actor, "name", "Name", name).column(320.0).cell_edit(),
        ActorField::new(
            "kind",
            "Kind",
            vocabulary::<ActorKind>(),
            |r, _, out| out.push_str(r.kind.key()),
            |r, v, _| set_word(&mut r.kind, v),
        )
        .display(|r, _| r.kind.label().to_owned())
        .sort(|r, _| order(r.kind))
        .required()
        .column(120.0)
        .cell_edit(),
        ACTOR_PROVENANCE[0],
        ACTOR_PROVENANCE[1],
        ACTOR_PROVENANCE[2].column(400.0).cell_edit(),
    ];

    fn blank(id: Symbol) -> Self {
        Actor { id, name: Box::default(), kind: ActorKind::State, provenance: provenance() }
    }

    fn id(&self) -> Symbol {
        self.id
    }

    fn all(dataset: &Dataset) -> &Records<Self> {
        &dataset.actors
    }

    fn into_record(self) -> Record {
        Record::Actor(self)
    }
}

type SourceField = Field<Source>;

impl Table for Source {
    const COLLECTION: Collection = Collection::Sources;
    const FIELDS: &'static [SourceField] = &[
        id_field!(Source).column(170.0),
        text_field!(Source, "title", "Title", title).column(380.0).cell_edit(),
        text_field!(Source, "publisher", "Publisher", publisher).column(180.0).cell_edit(),
        text_field!(Source, "url", "Link", url).column(300.0).cell_edit(),
        date_field!(Source, "published", "Published", published).column(100.0).cell_edit(),
        date_field!(Source, "accessed", "Accessed", accessed),
        SourceField::new(
            "notes",
            "Notes",
            Kind::LongText,
            |r, _, out| out.push_str(&r.notes),
            |r, v, _| {
                r.notes = v.text().to_owned();
                Ok(())
            },
        ),
    ];

    fn blank(id: Symbol) -> Self {
        Source {
            id,
            title: String::new(),
            publisher: String::new(),
            url: String::new(),
            published: None,
            accessed: None,
            notes: String::new(),
        }
    }

    fn id(&self) -> Symbol {
        self.id
    }

    fn all(dataset: &Dataset) -> &Records<Self> {
        &dataset.sources
    }

    fn into_record(self) -> Record {
        Record::Source(self)
    }
}

type EventField = Field<Event>;
const EVENT_PROVENANCE: [EventField; 3] = provenance_fields!(Event);

impl Table for Event {
    const COLLECTION: Collection = Collection::Events;
    const FIELDS: &'static [EventField] = &[
        id_field!(Event),
        EventField::new(
            "date",
            "Date",
            Kind::Date,
            |r, _, out| out.push_str(&r.date.to_string()),
            |r, v, _| {
                if let Some(date) = v.date() {
                    r.date = date;
                }
                Ok(())
            },
        )
        .display(|r, _| r.date.human())
        .sort(|r, _| date_key(Some(r.date)))
        .required()
        .column(170.0)
        .cell_edit(),
        EventField::new(
            "kind",
            "Kind",
            vocabulary::<EventKind>(),
            |r, _, out| out.push_str(r.kind.key()),
            |r, v, _| set_word(&mut r.kind, v),
        )
        .display(|r, _| r.kind.label().to_owned())
        .sort(|r, _| order(r.kind))
        .required()
        .column(100.0)
        .cell_edit(),
        text_field!(Event, "title", "Title", title).column(380.0).cell_edit(),
        text_field!(Event, "location", "Location", location).column(140.0).cell_edit(),
        EventField::new(
            "related",
            "Related",
            Kind::AnyReferences,
            |r, d, out| push_list(out, d, &r.related),
            |r, v, s| {
                r.related = v.symbols(s);
                Ok(())
            },
        )
        .display(|r, d| ids(d, &r.related)),
        EVENT_PROVENANCE[0].column(200.0),
        EVENT_PROVENANCE[1].column(80.0).cell_edit(),
        EVENT_PROVENANCE[2],
    ];

    fn blank(id: Symbol) -> Self {
        // A date is required: the reader always sets it, and a new record starts at today.
        Event {
            id,
            date: FuzzyDate::Single(PartialDate::of_year(2024)),
            kind: EventKind::Other,
            title: String::new(),
            location: String::new(),
            related: Vec::new(),
            provenance: provenance(),
        }
    }

    fn id(&self) -> Symbol {
        self.id
    }

    fn all(dataset: &Dataset) -> &Records<Self> {
        &dataset.events
    }

    fn into_record(self) -> Record {
        Record::Event(self)
    }
}

/// The four parts of a sum of money (`value`, `value_currency`, `value_qualifier`, `value_price_year`)
/// of a record type whose money sits in `$value`. The amount comes first: the other parts need it.
macro_rules! money_fields {
    ($T:ty) => {
        [
            Field::<$T>::new(
                "value",
                "Value",
                Kind::Amount,
                |r, _, out| push_number(out, r.value.map(|m| m.amount)),
                |r, v, _| {
                    r.value = v.amount().map(|amount| Money {
                        amount,
                        currency: NO_CURRENCY,
                        qualifier: MoneyQualifier::Exact,
                        price_year: None,
                    });
                    Ok(())
                },
            )
            .display(|r, _| r.value.map(|v| v.display()).unwrap_or_default())
            .sort(|r, _| r.value.map_or(SortKey::Missing, |v| SortKey::Number(v.amount))),
            Field::<$T>::new(
                "value_currency",
                "Currency",
                Kind::Currency,
                |r, _, out| out.push_str(r.value.as_ref().map_or("", |m| m.currency.as_str())),
                |r, v, _| set_currency(&mut r.value, v),
            ),
            Field::<$T>::new(
                "value_qualifier",
                "Value qualifier",
                vocabulary::<MoneyQualifier>(),
                |r, _, out| out.push_str(r.value.as_ref().map_or("", |m| m.qualifier.key())),
                |r, v, _| {
                    if let (Some(money), Some(qualifier)) = (r.value.as_mut(), v.word()) {
                        money.qualifier = qualifier;
                    }
                    Ok(())
                },
            ),
            Field::<$T>::new(
                "value_price_year",
                "Price year",
                Kind::Year,
                |r, _, out| push_number(out, r.value.and_then(|m| m.price_year)),
                |r, v, _| {
                    if let Some(money) = r.value.as_mut() {
                        money.price_year = v.year();
                    }
                    Ok(())
                },
            ),
        ]
    };
}

/// The currency of an amount read before any currency: never left in a record, since
/// [`set_currency`] requires a code wherever there is an amount.
const NO_CURRENCY: crate::model::Currency = crate::model::Currency::NONE;

fn set_currency(money: &mut Option<Money>, value: Value<'_>) -> Result<(), String> {
    match (money.as_mut(), value.currency()) {
        (Some(money), Some(currency)) => money.currency = currency,
        (Some(_), None) => return Err("is empty, but a value needs its currency (e.g. EUR)".to_owned()),
        // A currency without an amount says nothing.
        (None, _) => {}
    }
    Ok(())
}

type CommitmentField = Field<Commitment>;
const COMMITMENT_PROVENANCE: [CommitmentField; 3] = provenance_fields!(Commitment);
const COMMITMENT_MONEY: [CommitmentField; 4] = money_fields!(Commitment);

impl Table for Commitment {
    const COLLECTION: Collection = Collection::Commitments;
    const FIELDS: &'static [CommitmentField] = &[
        id_field!(Commitment),
        text_field!(Commitment, "title", "Title", title).column(320.0).cell_edit(),
        CommitmentField::new(
            "kind",
            "Kind",
            vocabulary::<CommitmentKind>(),
            |r, _, out| out.push_str(r.kind.key()),
            |r, v, _| set_word(&mut r.kind, v),
        )
        .display(|r, _| r.kind.label().to_owned())
        .sort(|r, _| order(r.kind))
        .required()
        .column(90.0),
        CommitmentField::new(
            "status",
            "Status",
            vocabulary::<CommitmentStatus>(),
            |r, _, out| out.push_str(r.status.key()),
            |r, v, _| set_word(&mut r.status, v),
        )
        .display(|r, _| r.status.label().to_owned())
        .sort(|r, _| order(r.status))
        .required()
        .column(90.0)
        .cell_edit(),
        CommitmentField::new(
            "origin",
            "Origin",
            Kind::Reference(Collection::Events),
            |r, d, out| out.push_str(d.text_or_empty(r.origin)),
            |r, v, s| {
                r.origin = v.symbol(s);
                Ok(())
            },
        )
        // The event's title, or its id when the dataset does not have it.
        .display(|r, d| match r.origin {
            Some(id) => d.events.iter().find(|e| e.id == id).map_or_else(|| d.text(id).to_owned(), |e| e.title.clone()),
            None => String::new(),
        })
        .sort(|r, _| symbol_key(r.origin))
        .column(160.0),
        CommitmentField::new(
            "parties",
            "Parties",
            ACTORS,
            |r, d, out| push_list(out, d, &r.parties),
            |r, v, s| {
                r.parties = v.symbols(s);
                Ok(())
            },
        )
        .display(|r, d| names(d, &r.parties))
        .sort(|r, _| symbol_key(r.parties.first().copied()))
        .column(160.0),
        reference_field!(Commitment, "category", "Category", Kind::Word, category).column(140.0).cell_edit(),
        date_field!(Commitment, "adopted", "Adopted", adopted).column(100.0).cell_edit(),
        date_field!(Commitment, "horizon", "Horizon", horizon).column(130.0).cell_edit(),
        COMMITMENT_MONEY[0].column(110.0),
        COMMITMENT_MONEY[1],
        COMMITMENT_MONEY[2],
        COMMITMENT_MONEY[3],
        CommitmentField::new(
            "description",
            "Description",
            Kind::LongText,
            |r, _, out| out.push_str(&r.description),
            |r, v, _| {
                r.description = v.text().to_owned();
                Ok(())
            },
        ),
        reference_field!(Commitment, "parent", "Parent", Kind::Reference(Collection::Commitments), parent),
        COMMITMENT_PROVENANCE[0].column(200.0),
        COMMITMENT_PROVENANCE[1],
        COMMITMENT_PROVENANCE[2],
    ];

    fn blank(id: Symbol) -> Self {
        Commitment {
            id,
            title: String::new(),
            kind: CommitmentKind::Other,
            status: CommitmentStatus::Proposed,
            origin: None,
            parties: Vec::new(),
            category: None,
            adopted: None,
            horizon: None,
            value: None,
            description: String::new(),
            parent: None,
            provenance: provenance(),
        }
    }

    fn id(&self) -> Symbol {
        self.id
    }

    fn all(dataset: &Dataset) -> &Records<Self> {
        &dataset.commitments
    }

    fn into_record(self) -> Record {
        Record::Commitment(self)
    }
}

/// Delivered to date as a table cell shows it: "30 of 35 aircraft", "≈ 30 approx.", nothing when there are
/// no deliveries.
fn delivered_shown(record: &Acquisition, dataset: &Dataset) -> String {
    if record.deliveries.is_empty() {
        return String::new();
    }
    let delivered = record.delivered();
    match record.quantity.as_ref().filter(|quantity| quantity.count.is_some()) {
        Some(ordered) if delivered.is_exact() => format!(
            "{} of {}",
            group_thousands(delivered.exact as f64, 0),
            ordered.display(dataset.text_or_empty(ordered.unit))
        ),
        _ => delivered.describe(),
    }
}

/// The quantity of an acquisition, made when a part of it is given.
fn quantity(record: &mut Acquisition) -> &mut Quantity {
    record.quantity.get_or_insert(Quantity { count: None, unit: None, qualifier: QuantityQualifier::Exact, text: None })
}

type AcquisitionField = Field<Acquisition>;
const ACQUISITION_MONEY: [AcquisitionField; 4] = money_fields!(Acquisition);

impl Table for Acquisition {
    const COLLECTION: Collection = Collection::Acquisitions;
    const FIELDS: &'static [AcquisitionField] = &[
        id_field!(Acquisition),
        AcquisitionField::new(
            "system",
            "System",
            Kind::Word,
            |r, d, out| out.push_str(d.text(r.system)),
            |r, v, s| {
                r.system = s.intern(v.text());
                Ok(())
            },
        )
        .sort(|r, _| SortKey::Symbol(r.system))
        .column(220.0)
        .cell_edit(),
        AcquisitionField::new(
            "category",
            "Category",
            Kind::Word,
            |r, d, out| out.push_str(d.text(r.category)),
            |r, v, s| {
                r.category = s.intern(v.text());
                Ok(())
            },
        )
        .sort(|r, _| SortKey::Symbol(r.category))
        .column(160.0)
        .cell_edit(),
        AcquisitionField::new(
            "buyers",
            "Buyers",
            ACTORS,
            |r, d, out| push_list(out, d, &r.buyers),
            |r, v, s| {
                r.buyers = v.symbols::<Symbols>(s);
                Ok(())
            },
        )
        .display(|r, d| names(d, &r.buyers))
        .sort(|r, d| r.buyers.first().map_or(SortKey::Missing, |&b| text_key(d.actor_name(b))))
        .column(180.0),
        AcquisitionField::new(
            "recipient",
            "Recipient",
            ACTOR,
            |r, d, out| out.push_str(d.text_or_empty(r.recipient)),
            |r, v, s| {
                r.recipient = v.symbol(s);
                Ok(())
            },
        )
        .display(|r, d| r.recipient.map(|a| d.actor_name(a).to_owned()).unwrap_or_default())
        .sort(|r, _| symbol_key(r.recipient)),
        AcquisitionField::new(
            "agency",
            "Agency",
            ACTOR,
            |r, d, out| out.push_str(d.text_or_empty(r.agency)),
            |r, v, s| {
                r.agency = v.symbol(s);
                Ok(())
            },
        )
        .display(|r, d| r.agency.map(|a| d.actor_name(a).to_owned()).unwrap_or_default())
        .sort(|r, _| symbol_key(r.agency))
        .column(90.0),
        AcquisitionField::new(
            "supplier",
            "Supplier",
            ACTOR,
            |r, d, out| out.push_str(d.text_or_empty(r.supplier)),
            |r, v, s| {
                r.supplier = v.symbol(s);
                Ok(())
            },
        )
        .display(|r, d| r.supplier.map(|a| d.actor_name(a).to_owned()).unwrap_or_default())
        .sort(|r, _| symbol_key(r.supplier)),
        AcquisitionField::new(
            "stage",
            "Stage",
            vocabulary::<Stage>(),
            |r, _, out| out.push_str(r.stage.key()),
            |r, v, _| set_word(&mut r.stage, v),
        )
        .display(|r, _| r.stage.label().to_owned())
        .sort(|r, _| order(r.stage))
        .required()
        .column(90.0)
        .cell_edit(),
        AcquisitionField::new(
            "quantity",
            "Quantity",
            Kind::Count,
            |r, _, out| push_number(out, r.quantity.as_ref().and_then(|q| q.count)),
            |r, v, _| {
                if let Some(count) = v.count() {
                    quantity(r).count = Some(count);
                }
                Ok(())
            },
        )
        .display(|r, d| r.quantity.as_ref().map(|q| q.display(d.text_or_empty(q.unit))).unwrap_or_default())
        .sort(|r, _| r.quantity.as_ref().and_then(|q| q.count).map_or(SortKey::Missing, |c| SortKey::Number(c as f64)))
        .column(170.0),
        AcquisitionField::new(
            "quantity_qualifier",
            "Quantity qualifier",
            vocabulary::<QuantityQualifier>(),
            |r, _, out| out.push_str(r.quantity.as_ref().map_or("", |q| q.qualifier.key())),
            |r, v, _| {
                if let Some(qualifier) = v.word() {
                    quantity(r).qualifier = qualifier;
                }
                Ok(())
            },
        ),
        AcquisitionField::new(
            "quantity_unit",
            "Unit",
            Kind::Word,
            |r, d, out| out.push_str(d.text_or_empty(r.quantity.as_ref().and_then(|q| q.unit))),
            |r, v, s| {
                if let Some(unit) = v.symbol(s) {
                    quantity(r).unit = Some(unit);
                }
                Ok(())
            },
        ),
        AcquisitionField::new(
            "quantity_text",
            "Quantity in words",
            Kind::Text,
            |r, _, out| out.push_str(r.quantity.as_ref().and_then(|q| q.text.as_deref()).unwrap_or("")),
            |r, v, _| {
                if let Some(text) = v.boxed() {
                    quantity(r).text = Some(text);
                }
                Ok(())
            },
        ),
        ACQUISITION_MONEY[0].column(130.0),
        ACQUISITION_MONEY[1],
        ACQUISITION_MONEY[2],
        ACQUISITION_MONEY[3],
        date_field!(Acquisition, "date", "Date", date).column(100.0).cell_edit(),
        date_field!(Acquisition, "delivery", "Delivery", delivery).column(120.0).cell_edit(),
        AcquisitionField::new(
            "deliveries",
            "Deliveries",
            Kind::Deliveries,
            |r, d, out| write_deliveries(&r.deliveries, &d.strings, out),
            |r, v, s| {
                r.deliveries = parse_deliveries(v.text(), s)?;
                Ok(())
            },
        )
        .display(delivered_shown)
        .sort(
            |r, _| {
                if r.deliveries.is_empty() { SortKey::Missing } else { SortKey::Number(r.delivered().reach() as f64) }
            },
        )
        .column(130.0),
        reference_field!(Acquisition, "parent", "Framework", Kind::Reference(Collection::Acquisitions), parent),
        reference_field!(Acquisition, "commitment", "Commitment", Kind::Reference(Collection::Commitments), commitment),
        AcquisitionField::new(
            "sources",
            "Sources",
            SOURCES,
            |r, d, out| push_list(out, d, &r.sources),
            |r, v, s| {
                r.sources = v.symbols::<Symbols>(s);
                Ok(())
            },
        )
        .display(|r, d| ids(d, &r.sources))
        .sort(|r, _| symbol_key(r.sources.first().copied()))
        .column(200.0),
        AcquisitionField::new(
            "confidence",
            "Confidence",
            vocabulary::<Confidence>(),
            |r, _, out| out.push_str(r.confidence.key()),
            |r, v, _| set_word(&mut r.confidence, v),
        )
        .display(|r, _| r.confidence.label().to_owned())
        .sort(|r, _| order(r.confidence))
        .required()
        .column(80.0)
        .cell_edit(),
        AcquisitionField::new(
            "notes",
            "Notes",
            Kind::LongText,
            |r, _, out| out.push_str(r.notes.as_deref().unwrap_or("")),
            |r, v, _| {
                r.notes = v.boxed();
                Ok(())
            },
        ),
    ];

    fn blank(id: Symbol) -> Self {
        // The string pool's first symbol stands in for system and category until they are read.
        Acquisition {
            id,
            system: id,
            category: id,
            buyers: Symbols::new(),
            recipient: None,
            agency: None,
            supplier: None,
            stage: Stage::Planned,
            quantity: None,
            value: None,
            date: None,
            delivery: None,
            deliveries: Box::default(),
            parent: None,
            commitment: None,
            sources: Symbols::new(),
            confidence: Confidence::Low,
            notes: None,
        }
    }

    fn same_across(&self, other: &Self, translate: &[Option<Symbol>]) -> bool {
        // The symbols moved into the other pool, then the records compared whole: a million unchanged
        // records are told apart from changed ones without writing any field as text.
        let mut copy = self.clone();
        let mut untranslated = false;
        copy.map_symbols(|symbol| match translate.get(symbol.index()).copied().flatten() {
            Some(there) => there,
            None => {
                untranslated = true;
                symbol
            }
        });
        !untranslated && copy == *other
    }

    fn id(&self) -> Symbol {
        self.id
    }

    fn all(dataset: &Dataset) -> &Records<Self> {
        &dataset.acquisitions
    }

    fn into_record(self) -> Record {
        Record::Acquisition(self)
    }
}
