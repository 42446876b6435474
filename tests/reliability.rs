//! The user's work survives what goes wrong around it: files too big for memory, huge fields, a full
//! disk, and the process killed in the middle of writing.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{SmallFilesystem, file_names};
use pledge_explorer::{io, synthetic};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

#[test]
fn a_ten_gigabyte_file_is_refused_before_it_is_read() {
    let folder = tempfile::tempdir().unwrap();
    let huge = folder.path().join("huge.json");
    // Sparse: ten gigabytes that take no disk space, and would take minutes to read.
    std::fs::File::create(&huge).unwrap().set_len(10 << 30).unwrap();
    let started = Instant::now();
    let output = run(&["check", path(&huge)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("huge.json: the file is 10.0 GB; files over 4.0 GB are refused"),
        "{}",
        stderr(&output)
    );
    assert!(started.elapsed() < Duration::from_secs(20), "refused without reading it");
}

#[test]
fn a_hundred_megabyte_field_loads_without_a_crash() {
    let folder = tempfile::tempdir().unwrap();
    let big = "x".repeat(100 << 20);
    let json = folder.path().join("long-title.json");
    std::fs::write(
        &json,
        format!(r#"{{"format": "pledge-explorer-dataset", "version": 1, "meta": {{"title": "{big}"}}}}"#),
    )
    .unwrap();
    let output = run(&["check", path(&json)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let csv = folder.path().join("acquisitions.csv");
    std::fs::write(&csv, format!("id,system,category,stage,confidence\na,{big},c,planned,high\n")).unwrap();
    let output = run(&["summary", path(&csv)]);
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert!(output.status.code() == Some(0) || output.status.code() == Some(1));
}

/// Kills `convert` at moments spread over its run, many times: the destination is always the old file
/// or the complete new one, and no temporary file is left beside it.
#[test]
fn killing_convert_at_any_moment_leaves_the_old_file_or_the_new_one() {
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("big.json");
    std::fs::write(&input, synthetic::dataset_json(30_000, 11)).unwrap();
    let old = io::json::to_string(&io::default_dataset());
    let mut rng = fastrand::Rng::with_seed(7);
    let mut outcomes = [0_usize; 2];
    for (name, extra) in [("out.json", &[][..]), ("acquisitions.csv", &["--table", "acquisitions"][..])] {
        let destination = folder.path().join(name);
        let expected_path = folder.path().join(format!("expected-{name}"));
        let started = Instant::now();
        let output = binary().args(["convert", path(&input), path(&expected_path)]).args(extra).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let full_run = started.elapsed();
        let expected = std::fs::read(&expected_path).unwrap();
        for round in 0..12 {
            std::fs::write(&destination, &old).unwrap();
            let mut child = binary()
                .args(["convert", path(&input), path(&destination)])
                .args(extra)
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            // Anywhere from the start to just past the end of a run, most of it while writing.
            std::thread::sleep(full_run.mul_f64(rng.f64() * 1.2));
            let _ = child.kill();
            let _ = child.wait();
            let now = std::fs::read(&destination).unwrap();
            let is_old = now == old.as_bytes();
            assert!(is_old || now == expected, "{name}, round {round}: {} bytes, neither old nor new", now.len());
            outcomes[usize::from(!is_old)] += 1;
        }
        std::fs::remove_file(&expected_path).unwrap();
    }
    eprintln!("kills that left the old file: {}, the new one: {}", outcomes[0], outcomes[1]);
    assert_eq!(file_names(folder.path()), ["acquisitions.csv", "big.json", "out.json"], "no temporary left");
}

/// A folder's files by name, with their bytes.
fn folder_files(folder: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap())
        .map(|entry| (entry.file_name().to_string_lossy().into_owned(), std::fs::read(entry.path()).unwrap()))
        .collect()
}

/// Kills `convert` into a folder of CSV tables at moments spread over its run: the folder is always the
/// old tables or the new ones, every file of one version, never a mix; a file of the user's in the folder
/// survives; the next write clears what the killed ones left.
#[test]
fn killing_convert_into_a_folder_leaves_the_old_tables_or_the_new_ones() {
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("big.json");
    std::fs::write(&input, synthetic::dataset_json(30_000, 11)).unwrap();
    let destination = folder.path().join("tables");
    let expected_path = folder.path().join("expected");
    let started = Instant::now();
    let output = binary().args(["convert", path(&input), path(&expected_path)]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let full_run = started.elapsed();
    let notes = ("notes.txt".to_owned(), b"the analyst's own file".to_vec());
    let mut expected = folder_files(&expected_path);
    expected.insert(notes.0.clone(), notes.1.clone());
    let mut rng = fastrand::Rng::with_seed(11);
    let mut outcomes = [0_usize; 2];
    for round in 0..12 {
        let _ = std::fs::remove_dir_all(&destination);
        io::csv::export_folder(&io::default_dataset(), &destination).unwrap();
        std::fs::write(destination.join(&notes.0), &notes.1).unwrap();
        let old = folder_files(&destination);
        let mut child =
            binary().args(["convert", path(&input), path(&destination)]).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(full_run.mul_f64(rng.f64() * 1.2));
        let _ = child.kill();
        let _ = child.wait();
        let now = folder_files(&destination);
        let is_old = now == old;
        assert!(is_old || now == expected, "round {round}: the folder mixes old and new tables");
        outcomes[usize::from(!is_old)] += 1;
    }
    eprintln!("kills that left the old folder: {}, the new one: {}", outcomes[0], outcomes[1]);
    let output = binary().args(["convert", path(&input), path(&destination)]).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(folder_files(&destination), expected);
    assert_eq!(file_names(folder.path()), ["big.json", "expected", "tables"], "no staging folder left");
}

#[test]
fn converting_onto_a_full_disk_keeps_the_old_file_and_says_why() {
    let Some(disk) = SmallFilesystem::mount(512) else { return };
    let folder = tempfile::tempdir().unwrap();
    let input = folder.path().join("big.json");
    std::fs::write(&input, synthetic::dataset_json(5_000, 3)).unwrap();
    let destination = disk.path().join("out.json");
    let old = io::json::to_string(&io::default_dataset());
    std::fs::write(&destination, &old).unwrap();

    let output = run(&["convert", path(&input), path(&destination)]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("out.json") && stderr(&output).contains("No space left"), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(&destination).unwrap(), old, "the old file, byte for byte");
    assert_eq!(file_names(disk.path()), ["out.json"], "no temporary left");
}
