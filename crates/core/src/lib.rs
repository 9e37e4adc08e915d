//! Result Vault's product logic, with no Tauri dependency: shared by the desktop shell
//! (`src-tauri`) and the `result-vault` CLI.
//!
//! - [`archive`]: open iExec result archives (current, legacy and plain layouts), streaming.
//! - [`chain`]: networks, task ids, reads of the PoCo hub through an RPC.
//! - [`db`]: the local SQLite cache of watched addresses, networks, deals and tasks.
//! - [`digest`]: the result digest as the enclave computes it, to verify a result against the chain.
//! - [`download`]: result archives from IPFS gateways, with resume, retries and fallback.
//! - [`fetch`]: confirm, download, open and verify a task's result, end to end.
//! - [`index`]: the subgraph and market API, which find a beneficiary's deals.
//! - [`keys`]: beneficiary RSA private keys and their fingerprints.
//! - [`lock`]: advisory locks between processes for read-modify-write of shared files.
//! - [`progress`]: progress events and cancellation for long work.
//! - [`sms`]: the Secret Management Service: check and push the result encryption key.
//! - [`wallet`]: the beneficiary's Ethereum wallet (keystores, wallet.json), to sign SMS pushes.
//! - [`tasks`]: refreshing a beneficiary's tasks (indexes, then the chain) into the cache.
//! - [`verify`]: a decrypted result compared with the result digest on chain.
//! - [`vault`]: the key ring (keychain-protected, encrypted on disk) and recovery kits.
//! - [`error`]: the closed list of error kinds with messages and hints.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod archive;
pub mod chain;
pub mod db;
pub mod digest;
pub mod download;
pub mod error;
pub mod fetch;
pub mod http;
pub mod index;
pub mod keys;
pub mod lock;
pub mod progress;
pub mod sms;
pub mod tasks;
pub mod vault;
pub mod verify;
pub mod wallet;

pub use error::{Error, ErrorFacts, ErrorKind, Result};
