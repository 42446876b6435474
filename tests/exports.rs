//! The exports analysts use most, read without a mapping step (`tests/import/`):
//!
//! - `sipri-trade-register-2024-sample.csv`: real lines of SIPRI's trade register as its website exports it,
//!   bytes unchanged (Latin-1), from the copy generated 13 Oct 2024 in the public repository
//!   MJHofmann/SIPRI_BRICS (`trade-register.csv`): its 11-line preamble and header, then 26 lines (24 deals) picked for
//!   what they hold: every money form (`$79 m deal`, `EUR12.6 m deal`, `SEK1.4 b ($161 m) deal`,
//!   `$17-20 m aid`, `USD2.4 b deal`, a `Part of EUR21 m deal`), `?` in each of the three flag columns, `*`
//!   and `**` actors, `unknown supplier(s)`, `Wärtsilä` in Latin-1, and two rows split over two lines by
//!   a line break in their comment.
//! - `sipri-deliveries-by-deal-sample.csv`: the preamble, header and first 40 rows of SIPRI's per-delivery
//!   export, as the database's export service returned it to the public repository datapumpernickel/Rat.db
//!   (`tests/testthat/test_data/atbackend.sipri.org/api/p/trades/trade-register-csv-e05b15-POST.R`, the
//!   base64 body decoded, bytes unchanged).
//! - A Kiel Ukraine Support Tracker workbook built in the test with rust_xlsxwriter: no public copy of the
//!   workbook is in reach, so it has the published sheet name (`Bilateral Assistance, MAIN DATA`) and
//!   column names (`donor`, `aid_type_general`, `measure`, `item_numb`, `item_numb_deliv`,
//!   `tot_sub_activity_value_EUR`, …) with rows made up in their shape.
//!
//! Expected figures are computed here from the files' own lines, never copied from the app's output.

use std::path::{Path, PathBuf};

use pledge_explorer::analysis::progress::{CONTRACTED, ProgressBy, progress};
use pledge_explorer::analysis::volumes::{GroupBy, volumes};
use pledge_explorer::mapping::Imported;
use pledge_explorer::mapping::recognised::{self, Known};
use pledge_explorer::mapping::sipri::{self, Export};
use pledge_explorer::mapping::update::update;
use pledge_explorer::model::validate::{Severity, validate};
use pledge_explorer::model::{ActorKind, Dataset, FuzzyDate, MoneyQualifier, QuantityQualifier, Stage};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(name)
}

/// The file's lines as Latin-1 text, below the header, with a line that has fewer than 16 cells joined to
/// the next (a line break inside a comment split it).
fn register_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let lines: Vec<&str> = text.lines().skip(12).filter(|line| !line.is_empty()).collect();
    let mut rows = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let mut line = lines[at].to_owned();
        if line.split(',').count() < 16 {
            at += 1;
            line = format!("{line} {}", lines[at]);
        }
        rows.push(line.split(',').map(|cell| cell.trim().to_owned()).collect());
        at += 1;
    }
    rows
}

fn read_register() -> (Vec<u8>, Imported) {
    let path = fixture("sipri-trade-register-2024-sample.csv");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(recognised::recognise(&path, &bytes), Some(Known::Sipri(Export::TradeRegister)));
    let imported = sipri::import(&bytes, "sample.csv").unwrap();
    (bytes, imported)
}

fn sum(rows: &[Vec<String>], column: usize, flag: usize, flagged: bool) -> u64 {
    rows.iter().filter(|r| (r[flag] == "?") == flagged).filter_map(|r| r[column].parse::<u64>().ok()).sum()
}

#[test]
fn the_trade_register_comes_in_whole() {
    let (bytes, imported) = read_register();
    let rows = register_rows(&bytes);
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let dataset = &imported.dataset;
    assert_eq!(dataset.acquisitions.len(), rows.len(), "a deal per row, split rows joined");
    assert_eq!(rows.iter().filter(|r| r.len() != 16).count(), 0);

    // Ordered and delivered, exact and estimated (`?`), summed from the file and from the import's totals.
    let totals = volumes(dataset, None, GroupBy::Stage).totals;
    let tally_sum = |pick: &dyn Fn(&pledge_explorer::analysis::volumes::QuantityTally) -> u64| -> u64 {
        totals.iter().flat_map(|row| row.units.values()).map(pick).sum()
    };
    assert_eq!(tally_sum(&|t| t.exact), sum(&rows, 4, 5, false));
    assert_eq!(tally_sum(&|t| t.approximate), sum(&rows, 4, 5, true));
    assert_eq!(tally_sum(&|t| t.delivered.exact), sum(&rows, 8, 9, false));
    assert_eq!(tally_sum(&|t| t.delivered.approximate), sum(&rows, 8, 9, true));
    let no_quantity: u32 = totals.iter().map(|row| row.no_quantity).sum();
    assert_eq!(no_quantity as usize, rows.iter().filter(|r| r[4].is_empty()).count(), "empty: not yet available");

    // `?` in the year of order makes the date uncertain.
    let uncertain_years = dataset.acquisitions.iter().filter(|a| a.date.is_some_and(|d| d.is_qualified())).count();
    assert_eq!(uncertain_years, rows.iter().filter(|r| r[3] == "?").count());

    // The preamble: the export date is when the source was accessed, the conventions its note.
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let generated = text.lines().find_map(|l| l.strip_prefix("Data generated: ")).unwrap();
    assert!(generated.starts_with("13 Oct 2024"));
    let source = &dataset.sources[0];
    assert_eq!(source.accessed, Some(FuzzyDate::parse("2024-10-13").unwrap()));
    assert!(source.notes.contains("A '?' in a column indicates uncertain data"), "{}", source.notes);

    // Actors as SIPRI writes them.
    let actor = |name: &str| dataset.actors.iter().find(|a| &*a.name == name).map(|a| a.kind);
    assert_eq!(actor("Amal (Lebanon)"), Some(ActorKind::Group), "`*` is a non-state group");
    assert_eq!(actor("African Union"), Some(ActorKind::Organisation), "`**` is an organisation");
    assert_eq!(actor("Afghanistan"), Some(ActorKind::State));
    let unknown_rows = rows.iter().filter(|r| r[1] == "unknown supplier(s)").count();
    let unknown_imported = dataset
        .acquisitions
        .iter()
        .filter(|a| a.supplier.is_none() && a.notes.as_deref().is_some_and(|n| n.contains("Supplier unknown")))
        .count();
    assert_eq!(unknown_imported, unknown_rows);
    assert!(dataset.acquisitions.iter().any(|a| a.notes.as_deref().is_some_and(|n| n.contains("Wärtsilä"))));

    // Money from the comments, each form against the row's own words.
    let value_of = |comment_start: &str| {
        let index = rows.iter().position(|r| r[12].contains(comment_start)).unwrap();
        dataset.acquisitions[index].value
    };
    let amount = |comment: &str| value_of(comment).map(|m| (m.amount, m.currency.to_string(), m.qualifier));
    assert_eq!(amount("$79 m deal"), Some((79e6, "USD".into(), MoneyQualifier::Exact)));
    assert_eq!(amount("EUR12.6 m deal"), Some((12.6e6, "EUR".into(), MoneyQualifier::Exact)));
    assert_eq!(amount("SEK1.4 b ($161 m) deal"), Some((1.4e9, "SEK".into(), MoneyQualifier::Exact)));
    assert_eq!(amount("$17-20 m aid"), Some((20e6, "USD".into(), MoneyQualifier::UpTo)), "a range up to its top");
    assert_eq!(amount("USD2.4 b deal"), Some((2.4e9, "USD".into(), MoneyQualifier::Exact)));
    assert_eq!(amount("Part of EUR21 m deal"), None, "a larger deal's value is not this one's");

    // A row split over two lines keeps the TIVs that were on the second line.
    let thailand = rows.iter().position(|r| r[0] == "Thailand").unwrap();
    let notes = dataset.acquisitions[thailand].notes.as_deref().unwrap();
    assert!(notes.contains(&format!("of weapons delivered {}", rows[thailand][15])), "{notes}");

    // Years of delivery: one delivery over the years, with the number delivered and its flag.
    let afghanistan = rows.iter().position(|r| r[10].contains("1988; 1989")).unwrap();
    let delivery = &dataset.acquisitions[afghanistan].deliveries[0];
    assert_eq!(delivery.date, Some(FuzzyDate::parse("1988/1991").unwrap()));
    assert_eq!(delivery.count, rows[afghanistan][8].parse().ok());
    assert_eq!(delivery.qualifier, QuantityQualifier::Estimate);

    let errors: Vec<String> =
        validate(dataset).into_iter().filter(|p| p.severity == Severity::Error).map(|p| p.to_string()).collect();
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn the_per_delivery_export_gives_a_deal_per_id_and_a_delivery_per_row() {
    let path = fixture("sipri-deliveries-by-deal-sample.csv");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(recognised::recognise(&path, &bytes), Some(Known::Sipri(Export::PerDelivery)));
    let imported = sipri::import(&bytes, "deliveries.csv").unwrap();
    assert!(imported.problems.is_empty(), "{:?}", imported.problems);
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let rows: Vec<Vec<&str>> =
        text.lines().skip(12).filter(|l| !l.is_empty()).map(|l| l.split(',').collect()).collect();
    let mut deals: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    deals.sort_unstable();
    deals.dedup();
    let dataset = &imported.dataset;
    assert_eq!(dataset.acquisitions.len(), deals.len());
    let deliveries: usize = dataset.acquisitions.iter().map(|a| a.deliveries.len()).sum();
    assert_eq!(deliveries, rows.len());
    let delivered = |estimate: &str| -> u64 {
        rows.iter().filter(|r| r[9] == estimate).map(|r| r[8].parse::<u64>().unwrap()).sum()
    };
    let imported_sum = |qualifier: QuantityQualifier| -> u64 {
        dataset
            .acquisitions
            .iter()
            .flat_map(|a| a.deliveries.iter())
            .filter(|d| d.qualifier == qualifier)
            .filter_map(|d| d.count)
            .sum()
    };
    assert_eq!(imported_sum(QuantityQualifier::Exact), delivered("No"));
    assert_eq!(imported_sum(QuantityQualifier::Estimate), delivered("Yes"));
    let first = dataset.acquisitions.iter().find(|a| dataset.text(a.id) == format!("sipri-{}", rows[0][0])).unwrap();
    let years: Vec<String> = first.deliveries.iter().map(|d| d.date.unwrap().year().to_string()).collect();
    let mut expected: Vec<&str> = rows.iter().filter(|r| r[0] == rows[0][0]).map(|r| r[10]).collect();
    expected.sort_unstable();
    assert_eq!(years, expected, "deliveries in order of date");
}

/// Applies an update's changes as the app and the command line do.
fn apply(dataset: &mut Dataset, update: pledge_explorer::mapping::update::Update) {
    dataset.strings = update.strings;
    dataset.apply(update.changes);
}

#[test]
fn a_newer_export_updates_the_deals_of_an_older_one() {
    let (bytes, older) = read_register();
    let mut dataset = older.dataset.clone();
    // The same export the way a later release changes it: K-239 deliveries go on into 2024, the Javelin
    // deal is gone, and a deal is new.
    let text: String = bytes.iter().map(|&b| char::from(b)).collect();
    let k239 = text.lines().find(|l| l.contains("K-239 Chunmoo")).unwrap();
    let k239_later = k239.replace(",18,?,2023,", ",36,?,2023; 2024,");
    assert_ne!(k239, k239_later);
    let javelin = text.lines().find(|l| l.contains("FGM-148 Javelin")).unwrap();
    let new_deal = "Poland,South Korea,2022,,180,,K-2 Black Panther,tank,46,,2022; 2023,New,,5.6,1008,257.6";
    let newer = text.replace(k239, &k239_later).replace(&format!("{javelin}\n"), "") + new_deal + "\n";
    let newer: Vec<u8> = newer.chars().map(|c| c as u8).collect();
    let newer = sipri::import(&newer, "newer.csv").unwrap();

    let changes = update(&dataset, &newer.dataset);
    assert_eq!((changes.added, changes.changed, changes.not_in_export), (1, 1, 1), "{}", changes.describe());
    assert_eq!(changes.unchanged, older.dataset.acquisitions.len() - 2);
    apply(&mut dataset, changes);
    assert_eq!(dataset.acquisitions.len(), older.dataset.acquisitions.len() + 1, "updated, not duplicated");
    assert_eq!(dataset.sources.len(), 1, "the same source, not a second copy");
    let k239 = dataset.acquisitions.iter().find(|a| dataset.text(a.system) == "K-239 Chunmoo").unwrap();
    assert_eq!(k239.delivered().approximate, 36);
    assert_eq!(k239.deliveries[0].date, Some(FuzzyDate::parse("2023/2024").unwrap()));
    // Once more: nothing changes.
    let again = update(&dataset, &newer.dataset);
    assert_eq!((again.added, again.changed), (0, 0));
}

/// The Kiel tracker's main sheet, built from its published sheet and column names.
#[test]
fn the_kiel_tracker_main_sheet_gives_military_aid_to_ukraine() {
    use rust_xlsxwriter::Workbook;
    let header = [
        "activity_id",
        "sub_activity_id",
        "donor",
        "announcement_date",
        "aid_type_general",
        "aid_type_specific",
        "measure",
        "explanation",
        "item",
        "item_type",
        "item_numb",
        "item_numb_deliv",
        "reporting_currency",
        "tot_sub_activity_value_EUR",
        "tot_sub_activity_value_EUR_redistr",
        "month",
    ];
    // (donor, date, general, measure, item, ordered, delivered, value EUR)
    let rows: [[&str; 8]; 7] = [
        ["Germany", "2022-06-01", "Military", "Commitment", "PzH 2000", "7", "7", "90000000"],
        ["Germany", "2023-01-25", "Military", "Allocation", "Leopard 2A6", "18", "4", "."],
        ["Netherlands", "2023-04-04", "Military ", "Commitment", "MIM-104 Patriot launcher", "2", ".", "."],
        ["Denmark", "2024-02-01", "Military", "Allocation", "Artillery ammunition", "several", ".", "2500000"],
        ["Germany", "2022-03-01", "Financial", "Commitment", ".", ".", ".", "100000000"],
        ["Sweden", "2022-05-01", "Humanitarian", "Allocation", "Tents", "500", "500", "."],
        ["United States", "2024-04-24", "Military", "Commitment", "ATACMS", ".", ".", "."],
    ];
    let mut workbook = Workbook::new();
    workbook.add_worksheet().set_name("Country Summary (€)").unwrap();
    let sheet = workbook.add_worksheet().set_name("Bilateral Assistance, MAIN DATA").unwrap();
    for (column, title) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, *title).unwrap();
    }
    for (index, row) in rows.iter().enumerate() {
        let r = index as u32 + 1;
        let [donor, date, general, measure, item, ordered, delivered, value] = *row;
        sheet.write_number(r, 0, (index + 100) as f64).unwrap();
        sheet.write_string(r, 1, format!("{}-1", index + 100)).unwrap();
        sheet.write_string(r, 2, donor).unwrap();
        sheet.write_string(r, 3, date).unwrap();
        sheet.write_string(r, 4, general).unwrap();
        sheet.write_string(r, 6, measure).unwrap();
        sheet.write_string(r, 8, item).unwrap();
        for (column, text) in [(10, ordered), (11, delivered), (13, value)] {
            match text.parse::<f64>() {
                Ok(number) => sheet.write_number(r, column, number).unwrap(),
                Err(_) => sheet.write_string(r, column, text).unwrap(),
            };
        }
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let path = Path::new("Ukraine_Support_Tracker_Release_NN.xlsx");
    assert_eq!(recognised::recognise(path, &bytes), Some(Known::Kiel));
    let read = recognised::import(path, bytes, Known::Kiel).unwrap();
    let dataset = &read.imported.dataset;
    let military: Vec<&[&str; 8]> = rows.iter().filter(|r| r[2].trim() == "Military").collect();
    assert_eq!(dataset.acquisitions.len(), military.len());
    assert!(
        read.summary
            .contains(&format!("{} rows of financial or humanitarian aid left out", rows.len() - military.len()))
    );
    for (record, row) in dataset.acquisitions.iter().zip(&military) {
        assert_eq!(dataset.actor_name(record.buyers[0]), row[0], "the donor buys");
        assert_eq!(record.recipient.map(|r| dataset.text(r)), Some("UKR"), "for Ukraine");
        assert_eq!(record.quantity.as_ref().and_then(|q| q.count), row[5].parse().ok());
        assert_eq!(record.delivered().exact, row[6].parse().unwrap_or(0));
        assert_eq!(record.value.map(|m| m.amount), row[7].parse().ok());
        assert_eq!(record.date, FuzzyDate::parse(row[1]).ok());
        let ordered: Option<u64> = row[5].parse().ok();
        let delivered: Option<u64> = row[6].parse().ok();
        let expected = match (ordered, delivered, row[3]) {
            (Some(o), Some(d), _) if d >= o => Stage::Delivered,
            (_, Some(_), _) => Stage::Delivering,
            (_, _, "Allocation") => Stage::Contracted,
            _ => Stage::Announced,
        };
        assert_eq!(record.stage, expected, "{row:?}");
        if row[5].parse::<f64>().is_err() && row[5] != "." {
            assert!(record.notes.as_deref().is_some_and(|n| n.contains(row[5])), "text in a number cell is kept");
        }
    }
    let errors = validate(dataset).into_iter().filter(|p| p.severity == Severity::Error).count();
    assert_eq!(errors, 0);
}

#[test]
fn a_version_1_file_opens_with_its_deliveries_and_saves_as_version_2() {
    let text = r#"{"format": "pledge-explorer-dataset", "version": 1,
      "sources": [{"id": "s", "title": "S"}],
      "acquisitions": [
        {"id": "done", "system": "X", "category": "c", "stage": "delivered", "date": "2019",
         "delivery": "2021/2023", "quantity": {"count": 12, "unit": "aircraft"}, "sources": ["s"], "confidence": "high"},
        {"id": "going", "system": "X", "category": "c", "stage": "delivering", "date": "2020",
         "quantity": {"count": 8, "unit": "aircraft"}, "confidence": "high"}
      ]}"#;
    let dataset = pledge_explorer::io::json::from_str(text, "old.json").unwrap();
    let upgrade = dataset.upgraded.unwrap();
    assert_eq!((upgrade.from, upgrade.deliveries_added), (1, 1));
    let done = &dataset.acquisitions[0];
    assert_eq!(done.delivered().exact, 12);
    assert_eq!(done.deliveries[0].date, Some(FuzzyDate::parse("2021/2023").unwrap()));
    assert_eq!(dataset.text(done.deliveries[0].sources[0]), "s");
    assert!(dataset.acquisitions[1].deliveries.is_empty(), "how much of it arrived was never written down");
    let saved = pledge_explorer::io::json::to_string(&dataset);
    assert!(saved.contains("\"version\": 2"), "{saved}");
    let again = pledge_explorer::io::json::from_str(&saved, "new.json").unwrap();
    assert_eq!(again.upgraded, None);
    assert_eq!(again.acquisitions, dataset.acquisitions);
    assert!(pledge_explorer::io::upgrade_notice(upgrade).contains("version 2"));
}

/// The progress view's figures are `summary`'s: the target is what is planned, contracted what is under
/// contract at any stage of delivery, delivered what the deliveries add up to.
#[test]
fn progress_figures_equal_the_summary() {
    let (_, sipri) = read_register();
    for dataset in [pledge_explorer::io::default_dataset(), sipri.dataset] {
        let totals = volumes(&dataset, None, GroupBy::Stage).totals;
        let progress = progress(&dataset, None, ProgressBy::System);
        let units: std::collections::BTreeSet<&str> = progress.rows.iter().map(|r| r.unit.as_str()).collect();
        for unit in units {
            let rows = progress.rows.iter().filter(|r| r.unit == unit);
            let (mut target, mut contracted, mut delivered) = (0, 0, 0);
            for row in rows {
                target += row.target.exact + row.target.approximate;
                contracted += row.contracted.exact + row.contracted.approximate;
                delivered += row.delivered.exact + row.delivered.approximate;
            }
            let summary = |stages: &[Stage],
                           pick: &dyn Fn(&pledge_explorer::analysis::volumes::QuantityTally) -> u64|
             -> u64 {
                totals.iter().filter(|r| stages.contains(&r.stage)).filter_map(|r| r.units.get(unit)).map(pick).sum()
            };
            assert_eq!(target, summary(&[Stage::Planned], &|t| t.exact + t.approximate), "{unit}");
            assert_eq!(contracted, summary(&CONTRACTED, &|t| t.exact + t.approximate), "{unit}");
            assert_eq!(delivered, summary(&CONTRACTED, &|t| t.delivered.exact + t.delivered.approximate), "{unit}");
        }
    }
}
