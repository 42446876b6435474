//! The progress view: for each commitment (or buyer, recipient, system), the target, what was announced,
//! what is under contract and what has been delivered to date, as four bars that are never stacked; each
//! bar shows firm figures solid and ceilings ("up to") as an outline, and opens its records in the tables
//! when clicked. The row chosen is charted over time: cumulative ordered and delivered against the target.
//! The figures are derived once per change of data, filter or grouping, on a worker for large datasets.

use std::sync::Arc;

use crate::analysis::filter::{Filter, filtered};
use crate::analysis::progress::{CONTRACTED, OverTime, Progress, ProgressBy, ProgressRow, over_time, progress};
use crate::analysis::volumes::{GroupKey, QuantityTally};
use crate::context::Message;
use crate::model::{Collection, Dataset, Delivered, Stage, count_text, group_thousands};

use super::View;
use super::derived::{BACKGROUND_ROWS, Derived};
use super::tables::stage_color;

/// What the figures are derived from: the data generation, the filter and the grouping.
type ProgressKey = (u64, Filter, ProgressBy);

/// The figures and the rows of the filter they came from (for the chart over time).
pub struct ProgressData {
    pub progress: Progress,
    rows: Arc<Vec<u32>>,
}

/// A row of the view: its group and unit.
type Chosen = (GroupKey, String);

pub struct ProgressState {
    pub by: ProgressBy,
    /// True once the user chose what progress is shown for; until then a dataset whose acquisitions
    /// serve no commitment is shown per buyer.
    by_chosen: bool,
    data: Derived<ProgressKey, ProgressData>,
    /// The row charted over time.
    pub chosen: Option<Chosen>,
    over_time: Derived<(ProgressKey, Chosen), OverTime>,
    /// Where each bar was drawn last frame, for tests: (row, bar label, centre).
    bar_positions: Vec<(usize, &'static str, egui::Pos2)>,
}

impl Default for ProgressState {
    fn default() -> Self {
        ProgressState {
            by: ProgressBy::Commitment,
            by_chosen: false,
            data: Derived::default(),
            chosen: None,
            over_time: Derived::default(),
            bar_positions: Vec::new(),
        }
    }
}

impl ProgressState {
    fn refresh(&mut self, dataset: &Arc<Dataset>, generation: u64, filter: &Filter, ctx: &egui::Context) {
        let key = (generation, filter.clone(), self.by);
        let large = dataset.acquisitions.len() > BACKGROUND_ROWS;
        let shared = dataset.clone();
        self.data.refresh(key.clone(), large, ctx, move |(_, filter, by)| {
            let rows = filtered(&shared, Collection::Acquisitions, filter);
            ProgressData { progress: progress(&shared, Some(&rows), *by), rows: Arc::new(rows) }
        });
        let (Some(chosen), Some(data), Some(data_key)) = (&self.chosen, self.data.value(), self.data.key()) else {
            return;
        };
        let rows = Arc::clone(&data.rows);
        let shared = dataset.clone();
        let over_time_key = (data_key.clone(), chosen.clone());
        self.over_time.refresh(over_time_key, large, ctx, move |((_, _, by), (group, unit))| {
            over_time(&shared, &rows, *by, *group, unit)
        });
    }

    /// The figures on screen, for reports and tests.
    pub fn progress(&self) -> Option<&Progress> {
        self.data.value().map(|data| &data.progress)
    }

    pub fn is_updating(&self) -> bool {
        self.data.is_updating()
    }

    /// Lets go of the figures of a dataset no longer open (and of any being computed), and of the row
    /// charted, which was one of its rows; keeps what progress is shown for.
    pub fn forget_data(&mut self) {
        self.data = Default::default();
        self.over_time = Default::default();
        self.chosen = None;
        self.bar_positions.clear();
    }

    /// Where a bar ("Target", "Announced", "Contracted", "Delivered") of a row was drawn last frame.
    pub fn bar_position(&self, row: usize, bar: &str) -> Option<egui::Pos2> {
        self.bar_positions.iter().find(|(r, b, _)| *r == row && *b == bar).map(|(_, _, at)| *at)
    }
}

/// The filter that shows a bar's records: the current one narrowed to the row's group and the bar's stages.
pub fn filter_for_bar(
    base: &Filter,
    dataset: &Dataset,
    by: ProgressBy,
    group: GroupKey,
    stages: &[Stage],
) -> Option<Filter> {
    let GroupKey::Text(symbol) = group else { return None };
    let id = dataset.text(symbol).to_owned();
    let mut filter = base.clone();
    filter.stages = stages.iter().copied().collect();
    match by {
        ProgressBy::Commitment => filter.commitments = [id].into(),
        ProgressBy::Buyer => filter.buyers = [id].into(),
        ProgressBy::Recipient => filter.recipients = [id].into(),
        ProgressBy::System => filter.systems = [id].into(),
    }
    Some(filter)
}

const ROW_HEIGHT: f32 = 104.0;
const BAR_HEIGHT: f32 = 16.0;
const LABEL_WIDTH: f32 = 96.0;

pub fn progress_ui(
    view: &View<'_>,
    filter: &Filter,
    state: &mut ProgressState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    state.refresh(&view.document.dataset, view.document.generation, filter, ui.ctx());
    ui.horizontal(|ui| {
        let label = ui.label("Progress of each");
        let combo = egui::ComboBox::from_id_salt("progress_by").selected_text(state.by.label()).show_ui(ui, |ui| {
            for by in ProgressBy::ALL {
                if ui.selectable_value(&mut state.by, by, by.label()).changed() {
                    state.chosen = None;
                    state.by_chosen = true;
                }
            }
        });
        combo.response.labelled_by(label.id);
        ui.label(format!("Filter: {}", filter.describe()));
        if state.is_updating() {
            ui.spinner();
            ui.label("Updating the figures…");
        }
    });
    ui.label(
        "Target: planned. Announced. Contracted: every order under contract, delivering or delivered included, \
         each once. Delivered: what their deliveries add up to. Bars are never added together: solid is exact, \
         lighter approximate and \"at least\", an outline beyond them \"up to\" ceilings.",
    );
    let Some(data) = state.data.value().cloned() else {
        ui.spinner();
        return;
    };
    let rows = &data.progress.rows;
    let current = state.data.key().is_some_and(|(_, _, by)| *by == state.by);
    if rows.is_empty() && current && state.by == ProgressBy::Commitment && !state.by_chosen {
        state.by = ProgressBy::Buyer;
        ui.ctx().request_repaint();
        return;
    }
    if rows.is_empty() {
        let hint = match state.by {
            ProgressBy::Commitment => {
                "No acquisition shown serves a commitment: choose Buyer, Recipient or System above, or link orders \
                 to commitments in the record editor."
            }
            _ => "No acquisitions are shown: change the filter.",
        };
        ui.label(hint);
        return;
    }
    ui.separator();
    let chart_height = if state.chosen.is_some() { (ui.available_height() * 0.4).max(160.0) } else { 0.0 };
    state.bar_positions.clear();
    let list_height = ui.available_height() - chart_height;
    egui::ScrollArea::vertical().id_salt("progress_rows").max_height(list_height).auto_shrink(false).show_rows(
        ui,
        ROW_HEIGHT,
        rows.len(),
        |ui, range| {
            for index in range {
                row_ui(index, &rows[index], state, commands, ui);
            }
        },
    );
    if let Some(chosen) = state.chosen.clone() {
        let row = rows.iter().find(|row| row.key == chosen.0 && row.unit == chosen.1);
        match (row, state.over_time.value()) {
            (Some(row), Some(over_time)) if state.over_time.key().is_some_and(|(_, c)| *c == chosen) => {
                chart_ui(row, over_time, ui);
            }
            (Some(_), _) => {
                ui.spinner();
            }
            (None, _) => state.chosen = None,
        }
    }
}

fn row_ui(index: usize, row: &ProgressRow, state: &mut ProgressState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let unit = if row.unit.is_empty() { "(no unit)" } else { row.unit.as_str() };
    let chosen = state.chosen.as_ref().is_some_and(|(key, u)| *key == row.key && *u == row.unit);
    ui.allocate_ui(egui::vec2(ui.available_width(), ROW_HEIGHT), |ui| {
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                let records = if row.records == 1 { "record" } else { "records" };
                let title = format!("{} · {unit} · {} {records}", row.group, count_text(row.records as usize));
                let response = ui.selectable_label(chosen, egui::RichText::new(title).strong());
                if response.on_hover_text("Chart it over time").clicked() {
                    state.chosen = if chosen { None } else { Some((row.key, row.unit.clone())) };
                }
            });
            let scale = [row.target.reach(), row.announced.reach(), row.contracted.reach(), row.delivered.reach()]
                .into_iter()
                .max()
                .unwrap_or(0)
                .max(1) as f32;
            let bars: [(&'static str, Stage, Figures, Vec<Stage>); 4] = [
                ("Target", Stage::Planned, Figures::of(&row.target), vec![Stage::Planned]),
                ("Announced", Stage::Announced, Figures::of(&row.announced), vec![Stage::Announced]),
                ("Contracted", Stage::Contracted, Figures::of(&row.contracted), CONTRACTED.to_vec()),
                ("Delivered", Stage::Delivered, Figures::delivered(&row.delivered), CONTRACTED.to_vec()),
            ];
            for (label, stage, figures, stages) in bars {
                let response = bar_ui(label, stage, &figures, scale, ui);
                let response = response.on_hover_text("Show these records in the tables");
                state.bar_positions.push((index, label, response.rect.center()));
                if response.clicked() {
                    commands.push(Message::FilterToProgress { by: state.by, group: row.key, stages });
                }
            }
        });
    });
}

/// A bar's figures: exact (solid), approximate and "at least" (lighter), "up to" (an outline), and the
/// words beside it.
struct Figures {
    exact: u64,
    soft: u64,
    ceiling: u64,
    text: String,
}

impl Figures {
    fn of(tally: &QuantityTally) -> Figures {
        let text = if tally.counted == 0 && tally.unknown == 0 && tally.frameworks == 0 {
            "none".to_owned()
        } else {
            tally.describe()
        };
        Figures { exact: tally.exact, soft: tally.approximate + tally.at_least, ceiling: tally.up_to, text }
    }

    fn delivered(delivered: &Delivered) -> Figures {
        Figures {
            exact: delivered.exact,
            soft: delivered.approximate + delivered.at_least,
            ceiling: delivered.up_to,
            text: delivered.describe(),
        }
    }
}

fn bar_ui(label: &str, stage: Stage, figures: &Figures, scale: f32, ui: &mut egui::Ui) -> egui::Response {
    let width = (ui.available_width() - LABEL_WIDTH - 260.0).max(80.0);
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), BAR_HEIGHT + 4.0), egui::Sense::click());
    let accessible = format!("{label}: {}", figures.text);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &accessible));
    if !ui.is_rect_visible(rect) {
        return response;
    }
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let text_color = if response.hovered() { visuals.strong_text_color() } else { visuals.text_color() };
    let font = egui::FontId::proportional(13.0);
    painter.text(rect.left_center(), egui::Align2::LEFT_CENTER, label, font.clone(), text_color);
    let left = rect.left() + LABEL_WIDTH;
    let top = rect.top() + 2.0;
    let color = stage_color(stage, visuals);
    let exact = width * figures.exact as f32 / scale;
    let soft = width * figures.soft as f32 / scale;
    let solid = exact + soft;
    let ceiling = width * figures.ceiling as f32 / scale;
    painter.rect_filled(egui::Rect::from_min_size(egui::pos2(left, top), egui::vec2(exact, BAR_HEIGHT)), 2.0, color);
    if soft > 0.0 {
        let lighter = egui::Rect::from_min_size(egui::pos2(left + exact, top), egui::vec2(soft, BAR_HEIGHT));
        painter.rect_filled(lighter, 2.0, color.gamma_multiply(0.45));
    }
    if ceiling > 0.0 {
        let outline = egui::Rect::from_min_size(egui::pos2(left + solid, top), egui::vec2(ceiling, BAR_HEIGHT));
        painter.rect_stroke(outline, 2.0, egui::Stroke::new(1.5, color), egui::StrokeKind::Inside);
    }
    let text_at = egui::pos2(left + solid + ceiling + 8.0, rect.center().y);
    painter.text(text_at, egui::Align2::LEFT_CENTER, figures.text.replace('\n', "; "), font, text_color);
    response
}

/// Cumulative ordered and delivered over the years, the target as a line across.
fn chart_ui(row: &ProgressRow, over_time: &OverTime, ui: &mut egui::Ui) {
    use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};
    let unit = if row.unit.is_empty() { "(no unit)" } else { row.unit.as_str() };
    ui.separator();
    let mut caption = format!("{} · {unit}: cumulative under contract (by order date) and delivered", row.group);
    if over_time.undated > 0 {
        caption.push_str(&format!("; {} without a date left out", count_text(over_time.undated as usize)));
    }
    ui.label(caption);
    let points = |series: &[(i16, u64)]| -> PlotPoints<'static> {
        series.iter().map(|&(year, count)| [f64::from(year), count as f64]).collect()
    };
    let target = row.target.exact + row.target.approximate + row.target.at_least;
    let visuals = ui.visuals().clone();
    let color = |stage: Stage| stage_color(stage, &visuals);
    Plot::new("progress_over_time")
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_formatter(|mark, _| format!("{}", mark.value.round() as i64))
        .y_axis_formatter(|mark, _| group_thousands(mark.value, 0))
        .show(ui, |plot| {
            if target > 0 {
                plot.hline(
                    HLine::new(format!("Target ({})", group_thousands(target as f64, 0)), target as f64)
                        .color(color(Stage::Planned)),
                );
            }
            plot.line(Line::new("Under contract", points(&over_time.ordered)).color(color(Stage::Contracted)));
            plot.line(Line::new("Delivered", points(&over_time.delivered)).color(color(Stage::Delivered)));
        });
}
