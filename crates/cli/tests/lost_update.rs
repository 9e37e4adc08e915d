//! The key ring never loses a write: every change is a read-modify-write under the ring's lock,
//! so processes writing at once keep each other's keys, and a process killed while it holds the
//! lock leaves the ring usable at once by the next one. Against the real Secret Service
//! (scripts/with-secret-service.sh), with the real `result-vault` binary.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iexec-sdk"))
        .join(name)
}

fn cli(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_result-vault"));
    c.env("RESULT_VAULT_HOME", home);
    c
}

fn json(home: &Path, args: &[&str]) -> Value {
    let o = cli(home).args(args).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// `n` RSA private keys made by openssl (2048 bits: quick), as PEM files in `dir`.
fn keys(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let k = dir.join(format!("k{i}.pem"));
            let ok = Command::new("openssl")
                .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
                .arg(&k)
                .stderr(Stdio::null())
                .status()
                .unwrap()
                .success();
            assert!(ok, "openssl genpkey");
            k
        })
        .collect()
}

fn key_count(home: &Path) -> usize {
    json(home, &["keys", "list", "--json"])["keys"].as_array().unwrap().len()
}

#[test]
fn eight_processes_importing_eight_keys_at_once_keep_all_of_them_round_after_round() {
    let tmp = tempfile::tempdir().unwrap();
    let pems = keys(tmp.path(), 8);
    for round in 0..5 {
        let home = tmp.path().join(format!("vault-{round}"));
        // A ring holding one key, as in the measurement.
        json(&home, &["keys", "import", fixture("expected_key").to_str().unwrap(), "--json"]);
        let children: Vec<_> = pems
            .iter()
            .map(|k| {
                cli(&home)
                    .args(["keys", "import"])
                    .arg(k)
                    .arg("--json")
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for c in children {
            let o = c.wait_with_output().unwrap();
            assert_eq!(o.status.code(), Some(0), "round {round}: {}", String::from_utf8_lossy(&o.stderr));
            let v: Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(v["imported"][0]["added"], true, "round {round}");
        }
        assert_eq!(key_count(&home), 9, "round {round}: a key was lost");
    }
}

#[test]
fn a_process_killed_while_it_holds_the_lock_does_not_block_the_next_one() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("vault");
    let pems = keys(tmp.path(), 2);
    json(&home, &["keys", "import", fixture("expected_key").to_str().unwrap(), "--json"]);
    // The import pauses for a minute half way through its write, holding the ring's lock.
    let mut child = cli(&home)
        .args(["keys", "import"])
        .arg(&pems[0])
        .arg("--json")
        .env("RESULT_VAULT_CRASH_TEST_PAUSE_MS", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let reached = stderr.lines().map_while(Result::ok).any(|l| l == "RESULT_VAULT_CRASH_POINT 1");
    assert!(reached, "the import never reached its write");
    // While it holds the lock, another writer waits (it does not write over it)...
    let mut waiting =
        cli(&home).args(["keys", "import"]).arg(&pems[1]).arg("--json").stdout(Stdio::piped()).spawn().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(waiting.try_wait().unwrap().is_none(), "a second writer did not wait for the lock");
    // ...and once the holder is killed (SIGKILL: no clean-up), it goes on at once.
    let killed_at = Instant::now();
    child.kill().unwrap();
    child.wait().unwrap();
    let o = waiting.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(killed_at.elapsed() < Duration::from_secs(10), "the next writer waited {:?}", killed_at.elapsed());
    // The killed import never landed; the ring opens and holds the other two keys.
    assert_eq!(key_count(&home), 2);
}
