//! Files the user asked for (exported keys, recovery kits): written to a temporary file beside
//! the target, synced, then renamed into place; never replacing a file without `overwrite`.

use std::io::Write;
use std::path::{Path, PathBuf};

use result_vault_core::archive::output::PendingOutput;
use result_vault_core::Error;

use crate::Result;

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone the folder allows (public keys).
    Public,
    /// The owner only (mode 0600 on Unix), set on the temporary file *before* it is renamed
    /// into place, so the secret is never readable by others, not even for a moment.
    OwnerOnly,
}

/// Writes `content` to `path` atomically and returns the absolute path written.
///
/// Errors: `output_exists` (the target exists and `overwrite` is false), `io`.
pub fn write_new(path: &Path, content: &[u8], overwrite: bool, audience: Audience) -> Result<PathBuf> {
    let pending = PendingOutput::create(path, false, overwrite)?;
    #[cfg(unix)]
    if audience == Audience::OwnerOnly {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(pending.temp_path(), std::fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io("protect", pending.temp_path(), &e))?;
    }
    #[cfg(not(unix))]
    let _ = audience;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(pending.temp_path())
        .map_err(|e| Error::io("write", path, &e))?;
    f.write_all(content).map_err(|e| Error::io("write", path, &e))?;
    f.sync_all().map_err(|e| Error::io("write", path, &e))?;
    drop(f);
    pending.commit(overwrite)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_replaces_without_consent_and_private_files_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k_key");
        let written = write_new(&p, b"secret", false, Audience::OwnerOnly).unwrap();
        assert_eq!(std::fs::read(&written).unwrap(), b"secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&written).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let e = write_new(&p, b"other", false, Audience::OwnerOnly).unwrap_err();
        assert_eq!(e.kind, result_vault_core::ErrorKind::OutputExists);
        assert_eq!(std::fs::read(&p).unwrap(), b"secret");
        write_new(&p, b"other", true, Audience::Public).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"other");
    }
}
