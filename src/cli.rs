//! The command line: `check`, `convert`, `summary`, `report`, `import`, `diff`, `schema`, or a file to open
//! in the GUI.
//! Exit codes: 0 success, 1 bad data or a failed operation, 2 bad usage (clap's own).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::analysis::filter::Filter;
use crate::analysis::volumes::{GroupBy, Volumes, volumes};
use crate::io::{self, LoadError};
use crate::model::validate::{Severity, is_usable, validate};
use crate::model::{Collection, Dataset};
use crate::report::ReportFormat;

#[derive(Debug, Parser)]
#[command(
    name = "pledge-explorer",
    version,
    about = "Track defence-industrial pledges and the acquisitions around them."
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A dataset to open in the app (JSON, a CSV table, or a folder of CSV tables). Without it the
    /// app opens the embedded default dataset.
    pub file: Option<PathBuf>,
    /// Restore this recovery copy in the window (used by the app to restore unsaved work of several
    /// windows, each in its own).
    #[arg(long, value_name = "COPY", hide = true)]
    pub recover: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a dataset and list its problems; exit 1 when it is not usable.
    Check {
        /// The dataset; `-` reads JSON from standard input; omitted means the embedded default.
        file: Option<String>,
    },
    /// Convert between JSON, a CSV table (`NAME.csv`, NAME a collection) and a folder of CSV tables.
    Convert {
        /// The input: `data.json`, `acquisitions.csv`, a folder of CSV tables, or `-` (JSON on standard input).
        input: String,
        /// The output: `out.json`, `acquisitions.csv`, a folder (ending in `/` or without an extension), or `-`.
        output: String,
        /// The collection a CSV file holds, when its name does not say.
        #[arg(long, value_parser = collection_parser())]
        table: Option<String>,
    },
    /// Print acquisition volumes: the same aggregates the plots and reports show.
    Summary {
        /// The dataset; `-` reads JSON from standard input; omitted means the embedded default.
        file: Option<String>,
        /// What to group by.
        #[arg(long, value_enum, default_value = "category")]
        by: GroupBy,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a report: HTML (one self-contained file), Markdown (with its charts as SVG files beside it),
    /// CSV (the reported acquisitions) or PDF (A4, fonts embedded).
    Report {
        /// The dataset; `-` reads JSON from standard input; omitted means the embedded default.
        file: Option<String>,
        #[arg(long, value_enum)]
        format: ReportFormat,
        /// Where to write the report.
        #[arg(short, long)]
        output: PathBuf,
        /// The report's title; the dataset's title when omitted.
        #[arg(long)]
        title: Option<String>,
        /// An earlier version of the dataset: adds a "Changes since" section (HTML, Markdown, PDF).
        #[arg(long)]
        changes_since: Option<PathBuf>,
        /// The most rows each table of an HTML, Markdown or PDF report shows; the rest are counted and
        /// left to the CSV report. 0 shows every row.
        #[arg(long, value_name = "N", default_value_t = crate::report::DEFAULT_ROW_LIMIT)]
        row_limit: usize,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Bring in someone else's table (CSV, TSV, XLSX, XLS, ODS) through a column mapping: each column is
    /// mapped to a field of an acquisition, guessed from its header and values unless `--mapping` names a
    /// saved mapping; the mapping used is printed. Rows that cannot be read are listed and left out.
    /// SIPRI's trade register and per-delivery CSV and the Kiel Institute's Ukraine Support Tracker are
    /// recognised and read without a mapping; `--into` a dataset holding an older export updates its deals.
    Import {
        /// The file to import.
        file: PathBuf,
        /// The sheet of a workbook (the first when omitted).
        #[arg(long)]
        sheet: Option<String>,
        /// A mapping saved as JSON (`--save-mapping` writes one).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Write the mapping used to this file, to reuse it.
        #[arg(long)]
        save_mapping: Option<PathBuf>,
        /// Add the records to this dataset instead of starting a new one.
        #[arg(long)]
        into: Option<String>,
        /// What to do with a record that matches one the dataset (`--into`) has: same buyers, system,
        /// date and quantity.
        #[arg(long, value_enum, default_value = "skip")]
        duplicates: crate::mapping::OnDuplicate,
        /// The delimiter of a CSV file (detected when omitted).
        #[arg(long)]
        delimiter: Option<char>,
        /// The header row, counting from 1 (detected when omitted).
        #[arg(long)]
        header_row: Option<usize>,
        /// The encoding of a CSV file (detected when omitted).
        #[arg(long, value_parser = ["utf-8", "utf-16le", "utf-16be", "windows-1252"])]
        encoding: Option<String>,
        /// Where to write the dataset (JSON, XLSX, a CSV table or a folder, by extension).
        #[arg(short, long)]
        output: String,
    },
    /// Compare two versions of a dataset: records added, removed and changed (matched by id), each change
    /// field by field, and the effect on the totals. Exit 0 when they hold the same data (a change of format,
    /// layout or record order is no change), 1 when they differ or a file cannot be read.
    Diff {
        /// The older version (JSON, a CSV table, a folder of CSV tables, a workbook, or `-`).
        old: String,
        /// The newer version.
        new: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of the dataset format.
    Schema,
}

/// The filter of a report, as the tables set it in the app.
#[derive(Debug, Default, clap::Args)]
pub struct FilterArgs {
    /// Only records whose text contains this (case-insensitive).
    #[arg(long)]
    text: Option<String>,
    /// Only these categories (repeat the option for several).
    #[arg(long)]
    category: Vec<String>,
    /// Only these stages.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(crate::model::Stage::ALL.iter().map(|s| s.label())))]
    stage: Vec<String>,
    /// Only these buyers (actor ids).
    #[arg(long)]
    buyer: Vec<String>,
    /// Only these agencies (actor ids).
    #[arg(long)]
    agency: Vec<String>,
    /// Only these confidence levels.
    #[arg(long, value_parser = ["high", "medium", "low"])]
    confidence: Vec<String>,
    /// Only records dated on or after this (EDTF: 2023, 2023-07, 2023-07-11).
    #[arg(long)]
    from: Option<String>,
    /// Only records dated on or before this.
    #[arg(long)]
    to: Option<String>,
}

impl FilterArgs {
    fn to_filter(&self) -> Result<Filter, String> {
        let date = |text: &Option<String>, what: &str| -> Result<Option<crate::model::FuzzyDate>, String> {
            text.as_deref()
                .map(|t| crate::model::FuzzyDate::parse(t).map_err(|error| format!("--{what} {t}: {error}")))
                .transpose()
        };
        let stage = |label: &String| crate::model::Stage::ALL.iter().copied().find(|s| s.label() == label);
        let confidence = |label: &String| crate::model::Confidence::ALL.iter().copied().find(|c| c.label() == label);
        Ok(Filter {
            text: self.text.clone().unwrap_or_default(),
            categories: self.category.iter().cloned().collect(),
            stages: self.stage.iter().filter_map(stage).collect(),
            buyers: self.buyer.iter().cloned().collect(),
            agencies: self.agency.iter().cloned().collect(),
            confidence: self.confidence.iter().filter_map(confidence).collect(),
            from: date(&self.from, "from")?.and_then(|d| d.earliest()),
            to: date(&self.to, "to")?.and_then(|d| d.latest()),
            ..Filter::default()
        })
    }
}

fn collection_parser() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Collection::ALL.map(Collection::key))
}

/// Runs a headless command and returns the process exit code.
pub fn run(command: Command) -> ExitCode {
    let result = match command {
        Command::Check { file } => check(file.as_deref()),
        Command::Convert { input, output, table } => {
            convert(&input, &output, table.as_deref().and_then(Collection::from_key))
        }
        Command::Summary { file, by, json } => summary(file.as_deref(), by, json),
        Command::Report { file, format, output, title, changes_since, row_limit, filter } => {
            report(file.as_deref(), format, &output, title, changes_since.as_deref(), row_limit, &filter)
        }
        Command::Import {
            file,
            sheet,
            mapping,
            save_mapping,
            into,
            duplicates,
            delimiter,
            header_row,
            encoding,
            output,
        } => {
            let encoding = encoding.as_deref().map(|name| match name {
                "utf-16le" => io::tabular::TextEncoding::Utf16Le,
                "utf-16be" => io::tabular::TextEncoding::Utf16Be,
                "windows-1252" => io::tabular::TextEncoding::Windows1252,
                _ => io::tabular::TextEncoding::Utf8,
            });
            let options = io::tabular::ReadOptions { sheet, encoding, delimiter, header_row, decimal_comma: None };
            let request = ImportRequest { options, mapping, save_mapping, into, duplicates };
            import(&file, &request, &output)
        }
        Command::Diff { old, new, json } => diff(&old, &new, json),
        Command::Schema => print(&io::schema::dataset_schema()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn print(text: &str) -> Result<ExitCode, String> {
    std::io::stdout().write_all(text.as_bytes()).map_err(|error| format!("<stdout>: {error}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the dataset a command names: the default, standard input (JSON), or a path.
pub fn load_input(file: Option<&str>, table: Option<Collection>) -> Result<(Dataset, String), LoadError> {
    match file {
        None => Ok((io::default_dataset(), io::DEFAULT_ORIGIN.to_owned())),
        Some("-") => {
            let origin = "<stdin>";
            let mut bytes = Vec::new();
            let limit = io::loadable_bytes();
            std::io::stdin()
                .take(limit + 1)
                .read_to_end(&mut bytes)
                .map_err(|error| LoadError::whole(origin, io::io_message(&error)))?;
            if bytes.len() as u64 > limit {
                let message = format!("the input is over {}, more than can be loaded now", io::human_bytes(limit));
                return Err(LoadError::whole(origin, message));
            }
            Ok((io::json::from_bytes(bytes, origin)?, origin.to_owned()))
        }
        Some(path) => Ok((io::load_path(Path::new(path), table)?, path.to_owned())),
    }
}

fn check(file: Option<&str>) -> Result<ExitCode, String> {
    let (dataset, origin) = load_input(file, None).map_err(|error| error.to_string())?;
    let problems = validate(&dataset);
    for problem in &problems {
        eprintln!("{origin}: {problem}");
    }
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    let counts: Vec<String> = Collection::ALL.iter().map(|&c| format!("{} {}", dataset.len(c), c.key())).collect();
    println!("{origin}: {}; {errors} errors, {warnings} warnings", counts.join(", "));
    Ok(if is_usable(&problems) { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn convert(input: &str, output: &str, table: Option<Collection>) -> Result<ExitCode, String> {
    let (dataset, origin) = load_input(Some(input), table).map_err(|error| error.to_string())?;
    let problems = validate(&dataset);
    if !problems.is_empty() {
        eprintln!(
            "{origin}: note: {} validation problems (run `check` to list them); converting anyway",
            problems.len()
        );
    }
    convert_dataset(&dataset, output, table)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `dataset` to `output`, its kind by extension: JSON, XLSX, a CSV table (of `table`, or named by
/// the file), a folder, or `-`.
fn convert_dataset(dataset: &Dataset, output: &str, table: Option<Collection>) -> Result<(), String> {
    if output == "-" {
        print(&io::json::to_string(dataset))?;
        return Ok(());
    }
    let path = Path::new(output);
    let saved = if output.ends_with('/') || path.is_dir() || path.extension().is_none() {
        io::csv::export_folder(dataset, path)
    } else if io::is_csv(path) {
        let collection = io::csv_collection(path, table).map_err(|message| format!("{output}: {message}"))?;
        io::save::save_atomic(path, |out| io::csv::write_table(dataset, collection, out))
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        io::save::save_atomic(path, |out| io::json::write(dataset, out))
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        let bytes = io::xlsx::write(dataset).map_err(|error| format!("{output}: {error}"))?;
        io::save::save_atomic(path, |out| out.write_all(&bytes))
    } else {
        return Err(format!("{output}: unknown output type: use .json, .xlsx, .csv, a folder or -"));
    };
    saved.map_err(|error| error.to_string())
}

/// What `import` was asked to do besides reading the file.
struct ImportRequest {
    options: io::tabular::ReadOptions,
    mapping: Option<PathBuf>,
    save_mapping: Option<PathBuf>,
    into: Option<String>,
    duplicates: crate::mapping::OnDuplicate,
}

fn import(file: &Path, request: &ImportRequest, output: &str) -> Result<ExitCode, String> {
    use crate::mapping::{self, Mapping};
    let origin = file.display().to_string();
    let bytes = io::read_file(file).map_err(|error| error.to_string())?;
    if let Some(known) = mapping::recognised::recognise(file, &bytes) {
        return import_known(file, bytes, known, request, output);
    }
    let table = io::tabular::read(file, bytes, &request.options).map_err(|error| error.to_string())?;
    eprintln!("{origin}: {}; columns: {}", table.describe(), table.headers.join(", "));
    let mapping = match &request.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
            Mapping::from_json(&text).map_err(|error| format!("{}: {error}", path.display()))?
        }
        None => {
            let mapping = mapping::guess(&table.headers, &table.sample(50));
            eprint!(
                "{origin}: the guessed mapping (save it with --save-mapping, change it, pass it with --mapping):\n{}",
                mapping.describe()
            );
            mapping
        }
    };
    if let Some(path) = &request.save_mapping {
        io::save::save_atomic(path, |out| out.write_all(mapping.to_json().as_bytes())).map_err(|e| e.to_string())?;
    }
    let imported = mapping::import(&table, &mapping, None).map_err(|error| error.to_string())?;
    for problem in &imported.problems {
        eprintln!("{origin}: {problem} (row left out)");
    }
    let read = imported.dataset.acquisitions.len();
    let dataset = match &request.into {
        None => imported.dataset,
        Some(into) => {
            let (mut dataset, _) = load_input(Some(into), None).map_err(|error| error.to_string())?;
            let matches = mapping::duplicates(&dataset, &imported.dataset);
            let duplicates = matches.iter().flatten().count();
            let (strings, changes) = mapping::merge(&dataset, &imported.dataset, &matches, request.duplicates);
            apply(&mut dataset, strings, changes);
            if duplicates > 0 {
                eprintln!("{origin}: {duplicates} records match records of {into} ({})", request.duplicates.label());
            }
            dataset
        }
    };
    eprintln!("{origin}: {read} acquisitions read, {} rows left out", imported.problems.len());
    convert_dataset(&dataset, output, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Imports an export the app knows by its shape (SIPRI's, Kiel's): into a dataset, the deals of an older
/// export of it are updated rather than added again.
fn import_known(
    file: &Path,
    bytes: Vec<u8>,
    known: crate::mapping::recognised::Known,
    request: &ImportRequest,
    output: &str,
) -> Result<ExitCode, String> {
    let origin = file.display().to_string();
    let read = crate::mapping::recognised::import(file, bytes, known).map_err(|error| error.to_string())?;
    eprintln!("{origin}: {}: {}", known.label(), read.summary);
    for problem in &read.imported.problems {
        eprintln!("{origin}: {problem} (row left out)");
    }
    let dataset = match &request.into {
        None => read.imported.dataset,
        Some(into) => {
            let (mut dataset, _) = load_input(Some(into), None).map_err(|error| error.to_string())?;
            let update = crate::mapping::update::update(&dataset, &read.imported.dataset);
            eprintln!("{origin} into {into}: {}", update.describe());
            apply(&mut dataset, update.strings, update.changes);
            dataset
        }
    };
    convert_dataset(&dataset, output, None)?;
    Ok(ExitCode::SUCCESS)
}

/// Makes an import's changes to a dataset.
fn apply(dataset: &mut Dataset, strings: crate::model::Interner, changes: Vec<crate::model::Change>) {
    dataset.strings = strings;
    dataset.apply(changes);
}

fn diff(old: &str, new: &str, json: bool) -> Result<ExitCode, String> {
    if old == "-" && new == "-" {
        return Err("only one of the two datasets can be read from standard input".to_owned());
    }
    let (before, _) = load_input(Some(old), None).map_err(|error| error.to_string())?;
    let (after, _) = load_input(Some(new), None).map_err(|error| error.to_string())?;
    let diff = crate::compare::diff(&before, &after);
    let text = if json {
        let mut text = serde_json::to_string_pretty(&diff.json(old, new)).map_err(|error| error.to_string())?;
        text.push('\n');
        text
    } else {
        diff.text(old, new)
    };
    print(&text)?;
    Ok(if diff.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn summary(file: Option<&str>, by: GroupBy, json: bool) -> Result<ExitCode, String> {
    let (dataset, origin) = load_input(file, None).map_err(|error| error.to_string())?;
    let volumes = volumes(&dataset, None, by);
    if json {
        let mut text = serde_json::to_string_pretty(&volumes).map_err(|error| error.to_string())?;
        text.push('\n');
        return print(&text);
    }
    print(&summary_text(&dataset, &origin, &volumes))
}

/// The text form of `summary`: totals per stage, then the groups.
pub fn summary_text(dataset: &Dataset, origin: &str, volumes: &Volumes) -> String {
    let title = if dataset.meta.title.is_empty() { origin } else { &dataset.meta.title };
    let mut out = format!(
        "{title}\n{} acquisitions, grouped by {}. Stages, units and currencies are never added together;\n\
         \"up to\" ceilings, approximate figures and records without a number are shown apart.\n\n",
        volumes.records,
        volumes.group_by.label()
    );
    let mut table = vec![["stage", "records", "quantity", "value"].map(str::to_owned).to_vec()];
    for row in &volumes.totals {
        table.push(vec![
            row.stage.label().to_owned(),
            row.records.to_string(),
            row.describe_units(),
            row.describe_money(),
        ]);
    }
    out.push_str("Totals by stage\n");
    out.push_str(&align(&table));
    out.push('\n');
    let mut table =
        vec![[volumes.group_by.label(), "stage", "records", "quantity", "value"].map(str::to_owned).to_vec()];
    for row in &volumes.rows {
        let records =
            if row.joint > 0 { format!("{} ({} joint)", row.records, row.joint) } else { row.records.to_string() };
        table.push(vec![
            row.group.clone(),
            row.stage.label().to_owned(),
            records,
            row.describe_units(),
            row.describe_money(),
        ]);
    }
    out.push_str(&format!("By {}\n", volumes.group_by.label()));
    out.push_str(&align(&table));
    out
}

/// Pads columns to the widest cell (in characters), two spaces apart.
fn align(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
        }
        out.push_str("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn report(
    file: Option<&str>,
    format: ReportFormat,
    output: &Path,
    title: Option<String>,
    changes_since: Option<&Path>,
    row_limit: usize,
    filter: &FilterArgs,
) -> Result<ExitCode, String> {
    let (dataset, origin) = load_input(file, None).map_err(|error| error.to_string())?;
    let filter = filter.to_filter()?;
    let title = title
        .unwrap_or_else(|| if dataset.meta.title.is_empty() { origin.clone() } else { dataset.meta.title.clone() });
    let mut options = crate::report::ReportOptions { row_limit, ..crate::report::ReportOptions::new(title, filter) };
    if let Some(earlier) = changes_since {
        let changes = crate::report::ChangesSince::read(earlier, &dataset).map_err(|error| error.to_string())?;
        options.changes_since = Some(changes);
    }
    crate::report::write_report(&dataset, &options, format, output).map_err(|error| error.to_string())?;
    Ok(ExitCode::SUCCESS)
}
