//! Opening result archives (dropped, or named on the command line) and the result digest.

use std::path::{Path, PathBuf};

use result_vault_core::archive::{inspect, open_result, ArchiveLayout, OpenOptions, OpenOutcome, OutputTarget};
use result_vault_core::digest::{result_digest_of_folder, ResultDigest};
use result_vault_core::keys::{load_key_paths, KeyCandidate};
use result_vault_core::progress::{no_progress, CancelToken, ProgressEvent};
use result_vault_core::Error;

use crate::library::new_entry;
use crate::session::Engine;
use crate::tasks::KeyChoice;
use crate::Result;
use result_vault_core::db::results::ResultSource;

/// A folder name under `results` for `archive` that does not exist yet: the archive's name
/// without `.zip`, then `name (2)`, `name (3)`...
pub fn unique_output_folder(results: &Path, archive: &Path) -> PathBuf {
    let stem = archive
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty() && !s.starts_with('.'))
        .unwrap_or_else(|| "result".to_owned());
    let mut candidate = results.join(&stem);
    let mut n = 2;
    while candidate.exists() {
        candidate = results.join(format!("{stem} ({n})"));
        n += 1;
    }
    candidate
}

/// Where an opened result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenTarget {
    /// A new folder under the results folder, named after the archive (the app).
    ResultsFolder,
    /// What the user chose (`--output`, `--extract`), replacing it only with `overwrite`.
    Output {
        /// Zip, folder or check only.
        target: OutputTarget,
        /// The CLI's `--force`.
        overwrite: bool,
    },
}

impl Engine {
    /// Opens `archive` (decrypts, or copies a plain result) with `keys`, plus the keys found at
    /// `extra_key_paths` (files or `.secrets/beneficiary` folders) not already tried. Streaming;
    /// `cancel` stops it and removes what was written.
    ///
    /// Errors: every kind of opening a result (docs/design.md 5).
    pub fn open_archive(
        &self,
        archive: &Path,
        keys: KeyChoice,
        extra_key_paths: &[PathBuf],
        target: OpenTarget,
        progress: &(dyn Fn(ProgressEvent) + Sync),
        cancel: &CancelToken,
    ) -> Result<OpenOutcome> {
        let mut keys = self.keys_for(keys)?;
        add_new_keys(&mut keys, load_key_paths(extra_key_paths)?);
        let opts = match target.clone() {
            OpenTarget::ResultsFolder => {
                OpenOptions::new(OutputTarget::Folder(unique_output_folder(&self.dirs().results, archive)))
            }
            OpenTarget::Output { target, overwrite } => {
                let mut o = OpenOptions::new(target);
                o.overwrite = overwrite;
                o
            }
        };
        // The app opens into the results folder; the command line writes where it is told.
        let source = match target {
            OpenTarget::ResultsFolder => ResultSource::File,
            OpenTarget::Output { .. } => ResultSource::Cli,
        };
        let outcome = open_result(archive, &keys, &opts, progress, cancel);
        match &outcome {
            Ok(o) => {
                log::info!(
                    "opened a result: {:?}, key {}, {} files",
                    o.status,
                    o.key_fingerprint.as_deref().unwrap_or("-"),
                    o.files.len()
                );
                if let Some(out) = o.output.as_deref() {
                    self.record_output(Path::new(out));
                }
                self.remember_result(new_entry(archive, o, source, None, None));
            }
            Err(e) => log::warn!("could not open a result: {}", e.kind),
        }
        outcome
    }

    /// The result digest as the enclave computes it, of a folder of decrypted files, or of an
    /// archive (decrypted with `keys` into a temporary folder, removed afterwards).
    ///
    /// Errors: those of opening the archive, `io`.
    pub fn digest(&self, path: &Path, keys: KeyChoice) -> Result<ResultDigest> {
        if path.is_dir() {
            return result_digest_of_folder(path);
        }
        let work =
            tempfile::tempdir().map_err(|e| Error::io("create a temporary folder in", &std::env::temp_dir(), &e))?;
        let keys = match inspect(path)?.layout {
            ArchiveLayout::Plain => Vec::new(),
            _ => self.keys_for(keys)?,
        };
        let target = work.path().join("result");
        open_result(
            path,
            &keys,
            &OpenOptions::new(OutputTarget::Folder(target.clone())),
            &no_progress,
            &CancelToken::new(),
        )?;
        result_digest_of_folder(&target)
    }
}

fn add_new_keys(keys: &mut Vec<KeyCandidate>, more: Vec<KeyCandidate>) {
    for k in more {
        if !keys.iter().any(|r| r.fingerprint == k.fingerprint) {
            keys.push(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_folders_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let a = Path::new("/x/encryptedResults.zip");
        let first = unique_output_folder(dir.path(), a);
        assert_eq!(first.file_name().unwrap(), "encryptedResults");
        std::fs::create_dir(&first).unwrap();
        assert_eq!(unique_output_folder(dir.path(), a).file_name().unwrap(), "encryptedResults (2)");
        assert_eq!(unique_output_folder(dir.path(), Path::new("/x/.zip")).file_name().unwrap(), "result");
    }
}
