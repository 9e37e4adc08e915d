//! One watcher at a time: the light tray process (`result-vault-tray`, Linux) holds an exclusive
//! lock on `<data>/tray.lock` (the standard library's `File::try_lock`, as `core::lock`: released
//! by the system when the process ends, even killed)
//! with its process id written inside. The app, when it starts with a window, stops that
//! process ([`stop_tray`]) so that results are never watched, notified or downloaded twice.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name in the data folder.
pub const TRAY_LOCK_FILE: &str = "tray.lock";

fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(TRAY_LOCK_FILE)
}

fn open(data_dir: &Path) -> std::io::Result<File> {
    std::fs::create_dir_all(data_dir)?;
    OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path(data_dir))
}

/// The tray's hold on the data folder; dropping it (or the process ending) lets another take it.
#[derive(Debug)]
pub struct TrayLock {
    _file: File,
}

impl TrayLock {
    /// Takes the lock for this process and writes its id; `None` when another process holds it
    /// (a tray already runs for this data folder).
    ///
    /// Errors: `io` (the data folder cannot be written).
    pub fn acquire(data_dir: &Path) -> std::io::Result<Option<TrayLock>> {
        let mut file = open(data_dir)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(e),
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        write!(file, "{}", std::process::id())?;
        file.flush()?;
        Ok(Some(TrayLock { _file: file }))
    }
}

/// The id of the process that holds the tray lock of `data_dir`, if one does.
pub fn tray_running(data_dir: &Path) -> Option<u32> {
    let mut file = open(data_dir).ok()?;
    if file.try_lock_shared().is_ok() {
        let _ = file.unlock();
        return None;
    }
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Stops the tray process of `data_dir`, if one runs (SIGTERM), and waits up to `wait` for its
/// lock to be free. Returns whether one was running. On systems without the light tray process
/// (Windows, macOS) there is never one.
pub fn stop_tray(data_dir: &Path, wait: Duration) -> bool {
    let Some(pid) = tray_running(data_dir) else { return false };
    #[cfg(unix)]
    {
        use nix::sys::signal::{kill, Signal};
        use nix::unistd::Pid;
        let Ok(raw) = i32::try_from(pid) else { return false };
        if raw <= 1 || raw == std::process::id() as i32 {
            return false;
        }
        if let Err(e) = kill(Pid::from_raw(raw), Signal::SIGTERM) {
            log::warn!("the tray process {pid} could not be stopped: {e}");
            return true;
        }
        let start = Instant::now();
        while tray_running(data_dir).is_some() && start.elapsed() < wait {
            std::thread::sleep(Duration::from_millis(20));
        }
        log::info!("the tray process {pid} was stopped: the app watches now");
    }
    #[cfg(not(unix))]
    let _ = (wait, Instant::now());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_free_after_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let held = TrayLock::acquire(dir.path()).expect("lock").expect("free at first");
        // flock locks belong to the open file: a second open (another process, or here) waits.
        assert!(TrayLock::acquire(dir.path()).expect("lock").is_none(), "a second tray is refused");
        assert_eq!(tray_running(dir.path()), Some(std::process::id()));
        drop(held);
        assert_eq!(tray_running(dir.path()), None);
        assert!(!stop_tray(dir.path(), Duration::from_millis(10)), "nothing to stop");
        assert!(TrayLock::acquire(dir.path()).expect("lock").is_some());
    }
}
