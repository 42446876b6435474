//! The import dialog: someone else's table (CSV, TSV, a workbook's sheet) read as the file needs (sheet,
//! encoding, delimiter, header row, decimal comma, each detected and changeable), each column mapped to a
//! field with its first values beside it, a preview of the records with every problem by row and column,
//! the records that match ones already in the dataset; then a new dataset, or the records added to the open
//! one as one undoable step. The whole file is read on a worker when the user imports.

use std::path::PathBuf;
use std::sync::Arc;

use crate::context::Message;
use crate::io::tabular::{ReadOptions, Table, TextEncoding};
use crate::mapping::{self, Imported, Mapping, OnDuplicate, Target};
use crate::model::fields::{self, Kind, Spec};
use crate::model::{Collection, Dataset, count_text};

/// Records shown in the preview; the rows read for it.
const PREVIEW_ROWS: usize = 200;
const SHOWN_RECORDS: usize = 12;

/// The import dialog's state, from the file chosen to the import.
pub struct ImportState {
    pub path: PathBuf,
    bytes: Arc<Vec<u8>>,
    pub options: ReadOptions,
    pub table: Arc<Table>,
    pub mapping: Mapping,
    /// What each column of the table becomes under the mapping, found once per change of either.
    targets: Vec<Target>,
    /// The first columns' first values, per column.
    samples: Vec<Vec<String>>,
    preview: Option<Imported>,
    /// For each previewed record, the record of the open dataset it matches.
    matches: Vec<Option<usize>>,
    pub on_duplicate: OnDuplicate,
    /// Why the file could not be read with the options chosen.
    pub error: Option<String>,
    /// True once the import runs on a worker.
    pub running: bool,
}

/// A file read for the import dialog with the options detected: on a worker, since decoding a large file
/// takes a while.
pub struct OpenedTable {
    path: PathBuf,
    bytes: Vec<u8>,
    table: Table,
    samples: Vec<Vec<String>>,
}

/// A file chosen for import, read on a worker: an export the app knows by its shape (read whole, for the
/// known-export dialog), or a table for the column mapping.
pub enum Opened {
    Table(Box<OpenedTable>),
    Known(Box<crate::ui::known_import::KnownImport>),
}

impl Opened {
    /// Reads the file, counting the bytes read into `progress` and stopping when it is cancelled.
    pub fn read(
        path: PathBuf,
        progress: Option<&crate::io::progress::Progress>,
    ) -> Result<Opened, crate::io::LoadError> {
        let bytes = crate::io::read_file_with(&path, progress)?;
        if let Some(known) = crate::mapping::recognised::recognise(&path, &bytes) {
            let recognised = crate::mapping::recognised::import(&path, bytes, known)?;
            return Ok(Opened::Known(Box::new(crate::ui::known_import::KnownImport { path, recognised })));
        }
        let table = crate::io::tabular::read(&path, bytes.clone(), &ReadOptions::default())?;
        let samples = table.sample(PREVIEW_ROWS);
        Ok(Opened::Table(Box::new(OpenedTable { path, bytes, table, samples })))
    }
}

impl OpenedTable {
    /// The table's headers: what a mapping remembered for them is found by.
    pub fn headers(&self) -> &[String] {
        &self.table.headers
    }
}

impl ImportState {
    /// The dialog for a table read; `remembered` is a mapping used before for these columns.
    pub fn open(opened: OpenedTable, remembered: Option<Mapping>, dataset: &Dataset) -> ImportState {
        let OpenedTable { path, bytes, table, samples } = opened;
        let mapping = remembered.unwrap_or_else(|| mapping::guess(&table.headers, &samples));
        let mut state = ImportState {
            path,
            bytes: Arc::new(bytes),
            options: ReadOptions::default(),
            table: Arc::new(table),
            mapping,
            targets: Vec::new(),
            samples,
            preview: None,
            matches: Vec::new(),
            on_duplicate: OnDuplicate::Skip,
            error: None,
            running: false,
        };
        state.refresh_preview(dataset);
        state
    }

    /// Reads the file again with the options chosen; keeps the mapping of columns whose header stays.
    fn reread(&mut self, dataset: &Dataset) {
        match crate::io::tabular::read(&self.path, self.bytes.as_ref().clone(), &self.options) {
            Ok(table) => {
                self.samples = table.sample(PREVIEW_ROWS);
                let guessed = mapping::guess(&table.headers, &self.samples);
                let before: std::collections::HashMap<&str, &mapping::ColumnMapping> =
                    self.mapping.columns.iter().rev().map(|c| (c.column.as_str(), c)).collect();
                let kept = guessed
                    .columns
                    .into_iter()
                    .map(|column| before.get(column.column.as_str()).map_or(column, |&before| before.clone()))
                    .collect();
                self.mapping.columns = kept;
                self.table = Arc::new(table);
                self.error = None;
                self.refresh_preview(dataset);
            }
            Err(error) => self.error = Some(error.to_string()),
        }
    }

    fn refresh_preview(&mut self, dataset: &Dataset) {
        self.targets = self.mapping.targets(&self.table.headers);
        match mapping::import(&self.table, &self.mapping, Some(PREVIEW_ROWS)) {
            Ok(imported) => {
                self.matches = mapping::duplicates(dataset, &imported.dataset);
                self.preview = Some(imported);
            }
            Err(error) => {
                self.error = Some(error.to_string());
                self.preview = None;
            }
        }
    }
}

/// Draws the dialog over the app: the choices scroll, the buttons stay in sight.
pub fn import_ui(dataset: &Dataset, state: &mut ImportState, commands: &mut Vec<Message>, ctx: &egui::Context) {
    let mut close = false;
    let mut changed_options = false;
    let mut changed_mapping = false;
    let screen = ctx.content_rect();
    let width = screen.width().min(1000.0) - 60.0;
    let name =
        state.path.file_name().map_or_else(|| state.path.display().to_string(), |n| n.to_string_lossy().into_owned());
    // A window rather than a modal: the column pickers are popups, which a modal's backdrop would cover.
    // The app takes no shortcuts while it is open.
    egui::Window::new(format!("Import {name}"))
        .collapsible(false)
        .resizable(false)
        .fixed_size([width, screen.height() - 80.0])
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            let duplicates = state.matches.iter().flatten().count();
            let bottom = if duplicates > 0 { 64.0 } else { 36.0 };
            let body = ui.available_height() - bottom;
            egui::ScrollArea::vertical().id_salt("import_body").max_height(body).auto_shrink(false).show(ui, |ui| {
                ui.label(format!("Read as: {}", state.table.describe()));
                changed_options = options_ui(state, ui);
                if let Some(error) = &state.error {
                    ui.colored_label(ui.visuals().error_fg_color, error);
                }
                ui.separator();
                ui.strong("What each column becomes");
                changed_mapping = columns_ui(state, ui);
                changed_mapping |= defaults_ui(state, ui);
                ui.separator();
                preview_ui(state, ui);
            });
            ui.separator();
            if duplicates > 0 {
                duplicates_ui(state, duplicates, ui);
            }
            ui.horizontal(|ui| {
                ui.add_enabled_ui(!state.running && state.error.is_none(), |ui| {
                    if ui.button("Import as a New Dataset").clicked() {
                        commands.push(Message::RunImport { append: false });
                    }
                    let add = ui.button("Add to the Open Dataset").on_hover_text("As one step that Undo takes back");
                    if add.clicked() {
                        commands.push(Message::RunImport { append: true });
                    }
                });
                if state.running {
                    ui.spinner();
                    ui.label("Importing…");
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                    // A running import stops too: nothing it read is kept.
                    if state.running {
                        commands.push(Message::CancelTask);
                    }
                }
            });
        });
    if changed_options {
        state.reread(dataset);
    } else if changed_mapping {
        state.refresh_preview(dataset);
    }
    if close {
        commands.push(Message::CloseImport);
    }
}

/// The choices of how to read the file. Returns true when one changed.
fn options_ui(state: &mut ImportState, ui: &mut egui::Ui) -> bool {
    let table = Arc::clone(&state.table);
    let options = &mut state.options;
    let mut changed = false;
    ui.horizontal_wrapped(|ui| {
        if !table.sheets.is_empty() {
            let label = ui.label("Sheet");
            let current = table.sheet.clone().unwrap_or_default();
            let combo = egui::ComboBox::from_id_salt("import_sheet").selected_text(&current).show_ui(ui, |ui| {
                for sheet in &table.sheets {
                    if ui.selectable_label(*sheet == current, sheet).clicked() {
                        options.sheet = Some(sheet.clone());
                        options.header_row = None;
                        changed = true;
                    }
                }
            });
            combo.response.labelled_by(label.id);
        }
        if let Some(delimiter) = table.delimiter {
            let label = ui.label("Delimiter");
            let name = |d: char| if d == '\t' { "tab".to_owned() } else { d.to_string() };
            let combo =
                egui::ComboBox::from_id_salt("import_delimiter").selected_text(name(delimiter)).show_ui(ui, |ui| {
                    for candidate in [',', ';', '\t', '|'] {
                        if ui.selectable_label(candidate == delimiter, name(candidate)).clicked() {
                            options.delimiter = Some(candidate);
                            options.header_row = None;
                            changed = true;
                        }
                    }
                });
            combo.response.labelled_by(label.id);
        }
        if let Some(encoding) = table.encoding {
            let label = ui.label("Encoding");
            let combo =
                egui::ComboBox::from_id_salt("import_encoding").selected_text(encoding.label()).show_ui(ui, |ui| {
                    for candidate in TextEncoding::ALL {
                        if ui.selectable_label(candidate == encoding, candidate.label()).clicked() {
                            options.encoding = Some(candidate);
                            changed = true;
                        }
                    }
                });
            combo.response.labelled_by(label.id);
        }
        let label = ui.label("Header row");
        let mut row = table.header_row;
        let field = ui.add(egui::DragValue::new(&mut row).range(1..=1000)).labelled_by(label.id);
        let field = field.on_hover_text("Counted as a spreadsheet counts rows: blank lines are not rows");
        if field.changed() {
            options.header_row = Some(row);
            changed = true;
        }
        let mut decimal_comma = table.decimal_comma;
        if ui.checkbox(&mut decimal_comma, "Decimal comma (1.234,5)").changed() {
            options.decimal_comma = Some(decimal_comma);
            changed = true;
        }
    });
    changed
}

/// A row per column: its header, its first values, and what it becomes. Returns true when one changed.
fn columns_ui(state: &mut ImportState, ui: &mut egui::Ui) -> bool {
    let targets = Target::all();
    let mut changed = false;
    let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    ui.horizontal(|ui| {
        ui.add_sized([180.0, 18.0], egui::Label::new(egui::RichText::new("Column").strong()));
        ui.add_sized([220.0, 18.0], egui::Label::new(egui::RichText::new("First values").strong()));
        ui.strong("Becomes");
    });
    // Only the rows in view are laid out: a table may have thousands of columns.
    let count = state.table.headers.len();
    egui::ScrollArea::vertical().id_salt("import_columns").max_height(360.0).show_rows(
        ui,
        row_height,
        count,
        |ui, rows| {
            for index in rows {
                let header = &state.table.headers[index];
                ui.horizontal(|ui| {
                    let label = ui.add_sized([180.0, 18.0], egui::Label::new(header.as_str()).truncate());
                    let values: Vec<&str> = state
                        .samples
                        .iter()
                        .filter_map(|row| row.get(index))
                        .map(String::as_str)
                        .filter(|v| !v.is_empty())
                        .take(3)
                        .collect();
                    ui.add_sized([220.0, 18.0], egui::Label::new(values.join(" · ")).truncate());
                    let current = state.targets.get(index).cloned().unwrap_or(Target::Skip);
                    let combo = egui::ComboBox::from_id_salt(("import_target", index))
                        .selected_text(current.label())
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            for target in &targets {
                                if ui.selectable_label(*target == current, target.label()).clicked() {
                                    state.mapping.set(header, target.clone());
                                    changed = true;
                                }
                            }
                        });
                    combo.response.labelled_by(label.id).on_hover_text(format!("What the column “{header}” becomes"));
                });
            }
        },
    );
    changed
}

/// Values every record gets for fields no column fills: without them a table with no stage column would
/// come in as plans. Returns true when one changed.
fn defaults_ui(state: &mut ImportState, ui: &mut egui::Ui) -> bool {
    const OFFERED: [&str; 5] = ["stage", "confidence", "quantity_unit", "value_currency", "supplier"];
    let unfilled: Vec<&Spec> = OFFERED
        .into_iter()
        .filter(|key| !state.mapping.columns.iter().any(|c| matches!(&c.target, Target::Field(k) if k == key)))
        .filter_map(|key| fields::spec(Collection::Acquisitions, key))
        .collect();
    if unfilled.is_empty() {
        return false;
    }
    let mut changed = false;
    ui.add_space(4.0);
    ui.strong("What every record gets where no column says");
    egui::Grid::new("import_defaults").num_columns(2).show(ui, |ui| {
        for spec in unfilled {
            let label = ui.label(spec.label);
            let mut value = state.mapping.defaults.get(spec.key).cloned().unwrap_or_default();
            let edited = match spec.kind {
                Kind::Vocabulary(words) => {
                    let current = words.iter().find(|(key, _)| *key == value).map_or("(none)", |(_, label)| label);
                    let mut picked = false;
                    let combo = egui::ComboBox::from_id_salt(("import_default", spec.key))
                        .selected_text(current)
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            picked |= ui.selectable_value(&mut value, String::new(), "(none)").changed();
                            for (key, label) in words {
                                picked |= ui.selectable_value(&mut value, (*key).to_owned(), *label).changed();
                            }
                        });
                    combo.response.labelled_by(label.id);
                    picked
                }
                _ => {
                    let field = egui::TextEdit::singleline(&mut value).hint_text("(none)").desired_width(200.0);
                    ui.add(field).labelled_by(label.id).changed()
                }
            };
            if edited {
                let value = value.trim();
                if value.is_empty() {
                    state.mapping.defaults.remove(spec.key);
                } else {
                    state.mapping.defaults.insert(spec.key.to_owned(), value.to_owned());
                }
                changed = true;
            }
            ui.end_row();
        }
    });
    changed
}

fn preview_ui(state: &mut ImportState, ui: &mut egui::Ui) {
    let Some(preview) = &state.preview else { return };
    let records = preview.dataset.acquisitions.len();
    let problems = preview.problems.len();
    ui.strong("Preview");
    ui.label(format!(
        "Of the first {} rows: {} records read, {} left out for a problem. The whole file is read when you import.",
        count_text(records + problems),
        count_text(records),
        count_text(problems),
    ));
    let dataset = &preview.dataset;
    {
        egui::Grid::new("import_preview_grid").num_columns(7).striped(true).show(ui, |ui| {
            for title in ["Row", "System", "Buyers", "Quantity", "Value", "Date", "Stage"] {
                ui.strong(title);
            }
            ui.end_row();
            for (index, record) in dataset.acquisitions.iter().enumerate().take(SHOWN_RECORDS) {
                let row = preview.rows.get(index).copied().unwrap_or_default();
                let duplicate = state.matches.get(index).copied().flatten().is_some();
                let mark = if duplicate { format!("{row} (already there)") } else { row.to_string() };
                ui.label(mark);
                let field = |key: &str| fields::shown(dataset, Collection::Acquisitions, index, key);
                ui.label(dataset.text(record.system));
                ui.label(field("buyers"));
                ui.label(field("quantity"));
                ui.label(field("value"));
                ui.label(field("date"));
                ui.label(field("stage"));
                ui.end_row();
            }
        });
        const SHOWN_PROBLEMS: usize = 20;
        for problem in preview.problems.iter().take(SHOWN_PROBLEMS) {
            ui.colored_label(ui.visuals().error_fg_color, problem.to_string());
        }
        if preview.problems.len() > SHOWN_PROBLEMS {
            ui.label(format!("and {} more", count_text(preview.problems.len() - SHOWN_PROBLEMS)));
        }
    }
}

/// What to do with previewed records that match records the open dataset has, when they are added.
fn duplicates_ui(state: &mut ImportState, duplicates: usize, ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "{} of these match records the open dataset has (same buyers, system, date and quantity). When added:",
            count_text(duplicates)
        ));
        for choice in OnDuplicate::ALL {
            ui.radio_value(&mut state.on_duplicate, choice, choice.label());
        }
    });
}
