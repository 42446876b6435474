//! The menu bar, generated from the command list: each entry shows the command's label and shortcut.

use crate::app::AppCommand;

use super::View;
use super::tables::Tab;

pub fn menu_bar_ui(view: &View<'_>, commands: &mut Vec<AppCommand>, ui: &mut egui::Ui) {
    let busy = view.busy.is_some();
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                for command in [AppCommand::New, AppCommand::Open, AppCommand::OpenPath] {
                    item(ui, command, !busy, commands);
                }
                ui.menu_button("Open Recent", |ui| {
                    if view.settings.recent_files.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in &view.settings.recent_files {
                        if ui.add_enabled(!busy, egui::Button::new(path.display().to_string())).clicked() {
                            commands.push(AppCommand::OpenFile(path.clone()));
                        }
                    }
                });
                ui.separator();
                for command in [AppCommand::Save, AppCommand::SaveAs] {
                    item(ui, command, !busy, commands);
                }
                ui.separator();
                for command in [AppCommand::ImportCsv, AppCommand::ExportCsv, AppCommand::SaveReport] {
                    item(ui, command, !busy, commands);
                }
                ui.separator();
                item(ui, AppCommand::Quit, true, commands);
            });
            ui.menu_button("Edit", |ui| {
                let history = &view.document.history;
                let undo = history.undo_label().map_or("Undo".to_owned(), |label| format!("Undo {label}"));
                let redo = history.redo_label().map_or("Redo".to_owned(), |label| format!("Redo {label}"));
                labelled_item(ui, AppCommand::Undo, &undo, history.undo_label().is_some(), commands);
                labelled_item(ui, AppCommand::Redo, &redo, history.redo_label().is_some(), commands);
                ui.separator();
                item(ui, AppCommand::AddRecord, true, commands);
                let selected = view.selection.is_some();
                item(ui, AppCommand::DuplicateRecord, selected, commands);
                item(ui, AppCommand::DeleteRecord, selected, commands);
                ui.separator();
                item(ui, AppCommand::Find, true, commands);
            });
            ui.menu_button("View", |ui| {
                for tab in Tab::ALL {
                    item(ui, AppCommand::Show(tab), true, commands);
                }
                ui.separator();
                let editor = if view.settings.editor_open { "Hide Record Editor" } else { "Show Record Editor" };
                labelled_item(ui, AppCommand::ToggleEditor, editor, true, commands);
                for command in [AppCommand::ShowProblems, AppCommand::ShowLog, AppCommand::CommandPalette] {
                    item(ui, command, true, commands);
                }
                ui.separator();
                ui.menu_button("Theme", |ui| {
                    for (theme, label) in [
                        (egui::ThemePreference::System, "Follow the System"),
                        (egui::ThemePreference::Light, "Light"),
                        (egui::ThemePreference::Dark, "Dark"),
                    ] {
                        if ui.radio(view.settings.theme == theme, label).clicked() {
                            commands.push(AppCommand::SetTheme(theme));
                        }
                    }
                });
            });
        });
    });
}

fn item(ui: &mut egui::Ui, command: AppCommand, enabled: bool, commands: &mut Vec<AppCommand>) {
    let label = command.label();
    labelled_item(ui, command, &label, enabled, commands);
}

fn labelled_item(ui: &mut egui::Ui, command: AppCommand, label: &str, enabled: bool, commands: &mut Vec<AppCommand>) {
    let button = egui::Button::new(label).shortcut_text(command.shortcut_text(ui.ctx()));
    if ui.add_enabled(enabled, button).clicked() {
        commands.push(command);
    }
}
