//! The status bar: file, unsaved state, record counts, validation problems, background work.

use crate::context::{Level, Message, Notifications, UserCommand};
use crate::model::Collection;

use super::View;

/// Said where the problems' counts go while the first check of a large dataset runs.
pub const CHECKING: &str = "Checking the data…";

/// Said where the problems' counts go when the last check failed (a bug).
pub const CHECK_FAILED: &str = "The data check failed";

pub fn status_bar_ui(view: &View<'_>, notifications: &Notifications, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    let document = view.document;
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(&document.origin);
            if document.read_only {
                ui.label(egui::RichText::new("Read-only").color(ui.visuals().warn_fg_color))
                    .on_hover_text("Another window has this file open: Save As gives a copy you can change");
            }
            if document.is_modified() {
                ui.label(egui::RichText::new("Modified").color(ui.visuals().warn_fg_color));
            } else {
                ui.label("saved");
            }
            ui.separator();
            let counts: Vec<String> = Collection::ALL
                .iter()
                .map(|&c| format!("{} {}", crate::model::count_text(document.dataset.len(c)), c.key()))
                .collect();
            ui.label(counts.join(" · "));
            ui.separator();
            if let Some(failure) = document.check_failure() {
                let text = egui::RichText::new(CHECK_FAILED).color(ui.visuals().error_fg_color);
                let hover = format!("{failure}. Show the problems window, where the data can be checked again");
                if ui.link(text).on_hover_text(hover).clicked() {
                    commands.push(UserCommand::ShowProblems.into());
                }
            } else if document.is_checked() {
                let text = document.problems.summary();
                let color =
                    if document.problems.errors > 0 { ui.visuals().error_fg_color } else { ui.visuals().text_color() };
                if ui.link(egui::RichText::new(text).color(color)).on_hover_text("Show the problems list").clicked() {
                    commands.push(UserCommand::ShowProblems.into());
                }
            } else {
                ui.spinner();
                ui.label(CHECKING).on_hover_text("The data is shown; its problems are counted on a worker");
            }
            if let Some(label) = view.busy {
                ui.separator();
                let fraction = view.progress.and_then(|progress| progress.fraction());
                // A spinner asks for every frame it can get, which on two cores takes a share of the work
                // it waits for; a bar that moves at the app's ten frames a second while busy says enough.
                if fraction.is_none() {
                    ui.spinner();
                }
                ui.label(label);
                if let Some(progress) = view.progress {
                    if let Some(fraction) = fraction {
                        let bar = egui::ProgressBar::new(fraction).desired_width(140.0).show_percentage();
                        ui.add(bar).accessible_name(format!("{label} {:.0}%", fraction * 100.0));
                    }
                    if progress.is_cancelled() {
                        ui.label("Cancelling…");
                    } else if ui
                        .button("Cancel")
                        .accessible_name(format!("Cancel {}", label.trim_end_matches('…')))
                        .on_hover_text("Stop: nothing is changed")
                        .clicked()
                    {
                        commands.push(Message::CancelTask);
                    }
                }
            }
            if let Some(last) = notifications.log.last().filter(|m| m.level == Level::Error) {
                ui.separator();
                ui.colored_label(ui.visuals().error_fg_color, format!("Last error: {}", last.text))
                    .on_hover_text("All messages: View > Message Log");
            }
        });
    });
}
