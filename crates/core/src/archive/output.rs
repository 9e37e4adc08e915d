//! Where results are written: a temporary file or folder beside the target, renamed into place
//! only once complete and checked, removed on any failure (including a panic or a cancel).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::archive::inner::EntrySink;
use crate::archive::names::SafePath;
use crate::error::{Error, ErrorKind, Result};

/// What to produce from a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputTarget {
    /// The decrypted result zip (like the reference client's `results.zip`).
    Zip(PathBuf),
    /// The files of the result, extracted into this folder (created; must not exist).
    Folder(PathBuf),
    /// Nothing written: only check that the result decrypts and is intact.
    CheckOnly,
}

/// A temporary file or folder that becomes `target` on [`commit`](Self::commit), and disappears
/// if dropped before.
#[derive(Debug)]
pub struct PendingOutput {
    temp: PathBuf,
    target: PathBuf,
    is_dir: bool,
    committed: bool,
    durable: bool,
}

impl PendingOutput {
    /// Reserves a temporary name beside `target` (same folder, so the final rename is atomic)
    /// and creates it. Fails with `output_exists` when `target` exists and `overwrite` is false.
    pub fn create(target: &Path, is_dir: bool, overwrite: bool) -> Result<Self> {
        let target = absolute(target)?;
        if !overwrite && fs::symlink_metadata(&target).is_ok() {
            return Err(Error::output_exists(&target));
        }
        let parent = target.parent().ok_or_else(|| Error::internal("the output has no parent folder"))?;
        fs::create_dir_all(parent).map_err(|e| Error::io("create the folder", parent, &e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = if is_dir {
            tempfile::Builder::new()
                .prefix(&format!(".{name}.partial-"))
                .tempdir_in(parent)
                .map_err(|e| Error::io("create a temporary folder in", parent, &e))?
                .keep()
        } else {
            let (_f, p) = tempfile::Builder::new()
                .prefix(&format!(".{name}.partial-"))
                .tempfile_in(parent)
                .map_err(|e| Error::io("create a temporary file in", parent, &e))?
                .keep()
                .map_err(|e| Error::io("create a temporary file in", parent, &e.error))?;
            p
        };
        Ok(PendingOutput { temp, target, is_dir, committed: false, durable: true })
    }

    /// Whether the output must reach the disk before it is moved into place: true by default
    /// (the key ring's exports and kits), and for a decrypted result that replaces an existing
    /// one (the rename destroys the old copy). A new decrypted result is not synced, as `cp`,
    /// `unzip` or the reference client do not sync: the archive it comes from stays, so a power
    /// cut loses nothing that cannot be decrypted again, and the rename still means that a
    /// complete, checked result is all that is ever visible under its name.
    pub fn durable(&self) -> bool {
        self.durable
    }

    /// Sets [`durable`](Self::durable); a replacing output stays durable whatever is asked.
    pub fn set_durable(&mut self, durable: bool) {
        self.durable = durable || fs::symlink_metadata(&self.target).is_ok();
    }

    /// The temporary path being written.
    pub fn temp_path(&self) -> &Path {
        &self.temp
    }

    /// The final path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the temporary output into place. Without `overwrite`, an existing target is never
    /// replaced, even one that appeared meanwhile (`output_exists`).
    pub fn commit(mut self, overwrite: bool) -> Result<PathBuf> {
        let parent = self.target.parent().map(Path::to_path_buf).unwrap_or_default();
        if self.is_dir {
            let exists = fs::symlink_metadata(&self.target).is_ok();
            if exists && !overwrite {
                return Err(Error::output_exists(&self.target));
            }
            if exists {
                // Move the old folder aside first, so that a failure leaves one complete copy.
                let aside = parent.join(format!(
                    ".{}.old-{}",
                    self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    std::process::id()
                ));
                fs::rename(&self.target, &aside).map_err(|e| Error::io("move aside", &self.target, &e))?;
                if let Err(e) = fs::rename(&self.temp, &self.target) {
                    let _ = fs::rename(&aside, &self.target);
                    return Err(Error::io("move into place", &self.target, &e));
                }
                let _ = remove_any(&aside);
            } else {
                fs::rename(&self.temp, &self.target).map_err(|e| Error::io("move into place", &self.target, &e))?;
            }
        } else if overwrite {
            fs::rename(&self.temp, &self.target).map_err(|e| Error::io("move into place", &self.target, &e))?;
        } else {
            // A hard link fails if the target exists: a no-clobber rename without a race.
            match fs::hard_link(&self.temp, &self.target) {
                Ok(()) => {
                    let _ = fs::remove_file(&self.temp);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::output_exists(&self.target))
                }
                Err(_) => {
                    // File systems without hard links (FAT, some network shares).
                    if fs::symlink_metadata(&self.target).is_ok() {
                        return Err(Error::output_exists(&self.target));
                    }
                    fs::rename(&self.temp, &self.target).map_err(|e| Error::io("move into place", &self.target, &e))?;
                }
            }
        }
        self.committed = true;
        if self.durable {
            sync_dir(&parent);
        }
        Ok(self.target.clone())
    }
}

impl Drop for PendingOutput {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_any(&self.temp);
        }
    }
}

fn remove_any(p: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(p) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(p),
        Ok(_) => fs::remove_file(p),
        Err(e) => Err(e),
    }
}

/// Renames the temporary file `tmp` over `target` (atomically). On Windows a file another
/// process is reading at that instant cannot be replaced ("Access denied", error 5, when the
/// reader did not share delete access, as Wine does): the rename is retried for up to 2 s, the
/// time of a read of a small file, before it is an error. Elsewhere it is one rename.
///
/// Errors: the last rename's error, with the temporary file removed.
pub fn persist_replacing(mut tmp: tempfile::NamedTempFile, target: &Path) -> std::io::Result<()> {
    let mut tries = 0;
    loop {
        match tmp.persist(target) {
            Ok(_) => return Ok(()),
            Err(e) if cfg!(windows) && e.error.kind() == std::io::ErrorKind::PermissionDenied && tries < 100 => {
                tries += 1;
                tmp = e.file;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => return Err(e.error),
        }
    }
}

/// Flushes a folder's entry table to disk, so that a rename survives a power cut (best effort:
/// not every platform can open a folder).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).map_err(|e| Error::io("resolve", p, &e))
}

/// Checks that the file system holding `dir` has at least `bytes` free for this user (what
/// `fs4::available_space`, i.e. `statvfs`'s `f_bavail` or Windows' `GetDiskFreeSpaceExW`,
/// reports). A full disk is an `io` error that says so, with how much is needed and how much is
/// free. When the free space cannot be read (some network file systems), the write goes ahead
/// and a full disk is reported when it happens ([`write_error`]).
pub fn ensure_space(dir: &Path, bytes: u64, what: &str) -> Result<()> {
    let Ok(free) = fs4::available_space(dir) else { return Ok(()) };
    if free >= bytes {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Io,
        format!(
            "Not enough disk space: {what} needs {}, and the disk holding {} has {} free.",
            human_bytes(bytes),
            dir.display(),
            human_bytes(free)
        ),
        format!(
            "Free at least {} on that disk, or choose a folder on another disk. Nothing was kept of this result.",
            human_bytes(bytes - free)
        ),
    ))
}

/// The error of a failed write to `path`: for a full disk (or quota), an `io` error that says the
/// disk is full; else [`Error::io`].
pub fn write_error(path: &Path, e: &std::io::Error) -> Error {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::StorageFull | K::QuotaExceeded => Error::new(
            ErrorKind::Io,
            format!("The disk is full: could not write {} ({e}).", path.display()),
            "Free some disk space, or choose a folder on another disk. Nothing was kept of this result.",
        ),
        _ => Error::io("write", path, e),
    }
}

/// `bytes` for a person: `512 bytes`, `3.2 MB`, `1.1 GB` (powers of 1,000, as disks are sold).
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 1000 {
        return format!("{bytes} bytes");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// Removes what a crash left of [`PendingOutput`]'s temporary outputs directly in `dir` (a folder
/// Result Vault writes into: the results folder, the downloads folder), and returns their paths.
///
/// Only names of the exact form `PendingOutput` makes are touched: `.` + the target's name +
/// `.partial-` + the 6 random letters or digits of `tempfile` (e.g. `.results.zip.partial-a1B2c3`),
/// files or folders, never a symbolic link (not followed, not removed: `PendingOutput` never makes
/// one), never `.NAME.old-PID` (the previous copy of a result being replaced, which may be the
/// only one left after a crash). A folder is removed with `std::fs::remove_dir_all`, which does
/// not follow the symbolic links inside it.
///
/// An output another process is writing right now has the same form: only leftovers untouched
/// for [`LEFTOVER_MIN_AGE`] (the newest modification time of the file, or of the folder and
/// everything in it) are removed. A running decryption touches its output every second or so.
/// A `dir` that does not exist has no leftovers.
pub fn cleanup_leftovers(dir: &Path) -> Result<Vec<PathBuf>> {
    cleanup_leftovers_older_than(dir, LEFTOVER_MIN_AGE)
}

/// How long a temporary output must have been left untouched before [`cleanup_leftovers`]
/// removes it (10 minutes).
pub const LEFTOVER_MIN_AGE: std::time::Duration = std::time::Duration::from_secs(600);

/// [`cleanup_leftovers`] with another minimum age (`Duration::ZERO`: every leftover).
pub fn cleanup_leftovers_older_than(dir: &Path, min_age: std::time::Duration) -> Result<Vec<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io("read the folder", dir, &e)),
    };
    let now = std::time::SystemTime::now();
    let mut removed = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read the folder", dir, &e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_partial_name(name) {
            continue;
        }
        let path = entry.path();
        // `symlink_metadata`: the entry itself, never what a link points to.
        let Ok(meta) = fs::symlink_metadata(&path) else { continue };
        if meta.file_type().is_symlink() || !(meta.is_file() || meta.is_dir()) {
            continue;
        }
        let newest = newest_mtime(&path, &meta);
        let age = newest.and_then(|t| now.duration_since(t).ok()).unwrap_or_default();
        if age < min_age {
            continue;
        }
        let r = if meta.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
        match r {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove the leftover", &path, &e)),
        }
    }
    removed.sort();
    Ok(removed)
}

/// Whether `name` is a temporary name of [`PendingOutput::create`]: `.NAME.partial-XXXXXX`, NAME
/// not empty, X an ASCII letter or digit (tempfile's default 6 random characters).
pub fn is_partial_name(name: &str) -> bool {
    const MARK: &str = ".partial-";
    let b = name.as_bytes();
    if b.len() < 1 + 1 + MARK.len() + 6 || b[0] != b'.' {
        return false;
    }
    let (head, random) = name.split_at(name.len() - 6);
    random.bytes().all(|c| c.is_ascii_alphanumeric()) && head.ends_with(MARK) && head.len() > 1 + MARK.len()
}

/// The newest modification time of `path` and, for a folder, of everything in it (links not
/// followed).
fn newest_mtime(path: &Path, meta: &fs::Metadata) -> Option<std::time::SystemTime> {
    let mut newest = meta.modified().ok();
    if meta.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = fs::read_dir(&d) else { continue };
            for e in rd.flatten() {
                let Ok(m) = fs::symlink_metadata(e.path()) else { continue };
                if let Ok(t) = m.modified() {
                    newest = Some(newest.map_or(t, |n| n.max(t)));
                }
                if m.is_dir() {
                    stack.push(e.path());
                }
            }
        }
    }
    newest
}

/// Writes entries as files under a root folder that Result Vault created and owns (so no
/// symbolic link can be in the way). Files are created with `create_new`: never overwritten.
///
/// Permissions never come from the archive: whatever mode an entry's external attributes hold
/// (executable, set-user-ID…), files are created `rw-r--r--` (0o644) and folders `rwxr-xr-x`
/// (0o755) on Unix, less the process's umask, so nothing extracted can be run by a double click
/// or from a shell without the user's say. Before each file whose size its header declares, the
/// free disk space is checked ([`ensure_space`]). Each file gets the system's "downloaded from
/// the internet" mark ([`crate::archive::mark`]: `Zone.Identifier` on Windows,
/// `com.apple.quarantine` on macOS).
pub struct FolderSink {
    root: PathBuf,
    current: Option<(BufWriter<File>, PathBuf)>,
    /// Sync each file when it is complete (an output the user keeps), or not (a scratch copy).
    durable: bool,
}

impl FolderSink {
    /// A sink writing under `root` (an empty folder); with `durable`, each file is synced when
    /// complete (see [`PendingOutput::durable`]).
    pub fn new(root: &Path, durable: bool) -> Self {
        FolderSink { root: root.to_path_buf(), current: None, durable }
    }
}

/// Creates `dir` and its missing parents, `rwxr-xr-x` on Unix whatever the archive says.
fn create_dirs(dir: &Path) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o755);
    b.create(dir).map_err(|e| Error::io("create the folder", dir, &e))
}

impl EntrySink for FolderSink {
    fn reserve(&mut self, path: &SafePath, bytes: u64) -> Result<()> {
        ensure_space(&self.root, bytes, &format!("the file \"{}\"", path.normalized))
    }

    fn begin_file(&mut self, path: &SafePath) -> Result<()> {
        let full = self.root.join(path.to_path_buf());
        if let Some(parent) = full.parent() {
            create_dirs(parent)?;
        }
        let mut options = File::options();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
        let f = options.open(&full).map_err(|e| Error::io("create", &full, &e))?;
        // Windows' Zone.Identifier, macOS' quarantine attribute (archive/mark.rs).
        crate::archive::mark::mark_if_supported(&full)
            .map_err(|e| Error::io("mark as downloaded from the internet", &full, &e))?;
        self.current = Some((BufWriter::with_capacity(256 * 1024, f), full));
        Ok(())
    }

    fn write(&mut self, data: &[u8]) -> Result<()> {
        match &mut self.current {
            Some((w, p)) => w.write_all(data).map_err(|e| write_error(p, &e)),
            None => Err(Error::internal("write outside a file")),
        }
    }

    fn end_file(&mut self) -> Result<()> {
        if let Some((w, p)) = self.current.take() {
            let f = w.into_inner().map_err(|e| write_error(&p, e.error()))?;
            if self.durable {
                f.sync_data().map_err(|e| write_error(&p, &e))?;
            }
        }
        Ok(())
    }

    fn directory(&mut self, path: &SafePath) -> Result<()> {
        create_dirs(&self.root.join(path.to_path_buf()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_of_a_crash_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // What PendingOutput makes (left behind with mem::forget, as a crash would).
        let file = PendingOutput::create(&d.join("results.zip"), false, false).unwrap();
        fs::write(file.temp_path(), b"half a zip").unwrap();
        let folder = PendingOutput::create(&d.join("result"), true, false).unwrap();
        fs::create_dir(folder.temp_path().join("sub")).unwrap();
        fs::write(folder.temp_path().join("sub/a.txt"), b"a").unwrap();
        let (file_temp, folder_temp) = (file.temp_path().to_path_buf(), folder.temp_path().to_path_buf());
        std::mem::forget(file);
        std::mem::forget(folder);
        assert!(is_partial_name(file_temp.file_name().unwrap().to_str().unwrap()));
        // Lookalikes that are not ours, and the previous copy of a replaced result.
        let keep = [
            ".results.zip.partial-abc",     // 3 random characters, not 6
            ".results.zip.partial-abcdefg", // 7
            ".results.zip.partial-ab_de!",  // not letters or digits
            "results.zip.partial-abcdef",   // no leading dot
            "..partial-abcdef",             // no name
            ".result.old-1234",
            "result.txt",
            ".partial-abcdef",
        ];
        for k in keep {
            fs::write(d.join(k), b"keep").unwrap();
        }
        // A link with our form, to a folder outside: neither followed nor removed.
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("precious.txt"), b"precious").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.path(), d.join(".linked.partial-Zz9Zz9")).unwrap();
        // Fresh leftovers may belong to a decryption running in another process: kept.
        assert!(cleanup_leftovers(d).unwrap().is_empty());
        assert!(file_temp.exists() && folder_temp.exists());
        let mut removed = cleanup_leftovers_older_than(d, std::time::Duration::ZERO).unwrap();
        removed.sort();
        let mut want = vec![file_temp.clone(), folder_temp.clone()];
        want.sort();
        assert_eq!(removed, want);
        assert!(!file_temp.exists() && !folder_temp.exists());
        for k in keep {
            assert!(d.join(k).exists(), "{k} was removed");
        }
        assert_eq!(fs::read(outside.path().join("precious.txt")).unwrap(), b"precious");
        #[cfg(unix)]
        assert!(fs::symlink_metadata(d.join(".linked.partial-Zz9Zz9")).unwrap().file_type().is_symlink());
        // A folder that does not exist has no leftovers.
        assert!(cleanup_leftovers(&d.join("missing")).unwrap().is_empty());
    }

    #[test]
    fn old_leftovers_are_removed_by_default() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(".r.zip.partial-q1w2e3");
        fs::write(&old, b"x").unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options().write(true).open(&old).unwrap().set_modified(hour_ago).unwrap();
        assert_eq!(cleanup_leftovers(dir.path()).unwrap(), vec![old.clone()]);
        assert!(!old.exists());
    }

    #[test]
    fn a_file_that_does_not_fit_on_the_disk_is_refused_before_it_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut sink = FolderSink::new(dir.path(), false);
        let path = crate::archive::names::safe_relative_path("big.bin").unwrap();
        sink.reserve(&path, 10).unwrap();
        let e = sink.reserve(&path, u64::MAX / 2).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Io);
        assert!(e.message.starts_with("Not enough disk space: the file \"big.bin\" needs 9.2 EB"), "{}", e.message);
        assert!(e.hint.starts_with("Free at least ") && e.hint.contains("another disk"), "{}", e.hint);
        let full = write_error(Path::new("/x/y"), &std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(full.kind, ErrorKind::Io);
        assert!(full.message.starts_with("The disk is full: could not write /x/y"), "{}", full.message);
        assert_eq!(human_bytes(999), "999 bytes");
        assert_eq!(human_bytes(1_500_000), "1.5 MB");
        assert_eq!(human_bytes(256 << 20), "268.4 MB");
    }

    #[test]
    fn a_new_result_need_not_be_synced_but_one_that_replaces_another_must() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("results.zip");
        let mut fresh = PendingOutput::create(&target, false, false).unwrap();
        assert!(fresh.durable(), "durable unless told otherwise (key ring exports, kits)");
        fresh.set_durable(false);
        assert!(!fresh.durable());
        fs::write(fresh.temp_path(), b"new").unwrap();
        fresh.commit(false).unwrap();

        let mut replacing = PendingOutput::create(&target, false, true).unwrap();
        replacing.set_durable(false);
        assert!(replacing.durable(), "the rename destroys the old copy: the new one is synced first");
        fs::write(replacing.temp_path(), b"newer").unwrap();
        replacing.commit(true).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"newer");
    }
}
