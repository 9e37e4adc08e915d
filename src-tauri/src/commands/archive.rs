//! Opening result archives: inspect, decrypt in the background with progress and cancel, and
//! the drag-over check. The engine does the work ([`result_vault_engine::results`]).

use std::io::Read;
use std::path::PathBuf;

use result_vault_core::archive::{inspect, ArchiveInfo, OpenOutcome};
use result_vault_core::progress::ProgressEvent;
use result_vault_engine::results::OpenTarget;
use result_vault_engine::tasks::KeyChoice;
use result_vault_engine::Error;
use tauri::ipc::Channel;
use tauri::State;

use crate::ipc_types::DropCheck;
use crate::state::AppState;

/// Says what a file is, without any key (`ArchiveInfo`).
#[tauri::command]
pub async fn inspect_archive(state: State<'_, AppState>, path: String) -> Result<ArchiveInfo, Error> {
    let path = state.grants.readable(&path)?;
    state.run(move |_| inspect(&path)).await
}

/// Decrypts (or, for a plain result, copies) `archive` into a new folder under the results
/// folder, trying the ring's keys (active first), then the keys found at `key_paths`.
/// Progress goes to `on_progress`; `cancel_job(job_id)` stops it and removes what was written.
#[tauri::command]
pub async fn open_archive(
    state: State<'_, AppState>,
    job_id: String,
    archive: String,
    key_paths: Vec<String>,
    on_progress: Channel<ProgressEvent>,
) -> Result<OpenOutcome, Error> {
    let archive = state.grants.readable(&archive)?;
    // Key paths: chosen by the user in this run, or remembered / found by the engine.
    let chosen: Vec<(String, bool)> = key_paths.into_iter().map(|p| (p.clone(), state.grants.may_read(&p))).collect();
    let id = job_id.clone();
    let out = state
        .run(move |engine| {
            let known: Vec<String> = engine.key_locations().into_iter().map(|l| l.path).collect();
            let extra: Vec<PathBuf> = chosen
                .into_iter()
                .filter(|(p, granted)| *granted || known.contains(p))
                .map(|(p, _)| PathBuf::from(p))
                .collect();
            // A cancel may arrive before this command runs: the token keeps it.
            let cancel = engine.job(&id);
            let pause = progress_pause();
            let report = move |e: ProgressEvent| {
                let _ = on_progress.send(e);
                if let Some(p) = pause {
                    std::thread::sleep(p);
                }
            };
            engine.open_archive(&archive, KeyChoice::Ring, &extra, OpenTarget::ResultsFolder, &report, &cancel)
        })
        .await;
    state.engine.end_job(&job_id);
    out
}

/// In an end-to-end build only, `RESULT_VAULT_E2E_PROGRESS_PAUSE_MS`: a pause after each
/// progress event of an opening (one per 1 MiB chunk at most), so that the screens test can
/// draw a decryption under way; here a 160 MB archive decrypts in about a tenth of a second.
/// `None` in every other build, whatever the environment says.
fn progress_pause() -> Option<std::time::Duration> {
    #[cfg(feature = "e2e")]
    if let Some(ms) = std::env::var("RESULT_VAULT_E2E_PROGRESS_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        return Some(std::time::Duration::from_millis(ms.min(1000)));
    }
    None
}

/// Asks a job to stop; a job not started yet starts cancelled. Async like every command that
/// takes the engine's state: even a short lock wait stays off the main thread.
#[tauri::command]
pub async fn cancel_job(state: State<'_, AppState>, job_id: String) -> Result<(), Error> {
    state.engine.cancel_job(&job_id);
    Ok(())
}

/// For a drag in progress: which of the paths start like a zip (reads 4 bytes of each).
#[tauri::command]
pub async fn check_drop(state: State<'_, AppState>, paths: Vec<String>) -> Result<Vec<DropCheck>, Error> {
    // Only what is being dragged onto the window (granted by the native event) is looked at.
    let paths: Vec<String> = paths.into_iter().filter(|p| state.grants.may_read(p)).collect();
    state.run(move |_| Ok(drop_checks(paths))).await
}

fn drop_checks(paths: Vec<String>) -> Vec<DropCheck> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_check_reads_the_signature_not_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let zip_named_txt = dir.path().join("a.txt");
        std::fs::write(&zip_named_txt, b"PK\x03\x04rest").unwrap();
        let text_named_zip = dir.path().join("b.zip");
        std::fs::write(&text_named_zip, b"hello").unwrap();
        let r = drop_checks(vec![
            zip_named_txt.display().to_string(),
            text_named_zip.display().to_string(),
            "/nonexistent".into(),
        ]);
        assert_eq!(r.iter().map(|c| c.looks_like_zip).collect::<Vec<_>>(), [true, false, false]);
    }
}
