//! Which paths the window may name: the web view is not trusted with paths (docs/trust.md,
//! "The window"). A path reaches a command only if the user chose it through the app itself:
//!
//! - a native dialog that Rust opened ([`crate::native`]): an open dialog grants reading the
//!   file (or the folder and what is inside it), a save dialog grants writing that one file once;
//! - a drag and drop onto the window (the native event, seen by Rust before the web view);
//! - the command line or a second launch ("Open with" in the file manager).
//!
//! Anything else is refused with `invalid_input` before any file is touched. Grants live for the
//! app's run only, in memory.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use result_vault_engine::{Error, ErrorKind};

/// The paths granted in this run.
#[derive(Debug, Default)]
pub struct Grants {
    inner: Mutex<GrantSet>,
}

#[derive(Debug, Default)]
struct GrantSet {
    /// Files or folders the user chose to read (a folder grants what is under it).
    read: HashSet<PathBuf>,
    /// Files the user chose to write, each once.
    write: HashSet<PathBuf>,
}

/// The refusal of a path the user did not choose.
pub fn not_chosen(path: &str) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("Result Vault did not ask you for \"{}\", so it does not use it.", path.escape_debug()),
        "Choose the file again with the app's button, or drop it on the window.",
    )
}

/// `path` as a clean absolute path: no `..`, no `.`; `None` for anything else.
fn clean(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    if !p.is_absolute() || p.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir)) {
        return None;
    }
    Some(p.components().collect())
}

impl Grants {
    fn set(&self) -> std::sync::MutexGuard<'_, GrantSet> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Grants reading `paths` (chosen in an open dialog, dropped, or named on the command line).
    pub fn grant_read<P: AsRef<Path>>(&self, paths: impl IntoIterator<Item = P>) {
        let mut set = self.set();
        for p in paths {
            if let Some(c) = p.as_ref().to_str().and_then(clean) {
                set.read.insert(c);
            }
        }
    }

    /// Grants writing `path` once (chosen in a save dialog, which asked about replacing it).
    pub fn grant_write(&self, path: &Path) {
        if let Some(c) = path.to_str().and_then(clean) {
            self.set().write.insert(c);
        }
    }

    /// Whether `path` may be read: a granted file, or a file under a granted folder.
    pub fn may_read(&self, path: &str) -> bool {
        let Some(p) = clean(path) else { return false };
        self.set().read.iter().any(|g| p == *g || p.starts_with(g))
    }

    /// `path` if it may be read ([`Self::may_read`]), else `invalid_input`.
    pub fn readable(&self, path: &str) -> Result<PathBuf, Error> {
        if self.may_read(path) {
            Ok(PathBuf::from(path))
        } else {
            Err(not_chosen(path))
        }
    }

    /// Takes the write grant of `path` (it is used once), else `invalid_input`. The file, once
    /// written, may be read back (a kit is verified right after it is written).
    pub fn take_write(&self, path: &str) -> Result<PathBuf, Error> {
        let c = clean(path).ok_or_else(|| not_chosen(path))?;
        let mut set = self.set();
        if !set.write.remove(&c) {
            return Err(not_chosen(path));
        }
        set.read.insert(c.clone());
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_chosen_paths_pass() {
        let g = Grants::default();
        assert!(!g.may_read("/home/u/result.zip"));
        g.grant_read(["/home/u/result.zip", "/home/u/.secrets/beneficiary"]);
        assert!(g.may_read("/home/u/result.zip"));
        assert!(g.may_read("/home/u/.secrets/beneficiary/0xabc_key"));
        assert!(!g.may_read("/home/u/other.zip"));
        // No way around a grant with dots or a relative path.
        assert!(!g.may_read("/home/u/.secrets/beneficiary/../../../etc/passwd"));
        assert!(!g.may_read("result.zip"));
        assert!(!g.may_read("/home/u/result.zip/.."));
        assert_eq!(g.readable("/etc/shadow").unwrap_err().kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn a_write_grant_is_used_once_and_then_reads() {
        let g = Grants::default();
        assert_eq!(g.take_write("/home/u/kit.age").unwrap_err().kind, ErrorKind::InvalidInput);
        g.grant_write(Path::new("/home/u/kit.age"));
        assert!(g.take_write("/home/u/other.age").is_err());
        assert_eq!(g.take_write("/home/u/kit.age").unwrap(), PathBuf::from("/home/u/kit.age"));
        assert!(g.take_write("/home/u/kit.age").is_err(), "a second write needs a second choice");
        assert!(g.may_read("/home/u/kit.age"));
        // A read grant is not a write grant.
        g.grant_read(["/home/u/result.zip"]);
        assert!(g.take_write("/home/u/result.zip").is_err());
    }
}
