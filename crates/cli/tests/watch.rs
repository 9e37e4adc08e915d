//! `result-vault watch` and `results` against real parts: ganache with the test hub, and the
//! stand-in subgraph, market API and gateways (tests/standins). A task completes on the chain
//! and in the index between two checks: the next check finds exactly it, confirms it on chain,
//! downloads, decrypts and verifies it, and the results library lists it. The checks when
//! nothing changed make no RPC call at all: the network's RPC is then a closed port, and they
//! still pass.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{ganache, key_pair, make_scenario, node_json, seed_chain, Standins};
use serde_json::{json, Value};

const BENEFICIARY: &str = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";
const PASSPHRASE: &str = "correct horse battery staple";

fn run(home: &Path, networks: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_result-vault"))
        .args(args)
        .arg("--home")
        .arg(home)
        .arg("--passphrase-file")
        .arg(home.with_file_name("passphrase"))
        .env("RESULT_VAULT_NETWORKS", networks)
        .env("LANG", "C")
        .output()
        .unwrap()
}

fn json_of(o: &Output) -> Value {
    let s = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(s.trim())
        .unwrap_or_else(|e| panic!("{e}: {s}\nstderr: {}", String::from_utf8_lossy(&o.stderr)))
}

/// The network `local`, at the local chain and stand-ins.
fn write_networks(file: &Path, rpc: &str, hub: &str, s: &Standins) {
    let v = json!({ "networks": [{
        "name": "local", "label": "Local chain", "chain_id": 1337, "rpc_url": rpc, "hub": hub,
        "sms_urls": ["http://127.0.0.1:9"], "ipfs_gateways": s.gateways, "subgraph_url": s.subgraph,
        "market_api_url": s.market, "legacy": false
    }]});
    std::fs::write(file, serde_json::to_vec(&v).unwrap()).unwrap();
}

#[test]
fn a_task_that_completes_between_two_checks_is_found_opened_verified_and_in_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::write(dir.path().join("passphrase"), PASSPHRASE).unwrap();
    let networks = dir.path().join("networks.json");
    let (key, pubkey) = key_pair(dir.path());
    let (ganache_proc, rpc) = ganache();
    let (path, scenario) = make_scenario(dir.path(), &BENEFICIARY.to_lowercase(), &pubkey);
    let task_a0 = scenario["artifacts"]["taskId"].as_str().unwrap().to_owned();
    let deal_a = scenario["artifacts"]["deals"]["A"].as_str().unwrap().to_owned();

    // Before: deal A's task 0 still running, on chain and in the index.
    let mut before = scenario.clone();
    for d in before["deals"].as_array_mut().unwrap() {
        if d["id"] == deal_a.as_str() {
            let t = d["tasks"][0].as_object_mut().unwrap();
            t.insert("status".into(), json!("ACTIVE"));
            t.remove("results");
            t.remove("resultDigest");
        }
    }
    let before_path: PathBuf = path.with_file_name("scenario-before.json");
    std::fs::write(&before_path, serde_json::to_vec(&before).unwrap()).unwrap();
    let hub = seed_chain(&rpc, &before_path);
    let standins = Standins::start(&before_path);

    // The key ring holds the beneficiary key; the address is watched.
    let o = run(&home, &networks, &["keys", "import", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    write_networks(&networks, &rpc, &hub, &standins);
    let o = run(&home, &networks, &["--json", "watch", "add", BENEFICIARY, "--network", "local"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // First check: learns the address's tasks; old results are not news.
    let r = json_of(&run(&home, &networks, &["--json", "watch", "check", "--action", "open"]));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["new_results"], json!([]));

    // Nothing changed: one subgraph request, and no RPC call (the RPC is now a closed port).
    write_networks(&networks, "http://127.0.0.1:9", &hub, &standins);
    standins.control("/reset", json!({}));
    let r = json_of(&run(&home, &networks, &["--json", "watch", "check", "--action", "open"]));
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["new_results"], json!([]));
    let log = standins.log();
    let subgraph = log.iter().filter(|l| l["service"] == "subgraph").count();
    assert_eq!(subgraph, 1, "one subgraph page when nothing changed: {log:?}");
    assert_eq!(log.len(), 1, "nothing else was asked: {log:?}");

    // The task completes: on chain (same hub) and in the index.
    node_json(&["tests/standins/seed-chain.mjs", "--rpc", &rpc, "--scenario", path.to_str().unwrap(), "--hub", &hub]);
    standins.control("/scenario", scenario.clone());
    write_networks(&networks, &rpc, &hub, &standins);
    let r = json_of(&run(&home, &networks, &["--json", "watch", "check", "--action", "open"]));
    assert_eq!(r["ok"], true, "{r}");
    let new = r["new_results"].as_array().unwrap();
    assert_eq!(new.len(), 1, "exactly the task that completed: {r}");
    assert_eq!(new[0]["task_id"], task_a0.as_str());
    assert_eq!(new[0]["app"], "hello-world");
    assert_eq!(new[0]["state"], "verified", "{r}");

    // The next check: nothing new again.
    let r = json_of(&run(&home, &networks, &["--json", "watch", "check"]));
    assert_eq!(r["new_results"], json!([]), "{r}");

    // The library has it, from the task, verified.
    let lib = json_of(&run(&home, &networks, &["--json", "results"]));
    let items = lib.as_array().unwrap();
    assert_eq!(items.len(), 1, "{lib}");
    assert_eq!(items[0]["entry"]["source"], "task");
    assert_eq!(items[0]["entry"]["task_id"], task_a0.as_str());
    assert_eq!(items[0]["entry"]["verification"]["status"], "verified");
    assert_eq!(items[0]["output_exists"], true);
    let o = run(&home, &networks, &["results", "hello"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("hello-world"));
    drop(ganache_proc);
}
