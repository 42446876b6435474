//! The desktop app: start-up, the open document, file dialogs on worker threads, and the frame loop.
//!
//! This is the first shell: it opens a dataset (the embedded default, a path from the command line, the
//! Open dialog or a dropped file), shows its tables and a status bar, and saves a copy. Editing with
//! undo, recent files, autosave and the command palette are issue 3.

mod document;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, Sender, channel};

pub use document::Document;

use crate::io::LoadError;
use crate::ui;

/// Opens the main window on `file`, or on the embedded default dataset.
pub fn run_gui(file: Option<PathBuf>) -> ExitCode {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]).with_title("Pledge Explorer"),
        ..Default::default()
    };
    let result =
        eframe::run_native("Pledge Explorer", options, Box::new(move |_cc| Ok(Box::new(PledgeApp::new(file)))));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pledge-explorer: cannot open a window: {error}");
            eprintln!("(the command line works without a display: pledge-explorer --help)");
            ExitCode::FAILURE
        }
    }
}

/// What a worker thread reports back to the frame loop.
enum Outcome {
    Loaded(Box<Result<Document, LoadError>>),
    Saved(Result<PathBuf, String>),
    /// A dialog closed without a choice.
    Cancelled,
}

/// Actions the menus and shortcuts request; the app carries them out between frames.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Open,
    OpenPath(PathBuf),
    SaveAs,
    SaveTo(PathBuf),
    Show(ui::tables::Tab),
    Quit,
}

pub struct PledgeApp {
    pub document: Document,
    pub tab: ui::tables::Tab,
    tables: ui::tables::TablesState,
    /// The message bar: the last error or notice.
    message: Option<(bool, String)>,
    /// True while a file dialog or a load or save runs on a worker thread: further requests wait.
    busy: bool,
    outcomes: (Sender<Outcome>, Receiver<Outcome>),
    pending: Vec<Command>,
}

impl PledgeApp {
    pub fn new(file: Option<PathBuf>) -> Self {
        let mut app = PledgeApp {
            document: Document::default_dataset(),
            tab: ui::tables::Tab::Acquisitions,
            tables: ui::tables::TablesState::default(),
            message: None,
            busy: false,
            outcomes: channel(),
            pending: Vec::new(),
        };
        if let Some(path) = file {
            app.apply(Command::OpenPath(path));
        }
        app
    }

    /// Queues a command for the end of the frame.
    pub fn request(&mut self, command: Command) {
        self.pending.push(command);
    }

    /// Runs a command now. File work goes to a worker thread.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Open if !self.busy => {
                self.busy = true;
                let sender = self.outcomes.0.clone();
                std::thread::spawn(move || {
                    let chosen = rfd::FileDialog::new()
                        .add_filter("Pledge Explorer dataset", &["json"])
                        .add_filter("CSV table", &["csv"])
                        .pick_file();
                    let outcome = match chosen {
                        Some(path) => Outcome::Loaded(Box::new(Document::load(&path))),
                        None => Outcome::Cancelled,
                    };
                    let _ = sender.send(outcome);
                });
            }
            Command::OpenPath(path) if !self.busy => {
                self.busy = true;
                let sender = self.outcomes.0.clone();
                std::thread::spawn(move || {
                    let _ = sender.send(Outcome::Loaded(Box::new(Document::load(&path))));
                });
            }
            Command::SaveAs if !self.busy => {
                self.busy = true;
                let sender = self.outcomes.0.clone();
                let dataset = self.document.dataset.clone();
                std::thread::spawn(move || {
                    let chosen = rfd::FileDialog::new()
                        .add_filter("Pledge Explorer dataset", &["json"])
                        .set_file_name("dataset.json")
                        .save_file();
                    let outcome = match chosen {
                        Some(path) => Outcome::Saved(
                            crate::io::save::save_json(&dataset, &path).map(|()| path).map_err(|e| e.to_string()),
                        ),
                        None => Outcome::Cancelled,
                    };
                    let _ = sender.send(outcome);
                });
            }
            Command::SaveTo(path) if !self.busy => {
                let outcome =
                    crate::io::save::save_json(&self.document.dataset, &path).map(|()| path).map_err(|e| e.to_string());
                self.finish(Outcome::Saved(outcome));
            }
            Command::Show(tab) => self.tab = tab,
            Command::Open | Command::OpenPath(_) | Command::SaveAs | Command::SaveTo(_) => {
                self.message = Some((false, "Please wait: a file operation is still running.".to_owned()));
            }
            Command::Quit => self.pending.push(Command::Quit),
        }
    }

    fn finish(&mut self, outcome: Outcome) {
        self.busy = false;
        match outcome {
            Outcome::Loaded(loaded) => match *loaded {
                Ok(document) => {
                    self.message = Some((false, format!("Opened {}", document.origin)));
                    self.document = document;
                    self.tables = ui::tables::TablesState::default();
                }
                Err(error) => self.message = Some((true, error.to_string())),
            },
            Outcome::Saved(Ok(path)) => {
                self.message = Some((false, format!("Saved {}", path.display())));
                self.document.saved_as(path);
            }
            Outcome::Saved(Err(error)) => self.message = Some((true, error)),
            Outcome::Cancelled => {}
        }
    }

    /// The message bar's text, if any: `(is_error, text)`.
    pub fn message(&self) -> Option<&(bool, String)> {
        self.message.as_ref()
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let open = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
        let save_as = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::S);
        let quit = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);
        // Consume the longer shortcut first so Ctrl+Shift+S is not also read as Ctrl+S.
        if ctx.input_mut(|i| i.consume_shortcut(&save_as)) {
            self.request(Command::SaveAs);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            self.request(Command::Open);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&quit)) {
            self.request(Command::Quit);
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_owned()).collect());
        if let Some(path) = dropped.into_iter().next() {
            self.request(Command::OpenPath(path));
        }
    }
}

impl eframe::App for PledgeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        while let Ok(outcome) = self.outcomes.1.try_recv() {
            self.finish(outcome);
        }
        if self.busy {
            // Workers report through a channel; poll it while they run.
            ui.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.shortcuts(ui);
        let title = format!("{} — Pledge Explorer", self.document.display_name());
        ui.send_viewport_cmd(egui::ViewportCommand::Title(title));

        let mut commands = Vec::new();
        ui::menu_bar::menu_bar_ui(self.tab, self.busy, &mut commands, ui);
        ui::status_bar::status_bar_ui(&self.document, self.message.as_ref(), self.busy, ui);
        egui::CentralPanel::default().show(ui, |ui| {
            ui::tables::tables_ui(&self.document, self.tab, &mut self.tables, &mut commands, ui);
        });
        self.pending.extend(commands);
        for command in std::mem::take(&mut self.pending) {
            if command == Command::Quit {
                ui.send_viewport_cmd(egui::ViewportCommand::Close);
            } else {
                self.apply(command);
            }
        }
    }
}
