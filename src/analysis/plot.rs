//! The figures a volume plot draws, derived from [`volumes`]: one series per stage (stages are drawn
//! apart, never added), each split into exact, approximate, "at least" and "up to" parts, for one unit
//! or one currency at a time. The plot view, the SVG export and reports all draw from this.

use serde::Serialize;

use crate::model::{Currency, Stage};

use super::volumes::{GroupBy, GroupKey, MoneyTally, QuantityTally, VolumeRow, Volumes};

/// What the bars measure: a count of one unit, or money in one currency. Never a mix.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Measure {
    Units(String),
    Value(Currency),
}

impl Measure {
    /// The axis label: "missiles", "USD".
    pub fn axis_label(&self) -> String {
        match self {
            Measure::Units(unit) if unit.is_empty() => "count (no unit given)".to_owned(),
            Measure::Units(unit) => crate::model::plural(unit, 2),
            Measure::Value(currency) => currency.to_string(),
        }
    }
}

/// How sure a part of a bar is, from firm to ceiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Part {
    Exact,
    Approximate,
    AtLeast,
    UpTo,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Exact, Part::Approximate, Part::AtLeast, Part::UpTo];

    pub fn label(self) -> &'static str {
        match self {
            Part::Exact => "exact",
            Part::Approximate => "approx.",
            Part::AtLeast => "at least",
            Part::UpTo => "up to",
        }
    }
}

/// One stage's bars: per group, the value of each part, the records counted, and those left out.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageSeries {
    pub stage: Stage,
    /// `parts[part][group]`, in [`Part::ALL`] order.
    pub parts: [Vec<f64>; 4],
    /// Records whose figure is in the bar, per group.
    pub records: Vec<u32>,
    /// Records of this stage in the group that have no figure in this measure (no number, another
    /// unit or currency, or a framework whose orders are counted instead), per group.
    pub left_out: Vec<u32>,
}

impl StageSeries {
    /// The height of a group's bar; the parts stack, so this reads "up to" when a ceiling is in it.
    pub fn height(&self, group: usize) -> f64 {
        self.parts.iter().map(|values| values.get(group).copied().unwrap_or(0.0)).sum()
    }

    /// The total of each part over all groups.
    pub fn part_totals(&self) -> [f64; 4] {
        self.parts.clone().map(|values| values.iter().sum())
    }
}

/// Everything a bar chart needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlotData {
    pub group_by: GroupBy,
    pub measure: Measure,
    /// The groups along the x axis, in order (chronological for years and quarters).
    pub groups: Vec<String>,
    /// The aggregation's key of each group, for mapping a bar back to its records.
    #[serde(skip)]
    pub keys: Vec<GroupKey>,
    /// One series per stage present, in stage order.
    pub series: Vec<StageSeries>,
    /// Records with no group (no date for a time axis, no buyer…), not drawn.
    pub ungrouped: u32,
    /// Records in the drawn groups with no figure in this measure (no number, another unit or
    /// currency, or a framework whose orders are counted instead).
    pub without_figure: u32,
}

impl PlotData {
    /// Firm figures (exact and approximate) accumulated over the groups, per stage: the cumulative line
    /// of a time axis. Ceilings and floors are not accumulated.
    pub fn cumulative(&self, series: &StageSeries) -> Vec<f64> {
        let mut running = 0.0;
        (0..self.groups.len())
            .map(|group| {
                running += series.parts[0][group] + series.parts[1][group];
                running
            })
            .collect()
    }

    /// The largest bar, for scaling.
    pub fn max_height(&self) -> f64 {
        self.series.iter().flat_map(|s| (0..self.groups.len()).map(|g| s.height(g))).fold(0.0, f64::max)
    }
}

/// The units and currencies the volumes contain, so the user can pick a measure that exists.
pub fn available_measures(volumes: &Volumes) -> Vec<Measure> {
    let mut units: Vec<String> = volumes.totals.iter().flat_map(|row| row.units.keys().cloned()).collect();
    units.sort();
    units.dedup();
    let mut currencies: Vec<Currency> = volumes.totals.iter().flat_map(|row| row.money.keys().copied()).collect();
    currencies.sort();
    currencies.dedup();
    units.into_iter().map(Measure::Units).chain(currencies.into_iter().map(Measure::Value)).collect()
}

/// The bars for `measure` from `volumes` (grouped as the user chose).
pub fn plot_data(volumes: &Volumes, measure: &Measure) -> PlotData {
    let (keys, groups) = {
        let mut seen: Vec<(GroupKey, String)> = Vec::new();
        for row in volumes.rows.iter().filter(|row| row.key != GroupKey::Missing) {
            if !seen.iter().any(|(key, _)| *key == row.key) {
                seen.push((row.key, row.group.clone()));
            }
        }
        calendar(seen).into_iter().unzip::<_, _, Vec<GroupKey>, Vec<String>>()
    };
    let position = |key: GroupKey| keys.iter().position(|k| *k == key);
    let mut series: Vec<StageSeries> = Vec::new();
    let mut ungrouped = 0;
    for row in &volumes.rows {
        let Some(group) = position(row.key) else {
            ungrouped += row.records;
            continue;
        };
        let stage = match series.iter().position(|s| s.stage == row.stage) {
            Some(index) => index,
            None => {
                let empty = || vec![0.0; groups.len()];
                series.push(StageSeries {
                    stage: row.stage,
                    parts: [empty(), empty(), empty(), empty()],
                    records: vec![0; groups.len()],
                    left_out: vec![0; groups.len()],
                });
                series.len() - 1
            }
        };
        let (parts, counted) = figures(row, measure);
        let target = &mut series[stage];
        for (part, value) in parts.into_iter().enumerate() {
            target.parts[part][group] += value;
        }
        target.records[group] += counted;
        target.left_out[group] += row.records - counted;
    }
    series.sort_by_key(|s| s.stage);
    // On a field axis, groups where nothing has a figure in this measure are not drawn (their records
    // are counted); a time axis keeps every period from the first to the last, empty ones included.
    let time_axis = matches!(volumes.group_by, GroupBy::Year | GroupBy::Quarter);
    let drawn: Vec<bool> = (0..groups.len()).map(|g| series.iter().any(|s| s.records[g] > 0)).collect();
    let first = drawn.iter().position(|&d| d).unwrap_or(0);
    let last = drawn.iter().rposition(|&d| d).unwrap_or(0);
    let keep: Vec<bool> = (0..groups.len())
        .map(|g| if time_axis { (first..=last).contains(&g) && drawn.iter().any(|&d| d) } else { drawn[g] })
        .collect();
    let without_figure = series.iter().map(|s| s.left_out.iter().sum::<u32>()).sum();
    let pick = |values: &[f64]| values.iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| *v).collect::<Vec<_>>();
    let pick_counts =
        |values: &[u32]| values.iter().zip(&keep).filter(|(_, k)| **k).map(|(v, _)| *v).collect::<Vec<_>>();
    for s in &mut series {
        s.parts = [pick(&s.parts[0]), pick(&s.parts[1]), pick(&s.parts[2]), pick(&s.parts[3])];
        s.records = pick_counts(&s.records);
        s.left_out = pick_counts(&s.left_out);
    }
    series.retain(|s| s.records.iter().any(|&r| r > 0));
    let groups = groups.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(g, _)| g).collect();
    let keys = keys.into_iter().zip(&keep).filter(|(_, k)| **k).map(|(g, _)| g).collect();
    PlotData { group_by: volumes.group_by, measure: measure.clone(), groups, keys, series, ungrouped, without_figure }
}

/// For a time axis, every year or quarter from the first group to the last, so that the axis is a
/// calendar: a year with no orders is an empty slot, not a missing one.
fn calendar(groups: Vec<(GroupKey, String)>) -> Vec<(GroupKey, String)> {
    let periods: Option<Vec<i32>> = groups.iter().map(|(key, _)| key.period_index()).collect();
    let (Some(periods), Some((first_key, _))) = (periods, groups.first()) else { return groups };
    let (Some(&first), Some(&last)) = (periods.iter().min(), periods.iter().max()) else { return groups };
    let first_key = *first_key;
    (first..=last)
        .filter_map(|index| first_key.period_at(index))
        .map(|key| (key, key.period_name().unwrap_or_default()))
        .collect()
}

/// The four parts of a row in `measure`, and how many records they count.
fn figures(row: &VolumeRow, measure: &Measure) -> ([f64; 4], u32) {
    match measure {
        Measure::Units(unit) => match row.units.get(unit) {
            Some(QuantityTally { exact, approximate, at_least, up_to, counted, .. }) => {
                ([*exact as f64, *approximate as f64, *at_least as f64, *up_to as f64], *counted)
            }
            None => ([0.0; 4], 0),
        },
        Measure::Value(currency) => match row.money.get(currency) {
            Some(MoneyTally { exact, approximate, up_to, counted, .. }) => {
                ([*exact, *approximate, 0.0, *up_to], *counted)
            }
            None => ([0.0; 4], 0),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::volumes::volumes;
    use crate::io::default_dataset;

    #[test]
    fn bars_keep_stages_and_parts_apart() {
        let dataset = default_dataset();
        let volumes = volumes(&dataset, None, GroupBy::System);
        let data = plot_data(&volumes, &Measure::Units("missile".into()));
        let patriot = data.groups.iter().position(|g| g == "Patriot GEM-T missile").unwrap();
        let contracted = data.series.iter().find(|s| s.stage == Stage::Contracted).unwrap();
        assert_eq!(contracted.parts[0][patriot], 700.0, "exact");
        assert_eq!(contracted.parts[1][patriot], 96.0, "estimate");
        assert_eq!(contracted.parts[3][patriot], 0.0, "the framework ceiling is not drawn over its orders");
        assert_eq!(contracted.records[patriot], 3);
        assert_eq!(contracted.left_out[patriot], 2, "Spain's unknown number and the framework itself");
        assert!(data.series.iter().all(|s| s.stage != Stage::Planned || s.height(patriot) == 0.0));
    }

    #[test]
    fn available_measures_never_mix_units_or_currencies() {
        let dataset = default_dataset();
        let measures = available_measures(&volumes(&dataset, None, GroupBy::Category));
        let names: Vec<String> = measures.iter().map(Measure::axis_label).collect();
        assert_eq!(names, ["aircraft", "missiles", "rounds", "systems", "CHF", "DKK", "EUR", "USD"]);
    }

    #[test]
    fn time_groups_are_chronological_and_undated_records_are_counted() {
        let dataset = default_dataset();
        let data = plot_data(&volumes(&dataset, None, GroupBy::Quarter), &Measure::Units("aircraft".into()));
        let mut sorted = data.groups.clone();
        sorted.sort();
        assert_eq!(data.groups, sorted);
        assert_eq!(data.groups, ["2024 Q3"], "only day- or month-dated orders have a quarter, and Q1 has no aircraft");
        let years = plot_data(&volumes(&dataset, None, GroupBy::Year), &Measure::Units("aircraft".into()));
        assert_eq!(years.groups, ["2018", "2019", "2020", "2021", "2022", "2023", "2024"], "2019 is an empty slot");
        assert!(data.ungrouped > 0, "orders dated only by year have no quarter");
        let planned = data.series.iter().find(|s| s.stage == Stage::Planned).unwrap();
        assert_eq!(data.cumulative(planned).last().copied(), Some(850.0));
    }
}
