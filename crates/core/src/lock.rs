//! Advisory locks between processes (and threads) on a shared file: the key ring, the settings.
//!
//! The lock is taken on a sibling file (`keyring.lock`, `settings.lock`) that is never replaced:
//! the data files themselves are replaced by an atomic rename at each write, so a lock on them
//! would be a lock on an inode that the next writer no longer uses. The lock is the operating
//! system's own (the standard library's `File::lock`: `flock` on Linux and macOS, `LockFileEx`
//! on Windows): it is released when its holder closes the file or dies, so a process killed
//! while it holds the lock never blocks the next one. The lock file's content is never read.
//!
//! Locks are held only for short read-modify-write steps (a read of the ring, a change in
//! memory, an atomic write): never across RSA generation, a key derivation, an age kit or a
//! network call. A holder that does not let go within [`LOCK_TIMEOUT`] gives a `busy` error
//! instead of a hang.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind, Result};

/// How long a writer waits for another one before giving up (seconds of normal writes are a
/// few milliseconds each; this only fires when a holder is stuck, e.g. suspended in a debugger).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(20);

/// An exclusive lock on a lock file; released on drop (or when the process dies).
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Takes the exclusive lock on `path` (created if missing, with its folder), waiting up to
    /// [`LOCK_TIMEOUT`].
    ///
    /// Errors: `io` (the file cannot be created or opened), `busy` (another process or thread
    /// holds it for longer than the timeout).
    pub fn exclusive(path: &Path) -> Result<FileLock> {
        Self::exclusive_within(path, LOCK_TIMEOUT)
    }

    /// As [`exclusive`](Self::exclusive), with another timeout (tests).
    pub fn exclusive_within(path: &Path, timeout: Duration) -> Result<FileLock> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, &e))?;
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| Error::io("open the lock file", path, &e))?;
        let start = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(FileLock { file, path: path.to_path_buf() }),
                Err(TryLockError::WouldBlock) if start.elapsed() < timeout => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(Error::new(
                        ErrorKind::Busy,
                        format!(
                            "Another Result Vault (the app or a command) has been changing {} for more than {} s.",
                            path.display(),
                            timeout.as_secs()
                        ),
                        "Wait for the other one to finish (or close it), then try again.",
                    ))
                }
                Err(TryLockError::Error(e)) => return Err(Error::io("lock", path, &e)),
            }
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes it explicit.
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_and_times_out_with_busy_then_gets_it_once_released() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.lock");
        let first = FileLock::exclusive(&p).unwrap();
        // Another open file description (as another thread or process has) is refused.
        let e = FileLock::exclusive_within(&p, Duration::from_millis(50)).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Busy);
        drop(first);
        FileLock::exclusive_within(&p, Duration::from_millis(50)).unwrap();
    }
}
