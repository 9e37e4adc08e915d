//! Result Vault's product logic, with no Tauri dependency: shared by the desktop shell
//! (`src-tauri`) and the `result-vault` CLI.
//!
//! - [`archive`]: open iExec result archives (current, legacy and plain layouts), streaming.
//! - [`chain`]: networks, task ids, reads of the PoCo hub through an RPC.
//! - [`digest`]: the result digest as the enclave computes it, to verify a result against the chain.
//! - [`keys`]: beneficiary RSA private keys and their fingerprints.
//! - [`progress`]: progress events and cancellation for long work.
//! - [`vault`]: the key ring (keychain-protected, encrypted on disk) and recovery kits.
//! - [`error`]: the closed list of error kinds with messages and hints.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod archive;
pub mod chain;
pub mod digest;
pub mod error;
pub mod keys;
pub mod progress;
pub mod vault;

pub use error::{ErrorKind, Result, VaultError};
