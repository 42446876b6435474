//! Reports: the numbers equal `summary`'s, hostile text is escaped in every format, and the output of
//! the default dataset is stable (a snapshot, regenerated with UPDATE_SNAPSHOTS=1).

use std::path::Path;
use std::process::Command;

use pledge_explorer::analysis::filter::Filter;
use pledge_explorer::analysis::volumes::{GroupBy, volumes};
use pledge_explorer::io;
use pledge_explorer::model::count_text;
use pledge_explorer::report::{ReportOptions, html, markdown, pdf, prepare};

fn snapshot(name: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == text,
        "{name} differs from its snapshot: run `UPDATE_SNAPSHOTS=1 cargo test --test report` and review the diff"
    );
}

fn options() -> ReportOptions {
    ReportOptions::new("Pledges and orders", Filter::default())
}

#[test]
fn the_reports_of_the_default_dataset_match_their_snapshots() {
    let dataset = io::default_dataset();
    let report = prepare(&dataset, &options());
    snapshot("default-report.html", &html::render(&report));
    let (text, files) = markdown::render(&report, "default-report");
    snapshot("default-report.md", &text);
    assert_eq!(files.len(), 1 + report.charts.len(), "the timeline and one chart per measure, written beside it");
}

#[test]
fn report_figures_are_the_summary_figures() {
    let dataset = io::default_dataset();
    let report = prepare(&dataset, &options());
    assert_eq!(report.totals, volumes(&dataset, None, GroupBy::Category).totals);
    let output = Command::new(env!("CARGO_BIN_EXE_pledge-explorer")).args(["summary", "--json"]).output().unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let html = html::render(&report);
    for total in summary["totals"].as_array().unwrap() {
        let stage = total["stage"].as_str().unwrap();
        let row = report.totals.iter().find(|r| r.stage.label() == stage).unwrap();
        assert_eq!(total["records"], row.records);
        assert!(html.contains(&row.describe_units()), "{stage}: the HTML shows the summary's quantities");
    }
    assert!(
        html.contains(
            "missile: 1,206 exact; ≈ 536 approx.; 1 without a number; framework ceiling up to 1,940 not added"
        )
    );
}

#[test]
fn every_row_cites_numbered_sources_listed_at_the_end() {
    let dataset = io::default_dataset();
    let report = prepare(&dataset, &options());
    assert!(
        report.rows(&report.acquisitions).chain(report.rows(&report.commitments)).all(|row| !row.citations.is_empty())
    );
    let numbers: Vec<usize> = report.sources.iter().map(|s| s.number).collect();
    assert_eq!(numbers, (1..=report.sources.len()).collect::<Vec<_>>());
    let seed = report.sources.iter().find(|s| s.title.starts_with("Trade-press summary")).unwrap();
    assert_eq!(seed.url, None, "a source without a link has none");
}

const HOSTILE: &str = r#"<script>alert(1)</script> | =HYPERLINK("x") *bold* [link](javascript:alert(1))"#;

fn hostile_dataset() -> pledge_explorer::model::Dataset {
    let text = format!(
        r#"{{"format": "pledge-explorer-dataset", "version": 1,
            "meta": {{"title": {hostile}}},
            "sources": [{{"id": "s", "title": {hostile}, "url": "javascript:alert(1)"}}],
            "commitments": [{{"id": "c", "title": {hostile}, "kind": "pledge", "status": "adopted", "sources": ["s"], "confidence": "low"}}],
            "acquisitions": [{{"id": "a", "system": {hostile}, "category": "=1+1", "stage": "planned", "sources": ["s"], "confidence": "low",
                              "quantity": {{"count": 3, "unit": "<b>unit</b>"}}}}]}}"#,
        hostile = serde_json::to_string(HOSTILE).unwrap()
    );
    io::json::from_str(&text, "hostile.json").unwrap()
}

#[test]
fn hostile_text_is_escaped_in_every_format() {
    let dataset = hostile_dataset();
    let report = prepare(&dataset, &ReportOptions::new(HOSTILE, Filter::default()));
    let html = html::render(&report);
    assert!(!html.contains("<script>"), "no script element");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("<b>unit"), "markup in data is text");
    assert!(!html.contains("href=\"javascript:"), "only http and https links");
    for svg in report.charts.iter().map(|chart| &chart.svg).chain(&report.timeline_svg) {
        assert!(!svg.contains("<script>") && !svg.contains("<b>"));
    }

    let (markdown, _) = markdown::render(&report, "hostile");
    let table_row = markdown.lines().find(|line| line.contains("=1+1") && line.starts_with("| ")).unwrap();
    let unescaped_bars = table_row.replace("\\|", "").matches('|').count();
    assert_eq!(
        unescaped_bars,
        report.acquisitions.columns.len() + 2,
        "a | in the data does not add a column: {table_row}"
    );
    assert!(markdown.contains("\\<script\\>") && markdown.contains("\\*bold\\*") && markdown.contains("\\[link\\]"));

    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("report.csv");
    pledge_explorer::report::write_report(
        &dataset,
        &ReportOptions::new("t", Filter::default()),
        pledge_explorer::report::ReportFormat::Csv,
        &csv,
    )
    .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains(",'=1+1,"), "a formula is neutralised: {text}");
}

#[test]
fn the_command_line_writes_each_format() {
    let folder = tempfile::tempdir().unwrap();
    for (format, name) in [("html", "r.html"), ("md", "r.md"), ("csv", "r.csv"), ("pdf", "r.pdf")] {
        let path = folder.path().join(name);
        let output = Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
            .args(["report", "--format", format, "-o", path.to_str().unwrap(), "--stage", "planned"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let bytes = std::fs::read(&path).unwrap();
        let text = if format == "pdf" { pdf_pages(&bytes).join("\n") } else { String::from_utf8(bytes).unwrap() };
        assert!(text.contains("Modern combat aircraft") || text.contains("aircraft-850"), "{format}");
        assert!(!text.contains("F-35 combat aircraft,"), "{format}: the filter applies");
    }
    assert!(folder.path().join("r-timeline.svg").exists());
}

/// The text of every page of a PDF, read back with a PDF library: proof that the text is real text.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(bytes).expect("the PDF parses");
    let pages = document.get_pages();
    // Whitespace collapsed: a cell's text wraps over lines.
    let text_of = |number| document.extract_text(&[number]).expect("text extracts");
    pages.keys().map(|&number| text_of(number).split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

#[test]
fn the_pdf_report_opens_with_its_pages_fonts_and_text() {
    let dataset = io::default_dataset();
    let bytes = pdf::report(&dataset, &options()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF header");
    assert!(bytes.windows(9).any(|w| w == b"/FontFile"), "fonts are embedded");
    let pages = pdf_pages(&bytes);
    // Looked at page by page (pdftoppm): title, figures and timeline; five charts over three pages, the
    // commitments starting on the third; acquisitions; sources; the end of the method.
    assert_eq!(pages.len(), EXPECTED_PAGES, "the default report's page count");
    let everything = pages.join("\n");
    for expected in ["Headline figures", "Patriot", "Stinger", "Sources", "Method"] {
        assert!(everything.contains(expected), "{expected:?} is selectable text");
    }
    for (index, page) in pages.iter().enumerate() {
        assert!(page.contains(&format!("page {} of {}", index + 1, pages.len())), "footer on page {}", index + 1);
    }

    let without_tables = ReportOptions { tables: false, ..options() };
    let short = pdf_pages(&pdf::report(&dataset, &without_tables).unwrap());
    assert!(short.len() < pages.len(), "leaving out the tables leaves out pages");
}

const EXPECTED_PAGES: usize = 8;

#[test]
fn hostile_text_in_a_pdf_is_only_text() {
    let dataset = hostile_dataset();
    let bytes = pdf::report(&dataset, &ReportOptions::new(HOSTILE, Filter::default())).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("/JavaScript") && !text.contains("/JS"), "no script in the file");
    assert!(!text.contains("/URI"), "only http and https links, and the hostile one is neither");
    assert!(pdf_pages(&bytes).join("").contains("<script>alert(1)</script>"), "the title is shown as written");
}

#[test]
fn a_pdf_report_of_many_rows_breaks_pages_and_keeps_every_row() {
    let json = pledge_explorer::synthetic::dataset_json(400, 7);
    let dataset = io::json::from_str(&json, "synthetic.json").unwrap();
    let pages = pdf_pages(&pdf::report(&dataset, &options()).unwrap());
    assert!(pages.len() > 10, "{} pages", pages.len());
    let text = pages.join("\n");
    let last = dataset.acquisitions.last().unwrap();
    assert!(text.contains(dataset.text(last.system)), "the last row is there");
}

#[test]
fn a_report_says_what_changed_since_an_earlier_version_in_every_format() {
    let folder = tempfile::tempdir().unwrap();
    // The earlier version: the default dataset with Romania's Patriot order at 150 and without Italy's
    // Stinger order; the report is of the default dataset, so since then 50 were added and one order came.
    let mut earlier = io::default_dataset();
    let rou = earlier.acquisitions.iter().position(|a| earlier.text(a.id) == "patriot-gemt-rou").unwrap();
    earlier.acquisitions[rou].quantity.as_mut().unwrap().count = Some(150);
    earlier.acquisitions.retain(|a| earlier.strings.resolve(a.id) != "stinger-ita");
    let earlier_path = folder.path().join("release-1.json");
    io::save::save_json(&earlier, &earlier_path).unwrap();

    let dataset = io::default_dataset();
    let changes = pledge_explorer::report::ChangesSince::read(&earlier_path, &dataset).unwrap();
    let options = ReportOptions { changes_since: Some(changes), ..options() };
    let report = prepare(&dataset, &options);
    let section = report.changes.as_ref().unwrap();
    assert_eq!(section.since, "release-1.json");
    assert_eq!(section.counts, ["Acquisitions: 1 added, 1 changed"]);
    let note = pledge_explorer::report::changes_note(section);
    // 50 more exact (Romania), 240 more approximate (Italy's "240?").
    assert!(note.contains("contracted missiles: +50 exact; +240 approx."), "{note}");
    let html = html::render(&report);
    assert!(html.contains("<h2>Changes since release-1.json</h2>"));
    assert!(html.contains("<td>patriot-gemt-rou</td><td>Quantity: 150 → 200</td>"), "a row per change");
    let (markdown, _) = markdown::render(&report, "r");
    assert!(markdown.contains("| changed | Acquisitions | patriot-gemt-rou | Quantity: 150 → 200 |"));
    let pdf = pdf_pages(&pdf::report(&dataset, &options).unwrap()).join("\n");
    assert!(pdf.contains("Changes since release-1.json") && pdf.contains("stinger-ita"));

    // The command line: the same section; an earlier version that cannot be read is named.
    let path = folder.path().join("r.html");
    let run = |since: &Path| {
        Command::new(env!("CARGO_BIN_EXE_pledge-explorer"))
            .args(["report", "--format", "html", "-o", path.to_str().unwrap(), "--changes-since"])
            .arg(since)
            .output()
            .unwrap()
    };
    let output = run(&earlier_path);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read_to_string(&path).unwrap().contains("Changes since release-1.json"));
    let output = run(&folder.path().join("missing.json"));
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.json"));
}

/// A report of many rows shows at most its row limit per table and says how many more there are, in
/// every format; a limit of 0 shows them all.
#[test]
fn tables_stop_at_the_row_limit_and_count_the_rest() {
    let json = pledge_explorer::synthetic::dataset_json(3_000, 5);
    let dataset = io::json::from_str(&json, "synthetic.json").unwrap();
    let limited = ReportOptions { row_limit: 100, ..options() };
    let report = prepare(&dataset, &limited);
    assert_eq!(report.acquisitions.rows.len(), 100);
    assert_eq!(report.acquisitions.more, dataset.acquisitions.len() - 100);
    let more = format!("{} more rows: see the CSV report", count_text(dataset.acquisitions.len() - 100));
    assert!(html::render(&report).contains(&more));
    assert!(markdown::render(&report, "r").0.contains(&more));
    assert!(pdf_pages(&pdf::report(&dataset, &limited).unwrap()).join(" ").contains("more rows: see the CSV"));

    let every = prepare(&dataset, &ReportOptions { row_limit: 0, ..options() });
    assert_eq!(every.acquisitions.rows.len(), dataset.acquisitions.len());
    assert_eq!(every.acquisitions.more, 0);
    assert!(!html::render(&every).contains("more rows"));
}

/// The documents count their table rows as they write them: every row of both tables, once; the HTML
/// written as a stream is the same text as the one made whole.
#[test]
fn reports_count_the_rows_they_lay_out() {
    use pledge_explorer::io::progress::Progress;
    let json = pledge_explorer::synthetic::dataset_json(3_000, 5);
    let dataset = io::json::from_str(&json, "synthetic.json").unwrap();
    let every = ReportOptions { row_limit: 0, ..options() };
    let report = prepare(&dataset, &every);
    let rows = (dataset.commitments.len() + dataset.acquisitions.len()) as u64;
    assert_eq!(report.table_rows() as u64, rows);

    let progress = Progress::default();
    let mut streamed = Vec::new();
    html::write(&report, &mut streamed, &progress).unwrap();
    assert_eq!((progress.done(), progress.total()), (rows, rows), "HTML");
    assert_eq!(String::from_utf8(streamed).unwrap(), html::render(&report));
    assert_eq!(html::render(&report).matches("<td class=\"cite\">").count() as u64, rows);

    let progress = Progress::default();
    markdown::write(&report, "r", &mut Vec::new(), &progress).unwrap();
    assert_eq!((progress.done(), progress.total()), (rows, rows), "Markdown");

    let progress = Progress::default();
    pdf::report_with(&dataset, &ReportOptions { row_limit: 200, ..options() }, &progress).unwrap();
    let shown = (dataset.commitments.len().min(200) + 200) as u64;
    assert_eq!((progress.done(), progress.total()), (shown, shown), "PDF");

    // The tables count their records (not bytes, whose total is not known ahead): every reported record
    // once, of a total known from the start.
    use pledge_explorer::report::{ReportFormat, write_report_with};
    let folder = tempfile::tempdir().unwrap();
    let acquisitions = dataset.acquisitions.len() as u64;
    for (format, expected) in [(ReportFormat::Csv, acquisitions), (ReportFormat::Xlsx, rows)] {
        let progress = Progress::default();
        let path = folder.path().join(format!("report.{}", format.extension()));
        write_report_with(&dataset, &every, format, &path, Some(&progress)).unwrap();
        assert_eq!((progress.done(), progress.total()), (expected, expected), "{format:?}");
    }
}

/// A report cancelled before it is written leaves no file, in every format, and an old report in place.
#[test]
fn a_cancelled_report_writes_nothing() {
    use pledge_explorer::io::progress::Progress;
    use pledge_explorer::report::{ReportFormat, write_report_with};
    let folder = tempfile::tempdir().unwrap();
    let dataset = io::default_dataset();
    let cancelled = Progress::default();
    cancelled.cancel();
    for format in [ReportFormat::Html, ReportFormat::Md, ReportFormat::Csv, ReportFormat::Xlsx, ReportFormat::Pdf] {
        let path = folder.path().join(format!("report.{}", format.extension()));
        assert!(write_report_with(&dataset, &options(), format, &path, Some(&cancelled)).is_err());
        assert!(!path.exists(), "{format:?}");
    }
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0, "nothing at all is left");
    let old = folder.path().join("old.html");
    std::fs::write(&old, "the old report").unwrap();
    assert!(write_report_with(&dataset, &options(), ReportFormat::Html, &old, Some(&cancelled)).is_err());
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "the old report");
}
