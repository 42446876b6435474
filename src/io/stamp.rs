//! What a file was when the app last read or wrote it (size, modification time, a checksum of its
//! bytes), to tell when another program or window has written it since: before a save writes over it,
//! and while it is open.

use std::io::Read;
use std::path::Path;
use std::time::SystemTime;

/// A file as the app last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DiskStamp {
    pub len: u64,
    pub modified: Option<SystemTime>,
    /// CRC-32 of the bytes: told apart from size and time, a file touched but not changed is no change.
    pub checksum: u32,
}

/// How a file compares with its stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Same size and time.
    Same,
    /// Written again with the same bytes (a touch, a sync): the new stamp to remember.
    Touched(DiskStamp),
    /// Other bytes.
    Changed(DiskStamp),
    /// Removed or renamed away.
    Gone,
}

impl DiskStamp {
    /// The stamp of a file read as `bytes`, its modification time taken before the read: a write in
    /// between makes the next check compare the bytes, which are the ones read.
    pub fn of_bytes(bytes: &[u8], modified: Option<SystemTime>) -> DiskStamp {
        DiskStamp { len: bytes.len() as u64, modified, checksum: crc32fast::hash(bytes) }
    }

    /// Reads the whole file to stamp it.
    pub fn of(path: &Path) -> std::io::Result<DiskStamp> {
        let mut file = std::fs::File::open(path)?;
        let metadata = file.metadata()?;
        let mut hasher = crc32fast::Hasher::new();
        let mut buffer = vec![0; 1 << 20];
        loop {
            let read = file.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
        }
        Ok(DiskStamp { len: metadata.len(), modified: metadata.modified().ok(), checksum: hasher.finalize() })
    }

    /// Compares the file at `path` with this stamp: its size and time first, its bytes only when they
    /// differ.
    pub fn check(&self, path: &Path) -> std::io::Result<Check> {
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Check::Gone),
            Err(error) => return Err(error),
        };
        if metadata.len() == self.len && metadata.modified().ok() == self.modified {
            return Ok(Check::Same);
        }
        let now = DiskStamp::of(path)?;
        Ok(if now.len == self.len && now.checksum == self.checksum { Check::Touched(now) } else { Check::Changed(now) })
    }
}

/// A writer that takes the checksum of what passes through it.
pub struct Checksummed<'a, W> {
    pub out: W,
    pub hasher: &'a mut crc32fast::Hasher,
}

impl<W: std::io::Write> std::io::Write for Checksummed<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.hasher.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_the_same_touched_changed_or_gone() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("data.json");
        std::fs::write(&path, "one").unwrap();
        let stamp = DiskStamp::of(&path).unwrap();
        assert_eq!(stamp.check(&path).unwrap(), Check::Same);

        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(later).unwrap();
        let Check::Touched(touched) = stamp.check(&path).unwrap() else { panic!("a touch is not a change") };
        assert_eq!(touched.checksum, stamp.checksum);

        std::fs::write(&path, "two").unwrap();
        assert!(matches!(stamp.check(&path).unwrap(), Check::Changed(now) if now.checksum != stamp.checksum));
        std::fs::remove_file(&path).unwrap();
        assert_eq!(stamp.check(&path).unwrap(), Check::Gone);

        let saved = crate::io::save::save_json(&crate::io::default_dataset(), &path).unwrap();
        assert_eq!(saved, DiskStamp::of(&path).unwrap(), "the stamp taken while writing is the file's");
    }
}
