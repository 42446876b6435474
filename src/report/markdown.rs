//! The report as Markdown: text and tables, charts as SVG files written beside it. Cell text is
//! escaped so that a `|` or a newline in the data cannot break a table, and Markdown markup in the data
//! shows as text. Like the HTML, the text is written as a stream, a table row at a time.

use std::io::Write;

use super::{METHODOLOGY, Report, ReportTable, citation_marks};
use crate::io::progress::Progress;

/// Escapes text for a Markdown paragraph or table cell.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// Writes a table row by row, counting the rows in `progress`.
fn write_table(report: &Report, table: &ReportTable, out: &mut dyn Write, progress: &Progress) -> std::io::Result<()> {
    let columns = table.labels();
    writeln!(out, "| {} | Sources |", columns.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "))?;
    writeln!(out, "|{}---|", "---|".repeat(columns.len()))?;
    for row in report.rows(table) {
        progress.check()?;
        let cells: Vec<String> = row.cells.iter().map(|cell| escape(cell)).collect();
        writeln!(out, "| {} | {} |", cells.join(" | "), escape(&citation_marks(&row.citations)))?;
        progress.add(1);
    }
    if let Some(more) = super::more_rows(table.more) {
        write!(out, "\n{more}\n")?;
    }
    Ok(())
}

/// The SVG files a Markdown report links to, as (file name, contents). `stem` names the files.
pub fn figures(report: &Report, stem: &str) -> Vec<(String, String)> {
    let timeline = report.timeline_svg.iter().map(|svg| (format!("{stem}-timeline.svg"), svg.clone()));
    let charts = report.charts.iter().enumerate().map(|(index, chart)| (chart_file(stem, index), chart.svg.clone()));
    timeline.chain(charts).collect()
}

fn chart_file(stem: &str, index: usize) -> String {
    format!("{stem}-chart-{}.svg", index + 1)
}

/// The Markdown text, and the SVG files it links to as (file name, contents). `stem` names the files.
pub fn render(report: &Report, stem: &str) -> (String, Vec<(String, String)>) {
    let mut bytes = Vec::new();
    write(report, stem, &mut bytes, &Progress::default()).expect("writing to memory cannot fail");
    (String::from_utf8(bytes).expect("the text is UTF-8"), figures(report, stem))
}

/// Writes the Markdown text to `out` as a stream (the figures are [`figures`]): the tables' rows are
/// made one at a time and counted in `progress`; the writing stops once it is cancelled.
pub fn write(report: &Report, stem: &str, out: &mut dyn Write, progress: &Progress) -> std::io::Result<()> {
    progress.set_total(report.table_rows() as u64);
    let options = &report.options;
    // The text before and after the tables is small: made as a string, written around them.
    let mut text = format!("# {}\n\n", escape(&options.title));
    text.push_str(&format!("Dataset: {}", escape(&report.dataset_title)));
    if !report.release.is_empty() {
        text.push_str(&format!(" · release {}", escape(&report.release)));
    }
    if let Some(cutoff) = report.cutoff {
        text.push_str(&format!(" · data to {}", cutoff.human()));
    }
    text.push_str(&format!(
        "\n\nFilter: {} · {} of {} acquisitions\n\n",
        escape(&options.filter.describe()),
        report.acquisitions_shown,
        report.acquisitions_total
    ));
    text.push_str("## Headline figures\n\nPer stage; never added across stages, units or currencies. “Up to” figures are ceilings.\n\n");
    text.push_str("| Stage | Records | Quantities | Values |\n|---|---|---|---|\n");
    for row in &report.totals {
        text.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.stage.label(),
            row.records,
            escape(&row.describe_units()),
            escape(&row.describe_money())
        ));
    }
    if !report.progress.is_empty() {
        text.push_str(&format!("\n## Progress\n\n{}\n\n", escape(&super::progress_note(report))));
        let mut columns = super::PROGRESS_COLUMNS.map(str::to_owned);
        columns[0] = report.progress_by.to_owned();
        text.push_str(&format!("| {} |\n|{}\n", columns.join(" | "), "---|".repeat(columns.len())));
        for row in &report.progress {
            let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
            text.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    if let Some(changes) = &report.changes {
        text.push_str(&format!(
            "\n## Changes since {}\n\n{}\n\n",
            escape(&changes.since),
            escape(&super::changes_note(changes))
        ));
        if !changes.rows.is_empty() {
            let columns = super::CHANGES_COLUMNS;
            text.push_str(&format!("| {} |\n|{}\n", columns.join(" | "), "---|".repeat(columns.len())));
            for row in &changes.rows {
                let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
                text.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
    }
    if report.timeline_svg.is_some() {
        let name = format!("{stem}-timeline.svg");
        text.push_str(&format!(
            "\n## Timeline\n\n![Timeline from the Vilnius Summit to the Washington Summit]({name})\n"
        ));
    }
    if !report.charts.is_empty() {
        text.push_str("\n## Acquisition volumes\n\n");
        for (index, chart) in report.charts.iter().enumerate() {
            let name = chart_file(stem, index);
            text.push_str(&format!("![{}]({name})\n\n{}\n\n", escape(&chart.title), escape(&chart.caption)));
        }
    }
    out.write_all(text.as_bytes())?;
    text.clear();
    if options.tables {
        out.write_all(b"\n## Commitments\n\n")?;
        write_table(report, &report.commitments, out, progress)?;
        out.write_all(b"\n## Acquisitions\n\n")?;
        write_table(report, &report.acquisitions, out, progress)?;
    }
    text.push_str("\n## Sources\n\n");
    for source in &report.sources {
        let mut line = format!("{}. {}", source.number, escape(&source.describe()));
        if let Some(url) = &source.url {
            // An autolink ends at the first space or `>`: encode them so the link stays one link.
            let url = url.replace(' ', "%20").replace('<', "%3C").replace('>', "%3E");
            line.push_str(&format!(". <{url}>"));
        }
        if let Some(accessed) = source.accessed {
            line.push_str(&format!(" (accessed {})", accessed.human()));
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.push_str("\n## Method\n\n");
    for line in METHODOLOGY {
        text.push_str(&format!("- {line}\n"));
    }
    out.write_all(text.as_bytes())?;
    progress.check()
}
