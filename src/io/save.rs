//! Saving without ever leaving a half-written file: the new content goes to a temporary file beside the
//! target, is synced, and replaces the target in one rename. The previous file is kept as `NAME.bak`.

use std::io::Write;
use std::path::{Path, PathBuf};

use atomic_write_file::AtomicWriteFile;

/// Why a save failed; the target is untouched.
#[derive(Debug, thiserror::Error)]
#[error("{path}: could not save: {message}")]
pub struct SaveError {
    pub path: PathBuf,
    pub message: String,
}

impl SaveError {
    pub fn new(path: &Path, error: &std::io::Error) -> Self {
        SaveError { path: path.to_owned(), message: super::io_message(error) }
    }
}

/// Where the previous version of `path` is kept.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// Writes `write` to `path` atomically, keeping the file it replaces as `NAME.bak`.
pub fn save_with_backup(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), SaveError> {
    let mut file = AtomicWriteFile::open(path).map_err(|error| SaveError::new(path, &error))?;
    write(&mut file).map_err(|error| SaveError::new(path, &error))?;
    if path.exists() {
        keep_backup(path).map_err(|error| SaveError::new(&backup_path(path), &error))?;
    }
    // `commit` syncs the data, renames over the target and syncs the folder. Dropping `file` on an
    // earlier error removes the temporary file and leaves the target as it was.
    file.commit().map_err(|error| SaveError::new(path, &error))
}

/// Writes `write` to `path` atomically, without a backup (exports, reports).
pub fn save_atomic(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), SaveError> {
    let mut file = AtomicWriteFile::open(path).map_err(|error| SaveError::new(path, &error))?;
    write(&mut file).map_err(|error| SaveError::new(path, &error))?;
    file.commit().map_err(|error| SaveError::new(path, &error))
}

/// Points `NAME.bak` at the current file: a hard link costs nothing and survives the rename that
/// follows; where links are not supported the file is copied.
fn keep_backup(path: &Path) -> std::io::Result<()> {
    let backup = backup_path(path);
    match std::fs::remove_file(&backup) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    std::fs::hard_link(path, &backup).or_else(|_| std::fs::copy(path, &backup).map(|_| ()))
}

/// Saves a dataset as JSON at `path`, atomically and with a backup.
pub fn save_json(dataset: &crate::model::Dataset, path: &Path) -> Result<(), SaveError> {
    save_with_backup(path, |out| super::json::write(dataset, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        std::fs::write(&path, "old").unwrap();
        let result = save_with_backup(&path, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        let error = result.unwrap_err();
        assert!(error.to_string().contains("disk full"), "{error}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(folder.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("data.json")]);
    }

    #[test]
    fn a_save_keeps_the_previous_version() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        save_with_backup(&path, |out| out.write_all(b"first")).unwrap();
        assert!(!backup_path(&path).exists());
        save_with_backup(&path, |out| out.write_all(b"second")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), "first");
        save_with_backup(&path, |out| out.write_all(b"third")).unwrap();
        assert_eq!(std::fs::read_to_string(backup_path(&path)).unwrap(), "second");
    }
}
