//! The fields of acquisitions that the aggregates read, laid out as columns beside each chunk's records.
//!
//! An acquisition takes about 200 bytes and an aggregate needs 34 of them (and the deliveries' sums of a
//! fifth of the records): reading the records themselves, the aggregates waited on memory for what they
//! skipped. The columns are made from the records (never edited on their own), so they cannot disagree
//! with them.

use super::{
    Acquisition, Actor, Columnar, Commitment, Currency, Delivered, Event, MoneyQualifier, PartialDate,
    QuantityQualifier, Source, Stage, Symbol,
};

/// What an aggregate adds up of one acquisition, in 24 bytes: its stage and qualifiers packed in 12
/// bits, its currency's letters in 15, its count in 32 (a larger count is read from the record).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amounts {
    /// The value's amount; 0 when there is no value.
    pub amount: f64,
    pub id: Symbol,
    pub unit: Option<Symbol>,
    /// The quantity's count when it has one under 2³²; 0 otherwise.
    small_count: u32,
    currency: u16,
    /// The stage (bits 0-2), the quantity's qualifier (3-5, 0 for no quantity), whether it has a count
    /// (6), the value's qualifier (7-9, 0 for no value), deliveries (10), a count over 32 bits (11).
    shape: u16,
}

const COUNTED: u16 = 1 << 6;
const DELIVERIES: u16 = 1 << 10;
const LARGE_COUNT: u16 = 1 << 11;

impl Amounts {
    pub fn of(record: &Acquisition) -> Amounts {
        let count = record.quantity.as_ref().and_then(|quantity| quantity.count);
        let small_count = count.and_then(|count| u32::try_from(count).ok());
        let flag = |set: bool, bit: u16| if set { bit } else { 0 };
        let quantity = record.quantity.as_ref().map_or(0, |quantity| quantity.qualifier as u16 + 1);
        let money = record.value.as_ref().map_or(0, |money| money.qualifier as u16 + 1);
        Amounts {
            amount: record.value.as_ref().map_or(0.0, |money| money.amount),
            id: record.id,
            unit: record.quantity.as_ref().and_then(|quantity| quantity.unit),
            small_count: small_count.unwrap_or(0),
            currency: record.value.as_ref().map_or(Currency::NONE, |money| money.currency).packed(),
            shape: record.stage as u16
                | (quantity << 3)
                | flag(count.is_some(), COUNTED)
                | (money << 7)
                | flag(!record.deliveries.is_empty(), DELIVERIES)
                | flag(count.is_some() && small_count.is_none(), LARGE_COUNT),
        }
    }

    pub fn stage(&self) -> Stage {
        Stage::ALL[usize::from(self.shape & 7)]
    }

    /// The quantity's qualifier; None when there is no quantity.
    pub fn quantity(&self) -> Option<QuantityQualifier> {
        let code = usize::from((self.shape >> 3) & 7);
        code.checked_sub(1).map(|index| QuantityQualifier::ALL[index])
    }

    /// Whether the quantity has a count.
    pub fn counted(&self) -> bool {
        self.shape & COUNTED != 0
    }

    /// The quantity's count, 0 when it has none; `record` is the one these amounts are of, read for a
    /// count over 32 bits.
    pub fn count(&self, record: &Acquisition) -> u64 {
        if self.shape & LARGE_COUNT == 0 {
            return u64::from(self.small_count);
        }
        record.quantity.as_ref().and_then(|quantity| quantity.count).unwrap_or(0)
    }

    /// The value's qualifier; None when there is no value.
    pub fn money(&self) -> Option<MoneyQualifier> {
        let code = usize::from((self.shape >> 7) & 7);
        code.checked_sub(1).map(|index| MoneyQualifier::ALL[index])
    }

    /// The value's currency ([`Currency::NONE`] when there is no value).
    pub fn currency(&self) -> Currency {
        Currency::from_packed(self.currency)
    }

    pub fn has_deliveries(&self) -> bool {
        self.shape & DELIVERIES != 0
    }
}

/// The columns of a chunk of acquisitions: the amounts, what was delivered, and the fields records are
/// grouped by most (grouping by system, agency or buyer reads the records).
pub struct AcquisitionColumns {
    pub amounts: Box<[Amounts]>,
    /// A bit per record with deliveries, 64 to a word, with the number of such records before the word;
    /// and their deliveries' sums, in order. A fifth of the records or fewer have deliveries: reading
    /// theirs from the records was a cache miss each, and searching a list of places a chain of them.
    delivering: Box<[(u64, u32)]>,
    delivered: Box<[Delivered]>,
    /// Each record's category, as a position in `category_list`, the chunk's categories in the order met.
    pub category_codes: Box<[u16]>,
    pub category_list: Box<[Symbol]>,
    /// Each record's kind (stage, unit and currency), as a position in `kind_list`, the chunk's kinds.
    /// With these small numbers an aggregate finds a record's slot in a table rather than by hashing its
    /// key (see `analysis::volumes`).
    pub kind_codes: Box<[u16]>,
    pub kind_list: Box<[Kind]>,
    /// The order date's anchor, which its year and quarter are read from.
    pub dates: Box<[Option<PartialDate>]>,
}

/// What an aggregate keeps apart within a group: a record's stage, unit and currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    pub stage: Stage,
    pub unit: Option<Symbol>,
    pub currency: Currency,
}

impl Kind {
    /// The kind in one number, to hash in one step: unit, currency and stage.
    fn key(self) -> u64 {
        let unit = self.unit.map_or(0, |unit| unit.index() as u64 + 1);
        (unit << 32) | (u64::from(self.currency.packed()) << 16) | self.stage as u64
    }
}

/// Numbers the distinct values of a chunk's records in the order met, each found by a key (a number
/// the value packs into, hashed in one step): a chunk holds at most 1,024 records, so a code fits in
/// 16 bits.
struct Dictionary<K, T> {
    codes: Vec<u16>,
    list: Vec<T>,
    positions: std::collections::HashMap<K, u16, foldhash::fast::FixedState>,
}

impl<K: Eq + std::hash::Hash, T> Dictionary<K, T> {
    fn with_capacity(records: usize) -> Self {
        Dictionary { codes: Vec::with_capacity(records), list: Vec::new(), positions: Default::default() }
    }

    fn push(&mut self, key: K, value: T) {
        let next = self.list.len() as u16;
        let code = *self.positions.entry(key).or_insert(next);
        if code == next {
            self.list.push(value);
        }
        self.codes.push(code);
    }
}

impl AcquisitionColumns {
    /// The category of the record at `at`.
    pub fn category(&self, at: usize) -> Symbol {
        self.category_list[usize::from(self.category_codes[at])]
    }

    /// What the deliveries of the record at `at` add up to (nothing when it has none).
    pub fn delivered(&self, at: usize) -> Delivered {
        let Some(&(word, before)) = self.delivering.get(at / 64) else { return Delivered::default() };
        let bit = 1 << (at % 64);
        if word & bit == 0 {
            return Delivered::default();
        }
        let index = before as usize + (word & (bit - 1)).count_ones() as usize;
        self.delivered.get(index).copied().unwrap_or_default()
    }
}

impl Columnar for Acquisition {
    type Columns = AcquisitionColumns;

    fn columns(records: &[Acquisition]) -> AcquisitionColumns {
        // One pass over the records, each read once from memory.
        let mut amounts = Vec::with_capacity(records.len());
        let mut categories = Dictionary::with_capacity(records.len());
        let mut kinds = Dictionary::with_capacity(records.len());
        let mut dates = Vec::with_capacity(records.len());
        let mut delivering = vec![(0, 0); records.len().div_ceil(64)];
        let mut delivered = Vec::new();
        for (at, record) in records.iter().enumerate() {
            if at % 64 == 0 {
                delivering[at / 64].1 = delivered.len() as u32;
            }
            if !record.deliveries.is_empty() {
                delivering[at / 64].0 |= 1 << (at % 64);
                delivered.push(record.delivered());
            }
            let record_amounts = Amounts::of(record);
            let kind = Kind { stage: record.stage, unit: record_amounts.unit, currency: record_amounts.currency() };
            kinds.push(kind.key(), kind);
            amounts.push(record_amounts);
            categories.push(record.category, record.category);
            dates.push(record.date.map(|date| date.anchor()));
        }
        AcquisitionColumns {
            amounts: amounts.into(),
            delivering: delivering.into(),
            delivered: delivered.into(),
            category_codes: categories.codes.into(),
            category_list: categories.list.into(),
            kind_codes: kinds.codes.into(),
            kind_list: kinds.list.into(),
            dates: dates.into(),
        }
    }
}

/// The other collections are small (hundreds of records at most): nothing reads them as columns.
macro_rules! no_columns {
    ($($record:ty),*) => {$(
        impl Columnar for $record {
            type Columns = ();

            fn columns(_: &[$record]) {}
        }
    )*};
}

no_columns!(Commitment, Actor, Source, Event);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Money, Quantity};

    #[test]
    fn the_amounts_give_back_what_they_were_made_of() {
        assert_eq!(std::mem::size_of::<Amounts>(), 24);
        let json = crate::synthetic::dataset_json(300, 8);
        let mut dataset = crate::io::json::from_str(&json, "synthetic").unwrap();
        let unit = dataset.strings.intern("round");
        let mut records: Vec<Acquisition> = dataset.acquisitions.iter().cloned().collect();
        // Every stage and qualifier, none, and counts at and over 32 bits.
        for (at, &stage) in Stage::ALL.iter().enumerate() {
            records[at].stage = stage;
        }
        for (at, qualifier) in QuantityQualifier::ALL.into_iter().enumerate() {
            let count = [None, Some(0), Some(u64::from(u32::MAX)), Some(u64::from(u32::MAX) + 1), Some(u64::MAX)];
            let count = count[at % count.len()];
            records[at].quantity = Some(Quantity { count, unit: Some(unit), qualifier, text: None });
        }
        for (at, qualifier) in MoneyQualifier::ALL.into_iter().enumerate() {
            let currency = Currency::parse(["ZZZ", "AAA", "EUR", "XXX"][at]).unwrap();
            records[at].value = Some(Money { amount: 1.5e12, currency, qualifier, price_year: None });
        }
        records[0].quantity = None;
        records[1].value = None;
        for record in &records {
            let amounts = Amounts::of(record);
            assert_eq!(amounts.stage(), record.stage);
            assert_eq!(amounts.id, record.id);
            let quantity = record.quantity.as_ref();
            assert_eq!(amounts.quantity(), quantity.map(|quantity| quantity.qualifier));
            assert_eq!(amounts.unit, quantity.and_then(|quantity| quantity.unit));
            assert_eq!(amounts.counted(), quantity.is_some_and(|quantity| quantity.count.is_some()));
            assert_eq!(amounts.count(record), quantity.and_then(|quantity| quantity.count).unwrap_or(0));
            let value = record.value.as_ref();
            assert_eq!(amounts.money(), value.map(|money| money.qualifier));
            assert_eq!(amounts.currency(), value.map_or(Currency::NONE, |money| money.currency));
            assert_eq!(amounts.amount, value.map_or(0.0, |money| money.amount));
            assert_eq!(amounts.has_deliveries(), !record.deliveries.is_empty());
        }
        let columns = Acquisition::columns(&records);
        for (at, record) in records.iter().enumerate() {
            assert_eq!(columns.delivered(at), record.delivered());
            assert_eq!(columns.category(at), record.category);
            let kind = columns.kind_list[usize::from(columns.kind_codes[at])];
            let amounts = Amounts::of(record);
            assert_eq!(kind, Kind { stage: record.stage, unit: amounts.unit, currency: amounts.currency() });
        }
        // Each category and kind is listed once.
        let categories: std::collections::HashSet<_> = columns.category_list.iter().collect();
        assert_eq!(categories.len(), columns.category_list.len());
        let kinds: std::collections::HashSet<_> = columns.kind_list.iter().map(|kind| format!("{kind:?}")).collect();
        assert_eq!(kinds.len(), columns.kind_list.len());
        assert!(records.iter().any(|record| !record.deliveries.is_empty()), "the sample has deliveries");
    }
}
