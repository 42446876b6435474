//! Work that must not freeze the window: file dialogs, loads, saves, exports and autosave run on worker
//! threads and report back through a channel. While a dialog, load or save runs, further requests for
//! one are ignored (a second click on Open does nothing).

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::context::history::Edit;
use crate::context::recovery::{JournalOf, RecoveryStore, Work};
use crate::context::{Document, Guarded, PathPurpose, panics};
use crate::io::LoadError;
use crate::io::progress::Progress;
use crate::io::save::SaveError;
use crate::io::stamp::{Check, DiskStamp};
use crate::model::Dataset;
use crate::report::{ReportError, ReportFormat};

/// Why work on a worker thread failed; each says the file it was writing.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A file the work had to read (the earlier version a report compares with).
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{}: {message}", path.display())]
    /// An export that could not be made (a PNG of the screen, a workbook).
    Export { path: PathBuf, message: String },
}

/// A native dialog that answers faster than this was not shown: rfd returns at once, as if cancelled,
/// where there is no portal and no zenity. A person cannot cancel that fast.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(150);

pub enum Outcome {
    Picked {
        purpose: PathPurpose,
        path: Option<PathBuf>,
    },
    NoNativeDialog {
        purpose: PathPurpose,
        suggested: Option<String>,
    },
    Loaded(Box<Result<Document, LoadError>>),
    Saved {
        path: PathBuf,
        state: u64,
        result: Result<DiskStamp, SaveError>,
    },
    /// An open or save the user cancelled: nothing changed.
    Cancelled {
        what: String,
    },
    /// A save found the file changed on disk since it was read or written, and wrote nothing.
    ChangedOnDisk {
        path: PathBuf,
    },
    Exported {
        path: PathBuf,
        result: Result<(), TaskError>,
    },
    Autosaved(Result<(), SaveError>),
    /// Another version read to compare with, and the open file as last saved (the common base) when asked.
    ReadForComparison {
        path: PathBuf,
        result: Box<Result<(Dataset, Option<Dataset>), LoadError>>,
    },
    /// A table read for the import dialog.
    TableRead(Box<Result<crate::ui::import::Opened, LoadError>>),
    /// A table read through a mapping: as a new dataset or to add to the open one.
    Imported {
        append: bool,
        result: Box<Result<crate::mapping::Imported, LoadError>>,
    },
    /// Work that stopped with a bug (a panic) before it had a result: nothing it did was kept.
    Failed {
        /// The work's label ("Opening FILE…").
        work: String,
        /// What the panic said.
        message: String,
    },
}

pub struct Tasks {
    sender: Sender<Outcome>,
    receiver: Receiver<Outcome>,
    /// What runs now (a dialog, a load, a save), for the status bar; None when idle.
    busy: Option<String>,
    /// How far the running open or save is, and its Cancel.
    progress: Option<Arc<Progress>>,
    autosaving: bool,
    /// The action to carry on with once the running save succeeds.
    pub after_save: Option<Guarded>,
}

impl Default for Tasks {
    fn default() -> Self {
        let (sender, receiver) = channel();
        Tasks { sender, receiver, busy: None, progress: None, autosaving: false, after_save: None }
    }
}

impl Tasks {
    pub fn is_busy(&self) -> bool {
        self.busy.is_some()
    }

    pub fn busy_label(&self) -> Option<&str> {
        self.busy.as_deref()
    }

    /// How far the running open or save is.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_deref()
    }

    /// Asks the running open or save to stop; it reports back as cancelled, having changed nothing.
    pub fn cancel(&self) {
        if let Some(progress) = &self.progress {
            progress.cancel();
        }
    }

    pub fn next_outcome(&mut self) -> Option<Outcome> {
        let outcome = self.receiver.try_recv().ok()?;
        match &outcome {
            Outcome::Autosaved(_) => self.autosaving = false,
            // A picked path goes straight on to a load or save, which sets `busy` again.
            _ => {
                self.busy = None;
                self.progress = None;
            }
        }
        Some(outcome)
    }

    /// [`Self::spawn`] for work that reports how far it is and can be cancelled.
    fn spawn_tracked(
        &mut self,
        label: &str,
        ctx: &egui::Context,
        progress: Arc<Progress>,
        work: impl FnOnce() -> Outcome + Send + 'static,
    ) -> bool {
        let started = self.spawn(label, ctx, work);
        if started {
            self.progress = Some(progress);
        }
        started
    }

    fn spawn(&mut self, label: &str, ctx: &egui::Context, work: impl FnOnce() -> Outcome + Send + 'static) -> bool {
        if self.busy.is_some() {
            return false;
        }
        self.busy = Some(label.to_owned());
        let sender = self.sender.clone();
        let ctx = ctx.clone();
        let label = label.to_owned();
        std::thread::spawn(move || {
            // Work that panicked still reports back, or the app would wait for it, refusing every open
            // and save after it.
            let outcome = panics::catch(work).unwrap_or_else(|message| Outcome::Failed { work: label, message });
            let _ = sender.send(outcome);
            ctx.request_repaint();
            crate::allocator::give_back_free_memory();
        });
        true
    }

    /// Shows the native dialog for `purpose` on a worker thread.
    pub fn pick(&mut self, purpose: PathPurpose, suggested: Option<String>, ctx: &egui::Context) {
        self.spawn("Waiting for the file dialog…", ctx, move || {
            let started = Instant::now();
            let dialog = purpose.native_dialog(suggested.as_deref());
            let path = match purpose {
                PathPurpose::Open | PathPurpose::Import | PathPurpose::Compare => dialog.pick_file(),
                PathPurpose::SaveAs
                | PathPurpose::ExportSvg
                | PathPurpose::ExportPng
                | PathPurpose::TimelineSvg
                | PathPurpose::TimelinePng
                | PathPurpose::Report
                | PathPurpose::ExportXlsx => dialog.save_file(),
                PathPurpose::ExportCsv => dialog.pick_folder(),
            };
            if path.is_none() && started.elapsed() < NO_DIALOG_THRESHOLD {
                Outcome::NoNativeDialog { purpose, suggested }
            } else {
                Outcome::Picked { purpose, path }
            }
        });
    }

    /// Reads `path` to compare the open dataset with; with `base` (the dataset and the edits that take
    /// it back to its last save), rebuilds the dataset as saved beside it.
    pub fn read_for_comparison(&mut self, path: PathBuf, base: Option<(Arc<Dataset>, Vec<Edit>)>, ctx: &egui::Context) {
        let label = format!("Reading {}…", path.display());
        self.spawn(&label, ctx, move || {
            let result = crate::io::load_path(&path, None).map(|other| {
                let base = base.map(|(dataset, edits)| {
                    let mut saved = Dataset::clone(&dataset);
                    for edit in edits {
                        edit.apply(&mut saved);
                    }
                    saved
                });
                (other, base)
            });
            Outcome::ReadForComparison { path, result: Box::new(result) }
        });
    }

    pub fn load(&mut self, path: PathBuf, read_only: bool, ctx: &egui::Context) {
        let label = format!("Opening {}…", path.display());
        let progress = Arc::new(Progress::default());
        self.spawn_tracked(&label, ctx, progress.clone(), move || {
            let loaded = Document::load_with(&path, Some(&progress));
            // Cancelled while the records were read (after the bytes): what was read is let go.
            if progress.is_cancelled() {
                return Outcome::Cancelled { what: format!("Opening {}", path.display()) };
            }
            Outcome::Loaded(Box::new(loaded.map(|mut document| {
                document.read_only = read_only;
                document
            })))
        });
    }

    /// Saves the dataset to `path`; with `expected`, only if the file there is still what it stamps
    /// (checked just before writing), else it reports the change instead. False when another save or
    /// load runs: nothing is started.
    pub fn save(
        &mut self,
        dataset: Arc<Dataset>,
        path: PathBuf,
        state: u64,
        expected: Option<DiskStamp>,
        ctx: &egui::Context,
    ) -> bool {
        let label = format!("Saving {}…", path.display());
        let progress = Arc::new(Progress::default());
        // The file as last read or written is about the size this one will be.
        progress.set_total(expected.map_or(0, |stamp| stamp.len));
        self.spawn_tracked(&label, ctx, progress.clone(), move || {
            if let Some(expected) = expected
                && let Ok(Check::Changed(_)) = expected.check(&path)
            {
                return Outcome::ChangedOnDisk { path };
            }
            let result = crate::io::save::save_json_with(&dataset, &path, Some(&progress));
            if result.is_err() && progress.is_cancelled() {
                return Outcome::Cancelled { what: format!("Saving {}", path.display()) };
            }
            Outcome::Saved { path, state, result }
        })
    }

    pub fn export_csv(&mut self, dataset: Arc<Dataset>, path: PathBuf, ctx: &egui::Context) {
        let label = format!("Exporting to {}…", path.display());
        self.spawn(&label, ctx, move || {
            let result = crate::io::csv::export_folder(&dataset, &path).map_err(TaskError::from);
            Outcome::Exported { path, result }
        });
    }

    /// Writes the dataset as an Excel workbook.
    pub fn export_xlsx(&mut self, dataset: Arc<Dataset>, path: PathBuf, ctx: &egui::Context) {
        let label = format!("Exporting to {}…", path.display());
        self.spawn(&label, ctx, move || {
            let result = match crate::io::xlsx::write(&dataset) {
                Ok(bytes) => crate::io::save::save_atomic(&path, |out| out.write_all(&bytes)).map_err(TaskError::from),
                Err(error) => Err(TaskError::Export { path: path.clone(), message: error.to_string() }),
            };
            Outcome::Exported { path, result }
        });
    }

    /// Reads a file for the import dialog: an export the app knows is read whole.
    pub fn read_table(&mut self, path: PathBuf, ctx: &egui::Context) {
        let label = format!("Reading {}…", path.display());
        let progress = Arc::new(Progress::default());
        self.spawn_tracked(&label, ctx, progress.clone(), move || {
            let read = crate::ui::import::Opened::read(path.clone(), Some(&progress));
            if progress.is_cancelled() {
                return Outcome::Cancelled { what: format!("Reading {}", path.display()) };
            }
            Outcome::TableRead(Box::new(read))
        });
    }

    /// Reads the whole of an import dialog's table through its mapping.
    pub fn import(
        &mut self,
        table: Arc<crate::io::tabular::Table>,
        mapping: crate::mapping::Mapping,
        append: bool,
        ctx: &egui::Context,
    ) -> bool {
        let label = format!("Importing {}…", table.origin);
        // The rows read are counted against the lines of the file (or rows of the sheet).
        let progress = Arc::new(Progress::default());
        self.spawn_tracked(&label, ctx, progress.clone(), move || {
            let result = crate::mapping::import_with(&table, &mapping, None, &progress);
            if progress.is_cancelled() {
                return Outcome::Cancelled { what: format!("Importing {}", table.origin) };
            }
            Outcome::Imported { append, result: Box::new(result) }
        })
    }

    /// Writes a report on a worker thread; the status bar shows it running.
    /// Writes a report; with `changes_since`, that earlier version is read first and compared.
    pub fn report(
        &mut self,
        dataset: Arc<Dataset>,
        mut options: crate::report::ReportOptions,
        changes_since: Option<PathBuf>,
        format: ReportFormat,
        path: PathBuf,
        ctx: &egui::Context,
    ) {
        let label = format!("Writing the report {}…", path.display());
        let progress = Arc::new(Progress::default());
        self.spawn_tracked(&label, ctx, progress.clone(), move || {
            let write = || -> Result<(), TaskError> {
                if let Some(earlier) = changes_since {
                    options.changes_since = Some(crate::report::ChangesSince::read(&earlier, &dataset)?);
                }
                Ok(crate::report::write_report_with(&dataset, &options, format, &path, Some(&progress))?)
            };
            let result = write();
            if result.is_err() && progress.is_cancelled() {
                return Outcome::Cancelled { what: format!("Writing the report {}", path.display()) };
            }
            Outcome::Exported { result, path }
        });
    }

    /// Asks for a screenshot and writes the part of it inside `rect` (in points) as a PNG file.
    pub fn export_png(&mut self, rect: egui::Rect, pixels_per_point: f32, path: PathBuf, ctx: &egui::Context) {
        let sender = self.sender.clone();
        let repaint = ctx.clone();
        ctx.request_screenshot(move |image: Arc<egui::ColorImage>| {
            let result = write_png(&image, rect, pixels_per_point, &path);
            let _ = sender.send(Outcome::Exported { path, result });
            repaint.request_repaint();
        });
    }

    /// Writes the recovery copy in the background; skipped while the previous one is still being written.
    /// Returns whether it started.
    /// With `journal`, the copy is the edits since the file was saved, when the file is unchanged.
    pub fn autosave(
        &mut self,
        store: RecoveryStore,
        dataset: Arc<Dataset>,
        work: Work,
        journal: Option<JournalOf>,
    ) -> bool {
        if self.autosaving {
            return false;
        }
        self.autosaving = true;
        let sender = self.sender.clone();
        std::thread::spawn(move || {
            let path = store.path();
            let written = panics::catch(|| match journal {
                Some(journal) => store.write_journal(&dataset, &work, journal),
                None => store.write(&dataset, &work),
            });
            // A copy that panicked is reported as not written, and the next change tries again.
            let written = written.unwrap_or_else(|message| Err(SaveError { path, message }));
            let _ = sender.send(Outcome::Autosaved(written));
        });
        true
    }
}

/// Crops `image` to `rect` (in points, clamped to the image) and writes it as PNG, atomically.
pub fn write_png(
    image: &egui::ColorImage,
    rect: egui::Rect,
    pixels_per_point: f32,
    path: &std::path::Path,
) -> Result<(), TaskError> {
    let fail = |message: &str| TaskError::Export { path: path.to_owned(), message: message.to_owned() };
    let bounds = egui::Rect::from_min_size(
        egui::Pos2::ZERO,
        egui::vec2(image.size[0] as f32, image.size[1] as f32) / pixels_per_point,
    );
    let rect = rect.intersect(bounds);
    if !rect.is_positive() {
        return Err(fail("the plot is not on screen"));
    }
    let region = image.region(&rect, Some(pixels_per_point));
    let bytes: Vec<u8> = region.pixels.iter().flat_map(|pixel| pixel.to_srgba_unmultiplied()).collect();
    let buffer = image::RgbaImage::from_raw(region.size[0] as u32, region.size[1] as u32, bytes)
        .ok_or_else(|| fail("the screenshot has an unexpected size"))?;
    let mut encoded = Vec::new();
    buffer
        .write_to(&mut std::io::Cursor::new(&mut encoded), image::ImageFormat::Png)
        .map_err(|error| fail(&error.to_string()))?;
    Ok(crate::io::save::save_atomic(path, |out| out.write_all(&encoded))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait_for_outcome(tasks: &mut Tasks) -> Outcome {
        for _ in 0..500 {
            if let Some(outcome) = tasks.next_outcome() {
                return outcome;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("no outcome came");
    }

    #[test]
    fn work_that_panics_reports_back_and_frees_the_app_for_more() {
        let (mut tasks, ctx) = (Tasks::default(), egui::Context::default());
        assert!(tasks.spawn("Opening broken.json…", &ctx, || panic!("a bug in a reader")));
        assert!(!tasks.spawn("Saving other.json…", &ctx, || Outcome::Cancelled { what: "save".into() }), "busy");
        match wait_for_outcome(&mut tasks) {
            Outcome::Failed { work, message } => {
                assert_eq!((work.as_str(), message.as_str()), ("Opening broken.json…", "a bug in a reader"));
            }
            _ => panic!("the failure is reported"),
        }
        assert!(!tasks.is_busy());
        assert!(tasks.spawn("Saving other.json…", &ctx, || Outcome::Cancelled { what: "save".into() }));
        assert!(matches!(wait_for_outcome(&mut tasks), Outcome::Cancelled { .. }));
    }
}
