//! The timeline: records placed in time from the Vilnius Summit to the Washington Summit and beyond.
//! Lanes for events, commitments by origin, acquisitions by category and delivery windows; a day is a
//! point, a month, year or interval a bar, fuzzy ends faded, `?` marked, open ends running on. Summits
//! are marked across all lanes. Wheel or pinch zooms, dragging pans, the keyboard does both; labels
//! never overlap (hidden ones are counted). Placement is computed once per change of data or filter;
//! drawing a frame touches only what is visible, and a lane too dense to draw record by record is drawn
//! as a density strip.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use crate::analysis::filter::Filter;
use crate::analysis::timeline::{Item, Timeline, date_of, layout, place_labels, ticks, vilnius_to_washington};
use crate::context::{Message, UserCommand};
use crate::model::{Collection, Dataset};
use crate::palette::LaneKind;
use crate::report::svg::truncate;

use super::View;
use super::derived::{BACKGROUND_ROWS, Derived};

const LANE_TITLE_WIDTH: f32 = 210.0;
const LANE_HEIGHT: f32 = 44.0;
const AXIS_HEIGHT: f32 = 40.0;
/// Past this many records in view, a lane is drawn as a density strip.
const DRAW_ONE_BY_ONE: usize = 2_000;
/// Past this many records in view, a lane's labels are not laid out.
const LABEL_LIMIT: usize = 300;

/// The placement and, per lane, the starts of its items in order and its longest item, for looking up
/// what is in view without scanning the lane.
pub struct Placed {
    timeline: Timeline,
    index: Vec<(Vec<f64>, f64)>,
    /// Per lane, the ends of its items, sorted: with the starts, how many records cover a day.
    ends: Vec<Vec<f64>>,
}

impl Placed {
    fn new(timeline: Timeline) -> Self {
        let index = timeline
            .lanes
            .iter()
            .map(|lane| {
                let starts = lane.items.iter().map(|&i| timeline.items[i].extent.start).collect();
                let longest = lane
                    .items
                    .iter()
                    .map(|&i| timeline.items[i].extent.end - timeline.items[i].extent.start)
                    .fold(0.0, f64::max);
                (starts, longest)
            })
            .collect();
        let ends = timeline
            .lanes
            .iter()
            .map(|lane| {
                let mut ends: Vec<f64> = lane.items.iter().map(|&i| timeline.items[i].extent.end).collect();
                ends.sort_by(f64::total_cmp);
                ends
            })
            .collect();
        Placed { timeline, index, ends }
    }
}

pub struct TimelineState {
    /// The visible days (from, to).
    pub range: (f64, f64),
    pub connectors: bool,
    /// The placement per (data generation, filter).
    placed: Derived<(u64, Filter), Placed>,
    /// What was drawn where last frame, for hovering and clicking.
    hits: Vec<(Rect, usize)>,
    /// The timeline's area on screen last frame, for PNG export.
    pub area: Option<Rect>,
}

impl Default for TimelineState {
    fn default() -> Self {
        TimelineState {
            range: vilnius_to_washington(),
            connectors: true,
            placed: Derived::default(),
            hits: Vec::new(),
            area: None,
        }
    }
}

impl TimelineState {
    fn refresh(&mut self, dataset: &Arc<Dataset>, generation: u64, filter: &Filter, ctx: &egui::Context) {
        let large = dataset.acquisitions.len() > BACKGROUND_ROWS;
        let dataset = dataset.clone();
        self.placed.refresh((generation, filter.clone()), large, ctx, move |(_, filter)| {
            Placed::new(layout(&dataset, filter))
        });
    }

    /// True while a new placement is being computed in the background.
    pub fn is_updating(&self) -> bool {
        self.placed.is_updating()
    }

    /// The placed records, for exports and tests.
    pub fn timeline(&self) -> Option<&Timeline> {
        self.placed.value().map(|placed| &placed.timeline)
    }

    /// Where an item was drawn last frame (tests, keyboard access).
    pub fn item_rect(&self, record: (Collection, usize)) -> Option<Rect> {
        let timeline = self.timeline()?;
        self.hits.iter().find(|(_, item)| timeline.items[*item].record == record).map(|(rect, _)| *rect)
    }

    pub fn show_all(&mut self) {
        if let Some((first, last)) = self.timeline().and_then(|t| t.bounds) {
            let margin = ((last - first) * 0.03).max(15.0);
            self.range = (first - margin, last + margin);
        }
    }

    fn zoom(&mut self, factor: f64, around: f64) {
        let (from, to) = self.range;
        let span = ((to - from) * factor).clamp(7.0, 366.0 * 200.0);
        let share = if to > from { (around - from) / (to - from) } else { 0.5 };
        self.range = (around - span * share, around + span * (1.0 - share));
    }

    fn pan(&mut self, days: f64) {
        self.range = (self.range.0 + days, self.range.1 + days);
    }
}

pub fn timeline_ui(
    view: &View<'_>,
    filter: &Filter,
    state: &mut TimelineState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    let dataset = &view.document.dataset;
    state.refresh(dataset, view.document.generation, filter, ui.ctx());
    ui.horizontal_wrapped(|ui| {
        if ui.button("Vilnius to Washington").on_hover_text("11–12 July 2023 to 9–11 July 2024 (Home)").clicked() {
            state.range = vilnius_to_washington();
        }
        if ui.button("All records").clicked() {
            state.show_all();
        }
        let selected = view.selection.and_then(|record| selection_extent(state, record));
        if ui.add_enabled(selected.is_some(), egui::Button::new("Selection")).clicked()
            && let Some((from, to)) = selected
        {
            let margin = ((to - from) * 0.5).max(20.0);
            state.range = (from - margin, to + margin);
        }
        ui.separator();
        ui.checkbox(&mut state.connectors, "Links")
            .on_hover_text("Connect frameworks to their orders and pledges to their actions");
        ui.separator();
        if ui.button("Export SVG…").clicked() {
            commands.push(UserCommand::ExportTimelineSvg.into());
        }
        if ui.button("Export PNG…").clicked() {
            commands.push(UserCommand::ExportTimelinePng.into());
        }
        ui.separator();
        let (from, to) = state.range;
        ui.label(format!("{} to {}", date_of(from as i32), date_of(to as i32)));
        ui.label(format!("· filter: {}", filter.describe()));
        if state.placed.is_updating() {
            ui.spinner();
            ui.label("Placing…");
        }
        if let Some(timeline) = state.timeline().filter(|t| t.undated > 0) {
            ui.label(format!("· {} records without a date are not placed", timeline.undated));
        }
    });
    // While the first placement runs, the toolbar's spinner says so.
    let Some(placed) = state.placed.value().cloned() else { return };
    let timeline = &placed.timeline;
    let height = AXIS_HEIGHT + LANE_HEIGHT * timeline.lanes.len() as f32 + 8.0;
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        let (rect, response) = ui.allocate_exact_size(Vec2::new(ui.available_width(), height), Sense::click_and_drag());
        let response = response.on_hover_cursor(egui::CursorIcon::Grab);
        let (from, to) = state.range;
        let summary = format!(
            "Timeline from {} to {}: {} records in {} lanes; drag to pan, wheel to zoom",
            date_of(from as i32),
            date_of(to as i32),
            timeline.items.len(),
            timeline.lanes.len()
        );
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, &summary));
        state.area = Some(rect);
        interact(state, &response, rect, ui);
        paint(view, &placed, state, rect, ui);
        hover_and_click(view, timeline, state, &response, commands);
    });
}

fn selection_extent(state: &TimelineState, record: (Collection, usize)) -> Option<(f64, f64)> {
    let timeline = state.timeline()?;
    timeline
        .items
        .iter()
        .filter(|item| item.record == record)
        .map(|item| (item.extent.start, item.extent.end))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

fn plot_area(rect: Rect) -> Rect {
    Rect::from_min_max(Pos2::new(rect.left() + LANE_TITLE_WIDTH, rect.top()), rect.max)
}

fn day_to_x(day: f64, range: (f64, f64), area: Rect) -> f32 {
    area.left() + ((day - range.0) / (range.1 - range.0).max(1e-9)) as f32 * area.width()
}

fn x_to_day(x: f32, range: (f64, f64), area: Rect) -> f64 {
    range.0 + f64::from((x - area.left()) / area.width().max(1.0)) * (range.1 - range.0)
}

fn interact(state: &mut TimelineState, response: &egui::Response, rect: Rect, ui: &egui::Ui) {
    let area = plot_area(rect);
    if response.dragged() {
        let days = f64::from(response.drag_delta().x / area.width().max(1.0)) * (state.range.1 - state.range.0);
        state.pan(-days);
    }
    if response.hovered() {
        let (scroll, zoom, pointer) = ui.input(|i| (i.smooth_scroll_delta(), i.zoom_delta(), i.pointer.hover_pos()));
        let around = pointer.map_or((state.range.0 + state.range.1) / 2.0, |p| x_to_day(p.x, state.range, area));
        if scroll.y != 0.0 {
            state.zoom((-f64::from(scroll.y) * 0.002).exp(), around);
        }
        if scroll.x != 0.0 {
            state.pan(-f64::from(scroll.x / area.width().max(1.0)) * (state.range.1 - state.range.0));
        }
        if zoom != 1.0 {
            state.zoom(1.0 / f64::from(zoom), around);
        }
        let center = (state.range.0 + state.range.1) / 2.0;
        let span = state.range.1 - state.range.0;
        ui.input(|i| {
            if i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) {
                state.zoom(0.8, center);
            }
            if i.key_pressed(egui::Key::Minus) {
                state.zoom(1.25, center);
            }
            if i.key_pressed(egui::Key::ArrowLeft) {
                state.pan(-span * 0.1);
            }
            if i.key_pressed(egui::Key::ArrowRight) {
                state.pan(span * 0.1);
            }
            if i.key_pressed(egui::Key::Home) {
                state.range = vilnius_to_washington();
            }
        });
    }
}

/// The colour of a lane's items, from its kind, in the palette the SVG export uses.
fn lane_color(kind: LaneKind, visuals: &egui::Visuals) -> Color32 {
    let [r, g, b] = kind.rgb(visuals.dark_mode);
    Color32::from_rgb(r, g, b)
}

fn paint(view: &View<'_>, placed: &Placed, state: &mut TimelineState, rect: Rect, ui: &egui::Ui) {
    let timeline = &placed.timeline;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let area = plot_area(rect);
    // Records, summits and labels stay right of the lane titles.
    let plot_painter = painter.with_clip_rect(area);
    let range = state.range;
    let text_color = visuals.text_color();
    let weak = visuals.weak_text_color();
    let grid = visuals.widgets.noninteractive.bg_stroke.color;
    painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);

    // Calendar axis and grid.
    for tick in ticks(range.0, range.1, area.width()) {
        let x = day_to_x(tick.day, range, area);
        let stroke = Stroke::new(if tick.major { 1.0 } else { 0.5 }, grid);
        painter.line_segment([Pos2::new(x, rect.top() + AXIS_HEIGHT - 8.0), Pos2::new(x, rect.bottom())], stroke);
        painter.text(
            Pos2::new(x + 3.0, rect.top() + AXIS_HEIGHT - 10.0),
            Align2::LEFT_BOTTOM,
            &tick.label,
            FontId::proportional(12.0),
            weak,
        );
    }

    // Summits across all lanes, named at the top.
    let mut summit_labels: Vec<(f32, f32)> = Vec::new();
    for summit in &timeline.summits {
        let (x0, x1) = (day_to_x(summit.extent.start, range, area), day_to_x(summit.extent.end, range, area));
        if x1 < area.left() || x0 > area.right() {
            continue;
        }
        let band = Rect::from_x_y_ranges(
            x0.max(area.left())..=x1.max(x0 + 2.0).min(area.right()),
            rect.top() + 14.0..=rect.bottom(),
        );
        plot_painter.rect_filled(band, 0.0, lane_color(LaneKind::Events, visuals).gamma_multiply(0.18));
        let galley = painter.layout_no_wrap(
            summit.title.clone(),
            FontId::proportional(12.0),
            lane_color(LaneKind::Events, visuals),
        );
        let width = galley.size().x;
        if place_labels(&[(x0, width)], 0.0)[0]
            && summit_labels.iter().all(|(x, w)| x0 >= x + w + 6.0 || x0 + width + 6.0 <= *x)
        {
            plot_painter.galley(Pos2::new(x0 + 2.0, rect.top() + 1.0), galley, text_color);
            summit_labels.push((x0, width));
        }
    }

    state.hits.clear();
    let selected = view.selection;
    let mut centers: std::collections::HashMap<(Collection, usize), Pos2> = std::collections::HashMap::new();
    let mut children: Vec<((Collection, usize), (Collection, usize))> = Vec::new();
    for (lane_index, lane) in timeline.lanes.iter().enumerate() {
        let top = rect.top() + AXIS_HEIGHT + lane_index as f32 * LANE_HEIGHT;
        let lane_rect = Rect::from_min_max(Pos2::new(rect.left(), top), Pos2::new(rect.right(), top + LANE_HEIGHT));
        if lane_index % 2 == 1 {
            painter.rect_filled(lane_rect, 0.0, visuals.faint_bg_color);
        }
        painter.text(
            Pos2::new(rect.left() + 6.0, top + LANE_HEIGHT / 2.0 - 4.0),
            Align2::LEFT_CENTER,
            truncate(&lane.title, 30),
            FontId::proportional(12.0),
            text_color,
        );
        let color = lane_color(lane.kind, visuals);
        let (starts, longest) = &placed.index[lane_index];
        // Items that can reach into view: those starting before its end, and not ending before its start.
        let first = starts.partition_point(|&s| s < range.0 - longest);
        let last = starts.partition_point(|&s| s < range.1);
        let candidates = &lane.items[first..last.max(first)];
        // More records than could be told apart (a few points each): draw how dense they are instead.
        if candidates.len() > DRAW_ONE_BY_ONE || candidates.len() as f32 > area.width() / 3.0 {
            density_strip(&plot_painter, starts, &placed.ends[lane_index], area, range, top, color);
            let note = format!("{} records: density, zoom in", candidates.len());
            painter.text(
                Pos2::new(rect.left() + 6.0, top + LANE_HEIGHT - 4.0),
                Align2::LEFT_BOTTOM,
                note,
                FontId::proportional(10.0),
                weak,
            );
            continue;
        }
        let bar_y = top + 8.0;
        let mut labels = Vec::new();
        for &item_index in candidates {
            let item = &timeline.items[item_index];
            let extent = item.extent;
            let end = if extent.open_end { range.1.max(extent.end) } else { extent.end };
            if end < range.0 {
                continue;
            }
            let x0 = day_to_x(extent.start, range, area);
            let x1 = day_to_x(end, range, area).max(x0 + 3.0);
            let hit = draw_item(&plot_painter, item, x0, x1, bar_y, color, extent.open_end);
            let hit = hit.intersect(area);
            if selected == Some(item.record) {
                plot_painter.rect_stroke(
                    hit.expand(2.0),
                    2.0,
                    Stroke::new(2.0, visuals.strong_text_color()),
                    egui::StrokeKind::Outside,
                );
            }
            centers.entry(item.record).or_insert(hit.center());
            if let Some(parent) = item.parent {
                children.push((parent, item.record));
            }
            state.hits.push((hit, item_index));
            labels.push((x0.max(area.left()), item_index));
        }
        if labels.len() <= LABEL_LIMIT {
            let galleys: Vec<_> = labels
                .iter()
                .map(|&(x, i)| {
                    (
                        x,
                        painter.layout_no_wrap(
                            truncate(&timeline.items[i].label, 48),
                            FontId::proportional(11.0),
                            text_color,
                        ),
                    )
                })
                .collect();
            let boxes: Vec<(f32, f32)> = galleys.iter().map(|(x, g)| (*x, g.size().x)).collect();
            let shown = place_labels(&boxes, 6.0);
            let mut hidden = 0;
            for ((x, galley), show) in galleys.into_iter().zip(shown) {
                if show && x + galley.size().x <= area.right() + 40.0 {
                    plot_painter.galley(Pos2::new(x, bar_y + 16.0), galley, text_color);
                } else {
                    hidden += 1;
                }
            }
            if hidden > 0 {
                painter.text(
                    Pos2::new(rect.left() + 6.0, top + LANE_HEIGHT - 4.0),
                    Align2::LEFT_BOTTOM,
                    format!("{hidden} labels hidden: zoom in"),
                    FontId::proportional(10.0),
                    weak,
                );
            }
        } else {
            painter.text(
                Pos2::new(rect.left() + 6.0, top + LANE_HEIGHT - 4.0),
                Align2::LEFT_BOTTOM,
                format!("{} records: zoom in for labels", labels.len()),
                FontId::proportional(10.0),
                weak,
            );
        }
    }
    if state.connectors {
        // Only what is drawn is connected: the links cost as much as the visible records.
        for (parent, child) in children {
            if let (Some(from), Some(child)) = (centers.get(&parent), centers.get(&child)) {
                plot_painter.line_segment([*from, *child], Stroke::new(1.0, weak.gamma_multiply(0.8)));
            }
        }
    }
}

/// Draws one record; returns the rectangle it occupies.
fn draw_item(painter: &egui::Painter, item: &Item, x0: f32, x1: f32, y: f32, color: Color32, open_end: bool) -> Rect {
    let extent = item.extent;
    if extent.point {
        let center = Pos2::new(x0, y + 6.0);
        let fill = if extent.fuzzy_start { color.gamma_multiply(0.5) } else { color };
        painter.circle_filled(center, 5.0, fill);
        if extent.uncertain {
            painter.text(center + Vec2::new(7.0, 0.0), Align2::LEFT_CENTER, "?", FontId::proportional(11.0), color);
        }
        return Rect::from_center_size(center, Vec2::splat(12.0));
    }
    let bar = Rect::from_min_max(Pos2::new(x0, y), Pos2::new(x1, y + 12.0));
    painter.rect_filled(bar, 2.0, color.gamma_multiply(0.85));
    // Approximate or uncertain ends fade out; an open end runs on as a fading tail.
    let fade = (bar.width() * 0.2).clamp(3.0, 40.0);
    if extent.fuzzy_start {
        painter.rect_filled(
            Rect::from_min_max(bar.min, Pos2::new(bar.left() + fade, bar.bottom())),
            0.0,
            color.gamma_multiply(0.35),
        );
    }
    if extent.fuzzy_end || open_end {
        painter.rect_filled(
            Rect::from_min_max(Pos2::new(bar.right() - fade, bar.top()), bar.max),
            0.0,
            color.gamma_multiply(0.35),
        );
    }
    if open_end {
        painter.text(
            Pos2::new(bar.right() + 2.0, bar.center().y),
            Align2::LEFT_CENTER,
            "…",
            FontId::proportional(12.0),
            color,
        );
    }
    if extent.uncertain {
        painter.text(
            Pos2::new(bar.right() + 3.0, bar.center().y),
            Align2::LEFT_CENTER,
            "?",
            FontId::proportional(11.0),
            color,
        );
    }
    bar
}

/// A lane with too many records in view: how many records cover each column of pixels (started before
/// its end and not ended before its start), as a strip of bars. Costs two binary searches per column.
fn density_strip(
    painter: &egui::Painter,
    starts: &[f64],
    ends: &[f64],
    area: Rect,
    range: (f64, f64),
    top: f32,
    color: Color32,
) {
    let columns = area.width().max(1.0) as usize;
    let mut counts = Vec::with_capacity(columns);
    for column in 0..columns {
        let from = x_to_day(area.left() + column as f32, range, area);
        let to = x_to_day(area.left() + column as f32 + 1.0, range, area);
        let started = starts.partition_point(|&s| s < to);
        let ended = ends.partition_point(|&e| e <= from);
        counts.push(started.saturating_sub(ended));
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    for (column, count) in counts.into_iter().enumerate() {
        if count == 0 {
            continue;
        }
        let height = count as f32 / most * (LANE_HEIGHT - 10.0);
        let x = area.left() + column as f32;
        painter.line_segment(
            [Pos2::new(x, top + LANE_HEIGHT - 4.0), Pos2::new(x, top + LANE_HEIGHT - 4.0 - height)],
            Stroke::new(1.0, color),
        );
    }
}

fn hover_and_click(
    view: &View<'_>,
    timeline: &Timeline,
    state: &TimelineState,
    response: &egui::Response,
    commands: &mut Vec<Message>,
) {
    let Some(pointer) = response.hover_pos().or_else(|| response.interact_pointer_pos()) else { return };
    let Some(&(_, item_index)) = state.hits.iter().rev().find(|(rect, _)| rect.expand(2.0).contains(pointer)) else {
        return;
    };
    let item = &timeline.items[item_index];
    if response.clicked() {
        commands.push(Message::Select(item.record.0, item.record.1));
    }
    let details = describe(&view.document.dataset, item);
    response.clone().on_hover_ui_at_pointer(|ui| {
        for (index, line) in details.iter().enumerate() {
            if index == 0 {
                ui.strong(line);
            } else {
                ui.label(line);
            }
        }
    });
}

/// The hover text of an item: what it is, the date as the source gave it, figures and sources.
fn describe(dataset: &Dataset, item: &Item) -> Vec<String> {
    let (collection, index) = item.record;
    let sources = |ids: &[crate::model::Symbol]| {
        let titles: Vec<String> = ids
            .iter()
            .map(|&id| {
                dataset
                    .sources
                    .iter()
                    .find(|s| s.id == id)
                    .map_or_else(|| dataset.text(id).to_owned(), |s| s.title.clone())
            })
            .collect();
        format!("Sources: {}", if titles.is_empty() { "none".to_owned() } else { titles.join("; ") })
    };
    match collection {
        Collection::Events => dataset.events.get(index).map_or_else(Vec::new, |e| {
            vec![
                e.title.clone(),
                format!("{} · {} ({})", e.kind.label(), e.date.human(), e.date),
                sources(&e.provenance.sources),
            ]
        }),
        Collection::Commitments => dataset.commitments.get(index).map_or_else(Vec::new, |c| {
            let mut lines = vec![c.title.clone(), format!("{} · {}", c.kind.label(), c.status.label())];
            if let Some(adopted) = c.adopted {
                lines.push(format!("Adopted {} ({adopted})", adopted.human()));
            }
            if let Some(horizon) = c.horizon {
                lines.push(format!("Horizon {} ({horizon})", horizon.human()));
            }
            if let Some(value) = c.value {
                lines.push(value.display());
            }
            lines.push(sources(&c.provenance.sources));
            lines
        }),
        Collection::Acquisitions => dataset.acquisitions.get(index).map_or_else(Vec::new, |a| {
            let mut lines =
                vec![item.label.clone(), format!("{} · confidence {}", a.stage.label(), a.confidence.label())];
            if let Some(date) = a.date {
                lines.push(format!("Ordered {} ({date})", date.human()));
            }
            if let Some(delivery) = a.delivery {
                lines.push(format!("Window {} ({delivery})", delivery.human()));
            }
            if let Some(value) = a.value {
                lines.push(value.display());
            }
            lines.push(sources(&a.sources));
            lines
        }),
        Collection::Sources | Collection::Actors => vec![item.label.clone()],
    }
}
