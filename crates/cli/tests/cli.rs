//! The `result-vault` binary, run as a script would run it.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iexec-sdk"))
        .join(name)
}

/// Runs the binary in English (the human texts asserted here are English whatever the machine's locale).
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_result-vault")).env("RESULT_VAULT_LANG", "en").args(args).output().unwrap()
}

fn json(o: &Output) -> Value {
    let s = String::from_utf8(o.stdout.clone()).unwrap();
    assert_eq!(s.lines().count(), 1, "exactly one JSON object on stdout: {s}");
    serde_json::from_str(&s).unwrap()
}

fn p(x: &std::path::Path) -> &str {
    x.to_str().unwrap()
}

#[test]
fn decrypt_json_success_with_output_zip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.zip");
    let o = run(&[
        "decrypt",
        p(&fixture("encryptedResults.zip")),
        "--key",
        p(&fixture("expected_key")),
        "--output",
        p(&out),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    assert_eq!(v["status"], "decrypted");
    assert_eq!(v["format"], "aes-256-cbc");
    assert_eq!(v["key_fingerprint"].as_str().unwrap().len(), 64);
    assert_eq!(v["output"], out.to_str().unwrap());
    let files: Vec<_> = v["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_owned()).collect();
    assert_eq!(files, ["computed.json", "result.txt"]);
    assert!(v["files"][1]["size"].as_u64().unwrap() > 0);
    assert!(out.is_file());
}

#[test]
fn decrypt_with_key_folder_and_extract() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("beneficiary");
    std::fs::create_dir(&keys).unwrap();
    std::fs::copy(fixture("legacy_expected_key"), keys.join("0x1_key")).unwrap();
    std::fs::copy(fixture("legacy_expected_key.pub"), keys.join("0x1_key.pub")).unwrap();
    let out = dir.path().join("files");
    let o =
        run(&["decrypt", p(&fixture("legacyEncryptedResults.zip")), "--key", p(&keys), "--extract", p(&out), "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v = json(&o);
    assert_eq!(v["format"], "legacy-aes-128-ecb");
    assert!(out.is_dir());
    // A second run refuses to overwrite, then --force replaces.
    let o =
        run(&["decrypt", p(&fixture("legacyEncryptedResults.zip")), "--key", p(&keys), "--extract", p(&out), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "output_exists");
    let o = run(&[
        "decrypt",
        p(&fixture("legacyEncryptedResults.zip")),
        "--key",
        p(&keys),
        "--extract",
        p(&out),
        "--force",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn wrong_key_is_exit_1_with_kind_message_hint() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "decrypt",
        p(&fixture("encryptedResults.zip")),
        "--key",
        p(&fixture("unexpected_key")),
        "--output",
        p(&dir.path().join("x.zip")),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["error"]["kind"], "no_matching_key");
    assert!(!v["error"]["message"].as_str().unwrap().is_empty());
    assert!(!v["error"]["hint"].as_str().unwrap().is_empty());
    // Exactly the contract's three fields (the facts the app gets over IPC are not part of it).
    let fields: Vec<&String> = v["error"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["hint", "kind", "message"]);
    // Without --json: message and hint in plain words on stderr, nothing on stdout.
    let o = run(&[
        "decrypt",
        p(&fixture("encryptedResults.zip")),
        "--key",
        p(&fixture("unexpected_key")),
        "--output",
        p(&dir.path().join("x.zip")),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("None of your keys") && err.contains("What to do:"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn bad_usage_is_exit_2() {
    assert_eq!(run(&["decrypt"]).status.code(), Some(2));
    // Both --output and --extract.
    assert_eq!(run(&["decrypt", "a.zip", "--output", "x.zip", "--extract", "d"]).status.code(), Some(2));
    // Neither.
    assert_eq!(run(&["decrypt", "a.zip"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn inspect_says_what_a_file_is_without_a_key() {
    let v = json(&run(&["inspect", p(&fixture("encryptedResults.zip")), "--json"]));
    assert_eq!(v["layout"], "encrypted");
    assert_eq!(v["rsa_key_bits"], 4096);
    assert_eq!(v["ciphertext_size"], 496);
    assert_eq!(v["entries"].as_array().unwrap().len(), 2);
    let v = json(&run(&["inspect", p(&fixture("legacyEncryptedResults.zip")), "--json"]));
    assert_eq!(v["layout"], "legacy_encrypted");
    assert_eq!(v["rsa_key_bits"], 4096);
    let o = run(&["inspect", p(&fixture("expected_key")), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "not_a_result");
}

#[test]
fn invalid_key_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "decrypt",
        p(&fixture("encryptedResults.zip")),
        "--key",
        p(&fixture("key.pub")),
        "--output",
        p(&dir.path().join("x.zip")),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["error"]["kind"], "invalid_key_file");
}

/// Keccak-256 over concatenated hex digests, computed by ethers (npm, installed with the iexec
/// CLI in tests/interop): an implementation independent of ours.
fn ethers_concat_keccak(hexes: &[String]) -> String {
    let interop = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop");
    let o = Command::new("node")
        .current_dir(&interop)
        .args([
            "-e",
            "const {keccak256, concat} = require('ethers'); console.log(keccak256(concat(process.argv.slice(1))))",
        ])
        .args(hexes)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_owned()
}

fn sha256sum(path: &std::path::Path) -> String {
    let o = Command::new("sha256sum").arg(path).output().unwrap();
    format!("0x{}", &String::from_utf8(o.stdout).unwrap()[..64])
}

#[test]
fn digest_of_the_sdk_fixture_is_the_sha256_of_its_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("files");
    run(&[
        "decrypt",
        p(&fixture("encryptedResults.zip")),
        "--key",
        p(&fixture("expected_key")),
        "--extract",
        p(&out),
        "--json",
    ]);
    let want = sha256sum(&out.join("result.txt"));
    // From the encrypted archive, and from the extracted folder.
    let v =
        json(&run(&["digest", p(&fixture("encryptedResults.zip")), "--key", p(&fixture("expected_key")), "--json"]));
    assert_eq!(v["deterministic_output_path"], "/iexec_out/result.txt");
    assert_eq!(v["result_digest"], want.as_str());
    let v = json(&run(&["digest", p(&out), "--json"]));
    assert_eq!(v["result_digest"], want.as_str());
}

#[test]
fn digest_of_a_folder_output_matches_ethers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("iexec_out");
    std::fs::create_dir_all(out.join("results/sub")).unwrap();
    std::fs::write(out.join("computed.json"), br#"{"deterministic-output-path":"/iexec_out/results"}"#).unwrap();
    std::fs::write(out.join("results/b.csv"), b"b,2\n").unwrap();
    std::fs::write(out.join("results/a.csv"), b"a,1\n").unwrap();
    std::fs::write(out.join("results/Z.bin"), [0u8, 1, 2]).unwrap();
    std::fs::write(out.join("results/sub/ignored"), b"not a direct child").unwrap();
    // Direct children sorted by path (bytes: "Z" < "a" < "b" < "sub"); the sub-folder adds nothing.
    let want = ethers_concat_keccak(&[
        sha256sum(&out.join("results/Z.bin")),
        sha256sum(&out.join("results/a.csv")),
        sha256sum(&out.join("results/b.csv")),
    ]);
    let v = json(&run(&["digest", p(&out), "--json"]));
    assert_eq!(v["result_digest"], want.as_str());
    // A plain result archive of the same folder gives the same digest.
    let zip_path = dir.path().join("plain.zip");
    let st = Command::new("zip").args(["-q", "-r"]).arg(&zip_path).arg(".").current_dir(&out).status().unwrap();
    assert!(st.success());
    let v = json(&run(&["digest", p(&zip_path), "--json"]));
    assert_eq!(v["result_digest"], want.as_str());
}
