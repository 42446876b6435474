//! The timeline: records placed in time from the Vilnius Summit to the Washington Summit and beyond.
//! Lanes for events, commitments by origin, acquisitions by the grouping chosen (category, buyer, system,
//! commitment, stage) and delivery windows; a day is a point, a month, year or interval a bar, fuzzy ends
//! faded, `?` marked, open ends running on. Summits are marked across all lanes, today by a line. Items
//! stack into rows (`analysis::timeline::stack`, shared with the SVG export) so that nothing is drawn
//! over anything; lanes are as tall as their rows, collapse on a click on their name, and scroll
//! vertically under a calendar that stays. Wheel or pinch zooms, dragging pans, the keyboard does both.
//! Placement is computed once per change of data, filter or grouping; the stacking once per change of
//! zoom or width, over the records in view only; a lane too dense to draw record by record is drawn as a
//! density strip.

use std::sync::Arc;

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use crate::analysis::filter::Filter;
use crate::analysis::timeline::{
    Grouping, Item, POINT_RADIUS, Scale, Stack, Timeline, date_of, day_number, item_label, layout, shown_label, stack,
    ticks, vilnius_to_washington,
};
use crate::context::{Message, UserCommand};
use crate::model::{Collection, Dataset};
use crate::palette::LaneKind;

use super::View;
use super::derived::{BACKGROUND_ROWS, Derived};

const LANE_TITLE_WIDTH: f32 = 210.0;
const AXIS_HEIGHT: f32 = 40.0;
/// A row of a lane, the room above and below its rows, and a collapsed or dense lane's height.
const ROW_HEIGHT: f32 = 18.0;
const LANE_PAD: f32 = 6.0;
const STRIP_HEIGHT: f32 = 40.0;
/// The rows a lane may have; past them, records are counted and the lane says so.
const MAX_ROWS: usize = 24;
/// Past this many records in view, a lane is drawn as a density strip.
const DRAW_ONE_BY_ONE: usize = 2_000;

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
    /// What the acquisitions' lanes are.
    pub grouping: Grouping,
    /// The lanes folded to a strip, by title, and how many times a lane was folded or unfolded (part of
    /// what the stacking is kept for).
    collapsed: std::collections::BTreeSet<String>,
    folds: u64,
    /// The placement per (data generation, filter, grouping).
    placed: Derived<(u64, Filter, Grouping), Placed>,
    /// The stacking of the records in view, per placement, zoom, width and folded lanes.
    arranged: Option<Arranged>,
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
            grouping: Grouping::default(),
            collapsed: Default::default(),
            folds: 0,
            placed: Derived::default(),
            arranged: None,
            hits: Vec::new(),
            area: None,
        }
    }
}

/// What a lane shows at the zoom in view.
enum LaneView {
    Stacked(Stack),
    /// Too many records in view to tell apart: a density strip.
    Dense {
        in_view: usize,
    },
    Collapsed,
}

/// The lanes stacked for one zoom and width: what each shows, its height, and the labels of the records
/// in view.
struct Arranged {
    key: (usize, u64, u64, f32, u64),
    lanes: Vec<LaneView>,
    heights: Vec<f32>,
    labels: std::collections::HashMap<usize, String>,
}

impl TimelineState {
    fn refresh(&mut self, dataset: &Arc<Dataset>, generation: u64, filter: &Filter, ctx: &egui::Context) {
        let large = dataset.acquisitions.len() > BACKGROUND_ROWS;
        let dataset = dataset.clone();
        self.placed.refresh((generation, filter.clone(), self.grouping), large, ctx, move |(_, filter, grouping)| {
            Placed::new(layout(&dataset, filter, *grouping))
        });
    }

    /// True while a new placement is being computed in the background.
    pub fn is_updating(&self) -> bool {
        self.placed.is_updating()
    }

    /// Lets go of the placement of a dataset no longer open (and of any being computed), keeping the
    /// range, the grouping and the folded lanes.
    pub fn forget_data(&mut self) {
        self.placed = Default::default();
        self.arranged = None;
        self.hits.clear();
        self.area = None;
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
    toolbar_ui(view, filter, state, commands, ui);
    // While the first placement runs, the toolbar's spinner says so.
    let Some(placed) = state.placed.value().cloned() else { return };
    let timeline = &placed.timeline;
    let width = ui.available_width();
    let (axis_rect, axis_response) = ui.allocate_exact_size(Vec2::new(width, AXIS_HEIGHT), Sense::click_and_drag());
    let scale = Scale {
        range: state.range,
        left: axis_rect.left() + LANE_TITLE_WIDTH,
        width: (axis_rect.width() - LANE_TITLE_WIDTH).max(1.0),
    };
    arrange(view, &placed, state, &scale, ui);
    let Some(arranged) = state.arranged.take() else { return };
    let natural: f32 = arranged.heights.iter().sum();
    // Lanes shorter than the window share the room left, up to four rows each.
    let spare = (ui.available_height() - natural - 4.0).max(0.0);
    let extra = (spare / timeline.lanes.len().max(1) as f32).min(4.0 * ROW_HEIGHT);
    let height = natural + extra * timeline.lanes.len() as f32;
    interact(state, &axis_response, scale, ui);
    paint_axis(timeline, &scale, axis_rect, ui);
    let mut toggled = None;
    egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
        let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), Sense::click_and_drag());
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
        // What is on screen: the lanes scrolled out of view are not in a screenshot.
        state.area = Some(axis_rect.union(rect.intersect(ui.clip_rect())));
        interact(state, &response, scale, ui);
        toggled = paint_lanes(view, &placed, &arranged, extra, state, &scale, rect, ui);
        hover_and_click(view, timeline, &arranged, state, &response, commands);
    });
    if let Some(title) = toggled {
        if !state.collapsed.remove(&title) {
            state.collapsed.insert(title);
        }
        state.folds += 1;
    }
    state.arranged = Some(arranged);
}

fn toolbar_ui(
    view: &View<'_>,
    filter: &Filter,
    state: &mut TimelineState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
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
        let label = ui.label("Acquisitions by");
        egui::ComboBox::from_id_salt("timeline_grouping")
            .selected_text(state.grouping.label())
            .show_ui(ui, |ui| {
                for grouping in Grouping::ALL {
                    ui.selectable_value(&mut state.grouping, grouping, grouping.label());
                }
            })
            .response
            .labelled_by(label.id);
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

fn x_to_day(x: f32, scale: &Scale) -> f64 {
    scale.range.0 + f64::from((x - scale.left) / scale.width.max(1.0)) * (scale.range.1 - scale.range.0)
}

fn interact(state: &mut TimelineState, response: &egui::Response, scale: Scale, ui: &egui::Ui) {
    if response.dragged() {
        let days = f64::from(response.drag_delta().x / scale.width.max(1.0)) * (state.range.1 - state.range.0);
        state.pan(-days);
    }
    if response.hovered() {
        let (scroll, zoom, pointer, shift) =
            ui.input(|i| (i.smooth_scroll_delta(), i.zoom_delta(), i.pointer.hover_pos(), i.modifiers.shift));
        let around = pointer.map_or((state.range.0 + state.range.1) / 2.0, |p| x_to_day(p.x, &scale));
        // The wheel zooms; with Shift held it scrolls the lanes (the scroll area takes it).
        if scroll.y != 0.0 && !shift {
            state.zoom((-f64::from(scroll.y) * 0.002).exp(), around);
        }
        if scroll.x != 0.0 {
            state.pan(-f64::from(scroll.x / scale.width.max(1.0)) * (state.range.1 - state.range.0));
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

const LABEL_FONT: FontId = FontId::proportional(11.0);
const TITLE_FONT: FontId = FontId::proportional(12.0);

/// Stacks the records in view, lane by lane, when the placement, zoom, width or folded lanes changed.
fn arrange(view: &View<'_>, placed: &Arc<Placed>, state: &mut TimelineState, scale: &Scale, ui: &egui::Ui) {
    let key =
        (Arc::as_ptr(placed) as usize, scale.range.0.to_bits(), scale.range.1.to_bits(), scale.width, state.folds);
    if state.arranged.as_ref().is_some_and(|arranged| arranged.key == key) {
        return;
    }
    let dataset = &view.document.dataset;
    let timeline = &placed.timeline;
    let painter = ui.painter();
    let mut labels = std::collections::HashMap::new();
    let mut lanes = Vec::with_capacity(timeline.lanes.len());
    let mut heights = Vec::with_capacity(timeline.lanes.len());
    for (lane_index, lane) in timeline.lanes.iter().enumerate() {
        let title = painter.layout(lane.title.clone(), TITLE_FONT, Color32::WHITE, LANE_TITLE_WIDTH - 20.0);
        let title_height = title.size().y + 2.0 * LANE_PAD;
        if state.collapsed.contains(&lane.title) {
            lanes.push(LaneView::Collapsed);
            heights.push(title_height.max(ROW_HEIGHT + 2.0 * LANE_PAD));
            continue;
        }
        let (starts, longest) = &placed.index[lane_index];
        // Items that can reach into view: those starting before its end, and not ending before its start.
        let first = starts.partition_point(|&s| s < scale.range.0 - longest);
        let last = starts.partition_point(|&s| s < scale.range.1);
        let candidates = &lane.items[first..last.max(first)];
        if candidates.len() > DRAW_ONE_BY_ONE || candidates.len() as f32 > scale.width / 3.0 {
            lanes.push(LaneView::Dense { in_view: candidates.len() });
            heights.push(title_height.max(STRIP_HEIGHT + 2.0 * LANE_PAD));
            continue;
        }
        let stacked = stack(timeline, candidates, scale, MAX_ROWS, &mut |item| {
            let label = labels.entry(item).or_insert_with(|| item_label(dataset, &timeline.items[item]));
            painter.layout_no_wrap(shown_label(label).into_owned(), LABEL_FONT, Color32::WHITE).size().x
        });
        let rows = stacked.rows.max(1) as f32 + if stacked.crowded > 0 { 1.0 } else { 0.0 };
        heights.push(title_height.max(rows * ROW_HEIGHT + 2.0 * LANE_PAD));
        lanes.push(LaneView::Stacked(stacked));
    }
    state.arranged = Some(Arranged { key, lanes, heights, labels });
}

/// The calendar, the summits' names and today, above the lanes (it stays when they scroll).
fn paint_axis(timeline: &Timeline, scale: &Scale, rect: Rect, ui: &egui::Ui) {
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let area = Rect::from_min_max(Pos2::new(scale.left, rect.top()), rect.max);
    let plot_painter = painter.with_clip_rect(area);
    let weak = visuals.weak_text_color();
    painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);
    for tick in grid(&plot_painter, scale, rect.bottom() - 8.0..=rect.bottom(), visuals) {
        let at = Pos2::new(scale.x(tick.day) + 3.0, rect.bottom() - 10.0);
        plot_painter.text(at, Align2::LEFT_BOTTOM, &tick.label, TITLE_FONT, weak);
    }
    // Summits named at the top, each name kept inside the view and clear of the one before.
    let summit_color = lane_color(LaneKind::Events, visuals);
    let mut free_from = f32::NEG_INFINITY;
    for summit in &timeline.summits {
        let (x0, x1) = (scale.x(summit.extent.start), scale.x(summit.extent.end));
        if x1 < area.left() || x0 > area.right() {
            continue;
        }
        let galley = painter.layout_no_wrap(summit.title.clone(), TITLE_FONT, summit_color);
        let width = galley.size().x;
        let x = (x0 + 2.0).min(area.right() - width - 2.0).max(area.left());
        if x >= free_from {
            plot_painter.galley(Pos2::new(x, rect.top() + 1.0), galley, summit_color);
            free_from = x + width + 8.0;
        }
    }
    let today = today_day();
    let x = scale.x(today);
    if (area.left()..=area.right()).contains(&x) {
        let color = visuals.error_fg_color;
        plot_painter.text(Pos2::new(x - 3.0, rect.top() + 16.0), Align2::RIGHT_TOP, "today", LABEL_FONT, color);
    }
}

/// The calendar's lines over the heights `ys`, years stronger; returns the ticks, for their labels.
fn grid(
    painter: &egui::Painter,
    scale: &Scale,
    ys: std::ops::RangeInclusive<f32>,
    visuals: &egui::Visuals,
) -> Vec<crate::analysis::timeline::Tick> {
    let color = visuals.widgets.noninteractive.bg_stroke.color;
    let ticks = ticks(scale.range.0, scale.range.1, scale.width);
    for tick in &ticks {
        let x = scale.x(tick.day);
        let stroke = Stroke::new(if tick.major { 1.0 } else { 0.5 }, color);
        painter.line_segment([Pos2::new(x, *ys.start()), Pos2::new(x, *ys.end())], stroke);
    }
    ticks
}

/// Today as a day number.
fn today_day() -> f64 {
    f64::from(day_number(jiff::ZonedDateTime::now().date()))
}

/// The lanes: titles (a click folds or unfolds a lane), rows of records with their labels, summit bands,
/// today's line and links. Returns the title of a lane whose name was clicked.
#[allow(clippy::too_many_arguments)]
fn paint_lanes(
    view: &View<'_>,
    placed: &Placed,
    arranged: &Arranged,
    extra: f32,
    state: &mut TimelineState,
    scale: &Scale,
    rect: Rect,
    ui: &egui::Ui,
) -> Option<String> {
    let timeline = &placed.timeline;
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let area = Rect::from_min_max(Pos2::new(scale.left, rect.top()), rect.max);
    let plot_painter = painter.with_clip_rect(area.intersect(ui.clip_rect()));
    let text_color = visuals.text_color();
    let weak = visuals.weak_text_color();
    painter.rect_filled(rect, 0.0, visuals.extreme_bg_color);
    grid(&plot_painter, scale, rect.top()..=rect.bottom(), visuals);
    let summit_color = lane_color(LaneKind::Events, visuals);
    for summit in &timeline.summits {
        let (x0, x1) = (scale.x(summit.extent.start), scale.x(summit.extent.end));
        let band = Rect::from_x_y_ranges(x0..=x1.max(x0 + 2.0), rect.y_range());
        plot_painter.rect_filled(band, 0.0, summit_color.gamma_multiply(0.18));
    }
    let today = scale.x(today_day());
    plot_painter.line_segment(
        [Pos2::new(today, rect.top()), Pos2::new(today, rect.bottom())],
        Stroke::new(1.0, visuals.error_fg_color.gamma_multiply(0.7)),
    );

    // Links go under the records and their labels: their place in the drawing is kept now, the lines are
    // known once the records are placed.
    let links_layer = plot_painter.add(egui::Shape::Noop);
    state.hits.clear();
    let selected = view.selection;
    let mut toggled = None;
    let mut centers: std::collections::HashMap<(Collection, usize), Pos2> = std::collections::HashMap::new();
    let mut children: Vec<((Collection, usize), (Collection, usize))> = Vec::new();
    let mut top = rect.top();
    for (lane_index, (lane, shown)) in timeline.lanes.iter().zip(&arranged.lanes).enumerate() {
        let height = arranged.heights[lane_index] + extra;
        let lane_rect = Rect::from_min_max(Pos2::new(rect.left(), top), Pos2::new(rect.right(), top + height));
        let lane_top = top;
        top += height;
        if lane_index % 2 == 1 {
            painter.rect_filled(lane_rect, 0.0, visuals.faint_bg_color);
        }
        let collapsed = matches!(shown, LaneView::Collapsed);
        let marker = if collapsed { "+ " } else { "– " };
        let title = painter.layout(format!("{marker}{}", lane.title), TITLE_FONT, text_color, LANE_TITLE_WIDTH - 20.0);
        let title_rect = Rect::from_min_size(Pos2::new(rect.left() + 6.0, lane_top + LANE_PAD), title.size());
        painter.galley(title_rect.min, title, text_color);
        let title_response = ui.interact(title_rect, ui.scope_id().with(("lane", &lane.title)), Sense::click());
        let action = if collapsed { "Expand" } else { "Collapse" };
        title_response.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{action} lane {}", lane.title))
        });
        if title_response.on_hover_cursor(egui::CursorIcon::PointingHand).clicked() {
            toggled = Some(lane.title.clone());
        }
        let color = lane_color(lane.kind, visuals);
        let note_at = Pos2::new(rect.left() + 6.0, lane_top + height - 4.0);
        let strip = || {
            Rect::from_min_max(
                Pos2::new(area.left(), lane_top + LANE_PAD),
                Pos2::new(area.right(), lane_top + height - LANE_PAD),
            )
        };
        match shown {
            LaneView::Collapsed => {
                let (starts, _) = &placed.index[lane_index];
                density_strip(&plot_painter, starts, &placed.ends[lane_index], scale, strip(), color);
                continue;
            }
            LaneView::Dense { in_view } => {
                let (starts, _) = &placed.index[lane_index];
                density_strip(&plot_painter, starts, &placed.ends[lane_index], scale, strip(), color);
                let note = format!("{} records: density, zoom in", crate::model::count_text(*in_view));
                painter.text(note_at, Align2::LEFT_BOTTOM, note, FontId::proportional(10.0), weak);
                continue;
            }
            LaneView::Stacked(stacked) => {
                for slot in &stacked.slots {
                    let item = &timeline.items[slot.item];
                    let y = lane_top + LANE_PAD + slot.row as f32 * ROW_HEIGHT + 2.0;
                    let hit = draw_item(&plot_painter, item, slot.x0, slot.x1, y, color).intersect(area);
                    if let Some(x) = slot.label {
                        let label = arranged.labels.get(&slot.item).map_or("", String::as_str);
                        let on = if slot.inside { contrast(color) } else { text_color };
                        let mut job =
                            egui::text::LayoutJob::simple_singleline(shown_label(label).into_owned(), LABEL_FONT, on);
                        // A label with less room than it needs is cut, with an ellipsis.
                        job.wrap = egui::text::TextWrapping::truncate_at_width(slot.label_width + 1.0);
                        let galley = painter.layout_job(job);
                        let at = Pos2::new(x, y + 6.0 - galley.size().y / 2.0);
                        plot_painter.galley(at, galley, on);
                        // Each record in view is in the accessibility tree, by its label.
                        let place = Rect::from_min_max(Pos2::new(slot.from, y), Pos2::new(slot.to, y + 12.0));
                        let id = ui.scope_id().with(("item", lane_index, slot.item));
                        ui.interact(place.intersect(area), id, Sense::hover())
                            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, label));
                    }
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
                    state.hits.push((hit, slot.item));
                }
                if stacked.crowded > 0 {
                    let note = format!("{} more records: zoom in", crate::model::count_text(stacked.crowded));
                    painter.text(note_at, Align2::LEFT_BOTTOM, note, FontId::proportional(10.0), weak);
                }
            }
        }
    }
    if state.connectors {
        // Only what is drawn is connected: the links cost as much as the visible records.
        let stroke = Stroke::new(1.0, weak.gamma_multiply(0.6));
        let links: Vec<egui::Shape> = children
            .into_iter()
            .filter_map(|(parent, child)| {
                Some(egui::Shape::line_segment([*centers.get(&parent)?, *centers.get(&child)?], stroke))
            })
            .collect();
        plot_painter.set(links_layer, links);
    }
    toggled
}

/// Black or white, whichever reads better on `color`.
fn contrast(color: Color32) -> Color32 {
    let [r, g, b, _] = color.to_array();
    let luma = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    if luma > 150.0 { Color32::BLACK } else { Color32::WHITE }
}

/// Draws one record, its bar's top at `y`; returns the rectangle it occupies.
fn draw_item(painter: &egui::Painter, item: &Item, x0: f32, x1: f32, y: f32, color: Color32) -> Rect {
    let extent = item.extent;
    let mark = |x: f32, text: &str| {
        painter.text(Pos2::new(x, y + 6.0), Align2::LEFT_CENTER, text, LABEL_FONT, color);
    };
    if extent.point {
        let center = Pos2::new(x0, y + 6.0);
        let fill = if extent.fuzzy_start { color.gamma_multiply(0.5) } else { color };
        painter.circle_filled(center, POINT_RADIUS, fill);
        if extent.uncertain {
            mark(x0 + POINT_RADIUS + 1.0, "?");
        }
        return Rect::from_center_size(center, Vec2::splat(2.0 * POINT_RADIUS + 2.0));
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
    if extent.fuzzy_end || extent.open_end {
        painter.rect_filled(
            Rect::from_min_max(Pos2::new(bar.right() - fade, bar.top()), bar.max),
            0.0,
            color.gamma_multiply(0.35),
        );
    }
    // The mark after the bar, in the room the stacking kept for it.
    if extent.uncertain {
        mark(bar.right() + 2.0, "?");
    } else if extent.open_end {
        mark(bar.right() + 1.0, "…");
    }
    bar
}

/// How many records cover each column of pixels of `strip` (started before its end and not ended before
/// its start), as bars: a lane too dense to draw record by record, or folded. Costs two binary searches per
/// column.
fn density_strip(painter: &egui::Painter, starts: &[f64], ends: &[f64], scale: &Scale, strip: Rect, color: Color32) {
    let columns = strip.width().max(1.0) as usize;
    let mut counts = Vec::with_capacity(columns);
    for column in 0..columns {
        let from = x_to_day(strip.left() + column as f32, scale);
        let to = x_to_day(strip.left() + column as f32 + 1.0, scale);
        let started = starts.partition_point(|&s| s < to);
        let ended = ends.partition_point(|&e| e <= from);
        counts.push(started.saturating_sub(ended));
    }
    let most = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    for (column, count) in counts.into_iter().enumerate() {
        if count == 0 {
            continue;
        }
        let height = count as f32 / most * strip.height();
        let x = strip.left() + column as f32;
        painter.line_segment(
            [Pos2::new(x, strip.bottom()), Pos2::new(x, strip.bottom() - height)],
            Stroke::new(1.0, color),
        );
    }
}

fn hover_and_click(
    view: &View<'_>,
    timeline: &Timeline,
    arranged: &Arranged,
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
    let label = arranged.labels.get(&item_index).cloned().unwrap_or_else(|| item_label(&view.document.dataset, item));
    let details = describe(&view.document.dataset, item, label);
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
fn describe(dataset: &Dataset, item: &Item, label: String) -> Vec<String> {
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
            let mut lines = vec![label, format!("{} · confidence {}", a.stage.label(), a.confidence.label())];
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
        Collection::Sources | Collection::Actors => vec![label],
    }
}
