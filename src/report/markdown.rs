//! The report as Markdown: text and tables, charts as SVG files written beside it. Cell text is
//! escaped so that a `|` or a newline in the data cannot break a table, and Markdown markup in the data
//! shows as text.

use super::{METHODOLOGY, Report, Row, citation_marks};

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

fn table(columns: &[&str], rows: &[Row]) -> String {
    let mut out = format!("| {} | Sources |\n", columns.iter().map(|c| escape(c)).collect::<Vec<_>>().join(" | "));
    out.push_str(&format!("|{}---|\n", "---|".repeat(columns.len())));
    for row in rows {
        let cells: Vec<String> = row.cells.iter().map(|cell| escape(cell)).collect();
        out.push_str(&format!("| {} | {} |\n", cells.join(" | "), escape(&citation_marks(&row.citations))));
    }
    out
}

/// The Markdown text, and the SVG files it links to as (file name, contents). `stem` names the files.
pub fn render(report: &Report, stem: &str) -> (String, Vec<(String, String)>) {
    let options = &report.options;
    let mut files = Vec::new();
    let mut out = format!("# {}\n\n", escape(&options.title));
    out.push_str(&format!("Dataset: {}", escape(&report.dataset_title)));
    if !report.release.is_empty() {
        out.push_str(&format!(" · release {}", escape(&report.release)));
    }
    if let Some(cutoff) = report.cutoff {
        out.push_str(&format!(" · data to {}", cutoff.human()));
    }
    out.push_str(&format!(
        "\n\nFilter: {} · {} of {} acquisitions\n\n",
        escape(&options.filter.describe()),
        report.acquisitions_shown,
        report.acquisitions_total
    ));
    out.push_str("## Headline figures\n\nPer stage; never added across stages, units or currencies. “Up to” figures are ceilings.\n\n");
    out.push_str("| Stage | Records | Quantities | Values |\n|---|---|---|---|\n");
    for row in &report.totals {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.stage.label(),
            row.records,
            escape(&row.describe_units()),
            escape(&row.describe_money())
        ));
    }
    if !report.progress.is_empty() {
        out.push_str(&format!("\n## Progress\n\n{}\n\n", escape(&super::progress_note(report))));
        let mut columns = super::PROGRESS_COLUMNS.map(str::to_owned);
        columns[0] = report.progress_by.to_owned();
        out.push_str(&format!("| {} |\n|{}\n", columns.join(" | "), "---|".repeat(columns.len())));
        for row in &report.progress {
            let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
    if let Some(changes) = &report.changes {
        out.push_str(&format!(
            "\n## Changes since {}\n\n{}\n\n",
            escape(&changes.since),
            escape(&super::changes_note(changes))
        ));
        if !changes.rows.is_empty() {
            let columns = super::CHANGES_COLUMNS;
            out.push_str(&format!("| {} |\n|{}\n", columns.join(" | "), "---|".repeat(columns.len())));
            for row in &changes.rows {
                let cells: Vec<String> = row.iter().map(|cell| escape(cell)).collect();
                out.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
        }
    }
    if let Some(timeline) = &report.timeline_svg {
        let name = format!("{stem}-timeline.svg");
        out.push_str(&format!(
            "\n## Timeline\n\n![Timeline from the Vilnius Summit to the Washington Summit]({name})\n"
        ));
        files.push((name, timeline.clone()));
    }
    if !report.charts.is_empty() {
        out.push_str("\n## Acquisition volumes\n\n");
        for (index, chart) in report.charts.iter().enumerate() {
            let name = format!("{stem}-chart-{}.svg", index + 1);
            out.push_str(&format!("![{}]({name})\n\n{}\n\n", escape(&chart.title), escape(&chart.caption)));
            files.push((name, chart.svg.clone()));
        }
    }
    if options.tables {
        out.push_str("\n## Commitments\n\n");
        out.push_str(&table(&report.commitment_columns, &report.commitments));
        if let Some(more) = super::more_rows(report.commitments_more) {
            out.push_str(&format!("\n{more}\n"));
        }
        out.push_str("\n## Acquisitions\n\n");
        out.push_str(&table(&report.acquisition_columns, &report.acquisitions));
        if let Some(more) = super::more_rows(report.acquisitions_more) {
            out.push_str(&format!("\n{more}\n"));
        }
    }
    out.push_str("\n## Sources\n\n");
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
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str("\n## Method\n\n");
    for line in METHODOLOGY {
        out.push_str(&format!("- {line}\n"));
    }
    (out, files)
}
