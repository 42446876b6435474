//! The dialog for an export the app knows by its shape (SIPRI's, Kiel's): no columns to map, only what was
//! read (how many deals, the rows that could not be read, the first records), what bringing it into the
//! open dataset would change (deals of an older export updated, not added again), and the choice of a new
//! dataset or an update of the open one.

use std::path::PathBuf;

use crate::context::Message;
use crate::mapping::recognised::Recognised;
use crate::model::fields;
use crate::model::{Collection, Dataset, count_text};

const SHOWN_RECORDS: usize = 12;
const SHOWN_PROBLEMS: usize = 20;

/// A known export read whole on a worker.
pub struct KnownImport {
    pub path: PathBuf,
    pub recognised: Recognised,
}

/// The dialog's state: the export, and what it would change in the dataset open when it was read.
pub struct KnownImportState {
    pub import: KnownImport,
    /// "12 added, 3 changed, 27,938 unchanged", worked out once when the dialog opens.
    pub against_open: String,
}

impl KnownImportState {
    pub fn open(import: KnownImport, dataset: &Dataset) -> KnownImportState {
        let against_open = crate::mapping::update::update(dataset, &import.recognised.imported.dataset).describe();
        KnownImportState { import, against_open }
    }
}

/// Draws the dialog over the app.
pub fn known_import_ui(state: &KnownImportState, commands: &mut Vec<Message>, ctx: &egui::Context) {
    let recognised = &state.import.recognised;
    let imported = &recognised.imported;
    let dataset = &imported.dataset;
    let path = &state.import.path;
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let screen = ctx.content_rect();
    egui::Window::new(format!("Import {name}"))
        .collapsible(false)
        .resizable(false)
        .fixed_size([screen.width().min(1000.0) - 60.0, screen.height() - 80.0])
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            let body = ui.available_height() - 64.0;
            egui::ScrollArea::vertical().id_salt("known_import_body").max_height(body).auto_shrink(false).show(
                ui,
                |ui| {
                    ui.heading(format!("Recognised: {}", recognised.known.label()));
                    ui.label(format!("Read {}.", recognised.summary));
                    for source in &dataset.sources {
                        let accessed = source.accessed.map(|date| format!(", generated {}", date.human()));
                        ui.label(format!("Every record cites “{}”{}.", source.title, accessed.unwrap_or_default()));
                    }
                    if !imported.problems.is_empty() {
                        let left_out = count_text(imported.problems.len());
                        ui.colored_label(ui.visuals().error_fg_color, format!("{left_out} rows could not be read:"));
                        for problem in imported.problems.iter().take(SHOWN_PROBLEMS) {
                            ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
                        }
                        if imported.problems.len() > SHOWN_PROBLEMS {
                            ui.label(format!("and {} more", count_text(imported.problems.len() - SHOWN_PROBLEMS)));
                        }
                    }
                    ui.separator();
                    ui.strong("The first records");
                    preview_ui(dataset, &imported.rows, ui);
                },
            );
            ui.separator();
            ui.label(format!("Into the open dataset: {}.", state.against_open));
            ui.horizontal(|ui| {
                if ui.button("Import as a New Dataset").clicked() {
                    commands.push(Message::RunImport { append: false });
                }
                let update = ui
                    .button("Update the Open Dataset")
                    .on_hover_text("Deals already there are updated, new ones added: one step that Undo takes back");
                if update.clicked() {
                    commands.push(Message::RunImport { append: true });
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Message::CloseImport);
                }
            });
        });
}

fn preview_ui(dataset: &Dataset, rows: &[u64], ui: &mut egui::Ui) {
    let columns = ["system", "buyers", "supplier", "quantity", "deliveries", "date", "stage"];
    egui::Grid::new("known_import_preview").num_columns(columns.len() + 1).striped(true).show(ui, |ui| {
        ui.strong("Row");
        for key in columns {
            let label = fields::spec(Collection::Acquisitions, key).map_or(key, |spec| spec.label);
            ui.strong(label);
        }
        ui.end_row();
        for index in 0..dataset.acquisitions.len().min(SHOWN_RECORDS) {
            ui.label(rows.get(index).map(u64::to_string).unwrap_or_default());
            for key in columns {
                ui.label(fields::shown(dataset, Collection::Acquisitions, index, key));
            }
            ui.end_row();
        }
    });
}
