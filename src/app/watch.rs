//! Noticing another program or window writing the open file: a thread compares the file with what the
//! app last read or wrote every second, and wakes the window only when it changed, so that a window at
//! rest stays at rest.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use crate::context::document::DiskChange;
use crate::io::stamp::{Check, DiskStamp};

/// How often the open file is looked at.
const INTERVAL: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Watched {
    /// The file and how the app last saw it; None while nothing is watched (no file, a save running).
    file: Option<(PathBuf, DiskStamp)>,
    change: Option<DiskChange>,
}

/// The app's side of the watcher; the thread ends when this is dropped.
pub struct Watch {
    shared: Arc<Mutex<Watched>>,
}

impl Watch {
    pub fn start(ctx: &egui::Context) -> Watch {
        let shared = Arc::new(Mutex::new(Watched::default()));
        let weak = Arc::downgrade(&shared);
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new().name("watch".into()).spawn(move || watch_loop(&weak, &ctx));
        if let Err(error) = spawned {
            log::warn!("cannot watch the open file for changes: {error}");
        }
        Watch { shared }
    }

    /// Watches `file` from now on (None: nothing), forgetting any change found before.
    pub fn set(&self, file: Option<(PathBuf, DiskStamp)>) {
        if let Ok(mut watched) = self.shared.lock() {
            watched.file = file;
            watched.change = None;
        }
    }

    /// The change found since the last call, if any.
    pub fn take_change(&self) -> Option<DiskChange> {
        self.shared.lock().ok().and_then(|mut watched| watched.change.take())
    }
}

fn watch_loop(shared: &Weak<Mutex<Watched>>, ctx: &egui::Context) {
    loop {
        std::thread::sleep(INTERVAL);
        let Some(shared) = shared.upgrade() else { return };
        let Some((path, stamp)) = shared.lock().ok().and_then(|watched| watched.file.clone()) else { continue };
        // The file is read (when its size or time moved) without the lock held.
        let found = match stamp.check(&path) {
            Ok(Check::Same) | Err(_) => continue,
            Ok(Check::Touched(now)) => (now, None),
            Ok(Check::Changed(now)) => (now, Some(false)),
            Ok(Check::Gone) => (stamp, Some(true)),
        };
        let Ok(mut watched) = shared.lock() else { return };
        // Only if the app still watches what was checked: a save or another file since makes it stale.
        if watched.file.as_ref() != Some(&(path.clone(), stamp)) {
            continue;
        }
        let (now, gone) = found;
        match gone {
            None => watched.file = Some((path, now)),
            Some(gone) => {
                watched.file = if gone { None } else { Some((path.clone(), now)) };
                watched.change = Some(DiskChange { path, gone });
                ctx.request_repaint();
            }
        }
    }
}
