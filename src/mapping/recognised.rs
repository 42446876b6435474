//! Exports the app knows by their shape, read without a mapping step: SIPRI's trade register and
//! per-delivery CSV, the Kiel Institute's Ukraine Support Tracker workbook. The import dialog and
//! `pledge-explorer import` both ask here first, and fall back on the column mapping for any other table.

use crate::io::LoadError;

use super::{Imported, kiel, sipri};

/// An export recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Known {
    Sipri(sipri::Export),
    Kiel,
}

impl Known {
    pub fn label(self) -> &'static str {
        match self {
            Known::Sipri(export) => export.label(),
            Known::Kiel => "Kiel Institute's Ukraine Support Tracker",
        }
    }
}

/// Which known export `bytes` hold, if any.
pub fn recognise(path: &std::path::Path, bytes: &[u8]) -> Option<Known> {
    if crate::io::tabular::is_workbook(path, bytes) {
        kiel::recognise(bytes).then_some(Known::Kiel)
    } else {
        sipri::recognise(bytes).map(Known::Sipri)
    }
}

/// A known export read whole.
pub struct Recognised {
    pub known: Known,
    pub imported: Imported,
    /// What was read, in a sentence: "27,953 deals", "412 military rows; 5,210 rows of other aid left out".
    pub summary: String,
}

/// Reads a known export.
pub fn import(path: &std::path::Path, bytes: Vec<u8>, known: Known) -> Result<Recognised, LoadError> {
    let origin = path.display().to_string();
    let n = crate::model::count_text;
    match known {
        Known::Sipri(_) => {
            let imported = sipri::import(&bytes, &origin)?;
            let summary = format!("{} deals", n(imported.dataset.acquisitions.len()));
            Ok(Recognised { known, imported, summary })
        }
        Known::Kiel => {
            let kiel::KielImport { imported, not_military } = kiel::import(path, bytes)?;
            let summary = format!(
                "{} military rows; {} rows of financial or humanitarian aid left out",
                n(imported.dataset.acquisitions.len()),
                n(not_military)
            );
            Ok(Recognised { known, imported, summary })
        }
    }
}
