//! The dataset file's shape, as serde reads and writes it. Strings are borrowed from the input where
//! they have no escapes, so loading a large file allocates little before the model interns it.
//! `assets/dataset.schema.json` is generated from these types (`pledge-explorer schema`).

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{
    ActorKind, CommitmentKind, CommitmentStatus, Confidence, Currency, EventKind, FuzzyDate, MoneyQualifier,
    QuantityQualifier, Stage,
};

/// The value of `format` in every dataset file.
pub const FORMAT: &str = "pledge-explorer-dataset";
/// The newest format version this build reads and the one it writes.
pub const VERSION: u32 = 2;
/// Version 1 had no deliveries nor recipients; its files read as version 2 unchanged.
pub const FIRST_WITH_DELIVERIES: u32 = 2;

/// A string that borrows from the input when it can.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Text<'a>(#[serde(borrow)] pub Cow<'a, str>);

impl<'a> Text<'a> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn borrowed(text: &'a str) -> Self {
        Text(Cow::Borrowed(text))
    }

    pub fn owned(text: String) -> Self {
        Text(Cow::Owned(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Pledge Explorer dataset: commitments, acquisitions and events with their actors and sources.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Pledge Explorer dataset")]
pub struct DatasetFile<'a> {
    /// Always "pledge-explorer-dataset".
    #[serde(borrow)]
    pub format: Text<'a>,
    /// The format version; files newer than the app are refused.
    pub version: u32,
    #[serde(default, borrow)]
    pub meta: MetaRecord<'a>,
    #[serde(default, borrow)]
    pub actors: Vec<ActorRecord<'a>>,
    #[serde(default, borrow)]
    pub sources: Vec<SourceRecord<'a>>,
    #[serde(default, borrow)]
    pub events: Vec<EventRecord<'a>>,
    #[serde(default, borrow)]
    pub commitments: Vec<CommitmentRecord<'a>>,
    #[serde(default, borrow)]
    pub acquisitions: Vec<AcquisitionRecord<'a>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetaRecord<'a> {
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub title: Text<'a>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub description: Text<'a>,
    /// A label for this release, e.g. "2025.1".
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub release: Text<'a>,
    /// The last date the data covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cutoff: Option<FuzzyDate>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub licence: Text<'a>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<Text<'a>>,
    /// Updates and corrections, newest last.
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub changelog: Vec<ChangelogRecord<'a>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangelogRecord<'a> {
    pub date: FuzzyDate,
    #[serde(borrow)]
    pub text: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActorRecord<'a> {
    /// ISO 3166-1 alpha-3 code for states (DEU, NLD), a short name for others (nato, nspa).
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
    pub kind: ActorKind,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Text<'a>>,
    pub confidence: Confidence,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub notes: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRecord<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub title: Text<'a>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub publisher: Text<'a>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub url: Text<'a>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<FuzzyDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessed: Option<FuzzyDate>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub notes: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRecord<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    pub date: FuzzyDate,
    pub kind: EventKind,
    #[serde(borrow)]
    pub title: Text<'a>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub location: Text<'a>,
    /// Ids of records in any collection that the event concerns.
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Text<'a>>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Text<'a>>,
    pub confidence: Confidence,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub notes: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentRecord<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub title: Text<'a>,
    pub kind: CommitmentKind,
    pub status: CommitmentStatus,
    /// The event where it was adopted (an event id).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Text<'a>>,
    /// Actor ids.
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Text<'a>>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub category: Option<Text<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<FuzzyDate>,
    /// Deadline or period, e.g. "2024~/2029~" for "over the next five years".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon: Option<FuzzyDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<MoneyRecord>,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub description: Text<'a>,
    /// The plan or pledge this is an action of, or builds on (a commitment id).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Text<'a>>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Text<'a>>,
    pub confidence: Confidence,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub notes: Text<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AcquisitionRecord<'a> {
    #[serde(borrow)]
    pub id: Text<'a>,
    #[serde(borrow)]
    pub system: Text<'a>,
    /// e.g. "air and missile defence", "artillery", "ammunition", "aircraft".
    #[serde(borrow)]
    pub category: Text<'a>,
    /// Actor ids of the buyers.
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub buyers: Vec<Text<'a>>,
    /// Actor id of who receives what is bought, when not the buyers (a transfer, aid).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Text<'a>>,
    /// Actor id of the agency buying for them (e.g. nspa).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Text<'a>>,
    /// Actor id of the contractor.
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub supplier: Option<Text<'a>>,
    pub stage: Stage,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityRecord<'a>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<MoneyRecord>,
    /// When it was announced or ordered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<FuzzyDate>,
    /// The delivery window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<FuzzyDate>,
    /// What has been delivered, in order of date (since version 2).
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub deliveries: Vec<DeliveryRecord<'a>>,
    /// The framework contract this is a national order under (an acquisition id).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Text<'a>>,
    /// The commitment it serves (a commitment id).
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub commitment: Option<Text<'a>>,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Text<'a>>,
    pub confidence: Confidence,
    #[serde(default, borrow, skip_serializing_if = "Text::is_empty")]
    pub notes: Text<'a>,
}

/// A count with its unit and qualifier; with qualifier "unknown" the count is absent and `text` keeps
/// the source's words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuantityRecord<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// missile, aircraft, round, system…
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text<'a>>,
    #[serde(default)]
    pub qualifier: QuantityQualifier,
    /// The source's own words, e.g. "thousands" or "96?".
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    pub text: Option<Text<'a>>,
}

/// One delivery of an order: when, how many (absent when the source gives no number), who says so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryRecord<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<FuzzyDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default)]
    pub qualifier: QuantityQualifier,
    #[serde(default, borrow, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Text<'a>>,
}

/// An amount in the currency the source gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyRecord {
    pub amount: f64,
    pub currency: Currency,
    #[serde(default)]
    pub qualifier: MoneyQualifier,
    /// The year whose prices the amount is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_year: Option<i16>,
}
