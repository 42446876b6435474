//! Where records sit in time: lanes (events, commitments by origin, acquisitions by category, delivery
//! windows), each record a span of days drawn as a point or a bar, with its uncertainty; calendar ticks
//! that adapt to the zoom; labels placed so that they never overlap. Pure functions, no egui: the
//! timeline view and the SVG export share them. Placement runs once per change of data or filter.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{Span, Unit};

use crate::model::{Collection, Dataset, EventKind, FuzzyDate};
use crate::palette::LaneKind;

use rayon::prelude::*;

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

/// One record on the timeline. Its label is made when it is drawn ([`item_label`]): a million labels
/// made up front would cost more than the rest of the placement.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub lane: usize,
    pub extent: Extent,
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

/// What the acquisitions' lanes are: one per category (the default), buyer, system, commitment served or
/// stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Grouping {
    #[default]
    Category,
    Buyer,
    System,
    Commitment,
    Stage,
}

impl Grouping {
    pub const ALL: [Grouping; 5] =
        [Grouping::Category, Grouping::Buyer, Grouping::System, Grouping::Commitment, Grouping::Stage];

    pub fn label(self) -> &'static str {
        match self {
            Grouping::Category => "category",
            Grouping::Buyer => "buyer",
            Grouping::System => "system",
            Grouping::Commitment => "commitment",
            Grouping::Stage => "stage",
        }
    }
}

/// Lanes by title, made the first time a title is met.
#[derive(Default)]
struct Lanes {
    lanes: Vec<Lane>,
    by_title: std::collections::HashMap<String, usize>,
}

impl Lanes {
    fn of(&mut self, title: &str, kind: LaneKind) -> usize {
        if let Some(&index) = self.by_title.get(title) {
            return index;
        }
        self.lanes.push(Lane { title: title.to_owned(), kind, items: Vec::new() });
        self.by_title.insert(title.to_owned(), self.lanes.len() - 1);
        self.lanes.len() - 1
    }
}

/// Places the records that pass `filter`, the acquisitions in lanes by `grouping`.
pub fn layout(dataset: &Dataset, filter: &Filter, grouping: Grouping) -> Timeline {
    let mut timeline = Timeline::default();
    let mut lanes = Lanes::default();
    let push = |timeline: &mut Timeline, lane: usize, extent: Option<Extent>, record, parent| match extent {
        Some(extent) => timeline.items.push(Item { lane, extent, record, parent }),
        None => timeline.undated += 1,
    };

    let events_lane = lanes.of("Summits and events", LaneKind::Events);
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
        push(&mut timeline, events_lane, extent, (Collection::Events, row as usize), None);
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
        let lane = lanes.of(&format!("Commitments: {origin}"), LaneKind::Commitments);
        let span = match (commitment.adopted, commitment.horizon) {
            (Some(adopted), Some(horizon)) => merge(extent(&adopted), extent(&horizon)),
            (Some(date), None) | (None, Some(date)) => extent(&date),
            (None, None) => None,
        };
        let parent = commitment.parent.and_then(|p| commitment_position.get(&p)).map(|&p| (Collection::Commitments, p));
        push(&mut timeline, lane, span, (Collection::Commitments, row as usize), parent);
    }

    let acquisition_rows = filtered(dataset, Collection::Acquisitions, filter);
    // Where each acquisition is, by the index of its id's symbol: a list, not a map, for a million records.
    let mut position_of_id = vec![usize::MAX; dataset.strings.len()];
    for (position, acquisition) in dataset.acquisitions.iter().enumerate() {
        if let Some(slot) = position_of_id.get_mut(acquisition.id.index()) {
            *slot = position;
        }
    }
    let commitment_titles: std::collections::HashMap<_, _> =
        dataset.commitments.iter().map(|c| (c.id, c.title.as_str())).collect();
    // A lane per group, found by the group's key (a symbol or a stage), its title written once.
    let mut lane_of_group: std::collections::HashMap<(u8, u32), usize> = std::collections::HashMap::new();
    let mut lane_for = |key: (u8, u32), title: &dyn Fn() -> String, lanes: &mut Lanes| {
        *lane_of_group
            .entry(key)
            .or_insert_with(|| lanes.of(&format!("Acquisitions: {}", title()), LaneKind::Acquisitions))
    };
    let mut delivery = Vec::new();
    let mut groups: Vec<usize> = Vec::with_capacity(4);
    timeline.items.reserve(acquisition_rows.len());
    for &row in &acquisition_rows {
        let acquisition = &dataset.acquisitions[row as usize];
        groups.clear();
        match grouping {
            Grouping::Category => {
                let symbol = acquisition.category;
                groups.push(lane_for((0, symbol.index() as u32), &|| dataset.text(symbol).to_owned(), &mut lanes));
            }
            Grouping::System => {
                let symbol = acquisition.system;
                groups.push(lane_for((1, symbol.index() as u32), &|| dataset.text(symbol).to_owned(), &mut lanes));
            }
            Grouping::Buyer => {
                // A joint order is in the lane of each of its buyers.
                for &buyer in &acquisition.buyers {
                    let name = || dataset.actor_name(buyer).to_owned();
                    groups.push(lane_for((2, buyer.index() as u32), &name, &mut lanes));
                }
                if acquisition.buyers.is_empty() {
                    groups.push(lane_for((2, u32::MAX), &|| "no buyer named".to_owned(), &mut lanes));
                }
            }
            Grouping::Commitment => {
                let key = acquisition.commitment.map_or(u32::MAX, |c| c.index() as u32);
                let title = || match acquisition.commitment {
                    Some(id) => {
                        commitment_titles.get(&id).map_or_else(|| dataset.text(id).to_owned(), |t| (*t).to_owned())
                    }
                    None => "no commitment named".to_owned(),
                };
                groups.push(lane_for((3, key), &title, &mut lanes));
            }
            Grouping::Stage => {
                let stage = acquisition.stage;
                groups.push(lane_for((4, stage as u32), &|| stage.label().to_owned(), &mut lanes));
            }
        }
        let parent = acquisition
            .parent
            .and_then(|p| position_of_id.get(p.index()).copied().filter(|&p| p != usize::MAX))
            .map(|p| (Collection::Acquisitions, p));
        let ordered = acquisition.date.as_ref().and_then(extent);
        for &lane in &groups {
            push(&mut timeline, lane, ordered, (Collection::Acquisitions, row as usize), parent);
        }
        if let Some(window) = acquisition.delivery.as_ref().and_then(extent) {
            delivery.push((window, row as usize));
        }
    }
    if !delivery.is_empty() {
        let lane = lanes.of("Delivery and acquisition windows", LaneKind::Deliveries);
        for (window, row) in delivery {
            timeline.items.push(Item { lane, extent: window, record: (Collection::Acquisitions, row), parent: None });
        }
    }
    let mut lanes = lanes.lanes;

    for (index, item) in timeline.items.iter().enumerate() {
        lanes[item.lane].items.push(index);
    }
    // Sorted by start, item order kept among equal starts; on (start, item) pairs side by side rather than
    // through the items, which a million records scatter over memory.
    let items = &timeline.items;
    lanes.par_iter_mut().for_each(|lane| {
        let mut keyed: Vec<(f64, usize)> = lane.items.iter().map(|&i| (items[i].extent.start, i)).collect();
        keyed.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        lane.items = keyed.into_iter().map(|(_, i)| i).collect();
    });
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

/// What an item is called on the timeline: an event's or a commitment's title, an acquisition's system,
/// buyers and quantity.
pub fn item_label(dataset: &Dataset, item: &Item) -> String {
    let (collection, index) = item.record;
    match collection {
        Collection::Events => dataset.events.get(index).map(|e| e.title.clone()),
        Collection::Commitments => dataset.commitments.get(index).map(|c| c.title.clone()),
        Collection::Acquisitions => Some(acquisition_label(dataset, index)),
        Collection::Sources | Collection::Actors => None,
    }
    .unwrap_or_default()
}

/// The most characters a label shows beside its record, its ellipsis included; the whole of it is in the
/// hover text.
pub const LABEL_CHARS: usize = 64;

/// A label as shown beside its record: cut to [`LABEL_CHARS`].
pub fn shown_label(label: &str) -> std::borrow::Cow<'_, str> {
    super::truncate(label, LABEL_CHARS)
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

/// Where the days of a range fall across a strip of the screen or the page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub range: (f64, f64),
    /// The strip's left edge and width, in points.
    pub left: f32,
    pub width: f32,
}

impl Scale {
    pub fn x(&self, day: f64) -> f32 {
        self.left + ((day - self.range.0) / (self.range.1 - self.range.0).max(1e-9)) as f32 * self.width
    }

    pub fn right(&self) -> f32 {
        self.left + self.width
    }
}

/// A point's radius, a bar's least width, the room after a bar for its `?` or `…` mark, and the space
/// kept between two items of a row and between a bar and its label, in points.
pub const POINT_RADIUS: f32 = 5.0;
pub const MIN_BAR: f32 = 3.0;
pub const MARK: f32 = 10.0;
pub const GAP: f32 = 6.0;
/// The least room a label is cut to, rather than left out.
pub const MIN_LABEL_ROOM: f32 = 80.0;

/// Where one item of a lane is drawn at one zoom: its row, its bar (or point, centred on `x0`), where its
/// label starts (None when it could not be placed), and the whole stretch the item and its label take.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub item: usize,
    pub row: usize,
    pub x0: f32,
    pub x1: f32,
    pub label: Option<f32>,
    /// The room the label has: its width, or less where it had to be cut to fit (it ends with "…").
    pub label_width: f32,
    /// The label is inside the bar.
    pub inside: bool,
    pub from: f32,
    pub to: f32,
}

/// A lane's items in view stacked into rows, as vis-timeline and TimelineJS do: an item that would overlap
/// another (with its label) goes to the first row where it fits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stack {
    pub slots: Vec<Slot>,
    pub rows: usize,
    /// Items that found no row within the most a lane may have (very dense data): not drawn one by one.
    pub crowded: usize,
}

/// Stacks the `items` of one lane (positions in `timeline.items`, in order of start) at `scale` into at
/// most `max_rows` rows. `label_width(item)` is the width its label takes. A label goes inside its bar
/// when it fits there, else after the bar (or, at the right edge, before it), cut to the widest of these
/// when none holds it; the app, the SVG export and the reports all stack with this, so they agree.
pub fn stack(
    timeline: &Timeline,
    items: &[usize],
    scale: &Scale,
    max_rows: usize,
    label_width: &mut dyn FnMut(usize) -> f32,
) -> Stack {
    let (left, right) = (scale.left, scale.right());
    let mut stack = Stack::default();
    // Where each row is free from.
    let mut free: Vec<f32> = Vec::new();
    for &item_index in items {
        let Some(item) = timeline.items.get(item_index) else { continue };
        let extent = item.extent;
        let end = if extent.open_end { scale.range.1.max(extent.end) } else { extent.end };
        if end < scale.range.0 || extent.start > scale.range.1 {
            continue;
        }
        let (x0, x1) = if extent.point {
            let x = scale.x(extent.start);
            (x, x)
        } else {
            let x0 = scale.x(extent.start);
            (x0, scale.x(end).max(x0 + MIN_BAR))
        };
        // What the item itself takes: a point's disc, a bar, and the mark after either.
        let marked = extent.uncertain || extent.open_end;
        let (body_from, body_to) = if extent.point {
            (x0 - POINT_RADIUS, x0 + POINT_RADIUS + if marked { MARK } else { 0.0 })
        } else {
            (x0, x1 + if marked { MARK } else { 0.0 })
        };
        // With every row taken where the item starts, it is crowded out whatever its label: not measured.
        if free.len() >= max_rows && !free.iter().any(|&free_from| free_from + GAP <= body_from) {
            stack.crowded += 1;
            continue;
        }
        let width = label_width(item_index);
        let (visible_from, visible_to) = (x0.max(left), x1.min(right));
        let (room_after, room_before) = (right - body_to - GAP, body_from - GAP - left);
        let room_inside = if extent.point { 0.0 } else { visible_to - visible_from - 2.0 * GAP };
        let (label, label_width, inside, from, to) = if !extent.point && visible_to - visible_from >= width + 2.0 * GAP
        {
            (Some(visible_from + GAP), width, true, body_from, body_to)
        } else if width <= room_after {
            (Some(body_to + GAP), width, false, body_from, body_to + GAP + width)
        } else if width <= room_before {
            (Some(body_from - GAP - width), width, false, body_from - GAP - width, body_to)
        } else if room_inside.max(room_after).max(room_before) >= MIN_LABEL_ROOM {
            // No room for the whole label anywhere: it is cut to the widest place, the bar first.
            if room_inside >= room_after.max(room_before) {
                (Some(visible_from + GAP), room_inside, true, body_from, body_to)
            } else if room_after >= room_before {
                (Some(body_to + GAP), room_after, false, body_from, right)
            } else {
                (Some(left), room_before, false, left, body_to)
            }
        } else {
            (None, 0.0, false, body_from, body_to)
        };
        let row = match free.iter().position(|&free_from| free_from + GAP <= from) {
            Some(row) => row,
            None if free.len() < max_rows => {
                free.push(f32::NEG_INFINITY);
                free.len() - 1
            }
            None => {
                stack.crowded += 1;
                continue;
            }
        };
        free[row] = to;
        stack.slots.push(Slot { item: item_index, row, x0, x1, label, label_width, inside, from, to });
    }
    stack.rows = free.len();
    stack
}

/// How wide a label is on paper, at 11 points in a sans-serif face: about 6.2 points per character.
pub fn label_width_on_paper(text: &str) -> f32 {
    text.chars().count() as f32 * 6.2
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

    /// No two slots of a row meet, labels included, and every label is inside the strip and its slot.
    fn assert_stacked(stack: &Stack, scale: &Scale, what: &str) {
        for (i, a) in stack.slots.iter().enumerate() {
            for b in &stack.slots[i + 1..] {
                if a.row == b.row {
                    assert!(a.to + GAP <= b.from || b.to + GAP <= a.from, "{what}: {a:?} and {b:?} overlap");
                }
            }
            if let Some(x) = a.label {
                let end = x + a.label_width;
                assert!(x >= scale.left && end <= scale.right() + 0.01, "{what}: label of {a:?} runs out");
                assert!(a.from <= x && end <= a.to + 0.01, "{what}: {a:?} does not hold its label");
            }
        }
    }

    #[test]
    fn stacked_items_never_overlap_and_the_default_view_labels_every_record() {
        let dataset = crate::io::default_dataset();
        let ranges = [vilnius_to_washington(), (day(2020, 1, 1), day(2032, 1, 1)), (day(2024, 6, 1), day(2024, 8, 1))];
        for grouping in Grouping::ALL {
            let timeline = layout(&dataset, &Filter::default(), grouping);
            let widths = |item: usize| label_width_on_paper(&shown_label(&item_label(&dataset, &timeline.items[item])));
            // The app's plot strip at 1024 and 1280 points wide, the report's figure, and narrower ones.
            for width in [400.0, 600.0, 790.0, 1046.0, 1400.0] {
                for range in ranges {
                    let scale = Scale { range, left: 210.0, width };
                    let mut placed = 0;
                    for lane in &timeline.lanes {
                        let stack = stack(&timeline, &lane.items, &scale, 64, &mut |item| widths(item));
                        let what = format!("{} at {width} pt, {grouping:?}", lane.title);
                        assert_stacked(&stack, &scale, &what);
                        assert_eq!(stack.crowded, 0, "{what}");
                        if range == vilnius_to_washington() && width >= 790.0 {
                            let unlabelled: Vec<String> = stack
                                .slots
                                .iter()
                                .filter(|slot| slot.label.is_none())
                                .map(|slot| item_label(&dataset, &timeline.items[slot.item]))
                                .collect();
                            assert!(unlabelled.is_empty(), "{what}: no label for {unlabelled:?}");
                        }
                        placed += stack.slots.len();
                    }
                    assert!(placed > 0);
                }
            }
        }
    }

    #[test]
    fn dense_generated_data_is_stacked_without_overlaps_up_to_the_rows_a_lane_has() {
        let text = crate::synthetic::dataset_json(3_000, 11);
        let dataset = crate::io::json::from_str(&text, "synthetic.json").unwrap();
        let timeline = layout(&dataset, &Filter::default(), Grouping::Category);
        let widths = |item: usize| label_width_on_paper(&shown_label(&item_label(&dataset, &timeline.items[item])));
        let bounds = timeline.bounds.unwrap();
        for (range, width) in
            [(bounds, 1046.0), (vilnius_to_washington(), 790.0), ((day(2024, 1, 1), day(2024, 3, 1)), 500.0)]
        {
            let scale = Scale { range, left: 0.0, width };
            for lane in &timeline.lanes {
                let stack = stack(&timeline, &lane.items, &scale, 12, &mut |item| widths(item));
                assert_stacked(&stack, &scale, &lane.title);
                assert!(stack.rows <= 12);
                let in_view = lane
                    .items
                    .iter()
                    .filter(|&&i| {
                        let extent = timeline.items[i].extent;
                        let end = if extent.open_end { range.1.max(extent.end) } else { extent.end };
                        end >= range.0 && extent.start <= range.1
                    })
                    .count();
                assert_eq!(stack.slots.len() + stack.crowded, in_view, "every item in view is placed or counted");
            }
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
        let timeline = layout(&dataset, &Filter::default(), Grouping::Category);
        let summits: Vec<&str> = timeline.summits.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(summits, ["NATO Vilnius Summit", "NATO Washington Summit (75th anniversary)"]);
        let lanes: Vec<&str> = timeline.lanes.iter().map(|l| l.title.as_str()).collect();
        assert!(lanes.contains(&"Commitments: NATO Vilnius Summit"), "{lanes:?}");
        assert!(lanes.contains(&"Acquisitions: air and missile defence"));
        assert!(lanes.contains(&"Delivery and acquisition windows"));
        assert_eq!(timeline.undated, 0);
        // The pledge sits in the lane of the summit that endorsed it, linked to the Vilnius plan it builds on.
        let pledge = timeline
            .items
            .iter()
            .find(|i| item_label(&dataset, i) == "NATO Industrial Capacity Expansion Pledge")
            .unwrap();
        assert_eq!(timeline.lanes[pledge.lane].title, "Commitments: NATO Washington Summit (75th anniversary)");
        assert_eq!(pledge.parent, Some((Collection::Commitments, 0)));
    }

    #[test]
    fn acquisitions_are_in_lanes_by_the_grouping_chosen() {
        let dataset = crate::io::default_dataset();
        let lanes = |grouping| {
            let timeline = layout(&dataset, &Filter::default(), grouping);
            timeline
                .lanes
                .iter()
                .map(|lane| lane.title.clone())
                .filter(|t| t.starts_with("Acquisitions: "))
                .collect::<Vec<_>>()
        };
        assert!(
            lanes(Grouping::Stage).contains(&"Acquisitions: contracted".to_owned()),
            "{:?}",
            lanes(Grouping::Stage)
        );
        assert!(lanes(Grouping::Buyer).contains(&"Acquisitions: Germany".to_owned()), "{:?}", lanes(Grouping::Buyer));
        assert!(lanes(Grouping::System).contains(&"Acquisitions: Patriot GEM-T missile".to_owned()));
        // A joint order is in the lane of each of its buyers.
        let timeline = layout(&dataset, &Filter::default(), Grouping::Buyer);
        let joint = dataset.acquisitions.iter().position(|a| a.buyers.len() > 1).unwrap();
        let lanes_of_joint = timeline.items.iter().filter(|i| i.record == (Collection::Acquisitions, joint)).count();
        assert_eq!(lanes_of_joint, dataset.acquisitions[joint].buyers.len());
    }
}
