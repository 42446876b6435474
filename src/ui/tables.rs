//! Tables of the dataset's collections, one tab each. Only the visible rows are laid out.

use egui_extras::{Column, TableBuilder};

use crate::app::{Command, Document};
use crate::model::{Dataset, FuzzyDate, Symbol};

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

/// Per-tab view state that outlives a frame.
#[derive(Default)]
pub struct TablesState {
    /// The selected row of the current tab.
    pub selected: Option<usize>,
}

pub fn tables_ui(
    document: &Document,
    tab: Tab,
    state: &mut TablesState,
    commands: &mut Vec<Command>,
    ui: &mut egui::Ui,
) {
    ui.horizontal(|ui| {
        for candidate in Tab::ALL {
            let label = format!("{} ({})", candidate.label(), candidate.rows(&document.dataset));
            if ui.selectable_label(candidate == tab, label).clicked() && candidate != tab {
                commands.push(Command::Show(candidate));
                state.selected = None;
            }
        }
    });
    ui.separator();
    let dataset = &document.dataset;
    let columns = tab.columns();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut table = TableBuilder::new(ui)
        .id_salt(tab.label())
        .striped(true)
        .resizable(true)
        .sense(egui::Sense::click())
        .auto_shrink(false);
    for (i, (_, width)) in columns.iter().enumerate() {
        table = if i + 1 == columns.len() {
            table.column(Column::remainder().at_least(60.0))
        } else {
            table.column(Column::initial(*width).at_least(40.0).clip(true))
        };
    }
    table
        .header(row_height, |mut header| {
            for (name, _) in columns {
                header.col(|ui| {
                    ui.strong(*name);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, tab.rows(dataset), |mut row| {
                let index = row.index();
                row.set_selected(state.selected == Some(index));
                for cell in row_cells(dataset, tab, index) {
                    row.col(|ui| {
                        ui.add(egui::Label::new(cell).truncate());
                    });
                }
                if row.response().clicked() {
                    state.selected = Some(index);
                }
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
