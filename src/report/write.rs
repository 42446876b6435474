//! Writing a report to a file, the same for the app and the command line: the format chosen, the file
//! written atomically (Markdown's charts beside it).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::io::progress::{Progress, Stoppable};
use crate::io::save::{SaveError, save_atomic};
use crate::model::{Collection, Dataset};

use super::ReportOptions;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Csv,
    Xlsx,
    Pdf,
}

impl ReportFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Html => "html",
            ReportFormat::Md => "md",
            ReportFormat::Csv => "csv",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Pdf => "pdf",
        }
    }
}

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error("{}: {source}", path.display())]
    Pdf { path: PathBuf, source: super::pdf::PdfError },
    #[error("{}: {source}", path.display())]
    Xlsx { path: PathBuf, source: crate::io::xlsx::XlsxWriteError },
}

/// Writes a report in `format` to `output` (and, for Markdown, its charts beside it), atomically.
pub fn write_report(
    dataset: &Dataset,
    options: &ReportOptions,
    format: ReportFormat,
    output: &Path,
) -> Result<(), ReportError> {
    write_report_with(dataset, options, format, output, None)
}

/// [`write_report`], counting the bytes written into `progress`; once it is cancelled, no file is
/// written (or replaced) any more.
pub fn write_report_with(
    dataset: &Dataset,
    options: &ReportOptions,
    format: ReportFormat,
    output: &Path,
    progress: Option<&Progress>,
) -> Result<(), ReportError> {
    let no_progress = Progress::default();
    let progress = progress.unwrap_or(&no_progress);
    // Every file goes through a writer that fails once the work is cancelled, so that the atomic write
    // leaves the old file (or none) in place. Every format counts the rows it lays out, of all it will.
    let save_document = |path: &Path, write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>| {
        save_atomic(path, |out| {
            // Rows are written a few hundred bytes at a time: buffered, not a system call each.
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, Stoppable { out, progress });
            write(&mut buffered)?;
            buffered.flush()
        })
    };
    match format {
        ReportFormat::Csv => {
            let rows = crate::analysis::filter::filtered(dataset, Collection::Acquisitions, &options.filter);
            progress.set_total(rows.len() as u64);
            let counted = || rows.iter().map(|&row| row as usize).inspect(|_| progress.add(1));
            save_document(output, &mut |out| {
                crate::io::csv::write_rows(dataset, Collection::Acquisitions, counted(), out)
            })?;
        }
        ReportFormat::Xlsx => {
            // The reported records, a sheet each for the acquisitions and commitments that pass the filter.
            let rows = |collection| {
                let rows = crate::analysis::filter::filtered(dataset, collection, &options.filter);
                (collection, rows.into_iter().map(|row| row as usize).collect())
            };
            let tables = [rows(Collection::Acquisitions), rows(Collection::Commitments)];
            let bytes = crate::io::xlsx::write_rows_with(dataset, &tables, progress)
                .map_err(|source| ReportError::Xlsx { path: output.to_owned(), source })?;
            save_document(output, &mut |out| out.write_all(&bytes))?;
        }
        ReportFormat::Html => {
            let report = super::prepare(dataset, options);
            save_document(output, &mut |out| super::html::write(&report, out, progress))?;
        }
        ReportFormat::Pdf => {
            let pdf = super::pdf::report_with(dataset, options, progress)
                .map_err(|source| ReportError::Pdf { path: output.to_owned(), source })?;
            save_document(output, &mut |out| out.write_all(&pdf))?;
        }
        ReportFormat::Md => {
            let stem =
                output.file_stem().map_or_else(|| "report".to_owned(), |s| sanitise_file_stem(&s.to_string_lossy()));
            let report = super::prepare(dataset, options);
            let folder = output.parent().unwrap_or(Path::new(""));
            for (name, svg) in super::markdown::figures(&report, &stem) {
                save_document(&folder.join(name), &mut |out| out.write_all(svg.as_bytes()))?;
            }
            save_document(output, &mut |out| super::markdown::write(&report, &stem, out, progress))?;
        }
    }
    Ok(())
}

/// A file name stem safe on every platform: letters, digits, `-` and `_` kept, the rest `-`.
fn sanitise_file_stem(stem: &str) -> String {
    let cleaned: String =
        stem.chars().map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect();
    if cleaned.trim_matches('-').is_empty() { "report".to_owned() } else { cleaned }
}
