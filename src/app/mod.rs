//! The desktop app: the open document, the frame loop, worker threads for dialogs and files, autosave,
//! settings. Views in `ui` read the shared state (`crate::context`) and send [`Message`]s; only this module
//! changes the document, through [`Document::apply`], so every edit has an undo step.
//!
//! Where things are: [`command_handling`] carries out user commands and messages, `records` adds, copies,
//! deletes and edits records, `exports` writes plots, the timeline and reports, `autosave` keeps the
//! recovery copy and recovers from a view that failed, `tasks` runs work on worker threads.

mod autosave;
pub mod command_handling;
mod compare;
mod exports;
mod import;
mod records;
mod tasks;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

pub use tasks::TaskError;

use crate::analysis::filter::Filter;
use crate::context::recovery::{self, RecoveryStore};
use crate::context::{Document, Guarded, Message, Notifications, PathPurpose, Settings, UserCommand, settings};
use crate::model::Collection;
use crate::ui;
use crate::ui::dialogs::Dialogs;
use tasks::Tasks;

/// Opens the main window on `file`, or on the embedded default dataset.
pub fn run_gui(file: Option<PathBuf>, recover: Option<PathBuf>) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([640.0, 400.0])
            .with_title("Pledge Explorer")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Pledge Explorer",
        options,
        Box::new(move |cc| {
            let settings = Settings::load(cc.storage);
            let (recovery, recovery_error) = match RecoveryStore::in_data_folder() {
                Some(Ok(store)) => (Some(store), None),
                Some(Err(error)) => (None, Some(error)),
                None => (None, None),
            };
            let autosave_interval = recovery::INTERVAL;
            let mut app = PledgeApp::new(StartOptions {
                file,
                settings,
                recovery: recovery.clone(),
                autosave_interval,
                recover,
                new_window_program: None,
            });
            if let Some(error) = recovery_error {
                app.notifications.error(format!("Unsaved work cannot be kept in a recovery copy: {error}"));
            }
            if let Some(store) = recovery {
                recovery::write_on_panic(store, app.unsaved.clone());
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pledge-explorer: cannot open a window: {error}");
            eprintln!("(the command line works without a display: pledge-explorer --help)");
            ExitCode::FAILURE
        }
    }
}

/// What the app starts with.
pub struct StartOptions {
    /// A file to open instead of the default dataset.
    pub file: Option<PathBuf>,
    pub settings: Settings,
    /// Where unsaved work is copied; None turns autosave off.
    pub recovery: Option<RecoveryStore>,
    /// How often unsaved changes are copied there.
    pub autosave_interval: std::time::Duration,
    /// A recovery copy to restore at once (a window started by another to restore it).
    pub recover: Option<PathBuf>,
    /// The program started to restore a copy in a new window; None: this one.
    pub new_window_program: Option<PathBuf>,
}

impl Default for StartOptions {
    /// The embedded dataset, default settings, no recovery copies.
    fn default() -> Self {
        StartOptions {
            file: None,
            settings: Settings::default(),
            recovery: None,
            autosave_interval: recovery::INTERVAL,
            recover: None,
            new_window_program: None,
        }
    }
}

pub struct PledgeApp {
    pub document: Document,
    pub settings: Settings,
    /// The table shown when the tables are.
    pub tab: Collection,
    /// The filter of the tables, which the timeline, plots and reports share.
    pub filter: Filter,
    /// The selected record: its collection and position.
    pub selection: Option<(Collection, usize)>,
    pub notifications: Notifications,
    pub tables: ui::tables::TablesState,
    pub editor: ui::editor::EditorState,
    /// What the central area shows.
    pub main: ui::MainView,
    pub plots: ui::plots::PlotsState,
    pub progress: ui::progress::ProgressState,
    pub timeline: ui::timeline::TimelineState,
    /// The last report chosen in the report dialog: what Save Report writes once a path is picked.
    pub report_choice: Option<ui::dialogs::ReportChoice>,
    pub dialogs: Dialogs,
    /// The import dialog, while open.
    pub import: Option<ui::import::ImportState>,
    /// The dialog for an export the app knows (SIPRI's, Kiel's), while open.
    pub known_import: Option<ui::known_import::KnownImportState>,
    /// The comparison with another version, while open.
    pub comparison: Option<ui::changes::Comparison>,
    /// The title last sent to the window.
    window_title: String,
    /// An opened file is being checked: its problems are announced when the check ends.
    announce_problems: bool,
    /// Watches the open file for writes by other programs; started with the first frame.
    watch: Option<watch::Watch>,
    /// What the watcher found, until the user acts on it or dismisses it.
    pub disk_change: Option<crate::context::document::DiskChange>,
    tasks: Tasks,
    recovery: Option<RecoveryStore>,
    autosave_interval: std::time::Duration,
    new_window_program: Option<PathBuf>,
    last_autosave: Instant,
    autosaved_generation: u64,
    /// Set once the user chose to quit despite unsaved changes (or there were none).
    quit_confirmed: bool,
    /// True once the app asked the window to close.
    pub quit_requested: bool,
    /// Messages sent outside the frame loop (start-up, tests), handled at the next frame.
    pending: Vec<Message>,
    /// The unsaved dataset for the panic handler (None when everything is saved), updated on change.
    pub unsaved: Arc<recovery::Unsaved>,
    unsaved_generation: Option<u64>,
    /// A view that panicked, and why: it is replaced by an explanation until the user tries it again.
    pub failed_view: Option<(ui::MainView, String)>,
    /// Makes the next view drawn panic, to prove the app survives it (tests, and
    /// `PLEDGE_EXPLORER_PANIC_IN_VIEW=1` for a manual check).
    pub panic_in_next_view: bool,
}

impl PledgeApp {
    pub fn new(options: StartOptions) -> Self {
        let mut app = PledgeApp {
            document: Document::default_dataset(),
            tab: Collection::Acquisitions,
            filter: Filter::default(),
            selection: None,
            notifications: Notifications::default(),
            tables: Default::default(),
            editor: Default::default(),
            main: ui::MainView::Tables,
            plots: Default::default(),
            progress: Default::default(),
            timeline: Default::default(),
            report_choice: None,
            dialogs: Dialogs::default(),
            import: None,
            known_import: None,
            comparison: None,
            window_title: String::new(),
            announce_problems: false,
            watch: None,
            disk_change: None,
            tasks: Tasks::default(),
            recovery: options.recovery,
            autosave_interval: options.autosave_interval,
            new_window_program: options.new_window_program,
            last_autosave: Instant::now(),
            autosaved_generation: 0,
            quit_confirmed: false,
            quit_requested: false,
            pending: Vec::new(),
            unsaved: Arc::new(recovery::Unsaved::new(None)),
            unsaved_generation: None,
            failed_view: None,
            panic_in_next_view: std::env::var_os("PLEDGE_EXPLORER_PANIC_IN_VIEW").is_some(),
            settings: options.settings,
        };
        // The first edit's check panics, for a manual check that the app says so and goes on.
        app.document.panic_in_next_check = std::env::var_os("PLEDGE_EXPLORER_PANIC_IN_CHECK").is_some();
        app.offer_recovery(options.recover.as_deref());
        if let Some(path) = options.file {
            app.pending.push(Message::OpenFile(path));
        }
        app
    }

    /// Queues a message (or a user command) for the next frame.
    pub fn request(&mut self, message: impl Into<Message>) {
        self.pending.push(message.into());
    }

    /// True while a file dialog, load or save runs in the background.
    pub fn is_busy(&self) -> bool {
        self.tasks.is_busy()
    }
}

fn file_stem(document: &Document) -> String {
    document
        .path
        .as_ref()
        .and_then(|path| path.file_stem())
        .map_or_else(|| "dataset".to_owned(), |stem| stem.to_string_lossy().into_owned())
}

/// A check that failed (a bug), said once.
fn check_failure_notice(origin: &str, failure: &str) -> String {
    format!(
        "Checking the data of {origin} failed because of a bug in Pledge Explorer ({failure}). The check changes \
         no data, so nothing is lost; View > Problems can run it again."
    )
}

/// What the first check of an opened file found, said when it ends.
fn problems_notice(document: &Document) -> String {
    if document.problems.is_empty() {
        return format!("Checked {}: no problems", document.origin);
    }
    format!("Checked {}: {} (see View > Problems)", document.origin, document.problems.summary())
}

impl eframe::App for PledgeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if self.watch.is_none() {
            self.watch = Some(watch::Watch::start(&ctx));
            self.watch_document();
        }
        if let Some(change) = self.watch.as_ref().and_then(watch::Watch::take_change) {
            self.disk_change = Some(change);
        }
        self.collect_outcomes(&ctx);
        if self.tasks.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.autosave(&ctx);
        if self.document.poll_validation() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if let Some(failure) = self.document.unreported_check_failure() {
            self.notifications.error(check_failure_notice(&self.document.origin, &failure));
        }
        if self.announce_problems && self.document.is_checked() {
            self.announce_problems = false;
            self.notifications.info(problems_notice(&self.document));
        }
        ctx.set_theme(self.settings.theme);

        if ctx.input(|i| i.viewport().close_requested()) && self.document.is_modified() && !self.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs.guard = Some(Guarded::Quit);
        }

        let mut commands = std::mem::take(&mut self.pending);
        if !self.dialogs.is_modal_open() && self.import.is_none() && self.known_import.is_none() {
            commands.extend(UserCommand::from_shortcuts(&ctx).into_iter().map(Message::Command));
            let dropped: Vec<PathBuf> =
                ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
            commands.extend(dropped.into_iter().take(1).map(Message::OpenFile));
        }

        let modified = if self.document.is_modified() { "• " } else { "" };
        let title = format!("{modified}{} — Pledge Explorer", self.document.display_name());
        // Only a new title goes to the window system: on X11 each one comes back as an event, which asks
        // for another frame, so sending it every frame kept the app drawing at rest.
        if self.window_title != title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }

        if let Some(comparison) = &mut self.comparison
            && let Err(message) = crate::context::panics::catch(|| {
                comparison.refresh(&self.document.dataset, self.document.generation, &ctx);
            })
        {
            // Outside the views' guard: a comparison that fails is closed, the data untouched.
            log::error!("the comparison failed: {message}");
            self.comparison = None;
            self.notifications.error(format!(
                "The comparison failed because of a bug in Pledge Explorer ({message}) and was closed. Your data \
                 is unchanged."
            ));
        }
        let view = ui::View {
            document: &self.document,
            settings: &self.settings,
            tab: self.tab,
            main: self.main,
            selection: self.selection,
            busy: self.tasks.busy_label(),
            progress: self.tasks.progress(),
            comparing: self.comparison.is_some(),
            compared: self.comparison.as_ref().and_then(|c| c.current(self.document.generation)),
        };
        ui::menu_bar::menu_bar_ui(&view, &mut commands, ui);
        ui::status_bar::status_bar_ui(&view, &self.notifications, &mut commands, ui);
        if let Some(change) = &self.disk_change {
            ui::disk_bar::disk_bar_ui(change, self.document.is_modified(), &mut commands, ui);
        }
        if self.settings.editor_open {
            ui::editor::editor_panel_ui(&view, &mut self.editor, &mut commands, ui);
        }
        let mut panicked = None;
        egui::CentralPanel::default().show(ui, |ui| {
            ui::tables::view_tabs_ui(&view, &mut commands, ui);
            if let Some((failed, message)) = &self.failed_view
                && *failed == self.main
            {
                ui::messages::view_failed_ui(failed.label(), message, &mut commands, ui);
                return;
            }
            // A bug in one view must not end the app and take the user's work with it: the panic is
            // caught here, the view replaced by an explanation, and the rest of the app goes on.
            let outcome = crate::context::panics::catch(|| {
                if std::mem::take(&mut self.panic_in_next_view) {
                    panic!("a deliberate panic (PLEDGE_EXPLORER_PANIC_IN_VIEW)");
                }
                match self.main {
                    ui::MainView::Tables => {
                        ui::tables::tables_ui(&view, &mut self.filter, &mut self.tables, &mut commands, ui);
                    }
                    ui::MainView::Timeline => {
                        ui::timeline::timeline_ui(&view, &self.filter, &mut self.timeline, &mut commands, ui);
                    }
                    ui::MainView::Plots => ui::plots::plots_ui(&view, &self.filter, &mut self.plots, &mut commands, ui),
                    ui::MainView::Progress => {
                        ui::progress::progress_ui(&view, &self.filter, &mut self.progress, &mut commands, ui);
                    }
                    ui::MainView::Changes => match &mut self.comparison {
                        Some(comparison) => ui::changes::changes_ui(&view, comparison, &mut commands, ui),
                        None => {
                            ui.label("Nothing is being compared: File > Compare With… picks a version to compare.");
                        }
                    },
                }
            });
            if let Err(message) = outcome {
                panicked = Some(message);
            }
        });
        ui::dialogs::windows_ui(&view, &self.filter, &self.notifications, &mut self.dialogs, &mut commands, ui);
        if let Some(import) = &mut self.import {
            ui::import::import_ui(&self.document.dataset, import, &mut commands, &ctx);
        }
        if let Some(known) = &self.known_import {
            ui::known_import::known_import_ui(known, &mut commands, &ctx);
        }
        ui::messages::toasts_ui(&self.notifications, ui);
        if let Some(message) = panicked {
            self.view_failed(message);
        }
        // A large file's first check waits until no rebuild of the table's rows runs (this frame's views
        // started theirs above), so that the rows are built first, with both cores.
        if !self.tables.is_updating() && self.document.begin_check() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }

        // Modal answers come back as actions on the app itself.
        for answer in self.dialogs.take_answers() {
            match answer {
                ui::dialogs::Answer::Save(action) => self.save_and_proceed(action, &ctx),
                ui::dialogs::Answer::Discard(action) => self.discard_and_proceed(action, &ctx),
                ui::dialogs::Answer::Recovery(answer) => self.answer_recovery(answer),
                ui::dialogs::Answer::ChangedOnDisk(answer) => self.answer_changed_on_disk(answer, &ctx),
                ui::dialogs::Answer::OpenElsewhere { path, read_only } => self.tasks.load(path, read_only, &ctx),
                ui::dialogs::Answer::SaveWithEntry { path, entry } => self.save_with_entry(path, entry, &ctx),
                ui::dialogs::Answer::CancelSave => self.tasks.after_save = None,
                ui::dialogs::Answer::AskChangelog(ask) => self.settings.ask_changelog = ask,
                ui::dialogs::Answer::Report(choice) => {
                    self.report_choice = Some(choice);
                    self.pick(PathPurpose::Report, &ctx);
                }
            }
        }
        for message in commands {
            self.handle(message, &ctx);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, settings::STORAGE_KEY, &self.settings);
    }
}
