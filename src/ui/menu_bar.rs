//! The menu bar: File and View.

use crate::app::Command;

use super::tables::Tab;

pub fn menu_bar_ui(current: Tab, busy: bool, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    egui::Panel::top("menu_bar").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                let open = ui.add_enabled(!busy, egui::Button::new("Open…").shortcut_text("Ctrl+O"));
                if open.clicked() {
                    commands.push(Command::Open);
                }
                let save = ui.add_enabled(!busy, egui::Button::new("Save As…").shortcut_text("Ctrl+Shift+S"));
                if save.clicked() {
                    commands.push(Command::SaveAs);
                }
                ui.separator();
                if ui.add(egui::Button::new("Quit").shortcut_text("Ctrl+Q")).clicked() {
                    commands.push(Command::Quit);
                }
            });
            ui.menu_button("View", |ui| {
                for tab in Tab::ALL {
                    if ui.radio(current == tab, tab.label()).clicked() {
                        commands.push(Command::Show(tab));
                    }
                }
                ui.separator();
                egui::widgets::global_theme_preference_buttons(ui);
            });
        });
    });
}
