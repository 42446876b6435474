//! Tables of the dataset's collections, one tab each. Only the visible rows are laid out.

use egui_extras::{Column, TableBuilder};

use crate::app::AppCommand;

use super::View;
use crate::model::{Collection, Dataset, FuzzyDate, Symbol};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Acquisitions,
    Commitments,
    Events,
    Sources,
    Actors,
}

impl Tab {
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

    fn columns(self) -> &'static [(&'static str, f32)] {
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

    fn rows(self, dataset: &Dataset) -> usize {
        match self {
            Tab::Acquisitions => dataset.acquisitions.len(),
            Tab::Commitments => dataset.commitments.len(),
            Tab::Events => dataset.events.len(),
            Tab::Sources => dataset.sources.len(),
            Tab::Actors => dataset.actors.len(),
        }
    }
}

/// Table state that outlives a frame: the search and the rows it leaves, cached per change.
#[derive(Default)]
pub struct TablesState {
    pub query: String,
    /// Set by the Find command: focus the search field next frame.
    pub focus_search: bool,
    /// Set when the selection changed from elsewhere: scroll it into view next frame.
    pub scroll_to_selection: bool,
    /// Positions of the rows that match the search, for `cached_for`.
    rows: Vec<usize>,
    cached_for: Option<(Tab, u64, String)>,
}

impl TablesState {
    /// Recomputes the matching rows when the tab, the data or the search changed; otherwise free.
    fn refresh(&mut self, dataset: &Dataset, tab: Tab, generation: u64) {
        let key = (tab, generation, self.query.clone());
        if self.cached_for.as_ref() == Some(&key) {
            return;
        }
        let needle = self.query.trim().to_lowercase();
        self.rows = (0..tab.rows(dataset))
            .filter(|&index| {
                needle.is_empty()
                    || row_cells(dataset, tab, index).iter().any(|cell| cell.to_lowercase().contains(&needle))
            })
            .collect();
        self.cached_for = Some(key);
    }
}

pub fn tables_ui(view: &View<'_>, state: &mut TablesState, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    let dataset = &view.document.dataset;
    let tab = view.tab;
    state.refresh(dataset, tab, view.document.generation);
    ui.horizontal(|ui| {
        for candidate in Tab::ALL {
            let label = format!("{} ({})", candidate.label(), candidate.rows(dataset));
            if ui.selectable_label(candidate == tab, label).clicked() {
                commands.push(AppCommand::Show(candidate));
            }
        }
    });
    ui.horizontal(|ui| {
        let search =
            egui::TextEdit::singleline(&mut state.query).hint_text("Search this table (Ctrl+F)").desired_width(280.0);
        let search = ui.add(search).accessible_name("Search");
        if std::mem::take(&mut state.focus_search) {
            search.request_focus();
        }
        if !state.query.is_empty() && ui.button("Clear").clicked() {
            state.query.clear();
        }
        ui.label(format!("{} of {}", state.rows.len(), tab.rows(dataset)));
        ui.separator();
        if ui.button("Add").on_hover_text("Add a record to this table").clicked() {
            commands.push(AppCommand::AddRecord);
        }
    });
    ui.separator();
    let selected = view.selection.filter(|(collection, _)| *collection == tab.collection()).map(|(_, index)| index);
    // Wide tables scroll sideways; the table keeps its own vertical scrolling, so rows stay virtualised.
    egui::ScrollArea::horizontal().id_salt("table_columns").show(ui, |ui| {
        table_ui(dataset, tab, selected, state, commands, ui);
    });
}

fn table_ui(
    dataset: &Dataset,
    tab: Tab,
    selected: Option<usize>,
    state: &mut TablesState,
    commands: &mut Vec<AppCommand>,
    ui: &mut egui::Ui,
) {
    let columns = tab.columns();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut table = TableBuilder::new(ui)
        .id_salt(tab.label())
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .auto_shrink(false);
    if std::mem::take(&mut state.scroll_to_selection)
        && let Some(position) = selected.and_then(|index| state.rows.iter().position(|&row| row == index))
    {
        table = table.scroll_to_row(position, Some(egui::Align::Center));
    }
    for (_, width) in columns {
        table = table.column(Column::initial(*width).at_least(40.0).clip(true));
    }
    let rows = &state.rows;
    table
        .header(row_height, |mut header| {
            for (name, _) in columns {
                header.col(|ui| {
                    ui.strong(*name);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let index = rows[row.index()];
                row.set_selected(selected == Some(index));
                for cell in row_cells(dataset, tab, index) {
                    row.col(|ui| {
                        ui.add(egui::Label::new(cell).truncate().selectable(false));
                    });
                }
                let response = row.response();
                if response.clicked() {
                    commands.push(AppCommand::Select(tab.collection(), index));
                }
                response.context_menu(|ui| {
                    commands.push(AppCommand::Select(tab.collection(), index));
                    if ui.button("Duplicate").clicked() {
                        commands.push(AppCommand::DuplicateRecord);
                    }
                    if ui.button("Delete").clicked() {
                        commands.push(AppCommand::DeleteRecord);
                    }
                    if tab == Tab::Sources
                        && let Some(url) = dataset.sources.get(index).map(|s| s.url.as_str())
                        && (url.starts_with("https://") || url.starts_with("http://"))
                        && ui.button("Open link").clicked()
                    {
                        ui.ctx().open_url(egui::OpenUrl::new_tab(url));
                    }
                });
            });
        });
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
