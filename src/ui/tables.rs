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
use crate::compare::merge::RecordMark;
use crate::context::{Message, UserCommand};
use crate::model::countries::Alliance;
use crate::model::fields::{self, Spec};
use crate::model::{Collection, Confidence, Dataset, FuzzyDate, Stage, Symbol, SymbolSet, count_text};

use super::derived::{BACKGROUND_ROWS, Derived};
use super::{MainView, View};

/// What the rows were built from; a new key means a rebuild.
#[derive(Clone, Debug, PartialEq)]
struct ModelKey {
    collection: Collection,
    generation: u64,
    filter: Filter,
    sort: Option<Sort>,
    collapsed: BTreeSet<String>,
}

/// A cell being edited in place.
struct CellEdit {
    index: usize,
    /// The field's key.
    column: &'static str,
    text: String,
    error: Option<String>,
}

/// Choices for the filter menus, per data generation (built in the background for large data: reading
/// every record, it would hold up the frame after each edit).
#[derive(Default)]
struct FilterChoices {
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
    /// Typed dates of the range filter, kept as typed until they parse.
    date_text: (String, String),
    /// The typed date the alliance filter is as of, kept as typed until it parses.
    members_date_text: String,
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
    choices: Derived<u64, FilterChoices>,
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
    fn refresh(&mut self, view: &View<'_>, filter: &Filter, ctx: &egui::Context) {
        let collection = view.tab;
        let key = ModelKey {
            collection,
            generation: view.document.generation,
            filter: filter.clone(),
            sort: view.settings.sorts.get(collection.key()).cloned(),
            collapsed: self.collapsed.clone(),
        };
        let dataset = view.document.dataset.clone();
        let large = dataset.len(collection) > BACKGROUND_ROWS;
        // An edit of one record moves its row in place; anything else is built anew.
        let follow = |old: &ModelKey, new: &ModelKey, model: &mut TableModel| {
            let same_view = ModelKey { generation: old.generation, ..new.clone() } == *old;
            same_view
                && view.document.changes_since(old.generation).is_some_and(|changes| {
                    model.update(&view.document.dataset, new.collection, &new.filter, new.sort.as_ref(), &changes)
                })
        };
        self.model.refresh_or_update(key, large, ctx, follow, move |key| {
            build(&dataset, key.collection, &key.filter, key.sort.as_ref(), &key.collapsed)
        });
    }

    fn refresh_choices(&mut self, view: &View<'_>, ctx: &egui::Context) {
        let dataset = view.document.dataset.clone();
        let large = dataset.acquisitions.len() > BACKGROUND_ROWS;
        self.choices.refresh(view.document.generation, large, ctx, move |_| FilterChoices::of(&dataset));
    }
}

impl FilterChoices {
    fn of(dataset: &Dataset) -> FilterChoices {
        // A bit per string of the pool, marked one value at a time: collecting a million values into a set
        // first gathers and sorts them all (64 MB and a sort of a million strings at each edit of a 1M
        // dataset), and a tree set took a third of the time the table's rows did as a 1M file opened.
        let mut category_ids = SymbolSet::for_strings(&dataset.strings);
        let mut buyer_ids = SymbolSet::for_strings(&dataset.strings);
        let mut agency_ids = SymbolSet::for_strings(&dataset.strings);
        for acquisition in dataset.acquisitions.iter() {
            category_ids.insert(acquisition.category);
            acquisition.buyers.iter().for_each(|&buyer| buyer_ids.insert(buyer));
            acquisition.agency.into_iter().for_each(|agency| agency_ids.insert(agency));
        }
        dataset.commitments.iter().filter_map(|c| c.category).for_each(|category| category_ids.insert(category));
        let categories: BTreeSet<&str> = category_ids.iter().map(|id| dataset.text(id)).collect();
        for commitment in &dataset.commitments {
            commitment.parties.iter().for_each(|&party| buyer_ids.insert(party));
        }
        let named = |ids: SymbolSet| {
            let mut named: Vec<(String, String)> =
                ids.iter().map(|id| (dataset.text(id).to_owned(), dataset.actor_name(id).to_owned())).collect();
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
        FilterChoices {
            categories: categories.into_iter().map(str::to_owned).collect(),
            buyers: named(buyer_ids),
            agencies: named(agency_ids),
            origins,
        }
    }
}

/// The table of `view.tab`. `filter` is the filter of the tables, which the timeline, plots and reports
/// share: the filter menus and the search field edit it here.
pub fn tables_ui(
    view: &View<'_>,
    filter: &mut Filter,
    state: &mut TablesState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    state.refresh(view, filter, ui.ctx());
    state.refresh_choices(view, ui.ctx());
    ui.horizontal_wrapped(|ui| {
        let search = egui::TextEdit::singleline(&mut filter.text).hint_text("Search (Ctrl+F)").desired_width(220.0);
        let search = ui.add(search).accessible_name("Search");
        if std::mem::take(&mut state.focus_search) {
            search.request_focus();
        }
        filter_menus_ui(view.tab, filter, state, ui);
        if !filter.is_empty() && ui.button("Clear filters").clicked() {
            *filter = Filter::default();
            state.date_text = Default::default();
            state.members_date_text.clear();
        }
    });
    ui.horizontal(|ui| {
        let model = state.model();
        let shown = format!("{} of {}", count_text(model.matched), count_text(model.total));
        ui.label(shown).on_hover_text(format!("Filter: {}", filter.describe()));
        if state.model.is_updating() {
            ui.spinner();
            ui.label("Updating…");
        }
        if let Some(error) = state.editing.as_ref().and_then(|e| e.error.as_ref()) {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        ui.separator();
        if ui.button("Add").on_hover_text("Add a record to this table").clicked() {
            commands.push(UserCommand::AddRecord.into());
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

/// The row of views: one tab per collection, then the timeline, the plots and the progress view.
pub fn view_tabs_ui(view: &View<'_>, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for candidate in Collection::IN_VIEW_ORDER {
            let label = format!("{} ({})", candidate.label(), count_text(view.document.dataset.len(candidate)));
            if ui.selectable_label(view.main == MainView::Tables && candidate == view.tab, label).clicked() {
                commands.push(UserCommand::show(candidate).into());
            }
        }
        ui.separator();
        if ui.selectable_label(view.main == MainView::Timeline, "Timeline").clicked() {
            commands.push(UserCommand::ShowTimeline.into());
        }
        if ui.selectable_label(view.main == MainView::Plots, "Plots").clicked() {
            commands.push(UserCommand::ShowPlots.into());
        }
        if ui.selectable_label(view.main == MainView::Progress, "Progress").clicked() {
            commands.push(UserCommand::ShowProgress.into());
        }
        if view.comparing && ui.selectable_label(view.main == MainView::Changes, "Changes").clicked() {
            commands.push(UserCommand::ShowChanges.into());
        }
    });
}

fn filter_menus_ui(collection: Collection, filter: &mut Filter, state: &mut TablesState, ui: &mut egui::Ui) {
    let acquisitions_or_commitments = matches!(collection, Collection::Acquisitions | Collection::Commitments);
    let none = FilterChoices::default();
    let choices = state.choices.value().map_or(&none, |choices| &**choices);
    if acquisitions_or_commitments {
        let categories: Vec<(String, String)> = choices.categories.iter().map(|c| (c.clone(), c.clone())).collect();
        set_menu_ui("Category", &categories, &mut filter.categories, ui);
    }
    if collection == Collection::Acquisitions {
        let stages: Vec<(Stage, String)> = Stage::ALL.iter().map(|&s| (s, s.label().to_owned())).collect();
        set_menu_ui("Stage", &stages, &mut filter.stages, ui);
        set_menu_ui("Buyer", &choices.buyers, &mut filter.buyers, ui);
        members_menu_ui(filter, &mut state.members_date_text, ui);
        set_menu_ui("Agency", &choices.agencies, &mut filter.agencies, ui);
    }
    if collection == Collection::Commitments {
        set_menu_ui("Party", &choices.buyers, &mut filter.buyers, ui);
        members_menu_ui(filter, &mut state.members_date_text, ui);
    }
    if matches!(collection, Collection::Acquisitions | Collection::Commitments | Collection::Events) {
        set_menu_ui("Origin", &choices.origins, &mut filter.origins, ui);
        let levels: Vec<(Confidence, String)> = Confidence::ALL.iter().map(|&c| (c, c.label().to_owned())).collect();
        set_menu_ui("Confidence", &levels, &mut filter.confidence, ui);
        date_range_ui(filter, state, ui);
    }
}

/// Buyers (or parties) that were members of NATO or the EU on a date: today unless one is typed.
fn members_menu_ui(filter: &mut Filter, date_text: &mut String, ui: &mut egui::Ui) {
    let text = match filter.members_of.len() {
        0 => "Members: any".to_owned(),
        _ => format!("Members: {}", filter.members_of.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")),
    };
    ui.menu_button(text, |ui| {
        for alliance in Alliance::ALL {
            let mut on = filter.members_of.contains(&alliance);
            if ui.checkbox(&mut on, alliance.label()).changed() {
                if on {
                    filter.members_of.insert(alliance);
                } else {
                    filter.members_of.remove(&alliance);
                }
            }
        }
        ui.horizontal(|ui| {
            let label = ui.label("as of");
            let field = egui::TextEdit::singleline(date_text).hint_text("today").desired_width(90.0);
            let field = ui.add(field).labelled_by(label.id).on_hover_text("A day, a month or a year: 2023-07-11");
            if field.changed() {
                // The end of a month or year typed: members by then.
                filter.members_on = FuzzyDate::parse(date_text).ok().and_then(|date| date.latest());
            }
        });
    });
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

fn date_range_ui(filter: &mut Filter, state: &mut TablesState, ui: &mut egui::Ui) {
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
        filter.from = parse(from).and_then(|d| d.earliest());
        filter.to = parse(to).and_then(|d| d.latest());
    }
}

/// Totals of the shown acquisitions, a row per stage: never added across stages, units or
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

/// A row per stage, a column per unit and currency, delivered beside ordered.
fn totals_lines(model: &TableModel, ui: &mut egui::Ui) {
    let grid = &model.totals_grid;
    egui::ScrollArea::horizontal().id_salt("table_totals_wide").show(ui, |ui| {
        egui::Grid::new("table_totals_grid").striped(true).spacing([16.0, 4.0]).show(ui, |ui| {
            ui.strong("Stage");
            for column in &grid.columns {
                ui.strong(column);
            }
            ui.end_row();
            for (stage, cells) in &grid.rows {
                let stage_text = egui::RichText::new(stage.label()).strong();
                ui.label(stage_text.color(stage_color(*stage, ui.visuals())));
                for cell in cells {
                    ui.label(cell);
                }
                ui.end_row();
            }
        });
    });
}

/// F2 edits the selected row, Ctrl+C copies the selected rows; not while a text field has the keys.
fn keyboard(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    if ui.memory(|m| m.focused().is_some()) {
        return;
    }
    let collection = view.tab;
    let Some(index) = view.selection.filter(|(c, _)| *c == collection).map(|(_, i)| i) else { return };
    if ui.input(|i| i.key_pressed(egui::Key::F2))
        && let Some(column) = fields::columns(collection).into_iter().find(|spec| spec.cell_edit)
    {
        start_editing(&view.document.dataset, collection, index, column.key, state);
    }
    let copied = ui.input(|i| i.events.iter().any(|e| matches!(e, egui::Event::Copy)));
    if copied {
        let mut rows: BTreeSet<usize> = state.marked.clone();
        rows.insert(index);
        ui.ctx().copy_text(rows_as_tsv(&view.document.dataset, collection, &rows));
        commands.push(Message::Notify(format!("Copied {} rows as tab-separated text", rows.len())));
    }
}

fn start_editing(
    dataset: &Dataset,
    collection: Collection,
    index: usize,
    column: &'static str,
    state: &mut TablesState,
) {
    let text = fields::text(dataset, collection, index, column);
    state.editing = Some(CellEdit { index, column, text, error: None });
}

/// Header and rows as tab-separated text, as a spreadsheet pastes it.
pub fn rows_as_tsv(dataset: &Dataset, collection: Collection, rows: &BTreeSet<usize>) -> String {
    let clean = |cell: &str| cell.replace(['\t', '\n', '\r'], " ");
    let columns = fields::columns(collection);
    let mut lines = vec![columns.iter().map(|spec| spec.label).collect::<Vec<_>>().join("\t")];
    for &row in rows {
        let cells = fields::shown_row(dataset, collection, row, &columns);
        lines.push(cells.iter().map(|cell| clean(cell)).collect::<Vec<_>>().join("\t"));
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

fn table_ui(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let dataset = &view.document.dataset;
    let collection = view.tab;
    let selected = view.selection.filter(|(c, _)| *c == collection).map(|(_, index)| index);
    let columns = fields::columns(collection);
    let sort = view.settings.sorts.get(collection.key()).cloned();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let model = state.model.value().cloned().unwrap_or_default();
    // Column widths are remembered per table by egui under this id: named by the collection and its
    // fields' keys, so that a table whose fields change starts afresh rather than with shifted widths.
    let keys: Vec<&str> = columns.iter().map(|spec| spec.key).collect();
    let mut table = TableBuilder::new(ui)
        .id_salt((collection.key(), keys))
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
    for spec in &columns {
        table = table.column(Column::initial(spec.column.unwrap_or(120.0)).at_least(40.0).clip(true));
    }
    table
        .header(row_height, |mut header| {
            for spec in &columns {
                header.col(|ui| {
                    let arrow = match &sort {
                        Some(s) if s.column == spec.key => {
                            if s.descending {
                                " ⏷"
                            } else {
                                " ⏶"
                            }
                        }
                        _ => "",
                    };
                    let button =
                        egui::Button::new(egui::RichText::new(format!("{}{arrow}", spec.label)).strong()).frame(false);
                    let response =
                        ui.add(button).on_hover_text("Sort by this column; again to reverse; a third time to unsort");
                    if response.clicked() {
                        let next = match &sort {
                            Some(s) if s.column == spec.key && !s.descending => {
                                Some(Sort { column: spec.key.to_owned(), descending: true })
                            }
                            Some(s) if s.column == spec.key => None,
                            _ => Some(Sort { column: spec.key.to_owned(), descending: false }),
                        };
                        commands.push(Message::SortBy(collection, next));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, model.rows.len(), |mut row| {
                let display = model.rows[row.index()];
                let index = display.index as usize;
                row.set_selected(selected == Some(index) || state.marked.contains(&index));
                let cells = fields::shown_row(dataset, collection, index, &columns);
                let mark = view.compared.as_ref().and_then(|compared| compared.marks.get(&(collection, index)));
                // Where each cell starts on screen, as the user resized the columns, to find the column of
                // a double-click.
                let mut lefts = Vec::with_capacity(columns.len());
                for (position, (spec, cell)) in columns.iter().zip(cells).enumerate() {
                    let (rect, _) = row.col(|ui| {
                        cell_ui(dataset, collection, display, position, spec, cell, mark, state, commands, ui);
                    });
                    lefts.push(rect.left());
                }
                let response = row.response();
                if response.clicked() {
                    let modifiers = response.ctx.input(|i| i.modifiers);
                    select(view, &model, index, modifiers, state, commands);
                }

                if response.double_clicked() {
                    let pointer = response.interact_pointer_pos().map_or(0.0, |p| p.x);
                    let column = lefts.iter().rposition(|&left| left <= pointer).map(|position| columns[position]);
                    if let Some(spec) = column.filter(|spec| spec.cell_edit) {
                        start_editing(dataset, collection, index, spec.key, state);
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
    collection: Collection,
    display: DisplayRow,
    position: usize,
    spec: &Spec,
    cell: String,
    mark: Option<&RecordMark>,
    state: &mut TablesState,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    let index = display.index as usize;
    if let Some(edit) = state.editing.as_mut().filter(|e| e.index == index && e.column == spec.key) {
        let field = ui.add(egui::TextEdit::singleline(&mut edit.text).desired_width(f32::INFINITY));
        let field = field.accessible_name(format!("Edit {}", spec.label));
        field.request_focus();
        if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
            state.editing = None;
        } else if ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            commit_edit(dataset, collection, state, commands);
        }
        return;
    }
    if position == 0 && display.depth > 0 {
        ui.add_space(16.0 * f32::from(display.depth));
    }
    if position == 0 && display.children > 0 {
        let id = record_id(dataset, collection, index);
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
    let color = match (collection, spec.key) {
        (Collection::Acquisitions, "stage") => dataset.acquisitions.get(index).map(|a| stage_color(a.stage, visuals)),
        (_, "confidence") => record_confidence(dataset, collection, index).map(|c| confidence_color(c, visuals)),
        _ => None,
    };
    let text = egui::RichText::new(cell);
    let text = match color {
        Some(color) => text.color(color),
        None => text,
    };
    // A comparison is open: a cell the other version has otherwise is tinted, and says what it has there.
    let compared = mark.and_then(|mark| match mark.column(spec.key) {
        Some((_, theirs, conflict)) => {
            let theirs = if theirs.is_empty() { "(empty)" } else { theirs.as_str() };
            let what = if *conflict { "Conflict: theirs has" } else { "The other version has" };
            Some((*conflict, format!("{what} {theirs}")))
        }
        None if mark.removed => Some((false, "Not in the other version".to_owned())),
        None => None,
    });
    if let Some((conflict, _)) = &compared {
        let tint = if *conflict { ui.visuals().error_fg_color } else { ui.visuals().warn_fg_color };
        ui.painter().rect_filled(ui.max_rect(), 2.0, tint.gamma_multiply(0.25));
    }
    let label = ui.add(egui::Label::new(text).truncate().selectable(false));
    if let Some((_, hover)) = compared {
        label.on_hover_text(hover);
    }
}

fn commit_edit(dataset: &Dataset, collection: Collection, state: &mut TablesState, commands: &mut Vec<Message>) {
    let Some(edit) = state.editing.as_mut() else { return };
    let mut texts = fields::texts(dataset, collection, edit.index);
    if let Some(position) = fields::position(collection, edit.column) {
        texts[position] = edit.text.trim().to_owned();
    }
    // Read into a scratch pool: only whether the text reads matters here; the app reads it again into
    // the dataset's own pool.
    match fields::read_texts(collection, &texts, &mut Default::default()) {
        Ok(_) => {
            commands.push(Message::SetFields { collection, index: edit.index, texts, field: edit.column });
            commands.push(Message::SealUndoStep);
            state.editing = None;
        }
        Err(error) => edit.error = Some(error.to_string()),
    }
}

fn select(
    view: &View<'_>,
    model: &TableModel,
    index: usize,
    modifiers: egui::Modifiers,
    state: &mut TablesState,
    commands: &mut Vec<Message>,
) {
    let collection = view.tab;
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
    commands.push(Message::Select(collection, index));
}

fn row_menu_ui(view: &View<'_>, index: usize, state: &mut TablesState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let collection = view.tab;
    let dataset = &view.document.dataset;
    if ui.button("Edit in the Record Editor").clicked() {
        commands.push(Message::Select(collection, index));
        commands.push(Message::ShowEditor);
    }
    if ui.button("Copy").clicked() {
        let mut rows = state.marked.clone();
        rows.insert(index);
        ui.ctx().copy_text(rows_as_tsv(dataset, collection, &rows));
        commands.push(Message::Notify(format!("Copied {} rows as tab-separated text", rows.len())));
    }
    if ui.button("Duplicate").clicked() {
        commands.push(Message::Select(collection, index));
        commands.push(UserCommand::DuplicateRecord.into());
    }
    if ui.button("Delete").clicked() {
        commands.push(Message::Select(collection, index));
        commands.push(UserCommand::DeleteRecord.into());
    }
    let links: Vec<(String, String)> = source_links(dataset, collection, index);
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
fn source_links(dataset: &Dataset, collection: Collection, index: usize) -> Vec<(String, String)> {
    let cited: Vec<Symbol> = match collection {
        Collection::Acquisitions => dataset.acquisitions.get(index).map(|a| a.sources.to_vec()).unwrap_or_default(),
        Collection::Commitments => {
            dataset.commitments.get(index).map(|c| c.provenance.sources.clone()).unwrap_or_default()
        }
        Collection::Events => dataset.events.get(index).map(|e| e.provenance.sources.clone()).unwrap_or_default(),
        Collection::Sources => dataset.sources.get(index).map(|s| vec![s.id]).unwrap_or_default(),
        Collection::Actors => dataset.actors.get(index).map(|a| a.provenance.sources.clone()).unwrap_or_default(),
    };
    cited
        .iter()
        .filter_map(|&id| dataset.sources.iter().find(|s| s.id == id))
        .filter_map(|s| s.safe_url().map(|url| (s.title.clone(), url.to_owned())))
        .collect()
}

fn record_id(dataset: &Dataset, collection: Collection, index: usize) -> String {
    dataset.record(collection, index).map(|r| dataset.text(r.id()).to_owned()).unwrap_or_default()
}

/// The confidence of a record, for colouring its cell.
fn record_confidence(dataset: &Dataset, collection: Collection, index: usize) -> Option<Confidence> {
    match collection {
        Collection::Acquisitions => dataset.acquisitions.get(index).map(|r| r.confidence),
        Collection::Commitments => dataset.commitments.get(index).map(|r| r.provenance.confidence),
        Collection::Events => dataset.events.get(index).map(|r| r.provenance.confidence),
        Collection::Actors => dataset.actors.get(index).map(|r| r.provenance.confidence),
        Collection::Sources => None,
    }
}

/// Stages at a glance, in the same colours as the plots and exports; lightened on a dark background.
pub fn stage_color(stage: Stage, visuals: &egui::Visuals) -> egui::Color32 {
    let [r, g, b] = crate::palette::stage_rgb(stage);
    let color = egui::Color32::from_rgb(r, g, b);
    if visuals.dark_mode { color.lerp_to_gamma(egui::Color32::WHITE, 0.35) } else { color }
}

fn confidence_color(confidence: Confidence, visuals: &egui::Visuals) -> egui::Color32 {
    match confidence {
        Confidence::High => stage_color(Stage::Delivered, visuals),
        Confidence::Medium => visuals.warn_fg_color,
        Confidence::Low => visuals.error_fg_color,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter menus offer every category, buyer (or party) and agency the records name, buyers and
    /// agencies by name: as sets of the records' values give them.
    #[test]
    fn the_filter_menus_offer_what_the_records_name() {
        let dataset = crate::io::default_dataset();
        let choices = FilterChoices::of(&dataset);
        let acquisitions = || dataset.acquisitions.iter();
        let commitments = dataset.commitments.iter();
        let categories: BTreeSet<String> = acquisitions()
            .map(|a| a.category)
            .chain(commitments.clone().filter_map(|c| c.category))
            .map(|id| dataset.text(id).to_owned())
            .collect();
        assert_eq!(choices.categories, categories.into_iter().collect::<Vec<_>>());
        let named = |ids: BTreeSet<Symbol>| {
            let mut named: Vec<(String, String)> =
                ids.iter().map(|&id| (dataset.text(id).to_owned(), dataset.actor_name(id).to_owned())).collect();
            named.sort_by(|a, b| a.1.cmp(&b.1));
            named
        };
        let buyers = acquisitions().flat_map(|a| a.buyers.iter().copied());
        let buyers: BTreeSet<Symbol> = buyers.chain(commitments.flat_map(|c| c.parties.iter().copied())).collect();
        assert!(buyers.len() > 5);
        assert_eq!(choices.buyers, named(buyers));
        let agencies: BTreeSet<Symbol> = acquisitions().filter_map(|a| a.agency).collect();
        assert!(!agencies.is_empty());
        assert_eq!(choices.agencies, named(agencies));
    }
}
