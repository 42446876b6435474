//! Keeping unsaved work: the recovery copy written in the background after changes, the reference the
//! panic handler writes from, and what happens when a view fails.

use std::sync::Arc;
use std::time::Instant;

use super::PledgeApp;
use crate::context::Document;
use crate::context::recovery::{self, JournalOf, Orphan, Recovered};
use crate::ui::dialogs::{RecoveryAnswer, RecoveryOffer};

impl PledgeApp {
    /// After a view panicked: log it, keep unsaved work in the recovery copy now, and tell the user.
    pub(super) fn view_failed(&mut self, message: String) {
        let view = self.main.label();
        log::error!("the {view} view failed: {message}");
        let kept = match (&self.recovery, self.document.is_modified()) {
            (Some(store), true) => {
                let document = &self.document;
                match store.write(&document.dataset, &document.work()) {
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

    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
        // Keep the panic handler's reference current: once per change, nothing per frame. An edit moves
        // the dataset (copy-on-write), which leaves the old weak reference empty until this runs again.
        let unsaved_state = self.document.is_modified().then_some(self.document.generation);
        if unsaved_state != self.unsaved_generation
            && let Ok(mut unsaved) = self.unsaved.lock()
        {
            let document = &self.document;
            *unsaved = unsaved_state.map(|_| (Arc::downgrade(&document.dataset), document.work()));
            self.unsaved_generation = unsaved_state;
        }
        let Some(store) = &self.recovery else { return };
        if !self.document.is_modified() || self.document.generation == self.autosaved_generation {
            return;
        }
        let due = self.autosave_interval.saturating_sub(self.last_autosave.elapsed());
        if !due.is_zero() {
            // Only while a change waits to be copied: at rest, nothing asks for a frame.
            ctx.request_repaint_after(due);
            return;
        }
        let document = &self.document;
        let journal = match (&document.path, document.disk, document.history.journal()) {
            (Some(file), Some(stamp), Some(edits)) => {
                Some(JournalOf { file: file.clone(), stamp, edits: edits.to_vec() })
            }
            _ => None,
        };
        if self.tasks.autosave(store.clone(), document.dataset.clone(), document.work(), journal) {
            self.last_autosave = Instant::now();
            self.autosaved_generation = self.document.generation;
        } else {
            // The last copy is still being written: try again shortly.
            ctx.request_repaint_after(std::time::Duration::from_millis(200));
        }
    }

    /// Offers the recovery copies of windows that are gone, or restores the one this window was
    /// started for (`--recover FILE`).
    pub(super) fn offer_recovery(&mut self, recover: Option<&std::path::Path>) {
        let Some(store) = &self.recovery else { return };
        if let Some(file) = recover {
            match store.claim(file) {
                Some(Ok(copy)) => self.restore_copy(copy),
                Some(Err(error)) => self.notifications.error(format!("Could not read the recovery copy: {error}")),
                None => self
                    .notifications
                    .error(format!("The recovery copy {} is open in another window, or gone", file.display())),
            }
            return;
        }
        let (copies, errors) = store.orphans();
        for error in errors {
            self.notifications.error(format!("Could not read a recovery copy ({error}); it is left in place"));
        }
        if !copies.is_empty() {
            self.dialogs.recovery = Some(RecoveryOffer { copies, restored_here: false });
        }
    }

    /// Carries out the answer to the recovery offer.
    pub(super) fn answer_recovery(&mut self, answer: RecoveryAnswer) {
        let Some(mut offer) = self.dialogs.recovery.take() else { return };
        let chosen: Vec<Orphan> = match answer {
            RecoveryAnswer::Restore(index) | RecoveryAnswer::Discard(index) if index < offer.copies.len() => {
                vec![offer.copies.remove(index)]
            }
            RecoveryAnswer::Restore(_) | RecoveryAnswer::Discard(_) => Vec::new(),
            RecoveryAnswer::RestoreAll | RecoveryAnswer::DiscardAll | RecoveryAnswer::Later => {
                std::mem::take(&mut offer.copies)
            }
        };
        for copy in chosen {
            match answer {
                RecoveryAnswer::Restore(_) | RecoveryAnswer::RestoreAll if !offer.restored_here => {
                    offer.restored_here = true;
                    self.restore_copy(copy);
                }
                RecoveryAnswer::Restore(_) | RecoveryAnswer::RestoreAll => self.restore_in_new_window(copy),
                RecoveryAnswer::Discard(_) | RecoveryAnswer::DiscardAll => {
                    let name = copy.work.origin.clone();
                    if let Some(store) = &self.recovery {
                        store.discard(copy);
                    }
                    self.notifications.info(format!("Discarded the unsaved work of {name}"));
                }
                RecoveryAnswer::Later => copy.release(),
            }
        }
        if !offer.copies.is_empty() {
            self.dialogs.recovery = Some(offer);
        }
    }

    /// Restores a copy into this window, which keeps it as its own recovery copy from now on.
    fn restore_copy(&mut self, copy: Orphan) {
        let Some(store) = &self.recovery else { return };
        match store.adopt(copy) {
            Ok(recovered) => {
                let Recovered { dataset, saved_at, work, replayed } = recovered;
                let mut document = Document::new(dataset, work.path, work.origin);
                document.mark_restored(work.changes);
                if let Some((stamp, edits)) = replayed {
                    // Replayed onto the file as saved: the next copies go on as a journal against it.
                    document.disk = Some(stamp);
                    document.history.resume_journal(edits);
                }
                // The copy on disk holds this state already: replacing the document notes it as copied.
                self.replace_document(document);
                self.notifications.info(format!(
                    "Restored the unsaved work on {} kept {}; save it to keep it",
                    self.document.display_name(),
                    recovery::describe_time(&saved_at)
                ));
            }
            Err(error) => {
                self.notifications.error(format!("Could not restore the recovery copy: {error}; it is left in place"))
            }
        }
    }

    /// Starts another window of the app on a copy: this window already holds restored work.
    fn restore_in_new_window(&mut self, copy: Orphan) {
        let file = copy.file.clone();
        let name = copy.work.origin.clone();
        // The new window takes the lock: this one lets it go first.
        copy.release();
        let program = self.new_window_program.clone().or_else(|| std::env::current_exe().ok());
        let started = program
            .ok_or_else(|| std::io::Error::other("the app's own program is not known"))
            .and_then(|program| std::process::Command::new(program).arg("--recover").arg(&file).spawn());
        match started {
            Ok(_) => self.notifications.info(format!("Restoring the unsaved work of {name} in a new window")),
            Err(error) => self.notifications.error(format!(
                "Could not open a new window for the unsaved work of {name} ({error}); it is offered again at the next start"
            )),
        }
    }
}
