//! The bar that says the open file was changed or removed by another program, and what can be done.

use crate::context::document::DiskChange;
use crate::context::{Message, UserCommand};

pub fn disk_bar_ui(change: &DiskChange, modified: bool, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    egui::Panel::top("disk_change_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            let name = change
                .path
                .file_name()
                .map_or_else(|| change.path.display().to_string(), |n| n.to_string_lossy().into());
            let warn = ui.visuals().warn_fg_color;
            if change.gone {
                ui.colored_label(warn, format!("{name} was removed or renamed by another program."));
                if ui.button("Save").on_hover_text("Write the file again from what is open here").clicked() {
                    commands.push(UserCommand::Save.into());
                }
            } else {
                let mine = if modified { " Your unsaved changes are still here." } else { "" };
                ui.colored_label(warn, format!("{name} was changed on disk by another program or window.{mine}"));
                if ui.button("Reload").on_hover_text("Open the file as it is on disk now").clicked() {
                    commands.push(Message::ReloadFromDisk);
                }
                if ui.button("Compare").on_hover_text("See what differs, and take changes from it").clicked() {
                    commands.push(Message::CompareWith(change.path.clone()));
                }
            }
            if ui.button("Dismiss").clicked() {
                commands.push(Message::DismissDiskChange);
            }
        });
    });
}
