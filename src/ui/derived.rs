//! A value derived from the data (table rows, plot figures, timeline placement), rebuilt only when what
//! it depends on changes: at once when that is cheap, otherwise on a worker thread while the previous
//! value stays on screen, so that no frame waits for a million rows. A value that can follow an edit in
//! place does so at once instead ([`Derived::refresh_or_update`]).

use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// Past this many records, derived values are rebuilt on a worker thread.
pub const BACKGROUND_ROWS: usize = 50_000;

pub struct Derived<K, V> {
    value: Option<Arc<V>>,
    /// What `value` was derived from.
    key: Option<K>,
    /// A rebuild running on a worker thread, and what it is for; it sends the value or why it panicked.
    pending: Option<(K, Receiver<Result<V, String>>)>,
}

impl<K, V> Default for Derived<K, V> {
    fn default() -> Self {
        Derived { value: None, key: None, pending: None }
    }
}

impl<K: PartialEq + Clone + Send + 'static, V: Send + Sync + 'static> Derived<K, V> {
    /// The current value (possibly for an older key while a rebuild runs).
    pub fn value(&self) -> Option<&Arc<V>> {
        self.value.as_ref()
    }

    /// What the current value was derived from.
    pub fn key(&self) -> Option<&K> {
        self.key.as_ref()
    }

    pub fn is_updating(&self) -> bool {
        self.pending.is_some()
    }

    /// Makes the value follow `key`: computes it now, or on a worker thread when `large` (the previous
    /// value, if any, stays in use meanwhile). Returns true when a new value was installed this frame.
    pub fn refresh(
        &mut self,
        key: K,
        large: bool,
        ctx: &egui::Context,
        compute: impl FnOnce(&K) -> V + Send + 'static,
    ) -> bool {
        let installed = self.take_finished(&key);
        let running = self.pending.as_ref().is_some_and(|(pending_key, _)| *pending_key == key);
        if self.key.as_ref() == Some(&key) || running {
            return installed;
        }
        if !large {
            self.value = Some(Arc::new(compute(&key)));
            self.key = Some(key);
            self.pending = None;
            return true;
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        let (job, ctx) = (key.clone(), ctx.clone());
        std::thread::spawn(move || {
            let _ = sender.send(crate::context::panics::catch(|| compute(&job)));
            ctx.request_repaint();
            crate::allocator::give_back_free_memory();
        });
        self.pending = Some((key, receiver));
        installed
    }

    /// [`Self::refresh`], trying first to follow the new key in place: `update(old key, new key, value)`
    /// makes the value what `compute` would give for the new key, or returns false having changed
    /// nothing. Tried when nothing is being rebuilt; the value is copied first if another holder shares
    /// it.
    pub fn refresh_or_update(
        &mut self,
        key: K,
        large: bool,
        ctx: &egui::Context,
        update: impl FnOnce(&K, &K, &mut V) -> bool,
        compute: impl FnOnce(&K) -> V + Send + 'static,
    ) -> bool
    where
        V: Clone,
    {
        let installed = self.take_finished(&key);
        if self.pending.is_none()
            && self.key.as_ref().is_some_and(|old| *old != key)
            && let (Some(old), Some(value)) = (&self.key, &mut self.value)
            && update(old, &key, Arc::make_mut(value))
        {
            self.key = Some(key);
            return true;
        }
        self.refresh(key, large, ctx, compute) || installed
    }

    /// Installs a rebuild that finished, if it is for `key` (one for an older key is dropped). True when
    /// installed.
    ///
    /// A rebuild for `key` that panicked on its worker panics again here, with its message, in the view
    /// that asked for it: the app catches that as it catches any view's panic (the view is replaced by an
    /// explanation, the user told, unsaved work kept), where a lost worker would leave the view waiting.
    fn take_finished(&mut self, key: &K) -> bool {
        let Some((pending_key, receiver)) = &self.pending else { return false };
        let Ok(result) = receiver.try_recv() else { return false };
        let current = pending_key == key;
        self.pending = None;
        match result {
            Ok(value) if current => {
                self.value = Some(Arc::new(value));
                self.key = Some(key.clone());
            }
            Err(message) if current => panic!("{message}"),
            _ => {}
        }
        current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Refreshes `derived` to `key` until its rebuild on a worker has ended.
    fn refresh_until_done(derived: &mut Derived<u32, String>, key: u32, compute: fn(&u32) -> String) {
        let ctx = egui::Context::default();
        derived.refresh(key, true, &ctx, compute);
        for _ in 0..500 {
            if !derived.is_updating() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
            derived.refresh(key, true, &ctx, compute);
        }
        panic!("the rebuild did not end");
    }

    #[test]
    fn a_rebuild_that_panics_on_its_worker_panics_in_the_view_and_the_next_one_runs() {
        let mut derived = Derived::default();
        refresh_until_done(&mut derived, 1, |key| format!("value {key}"));
        assert_eq!(derived.value().map(|value| value.as_str()), Some("value 1"));

        let failed = crate::context::panics::catch(|| {
            refresh_until_done(&mut derived, 2, |_| panic!("a bug in a rebuild"));
        });
        assert_eq!(failed, Err("a bug in a rebuild".to_owned()), "the view that asked for it panics");
        assert!(!derived.is_updating(), "nothing waits for the lost rebuild");
        assert_eq!(derived.value().map(|value| value.as_str()), Some("value 1"), "the last value stays");

        refresh_until_done(&mut derived, 3, |key| format!("value {key}"));
        assert_eq!(derived.value().map(|value| value.as_str()), Some("value 3"));
    }
}
