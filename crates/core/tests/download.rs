//! Downloads against the stand-in IPFS gateways (tests/standins/standins.mjs on 127.0.0.1):
//! pause and resume with Range, a restart that finds the partial file, the second gateway when
//! the first is down, 404 everywhere, and cumulative progress.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use result_vault_core::download::{download, part_path, partial_state, DownloadOptions, DownloadProgress};
use result_vault_core::progress::CancelToken;
use result_vault_core::ErrorKind;
use serde_json::{json, Value};

struct Gateways {
    child: Child,
    _stdin: Option<ChildStdin>,
    urls: Vec<String>,
    control: String,
}

impl Drop for Gateways {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const CID: &str = "/ipfs/QmTestDownloadAbcdefghijkmnopqrstuvwxyz123456";

fn start(dir: &Path, file: &Path) -> Gateways {
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, json!({ "chainId": 1337, "deals": [], "files": { CID: file } }).to_string()).unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut child = Command::new("node")
        .args(["tests/standins/standins.mjs", "--scenario", scenario.to_str().unwrap()])
        .current_dir(repo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    Gateways {
        child,
        _stdin: stdin,
        urls: v["gateways"].as_array().unwrap().iter().map(|g| format!("{}{CID}", g.as_str().unwrap())).collect(),
        control: v["control"].as_str().unwrap().to_owned(),
    }
}

impl Gateways {
    fn control(&self, path: &str, body: Value) {
        let r = reqwest::blocking::Client::new().post(format!("{}{path}", self.control)).json(&body).send().unwrap();
        assert!(r.status().is_success());
    }
    fn log(&self) -> Vec<Value> {
        let v: Value = reqwest::blocking::get(format!("{}/log", self.control)).unwrap().json().unwrap();
        v.as_array().cloned().unwrap()
    }
}

fn payload(dir: &Path, len: usize) -> PathBuf {
    let p = dir.join("archive.zip");
    let data: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    std::fs::write(&p, data).unwrap();
    p
}

fn quick() -> DownloadOptions {
    DownloadOptions { rounds: 3, backoff: Duration::from_millis(50) }
}

#[test]
fn pause_then_resume_after_a_restart_with_range() {
    let dir = tempfile::tempdir().unwrap();
    let file = payload(dir.path(), 3 * 1024 * 1024);
    let g = start(dir.path(), &file);
    // Slow enough to pause part way.
    g.control("/gateway/0", json!({ "mode": "ok", "rate": 1024 * 1024 }));
    let dest = dir.path().join("dl/task.zip");
    let cancel = CancelToken::new();
    let events = Mutex::new(Vec::<DownloadProgress>::new());
    let on = |p: DownloadProgress| {
        if p.done > 512 * 1024 {
            cancel.cancel();
        }
        events.lock().unwrap().push(p);
    };
    let e = download(&g.urls[..1], &dest, &quick(), &on, &cancel).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Cancelled);
    assert!(!dest.exists());
    let (have, total) = partial_state(&dest);
    assert!(have > 0 && have < total, "partial kept: {have} of {total}");
    let ev = events.into_inner().unwrap();
    assert!(ev.windows(2).all(|w| w[0].done <= w[1].done), "cumulative progress");
    assert_eq!(ev.last().unwrap().total, 3 * 1024 * 1024);

    // "Restart": a new call finds the partial file and asks only for the rest.
    g.control("/reset", json!({}));
    let out = download(&g.urls[..1], &dest, &quick(), &|_| {}, &CancelToken::new()).unwrap();
    assert_eq!(out.resumed_from, have);
    assert_eq!(std::fs::read(&dest).unwrap(), std::fs::read(&file).unwrap());
    assert!(!part_path(&dest).exists());
    let log = g.log();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["range"], format!("bytes={have}-"));
    assert_eq!(log[0]["ifRange"].as_str().map(|s| s.contains("Qm")), Some(true), "If-Range with the ETag");
    assert_eq!(log[0]["status"], 206);
}

#[test]
fn second_gateway_when_the_first_is_down_and_no_result_on_404() {
    let dir = tempfile::tempdir().unwrap();
    let file = payload(dir.path(), 200_000);
    let g = start(dir.path(), &file);
    g.control("/gateway/0", json!({ "mode": "down" }));
    let dest = dir.path().join("a.zip");
    let out = download(&g.urls, &dest, &quick(), &|_| {}, &CancelToken::new()).unwrap();
    assert!(g.urls[1].starts_with(&out.gateway), "{} served", out.gateway);
    assert_eq!(std::fs::read(&dest).unwrap(), std::fs::read(&file).unwrap());

    // A 503 that heals: retried with backoff on the same gateway, with a retry event.
    g.control("/reset", json!({}));
    g.control("/gateway/0", json!({ "mode": "error", "status": 503, "failCount": 2 }));
    let retries = Mutex::new(0);
    let out = download(
        &g.urls[..1],
        &dir.path().join("b.zip"),
        &quick(),
        &|p| {
            if p.retry_in_ms.is_some() {
                *retries.lock().unwrap() += 1;
            }
        },
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(out.attempts, 3);
    assert_eq!(*retries.lock().unwrap(), 2);

    let missing: Vec<String> = g.urls.iter().map(|u| u.replace("QmTest", "QmMissing")).collect();
    let e = download(&missing, &dir.path().join("c.zip"), &quick(), &|_| {}, &CancelToken::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoResult);
    // Every gateway failing every round: a network error, partial kept for later.
    g.control("/gateway/0", json!({ "mode": "down" }));
    g.control("/gateway/1", json!({ "mode": "down" }));
    let e = download(&g.urls, &dir.path().join("d.zip"), &quick(), &|_| {}, &CancelToken::new()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(e.message.contains("6 attempts"), "{}", e.message);
}
