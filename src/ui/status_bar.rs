//! The status bar: file, record counts, validation problems, and the last message.

use crate::app::Document;
use crate::model::Collection;
use crate::model::validate::Severity;

pub fn status_bar_ui(document: &Document, message: Option<&(bool, String)>, busy: bool, ui: &mut egui::Ui) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(&document.origin);
            ui.separator();
            let counts: Vec<String> =
                Collection::ALL.iter().map(|&c| format!("{} {}", document.dataset.len(c), c.key())).collect();
            ui.label(counts.join(" · "));
            ui.separator();
            let errors = document.problems.iter().filter(|p| p.severity == Severity::Error).count();
            let warnings = document.problems.len() - errors;
            let problems = format!("{errors} errors, {warnings} warnings");
            if errors > 0 {
                ui.colored_label(ui.visuals().error_fg_color, problems);
            } else {
                ui.label(problems);
            }
            if busy {
                ui.separator();
                ui.spinner();
                ui.label("Working…");
            }
            if let Some((is_error, text)) = message {
                ui.separator();
                if *is_error {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                } else {
                    ui.label(text);
                }
            }
        });
    });
}
