//! Progress: of what was planned, how much has been announced, contracted and delivered to date, per
//! commitment (the acquisitions that serve it: its own, its actions' and the national orders under them)
//! or per buyer, recipient or system. Each figure is its own bar, never stacked on another stage:
//! - target: quantities at stage planned;
//! - announced: at stage announced;
//! - contracted: every order under contract, whatever its deliveries (stages contracted, delivering and
//!   delivered), each order once;
//! - delivered: what those orders' deliveries add up to.
//!
//! Figures are per unit, exact, approximate, "at least" and "up to" apart, as everywhere: they come from the
//! same aggregation as `summary` ([`super::volumes`]).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::{Acquisition, Dataset, Delivered, QuantityQualifier, Stage, Symbol};

use super::volumes::{GroupKey, QuantityTally, VolumeRow, group_name, volumes_by};

/// What progress is shown for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressBy {
    Commitment,
    Buyer,
    Recipient,
    System,
}

impl ProgressBy {
    pub const ALL: [ProgressBy; 4] =
        [ProgressBy::Commitment, ProgressBy::Buyer, ProgressBy::Recipient, ProgressBy::System];

    pub fn label(self) -> &'static str {
        match self {
            ProgressBy::Commitment => "Commitment",
            ProgressBy::Buyer => "Buyer",
            ProgressBy::Recipient => "Recipient",
            ProgressBy::System => "System",
        }
    }
}

/// A group's progress in one unit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProgressRow {
    /// The group's name: a commitment's title, a buyer's name, a system.
    pub group: String,
    /// The group as the aggregation keyed it (a commitment by its id), for click-through.
    #[serde(skip)]
    pub key: GroupKey,
    /// "" when the records name none.
    pub unit: String,
    pub target: QuantityTally,
    pub announced: QuantityTally,
    pub contracted: QuantityTally,
    pub delivered: Delivered,
    /// Acquisitions counted, at any stage but cancelled.
    pub records: u32,
}

/// The progress of a set of acquisitions.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Progress {
    pub rows: Vec<ProgressRow>,
}

/// The stages an order is under contract at.
pub const CONTRACTED: [Stage; 3] = [Stage::Contracted, Stage::Delivering, Stage::Delivered];

/// Progress of the acquisitions at `rows` (all when None).
pub fn progress(dataset: &Dataset, rows: Option<&[u32]>, by: ProgressBy) -> Progress {
    let served = (by == ProgressBy::Commitment).then(|| Served::new(dataset));
    let keys = |record: &Acquisition, keys: &mut Vec<GroupKey>| match by {
        ProgressBy::Commitment => {
            if let Some(served) = &served {
                keys.extend(served.commitments_of(record).iter().map(|&c| GroupKey::Text(c)));
            }
        }
        ProgressBy::Buyer => keys.extend(record.buyers.iter().map(|&b| GroupKey::Text(b))),
        ProgressBy::Recipient => keys.extend(record.recipients().iter().map(|&r| GroupKey::Text(r))),
        ProgressBy::System => keys.push(GroupKey::Text(record.system)),
    };
    let keys_deduplicated = |record: &Acquisition, out: &mut Vec<GroupKey>| {
        keys(record, out);
        out.sort_unstable();
        out.dedup();
    };
    let (groups, _) = volumes_by(dataset, rows, &keys_deduplicated, true);
    let name = |key: GroupKey| match (by, key) {
        (ProgressBy::Commitment, GroupKey::Text(id)) => dataset
            .commitments
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| dataset.text(id).to_owned(), |c| c.title.clone()),
        (ProgressBy::Buyer | ProgressBy::Recipient, GroupKey::Text(id)) => dataset.actor_name(id).to_owned(),
        _ => group_name(dataset, key),
    };
    Progress { rows: rows_of(&groups, name) }
}

/// The stage rows of each group as one progress row per unit.
fn rows_of(groups: &[VolumeRow], name: impl Fn(GroupKey) -> String) -> Vec<ProgressRow> {
    let mut by_group: BTreeMap<(GroupKey, String), ProgressRow> = BTreeMap::new();
    let mut order: Vec<(GroupKey, String)> = Vec::new();
    for row in groups.iter().filter(|row| row.stage != Stage::Cancelled) {
        for (unit, tally) in &row.units {
            let entry = by_group.entry((row.key, unit.clone())).or_insert_with(|| {
                order.push((row.key, unit.clone()));
                ProgressRow {
                    group: name(row.key),
                    key: row.key,
                    unit: unit.clone(),
                    target: QuantityTally::default(),
                    announced: QuantityTally::default(),
                    contracted: QuantityTally::default(),
                    delivered: Delivered::default(),
                    records: 0,
                }
            });
            match row.stage {
                Stage::Planned => entry.target.add(tally),
                Stage::Announced => entry.announced.add(tally),
                _ => {
                    entry.contracted.add(tally);
                    entry.delivered.merge(tally.delivered);
                }
            }
        }
    }
    // Records are counted per group and stage, whatever their unit.
    let mut records: HashMap<GroupKey, u32> = HashMap::new();
    for row in groups.iter().filter(|row| row.stage != Stage::Cancelled) {
        *records.entry(row.key).or_default() += row.records;
    }
    let mut rows: Vec<ProgressRow> = order.into_iter().filter_map(|key| by_group.remove(&key)).collect();
    for row in &mut rows {
        row.records = records.get(&row.key).copied().unwrap_or_default();
    }
    rows.sort_by(|a, b| a.group.cmp(&b.group).then_with(|| a.unit.cmp(&b.unit)));
    rows
}

/// Which commitments each acquisition serves: the one it names or its framework names, and the plans
/// and pledges that commitment is an action of.
struct Served {
    /// By commitment id: it and its ancestors.
    chains: HashMap<Symbol, Vec<Symbol>>,
    /// By acquisition id: the commitment a framework contract serves, for its national orders.
    framework_commitment: HashMap<Symbol, Symbol>,
}

/// Deeper than any real plan; stops a loop of parents.
const MAX_DEPTH: usize = 16;

impl Served {
    fn new(dataset: &Dataset) -> Served {
        let parent: HashMap<Symbol, Option<Symbol>> = dataset.commitments.iter().map(|c| (c.id, c.parent)).collect();
        let chains = dataset
            .commitments
            .iter()
            .map(|c| {
                let mut chain = vec![c.id];
                let mut at = c.parent;
                while let Some(id) = at.filter(|id| !chain.contains(id) && chain.len() < MAX_DEPTH) {
                    chain.push(id);
                    at = parent.get(&id).copied().flatten();
                }
                (c.id, chain)
            })
            .collect();
        Served { chains, framework_commitment: super::filter::framework_commitments(dataset) }
    }

    fn commitments_of(&self, record: &Acquisition) -> &[Symbol] {
        let commitment = record
            .commitment
            .or_else(|| record.parent.and_then(|parent| self.framework_commitment.get(&parent).copied()));
        commitment.and_then(|c| self.chains.get(&c)).map_or(&[], Vec::as_slice)
    }
}

/// Cumulative ordered (under contract, by order date) and delivered (by when each delivery ended) per
/// year, for one group and unit: what the progress view charts against the target.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OverTime {
    /// (year, cumulative count ordered).
    pub ordered: Vec<(i16, u64)>,
    pub delivered: Vec<(i16, u64)>,
    /// Orders or deliveries with no date, which the lines leave out.
    pub undated: u32,
}

/// Figures the lines draw: exact, approximate and "at least" ones (a floor is reached); a ceiling ("up to")
/// is not a fact and is left out.
fn drawn(qualifier: QuantityQualifier) -> bool {
    !matches!(qualifier, QuantityQualifier::UpTo | QuantityQualifier::Unknown)
}

/// The over-time figures of the acquisitions at `rows` that fall in `key` under `by`, in `unit`.
pub fn over_time(dataset: &Dataset, rows: &[u32], by: ProgressBy, key: GroupKey, unit: &str) -> OverTime {
    let served = (by == ProgressBy::Commitment).then(|| Served::new(dataset));
    let GroupKey::Text(symbol) = key else { return OverTime::default() };
    let in_group = |record: &Acquisition| match by {
        ProgressBy::Commitment => served.as_ref().is_some_and(|s| s.commitments_of(record).contains(&symbol)),
        ProgressBy::Buyer => record.buyers.contains(&symbol),
        ProgressBy::Recipient => record.recipients().contains(&symbol),
        ProgressBy::System => record.system == symbol,
    };
    // Frameworks whose national orders are counted are left out, as in the totals.
    let parents: std::collections::HashSet<Symbol> =
        rows.iter().filter_map(|&row| dataset.acquisitions.get(row as usize)?.parent).collect();
    let mut ordered: BTreeMap<i16, u64> = BTreeMap::new();
    let mut delivered: BTreeMap<i16, u64> = BTreeMap::new();
    let mut undated = 0;
    for record in rows.iter().filter_map(|&row| dataset.acquisitions.get(row as usize)) {
        let record_unit = record.quantity.as_ref().and_then(|q| q.unit).map_or("", |u| dataset.text(u));
        if !CONTRACTED.contains(&record.stage)
            || record_unit != unit
            || parents.contains(&record.id)
            || !in_group(record)
        {
            continue;
        }
        if let Some(quantity) = &record.quantity
            && let Some(count) = quantity.count.filter(|_| drawn(quantity.qualifier))
        {
            match record.date {
                Some(date) => *ordered.entry(date.year()).or_default() += count,
                None => undated += 1,
            }
        }
        for delivery in record.deliveries.iter() {
            let Some(count) = delivery.count.filter(|_| drawn(delivery.qualifier)) else { continue };
            match delivery.date.and_then(|date| date.latest()) {
                Some(day) => *delivered.entry(day.year()).or_default() += count,
                None => undated += 1,
            }
        }
    }
    let cumulative = |by_year: BTreeMap<i16, u64>| {
        by_year
            .into_iter()
            .scan(0u64, |sum, (year, count)| {
                *sum = sum.saturating_add(count);
                Some((year, *sum))
            })
            .collect()
    };
    OverTime { ordered: cumulative(ordered), delivered: cumulative(delivered), undated }
}
