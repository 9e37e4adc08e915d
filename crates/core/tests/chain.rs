//! Reads of the PoCo hub's views against a real local EVM node: ganache (npm, in tests/interop)
//! on 127.0.0.1 with a test hub compiled by solc from tests/chain/MockHub.sol, exposing the same
//! function signatures and struct layouts.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;
use result_vault_core::chain::abi::{Deal, Resource, Task};
use result_vault_core::chain::{task_id, ResultLocation, Rpc, TaskStatus};
use result_vault_core::ErrorKind;
use serde_json::{json, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Ganache {
    child: Child,
    url: String,
}

impl Drop for Ganache {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_ganache() -> Ganache {
    let bin = repo().join("tests/interop/node_modules/.bin/ganache");
    assert!(bin.exists(), "run scripts/setup.sh: it installs ganache in tests/interop");
    let port = free_port();
    let child = Command::new(bin)
        .args([
            "--server.host",
            "127.0.0.1",
            "--server.port",
            &port.to_string(),
            "--chain.chainId",
            "1337",
            "--wallet.deterministic",
            "--logging.quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let g = Ganache { child, url: format!("http://127.0.0.1:{port}") };
    let rpc = Rpc::new(&g.url).unwrap();
    let start = Instant::now();
    while rpc.chain_id().is_err() {
        assert!(start.elapsed() < Duration::from_secs(60), "ganache did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    g
}

fn compile() -> Value {
    let o = Command::new("node").arg(repo().join("tests/chain/compile.mjs")).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn wait_receipt(rpc: &Rpc, tx: &Value) -> Value {
    for _ in 0..100 {
        let r = rpc.call("eth_getTransactionReceipt", json!([tx])).unwrap();
        if !r.is_null() {
            assert_eq!(r["status"], "0x1", "transaction failed: {r}");
            return r;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no receipt");
}

fn send(rpc: &Rpc, from: &str, to: Option<&str>, data: &[u8]) -> Value {
    let mut tx = json!({ "from": from, "data": format!("0x{}", hex::encode(data)), "gas": "0x1c9c380" });
    if let Some(to) = to {
        tx["to"] = json!(to);
    }
    let hash = rpc.call("eth_sendTransaction", json!([tx])).unwrap();
    wait_receipt(rpc, &hash)
}

fn selector(methods: &Value, prefix: &str) -> Vec<u8> {
    let (_, sel) = methods.as_object().unwrap().iter().find(|(k, _)| k.starts_with(prefix)).unwrap();
    hex::decode(sel.as_str().unwrap()).unwrap()
}

#[test]
fn view_task_and_view_deal_decode_from_a_real_node() {
    let g = start_ganache();
    let rpc = Rpc::new(&g.url).unwrap();
    assert_eq!(rpc.chain_id().unwrap(), 1337);
    let compiled = compile();
    let methods = &compiled["methods"];
    // The selectors Result Vault uses are those of the contract's ABI.
    use alloy_sol_types::SolCall;
    use result_vault_core::chain::abi::IexecHubViews;
    assert_eq!(hex::encode(IexecHubViews::viewTaskCall::SELECTOR), methods["viewTask(bytes32)"]);
    assert_eq!(hex::encode(IexecHubViews::viewDealCall::SELECTOR), methods["viewDeal(bytes32)"]);

    let accounts = rpc.call("eth_accounts", json!([])).unwrap();
    let from = accounts[0].as_str().unwrap().to_owned();
    let bytecode = hex::decode(compiled["bytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let receipt = send(&rpc, &from, None, &bytecode);
    let hub_str = receipt["contractAddress"].as_str().unwrap().to_owned();
    let hub: Address = hub_str.parse().unwrap();

    let deal_id: B256 = "0x2c97513bbef02a71b4cf555466f1dcc65e42720cc7d938f8eb53d93cf5ecaccd".parse().unwrap();
    let tid = task_id(deal_id, U256::ZERO);
    let beneficiary: Address = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB".parse().unwrap();
    let res =
        |a: u8| Resource { pointer: Address::repeat_byte(a), owner: Address::repeat_byte(a + 1), price: U256::from(a) };
    let deal = Deal {
        app: res(1),
        dataset: res(3),
        workerpool: res(5),
        trust: U256::from(1),
        category: U256::from(0),
        tag: B256::repeat_byte(0x03),
        requester: Address::repeat_byte(9),
        beneficiary,
        callback: Address::ZERO,
        params: r#"{"iexec_result_encryption":true,"iexec_result_storage_provider":"ipfs"}"#.into(),
        startTime: U256::from(1_700_000_000u64),
        botFirst: U256::ZERO,
        botSize: U256::from(1),
        workerStake: U256::ZERO,
        schedulerRewardRatio: U256::from(1),
        sponsor: Address::repeat_byte(9),
    };
    let digest = B256::repeat_byte(0xab);
    let task = Task {
        status: 3,
        dealid: deal_id,
        idx: U256::ZERO,
        timeref: U256::from(300),
        contributionDeadline: U256::from(1_700_001_000u64),
        revealDeadline: U256::from(1_700_002_000u64),
        finalDeadline: U256::from(1_700_003_000u64),
        consensusValue: B256::repeat_byte(1),
        revealCounter: U256::from(1),
        winnerCounter: U256::from(1),
        contributors: vec![Address::repeat_byte(7)],
        resultDigest: digest,
        results: Bytes::from(r#"{ "storage": "ipfs", "location": "/ipfs/QmTestCid" }"#.as_bytes().to_vec()),
        resultsTimestamp: U256::ZERO,
        resultsCallback: Bytes::new(),
    };
    let mut call = selector(methods, "setDeal(");
    call.extend((deal_id, deal.clone()).abi_encode_params());
    send(&rpc, &from, Some(&hub_str), &call);
    let mut call = selector(methods, "setTask(");
    call.extend((tid, task.clone()).abi_encode_params());
    send(&rpc, &from, Some(&hub_str), &call);

    let read = rpc.view_task(hub, tid, 1_800_000_000).unwrap();
    assert_eq!(read.task_id, tid.to_string());
    assert_eq!(read.deal_id, deal_id.to_string());
    assert_eq!(read.status, TaskStatus::Completed);
    assert_eq!(read.final_deadline, 1_700_003_000);
    assert_eq!(read.result_digest, digest.to_string());
    assert_eq!(read.result, ResultLocation::Ipfs { location: "/ipfs/QmTestCid".into() });
    let read_deal = rpc.view_deal(hub, deal_id).unwrap();
    assert_eq!(read_deal, deal);
    assert_eq!(read_deal.beneficiary, beneficiary);

    // An unknown task reads back uninitialised (dealid = 0, status UNSET), not as an error.
    let unknown = rpc.view_task(hub, B256::repeat_byte(0x55), 1_800_000_000).unwrap();
    assert_eq!(unknown.status, TaskStatus::Unset);
    assert_eq!(unknown.deal_id, B256::ZERO.to_string());
    assert_eq!(unknown.result, ResultLocation::None);
}

#[test]
fn an_unreachable_rpc_is_a_network_error() {
    let port = free_port();
    let e = Rpc::new(&format!("http://127.0.0.1:{port}")).unwrap().chain_id().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(!e.hint.is_empty());
}

/// A deployed test hub: (selectors, sender, hub address).
fn deploy(rpc: &Rpc) -> (Value, String, Address) {
    let compiled = compile();
    let accounts = rpc.call("eth_accounts", json!([])).unwrap();
    let from = accounts[0].as_str().unwrap().to_owned();
    let bytecode = hex::decode(compiled["bytecode"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    let receipt = send(rpc, &from, None, &bytecode);
    let hub = receipt["contractAddress"].as_str().unwrap().parse().unwrap();
    (compiled["methods"].clone(), from, hub)
}

fn network(rpc_url: &str, hub: Address) -> result_vault_core::chain::Network {
    result_vault_core::chain::Network {
        name: "local".into(),
        label: "Local".into(),
        chain_id: 1337,
        rpc_url: rpc_url.into(),
        hub: hub.to_string(),
        sms_urls: vec![],
        ipfs_gateways: vec!["http://127.0.0.1:9".into()],
        subgraph_url: "http://127.0.0.1:9".into(),
        market_api_url: "http://127.0.0.1:9".into(),
        legacy: false,
    }
}

fn deal_for(beneficiary: Address, start_time: u64, category: u64, bot_size: u64) -> Deal {
    let zero = Resource { pointer: Address::ZERO, owner: Address::ZERO, price: U256::ZERO };
    Deal {
        app: Resource { pointer: Address::repeat_byte(1), owner: Address::ZERO, price: U256::ZERO },
        dataset: zero.clone(),
        workerpool: zero,
        trust: U256::from(1),
        category: U256::from(category),
        tag: B256::ZERO,
        requester: beneficiary,
        beneficiary,
        callback: Address::ZERO,
        params: r#"{"iexec_result_encryption":true}"#.into(),
        startTime: U256::from(start_time),
        botFirst: U256::ZERO,
        botSize: U256::from(bot_size),
        workerStake: U256::ZERO,
        schedulerRewardRatio: U256::ZERO,
        sponsor: Address::ZERO,
    }
}

fn completed_task(deal_id: B256, results: &str) -> Task {
    Task {
        status: 3,
        dealid: deal_id,
        idx: U256::ZERO,
        timeref: U256::ZERO,
        contributionDeadline: U256::ZERO,
        revealDeadline: U256::ZERO,
        finalDeadline: U256::from(1_700_003_000u64),
        consensusValue: B256::ZERO,
        revealCounter: U256::ZERO,
        winnerCounter: U256::ZERO,
        contributors: vec![],
        resultDigest: B256::repeat_byte(0xab),
        results: Bytes::from(results.as_bytes().to_vec()),
        resultsTimestamp: U256::ZERO,
        resultsCallback: Bytes::new(),
    }
}

/// A result location on chain is hostile input: only `/ipfs/<CID>[/safe/segments]` is used;
/// anything else is `no_result` with the reason, before any URL is made (docs/design.md 3.5).
#[test]
fn a_result_location_that_is_not_a_safe_ipfs_path_is_no_result() {
    let g = start_ganache();
    let rpc = Rpc::new(&g.url).unwrap();
    let (methods, from, hub) = deploy(&rpc);
    let hub_str = hub.to_string();
    let net = network(&g.url, hub);
    let cid = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
    let cases: Vec<(String, Option<&str>)> = vec![
        (format!("/ipfs/{cid}"), None),
        ("/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/out/result.zip".into(), None),
        ("http://10.0.0.1/ipfs/x".into(), Some("not an /ipfs/<CID> path")),
        (format!("//evil.example/ipfs/{cid}"), Some("not an /ipfs/<CID> path")),
        (format!("file:///ipfs/{cid}"), Some("not an /ipfs/<CID> path")),
        ("/ipfs/../..".into(), Some("`..`")),
        (format!("/ipfs/{cid}/../../etc"), Some("`..`")),
        (format!("/ipfs/{cid}\\..\\x"), Some("backslash")),
        (format!("/ipfs/{cid}/a\u{1}b"), Some("control characters")),
        ("/ipfs/QmNotACid".into(), Some("not a valid CID")),
    ];
    for (i, (location, refused)) in cases.iter().enumerate() {
        let deal_id = B256::repeat_byte(0x10 + i as u8);
        let tid = task_id(deal_id, U256::ZERO);
        let results = json!({ "storage": "ipfs", "location": location }).to_string();
        let mut call = selector(&methods, "setTask(");
        call.extend((tid, completed_task(deal_id, &results)).abi_encode_params());
        send(&rpc, &from, Some(&hub_str), &call);
        let got = result_vault_core::fetch::confirm_downloadable(&net, &tid.to_string());
        match refused {
            None => assert_eq!(got.unwrap().1, *location),
            Some(why) => {
                let e = got.unwrap_err();
                assert_eq!(e.kind, ErrorKind::NoResult, "{location:?}: {e:?}");
                assert!(e.message.contains(why), "{location:?}: {}", e.message);
            }
        }
    }
}

/// A task never initialised on chain is "not started" until its deal's final time, then timed
/// out, as the iexec SDK shows it: `deal.startTime + 10 × category.workClockTimeRef`
/// (`viewCategory`); an unknown category (PoCo reverts) leaves it not started.
#[test]
fn a_task_never_initialised_times_out_at_its_deals_final_time() {
    use result_vault_core::chain::abi::{Category, IexecHubViews};
    use result_vault_core::db::Db;
    let g = start_ganache();
    let rpc = Rpc::new(&g.url).unwrap();
    let (methods, from, hub) = deploy(&rpc);
    let hub_str = hub.to_string();
    use alloy_sol_types::SolCall;
    assert_eq!(hex::encode(IexecHubViews::viewCategoryCall::SELECTOR), methods["viewCategory(uint256)"]);
    let xs = Category { name: "XS".into(), description: "{}".into(), workClockTimeRef: U256::from(300) };
    let mut call = selector(&methods, "setCategory(");
    call.extend((U256::ZERO, xs).abi_encode_params());
    send(&rpc, &from, Some(&hub_str), &call);
    let refs = rpc.view_categories(hub, &[0, 7]).unwrap();
    assert_eq!(refs[0].as_ref().unwrap(), &300);
    assert_eq!(refs[1].as_ref().unwrap_err().kind, ErrorKind::Network, "PoCo reverts for an unknown category");

    let beneficiary: Address = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB".parse().unwrap();
    let now = result_vault_core::tasks::now();
    // started 4,000 s ago, XS: final time 1,000 s ago; started a minute ago; an unknown category.
    let deals = [
        (B256::repeat_byte(0x21), deal_for(beneficiary, now - 4_000, 0, 2), "Timeout", now - 1_000),
        (B256::repeat_byte(0x22), deal_for(beneficiary, now - 60, 0, 1), "Unset", now - 60 + 3_000),
        (B256::repeat_byte(0x23), deal_for(beneficiary, now - 4_000, 7, 1), "Unset", 0),
    ];
    let net = network(&g.url, hub);
    let mut db = Db::open_in_memory().unwrap();
    for (id, deal, status, final_deadline) in &deals {
        let mut call = selector(&methods, "setDeal(");
        call.extend((*id, deal.clone()).abi_encode_params());
        send(&rpc, &from, Some(&hub_str), &call);
        let rows = result_vault_core::tasks::add_by_id(&mut db, &net, &id.to_string()).unwrap();
        assert_eq!(rows.len() as u64, deal.botSize.to::<u64>());
        for r in rows {
            assert_eq!(format!("{:?}", r.status), *status, "{r:?}");
            assert_eq!(r.final_deadline, *final_deadline, "{r:?}");
        }
    }
}

/// viewCategory returns ONE struct in PoCo's published ABI (not the legacy flat tuple).
#[test]
fn view_category_matches_the_published_poco_abi() {
    let p = repo().join("tests/interop/poco/package/abis/contracts/IexecInterfaceToken.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|_| panic!("{} missing: run scripts/setup.sh", p.display()));
    let v: Value = serde_json::from_str(&text).unwrap();
    let abi = v.as_array().cloned().unwrap_or_else(|| v["abi"].as_array().unwrap().clone());
    let f = abi.iter().find(|e| e["type"] == "function" && e["name"] == "viewCategory").unwrap();
    assert_eq!(f["inputs"][0]["type"], "uint256");
    let outputs = f["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0]["type"], "tuple");
    let fields: Vec<(String, String)> = outputs[0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_owned(), c["type"].as_str().unwrap().to_owned()))
        .collect();
    let expected = [("name", "string"), ("description", "string"), ("workClockTimeRef", "uint256")];
    assert_eq!(fields, expected.map(|(n, t)| (n.to_owned(), t.to_owned())));
}

/// The same through a refresh: the stand-in subgraph lists a deal whose tasks were never
/// initialised (the chain seeded with PoCo's categories, tests/standins/seed-chain.mjs), and the
/// refresh shows them timed out once the deal's final time has passed.
#[test]
fn a_refresh_shows_tasks_never_initialised_as_timed_out_after_their_deals_final_time() {
    use result_vault_core::db::Db;
    use result_vault_core::progress::CancelToken;
    use result_vault_core::tasks::{refresh, Confirm};
    use std::io::{BufRead, BufReader};

    let g = start_ganache();
    let dir = tempfile::tempdir().unwrap();
    let beneficiary = "0xc08c3def622af1476f2db0e3cc8ccaead07be3bb";
    let now = result_vault_core::tasks::now();
    let deal = |id: u8, start: u64, size: u64| {
        json!({ "id": B256::repeat_byte(id).to_string(), "app": { "id": Address::repeat_byte(1).to_string().to_lowercase(), "name": "app" },
                "beneficiary": beneficiary, "requester": beneficiary, "callback": Address::ZERO.to_string().to_lowercase(),
                "params": "{}", "startTime": start.to_string(), "botFirst": "0", "botSize": size.to_string(),
                "category": "0", "tag": B256::ZERO.to_string(), "trust": "1", "tasks": [] })
    };
    // Category 0 is XS (300 s): final times 1,000 s ago and in 2,940 s.
    let scenario =
        json!({ "chainId": 1337, "files": {}, "deals": [deal(0x31, now - 4_000, 2), deal(0x32, now - 60, 1)] });
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, scenario.to_string()).unwrap();
    let seeded = Command::new("node")
        .args(["tests/standins/seed-chain.mjs", "--rpc", &g.url, "--scenario", path.to_str().unwrap()])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let hub: Value = serde_json::from_slice(seeded.stdout.trim_ascii()).unwrap();
    let mut standins = Command::new("node")
        .args(["tests/standins/standins.mjs", "--scenario", path.to_str().unwrap()])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(standins.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let urls: Value = serde_json::from_str(&line).unwrap();
    let mut net = network(&g.url, hub["hub"].as_str().unwrap().parse().unwrap());
    net.subgraph_url = urls["subgraph"].as_str().unwrap().to_owned();
    net.market_api_url = urls["market"].as_str().unwrap().to_owned();

    let mut db = Db::open_in_memory().unwrap();
    let who: Address = beneficiary.parse().unwrap();
    let out = refresh(&mut db, &net, &who, false, Confirm::Undescribed, &|_| {}, &CancelToken::new());
    let _ = standins.kill();
    let _ = standins.wait();
    let out = out.unwrap();
    assert_eq!(out.warning, None);
    let rows = db.list_tasks(Some("local"), None, result_vault_core::tasks::now()).unwrap();
    let statuses: Vec<(String, String)> =
        rows.iter().map(|r| (r.deal_id[..6].to_owned(), format!("{:?}", r.status))).collect();
    let expected = [("0x3232", "Unset"), ("0x3131", "Timeout"), ("0x3131", "Timeout")];
    assert_eq!(statuses, expected.map(|(d, s)| (d.to_owned(), s.to_owned())));
}
