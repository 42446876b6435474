//! Carrying out what the user asked: user commands (menus, shortcuts, the palette), the messages views
//! send, the answers of dialogs and what worker threads finished.

use std::path::PathBuf;

use crate::context::history::Edit;
use crate::context::{Document, Guarded, Message, PathPurpose, UserCommand};
use crate::model::Collection;
use crate::ui;

use super::tasks::Outcome;
use super::{PledgeApp, file_stem};

impl PledgeApp {
    /// Runs a user command, asking first where it would drop unsaved changes.
    pub fn run(&mut self, command: UserCommand, ctx: &egui::Context) {
        log::debug!("command: {}", command.label());
        if let Some(collection) = command.shown_table() {
            self.show_table(collection);
            return;
        }
        if let Some(theme) = command.theme() {
            self.settings.theme = theme;
            return;
        }
        match command {
            UserCommand::New => self.guarded(Guarded::New, ctx),
            UserCommand::Open => self.guarded(Guarded::Open, ctx),
            UserCommand::OpenPath => self.guarded(Guarded::OpenPath, ctx),
            UserCommand::Import => self.pick(PathPurpose::Import, ctx),
            UserCommand::Quit => self.guarded(Guarded::Quit, ctx),
            UserCommand::Save => match self.document.path.clone() {
                Some(path) if !self.document.read_only => self.save_to(path, ctx),
                _ => self.pick(PathPurpose::SaveAs, ctx),
            },
            UserCommand::SaveAs => self.pick(PathPurpose::SaveAs, ctx),
            UserCommand::ExportCsv => self.pick(PathPurpose::ExportCsv, ctx),
            UserCommand::ExportXlsx => self.pick(PathPurpose::ExportXlsx, ctx),
            UserCommand::SaveReport => {
                let title = if self.document.dataset.meta.title.is_empty() {
                    self.document.display_name()
                } else {
                    self.document.dataset.meta.title.clone()
                };
                self.dialogs.report =
                    Some(self.report_choice.clone().unwrap_or_else(|| ui::dialogs::ReportChoice::new(title)));
            }
            UserCommand::Undo => match self.document.undo() {
                Some((label, target)) => {
                    self.select_after_edit(target);
                    self.notifications.info(format!("Undid {label}"));
                }
                None => self.notifications.info("Nothing to undo"),
            },
            UserCommand::Redo => match self.document.redo() {
                Some((label, target)) => {
                    self.select_after_edit(target);
                    self.notifications.info(format!("Redid {label}"));
                }
                None => self.notifications.info("Nothing to redo"),
            },
            UserCommand::Find => self.tables.focus_search = true,
            UserCommand::AddRecord => self.add_record(),
            UserCommand::DuplicateRecord => self.duplicate_record(),
            UserCommand::DeleteRecord => self.delete_record(),
            UserCommand::ShowPlots => self.main = ui::MainView::Plots,
            UserCommand::ShowProgress => self.main = ui::MainView::Progress,
            UserCommand::CompareWith => self.pick(PathPurpose::Compare, ctx),
            UserCommand::ShowChanges => match self.comparison {
                Some(_) => self.main = ui::MainView::Changes,
                None => self.notifications.info("Nothing is being compared: File > Compare With… picks a version"),
            },
            UserCommand::ShowTimeline => self.main = ui::MainView::Timeline,
            UserCommand::ExportTimelineSvg | UserCommand::ExportTimelinePng => {
                self.main = ui::MainView::Timeline;
                let png = command == UserCommand::ExportTimelinePng;
                self.pick(if png { PathPurpose::TimelinePng } else { PathPurpose::TimelineSvg }, ctx);
            }
            UserCommand::ExportPlotSvg | UserCommand::ExportPlotPng => {
                self.main = ui::MainView::Plots;
                let png = command == UserCommand::ExportPlotPng;
                self.pick(if png { PathPurpose::ExportPng } else { PathPurpose::ExportSvg }, ctx);
            }
            UserCommand::ToggleEditor => self.settings.editor_open = !self.settings.editor_open,
            UserCommand::ShowProblems => self.dialogs.problems_open = true,
            UserCommand::ShowLog => self.dialogs.log_open = true,
            UserCommand::CommandPalette => self.dialogs.open_palette(),
            // Handled above, with their table or theme.
            UserCommand::ShowAcquisitions
            | UserCommand::ShowCommitments
            | UserCommand::ShowEvents
            | UserCommand::ShowSources
            | UserCommand::ShowActors
            | UserCommand::ThemeSystem
            | UserCommand::ThemeLight
            | UserCommand::ThemeDark => {}
        }
    }

    /// Handles a message from a view, a dialog, a test or the start-up.
    pub fn handle(&mut self, message: Message, ctx: &egui::Context) {
        if self.document.read_only && message.edits_data() {
            self.notifications.info(format!(
                "{} is open read-only (another window has it open): Save As gives a copy you can change",
                self.document.display_name()
            ));
            return;
        }
        match message {
            Message::Command(command) => self.run(command, ctx),
            Message::OpenFile(path) => self.open_file(path, ctx),
            Message::ImportFile(path) => self.open_import(path, ctx),
            Message::RunImport { append: false } => self.guarded(Guarded::NewFromImport, ctx),
            Message::RunImport { append: true } => self.run_import(true, ctx),
            Message::CompareWith(path) => self.compare_with(path, ctx),
            Message::ReloadFromDisk => {
                if let Some(change) = self.disk_change.take() {
                    self.guarded(Guarded::OpenFile(change.path), ctx);
                }
            }
            Message::DismissDiskChange => self.disk_change = None,
            Message::CancelTask => self.tasks.cancel(),
            Message::TakeChanges { proposals, meta, with_conflicts } => {
                self.take_changes(&proposals, meta, with_conflicts);
            }
            Message::CloseComparison => {
                self.comparison = None;
                if self.main == ui::MainView::Changes {
                    self.main = ui::MainView::Tables;
                }
            }
            Message::CloseImport => {
                self.import = None;
                self.known_import = None;
            }
            Message::SaveTo(path) => self.save_to(path, ctx),
            Message::SaveReportTo(path) => self.write_report(path, ctx),
            Message::ExportCsvTo(path) => self.tasks.export_csv(self.document.dataset.clone(), path, ctx),
            Message::ExportXlsxTo(path) => self.tasks.export_xlsx(self.document.dataset.clone(), path, ctx),
            Message::ExportTimelineTo { path, png } => self.export_timeline(path, png, ctx),
            Message::ExportPlotTo { path, png } => self.export_plot(path, png, ctx),
            Message::FilterToProgress { by, group, stages } => {
                let dataset = &self.document.dataset;
                match ui::progress::filter_for_bar(&self.filter, dataset, by, group, &stages) {
                    Some(filter) => {
                        let described = filter.describe();
                        self.filter = filter;
                        self.show_table(Collection::Acquisitions);
                        self.selection = None;
                        self.notifications.info(format!("The tables show the records of {described}"));
                    }
                    None => self.notifications.error("Cannot filter the tables to that bar".to_owned()),
                }
            }
            Message::FilterToBar { group_by, group, stage } => {
                let dataset = &self.document.dataset;
                let name = crate::analysis::volumes::group_name(dataset, group);
                match ui::plots::filter_for_bar(&self.filter, dataset, group_by, group, stage) {
                    Some(filter) => {
                        self.filter = filter;
                        self.show_table(Collection::Acquisitions);
                        self.selection = None;
                        self.notifications.info(format!("The tables show the records of {name}, {}", stage.label()));
                    }
                    None => self.notifications.error(format!("Cannot filter the tables to “{name}”")),
                }
            }
            Message::SortBy(collection, sort) => match sort {
                Some(sort) => {
                    self.settings.sorts.insert(collection.key().to_owned(), sort);
                }
                None => {
                    self.settings.sorts.remove(collection.key());
                }
            },
            Message::ShowEditor => self.settings.editor_open = true,
            Message::SealUndoStep => self.document.history.seal(),
            Message::Notify(text) => self.notifications.info(text),
            Message::RetryView => self.failed_view = None,
            Message::CheckAgain => self.document.check_again(),
            Message::Select(collection, index) => {
                if matches!(self.main, ui::MainView::Plots | ui::MainView::Progress | ui::MainView::Changes) {
                    self.main = ui::MainView::Tables;
                }
                self.tab = collection;
                self.selection = Some((collection, index));
                self.tables.scroll_to_selection = true;
            }
            Message::SetFields { collection, index, texts, field } => self.set_fields(collection, index, &texts, field),
        }
    }

    fn show_table(&mut self, collection: Collection) {
        self.main = ui::MainView::Tables;
        if self.tab != collection {
            self.tab = collection;
            self.selection = None;
        }
    }

    /// Runs an action that replaces or closes the document, asking first if there are unsaved changes.
    pub(super) fn guarded(&mut self, action: Guarded, ctx: &egui::Context) {
        if self.document.is_modified() && !matches!(action, Guarded::Quit if self.quit_confirmed) {
            self.dialogs.guard = Some(action);
        } else {
            self.proceed(action, ctx);
        }
    }

    /// Runs a guarded action once the user has answered (or nothing was at stake).
    pub fn proceed(&mut self, action: Guarded, ctx: &egui::Context) {
        log::debug!("proceeding with {action:?}");
        match action {
            Guarded::New => {
                self.discard_recovery();
                self.replace_document(Document::empty());
            }
            Guarded::Open => self.pick(PathPurpose::Open, ctx),
            Guarded::OpenPath => self.dialogs.open_path(PathPurpose::Open, None),
            Guarded::NewFromImport => self.run_import(false, ctx),
            Guarded::OpenFile(path) => {
                if self.recovery.as_ref().is_some_and(|store| store.open_elsewhere(&path)) {
                    self.dialogs.open_elsewhere = Some(path);
                } else {
                    self.tasks.load(path, false, ctx);
                }
            }
            Guarded::Quit => {
                self.quit_confirmed = true;
                self.quit_requested = true;
                self.discard_recovery_if_clean();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// The user chose Discard in the unsaved-changes question.
    pub fn discard_and_proceed(&mut self, action: Guarded, ctx: &egui::Context) {
        self.discard_recovery();
        // From here on the old document's changes are let go: mark it clean so the action goes through.
        self.document.mark_saved();
        self.proceed(action, ctx);
    }

    /// The user chose Save in the unsaved-changes question: save, then carry on.
    pub fn save_and_proceed(&mut self, action: Guarded, ctx: &egui::Context) {
        self.tasks.after_save = Some(action);
        self.run(UserCommand::Save, ctx);
    }

    pub(super) fn pick(&mut self, purpose: PathPurpose, ctx: &egui::Context) {
        // The path field shows this in full; the native dialog uses only the file name.
        let folder = self
            .document
            .path
            .as_ref()
            .and_then(|path| path.parent().map(PathBuf::from))
            .or_else(|| std::env::var_os("HOME").map(PathBuf::from))
            .unwrap_or_default();
        let suggested = match purpose {
            PathPurpose::SaveAs => Some(folder.join(format!("{}.json", file_stem(&self.document)))),
            PathPurpose::ExportCsv => Some(folder.join(format!("{}-csv", file_stem(&self.document)))),
            PathPurpose::ExportXlsx => Some(folder.join(format!("{}.xlsx", file_stem(&self.document)))),
            PathPurpose::ExportSvg => Some(folder.join(format!("{}-plot.svg", file_stem(&self.document)))),
            PathPurpose::ExportPng => Some(folder.join(format!("{}-plot.png", file_stem(&self.document)))),
            PathPurpose::TimelineSvg => Some(folder.join(format!("{}-timeline.svg", file_stem(&self.document)))),
            PathPurpose::TimelinePng => Some(folder.join(format!("{}-timeline.png", file_stem(&self.document)))),
            PathPurpose::Report => {
                let extension = self.report_choice.as_ref().map_or("html", |c| c.extension());
                Some(folder.join(format!("{}-report.{extension}", file_stem(&self.document))))
            }
            PathPurpose::Open | PathPurpose::Import | PathPurpose::Compare => Some(folder.join("")),
        }
        .map(|path| path.display().to_string());
        self.tasks.pick(purpose, suggested, ctx);
    }

    /// Saves to `path`, first offering the change log entry the edits since the last save come to.
    fn save_to(&mut self, path: PathBuf, ctx: &egui::Context) {
        let draft = if self.document.is_modified() { self.document.changelog_draft() } else { String::new() };
        if draft.is_empty() {
            self.write_to(path, ctx);
        } else if self.settings.ask_changelog {
            self.dialogs.changelog = Some(ui::dialogs::ChangelogDraft { path, entry: draft });
        } else {
            self.save_with_entry(path, draft, ctx);
        }
    }

    /// Adds `entry` (when not empty) to the change log as an undoable edit, then saves to `path`.
    pub fn save_with_entry(&mut self, path: PathBuf, entry: String, ctx: &egui::Context) {
        if !entry.is_empty() {
            let mut meta = self.document.dataset.meta.clone();
            meta.changelog.push(crate::model::ChangelogEntry { date: crate::model::FuzzyDate::today(), text: entry });
            self.document.apply(Edit::Meta(Box::new(meta)), "change log entry".to_owned(), None);
        }
        self.write_to(path, ctx);
    }

    /// Saves to `path`, unless it is the open file and another program wrote it since (then asks).
    fn write_to(&mut self, path: PathBuf, ctx: &egui::Context) {
        let expected = if self.document.path.as_ref() == Some(&path) { self.document.disk } else { None };
        self.start_save(path, expected, ctx);
    }

    /// Saves on a worker; with `expected`, only over the file as it stamps.
    fn start_save(&mut self, path: PathBuf, expected: Option<crate::io::stamp::DiskStamp>, ctx: &egui::Context) {
        // The save's own write is no change by another program.
        if let Some(watch) = &self.watch {
            watch.set(None);
        }
        let state = self.document.begin_save();
        if !self.tasks.save(self.document.dataset.clone(), path, state, expected, ctx) {
            self.watch_document();
        }
    }

    /// Carries out the answer to a save that found its file changed on disk.
    pub(super) fn answer_changed_on_disk(&mut self, answer: ui::dialogs::DiskAnswer, ctx: &egui::Context) {
        match answer {
            // The user chose to write over what is there now.
            ui::dialogs::DiskAnswer::Overwrite(path) => self.start_save(path, None, ctx),
            ui::dialogs::DiskAnswer::SaveAs => self.run(UserCommand::SaveAs, ctx),
            ui::dialogs::DiskAnswer::Compare(path) => {
                self.tasks.after_save = None;
                self.compare_with(path, ctx);
            }
            ui::dialogs::DiskAnswer::Cancel => self.tasks.after_save = None,
        }
    }

    /// Points the watcher at the open file as last read or written, and tells other windows it is open.
    pub(super) fn watch_document(&mut self) {
        if let Some(watch) = &self.watch {
            let file = self.document.path.clone().zip(self.document.disk);
            watch.set(file);
        }
        if let Some(store) = &self.recovery {
            store.set_open_file(self.document.path.as_deref().filter(|_| !self.document.read_only));
        }
        self.disk_change = None;
    }

    pub(super) fn replace_document(&mut self, document: Document) {
        self.document = document;
        self.announce_problems = false;
        self.watch_document();
        self.selection = None;
        self.autosaved_generation = self.document.generation;
        self.tables = Default::default();
        self.editor = Default::default();
        // Views not shown would hold the old dataset's figures until shown again.
        self.plots.forget_data();
        self.progress.forget_data();
        self.timeline.forget_data();
        self.comparison = None;
        if self.main == ui::MainView::Changes {
            self.main = ui::MainView::Tables;
        }
    }

    pub(super) fn discard_recovery(&mut self) {
        if let Some(store) = &self.recovery {
            store.remove();
        }
    }

    fn discard_recovery_if_clean(&mut self) {
        if !self.document.is_modified() {
            self.discard_recovery();
        }
    }

    pub(super) fn select_after_edit(&mut self, target: Option<(Collection, usize)>) {
        if let Some((collection, index)) = target {
            self.tab = collection;
            self.selection = Some((collection, index));
        } else if let Some((collection, index)) = self.selection
            && index >= self.document.dataset.len(collection)
        {
            self.selection = index.checked_sub(1).map(|i| (collection, i));
        }
    }

    /// Takes what the workers finished.
    /// After an open, save or import that was cancelled or failed: nothing follows it (no action waiting
    /// for the save, no import running), and the open file is watched again.
    fn task_ended_without_result(&mut self) {
        self.tasks.after_save = None;
        if let Some(import) = &mut self.import {
            import.running = false;
        }
        self.watch_document();
    }

    pub(super) fn collect_outcomes(&mut self, ctx: &egui::Context) {
        while let Some(outcome) = self.tasks.next_outcome() {
            match outcome {
                Outcome::Picked { purpose, path: Some(path) } => match purpose {
                    PathPurpose::Open => self.open_file(path, ctx),
                    PathPurpose::Import => self.open_import(path, ctx),
                    PathPurpose::SaveAs => self.save_to(path, ctx),
                    PathPurpose::ExportCsv => self.handle(Message::ExportCsvTo(path), ctx),
                    PathPurpose::ExportXlsx => self.handle(Message::ExportXlsxTo(path), ctx),
                    PathPurpose::ExportSvg => self.export_plot(path, false, ctx),
                    PathPurpose::ExportPng => self.export_plot(path, true, ctx),
                    PathPurpose::TimelineSvg => self.export_timeline(path, false, ctx),
                    PathPurpose::TimelinePng => self.export_timeline(path, true, ctx),
                    PathPurpose::Report => self.write_report(path, ctx),
                    PathPurpose::Compare => self.handle(Message::CompareWith(path), ctx),
                },
                Outcome::Picked { path: None, .. } => self.tasks.after_save = None,
                Outcome::NoNativeDialog { purpose, suggested } => {
                    self.notifications.info("No native file dialog is available here: type the path instead");
                    self.dialogs.open_path(purpose, suggested);
                }
                Outcome::Loaded(loaded) => match *loaded {
                    Ok(document) => {
                        if let Some(path) = &document.path {
                            self.settings.remember(path);
                        }
                        let mut message = format!("Opened {}", document.origin);
                        if document.is_checked() {
                            let problems = document.problems.len();
                            if problems > 0 {
                                message.push_str(&format!(" ({problems} problems: see View > Problems)"));
                            }
                        } else if document.check_failure().is_none() {
                            message.push_str(" (checking its data)");
                        }
                        if let Some(upgrade) = document.dataset.upgraded {
                            message.push_str(&format!(". {}", crate::io::upgrade_notice(upgrade)));
                        }
                        self.notifications.info(message);
                        self.replace_document(document);
                        self.announce_problems = !self.document.is_checked();
                    }
                    Err(error) => self.notifications.error(error.to_string()),
                },
                Outcome::Saved { path, state, result: Ok(stamp) } => {
                    self.settings.remember(&path);
                    self.document.saved_as(path.clone(), state, stamp);
                    self.watch_document();
                    self.discard_recovery_if_clean();
                    self.notifications.info(format!("Saved {}", path.display()));
                    if let Some(action) = self.tasks.after_save.take() {
                        self.proceed(action, ctx);
                    }
                }
                Outcome::Cancelled { what } => {
                    self.task_ended_without_result();
                    self.notifications.info(format!("{what} was cancelled: nothing changed"));
                }
                Outcome::Failed { work, message } => {
                    log::error!("{work} failed: {message}");
                    self.task_ended_without_result();
                    let work = work.trim_end_matches('…');
                    self.notifications.error(format!(
                        "{work} stopped because of a bug in Pledge Explorer ({message}). Nothing was changed: \
                         the open data and the files on disk are as they were."
                    ));
                }
                Outcome::ChangedOnDisk { path } => {
                    self.watch_document();
                    self.dialogs.changed_on_disk = Some(path);
                }
                Outcome::Saved { result: Err(error), .. } => {
                    self.watch_document();
                    self.tasks.after_save = None;
                    self.notifications.error(format!("{error}. Your changes are still here, not saved."));
                }
                Outcome::Exported { path, result } => match result {
                    Ok(()) => self.notifications.info(format!("Exported to {}", path.display())),
                    Err(error) => self.notifications.error(error.to_string()),
                },
                Outcome::TableRead(result) => self.table_read(*result),
                Outcome::Imported { append, result } => self.imported(append, *result),
                Outcome::ReadForComparison { path, result } => self.read_for_comparison(path, *result),
                Outcome::Autosaved(result) => {
                    if let Err(error) = result {
                        self.notifications.error(format!("Could not write the recovery copy: {error}"));
                    }
                }
            }
        }
    }
}
