//! The engine driven with hostile arguments, as a script in the web view (or a crafted command
//! line) would send them: nothing is written or deleted outside the app's folders, no request
//! goes out for a refused value, and no secret comes back in a result or an error.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use result_vault_core::chain::Network;
use result_vault_core::fetch::FetchEvent;
use result_vault_core::progress::CancelToken;
use result_vault_engine::tasks::{FetchTarget, KeyChoice};
use result_vault_engine::vault::CreateWith;
use result_vault_engine::{Engine, EngineDirs, ErrorKind};
use zeroize::Zeroizing;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iexec-sdk").join(name)
}

fn engine(dir: &Path) -> Engine {
    let e = Engine::new(EngineDirs::in_data(dir.join("data")));
    e.open_vault(CreateWith::Passphrase, || Ok(Zeroizing::new("correct horse battery staple".to_owned()))).unwrap();
    e
}

/// A TCP port that counts the connections made to it (none expected).
fn counting_port() -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    std::thread::spawn(move || {
        for c in l.incoming() {
            if c.is_ok() {
                n2.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    (url, n)
}

fn network(name: &str, url: &str) -> Network {
    Network {
        name: name.to_owned(),
        label: name.to_owned(),
        chain_id: 1337,
        rpc_url: url.to_owned(),
        hub: "0x3eca1B216A7DF1C7689aEb259fFB83ADFB894E7f".to_owned(),
        sms_urls: vec![url.to_owned()],
        ipfs_gateways: vec![url.to_owned()],
        subgraph_url: url.to_owned(),
        market_api_url: url.to_owned(),
        legacy: false,
    }
}

#[test]
fn path_like_identifiers_never_reach_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    // What a traversal from <data>/downloads/<network>/<task>.zip would reach.
    let victim = dir.path().join("victim.zip");
    std::fs::write(&victim, b"keep me").unwrap();
    let hostile_networks = ["..", "../..", "/tmp", "a/../../..", "x\\..\\..", ""];
    for n in hostile_networks {
        let err = e.discard_download(n, &format!("0x{}", "ab".repeat(32))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "network {n:?}");
    }
    for t in ["../../victim", "../../../victim", "0x12", "/etc/passwd", "..\\..\\victim"] {
        let err = e.discard_download("local", t).unwrap_err();
        assert_eq!(err.kind, ErrorKind::TaskNotFound, "task {t:?}");
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"keep me");

    // A fetch of a hostile task id fails before any request, file or cache row.
    let (url, hits) = counting_port();
    let out = e.fetch_task(
        &network("local", &url),
        "../../victim",
        FetchTarget::ResultsFolder,
        KeyChoice::Ring,
        None,
        &|_: FetchEvent| {},
        &CancelToken::new(),
    );
    assert_eq!(out.unwrap_err().kind, ErrorKind::TaskNotFound);
    assert_eq!(hits.load(Ordering::SeqCst), 0, "a request went out");
    assert!(!dir.path().join("data/downloads").exists(), "a downloads folder was made");
    // A fetch on a network whose name is a path is refused the same way.
    let out = e.fetch_task(
        &network("../..", &url),
        &format!("0x{}", "ab".repeat(32)),
        FetchTarget::ResultsFolder,
        KeyChoice::Ring,
        None,
        &|_: FetchEvent| {},
        &CancelToken::new(),
    );
    assert_eq!(out.unwrap_err().kind, ErrorKind::InvalidInput);
    assert_eq!(hits.load(Ordering::SeqCst), 0, "a request went out");
}

#[test]
fn a_network_whose_name_is_a_path_is_refused_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let (url, hits) = counting_port();
    for name in ["../evil", "Evil", "a b", "x/y"] {
        let err = e.save_network(network(name, &url)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput, "{name:?}");
    }
    assert_eq!(hits.load(Ordering::SeqCst), 0, "a request went out for a refused network");
    assert!(e.networks().unwrap().iter().all(|n| !n.network.name.contains('/')));
}

#[test]
fn no_secret_comes_back_in_results_or_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let pem = std::fs::read_to_string(fixture("expected_key")).unwrap();
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    e.import_key_path(&fixture("expected_key")).unwrap();
    let overview = serde_json::to_string(&e.keys_overview().unwrap()).unwrap();
    assert!(!overview.contains("PRIVATE KEY") && !overview.contains(&body[..40]), "key material in the overview");
    // A damaged PEM pasted in (cut in the middle): the error does not echo it back.
    let lines: Vec<&str> = pem.lines().collect();
    let damaged = format!("{}\n{}\n", lines[..lines.len() / 2].join("\n"), lines[lines.len() - 1]);
    let err = e.import_key_pem(&damaged, "x").unwrap_err();
    let text = serde_json::to_string(&err).unwrap();
    assert!(!text.contains(&body[..40]), "the pasted key came back in the error: {text}");
    // A wallet key pasted with garbage: the error does not echo it.
    let secret = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f3623zz";
    let err = e.import_wallet_key(secret, "w").unwrap_err();
    assert!(!serde_json::to_string(&err).unwrap().contains(&secret[..20]));
    // Debug output of the engine names no secret either.
    let debug = format!("{e:?}");
    assert!(!debug.contains(&body[..40]));
}

#[test]
fn temporary_outputs_left_by_a_crash_are_removed_at_start_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let results = data.join("results");
    let downloads = data.join("downloads/local");
    std::fs::create_dir_all(results.join(".result.partial-abc123")).unwrap();
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::write(downloads.join(".0xab.zip.partial-xyz789"), b"half").unwrap();
    std::fs::write(results.join("keep.txt"), b"mine").unwrap();
    std::fs::create_dir_all(results.join("a result")).unwrap();
    // Left long ago (a crash), not by a process running now.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for p in [results.join(".result.partial-abc123"), downloads.join(".0xab.zip.partial-xyz789")] {
        std::fs::File::open(&p).unwrap().set_modified(old).unwrap();
    }
    let e = Engine::new(EngineDirs::in_data(data.clone()));
    assert_eq!(e.start(), 2);
    assert!(!results.join(".result.partial-abc123").exists());
    assert!(!downloads.join(".0xab.zip.partial-xyz789").exists());
    assert!(results.join("keep.txt").exists() && results.join("a result").exists());
}
