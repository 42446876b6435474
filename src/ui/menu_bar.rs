//! The menu bar, generated from the command list: each entry shows the command's label and shortcut.

use crate::context::{Message, UserCommand};
use crate::model::Collection;

use super::View;

pub fn menu_bar_ui(view: &View<'_>, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let busy = view.busy.is_some();
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for command in [UserCommand::New, UserCommand::Open, UserCommand::OpenPath] {
                    item(ui, command, !busy, commands);
                }
                ui.menu_button("Open Recent", |ui| {
                    if view.settings.recent_files.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in &view.settings.recent_files {
                        if ui.add_enabled(!busy, egui::Button::new(path.display().to_string())).clicked() {
                            commands.push(Message::OpenFile(path.clone()));
                        }
                    }
                });
                ui.separator();
                for command in [UserCommand::Save, UserCommand::SaveAs] {
                    item(ui, command, !busy, commands);
                }
                ui.separator();
                for command in
                    [UserCommand::Import, UserCommand::ExportCsv, UserCommand::ExportXlsx, UserCommand::SaveReport]
                {
                    item(ui, command, !busy, commands);
                }
                ui.separator();
                item(ui, UserCommand::CompareWith, !busy, commands);
                ui.separator();
                item(ui, UserCommand::Quit, true, commands);
            });
            ui.menu_button("Edit", |ui| {
                let history = &view.document.history;
                let undo = history.undo_label().map_or("Undo".to_owned(), |label| format!("Undo {label}"));
                let redo = history.redo_label().map_or("Redo".to_owned(), |label| format!("Redo {label}"));
                labelled_item(ui, UserCommand::Undo, &undo, history.undo_label().is_some(), commands);
                labelled_item(ui, UserCommand::Redo, &redo, history.redo_label().is_some(), commands);
                ui.separator();
                item(ui, UserCommand::AddRecord, true, commands);
                let selected = view.selection.is_some();
                item(ui, UserCommand::DuplicateRecord, selected, commands);
                item(ui, UserCommand::DeleteRecord, selected, commands);
                ui.separator();
                item(ui, UserCommand::Find, true, commands);
            });
            ui.menu_button("View", |ui| {
                for collection in Collection::IN_VIEW_ORDER {
                    item(ui, UserCommand::show(collection), true, commands);
                }
                for command in [UserCommand::ShowTimeline, UserCommand::ShowPlots, UserCommand::ShowProgress] {
                    item(ui, command, true, commands);
                }
                item(ui, UserCommand::ShowChanges, view.comparing, commands);
                ui.separator();
                let editor = if view.settings.editor_open { "Hide Record Editor" } else { "Show Record Editor" };
                labelled_item(ui, UserCommand::ToggleEditor, editor, true, commands);
                for command in [UserCommand::ShowProblems, UserCommand::ShowLog, UserCommand::CommandPalette] {
                    item(ui, command, true, commands);
                }
                ui.separator();
                ui.menu_button("Theme", |ui| {
                    for (command, label) in [
                        (UserCommand::ThemeSystem, "Follow the System"),
                        (UserCommand::ThemeLight, "Light"),
                        (UserCommand::ThemeDark, "Dark"),
                    ] {
                        if ui.radio(command.theme() == Some(view.settings.theme), label).clicked() {
                            commands.push(command.into());
                        }
                    }
                });
            });
        });
    });
}

fn item(ui: &mut egui::Ui, command: UserCommand, enabled: bool, commands: &mut Vec<Message>) {
    labelled_item(ui, command, command.label(), enabled, commands);
}

fn labelled_item(ui: &mut egui::Ui, command: UserCommand, label: &str, enabled: bool, commands: &mut Vec<Message>) {
    let button = egui::Button::new(label).shortcut_text(command.shortcut_text(ui.ctx()));
    if ui.add_enabled(enabled, button).clicked() {
        commands.push(command.into());
    }
}
