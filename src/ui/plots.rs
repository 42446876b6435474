//! Plots of acquisition volumes: bars per group and stage, for one unit or one currency at a time, from
//! the same aggregation as the tables' totals and `summary`. Stages side by side (or stacked, labelled as
//! not added), lighter parts for approximate, "at least" and "up to" figures; over time with a cumulative
//! line. Hover shows the figure and the records behind it; a click filters the tables to the bar's
//! records. The figures are derived once per change of data, filter or grouping, never per frame.

use std::sync::Arc;

use egui_plot::{Bar, BarChart, Corner, Legend, Line, Plot, PlotPoints};

use crate::analysis::filter::{Filter, OrderPeriod};
use crate::analysis::plot::{Measure, Part, PlotData, available_measures, plot_data};
use crate::analysis::volumes::{FilteredVolumes, GroupBy, GroupKey, group_names};
use crate::context::Document;
use crate::context::{Message, UserCommand};
use crate::model::{Collection, Dataset, Stage, counted};
use crate::palette::stage_rgb;
use crate::report::svg::{ChartOptions, axis_value, format_value, part_opacity};

use super::View;
use super::derived::{BACKGROUND_ROWS, Derived};

/// The groupings the plots offer: by a field, or over time.
pub const GROUPINGS: [(GroupBy, &str); 7] = [
    (GroupBy::Category, "Category"),
    (GroupBy::System, "System"),
    (GroupBy::Buyer, "Buyer"),
    (GroupBy::Recipient, "Recipient"),
    (GroupBy::Agency, "Agency"),
    (GroupBy::Year, "Year (over time)"),
    (GroupBy::Quarter, "Quarter (over time)"),
];

/// What the volumes are derived from: the data generation, the filter and the grouping.
type VolumesKey = (u64, Filter, GroupBy);

/// Follows an edit in place when the filter and grouping are the same (see [`FilteredVolumes::update`]).
fn follow(document: &Document) -> impl FnOnce(&VolumesKey, &VolumesKey, &mut FilteredVolumes) -> bool {
    move |old, new, volumes| {
        (&old.1, old.2) == (&new.1, new.2)
            && document.changes_since(old.0).is_some_and(|changes| volumes.update(&document.dataset, &new.1, &changes))
    }
}

pub struct PlotsState {
    pub group_by: GroupBy,
    pub measure: Option<Measure>,
    pub stacked: bool,
    pub log: bool,
    /// Volumes per (data generation, filter, grouping); the bars for the chosen measure are cut from them.
    volumes: Derived<VolumesKey, FilteredVolumes>,
    data: Option<Arc<PlotData>>,
    data_for: Option<(Option<VolumesKey>, Option<Measure>)>,
    measures: Vec<Measure>,
    /// The plot's area on screen last frame, for PNG export.
    pub plot_rect: Option<egui::Rect>,
    /// How plot values mapped to the screen last frame.
    transform: Option<egui_plot::PlotTransform>,
}

impl Default for PlotsState {
    fn default() -> Self {
        PlotsState {
            group_by: GroupBy::Category,
            measure: None,
            stacked: false,
            log: false,
            volumes: Derived::default(),
            data: None,
            data_for: None,
            measures: Vec::new(),
            plot_rect: None,
            transform: None,
        }
    }
}

impl PlotsState {
    /// Re-aggregates when the data, the filter or the grouping changed; cuts the bars for the measure.
    fn refresh(&mut self, document: &Document, filter: &Filter, ctx: &egui::Context) {
        let key = (document.generation, filter.clone(), self.group_by);
        let large = document.dataset.acquisitions.len() > BACKGROUND_ROWS;
        let dataset = document.dataset.clone();
        let installed =
            self.volumes.refresh_or_update(key, large, ctx, follow(document), move |(_, filter, group_by)| {
                FilteredVolumes::new(&dataset, filter, *group_by)
            });
        let Some(volumes) = self.volumes.value().cloned() else { return };
        let volumes = volumes.volumes();
        if installed {
            self.measures = available_measures(volumes);
        }
        if self.measure.as_ref().is_none_or(|m| !self.measures.contains(m)) {
            self.measure = self.measures.first().cloned();
        }
        let data_key = (self.volumes.key().cloned(), self.measure.clone());
        if installed || self.data_for.as_ref() != Some(&data_key) {
            self.data = self.measure.as_ref().map(|measure| Arc::new(plot_data(volumes, measure)));
            self.data_for = Some(data_key);
        }
    }

    /// True while new figures are being computed in the background.
    pub fn is_updating(&self) -> bool {
        self.volumes.is_updating()
    }

    /// Lets go of the figures of a dataset no longer open (and of any being computed), keeping the
    /// choices: a view not shown would otherwise hold them until it is shown again.
    pub fn forget_data(&mut self) {
        self.volumes = Default::default();
        self.data = None;
        self.data_for = None;
        self.plot_rect = None;
        self.transform = None;
    }

    /// The figures on screen, for exports and tests.
    pub fn data(&self) -> Option<&PlotData> {
        self.data.as_deref()
    }

    /// Where on screen the firm part of a bar was drawn last frame (for tests and keyboard access).
    pub fn bar_position(&self, group: &str, stage: Stage) -> Option<egui::Pos2> {
        let data = self.data()?;
        let transform = self.transform.as_ref()?;
        let group_index = data.groups.iter().position(|g| g == group)?;
        let index = data.series.iter().position(|s| s.stage == stage)?;
        let (offset, _) = bar_geometry(self.stacked, data.series.len(), index);
        let series = &data.series[index];
        let below: f64 =
            if self.stacked { data.series[..index].iter().map(|s| s.height(group_index)).sum() } else { 0.0 };
        let middle = below + series.height(group_index) / 2.0;
        let point = egui_plot::PlotPoint::new(group_index as f64 + offset, axis_value(middle, self.log));
        Some(transform.position_from_point(&point))
    }

    pub fn chart_options(&self, title: &str) -> ChartOptions {
        ChartOptions { title: title.to_owned(), stacked: self.stacked, log: self.log, ..ChartOptions::default() }
    }
}

pub fn plots_ui(
    view: &View<'_>,
    filter: &Filter,
    state: &mut PlotsState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    state.refresh(view.document, filter, ui.ctx());
    controls_ui(state, commands, ui);
    if state.is_updating() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Updating the figures…");
        });
    }
    ui.horizontal(|ui| {
        ui.label(format!("Filter: {}", filter.describe()));
        if let Some(data) = state.data() {
            if data.without_figure > 0 {
                let have = if data.without_figure == 1 { "has" } else { "have" };
                ui.label(format!(
                    "· {} {have} no figure in this measure",
                    counted(data.without_figure as usize, "record")
                ));
            }
            if data.ungrouped > 0 {
                let why = if matches!(data.group_by, GroupBy::Year | GroupBy::Quarter) {
                    "no date precise enough for this axis"
                } else {
                    "no value for this grouping"
                };
                ui.label(format!("· {} not drawn ({why})", counted(data.ungrouped as usize, "record")));
            }
        }
    });
    let Some(data) = state.data.clone().filter(|data| !data.groups.is_empty()) else {
        ui.add_space(20.0);
        if state.is_updating() {
            return;
        }
        ui.label("Nothing to draw: no acquisition that passes the filter has a figure in this measure and a value for this grouping.");
        return;
    };
    ui.label(
        egui::RichText::new(
            "Solid: exact · lighter: approximate, then “at least”, then “up to” (faintest). Left out of a bar: records with no number, in another unit or currency, or frameworks whose national orders are counted.",
        )
        .small()
        .weak(),
    );
    if state.stacked {
        ui.label(
            egui::RichText::new(
                "Stacked: each stage is its own figure, drawn on top of the others; the height is not a total.",
            )
            .color(ui.visuals().warn_fg_color),
        );
    }
    // The selected acquisition's bars are outlined.
    let selected = view
        .selection
        .filter(|(collection, _)| *collection == Collection::Acquisitions)
        .and_then(|(_, index)| view.document.dataset.acquisitions.get(index))
        .map(|record| (group_names(&view.document.dataset, record, data.group_by), record.stage));
    plot_ui(&data, selected, state, commands, ui);
}

fn controls_ui(state: &mut PlotsState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        let grouping = GROUPINGS.iter().find(|(g, _)| *g == state.group_by).map_or("", |(_, label)| label);
        let label = ui.label("Group by");
        egui::ComboBox::from_id_salt("plot_group_by")
            .selected_text(grouping)
            .show_ui(ui, |ui| {
                for (group_by, text) in GROUPINGS {
                    ui.selectable_value(&mut state.group_by, group_by, text);
                }
            })
            .response
            .labelled_by(label.id);
        let label = ui.label("Measure");
        let current = state.measure.as_ref().map_or("—".to_owned(), measure_label);
        egui::ComboBox::from_id_salt("plot_measure")
            .selected_text(current)
            .show_ui(ui, |ui| {
                for measure in state.measures.clone() {
                    let text = measure_label(&measure);
                    ui.selectable_value(&mut state.measure, Some(measure), text);
                }
            })
            .response
            .labelled_by(label.id);
        ui.separator();
        ui.radio_value(&mut state.stacked, false, "Side by side");
        ui.radio_value(&mut state.stacked, true, "Stacked");
        ui.separator();
        ui.radio_value(&mut state.log, false, "Linear");
        ui.radio_value(&mut state.log, true, "Log");
        ui.separator();
        if ui.button("Export SVG…").clicked() {
            commands.push(UserCommand::ExportPlotSvg.into());
        }
        if ui.button("Export PNG…").clicked() {
            commands.push(UserCommand::ExportPlotPng.into());
        }
    });
}

fn measure_label(measure: &Measure) -> String {
    match measure {
        Measure::Units(_) => format!("Units: {}", measure.axis_label()),
        Measure::Value(currency) => format!("Value in {currency}"),
    }
}

fn color(stage: Stage, part: Part) -> egui::Color32 {
    let [r, g, b] = stage_rgb(stage);
    egui::Color32::from_rgb(r, g, b).gamma_multiply(part_opacity(part))
}

/// Where a stage's bar sits within its group's slot.
fn bar_geometry(stacked: bool, stages: usize, index: usize) -> (f64, f64) {
    if stacked {
        (0.0, 0.6)
    } else {
        let width = 0.8 / stages.max(1) as f64;
        (-0.4 + (index as f64 + 0.5) * width, width)
    }
}

fn plot_ui(
    data: &Arc<PlotData>,
    selected: Option<(Vec<String>, Stage)>,
    state: &mut PlotsState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    let highlight = ui.visuals().strong_text_color();
    let log = state.log;
    let stacked = state.stacked;
    let groups = data.groups.clone();
    let unit = data.measure.axis_label();
    let time_axis = matches!(data.group_by, GroupBy::Year | GroupBy::Quarter);
    let x_labels = groups.clone();
    let plot = Plot::new("volume_plot")
        .legend(Legend::default().position(Corner::RightTop))
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_boxed_zoom(false)
        .y_axis_label(format!("{unit}{}", if log { " (log scale)" } else { "" }))
        .x_axis_label(GROUPINGS.iter().find(|(g, _)| *g == data.group_by).map_or("", |(_, l)| l))
        .x_grid_spacer(move |input| {
            let (min, max) = input.bounds;
            (min.ceil() as i64..=max.floor() as i64)
                .map(|x| egui_plot::GridMark { value: x as f64, step_size: 1.0 })
                .collect()
        })
        .x_axis_formatter(move |mark, _| {
            let index = mark.value.round();
            if (mark.value - index).abs() > 1e-6 || index < 0.0 {
                return String::new();
            }
            x_labels.get(index as usize).cloned().unwrap_or_default()
        })
        .y_grid_spacer(move |input| {
            if !log {
                return egui_plot::log_grid_spacer(10)(input);
            }
            // Decades only: 1, 10, 100…
            let (min, max) = input.bounds;
            (min.max(0.0).floor() as i64..=max.ceil() as i64)
                .map(|exponent| egui_plot::GridMark { value: exponent as f64, step_size: 1.0 })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let value = if log { 10f64.powf(mark.value) } else { mark.value };
            if value < 0.0 { String::new() } else { format_value(value) }
        })
        .label_formatter(|_| None)
        .include_y(0.0)
        .include_x(-0.6)
        .include_x(groups.len() as f64 - 0.4);
    let stages = data.series.len();
    // The plot fills what is left of the panel: that area, axes included, is what PNG export captures.
    state.plot_rect = Some(ui.available_rect_before_wrap());
    let response = plot.show(ui, |plot_ui| {
        let mut stack_base = vec![0.0; groups.len()];
        for (index, series) in data.series.iter().enumerate() {
            let (offset, width) = bar_geometry(stacked, stages, index);
            let mut base: Vec<f64> = if stacked { stack_base.clone() } else { vec![0.0; groups.len()] };
            for (part_index, part) in Part::ALL.into_iter().enumerate() {
                let mut bars = Vec::new();
                for (group, name) in groups.iter().enumerate() {
                    let value = series.parts[part_index][group];
                    if value <= 0.0 {
                        continue;
                    }
                    let (low, high) = (axis_value(base[group], log), axis_value(base[group] + value, log));
                    let low = if base[group] <= 0.0 { 0.0 } else { low };
                    let text = format!(
                        "{name} · {} · {}: {} {unit}\n{} records counted · {} left out",
                        series.stage.label(),
                        part.label(),
                        format_value(value),
                        series.records[group],
                        series.left_out[group],
                    );
                    let is_selected =
                        selected.as_ref().is_some_and(|(names, stage)| *stage == series.stage && names.contains(name));
                    let stroke = if is_selected {
                        egui::Stroke::new(2.5, highlight)
                    } else {
                        egui::Stroke::new(1.0, color(series.stage, Part::Exact))
                    };
                    bars.push(
                        Bar::new(group as f64 + offset, high - low)
                            .base_offset(low)
                            .width(width)
                            .fill(color(series.stage, part))
                            .stroke(stroke)
                            .name(text),
                    );
                    base[group] += value;
                }
                if !bars.is_empty() {
                    // One legend entry per stage: the parts of a stage share its name.
                    // The chart's colour is the legend's: the stage's; each bar keeps its part's shade.
                    let chart = BarChart::new(series.stage.label(), bars)
                        .color(color(series.stage, Part::Exact))
                        .element_formatter(Box::new(|bar: &Bar, _: &BarChart| bar.name.clone()));
                    plot_ui.bar_chart(chart);
                }
            }
            if stacked {
                stack_base = base;
            }
            if time_axis {
                let cumulative = data.cumulative(series);
                let points: PlotPoints = cumulative
                    .iter()
                    .enumerate()
                    .map(|(group, value)| [group as f64 + offset, axis_value(*value, log)])
                    .collect();
                plot_ui.line(
                    Line::new(format!("{} cumulative (exact + approx.)", series.stage.label()), points)
                        .color(color(series.stage, Part::Exact)),
                );
            }
        }
    });
    state.transform = Some(response.transform);
    if response.response.clicked()
        && let Some(position) = response.response.interact_pointer_pos()
    {
        let point = response.transform.value_from_position(position);
        if let Some((group, stage)) = bar_at(data, stacked, log, point.x, point.y)
            && let Some(&key) = data.keys.get(group)
        {
            commands.push(Message::FilterToBar { group_by: data.group_by, group: key, stage });
        }
    }
}

/// The group and stage of the bar under a point of the plot, if any.
fn bar_at(data: &PlotData, stacked: bool, log: bool, x: f64, y: f64) -> Option<(usize, Stage)> {
    let group = x.round();
    if group < 0.0 || group as usize >= data.groups.len() {
        return None;
    }
    let group = group as usize;
    let stages = data.series.len();
    if stacked {
        let mut base = 0.0;
        for series in &data.series {
            let top = base + series.height(group);
            if y >= axis_value(base, log) && y <= axis_value(top, log) && top > base {
                return Some((group, series.stage));
            }
            base = top;
        }
        return None;
    }
    data.series.iter().enumerate().find_map(|(index, series)| {
        let (offset, width) = bar_geometry(false, stages, index);
        let center = group as f64 + offset;
        let inside = (x - center).abs() <= width / 2.0 && y >= 0.0 && y <= axis_value(series.height(group), log);
        inside.then_some((group, series.stage))
    })
}

/// The filter that shows a bar's records in the tables: the current filter narrowed to the bar's group
/// and stage, matched by the same keys the aggregation grouped by.
pub fn filter_for_bar(
    base: &Filter,
    dataset: &Dataset,
    group_by: GroupBy,
    group: GroupKey,
    stage: Stage,
) -> Option<Filter> {
    let mut filter = base.clone();
    filter.stages = [stage].into();
    match (group_by, group) {
        (GroupBy::Category, GroupKey::Text(symbol)) => filter.categories = [dataset.text(symbol).to_owned()].into(),
        (GroupBy::System, GroupKey::Text(symbol)) => filter.systems = [dataset.text(symbol).to_owned()].into(),
        (GroupBy::Buyer, GroupKey::Text(symbol)) => filter.buyers = [dataset.text(symbol).to_owned()].into(),
        (GroupBy::Recipient, GroupKey::Text(symbol)) => {
            filter.recipients = [dataset.text(symbol).to_owned()].into();
        }
        (GroupBy::Agency, GroupKey::Text(symbol)) => filter.agencies = [dataset.text(symbol).to_owned()].into(),
        (GroupBy::Stage, _) => {}
        (GroupBy::Year, GroupKey::Year(year)) => filter.order_period = Some(OrderPeriod::Year(year)),
        (GroupBy::Quarter, GroupKey::Quarter(year, quarter)) => {
            filter.order_period = Some(OrderPeriod::Quarter(year, quarter));
        }
        _ => return None,
    }
    Some(filter)
}
