//! SMS challenge and signature against ethers (npm), the library the iexec SDK uses: for the
//! SDK fixture's public key and the owner of docs/design.md 2, and a known test private key.

use std::path::PathBuf;
use std::process::Command;

use alloy_primitives::Address;
use result_vault_core::sms::{authorization, challenge, secret_value, SECRET_NAME};
use result_vault_core::wallet::Wallet;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("tests/fixtures/iexec-sdk"))
        .join(name)
}

/// Hardhat/ganache deterministic account 1: a public test key.
const PK: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

fn ethers(pem: &std::path::Path, owner: &str, pk: &str) -> Value {
    let o = Command::new("node")
        .arg(repo().join("tests/interop/scripts/sms-vectors.mjs"))
        .args([pem.to_str().unwrap(), owner, pk])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn challenge_and_signature_equal_those_of_ethers() {
    let pem_file = fixture("expected_key.pub");
    let pem = std::fs::read_to_string(&pem_file).unwrap();
    let owner: Address = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB".parse().unwrap();
    let want = ethers(&pem_file, &owner.to_checksum(None), PK);
    let value = secret_value(&pem);
    assert_eq!(value, want["value"].as_str().unwrap());
    assert_eq!(challenge(&owner, SECRET_NAME, &value).to_string(), want["challenge"].as_str().unwrap());

    // The signature: the owner is the signer's own address.
    let wallet = Wallet::from_hex(PK).unwrap();
    let me = wallet.address().to_checksum(None);
    let want = ethers(&pem_file, &me, PK);
    assert_eq!(me, want["signer"].as_str().unwrap());
    assert_eq!(authorization(&wallet, &value).unwrap(), want["signature"].as_str().unwrap());
}
