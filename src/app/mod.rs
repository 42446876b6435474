//! The desktop app: the open document, the command loop, worker threads for dialogs and files,
//! autosave, settings. Views in `ui` read this state and push [`AppCommand`]s; only this module
//! changes the document, through [`Document::apply`], so every edit has an undo step.

mod commands;
mod document;
pub mod history;
mod notifications;
pub mod recovery;
pub mod settings;
mod tasks;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

pub use commands::AppCommand;
pub use document::Document;
pub use notifications::{Level, Notifications};

use crate::model::Collection;
use crate::ui;
use crate::ui::dialogs::{Dialogs, Guarded, PathPurpose};
use crate::ui::tables::Tab;
use history::Edit;
use recovery::RecoveryStore;
use settings::Settings;
use tasks::{Outcome, Tasks};

/// Opens the main window on `file`, or on the embedded default dataset.
pub fn run_gui(file: Option<PathBuf>) -> ExitCode {
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
            let recovery = RecoveryStore::in_data_folder();
            let autosave_interval = recovery::INTERVAL;
            let app = PledgeApp::new(StartOptions { file, settings, recovery: recovery.clone(), autosave_interval });
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
}

pub struct PledgeApp {
    pub document: Document,
    pub settings: Settings,
    pub tab: Tab,
    /// The selected record: its collection and position.
    pub selection: Option<(Collection, usize)>,
    pub notifications: Notifications,
    pub tables: ui::tables::TablesState,
    pub editor: ui::editor::EditorState,
    /// What the central area shows.
    pub main: ui::MainView,
    pub plots: ui::plots::PlotsState,
    pub timeline: ui::timeline::TimelineState,
    /// The last report chosen in the report dialog: what Save Report writes once a path is picked.
    pub report_choice: Option<ui::dialogs::ReportChoice>,
    pub dialogs: Dialogs,
    tasks: Tasks,
    recovery: Option<RecoveryStore>,
    autosave_interval: std::time::Duration,
    last_autosave: Instant,
    autosaved_generation: u64,
    /// Set once the user chose to quit despite unsaved changes (or there were none).
    quit_confirmed: bool,
    /// True once the app asked the window to close.
    pub quit_requested: bool,
    /// Commands pushed outside the frame loop (start-up, tests), run at the next frame.
    pending: Vec<AppCommand>,
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
            tab: Tab::Acquisitions,
            selection: None,
            notifications: Notifications::default(),
            tables: Default::default(),
            editor: Default::default(),
            main: ui::MainView::Tables,
            plots: Default::default(),
            timeline: Default::default(),
            report_choice: None,
            dialogs: Dialogs::default(),
            tasks: Tasks::default(),
            recovery: options.recovery,
            autosave_interval: options.autosave_interval,
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
        if let Some(store) = &app.recovery {
            match store.read() {
                Some(Ok(recovered)) => app.dialogs.recovery = Some(recovered),
                Some(Err(error)) => app.notifications.error(format!(
                    "Could not read the recovery copy ({error}); it is left in place at {}",
                    store.path().display()
                )),
                None => {}
            }
        }
        if let Some(path) = options.file {
            app.pending.push(AppCommand::OpenFile(path));
        }
        app
    }

    /// Queues a command for the next frame.
    pub fn request(&mut self, command: AppCommand) {
        self.pending.push(command);
    }

    /// True while a file dialog, load or save runs in the background.
    pub fn is_busy(&self) -> bool {
        self.tasks.is_busy()
    }

    /// Runs a command, asking first where it would drop unsaved changes.
    pub fn run(&mut self, command: AppCommand, ctx: &egui::Context) {
        log::debug!("command: {}", command.label());
        match command {
            AppCommand::New => self.guarded(Guarded::New, ctx),
            AppCommand::Open => self.guarded(Guarded::Open, ctx),
            AppCommand::OpenPath => self.guarded(Guarded::OpenPath, ctx),
            AppCommand::OpenFile(path) => self.guarded(Guarded::OpenFile(path), ctx),
            AppCommand::ImportCsv => self.guarded(Guarded::ImportCsv, ctx),
            AppCommand::Quit => self.guarded(Guarded::Quit, ctx),
            AppCommand::Save => match self.document.path.clone() {
                Some(path) => self.save_to(path, ctx),
                None => self.pick(PathPurpose::SaveAs, ctx),
            },
            AppCommand::SaveAs => self.pick(PathPurpose::SaveAs, ctx),
            AppCommand::SaveTo(path) => self.save_to(path, ctx),
            AppCommand::ExportCsv => self.pick(PathPurpose::ExportCsv, ctx),
            AppCommand::SaveReport => {
                let title = if self.document.dataset.meta.title.is_empty() {
                    self.document.display_name()
                } else {
                    self.document.dataset.meta.title.clone()
                };
                self.dialogs.report =
                    Some(self.report_choice.clone().unwrap_or_else(|| ui::dialogs::ReportChoice::new(title)));
            }
            AppCommand::SaveReportTo(path) => self.write_report(path, ctx),
            AppCommand::ExportCsvTo(path) => {
                self.tasks.export_csv(self.document.dataset.clone(), path, ctx);
            }
            AppCommand::Undo => match self.document.undo() {
                Some((label, target)) => {
                    self.select_after_edit(target);
                    self.notifications.info(format!("Undid {label}"));
                }
                None => self.notifications.info("Nothing to undo"),
            },
            AppCommand::Redo => match self.document.redo() {
                Some((label, target)) => {
                    self.select_after_edit(target);
                    self.notifications.info(format!("Redid {label}"));
                }
                None => self.notifications.info("Nothing to redo"),
            },
            AppCommand::Find => self.tables.focus_search = true,
            AppCommand::AddRecord => self.add_record(),
            AppCommand::DuplicateRecord => self.duplicate_record(),
            AppCommand::DeleteRecord => self.delete_record(),
            AppCommand::Show(tab) => {
                self.main = ui::MainView::Tables;
                if self.tab != tab {
                    self.tab = tab;
                    self.selection = None;
                }
            }
            AppCommand::ShowPlots => self.main = ui::MainView::Plots,
            AppCommand::ShowTimeline => self.main = ui::MainView::Timeline,
            AppCommand::ExportTimeline { png } => {
                self.main = ui::MainView::Timeline;
                self.pick(if png { PathPurpose::TimelinePng } else { PathPurpose::TimelineSvg }, ctx);
            }
            AppCommand::ExportTimelineTo { path, png } => self.export_timeline(path, png, ctx),
            AppCommand::ExportPlot { png } => {
                self.main = ui::MainView::Plots;
                self.pick(if png { PathPurpose::ExportPng } else { PathPurpose::ExportSvg }, ctx);
            }
            AppCommand::ExportPlotTo { path, png } => self.export_plot(path, png, ctx),
            AppCommand::FilterToBar { group_by, group, stage } => {
                match ui::plots::filter_for_bar(&self.tables.filter, group_by, &group, stage) {
                    Some(filter) => {
                        self.tables.filter = filter;
                        self.main = ui::MainView::Tables;
                        self.tab = Tab::Acquisitions;
                        self.selection = None;
                        self.notifications.info(format!("The tables show the records of {group}, {}", stage.label()));
                    }
                    None => self.notifications.error(format!("Cannot filter the tables to “{group}”")),
                }
            }
            AppCommand::ToggleEditor => self.settings.editor_open = !self.settings.editor_open,
            AppCommand::ShowProblems => self.dialogs.problems_open = true,
            AppCommand::ShowLog => self.dialogs.log_open = true,
            AppCommand::CommandPalette => self.dialogs.open_palette(),
            AppCommand::SetTheme(theme) => self.settings.theme = theme,
            AppCommand::SortBy(tab, sort) => match sort {
                Some(sort) => {
                    self.settings.sorts.insert(tab.label().to_owned(), sort);
                }
                None => {
                    self.settings.sorts.remove(tab.label());
                }
            },
            AppCommand::ShowEditor => self.settings.editor_open = true,
            AppCommand::SealUndoStep => self.document.history.seal(),
            AppCommand::Notify(text) => self.notifications.info(text),
            AppCommand::RetryView => self.failed_view = None,
            AppCommand::Select(collection, index) => {
                if self.main == ui::MainView::Plots {
                    self.main = ui::MainView::Tables;
                }
                self.tab = Tab::of(collection);
                self.selection = Some((collection, index));
                self.tables.scroll_to_selection = true;
            }
            AppCommand::ReplaceRecord { index, record, field } => {
                let record = self.document.record_from_wire(&record);
                let collection = record.collection();
                let label = format!("edit of {field}");
                self.document.apply(Edit::Replace { index, record }, label, Some((collection, index, field)));
            }
        }
    }

    /// Runs an action that replaces or closes the document, asking first if there are unsaved changes.
    fn guarded(&mut self, action: Guarded, ctx: &egui::Context) {
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
            Guarded::ImportCsv => self.pick(PathPurpose::ImportCsv, ctx),
            Guarded::OpenFile(path) => self.tasks.load(path, ctx),
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
        self.run(AppCommand::Save, ctx);
    }

    fn pick(&mut self, purpose: PathPurpose, ctx: &egui::Context) {
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
            PathPurpose::ExportSvg => Some(folder.join(format!("{}-plot.svg", file_stem(&self.document)))),
            PathPurpose::ExportPng => Some(folder.join(format!("{}-plot.png", file_stem(&self.document)))),
            PathPurpose::TimelineSvg => Some(folder.join(format!("{}-timeline.svg", file_stem(&self.document)))),
            PathPurpose::TimelinePng => Some(folder.join(format!("{}-timeline.png", file_stem(&self.document)))),
            PathPurpose::Report => {
                let extension = self.report_choice.as_ref().map_or("html", |c| c.extension());
                Some(folder.join(format!("{}-report.{extension}", file_stem(&self.document))))
            }
            PathPurpose::Open | PathPurpose::ImportCsv => Some(folder.join("")),
        }
        .map(|path| path.display().to_string());
        self.tasks.pick(purpose, suggested, ctx);
    }

    fn save_to(&mut self, path: PathBuf, ctx: &egui::Context) {
        let state = self.document.begin_save();
        self.tasks.save(self.document.dataset.clone(), path, state, ctx);
    }

    fn replace_document(&mut self, document: Document) {
        self.document = document;
        self.selection = None;
        self.autosaved_generation = self.document.generation;
        self.tables = Default::default();
        self.editor = Default::default();
    }

    fn discard_recovery(&mut self) {
        if let Some(store) = &self.recovery {
            store.remove();
        }
    }

    fn discard_recovery_if_clean(&mut self) {
        if !self.document.is_modified() {
            self.discard_recovery();
        }
    }

    /// Restores the recovery copy offered at start-up.
    pub fn restore_recovered(&mut self) {
        if let Some(recovered) = self.dialogs.recovery.take() {
            let mut document = Document::new(recovered.dataset, recovered.path, recovered.origin);
            document.mark_modified();
            self.replace_document(document);
            self.notifications.info(format!(
                "Restored the unsaved work of {}; save it to keep it",
                recovery::describe_time(&recovered.saved_at)
            ));
        }
    }

    pub fn discard_recovered(&mut self) {
        self.dialogs.recovery = None;
        self.discard_recovery();
        self.notifications.info("Discarded the recovered work");
    }

    fn select_after_edit(&mut self, target: Option<(Collection, usize)>) {
        if let Some((collection, index)) = target {
            self.tab = Tab::of(collection);
            self.selection = Some((collection, index));
        } else if let Some((collection, index)) = self.selection
            && index >= self.document.dataset.len(collection)
        {
            self.selection = index.checked_sub(1).map(|i| (collection, i));
        }
    }

    /// Writes the plot on screen: SVG from its figures, PNG from the pixels of its area.
    fn export_plot(&mut self, path: PathBuf, png: bool, ctx: &egui::Context) {
        let title = format!("{} · {}", self.document.display_name(), self.tables.filter.describe());
        if !png {
            let Some(data) = self.plots.data() else {
                self.notifications.error("There is no plot to export: no acquisition has a figure in this measure");
                return;
            };
            let svg = crate::report::svg::bar_chart_svg(data, &self.plots.chart_options(&title));
            let written = crate::io::save::save_atomic(&path, |out| out.write_all(svg.as_bytes()));
            match written {
                Ok(()) => self.notifications.info(format!("Exported the plot to {}", path.display())),
                Err(error) => self.notifications.error(error.to_string()),
            }
            return;
        }
        let Some(rect) = self.plots.plot_rect else {
            self.notifications.error("Show the plot before exporting it as PNG");
            return;
        };
        self.tasks.export_png(rect, ctx.pixels_per_point(), path, ctx);
    }

    /// Writes the report chosen in the report dialog, on a worker thread.
    fn write_report(&mut self, path: PathBuf, ctx: &egui::Context) {
        let Some(choice) = self.report_choice.clone() else {
            self.notifications.error("Choose what to report first: File > Save Report…");
            return;
        };
        let filter = if choice.use_filter { self.tables.filter.clone() } else { Default::default() };
        let options = crate::report::ReportOptions {
            title: choice.title.clone(),
            filter,
            timeline: choice.timeline,
            charts: choice.charts,
            tables: choice.tables,
            ..crate::report::ReportOptions::new("", Default::default())
        };
        self.tasks.report(self.document.dataset.clone(), options, choice.format, path, ctx);
    }

    /// Writes the timeline as shown: SVG from its placement, PNG from the pixels of its area.
    fn export_timeline(&mut self, path: PathBuf, png: bool, ctx: &egui::Context) {
        if png {
            match self.timeline.area {
                Some(rect) => self.tasks.export_png(rect, ctx.pixels_per_point(), path, ctx),
                None => self.notifications.error("Show the timeline before exporting it as PNG"),
            }
            return;
        }
        let Some(timeline) = self.timeline.timeline() else {
            self.notifications.error("Show the timeline before exporting it");
            return;
        };
        let title = format!("{} · {}", self.document.display_name(), self.tables.filter.describe());
        let svg = crate::report::svg::timeline_svg(timeline, self.timeline.range, &title, 1200.0);
        match crate::io::save::save_atomic(&path, |out| out.write_all(svg.as_bytes())) {
            Ok(()) => self.notifications.info(format!("Exported the timeline to {}", path.display())),
            Err(error) => self.notifications.error(error.to_string()),
        }
    }

    fn add_record(&mut self) {
        let collection = self.tab.collection();
        let id = self.document.dataset.unused_id(&format!("new-{}", singular(collection)));
        let today = jiff::ZonedDateTime::now().date().to_string();
        let cells = crate::io::csv::blank_cells(collection, &id, &today);
        match crate::io::csv::record_from_cells(collection, &cells) {
            Ok(wire) => {
                let record = self.document.record_from_wire(&wire);
                let index = self.document.dataset.len(collection);
                self.document.apply(Edit::Insert { index, record }, format!("add {id}"), None);
                self.selection = Some((collection, index));
                self.tables.scroll_to_selection = true;
                self.settings.editor_open = true;
            }
            Err(error) => self.notifications.error(format!("Could not add a record: {error}")),
        }
    }

    fn duplicate_record(&mut self) {
        let Some((collection, index)) = self.selection else {
            self.notifications.info("Select a record to duplicate");
            return;
        };
        let Some(mut record) = self.document.dataset.record(collection, index) else { return };
        let base = format!("{}-copy", self.document.dataset.text(record.id()));
        let id = self.document.dataset.unused_id(&base);
        record.set_id(self.document.intern(&id));
        self.document.apply(Edit::Insert { index: index + 1, record }, format!("duplicate as {id}"), None);
        self.selection = Some((collection, index + 1));
        self.tables.scroll_to_selection = true;
    }

    fn delete_record(&mut self) {
        let Some((collection, index)) = self.selection else {
            self.notifications.info("Select a record to delete");
            return;
        };
        let Some(record) = self.document.dataset.record(collection, index) else { return };
        let id = self.document.dataset.text(record.id()).to_owned();
        self.document.apply(Edit::Remove { collection, index }, format!("delete {id}"), None);
        self.select_after_edit(None);
        self.notifications.info(format!("Deleted {id} (Undo brings it back)"));
    }

    /// Takes what the workers finished.
    fn collect_outcomes(&mut self, ctx: &egui::Context) {
        while let Some(outcome) = self.tasks.next_outcome() {
            match outcome {
                Outcome::Picked { purpose, path: Some(path) } => match purpose {
                    PathPurpose::Open | PathPurpose::ImportCsv => self.tasks.load(path, ctx),
                    PathPurpose::SaveAs => self.save_to(path, ctx),
                    PathPurpose::ExportCsv => self.run(AppCommand::ExportCsvTo(path), ctx),
                    PathPurpose::ExportSvg => self.export_plot(path, false, ctx),
                    PathPurpose::ExportPng => self.export_plot(path, true, ctx),
                    PathPurpose::TimelineSvg => self.export_timeline(path, false, ctx),
                    PathPurpose::TimelinePng => self.export_timeline(path, true, ctx),
                    PathPurpose::Report => self.write_report(path, ctx),
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
                        let problems = document.problems.len();
                        let mut message = format!("Opened {}", document.origin);
                        if problems > 0 {
                            message.push_str(&format!(" ({problems} problems: see View > Problems)"));
                        }
                        self.notifications.info(message);
                        self.replace_document(document);
                    }
                    Err(error) => self.notifications.error(error.to_string()),
                },
                Outcome::Saved { path, state, result: Ok(()) } => {
                    self.settings.remember(&path);
                    self.document.saved_as(path.clone(), state);
                    self.discard_recovery_if_clean();
                    self.notifications.info(format!("Saved {}", path.display()));
                    if let Some(action) = self.tasks.after_save.take() {
                        self.proceed(action, ctx);
                    }
                }
                Outcome::Saved { result: Err(error), .. } => {
                    self.tasks.after_save = None;
                    self.notifications.error(format!("{error}. Your changes are still here, not saved."));
                }
                Outcome::Exported { path, result } => match result {
                    Ok(()) => self.notifications.info(format!("Exported the CSV tables to {}", path.display())),
                    Err(error) => self.notifications.error(error),
                },
                Outcome::Autosaved(result) => {
                    if let Err(error) = result {
                        self.notifications.error(format!("Could not write the recovery copy: {error}"));
                    }
                }
            }
        }
    }

    /// After a view panicked: log it, keep unsaved work in the recovery copy now, and tell the user.
    fn view_failed(&mut self, message: String) {
        let view = self.main.label();
        log::error!("the {view} view failed: {message}");
        let kept = match (&self.recovery, self.document.is_modified()) {
            (Some(store), true) => {
                let document = &self.document;
                match store.write(&document.dataset, &document.origin, document.path.as_deref()) {
                    Ok(()) => format!(" Your unsaved changes are also kept in {}.", store.path().display()),
                    Err(error) => format!(" Keeping a recovery copy failed too: {error}. Save your work now."),
                }
            }
            _ => String::new(),
        };
        self.notifications.error(format!(
            "The {view} view failed and was stopped: {message}. Your data is unchanged and the other views work.{kept}"
        ));
        self.failed_view = Some((self.main, message));
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        // Keep the panic handler's reference current: once per change, nothing per frame. An edit moves
        // the dataset (copy-on-write), which leaves the old weak reference empty until this runs again.
        let unsaved_state = self.document.is_modified().then_some(self.document.generation);
        if unsaved_state != self.unsaved_generation
            && let Ok(mut unsaved) = self.unsaved.lock()
        {
            let document = &self.document;
            *unsaved = unsaved_state
                .map(|_| (Arc::downgrade(&document.dataset), document.origin.clone(), document.path.clone()));
            self.unsaved_generation = unsaved_state;
        }
        let Some(store) = &self.recovery else { return };
        if !self.document.is_modified() {
            return;
        }
        ctx.request_repaint_after(self.autosave_interval);
        if self.document.generation != self.autosaved_generation
            && self.last_autosave.elapsed() >= self.autosave_interval
        {
            self.last_autosave = Instant::now();
            self.autosaved_generation = self.document.generation;
            let document = &self.document;
            self.tasks.autosave(
                store.clone(),
                document.dataset.clone(),
                document.origin.clone(),
                document.path.clone(),
            );
        }
    }
}

fn file_stem(document: &Document) -> String {
    document
        .path
        .as_ref()
        .and_then(|path| path.file_stem())
        .map_or_else(|| "dataset".to_owned(), |stem| stem.to_string_lossy().into_owned())
}

/// The text a panic was raised with.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown error".to_owned())
}

fn singular(collection: Collection) -> &'static str {
    match collection {
        Collection::Actors => "actor",
        Collection::Sources => "source",
        Collection::Events => "event",
        Collection::Commitments => "commitment",
        Collection::Acquisitions => "acquisition",
    }
}

impl eframe::App for PledgeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.collect_outcomes(&ctx);
        if self.tasks.is_busy() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.autosave(&ctx);
        if self.document.poll_validation() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        ctx.set_theme(self.settings.theme);

        if ctx.input(|i| i.viewport().close_requested()) && self.document.is_modified() && !self.quit_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.dialogs.guard = Some(Guarded::Quit);
        }

        let mut commands = std::mem::take(&mut self.pending);
        if !self.dialogs.is_modal_open() {
            commands.extend(AppCommand::from_shortcuts(&ctx));
            let dropped: Vec<PathBuf> =
                ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
            commands.extend(dropped.into_iter().take(1).map(AppCommand::OpenFile));
        }

        let modified = if self.document.is_modified() { "• " } else { "" };
        let title = format!("{modified}{} — Pledge Explorer", self.document.display_name());
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(title));

        // The views read the filter while the tables edit it: they get this frame's copy (a few sets).
        let shown_filter = self.tables.filter.clone();
        let view = ui::View {
            document: &self.document,
            settings: &self.settings,
            tab: self.tab,
            main: self.main,
            filter: &shown_filter,
            selection: self.selection,
            busy: self.tasks.busy_label(),
        };
        ui::menu_bar::menu_bar_ui(&view, &mut commands, ui);
        ui::status_bar::status_bar_ui(&view, &self.notifications, &mut commands, ui);
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
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if std::mem::take(&mut self.panic_in_next_view) {
                    panic!("a deliberate panic (PLEDGE_EXPLORER_PANIC_IN_VIEW)");
                }
                match self.main {
                    ui::MainView::Tables => ui::tables::tables_ui(&view, &mut self.tables, &mut commands, ui),
                    ui::MainView::Timeline => {
                        ui::timeline::timeline_ui(&view, &self.tables.filter, &mut self.timeline, &mut commands, ui);
                    }
                    ui::MainView::Plots => {
                        ui::plots::plots_ui(&view, &self.tables.filter, &mut self.plots, &mut commands, ui)
                    }
                }
            }));
            if let Err(payload) = outcome {
                panicked = Some(panic_message(payload.as_ref()));
            }
        });
        ui::dialogs::windows_ui(&view, &self.notifications, &mut self.dialogs, &mut commands, ui);
        ui::messages::toasts_ui(&self.notifications, ui);
        if let Some(message) = panicked {
            self.view_failed(message);
        }

        // Modal answers come back as actions on the app itself.
        for answer in self.dialogs.take_answers() {
            match answer {
                ui::dialogs::Answer::Save(action) => self.save_and_proceed(action, &ctx),
                ui::dialogs::Answer::Discard(action) => self.discard_and_proceed(action, &ctx),
                ui::dialogs::Answer::Restore => self.restore_recovered(),
                ui::dialogs::Answer::DiscardRecovered => self.discard_recovered(),
                ui::dialogs::Answer::Report(choice) => {
                    self.report_choice = Some(choice);
                    self.pick(PathPurpose::Report, &ctx);
                }
            }
        }
        for command in commands {
            self.run(command, &ctx);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, settings::STORAGE_KEY, &self.settings);
    }
}
