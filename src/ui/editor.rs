//! The record editor: a side panel with every field of the selected record. Uncertain values are
//! edited in their text form (EDTF dates, qualifiers from lists); references are picked from lists.
//! Each change is checked here and sent as one command; the app applies it with undo.

use std::collections::HashMap;

use crate::context::{Message, UserCommand};
use crate::model::fields::{self, FieldError, Kind};
use crate::model::{Collection, Dataset};

use super::View;

/// Reference pickers list at most this many records; past it the id is typed.
const MAX_CHOICES: usize = 2_000;

#[derive(Default)]
pub struct EditorState {
    /// The record whose fields' text is in `cells`, and the generation they were read at.
    shown: Option<(Collection, usize, u64)>,
    cells: Vec<String>,
    /// The first field that does not read, if any; the record is not changed until it does.
    error: Option<FieldError>,
    /// Ids and names to pick references from, per collection, for `choices_generation`.
    choices: HashMap<Collection, Vec<(String, String)>>,
    choices_generation: Option<u64>,
}

pub fn editor_panel_ui(view: &View<'_>, state: &mut EditorState, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    egui::Panel::right("record_editor").resizable(true).default_size(380.0).min_size(280.0).show(ui, |ui| {
        ui.add_space(4.0);
        ui.heading("Record");
        let Some((collection, index)) = view.selection.filter(|(c, i)| *i < view.document.dataset.len(*c)) else {
            ui.label("Select a row to see and edit all of its fields.");
            if ui.button("Add Record").clicked() {
                commands.push(UserCommand::AddRecord.into());
            }
            return;
        };
        let generation = view.document.generation;
        if state.shown != Some((collection, index, generation)) {
            state.shown = Some((collection, index, generation));
            state.cells = fields::texts(&view.document.dataset, collection, index);
            state.error = None;
        }
        if state.choices_generation != Some(generation) {
            state.choices = reference_choices(&view.document.dataset);
            state.choices_generation = Some(generation);
        }
        ui.horizontal(|ui| {
            ui.label(format!("{} #{}", collection.key(), index + 1));
            if ui.button("Duplicate").clicked() {
                commands.push(UserCommand::DuplicateRecord.into());
            }
            if ui.button("Delete").clicked() {
                commands.push(UserCommand::DeleteRecord.into());
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
            fields_ui(view, state, collection, index, commands, ui);
        });
    });
}

fn fields_ui(
    view: &View<'_>,
    state: &mut EditorState,
    collection: Collection,
    index: usize,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    let problems: Vec<_> = view.document.problems.of_record(collection, index).collect();
    let mut changed = None;
    for (position, spec) in fields::specs(collection).into_iter().enumerate() {
        let column = spec.key;
        ui.add_space(4.0);
        let label = ui.label(egui::RichText::new(spec.label).strong());
        let cell = &mut state.cells[position];
        let edited = match spec.kind {
            Kind::Vocabulary(values) => vocabulary_ui(column, !spec.required, values, cell, label.id, ui),
            Kind::Reference(_) | Kind::References(_) | Kind::AnyReferences => {
                let choices = spec.kind.target().and_then(|t| state.choices.get(&t)).filter(|c| c.len() <= MAX_CHOICES);
                reference_ui(spec.label, spec.kind.is_list(), choices.map(Vec::as_slice), cell, label.id, ui)
            }
            Kind::LongText => {
                let edit = egui::TextEdit::multiline(cell).desired_rows(3).desired_width(f32::INFINITY);
                ui.add(edit).labelled_by(label.id).changed()
            }
            Kind::Date => {
                let edit = egui::TextEdit::singleline(cell)
                    .desired_width(f32::INFINITY)
                    .hint_text("EDTF: 2024-07-10, 2024-01, 2024?, 2024~/2029~");
                ui.add(edit).labelled_by(label.id).changed()
            }
            Kind::Deliveries => {
                let edit = egui::TextEdit::singleline(cell)
                    .desired_width(f32::INFINITY)
                    .hint_text("DATE:COUNT; …  e.g. 2024:12; 2025:30? [source-id]");
                let edited = ui.add(edit).labelled_by(label.id).changed();
                let mut scratch = Default::default();
                if let Ok(deliveries) = crate::model::parse_deliveries(cell, &mut scratch)
                    && !deliveries.is_empty()
                {
                    let delivered = crate::model::Delivered::of(&deliveries);
                    ui.weak(format!("Delivered to date: {}", delivered.describe()));
                }
                edited
            }
            Kind::Id | Kind::Text | Kind::Word | Kind::Count | Kind::Amount | Kind::Currency | Kind::Year => {
                let edit = egui::TextEdit::singleline(cell).desired_width(f32::INFINITY);
                ui.add(edit).labelled_by(label.id).changed()
            }
        };
        if edited {
            changed = Some(column);
        }
        if let Some(error) = state.error.as_ref().filter(|e| e.key == column) {
            ui.colored_label(ui.visuals().error_fg_color, &error.message);
        }
        for problem in problems.iter().filter(|p| problem_column(p.place.field) == column) {
            let color = match problem.severity {
                crate::model::validate::Severity::Error => ui.visuals().error_fg_color,
                crate::model::validate::Severity::Warning => ui.visuals().warn_fg_color,
            };
            ui.colored_label(color, &problem.message);
        }
    }
    if let Some(field) = changed {
        // Read into a scratch pool: only whether the text reads matters here; the app reads it again
        // into the dataset's own pool.
        match fields::read_texts(collection, &state.cells, &mut Default::default()) {
            Ok(_) => {
                state.error = None;
                // The app applies this before the next frame: keep the text as typed rather than
                // re-reading it in its canonical form while the user is still typing.
                if let Some(shown) = &mut state.shown {
                    shown.2 += 1;
                }
                commands.push(Message::SetFields { collection, index, texts: state.cells.clone(), field });
            }
            Err(error) => state.error = Some(error),
        }
    }
}

fn vocabulary_ui(
    column: &str,
    optional: bool,
    values: &[(&'static str, &'static str)],
    cell: &mut String,
    label: egui::Id,
    ui: &mut egui::Ui,
) -> bool {
    let current = values.iter().find(|(name, _)| name == cell).map_or(cell.as_str(), |(_, label)| label).to_owned();
    let mut changed = false;
    let combo = egui::ComboBox::from_id_salt(column).selected_text(current).width(ui.available_width() - 8.0);
    let response = combo.show_ui(ui, |ui| {
        if cell.is_empty() || optional {
            changed |= ui.selectable_value(cell, String::new(), "(none)").changed();
        }
        for (name, text) in values {
            changed |= ui.selectable_value(cell, (*name).to_owned(), *text).changed();
        }
    });
    response.response.labelled_by(label);
    changed
}

fn reference_ui(
    field: &str,
    list: bool,
    choices: Option<&[(String, String)]>,
    cell: &mut String,
    label: egui::Id,
    ui: &mut egui::Ui,
) -> bool {
    let mut changed = false;
    ui.horizontal(|ui| {
        let width = if choices.is_some() { ui.available_width() - 40.0 } else { ui.available_width() };
        let hint = if list { "ids separated by ;" } else { "an id" };
        let edit = egui::TextEdit::singleline(cell).desired_width(width).hint_text(hint);
        changed |= ui.add(edit).labelled_by(label).changed();
        let Some(choices) = choices else { return };
        let menu = ui.menu_button("…", |ui| {
            egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                if !list && ui.button("(none)").clicked() {
                    cell.clear();
                    changed = true;
                }
                for (id, name) in choices {
                    let text = if name.is_empty() || name == id { id.clone() } else { format!("{id} — {name}") };
                    let present = cell.split(';').any(|part| part.trim() == id);
                    if ui.add_enabled(!present, egui::Button::new(text)).clicked() {
                        if list && !cell.trim().is_empty() {
                            cell.push(';');
                            cell.push_str(id);
                        } else {
                            *cell = id.clone();
                        }
                        changed = true;
                        ui.close();
                    }
                }
            });
        });
        menu.response.on_hover_text(format!("Pick {}", field.to_lowercase()));
    });
    changed
}

/// The editor column a validation problem's field belongs to ("quantity.count" → "quantity").
fn problem_column(field: &str) -> String {
    match field {
        "quantity.count" => "quantity".to_owned(),
        other => other.replace('.', "_"),
    }
}

/// Ids and names of the records references may point to, per collection.
fn reference_choices(dataset: &Dataset) -> HashMap<Collection, Vec<(String, String)>> {
    let mut choices = HashMap::new();
    let id = |symbol| dataset.text(symbol).to_owned();
    // Every state and organisation the app knows is offered, not only the dataset's actors: picking one
    // brings its actor in with the edit.
    let mut actors: Vec<(String, String)> = dataset.actors.iter().map(|r| (id(r.id), r.name.to_string())).collect();
    let known = crate::model::countries::ORGANISATIONS.iter().map(|o| (o.id, o.name)).chain(
        crate::model::countries::reference()
            .countries
            .iter()
            .filter(|c| c.withdrawn.is_none())
            .map(|c| (c.alpha3, c.name)),
    );
    for (code, name) in known {
        if !actors.iter().any(|(existing, _)| existing == code) {
            actors.push((code.to_owned(), name.to_owned()));
        }
    }
    choices.insert(Collection::Actors, actors);
    choices.insert(Collection::Sources, dataset.sources.iter().map(|r| (id(r.id), r.title.clone())).collect());
    choices.insert(Collection::Events, dataset.events.iter().map(|r| (id(r.id), r.title.clone())).collect());
    choices.insert(Collection::Commitments, dataset.commitments.iter().map(|r| (id(r.id), r.title.clone())).collect());
    if dataset.acquisitions.len() <= MAX_CHOICES {
        let acquisitions = dataset.acquisitions.iter().map(|r| (id(r.id), dataset.text(r.system).to_owned())).collect();
        choices.insert(Collection::Acquisitions, acquisitions);
    }
    choices
}
