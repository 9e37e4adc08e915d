//! `result-vault tasks` and `fetch` against real parts: ganache with the test hub seeded from a
//! scenario, and the stand-in subgraph, market API and two IPFS gateways (tests/standins).
//! One scenario serves every check, in order, because seeding a chain takes seconds.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{ganache, key_pair, make_scenario, seed_chain, Standins};
use serde_json::{json, Value};

const BENEFICIARY: &str = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";

struct World {
    _ganache: common::Proc,
    rpc: String,
    hub: String,
    standins: Standins,
    scenario: Value,
    key: std::path::PathBuf,
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let (key, pubkey) = key_pair(dir.path());
        let (ganache, rpc) = ganache();
        let (path, scenario) = make_scenario(dir.path(), &BENEFICIARY.to_lowercase(), &pubkey);
        let hub = seed_chain(&rpc, &path);
        let standins = Standins::start(&path);
        World { _ganache: ganache, rpc, hub, standins, scenario, key, dir }
    }

    fn net_args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec![
            "--network".into(),
            "local".into(),
            "--chain-id".into(),
            "1337".into(),
            "--rpc-url".into(),
            self.rpc.clone(),
            "--hub".into(),
            self.hub.clone(),
            "--subgraph-url".into(),
            self.standins.subgraph.clone(),
            "--market-url".into(),
            self.standins.market.clone(),
        ];
        for g in &self.standins.gateways {
            a.push("--gateway-url".into());
            a.push(g.clone());
        }
        a
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_result-vault"))
            .args(args)
            .args(self.net_args())
            .arg("--home")
            .arg(self.dir.path().join("home"))
            .output()
            .unwrap()
    }

    fn artifact(&self, name: &str) -> String {
        self.scenario["artifacts"][name].as_str().unwrap_or_else(|| panic!("artifact {name}")).to_owned()
    }
}

fn json(o: &Output) -> Value {
    let s = String::from_utf8_lossy(&o.stdout);
    assert_eq!(s.lines().count(), 1, "one JSON object: {s}\nstderr: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_str(&s).unwrap()
}

fn task<'a>(v: &'a Value, id: &str) -> Option<&'a Value> {
    v["tasks"].as_array().unwrap().iter().find(|t| t["task_id"] == id)
}

fn p(x: &Path) -> &str {
    x.to_str().unwrap()
}

#[test]
fn tasks_and_fetch_against_a_local_chain_and_stand_in_services() {
    let w = World::new();
    let deals = w.scenario["deals"].as_array().unwrap().clone();
    let task_of = |name: &str, idx: usize| -> String {
        let id = &w.scenario["artifacts"]["deals"][name];
        let deal = deals.iter().find(|d| &d["id"] == id).unwrap_or_else(|| panic!("deal {name} in scenario"));
        deal["tasks"][idx]["id"].as_str().unwrap().to_owned()
    };

    // 1. Listing from the subgraph (the beneficiary typed checksummed: the client lowercases).
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["refresh"]["source"], "subgraph");
    assert_eq!(v["beneficiary"], BENEFICIARY);
    let a0 = task_of("A", 0);
    let t = task(&v, &a0).expect("task A0 listed");
    assert_eq!(t["status"], "completed");
    assert_eq!(t["encrypted"], true);
    assert_eq!(t["result"]["storage"], "ipfs");
    assert!(t["confirmed_at"].is_null(), "a quick refresh trusts the subgraph's states");
    assert_eq!(task(&v, &task_of("A", 1)).unwrap()["status"], "active");
    assert_eq!(task(&v, &task_of("B", 0)).unwrap()["status"], "failed", "FAILLED read as failed");
    assert_eq!(task(&v, &task_of("B", 1)).unwrap()["status"], "timeout", "derived from the final deadline");
    assert_eq!(task(&v, &task_of("C", 0)).unwrap()["result"]["storage"], "ethereum");
    assert_eq!(task(&v, &task_of("D", 0)).unwrap()["encrypted"], false);
    assert!(task(&v, &task_of("E", 0)).is_none(), "the subgraph does not know deal E yet");
    assert!(v["tasks"].as_array().unwrap().iter().all(|t| t["beneficiary"] == BENEFICIARY), "only this beneficiary");
    // --offline lists the cache without any network.
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json", "--offline"]);
    let cached = json(&o);
    assert!(cached["refresh"].is_null());
    assert_eq!(cached["tasks"], v["tasks"]);
    // --full confirms every open task on chain (viewTask, batched).
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json", "--full"]);
    let v = json(&o);
    assert!(v["refresh"]["confirmed"].as_u64().unwrap() >= 6, "{}", v["refresh"]);
    assert!(task(&v, &a0).unwrap()["confirmed_at"].is_u64(), "confirmed on chain");
    assert_eq!(task(&v, &task_of("B", 1)).unwrap()["status"], "timeout");

    // 2. Subgraph down: the market API stands in, with a warning; the chain gives the states.
    w.standins.control("/subgraph", json!({ "mode": "down" }));
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json", "--full"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["refresh"]["source"], "market");
    assert!(v["refresh"]["warning"].as_str().unwrap().contains("market API"));
    let e0 = task(&v, &task_of("E", 0)).expect("deal E from the market API, its task computed from botSize");
    assert_eq!(e0["status"], "completed", "confirmed on chain");
    // Both indexes down: a network error that says so.
    w.standins.control("/market", json!({ "mode": "error", "status": 502 }));
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json", "--full"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "network");
    w.standins.control("/reset", json!({}));

    // 3. Fetch: download, decrypt with the given key, verified against the chain.
    let out = w.dir.path().join("out-a0");
    let o = w.run(&["fetch", &a0, "--key", p(&w.key), "--extract", p(&out), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["open"]["status"], "decrypted");
    assert_eq!(v["verification"]["status"], "verified");
    assert_eq!(v["verification"]["expected"], v["verification"]["computed"]);
    assert_eq!(v["verification"]["expected"], w.artifact("digest"));
    assert!(out.join("result.txt").is_file());
    // The fetch is recorded in the task cache as the app records it (one engine for both): the
    // task lists as verified, with its archive and output, so the app shows it fetched.
    let o = w.run(&["tasks", "--beneficiary", BENEFICIARY, "--json", "--offline"]);
    let v = json(&o);
    let row = task(&v, &a0).expect("the fetched task is listed");
    assert_eq!(row["vault"], "verified", "{row}");
    assert_eq!(row["output_path"].as_str().map(std::path::Path::new), Some(out.as_path()), "{row}");
    assert!(row["archive_path"].as_str().is_some_and(|a| std::path::Path::new(a).is_file()), "{row}");

    // 4. A cut half way through, then a failing first gateway: it resumes with Range.
    w.standins.control("/reset", json!({}));
    let size = std::fs::metadata(w.artifact("archive")).unwrap().len();
    w.standins.control("/gateway/0", json!({ "mode": "cut", "cutAfter": size / 2, "failCount": 1 }));
    let o = w.run(&["fetch", &a0, "--key", p(&w.key), "--downloads", p(&w.dir.path().join("dl-cut")), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["verification"]["status"], "verified");
    assert!(v["download"]["attempts"].as_u64().unwrap() >= 2);
    let log = w.standins.log();
    let ranged: Vec<&Value> =
        log.iter().filter(|r| r["range"].as_str().is_some_and(|r| r.starts_with("bytes="))).collect();
    assert!(!ranged.is_empty(), "the retry asked for the rest with Range: {log:?}");
    assert!(ranged.iter().all(|r| r["status"] == 206), "{ranged:?}");
    let total_sent: u64 = log
        .iter()
        .filter(|r| r["service"].as_str().unwrap_or("").starts_with("gateway"))
        .filter_map(|r| r["bytesSent"].as_u64())
        .sum();
    assert!(total_sent < size + size / 4, "resumed, not downloaded twice: {total_sent} bytes for {size}");
    // Verified from the scratch copy the decrypting pass made beside the archive, then removed.
    let left: Vec<String> = std::fs::read_dir(w.dir.path().join("dl-cut"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".verify-"))
        .collect();
    assert!(left.is_empty(), "scratch folders left behind: {left:?}");

    // The first gateway failing: the second one serves.
    w.standins.control("/reset", json!({}));
    w.standins.control("/gateway/0", json!({ "mode": "error", "status": 503 }));
    let o = w.run(&["fetch", &a0, "--key", p(&w.key), "--downloads", p(&w.dir.path().join("dl-fallback")), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["download"]["gateway"].as_str().unwrap(), w.standins.gateways[1].trim_end_matches('/'));

    // 5. A tampered archive: it decrypts, but the digest differs: exit 3 and "mismatch".
    w.standins.control("/reset", json!({}));
    w.standins.control("/files", json!({ w.artifact("cid"): w.artifact("tampered") }));
    let o = w.run(&["fetch", &a0, "--key", p(&w.key), "--downloads", p(&w.dir.path().join("dl-tampered")), "--json"]);
    assert_eq!(o.status.code(), Some(3));
    let v = json(&o);
    assert_eq!(v["open"]["status"], "decrypted");
    assert_eq!(v["verification"]["status"], "mismatch");
    assert_ne!(v["verification"]["expected"], v["verification"]["computed"]);

    // 6. A plain result: not encrypted, still verified; a callback task: nothing to download.
    let o = w.run(&["fetch", &task_of("D", 0), "--downloads", p(&w.dir.path().join("dl-plain")), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["open"]["status"], "not_encrypted");
    assert_eq!(v["verification"]["status"], "verified");
    let o = w.run(&["fetch", &task_of("C", 0), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "no_result");
    // The wrong key: no_matching_key, and the archive stays downloaded.
    let k2 = w.dir.path().join("k2");
    std::fs::create_dir_all(&k2).unwrap();
    let (other, _) = key_pair(&k2);
    let o = w.run(&["fetch", &a0, "--key", p(&other), "--downloads", p(&w.dir.path().join("dl-wrong")), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "no_matching_key");
    assert!(w.dir.path().join("dl-wrong").join(format!("{a0}.zip")).is_file());
    // An unknown task id.
    let o = w.run(&["fetch", &format!("0x{}", "12".repeat(32)), "--json"]);
    assert_eq!(json(&o)["error"]["kind"], "task_not_found");

    // By hand, through the library: a deal id adds all its tasks, a task id one, from the chain.
    use result_vault_core::chain::Network;
    use result_vault_core::db::Db;
    let net = Network {
        name: "local".into(),
        label: "Local".into(),
        chain_id: 1337,
        rpc_url: w.rpc.clone(),
        hub: w.hub.clone(),
        sms_urls: vec![],
        ipfs_gateways: w.standins.gateways.clone(),
        subgraph_url: w.standins.subgraph.clone(),
        market_api_url: w.standins.market.clone(),
        legacy: false,
    };
    let mut db = Db::open_in_memory().unwrap();
    let deal_a = w.scenario["artifacts"]["deals"]["A"].as_str().unwrap();
    let rows = result_vault_core::tasks::add_by_id(&mut db, &net, deal_a).unwrap();
    assert_eq!(rows.len(), 2, "deal A has two tasks");
    assert_eq!(rows[0].task_id, a0);
    assert_eq!(format!("{:?}", rows[0].status), "Completed");
    assert_eq!(rows[0].source, result_vault_core::index::DealSource::Manual);
    let rows = result_vault_core::tasks::add_by_id(&mut db, &net, &task_of("B", 1)).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(format!("{:?}", rows[0].status), "Timeout");
    let e = result_vault_core::tasks::add_by_id(&mut db, &net, &format!("0x{}", "34".repeat(32))).unwrap_err();
    assert_eq!(e.kind, result_vault_core::ErrorKind::TaskNotFound);
    let e = result_vault_core::tasks::add_by_id(&mut db, &net, "0x1234").unwrap_err();
    assert_eq!(e.kind, result_vault_core::ErrorKind::TaskNotFound);
}
