//! Runs the real binary: exit codes, messages that name the file and the place, conversions.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
}

fn run(args: &[&str]) -> Output {
    binary().args(args).output().expect("the binary runs")
}

fn bad(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad").join(name).display().to_string()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_default_dataset_checks_clean() {
    let output = run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "the default dataset has no problems, not even warnings");
    assert!(stdout(&output).contains("22 acquisitions"), "{}", stdout(&output));
    assert!(stdout(&output).contains("0 errors, 0 warnings"), "{}", stdout(&output));
}

/// Each bad file gets its own reason, on one line naming the file, and exit code 1; never a panic.
#[test]
fn every_bad_file_gets_a_one_line_reason() {
    let cases: &[(&str, &str)] = &[
        ("empty.json", "the file is empty"),
        ("whitespace-only.json", "the file is empty"),
        ("truncated.json", "EOF while parsing"),
        ("not-json.json", ":1:1: expected value"),
        ("utf16.json", "UTF-16"),
        ("utf16-no-bom.json", "UTF-16 without a byte-order mark"),
        ("latin1.json", "not UTF-8"),
        ("top-level-array.json", ":1:1: a dataset is a JSON object"),
        ("number-out-of-range.json", "number out of range"),
        ("nan.json", "expected value"),
        ("wrong-type-version.json", "version: invalid type: string \"1\""),
        ("wrong-type-buyers.json", "acquisitions[0].buyers: invalid type"),
        ("unknown-field.json", "unknown field `quantitiy`"),
        ("unknown-stage.json", "unknown variant `ordered`"),
        ("missing-confidence.json", "missing field `confidence`"),
        ("impossible-date.json", "acquisitions[0].date: 2024-02-30 does not exist"),
        ("reversed-interval.json", "the interval ends before it starts"),
        ("year-out-of-range.json", "`10000` is not an EDTF date"),
        ("negative-quantity.json", "acquisitions[0].quantity.count: invalid value: integer `-5`"),
        ("fractional-quantity.json", "invalid type: floating point `2.5`"),
        ("lowercase-currency.json", "`eur` is not a currency code"),
        ("future-version.json", "format version 7, newer than this app reads"),
        ("version-zero.json", "format version 0 does not exist"),
        ("other-format.json", "its format is \"geojson\""),
        ("no-format.json", "it has no \"format\""),
        ("trailing-garbage.json", "there is more after the end"),
        ("acquisitions-bad-count.csv", "row 3, column \"quantity\": `twelve` is not a whole number"),
        ("acquisitions-ragged.csv", "the row has 3 cells but the header has 5"),
        ("acquisitions-unknown-column.csv", "unknown column \"colour\""),
        ("acquisitions-bad-date.csv", "row 2, column \"date\": 2024-02-30 does not exist"),
    ];
    for (name, expected) in cases {
        let path = bad(name);
        let output = run(&["check", &path]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {message}");
        assert_eq!(message.lines().count(), 1, "{name}: one line, got {message}");
        assert!(message.starts_with(&path), "{name}: names the file: {message}");
        assert!(message.contains(expected), "{name}: expected `{expected}` in {message}");
    }
}

/// Files that parse but are not usable: each problem names the record and the field.
#[test]
fn validation_problems_name_the_record_and_field() {
    let cases: &[(&str, &str)] = &[
        (
            "duplicate-ids.json",
            "acquisitions[1] (id \"a1\") field id: error: the id is already used by acquisitions[0]",
        ),
        ("dangling-source.json", "field sources: error: cites `nowhere`, which is not in sources"),
        ("dangling-parent.json", "field parent: error: refers to `missing-framework`, which is not in acquisitions"),
        ("parent-cycle.json", "field parent: error: the chain of parent contracts loops back"),
        ("negative-money.json", "field value: error: the amount -1 is not a finite number of zero or more"),
        ("unknown-currency.json", "field value: error: `ABC` is not an ISO 4217 currency code"),
        (
            "count-without-qualifier.json",
            "field quantity.count: error: the qualifier is \"up to\" but no count is given",
        ),
    ];
    for (name, expected) in cases {
        let output = run(&["check", &bad(name)]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{name}: {message}");
        assert!(message.contains(expected), "{name}: expected `{expected}` in {message}");
        assert!(!message.contains("panicked"), "{name}: {message}");
    }
}

#[test]
fn deep_nesting_and_huge_strings_are_refused_without_a_crash() {
    let folder = tempfile::tempdir().unwrap();
    let nested = folder.path().join("nested.json");
    let depth = 1_000_000;
    let text = format!(
        "{{\"format\":\"pledge-explorer-dataset\",\"version\":1,\"meta\":{{\"title\":{}{}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(&nested, text).unwrap();
    let output = run(&["check", nested.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("meta.title: invalid type: sequence"), "{}", stderr(&output));

    let nested_unknown = folder.path().join("nested-unknown.json");
    std::fs::write(&nested_unknown, format!("{{\"x\":{}{}}}", "[".repeat(depth), "]".repeat(depth))).unwrap();
    let output = run(&["check", nested_unknown.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"));
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let mut child = binary()
        .args(["check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"{\"format\":\"pledge-explorer-dataset\",\"version\":1,\"meta\":{\"title\":\"t\",\"release\":\"1\",\"cutoff\":\"2024\"}}").unwrap();
    }
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("<stdin>: 0 actors"), "{}", stdout(&output));
}

#[test]
fn bad_usage_exits_with_2() {
    assert_eq!(run(&["summary", "--by", "colour"]).status.code(), Some(2));
    assert_eq!(run(&["convert", "only-one-argument"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate", "x", "y"]).status.code(), Some(2));
    for command in ["check", "convert", "summary"] {
        let output = run(&[command, "--help"]);
        assert_eq!(output.status.code(), Some(0));
        assert!(stdout(&output).contains("Usage: pledge-explorer"), "{command}");
    }
}

#[test]
fn a_missing_file_is_named() {
    let output = run(&["summary", "/no/such/dataset.json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output).trim(), "/no/such/dataset.json: no such file");
}

#[test]
fn a_folder_without_a_table_of_a_dataset_is_refused_naming_the_tables() {
    let folder = tempfile::tempdir().unwrap();
    let empty = folder.path().join("empty");
    let only_json = folder.path().join("only-json");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&only_json).unwrap();
    std::fs::write(only_json.join("data.json"), "{}").unwrap();
    for dir in [&empty, &only_json] {
        let output = run(&["check", dir.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
        let message = stderr(&output);
        assert!(message.contains(dir.to_str().unwrap()), "{message}");
        assert!(message.contains("none of the tables") && message.contains("acquisitions.csv"), "{message}");
    }
}

#[test]
fn writing_tables_over_a_folder_with_folders_of_its_own_is_refused_and_leaves_it_alone() {
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("tables");
    std::fs::create_dir_all(target.join("photos")).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    let input = folder.path().join("in.json");
    std::fs::write(&input, r#"{"format": "pledge-explorer-dataset", "version": 2}"#).unwrap();
    let output = run(&["convert", input.to_str().unwrap(), target.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("photos"), "{}", stderr(&output));
    let mut names: Vec<String> =
        std::fs::read_dir(&target).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    assert_eq!(names, ["notes.txt", "photos"]);
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 2, "no staging folder left beside in.json");
}

fn json_of(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn convert_round_trips_through_a_csv_folder_and_back() {
    let folder = tempfile::tempdir().unwrap();
    let original = folder.path().join("original.json");
    let tables = folder.path().join("tables");
    let back = folder.path().join("back.json");
    let output = run(&["convert", "-", original.to_str().unwrap()]);
    // `-` with nothing on stdin is an empty input: refused.
    assert_eq!(output.status.code(), Some(1));

    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    for (from, to) in [(&default, &tables), (&tables, &back)] {
        let output = run(&["convert", from.to_str().unwrap(), to.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    for name in ["meta.csv", "actors.csv", "sources.csv", "events.csv", "commitments.csv", "acquisitions.csv"] {
        assert!(tables.join(name).exists(), "{name}");
    }
    assert_eq!(json_of(&back), json_of(&default));
}

#[test]
fn convert_writes_one_table_and_reads_it_back() {
    let folder = tempfile::tempdir().unwrap();
    let table: PathBuf = folder.path().join("acquisitions.csv");
    let output = run(&["convert", &bad("../../assets/default-dataset.json"), table.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(text.starts_with("id,system,category,buyers,recipient,agency,supplier,stage,quantity,quantity_qualifier"));
    assert!(text.contains("patriot-gemt,Patriot GEM-T missile,air and missile defence,DEU;NLD;ROU;ESP,,nspa,comlog,contracted,1000,up_to,missile"));
    let output = run(&["summary", table.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["records"], 22);

    let unnamed = folder.path().join("export-2024.csv");
    let output = run(&["convert", table.to_str().unwrap(), unnamed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("pass --table"), "{}", stderr(&output));
}

/// The figures a reader can check against FACTS.md: stages apart, ceilings apart, currencies apart.
#[test]
fn summary_by_stage_gives_the_sourced_figures() {
    let output = run(&["summary", "--by", "system"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    let line = |start: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line {start} in\n{text}"))
            .to_owned()
    };
    let patriot = line("Patriot GEM-T missile");
    assert!(
        patriot
            .contains("missile: 700 exact; ≈ 96 approx.; 1 without a number; framework ceiling up to 1,000 not added"),
        "{patriot}"
    );
    let shells = line("155 mm artillery shell");
    assert!(shells.contains("round: ≈ 220,000 approx.") && shells.contains("EUR 1.1 bn exact"), "{shells}");
    let stinger = line("Stinger anti-aircraft missile");
    assert!(stinger.contains("missile: 506 exact; ≈ 440 approx.; framework ceiling up to 940 not added"), "{stinger}");
    assert!(stinger.contains("USD framework ceiling 700 M not added"), "{stinger}");
    let planned_aircraft = line("Modern combat aircraft (mostly F-35)");
    assert!(
        planned_aircraft.contains("planned") && planned_aircraft.contains("aircraft: 850 exact"),
        "{planned_aircraft}"
    );
    let systems = line("Air defence and artillery systems");
    assert!(systems.contains("system: 1 without a number"), "{systems}");
}

#[test]
fn summary_json_is_the_same_aggregate() {
    let output = run(&["summary", "--by", "stage", "--json"]);
    assert_eq!(output.status.code(), Some(0));
    let parsed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed["group_by"], "stage");
    let planned = parsed["totals"].as_array().unwrap().iter().find(|row| row["stage"] == "planned").unwrap();
    assert_eq!(planned["records"], 2);
    assert_eq!(planned["units"]["aircraft"]["exact"], 850);
    assert_eq!(planned["units"]["system"]["unknown"], 1);
}

/// SIPRI's register (real rows, see tests/exports.rs) is recognised by `import`; importing a newer export
/// `--into` the dataset updates its deals and says how many changed.
#[test]
fn import_recognises_sipri_and_updates_a_dataset_from_a_newer_export() {
    let folder = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import/sipri-trade-register-2024-sample.csv");
    let dataset = folder.path().join("sipri.json");
    let output = run(&["import", fixture.to_str().unwrap(), "-o", dataset.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stderr(&output).contains("SIPRI trade register: "), "{}", stderr(&output));
    assert!(!stderr(&output).contains("->"), "no mapping is guessed: {}", stderr(&output));
    let saved = std::fs::read_to_string(&dataset).unwrap();
    let is_deal = |line: &&str| line.contains("\"id\": \"sipri-") && line.contains("\"system\"");
    let deals = saved.lines().filter(is_deal).count();
    assert!(deals > 20, "{deals}");

    // The same export with one deal's deliveries gone on: one changed, the rest unchanged.
    let bytes = std::fs::read(&fixture).unwrap();
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let newer_text =
        text.replace(",18,?,2023,New,Produced under licence", ",36,?,2023; 2024,New,Produced under licence");
    assert_ne!(newer_text, text);
    let newer = folder.path().join("newer.csv");
    std::fs::write(&newer, newer_text.chars().map(|c| c as u8).collect::<Vec<u8>>()).unwrap();
    let updated = folder.path().join("updated.json");
    let output =
        run(&["import", newer.to_str().unwrap(), "--into", dataset.to_str().unwrap(), "-o", updated.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let expected = format!("0 added, 1 changed, {} unchanged", deals - 1);
    assert!(stderr(&output).contains(&expected), "{}", stderr(&output));
    let updated = std::fs::read_to_string(&updated).unwrap();
    assert_eq!(updated.lines().filter(is_deal).count(), deals);
    assert!(updated.contains("\"count\": 36"), "the newer delivery figure is in");
}

/// The default dataset as JSON, changed by `edit`, written to `name` in `folder`.
fn default_edited(folder: &Path, name: &str, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    let mut value = json_of(&default);
    edit(&mut value);
    let path = folder.join(name);
    std::fs::write(&path, serde_json::to_string(&value).unwrap()).unwrap();
    path
}

fn acquisition<'v>(value: &'v mut serde_json::Value, id: &str) -> &'v mut serde_json::Value {
    let list = value["acquisitions"].as_array_mut().unwrap();
    list.iter_mut().find(|a| a["id"] == id).unwrap()
}

#[test]
fn diff_lists_changes_by_record_and_field_with_the_totals_and_exits_1() {
    let folder = tempfile::tempdir().unwrap();
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    let changed = default_edited(folder.path(), "changed.json", |value| {
        acquisition(value, "patriot-gemt-rou")["quantity"]["count"] = 250.into();
        let list = value["acquisitions"].as_array_mut().unwrap();
        list.retain(|a| a["id"] != "stinger-ita");
    });
    let output = run(&["diff", default.to_str().unwrap(), changed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("Acquisitions: 1 removed, 1 changed"), "{text}");
    assert!(text.contains("− acquisition stinger-ita"), "{text}");
    assert!(text.contains("~ acquisition patriot-gemt-rou: Quantity: 200 → 250"), "{text}");
    // stinger-ita is a national order under the Stinger framework: 240? (an estimate) leaves the
    // approximate sum; Romania's 50 more are exact.
    assert!(text.contains("contracted missiles: +50 exact; −240 approx."), "{text}");

    let output = run(&["diff", "--json", default.to_str().unwrap(), changed.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["same"], false);
    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), 2);
    let rou = records.iter().find(|r| r["id"] == "patriot-gemt-rou").unwrap();
    assert_eq!(rou["fields"][0], serde_json::json!({ "field": "quantity", "old": "200", "new": "250" }));
}

#[test]
fn diff_of_the_same_data_in_another_order_or_format_exits_0() {
    let folder = tempfile::tempdir().unwrap();
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    let reordered = default_edited(folder.path(), "reordered.json", |value| {
        value["acquisitions"].as_array_mut().unwrap().reverse();
        value["actors"].as_array_mut().unwrap().reverse();
    });
    let tables = folder.path().join("tables");
    assert_eq!(run(&["convert", default.to_str().unwrap(), tables.to_str().unwrap()]).status.code(), Some(0));
    for other in [&reordered, &tables] {
        let output = run(&["diff", default.to_str().unwrap(), other.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), stderr(&output));
        assert!(stdout(&output).contains("No changes"), "{}", stdout(&output));
    }
}

#[test]
fn diff_with_a_file_it_cannot_read_exits_1_naming_it_and_bad_usage_exits_2() {
    let default = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/default-dataset.json");
    let output = run(&["diff", default.to_str().unwrap(), &bad("truncated.json")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("truncated.json"), "{}", stderr(&output));
    assert_eq!(run(&["diff", default.to_str().unwrap()]).status.code(), Some(2));
    assert_eq!(run(&["diff", "-", "-"]).status.code(), Some(1));
}
