//! Importing the tables analysts hold, from files shaped like real ones (`tests/import/`):
//!
//! - `sipri-trade-register-excerpt.csv`: real lines of SIPRI's trade register as its website exports it
//!   (the copy generated 13 Oct 2024 in the public repository MJHofmann/SIPRI_BRICS, `trade-register.csv`):
//!   the 11-line preamble, the header, and 17 rows, Latin-1 bytes unchanged, including two rows that a line
//!   break inside a comment split in two.
//! - `acquisitions-national-orders.csv`: the 17 national orders of FACTS.md (SIPRI's figures) in the app's
//!   own columns, buyers as ISO codes, one source id.
//! - `orders-semicolon-windows-1252.csv`: a hand-made table the way a European spreadsheet saves one: a
//!   title above the header, `;` between cells, decimal commas, Windows-1252, country names in several
//!   spellings, dates as `15.01.2023` and `Jul 2025`.
//! - A workbook made in the test: a sheet of notes, then the orders under a title row, with Excel dates.
//!
//! Expected figures are computed in the tests from the files themselves, not copied from the app.

use std::path::{Path, PathBuf};

use pledge_explorer::analysis::volumes::{GroupBy, volumes};
use pledge_explorer::io::tabular::{self, ReadOptions, TextEncoding};
use pledge_explorer::mapping::{self, OnDuplicate, Target};
use pledge_explorer::model::validate::{Severity, validate};
use pledge_explorer::model::{Collection, Stage};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(name)
}

fn table(path: &Path, options: &ReadOptions) -> tabular::Table {
    tabular::read(path, std::fs::read(path).unwrap(), options).unwrap()
}

fn target(mapping: &mapping::Mapping, column: &str) -> Target {
    mapping.target(column)
}

fn field(key: &str) -> Target {
    Target::Field(key.to_owned())
}

#[test]
fn sipri_rows_come_in_through_the_guessed_mapping() {
    let path = fixture("sipri-trade-register-excerpt.csv");
    let bytes = std::fs::read(&path).unwrap();
    let table = table(&path, &ReadOptions::default());
    assert_eq!(table.encoding, Some(TextEncoding::Windows1252), "Latin-1 is not UTF-8");
    assert_eq!(table.delimiter, Some(','));
    assert_eq!(table.header_line, 12, "below the 11 lines of SIPRI's preamble");
    let mapping = mapping::guess(&table.headers, &table.sample(50));
    assert_eq!(target(&mapping, "Recipient"), field("buyers"));
    assert_eq!(target(&mapping, "Supplier"), field("supplier"));
    assert_eq!(target(&mapping, "Year of order"), field("date"));
    assert_eq!(target(&mapping, "Number ordered"), field("quantity"));
    assert_eq!(target(&mapping, "Weapon designation"), field("system"));
    assert_eq!(target(&mapping, "Weapon description"), field("category"));
    assert_eq!(target(&mapping, "Year(s) of delivery"), field("delivery"));
    assert_eq!(target(&mapping, "status"), Target::Notes, "New and Second hand are not stages");
    assert_eq!(target(&mapping, "Comments"), field("notes"));

    let imported = mapping::import(&table, &mapping, None).unwrap();
    // From the file: the data lines below the header; a line with fewer than 7 cells is the end of the
    // line above it, split by a line break in its comment.
    let text: String = bytes.iter().map(|&b| b as char).collect();
    let rows: Vec<Vec<&str>> = text.lines().skip(12).map(|line| line.split(',').collect()).collect();
    let whole: Vec<&Vec<&str>> = rows.iter().filter(|cells| cells.len() >= 7).collect();
    let fragments = rows.len() - whole.len();
    assert_eq!(fragments, 2);
    assert_eq!(imported.dataset.acquisitions.len(), whole.len());
    assert_eq!(imported.problems.len(), fragments, "{:?}", imported.problems);
    assert!(imported.problems.iter().all(|p| p.message.contains("line break")), "{:?}", imported.problems);
    let ordered: u64 = whole.iter().filter_map(|cells| cells[4].parse::<u64>().ok()).sum();
    let read: u64 =
        imported.dataset.acquisitions.iter().filter_map(|a| a.quantity.as_ref().and_then(|q| q.count)).sum();
    assert_eq!(read, ordered);
    // Names as SIPRI writes them resolve to states; "Soviet Union" is a former one; the rest stays as written.
    let dataset = &imported.dataset;
    let buyer = |index: usize| dataset.text(dataset.acquisitions[index].buyers[0]).to_owned();
    assert_eq!(buyer(0), "AFG");
    let united_nations =
        dataset.acquisitions.iter().any(|a| a.buyers.iter().any(|&b| dataset.text(b) == "United Nations**"));
    assert!(united_nations, "a name the reference table does not know stays as written");
    assert!(dataset.acquisitions.iter().any(|a| a.supplier.is_some_and(|s| dataset.text(s) == "SUN")));
    assert!(dataset.acquisitions.iter().any(|a| a.notes.as_deref().is_some_and(|n| n.contains("Wärtsilä"))));
    let delivery = dataset.acquisitions.iter().find_map(|a| a.delivery.filter(|d| d.to_string().contains('/')));
    assert!(delivery.is_some(), "years of delivery become a window");
    assert_eq!(validate(dataset).iter().filter(|p| p.severity == Severity::Error).count(), 0);
}

#[test]
fn a_table_in_the_apps_own_columns_opens_with_its_countries_and_source() {
    let path = fixture("acquisitions-national-orders.csv");
    let dataset = pledge_explorer::io::load_path(&path, None).unwrap();
    let errors: Vec<String> =
        validate(&dataset).into_iter().filter(|p| p.severity == Severity::Error).map(|p| p.to_string()).collect();
    assert_eq!(errors, Vec::<String>::new());
    // From the file: its rows, its buyers, and the exact counts of aircraft contracted.
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(dataset.acquisitions.len(), records.len());
    let mut buyers: Vec<&str> = records.iter().map(|r| &r[column("buyers")]).collect();
    buyers.sort_unstable();
    buyers.dedup();
    assert_eq!(dataset.actors.len(), buyers.len(), "every buyer became an actor");
    assert!(dataset.actors.iter().any(|a| &*a.name == "Czechia"));
    assert_eq!(dataset.sources.len(), 1, "the cited source became a record");
    let aircraft: u64 = records
        .iter()
        .filter(|r| &r[column("stage")] == "contracted" && &r[column("quantity_unit")] == "aircraft")
        .filter(|r| &r[column("quantity_qualifier")] == "exact")
        .map(|r| r[column("quantity")].parse::<u64>().unwrap())
        .sum();
    let totals = volumes(&dataset, None, GroupBy::Stage).totals;
    let contracted = totals.iter().find(|row| row.stage == Stage::Contracted).unwrap();
    assert_eq!(contracted.units["aircraft"].exact, aircraft);
}

#[test]
fn a_semicolon_table_in_windows_1252_with_decimal_commas() {
    let path = fixture("orders-semicolon-windows-1252.csv");
    let table = table(&path, &ReadOptions::default());
    assert_eq!(table.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(table.delimiter, Some(';'));
    assert_eq!(table.header_line, 4, "the title and the note above it are a preamble");
    assert!(table.decimal_comma);
    let mapping = mapping::guess(&table.headers, &table.sample(50));
    let targets: Vec<String> = mapping.columns.iter().map(|c| c.target.label()).collect();
    assert_eq!(
        targets,
        ["Buyers", "System", "Quantity", "Unit", "Date", "Value", "Currency", "Stage", "Sources", "Notes"]
    );
    let imported = mapping::import(&table, &mapping, None).unwrap();
    assert_eq!(imported.problems, Vec::new());
    let dataset = &imported.dataset;
    let by_system = |system: &str| dataset.acquisitions.iter().find(|a| dataset.text(a.system) == system).unwrap();
    let ids = |a: &pledge_explorer::model::Acquisition| {
        a.buyers.iter().map(|&b| dataset.text(b).to_owned()).collect::<Vec<_>>()
    };
    assert_eq!(ids(by_system("Patriot GEM-T")), ["DEU"]);
    assert_eq!(ids(by_system("F-35A Lightning II")), ["CZE"]);
    assert_eq!(ids(by_system("Eurofighter Typhoon")), ["TUR"]);
    assert_eq!(ids(by_system("Ajax armoured vehicle")), ["GBR"]);
    assert_eq!(ids(by_system("S-400")), ["RUS"]);
    assert_eq!(ids(by_system("F-16 Block 70")), ["SVK"]);
    let ajax = by_system("Ajax armoured vehicle");
    assert_eq!(ajax.value.unwrap().amount, 5_522_000_000.5, "a decimal comma");
    assert_eq!(dataset.text(ajax.quantity.as_ref().unwrap().unit.unwrap()), "vehicle", "units in the singular");
    assert_eq!(ajax.stage, Stage::Delivered);
    let patriot = by_system("Patriot GEM-T");
    assert_eq!(patriot.date.unwrap().to_string(), "2023-01-15");
    assert_eq!(patriot.stage, Stage::Contracted);
    assert_eq!(by_system("Eurofighter Typhoon").date.unwrap().to_string(), "2025-07");
    let estimate =
        dataset.acquisitions.iter().find(|a| a.quantity.as_ref().is_some_and(|q| q.count == Some(96))).unwrap();
    assert_eq!(estimate.quantity.as_ref().unwrap().qualifier, pledge_explorer::model::QuantityQualifier::Estimate);
    assert_eq!(dataset.sources.len(), 1, "one link, named twice, is one source");
    assert!(dataset.actors.iter().any(|a| &*a.name == "Türkiye"), "{:?}", dataset.actors);
}

/// A workbook as people keep them: a sheet of notes first, then the orders under a title row, with
/// Excel dates and numbers as numbers.
fn workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes.set_name("About").unwrap();
    notes.write_string(0, 0, "Orders tracked since the Vilnius Summit").unwrap();
    let orders = workbook.add_worksheet();
    orders.set_name("Orders").unwrap();
    orders.write_string(0, 0, "National orders, as of 2025").unwrap();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (column, header) in
        ["Buyer", "Designation", "Number Ordered", "Order Date", "Deal Value", "Currency"].iter().enumerate()
    {
        orders.write_string(2, column as u16, *header).unwrap();
    }
    let rows = [
        ("Poland", "F-35A", 32.0, (2020, 1, 31), 4.6e9, "USD"),
        ("Finland", "F-35A", 64.0, (2021, 12, 10), 8.4e9, "EUR"),
    ];
    for (line, (buyer, system, count, (y, m, d), value, currency)) in rows.iter().enumerate() {
        let row = line as u32 + 3;
        orders.write_string(row, 0, *buyer).unwrap();
        orders.write_string(row, 1, *system).unwrap();
        orders.write_number(row, 2, *count).unwrap();
        orders.write_datetime_with_format(row, 3, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
        orders.write_number(row, 4, *value).unwrap();
        orders.write_string(row, 5, *currency).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_workbook_sheet_with_a_title_row_and_excel_dates() {
    let path = Path::new("orders.xlsx");
    let options = ReadOptions { sheet: Some("Orders".to_owned()), ..Default::default() };
    let table = tabular::read(path, workbook(), &options).unwrap();
    assert_eq!(table.sheets, ["About", "Orders"]);
    assert_eq!(table.header_row, 3, "below the title row");
    let mapping = mapping::guess(&table.headers, &table.sample(50));
    let imported = mapping::import(&table, &mapping, None).unwrap();
    assert_eq!(imported.problems, Vec::new());
    let dataset = &imported.dataset;
    let dates: Vec<String> = dataset.acquisitions.iter().map(|a| a.date.unwrap().to_string()).collect();
    assert_eq!(dates, ["2020-01-31", "2021-12-10"]);
    let counts: Vec<u64> = dataset.acquisitions.iter().map(|a| a.quantity.as_ref().unwrap().count.unwrap()).collect();
    assert_eq!(counts, [32, 64]);
    assert_eq!(dataset.acquisitions[1].value.unwrap().currency.as_str(), "EUR");
    assert!(
        pledge_explorer::io::tabular::read(
            path,
            workbook(),
            &ReadOptions { sheet: Some("Nope".into()), ..Default::default() }
        )
        .err()
        .unwrap()
        .to_string()
        .contains("About, Orders")
    );
}

#[test]
fn appending_marks_duplicates_and_merges_as_one_set_of_changes() {
    let path = fixture("orders-semicolon-windows-1252.csv");
    let table = table(&path, &ReadOptions::default());
    let mapping = mapping::guess(&table.headers, &table.sample(50));
    let first = mapping::import(&table, &mapping, None).unwrap().dataset;
    let again = mapping::import(&table, &mapping, None).unwrap().dataset;
    let matches = mapping::duplicates(&first, &again);
    assert!(matches.iter().all(Option::is_some), "every record is already there");
    for (choice, added) in [(OnDuplicate::Skip, 0), (OnDuplicate::KeepBoth, again.acquisitions.len())] {
        let (_, changes) = mapping::merge(&first, &again, &matches, choice);
        let acquisitions = changes
            .iter()
            .filter(|c| matches!(c, mapping::Change::Add(r) if r.collection() == Collection::Acquisitions))
            .count();
        assert_eq!(acquisitions, added, "{choice:?}");
    }
    let (_, changes) = mapping::merge(&first, &again, &matches, OnDuplicate::Update);
    let replaced = changes.iter().filter(|c| matches!(c, mapping::Change::Replace(..))).count();
    assert_eq!(replaced, again.acquisitions.len());
}

fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
}

#[test]
fn the_command_line_imports_with_the_guessed_or_a_saved_mapping() {
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("orders.json");
    let saved = folder.path().join("mapping.json");
    let file = fixture("orders-semicolon-windows-1252.csv");
    let output = binary()
        .args([
            "import",
            file.to_str().unwrap(),
            "--save-mapping",
            saved.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Country -> Buyers"), "the guessed mapping is printed: {stderr}");
    let dataset = pledge_explorer::io::load_path(&out, None).unwrap();
    assert_eq!(dataset.acquisitions.len(), 7);

    // The saved mapping, changed: the notes left out.
    let text = std::fs::read_to_string(&saved).unwrap();
    let mut mapping = mapping::Mapping::from_json(&text).unwrap();
    mapping.set("Notes", Target::Skip);
    std::fs::write(&saved, mapping.to_json()).unwrap();
    let into = folder.path().join("merged.json");
    let output = binary()
        .args(["import", file.to_str().unwrap(), "--mapping", saved.to_str().unwrap()])
        .args(["--into", out.to_str().unwrap(), "--duplicates", "skip", "-o", into.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("Country -> Buyers"), "a given mapping is not guessed again");
    assert!(stderr.contains("7 records match"), "{stderr}");
    let merged = pledge_explorer::io::load_path(&into, None).unwrap();
    assert_eq!(merged.acquisitions.len(), 7, "duplicates skipped");

    // A row that cannot be read is named, and the rest is imported.
    let broken = folder.path().join("broken.csv");
    std::fs::write(&broken, "Country,System,Order date\nPoland,F-35,2020\nFinland,F-35,someday\n").unwrap();
    let output = binary().args(["import", broken.to_str().unwrap(), "-o", out.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr.contains("row 3, column \"Order date\": `someday` is not a date"), "{stderr}");
    assert_eq!(pledge_explorer::io::load_path(&out, None).unwrap().acquisitions.len(), 1);
}

#[test]
fn convert_writes_a_workbook_that_reads_back_as_the_same_dataset() {
    let folder = tempfile::tempdir().unwrap();
    let default = pledge_explorer::io::default_dataset();
    let source = folder.path().join("default.json");
    std::fs::write(&source, pledge_explorer::io::json::to_string(&default)).unwrap();
    let xlsx = folder.path().join("default.xlsx");
    let json = folder.path().join("back.json");
    for (from, to) in [(&source, &xlsx), (&xlsx, &json)] {
        let output = binary().args(["convert", from.to_str().unwrap(), to.to_str().unwrap()]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let back = pledge_explorer::io::load_path(&json, None).unwrap();
    assert_eq!(pledge_explorer::io::json::to_string(&back), pledge_explorer::io::json::to_string(&default));
}

/// The app's own acquisitions table (generated records, every field in use), read as someone else's table
/// through the guessed mapping, gives back the records it was written from, field by field (the sources
/// column names sources by text, so those become new source records and are compared by their names).
#[test]
fn the_apps_own_table_read_through_the_guessed_mapping_gives_its_records_back() {
    use pledge_explorer::model::fields;
    let text = pledge_explorer::synthetic::dataset_json(3_000, 7);
    let dataset = pledge_explorer::io::json::from_str(&text, "generated.json").unwrap();
    let mut bytes = Vec::new();
    pledge_explorer::io::csv::write_table(&dataset, Collection::Acquisitions, &mut bytes).unwrap();
    let table = tabular::read(Path::new("acquisitions.csv"), bytes, &ReadOptions::default()).unwrap();
    let mapping = mapping::guess(&table.headers, &table.sample(50));
    let imported = mapping::import(&table, &mapping, None).unwrap();
    assert_eq!(imported.problems, Vec::new());
    assert_eq!(imported.dataset.acquisitions.len(), dataset.acquisitions.len());
    let sources = fields::position(Collection::Acquisitions, "sources").unwrap();
    for index in 0..dataset.acquisitions.len() {
        let mut read = fields::texts(&imported.dataset, Collection::Acquisitions, index);
        let written = fields::texts(&dataset, Collection::Acquisitions, index);
        let imported_source = &read[sources];
        let named = imported.dataset.sources.iter().find(|s| imported.dataset.text(s.id) == imported_source);
        read[sources] = named.map_or_else(|| imported_source.clone(), |s| s.title.clone());
        assert_eq!(read, written, "record {index}");
    }
}

/// A row of 200,000 columns (hostile, or a transposed export): guessed, mapped and read in time linear in
/// the columns (each column's target was once looked up in a list of every column: quadratic, minutes),
/// every unmapped cell kept in the record's notes.
#[test]
fn a_table_two_hundred_thousand_columns_wide_is_read() {
    let columns = 200_000;
    let mut text: String = (0..columns).map(|i| format!("h{i}")).collect::<Vec<_>>().join(",");
    text.push('\n');
    text.push_str(&vec!["7"; columns].join(","));
    text.push('\n');
    let table = tabular::read(Path::new("wide.csv"), text.into_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(table.headers.len(), columns);
    let guessed = mapping::guess(&table.headers, &table.sample(5));
    let imported = mapping::import(&table, &guessed, None).unwrap();
    assert_eq!(imported.dataset.acquisitions.len(), 1);
    let notes = imported.dataset.acquisitions[0].notes.as_deref().unwrap_or_default();
    assert!(notes.contains("h199999: 7"), "{}", &notes[notes.len().saturating_sub(80)..]);
}

/// An import counts the rows it reads against the table's lines, on every core, and stops once it is
/// cancelled: nothing comes in. (The table is the app's own export of a generated dataset.)
#[test]
fn an_import_counts_its_rows_and_stops_when_cancelled() {
    use pledge_explorer::io::progress::Progress;
    let json = pledge_explorer::synthetic::dataset_json(20_000, 5);
    let dataset = pledge_explorer::io::json::from_str(&json, "synthetic.json").unwrap();
    let mut csv = Vec::new();
    let every = 0..dataset.acquisitions.len();
    pledge_explorer::io::csv::write_rows(&dataset, Collection::Acquisitions, every, &mut csv).unwrap();
    let lines = csv.iter().filter(|&&byte| byte == b'\n').count() as u64;
    let table = tabular::read(Path::new("acquisitions.csv"), csv, &ReadOptions::default()).unwrap();
    let mapping = mapping::guess(&table.headers, &table.sample(50));

    let progress = Progress::default();
    let imported = mapping::import_with(&table, &mapping, None, &progress).unwrap();
    let rows = dataset.acquisitions.len() as u64;
    assert_eq!(imported.dataset.acquisitions.len() as u64, rows);
    assert_eq!(progress.done(), rows, "every row counted once");
    assert_eq!(progress.total(), lines - 1, "the lines below the header");

    let cancelled = Progress::default();
    cancelled.cancel();
    let Err(error) = mapping::import_with(&table, &mapping, None, &cancelled) else {
        panic!("a cancelled import brings nothing in");
    };
    assert!(error.to_string().contains("cancelled"), "{error}");
    assert!(cancelled.done() < rows, "stopped before the end");
}
