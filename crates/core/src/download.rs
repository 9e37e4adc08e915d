//! Downloading a result archive from IPFS gateways (docs/design.md 3.4): plain HTTP GET of
//! gateway + location with `Accept: application/zip`, streamed to `<dest>.part` in fixed-size
//! chunks (memory stays flat whatever the size), cumulative progress, cancel, resume with
//! `Range` (+ `If-Range` when the gateway gave a validator), retries with backoff, and the next
//! gateway when one fails. The `.part` file is renamed to `dest` only once complete.
//!
//! A cancelled or cut download keeps its `.part` (and a small `.part.json` with the validator
//! and size), so the next attempt, even after a restart, resumes where it stopped.
//!
//! Gateways are not trusted (docs/design.md 3.5): the client follows a redirect only within the
//! gateway's own origin, never from HTTPS to HTTP nor to another host or port
//! ([`crate::http::redirect_refusal`]); a gateway that redirects elsewhere is not asked again.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::http::{client, network_error};
use crate::progress::CancelToken;

/// Bytes read per chunk.
const CHUNK: usize = 256 * 1024;
/// A read that stalls longer fails the attempt (it is then retried).
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Retry policy.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// Rounds over all gateways (each gateway is tried once per round).
    pub rounds: u32,
    /// Wait before the second round; doubled each round.
    pub backoff: Duration,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        DownloadOptions { rounds: 4, backoff: Duration::from_millis(500) }
    }
}

/// One progress report of a download (cumulative bytes, including what a resume skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DownloadProgress {
    /// Bytes on disk so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Size of the archive (0 until a gateway says).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
    /// Bytes per second over the current attempt.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes_per_sec: u64,
    /// The gateway in use (scheme and host).
    pub gateway: String,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// Set while waiting before a retry: milliseconds to wait, and why.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub retry_in_ms: Option<u64>,
    /// Why the previous attempt failed, while retrying.
    pub retry_reason: Option<String>,
}

/// What a finished download did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DownloadOutcome {
    /// The archive, complete.
    pub path: String,
    /// Its size.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes: u64,
    /// Bytes that were already on disk from an earlier attempt (0 if none).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub resumed_from: u64,
    /// The gateway that served the last byte.
    pub gateway: String,
    /// Attempts made.
    pub attempts: u32,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct PartMeta {
    url: String,
    validator: Option<String>,
    total: u64,
}

/// The partial file next to `dest`.
pub fn part_path(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(".part");
    PathBuf::from(s)
}

fn meta_path(dest: &Path) -> PathBuf {
    let mut s = dest.as_os_str().to_owned();
    s.push(".part.json");
    PathBuf::from(s)
}

/// Bytes of a partial download of `dest` on disk, and the total if known.
pub fn partial_state(dest: &Path) -> (u64, u64) {
    let have = std::fs::metadata(part_path(dest)).map(|m| m.len()).unwrap_or(0);
    let total = std::fs::read(meta_path(dest))
        .ok()
        .and_then(|b| serde_json::from_slice::<PartMeta>(&b).ok())
        .map_or(0, |m| m.total);
    (have, total)
}

/// Removes a partial download of `dest`.
pub fn discard_partial(dest: &Path) {
    let _ = std::fs::remove_file(part_path(dest));
    let _ = std::fs::remove_file(meta_path(dest));
}

fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .map(|u| {
            format!("{}://{}", u.scheme(), u.host_str().unwrap_or("?"))
                + &u.port().map(|p| format!(":{p}")).unwrap_or_default()
        })
        .unwrap_or_else(|| url.to_owned())
}

/// How an attempt failed.
enum Failure {
    /// Worth retrying (cut, timeout, 5xx, 429).
    Retry(String),
    /// This gateway redirected where Result Vault does not follow: not asked again.
    Refused(String),
    /// This gateway does not have it (404, 410): try the next, do not retry here.
    Missing(String),
    /// Stop now (cancelled, disk error).
    Fatal(Error),
}

/// Downloads the first of `urls` that works into `dest` (a new file; never overwritten: when
/// `dest` exists it is returned as is). `urls` are the same content on several gateways.
///
/// Errors: `network` when every gateway failed every round (the message says what happened
/// last), `no_result` when every gateway answered 404, `io`, `cancelled` (the `.part` is kept
/// for a resume).
pub fn download(
    urls: &[String],
    dest: &Path,
    opts: &DownloadOptions,
    progress: &dyn Fn(DownloadProgress),
    cancel: &CancelToken,
) -> Result<DownloadOutcome> {
    if let Ok(m) = std::fs::metadata(dest) {
        return Ok(DownloadOutcome {
            path: dest.display().to_string(),
            bytes: m.len(),
            resumed_from: m.len(),
            gateway: String::new(),
            attempts: 0,
        });
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, &e))?;
    }
    let http = client(STALL_TIMEOUT)?;
    let resumed_from = partial_state(dest).0;
    let mut attempts = 0;
    let mut last = String::from("no gateway is configured");
    let mut missing = 0;
    let mut refused = vec![false; urls.len()];
    for round in 0..opts.rounds.max(1) {
        missing = 0;
        // The first failure of a round says what went wrong (the next gateways' refusals follow from it).
        let mut first_failure: Option<String> = None;
        for (i, url) in urls.iter().enumerate() {
            if refused[i] {
                continue;
            }
            cancel.check()?;
            attempts += 1;
            match attempt(&http, url, dest, attempts, progress, cancel) {
                Ok(bytes) => {
                    return Ok(DownloadOutcome {
                        path: dest.display().to_string(),
                        bytes,
                        resumed_from,
                        gateway: host_of(url),
                        attempts,
                    })
                }
                Err(Failure::Fatal(e)) => return Err(e),
                Err(Failure::Missing(why)) => {
                    missing += 1;
                    first_failure.get_or_insert_with(|| why.clone());
                    last = why;
                }
                Err(Failure::Retry(why)) => {
                    first_failure.get_or_insert_with(|| why.clone());
                    last = why;
                }
                Err(Failure::Refused(why)) => {
                    refused[i] = true;
                    first_failure.get_or_insert_with(|| why.clone());
                    last = why;
                }
            }
        }
        let refused_count = refused.iter().filter(|r| **r).count();
        if missing == urls.len() || (refused_count > 0 && missing + refused_count == urls.len()) {
            break;
        }
        if round + 1 < opts.rounds {
            let wait = opts.backoff * 2u32.saturating_pow(round);
            let (done, total) = partial_state(dest);
            progress(DownloadProgress {
                done,
                total,
                bytes_per_sec: 0,
                gateway: urls.first().map(|u| host_of(u)).unwrap_or_default(),
                attempt: attempts,
                retry_in_ms: Some(wait.as_millis() as u64),
                retry_reason: first_failure.clone().or_else(|| Some(last.clone())),
            });
            sleep_cancellable(wait, cancel)?;
        }
    }
    if missing == urls.len() && !urls.is_empty() {
        return Err(Error::new(
            ErrorKind::NoResult,
            format!("No IPFS gateway has this result ({last})."),
            "The result may not be pinned any more, or not yet propagated. Try again later, or add another gateway in Settings.",
        ));
    }
    Err(network_error(
        format!("The result could not be downloaded after {attempts} attempts: {last}."),
        "What was downloaded is kept: try again later and it resumes where it stopped. Check your connection, or the gateways in Settings.",
    ))
}

fn sleep_cancellable(d: Duration, cancel: &CancelToken) -> Result<()> {
    let end = Instant::now() + d;
    while Instant::now() < end {
        cancel.check()?;
        std::thread::sleep(Duration::from_millis(50).min(end.saturating_duration_since(Instant::now())));
    }
    cancel.check()
}

fn read_meta(dest: &Path) -> Option<PartMeta> {
    serde_json::from_slice(&std::fs::read(meta_path(dest)).ok()?).ok()
}

fn write_meta(dest: &Path, meta: &PartMeta) -> std::io::Result<()> {
    let tmp = {
        let mut s = meta_path(dest).into_os_string();
        s.push(".tmp");
        PathBuf::from(s)
    };
    std::fs::write(&tmp, serde_json::to_vec(meta).unwrap_or_default())?;
    std::fs::rename(tmp, meta_path(dest))
}

/// `Content-Range: bytes a-b/size` → (a, size).
fn content_range(h: &reqwest::header::HeaderMap) -> Option<(u64, Option<u64>)> {
    let v = h.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let rest = v.strip_prefix("bytes ")?;
    let (range, size) = rest.split_once('/')?;
    let start = range.split_once('-')?.0.parse().ok()?;
    Some((start, size.parse().ok()))
}

fn attempt(
    http: &reqwest::blocking::Client,
    url: &str,
    dest: &Path,
    attempt_no: u32,
    progress: &dyn Fn(DownloadProgress),
    cancel: &CancelToken,
) -> std::result::Result<u64, Failure> {
    let part = part_path(dest);
    let io = |action: &str, e: std::io::Error| Failure::Fatal(Error::io(action, &part, &e));
    let meta = read_meta(dest).unwrap_or_default();
    let mut have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    let gateway = host_of(url);
    let mut req = http.get(url).header("Accept", "application/zip");
    if have > 0 {
        req = req.header("Range", format!("bytes={have}-"));
        if let Some(v) = &meta.validator {
            req = req.header("If-Range", v);
        }
    }
    let mut resp = req.send().map_err(|e| {
        if let Some(why) = crate::http::redirect_refused(&e) {
            return Failure::Refused(format!("{gateway} redirected {why}, which Result Vault refuses"));
        }
        let why = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "refused the connection"
        } else {
            "broke the connection"
        };
        Failure::Retry(format!("{gateway} {why}"))
    })?;
    let status = resp.status().as_u16();
    let (mut file, total) = match status {
        206 => {
            let (start, size) = content_range(resp.headers()).unwrap_or((u64::MAX, None));
            if start != have {
                // Not the range asked for: start over rather than glue mismatched bytes.
                discard_partial(dest);
                return Err(Failure::Retry(format!("{gateway} answered another range than asked")));
            }
            let f = OpenOptions::new().append(true).open(&part).map_err(|e| io("open", e))?;
            (f, size.unwrap_or(meta.total))
        }
        200 => {
            // Full body: either a first download, or the content changed (If-Range) or the
            // gateway ignores Range. Start from zero.
            have = 0;
            let f = File::create(&part).map_err(|e| io("create", e))?;
            (f, resp.content_length().unwrap_or(0))
        }
        416 if meta.total > 0 && have == meta.total => {
            (OpenOptions::new().append(true).open(&part).map_err(|e| io("open", e))?, have)
        }
        416 => {
            discard_partial(dest);
            return Err(Failure::Retry(format!("{gateway} refused the range of a partial download")));
        }
        404 | 410 => return Err(Failure::Missing(format!("{gateway} answered HTTP {status}"))),
        _ => return Err(Failure::Retry(format!("{gateway} answered HTTP {status}"))),
    };
    let validator = resp
        .headers()
        .get(reqwest::header::ETAG)
        .or_else(|| resp.headers().get(reqwest::header::LAST_MODIFIED))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    write_meta(dest, &PartMeta { url: url.to_owned(), validator, total }).map_err(|e| io("write", e))?;

    let started = Instant::now();
    let start_have = have;
    let mut last_report = Instant::now() - Duration::from_secs(1);
    let mut buf = vec![0u8; CHUNK];
    let report = |done: u64, force: bool, last_report: &mut Instant| {
        if force || last_report.elapsed() >= Duration::from_millis(100) {
            *last_report = Instant::now();
            let secs = started.elapsed().as_secs_f64().max(0.001);
            progress(DownloadProgress {
                done,
                total,
                bytes_per_sec: ((done - start_have) as f64 / secs) as u64,
                gateway: gateway.clone(),
                attempt: attempt_no,
                retry_in_ms: None,
                retry_reason: None,
            });
        }
    };
    report(have, true, &mut last_report);
    loop {
        if cancel.is_cancelled() {
            let _ = file.flush();
            return Err(Failure::Fatal(Error::new(
                ErrorKind::Cancelled,
                "Download paused. What was downloaded is kept.",
                "Download again to resume where it stopped.",
            )));
        }
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                let _ = file.flush();
                let why = if e.kind() == std::io::ErrorKind::TimedOut { "stalled" } else { "was cut" };
                return Err(Failure::Retry(format!("the transfer from {gateway} {why} at {have} bytes")));
            }
        };
        file.write_all(&buf[..n]).map_err(|e| io("write", e))?;
        have += n as u64;
        report(have, false, &mut last_report);
    }
    file.sync_all().map_err(|e| io("write", e))?;
    drop(file);
    if total > 0 && have != total {
        return Err(Failure::Retry(format!("the transfer from {gateway} ended at {have} of {total} bytes")));
    }
    report(have, true, &mut last_report);
    std::fs::rename(&part, dest).map_err(|e| io("rename", e))?;
    let _ = std::fs::remove_file(meta_path(dest));
    Ok(have)
}

/// A counting limit on downloads running at once; others wait their turn (cancellable).
pub struct Slots {
    free: Mutex<usize>,
    cv: Condvar,
}

/// A taken slot; dropping it frees it.
pub struct Slot<'a>(&'a Slots);

impl Slots {
    /// `n` downloads at once.
    pub fn new(n: usize) -> Self {
        Slots { free: Mutex::new(n.max(1)), cv: Condvar::new() }
    }

    /// Waits for a free slot, checking `cancel` every 100 ms.
    ///
    /// Errors: `cancelled`.
    pub fn acquire(&self, cancel: &CancelToken) -> Result<Slot<'_>> {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            cancel.check()?;
            if *free > 0 {
                *free -= 1;
                return Ok(Slot(self));
            }
            free = self.cv.wait_timeout(free, Duration::from_millis(100)).unwrap_or_else(|e| e.into_inner()).0;
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.0.cv.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_limit_and_free() {
        let s = Slots::new(1);
        let c = CancelToken::new();
        let a = s.acquire(&c).unwrap();
        let c2 = CancelToken::new();
        c2.cancel();
        assert_eq!(s.acquire(&c2).err().unwrap().kind, ErrorKind::Cancelled);
        drop(a);
        assert!(s.acquire(&c).is_ok());
    }

    #[test]
    fn content_range_parsing() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::CONTENT_RANGE, "bytes 100-199/1000".parse().unwrap());
        assert_eq!(content_range(&h), Some((100, Some(1000))));
        h.insert(reqwest::header::CONTENT_RANGE, "bytes 100-199/*".parse().unwrap());
        assert_eq!(content_range(&h), Some((100, None)));
    }
}
