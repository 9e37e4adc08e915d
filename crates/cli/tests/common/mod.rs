//! Real parts for the tests: ganache (a local EVM node) with the test hub seeded from a
//! scenario, and the stand-in subgraph, market API and IPFS gateways (tests/standins), all on
//! 127.0.0.1 with free ports, killed when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Kills the child when dropped.
pub struct Proc {
    child: Child,
    _stdin: Option<ChildStdin>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn http() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(5)).build().unwrap()
}

fn rpc(url: &str, method: &str) -> Option<Value> {
    let body = serde_json::json!({"jsonrpc":"2.0","id":1,"method":method,"params":[]});
    http().post(url).json(&body).send().ok()?.json::<Value>().ok()?.get("result").cloned()
}

/// A ganache node on a free port (chain id 1337).
pub fn ganache() -> (Proc, String) {
    let bin = repo().join("tests/interop/node_modules/.bin/ganache");
    assert!(bin.exists(), "run scripts/setup.sh: it installs ganache in tests/interop");
    let port = free_port();
    let child = Command::new(bin)
        .args(["--server.host", "127.0.0.1", "--server.port", &port.to_string(), "--chain.chainId", "1337"])
        .args(["--wallet.deterministic", "--logging.quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let p = Proc { child, _stdin: None };
    let url = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while rpc(&url, "eth_chainId").is_none() {
        assert!(start.elapsed() < Duration::from_secs(60), "ganache did not start");
        std::thread::sleep(Duration::from_millis(200));
    }
    (p, url)
}

pub fn node_json(args: &[&str]) -> Value {
    let o = Command::new("node").args(args).current_dir(repo()).output().unwrap();
    assert!(o.status.success(), "node {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    serde_json::from_str(text.lines().last().unwrap_or_default()).unwrap()
}

/// An RSA key pair made by openssl: (private PEM path, public PEM path).
pub fn key_pair(dir: &Path) -> (PathBuf, PathBuf) {
    let key = dir.join("beneficiary_key");
    let pubk = dir.join("beneficiary_key.pub");
    let ok = Command::new("openssl")
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
        .arg(&key)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(ok.success());
    let ok =
        Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&key).arg("-out").arg(&pubk).status().unwrap();
    assert!(ok.success());
    (key, pubk)
}

/// The functional scenario (tests/standins/make-scenario.mjs) for `beneficiary`: its parsed JSON.
pub fn make_scenario(dir: &Path, beneficiary: &str, pubkey: &Path) -> (PathBuf, Value) {
    let out = dir.join("scenario");
    let v = node_json(&[
        "tests/standins/make-scenario.mjs",
        "--out",
        out.to_str().unwrap(),
        "--beneficiary",
        beneficiary,
        "--pubkey",
        pubkey.to_str().unwrap(),
    ]);
    let path = PathBuf::from(v["scenario"].as_str().unwrap());
    let scenario: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    (path, scenario)
}

/// Deploys the test hub on `rpc_url` and writes the scenario's deals and tasks; returns the hub.
pub fn seed_chain(rpc_url: &str, scenario: &Path) -> String {
    let v = node_json(&["tests/standins/seed-chain.mjs", "--rpc", rpc_url, "--scenario", scenario.to_str().unwrap()]);
    v["hub"].as_str().unwrap().to_owned()
}

/// The stand-in services and their URLs.
pub struct Standins {
    _proc: Proc,
    pub subgraph: String,
    pub market: String,
    pub gateways: Vec<String>,
    pub control: String,
}

impl Standins {
    pub fn start(scenario: &Path) -> Self {
        let mut child = Command::new("node")
            .args(["tests/standins/standins.mjs", "--scenario", scenario.to_str().unwrap()])
            .current_dir(repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("stand-ins said {line:?}: {e}"));
        Standins {
            _proc: Proc { child, _stdin: stdin },
            subgraph: v["subgraph"].as_str().unwrap().to_owned(),
            market: v["market"].as_str().unwrap().to_owned(),
            gateways: v["gateways"].as_array().unwrap().iter().map(|g| g.as_str().unwrap().to_owned()).collect(),
            control: v["control"].as_str().unwrap().to_owned(),
        }
    }

    /// POSTs JSON to the control port.
    pub fn control(&self, path: &str, body: Value) -> Value {
        let r = http().post(format!("{}{path}", self.control)).json(&body).send().unwrap();
        assert!(r.status().is_success(), "control {path}: {}", r.status());
        r.json().unwrap_or(Value::Null)
    }

    /// The request log.
    pub fn log(&self) -> Vec<Value> {
        let v: Value = http().get(format!("{}/log", self.control)).send().unwrap().json().unwrap();
        v.as_array().cloned().unwrap_or_default()
    }
}
