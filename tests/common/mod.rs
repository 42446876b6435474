//! Helpers shared by the integration tests.

use std::path::Path;
use std::process::Command;

/// A tmpfs of a fixed size, mounted for one test and unmounted when dropped: a real full disk.
pub struct SmallFilesystem {
    folder: tempfile::TempDir,
}

impl SmallFilesystem {
    /// None, with the reason on standard error, where this process may not mount (it needs root or
    /// CAP_SYS_ADMIN, as in CI's container); the injected-writer tests cover those machines.
    pub fn mount(kilobytes: u32) -> Option<Self> {
        let folder = tempfile::tempdir().ok()?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kilobytes}k"), "tmpfs"])
            .arg(folder.path())
            .output();
        match output {
            Ok(output) if output.status.success() => Some(SmallFilesystem { folder }),
            Ok(output) => {
                eprintln!("skipped: cannot mount a tmpfs here: {}", String::from_utf8_lossy(&output.stderr).trim());
                None
            }
            Err(error) => {
                eprintln!("skipped: cannot run mount: {error}");
                None
            }
        }
    }

    pub fn path(&self) -> &Path {
        self.folder.path()
    }
}

impl Drop for SmallFilesystem {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.folder.path()).status();
    }
}

/// The names of the files in `folder`, sorted.
pub fn file_names(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|entry| entry.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}
