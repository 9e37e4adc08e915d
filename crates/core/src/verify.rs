//! Verification of a decrypted result against the chain: the result digest recomputed from the
//! files as the enclave does ([`crate::digest`], docs/design.md 1.5) compared with `resultDigest`
//! from `viewTask`. Only an exact match is "verified"; every other case says why.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::chain::{ChainTask, ResultLocation};
use crate::digest::result_digest_of_folder;
use crate::error::Result;

/// The outcome of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    /// The recomputed digest equals the one on chain: storage, gateway and download changed nothing.
    Verified,
    /// The digests differ: these files are NOT what the enclave attested.
    Mismatch,
    /// No comparison was possible (`reason` says why).
    Unverifiable,
}

/// A verification, as the CLI prints it and the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    /// The outcome.
    pub status: VerificationStatus,
    /// `resultDigest` from `viewTask` (`0x` + 64 hex), when there is one.
    pub expected: Option<String>,
    /// The digest recomputed from the files, when it could be.
    pub computed: Option<String>,
    /// Why it is unverifiable or what a mismatch means, for people.
    pub reason: Option<String>,
    /// `deterministic-output-path` of `computed.json`, when read.
    pub deterministic_output_path: Option<String>,
}

const ZERO: &str = "0x0000000000000000000000000000000000000000000000000000000000000000";

impl Verification {
    fn unverifiable(expected: Option<String>, reason: &str) -> Self {
        Verification {
            status: VerificationStatus::Unverifiable,
            expected,
            computed: None,
            reason: Some(reason.to_owned()),
            deterministic_output_path: None,
        }
    }
}

/// Compares the decrypted result in `folder` with `task` as read from the hub.
///
/// Errors: `io` when the folder cannot be read. Every expected outcome, including a mismatch,
/// is an `Ok`.
pub fn verify_folder(folder: &Path, task: &ChainTask) -> Result<Verification> {
    let expected = Some(task.result_digest.to_ascii_lowercase()).filter(|d| d != ZERO);
    if matches!(task.result, ResultLocation::Ethereum) {
        return Ok(Verification::unverifiable(
            expected,
            "A callback task: its digest covers the callback data on chain, not files.",
        ));
    }
    let Some(expected) = expected else {
        return Ok(Verification::unverifiable(None, "The chain holds no result digest for this task yet."));
    };
    let d = result_digest_of_folder(folder)?;
    let Some(computed) = d.result_digest else {
        let mut v = Verification::unverifiable(Some(expected), d.reason.as_deref().unwrap_or("No digest."));
        v.deterministic_output_path = d.deterministic_output_path;
        return Ok(v);
    };
    let matched = computed.eq_ignore_ascii_case(&expected);
    Ok(Verification {
        status: if matched { VerificationStatus::Verified } else { VerificationStatus::Mismatch },
        reason: (!matched).then(|| {
            "The result digest recomputed from these files differs from the one the enclave attested on chain: they were changed after the task ran (in storage, at the gateway or during the download).".to_owned()
        }),
        expected: Some(expected),
        computed: Some(computed),
        deterministic_output_path: d.deterministic_output_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::TaskStatus;
    use crate::digest::sha256_file;

    fn task(digest: &str, result: ResultLocation) -> ChainTask {
        ChainTask {
            task_id: ZERO.into(),
            deal_id: ZERO.into(),
            idx: 0,
            status: TaskStatus::Completed,
            final_deadline: 0,
            result_digest: digest.into(),
            result,
            results_raw: String::new(),
        }
    }

    #[test]
    fn verified_mismatch_and_unverifiable() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("computed.json"), br#"{"deterministic-output-path":"/iexec_out/r.txt"}"#)
            .unwrap();
        std::fs::write(dir.path().join("r.txt"), b"result").unwrap();
        let digest = sha256_file(&dir.path().join("r.txt")).unwrap();
        let ipfs = ResultLocation::Ipfs { location: "/ipfs/Qm".into() };
        let v = verify_folder(dir.path(), &task(&digest.to_uppercase().replace("0X", "0x"), ipfs.clone())).unwrap();
        assert_eq!(v.status, VerificationStatus::Verified);
        assert_eq!(v.computed.as_deref(), Some(digest.as_str()));
        let other = format!("0x{}", "ab".repeat(32));
        let v = verify_folder(dir.path(), &task(&other, ipfs.clone())).unwrap();
        assert_eq!(v.status, VerificationStatus::Mismatch);
        assert_eq!(v.expected.as_deref(), Some(other.as_str()));
        let v = verify_folder(dir.path(), &task(ZERO, ipfs.clone())).unwrap();
        assert_eq!(v.status, VerificationStatus::Unverifiable);
        let v = verify_folder(dir.path(), &task(&other, ResultLocation::Ethereum)).unwrap();
        assert!(v.reason.unwrap().contains("callback"));
        std::fs::remove_file(dir.path().join("computed.json")).unwrap();
        let v = verify_folder(dir.path(), &task(&other, ipfs)).unwrap();
        assert_eq!(v.status, VerificationStatus::Unverifiable);
        assert!(v.reason.unwrap().contains("computed.json"));
    }
}
