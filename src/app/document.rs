//! The open dataset, where it came from, and what was found wrong with it.

use std::path::{Path, PathBuf};

use crate::io::{self, LoadError};
use crate::model::Dataset;
use crate::model::validate::{Problem, validate};

pub struct Document {
    pub dataset: Dataset,
    /// The file it was loaded from or saved to; None for the embedded default.
    pub path: Option<PathBuf>,
    /// How messages name it.
    pub origin: String,
    /// Validation problems, computed once when the dataset is loaded.
    pub problems: Vec<Problem>,
}

impl Document {
    pub fn default_dataset() -> Self {
        Document::new(io::default_dataset(), None, io::DEFAULT_ORIGIN.to_owned())
    }

    pub fn new(dataset: Dataset, path: Option<PathBuf>, origin: String) -> Self {
        let problems = validate(&dataset);
        Document { dataset, path, origin, problems }
    }

    /// Loads a JSON dataset, a CSV table named after its collection, or a folder of CSV tables.
    pub fn load(path: &Path) -> Result<Document, LoadError> {
        let origin = path.display().to_string();
        let dataset = io::load_path(path, None)?;
        let is_json = path.is_file() && !io::is_csv(path);
        // Only a JSON file is saved back where it came from; a CSV import becomes a new dataset.
        Ok(Document::new(dataset, is_json.then(|| path.to_owned()), origin))
    }

    pub fn saved_as(&mut self, path: PathBuf) {
        self.origin = path.display().to_string();
        self.path = Some(path);
    }

    /// The file name for the title bar.
    pub fn display_name(&self) -> String {
        match &self.path {
            Some(path) => path.file_name().map_or_else(|| self.origin.clone(), |n| n.to_string_lossy().into_owned()),
            None if self.origin == io::DEFAULT_ORIGIN => "Default dataset".to_owned(),
            None => self.origin.clone(),
        }
    }
}
