//! The fields of acquisitions that the aggregates read, laid out as columns beside each chunk's records.
//!
//! An acquisition takes about 200 bytes and an aggregate needs a fifth of them: reading the records
//! themselves, the aggregates waited on memory for what they skipped. The columns are made from the
//! records (never edited on their own), so they cannot disagree with them.

use super::{
    Acquisition, Actor, Columnar, Commitment, Currency, Event, MoneyQualifier, PartialDate, QuantityQualifier, Source,
    Stage, Symbol,
};

/// What an aggregate adds up of one acquisition, in 32 bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measure {
    /// The quantity's count; 0 when it has none.
    pub count: u64,
    /// The value's amount; 0 when there is no value.
    pub amount: f64,
    pub id: Symbol,
    pub unit: Option<Symbol>,
    pub currency: Currency,
    pub stage: Stage,
    /// The quantity's qualifier; None when there is no quantity.
    pub quantity: Option<QuantityQualifier>,
    /// Whether the quantity has a count.
    pub counted: bool,
    /// The value's qualifier; None when there is no value.
    pub money: Option<MoneyQualifier>,
    pub has_deliveries: bool,
}

impl Measure {
    pub fn of(record: &Acquisition) -> Measure {
        Measure {
            count: record.quantity.as_ref().and_then(|quantity| quantity.count).unwrap_or(0),
            amount: record.value.as_ref().map_or(0.0, |money| money.amount),
            id: record.id,
            unit: record.quantity.as_ref().and_then(|quantity| quantity.unit),
            currency: record.value.as_ref().map_or(Currency::NONE, |money| money.currency),
            stage: record.stage,
            quantity: record.quantity.as_ref().map(|quantity| quantity.qualifier),
            counted: record.quantity.as_ref().is_some_and(|quantity| quantity.count.is_some()),
            money: record.value.as_ref().map(|money| money.qualifier),
            has_deliveries: !record.deliveries.is_empty(),
        }
    }
}

/// The columns of a chunk of acquisitions: the measures, and the fields records are grouped by where a
/// record falls in one group (grouping by buyer reads the records).
pub struct AcquisitionColumns {
    pub measures: Box<[Measure]>,
    pub categories: Box<[Symbol]>,
    pub systems: Box<[Symbol]>,
    pub agencies: Box<[Option<Symbol>]>,
    /// The order date's anchor, which its year and quarter are read from.
    pub dates: Box<[Option<PartialDate>]>,
}

impl Columnar for Acquisition {
    type Columns = AcquisitionColumns;

    fn columns(records: &[Acquisition]) -> AcquisitionColumns {
        // One pass over the records, each read once from memory.
        let mut measures = Vec::with_capacity(records.len());
        let mut categories = Vec::with_capacity(records.len());
        let mut systems = Vec::with_capacity(records.len());
        let mut agencies = Vec::with_capacity(records.len());
        let mut dates = Vec::with_capacity(records.len());
        for record in records {
            measures.push(Measure::of(record));
            categories.push(record.category);
            systems.push(record.system);
            agencies.push(record.agency);
            dates.push(record.date.map(|date| date.anchor()));
        }
        AcquisitionColumns {
            measures: measures.into(),
            categories: categories.into(),
            systems: systems.into(),
            agencies: agencies.into(),
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

    #[test]
    fn a_measure_is_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Measure>(), 32);
    }
}
