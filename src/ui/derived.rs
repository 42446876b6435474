//! A value derived from the data (table rows, plot figures, timeline placement), rebuilt only when what
//! it depends on changes: at once when that is cheap, otherwise on a worker thread while the previous
//! value stays on screen, so that no frame waits for a million rows.

use std::sync::Arc;
use std::sync::mpsc::Receiver;

/// Past this many records, derived values are rebuilt on a worker thread.
pub const BACKGROUND_ROWS: usize = 50_000;

pub struct Derived<K, V> {
    value: Option<Arc<V>>,
    /// What `value` was derived from.
    key: Option<K>,
    /// A rebuild running on a worker thread, and what it is for.
    pending: Option<(K, Receiver<V>)>,
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
        let mut installed = false;
        if let Some((pending_key, receiver)) = &self.pending
            && let Ok(value) = receiver.try_recv()
        {
            if *pending_key == key {
                self.value = Some(Arc::new(value));
                self.key = Some(key.clone());
                installed = true;
            }
            self.pending = None;
        }
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
            let _ = sender.send(compute(&job));
            ctx.request_repaint();
        });
        self.pending = Some((key, receiver));
        installed
    }
}
