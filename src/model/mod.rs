//! The dataset as the app holds it in memory: pure data, no egui, no file formats.
//!
//! Built for a million acquisitions: every repeated string (ids, countries, systems, categories, units)
//! is a [`Symbol`] into the dataset's [`Interner`], and the value types are small and `Copy` where they can be.
//! File formats live in `io`, which converts to and from this model.

mod amount;
mod columns;
pub mod countries;
mod delivery;
pub mod fields;
mod fuzzy_date;
mod intern;
mod records;
pub mod references;
pub mod validate;

use serde::{Deserialize, Serialize};

pub use amount::{
    Currency, Money, MoneyQualifier, Quantity, QuantityQualifier, count_text, counted, group_thousands, plural,
    short_amount,
};
pub use columns::{AcquisitionColumns, Amounts, Kind};
pub use delivery::{Delivered, Delivery, count_parts, parse_deliveries, write_deliveries};
pub use fuzzy_date::{Bound, DateError, DateQualifier, FuzzyDate, PartialDate, Precision};
pub use intern::{Interner, Symbol, SymbolSet};
pub use records::{Columnar, Linked, Records};

/// A short list of ids held inline: an acquisition's buyers or sources. The size of a `Vec`, with no
/// allocation for up to four.
pub type Symbols = smallvec::SmallVec<[Symbol; 4]>;

/// A closed list of values, each with its file name (the JSON and CSV word, "up_to") and its label ("up to").
pub trait Vocabulary: Copy + Eq + 'static {
    const ALL: &'static [Self];
    /// (file name, label) of every value, in the order of `ALL`.
    const CHOICES: &'static [(&'static str, &'static str)];

    /// The position of the value in `ALL`.
    fn position(self) -> usize;

    /// The word in files.
    fn key(self) -> &'static str {
        Self::CHOICES[self.position()].0
    }
}

/// Declares a closed vocabulary: its file names, its labels, and the list of all values.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident $key:literal => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $key)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word shown to readers.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl Vocabulary for $name {
            const ALL: &'static [$name] = $name::ALL;
            const CHOICES: &'static [(&'static str, &'static str)] = &[$(($key, $label)),+];

            fn position(self) -> usize {
                self as usize
            }
        }
    };
}

vocabulary! {
    /// How far an acquisition has gone. Stages are never added together.
    Stage {
        Planned "planned" => "planned",
        Announced "announced" => "announced",
        Contracted "contracted" => "contracted",
        Delivering "delivering" => "delivering",
        Delivered "delivered" => "delivered",
        Cancelled "cancelled" => "cancelled",
    }
}

vocabulary! {
    /// How well the record is supported: high (official, or several independent sources agree),
    /// medium (one good secondary source), low (inferred).
    Confidence {
        High "high" => "high",
        Medium "medium" => "medium",
        Low "low" => "low",
    }
}

vocabulary! {
    ActorKind {
        State "state" => "state",
        Organisation "organisation" => "organisation",
        Company "company" => "company",
        /// A group named as a whole by a source ("Allies across Europe and Canada").
        Group "group" => "group",
    }
}

vocabulary! {
    EventKind {
        Summit "summit" => "summit",
        Agreement "agreement" => "agreement",
        Contract "contract" => "contract",
        Announcement "announcement" => "announcement",
        Delivery "delivery" => "delivery",
        Other "other" => "other",
    }
}

vocabulary! {
    CommitmentKind {
        ActionPlan "action_plan" => "action plan",
        Pledge "pledge" => "pledge",
        /// One action of a pledge or plan.
        Action "action" => "action",
        Target "target" => "target",
        Programme "programme" => "programme",
        Regulation "regulation" => "regulation",
        Strategy "strategy" => "strategy",
        Other "other" => "other",
    }
}

vocabulary! {
    CommitmentStatus {
        Proposed "proposed" => "proposed",
        Adopted "adopted" => "adopted",
        InProgress "in_progress" => "in progress",
        Completed "completed" => "completed",
        Lapsed "lapsed" => "lapsed",
    }
}

/// The collections of a dataset, for messages, tables and CSV files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Collection {
    Actors,
    Sources,
    Events,
    Commitments,
    Acquisitions,
}

impl Collection {
    pub const ALL: [Collection; 5] = [
        Collection::Actors,
        Collection::Sources,
        Collection::Events,
        Collection::Commitments,
        Collection::Acquisitions,
    ];

    /// The key in the JSON file and the stem of the CSV file.
    pub fn key(self) -> &'static str {
        match self {
            Collection::Actors => "actors",
            Collection::Sources => "sources",
            Collection::Events => "events",
            Collection::Commitments => "commitments",
            Collection::Acquisitions => "acquisitions",
        }
    }

    /// The order of the tables in the app.
    pub const IN_VIEW_ORDER: [Collection; 5] = [
        Collection::Acquisitions,
        Collection::Commitments,
        Collection::Events,
        Collection::Sources,
        Collection::Actors,
    ];

    pub fn from_key(key: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|collection| collection.key() == key)
    }

    /// The name of its table: "Acquisitions".
    pub fn label(self) -> &'static str {
        match self {
            Collection::Actors => "Actors",
            Collection::Sources => "Sources",
            Collection::Events => "Events",
            Collection::Commitments => "Commitments",
            Collection::Acquisitions => "Acquisitions",
        }
    }

    /// One of its records: "acquisition".
    pub fn singular(self) -> &'static str {
        match self {
            Collection::Actors => "actor",
            Collection::Sources => "source",
            Collection::Events => "event",
            Collection::Commitments => "commitment",
            Collection::Acquisitions => "acquisition",
        }
    }
}

/// What the dataset says about itself: release, cut-off, licence, history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// A label for this release, e.g. "2025.1".
    pub release: String,
    /// The last date the data covers.
    pub cutoff: Option<FuzzyDate>,
    pub licence: String,
    pub authors: Vec<String>,
    pub changelog: Vec<ChangelogEntry>,
}

/// One "Updates and Corrections" entry.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangelogEntry {
    pub date: FuzzyDate,
    pub text: String,
}

/// What every record carries besides its own fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Provenance {
    /// Ids of the sources that support the record.
    pub sources: Vec<Symbol>,
    pub confidence: Confidence,
    pub notes: String,
}

/// A state (ISO 3166-1 alpha-3 id), an organisation (NATO, NSPA, EU), a company or a named group.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    pub id: Symbol,
    /// Boxed, not a `String`: ten million tiny actors are 80 MB smaller.
    pub name: Box<str>,
    pub kind: ActorKind,
    pub provenance: Provenance,
}

/// A publication that records cite.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    pub id: Symbol,
    pub title: String,
    pub publisher: String,
    pub url: String,
    pub published: Option<FuzzyDate>,
    pub accessed: Option<FuzzyDate>,
    pub notes: String,
}

impl Source {
    /// The source's link if it is one the app may open or write into a report: http or https only, so
    /// that no `javascript:`, `file:` or other scheme taken from data ever runs.
    pub fn safe_url(&self) -> Option<&str> {
        let url = self.url.trim();
        (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
    }
}

/// Something that happened on a date: a summit, an agreement, a contract, an announcement.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub id: Symbol,
    pub date: FuzzyDate,
    pub kind: EventKind,
    pub title: String,
    pub location: String,
    /// Ids of records in any collection that the event concerns.
    pub related: Vec<Symbol>,
    pub provenance: Provenance,
}

/// A plan, pledge, target or programme, or one action of one.
#[derive(Clone, Debug, PartialEq)]
pub struct Commitment {
    pub id: Symbol,
    pub title: String,
    pub kind: CommitmentKind,
    pub status: CommitmentStatus,
    /// The event where it was adopted or presented (an event id).
    pub origin: Option<Symbol>,
    /// Actor ids.
    pub parties: Vec<Symbol>,
    pub category: Option<Symbol>,
    pub adopted: Option<FuzzyDate>,
    /// The deadline or period it runs for ("over the next five years").
    pub horizon: Option<FuzzyDate>,
    pub value: Option<Money>,
    pub description: String,
    /// The plan or pledge this is an action of, or builds on (a commitment id).
    pub parent: Option<Symbol>,
    pub provenance: Provenance,
}

/// An order or a planned buy of a system. Kept compact: a million of these must fit in memory easily.
#[derive(Clone, Debug, PartialEq)]
pub struct Acquisition {
    pub id: Symbol,
    pub system: Symbol,
    pub category: Symbol,
    /// Actor ids of the buying states or organisations.
    pub buyers: Symbols,
    /// Who receives what is bought, when not the buyers themselves (a transfer, aid): an actor id.
    pub recipient: Option<Symbol>,
    /// The agency that buys on their behalf (e.g. NSPA), an actor id.
    pub agency: Option<Symbol>,
    /// The contractor, an actor id.
    pub supplier: Option<Symbol>,
    pub stage: Stage,
    pub quantity: Option<Quantity>,
    pub value: Option<Money>,
    /// When it was announced or ordered.
    pub date: Option<FuzzyDate>,
    /// The delivery window.
    pub delivery: Option<FuzzyDate>,
    /// What has been delivered, in order of date; delivered-to-date is their sum.
    pub deliveries: Box<[Delivery]>,
    /// The framework contract this is a national order under (an acquisition id).
    pub parent: Option<Symbol>,
    /// The commitment it serves (a commitment id).
    pub commitment: Option<Symbol>,
    pub sources: Symbols,
    pub confidence: Confidence,
    pub notes: Option<Box<str>>,
}

impl Linked for Commitment {
    fn parent(&self) -> Option<Symbol> {
        self.parent
    }
}

impl Linked for Acquisition {
    fn parent(&self) -> Option<Symbol> {
        self.parent
    }
}

impl Acquisition {
    /// What has been delivered to date, summed from the deliveries.
    pub fn delivered(&self) -> Delivered {
        Delivered::of(&self.deliveries)
    }

    /// Who receives the order: its recipient, else its buyers.
    pub fn recipients(&self) -> &[Symbol] {
        match &self.recipient {
            Some(recipient) => std::slice::from_ref(recipient),
            None => &self.buyers,
        }
    }

    /// Replaces each symbol the record holds with `map(symbol)`, to move the record into another string
    /// pool (loading on several cores interns each part of the file in a pool of its own).
    pub fn map_symbols(&mut self, mut map: impl FnMut(Symbol) -> Symbol) {
        // Every field named, so that a new field holding symbols cannot be forgotten here.
        let Acquisition {
            id,
            system,
            category,
            buyers,
            recipient,
            agency,
            supplier,
            stage: _,
            quantity,
            value: _,
            date: _,
            delivery: _,
            deliveries,
            parent,
            commitment,
            sources,
            confidence: _,
            notes: _,
        } = self;
        let delivery_sources = deliveries.iter_mut().flat_map(|delivery| delivery.sources.iter_mut());
        for symbol in [id, system, category]
            .into_iter()
            .chain(buyers.iter_mut())
            .chain(sources.iter_mut())
            .chain(delivery_sources)
        {
            *symbol = map(*symbol);
        }
        let unit = quantity.as_mut().and_then(|quantity| quantity.unit.as_mut());
        for symbol in
            [recipient.as_mut(), agency.as_mut(), supplier.as_mut(), parent.as_mut(), commitment.as_mut(), unit]
                .into_iter()
                .flatten()
        {
            *symbol = map(*symbol);
        }
    }
}

/// What one change of the data did, for views that can follow it in place instead of rebuilding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Changed {
    /// One record was replaced in place. `links_kept`: its id and parent are what they were, so it sits
    /// beneath the same record and the same records sit beneath it.
    Record { collection: Collection, index: usize, links_kept: bool },
    /// Only the dataset's details.
    Meta,
    /// Anything else: records added or removed, several at once, a restored copy.
    Other,
}

/// What a view of `collection` has to do after some changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToFollow {
    /// Nothing: no record changed (only the dataset's details).
    Nothing,
    /// Move this one record to its new place.
    Record(usize),
    /// Build the view anew.
    Rebuild,
}

impl ToFollow {
    /// What `changes` (oldest first) ask of a view of `collection`. A view can follow one record changed
    /// in place, again and again (typing); records of other collections (a filter may read them), several
    /// records, or, when `links_matter`, a change of where a record sits, mean rebuilding.
    pub fn of(changes: &[Changed], collection: Collection, links_matter: bool) -> ToFollow {
        let mut record = None;
        for change in changes {
            match *change {
                Changed::Meta => {}
                Changed::Record { collection: changed, index, links_kept }
                    if changed == collection && (links_kept || !links_matter) && record.is_none_or(|r| r == index) =>
                {
                    record = Some(index);
                }
                Changed::Record { .. } | Changed::Other => return ToFollow::Rebuild,
            }
        }
        record.map_or(ToFollow::Nothing, ToFollow::Record)
    }
}

/// A whole dataset: its string pool and its collections.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub strings: Interner,
    pub meta: Meta,
    pub actors: Records<Actor>,
    pub sources: Records<Source>,
    pub events: Records<Event>,
    pub commitments: Records<Commitment>,
    pub acquisitions: Records<Acquisition>,
    /// Set when the file was of an older format version and was brought up to date on reading; it is
    /// saved in the current version.
    pub upgraded: Option<Upgrade>,
}

/// What reading an older file changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upgrade {
    /// The file's format version.
    pub from: u32,
    /// Orders at stage "delivered" with a quantity, given one delivery of the whole quantity.
    pub deliveries_added: usize,
}

impl Dataset {
    /// The text of a symbol of this dataset.
    pub fn text(&self, symbol: Symbol) -> &str {
        self.strings.resolve(symbol)
    }

    /// The text of an optional symbol, empty when absent.
    pub fn text_or_empty(&self, symbol: Option<Symbol>) -> &str {
        symbol.map_or("", |symbol| self.strings.resolve(symbol))
    }

    pub fn intern(&mut self, text: &str) -> Symbol {
        self.strings.intern(text)
    }

    /// Number of records in a collection.
    pub fn len(&self, collection: Collection) -> usize {
        match collection {
            Collection::Actors => self.actors.len(),
            Collection::Sources => self.sources.len(),
            Collection::Events => self.events.len(),
            Collection::Commitments => self.commitments.len(),
            Collection::Acquisitions => self.acquisitions.len(),
        }
    }

    /// The display name of an actor id: its name when the dataset has the actor, else the id itself.
    pub fn actor_name(&self, id: Symbol) -> &str {
        self.actors.iter().find(|actor| actor.id == id).map_or_else(|| self.text(id), |actor| &*actor.name)
    }
}

/// One record of any collection, for edits that insert, remove or replace whole records.
#[derive(Clone, Debug, PartialEq)]
pub enum Record {
    Actor(Actor),
    Source(Source),
    Event(Event),
    Commitment(Commitment),
    Acquisition(Acquisition),
}

impl Record {
    pub fn collection(&self) -> Collection {
        match self {
            Record::Actor(_) => Collection::Actors,
            Record::Source(_) => Collection::Sources,
            Record::Event(_) => Collection::Events,
            Record::Commitment(_) => Collection::Commitments,
            Record::Acquisition(_) => Collection::Acquisitions,
        }
    }

    pub fn id(&self) -> Symbol {
        match self {
            Record::Actor(r) => r.id,
            Record::Source(r) => r.id,
            Record::Event(r) => r.id,
            Record::Commitment(r) => r.id,
            Record::Acquisition(r) => r.id,
        }
    }

    /// The record it sits beneath in its table: a national order's framework, an action's pledge.
    pub fn parent(&self) -> Option<Symbol> {
        match self {
            Record::Commitment(r) => r.parent,
            Record::Acquisition(r) => r.parent,
            Record::Actor(_) | Record::Source(_) | Record::Event(_) => None,
        }
    }

    pub fn set_id(&mut self, id: Symbol) {
        match self {
            Record::Actor(r) => r.id = id,
            Record::Source(r) => r.id = id,
            Record::Event(r) => r.id = id,
            Record::Commitment(r) => r.id = id,
            Record::Acquisition(r) => r.id = id,
        }
    }
}

/// One change to a dataset, as an import or a merge proposes it; the app makes each an undoable edit.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Add the record at the end of its collection.
    Add(Record),
    /// Put the record in place of the one at this index of its collection.
    Replace(usize, Record),
    /// Remove the record at this index of the collection.
    Remove(Collection, usize),
    /// Put these details in place of the dataset's.
    Meta(Box<Meta>),
}

impl Dataset {
    /// A copy of the record at `index` of `collection`.
    pub fn record(&self, collection: Collection, index: usize) -> Option<Record> {
        match collection {
            Collection::Actors => self.actors.get(index).cloned().map(Record::Actor),
            Collection::Sources => self.sources.get(index).cloned().map(Record::Source),
            Collection::Events => self.events.get(index).cloned().map(Record::Event),
            Collection::Commitments => self.commitments.get(index).cloned().map(Record::Commitment),
            Collection::Acquisitions => self.acquisitions.get(index).cloned().map(Record::Acquisition),
        }
    }

    /// The id and parent of the record at `index` of `collection`: what places it among the others.
    pub fn links(&self, collection: Collection, index: usize) -> Option<(Symbol, Option<Symbol>)> {
        match collection {
            Collection::Actors => self.actors.get(index).map(|r| (r.id, None)),
            Collection::Sources => self.sources.get(index).map(|r| (r.id, None)),
            Collection::Events => self.events.get(index).map(|r| (r.id, None)),
            Collection::Commitments => self.commitments.get(index).map(|r| (r.id, r.parent)),
            Collection::Acquisitions => self.acquisitions.get(index).map(|r| (r.id, r.parent)),
        }
    }

    /// Puts `record` at `index` of its collection in place of the record there, which is returned.
    /// Returns the record itself, unchanged, when there is no such index.
    pub fn replace(&mut self, index: usize, record: Record) -> Record {
        fn swap<T: Columnar + Clone>(items: &mut Records<T>, index: usize, item: T, wrap: fn(T) -> Record) -> Record {
            match items.get_mut(index) {
                Some(slot) => wrap(std::mem::replace(slot, item)),
                None => wrap(item),
            }
        }
        match record {
            Record::Actor(r) => swap(&mut self.actors, index, r, Record::Actor),
            Record::Source(r) => swap(&mut self.sources, index, r, Record::Source),
            Record::Event(r) => swap(&mut self.events, index, r, Record::Event),
            Record::Commitment(r) => swap(&mut self.commitments, index, r, Record::Commitment),
            Record::Acquisition(r) => swap(&mut self.acquisitions, index, r, Record::Acquisition),
        }
    }

    /// Inserts `record` at `index` of its collection (at the end when `index` is past it).
    pub fn insert(&mut self, index: usize, record: Record) {
        fn put<T: Columnar + Clone>(items: &mut Records<T>, index: usize, item: T) {
            items.insert(index.min(items.len()), item);
        }
        match record {
            Record::Actor(r) => put(&mut self.actors, index, r),
            Record::Source(r) => put(&mut self.sources, index, r),
            Record::Event(r) => put(&mut self.events, index, r),
            Record::Commitment(r) => put(&mut self.commitments, index, r),
            Record::Acquisition(r) => put(&mut self.acquisitions, index, r),
        }
    }

    /// Removes and returns the record at `index` of `collection`.
    pub fn remove(&mut self, collection: Collection, index: usize) -> Option<Record> {
        fn take<T: Columnar + Clone>(items: &mut Records<T>, index: usize, wrap: fn(T) -> Record) -> Option<Record> {
            (index < items.len()).then(|| wrap(items.remove(index)))
        }
        match collection {
            Collection::Actors => take(&mut self.actors, index, Record::Actor),
            Collection::Sources => take(&mut self.sources, index, Record::Source),
            Collection::Events => take(&mut self.events, index, Record::Event),
            Collection::Commitments => take(&mut self.commitments, index, Record::Commitment),
            Collection::Acquisitions => take(&mut self.acquisitions, index, Record::Acquisition),
        }
    }

    /// Makes `changes` in order, without undo (the command line).
    pub fn apply(&mut self, changes: Vec<Change>) {
        for change in changes {
            match change {
                Change::Add(record) => {
                    let end = self.len(record.collection());
                    self.insert(end, record);
                }
                Change::Replace(index, record) => {
                    self.replace(index, record);
                }
                Change::Remove(collection, index) => {
                    self.remove(collection, index);
                }
                Change::Meta(meta) => self.meta = *meta,
            }
        }
    }

    /// An id not used yet, starting from `base` ("patriot-gemt-copy", "patriot-gemt-copy-2", …).
    pub fn unused_id(&self, base: &str) -> String {
        let taken = |id: &str| {
            self.strings.get(id).is_some_and(|symbol| {
                self.actors.iter().any(|r| r.id == symbol)
                    || self.sources.iter().any(|r| r.id == symbol)
                    || self.events.iter().any(|r| r.id == symbol)
                    || self.commitments.iter().any(|r| r.id == symbol)
                    || self.acquisitions.iter().any(|r| r.id == symbol)
            })
        };
        if !taken(base) {
            return base.to_owned();
        }
        (2..).map(|n| format!("{base}-{n}")).find(|id| !taken(id)).unwrap_or_else(|| base.to_owned())
    }
}
