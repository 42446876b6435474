//! Settings remembered across runs. Every field has a default, so an old or broken settings file
//! never stops the app from starting: eframe gives `None` for what it cannot read, and we use defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::table::Sort;
use crate::model::{Collection, fields};

/// The key under which eframe stores the settings.
pub const STORAGE_KEY: &str = "pledge-explorer-settings";
const MAX_RECENT: usize = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: egui::ThemePreference,
    /// Most recent first.
    pub recent_files: Vec<PathBuf>,
    pub editor_open: bool,
    /// The sort of each table, by the collection's key ("acquisitions"), naming the field by its key.
    pub sorts: BTreeMap<String, Sort>,
    /// The column mappings used to import tables, by the tables' headers (see [`Settings::mapping_key`]).
    pub mappings: BTreeMap<String, crate::mapping::Mapping>,
    /// Show the drafted change log entry for editing at each save; when off it is written as drafted.
    pub ask_changelog: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: egui::ThemePreference::System,
            recent_files: Vec::new(),
            editor_open: true,
            sorts: BTreeMap::new(),
            mappings: BTreeMap::new(),
            ask_changelog: true,
        }
    }
}

impl Settings {
    pub fn remember(&mut self, path: &Path) {
        self.recent_files.retain(|known| known != path);
        self.recent_files.insert(0, path.to_owned());
        self.recent_files.truncate(MAX_RECENT);
    }

    /// Where the mapping of a table with these headers is kept: the headers, one per line.
    pub fn mapping_key(headers: &[String]) -> String {
        headers.join("\n")
    }

    pub fn load(storage: Option<&dyn eframe::Storage>) -> Settings {
        let settings: Settings =
            storage.and_then(|storage| eframe::get_value(storage, STORAGE_KEY)).unwrap_or_default();
        settings.migrated()
    }

    /// Settings of earlier versions kept sorts by the table's title and the column's ("Acquisitions",
    /// "Quantity"): they are moved to the stable keys. A sort naming nothing known is dropped.
    fn migrated(mut self) -> Settings {
        let sorts = std::mem::take(&mut self.sorts);
        for (table, mut sort) in sorts {
            let collection = Collection::from_key(&table)
                .or_else(|| Collection::ALL.into_iter().find(|collection| collection.label() == table));
            let Some(collection) = collection else { continue };
            let field = fields::spec(collection, &sort.column)
                .or_else(|| fields::specs(collection).into_iter().find(|spec| spec.label == sort.column));
            if let Some(field) = field {
                sort.column = field.key.to_owned();
                self.sorts.insert(collection.key().to_owned(), sort);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_newest_first_and_bounded() {
        let mut settings = Settings::default();
        for i in 0..12 {
            settings.remember(Path::new(&format!("/data/{i}.json")));
        }
        settings.remember(Path::new("/data/5.json"));
        assert_eq!(settings.recent_files.len(), MAX_RECENT);
        assert_eq!(settings.recent_files[0], Path::new("/data/5.json"));
        assert_eq!(settings.recent_files.iter().filter(|p| p.ends_with("5.json")).count(), 1);
    }

    #[test]
    fn a_broken_or_partial_settings_file_falls_back_to_defaults() {
        let partial: Settings = ron_like_json("{\"editor_open\": false}");
        assert_eq!(partial, Settings { editor_open: false, ..Settings::default() });
        assert!(serde_json::from_str::<Settings>("{\"theme\": 17}").is_err(), "eframe then gives None: defaults");
    }

    #[test]
    fn sorts_saved_by_title_load_by_key() {
        let old: Settings = ron_like_json(
            r#"{"sorts": {"Acquisitions": {"column": "Quantity", "descending": true},
                          "Sources": {"column": "Link", "descending": false},
                          "Gone": {"column": "Quantity", "descending": false},
                          "Events": {"column": "No such column", "descending": false}}}"#,
        );
        let sorts = old.migrated().sorts;
        assert_eq!(sorts.len(), 2, "{sorts:?}");
        assert_eq!(sorts["acquisitions"], Sort { column: "quantity".into(), descending: true });
        assert_eq!(sorts["sources"], Sort { column: "url".into(), descending: false });
        let current = Settings { sorts: sorts.clone(), ..Settings::default() };
        assert_eq!(current.migrated().sorts, sorts, "keys stay as they are");
    }

    fn ron_like_json(text: &str) -> Settings {
        serde_json::from_str(text).unwrap()
    }
}
