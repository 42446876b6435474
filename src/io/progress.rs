//! Long work that says how far it is and can be cancelled: a counter of bytes (read or written) against
//! a total, and a flag the worker checks between pieces. Cancelling a read discards what was read; a
//! write that is cancelled fails before the file replaces the old one, which stays as it was.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// What the user is told when they cancelled.
pub const CANCELLED: &str = "cancelled";

/// How far a piece of work is, shared between the worker and the window.
#[derive(Debug, Default)]
pub struct Progress {
    done: AtomicU64,
    /// 0 when not known.
    total: AtomicU64,
    cancelled: AtomicBool,
}

impl Progress {
    pub fn set_total(&self, total: u64) {
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts from nothing again: the work starts over (a quick way that did not work out).
    pub fn restart(&self) {
        self.done.store(0, Ordering::Relaxed);
    }

    pub fn add(&self, amount: u64) {
        self.done.fetch_add(amount, Ordering::Relaxed);
    }

    /// How much is done, in the unit of the work (bytes, rows).
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// 0 when not known.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// The share done, when the total is known.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total.load(Ordering::Relaxed);
        (total > 0).then(|| (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32)
    }

    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// An error to stop with, once cancelled (not `Interrupted`, which `write_all` would retry forever).
    pub fn check(&self) -> std::io::Result<()> {
        if self.is_cancelled() { Err(std::io::Error::other(CANCELLED)) } else { Ok(()) }
    }
}

/// A writer that counts what it writes and stops once the work is cancelled.
pub struct Tracked<'a, W> {
    pub out: W,
    pub progress: &'a Progress,
}

impl<W: std::io::Write> std::io::Write for Tracked<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.progress.check()?;
        let written = self.out.write(bytes)?;
        self.progress.add(written as u64);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.progress.check()?;
        self.out.flush()
    }
}

/// A writer that stops once the work is cancelled, for work that counts something else than bytes
/// (a report counts its rows).
pub struct Stoppable<'a, W> {
    pub out: W,
    pub progress: &'a Progress,
}

impl<W: std::io::Write> std::io::Write for Stoppable<'_, W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.progress.check()?;
        self.out.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.progress.check()?;
        self.out.flush()
    }
}

/// Reads all of `file`, `len` bytes long by its metadata, counting the pieces read, until done or
/// cancelled. A large file's pieces are read on all cores: the kernel's copy into fresh memory is a
/// tenth of opening a big file, and on one core it waited for nothing else. Should the file no longer be
/// `len` bytes long, it is read again from start to end, whatever its length now.
pub fn read_all(file: &std::fs::File, len: u64, progress: &Progress) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    const PIECE: usize = 4 << 20;
    progress.set_total(len);
    #[cfg(unix)]
    if let Ok(len) = usize::try_from(len)
        && len > PIECE
    {
        use rayon::prelude::*;
        use std::os::unix::fs::FileExt as _;
        let mut bytes = vec![0; len];
        let read = bytes.par_chunks_mut(PIECE).enumerate().try_for_each(|(k, piece)| -> std::io::Result<()> {
            progress.check()?;
            file.read_exact_at(piece, (k * PIECE) as u64)?;
            progress.add(piece.len() as u64);
            Ok(())
        });
        match read {
            Ok(()) if file.read_at(&mut [0], len as u64)? == 0 => return Ok(bytes),
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {}
            Err(error) => return Err(error),
        }
        progress.restart();
    }
    let mut file = file;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(0))?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    loop {
        progress.check()?;
        match file.take(PIECE as u64).read_to_end(&mut bytes)? {
            0 => return Ok(bytes),
            read => progress.add(read as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn reading_and_writing_count_and_stop_when_cancelled() {
        let data: Vec<u8> = (0..10 << 20).map(|i: u32| (i % 251) as u8).collect();
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&data).unwrap();
        let length = data.len() as u64;
        let progress = Progress::default();
        assert!(read_all(&file, length, &progress).unwrap() == data);
        assert_eq!(progress.fraction(), Some(1.0));
        // A file longer or shorter than its metadata said when it was opened is read whole all the same.
        for said in [length - (5 << 20), length + 3, 100] {
            let progress = Progress::default();
            assert!(read_all(&file, said, &progress).unwrap() == data, "the file said to be {said} bytes");
            assert_eq!(progress.done(), length);
        }

        let cancelled = Progress::default();
        cancelled.cancel();
        let error = read_all(&file, length, &cancelled).unwrap_err();
        assert_eq!(error.to_string(), CANCELLED);
        let mut out = Vec::new();
        assert!(Tracked { out: &mut out, progress: &cancelled }.write_all(b"x").is_err());
        assert!(out.is_empty());
    }
}
