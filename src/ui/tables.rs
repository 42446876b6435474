//! Tables of the dataset's collections, one tab each: sort by any column, search, filters, national
//! orders beneath their framework, in-place editing, copying rows as tab-separated text.
//!
//! The rows to show are derived once per change of data, filter, sort or expansion
//! ([`analysis::table::build`]); on large datasets that runs on a worker thread while the previous rows
//! stay on screen. Only the visible rows are laid out.

use std::collections::BTreeSet;

use egui_extras::{Column, TableBuilder};

use crate::analysis::filter::Filter;
use crate::analysis::table::{DisplayRow, Sort, TableModel, build};
use crate::app::AppCommand;
use crate::io::csv::{record_cells, record_from_cells};
use crate::model::{Collection, Confidence, Dataset, FuzzyDate, Stage, Symbol, count_text};

use super::derived::{BACKGROUND_ROWS, Derived};
use super::{MainView, View};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Acquisitions,
    Commitments,
    Events,
    Sources,
    Actors,
}

impl Tab {
    /// The dataset column a table column edits in place, where the cell is a simple value.
    fn editable_column(self, title: &str) -> Option<&'static str> {
        Some(match (self, title) {
            (Tab::Acquisitions, "System") => "system",
            (Tab::Acquisitions, "Category") | (Tab::Commitments, "Category") => "category",
            (Tab::Acquisitions, "Stage") => "stage",
            (Tab::Acquisitions, "Date") | (Tab::Events, "Date") => "date",
            (Tab::Acquisitions, "Delivery") => "delivery",
            (Tab::Acquisitions | Tab::Events, "Confidence") => "confidence",
            (Tab::Commitments | Tab::Events | Tab::Sources, "Title") => "title",
            (Tab::Commitments, "Status") => "status",
            (Tab::Commitments, "Adopted") => "adopted",
            (Tab::Commitments, "Horizon") => "horizon",
            (Tab::Events | Tab::Actors, "Kind") => "kind",
            (Tab::Events, "Location") => "location",
            (Tab::Sources, "Publisher") => "publisher",
            (Tab::Sources, "Published") => "published",
            (Tab::Sources, "Link") => "url",
            (Tab::Actors, "Name") => "name",
            (Tab::Actors, "Notes") => "notes",
            _ => return None,
        })
    }

    pub const ALL: [Tab; 5] = [Tab::Acquisitions, Tab::Commitments, Tab::Events, Tab::Sources, Tab::Actors];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Acquisitions => "Acquisitions",
            Tab::Commitments => "Commitments",
            Tab::Events => "Events",
            Tab::Sources => "Sources",
            Tab::Actors => "Actors",
        }
    }

    pub fn columns(self) -> &'static [(&'static str, f32)] {
        match self {
            Tab::Acquisitions => &[
                ("System", 220.0),
                ("Category", 160.0),
                ("Buyers", 180.0),
                ("Agency", 90.0),
                ("Stage", 90.0),
                ("Quantity", 170.0),
                ("Value", 130.0),
                ("Date", 100.0),
                ("Delivery", 120.0),
                ("Confidence", 80.0),
                ("Sources", 200.0),
            ],
            Tab::Commitments => &[
                ("Title", 320.0),
                ("Kind", 90.0),
                ("Origin", 160.0),
                ("Category", 140.0),
                ("Parties", 160.0),
                ("Status", 90.0),
                ("Adopted", 100.0),
                ("Horizon", 130.0),
                ("Value", 110.0),
                ("Sources", 200.0),
            ],
            Tab::Events => &[
                ("Date", 170.0),
                ("Kind", 100.0),
                ("Title", 380.0),
                ("Location", 140.0),
                ("Confidence", 80.0),
                ("Sources", 200.0),
            ],
            Tab::Sources => {
                &[("Id", 170.0), ("Title", 380.0), ("Publisher", 180.0), ("Published", 100.0), ("Link", 300.0)]
            }
            Tab::Actors => &[("Id", 150.0), ("Name", 320.0), ("Kind", 120.0), ("Notes", 400.0)],
        }
    }

    pub fn of(collection: Collection) -> Tab {
        match collection {
            Collection::Actors => Tab::Actors,
            Collection::Sources => Tab::Sources,
            Collection::Events => Tab::Events,
            Collection::Commitments => Tab::Commitments,
            Collection::Acquisitions => Tab::Acquisitions,
        }
    }

    pub fn collection(self) -> Collection {
        match self {
            Tab::Actors => Collection::Actors,
            Tab::Sources => Collection::Sources,
            Tab::Events => Collection::Events,
            Tab::Commitments => Collection::Commitments,
            Tab::Acquisitions => Collection::Acquisitions,
        }
    }

    pub fn rows(self, dataset: &Dataset) -> usize {
        match self {
            Tab::Acquisitions => dataset.acquisitions.len(),
            Tab::Commitments => dataset.commitments.len(),
            Tab::Events => dataset.events.len(),
            Tab::Sources => dataset.sources.len(),
            Tab::Actors => dataset.actors.len(),
        }
    }
}

/// What the rows were built from; a new key means a rebuild.
#[derive(Clone, Debug, PartialEq)]
struct ModelKey {
    tab: Tab,
    generation: u64,
    filter: Filter,
    sort: Option<Sort>,
    collapsed: BTreeSet<String>,
}

/// A cell being edited in place.
struct CellEdit {
    index: usize,
    column: &'static str,
    text: String,
    error: Option<String>,
}

/// Choices for the filter menus, per data generation.
#[derive(Default)]
struct FilterChoices {
    generation: Option<u64>,
    categories: Vec<String>,
    /// (id, name) of actors that buy, and of agencies.
    buyers: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    /// (id, title) of the events commitments come from.
    origins: Vec<(String, String)>,
}

/// Table state that outlives a frame.
#[derive(Default)]
pub struct TablesState {
    /// The filter of the tables, which the timeline, plots and reports share.
    pub filter: Filter,
    /// Typed dates of the range filter, kept as typed until they parse.
    date_text: (String, String),
    /// Parents whose national orders or actions are hidden, by id.
    pub collapsed: BTreeSet<String>,
    /// Set by the Find command: focus the search field next frame.
    pub focus_search: bool,
    /// Set when the selection changed from elsewhere: scroll it into view next frame.
    pub scroll_to_selection: bool,
    /// Extra rows selected with Ctrl or Shift, for copying.
    pub marked: BTreeSet<usize>,
    model: Derived<ModelKey, TableModel>,
    editing: Option<CellEdit>,
    choices: FilterChoices,
}

impl TablesState {
    /// True while new rows are being built in the background.
    pub fn is_updating(&self) -> bool {
        self.model.is_updating()
    }

    /// The rows as they are on screen (filtered, sorted, nested), for other views and tests.
    pub fn model(&self) -> &TableModel {
        static EMPTY: std::sync::LazyLock<TableModel> = std::sync::LazyLock::new(TableModel::default);
        self.model.value().map_or(&EMPTY, |model| model)
    }

    /// The rows on screen: rebuilt when the key changed, in the background for large data.
    fn refresh(&mut self, view: &View<'_>, ctx: &egui::Context) {
        let tab = view.tab;
        let key = ModelKey {
            tab,
            generation: view.document.generation,
            filter: self.filter.clone(),
            sort: view.settings.sorts.get(tab.label()).cloned(),
            collapsed: self.collapsed.clone(),
        };
        let dataset = view.document.dataset.clone();
        let large = dataset.len(tab.collection()) > BACKGROUND_ROWS;
        self.model.refresh(key, large, ctx, move |key| {
            build(&dataset, key.tab.collection(), &key.filter, key.sort.as_ref(), &key.collapsed)
        });
    }

    fn refresh_choices(&mut self, dataset: &Dataset, generation: u64) {
        if self.choices.generation == Some(generation) {
            return;
        }
        let mut categories: BTreeSet<&str> = dataset.acquisitions.iter().map(|a| dataset.text(a.category)).collect();
        categories.extend(dataset.commitments.iter().filter_map(|c| c.category).map(|c| dataset.text(c)));
        let mut buyer_ids = BTreeSet::new();
        let mut agency_ids = BTreeSet::new();
        for acquisition in dataset.acquisitions.iter() {
            buyer_ids.extend(acquisition.buyers.iter().copied());
            agency_ids.extend(acquisition.agency);
        }
        for commitment in &dataset.commitments {
            buyer_ids.extend(commitment.parties.iter().copied());
        }
        let named = |ids: BTreeSet<Symbol>| {
            let mut named: Vec<(String, String)> =
                ids.into_iter().map(|id| (dataset.text(id).to_owned(), dataset.actor_name(id).to_owned())).collect();
            named.sort_by(|a, b| a.1.cmp(&b.1));
            named
        };
        let origin_ids: BTreeSet<Symbol> = dataset.commitments.iter().filter_map(|c| c.origin).collect();
        let origins = dataset
            .events
            .iter()
            .filter(|e| origin_ids.contains(&e.id))
            .map(|e| (dataset.text(e.id).to_owned(), e.title.clone()))
            .collect();
        self.choices = FilterChoices {
            generation: Some(generation),
            categories: categories.into_iter().map(str::to_owned).collect(),
            buyers: named(buyer_ids),
            agencies: named(agency_ids),
            origins,
        };
    }
}

pub fn tables_ui(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    let dataset = &view.document.dataset;
    state.refresh(view, ui.ctx());
    state.refresh_choices(dataset, view.document.generation);
    ui.horizontal_wrapped(|ui| {
        let search =
            egui::TextEdit::singleline(&mut state.filter.text).hint_text("Search (Ctrl+F)").desired_width(220.0);
        let search = ui.add(search).accessible_name("Search");
        if std::mem::take(&mut state.focus_search) {
            search.request_focus();
        }
        filter_menus_ui(view.tab, state, ui);
        if !state.filter.is_empty() && ui.button("Clear filters").clicked() {
            state.filter = Filter::default();
            state.date_text = Default::default();
        }
    });
    ui.horizontal(|ui| {
        let model = state.model();
        let shown = format!("{} of {}", count_text(model.matched), count_text(model.total));
        ui.label(shown).on_hover_text(format!("Filter: {}", state.filter.describe()));
        if state.model.is_updating() {
            ui.spinner();
            ui.label("Updating…");
        }
        if let Some(error) = state.editing.as_ref().and_then(|e| e.error.as_ref()) {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.separator();
        if ui.button("Add").on_hover_text("Add a record to this table").clicked() {
            commands.push(AppCommand::AddRecord);
        }
    });
    if !state.model().totals.is_empty() {
        totals_ui(state.model(), ui);
    }
    ui.separator();
    keyboard(view, state, commands, ui);
    // Wide tables scroll sideways; the table keeps its own vertical scrolling, so rows stay virtualised.
    egui::ScrollArea::horizontal().id_salt("table_columns").show(ui, |ui| {
        table_ui(view, state, commands, ui);
    });
}

/// The row of views: one tab per collection, then the plots.
pub fn view_tabs_ui(view: &View<'_>, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for candidate in Tab::ALL {
            let label = format!("{} ({})", candidate.label(), count_text(candidate.rows(&view.document.dataset)));
            if ui.selectable_label(view.main == MainView::Tables && candidate == view.tab, label).clicked() {
                commands.push(AppCommand::Show(candidate));
            }
        }
        ui.separator();
        if ui.selectable_label(view.main == MainView::Timeline, "Timeline").clicked() {
            commands.push(AppCommand::ShowTimeline);
        }
        if ui.selectable_label(view.main == MainView::Plots, "Plots").clicked() {
            commands.push(AppCommand::ShowPlots);
        }
    });
}

fn filter_menus_ui(tab: Tab, state: &mut TablesState, ui: &mut egui::Ui) {
    let collection = tab.collection();
    let acquisitions_or_commitments = matches!(collection, Collection::Acquisitions | Collection::Commitments);
    let filter = &mut state.filter;
    let choices = &state.choices;
    if acquisitions_or_commitments {
        let categories: Vec<(String, String)> = choices.categories.iter().map(|c| (c.clone(), c.clone())).collect();
        set_menu_ui("Category", &categories, &mut filter.categories, ui);
    }
    if collection == Collection::Acquisitions {
        let stages: Vec<(Stage, String)> = Stage::ALL.iter().map(|&s| (s, s.label().to_owned())).collect();
        set_menu_ui("Stage", &stages, &mut filter.stages, ui);
        set_menu_ui("Buyer", &choices.buyers, &mut filter.buyers, ui);
        set_menu_ui("Agency", &choices.agencies, &mut filter.agencies, ui);
    }
    if collection == Collection::Commitments {
        set_menu_ui("Party", &choices.buyers, &mut filter.buyers, ui);
    }
    if matches!(collection, Collection::Acquisitions | Collection::Commitments | Collection::Events) {
        set_menu_ui("Origin", &choices.origins, &mut filter.origins, ui);
        let levels: Vec<(Confidence, String)> = Confidence::ALL.iter().map(|&c| (c, c.label().to_owned())).collect();
        set_menu_ui("Confidence", &levels, &mut filter.confidence, ui);
        date_range_ui(state, ui);
    }
}

/// A menu of checkboxes over `options` (value, label); the button says how many are chosen.
fn set_menu_ui<T: Ord + Clone>(title: &str, options: &[(T, String)], chosen: &mut BTreeSet<T>, ui: &mut egui::Ui) {
    let text = if chosen.is_empty() { format!("{title}: all") } else { format!("{title}: {}", chosen.len()) };
    ui.menu_button(text, |ui| {
        if options.is_empty() {
            ui.label("Nothing to choose");
        }
        egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
            for (value, label) in options {
                let mut on = chosen.contains(value);
                if ui.checkbox(&mut on, label).changed() {
                    if on {
                        chosen.insert(value.clone());
                    } else {
                        chosen.remove(value);
                    }
                }
            }
        });
        if !chosen.is_empty() && ui.button("Any").clicked() {
            chosen.clear();
        }
    });
}

fn date_range_ui(state: &mut TablesState, ui: &mut egui::Ui) {
    let (from, to) = &mut state.date_text;
    ui.label("Dates");
    let from_field = ui.add(egui::TextEdit::singleline(from).hint_text("from 2023").desired_width(80.0));
    let from_field = from_field.accessible_name("From date").on_hover_text("A year, a month (2024-01) or a day");
    ui.label("–");
    let to_field = ui.add(egui::TextEdit::singleline(to).hint_text("to 2024-07").desired_width(80.0));
    let to_field = to_field.accessible_name("To date").on_hover_text("A year, a month (2024-07) or a day");
    if from_field.changed() || to_field.changed() {
        // A bound applies once it parses; the range uses the widest reading of each ("2024" to "2024"
        // is the whole year).
        let parse = |text: &str| FuzzyDate::parse(text).ok();
        state.filter.from = parse(from).and_then(|d| d.earliest());
        state.filter.to = parse(to).and_then(|d| d.latest());
    }
}

/// Totals of the shown acquisitions, one line per stage: never added across stages, units or
/// currencies, with ceilings and records without a number apart.
fn totals_ui(model: &TableModel, ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(format!("Totals of the {} acquisitions shown", count_text(model.matched)))
        .id_salt("table_totals")
        .default_open(true)
        .show(ui, |ui| {
            // A large dataset has long totals (every unit and currency at every stage): they scroll
            // within a third of the view, and the table keeps the rest.
            let max_height = (ui.available_height() / 3.0).max(60.0);
            egui::ScrollArea::vertical().id_salt("table_totals_scroll").max_height(max_height).show(ui, |ui| {
                totals_lines(model, ui);
            });
        });
}

/// One line per stage.
fn totals_lines(model: &TableModel, ui: &mut egui::Ui) {
    for row in &model.totals {
        ui.horizontal_wrapped(|ui| {
            let stage = egui::RichText::new(format!("{}:", row.stage.label())).strong();
            ui.label(stage.color(stage_color(row.stage, ui.visuals())));
            let money = row.describe_money();
            let text =
                if money.is_empty() { row.describe_units() } else { format!("{} · {money}", row.describe_units()) };
            ui.add(egui::Label::new(text).wrap());
        });
    }
}

/// F2 edits the selected row, Ctrl+C copies the selected rows; not while a text field has the keys.
fn keyboard(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    if ui.memory(|m| m.focused().is_some()) {
        return;
    }
    let tab = view.tab;
    let Some(index) = view.selection.filter(|(c, _)| *c == tab.collection()).map(|(_, i)| i) else { return };
    if ui.input(|i| i.key_pressed(egui::Key::F2))
        && let Some(column) = tab.columns().iter().find_map(|(title, _)| tab.editable_column(title))
    {
        start_editing(&view.document.dataset, tab, index, column, state);
    }
    let copied = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
    if copied {
        let mut rows: BTreeSet<usize> = state.marked.clone();
        rows.insert(index);
        ui.ctx().copy_text(rows_as_tsv(&view.document.dataset, tab, &rows));
        commands.push(AppCommand::Notify(format!("Copied {} rows as tab-separated text", rows.len())));
    }
}

fn start_editing(dataset: &Dataset, tab: Tab, index: usize, column: &'static str, state: &mut TablesState) {
    let collection = tab.collection();
    let position = crate::io::csv::columns(collection).iter().position(|c| *c == column);
    let text = position.and_then(|p| record_cells(dataset, collection, index).into_iter().nth(p)).unwrap_or_default();
    state.editing = Some(CellEdit { index, column, text, error: None });
}

/// Header and rows as tab-separated text, as a spreadsheet pastes it.
pub fn rows_as_tsv(dataset: &Dataset, tab: Tab, rows: &BTreeSet<usize>) -> String {
    let clean = |cell: &str| cell.replace(['\t', '\n', '\r'], " ");
    let mut lines = vec![tab.columns().iter().map(|(title, _)| *title).collect::<Vec<_>>().join("\t")];
    for &row in rows {
        lines.push(row_cells(dataset, tab, row).iter().map(|cell| clean(cell)).collect::<Vec<_>>().join("\t"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn table_ui(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    let dataset = &view.document.dataset;
    let tab = view.tab;
    let selected = view.selection.filter(|(collection, _)| *collection == tab.collection()).map(|(_, index)| index);
    let columns = tab.columns();
    let sort = view.settings.sorts.get(tab.label()).cloned();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let model = state.model.value().cloned().unwrap_or_default();
    let mut table = TableBuilder::new(ui)
        .id_salt(tab.label())
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .auto_shrink(false);
    if std::mem::take(&mut state.scroll_to_selection)
        && let Some(position) = selected.and_then(|index| model.rows.iter().position(|r| r.index as usize == index))
    {
        table = table.scroll_to_row(position, Some(egui::Align::Center));
    }
    for (_, width) in columns {
        table = table.column(Column::initial(*width).at_least(40.0).clip(true));
    }
    table
        .header(row_height, |mut header| {
            for (title, _) in columns {
                header.col(|ui| {
                    let arrow = match &sort {
                        Some(s) if s.column == *title => {
                            if s.descending {
                                " ⏷"
                            } else {
                                " ⏶"
                            }
                        }
                        _ => "",
                    };
                    let button =
                        egui::Button::new(egui::RichText::new(format!("{title}{arrow}")).strong()).frame(false);
                    let response =
                        ui.add(button).on_hover_text("Sort by this column; again to reverse; a third time to unsort");
                    if response.clicked() {
                        let next = match &sort {
                            Some(s) if s.column == *title && !s.descending => {
                                Some(Sort { column: title.to_string(), descending: true })
                            }
                            Some(s) if s.column == *title => None,
                            _ => Some(Sort { column: title.to_string(), descending: false }),
                        };
                        commands.push(AppCommand::SortBy(tab, next));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, model.rows.len(), |mut row| {
                let display = model.rows[row.index()];
                let index = display.index as usize;
                row.set_selected(selected == Some(index) || state.marked.contains(&index));
                let cells = row_cells(dataset, tab, index);
                for (position, ((title, _), cell)) in columns.iter().zip(cells).enumerate() {
                    row.col(|ui| {
                        cell_ui(dataset, tab, display, position, title, cell, state, commands, ui);
                    });
                }
                let response = row.response();
                if response.clicked() {
                    let modifiers = response.ctx.input(|i| i.modifiers);
                    select(view, &model, index, modifiers, state, commands);
                }
                if response.double_clicked() {
                    let pointer = response.interact_pointer_pos().map_or(0.0, |p| p.x);
                    // The double-clicked column: the first whose right edge is past the pointer.
                    let mut right = response.rect.left();
                    let title = columns.iter().find(|(_, width)| {
                        right += width;
                        pointer <= right
                    });
                    if let Some(column) = title.and_then(|(t, _)| tab.editable_column(t)) {
                        start_editing(dataset, tab, index, column, state);
                    }
                }
                response.context_menu(|ui| {
                    row_menu_ui(view, index, state, commands, ui);
                });
            });
        });
}

#[allow(clippy::too_many_arguments)]
fn cell_ui(
    dataset: &Dataset,
    tab: Tab,
    display: DisplayRow,
    position: usize,
    title: &str,
    cell: String,
    state: &mut TablesState,
    commands: &mut Vec<AppCommand>,
    ui: &mut egui::Ui,
) {
    let index = display.index as usize;
    let editable = tab.editable_column(title);
    if let Some(edit) = state.editing.as_mut().filter(|e| e.index == index && Some(e.column) == editable) {
        let field = ui.add(egui::TextEdit::singleline(&mut edit.text).desired_width(f32::INFINITY));
        let field = field.accessible_name(format!("Edit {title}"));
        field.request_focus();
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            state.editing = None;
        } else if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            commit_edit(dataset, tab, state, commands);
        }
        return;
    }
    if position == 0 && display.depth > 0 {
        ui.add_space(16.0 * f32::from(display.depth));
    }
    if position == 0 && display.children > 0 {
        let id = record_id(dataset, tab, index);
        let collapsed = state.collapsed.contains(&id);
        let (sign, hint) =
            if collapsed { ("+", "Show the records beneath") } else { ("−", "Hide the records beneath") };
        let toggle = ui.add(egui::Button::new(sign).small()).on_hover_text(hint);
        if toggle.clicked() {
            if collapsed {
                state.collapsed.remove(&id);
            } else {
                state.collapsed.insert(id);
            }
        }
    }
    let visuals = ui.visuals();
    let text = match (tab, title) {
        (Tab::Acquisitions, "Stage") => {
            let stage = dataset.acquisitions.get(index).map(|a| a.stage);
            egui::RichText::new(cell).color(stage.map_or(visuals.text_color(), |s| stage_color(s, visuals)))
        }
        (_, "Confidence") => egui::RichText::new(cell.clone()).color(confidence_color(&cell, visuals)),
        _ => egui::RichText::new(cell),
    };
    ui.add(egui::Label::new(text).truncate().selectable(false));
}

fn commit_edit(dataset: &Dataset, tab: Tab, state: &mut TablesState, commands: &mut Vec<AppCommand>) {
    let Some(edit) = state.editing.as_mut() else { return };
    let collection = tab.collection();
    let mut cells = record_cells(dataset, collection, edit.index);
    if let Some(position) = crate::io::csv::columns(collection).iter().position(|c| *c == edit.column) {
        cells[position] = edit.text.trim().to_owned();
    }
    match record_from_cells(collection, &cells) {
        Ok(record) => {
            commands.push(AppCommand::ReplaceRecord {
                index: edit.index,
                record: Box::new(record),
                field: edit.column,
            });
            commands.push(AppCommand::SealUndoStep);
            state.editing = None;
        }
        Err(error) => edit.error = Some(format!("{}: {}", error.column, error.message)),
    }
}

fn select(
    view: &View<'_>,
    model: &TableModel,
    index: usize,
    modifiers: egui::Modifiers,
    state: &mut TablesState,
    commands: &mut Vec<AppCommand>,
) {
    let collection = view.tab.collection();
    let current = view.selection.filter(|(c, _)| *c == collection).map(|(_, i)| i);
    if modifiers.command {
        // Ctrl-click marks or unmarks rows for copying, keeping the current one.
        if !state.marked.remove(&index) && current != Some(index) {
            state.marked.insert(index);
        }
        if let Some(current) = current {
            state.marked.insert(current);
        }
        return;
    }
    if modifiers.shift
        && let Some(current) = current
    {
        let position = |i: usize| model.rows.iter().position(|r| r.index as usize == i);
        if let (Some(a), Some(b)) = (position(current), position(index)) {
            let (from, to) = if a <= b { (a, b) } else { (b, a) };
            state.marked = model.rows[from..=to].iter().map(|r| r.index as usize).collect();
            return;
        }
    }
    state.marked.clear();
    state.editing = None;
    commands.push(AppCommand::Select(collection, index));
}

fn row_menu_ui(
    view: &View<'_>,
    index: usize,
    state: &mut TablesState,
    commands: &mut Vec<AppCommand>,
    ui: &mut egui::Ui,
) {
    let tab = view.tab;
    let dataset = &view.document.dataset;
    if ui.button("Edit in the Record Editor").clicked() {
        commands.push(AppCommand::Select(tab.collection(), index));
        commands.push(AppCommand::ShowEditor);
    }
    if ui.button("Copy").clicked() {
        let mut rows = state.marked.clone();
        rows.insert(index);
        ui.ctx().copy_text(rows_as_tsv(dataset, tab, &rows));
        commands.push(AppCommand::Notify(format!("Copied {} rows as tab-separated text", rows.len())));
    }
    if ui.button("Duplicate").clicked() {
        commands.push(AppCommand::Select(tab.collection(), index));
        commands.push(AppCommand::DuplicateRecord);
    }
    if ui.button("Delete").clicked() {
        commands.push(AppCommand::Select(tab.collection(), index));
        commands.push(AppCommand::DeleteRecord);
    }
    let links: Vec<(String, String)> = source_links(dataset, tab, index);
    if !links.is_empty() {
        ui.separator();
        for (title, url) in links {
            if ui.button(format!("Open source: {title}")).on_hover_text(&url).clicked() {
                ui.ctx().open_url(egui::OpenUrl::new_tab(url));
            }
        }
    }
}

/// The http(s) links of the sources a record cites (or of the source itself); other schemes never open.
fn source_links(dataset: &Dataset, tab: Tab, index: usize) -> Vec<(String, String)> {
    let cited: Vec<Symbol> = match tab {
        Tab::Acquisitions => dataset.acquisitions.get(index).map(|a| a.sources.to_vec()).unwrap_or_default(),
        Tab::Commitments => dataset.commitments.get(index).map(|c| c.provenance.sources.clone()).unwrap_or_default(),
        Tab::Events => dataset.events.get(index).map(|e| e.provenance.sources.clone()).unwrap_or_default(),
        Tab::Sources => dataset.sources.get(index).map(|s| vec![s.id]).unwrap_or_default(),
        Tab::Actors => dataset.actors.get(index).map(|a| a.provenance.sources.clone()).unwrap_or_default(),
    };
    cited
        .iter()
        .filter_map(|&id| dataset.sources.iter().find(|s| s.id == id))
        .filter_map(|s| s.safe_url().map(|url| (s.title.clone(), url.to_owned())))
        .collect()
}

fn record_id(dataset: &Dataset, tab: Tab, index: usize) -> String {
    dataset.record(tab.collection(), index).map(|r| dataset.text(r.id()).to_owned()).unwrap_or_default()
}

/// Stages at a glance, in the same colours as the plots and exports; lightened on a dark background.
pub fn stage_color(stage: Stage, visuals: &egui::Visuals) -> egui::Color32 {
    let [r, g, b] = crate::report::svg::stage_rgb(stage);
    let color = egui::Color32::from_rgb(r, g, b);
    if visuals.dark_mode { color.lerp_to_gamma(egui::Color32::WHITE, 0.35) } else { color }
}

fn confidence_color(label: &str, visuals: &egui::Visuals) -> egui::Color32 {
    match label {
        "high" => stage_color(Stage::Delivered, visuals),
        "medium" => visuals.warn_fg_color,
        "low" => visuals.error_fg_color,
        _ => visuals.text_color(),
    }
}

/// The text of each cell of one row, as the source put it.
fn row_cells(dataset: &Dataset, tab: Tab, index: usize) -> Vec<String> {
    let names = |ids: &[Symbol]| ids.iter().map(|&id| dataset.actor_name(id)).collect::<Vec<_>>().join(", ");
    let ids = |ids: &[Symbol]| ids.iter().map(|&id| dataset.text(id)).collect::<Vec<_>>().join(", ");
    let date = |date: Option<FuzzyDate>| date.map(|d| d.human()).unwrap_or_default();
    match tab {
        Tab::Acquisitions => {
            let Some(r) = dataset.acquisitions.get(index) else { return Vec::new() };
            vec![
                dataset.text(r.system).to_owned(),
                dataset.text(r.category).to_owned(),
                names(&r.buyers),
                r.agency.map(|a| dataset.actor_name(a).to_owned()).unwrap_or_default(),
                r.stage.label().to_owned(),
                r.quantity.as_ref().map(|q| q.display(dataset.text_or_empty(q.unit))).unwrap_or_default(),
                r.value.map(|v| v.display()).unwrap_or_default(),
                date(r.date),
                date(r.delivery),
                r.confidence.label().to_owned(),
                ids(&r.sources),
            ]
        }
        Tab::Commitments => {
            let Some(r) = dataset.commitments.get(index) else { return Vec::new() };
            let origin = r
                .origin
                .and_then(|id| dataset.events.iter().find(|e| e.id == id))
                .map(|e| e.title.clone())
                .unwrap_or_default();
            vec![
                r.title.clone(),
                r.kind.label().to_owned(),
                origin,
                dataset.text_or_empty(r.category).to_owned(),
                names(&r.parties),
                r.status.label().to_owned(),
                date(r.adopted),
                date(r.horizon),
                r.value.map(|v| v.display()).unwrap_or_default(),
                ids(&r.provenance.sources),
            ]
        }
        Tab::Events => {
            let Some(r) = dataset.events.get(index) else { return Vec::new() };
            vec![
                r.date.human(),
                r.kind.label().to_owned(),
                r.title.clone(),
                r.location.clone(),
                r.provenance.confidence.label().to_owned(),
                ids(&r.provenance.sources),
            ]
        }
        Tab::Sources => {
            let Some(r) = dataset.sources.get(index) else { return Vec::new() };
            vec![dataset.text(r.id).to_owned(), r.title.clone(), r.publisher.clone(), date(r.published), r.url.clone()]
        }
        Tab::Actors => {
            let Some(r) = dataset.actors.get(index) else { return Vec::new() };
            vec![dataset.text(r.id).to_owned(), r.name.clone(), r.kind.label().to_owned(), r.provenance.notes.clone()]
        }
    }
}
