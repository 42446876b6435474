//! Toasts in the corner, fading out, and the message log window.

use std::time::Instant;

use crate::context::{Level, Message, Notifications};

pub fn toasts_ui(notifications: &Notifications, ui: &mut egui::Ui) {
    let now = Instant::now();
    let toasts: Vec<_> = notifications.toasts(now).collect();
    if toasts.is_empty() {
        return;
    }
    // Keep repainting while toasts fade.
    ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -36.0])
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ui.ctx(), |ui| {
            ui.set_max_width(440.0);
            for (message, opacity) in toasts {
                ui.set_opacity(opacity);
                let visuals = ui.visuals();
                let (stroke, text) = match message.level {
                    Level::Error => (visuals.error_fg_color, visuals.error_fg_color),
                    Level::Info => (visuals.widgets.noninteractive.bg_stroke.color, visuals.text_color()),
                };
                egui::Frame::popup(ui.style()).stroke(egui::Stroke::new(1.0, stroke)).show(ui, |ui| {
                    ui.label(egui::RichText::new(&message.text).color(text));
                });
                ui.add_space(4.0);
            }
        });
}

pub fn log_window_ui(notifications: &Notifications, open: &mut bool, ctx: &egui::Context) {
    egui::Window::new("Message Log").open(open).default_size([560.0, 300.0]).show(ctx, |ui| {
        if notifications.log.is_empty() {
            ui.label("No messages yet.");
        }
        egui::ScrollArea::vertical().auto_shrink(false).stick_to_bottom(true).show(ui, |ui| {
            for message in &notifications.log {
                let text = format!("{}  {}", message.time, message.text);
                match message.level {
                    Level::Error => ui.colored_label(ui.visuals().error_fg_color, text),
                    Level::Info => ui.label(text),
                };
            }
        });
    });
}

/// What stands in for a view that failed: what happened, that the data is safe, and a way to retry.
pub fn view_failed_ui(view: &str, message: &str, commands: &mut Vec<Message>, ui: &mut egui::Ui) {
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.heading(format!("The {view} view failed"));
        ui.add_space(6.0);
        ui.label(format!("It stopped with: {message}"));
        ui.label("Your data is unchanged, the other views work, and saving works as before.");
        ui.label("The details are in View > Message Log; please report them with the steps that led here.");
        ui.add_space(8.0);
        if ui.button("Try again").clicked() {
            commands.push(Message::RetryView);
        }
    });
}
