//! Keeping unsaved work: the recovery copy written in the background after changes, the reference the
//! panic handler writes from, and what happens when a view fails.

use std::sync::Arc;
use std::time::Instant;

use super::PledgeApp;

impl PledgeApp {
    /// After a view panicked: log it, keep unsaved work in the recovery copy now, and tell the user.
    pub(super) fn view_failed(&mut self, message: String) {
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

    pub(super) fn autosave(&mut self, ctx: &egui::Context) {
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
