//! Where records sit in time: lanes (events, commitments by origin, acquisitions by category, delivery
//! windows), each record a span of days drawn as a point or a bar, with its uncertainty; calendar ticks
//! that adapt to the zoom; labels placed so that they never overlap. Pure functions, no egui: the
//! timeline view and the SVG export share them. Placement runs once per change of data or filter.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Span, Unit};

use crate::model::{Collection, Dataset, EventKind, FuzzyDate};
use crate::palette::LaneKind;

use super::filter::{Filter, filtered};

const EPOCH: Date = Date::constant(1970, 1, 1);

/// Days since 1970-01-01, the timeline's x unit.
pub fn day_number(date: Date) -> i32 {
    EPOCH.until((Unit::Day, date)).map_or(0, |span| span.get_days())
}

/// The date of a day number.
pub fn date_of(day: i32) -> Date {
    EPOCH.checked_add(Span::new().days(day)).unwrap_or(EPOCH)
}

/// The Vilnius Summit to the Washington Summit, with a margin: where the timeline opens.
pub fn vilnius_to_washington() -> (f64, f64) {
    (f64::from(day_number(Date::constant(2023, 6, 1))), f64::from(day_number(Date::constant(2024, 9, 1))))
}

/// A record's extent in days, and how sure each end is.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extent {
    /// First day (inclusive).
    pub start: f64,
    /// The day after the last day (exclusive), so a single day is one day wide.
    pub end: f64,
    /// The source gives a single day: drawn as a point.
    pub point: bool,
    /// The start (or end) is approximate or uncertain: drawn faded.
    pub fuzzy_start: bool,
    pub fuzzy_end: bool,
    /// The period runs on past its last known day (`2024/..`).
    pub open_end: bool,
    /// Uncertain (`?`) anywhere: drawn with a question mark.
    pub uncertain: bool,
}

/// Maps a date as the source gave it to days. A year covers the whole year, a month the whole month;
/// an interval with an unknown start starts at its end (and is marked fuzzy); an open end runs on.
pub fn extent(date: &FuzzyDate) -> Option<Extent> {
    let (first, last) = match (date.earliest(), date.latest()) {
        (Some(first), Some(last)) => (first, last),
        (Some(first), None) => (first, first),
        // No known start: the record begins where its known end does.
        (None, Some(last)) => (date.anchor().first_day(), last),
        (None, None) => return None,
    };
    let (start_qualifier, end_qualifier, open_end, unknown_start) = match *date {
        FuzzyDate::Single(single) => (single.qualifier, single.qualifier, false, false),
        FuzzyDate::Interval { start, end } => {
            let qualifier = |bound: crate::model::Bound| bound.date().map(|d| d.qualifier).unwrap_or_default();
            (qualifier(start), qualifier(end), matches!(end, crate::model::Bound::Open), start.date().is_none())
        }
    };
    let point = matches!(date, FuzzyDate::Single(single) if single.precision() == crate::model::Precision::Day);
    Some(Extent {
        start: f64::from(day_number(first)),
        end: f64::from(day_number(last)) + 1.0,
        point,
        fuzzy_start: !start_qualifier.is_exact() || unknown_start,
        fuzzy_end: !end_qualifier.is_exact(),
        open_end,
        uncertain: start_qualifier.uncertain || end_qualifier.uncertain,
    })
}

/// One record on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub lane: usize,
    pub extent: Extent,
    pub label: String,
    pub record: (Collection, usize),
    /// The record it hangs from (a framework, the pledge an action belongs to), for connectors.
    pub parent: Option<(Collection, usize)>,
}

/// A horizontal band of the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub title: String,
    pub kind: LaneKind,
    /// Items of this lane, as positions in [`Timeline::items`], sorted by start.
    pub items: Vec<usize>,
}

/// A summit, marked across all lanes.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub title: String,
    pub extent: Extent,
    pub record: (Collection, usize),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub lanes: Vec<Lane>,
    pub items: Vec<Item>,
    pub summits: Vec<Marker>,
    /// The first and last day of all items, for the "All records" preset.
    pub bounds: Option<(f64, f64)>,
    /// Records with no date, not placed.
    pub undated: usize,
}

/// Places the records that pass `filter`.
pub fn layout(dataset: &Dataset, filter: &Filter) -> Timeline {
    let mut timeline = Timeline::default();
    let mut lanes: Vec<Lane> = Vec::new();
    let lane_of = |title: String, kind, lanes: &mut Vec<Lane>| match lanes.iter().position(|l| l.title == title) {
        Some(index) => index,
        None => {
            lanes.push(Lane { title, kind, items: Vec::new() });
            lanes.len() - 1
        }
    };
    let push =
        |timeline: &mut Timeline, lane: usize, extent: Option<Extent>, label: String, record, parent| match extent {
            Some(extent) => timeline.items.push(Item { lane, extent, label, record, parent }),
            None => timeline.undated += 1,
        };

    let events_lane = lane_of("Summits and events".to_owned(), LaneKind::Events, &mut lanes);
    for row in filtered(dataset, Collection::Events, filter) {
        let event = &dataset.events[row as usize];
        let extent = extent(&event.date);
        if event.kind == EventKind::Summit
            && let Some(extent) = extent
        {
            timeline.summits.push(Marker {
                title: event.title.clone(),
                extent,
                record: (Collection::Events, row as usize),
            });
        }
        push(&mut timeline, events_lane, extent, event.title.clone(), (Collection::Events, row as usize), None);
    }

    let commitment_position: BTreeMap<_, _> = dataset.commitments.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    for row in filtered(dataset, Collection::Commitments, filter) {
        let commitment = &dataset.commitments[row as usize];
        // A commitment sits in the lane of the event it came from; one without an origin of its own
        // (an action) in the lane of the plan or pledge it belongs to.
        let mut root = commitment;
        for _ in 0..8 {
            if root.origin.is_some() {
                break;
            }
            match root.parent.and_then(|p| commitment_position.get(&p)) {
                Some(&parent) if parent != row as usize => root = &dataset.commitments[parent],
                _ => break,
            }
        }
        let origin = root
            .origin
            .and_then(|id| dataset.events.iter().find(|e| e.id == id))
            .map_or_else(|| "Other commitments".to_owned(), |e| e.title.clone());
        let lane = lane_of(format!("Commitments: {origin}"), LaneKind::Commitments, &mut lanes);
        let span = match (commitment.adopted, commitment.horizon) {
            (Some(adopted), Some(horizon)) => merge(extent(&adopted), extent(&horizon)),
            (Some(date), None) | (None, Some(date)) => extent(&date),
            (None, None) => None,
        };
        let parent = commitment.parent.and_then(|p| commitment_position.get(&p)).map(|&p| (Collection::Commitments, p));
        push(&mut timeline, lane, span, commitment.title.clone(), (Collection::Commitments, row as usize), parent);
    }

    let acquisition_rows = filtered(dataset, Collection::Acquisitions, filter);
    let position_of_id: std::collections::HashMap<_, _> =
        dataset.acquisitions.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut delivery = Vec::new();
    for &row in &acquisition_rows {
        let acquisition = &dataset.acquisitions[row as usize];
        let lane = lane_of(
            format!("Acquisitions: {}", dataset.text(acquisition.category)),
            LaneKind::Acquisitions,
            &mut lanes,
        );
        let label = acquisition_label(dataset, row as usize);
        let parent = acquisition.parent.and_then(|p| position_of_id.get(&p)).map(|&p| (Collection::Acquisitions, p));
        push(
            &mut timeline,
            lane,
            acquisition.date.as_ref().and_then(extent),
            label.clone(),
            (Collection::Acquisitions, row as usize),
            parent,
        );
        if let Some(window) = acquisition.delivery.as_ref().and_then(extent) {
            delivery.push((window, label, row as usize));
        }
    }
    if !delivery.is_empty() {
        let lane = lane_of("Delivery and acquisition windows".to_owned(), LaneKind::Deliveries, &mut lanes);
        for (window, label, row) in delivery {
            timeline.items.push(Item {
                lane,
                extent: window,
                label,
                record: (Collection::Acquisitions, row),
                parent: None,
            });
        }
    }

    for (index, item) in timeline.items.iter().enumerate() {
        lanes[item.lane].items.push(index);
    }
    for lane in &mut lanes {
        lane.items.sort_by(|&a, &b| timeline.items[a].extent.start.total_cmp(&timeline.items[b].extent.start));
    }
    timeline.bounds = timeline.items.iter().fold(None, |bounds, item| {
        let end = if item.extent.open_end { item.extent.end + 365.0 } else { item.extent.end };
        Some(match bounds {
            None => (item.extent.start, end),
            Some((first, last)) => (f64::min(first, item.extent.start), f64::max(last, end)),
        })
    });
    timeline.lanes = lanes;
    timeline
}

fn merge(a: Option<Extent>, b: Option<Extent>) -> Option<Extent> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Extent {
            start: a.start.min(b.start),
            end: a.end.max(b.end),
            point: false,
            fuzzy_start: if a.start <= b.start { a.fuzzy_start } else { b.fuzzy_start },
            fuzzy_end: if a.end >= b.end { a.fuzzy_end } else { b.fuzzy_end },
            open_end: a.open_end || b.open_end,
            uncertain: a.uncertain || b.uncertain,
        }),
        (a, None) => a,
        (None, b) => b,
    }
}

/// "Patriot GEM-T missile, DEU: up to 1,000 missiles".
pub fn acquisition_label(dataset: &Dataset, index: usize) -> String {
    let Some(a) = dataset.acquisitions.get(index) else { return String::new() };
    let buyers: Vec<&str> = a.buyers.iter().map(|&b| dataset.text(b)).collect();
    let mut label = dataset.text(a.system).to_owned();
    if !buyers.is_empty() {
        label.push_str(&format!(", {}", buyers.join("/")));
    }
    if let Some(quantity) = &a.quantity {
        label.push_str(&format!(": {}", quantity.display(dataset.text_or_empty(quantity.unit))));
    }
    label
}

/// A tick of the calendar axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub day: f64,
    pub label: String,
    /// Year boundaries are drawn stronger.
    pub major: bool,
}

/// Calendar ticks for the days `from..to` on an axis `width` points wide: years, quarters, months or
/// days, whichever leaves room for the labels.
pub fn ticks(from: f64, to: f64, width: f32) -> Vec<Tick> {
    let days = (to - from).max(1.0);
    // The days one label needs ("Aug 2023" is about 50 px at 11 px): the step is the shortest that is longer.
    let per_label = days / f64::from(width.max(1.0)) * 56.0;
    let step_months: Option<i32> = match per_label {
        d if d > 366.0 * 5.0 => Some(120),
        d if d > 366.0 * 2.0 => Some(60),
        d if d > 366.0 => Some(24),
        d if d > 91.0 => Some(12),
        d if d > 30.0 => Some(3),
        d if d > 14.0 => Some(1),
        _ => None,
    };
    let start = date_of(from.floor() as i32);
    let mut ticks = Vec::new();
    match step_months {
        Some(step) => {
            let mut date = start.first_of_month();
            let step_years = step / 12;
            if step >= 12 {
                date = date.first_of_year();
                let year = i32::from(date.year());
                let aligned = year - year.rem_euclid(step_years.max(1));
                date = Date::new(aligned as i16, 1, 1).unwrap_or(date);
            } else {
                let month = i32::from(date.month()) - 1;
                let aligned = month - month.rem_euclid(step);
                date = Date::new(date.year(), (aligned + 1) as i8, 1).unwrap_or(date);
            }
            while f64::from(day_number(date)) <= to {
                let day = f64::from(day_number(date));
                if day >= from {
                    let label = match step {
                        s if s >= 12 => date.year().to_string(),
                        3 => format!("{} Q{}", date.year(), (date.month() - 1) / 3 + 1),
                        _ => date.strftime("%b %Y").to_string(),
                    };
                    ticks.push(Tick { day, label, major: date.month() == 1 });
                }
                let Ok(next) = date.checked_add(Span::new().months(step)) else { break };
                date = next;
            }
        }
        None => {
            let step = if per_label > 7.0 {
                14
            } else if per_label > 1.0 {
                7
            } else {
                1
            };
            let mut day = from.floor() as i32;
            while f64::from(day) <= to {
                let date = date_of(day);
                if (day - day_number(date.first_of_month())) % step == 0 && date.day() <= 28 {
                    ticks.push(Tick {
                        day: f64::from(day),
                        label: date.strftime("%-d %b %Y").to_string(),
                        major: date.day() == 1,
                    });
                }
                day += 1;
            }
        }
    }
    ticks
}

/// Places labels left to right in one lane: a label goes where its item starts unless it would overlap
/// the one before; then it is hidden. Takes (x, width) per label in x order; returns which are shown.
pub fn place_labels(labels: &[(f32, f32)], gap: f32) -> Vec<bool> {
    let mut shown = Vec::with_capacity(labels.len());
    let mut free_from = f32::NEG_INFINITY;
    for &(x, width) in labels {
        let fits = x >= free_from;
        if fits {
            free_from = x + width + gap;
        }
        shown.push(fits);
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(date: &str) -> Extent {
        extent(&FuzzyDate::parse(date).unwrap()).unwrap()
    }

    fn day(y: i16, m: i8, d: i8) -> f64 {
        f64::from(day_number(Date::new(y, m, d).unwrap()))
    }

    #[test]
    fn every_date_form_maps_to_its_span() {
        let single = days("2024-07-10");
        assert_eq!((single.start, single.end, single.point), (day(2024, 7, 10), day(2024, 7, 11), true));
        let month = days("2024-01");
        assert_eq!((month.start, month.end, month.point), (day(2024, 1, 1), day(2024, 2, 1), false));
        let year = days("2024");
        assert_eq!((year.start, year.end), (day(2024, 1, 1), day(2025, 1, 1)));
        let uncertain = days("2023?");
        assert!(uncertain.uncertain && uncertain.fuzzy_start && uncertain.fuzzy_end);
        let approximate = days("2024~/2029~");
        assert_eq!((approximate.start, approximate.end), (day(2024, 1, 1), day(2030, 1, 1)));
        assert!(approximate.fuzzy_start && approximate.fuzzy_end && !approximate.uncertain);
        let open = days("2026/..");
        assert!(open.open_end && !open.fuzzy_end);
        assert_eq!(open.start, day(2026, 1, 1));
        let unknown_start = days("/2024-03");
        assert!(unknown_start.fuzzy_start);
        assert_eq!(unknown_start.start, day(2024, 3, 1));
        let interval = days("2023-07-11/2023-07-12");
        assert_eq!((interval.start, interval.end, interval.point), (day(2023, 7, 11), day(2023, 7, 13), false));
        assert_eq!(date_of(day_number(Date::new(2024, 2, 29).unwrap())), Date::new(2024, 2, 29).unwrap());
    }

    #[test]
    fn labels_never_overlap() {
        let labels = [(0.0, 50.0), (20.0, 30.0), (60.0, 10.0), (65.0, 40.0), (200.0, 5.0)];
        let shown = place_labels(&labels, 4.0);
        assert_eq!(shown, [true, false, true, false, true]);
        let placed: Vec<_> = labels.iter().zip(&shown).filter(|(_, s)| **s).map(|(l, _)| *l).collect();
        for pair in placed.windows(2) {
            assert!(pair[0].0 + pair[0].1 <= pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn ticks_adapt_to_the_zoom() {
        let (from, to) = vilnius_to_washington();
        let wide = ticks(from, to, 1200.0);
        assert!(wide.iter().any(|t| t.label == "Jan 2024"), "{wide:?}");
        let far = ticks(day(2000, 1, 1), day(2040, 1, 1), 1200.0);
        assert!(far.iter().all(|t| t.label.len() == 4), "years only: {far:?}");
        let near = ticks(day(2024, 7, 1), day(2024, 7, 20), 1200.0);
        assert!(near.iter().any(|t| t.label == "10 Jul 2024"), "{near:?}");
        for pair in wide.windows(2) {
            assert!(pair[0].day < pair[1].day);
        }
        // Labels never crowd each other, however narrow the axis.
        for width in [300.0_f32, 500.0, 800.0, 1200.0] {
            let pixels_per_day = f64::from(width) / (to - from);
            for pair in ticks(from, to, width).windows(2) {
                let gap = (pair[1].day - pair[0].day) * pixels_per_day;
                assert!(gap >= 50.0, "{gap:.0} px between {} and {} at {width} px", pair[0].label, pair[1].label);
            }
        }
    }

    #[test]
    fn the_default_dataset_has_both_summits_and_its_lanes() {
        let dataset = crate::io::default_dataset();
        let timeline = layout(&dataset, &Filter::default());
        let summits: Vec<&str> = timeline.summits.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(summits, ["NATO Vilnius Summit", "NATO Washington Summit (75th anniversary)"]);
        let lanes: Vec<&str> = timeline.lanes.iter().map(|l| l.title.as_str()).collect();
        assert!(lanes.contains(&"Commitments: NATO Vilnius Summit"), "{lanes:?}");
        assert!(lanes.contains(&"Acquisitions: air and missile defence"));
        assert!(lanes.contains(&"Delivery and acquisition windows"));
        assert_eq!(timeline.undated, 0);
        // The pledge sits in the lane of the summit that endorsed it, linked to the Vilnius plan it builds on.
        let pledge = timeline.items.iter().find(|i| i.label == "NATO Industrial Capacity Expansion Pledge").unwrap();
        assert_eq!(timeline.lanes[pledge.lane].title, "Commitments: NATO Washington Summit (75th anniversary)");
        assert_eq!(pledge.parent, Some((Collection::Commitments, 0)));
    }
}
