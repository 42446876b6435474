//! Autosave: while there are unsaved changes, each running window writes its own recovery copy every
//! few seconds; after a crash or a kill the next start offers every copy whose window is gone.
//!
//! The copies live in one folder, one per running instance: `<instance>.json`, beside `<instance>.lock`,
//! which the instance holds locked while it runs (an OS lock, released when the process ends however it
//! ends). A copy whose lock can be taken belongs to no running window: it is offered at start, and the
//! offering window holds its lock until the user answers, so that two windows starting at once never
//! offer the same copy. Restoring a copy renames it to the restoring instance's name: it is that
//! window's copy from then on. No instance ever writes another's file.
//!
//! Beside them, `<instance>.open` names the file each running window has open, so that opening a file
//! another window holds can say so.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::io::save::SaveError;
use crate::io::stamp::{Check, DiskStamp};
use crate::io::wire::DatasetFile;
use crate::io::{self, LoadError, convert};
use crate::model::Dataset;

use super::history::Edit;
use super::journal::{JournalEdit, from_journal, to_journal};

/// How often unsaved changes are copied.
pub const INTERVAL: Duration = Duration::from_secs(5);

/// What unsaved work is: where it came from and how much of it there is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// How the dataset was named ("/home/me/pledges.json", "<default dataset>").
    pub origin: String,
    /// The file the dataset is saved to, if any.
    pub path: Option<PathBuf>,
    /// Undoable edits since the last save (0 when unknown, as in copies from before it was kept).
    pub changes: usize,
}

/// The recovery copy as written: when, what, then either the dataset record by record or, for a dataset
/// opened from a file, the file (its size and checksum) and the edits since, to replay onto it.
#[derive(Serialize)]
struct RecoveryFileView<'a> {
    saved_at: String,
    origin: &'a str,
    path: Option<&'a Path>,
    changes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    dataset: Option<io::stream::FileView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<Base>,
    #[serde(skip_serializing_if = "Option::is_none")]
    journal: Option<Vec<JournalEdit<'a>>>,
}

/// The saved file a journal replays onto, as it was when the edits began.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Base {
    path: PathBuf,
    len: u64,
    checksum: u32,
}

/// The recovery copy as read; `D` is the dataset and `J` the journal, or `IgnoredAny` to read only what
/// the copy is.
#[derive(Deserialize)]
struct RecoveryFile<D, J> {
    /// When the copy was written (RFC 3339).
    saved_at: String,
    origin: String,
    path: Option<PathBuf>,
    /// Absent in copies from before it was kept.
    #[serde(default)]
    changes: usize,
    dataset: Option<D>,
    base: Option<Base>,
    journal: Option<J>,
}

impl<D, J> RecoveryFile<D, J> {
    fn work(&self) -> Work {
        Work { origin: self.origin.clone(), path: self.path.clone(), changes: self.changes }
    }
}

/// A recovered dataset, restored into a window.
pub struct Recovered {
    pub dataset: Dataset,
    pub saved_at: String,
    pub work: Work,
    /// Restored from a journal: the file it was replayed onto, and the edits replayed (the journal goes
    /// on from them).
    pub replayed: Option<(DiskStamp, Vec<Edit>)>,
}

/// The edits since a save, for a journal: the file saved, as stamped then, and the edits.
pub struct JournalOf {
    pub file: PathBuf,
    pub stamp: DiskStamp,
    pub edits: Vec<Edit>,
}

/// A recovery copy left by a window that is gone, locked by the window offering it.
#[derive(Debug)]
pub struct Orphan {
    pub file: PathBuf,
    pub saved_at: String,
    pub work: Work,
    lock: Lock,
}

impl Orphan {
    /// Lets another instance take the copy (a new window restoring it, or the next start).
    pub fn release(self) {}
}

/// A lock file held locked; dropping it releases the lock.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    _file: File,
}

impl Lock {
    /// Takes the lock at `path` (creating the file), or None when another instance holds it.
    fn try_take(path: PathBuf) -> std::io::Result<Option<Lock>> {
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Lock { path, _file: file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }

    /// Removes the lock file, then lets the lock go.
    fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// This instance's name and the lock that says it runs; the lock file goes when the instance does.
#[derive(Debug)]
struct Instance {
    id: String,
    lock: Option<Lock>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(lock) = self.lock.take() {
            let _ = std::fs::remove_file(lock.path.with_extension("open"));
            lock.remove();
        }
    }
}

/// The recovery folder, as seen by one running instance: its own copy, and the copies of instances
/// that are gone.
#[derive(Clone, Debug)]
pub struct RecoveryStore {
    folder: PathBuf,
    instance: Arc<Instance>,
}

/// The folder of the copies inside the app's data folder.
const FOLDER: &str = "recovery";
/// The one copy versions before per-window copies wrote, in the data folder itself.
const SINGLE_COPY: &str = "recovery.json";

impl RecoveryStore {
    /// Starts an instance in `folder`: picks its name and takes its lock.
    pub fn open(folder: &Path) -> Result<Self, SaveError> {
        std::fs::create_dir_all(folder).map_err(|error| SaveError::new(folder, &error))?;
        let nanos = jiff::Timestamp::now().as_nanosecond();
        let id = format!("{}-{nanos:x}", std::process::id());
        let lock_path = folder.join(format!("{id}.lock"));
        let lock = match Lock::try_take(lock_path.clone()) {
            Ok(Some(lock)) => lock,
            Ok(None) => {
                let error = std::io::Error::other("another instance holds this name");
                return Err(SaveError::new(&lock_path, &error));
            }
            Err(error) => return Err(SaveError::new(&lock_path, &error)),
        };
        Ok(RecoveryStore { folder: folder.to_owned(), instance: Arc::new(Instance { id, lock: Some(lock) }) })
    }

    /// The instance's store in the per-user data folder of the app, if the platform has one. The single
    /// copy of earlier versions is moved in, to be offered like any other.
    pub fn in_data_folder() -> Option<Result<Self, SaveError>> {
        let data = eframe::storage_dir("Pledge Explorer")?;
        let folder = data.join(FOLDER);
        let store = RecoveryStore::open(&folder);
        if store.is_ok() && data.join(SINGLE_COPY).exists() {
            let nanos = jiff::Timestamp::now().as_nanosecond();
            let _ = std::fs::rename(data.join(SINGLE_COPY), folder.join(format!("earlier-{nanos:x}.json")));
        }
        Some(store)
    }

    /// This instance's copy.
    pub fn path(&self) -> PathBuf {
        self.folder.join(format!("{}.json", self.instance.id))
    }

    /// Writes this instance's copy atomically: the whole dataset.
    pub fn write(&self, dataset: &Dataset, work: &Work) -> Result<(), SaveError> {
        self.write_copy(dataset, work, None)
    }

    /// Writes this instance's copy atomically: the journal of edits since the file was saved, when the
    /// file is still as it was then (else the whole dataset).
    pub fn write_journal(&self, dataset: &Dataset, work: &Work, journal: JournalOf) -> Result<(), SaveError> {
        let unchanged = matches!(journal.stamp.check(&journal.file), Ok(Check::Same));
        self.write_copy(dataset, work, unchanged.then_some(&journal))
    }

    fn write_copy(&self, dataset: &Dataset, work: &Work, journal: Option<&JournalOf>) -> Result<(), SaveError> {
        let file = RecoveryFileView {
            saved_at: jiff::Timestamp::now().to_string(),
            origin: &work.origin,
            path: work.path.as_deref(),
            changes: work.changes,
            dataset: journal.is_none().then_some(io::stream::FileView(dataset)),
            base: journal.map(|journal| Base {
                path: journal.file.clone(),
                len: journal.stamp.len,
                checksum: journal.stamp.checksum,
            }),
            journal: journal.map(|journal| journal.edits.iter().map(|edit| to_journal(edit, dataset)).collect()),
        };
        io::save::save_atomic(&self.path(), |out| {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
            serde_json::to_writer(&mut out, &file)?;
            std::io::Write::flush(&mut out)
        })
    }

    /// Removes this instance's copy (after a clean save or a discard).
    pub fn remove(&self) {
        let _ = std::fs::remove_file(self.path());
    }

    /// Notes the file this instance's window has open (None: none, or one without a file).
    pub fn set_open_file(&self, file: Option<&Path>) {
        let note = self.folder.join(format!("{}.open", self.instance.id));
        let written = match file {
            Some(file) => {
                let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
                io::save::save_atomic(&note, |out| out.write_all(file.as_os_str().as_encoded_bytes()))
            }
            None => {
                std::fs::remove_file(&note).or_else(not_found_is_fine).map_err(|error| SaveError::new(&note, &error))
            }
        };
        if let Err(error) = written {
            log::warn!("cannot note the open file for other windows: {error}");
        }
    }

    /// Whether another running window has `file` open.
    pub fn open_elsewhere(&self, file: &Path) -> bool {
        let file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned());
        let Ok(entries) = std::fs::read_dir(&self.folder) else { return false };
        entries.flatten().map(|entry| entry.path()).any(|note| {
            note.extension().is_some_and(|extension| extension == "open")
                && note.file_stem().is_some_and(|stem| *stem != *self.instance.id)
                && std::fs::read(&note).is_ok_and(|named| named == file.as_os_str().as_encoded_bytes())
                && is_running(&note.with_extension("lock"))
        })
    }

    /// The copies of instances that are gone, oldest first, each locked for this instance until it is
    /// restored, discarded or released; and the copies that could not be read, which stay in place.
    pub fn orphans(&self) -> (Vec<Orphan>, Vec<LoadError>) {
        let mut orphans = Vec::new();
        let mut errors = Vec::new();
        let Ok(entries) = std::fs::read_dir(&self.folder) else { return (orphans, errors) };
        for entry in entries.flatten() {
            let file = entry.path();
            // The open file noted by a window that is gone.
            if file.extension().is_some_and(|extension| extension == "open")
                && !is_running(&file.with_extension("lock"))
            {
                let _ = std::fs::remove_file(&file);
                continue;
            }
            if file.extension().is_none_or(|extension| extension != "json") || file == self.path() {
                continue;
            }
            match self.claim(&file) {
                Some(Ok(orphan)) => orphans.push(orphan),
                Some(Err(error)) => errors.push(error),
                None => {}
            }
        }
        orphans.sort_by(|a, b| a.saved_at.cmp(&b.saved_at));
        (orphans, errors)
    }

    /// Locks the copy at `file` for this instance when its window is gone (None while it runs, or
    /// when another instance offers it), and reads what it holds.
    pub fn claim(&self, file: &Path) -> Option<Result<Orphan, LoadError>> {
        let lock = Lock::try_take(file.with_extension("lock")).ok()??;
        if !file.exists() {
            lock.remove();
            return None;
        }
        let origin = file.display().to_string();
        let about = std::fs::File::open(file)
            .map_err(|error| LoadError::whole(&origin, io::io_message(&error)))
            .and_then(|opened| {
                serde_json::from_reader::<_, RecoveryFile<serde::de::IgnoredAny, serde::de::IgnoredAny>>(
                    std::io::BufReader::new(opened),
                )
                .map_err(|error| LoadError::at(&origin, error.line(), error.column(), error.to_string()))
            });
        Some(about.map(|about| Orphan { file: file.to_owned(), work: about.work(), saved_at: about.saved_at, lock }))
    }

    /// Reads an orphan's dataset and makes the copy this instance's own (its window now holds that
    /// work). On an error the copy stays where it was.
    pub fn adopt(&self, orphan: Orphan) -> Result<Recovered, LoadError> {
        let recovered = read(&orphan.file)?;
        std::fs::rename(&orphan.file, self.path())
            .map_err(|error| LoadError::whole(&orphan.file.display().to_string(), io::io_message(&error)))?;
        orphan.lock.remove();
        Ok(recovered)
    }

    /// Deletes an orphan's copy: the user let that work go.
    pub fn discard(&self, orphan: Orphan) {
        let _ = std::fs::remove_file(&orphan.file);
        orphan.lock.remove();
    }
}

/// Whether the instance whose lock file this is still runs (holds it).
fn is_running(lock: &Path) -> bool {
    let Ok(file) = OpenOptions::new().write(true).open(lock) else { return false };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

fn not_found_is_fine(error: std::io::Error) -> std::io::Result<()> {
    if error.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(error) }
}

/// Reads a whole recovery copy.
fn read(path: &Path) -> Result<Recovered, LoadError> {
    let origin = path.display().to_string();
    let bytes = io::read_file(path)?;
    let text = io::decode_utf8(&bytes, &origin)?;
    let file: RecoveryFile<DatasetFile<'_>, Vec<JournalEdit<'_>>> = serde_json::from_str(text)
        .map_err(|error| LoadError::at(&origin, error.line(), error.column(), error.to_string()))?;
    let work = file.work();
    match (file.dataset, file.base, file.journal) {
        (Some(dataset), _, _) => {
            Ok(Recovered { saved_at: file.saved_at, work, dataset: convert::from_wire(dataset), replayed: None })
        }
        (None, Some(base), Some(journal)) => {
            let (dataset, replayed) = replay(&base, &journal, &origin)?;
            Ok(Recovered { saved_at: file.saved_at, work, dataset, replayed: Some(replayed) })
        }
        _ => Err(LoadError::whole(&origin, "the copy holds neither a dataset nor a journal")),
    }
}

/// Reads the file a journal was kept against, checks it is still what the edits began from, and
/// replays the edits onto it.
fn replay(
    base: &Base,
    journal: &[JournalEdit<'_>],
    origin: &str,
) -> Result<(Dataset, (DiskStamp, Vec<Edit>)), LoadError> {
    let name = base.path.display();
    let stamp = DiskStamp::of(&base.path).map_err(|error| {
        LoadError::whole(
            origin,
            format!("the edits were kept against {name}, which cannot be read: {}", io::io_message(&error)),
        )
    })?;
    if stamp.len != base.len || stamp.checksum != base.checksum {
        return Err(LoadError::whole(
            origin,
            format!("the edits were kept against {name}, which was changed since: they cannot be replayed onto it"),
        ));
    }
    let mut dataset = io::load_path(&base.path, None)?;
    let mut edits = Vec::with_capacity(journal.len());
    for (line, edit) in journal.iter().enumerate() {
        let edit = from_journal(edit, &mut dataset.strings)
            .map_err(|message| LoadError::whole(origin, format!("edit {} of the journal: {message}", line + 1)))?;
        edits.push(edit.clone());
        edit.apply(&mut dataset);
    }
    Ok((dataset, (stamp, edits)))
}

/// The unsaved work a panic handler can still write: the dataset as of the last change, and what it is.
/// A weak reference, so that holding it never makes an edit copy the dataset.
pub type Unsaved = std::sync::Mutex<Option<(std::sync::Weak<Dataset>, Work)>>;

/// Makes a panic anywhere in the app write the unsaved work to the recovery copy before the process
/// ends, so that the next start offers it. `unsaved` is kept current by the app after every change.
pub fn write_on_panic(store: RecoveryStore, unsaved: std::sync::Arc<Unsaved>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // try_lock: a panic while the app holds the lock must not deadlock the handler.
        if let Ok(guard) = unsaved.try_lock()
            && let Some((dataset, work)) = guard.as_ref()
            && let Some(dataset) = dataset.upgrade()
        {
            match store.write(&dataset, work) {
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

    fn work(origin: &str, changes: usize) -> Work {
        Work { origin: origin.to_owned(), path: None, changes }
    }

    #[test]
    fn a_copy_is_offered_only_once_its_instance_is_gone_and_restores_as_written() {
        let folder = tempfile::tempdir().unwrap();
        let running = RecoveryStore::open(&folder.path().join("nested")).unwrap();
        let dataset = io::default_dataset();
        running.write(&dataset, &work("<default dataset>", 3)).unwrap();

        let next = RecoveryStore::open(&folder.path().join("nested")).unwrap();
        assert!(next.orphans().0.is_empty(), "a running instance's copy is not offered");
        drop(running);
        let (mut orphans, errors) = next.orphans();
        assert!(errors.is_empty());
        assert_eq!(orphans.len(), 1);
        let orphan = orphans.remove(0);
        assert_eq!(orphan.work, work("<default dataset>", 3));
        assert!(describe_time(&orphan.saved_at).ends_with("UTC"));

        let recovered = next.adopt(orphan).unwrap();
        assert_eq!(io::json::to_string(&recovered.dataset), io::json::to_string(&dataset));
        assert!(next.path().exists(), "the restored copy is the restoring instance's own");
        let later = RecoveryStore::open(&folder.path().join("nested")).unwrap();
        assert!(later.orphans().0.is_empty(), "an adopted copy belongs to a running instance");
        next.remove();
        assert!(!next.path().exists());
    }

    #[test]
    fn instances_write_their_own_copies_and_two_starting_at_once_never_offer_the_same() {
        let folder = tempfile::tempdir().unwrap();
        let a = RecoveryStore::open(folder.path()).unwrap();
        let b = RecoveryStore::open(folder.path()).unwrap();
        assert_ne!(a.path(), b.path());
        a.write(&io::default_dataset(), &work("a.json", 1)).unwrap();
        b.write(&Dataset::default(), &work("b.json", 2)).unwrap();
        drop((a, b));

        let first = RecoveryStore::open(folder.path()).unwrap();
        let second = RecoveryStore::open(folder.path()).unwrap();
        let (offered, _) = first.orphans();
        let origins: Vec<&str> = offered.iter().map(|orphan| orphan.work.origin.as_str()).collect();
        assert_eq!(origins.len(), 2);
        assert!(origins.contains(&"a.json") && origins.contains(&"b.json"));
        assert!(second.orphans().0.is_empty(), "copies being offered elsewhere are not offered again");
        for orphan in offered {
            orphan.release();
        }
        assert_eq!(second.orphans().0.len(), 2, "released copies are offered at the next start");
    }

    #[test]
    fn a_file_open_in_a_running_window_is_known_to_others_and_forgotten_when_it_ends() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("data.json");
        std::fs::write(&file, "{}").unwrap();
        let recovery = folder.path().join("recovery");
        let one = RecoveryStore::open(&recovery).unwrap();
        let two = RecoveryStore::open(&recovery).unwrap();
        one.set_open_file(Some(&file));
        assert!(two.open_elsewhere(&folder.path().join(".").join("data.json")), "the same file by another path");
        assert!(!one.open_elsewhere(&file), "a window's own file is not elsewhere");
        one.set_open_file(None);
        assert!(!two.open_elsewhere(&file));
        one.set_open_file(Some(&file));
        drop(one);
        assert!(!two.open_elsewhere(&file), "a window that ended has nothing open");
    }

    /// A dataset opened from a file keeps the edits since as a journal: every kind of edit, undone and
    /// redone, replays onto the file to the same data in the same order; a copy of one edit is small
    /// whatever the size of the data; a file changed since cannot be replayed onto, and says so.
    #[test]
    fn a_journal_of_edits_replays_onto_the_saved_file() {
        use crate::context::history::History;
        use crate::model::{Collection, Record};
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("data.json");
        let mut dataset = io::json::from_str(&crate::synthetic::dataset_json(2_000, 1), "synthetic.json").unwrap();
        let stamp = io::save::save_json(&dataset, &file).unwrap();
        let mut history = History::default();
        history.start_journal();
        let mut renamed = dataset.acquisitions[5].clone();
        renamed.system = dataset.intern("Renamed system");
        history.apply(
            &mut dataset,
            Edit::Replace { index: 5, record: Record::Acquisition(renamed) },
            "rename".into(),
            None,
        );
        let copy = Record::Acquisition(dataset.acquisitions[9].clone());
        history.apply(&mut dataset, Edit::Insert { index: 0, record: copy }, "duplicate".into(), None);
        history.apply(
            &mut dataset,
            Edit::Remove { collection: Collection::Commitments, index: 1 },
            "delete".into(),
            None,
        );
        let mut meta = dataset.meta.clone();
        meta.title = "Retitled".into();
        history.apply(&mut dataset, Edit::Meta(Box::new(meta)), "title".into(), None);
        history.undo(&mut dataset);
        history.undo(&mut dataset);
        history.redo(&mut dataset);
        let expected = io::json::to_string(&dataset);

        let running = RecoveryStore::open(&folder.path().join("recovery")).unwrap();
        let journal = || JournalOf { file: file.clone(), stamp, edits: history.journal().unwrap().to_vec() };
        running.write_journal(&dataset, &work("data.json", 4), journal()).unwrap();
        let written = std::fs::read_to_string(running.path()).unwrap();
        assert!(written.contains("\"journal\"") && !written.contains("\"dataset\""));
        assert!(written.len() < 8_000, "{} bytes for seven edits", written.len());
        let copy_path = running.path();
        drop(running);

        let next = RecoveryStore::open(&folder.path().join("recovery")).unwrap();
        let recovered = next.adopt(next.orphans().0.remove(0)).unwrap();
        assert_eq!(io::json::to_string(&recovered.dataset), expected);
        let (replayed_onto, edits) = recovered.replayed.unwrap();
        assert_eq!(replayed_onto, stamp);
        assert_eq!(edits.len(), 7, "four edits, two undone, one redone");

        // The file changed since: the copy says why and stays.
        std::fs::write(&file, std::fs::read_to_string(&file).unwrap() + " ").unwrap();
        std::fs::copy(next.path(), &copy_path).unwrap();
        drop(next);
        let later = RecoveryStore::open(&folder.path().join("recovery")).unwrap();
        let orphan = later.orphans().0.into_iter().find(|orphan| orphan.file == copy_path).unwrap();
        let error = later.adopt(orphan).map(|_| ()).unwrap_err();
        assert!(error.message.contains("was changed since"), "{error}");
        assert!(copy_path.exists());
        // And a copy written while the file is changed is the whole dataset.
        later.write_journal(&dataset, &work("data.json", 4), journal()).unwrap();
        assert!(std::fs::read_to_string(later.path()).unwrap().contains("\"dataset\""));
    }

    #[test]
    fn a_discarded_copy_is_gone() {
        let folder = tempfile::tempdir().unwrap();
        let gone = RecoveryStore::open(folder.path()).unwrap();
        gone.write(&Dataset::default(), &work("x.json", 1)).unwrap();
        drop(gone);
        let store = RecoveryStore::open(folder.path()).unwrap();
        for orphan in store.orphans().0 {
            store.discard(orphan);
        }
        let entries: Vec<_> = std::fs::read_dir(folder.path()).unwrap().flatten().map(|entry| entry.path()).collect();
        assert_eq!(entries, vec![folder.path().join(format!("{}.lock", store.instance.id))]);
    }

    #[test]
    fn a_panic_writes_the_unsaved_work() {
        let folder = tempfile::tempdir().unwrap();
        let store = RecoveryStore::open(folder.path()).unwrap();
        let unsaved = std::sync::Arc::new(Unsaved::new(None));
        write_on_panic(store.clone(), unsaved.clone());
        let dataset = std::sync::Arc::new(io::default_dataset());
        *unsaved.lock().unwrap() = Some((std::sync::Arc::downgrade(&dataset), work("edited.json", 1)));
        let outcome = std::thread::spawn(|| panic!("a view failed")).join();
        assert!(outcome.is_err());
        let _ = std::panic::take_hook();
        assert_eq!(read(&store.path()).unwrap().work.origin, "edited.json");
    }

    #[test]
    fn a_damaged_copy_is_an_error_left_in_place_and_a_copy_from_before_per_window_copies_is_read() {
        let folder = tempfile::tempdir().unwrap();
        std::fs::write(folder.path().join("damaged.json"), "{\"saved_at\": 1").unwrap();
        std::fs::write(
            folder.path().join("earlier.json"),
            r#"{"saved_at": "2026-11-28T06:40:00Z", "origin": "old.json", "path": null,
                "dataset": {"format": "pledge-explorer-dataset", "version": 2}}"#,
        )
        .unwrap();
        let store = RecoveryStore::open(folder.path()).unwrap();
        let (orphans, errors) = store.orphans();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].origin.ends_with("damaged.json"));
        assert!(folder.path().join("damaged.json").exists());
        assert_eq!(orphans.len(), 1);
        assert_eq!(orphans[0].work, work("old.json", 0));
        assert_eq!(describe_time(&orphans[0].saved_at), "2026-11-28 06:40 UTC");
    }
}
