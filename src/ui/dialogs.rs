//! Dialogs and windows: the unsaved-changes question, the path field (the fallback where no native
//! file dialog is available), the recovery offer, the command palette, the problems list, the log.

use std::path::PathBuf;

use crate::analysis::filter::Filter;
use crate::context::recovery::{Orphan, describe_time};
use crate::context::{Guarded, Message, Notifications, PathPurpose, UserCommand};
use crate::model::validate::Severity;
use crate::report::ReportFormat;

use super::View;

/// What the report dialog asks: format, title, sections, and whether the table filter applies.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportChoice {
    pub format: ReportFormat,
    pub title: String,
    pub use_filter: bool,
    pub timeline: bool,
    pub charts: bool,
    pub tables: bool,
    /// An earlier version's file, for a "Changes since" section; empty for none.
    pub changes_since: String,
    /// The most rows each table shows (0: all).
    pub row_limit: usize,
}

impl ReportChoice {
    pub fn new(title: String) -> Self {
        ReportChoice {
            format: ReportFormat::Html,
            title,
            use_filter: true,
            timeline: true,
            charts: true,
            tables: true,
            changes_since: String::new(),
            row_limit: crate::report::DEFAULT_ROW_LIMIT,
        }
    }

    pub fn extension(&self) -> &'static str {
        self.format.extension()
    }
}

/// The user's answer to a modal question, for the app to carry out.
pub enum Answer {
    Save(Guarded),
    Discard(Guarded),
    Recovery(RecoveryAnswer),
    /// Open a file another window has open: read-only, or anyway.
    OpenElsewhere {
        path: PathBuf,
        read_only: bool,
    },
    /// What to do about a save that found its file changed on disk.
    ChangedOnDisk(DiskAnswer),
    /// Write this report: ask where first.
    Report(ReportChoice),
    /// Save to this path, adding this change log entry first when it is not empty.
    SaveWithEntry {
        path: PathBuf,
        entry: String,
    },
    /// The change log dialog was cancelled: nothing is saved.
    CancelSave,
    /// Whether to ask for the change log entry at every save.
    AskChangelog(bool),
}

/// The change log entry drafted for a save, while the user edits it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangelogDraft {
    pub path: PathBuf,
    pub entry: String,
}

/// A save found the file written by another program since: what to do instead of writing over it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskAnswer {
    Overwrite(PathBuf),
    SaveAs,
    Compare(PathBuf),
    /// Nothing is saved.
    Cancel,
}

/// What to do with the recovery copies offered at start-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryAnswer {
    /// Restore the copy at this place in the list: here, or in a new window once this one holds
    /// restored work.
    Restore(usize),
    Discard(usize),
    RestoreAll,
    DiscardAll,
    /// Keep the copies for the next start.
    Later,
}

/// The recovery copies offered at start-up.
pub struct RecoveryOffer {
    pub copies: Vec<Orphan>,
    /// True once this window holds restored work: further copies open in windows of their own.
    pub restored_here: bool,
}

#[derive(Default)]
pub struct Dialogs {
    /// The action waiting on "Save / Discard / Cancel".
    pub guard: Option<Guarded>,
    /// The path field: what it is for and the text typed.
    pub path: Option<(PathPurpose, String)>,
    /// The recovery copies of windows that are gone, found at start-up, waiting for "Restore / Discard".
    pub recovery: Option<RecoveryOffer>,
    pub palette: Option<String>,
    /// The report dialog, while open.
    pub report: Option<ReportChoice>,
    /// A file to open that another window has open, waiting for "Open Read-Only / Open Anyway / Cancel".
    pub open_elsewhere: Option<PathBuf>,
    /// The file a save found changed on disk, waiting for "Overwrite / Save As / Compare / Cancel".
    pub changed_on_disk: Option<PathBuf>,
    /// The change log entry of a save, waiting for "Save / Save Without an Entry / Cancel".
    pub changelog: Option<ChangelogDraft>,
    pub problems_open: bool,
    pub log_open: bool,
    answers: Vec<Answer>,
}

impl Dialogs {
    pub fn open_path(&mut self, purpose: PathPurpose, suggested: Option<String>) {
        self.path = Some((purpose, suggested.unwrap_or_default()));
    }

    pub fn open_palette(&mut self) {
        self.palette = Some(String::new());
    }

    /// True while a modal question or a text-entry dialog has the keyboard.
    pub fn is_modal_open(&self) -> bool {
        self.guard.is_some()
            || self.path.is_some()
            || self.recovery.is_some()
            || self.palette.is_some()
            || self.report.is_some()
            || self.changelog.is_some()
            || self.changed_on_disk.is_some()
            || self.open_elsewhere.is_some()
    }

    pub fn take_answers(&mut self) -> Vec<Answer> {
        std::mem::take(&mut self.answers)
    }
}

pub fn windows_ui(
    view: &View<'_>,
    filter: &Filter,
    notifications: &Notifications,
    dialogs: &mut Dialogs,
    commands: &mut Vec<Message>,
    ui: &mut egui::Ui,
) {
    let ctx = ui.ctx().clone();
    guard_ui(view, dialogs, &ctx);
    path_ui(dialogs, commands, &ctx);
    recovery_ui(dialogs, &ctx);
    changed_on_disk_ui(dialogs, &ctx);
    open_elsewhere_ui(dialogs, &ctx);
    report_ui(filter, dialogs, &ctx);
    changelog_ui(view, dialogs, &ctx);
    palette_ui(dialogs, commands, &ctx);
    problems_ui(view, dialogs, commands, &ctx);
    super::messages::log_window_ui(notifications, &mut dialogs.log_open, &ctx);
}

fn changelog_ui(view: &View<'_>, dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(draft) = &mut dialogs.changelog else { return };
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("changelog_entry")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Change log entry");
        ui.label(format!(
            "Saving {} adds this entry to its change log, dated today. It was drafted from your edits since the \
             last save: say what they mean.",
            draft.path.file_name().map_or_else(|| draft.path.display().to_string(), |n| n.to_string_lossy().into())
        ));
        let text = egui::TextEdit::multiline(&mut draft.entry).desired_width(f32::INFINITY).desired_rows(5);
        ui.add(text).accessible_name("Change log entry");
        let mut ask = view.settings.ask_changelog;
        ui.checkbox(&mut ask, "Ask at every save (off: the draft is written as it is)")
            .on_hover_text("Settings keep this; the entry is always written unless you save without one");
        if ask != view.settings.ask_changelog {
            answer = Some(Answer::AskChangelog(ask));
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save with This Entry").clicked() {
                answer = Some(Answer::SaveWithEntry { path: draft.path.clone(), entry: draft.entry.trim().to_owned() });
            }
            if ui.button("Save Without an Entry").clicked() {
                answer = Some(Answer::SaveWithEntry { path: draft.path.clone(), entry: String::new() });
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Answer::CancelSave);
            }
        });
    });
    if let Some(answer) = answer {
        if !matches!(answer, Answer::AskChangelog(_)) {
            dialogs.changelog = None;
        }
        dialogs.answers.push(answer);
    }
}

fn guard_ui(view: &View<'_>, dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(action) = dialogs.guard.clone() else { return };
    let mut answered = false;
    let modal = egui::Modal::new(egui::Id::unique("unsaved_changes")).show(ctx, |ui| {
        ui.set_max_width(420.0);
        ui.heading("Unsaved changes");
        ui.label(format!(
            "{} has changes that are not saved. Save them before {}?",
            view.document.display_name(),
            action.verb()
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                dialogs.answers.push(Answer::Save(action.clone()));
                answered = true;
            }
            if ui.button("Discard").clicked() {
                dialogs.answers.push(Answer::Discard(action.clone()));
                answered = true;
            }
            if ui.button("Cancel").clicked() {
                answered = true;
            }
        });
    });
    if answered || modal.should_close() {
        dialogs.guard = None;
    }
}

fn changed_on_disk_ui(dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(path) = dialogs.changed_on_disk.clone() else { return };
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("changed_on_disk")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("The file changed on disk");
        ui.label(format!(
            "{} was written by another program or window since you opened or last saved it. Saving now \
             would replace those changes with yours.",
            path.display()
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Overwrite").on_hover_text("Replace the file with what is open here").clicked() {
                answer = Some(DiskAnswer::Overwrite(path.clone()));
            }
            if ui.button("Save As…").on_hover_text("Keep both: save yours under another name").clicked() {
                answer = Some(DiskAnswer::SaveAs);
            }
            if ui.button("Compare").on_hover_text("See what differs, and take changes from it").clicked() {
                answer = Some(DiskAnswer::Compare(path.clone()));
            }
            if ui.button("Cancel").clicked() {
                answer = Some(DiskAnswer::Cancel);
            }
        });
    });
    if answer.is_none() && modal.should_close() {
        answer = Some(DiskAnswer::Cancel);
    }
    if let Some(answer) = answer {
        dialogs.changed_on_disk = None;
        dialogs.answers.push(Answer::ChangedOnDisk(answer));
    }
}

fn open_elsewhere_ui(dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(path) = dialogs.open_elsewhere.clone() else { return };
    let mut answer = None;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("open_elsewhere")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("Open in another window");
        ui.label(format!(
            "{} is open in another Pledge Explorer window. Open it read-only here, or open it anyway (saving \
             from both windows asks before either writes over the other's changes).",
            path.display()
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Open Read-Only").clicked() {
                answer = Some(true);
            }
            if ui.button("Open Anyway").clicked() {
                answer = Some(false);
            }
            close = ui.button("Cancel").clicked();
        });
    });
    if let Some(read_only) = answer {
        dialogs.answers.push(Answer::OpenElsewhere { path, read_only });
    }
    if answer.is_some() || close || modal.should_close() {
        dialogs.open_elsewhere = None;
    }
}

fn path_ui(dialogs: &mut Dialogs, commands: &mut Vec<Message>, ctx: &egui::Context) {
    let Some((purpose, text)) = &mut dialogs.path else { return };
    let purpose = *purpose;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("path_dialog")).show(ctx, |ui| {
        ui.set_min_width(480.0);
        ui.heading(purpose.title());
        let label = ui.label("Path");
        let field =
            ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY).hint_text("/home/me/pledges.json"));
        let field = field.labelled_by(label.id);
        if ui.memory(|m| m.focused().is_none()) {
            field.request_focus();
        }
        let entered = ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.horizontal(|ui| {
            let accept = ui.add_enabled(!text.trim().is_empty(), egui::Button::new("OK")).clicked();
            if (accept || entered) && !text.trim().is_empty() {
                commands.push(purpose.message(PathBuf::from(text.trim())));
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close || modal.should_close() {
        dialogs.path = None;
    }
}

fn report_ui(filter: &Filter, dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(choice) = &mut dialogs.report else { return };
    let mut answer = None;
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("report_dialog")).show(ctx, |ui| {
        ui.set_min_width(420.0);
        ui.heading("Save a report");
        ui.label("A briefing for readers without the app: headline figures, the timeline, charts, tables and numbered sources.");
        ui.add_space(6.0);
        let label = ui.label("Title");
        ui.add(egui::TextEdit::singleline(&mut choice.title).desired_width(f32::INFINITY)).labelled_by(label.id);
        ui.add_space(4.0);
        ui.label("Format");
        ui.indent("report_formats", |ui| {
            ui.radio_value(&mut choice.format, ReportFormat::Html, "HTML (one file)");
            ui.radio_value(&mut choice.format, ReportFormat::Md, "Markdown (+ SVG files)");
            ui.radio_value(&mut choice.format, ReportFormat::Pdf, "PDF (A4, for print)");
            ui.radio_value(&mut choice.format, ReportFormat::Csv, "CSV (the acquisitions)");
            ui.radio_value(&mut choice.format, ReportFormat::Xlsx, "Excel workbook (the acquisitions and commitments)");
        });
        let sections = !matches!(choice.format, ReportFormat::Csv | ReportFormat::Xlsx);
        ui.add_enabled_ui(sections, |ui| {
            ui.horizontal(|ui| {
                ui.checkbox(&mut choice.timeline, "Timeline");
                ui.checkbox(&mut choice.charts, "Charts");
                ui.checkbox(&mut choice.tables, "Tables");
                let label = ui.label("at most");
                let limit = egui::DragValue::new(&mut choice.row_limit).range(0..=1_000_000).speed(100.0);
                ui.add_enabled(choice.tables, limit)
                    .labelled_by(label.id)
                    .on_hover_text("Rows per table; the rest are counted and left to the CSV report. 0: every row");
                ui.label("rows");
            });
            let label = ui.label("Changes since (the file of an earlier version; leave empty for none)");
            let field = egui::TextEdit::singleline(&mut choice.changes_since)
                .hint_text("/path/to/release-2025.1.json")
                .desired_width(f32::INFINITY);
            ui.add(field).labelled_by(label.id);
        });
        ui.checkbox(&mut choice.use_filter, format!("Only what the tables show ({})", filter.describe()));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("Save…").clicked() {
                answer = Some(Answer::Report(choice.clone()));
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if let Some(answer) = answer {
        dialogs.answers.push(answer);
    }
    if close || modal.should_close() {
        dialogs.report = None;
    }
}

fn recovery_ui(dialogs: &mut Dialogs, ctx: &egui::Context) {
    let Some(offer) = &dialogs.recovery else { return };
    let mut answer = None;
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Restore unsaved work?");
        let windows = match offer.copies.len() {
            1 => "a window".to_owned(),
            n => format!("{n} windows"),
        };
        ui.label(format!(
            "Pledge Explorer closed with unsaved changes in {windows}. A copy of each was kept: restore it \
             (the first in this window, any other in a window of its own), or discard it."
        ));
        ui.add_space(8.0);
        egui::Grid::new("recovery_copies").num_columns(4).spacing([12.0, 6.0]).show(ui, |ui| {
            for (index, copy) in offer.copies.iter().enumerate() {
                let name = crate::context::document::display_name(copy.work.path.as_deref(), &copy.work.origin);
                ui.label(&name).on_hover_text(copy.work.origin.as_str());
                let changes = match copy.work.changes {
                    0 => "changes".to_owned(),
                    1 => "1 change".to_owned(),
                    n => format!("{n} changes"),
                };
                ui.label(format!("{changes}, kept {}", describe_time(&copy.saved_at)));
                let restore = if offer.restored_here { "Restore in New Window" } else { "Restore" };
                if ui.button(restore).accessible_name(format!("Restore {name}")).clicked() {
                    answer = Some(RecoveryAnswer::Restore(index));
                }
                if ui.button("Discard").accessible_name(format!("Discard {name}")).clicked() {
                    answer = Some(RecoveryAnswer::Discard(index));
                }
                ui.end_row();
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if offer.copies.len() > 1 && ui.button("Restore All").clicked() {
                answer = Some(RecoveryAnswer::RestoreAll);
            }
            if offer.copies.len() > 1 && ui.button("Discard All").clicked() {
                answer = Some(RecoveryAnswer::DiscardAll);
            }
            if ui.button("Decide Later").on_hover_text("Ask again at the next start").clicked() {
                answer = Some(RecoveryAnswer::Later);
            }
        });
    });
    if let Some(answer) = answer {
        dialogs.answers.push(Answer::Recovery(answer));
    }
}

fn palette_ui(dialogs: &mut Dialogs, commands: &mut Vec<Message>, ctx: &egui::Context) {
    let Some(query) = &mut dialogs.palette else { return };
    let mut close = false;
    let modal = egui::Modal::new(egui::Id::unique("command_palette")).show(ctx, |ui| {
        ui.set_width(420.0);
        let field = ui.add(egui::TextEdit::singleline(query).hint_text("Type a command…").desired_width(f32::INFINITY));
        let field = field.accessible_name("Command");
        if ui.memory(|m| m.focused().is_none()) {
            field.request_focus();
        }
        let needle = query.to_lowercase();
        let matches: Vec<UserCommand> = UserCommand::ALL
            .into_iter()
            .filter(|command| *command != UserCommand::CommandPalette)
            .filter(|command| command.label().to_lowercase().contains(&needle))
            .collect();
        if ui.input(|i| i.key_pressed(egui::Key::Enter))
            && let Some(&first) = matches.first()
        {
            commands.push(first.into());
            close = true;
        }
        egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
            for command in matches {
                let button = egui::Button::new(command.label()).shortcut_text(command.shortcut_text(ui.ctx()));
                if ui.add_sized([ui.available_width(), 22.0], button).clicked() {
                    commands.push(command.into());
                    close = true;
                }
            }
        });
    });
    if close || modal.should_close() {
        dialogs.palette = None;
    }
}

fn problems_ui(view: &View<'_>, dialogs: &mut Dialogs, commands: &mut Vec<Message>, ctx: &egui::Context) {
    let problems = &view.document.problems.list;
    let failure = view.document.check_failure();
    // After a failed check the problems held are an earlier state's: not counted in the title as if current.
    let counted = view.document.is_checked() && failure.is_none();
    let title = if counted { format!("Problems ({})", problems.len()) } else { "Problems".to_owned() };
    egui::Window::new(title)
        .id(egui::Id::unique("problems_window"))
        .open(&mut dialogs.problems_open)
        .default_size([640.0, 320.0])
        .show(ctx, |ui| {
            if let Some(failure) = failure {
                ui.colored_label(ui.visuals().error_fg_color, format!("The data check failed: {failure}."));
                ui.label(match (view.document.is_checked(), problems.is_empty()) {
                    (false, _) => "The data has not been checked, so no problems are known.",
                    (true, true) => "The last check that ended, before the latest changes, found no problems.",
                    (true, false) => "Listed below: what the last check that ended found, before the latest changes.",
                });
                if ui.button("Check Again").clicked() {
                    commands.push(Message::CheckAgain);
                }
            } else if !view.document.is_checked() {
                ui.label(crate::ui::status_bar::CHECKING);
            } else if problems.is_empty() {
                ui.label("No problems: every reference resolves and every record cites a source.");
            }
            if !view.document.is_checked() || problems.is_empty() {
                return;
            }
            ui.label("Click a problem to select its record.");
            let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
            egui::ScrollArea::vertical().auto_shrink(false).show_rows(ui, row_height, problems.len(), |ui, rows| {
                for problem in &problems[rows] {
                    let color = match problem.severity {
                        Severity::Error => ui.visuals().error_fg_color,
                        Severity::Warning => ui.visuals().warn_fg_color,
                    };
                    let text = egui::RichText::new(problem.to_string()).color(color);
                    let response = ui.add(egui::Button::selectable(false, text).truncate());
                    if response.clicked()
                        && let Some(collection) = problem.place.collection
                    {
                        commands.push(Message::Select(collection, problem.place.index));
                    }
                }
            });
        });
}
