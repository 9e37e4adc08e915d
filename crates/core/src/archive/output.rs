//! Where results are written: a temporary file or folder beside the target, renamed into place
//! only once complete and checked, removed on any failure (including a panic or a cancel).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::archive::inner::EntrySink;
use crate::archive::names::SafePath;
use crate::error::{Result, VaultError};

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
            return Err(VaultError::output_exists(&target));
        }
        let parent = target.parent().ok_or_else(|| VaultError::internal("the output has no parent folder"))?;
        fs::create_dir_all(parent).map_err(|e| VaultError::io("create the folder", parent, &e))?;
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = if is_dir {
            tempfile::Builder::new()
                .prefix(&format!(".{name}.partial-"))
                .tempdir_in(parent)
                .map_err(|e| VaultError::io("create a temporary folder in", parent, &e))?
                .keep()
        } else {
            let (_f, p) = tempfile::Builder::new()
                .prefix(&format!(".{name}.partial-"))
                .tempfile_in(parent)
                .map_err(|e| VaultError::io("create a temporary file in", parent, &e))?
                .keep()
                .map_err(|e| VaultError::io("create a temporary file in", parent, &e.error))?;
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
                return Err(VaultError::output_exists(&self.target));
            }
            if exists {
                // Move the old folder aside first, so that a failure leaves one complete copy.
                let aside = parent.join(format!(
                    ".{}.old-{}",
                    self.target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    std::process::id()
                ));
                fs::rename(&self.target, &aside).map_err(|e| VaultError::io("move aside", &self.target, &e))?;
                if let Err(e) = fs::rename(&self.temp, &self.target) {
                    let _ = fs::rename(&aside, &self.target);
                    return Err(VaultError::io("move into place", &self.target, &e));
                }
                let _ = remove_any(&aside);
            } else {
                fs::rename(&self.temp, &self.target)
                    .map_err(|e| VaultError::io("move into place", &self.target, &e))?;
            }
        } else if overwrite {
            fs::rename(&self.temp, &self.target).map_err(|e| VaultError::io("move into place", &self.target, &e))?;
        } else {
            // A hard link fails if the target exists: a no-clobber rename without a race.
            match fs::hard_link(&self.temp, &self.target) {
                Ok(()) => {
                    let _ = fs::remove_file(&self.temp);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(VaultError::output_exists(&self.target))
                }
                Err(_) => {
                    // File systems without hard links (FAT, some network shares).
                    if fs::symlink_metadata(&self.target).is_ok() {
                        return Err(VaultError::output_exists(&self.target));
                    }
                    fs::rename(&self.temp, &self.target)
                        .map_err(|e| VaultError::io("move into place", &self.target, &e))?;
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

/// Flushes a folder's entry table to disk, so that a rename survives a power cut (best effort:
/// not every platform can open a folder).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).map_err(|e| VaultError::io("resolve", p, &e))
}

/// Writes entries as files under a root folder that Result Vault created and owns (so no
/// symbolic link can be in the way). Files are created with `create_new`: never overwritten.
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

impl EntrySink for FolderSink {
    fn begin_file(&mut self, path: &SafePath) -> Result<()> {
        let full = self.root.join(path.to_path_buf());
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent).map_err(|e| VaultError::io("create the folder", parent, &e))?;
        }
        let f = File::options()
            .write(true)
            .create_new(true)
            .open(&full)
            .map_err(|e| VaultError::io("create", &full, &e))?;
        self.current = Some((BufWriter::with_capacity(256 * 1024, f), full));
        Ok(())
    }

    fn write(&mut self, data: &[u8]) -> Result<()> {
        match &mut self.current {
            Some((w, p)) => w.write_all(data).map_err(|e| VaultError::io("write", p, &e)),
            None => Err(VaultError::internal("write outside a file")),
        }
    }

    fn end_file(&mut self) -> Result<()> {
        if let Some((w, p)) = self.current.take() {
            let f = w.into_inner().map_err(|e| VaultError::io("write", &p, e.error()))?;
            if self.durable {
                f.sync_data().map_err(|e| VaultError::io("write", &p, &e))?;
            }
        }
        Ok(())
    }

    fn directory(&mut self, path: &SafePath) -> Result<()> {
        let full = self.root.join(path.to_path_buf());
        fs::create_dir_all(&full).map_err(|e| VaultError::io("create the folder", &full, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
