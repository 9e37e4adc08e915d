//! The services outside the engine are hostile (docs/design.md 3.5), against the stand-ins
//! (tests/standins): a gateway that redirects elsewhere, services that answer too much (the
//! subgraph, the market API, a JSON-RPC node, the SMS), and a subgraph listing more deals than
//! The Graph's `skip` can reach.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use alloy_primitives::{keccak256, Address};
use result_vault_core::chain::Rpc;
use result_vault_core::download::{download, DownloadOptions};
use result_vault_core::index::market::MarketApi;
use result_vault_core::index::subgraph::Subgraph;
use result_vault_core::progress::CancelToken;
use result_vault_core::sms::Sms;
use result_vault_core::wallet::Wallet;
use result_vault_core::{Error, ErrorKind};
use serde_json::{json, Value};

const CID: &str = "/ipfs/QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
const BENEFICIARY: &str = "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A node child process, killed when dropped; its first stdout line, parsed.
struct Node {
    child: Child,
    _stdin: Option<ChildStdin>,
    urls: Value,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn node(args: &[&str]) -> Node {
    let mut child = Command::new("node")
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let urls = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{args:?} said {line:?}: {e}"));
    Node { child, _stdin: stdin, urls }
}

fn standins(dir: &Path, scenario: Value) -> Node {
    let path = dir.join("scenario.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    node(&["tests/standins/standins.mjs", "--scenario", path.to_str().unwrap()])
}

impl Node {
    fn url(&self, name: &str) -> String {
        self.urls[name].as_str().unwrap_or_else(|| panic!("{name} in {}", self.urls)).to_owned()
    }
    fn gateway(&self, i: usize) -> String {
        self.urls["gateways"][i].as_str().unwrap().to_owned()
    }
    fn control(&self, path: &str, body: Value) {
        let r =
            reqwest::blocking::Client::new().post(format!("{}{path}", self.url("control"))).json(&body).send().unwrap();
        assert!(r.status().is_success(), "control {path}: {}", r.status());
    }
    fn log(&self) -> Vec<Value> {
        let v: Value = reqwest::blocking::get(format!("{}/log", self.url("control"))).unwrap().json().unwrap();
        v.as_array().cloned().unwrap()
    }
}

fn quick() -> DownloadOptions {
    DownloadOptions { rounds: 2, backoff: Duration::from_millis(20) }
}

fn assert_network(e: &Error, words: &[&str]) {
    assert_eq!(e.kind, ErrorKind::Network, "{e:?}");
    for w in words {
        assert!(e.message.contains(w), "{w:?} not in {:?}", e.message);
    }
}

/// A gateway's redirect is followed within its own origin only: to another port or another
/// host (`localhost` is not `127.0.0.1`), the download fails with a `network` error that says so.
#[test]
fn a_gateway_redirecting_to_another_host_or_port_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("archive.zip");
    std::fs::write(&file, vec![7u8; 100_000]).unwrap();
    let s = standins(dir.path(), json!({ "chainId": 1337, "deals": [], "files": { CID: file } }));
    let g0 = s.gateway(0);
    let url = format!("{g0}{CID}");
    let port0 = g0.rsplit(':').next().unwrap().to_owned();

    // To the other gateway (same host, another port), which would serve the same bytes.
    s.control("/gateway/0", json!({ "mode": "redirect", "location": format!("{}{CID}", s.gateway(1)) }));
    let e = download(std::slice::from_ref(&url), &dir.path().join("a.zip"), &quick(), &|_| {}, &CancelToken::new())
        .unwrap_err();
    assert_network(&e, &["redirected to another port", &s.gateway(1)]);
    assert!(!dir.path().join("a.zip").exists());
    assert!(s.log().iter().all(|r| r["service"] == "gateway0"), "the other origin was never asked: {:?}", s.log());
    assert_eq!(s.log().len(), 1, "a gateway that redirects elsewhere is not asked again");

    // To another host name for the same machine and port.
    s.control("/reset", json!({}));
    s.control("/gateway/0", json!({ "mode": "redirect", "location": format!("http://localhost:{port0}{CID}") }));
    let e = download(std::slice::from_ref(&url), &dir.path().join("b.zip"), &quick(), &|_| {}, &CancelToken::new())
        .unwrap_err();
    assert_network(&e, &["redirected to another host", "localhost"]);

    // Within its own origin, a redirect is followed.
    s.control("/reset", json!({}));
    s.control("/gateway/0", json!({ "mode": "redirect", "location": format!("{CID}"), "failCount": 1 }));
    let out = download(&[url], &dir.path().join("c.zip"), &quick(), &|_| {}, &CancelToken::new()).unwrap();
    assert_eq!(out.bytes, 100_000);
    let statuses: Vec<Value> = s.log().iter().map(|r| r["status"].clone()).collect();
    assert_eq!(statuses, vec![json!(302), json!(200)]);
}

/// Each service's answer is read with a limit before it is parsed: a larger one (here a body
/// that would parse, padded) is a `network` error naming the service, and the client stops
/// reading (the stand-in sent far less than it offered).
#[test]
fn services_that_answer_too_much_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = standins(dir.path(), json!({ "chainId": 1337, "deals": [], "files": {} }));
    let cancel = CancelToken::new();
    let beneficiary: Address = BENEFICIARY.parse().unwrap();
    let offered = 200u64 << 20;
    let sent = |service: &str| -> u64 {
        s.log().iter().filter(|r| r["service"] == service).map(|r| r["bytesSent"].as_u64().unwrap()).sum()
    };

    // The subgraph: an empty deals list, padded past 32 MiB.
    s.control("/subgraph", json!({ "mode": "huge", "bytes": offered, "json": { "data": { "deals": [] } } }));
    let e =
        Subgraph::new(&s.url("subgraph")).unwrap().deals_of(&beneficiary, &|_| false, &|_| {}, &cancel).unwrap_err();
    assert_network(&e, &["The subgraph", "sent too much", "32 MiB"]);
    assert!(sent("subgraph") < offered / 2, "read on: {} bytes", sent("subgraph"));

    // The market API, announcing its size (refused before reading) and not announcing it.
    for announce in [true, false] {
        s.control("/reset", json!({}));
        let page = json!({ "ok": true, "deals": [], "count": 0 });
        s.control("/market", json!({ "mode": "huge", "bytes": offered, "json": page, "announce": announce }));
        let e = MarketApi::new(&s.url("market")).unwrap().deals_of(1337, &beneficiary, &cancel).unwrap_err();
        assert_network(&e, &["The market API", "sent too much", "16 MiB"]);
        assert!(sent("market") < offered / 2, "read on: {} bytes", sent("market"));
    }

    // A JSON-RPC node: a good chain id, padded past 8 MiB.
    s.control("/reset", json!({}));
    let rpc = Rpc::new(&s.url("rpc")).unwrap();
    assert_eq!(rpc.chain_id().unwrap(), 1337, "the stand-in RPC answers");
    s.control(
        "/rpc",
        json!({ "mode": "huge", "bytes": offered, "json": { "jsonrpc": "2.0", "id": 1, "result": "0x539" } }),
    );
    let e = rpc.chain_id().unwrap_err();
    assert_network(&e, &["The RPC", "sent too much", "8 MiB"]);
    assert!(sent("rpc") < offered / 2, "read on: {} bytes", sent("rpc"));

    // The SMS: a "created" answer with a body past 64 KiB.
    let sms = node(&["tests/standins/sms-standin.mjs"]);
    let mode = |body: Value| {
        let r = reqwest::blocking::Client::new()
            .post(format!("{}/mode", sms.urls["control"].as_str().unwrap()))
            .json(&body)
            .send()
            .unwrap();
        assert!(r.status().is_success());
    };
    mode(json!({ "mode": "huge", "status": 201, "bytes": 16u64 << 20 }));
    let wallet = Wallet::from_hex("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d").unwrap();
    let client = Sms::new(sms.urls["sms"].as_str().unwrap()).unwrap();
    let pem = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
    let e = client.set(&wallet, pem, true).unwrap_err();
    assert_network(&e, &["The SMS", "sent too much", "64 KiB"]);
    // An SMS that answers normally still works.
    mode(json!({ "mode": "ok" }));
    assert!(client.set(&wallet, pem, true).unwrap().created);
}

fn deal(i: usize, beneficiary: &str, start_time: u64) -> Value {
    let id = keccak256(i.to_be_bytes()).to_string();
    json!({
        "id": id, "app": { "id": format!("0x{}", "11".repeat(20)), "name": "app" },
        "beneficiary": beneficiary, "requester": beneficiary, "callback": format!("0x{}", "00".repeat(20)),
        "params": "{}", "startTime": start_time.to_string(), "botFirst": "0", "botSize": "1", "category": "0",
        "tag": format!("0x{}", "00".repeat(32)), "trust": "1",
        "tasks": [{ "id": keccak256(id.as_bytes()).to_string(), "index": "0", "status": "ACTIVE",
                    "finalDeadline": (start_time + 3000).to_string() }]
    })
}

/// More deals than The Graph's `skip` (at most 5,000) can page through, with start times shared
/// by many deals (1,200 at the newest, over two pages; groups of 7 after): every deal comes back
/// once, newest first, from the subgraph (no fallback to the market API).
#[test]
fn the_subgraph_pages_past_five_thousand_deals_by_cursor() {
    let dir = tempfile::tempdir().unwrap();
    const N: usize = 5_600;
    let newest = 1_700_000_000u64;
    let mut deals: Vec<Value> =
        (0..N).map(|i| deal(i, BENEFICIARY, if i < 1_200 { newest } else { newest - 1 - (i / 7) as u64 })).collect();
    deals.extend((N..N + 10).map(|i| deal(i, &format!("0x{}", "22".repeat(20)), newest)));
    let s = standins(dir.path(), json!({ "chainId": 1337, "deals": deals, "files": {} }));
    let subgraph = Subgraph::new(&s.url("subgraph")).unwrap();
    let beneficiary: Address = BENEFICIARY.parse().unwrap();
    let counts = std::sync::Mutex::new(Vec::new());
    let got =
        subgraph.deals_of(&beneficiary, &|_| false, &|n| counts.lock().unwrap().push(n), &CancelToken::new()).unwrap();
    let ids: HashSet<&str> = got.iter().map(|d| d.deal_id.as_str()).collect();
    assert_eq!(got.len(), N, "each deal once");
    let expected: HashSet<String> = (0..N).map(|i| keccak256(i.to_be_bytes()).to_string()).collect();
    assert_eq!(ids, expected.iter().map(String::as_str).collect());
    assert!(got.windows(2).all(|w| w[0].start_time >= w[1].start_time), "newest first");
    assert!(got.iter().all(|d| d.tasks.len() == 1));
    assert_eq!(counts.into_inner().unwrap().last(), Some(&N));

    // An incremental refresh still stops at the first page whose deals are all known.
    let got = subgraph.deals_of(&beneficiary, &|_| true, &|_| {}, &CancelToken::new()).unwrap();
    assert_eq!(got.len(), result_vault_core::index::subgraph::PAGE_SIZE);
}
