//! Autosave: while there are unsaved changes, a recovery copy is written every few seconds; after a
//! crash or a kill the next start offers to restore it. A clean save or a discard removes it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::io::save::SaveError;
use crate::io::wire::DatasetFile;
use crate::io::{self, LoadError, convert};
use crate::model::Dataset;

/// How often unsaved changes are copied.
pub const INTERVAL: Duration = Duration::from_secs(5);

const FILE_NAME: &str = "recovery.json";

/// The recovery copy as written: the same fields, with the dataset written record by record.
#[derive(Serialize)]
struct RecoveryFileView<'a> {
    saved_at: String,
    origin: &'a str,
    path: Option<&'a Path>,
    dataset: io::stream::FileView<'a>,
}

/// The recovery copy: the dataset and where it came from.
#[derive(Deserialize)]
struct RecoveryFile<'a> {
    /// When the copy was written (RFC 3339).
    saved_at: String,
    /// How the dataset was named ("/home/me/pledges.json", "<default dataset>").
    origin: String,
    /// The file the dataset is saved to, if any.
    path: Option<PathBuf>,
    #[serde(borrow)]
    dataset: DatasetFile<'a>,
}

/// A recovered dataset, waiting for the user to restore or discard it.
pub struct Recovered {
    pub dataset: Dataset,
    pub saved_at: String,
    pub origin: String,
    pub path: Option<PathBuf>,
}

/// Where the recovery copy lives: the app's data folder, or a folder the caller names (tests).
#[derive(Clone, Debug)]
pub struct RecoveryStore {
    folder: PathBuf,
}

impl RecoveryStore {
    pub fn new(folder: PathBuf) -> Self {
        RecoveryStore { folder }
    }

    /// The per-user data folder of the app, if the platform has one.
    pub fn in_data_folder() -> Option<Self> {
        eframe::storage_dir("Pledge Explorer").map(RecoveryStore::new)
    }

    pub fn path(&self) -> PathBuf {
        self.folder.join(FILE_NAME)
    }

    /// Writes the recovery copy atomically.
    pub fn write(&self, dataset: &Dataset, origin: &str, path: Option<&Path>) -> Result<(), SaveError> {
        std::fs::create_dir_all(&self.folder).map_err(|error| SaveError::new(&self.folder, &error))?;
        let file = RecoveryFileView {
            saved_at: jiff::Timestamp::now().to_string(),
            origin,
            path,
            dataset: io::stream::FileView(dataset),
        };
        io::save::save_atomic(&self.path(), |out| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            serde_json::to_writer(&mut out, &file)?;
            std::io::Write::flush(&mut out)
        })
    }

    /// Reads the recovery copy, if there is one.
    pub fn read(&self) -> Option<Result<Recovered, LoadError>> {
        let path = self.path();
        if !path.exists() {
            return None;
        }
        let origin = path.display().to_string();
        Some(io::read_file(&path).and_then(|bytes| {
            let text = io::decode_utf8(&bytes, &origin)?;
            let file: RecoveryFile<'_> = serde_json::from_str(text)
                .map_err(|error| LoadError::at(&origin, error.line(), error.column(), error.to_string()))?;
            Ok(Recovered {
                saved_at: file.saved_at,
                origin: file.origin,
                path: file.path,
                dataset: convert::from_wire(file.dataset),
            })
        }))
    }

    /// Removes the recovery copy (after a clean save or a discard).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(self.path());
    }
}

/// The unsaved work a panic handler can still write: the dataset as of the last change, and its names.
/// A weak reference, so that holding it never makes an edit copy the dataset.
pub type Unsaved = std::sync::Mutex<Option<(std::sync::Weak<Dataset>, String, Option<PathBuf>)>>;

/// Makes a panic anywhere in the app write the unsaved work to the recovery copy before the process
/// ends, so that the next start offers it. `unsaved` is kept current by the app after every change.
pub fn write_on_panic(store: RecoveryStore, unsaved: std::sync::Arc<Unsaved>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // try_lock: a panic while the app holds the lock must not deadlock the handler.
        if let Ok(guard) = unsaved.try_lock()
            && let Some((dataset, origin, path)) = guard.as_ref()
            && let Some(dataset) = dataset.upgrade()
        {
            match store.write(&dataset, origin, path.as_deref()) {
                Ok(()) => eprintln!("pledge-explorer: your unsaved work was kept in {}", store.path().display()),
                Err(error) => eprintln!("pledge-explorer: could not keep your unsaved work: {error}"),
            }
        }
        previous(info);
    }));
}

/// "2026-11-28 06:40 UTC" from an RFC 3339 timestamp, for the restore question.
pub fn describe_time(saved_at: &str) -> String {
    saved_at
        .parse::<jiff::Timestamp>()
        .map(|time| time.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| saved_at.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_copy_round_trips_and_is_removed() {
        let folder = tempfile::tempdir().unwrap();
        let store = RecoveryStore::new(folder.path().join("nested"));
        assert!(store.read().is_none());
        let dataset = io::default_dataset();
        store.write(&dataset, "<default dataset>", None).unwrap();
        let recovered = store.read().unwrap().unwrap();
        assert_eq!(recovered.origin, "<default dataset>");
        assert_eq!(io::json::to_string(&recovered.dataset), io::json::to_string(&dataset));
        assert!(describe_time(&recovered.saved_at).ends_with("UTC"));
        store.remove();
        assert!(store.read().is_none());
    }

    #[test]
    fn a_panic_writes_the_unsaved_work() {
        let folder = tempfile::tempdir().unwrap();
        let store = RecoveryStore::new(folder.path().to_owned());
        let unsaved = std::sync::Arc::new(Unsaved::new(None));
        write_on_panic(store.clone(), unsaved.clone());
        let dataset = std::sync::Arc::new(io::default_dataset());
        *unsaved.lock().unwrap() = Some((std::sync::Arc::downgrade(&dataset), "edited.json".into(), None));
        let outcome = std::thread::spawn(|| panic!("a view failed")).join();
        assert!(outcome.is_err());
        let _ = std::panic::take_hook();
        let recovered = store.read().unwrap().unwrap();
        assert_eq!(recovered.origin, "edited.json");
    }

    #[test]
    fn a_damaged_recovery_copy_is_an_error_not_a_panic() {
        let folder = tempfile::tempdir().unwrap();
        let store = RecoveryStore::new(folder.path().to_owned());
        std::fs::write(store.path(), "{\"saved_at\": 1").unwrap();
        assert!(store.read().unwrap().is_err());
    }
}
