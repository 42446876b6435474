//! What a change does to the acquisitions' totals: per stage, unit and currency, each kind of figure
//! (exact, approximate, "at least", "up to", without a number) apart, as the tables' totals keep them.

use crate::analysis::volumes::{GroupBy, MoneyTally, QuantityTally, VolumeRow, volumes};
use crate::model::{Dataset, Delivered, Stage};

/// One figure of the totals that moved: "contracted missiles: +50 exact".
#[derive(Clone, Debug, PartialEq)]
pub struct TotalChange {
    pub stage: Stage,
    /// The unit in the plural ("missiles", "missiles delivered") or the currency ("USD").
    pub figure: String,
    /// Each kind of figure that moved, signed: "+50 exact; −3 approx.".
    pub change: String,
}

impl TotalChange {
    pub fn text(&self) -> String {
        format!("{} {}: {}", self.stage.label(), self.figure, self.change)
    }
}

/// The totals of `new` less those of `old`, per stage and then unit and currency, where they differ.
pub fn totals_effect(old: &Dataset, new: &Dataset) -> Vec<TotalChange> {
    let before = volumes(old, None, GroupBy::Stage).totals;
    let after = volumes(new, None, GroupBy::Stage).totals;
    let row = |rows: &[VolumeRow], stage: Stage| rows.iter().find(|row| row.stage == stage).cloned();
    let mut changes = Vec::new();
    for &stage in Stage::ALL {
        let (before, after) = (row(&before, stage), row(&after, stage));
        let units = |row: &Option<VolumeRow>| row.iter().flat_map(|r| r.units.keys().cloned()).collect::<Vec<_>>();
        let mut all_units = units(&before);
        all_units.extend(units(&after));
        all_units.sort();
        all_units.dedup();
        for unit in all_units {
            let tally =
                |row: &Option<VolumeRow>| row.as_ref().and_then(|r| r.units.get(&unit)).cloned().unwrap_or_default();
            let (was, is) = (tally(&before), tally(&after));
            let name = if unit.is_empty() { "(no unit)".to_owned() } else { crate::model::plural(&unit, 2) };
            let ordered_change = counts_change(ordered(&was), ordered(&is));
            if !ordered_change.is_empty() {
                changes.push(TotalChange { stage, figure: name.clone(), change: ordered_change });
            }
            let delivered_change = counts_change(delivered(&was.delivered), delivered(&is.delivered));
            if !delivered_change.is_empty() {
                changes.push(TotalChange { stage, figure: format!("{name} delivered"), change: delivered_change });
            }
        }
        let currencies = |row: &Option<VolumeRow>| row.iter().flat_map(|r| r.money.keys().copied()).collect::<Vec<_>>();
        let mut all_currencies = currencies(&before);
        all_currencies.extend(currencies(&after));
        all_currencies.sort();
        all_currencies.dedup();
        for currency in all_currencies {
            let tally = |row: &Option<VolumeRow>| {
                row.as_ref().and_then(|r| r.money.get(&currency)).cloned().unwrap_or_default()
            };
            let change = money_change(&tally(&before), &tally(&after));
            if !change.is_empty() {
                changes.push(TotalChange { stage, figure: currency.to_string(), change });
            }
        }
    }
    changes
}

/// "+50", "−3": a difference of counts with its sign.
fn signed(before: u64, after: u64) -> Option<String> {
    use crate::model::group_thousands;
    match after.cmp(&before) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(format!("+{}", group_thousands((after - before) as f64, 0))),
        std::cmp::Ordering::Less => Some(format!("−{}", group_thousands((before - after) as f64, 0))),
    }
}

fn join(parts: impl IntoIterator<Item = Option<String>>) -> String {
    parts.into_iter().flatten().collect::<Vec<_>>().join("; ")
}

/// Exact, approximate, "at least", "up to" and without a number, in that order.
type Counts = [u64; 5];

const COUNT_KINDS: [&str; 5] = ["exact", "approx.", "at least", "up to", "without a number"];

fn ordered(tally: &QuantityTally) -> Counts {
    [tally.exact, tally.approximate, tally.at_least, tally.up_to, tally.unknown.into()]
}

fn delivered(delivered: &Delivered) -> Counts {
    [delivered.exact, delivered.approximate, delivered.at_least, delivered.up_to, delivered.unknown.into()]
}

fn counts_change(was: Counts, is: Counts) -> String {
    join((0..COUNT_KINDS.len()).map(|k| signed(was[k], is[k]).map(|n| format!("{n} {}", COUNT_KINDS[k]))))
}

fn money_change(was: &MoneyTally, is: &MoneyTally) -> String {
    let signed = |before: f64, after: f64| {
        let difference = after - before;
        // Sums of the same figures in another order may differ in the last bits.
        let close = difference.abs() <= 1e-9 * before.abs().max(after.abs()).max(1.0);
        (!close).then(|| {
            let sign = if difference > 0.0 { "+" } else { "−" };
            format!("{sign}{}", crate::model::short_amount(difference.abs()))
        })
    };
    join([
        signed(was.exact, is.exact).map(|n| format!("{n} exact")),
        signed(was.approximate, is.approximate).map(|n| format!("{n} approx.")),
        signed(was.up_to, is.up_to).map(|n| format!("{n} up to")),
    ])
}
