//! The open dataset, where it came from, its undo history, and what is derived from it.
//!
//! Every change goes through [`Document::apply`], which records the inverse for undo and bumps the
//! generation counter; derived views (validation problems, table rows) rebuild when it changes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::context::panics;
use crate::io::{self, LoadError};
use crate::model::validate::{Problem, Severity, validate};

use crate::model::{Changed, Collection, Dataset};

/// Past this many acquisitions, validation (at open and after an edit) runs on a worker thread.
const BACKGROUND_VALIDATION: usize = 50_000;

/// Validation problems indexed for the views: counts and each record's problems, built once per change
/// so that no frame scans the whole list.
#[derive(Debug, Default)]
pub struct Problems {
    pub list: Vec<Problem>,
    pub errors: usize,
    by_record: std::collections::HashMap<(Collection, usize), Vec<usize>>,
}

impl Problems {
    pub fn new(list: Vec<Problem>) -> Self {
        let errors = list.iter().filter(|p| p.severity == Severity::Error).count();
        let mut by_record: std::collections::HashMap<_, Vec<usize>> = std::collections::HashMap::new();
        for (position, problem) in list.iter().enumerate() {
            if let Some(collection) = problem.place.collection {
                by_record.entry((collection, problem.place.index)).or_default().push(position);
            }
        }
        Problems { list, errors, by_record }
    }

    pub fn warnings(&self) -> usize {
        self.list.len() - self.errors
    }

    /// "2 errors, 5 warnings", as the status bar and the messages say it.
    pub fn summary(&self) -> String {
        format!("{} errors, {} warnings", self.errors, self.warnings())
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems of one record.
    pub fn of_record(&self, collection: Collection, index: usize) -> impl Iterator<Item = &Problem> {
        self.by_record.get(&(collection, index)).into_iter().flatten().map(|&position| &self.list[position])
    }
}

use crate::io::stamp::DiskStamp;

use super::history::{Edit, History, MergeKey};

/// What applying `edit` to `dataset` (as it is before) will change.
fn change_of(edit: &Edit, dataset: &Dataset) -> Changed {
    match edit {
        Edit::Replace { index, record } => {
            let collection = record.collection();
            match dataset.links(collection, *index) {
                Some(links) => {
                    Changed::Record { collection, index: *index, links_kept: links == (record.id(), record.parent()) }
                }
                None => Changed::Other,
            }
        }
        Edit::Meta(_) => Changed::Meta,
        Edit::Batch(edits) if edits.len() == 1 => change_of(&edits[0], dataset),
        Edit::Insert { .. } | Edit::Remove { .. } | Edit::Batch(_) => Changed::Other,
    }
}

/// Where a new document's generations start: apart from every other document's, so that a view keyed by
/// a generation of the document it showed before never takes a new document's data for it.
fn first_generation() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1 << 32, std::sync::atomic::Ordering::Relaxed)
}

/// How many changes back views can follow in place.
const CHANGES_KEPT: usize = 256;

pub struct Document {
    /// Shared with background work (saves, table rebuilds); an edit copies it only while one runs.
    pub dataset: Arc<Dataset>,
    /// The file it is saved to; None for the embedded default and imports, which need Save As.
    pub path: Option<PathBuf>,
    /// How messages name it.
    pub origin: String,
    /// Validation problems (of the current generation, or of the previous one while a background
    /// check runs).
    pub problems: Arc<Problems>,
    /// False until a first check ends (a large dataset's runs on a worker) and while every check so far
    /// failed: `problems` is empty then, not known.
    checked: bool,
    /// Whether a check was ever started: [`Document::begin_check`] starts the first one only once, so
    /// that a check that fails (a panic on its worker) is not started again at every frame.
    check_started: bool,
    /// The running check on a worker: the generation it checks, and where its result (or the message of
    /// its panic) comes.
    validating: Option<(u64, std::sync::mpsc::Receiver<Result<Problems, String>>)>,
    /// Why the last check failed (a bug: its panic's message), until a check starts again; and whether the
    /// app has been told.
    check_failure: Option<(String, bool)>,
    /// Makes the next check panic, to prove that the app survives it and says so (tests, and
    /// `PLEDGE_EXPLORER_PANIC_IN_CHECK=1` for a manual check).
    pub panic_in_next_check: bool,
    pub history: History,
    /// Bumped by every change, undo and redo included: derived views rebuild when it moves. Never the
    /// same in two documents.
    pub generation: u64,
    /// The history state that is on disk; the document is modified when the current one differs.
    saved_state: Option<u64>,
    /// The changes a restored recovery copy held, counted until the next save.
    restored_changes: usize,
    /// The file at `path` as last read or written, to notice another program writing it.
    pub disk: Option<DiskStamp>,
    /// Opened read-only (another window has the file open): edits are refused, Save asks for a new name.
    pub read_only: bool,
    /// How long the journal of edits was when the running save started.
    journal_at_save: usize,
    /// What each of the last generations changed: (the generation it made, the change).
    changes: std::collections::VecDeque<(u64, Changed)>,
}

impl Document {
    pub fn default_dataset() -> Self {
        Document::new(io::default_dataset(), None, io::DEFAULT_ORIGIN.to_owned())
    }

    /// A new, empty dataset.
    pub fn empty() -> Self {
        Document::new(Dataset::default(), None, "Untitled".to_owned())
    }

    /// A large dataset is shown before it is checked (at a million acquisitions the check took a tenth of
    /// opening the file): [`Document::begin_check`] starts it on a worker, and [`Document::is_checked`] says
    /// when it ends.
    pub fn new(dataset: Dataset, path: Option<PathBuf>, origin: String) -> Self {
        let history = History::default();
        let saved_state = Some(history.state_id());
        let mut document = Document {
            dataset: Arc::new(dataset),
            path,
            origin,
            problems: Arc::default(),
            checked: false,
            check_started: false,
            validating: None,
            check_failure: None,
            panic_in_next_check: false,
            saved_state,
            history,
            generation: first_generation(),
            restored_changes: 0,
            disk: None,
            read_only: false,
            journal_at_save: 0,
            changes: std::collections::VecDeque::new(),
        };
        if document.dataset.acquisitions.len() <= BACKGROUND_VALIDATION {
            document.check_now();
        }
        document
    }

    /// Starts the first check of a large dataset on a worker, unless one was started; true when it starts
    /// one now. The app calls it once the table shows the records, so that building them has both cores.
    pub fn begin_check(&mut self) -> bool {
        let begin = !self.checked && !self.check_started;
        if begin {
            self.start_validation();
        }
        begin
    }

    /// Whether `problems` holds a check of this dataset (of its current state, or of an earlier one
    /// while a new check runs); false while the first check of a large dataset runs.
    pub fn is_checked(&self) -> bool {
        self.checked
    }

    /// Why the last check failed (the message of a bug's panic), until a check starts again.
    pub fn check_failure(&self) -> Option<&str> {
        self.check_failure.as_ref().map(|(message, _)| message.as_str())
    }

    /// [`Document::check_failure`] the first time it is asked for after the check failed, so that the
    /// app says it once.
    pub fn unreported_check_failure(&mut self) -> Option<String> {
        let (message, reported) = self.check_failure.as_mut().filter(|(_, reported)| !*reported)?;
        *reported = true;
        Some(message.clone())
    }

    /// Checks the data again (after a change, or after a check failed). A large dataset is checked on a
    /// worker thread and the last problems stay shown until then; one check runs at a time: typing five
    /// characters starts one now and one when it ends, not five.
    pub fn check_again(&mut self) {
        if self.dataset.acquisitions.len() <= BACKGROUND_VALIDATION {
            self.check_now();
        } else if self.validating.is_none() {
            self.start_validation();
        }
    }

    /// Loads a JSON dataset, a CSV table named after its collection, or a folder of CSV tables.
    pub fn load(path: &Path) -> Result<Document, LoadError> {
        Document::load_with(path, None)
    }

    /// [`Document::load`], counting the bytes read into `progress` and stopping when it is cancelled.
    pub fn load_with(path: &Path, progress: Option<&io::progress::Progress>) -> Result<Document, LoadError> {
        // Only a JSON file is saved back where it came from; tables and workbooks become a new dataset.
        let is_json = path.is_file() && !io::is_csv(path) && !io::is_workbook(path);
        let (dataset, disk) = if is_json {
            // Stamped from the bytes read (reading the file a second time to stamp it took a sixth of
            // opening it).
            let (dataset, disk) = io::json::read(path, progress)?;
            (dataset, Some(disk))
        } else {
            (io::load_path_with(path, None, progress)?, None)
        };
        let mut document = Document::new(dataset, is_json.then(|| path.to_owned()), path.display().to_string());
        document.disk = disk;
        if disk.is_some() {
            document.history.start_journal();
        }
        Ok(document)
    }

    pub fn is_modified(&self) -> bool {
        self.saved_state != Some(self.history.state_id())
    }

    /// Marks the document as changed without an undoable edit (a restored recovery copy): no state of
    /// its history is on disk.
    pub fn mark_modified(&mut self) {
        self.saved_state = None;
        self.generation += 1;
        self.note(Changed::Other);
    }

    /// Marks the current state as the one on disk (after a save, or when changes are let go).
    pub fn mark_saved(&mut self) {
        self.saved_state = Some(self.history.state_id());
        self.restored_changes = 0;
    }

    /// The state to record as saved once a save that starts now succeeds. Typing after it starts a new
    /// undo step, so the state it names is exactly what is being written.
    pub fn begin_save(&mut self) -> u64 {
        self.history.seal();
        self.journal_at_save = self.history.journal_len();
        self.history.state_id()
    }

    /// Records that history state `state` was written to `path`.
    pub fn saved_as(&mut self, path: PathBuf, state: u64, disk: DiskStamp) {
        self.disk = Some(disk);
        let nothing_since = self.history.state_id() == state;
        self.history.journal_saved(self.journal_at_save, nothing_since);
        // Saved under a name of its own: a file this window may change.
        self.read_only = false;
        self.origin = path.display().to_string();
        self.path = Some(path);
        self.saved_state = Some(state);
        self.restored_changes = 0;
    }

    /// Applies an edit with undo, and refreshes what is derived from the data.
    /// While a worker holds the dataset, this copies the records' chunk pointers and the one chunk the
    /// edit writes, never the whole dataset.
    pub fn apply(&mut self, edit: Edit, label: String, merge_key: Option<MergeKey>) {
        let change = change_of(&edit, &self.dataset);
        self.history.apply(Arc::make_mut(&mut self.dataset), edit, label, merge_key);
        self.changed(change);
    }

    pub fn undo(&mut self) -> Option<(String, Option<(Collection, usize)>)> {
        let change = self.history.next_undo().map_or(Changed::Other, |edit| change_of(edit, &self.dataset));
        let done = self.history.undo(Arc::make_mut(&mut self.dataset))?;
        self.changed(change);
        Some(done)
    }

    pub fn redo(&mut self) -> Option<(String, Option<(Collection, usize)>)> {
        let change = self.history.next_redo().map_or(Changed::Other, |edit| change_of(edit, &self.dataset));
        let done = self.history.redo(Arc::make_mut(&mut self.dataset))?;
        self.changed(change);
        Some(done)
    }

    /// What changed from `generation` to now, in order, when every change since can be followed in place
    /// (None when one cannot, or `generation` is too far back). Empty when nothing changed.
    pub fn changes_since(&self, generation: u64) -> Option<Vec<Changed>> {
        if generation == self.generation {
            return Some(Vec::new());
        }
        if generation > self.generation {
            return None;
        }
        let first = self.changes.iter().position(|&(made, _)| made == generation + 1)?;
        let changes: Vec<Changed> = self.changes.iter().skip(first).map(|&(_, change)| change).collect();
        let complete = changes.len() as u64 == self.generation - generation;
        (complete && !changes.contains(&Changed::Other)).then_some(changes)
    }

    fn note(&mut self, change: Changed) {
        if self.changes.len() == CHANGES_KEPT {
            self.changes.pop_front();
        }
        self.changes.push_back((self.generation, change));
    }

    /// The string pool, to read a record into (interning copies the dataset if a worker holds it).
    pub fn strings_mut(&mut self) -> &mut crate::model::Interner {
        &mut Arc::make_mut(&mut self.dataset).strings
    }

    /// Takes a copy of the string pool that has grown (an import interned its strings into it). Interning
    /// only appends, so every symbol the dataset holds means what it meant.
    pub fn adopt_strings(&mut self, strings: crate::model::Interner) {
        debug_assert!(strings.len() >= self.dataset.strings.len());
        Arc::make_mut(&mut self.dataset).strings = strings;
    }

    pub fn intern(&mut self, text: &str) -> crate::model::Symbol {
        Arc::make_mut(&mut self.dataset).intern(text)
    }

    fn changed(&mut self, change: Changed) {
        self.generation += 1;
        self.note(change);
        self.check_again();
    }

    /// Checks a small dataset on this thread (at 50,000 acquisitions a check takes a few tens of ms).
    fn check_now(&mut self) {
        self.check_started = true;
        self.validating = None;
        let result = check(&self.dataset, std::mem::take(&mut self.panic_in_next_check));
        self.take_check(result);
    }

    fn start_validation(&mut self) {
        let (sender, receiver) = std::sync::mpsc::channel();
        let dataset = self.dataset.clone();
        let panic = std::mem::take(&mut self.panic_in_next_check);
        std::thread::spawn(move || {
            let _ = sender.send(check(&dataset, panic));
            drop(dataset);
            crate::allocator::give_back_free_memory();
        });
        self.validating = Some((self.generation, receiver));
        self.check_started = true;
        self.check_failure = None;
    }

    /// Takes the result of a check of the current state: its problems, or why it failed (the problems of
    /// an earlier check, if any, stay, and the status bar says the check failed).
    fn take_check(&mut self, result: Result<Problems, String>) {
        match result {
            Ok(problems) => {
                self.problems = Arc::new(problems);
                self.checked = true;
                self.check_failure = None;
            }
            Err(message) => {
                log::error!("the data check of {} failed: {message}", self.origin);
                self.check_failure = Some((message, false));
            }
        }
    }

    /// Takes the result of a background check; true while one is still running (or a newer one starts).
    pub fn poll_validation(&mut self) -> bool {
        let Some((generation, receiver)) = &self.validating else { return false };
        match receiver.try_recv() {
            Ok(result) => {
                let current = *generation == self.generation;
                self.validating = None;
                if current {
                    self.take_check(result);
                    return false;
                }
                // The data changed while it ran: its result is of an older state; check the new one.
                self.start_validation();
                true
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => true,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.validating = None;
                self.take_check(Err("the check's worker ended without a result".to_owned()));
                false
            }
        }
    }

    /// The change log entry the edits since the last save come to, for the user to edit before saving;
    /// empty when they come to nothing.
    pub fn changelog_draft(&self) -> String {
        crate::compare::changelog::draft(&self.history.touches_since(self.saved_state))
    }

    /// The edits that undo every change since the last save, when the history reaches back that far
    /// (not after a restored recovery copy): applied to a copy of the dataset they give it as saved,
    /// whatever has happened to the file since.
    pub fn back_to_saved(&self) -> Option<Vec<Edit>> {
        self.history.back_to(self.saved_state)
    }

    /// What the unsaved work is, for its recovery copy.
    pub fn work(&self) -> crate::context::recovery::Work {
        crate::context::recovery::Work {
            origin: self.origin.clone(),
            path: self.path.clone(),
            changes: self.restored_changes + self.history.steps_since(self.saved_state),
        }
    }

    /// Marks a restored recovery copy: unsaved, with the changes it held.
    pub fn mark_restored(&mut self, changes: usize) {
        self.mark_modified();
        self.restored_changes = changes;
    }

    /// The file name for the title bar.
    pub fn display_name(&self) -> String {
        display_name(self.path.as_deref(), &self.origin)
    }
}

/// The open file, written by another program or window since the app read or wrote it (other bytes), or
/// removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskChange {
    pub path: PathBuf,
    pub gone: bool,
}

/// A dataset's short name: its file's name, or how it was named when it has no file.
pub fn display_name(path: Option<&Path>, origin: &str) -> String {
    match path {
        Some(path) => path.file_name().map_or_else(|| origin.to_owned(), |n| n.to_string_lossy().into_owned()),
        None if origin == io::DEFAULT_ORIGIN => "Default dataset".to_owned(),
        None => origin.to_owned(),
    }
}

/// The check of `dataset`, or the message of its panic; `panic` makes one (tests).
fn check(dataset: &Dataset, panic: bool) -> Result<Problems, String> {
    panics::catch(|| {
        assert!(!panic, "a deliberate panic in the data check");
        Problems::new(validate(dataset))
    })
}
