//! The report as one self-contained HTML file: styles inline, charts as inline SVG, no script, nothing
//! fetched. maud escapes every string from the dataset; the SVG is produced by our own escaping writer.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::{METHODOLOGY, Report, Row, citation_marks};

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

fn table(columns: &[&str], rows: &[Row]) -> Markup {
    html! {
        table {
            thead { tr { @for column in columns { th { (column) } } th { "Sources" } } }
            tbody {
                @for row in rows {
                    tr {
                        @for cell in &row.cells { td { (cell) } }
                        td.cite { (citation_marks(&row.citations)) }
                    }
                }
            }
        }
    }
}

pub fn render(report: &Report) -> String {
    let options = &report.options;
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { (options.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
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
                @if options.tables {
                    h2 { "Commitments" }
                    (table(&report.commitment_columns, &report.commitments))
                    @if let Some(more) = super::more_rows(report.commitments_more) { p.meta { (more) } }
                    h2 { "Acquisitions" }
                    (table(&report.acquisition_columns, &report.acquisitions))
                    @if let Some(more) = super::more_rows(report.acquisitions_more) { p.meta { (more) } }
                }
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
            }
        }
    };
    markup.into_string()
}

/// "Commitment" for "commitment".
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
