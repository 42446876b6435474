//! The report as one self-contained HTML file: styles inline, charts as inline SVG, no script, nothing
//! fetched. maud escapes every string from the dataset; the SVG is produced by our own escaping writer.
//! The file is written as a stream, a table row at a time, so that a report of every row of a million
//! records never holds the whole document.

use std::io::Write;

use maud::{DOCTYPE, PreEscaped, html};

use super::{METHODOLOGY, Report, ReportTable, citation_marks};
use crate::io::progress::Progress;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } .meta { color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; } tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1.5em 0; } svg { max-width: 100%; height: auto; }
.cite { color: #555; font-size: 0.85em; white-space: nowrap; }
@media print { body { margin: 0; max-width: none; } figure, table { page-break-inside: avoid; } }
";

/// Writes a table row by row: each row's text is made, written and dropped before the next.
fn write_table(report: &Report, table: &ReportTable, out: &mut dyn Write, progress: &Progress) -> std::io::Result<()> {
    let head = html! {
        thead { tr { @for column in table.labels() { th { (column) } } th { "Sources" } } }
    };
    write!(out, "<table>{}<tbody>", head.into_string())?;
    for row in report.rows(table) {
        progress.check()?;
        let markup = html! {
            tr {
                @for cell in &row.cells { td { (cell) } }
                td.cite { (citation_marks(&row.citations)) }
            }
        };
        out.write_all(markup.into_string().as_bytes())?;
        progress.add(1);
    }
    out.write_all(b"</tbody></table>")?;
    if let Some(more) = super::more_rows(table.more) {
        out.write_all(html! { p.meta { (more) } }.into_string().as_bytes())?;
    }
    Ok(())
}

/// The report as one HTML string (for tests and small reports; files are written by [`write`]).
pub fn render(report: &Report) -> String {
    let mut bytes = Vec::new();
    write(report, &mut bytes, &Progress::default()).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("maud writes UTF-8")
}

/// Writes the report to `out` as a stream: the tables' rows are made one at a time, counted in
/// `progress` against the rows of both tables, and the writing stops once it is cancelled.
pub fn write(report: &Report, out: &mut dyn Write, progress: &Progress) -> std::io::Result<()> {
    let options = &report.options;
    progress.set_total(report.table_rows() as u64);
    let head = html! {
        head {
            meta charset="utf-8";
            title { (options.title) }
            style { (PreEscaped(STYLE)) }
        }
    };
    write!(out, "{}<html lang=\"en\">{}", DOCTYPE.into_string(), head.into_string())?;
    let before_tables = html! {
        h1 { (options.title) }
        p.meta {
            "Dataset: " (report.dataset_title)
            @if !report.release.is_empty() { " · release " (report.release) }
            @if let Some(cutoff) = report.cutoff { " · data to " (cutoff.human()) }
        }
        p.meta { "Filter: " (options.filter.describe()) " · " (report.acquisitions_shown) " of " (report.acquisitions_total) " acquisitions" }
        h2 { "Headline figures" }
        p { "Per stage; never added across stages, units or currencies. “Up to” figures are ceilings." }
        table {
            thead { tr { th { "Stage" } th { "Records" } th { "Quantities" } th { "Values" } } }
            tbody {
                @for row in &report.totals {
                    tr { td { (row.stage.label()) } td { (row.records) } td { (row.describe_units()) } td { (row.describe_money()) } }
                }
            }
        }
        @if !report.progress.is_empty() {
            h2 { "Progress" }
            p { (super::progress_note(report)) }
            table {
                thead { tr { @for (i, column) in super::PROGRESS_COLUMNS.iter().enumerate() { th { @if i == 0 { (capitalised(report.progress_by)) } @else { (column) } } } } }
                tbody {
                    @for row in &report.progress {
                        tr { @for cell in row { td { (cell) } } }
                    }
                }
            }
        }
        @if let Some(changes) = &report.changes {
            h2 { "Changes since " (changes.since) }
            p { (super::changes_note(changes)) }
            @if !changes.rows.is_empty() {
                table {
                    thead { tr { @for column in super::CHANGES_COLUMNS { th { (column) } } } }
                    tbody { @for row in &changes.rows { tr { @for cell in row { td { (cell) } } } } }
                }
            }
        }
        @if let Some(timeline) = &report.timeline_svg {
            h2 { "Timeline" }
            figure { (PreEscaped(timeline)) figcaption { "From the Vilnius Summit (July 2023) to the Washington Summit (July 2024)." } }
        }
        @if !report.charts.is_empty() {
            h2 { "Acquisition volumes" }
            @for chart in &report.charts {
                figure { (PreEscaped(&chart.svg)) figcaption { (chart.caption) } }
            }
        }
    };
    write!(out, "<body>{}", before_tables.into_string())?;
    if options.tables {
        out.write_all(html! { h2 { "Commitments" } }.into_string().as_bytes())?;
        write_table(report, &report.commitments, out, progress)?;
        out.write_all(html! { h2 { "Acquisitions" } }.into_string().as_bytes())?;
        write_table(report, &report.acquisitions, out, progress)?;
    }
    let after_tables = html! {
        h2 { "Sources" }
        ol {
            @for source in &report.sources {
                li value=(source.number) {
                    (source.describe())
                    @if let Some(url) = &source.url { ". " a href=(url) { (url) } }
                    @if let Some(accessed) = source.accessed { " (accessed " (accessed.human()) ")" }
                }
            }
        }
        h2 { "Method" }
        ul { @for line in METHODOLOGY { li { (line) } } }
    };
    write!(out, "{}</body></html>", after_tables.into_string())?;
    progress.check()
}

/// "Commitment" for "commitment".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
