//! Getting a task's result end to end: confirm on chain (`viewTask`, the truth), download from
//! the network's IPFS gateways, open it with the key ring's keys (or find it not encrypted),
//! and verify the files against the result digest on chain.

use std::path::{Path, PathBuf};

use alloy_primitives::B256;
use serde::Serialize;

use crate::archive::{open_result, OpenOptions, OpenOutcome, OutputTarget};
use crate::chain::{ChainTask, IpfsLocation, Network, ResultLocation, Rpc, TaskStatus};
use crate::download::{download, DownloadOptions, DownloadOutcome, DownloadProgress};
use crate::error::{Error, ErrorKind, Result};
use crate::keys::KeyCandidate;
use crate::progress::{CancelToken, ProgressEvent};
use crate::verify::{verify_folder, Verification};

/// What a fetch is doing now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "stage", content = "progress", rename_all = "snake_case")]
pub enum FetchEvent {
    /// Reading the task on chain.
    Confirming,
    /// Downloading (cumulative bytes, speed, gateway; retries announced with `retry_in_ms`).
    Downloading(DownloadProgress),
    /// Opening: the decryption's own progress.
    Opening(ProgressEvent),
    /// Recomputing the result digest.
    Verifying,
}

/// What a fetch produced (also the CLI's `fetch --json` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FetchOutcome {
    /// The task as the chain says now.
    pub task: ChainTask,
    /// The download.
    pub download: DownloadOutcome,
    /// The opened result.
    pub open: OpenOutcome,
    /// The comparison with the chain.
    pub verification: Verification,
}

/// The archive path the reference CLI would use: `<dir>/<taskid>.zip`.
pub fn archive_path(downloads: &Path, task_id: &str) -> PathBuf {
    downloads.join(format!("{}.zip", task_id.to_ascii_lowercase()))
}

/// The gateway URLs of a result location: each gateway + the absolute location (which replaces
/// any path of the gateway URL, docs/design.md 3.4).
///
/// Only a location that [`IpfsLocation::parse`] accepts gives URLs (none otherwise), and each
/// URL is on its gateway's own scheme, host and port: the location only ever sets the path
/// (never joined as a relative reference, which `//host/…` or `http://…` would redirect), and
/// a URL whose origin differs from its gateway's is dropped. Gateways that are not `http` or
/// `https` URLs with a host are skipped. docs/design.md 3.5.
pub fn gateway_urls(gateways: &[String], location: &str) -> Vec<String> {
    let Ok(location) = IpfsLocation::parse(location) else { return Vec::new() };
    gateways
        .iter()
        .filter_map(|g| {
            let gateway = reqwest::Url::parse(g).ok()?;
            if !matches!(gateway.scheme(), "http" | "https") || gateway.host_str().is_none() {
                return None;
            }
            let mut url = gateway.clone();
            url.set_path(&location.path());
            url.set_query(None);
            url.set_fragment(None);
            (url.origin() == gateway.origin()).then(|| url.to_string())
        })
        .collect()
}

/// Reads a task and says why there is nothing to download, if so. The location returned is a
/// checked `/ipfs/<CID>[/<segment>…]` path ([`IpfsLocation`]): any other location written on
/// chain (a URL, `//host/…`, `file:`, `..`, backslashes, control characters, a malformed CID)
/// is `no_result`, with the reason in the message (docs/design.md 3.5).
///
/// Errors: `task_not_found`, `no_result` (not completed; callback; dropbox; none; a location
/// that is not a safe IPFS path), `network`.
pub fn confirm_downloadable(network: &Network, task_id: &str) -> Result<(ChainTask, String)> {
    let id: B256 = task_id.trim().parse().map_err(|_| {
        Error::new(
            ErrorKind::TaskNotFound,
            format!("\u{201c}{task_id}\u{201d} is not a task id."),
            "A task id is 0x followed by 64 hexadecimal digits.",
        )
    })?;
    let hub = crate::chain::parse_address(&network.hub)?;
    let task = Rpc::new(&network.rpc_url)?.view_task(hub, id, crate::tasks::now())?;
    let no_result = |message: String, hint: &str| Err(Error::new(ErrorKind::NoResult, message, hint));
    if task.deal_id.trim_start_matches("0x").chars().all(|c| c == '0') {
        return Err(Error::new(
            ErrorKind::TaskNotFound,
            format!("No task {task_id} on {}.", network.label),
            "Check the task id and the network; a task that has not started yet is not on chain.",
        ));
    }
    if task.status != TaskStatus::Completed {
        let state = match task.status {
            TaskStatus::Failed => "failed",
            TaskStatus::Timeout => "timed out",
            _ => "not completed yet",
        };
        return no_result(
            format!("Task {task_id} is {state}: it has no result."),
            "Only completed tasks have a result. Refresh later if it is still running.",
        );
    }
    match &task.result {
        ResultLocation::Ipfs { location } => match IpfsLocation::parse(location) {
            Ok(checked) => Ok((task, checked.path())),
            Err(why) => no_result(
                format!("The chain names a result location that Result Vault refuses to use: {why}. Only /ipfs/<CID> locations are downloaded."),
                "The result location was written on chain by whoever completed the task; it may be malformed or hostile. Ask the requester for the result file, then open it with Result Vault.",
            ),
        },
        ResultLocation::Ethereum => no_result(
            "This is a callback task: its result was sent on chain to the callback contract; there is no file to download.".into(),
            "Read the result from the callback contract.",
        ),
        ResultLocation::Dropbox { .. } => no_result(
            "This result was stored on Dropbox by the requester, not on IPFS.".into(),
            "Ask the requester for the file, then open it with Result Vault.",
        ),
        ResultLocation::None => no_result(
            "The chain names no result location for this task.".into(),
            "The application may have produced no result.",
        ),
    }
}

/// Confirms, downloads (resuming a partial download), opens into `output` and verifies.
///
/// Errors: those of [`confirm_downloadable`], of [`download`], and every kind of opening a
/// result (docs/design.md 5). A verification mismatch is NOT an error: `verification.status` says it.
pub fn fetch_task(
    network: &Network,
    task_id: &str,
    downloads: &Path,
    output: OutputTarget,
    keys: &[KeyCandidate],
    progress: &(dyn Fn(FetchEvent) + Sync),
    cancel: &CancelToken,
) -> Result<FetchOutcome> {
    progress(FetchEvent::Confirming);
    let (task, location) = confirm_downloadable(network, task_id)?;
    cancel.check()?;
    let urls = gateway_urls(&network.ipfs_gateways, &location);
    let dest = archive_path(downloads, &task.task_id);
    let dl = download(&urls, &dest, &DownloadOptions::default(), &|p| progress(FetchEvent::Downloading(p)), cancel)?;
    open_and_verify(&task, dl, output, keys, progress, cancel)
}

/// Opens a downloaded archive and verifies it against `task` (for an archive already here).
pub fn open_and_verify(
    task: &ChainTask,
    dl: DownloadOutcome,
    output: OutputTarget,
    keys: &[KeyCandidate],
    progress: &(dyn Fn(FetchEvent) + Sync),
    cancel: &CancelToken,
) -> Result<FetchOutcome> {
    let archive = PathBuf::from(&dl.path);
    // The digest needs the files: with a zip output, the same pass also extracts them into a
    // scratch folder beside the archive (the same disk, not a small /tmp), verified then removed.
    let scratch = match &output {
        OutputTarget::Folder(_) => None,
        _ => {
            let beside = archive.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let dir = tempfile::Builder::new()
                .prefix(".verify-")
                .tempdir_in(beside)
                .map_err(|e| Error::io("create a folder in", beside, &e))?;
            Some(dir)
        }
    };
    let mut opts = OpenOptions::new(output.clone());
    opts.also_extract_to = scratch.as_ref().map(|d| d.path().to_path_buf());
    let open = open_result(&archive, keys, &opts, &|e| progress(FetchEvent::Opening(e)), cancel)?;
    progress(FetchEvent::Verifying);
    let verification = match (&output, &scratch) {
        (OutputTarget::Folder(folder), _) => verify_folder(folder, task)?,
        (_, Some(dir)) => verify_folder(dir.path(), task)?,
        (_, None) => return Err(Error::internal("no folder to verify")),
    };
    Ok(FetchOutcome { task: task.clone(), download: dl, open, verification })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CID: &str = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";

    #[test]
    fn gateway_urls_stay_on_the_gateways_host() {
        let gateways = vec!["https://gw.example/some/prefix?x=1".to_owned(), "http://127.0.0.1:8080".to_owned()];
        assert_eq!(
            gateway_urls(&gateways, &format!("/ipfs/{CID}/a/b.zip")),
            vec![format!("https://gw.example/ipfs/{CID}/a/b.zip"), format!("http://127.0.0.1:8080/ipfs/{CID}/a/b.zip")]
        );
        for hostile in [
            format!("//evil.example/ipfs/{CID}"),
            format!("http://10.0.0.1/ipfs/{CID}"),
            format!("https://evil.example/ipfs/{CID}"),
            format!("file:///ipfs/{CID}"),
            format!("/ipfs/{CID}/../../x"),
            format!("/ipfs/{CID}/..\\..\\x"),
            "/ipfs/../../evil".to_owned(),
            format!("ipfs/{CID}"),
            format!("/ipfs/{CID}/%2f%2fevil.example"),
            format!("/ipfs/{CID}\r\nHost: evil.example"),
            "/ipfs/QmTestCid".to_owned(),
        ] {
            assert_eq!(gateway_urls(&gateways, &hostile), Vec::<String>::new(), "{hostile:?}");
        }
        // A gateway that is not an http(s) URL with a host gives no URL.
        assert!(gateway_urls(&["file:///tmp".to_owned()], &format!("/ipfs/{CID}")).is_empty());
    }
}
