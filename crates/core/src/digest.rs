//! The result digest, computed from decrypted files exactly as the enclave does, so that a result
//! can be checked against `viewTask(taskid).resultDigest` on chain (docs/design.md 1.5).
//!
//! Reference: iExec `tee-worker-post-compute-rust`, `src/compute/utils/result_utils.rs`
//! (`compute_web2_result_digest`, `get_file_tree_sha256`, `sha256_file`) and `hash_utils.rs`
//! (`concatenate_and_hash`, `keccak256`). Its edge cases are followed exactly:
//! - a file: `0x` + hex SHA-256 of its bytes; an empty or unreadable file has no digest;
//! - a folder: its direct children sorted by path, each hashed as a file (a sub-folder or an
//!   empty file contributes nothing: reading it fails or gives no data), Keccak-256 over the
//!   concatenated 32-byte digests; an empty folder has no digest;
//! - a callback task: Keccak-256 of the callback data text.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use sha3::Keccak256;

use crate::error::{Error, Result};

/// The folder the app's output lives in, inside the enclave.
pub const IEXEC_OUT: &str = "/iexec_out";

/// `0x` + SHA-256 of a file's bytes, or `None` for an empty or unreadable file (as
/// `sha256_file`). Reads in 1 MiB pieces: any size.
pub fn sha256_file(path: &Path) -> Option<String> {
    let mut f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = std::io::Read::read(&mut f, &mut buf).ok()?;
        if n == 0 {
            break;
        }
        total += n as u64;
        h.update(&buf[..n]);
    }
    (total > 0).then(|| format!("0x{}", hex::encode(h.finalize())))
}

/// Keccak-256 over the concatenation of the bytes of `0x`-hex strings (as
/// `concatenate_and_hash`; an empty string contributes nothing).
pub fn concatenate_and_hash(hexes: &[String]) -> String {
    let mut k = Keccak256::new();
    for h in hexes {
        let clean = h.strip_prefix("0x").unwrap_or(h);
        // Odd length: the first digit is a byte of its own, as the reference does.
        let (first, rest) = if clean.len() % 2 == 1 { clean.split_at(1) } else { ("", clean) };
        if !first.is_empty() {
            if let Ok(b) = u8::from_str_radix(first, 16) {
                k.update([b]);
            }
        }
        if let Ok(bytes) = hex::decode(rest) {
            k.update(bytes);
        }
    }
    format!("0x{}", hex::encode(k.finalize()))
}

/// `get_file_tree_sha256`: the digest of a file, or of a folder's direct children.
pub fn file_tree_sha256(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return sha256_file(path);
    }
    let mut children: Vec<PathBuf> =
        std::fs::read_dir(path).ok()?.map(|e| e.map(|e| e.path())).collect::<std::io::Result<_>>().ok()?;
    if children.is_empty() {
        return None;
    }
    children.sort();
    let hashes: Vec<String> = children.iter().map(|c| sha256_file(c).unwrap_or_default()).collect();
    Some(concatenate_and_hash(&hashes))
}

/// Keccak-256 of callback data as text (`compute_web3_result_digest`).
pub fn callback_digest(callback_data: &str) -> String {
    format!("0x{}", hex::encode(Keccak256::digest(callback_data.as_bytes())))
}

/// The digest of a decrypted result, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultDigest {
    /// `deterministic-output-path` from `computed.json` (e.g. `/iexec_out/result.txt`).
    pub deterministic_output_path: Option<String>,
    /// `0x` + 64 hex digits, when it could be computed.
    pub result_digest: Option<String>,
    /// Why it could not be computed (no `computed.json`, path missing...), for people.
    pub reason: Option<String>,
}

/// Computes the result digest of a decrypted result folder (the content of `/iexec_out`, as
/// extracted; a folder holding `iexec_out/` is accepted too).
///
/// Errors: `io` when the folder cannot be read. A result whose digest cannot be computed is not
/// an error: `result_digest` is `None` and `reason` says why.
pub fn result_digest_of_folder(folder: &Path) -> Result<ResultDigest> {
    std::fs::read_dir(folder).map_err(|e| Error::io("read", folder, &e))?;
    let root = if !folder.join("computed.json").exists() && folder.join("iexec_out/computed.json").exists() {
        folder.join("iexec_out")
    } else {
        folder.to_path_buf()
    };
    let none = |path: Option<String>, why: &str| {
        Ok(ResultDigest { deterministic_output_path: path, result_digest: None, reason: Some(why.to_owned()) })
    };
    let Ok(text) = std::fs::read_to_string(root.join("computed.json")) else {
        return none(None, "The result has no computed.json, so the files the enclave attested are unknown.");
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return none(None, "computed.json is not valid JSON.");
    };
    let Some(path) =
        json.get("deterministic-output-path").and_then(|v| v.as_str()).filter(|p| !p.is_empty()).map(str::to_owned)
    else {
        return none(
            None,
            "computed.json names no deterministic-output-path (a callback task is verified from its callback data).",
        );
    };
    let Some(relative) = path.strip_prefix(IEXEC_OUT).map(|r| r.trim_start_matches('/')) else {
        return none(
            Some(path),
            "The deterministic-output-path is outside /iexec_out, so it is not in the result archive.",
        );
    };
    if relative.split('/').any(|c| c == "..") {
        return none(Some(path), "The deterministic-output-path leaves /iexec_out.");
    }
    let target = if relative.is_empty() { root.clone() } else { root.join(relative) };
    if !target.exists() {
        return none(Some(path), "The file named by deterministic-output-path is not in the result archive.");
    }
    match file_tree_sha256(&target) {
        Some(d) => Ok(ResultDigest { deterministic_output_path: Some(path), result_digest: Some(d), reason: None }),
        None => none(Some(path), "The attested output is empty, so the enclave computed no digest for it."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference implementation's own test vectors (hash_utils.rs and result_utils.rs).
    #[test]
    fn post_compute_vectors() {
        let h1 = "0x748e091bf16048cb5103E0E10F9D5a8b7fBDd860".to_owned();
        let h2 = "0xd94b63fc2d3ec4b96daf84b403bbafdc8c8517e8e2addd51fec0fa4e67801be8".to_owned();
        let h3 = "0x9a43BB008b7A657e1936ebf5d8e28e5c5E021596".to_owned();
        assert_eq!(
            concatenate_and_hash(std::slice::from_ref(&h1)),
            "0x7ec1be13dbade2e3bfde8c2bdf68859dfff4ea620b3340c451ec56b5fa505ab1"
        );
        assert_eq!(
            concatenate_and_hash(&[h1.clone(), h2.clone()]),
            "0x9ca8cbf81a285c62778678c874dae13fdc6857566b67a9a825434dd557e18a8d"
        );
        assert_eq!(
            concatenate_and_hash(&[h1, h2, h3]),
            "0x54a76d209e8167e1ffa3bde8e3e7b30068423ca9554e1d605d8ee8fd0f165562"
        );
        assert_eq!(
            callback_digest("0x0000000000000000000000000000000000000000000000000000000000000001"),
            "0xcb371be217faa47dab94e0d0ff0840c6cbf41645f0dc1a6ae3f34447155a76f3"
        );
    }

    #[test]
    fn folder_rules_follow_the_reference() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("b.txt"), b"bbb").unwrap();
        std::fs::write(out.join("a.txt"), b"aaa").unwrap();
        std::fs::write(out.join("empty.txt"), b"").unwrap();
        std::fs::create_dir(out.join("sub")).unwrap();
        std::fs::write(out.join("sub/ignored.txt"), b"x").unwrap();
        let a = sha256_file(&out.join("a.txt")).unwrap();
        let b = sha256_file(&out.join("b.txt")).unwrap();
        // Sorted by path; the empty file and the sub-folder contribute nothing.
        assert_eq!(file_tree_sha256(out).unwrap(), concatenate_and_hash(&[a, b, String::new(), String::new()]));
        assert_eq!(sha256_file(&out.join("empty.txt")), None);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(file_tree_sha256(empty.path()), None);
    }

    #[test]
    fn deterministic_output_path_maps_into_the_result() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("computed.json"), br#"{"deterministic-output-path":"/iexec_out/result.txt"}"#).unwrap();
        std::fs::write(out.join("result.txt"), b"hello").unwrap();
        let d = result_digest_of_folder(out).unwrap();
        assert_eq!(d.result_digest, sha256_file(&out.join("result.txt")));
        assert_eq!(d.deterministic_output_path.as_deref(), Some("/iexec_out/result.txt"));
        std::fs::write(out.join("computed.json"), br#"{"deterministic-output-path":"/iexec_out/missing.txt"}"#)
            .unwrap();
        assert!(result_digest_of_folder(out).unwrap().reason.unwrap().contains("not in the result"));
        std::fs::write(out.join("computed.json"), br#"{"callback-data":"0x01"}"#).unwrap();
        assert!(result_digest_of_folder(out).unwrap().result_digest.is_none());
        std::fs::remove_file(out.join("computed.json")).unwrap();
        assert!(result_digest_of_folder(out).unwrap().reason.unwrap().contains("no computed.json"));
    }
}
