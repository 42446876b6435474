//! The real app driven through egui_kittest: widgets found by their accessible names, clicked and typed
//! into, as a user would. File work runs on worker threads, so tests step until it has landed.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use pledge_explorer::app::{PledgeApp, StartOptions};
use pledge_explorer::context::recovery::RecoveryStore;
use pledge_explorer::context::{Message, UserCommand};
use pledge_explorer::io;
use pledge_explorer::model::Collection;

fn start(recovery: Option<RecoveryStore>, autosave_interval: Duration) -> Harness<'static, PledgeApp> {
    start_sized([1400.0, 900.0], recovery, autosave_interval)
}

fn start_sized(
    size: [f32; 2],
    recovery: Option<RecoveryStore>,
    autosave_interval: Duration,
) -> Harness<'static, PledgeApp> {
    let mut harness = Harness::builder().with_size(size).build_eframe(move |_cc| {
        PledgeApp::new(StartOptions { recovery, autosave_interval, ..StartOptions::default() })
    });
    harness.run_steps(2);
    harness
}

fn app() -> Harness<'static, PledgeApp> {
    start(None, Duration::from_secs(3600))
}

/// Steps the app until `done` holds; workers report through a channel, so this polls.
fn step_until(harness: &mut Harness<'static, PledgeApp>, what: &str, done: impl Fn(&PledgeApp) -> bool) {
    for _ in 0..500 {
        harness.step();
        if done(harness.state()) {
            harness.run_steps(2);
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

fn system_of_first_acquisition(app: &PledgeApp) -> String {
    let dataset = &app.document.dataset;
    dataset.text(dataset.acquisitions[0].system).to_owned()
}

fn small_dataset(folder: &Path) -> PathBuf {
    let path = folder.join("small.json");
    std::fs::write(
        &path,
        r#"{"format": "pledge-explorer-dataset", "version": 1,
            "meta": {"title": "Small", "release": "1", "cutoff": "2024"},
            "sources": [{"id": "s", "title": "A source"}],
            "acquisitions": [{"id": "a", "system": "Howitzer", "category": "artillery", "stage": "planned",
                              "sources": ["s"], "confidence": "high"}]}"#,
    )
    .unwrap();
    path
}

#[test]
fn the_app_opens_on_the_default_dataset_with_its_tables() {
    let mut harness = app();
    assert!(harness.query_all_by_label("Patriot GEM-T missile").count() >= 1);
    assert!(harness.query_by_label("22 of 22").is_some());
    harness.get_by_label("Commitments (12)").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("NATO Industrial Capacity Expansion Pledge").is_some());
    assert!(!harness.state().document.is_modified());
}

#[test]
fn a_file_opened_by_command_replaces_the_default() {
    let folder = tempfile::tempdir().unwrap();
    let path = small_dataset(folder.path());
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(path.clone()));
    step_until(&mut harness, "the file to load", |app| app.document.path.as_deref() == Some(path.as_path()));
    assert!(harness.query_by_label("Howitzer").is_some());
    assert!(harness.query_by_label("1 of 1").is_some());
    assert_eq!(harness.state().settings.recent_files, vec![path]);
}

#[test]
fn a_bad_file_is_reported_and_the_app_keeps_its_data() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("broken.json");
    std::fs::write(&path, "{\"format\": \"pledge-explorer-dataset\", \"version\": 1, \"acquisitions\": [").unwrap();
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(path.clone()));
    step_until(&mut harness, "the load to fail", |app| !app.notifications.log.is_empty() && !app.is_busy());
    let message = &harness.state().notifications.log[0].text;
    assert!(message.starts_with(&path.display().to_string()) && message.contains(":1:"), "{message}");
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 22, "the default dataset is still open");
}

#[test]
fn typing_in_the_editor_edits_the_record_and_undo_takes_it_back_in_one_step() {
    let mut harness = app();
    harness.get_all_by_label("Patriot GEM-T missile").next().unwrap().click();
    harness.run_steps(2);
    assert_eq!(harness.state().selection, Some((Collection::Acquisitions, 0)));

    let field = harness.get_by_role_and_label(Role::TextInput, "System");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role_and_label(Role::TextInput, "System").type_text("Patriot PAC-3");
    harness.run_steps(3);
    assert_eq!(system_of_first_acquisition(harness.state()), "Patriot PAC-3");
    assert!(harness.state().document.is_modified());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(system_of_first_acquisition(harness.state()), "Patriot GEM-T missile");
    assert!(!harness.state().document.is_modified(), "undo back to the saved state is unmodified");

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(3);
    assert_eq!(system_of_first_acquisition(harness.state()), "Patriot PAC-3");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run_steps(3);
    assert_eq!(system_of_first_acquisition(harness.state()), "Patriot PAC-3", "Ctrl+Y redoes too");
}

#[test]
fn an_invalid_date_is_refused_next_to_the_field_and_changes_nothing() {
    let mut harness = app();
    harness.get_all_by_label("Patriot GEM-T missile").next().unwrap().click();
    harness.run_steps(2);
    let date = harness.get_by_role_and_label(Role::TextInput, "Date");
    date.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role_and_label(Role::TextInput, "Date").type_text("2024-02-30");
    harness.run_steps(3);
    assert!(harness.query_by_label("2024-02-30 does not exist").is_some());
    assert!(!harness.state().document.is_modified());
}

#[test]
fn add_duplicate_and_delete_are_undoable() {
    let mut harness = app();
    harness.get_by_label("Add").click();
    harness.run_steps(3);
    let count = |h: &Harness<'static, PledgeApp>| h.state().document.dataset.acquisitions.len();
    assert_eq!(count(&harness), 23);
    assert_eq!(harness.state().selection, Some((Collection::Acquisitions, 22)));
    harness.get_by_label("Duplicate").click();
    harness.run_steps(3);
    assert_eq!(count(&harness), 24);
    let dataset = &harness.state().document.dataset;
    assert_eq!(dataset.text(dataset.acquisitions[23].id), "new-acquisition-copy");
    harness.get_by_label("Delete").click();
    harness.run_steps(3);
    assert_eq!(count(&harness), 23);
    for _ in 0..3 {
        harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        harness.run_steps(2);
    }
    assert_eq!(count(&harness), 22);
    assert!(!harness.state().document.is_modified());
}

/// Saving edits shows the change log entry drafted from them: answers it with `button`.
fn answer_changelog(harness: &mut Harness<'static, PledgeApp>, button: &str) {
    step_until(harness, "the change log entry", |app| app.dialogs.changelog.is_some());
    harness.get_by_label(button).click();
    harness.run_steps(2);
}

#[test]
fn save_writes_the_edits_with_a_change_log_entry_and_reloading_gives_them_back() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("saved.json");
    let mut harness = app();
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.state_mut().request(Message::SaveTo(path.clone()));
    step_until(&mut harness, "the change log entry", |app| app.dialogs.changelog.is_some());
    let draft = harness.state().dialogs.changelog.as_ref().unwrap().entry.clone();
    assert_eq!(draft, "Added acquisition: new-acquisition.");
    let entry = harness.get_by_role_and_label(Role::MultilineTextInput, "Change log entry");
    entry.focus();
    harness.key_press(Key::End);
    harness.get_by_role_and_label(Role::MultilineTextInput, "Change log entry").type_text(" A placeholder.");
    harness.run_steps(2);
    harness.get_by_label("Save with This Entry").click();
    step_until(&mut harness, "the save", |app| !app.document.is_modified());
    assert_eq!(harness.state().document.path.as_deref(), Some(path.as_path()));
    let reloaded = io::load_path(&path, None).unwrap();
    assert_eq!(io::json::to_string(&reloaded), io::json::to_string(&harness.state().document.dataset));
    assert_eq!(reloaded.acquisitions.len(), 23);
    let last = reloaded.meta.changelog.last().unwrap();
    assert_eq!(last.text, "Added acquisition: new-acquisition. A placeholder.");
    assert_eq!(last.date, pledge_explorer::model::FuzzyDate::today());

    // The entry is an edit like any other: undo takes it back (and the data is unsaved again).
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().document.dataset.meta.changelog.len(), reloaded.meta.changelog.len() - 1);

    // Nothing changed since the last save: no entry is asked for.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run_steps(2);
    assert!(!harness.state().document.is_modified());
    harness.state_mut().request(Message::SaveTo(path.clone()));
    harness.run_steps(3);
    assert!(harness.state().dialogs.changelog.is_none());
}

#[test]
fn a_failed_save_keeps_the_edits_unsaved_and_says_why() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("no-such-folder").join("saved.json");
    let mut harness = app();
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.state_mut().request(Message::SaveTo(path.clone()));
    answer_changelog(&mut harness, "Save Without an Entry");
    step_until(&mut harness, "the save to fail", |app| {
        !app.is_busy() && app.notifications.log.iter().any(|m| m.text.contains("could not save"))
    });
    assert!(harness.state().document.is_modified());
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 23);
    assert!(harness.state().document.path.is_none());
}

#[test]
fn a_save_to_a_full_disk_keeps_the_old_file_and_the_edits_unsaved() {
    let Some(disk) = common::SmallFilesystem::mount(16) else { return };
    let path = disk.path().join("saved.json");
    std::fs::write(&path, "the old file").unwrap();
    let mut harness = app();
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.state_mut().request(Message::SaveTo(path.clone()));
    answer_changelog(&mut harness, "Save Without an Entry");
    step_until(&mut harness, "the save to fail", |app| {
        !app.is_busy() && app.notifications.log.iter().any(|m| m.text.contains("No space left"))
    });
    assert!(harness.state().document.is_modified(), "still unsaved");
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 23, "the edit is kept");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "the old file");
    assert_eq!(common::file_names(disk.path()), ["saved.json"], "no temporary, no backup left");
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut harness = app();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    harness.run_steps(2);
    assert!(harness.state().quit_requested, "nothing to lose: quits at once");

    let mut harness = app();
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    harness.run_steps(2);
    assert!(harness.query_by_label("Unsaved changes").is_some());
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(!harness.state().quit_requested);
    assert!(harness.query_by_label("Unsaved changes").is_none());

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    harness.run_steps(2);
    harness.get_by_label("Discard").click();
    harness.run_steps(2);
    assert!(harness.state().quit_requested);
}

#[derive(Debug)]
struct DroppedPath(PathBuf);

impl egui::DroppedFile for DroppedPath {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|error| error.to_string())
    }
}

#[test]
fn dropping_a_file_on_the_window_opens_it() {
    let folder = tempfile::tempdir().unwrap();
    let path = small_dataset(folder.path());
    let mut harness = app();
    harness.input_mut().dropped_files.push(Arc::new(DroppedPath(path.clone())));
    step_until(&mut harness, "the dropped file to load", |app| app.document.path.as_deref() == Some(path.as_path()));
    assert!(harness.query_by_label("Howitzer").is_some());
}

#[test]
fn unsaved_work_is_copied_and_restored_after_a_crash() {
    let folder = tempfile::tempdir().unwrap();
    let store = RecoveryStore::open(folder.path()).unwrap();
    let mut harness = start(Some(store.clone()), Duration::ZERO);
    harness.get_by_label("Add").click();
    step_until(&mut harness, "the recovery copy", |_| store.path().exists());
    // The process dies here: nothing is saved, the harness and its instance's lock are dropped.
    drop((harness, store));

    let store = RecoveryStore::open(folder.path()).unwrap();
    let mut harness = start(Some(store.clone()), Duration::from_secs(3600));
    assert!(harness.query_by_label("Restore unsaved work?").is_some());
    assert!(harness.query_by_label_contains("1 change, kept").is_some(), "the offer says how much work");
    harness.get_by_label("Restore Default dataset").click();
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.document.dataset.acquisitions.len(), 23, "the added record is back");
    assert!(app.document.is_modified(), "restored work still needs saving");
    assert!(store.path().exists(), "the restored copy is this window's own now");

    let target = folder.path().join("rescued.json");
    harness.state_mut().request(Message::SaveTo(target));
    step_until(&mut harness, "the save", |app| !app.document.is_modified());
    assert!(!store.path().exists(), "a clean save removes the recovery copy");
}

/// Run by `two_windows_killed_keep_both_sets_of_edits` as a child process: opens the file in
/// `PLEDGE_TEST_FILE` with its recovery copies in `PLEDGE_TEST_RECOVERY`, adds a record, waits for its
/// recovery copy, says so and waits to be killed.
#[test]
#[ignore = "run as a child process by two_windows_killed_keep_both_sets_of_edits"]
fn child_window_that_edits_and_waits_to_be_killed() {
    let (Some(file), Some(recovery)) = (std::env::var_os("PLEDGE_TEST_FILE"), std::env::var_os("PLEDGE_TEST_RECOVERY"))
    else {
        return;
    };
    let store = RecoveryStore::open(Path::new(&recovery)).unwrap();
    let file = PathBuf::from(file);
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe({
        let store = store.clone();
        let file = file.clone();
        move |_cc| {
            PledgeApp::new(StartOptions {
                file: Some(file),
                recovery: Some(store),
                autosave_interval: Duration::ZERO,
                ..StartOptions::default()
            })
        }
    });
    step_until(&mut harness, "the file to load", |app| app.document.path.as_deref() == Some(file.as_path()));
    harness.get_by_label("Add").click();
    step_until(&mut harness, "the recovery copy", |_| store.path().exists());
    println!("EDITED AND COPIED");
    std::thread::sleep(Duration::from_secs(600));
}

#[test]
fn two_windows_killed_keep_both_sets_of_edits() {
    use std::io::BufRead;
    let folder = tempfile::tempdir().unwrap();
    let recovery = folder.path().join("recovery");
    let mut children = Vec::new();
    for name in ["a.json", "b.json"] {
        let file = folder.path().join(name);
        std::fs::copy(small_dataset(folder.path()), &file).unwrap();
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_window_that_edits_and_waits_to_be_killed", "--ignored", "--nocapture"])
            .env("PLEDGE_TEST_FILE", &file)
            .env("PLEDGE_TEST_RECOVERY", &recovery)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        children.push(child);
    }
    // Both processes run at once, each with its edit copied; then both are killed.
    for child in &mut children {
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let said = stdout.lines().map_while(Result::ok).any(|line| line.contains("EDITED AND COPIED"));
        assert!(said, "a child window did not get to its edit");
    }
    for child in &mut children {
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // The next start offers both; this window restores a.json's work and leaves the other for later.
    let store = RecoveryStore::open(&recovery).unwrap();
    let mut first = start(Some(store), Duration::from_secs(3600));
    assert!(first.query_by_label_contains("unsaved changes in 2 windows").is_some());
    first.get_by_label("Restore a.json").click();
    first.run_steps(2);
    assert!(first.query_by_label("Restore b.json").is_some(), "the other copy is still offered");
    // The list just changed under the pointer: it moves to the button first, as a hand would.
    first.get_by_label("Decide Later").hover();
    first.run_steps(2);
    first.get_by_label("Decide Later").click();
    first.run_steps(2);
    assert!(first.query_by_label("Restore unsaved work?").is_none(), "the offer is answered");
    let app = first.state();
    assert_eq!(app.document.path.as_deref(), Some(folder.path().join("a.json").as_path()));
    assert_eq!(app.document.dataset.acquisitions.len(), 2, "a.json's added record is back");

    // A second window started while the first runs is offered only b.json's copy.
    let mut second = start(Some(RecoveryStore::open(&recovery).unwrap()), Duration::from_secs(3600));
    assert!(second.query_by_label("Restore a.json").is_none(), "a running window's work is not offered");
    second.get_by_label("Restore b.json").click();
    second.run_steps(2);
    let app = second.state();
    assert_eq!(app.document.path.as_deref(), Some(folder.path().join("b.json").as_path()));
    assert_eq!(app.document.dataset.acquisitions.len(), 2, "b.json's added record is back");
    assert!(app.document.is_modified());
}

#[test]
fn restore_all_restores_one_copy_here_and_each_other_in_a_new_window() {
    let folder = tempfile::tempdir().unwrap();
    for name in ["x.json", "y.json", "z.json"] {
        let gone = RecoveryStore::open(folder.path()).unwrap();
        let mut document = pledge_explorer::context::Document::default_dataset();
        document.path = Some(folder.path().join(name));
        gone.write(&document.dataset, &document.work()).unwrap();
    }
    // "New windows" here run a program that records its arguments: the copy each was given.
    let record = folder.path().join("windows.txt");
    let program = folder.path().join("new-window.sh");
    std::fs::write(&program, format!("#!/bin/sh\necho \"$@\" >> {}\n", record.display())).unwrap();
    std::fs::set_permissions(&program, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    let store = RecoveryStore::open(folder.path()).unwrap();
    let mut harness = Harness::builder().with_size([1400.0, 900.0]).build_eframe({
        let store = store.clone();
        move |_cc| {
            PledgeApp::new(StartOptions {
                recovery: Some(store),
                autosave_interval: Duration::from_secs(3600),
                new_window_program: Some(program),
                ..StartOptions::default()
            })
        }
    });
    harness.run_steps(2);
    harness.get_by_label("Restore All").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Restore unsaved work?").is_none());
    assert!(harness.state().document.is_modified(), "one copy is restored in this window");
    for _ in 0..200 {
        if std::fs::read_to_string(&record).is_ok_and(|text| text.lines().count() == 2) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let started = std::fs::read_to_string(&record).unwrap();
    let lines: Vec<&str> = started.lines().collect();
    assert_eq!(lines.len(), 2, "two new windows: {started}");
    assert!(lines.iter().all(|line| line.starts_with("--recover ") && line.ends_with(".json")));

    // A window started on a copy (as those are) restores it without asking.
    drop(harness);
    let copy = PathBuf::from(lines[0].trim_start_matches("--recover "));
    let mut window = Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |_cc| {
        PledgeApp::new(StartOptions {
            recovery: Some(RecoveryStore::open(folder.path()).unwrap()),
            autosave_interval: Duration::from_secs(3600),
            recover: Some(copy),
            ..StartOptions::default()
        })
    });
    window.run_steps(2);
    assert!(window.query_by_label("Restore unsaved work?").is_none());
    assert!(window.state().document.is_modified());
    assert!(
        window.state().document.path.as_ref().is_some_and(|path| path.ends_with("y.json") || path.ends_with("z.json"))
    );
}

#[test]
fn a_panic_in_a_view_is_caught_explained_and_the_work_kept() {
    let folder = tempfile::tempdir().unwrap();
    let store = RecoveryStore::open(folder.path()).unwrap();
    let mut harness = start(Some(store.clone()), Duration::from_secs(3600));
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.state_mut().request(UserCommand::ShowTimeline);
    harness.run_steps(2);
    harness.state_mut().panic_in_next_view = true;
    harness.run_steps(3);

    // The app is still running, says what happened, and kept the unsaved work.
    assert!(harness.query_by_label("The timeline view failed").is_some());
    let log = &harness.state().notifications.log;
    assert!(log.iter().any(|m| m.text.contains("The timeline view failed") && m.text.contains("deliberate panic")));
    assert!(store.path().exists(), "the recovery copy is written at once");
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 23, "the data is untouched");

    // The other views work; the failed one comes back on request.
    harness.state_mut().request(UserCommand::ShowAcquisitions);
    harness.run_steps(2);
    assert!(harness.query_by_label("The timeline view failed").is_none());
    assert!(harness.query_all_by_label("Stinger anti-aircraft missile").next().is_some(), "the tables draw");
    harness.state_mut().request(UserCommand::ShowTimeline);
    harness.run_steps(2);
    harness.get_by_label("Try again").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("The timeline view failed").is_none());
    assert!(harness.state().failed_view.is_none());
    drop((harness, store));

    // Had the process died instead, the next start offers the work back.
    let harness = start(Some(RecoveryStore::open(folder.path()).unwrap()), Duration::from_secs(3600));
    assert!(harness.query_by_label("Restore unsaved work?").is_some());
}

#[test]
fn the_command_palette_runs_a_command_by_name() {
    let mut harness = app();
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::P);
    harness.run_steps(2);
    harness.get_by_label("Command").type_text("show events");
    harness.run_steps(2);
    harness.key_press(Key::Enter);
    harness.run_steps(2);
    assert_eq!(harness.state().tab, pledge_explorer::model::Collection::Events);
    assert!(harness.query_by_label("NATO Vilnius Summit").is_some());
}

#[test]
fn searching_narrows_the_rows() {
    let mut harness = app();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("stinger");
    harness.run_steps(2);
    assert!(harness.query_by_label("4 of 22").is_some());
}

/// Past 50,000 records, opening a file and searching run on workers: frames keep coming, the status bar
/// and the table say what runs, and the results land.
#[test]
fn a_large_dataset_opens_and_is_searched_in_the_background_while_frames_keep_coming() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("large.json");
    std::fs::write(&path, pledge_explorer::synthetic::dataset_json(60_000, 3)).unwrap();
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(path.clone()));
    harness.run_steps(2);
    assert!(harness.state().is_busy(), "the load runs on a worker");
    let opening = format!("Opening {}…", path.display());
    assert!(harness.query_by_label(&opening).is_some(), "the status bar says what runs");
    step_until(&mut harness, "the file to load", |app| app.document.path.as_deref() == Some(path.as_path()));
    step_until(&mut harness, "the table to be built", |app| !app.tables.is_updating());
    assert!(harness.query_by_label("60,000 of 60,000").is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run_steps(2);
    harness.get_by_label("Search").type_text("leopard");
    // The first frame takes the text, the second starts the search (`Derived::refresh`), whose result
    // can only land in a later frame.
    harness.run_steps(2);
    let searching = harness.state().tables.is_updating();
    let expected = {
        let dataset = &harness.state().document.dataset;
        let filter = pledge_explorer::analysis::filter::Filter { text: "leopard".into(), ..Default::default() };
        pledge_explorer::analysis::filter::filtered(dataset, Collection::Acquisitions, &filter).len()
    };
    assert!(searching, "the search runs on a worker");
    assert!(harness.query_by_label("Updating…").is_some(), "the table says it is updating");
    step_until(&mut harness, "the search", |app| !app.tables.is_updating());
    assert!(expected > 0 && expected < 60_000);
    let count = format!("{} of 60,000", pledge_explorer::model::count_text(expected));
    assert!(harness.query_by_label(&count).is_some(), "{count}");
}

/// A large file is shown before its data is checked: the document comes without problems and says it is
/// not checked yet; the check runs on a worker, and when it ends the app says what it found.
#[test]
fn a_large_file_is_shown_first_and_its_problems_are_announced_when_its_check_ends() {
    // One acquisition cites a source that does not exist: one error.
    let text = pledge_explorer::synthetic::dataset_json(60_000, 3).replacen(
        "\"sources\": [\"",
        "\"sources\": [\"nowhere\", \"",
        1,
    );
    let dataset = io::json::from_str(&text, "large.json").unwrap();
    let expected = pledge_explorer::model::validate::validate(&dataset);
    assert_eq!(expected.len(), 1, "{expected:?}");
    let mut document = pledge_explorer::context::document::Document::new(dataset, None, "large.json".into());
    assert!(!document.is_checked() && document.problems.is_empty(), "not checked before it is shown");
    assert!(document.begin_check(), "the check starts");
    assert!(!document.begin_check(), "once");
    for _ in 0..500 {
        if !document.poll_validation() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(document.is_checked());
    assert_eq!(document.problems.list, expected);

    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("large.json");
    std::fs::write(&path, &text).unwrap();
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(path.clone()));
    let checked = format!("Checked {}: 1 errors, 0 warnings (see View > Problems)", path.display());
    step_until(&mut harness, "the check", |app| app.notifications.log.iter().any(|m| m.text == checked));
    let opened = format!("Opened {} (checking its data)", path.display());
    assert!(harness.state().notifications.log.iter().any(|m| m.text == opened));
    assert!(harness.query_by_label("1 errors, 0 warnings").is_some(), "the status bar counts it");
}

#[test]
fn a_check_that_fails_is_said_once_and_can_be_run_again() {
    use pledge_explorer::context::Level;
    use pledge_explorer::ui::status_bar::CHECK_FAILED;
    fn wait(document: &mut pledge_explorer::context::Document) {
        for _ in 0..500 {
            if !document.poll_validation() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("timed out waiting for the check");
    }
    // A large dataset's first check, on a worker.
    let text = pledge_explorer::synthetic::dataset_json(60_000, 3);
    let dataset = io::json::from_str(&text, "large.json").unwrap();
    let mut document = pledge_explorer::context::Document::new(dataset, None, "large.json".into());
    document.panic_in_next_check = true;
    assert!(document.begin_check());
    wait(&mut document);
    assert!(!document.is_checked(), "no problems are known");
    assert!(document.check_failure().is_some_and(|failure| failure.contains("deliberate panic")));
    assert!(document.unreported_check_failure().is_some_and(|failure| failure.contains("deliberate panic")));
    assert_eq!(document.unreported_check_failure(), None, "said once");
    document.check_again();
    wait(&mut document);
    assert!(document.is_checked() && document.check_failure().is_none());
    assert_eq!(document.problems.list, pledge_explorer::model::validate::validate(&document.dataset));

    // In the app, where an edit's check of the default dataset runs at once.
    let mut harness = app();
    harness.state_mut().document.panic_in_next_check = true;
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    assert!(harness.state().document.is_modified(), "the edit is made");
    let said = |app: &PledgeApp| {
        let log = &app.notifications.log;
        log.iter().filter(|m| m.level == Level::Error && m.text.starts_with("Checking the data of")).count()
    };
    assert_eq!(said(harness.state()), 1);
    harness.get_by_label(CHECK_FAILED).click();
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("The data check failed: a deliberate panic").is_some());
    harness.get_by_label("Check Again").click();
    harness.run_steps(2);
    assert!(harness.query_by_label(CHECK_FAILED).is_none());
    let summary = harness.state().document.problems.summary();
    assert!(harness.query_by_label(&summary).is_some(), "the status bar counts the problems again");
    assert_eq!(said(harness.state()), 1, "said once");
}

#[test]
fn the_problems_list_and_the_log_open_and_a_problem_selects_its_record() {
    let mut harness = app();
    // Clearing the title of the first commitment makes a warning.
    harness.state_mut().request(UserCommand::ShowCommitments);
    harness.run_steps(2);
    harness.get_by_label("Defence Production Action Plan (DPAP)").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::TextInput, "Title").focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.key_press(Key::Backspace);
    harness.run_steps(2);
    assert!(harness.query_by_label("the commitment has no title").is_some(), "shown next to the field");
    harness.get_by_label("0 errors, 1 warnings").click();
    harness.state_mut().request(UserCommand::ShowEvents);
    harness.state_mut().request(UserCommand::ShowLog);
    harness.run_steps(3);
    assert!(harness.query_by_label("Problems (1)").is_some());
    assert!(harness.query_by_label("Message Log").is_some());
    harness.get_by_label_contains("the commitment has no title").click();
    harness.run_steps(2);
    assert_eq!(harness.state().selection, Some((Collection::Commitments, 0)));
}

fn shown(harness: &Harness<'static, PledgeApp>) -> Vec<String> {
    let app = harness.state();
    let dataset = &app.document.dataset;
    app.tables
        .model()
        .rows
        .iter()
        .map(|row| dataset.text(dataset.acquisitions[row.index as usize].id).to_owned())
        .collect()
}

#[test]
fn clicking_a_header_sorts_by_quantity_then_reverses() {
    let mut harness = app();
    harness.get_by_label("Quantity").click();
    harness.run_steps(2);
    let ascending = shown(&harness);
    assert_eq!(ascending[0], "f35-nld", "5 aircraft is the smallest count");
    harness.get_by_label("Quantity ⏶").click();
    harness.run_steps(2);
    let descending = shown(&harness);
    assert_eq!(
        descending[..3],
        ["nspa-155mm", "patriot-gemt", "patriot-gemt-deu"],
        "the framework's orders beneath it"
    );
    assert_eq!(harness.state().settings.sorts["acquisitions"].column, "quantity", "remembered by key in the settings");
    harness.get_by_label("Quantity ⏷").click();
    harness.run_steps(2);
    assert_eq!(shown(&harness)[0], "patriot-gemt", "a third click restores the dataset's order");
}

#[test]
fn a_stage_filter_changes_the_count_line() {
    let mut harness = app();
    harness.get_by_label("Stage: all").click();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::CheckBox, "planned").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("2 of 22").is_some());
    assert_eq!(shown(&harness), ["aircraft-850", "ad-artillery"]);
}

#[test]
fn collapsing_a_framework_hides_its_national_orders() {
    let mut harness = app();
    assert_eq!(shown(&harness).len(), 22);
    harness.get_all_by_label("−").next().unwrap().click();
    harness.run_steps(2);
    assert_eq!(shown(&harness).len(), 18);
    assert!(harness.query_by_label("22 of 22").is_some(), "hidden, not filtered out");
}

#[test]
fn f2_edits_a_cell_in_place_enter_commits_and_undo_reverts() {
    let mut harness = app();
    harness.get_all_by_label("155 mm artillery shell").next().unwrap().click();
    harness.run_steps(2);
    harness.key_press(Key::F2);
    harness.run_steps(2);
    let field = harness.get_by_label("Edit System");
    field.focus();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Edit System").type_text("155 mm shell");
    harness.key_press(Key::Enter);
    harness.run_steps(3);
    let system = |h: &Harness<'static, PledgeApp>| {
        let dataset = &h.state().document.dataset;
        dataset.text(dataset.acquisitions[5].system).to_owned()
    };
    assert_eq!(system(&harness), "155 mm shell");
    assert!(harness.query_by_label("Edit System").is_none(), "the cell is back to text");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(system(&harness), "155 mm artillery shell");

    harness.key_press(Key::F2);
    harness.run_steps(2);
    harness.get_by_label("Edit System").type_text(" (draft)");
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert_eq!(system(&harness), "155 mm artillery shell", "Escape cancels");
}

#[test]
fn a_double_click_edits_the_cell_under_the_pointer_after_a_column_was_resized() {
    let mut harness = app();
    // Widen the System column by 200 points, dragging the border between its header and the next.
    let category = harness.get_by_label("Category").rect();
    let border = egui::pos2(category.left() - 4.0, category.center().y);
    harness.hover_at(border);
    harness.step();
    harness.drag_at(border);
    harness.step();
    for step in 1..=10 {
        harness.hover_at(border + egui::vec2(20.0 * step as f32, 0.0));
        harness.step();
    }
    harness.drop_at(border + egui::vec2(200.0, 0.0));
    harness.run_steps(2);
    let moved = harness.get_by_label("Category").rect();
    assert!(moved.left() > category.left() + 150.0, "the column was resized: {category:?} -> {moved:?}");
    // The category cell of the first row of shells, where it is now.
    let row = harness.get_all_by_label("155 mm artillery shell").next().unwrap().rect();
    let cell = egui::pos2(moved.left() + 20.0, row.center().y);
    harness.hover_at(cell);
    harness.step();
    // The harness gives each pointer event a frame of a quarter of a second: allow the clicks of a double
    // click that long between them.
    harness.ctx.options_mut(|options| options.input_options.max_double_click_delay = 1.0);
    for pressed in [true, false, true, false] {
        harness.event(egui::Event::PointerButton {
            pos: cell,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.step();
    harness.run_steps(2);
    assert!(harness.query_by_label("Edit Category").is_some(), "the category cell is being edited");
}

#[test]
fn copying_rows_gives_tab_separated_text() {
    let mut harness = app();
    harness.get_all_by_label("155 mm artillery shell").next().unwrap().click();
    harness.run_steps(2);
    harness.get_all_by_label("Stinger anti-aircraft missile").next().unwrap().click_modifiers(Modifiers::COMMAND);
    harness.run_steps(1);
    harness.event(egui::Event::Copy);
    harness.step();
    let copied: Vec<String> = harness
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| if let egui::OutputCommand::CopyText(text) = c { Some(text.clone()) } else { None })
        .collect();
    let text = copied.first().expect("copied text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "System\tCategory\tBuyers\tAgency\tStage\tQuantity\tValue\tDate\tDelivery\tDeliveries\tSources\tConfidence"
    );
    assert!(lines[1].starts_with("155 mm artillery shell\tammunition\t\tNATO Support and Procurement Agency (NSPA)\tcontracted\t≈ 220,000 rounds\tEUR 1.1 bn\t23 Jan 2024"), "{}", lines[1]);
    assert!(lines[2].starts_with("Stinger anti-aircraft missile\t"), "{}", lines[2]);
    assert_eq!(lines.len(), 3);
}

fn click_at(harness: &mut Harness<'static, PledgeApp>, pos: egui::Pos2) {
    harness.hover_at(pos);
    harness.step();
    for pressed in [true, false] {
        harness.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
    }
    harness.run_steps(2);
}

#[test]
fn plots_switch_grouping_and_measure_and_a_bar_click_filters_the_tables() {
    use pledge_explorer::analysis::plot::Measure;
    use pledge_explorer::model::Stage;
    let mut harness = app();
    harness.get_by_label("Plots").click();
    harness.run_steps(3);
    let measure = |h: &Harness<'static, PledgeApp>| h.state().plots.data().map(|d| d.measure.clone());
    assert_eq!(measure(&harness), Some(Measure::Units("aircraft".into())));
    let groups = |h: &Harness<'static, PledgeApp>| h.state().plots.data().map(|d| d.groups.clone()).unwrap_or_default();
    assert_eq!(groups(&harness), ["aircraft"]);

    harness.get_by_role_and_label(Role::ComboBox, "Measure").click();
    harness.run_steps(2);
    harness.get_by_label("Units: missiles").click();
    harness.run_steps(2);
    assert_eq!(measure(&harness), Some(Measure::Units("missile".into())));
    assert_eq!(groups(&harness), ["air and missile defence"]);

    harness.get_by_role_and_label(Role::ComboBox, "Group by").click();
    harness.run_steps(2);
    harness.get_by_label("System").click();
    harness.run_steps(3);
    assert_eq!(groups(&harness), ["Patriot GEM-T missile", "Stinger anti-aircraft missile"]);

    let bar = harness.state().plots.bar_position("Patriot GEM-T missile", Stage::Contracted).expect("the bar is drawn");
    click_at(&mut harness, bar);
    let app = harness.state();
    assert_eq!(app.main, pledge_explorer::ui::MainView::Tables, "the click shows the tables");
    assert_eq!(app.filter.systems, ["Patriot GEM-T missile".to_owned()].into());
    assert_eq!(app.filter.stages, [Stage::Contracted].into());
    assert_eq!(shown(&harness).len(), 5, "the framework and its four national orders");
}

#[test]
fn the_plot_exports_as_svg() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("plot.svg");
    let mut harness = app();
    harness.get_by_label("Plots").click();
    harness.run_steps(3);
    harness.state_mut().request(Message::ExportPlotTo { path: path.clone(), png: false });
    harness.run_steps(2);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("aircraft · planned · exact: 850"), "{}", &svg[..200]);
}

#[test]
fn the_timeline_opens_on_both_summits_selects_on_click_and_presets_change_the_range() {
    let mut harness = app();
    harness.get_by_label("Timeline").click();
    harness.run_steps(3);
    let app = harness.state();
    let timeline = app.timeline.timeline().expect("placed");
    let (from, to) = app.timeline.range;
    assert_eq!(timeline.summits.len(), 2);
    for summit in &timeline.summits {
        assert!(summit.extent.start >= from && summit.extent.end <= to, "{} is in view", summit.title);
    }
    let shells = (Collection::Acquisitions, 5);
    let rect = harness.state().timeline.item_rect(shells).expect("the 155 mm contract is drawn");
    click_at(&mut harness, rect.center());
    assert_eq!(harness.state().selection, Some(shells));

    harness.get_by_label("All records").click();
    harness.run_steps(2);
    let (all_from, all_to) = harness.state().timeline.range;
    assert!(all_from < from && all_to > to, "All records reaches from the 2018 orders to the open-ended ones");
    harness.get_by_label("Selection").click();
    harness.run_steps(2);
    let (near_from, near_to) = harness.state().timeline.range;
    assert!(near_to - near_from < 60.0, "zoomed to the selected contract");
    harness.get_by_label("Vilnius to Washington").click();
    harness.run_steps(2);
    assert_eq!(harness.state().timeline.range, (from, to));
}

#[test]
fn at_the_default_view_every_record_in_view_has_its_label_in_the_window_sizes_people_use() {
    use pledge_explorer::analysis::timeline::item_label;
    for size in [[1280.0, 800.0], [1024.0, 768.0]] {
        let mut harness = start_sized(size, None, Duration::from_secs(3600));
        harness.get_by_label("Timeline").click();
        harness.run_steps(3);
        let app = harness.state();
        let timeline = app.timeline.timeline().expect("placed");
        let (from, to) = app.timeline.range;
        let in_view: Vec<String> = timeline
            .items
            .iter()
            .filter(|item| item.extent.end >= from && item.extent.start <= to)
            .map(|item| item_label(&app.document.dataset, item))
            .collect();
        assert!(in_view.len() > 30, "{} records in view", in_view.len());
        let missing: Vec<&String> =
            in_view.iter().filter(|label| harness.query_all_by_label(label).next().is_none()).collect();
        assert!(missing.is_empty(), "at {size:?} no label for {missing:?}");
    }
}

#[test]
fn the_timeline_groups_acquisitions_as_chosen_and_folds_a_lane() {
    let mut harness = app();
    harness.get_by_label("Timeline").click();
    harness.run_steps(3);
    assert!(harness.query_by_label("Collapse lane Acquisitions: air and missile defence").is_some());
    harness.get_by_role_and_label(Role::ComboBox, "Acquisitions by").click();
    harness.run_steps(2);
    harness.get_by_label("stage").click();
    step_until(&mut harness, "the new lanes", |app| !app.timeline.is_updating());
    harness.run_steps(2);
    assert!(harness.query_by_label("Collapse lane Acquisitions: air and missile defence").is_none());
    harness.get_by_label("Collapse lane Acquisitions: contracted").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Expand lane Acquisitions: contracted").is_some(), "the lane is folded");
    harness.get_by_label("Expand lane Acquisitions: contracted").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Collapse lane Acquisitions: contracted").is_some(), "and unfolded");
}

#[test]
fn the_timeline_exports_as_svg() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("timeline.svg");
    let mut harness = app();
    harness.get_by_label("Timeline").click();
    harness.run_steps(3);
    harness.state_mut().request(Message::ExportTimelineTo { path: path.clone(), png: false });
    harness.run_steps(2);
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("NATO Washington Summit (75th anniversary)"));
}

#[test]
fn save_report_asks_what_to_write_and_writes_it_in_the_background() {
    use pledge_explorer::report::ReportFormat;
    use pledge_explorer::ui::dialogs::ReportChoice;
    let mut harness = app();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run_steps(2);
    assert!(harness.query_by_label("Save a report").is_some());
    harness.get_by_label("Markdown (+ SVG files)").click();
    harness.run_steps(1);
    assert_eq!(harness.state().dialogs.report.as_ref().map(|c| c.format), Some(ReportFormat::Md));
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("Save a report").is_none());

    // The path would come from a file dialog; tests inject it.
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("briefing.html");
    harness.state_mut().report_choice = Some(ReportChoice::new("Briefing".into()));
    harness.state_mut().filter.stages = [pledge_explorer::model::Stage::Planned].into();
    harness.state_mut().request(Message::SaveReportTo(path.clone()));
    step_until(&mut harness, "the report", |app| !app.is_busy() && path.exists());
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<title>Briefing</title>") && html.contains("Filter: stage: planned"));

    // The same through the dialog's PDF choice.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::R);
    harness.run_steps(2);
    harness.get_by_label("PDF (A4, for print)").click();
    harness.run_steps(1);
    let choice = harness.state().dialogs.report.clone().unwrap();
    assert_eq!((choice.format, choice.extension()), (ReportFormat::Pdf, "pdf"));
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    let pdf = folder.path().join("briefing.pdf");
    harness.state_mut().report_choice = Some(choice);
    harness.state_mut().request(Message::SaveReportTo(pdf.clone()));
    step_until(&mut harness, "the PDF report", |app| !app.is_busy() && pdf.exists());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

fn import_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(name)
}

#[test]
fn a_table_is_imported_through_the_mapping_dialog_and_its_records_are_in_the_table() {
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(import_fixture("orders-semicolon-windows-1252.csv")));
    step_until(&mut harness, "the file read for the dialog", |app| app.import.is_some());
    assert!(
        harness.query_by_label_contains("Import orders-semicolon-windows-1252.csv").is_some(),
        "the dialog is open"
    );
    assert!(
        harness
            .query_by_label("Read as: Windows-1252 (Latin-1), \";\"-separated, header on line 4, decimal comma")
            .is_some()
    );
    // The guessed mapping, column by column; the notes are left out instead of kept.
    assert_eq!(harness.get_by_role_and_label(Role::ComboBox, "Country").value().as_deref(), Some("Buyers"));
    harness.get_by_role_and_label(Role::ComboBox, "Notes").scroll_to_me();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::ComboBox, "Notes").click();
    harness.run_steps(2);
    harness.get_by_label("Leave out").click();
    harness.run_steps(2);
    assert_eq!(harness.get_by_role_and_label(Role::ComboBox, "Notes").value().as_deref(), Some("Leave out"));
    assert!(harness.query_by_label_contains("7 records read, 0 left out").is_some());
    harness.get_by_label("Import as a New Dataset").click();
    step_until(&mut harness, "the import", |app| app.import.is_none());
    let app = harness.state();
    assert_eq!(app.document.dataset.acquisitions.len(), 7);
    assert!(app.document.is_modified(), "an imported dataset is unsaved work");
    assert!(app.document.dataset.acquisitions.iter().all(|a| a.notes.is_none()), "the notes column was left out");
    assert!(harness.query_by_label("7 of 7").is_some());
    assert!(harness.query_by_label("Eurofighter Typhoon").is_some(), "the records are in the table");
    assert!(harness.query_by_label("Türkiye").is_some(), "the country names resolved");
}

#[test]
fn the_import_dialog_gives_every_record_a_value_no_column_holds() {
    let mut harness = app();
    harness.state_mut().request(Message::ImportFile(import_fixture("orders-semicolon-windows-1252.csv")));
    step_until(&mut harness, "the file read for the dialog", |app| app.import.is_some());
    // The table has no confidence column: the dialog offers one value for every record.
    harness.get_by_role_and_label(Role::ComboBox, "Confidence").scroll_to_me();
    harness.run_steps(2);
    harness.get_by_role_and_label(Role::ComboBox, "Confidence").click();
    harness.run_steps(2);
    // The table behind the dialog shows "high" too; the popup's choice comes last.
    harness.get_all_by_label("high").last().expect("the choice").click();
    harness.run_steps(2);
    assert_eq!(harness.get_by_role_and_label(Role::ComboBox, "Confidence").value().as_deref(), Some("high"));
    harness.get_by_label("Import as a New Dataset").click();
    step_until(&mut harness, "the import", |app| app.import.is_none());
    let dataset = &harness.state().document.dataset;
    assert_eq!(dataset.acquisitions.len(), 7);
    assert!(dataset.acquisitions.iter().all(|a| a.confidence == pledge_explorer::model::Confidence::High));
    let remembered = harness.state().settings.mappings.values();
    assert!(
        remembered.into_iter().any(|m| m.defaults.get("confidence").map(String::as_str) == Some("high")),
        "the value is remembered with the mapping for tables with these columns"
    );
}

#[test]
fn records_added_from_a_table_are_one_undo_step_and_duplicates_are_offered() {
    let mut harness = app();
    let file = import_fixture("acquisitions-national-orders.csv");
    // A table in the app's own columns opens as a dataset; through the dialog it is added to one.
    harness.state_mut().request(Message::ImportFile(file));
    step_until(&mut harness, "the file read for the dialog", |app| app.import.is_some());
    // The default dataset holds these 17 orders already.
    assert!(harness.query_by_label_contains("17 of these match records the open dataset has").is_some());
    harness.get_by_label("keep both").click();
    harness.run_steps(1);
    harness.get_by_label("Add to the Open Dataset").click();
    step_until(&mut harness, "the import", |app| app.import.is_none());
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 22 + 17, "kept beside the ones there");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 22, "one undo takes the import back");
    assert!(!harness.state().document.is_modified());
}

#[test]
fn a_country_typed_as_a_buyer_brings_its_actor_in_the_same_undo_step() {
    let mut harness = app();
    harness.get_all_by_label("Patriot GEM-T missile").next().unwrap().click();
    harness.run_steps(2);
    let actors = harness.state().document.dataset.actors.len();
    let field = harness.get_by_role_and_label(Role::TextInput, "Buyers");
    field.focus();
    harness.key_press(Key::End);
    harness.get_by_role_and_label(Role::TextInput, "Buyers").type_text(";FRA");
    harness.run_steps(3);
    let dataset = &harness.state().document.dataset;
    assert_eq!(dataset.actors.len(), actors + 1);
    assert!(dataset.actors.iter().any(|actor| dataset.text(actor.id) == "FRA" && &*actor.name == "France"));
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    let dataset = &harness.state().document.dataset;
    assert_eq!(dataset.actors.len(), actors, "one undo takes back the edit and the actor it brought");
    assert!(!harness.state().document.is_modified());
}

/// SIPRI's trade register (real rows, see tests/exports.rs) imported through its own dialog; the progress
/// view per buyer; a click on a bar lands on that bar's records in the tables.
#[test]
fn a_sipri_export_is_imported_and_a_progress_bar_opens_its_records() {
    use pledge_explorer::analysis::progress::CONTRACTED;
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(import_fixture("sipri-trade-register-2024-sample.csv")));
    step_until(&mut harness, "the export read", |app| app.known_import.is_some());
    assert!(harness.query_by_label("Recognised: SIPRI trade register").is_some());
    harness.get_by_label("Import as a New Dataset").click();
    step_until(&mut harness, "the import", |app| app.known_import.is_none());
    let deals = harness.state().document.dataset.acquisitions.len();
    assert!(harness.query_all_by_label(&format!("{deals} of {deals}")).next().is_some(), "the deals are in the table");

    harness.get_by_label("Progress").click();
    harness.run_steps(3);
    // SIPRI's deals serve no commitment: the view opens per buyer.
    step_until(&mut harness, "the figures per buyer", |app| {
        app.progress.progress().is_some_and(|p| !p.rows.is_empty()) && !app.progress.is_updating()
    });
    harness.run_steps(2);
    assert_eq!(harness.get_by_role_and_label(Role::ComboBox, "Progress of each").value().as_deref(), Some("Buyer"));
    let row = harness.state().progress.progress().unwrap().rows[0].clone();
    let at = harness.state().progress.bar_position(0, "Delivered").expect("the first row's bar is drawn");
    click_at(&mut harness, at);
    harness.run_steps(2);

    let app = harness.state();
    assert_eq!(app.main, pledge_explorer::ui::MainView::Tables, "the click lands on the tables");
    let dataset = &app.document.dataset;
    let buyer = match row.key {
        pledge_explorer::analysis::volumes::GroupKey::Text(symbol) => dataset.text(symbol).to_owned(),
        other => panic!("a buyer's row is keyed by the buyer: {other:?}"),
    };
    assert_eq!(app.filter.buyers, [buyer.clone()].into());
    let expected = dataset
        .acquisitions
        .iter()
        .filter(|a| CONTRACTED.contains(&a.stage) && a.buyers.iter().any(|&b| dataset.text(b) == buyer))
        .count();
    assert!(expected > 0);
    assert_eq!(app.tables.model().matched, expected);
    assert!(harness.query_all_by_label(&format!("{expected} of {deals}")).next().is_some());
}

/// A newer SIPRI export brought into a dataset that holds the older one: its deals are updated in place,
/// the dialog and the message say how many, and one undo takes the whole update back.
#[test]
fn a_newer_sipri_export_updates_the_open_dataset_in_one_undo_step() {
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(import_fixture("sipri-trade-register-2024-sample.csv")));
    step_until(&mut harness, "the export read", |app| app.known_import.is_some());
    harness.get_by_label("Import as a New Dataset").click();
    step_until(&mut harness, "the import", |app| app.known_import.is_none());
    let before = harness.state().document.dataset.acquisitions.clone();

    // The same export, one deal's deliveries gone on into 2024.
    let folder = tempfile::tempdir().unwrap();
    let newer = folder.path().join("trade-register-newer.csv");
    let bytes = std::fs::read(import_fixture("sipri-trade-register-2024-sample.csv")).unwrap();
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let text = text.replace(",18,?,2023,New,Produced under licence", ",36,?,2023; 2024,New,Produced under licence");
    std::fs::write(&newer, text.chars().map(|c| c as u8).collect::<Vec<u8>>()).unwrap();
    harness.state_mut().request(Message::ImportFile(newer));
    step_until(&mut harness, "the newer export read", |app| app.known_import.is_some());
    let unchanged = before.len() - 1;
    let summary = format!("Into the open dataset: 0 added, 1 changed, {unchanged} unchanged.");
    assert!(harness.query_by_label(&summary).is_some(), "the dialog says what the update would do");
    harness.get_by_label("Update the Open Dataset").click();
    step_until(&mut harness, "the update", |app| app.known_import.is_none());
    let after = harness.state().document.dataset.acquisitions.clone();
    assert_eq!(after.len(), before.len(), "updated, not added again");
    assert_eq!(after.iter().zip(&before).filter(|(a, b)| a != b).count(), 1);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(2);
    assert_eq!(harness.state().document.dataset.acquisitions, before, "one undo takes the update back");
}

/// The default dataset saved as `ours.json`, and `theirs.json` with Romania's Patriot order at 250 and
/// Italy's Stinger order removed.
fn two_versions(folder: &Path) -> (PathBuf, PathBuf) {
    let ours = folder.join("ours.json");
    let theirs = folder.join("theirs.json");
    let mut dataset = io::default_dataset();
    io::save::save_json(&dataset, &ours).unwrap();
    let rou = dataset.acquisitions.iter().position(|a| dataset.text(a.id) == "patriot-gemt-rou").unwrap();
    dataset.acquisitions[rou].quantity.as_mut().unwrap().count = Some(250);
    dataset.acquisitions.retain(|a| dataset.strings.resolve(a.id) != "stinger-ita");
    io::save::save_json(&dataset, &theirs).unwrap();
    (ours, theirs)
}

fn count_of(app: &PledgeApp, id: &str) -> Option<u64> {
    let dataset = &app.document.dataset;
    let record = dataset.acquisitions.iter().find(|a| dataset.text(a.id) == id)?;
    record.quantity.as_ref().and_then(|q| q.count)
}

fn open(harness: &mut Harness<'static, PledgeApp>, path: &Path) {
    harness.state_mut().request(Message::OpenFile(path.to_owned()));
    step_until(harness, "the file to load", |app| app.document.path.as_deref() == Some(path));
}

fn compare_with(harness: &mut Harness<'static, PledgeApp>, path: &Path) {
    harness.state_mut().request(Message::CompareWith(path.to_owned()));
    step_until(harness, "the comparison", |app| {
        app.comparison.as_ref().is_some_and(|c| c.current(app.document.generation).is_some())
    });
}

#[test]
fn comparing_with_a_file_lists_its_changes_and_one_is_taken_and_undone() {
    let folder = tempfile::tempdir().unwrap();
    let (ours, theirs) = two_versions(folder.path());
    let mut harness = app();
    open(&mut harness, &ours);
    compare_with(&mut harness, &theirs);
    assert_eq!(harness.state().main, pledge_explorer::ui::MainView::Changes);
    assert!(harness.query_by_label("2 changes to take").is_some());
    assert!(harness.query_by_label("acquisition patriot-gemt-rou").is_some());
    assert!(harness.query_by_label("Quantity: yours 200, theirs 250").is_some());
    assert!(harness.query_by_label("not in theirs").is_some(), "stinger-ita is listed as removed there");

    // Only the removals.
    harness.get_by_label("Changed").click();
    harness.run_steps(2);
    assert!(harness.query_by_label("acquisition patriot-gemt-rou").is_none());
    assert!(harness.query_by_label("acquisition stinger-ita").is_some());
    harness.get_by_label("Changed").click();
    harness.run_steps(2);

    // Take the first (Romania's order): one step, which undo takes back.
    harness.get_all_by_label("Take").next().unwrap().click();
    harness.run_steps(3);
    assert_eq!(count_of(harness.state(), "patriot-gemt-rou"), Some(250));
    assert!(harness.state().document.is_modified());
    assert!(harness.query_by_label("1 change to take").is_some());
    assert_eq!(
        harness.state().document.history.undo_label(),
        Some("take acquisition patriot-gemt-rou from theirs.json")
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run_steps(3);
    assert_eq!(count_of(harness.state(), "patriot-gemt-rou"), Some(200));
    assert!(!harness.state().document.is_modified());
    assert!(harness.query_by_label("2 changes to take").is_some());

    // The tables mark our record the other version has otherwise; a click on a change selects it.
    harness.get_by_label("acquisition patriot-gemt-rou").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(app.main, pledge_explorer::ui::MainView::Tables);
    let rou =
        app.document.dataset.acquisitions.iter().position(|a| app.document.dataset.text(a.id) == "patriot-gemt-rou");
    assert_eq!(app.selection, Some((Collection::Acquisitions, rou.unwrap())));
    let compared = app.comparison.as_ref().unwrap().current(app.document.generation).unwrap();
    let mark = compared.marks.get(&(Collection::Acquisitions, rou.unwrap())).unwrap();
    assert_eq!(mark.column("quantity").map(|(_, theirs, _)| theirs.as_str()), Some("250"));

    // Take all: the dataset is theirs.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Num9);
    harness.run_steps(2);
    harness.get_by_label("Take All").click();
    harness.run_steps(3);
    let theirs_dataset = io::load_path(&theirs, None).unwrap();
    assert!(pledge_explorer::compare::diff(&harness.state().document.dataset, &theirs_dataset).is_empty());
    assert!(harness.query_by_label("The open dataset and theirs.json hold the same data.").is_some());
}

#[test]
fn a_three_way_merge_keeps_our_edits_and_shows_a_conflict_with_both_values() {
    let folder = tempfile::tempdir().unwrap();
    let (ours, theirs) = two_versions(folder.path());
    let mut harness = app();
    open(&mut harness, &ours);
    // Our unsaved edits: Romania's order at 220 (theirs says 250) and Germany's Stinger order at 510.
    for (id, count) in [("patriot-gemt-rou", "220"), ("stinger-deu", "510")] {
        let app = harness.state();
        let dataset = &app.document.dataset;
        let index = dataset.acquisitions.iter().position(|a| dataset.text(a.id) == id).unwrap();
        let mut texts = pledge_explorer::model::fields::texts(dataset, Collection::Acquisitions, index);
        let at = pledge_explorer::model::fields::position(Collection::Acquisitions, "quantity").unwrap();
        texts[at] = count.to_owned();
        let message = Message::SetFields { collection: Collection::Acquisitions, index, texts, field: "quantity" };
        harness.state_mut().request(message);
        harness.state_mut().request(Message::SealUndoStep);
        harness.run_steps(2);
    }
    compare_with(&mut harness, &theirs);
    assert!(harness.query_by_label("Three-way, from ours.json as last saved").is_some());
    assert!(harness.query_by_label("1 change to take, 1 conflict; 1 change of yours since kept").is_some());
    assert!(harness.query_by_label("conflict").is_some());
    assert!(harness.query_by_label("Quantity: yours 220, theirs 250").is_some(), "ours and theirs side by side");

    // Take All leaves the conflict: the removal comes, our 220 stays.
    harness.get_by_label("Take All").click();
    harness.run_steps(3);
    let app = harness.state();
    assert_eq!(count_of(app, "patriot-gemt-rou"), Some(220));
    assert_eq!(count_of(app, "stinger-deu"), Some(510));
    assert_eq!(count_of(app, "stinger-ita"), None, "their removal is taken");
    assert!(harness.query_by_label("0 changes to take, 1 conflict; 1 change of yours since kept").is_some());

    // Theirs, when asked for that one.
    harness.get_by_label("Take Theirs").click();
    harness.run_steps(3);
    assert_eq!(count_of(harness.state(), "patriot-gemt-rou"), Some(250));
}

/// Opens `small.json` in a new app and waits until it is open.
fn open_small(folder: &Path) -> (Harness<'static, PledgeApp>, PathBuf) {
    let path = small_dataset(folder);
    let mut harness = app();
    harness.state_mut().settings.ask_changelog = false;
    harness.state_mut().request(Message::OpenFile(path.clone()));
    step_until(&mut harness, "the file to open", |app| app.document.path.as_deref() == Some(path.as_path()));
    (harness, path)
}

/// `small.json` as another program would write it: the system renamed.
fn written_elsewhere(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap().replace("Howitzer", "Mortar");
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_file_changed_on_disk_shows_a_bar_that_reloads_it() {
    let folder = tempfile::tempdir().unwrap();
    let (mut harness, path) = open_small(folder.path());
    // Touched without a change (a sync, `touch`): nothing to say.
    let later = std::time::SystemTime::now() + Duration::from_secs(5);
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    harness.run_steps(2);
    assert!(harness.state().disk_change.is_none(), "a touch is not a change");

    written_elsewhere(&path);
    step_until(&mut harness, "the bar", |app| app.disk_change.is_some());
    assert!(harness.query_by_label_contains("was changed on disk").is_some());
    harness.get_by_label("Reload").click();
    step_until(&mut harness, "the reload", |app| system_of_first_acquisition(app) == "Mortar");
    assert!(harness.query_by_label_contains("was changed on disk").is_none());
    assert!(!harness.state().document.is_modified());
}

#[test]
fn saving_over_a_file_changed_elsewhere_asks_and_never_overwrites_silently() {
    let folder = tempfile::tempdir().unwrap();
    let (mut harness, path) = open_small(folder.path());
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    written_elsewhere(&path);
    let theirs = std::fs::read_to_string(&path).unwrap();

    // Cancel: nothing is written, the edits stay.
    harness.state_mut().request(UserCommand::Save);
    step_until(&mut harness, "the question", |app| app.dialogs.changed_on_disk.is_some());
    assert!(harness.query_by_label("The file changed on disk").is_some());
    harness.get_by_label("Cancel").click();
    harness.run_steps(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs, "the other program's file is untouched");
    assert!(harness.state().document.is_modified());

    // Compare: the Changes view shows what differs.
    harness.state_mut().request(UserCommand::Save);
    step_until(&mut harness, "the question", |app| app.dialogs.changed_on_disk.is_some());
    harness.get_by_label("Compare").click();
    step_until(&mut harness, "the comparison", |app| {
        app.comparison.as_ref().is_some_and(|comparison| comparison.current(app.document.generation).is_some())
    });
    // Three-way from the dataset as it was opened (rebuilt from the undo history, not read from the file,
    // which the other program rewrote): their rename is theirs to take, the added record ours.
    assert!(harness.query_by_label_contains("Mortar").is_some(), "the other program's change is listed");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), theirs);

    // Overwrite: ours is written, and the next save asks nothing.
    harness.state_mut().request(UserCommand::Save);
    step_until(&mut harness, "the question", |app| app.dialogs.changed_on_disk.is_some());
    harness.get_by_label("Overwrite").click();
    step_until(&mut harness, "the save", |app| !app.document.is_modified());
    assert_eq!(io::load_path(&path, None).unwrap().acquisitions.len(), 2);
    harness.state_mut().request(Message::CloseComparison);
    harness.run_steps(2);
    harness.get_by_label("Add").click();
    harness.run_steps(2);
    harness.state_mut().request(UserCommand::Save);
    step_until(&mut harness, "the second save", |app| !app.document.is_modified());
    assert!(harness.state().dialogs.changed_on_disk.is_none());
    assert_eq!(io::load_path(&path, None).unwrap().acquisitions.len(), 3);
    std::thread::sleep(Duration::from_millis(1500));
    harness.run_steps(2);
    assert!(harness.state().disk_change.is_none(), "the app's own saves are no change on disk");
}

#[test]
fn a_file_open_in_another_window_opens_read_only_or_anyway_and_neither_save_overwrites_silently() {
    let folder = tempfile::tempdir().unwrap();
    let recovery = folder.path().join("recovery");
    let path = small_dataset(folder.path());
    let open_in = |harness: &mut Harness<'static, PledgeApp>| {
        harness.state_mut().settings.ask_changelog = false;
        harness.state_mut().request(Message::OpenFile(path.clone()));
        harness.run_steps(2);
    };
    let mut first = start(Some(RecoveryStore::open(&recovery).unwrap()), Duration::from_secs(3600));
    open_in(&mut first);
    step_until(&mut first, "the file to open", |app| app.document.path.is_some());

    // Read-only: edits are refused with a word, and saving under another name makes it a file of its own.
    let mut second = start(Some(RecoveryStore::open(&recovery).unwrap()), Duration::from_secs(3600));
    open_in(&mut second);
    step_until(&mut second, "the question", |app| app.dialogs.open_elsewhere.is_some());
    assert!(second.query_by_label("Open in another window").is_some());
    second.get_by_label("Open Read-Only").click();
    step_until(&mut second, "the file to open", |app| app.document.path.is_some());
    assert!(second.state().document.read_only);
    assert!(second.query_by_label("Read-only").is_some());
    second.get_by_label("Add").click();
    second.run_steps(2);
    assert_eq!(second.state().document.dataset.acquisitions.len(), 1, "no edit while read-only");
    assert!(second.state().notifications.log.iter().any(|m| m.text.contains("open read-only")));
    let copy = folder.path().join("copy.json");
    second.state_mut().request(Message::SaveTo(copy.clone()));
    step_until(&mut second, "the save as", |app| app.document.path.as_deref() == Some(copy.as_path()));
    assert!(!second.state().document.read_only);
    second.get_by_label("Add").click();
    second.run_steps(2);
    assert_eq!(second.state().document.dataset.acquisitions.len(), 2);
    drop(second);

    // Anyway: both windows edit; the second to save is asked before it writes over the first's save.
    let mut third = start(Some(RecoveryStore::open(&recovery).unwrap()), Duration::from_secs(3600));
    open_in(&mut third);
    step_until(&mut third, "the question", |app| app.dialogs.open_elsewhere.is_some());
    third.get_by_label("Open Anyway").click();
    step_until(&mut third, "the file to open", |app| app.document.path.is_some());
    assert!(!third.state().document.read_only);
    for harness in [&mut first, &mut third] {
        harness.get_by_label("Add").click();
        harness.run_steps(2);
    }
    first.state_mut().request(UserCommand::Save);
    step_until(&mut first, "the first save", |app| !app.document.is_modified());
    third.state_mut().request(UserCommand::Save);
    step_until(&mut third, "the question", |app| app.dialogs.changed_on_disk.is_some());
    assert!(third.state().document.is_modified());
}

/// The delay before the frame the app asks for after the last one (`Duration::MAX`: none at all).
fn next_frame_in(harness: &Harness<'static, PledgeApp>) -> Duration {
    harness.output().viewport_output.get(&egui::ViewportId::ROOT).map_or(Duration::MAX, |output| output.repaint_delay)
}

/// At rest (no input, nothing running, no toast fading) the app asks for no frame at all, neither now nor
/// later: a window that draws nothing uses no CPU. Checked on the default dataset, with autosave and the
/// file watcher running, and again after an edit has been copied and after a file was opened and saved.
#[test]
fn at_rest_the_app_asks_for_no_frame() {
    let folder = tempfile::tempdir().unwrap();
    let store = RecoveryStore::open(&folder.path().join("recovery")).unwrap();
    let mut harness = start(Some(store.clone()), Duration::ZERO);
    let settle = |harness: &mut Harness<'static, PledgeApp>, when: &str| {
        // Start-up work (validation, derived views) runs on workers: wait for it, then for the frames
        // it asks for, within a second.
        let started = std::time::Instant::now();
        while harness.state().is_busy() || next_frame_in(harness) != Duration::MAX {
            assert!(
                started.elapsed() < Duration::from_secs(1),
                "{when}: still asking for frames after a second ({:?} ahead); causes: {:?}",
                next_frame_in(harness),
                harness.ctx.repaint_causes()
            );
            std::thread::sleep(Duration::from_millis(5));
            harness.step();
        }
        harness.step();
        assert_eq!(next_frame_in(harness), Duration::MAX, "{when}: causes: {:?}", harness.ctx.repaint_causes());
    };
    settle(&mut harness, "after start-up");

    harness.get_by_label("Add").click();
    step_until(&mut harness, "the recovery copy", |_| store.path().exists());
    harness.state_mut().notifications = Default::default();
    settle(&mut harness, "after an edit was copied");

    let path = small_dataset(folder.path());
    harness.state_mut().settings.ask_changelog = false;
    harness.state_mut().request(Message::SaveTo(path.clone()));
    step_until(&mut harness, "the save", |app| !app.document.is_modified());
    harness.state_mut().notifications = Default::default();
    settle(&mut harness, "after a save, with the file watched");
}

/// Opening and saving a large file show how far they are, and Cancel leaves everything as it was: the
/// open document stays, the file being written is not created.
#[test]
fn opening_and_saving_can_be_cancelled_and_change_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let big = folder.path().join("big.json");
    std::fs::write(&big, pledge_explorer::synthetic::dataset_json(60_000, 3)).unwrap();
    let mut harness = app();
    harness.state_mut().settings.ask_changelog = false;

    harness.state_mut().request(Message::OpenFile(big.clone()));
    harness.state_mut().request(Message::CancelTask);
    step_until(&mut harness, "the open to stop", |app| !app.is_busy());
    assert_eq!(harness.state().document.path, None, "the default dataset is still open");
    assert_eq!(harness.state().document.dataset.acquisitions.len(), 22);
    assert!(harness.state().notifications.log.iter().any(|m| m.text.contains("was cancelled: nothing changed")));

    // Opened for real, its progress is in the status bar while it runs.
    harness.state_mut().request(Message::OpenFile(big.clone()));
    harness.run_steps(2);
    let cancel = format!("Cancel Opening {}", big.display());
    assert!(harness.query_by_label(&cancel).is_some(), "a running open offers Cancel");
    step_until(&mut harness, "the open", |app| app.document.path.as_deref() == Some(big.as_path()));

    let copy = folder.path().join("copy.json");
    harness.state_mut().request(Message::SaveTo(copy.clone()));
    harness.state_mut().request(Message::CancelTask);
    step_until(&mut harness, "the save to stop", |app| !app.is_busy());
    assert!(!copy.exists(), "a cancelled save writes nothing");
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 1, "and leaves nothing beside it");
    assert_eq!(harness.state().document.path.as_deref(), Some(big.as_path()));
}

/// The unsaved edits to a file are kept as a journal against it (not the whole dataset), and restored by
/// replaying them onto the file; the next copies go on as a journal.
#[test]
fn edits_to_a_file_are_kept_as_a_journal_and_replayed_after_a_crash() {
    let folder = tempfile::tempdir().unwrap();
    let recovery = folder.path().join("recovery");
    let path = small_dataset(folder.path());
    let store = RecoveryStore::open(&recovery).unwrap();
    let mut harness = start(Some(store.clone()), Duration::ZERO);
    harness.state_mut().request(Message::OpenFile(path.clone()));
    step_until(&mut harness, "the file to open", |app| app.document.path.is_some());
    harness.get_by_label("Add").click();
    step_until(&mut harness, "the recovery copy", |_| store.path().exists());
    let copy = std::fs::read_to_string(store.path()).unwrap();
    assert!(copy.contains("\"journal\"") && !copy.contains("\"dataset\""), "{copy}");
    drop((harness, store));

    let store = RecoveryStore::open(&recovery).unwrap();
    let mut harness = start(Some(store.clone()), Duration::ZERO);
    harness.get_by_label("Restore small.json").click();
    harness.run_steps(2);
    let app = harness.state();
    assert_eq!(app.document.path.as_deref(), Some(path.as_path()));
    assert_eq!(app.document.dataset.acquisitions.len(), 2, "the added record is replayed onto the file");
    assert!(app.document.is_modified());
    harness.get_by_label("Add").click();
    step_until(&mut harness, "the next copy", |_| {
        std::fs::read_to_string(store.path()).is_ok_and(|copy| copy.matches("\"insert\"").count() == 2)
    });
    assert!(!std::fs::read_to_string(store.path()).unwrap().contains("\"dataset\""));
}

/// Cancelling a running import from its dialog stops it: nothing comes in, and the worker says so.
#[test]
fn a_running_import_is_cancelled_from_its_dialog_and_nothing_comes_in() {
    let folder = tempfile::tempdir().unwrap();
    let synthetic = io::json::from_str(&pledge_explorer::synthetic::dataset_json(60_000, 4), "s.json").unwrap();
    let orders = folder.path().join("orders-big.csv");
    let mut file = std::fs::File::create(&orders).unwrap();
    io::csv::write_table(&synthetic, Collection::Acquisitions, &mut file).unwrap();
    drop(file);
    let mut harness = app();
    harness.state_mut().request(Message::OpenFile(orders));
    step_until(&mut harness, "the file read for the dialog", |app| app.import.is_some());
    harness.state_mut().request(Message::RunImport { append: true });
    harness.run_steps(1);
    assert!(harness.state().import.as_ref().is_some_and(|import| import.running));
    // The dialog's buttons moved as "Importing…" appeared: the pointer goes there first, as a hand would.
    harness.get_by_label("Cancel").hover();
    harness.run_steps(1);
    harness.get_by_label("Cancel").click();
    step_until(&mut harness, "the import to stop", |app| !app.is_busy());
    let app = harness.state();
    assert!(app.import.is_none(), "the dialog is closed");
    assert_eq!(app.document.dataset.acquisitions.len(), 22, "nothing came in");
    assert!(!app.document.is_modified());
    assert!(app.notifications.log.iter().any(|m| m.text.starts_with("Importing") && m.text.contains("was cancelled")));
}

/// Opening another dataset lets go of the figures the views not shown hold for the old one (a hidden
/// timeline of a million records kept its placement until it was shown again); shown again, each view
/// derives them for the new dataset.
#[test]
fn a_new_dataset_leaves_no_figures_of_the_old_one_in_the_hidden_views() {
    let mut harness = app();
    for view in ["Timeline", "Plots", "Progress"] {
        harness.get_by_label(view).click();
        harness.run_steps(3);
    }
    let app = harness.state();
    assert!(app.timeline.timeline().is_some() && app.plots.data().is_some() && app.progress.progress().is_some());
    harness.state_mut().request(UserCommand::ShowAcquisitions);
    harness.run_steps(2);
    harness.state_mut().request(UserCommand::New);
    harness.run_steps(2);
    let app = harness.state();
    assert!(app.document.dataset.acquisitions.is_empty(), "a new, empty dataset");
    assert!(app.timeline.timeline().is_none(), "the timeline let go of the old placement");
    assert!(app.plots.data().is_none(), "the plots let go of the old figures");
    assert!(app.progress.progress().is_none(), "the progress view let go of the old figures");

    harness.state_mut().request(UserCommand::ShowTimeline);
    harness.run_steps(3);
    let timeline = harness.state().timeline.timeline().expect("placed again");
    assert!(timeline.items.is_empty(), "placed for the new, empty dataset");
}
