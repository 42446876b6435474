//! Acquisition volumes grouped by category, system, buyer, agency, stage or year.
//!
//! The rules that keep the figures truthful:
//! - stages are never added together: every row is one group at one stage;
//! - units are never mixed: quantities are tallied per unit (missiles are not aircraft);
//! - money is never summed across currencies, nor converted;
//! - exact, approximate, "at least" and "up to" figures are kept in separate sums, and records with no
//!   number are counted beside them, never silently dropped;
//! - a framework contract whose national orders are in the same set is not added to them: its
//!   ceiling is reported apart, so a framework of "up to 1,000" and its call-offs are not counted twice;
//! - what was delivered is summed beside what was ordered, by the same rules, never added to it;
//! - a joint order counts under each of its buyers when grouping by buyer, and is flagged as joint.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use serde::Serialize;

use crate::model::{
    Acquisition, AcquisitionColumns, Amounts, Changed, Collection, Currency, Dataset, Delivered, MoneyQualifier,
    PartialDate, QuantityQualifier, Records, Stage, Symbol, SymbolSet, ToFollow, count_text,
};

use super::filter::{Filter, Matcher, filtered};

/// What to group acquisitions by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Category,
    System,
    Buyer,
    /// Who receives the order: its recipient, else its buyers.
    Recipient,
    Agency,
    Stage,
    Year,
    /// The quarter of the order date; records dated only by year have none.
    Quarter,
}

impl GroupBy {
    pub const ALL: [GroupBy; 8] = [
        GroupBy::Category,
        GroupBy::System,
        GroupBy::Buyer,
        GroupBy::Recipient,
        GroupBy::Agency,
        GroupBy::Stage,
        GroupBy::Year,
        GroupBy::Quarter,
    ];

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Category => "category",
            GroupBy::System => "system",
            GroupBy::Buyer => "buyer",
            GroupBy::Recipient => "recipient",
            GroupBy::Agency => "agency",
            GroupBy::Stage => "stage",
            GroupBy::Year => "year",
            GroupBy::Quarter => "quarter",
        }
    }
}

/// Counts of one unit at one stage, kept apart by how the sources qualify them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QuantityTally {
    /// Sum of exact counts.
    pub exact: u64,
    /// Sum of counts given as "about" or as estimates.
    pub approximate: u64,
    /// Sum of "at least" counts: a floor.
    pub at_least: u64,
    /// Sum of "up to" counts: a ceiling.
    pub up_to: u64,
    /// Records whose count is in one of the sums above.
    pub counted: u32,
    /// Records of this unit with no number (e.g. "thousands").
    pub unknown: u32,
    /// Framework contracts left out because their national orders are counted; their ceilings' sum.
    pub frameworks: u32,
    pub framework_ceiling: u64,
    /// What the orders' deliveries add up to, beside what was ordered and never added to it. An order
    /// with deliveries but no quantity brings its deliveries here too.
    pub delivered: Delivered,
}

/// Sums of money in one currency at one stage, kept apart by qualifier.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct MoneyTally {
    pub exact: f64,
    /// "about" and "almost" figures.
    pub approximate: f64,
    pub up_to: f64,
    pub counted: u32,
    pub frameworks: u32,
    pub framework_ceiling: f64,
}

/// One group at one stage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VolumeRow {
    /// The group's name, as readers see it.
    pub group: String,
    /// The group as the aggregation keyed it: what a bar maps back to.
    #[serde(skip)]
    pub key: GroupKey,
    pub stage: Stage,
    pub records: u32,
    /// Records bought jointly by several buyers (only when grouping by buyer, where they count under each).
    pub joint: u32,
    /// Per unit ("" when the record names none).
    pub units: BTreeMap<String, QuantityTally>,
    pub money: BTreeMap<Currency, MoneyTally>,
    /// Records with no quantity at all.
    pub no_quantity: u32,
    /// Records with no value.
    pub no_value: u32,
}

/// Volumes of a set of acquisitions.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Volumes {
    pub group_by: GroupBy,
    /// Number of acquisitions aggregated.
    pub records: usize,
    /// Sorted by group, then by stage.
    pub rows: Vec<VolumeRow>,
    /// One row per stage over all the records (not a sum of the groups, which may count joint orders twice).
    pub totals: Vec<VolumeRow>,
}

/// The group a record falls in: interned text, a year, a stage, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GroupKey {
    Missing,
    Year(i16),
    /// Year and quarter (1 to 4).
    Quarter(i16, u8),
    Stage(Stage),
    Text(Symbol),
    All,
}

/// Where a block adds up a record's figures: its group, stage, unit and currency. A record falls in one
/// slot per group, so adding it searches no list of units or currencies; the slots of a group and stage
/// are folded into its row at the end.
type SlotKey = (GroupKey, Stage, Option<Symbol>, Currency);

/// The slots of a block by their keys packed in one number ([`packed`]).
type Slots = HashMap<u128, (SlotKey, Slot), foldhash::fast::FixedState>;

/// A slot's key in one number, hashed and compared in a step: hashing and comparing the key's fields one
/// by one took half of an aggregate's time.
fn packed((group, stage, unit, currency): SlotKey) -> u128 {
    let (kind, group): (u128, u32) = match group {
        GroupKey::Missing => (0, 0),
        GroupKey::Year(year) => (1, u32::from(year as u16)),
        GroupKey::Quarter(year, quarter) => (2, (u32::from(year as u16) << 8) | u32::from(quarter)),
        GroupKey::Stage(stage) => (3, stage as u32),
        GroupKey::Text(symbol) => (4, symbol.index() as u32),
        GroupKey::All => (5, 0),
    };
    let currency = currency.packed();
    let unit = unit.map_or(0, |unit| unit.index() as u128 + 1);
    (kind << 96) | (u128::from(group) << 64) | ((stage as u128) << 56) | (u128::from(currency) << 32) | unit
}

/// The slot of `key` in `slots`, added empty if missing.
fn slot(slots: &mut Slots, key: SlotKey) -> &mut Slot {
    &mut slots.entry(packed(key)).or_insert_with(|| (key, Slot::default())).1
}

/// The figures of a slot's records. The sums are kept in arrays indexed by qualifier, so that adding a
/// record takes no branch on its qualifiers (they follow no pattern from one record to the next, and
/// mispredicted branches took most of an aggregate's time). What few records have is kept apart, so that
/// a block's slots stay small enough for the processor's nearest cache.
#[derive(Clone, Default)]
struct Slot {
    records: u32,
    joint: u32,
    /// Records with a quantity, and with a value.
    quantities: u32,
    values: u32,
    /// Records whose quantity has a count, and whose quantity has none.
    counted: u32,
    unknown: u32,
    /// Counts summed by [`count_sum`], and amounts of money by [`amount_sum`].
    counts: [u64; 4],
    amount_sums: [f64; 3],
    rare: Option<Box<Rare>>,
}

/// The figures of frameworks and deliveries in a slot.
#[derive(Clone, Default)]
struct Rare {
    /// Records whose deliveries are counted (they make the unit's tally, with no quantity too).
    deliveries: u32,
    delivered: Delivered,
    /// Frameworks with a count and with a value, and their ceilings.
    frameworks: u32,
    framework_ceiling: u64,
    money_frameworks: u32,
    money_framework_ceiling: f64,
}

/// The sum a count goes to: exact, approximate, at least, up to.
fn count_sum(qualifier: QuantityQualifier) -> usize {
    match qualifier {
        QuantityQualifier::Exact => 0,
        QuantityQualifier::About | QuantityQualifier::Estimate => 1,
        QuantityQualifier::AtLeast => 2,
        // A count with qualifier "unknown" is a validation error; treat it as a ceiling rather than as a
        // fact.
        QuantityQualifier::UpTo | QuantityQualifier::Unknown => 3,
    }
}

/// The sum an amount goes to: exact, approximate, up to.
fn amount_sum(qualifier: MoneyQualifier) -> usize {
    match qualifier {
        MoneyQualifier::Exact => 0,
        MoneyQualifier::About | MoneyQualifier::Almost => 1,
        MoneyQualifier::UpTo => 2,
    }
}

impl Slot {
    /// Adds one record: its amounts, its count and what was delivered of it.
    fn add(&mut self, amounts: &Amounts, count: u64, delivered: Delivered, is_framework: bool, is_joint: bool) {
        let quantity = amounts.quantity();
        let has_quantity = quantity.is_some();
        let has_count = has_quantity && amounts.counted();
        let has_value = amounts.money().is_some();
        self.records += 1;
        self.joint += u32::from(is_joint);
        self.quantities += u32::from(has_quantity);
        self.values += u32::from(has_value);
        self.unknown += u32::from(has_quantity && !amounts.counted());
        if is_framework || amounts.has_deliveries() {
            let rare = self.rare.get_or_insert_default();
            // A framework's deliveries are its national orders', counted with them.
            if is_framework {
                rare.frameworks += u32::from(has_count);
                rare.framework_ceiling = rare.framework_ceiling.saturating_add(count);
                rare.money_frameworks += u32::from(has_value);
                rare.money_framework_ceiling += amounts.amount;
                return;
            }
            rare.deliveries += 1;
            rare.delivered.merge(delivered);
        }
        // With no count or no value, the count or amount is 0 and adds nothing where it goes.
        self.counted += u32::from(has_count);
        let sum = &mut self.counts[count_sum(quantity.unwrap_or_default())];
        *sum = sum.saturating_add(count);
        self.amount_sums[amount_sum(amounts.money().unwrap_or_default())] += amounts.amount;
    }

    fn merge(&mut self, other: &Slot) {
        self.records += other.records;
        self.joint += other.joint;
        self.quantities += other.quantities;
        self.values += other.values;
        self.counted += other.counted;
        self.unknown += other.unknown;
        for (sum, count) in self.counts.iter_mut().zip(other.counts) {
            *sum = sum.saturating_add(count);
        }
        for (sum, amount) in self.amount_sums.iter_mut().zip(other.amount_sums) {
            *sum += amount;
        }
        if let Some(other) = &other.rare {
            let rare = self.rare.get_or_insert_default();
            rare.deliveries += other.deliveries;
            rare.delivered.merge(other.delivered);
            rare.frameworks += other.frameworks;
            rare.framework_ceiling = rare.framework_ceiling.saturating_add(other.framework_ceiling);
            rare.money_frameworks += other.money_frameworks;
            rare.money_framework_ceiling += other.money_framework_ceiling;
        }
    }

    fn quantity(&self) -> QuantityTally {
        let [exact, approximate, at_least, up_to] = self.counts;
        let rare = self.rare.as_deref().cloned().unwrap_or_default();
        QuantityTally {
            exact,
            approximate,
            at_least,
            up_to,
            counted: self.counted,
            unknown: self.unknown,
            frameworks: rare.frameworks,
            framework_ceiling: rare.framework_ceiling,
            delivered: rare.delivered,
        }
    }

    fn money(&self) -> MoneyTally {
        let [exact, approximate, up_to] = self.amount_sums;
        let rare = self.rare.as_deref().cloned().unwrap_or_default();
        MoneyTally {
            exact,
            approximate,
            up_to,
            counted: self.values - rare.money_frameworks,
            frameworks: rare.money_frameworks,
            framework_ceiling: rare.money_framework_ceiling,
        }
    }
}

/// Aggregates the acquisitions at `rows` (positions in `dataset.acquisitions`), or all when `rows` is None.
pub fn volumes(dataset: &Dataset, rows: Option<&[u32]>, group_by: GroupBy) -> Volumes {
    volumes_in_chunks(dataset, rows, group_by, CHUNK_ROWS)
}

fn volumes_in_chunks(dataset: &Dataset, rows: Option<&[u32]>, group_by: GroupBy, chunk_rows: usize) -> Volumes {
    // A record in several groups (joint buyers) is counted once in the totals.
    let several_groups = several_groups(group_by);
    let (rows_aggregated, slots, totals) =
        aggregate(dataset, rows, Keys::Grouping(group_by), several_groups, chunk_rows);
    Volumes { group_by, records: rows_aggregated, rows: finish(dataset, slots), totals: finish(dataset, totals) }
}

/// Acquisitions aggregated by group and stage, a record falling in the groups `keys` gives it (several
/// when `several_groups`, and then the totals are added up record by record, to count it once).
pub fn volumes_by(
    dataset: &Dataset,
    rows: Option<&[u32]>,
    keys: &(dyn Fn(&Acquisition, &mut Vec<GroupKey>) + Sync),
    several_groups: bool,
) -> (Vec<VolumeRow>, Vec<VolumeRow>) {
    let (_, slots, totals) = aggregate(dataset, rows, Keys::Of(keys), several_groups, CHUNK_ROWS);
    (finish(dataset, slots), finish(dataset, totals))
}

/// How the groups of a record are found.
#[derive(Clone, Copy)]
enum Keys<'a> {
    /// By one of the groupings: read from the columns where it gives a record one group.
    Grouping(GroupBy),
    /// By a function of the record.
    Of(&'a (dyn Fn(&Acquisition, &mut Vec<GroupKey>) + Sync)),
}

/// The acquisitions' chunks, each one's records beside its columns ([`Records::with_columns`]).
type Chunks<'a> = [(&'a [Acquisition], &'a AcquisitionColumns)];

fn aggregate(
    dataset: &Dataset,
    rows: Option<&[u32]>,
    keys: Keys,
    several_groups: bool,
    chunk_rows: usize,
) -> (usize, Slots, Slots) {
    let frameworks = frameworks_with_orders_in(dataset, rows);
    let frameworks = frameworks.as_ref();
    let chunks = dataset.acquisitions.with_columns();
    let block_records = chunk_rows.max(1);
    let partials: Vec<Partial> = match rows {
        Some(rows) => blocks_of(rows, block_records)
            .par_iter()
            .map(|block| Partial::of(&chunks, block.iter().map(|&row| row as usize), keys, several_groups, frameworks))
            .collect(),
        // Every record: the same blocks as every row's, with no list of rows to make.
        None => {
            let records = dataset.acquisitions.len();
            (0..records.div_ceil(block_records))
                .into_par_iter()
                .map(|block| {
                    let indices = block * block_records..((block + 1) * block_records).min(records);
                    Partial::of(&chunks, indices, keys, several_groups, frameworks)
                })
                .collect()
        }
    };
    let (slots, totals) = combine(partials, several_groups);
    (rows.map_or(dataset.acquisitions.len(), <[u32]>::len), slots, totals)
}

/// `rows` cut into the blocks aggregated apart. Rows in dataset order are cut at every `block_records`
/// records of the dataset (so that a record's block does not depend on which other rows there are, and
/// [`VolumesByBlock`] can re-aggregate one block); rows in another order every `block_records` rows.
fn blocks_of(rows: &[u32], block_records: usize) -> Vec<&[u32]> {
    if !rows.is_sorted() {
        return rows.chunks(block_records).collect();
    }
    let Some(&last) = rows.last() else { return Vec::new() };
    let blocks = last as usize / block_records + 1;
    let mut rest = rows;
    (1..=blocks)
        .map(|block| {
            let end = block.saturating_mul(block_records);
            let (this, after) = rest.split_at(rest.partition_point(|&row| (row as usize) < end));
            rest = after;
            this
        })
        .collect()
}

/// The slots of one block of rows, and their totals by stage when a record may fall in several groups.
#[derive(Clone, Default)]
struct Partial {
    slots: Slots,
    totals: Slots,
}

impl Partial {
    /// The records at `indices` (positions in the dataset; any past its end are left out).
    fn of(
        chunks: &Chunks,
        indices: impl Iterator<Item = usize>,
        keys_of: Keys,
        several_groups: bool,
        frameworks: Option<&SymbolSet>,
    ) -> Partial {
        if let Keys::Grouping(group_by @ (GroupBy::Category | GroupBy::Stage)) = keys_of
            && !several_groups
        {
            return Partial::of_coded(chunks, indices, group_by == GroupBy::Category, frameworks);
        }
        let mut partial = Partial::default();
        let mut keys = Vec::with_capacity(4);
        for index in indices {
            let (chunk, at) = Records::<Acquisition>::place(index);
            let Some((records, columns)) = chunks.get(chunk) else { continue };
            let (Some(record), Some(amounts)) = (records.get(at), columns.amounts.get(at)) else { continue };
            let is_framework = frameworks.is_some_and(|frameworks| frameworks.contains(amounts.id));
            keys.clear();
            match keys_of {
                Keys::Grouping(group_by) => keys_at(columns, record, at, group_by, &mut keys),
                Keys::Of(keys_of) => keys_of(record, &mut keys),
            }
            let is_joint = several_groups && keys.len() > 1;
            let count = amounts.count(record);
            let delivered = if amounts.has_deliveries() { columns.delivered(at) } else { Delivered::default() };
            let key = |group| (group, amounts.stage(), amounts.unit, amounts.currency());
            for &group in &keys {
                slot(&mut partial.slots, key(group)).add(amounts, count, delivered, is_framework, is_joint);
            }
            if several_groups {
                slot(&mut partial.totals, key(GroupKey::All)).add(amounts, count, delivered, is_framework, false);
            }
        }
        partial
    }

    /// [`Partial::of`] by category or by stage, which the columns give as codes: a record's slot is found
    /// in a table by its chunk's codes for its group and its kind, the slot's key hashed only when the
    /// chunk first meets the combination (hashing every record's key was 40% of an aggregate's time).
    /// Each slot's records are added in the same order either way, so the sums agree to the last bit.
    fn of_coded(
        chunks: &Chunks,
        indices: impl Iterator<Item = usize>,
        by_category: bool,
        frameworks: Option<&SymbolSet>,
    ) -> Partial {
        let mut slots: Vec<(SlotKey, Slot)> = Vec::new();
        let mut positions: HashMap<u128, u32, foldhash::fast::FixedState> = HashMap::default();
        // The slot of each (group code, kind code) of the chunk being read, valid where the stamp is the
        // chunk's: moving to the next chunk clears nothing.
        let mut table: Vec<(u32, u32)> = Vec::new();
        let (mut current, mut stamp, mut kinds, mut use_table) = (usize::MAX, 0, 0, false);
        for index in indices {
            let (chunk, at) = Records::<Acquisition>::place(index);
            let Some((records, columns)) = chunks.get(chunk) else { continue };
            let (Some(record), Some(amounts)) = (records.get(at), columns.amounts.get(at)) else { continue };
            if chunk != current {
                current = chunk;
                stamp += 1;
                kinds = columns.kind_list.len();
                let cells = if by_category { columns.category_list.len() } else { 1 } * kinds;
                // A chunk of many categories and kinds, all different, would need a large table.
                use_table = cells <= MOST_TABLE_CELLS;
                if use_table && table.len() < cells {
                    table.resize(cells, (0, 0));
                }
            }
            let kind_code = usize::from(columns.kind_codes[at]);
            let group_code = if by_category { usize::from(columns.category_codes[at]) } else { 0 };
            let mut position_of = || {
                let kind = columns.kind_list[kind_code];
                let group = if by_category {
                    GroupKey::Text(columns.category_list[group_code])
                } else {
                    GroupKey::Stage(kind.stage)
                };
                let key = (group, kind.stage, kind.unit, kind.currency);
                *positions.entry(packed(key)).or_insert_with(|| {
                    slots.push((key, Slot::default()));
                    (slots.len() - 1) as u32
                })
            };
            let position = if use_table {
                let cell = &mut table[group_code * kinds + kind_code];
                if cell.1 != stamp {
                    *cell = (position_of(), stamp);
                }
                cell.0
            } else {
                position_of()
            };
            let is_framework = frameworks.is_some_and(|frameworks| frameworks.contains(amounts.id));
            let delivered = if amounts.has_deliveries() { columns.delivered(at) } else { Delivered::default() };
            slots[position as usize].1.add(amounts, amounts.count(record), delivered, is_framework, false);
        }
        let slots = slots.into_iter().map(|(key, slot)| (packed(key), (key, slot))).collect();
        Partial { slots, totals: Slots::default() }
    }
}

/// The most cells of a chunk's table of slots by codes (64 KB).
const MOST_TABLE_CELLS: usize = 8 * 1024;

/// The blocks' slots merged in order, and the totals. Fixed blocks, merged in order: money sums come out
/// the same on every run and machine, and the same whether all blocks were aggregated now or some kept
/// from before. The totals of records in several groups are added up record by record; otherwise they
/// are the sum of the groups, added up once at the end.
fn combine(partials: impl IntoIterator<Item = Partial>, several_groups: bool) -> (Slots, Slots) {
    let (slots, totals) = partials
        .into_iter()
        .map(|partial| (partial.slots, partial.totals))
        .reduce(|(mut slots, mut totals), (more_slots, more_totals)| {
            merge(&mut slots, more_slots);
            merge(&mut totals, more_totals);
            (slots, totals)
        })
        .unwrap_or_default();
    let totals = if several_groups { totals } else { sum_of_groups(&slots) };
    (slots, totals)
}

/// The volumes of a set of rows in dataset order, kept block by block so that a change to one record
/// re-aggregates its block only (a million records are 62 blocks): the figures are [`volumes`]' of the
/// same rows, to the last bit.
#[derive(Clone)]
pub struct VolumesByBlock {
    group_by: GroupBy,
    /// Records of the dataset per block (`CHUNK_ROWS`, fewer in tests).
    block_records: usize,
    frameworks: Option<SymbolSet>,
    /// One per block of records of the dataset, empty where no row falls.
    partials: Vec<Partial>,
    volumes: Volumes,
}

impl VolumesByBlock {
    /// Aggregates `rows`, which must be in dataset order.
    pub fn new(dataset: &Dataset, rows: &[u32], group_by: GroupBy) -> VolumesByBlock {
        VolumesByBlock::in_blocks_of(dataset, rows, group_by, CHUNK_ROWS)
    }

    fn in_blocks_of(dataset: &Dataset, rows: &[u32], group_by: GroupBy, block_records: usize) -> VolumesByBlock {
        debug_assert!(rows.is_sorted());
        let frameworks = frameworks_with_orders_in(dataset, Some(rows));
        let several_groups = several_groups(group_by);
        let chunks = dataset.acquisitions.with_columns();
        let keys = Keys::Grouping(group_by);
        let partials: Vec<Partial> = blocks_of(rows, block_records)
            .par_iter()
            .map(|block| {
                let indices = block.iter().map(|&row| row as usize);
                Partial::of(&chunks, indices, keys, several_groups, frameworks.as_ref())
            })
            .collect();
        let volumes = empty_volumes(group_by);
        let mut by_block = VolumesByBlock { group_by, block_records, frameworks, partials, volumes };
        by_block.finish(dataset, rows.len());
        by_block
    }

    pub fn volumes(&self) -> &Volumes {
        &self.volumes
    }

    /// Follows a change to the record at `index` that kept its id and parent, `rows` being the rows now
    /// (in dataset order). False, with nothing changed, when the change moves a national order in or out
    /// of the rows (which frameworks have orders may change with it): then aggregate anew.
    pub fn update(&mut self, dataset: &Dataset, rows: &[u32], index: u32, was_in: bool) -> bool {
        let is_in = rows.binary_search(&index).is_ok();
        if !is_in && !was_in {
            return true;
        }
        if is_in != was_in && dataset.acquisitions.get(index as usize).is_some_and(|record| record.parent.is_some()) {
            return false;
        }
        let size = self.block_records;
        let block = index as usize / size;
        let start = rows.partition_point(|&row| (row as usize) < block * size);
        let end = rows.partition_point(|&row| (row as usize) < (block + 1) * size);
        if self.partials.len() <= block {
            self.partials.resize_with(block + 1, Partial::default);
        }
        let (group_by, several_groups) = (self.group_by, several_groups(self.group_by));
        let chunks = dataset.acquisitions.with_columns();
        let indices = rows[start..end].iter().map(|&row| row as usize);
        self.partials[block] =
            Partial::of(&chunks, indices, Keys::Grouping(group_by), several_groups, self.frameworks.as_ref());
        self.finish(dataset, rows.len());
        true
    }

    fn finish(&mut self, dataset: &Dataset, records: usize) {
        // Trailing empty blocks are left out, as `volumes` leaves them.
        let used = self.partials.iter().rposition(|partial| !partial.slots.is_empty()).map_or(0, |last| last + 1);
        let (slots, totals) = combine(self.partials[..used].iter().cloned(), several_groups(self.group_by));
        self.volumes =
            Volumes { group_by: self.group_by, records, rows: finish(dataset, slots), totals: finish(dataset, totals) };
    }
}

/// The volumes of the acquisitions that pass a filter, following edits in place (the plots' figures).
#[derive(Clone, Debug)]
pub struct FilteredVolumes {
    /// The acquisitions that pass, in dataset order.
    rows: Vec<u32>,
    by_block: VolumesByBlock,
}

impl FilteredVolumes {
    pub fn new(dataset: &Dataset, filter: &Filter, group_by: GroupBy) -> FilteredVolumes {
        let rows = filtered(dataset, Collection::Acquisitions, filter);
        let by_block = VolumesByBlock::new(dataset, &rows, group_by);
        FilteredVolumes { rows, by_block }
    }

    pub fn volumes(&self) -> &Volumes {
        self.by_block.volumes()
    }

    /// Follows `changes` made since (oldest first), giving what [`FilteredVolumes::new`] would give now;
    /// false, having changed nothing, when they cannot be followed in place (see [`ToFollow::of`]).
    pub fn update(&mut self, dataset: &Dataset, filter: &Filter, changes: &[Changed]) -> bool {
        let index = match ToFollow::of(changes, Collection::Acquisitions, true) {
            ToFollow::Nothing => return true,
            ToFollow::Rebuild => return false,
            ToFollow::Record(index) => index as u32,
        };
        let place = self.rows.binary_search(&index);
        let is_in = Matcher::new(dataset, filter).passes(Collection::Acquisitions, index as usize);
        let mut rows = std::borrow::Cow::Borrowed(&self.rows);
        match place {
            Err(at) if is_in => rows.to_mut().insert(at, index),
            Ok(at) if !is_in => _ = rows.to_mut().remove(at),
            _ => {}
        }
        if !self.by_block.update(dataset, &rows, index, place.is_ok()) {
            return false;
        }
        if let std::borrow::Cow::Owned(rows) = rows {
            self.rows = rows;
        }
        true
    }
}

impl std::fmt::Debug for VolumesByBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VolumesByBlock").field("blocks", &self.partials.len()).field("volumes", &self.volumes).finish()
    }
}

fn several_groups(group_by: GroupBy) -> bool {
    matches!(group_by, GroupBy::Buyer | GroupBy::Recipient)
}

fn empty_volumes(group_by: GroupBy) -> Volumes {
    Volumes { group_by, records: 0, rows: Vec::new(), totals: Vec::new() }
}

/// Totals by stage as the sum of the groups, added in the groups' order so that money sums come out
/// the same on every run.
fn sum_of_groups(slots: &Slots) -> Slots {
    let mut groups: Vec<&(SlotKey, Slot)> = slots.values().collect();
    groups.sort_by_key(|(key, _)| *key);
    let mut totals = Slots::default();
    for &((_, stage, unit, currency), ref group) in groups {
        slot(&mut totals, (GroupKey::All, stage, unit, currency)).merge(group);
    }
    totals
}

/// Rows aggregated by one task, and the records of a block [`VolumesByBlock`] re-aggregates after an edit.
const CHUNK_ROWS: usize = 1 << 14;

fn merge(into: &mut Slots, from: Slots) {
    for (key, other) in from.into_values() {
        slot(into, key).merge(&other);
    }
}

/// The groups of `record`, the record at `at` of the chunk whose columns are `columns`: read from the
/// columns where the grouping gives one group per record, else from the record.
fn keys_at(columns: &AcquisitionColumns, record: &Acquisition, at: usize, group_by: GroupBy, keys: &mut Vec<GroupKey>) {
    let key = match group_by {
        GroupBy::Category => GroupKey::Text(columns.category(at)),
        GroupBy::Stage => GroupKey::Stage(columns.amounts[at].stage()),
        GroupBy::Year => year_group(columns.dates[at]),
        GroupBy::Quarter => quarter_group(columns.dates[at]),
        GroupBy::System | GroupBy::Agency | GroupBy::Buyer | GroupBy::Recipient => {
            return group_keys(record, group_by, keys);
        }
    };
    keys.push(key);
}

/// The year group of an order date, from its anchor; "(none)" when there is no date.
fn year_group(anchor: Option<PartialDate>) -> GroupKey {
    anchor.map_or(GroupKey::Missing, |anchor| GroupKey::Year(anchor.year()))
}

/// The quarter group of an order date, from its anchor; "(none)" when there is no date or it is known
/// only to the year.
fn quarter_group(anchor: Option<PartialDate>) -> GroupKey {
    anchor.and_then(quarter_of_anchor).map_or(GroupKey::Missing, |(year, quarter)| GroupKey::Quarter(year, quarter))
}

fn group_keys(record: &Acquisition, group_by: GroupBy, keys: &mut Vec<GroupKey>) {
    let text = |symbol: Option<Symbol>| symbol.map_or(GroupKey::Missing, GroupKey::Text);
    match group_by {
        GroupBy::Category => keys.push(GroupKey::Text(record.category)),
        GroupBy::System => keys.push(GroupKey::Text(record.system)),
        GroupBy::Agency => keys.push(text(record.agency)),
        GroupBy::Stage => keys.push(GroupKey::Stage(record.stage)),
        GroupBy::Year => keys.push(year_group(record.date.map(|date| date.anchor()))),
        GroupBy::Quarter => keys.push(quarter_group(record.date.map(|date| date.anchor()))),
        GroupBy::Buyer if record.buyers.is_empty() => keys.push(GroupKey::Missing),
        GroupBy::Buyer => {
            keys.extend(record.buyers.iter().map(|&buyer| GroupKey::Text(buyer)));
            keys.sort_unstable();
            keys.dedup();
        }
        GroupBy::Recipient if record.recipients().is_empty() => keys.push(GroupKey::Missing),
        GroupBy::Recipient => {
            keys.extend(record.recipients().iter().map(|&recipient| GroupKey::Text(recipient)));
            keys.sort_unstable();
            keys.dedup();
        }
    }
}

/// The names of the groups a record falls in, as [`Volumes`] names them (several for a joint order
/// grouped by buyer; "(none)" when it has no value for the grouping).
pub fn group_names(dataset: &Dataset, record: &Acquisition, group_by: GroupBy) -> Vec<String> {
    let mut keys = Vec::new();
    group_keys(record, group_by, &mut keys);
    keys.into_iter().map(|key| group_name(dataset, key)).collect()
}

impl GroupKey {
    /// "2024", "2024 Q3": the name of a year or a quarter, which needs no dataset.
    pub fn period_name(self) -> Option<String> {
        match self {
            GroupKey::Year(year) => Some(year.to_string()),
            GroupKey::Quarter(year, quarter) => Some(format!("{year} Q{quarter}")),
            _ => None,
        }
    }

    /// The calendar slot of a year or a quarter, counted in its own steps (years, or quarters since year 0).
    pub fn period_index(self) -> Option<i32> {
        match self {
            GroupKey::Year(year) => Some(i32::from(year)),
            GroupKey::Quarter(year, quarter) => Some(i32::from(year) * 4 + i32::from(quarter) - 1),
            _ => None,
        }
    }

    /// The period at `index` of the same steps as `self` (a year for a year, a quarter for a quarter).
    pub fn period_at(self, index: i32) -> Option<GroupKey> {
        let year = |value: i32| i16::try_from(value).ok();
        match self {
            GroupKey::Year(_) => year(index).map(GroupKey::Year),
            GroupKey::Quarter(..) => Some(GroupKey::Quarter(year(index.div_euclid(4))?, index.rem_euclid(4) as u8 + 1)),
            _ => None,
        }
    }
}

/// The name of a group as readers see it: "2024 Q3", "contracted", a category.
pub fn group_name(dataset: &Dataset, key: GroupKey) -> String {
    if let Some(name) = key.period_name() {
        return name;
    }
    match key {
        GroupKey::Missing => "(none)".to_owned(),
        GroupKey::Year(_) | GroupKey::Quarter(..) => String::new(),
        GroupKey::Stage(stage) => stage.label().to_owned(),
        GroupKey::Text(symbol) => dataset.text(symbol).to_owned(),
        GroupKey::All => "all".to_owned(),
    }
}

/// The year and quarter (1 to 4) a date falls in; None for a date known only to the year.
pub fn quarter_of(date: &crate::model::FuzzyDate) -> Option<(i16, u8)> {
    quarter_of_anchor(date.anchor())
}

fn quarter_of_anchor(anchor: PartialDate) -> Option<(i16, u8)> {
    anchor.month().map(|month| (anchor.year(), (month - 1) / 3 + 1))
}

/// The framework contracts with national orders in `rows` (None: every record), marked by id symbol: a
/// record is such a framework if its id is marked (with an id duplicated, a validation error, every record
/// holding it is). None when `rows` has no national orders. Marking ids rather than positions lets the
/// aggregation read the mark beside the fields it reads anyway, instead of a second pass over every record
/// to find where each framework is.
fn frameworks_with_orders_in(dataset: &Dataset, rows: Option<&[u32]>) -> Option<SymbolSet> {
    let acquisitions = &dataset.acquisitions;
    let every_record = rows.is_none_or(|rows| rows.len() == acquisitions.len() && rows.is_sorted());
    // National orders are few (one record in twenty or fewer): their rows are looked up, not every row's
    // record read.
    let in_rows: Box<dyn Fn(usize) -> bool> = match rows {
        Some(rows) if !every_record && rows.is_sorted() => {
            Box::new(|index| rows.binary_search(&(index as u32)).is_ok())
        }
        Some(rows) if !every_record => {
            let mut marked = vec![false; acquisitions.len()];
            for &row in rows {
                if let Some(slot) = marked.get_mut(row as usize) {
                    *slot = true;
                }
            }
            Box::new(move |index| marked[index])
        }
        _ => Box::new(|_| true),
    };
    let mut frameworks: Option<SymbolSet> = None;
    for (index, parent) in acquisitions.with_parents() {
        // A record naming itself as its parent is not a framework for that.
        if acquisitions.get(index).is_some_and(|record| record.id == parent) || !in_rows(index) {
            continue;
        }
        frameworks.get_or_insert_with(|| SymbolSet::for_strings(&dataset.strings)).insert(parent);
    }
    frameworks
}

/// The rows of the slots, one per group and stage.
fn finish(dataset: &Dataset, slots: Slots) -> Vec<VolumeRow> {
    let mut keyed: Vec<(SlotKey, Slot)> = slots.into_values().collect();
    // Text groups sort by their text, "(none)" last; years and stages in their natural order. The slots
    // of a row are folded in a fixed order, so that money sums come out the same on every run.
    let order = |key: &GroupKey| match key {
        GroupKey::Missing => 1,
        _ => 0,
    };
    keyed.sort_by(|((a, sa, ua, ca), _), ((b, sb, ub, cb), _)| {
        order(a)
            .cmp(&order(b))
            .then_with(|| match (a, b) {
                (GroupKey::Text(x), GroupKey::Text(y)) => dataset.text(*x).cmp(dataset.text(*y)),
                _ => a.cmp(b),
            })
            .then(sa.cmp(sb))
            .then(ua.cmp(ub))
            .then(ca.cmp(cb))
    });
    let mut rows: Vec<VolumeRow> = Vec::new();
    for ((key, stage, unit, currency), slot) in keyed {
        let row = match rows.last_mut() {
            Some(row) if row.key == key && row.stage == stage => row,
            _ => {
                rows.push(VolumeRow {
                    group: group_name(dataset, key),
                    key,
                    stage,
                    records: 0,
                    joint: 0,
                    units: BTreeMap::new(),
                    money: BTreeMap::new(),
                    no_quantity: 0,
                    no_value: 0,
                });
                rows.last_mut().expect("a row was just added")
            }
        };
        row.records += slot.records;
        row.joint += slot.joint;
        row.no_quantity += slot.records - slot.quantities;
        row.no_value += slot.records - slot.values;
        if slot.quantities > 0 || slot.rare.as_ref().is_some_and(|rare| rare.deliveries > 0) {
            row.units.entry(dataset.text_or_empty(unit).to_owned()).or_default().add(&slot.quantity());
        }
        if slot.values > 0 {
            row.money.entry(currency).or_default().add(&slot.money());
        }
    }
    rows
}

impl QuantityTally {
    /// The most the figures can stand for, for bars: every sum as given, ceilings included.
    pub fn reach(&self) -> u64 {
        self.exact.saturating_add(self.approximate).saturating_add(self.at_least).saturating_add(self.up_to)
    }

    /// Adds another tally's figures to this one's, each to its kind.
    pub fn add(&mut self, other: &QuantityTally) {
        self.exact = self.exact.saturating_add(other.exact);
        self.approximate = self.approximate.saturating_add(other.approximate);
        self.at_least = self.at_least.saturating_add(other.at_least);
        self.up_to = self.up_to.saturating_add(other.up_to);
        self.counted += other.counted;
        self.unknown += other.unknown;
        self.frameworks += other.frameworks;
        self.framework_ceiling = self.framework_ceiling.saturating_add(other.framework_ceiling);
        self.delivered.merge(other.delivered);
    }

    /// "700 exact; ≈ 96 approx.; up to 1,000; 1 without a number; framework ceiling up to 1,000 not added".
    pub fn describe(&self) -> String {
        use crate::model::group_thousands as n;
        // A count of nought is said as such, not left out.
        let zero_exact = self.counted > 0 && self.approximate == 0 && self.at_least == 0 && self.up_to == 0;
        let mut parts = crate::model::count_parts(self.exact, self.approximate, self.at_least, self.up_to, zero_exact);
        if self.unknown > 0 {
            parts.push(format!("{} without a number", count_text(self.unknown as usize)));
        }
        if self.frameworks > 0 {
            parts.push(format!("framework ceiling up to {} not added", n(self.framework_ceiling as f64, 0)));
        }
        parts.join("; ")
    }
}

impl MoneyTally {
    /// Adds another tally's figures to this one's, each to its kind.
    pub fn add(&mut self, other: &MoneyTally) {
        self.exact += other.exact;
        self.approximate += other.approximate;
        self.up_to += other.up_to;
        self.counted += other.counted;
        self.frameworks += other.frameworks;
        self.framework_ceiling += other.framework_ceiling;
    }

    /// "≈ 5.5 bn approx.; 1.1 bn exact", in the tally's currency.
    pub fn describe(&self) -> String {
        use crate::model::short_amount as n;
        let mut parts = Vec::new();
        if self.exact > 0.0 || (self.counted > 0 && self.approximate == 0.0 && self.up_to == 0.0) {
            parts.push(format!("{} exact", n(self.exact)));
        }
        if self.approximate > 0.0 {
            parts.push(format!("≈ {} approx.", n(self.approximate)));
        }
        if self.up_to > 0.0 {
            parts.push(format!("up to {}", n(self.up_to)));
        }
        if self.frameworks > 0 {
            parts.push(format!("framework ceiling {} not added", n(self.framework_ceiling)));
        }
        parts.join("; ")
    }
}

impl VolumeRow {
    /// Quantities of the row, one clause per unit, delivered beside ordered: "missile: 700 exact; up to
    /// 1,000; delivered to date: 96 exact".
    pub fn describe_units(&self) -> String {
        let mut parts: Vec<String> = self
            .units
            .iter()
            .map(|(unit, tally)| {
                let unit = if unit.is_empty() { "(no unit)" } else { unit };
                let ordered = tally.describe();
                let ordered = if ordered.is_empty() { "none ordered".to_owned() } else { ordered };
                if tally.delivered.is_empty() {
                    format!("{unit}: {ordered}")
                } else {
                    format!("{unit}: {ordered}; delivered to date: {}", tally.delivered.describe())
                }
            })
            .collect();
        if self.no_quantity > 0 {
            parts.push(format!("{} with no quantity", count_text(self.no_quantity as usize)));
        }
        parts.join(" | ")
    }

    /// Values of the row, one clause per currency: "USD ≈ 5.5 bn approx.".
    pub fn describe_money(&self) -> String {
        let mut parts: Vec<String> =
            self.money.iter().map(|(currency, tally)| format!("{currency} {}", tally.describe())).collect();
        if self.no_value > 0 {
            parts.push(format!("{} with no value", count_text(self.no_value as usize)));
        }
        parts.join(" | ")
    }
}

/// Totals as a small table: a row per stage, a column per unit (ordered, and delivered beside it where
/// anything was) and per currency; each cell lists its exact, approximate, "at least", "up to" and unknown
/// figures on lines of their own. Made once per change, drawn by the tables view and written by reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TotalsGrid {
    pub columns: Vec<String>,
    /// A stage and its cells, one per column ("" where the stage has none of it).
    pub rows: Vec<(Stage, Vec<String>)>,
}

impl TotalsGrid {
    pub fn of(totals: &[VolumeRow]) -> TotalsGrid {
        let mut units: Vec<&str> = totals.iter().flat_map(|row| row.units.keys().map(String::as_str)).collect();
        units.sort_unstable();
        units.dedup();
        let mut currencies: Vec<Currency> = totals.iter().flat_map(|row| row.money.keys().copied()).collect();
        currencies.sort_unstable();
        currencies.dedup();
        let delivered_in =
            |unit: &str| totals.iter().any(|row| row.units.get(unit).is_some_and(|t| !t.delivered.is_empty()));
        let unit_name = |unit: &str| if unit.is_empty() { "(no unit)".to_owned() } else { unit.to_owned() };
        let mut columns = Vec::new();
        // Each column: its title, and how a row's cell is written.
        type CellText<'a> = Box<dyn Fn(&VolumeRow) -> String + 'a>;
        let mut cells: Vec<CellText<'_>> = Vec::new();
        for &unit in &units {
            columns.push(unit_name(unit));
            cells.push(Box::new(move |row: &VolumeRow| {
                row.units.get(unit).map(|t| lines(&t.describe())).unwrap_or_default()
            }));
            if delivered_in(unit) {
                columns.push(format!("{} delivered", unit_name(unit)));
                cells.push(Box::new(move |row: &VolumeRow| {
                    row.units
                        .get(unit)
                        .filter(|t| !t.delivered.is_empty())
                        .map(|t| lines(&t.delivered.describe()))
                        .unwrap_or_default()
                }));
            }
        }
        for &currency in &currencies {
            columns.push(currency.to_string());
            cells.push(Box::new(move |row: &VolumeRow| {
                row.money.get(&currency).map(|t| lines(&t.describe())).unwrap_or_default()
            }));
        }
        if totals.iter().any(|row| row.no_quantity > 0) {
            columns.push("No quantity".to_owned());
            cells.push(Box::new(|row: &VolumeRow| {
                if row.no_quantity > 0 { count_text(row.no_quantity as usize) } else { String::new() }
            }));
        }
        if totals.iter().any(|row| row.no_value > 0) {
            columns.push("No value".to_owned());
            cells.push(Box::new(
                |row: &VolumeRow| if row.no_value > 0 { count_text(row.no_value as usize) } else { String::new() },
            ));
        }
        let rows = totals.iter().map(|row| (row.stage, cells.iter().map(|cell| cell(row)).collect())).collect();
        TotalsGrid { columns, rows }
    }
}

/// "700 exact; up to 1,000" as one figure per line.
fn lines(described: &str) -> String {
    described.replace("; ", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::json;

    /// A small dataset: a framework "up to 100" with two orders, an "about" order in EUR, one with no
    /// number, one planned buy, and a joint order of two buyers.
    fn sample() -> Dataset {
        let text = r#"{
          "format": "pledge-explorer-dataset", "version": 1,
          "acquisitions": [
            {"id": "fw", "system": "M", "category": "missiles", "buyers": ["A", "B"], "stage": "contracted",
             "quantity": {"count": 100, "unit": "missile", "qualifier": "up_to"},
             "value": {"amount": 1000, "currency": "USD", "qualifier": "up_to"}, "date": "2024-01", "confidence": "high"},
            {"id": "a", "system": "M", "category": "missiles", "buyers": ["A"], "stage": "contracted", "parent": "fw",
             "quantity": {"count": 30, "unit": "missile"}, "value": {"amount": 300, "currency": "USD"},
             "date": "2024", "confidence": "high"},
            {"id": "b", "system": "M", "category": "missiles", "buyers": ["B"], "stage": "contracted", "parent": "fw",
             "quantity": {"count": 20, "unit": "missile", "qualifier": "estimate"},
             "value": {"amount": 250, "currency": "EUR", "qualifier": "about"}, "date": "2025", "confidence": "high"},
            {"id": "c", "system": "M", "category": "missiles", "stage": "contracted",
             "quantity": {"unit": "missile", "qualifier": "unknown", "text": "dozens"}, "confidence": "high"},
            {"id": "p", "system": "J", "category": "aircraft", "buyers": ["A"], "stage": "planned",
             "quantity": {"count": 8, "unit": "aircraft"}, "date": "2024", "confidence": "high"}
          ]}"#;
        json::from_str(text, "sample.json").unwrap()
    }

    fn total(volumes: &Volumes, stage: Stage) -> &VolumeRow {
        volumes.totals.iter().find(|row| row.stage == stage).unwrap()
    }

    #[test]
    fn stages_units_and_currencies_are_kept_apart() {
        let volumes = volumes(&sample(), None, GroupBy::Category);
        assert_eq!(volumes.totals.len(), 2, "one total per stage");
        let contracted = total(&volumes, Stage::Contracted);
        assert_eq!(contracted.records, 4);
        let missiles = &contracted.units["missile"];
        assert_eq!((missiles.exact, missiles.approximate, missiles.up_to), (30, 20, 0));
        assert_eq!(missiles.unknown, 1, "the record with no number is counted beside the sums");
        assert_eq!((missiles.frameworks, missiles.framework_ceiling), (1, 100), "the ceiling is not added");
        assert_eq!(contracted.money[&Currency::parse("USD").unwrap()].exact, 300.0);
        assert_eq!(contracted.money[&Currency::parse("EUR").unwrap()].approximate, 250.0);
        let planned = total(&volumes, Stage::Planned);
        assert_eq!(planned.units["aircraft"].exact, 8);
        assert!(!planned.units.contains_key("missile"));
    }

    #[test]
    fn a_record_that_names_itself_as_parent_is_not_a_framework() {
        let mut dataset = sample();
        let own_id = dataset.acquisitions[4].id;
        dataset.acquisitions[4].parent = Some(own_id);
        let volumes = volumes(&dataset, None, GroupBy::Category);
        let aircraft = &total(&volumes, Stage::Planned).units["aircraft"];
        assert_eq!((aircraft.exact, aircraft.frameworks), (8, 0));
    }

    #[test]
    fn a_framework_counts_when_its_orders_are_not_in_the_set() {
        let dataset = sample();
        let volumes = volumes(&dataset, Some(&[0, 3]), GroupBy::System);
        let missiles = &total(&volumes, Stage::Contracted).units["missile"];
        assert_eq!((missiles.up_to, missiles.frameworks, missiles.unknown), (100, 0, 1));
        assert_eq!(missiles.describe(), "up to 100; 1 without a number");
    }

    #[test]
    fn a_framework_is_found_among_rows_in_any_order() {
        let dataset = sample();
        // Sorted, a subset, and in another order (a table sorted by a column): "fw" has its order "a".
        for rows in [&[0, 1][..], &[0, 1, 3], &[3, 1, 0], &[1, 0]] {
            let volumes = volumes(&dataset, Some(rows), GroupBy::System);
            let missiles = &total(&volumes, Stage::Contracted).units["missile"];
            assert_eq!((missiles.frameworks, missiles.framework_ceiling, missiles.exact), (1, 100, 30), "{rows:?}");
        }
    }

    #[test]
    fn joint_orders_count_under_each_buyer_and_once_in_the_totals() {
        let volumes = volumes(&sample(), None, GroupBy::Buyer);
        let row =
            |group: &str, stage: Stage| volumes.rows.iter().find(|r| r.group == group && r.stage == stage).unwrap();
        assert_eq!(row("A", Stage::Contracted).records, 2);
        assert_eq!(row("A", Stage::Contracted).joint, 1);
        assert_eq!(row("B", Stage::Contracted).records, 2);
        assert_eq!(row("(none)", Stage::Contracted).records, 1);
        assert_eq!(total(&volumes, Stage::Contracted).records, 4);
        assert_eq!(volumes.rows.last().unwrap().group, "(none)", "records without a buyer come last");
    }

    #[test]
    fn a_record_names_the_groups_it_is_counted_in() {
        let dataset = sample();
        let joint = &dataset.acquisitions[0];
        assert_eq!(group_names(&dataset, joint, GroupBy::Buyer), ["A", "B"]);
        assert_eq!(group_names(&dataset, joint, GroupBy::Quarter), ["2024 Q1"]);
        assert_eq!(group_names(&dataset, &dataset.acquisitions[3], GroupBy::Year), ["(none)"]);
    }

    #[test]
    fn years_group_by_the_order_date() {
        let volumes = volumes(&sample(), None, GroupBy::Year);
        let groups: Vec<(&str, Stage)> = volumes.rows.iter().map(|r| (r.group.as_str(), r.stage)).collect();
        assert_eq!(
            groups,
            vec![
                ("2024", Stage::Planned),
                ("2024", Stage::Contracted),
                ("2025", Stage::Contracted),
                ("(none)", Stage::Contracted)
            ]
        );
    }

    #[test]
    fn aggregating_in_chunks_on_several_cores_gives_the_one_pass_figures() {
        let json = crate::synthetic::dataset_json(5_000, 5);
        let dataset = crate::io::json::from_str(&json, "synthetic").unwrap();
        for group_by in [GroupBy::Category, GroupBy::Buyer, GroupBy::Quarter] {
            let one_pass = volumes_in_chunks(&dataset, None, group_by, usize::MAX);
            let chunked = volumes_in_chunks(&dataset, None, group_by, 333);
            let every_row: Vec<u32> = (0..5_000).collect();
            assert_eq!(chunked, volumes_in_chunks(&dataset, Some(&every_row), group_by, 333), "all records, all rows");
            assert_eq!(chunked.rows.len(), one_pass.rows.len());
            for (a, b) in chunked.rows.iter().chain(&chunked.totals).zip(one_pass.rows.iter().chain(&one_pass.totals)) {
                assert_eq!(
                    (&a.group, a.stage, a.records, a.joint, &a.units),
                    (&b.group, b.stage, b.records, b.joint, &b.units)
                );
                assert_eq!((a.no_quantity, a.no_value), (b.no_quantity, b.no_value));
                for ((currency, x), (other, y)) in a.money.iter().zip(&b.money) {
                    assert_eq!((currency, x.counted, x.frameworks), (other, y.counted, y.frameworks));
                    for (p, q) in [(x.exact, y.exact), (x.approximate, y.approximate), (x.up_to, y.up_to)] {
                        assert!((p - q).abs() <= 1e-9 * q.abs().max(1.0), "{p} vs {q}");
                    }
                }
            }
        }
    }

    #[test]
    fn groups_read_from_the_columns_are_the_groups_read_from_the_records() {
        let json = crate::synthetic::dataset_json(5_000, 3);
        let mut dataset = crate::io::json::from_str(&json, "synthetic").unwrap();
        // Edited after the columns were first made: an edited chunk's columns are made again.
        volumes(&dataset, None, GroupBy::Category);
        let quantity = dataset.acquisitions[1_500].quantity.clone();
        dataset.acquisitions[4_000].quantity = quantity;
        dataset.acquisitions[10].category = dataset.acquisitions[2_000].category;
        dataset.acquisitions[10].date = None;
        // A chunk whose records each have a category and a unit of their own: too many combinations for
        // a table of slots by codes, so its slots are found by their keys.
        for index in 3_072..4_096 {
            let category = dataset.intern(&format!("category {index}"));
            let unit = dataset.intern(&format!("unit {index}"));
            let record = &mut dataset.acquisitions[index];
            record.category = category;
            if let Some(quantity) = &mut record.quantity {
                quantity.unit = Some(unit);
            }
        }
        let some_rows: Vec<u32> = (0..5_000).filter(|row| row % 3 != 0).collect();
        let rows_backwards: Vec<u32> = (0..5_000).rev().collect();
        for group_by in GroupBy::ALL {
            let from_records = |record: &Acquisition, keys: &mut Vec<GroupKey>| group_keys(record, group_by, keys);
            for rows in [None, Some(&some_rows[..]), Some(&rows_backwards[..])] {
                let columns = volumes(&dataset, rows, group_by);
                let records = volumes_by(&dataset, rows, &from_records, several_groups(group_by));
                assert_eq!((columns.rows, columns.totals), records, "{group_by:?}");
            }
        }
    }

    #[test]
    fn volumes_by_block_follow_edits_to_the_last_bit() {
        use crate::model::{Currency, Money};
        let json = crate::synthetic::dataset_json(3_000, 11);
        let mut dataset = crate::io::json::from_str(&json, "synthetic").unwrap();
        let filter = Filter { stages: [Stage::Contracted, Stage::Delivering].into(), ..Filter::default() };
        for group_by in [GroupBy::Category, GroupBy::Buyer] {
            let mut rows = filtered(&dataset, Collection::Acquisitions, &filter);
            let mut by_block = VolumesByBlock::in_blocks_of(&dataset, &rows, group_by, 333);
            let (mut followed, mut turned_away) = (0, 0);
            for step in 0..200usize {
                let index = (step * 7_919) % 3_000;
                let record = &mut dataset.acquisitions[index];
                match step % 3 {
                    0 => record.stage = Stage::ALL[step % Stage::ALL.len()],
                    1 => {
                        let amount = step as f64 * 0.1 + 1e-3;
                        let currency = Currency::parse("EUR").unwrap();
                        record.value =
                            Some(Money { amount, currency, qualifier: MoneyQualifier::Exact, price_year: None });
                    }
                    _ => record.quantity.iter_mut().for_each(|quantity| quantity.count = Some(step as u64)),
                }
                let was_in = rows.binary_search(&(index as u32)).is_ok();
                let now = filtered(&dataset, Collection::Acquisitions, &filter);
                let expected = volumes_in_chunks(&dataset, Some(&now), group_by, 333);
                if by_block.update(&dataset, &now, index as u32, was_in) {
                    followed += 1;
                    assert_eq!(by_block.volumes(), &expected, "step {step}");
                } else {
                    turned_away += 1;
                    by_block = VolumesByBlock::in_blocks_of(&dataset, &now, group_by, 333);
                }
                rows = now;
            }
            assert!(followed > 150, "{followed} followed, {turned_away} turned away");
            // A national order leaving the rows may leave its framework without orders: turned away.
            let order = rows.iter().copied().find(|&row| dataset.acquisitions[row as usize].parent.is_some()).unwrap();
            dataset.acquisitions[order as usize].stage = Stage::Planned;
            let now = filtered(&dataset, Collection::Acquisitions, &filter);
            assert!(!by_block.update(&dataset, &now, order, true));
            dataset.acquisitions[order as usize].stage = Stage::Contracted;
        }
    }
}
