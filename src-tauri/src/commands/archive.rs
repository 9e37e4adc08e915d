//! Opening result archives: inspect, decrypt in the background with progress and cancel, and
//! the drag-over check.

use std::io::Read;
use std::path::{Path, PathBuf};

use result_vault_core::archive::{inspect, open_result, ArchiveInfo, OpenOptions, OpenOutcome, OutputTarget};
use result_vault_core::keys::load_key_paths;
use result_vault_core::progress::ProgressEvent;
use result_vault_core::VaultError;
use tauri::ipc::Channel;
use tauri::State;

use crate::ipc_types::DropCheck;
use crate::state::AppState;

/// Says what a file is, without any key (`ArchiveInfo`).
#[tauri::command]
pub async fn inspect_archive(path: String) -> Result<ArchiveInfo, VaultError> {
    run_blocking(move || inspect(Path::new(&path))).await
}

/// Decrypts (or, for a plain result, copies) `archive` into a new folder under the results
/// folder, trying the keys found at `key_paths` (files or `.secrets/beneficiary` folders).
/// Progress goes to `on_progress`; `cancel_job(job_id)` stops it and removes what was written.
#[tauri::command]
pub async fn open_archive(
    state: State<'_, AppState>,
    job_id: String,
    archive: String,
    key_paths: Vec<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<OpenOutcome, VaultError> {
    // A cancel may arrive before this command runs: take the token it left, if any.
    let cancel = state.jobs.lock().unwrap_or_else(|e| e.into_inner()).entry(job_id.clone()).or_default().clone();
    let results_dir = state.dirs.results.clone();
    // The ring's keys first (active first), then any key file or folder given.
    let ring_keys = match state.vault.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
        Some(v) => v.candidates()?,
        None => Vec::new(),
    };
    let outcome = run_blocking(move || {
        let archive = PathBuf::from(archive);
        let mut keys = ring_keys;
        for k in load_key_paths(&key_paths.iter().map(PathBuf::from).collect::<Vec<_>>())? {
            if !keys.iter().any(|r| r.fingerprint == k.fingerprint) {
                keys.push(k);
            }
        }
        let target = unique_output_folder(&results_dir, &archive);
        let report = move |e: ProgressEvent| {
            let _ = on_progress.send(e);
        };
        open_result(&archive, &keys, &OpenOptions::new(OutputTarget::Folder(target)), &report, &cancel)
    })
    .await;
    state.jobs.lock().unwrap_or_else(|e| e.into_inner()).remove(&job_id);
    match &outcome {
        Ok(o) => log::info!(
            "opened a result: {:?}, key {}, {} files",
            o.status,
            o.key_fingerprint.as_deref().unwrap_or("-"),
            o.files.len()
        ),
        Err(e) => log::warn!("could not open a result: {}", e.kind),
    }
    let outcome = outcome?;
    if let Some(out) = outcome.output.as_deref().and_then(|o| std::fs::canonicalize(o).ok()) {
        state.outputs.lock().unwrap_or_else(|e| e.into_inner()).insert(out);
    }
    Ok(outcome)
}

/// Asks a job to stop; a job not started yet starts cancelled.
#[tauri::command]
pub fn cancel_job(state: State<'_, AppState>, job_id: String) {
    state.jobs.lock().unwrap_or_else(|e| e.into_inner()).entry(job_id).or_default().cancel();
}

/// For a drag in progress: which of the paths start like a zip (reads 4 bytes of each).
#[tauri::command]
pub fn check_drop(paths: Vec<String>) -> Vec<DropCheck> {
    paths
        .into_iter()
        .map(|path| {
            let mut head = [0u8; 4];
            let looks_like_zip = std::fs::File::open(&path)
                .and_then(|mut f| f.read_exact(&mut head))
                .map(|_| head == *b"PK\x03\x04" || head == *b"PK\x05\x06")
                .unwrap_or(false);
            DropCheck { path, looks_like_zip }
        })
        .collect()
}

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

/// Runs blocking work (file I/O, RSA, AES) off the async runtime's threads.
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, VaultError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(VaultError::internal(format!("background work failed: {e}"))))
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

    #[test]
    fn drop_check_reads_the_signature_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let zip_named_txt = dir.path().join("a.txt");
        std::fs::write(&zip_named_txt, b"PK\x03\x04rest").unwrap();
        let text_named_zip = dir.path().join("b.zip");
        std::fs::write(&text_named_zip, b"hello").unwrap();
        let r = check_drop(vec![
            zip_named_txt.display().to_string(),
            text_named_zip.display().to_string(),
            "/nonexistent".into(),
        ]);
        assert_eq!(r.iter().map(|c| c.looks_like_zip).collect::<Vec<_>>(), [true, false, false]);
    }
}
