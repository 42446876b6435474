//! Reports for readers without the app: a briefing of the (filtered) dataset as self-contained HTML,
//! Markdown or PDF. Every figure comes from the same aggregation as the tables, plots and `summary`;
//! every row cites its sources by number; stages are never added together.

pub mod html;
pub mod markdown;
pub mod pdf;
pub mod svg;
mod write;

pub use write::{ReportError, ReportFormat, write_report, write_report_with};

use std::collections::HashMap;

use crate::analysis::filter::{Filter, filtered};
use crate::analysis::plot::{PlotData, available_measures, plot_data};
use crate::analysis::timeline::{layout, vilnius_to_washington};
use crate::analysis::volumes::{GroupBy, VolumeRow, volumes};
use crate::model::fields;
use crate::model::{Collection, Dataset, FuzzyDate, Symbol, count_text, counted};

/// What a report contains.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    pub title: String,
    /// The records reported: the app's current filter, or none.
    pub filter: Filter,
    pub timeline: bool,
    pub charts: bool,
    pub tables: bool,
    /// The width the figures are drawn for, in SVG pixels: wide for a screen, narrower for a printed page
    /// so that their text stays legible when scaled to it.
    pub figure_width: f64,
    /// What changed since an earlier version, for the "Changes since" section.
    pub changes_since: Option<ChangesSince>,
    /// The most rows each table shows (0: all); the rest are counted ("N more rows: see the CSV"), so
    /// that a report of a million records stays a document a person can open.
    pub row_limit: usize,
}

/// Rows per table in a report unless chosen otherwise.
pub const DEFAULT_ROW_LIMIT: usize = 2_000;

/// An earlier version of the dataset and what differs from it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangesSince {
    /// How the section names the earlier version: its file name.
    pub name: String,
    pub diff: std::sync::Arc<crate::compare::Diff>,
}

impl ChangesSince {
    /// Reads the earlier version at `path` and compares `dataset` with it.
    pub fn read(path: &std::path::Path, dataset: &Dataset) -> Result<ChangesSince, crate::io::LoadError> {
        let earlier = crate::io::load_path(path, None)?;
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        Ok(ChangesSince { name, diff: std::sync::Arc::new(crate::compare::diff(&earlier, dataset)) })
    }
}

/// The "Changes since" section: counts, a row per change (at most [`CHANGES_LISTED`]), the totals' effect.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangesSection {
    pub since: String,
    pub counts: Vec<String>,
    /// Change (added, removed, changed), table, id, fields "old → new".
    pub rows: Vec<Vec<String>>,
    /// Changes past the rows listed.
    pub more: usize,
    pub totals: Vec<String>,
}

/// Changes a report lists one by one; past them it counts them and points to `pledge-explorer diff`.
pub const CHANGES_LISTED: usize = 500;

/// The columns of the changes section.
pub const CHANGES_COLUMNS: [&str; 4] = ["Change", "Table", "Record", "Fields"];

fn changes_section(changes: &ChangesSince) -> ChangesSection {
    let diff = &changes.diff;
    let fields = |fields: &[crate::compare::FieldChange]| -> String {
        fields.iter().map(|f| format!("{}: {}", f.label, f.describe())).collect::<Vec<_>>().join("; ")
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !diff.meta.is_empty() {
        rows.push(vec!["changed".to_owned(), "Dataset details".to_owned(), String::new(), fields(&diff.meta)]);
    }
    rows.extend(diff.records.iter().take(CHANGES_LISTED).map(|record| {
        vec![
            record.kind.label().to_owned(),
            record.collection.label().to_owned(),
            record.id.clone(),
            fields(&record.fields),
        ]
    }));
    ChangesSection {
        since: changes.name.clone(),
        counts: diff.counts_text(),
        rows,
        more: diff.records.len().saturating_sub(CHANGES_LISTED),
        totals: diff.totals.iter().map(crate::compare::TotalChange::text).collect(),
    }
}

/// The sentences above the changes table.
pub fn changes_note(section: &ChangesSection) -> String {
    if section.counts.is_empty() {
        return format!("No changes since {}: the data is the same.", section.since);
    }
    let mut text = format!("Records matched by id, compared field by field. {}.", section.counts.join(". "));
    if !section.totals.is_empty() {
        text.push_str(&format!(" Effect on the totals: {}.", section.totals.join("; ")));
    }
    if section.more > 0 {
        text.push_str(&format!(
            " The first {CHANGES_LISTED} changes are listed; {} more: see `pledge-explorer diff`.",
            crate::model::count_text(section.more)
        ));
    }
    text
}

/// Figures for a screen: the HTML report is at most this wide.
pub const SCREEN_FIGURE_WIDTH: f64 = 1100.0;

impl ReportOptions {
    pub fn new(title: impl Into<String>, filter: Filter) -> Self {
        ReportOptions {
            title: title.into(),
            filter,
            timeline: true,
            charts: true,
            tables: true,
            figure_width: SCREEN_FIGURE_WIDTH,
            changes_since: None,
            row_limit: DEFAULT_ROW_LIMIT,
        }
    }
}

/// A cited source, numbered in order of first citation.
#[derive(Clone, Debug, PartialEq)]
pub struct Citation {
    pub number: usize,
    pub title: String,
    pub publisher: String,
    pub published: Option<FuzzyDate>,
    pub accessed: Option<FuzzyDate>,
    /// Only http and https links are kept.
    pub url: Option<String>,
}

impl Citation {
    /// "Title. Publisher, 10 July 2024": the entry without its link, which each format writes its own way.
    pub fn describe(&self) -> String {
        let mut text = self.title.clone();
        if !self.publisher.is_empty() {
            text.push_str(&format!(". {}", self.publisher));
        }
        if let Some(published) = self.published {
            text.push_str(&format!(", {}", published.human()));
        }
        text
    }
}

/// One table row, as text, with the numbers of the sources it cites.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub cells: Vec<String>,
    pub citations: Vec<usize>,
}

/// A table of a report: its columns and the records it shows (up to the row limit). The cells are made
/// as each row is written ([`Report::rows`]), so that no format holds every row's text at once.
#[derive(Clone, Debug)]
pub struct ReportTable {
    pub collection: Collection,
    pub columns: Vec<&'static fields::Spec>,
    pub rows: Vec<u32>,
    /// Records past the row limit, not shown.
    pub more: usize,
}

impl ReportTable {
    pub fn labels(&self) -> Vec<&'static str> {
        self.columns.iter().map(|spec| spec.label).collect()
    }
}

/// Everything a report shows, computed once; the HTML, Markdown and PDF writers only format it.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    pub dataset: &'a Dataset,
    pub options: ReportOptions,
    pub dataset_title: String,
    pub release: String,
    pub cutoff: Option<FuzzyDate>,
    pub acquisitions_shown: usize,
    pub acquisitions_total: usize,
    /// Headline figures per stage, from the shared aggregation.
    pub totals: Vec<VolumeRow>,
    /// What the progress section is per ("commitment", "buyer"), and its rows: group, unit, target,
    /// announced, contracted, delivered.
    pub progress_by: &'static str,
    pub progress: Vec<Vec<String>>,
    /// What changed since an earlier version, when one was chosen.
    pub changes: Option<ChangesSection>,
    /// (caption, SVG) of the timeline, Vilnius to Washington.
    pub timeline_svg: Option<String>,
    /// Acquisition volumes by category, one chart per measure.
    pub charts: Vec<Chart>,
    pub commitments: ReportTable,
    pub acquisitions: ReportTable,
    /// Each cited source's number, in order of first citation.
    citation_numbers: HashMap<Symbol, usize>,
    pub sources: Vec<Citation>,
}

impl Report<'_> {
    /// The rows of `table`, their text made one row at a time.
    pub fn rows<'s>(&'s self, table: &'s ReportTable) -> impl ExactSizeIterator<Item = Row> + 's {
        table.rows.iter().map(move |&row| Row {
            cells: fields::shown_row(self.dataset, table.collection, row as usize, &table.columns),
            citations: row_sources(self.dataset, table.collection, row)
                .iter()
                .filter_map(|id| self.citation_numbers.get(id).copied())
                .collect(),
        })
    }

    /// The rows of both tables, when the report has them: what "rows laid out" counts.
    pub fn table_rows(&self) -> usize {
        if self.options.tables { self.commitments.rows.len() + self.acquisitions.rows.len() } else { 0 }
    }
}

/// The sources a record of the report's tables cites.
fn row_sources(dataset: &Dataset, collection: Collection, row: u32) -> &[Symbol] {
    let row = row as usize;
    let sources = match collection {
        Collection::Commitments => dataset.commitments.get(row).map(|c| c.provenance.sources.as_slice()),
        Collection::Acquisitions => dataset.acquisitions.get(row).map(|a| a.sources.as_slice()),
        _ => None,
    };
    sources.unwrap_or_default()
}

pub const METHODOLOGY: &[&str] = &[
    "Stages (planned, announced, contracted, delivering, delivered, cancelled) are kept apart and never added together.",
    "Quantities are counted per unit and money per currency; neither is ever added across units or currencies, nor converted.",
    "“Up to” figures are ceilings, shown apart from exact and approximate figures; records without a number are counted beside the totals, never as zero.",
    "A framework contract whose national orders are in the report is not added to them: its ceiling is shown apart.",
    "Dates follow EDTF (ISO 8601-2): 2024-07-10 is a day, 2024-01 a month, 2024 a year; 2024? is uncertain, 2024~ approximate, 2024/2029 an interval, 2026/.. open-ended.",
    "Confidence: high (official, or several independent sources agree), medium (one good secondary source), low (inferred).",
];

/// "1,234 more rows: see the CSV report", under a table cut at the row limit; None when nothing was cut.
pub fn more_rows(more: usize) -> Option<String> {
    (more > 0).then(|| {
        let rows = if more == 1 { "row" } else { "rows" };
        format!("{} more {rows}: see the CSV report (the same filter) for every row.", count_text(more))
    })
}

/// Gathers the report's contents for `dataset`.
pub fn prepare<'a>(dataset: &'a Dataset, options: &ReportOptions) -> Report<'a> {
    let acquisition_rows = filtered(dataset, Collection::Acquisitions, &options.filter);
    let commitment_rows = filtered(dataset, Collection::Commitments, &options.filter);
    let by_category = volumes(dataset, Some(&acquisition_rows), GroupBy::Category);
    let limit = if options.row_limit == 0 { usize::MAX } else { options.row_limit };
    let table = |collection, keys, rows: &[u32]| ReportTable {
        collection,
        columns: report_columns(collection, keys),
        rows: rows.iter().copied().take(limit).filter(|&row| (row as usize) < dataset.len(collection)).collect(),
        more: rows.len().saturating_sub(limit),
    };
    let commitments = table(Collection::Commitments, COMMITMENT_COLUMNS, &commitment_rows);
    let acquisitions = table(Collection::Acquisitions, ACQUISITION_COLUMNS, &acquisition_rows);
    // Sources are numbered in order of first citation, commitments first: the numbers only, no text.
    let source_index: HashMap<Symbol, usize> =
        dataset.sources.iter().enumerate().map(|(index, source)| (source.id, index)).collect();
    let mut citation_numbers: HashMap<Symbol, usize> = HashMap::new();
    for table in [&commitments, &acquisitions] {
        for &row in &table.rows {
            for id in row_sources(dataset, table.collection, row) {
                if source_index.contains_key(id) && !citation_numbers.contains_key(id) {
                    citation_numbers.insert(*id, citation_numbers.len() + 1);
                }
            }
        }
    }
    let mut sources: Vec<Citation> = citation_numbers
        .iter()
        .filter_map(|(id, &number)| {
            let source = &dataset.sources[*source_index.get(id)?];
            Some(Citation {
                number,
                title: source.title.clone(),
                publisher: source.publisher.clone(),
                published: source.published,
                accessed: source.accessed,
                url: source.safe_url().map(str::to_owned),
            })
        })
        .collect();
    sources.sort_by_key(|c| c.number);
    let (progress_by, progress) = progress_rows(dataset, &acquisition_rows);
    let timeline_svg = options.timeline.then(|| {
        let placed = layout(dataset, &options.filter, Default::default());
        let title = "Timeline: Vilnius Summit to Washington Summit";
        svg::timeline_svg(dataset, &placed, vilnius_to_washington(), title, options.figure_width)
    });
    let charts = if options.charts {
        available_measures(&by_category)
            .iter()
            .map(|measure| (measure, plot_data(&by_category, measure)))
            // A unit whose records all lack a number has no bars: say so in the tables, not as an empty chart.
            .filter(|(_, data)| data.max_height() > 0.0)
            .map(|(measure, data)| {
                let title = format!("Acquisitions by category: {}", measure.axis_label());
                let width = options.figure_width.min(svg::ChartOptions::default().width);
                let chart_options =
                    svg::ChartOptions { title: title.clone(), width, height: width * 0.53, ..Default::default() };
                Chart { title, caption: chart_caption(&data), svg: svg::bar_chart_svg(&data, &chart_options) }
            })
            .collect()
    } else {
        Vec::new()
    };
    Report {
        dataset,
        options: options.clone(),
        dataset_title: dataset.meta.title.clone(),
        release: dataset.meta.release.clone(),
        cutoff: dataset.meta.cutoff,
        acquisitions_shown: acquisition_rows.len(),
        acquisitions_total: dataset.acquisitions.len(),
        totals: by_category.totals,
        progress_by,
        progress,
        changes: options.changes_since.as_ref().map(changes_section),
        timeline_svg,
        charts,
        commitments,
        acquisitions,
        citation_numbers,
        sources,
    }
}

/// The columns of the progress section.
pub const PROGRESS_COLUMNS: [&str; 6] = ["", "Unit", "Target (planned)", "Announced", "Contracted", "Delivered"];

/// Progress per commitment, or per buyer when no acquisition reported serves one: the progress view's
/// figures as text.
fn progress_rows(dataset: &Dataset, rows: &[u32]) -> (&'static str, Vec<Vec<String>>) {
    use crate::analysis::progress::{ProgressBy, progress};
    let mut by = ProgressBy::Commitment;
    let mut progress_of = progress(dataset, Some(rows), by);
    if progress_of.rows.is_empty() {
        by = ProgressBy::Buyer;
        progress_of = progress(dataset, Some(rows), by);
    }
    let tally = |t: &crate::analysis::volumes::QuantityTally| {
        let text = t.describe();
        if text.is_empty() { "none".to_owned() } else { text }
    };
    let rows = progress_of
        .rows
        .iter()
        .map(|row| {
            vec![
                row.group.clone(),
                if row.unit.is_empty() { "(no unit)".to_owned() } else { row.unit.clone() },
                tally(&row.target),
                tally(&row.announced),
                tally(&row.contracted),
                row.delivered.describe(),
            ]
        })
        .collect();
    (if by == ProgressBy::Commitment { "commitment" } else { "buyer" }, rows)
}

/// The sentence above the progress table.
pub fn progress_note(report: &Report) -> String {
    format!(
        "Per {} and unit: the target is what is planned; contracted counts every order under contract, delivering \
         or delivered included, each once; delivered is what their deliveries add up to. The columns are never \
         added together.",
        report.progress_by
    )
}

/// The fields of the report's tables, by key.
const COMMITMENT_COLUMNS: &[&str] =
    &["title", "kind", "status", "parties", "adopted", "horizon", "value", "confidence"];
const ACQUISITION_COLUMNS: &[&str] =
    &["system", "category", "buyers", "stage", "quantity", "deliveries", "value", "date", "delivery", "confidence"];

fn report_columns(collection: Collection, keys: &[&str]) -> Vec<&'static fields::Spec> {
    keys.iter().filter_map(|key| fields::spec(collection, key)).collect()
}

/// "[1][3]" for a row's citations.
pub fn citation_marks(numbers: &[usize]) -> String {
    numbers.iter().map(|n| format!("[{n}]")).collect()
}

/// One chart of a report: its title (also drawn in the chart), a caption saying what its bars hold, and
/// the chart as SVG.
#[derive(Clone, Debug)]
pub struct Chart {
    pub title: String,
    pub caption: String,
    pub svg: String,
}

/// How many records the bars hold, and how many of the shown records they leave out and why.
fn chart_caption(data: &PlotData) -> String {
    let drawn: u32 = data.series.iter().flat_map(|series| &series.records).sum();
    let total = drawn + data.without_figure + data.ungrouped;
    let mut caption = format!("The bars hold {} of {}.", count_text(drawn as usize), counted(total as usize, "record"));
    if drawn < total {
        let others = total - drawn;
        caption.push_str(&format!(
            " The other {} {} no figure in {}: another unit or currency, no number, or a framework whose \
             national orders are counted instead.",
            count_text(others as usize),
            if others == 1 { "has" } else { "have" },
            data.measure.axis_label()
        ));
    }
    caption
}
