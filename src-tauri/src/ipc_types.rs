//! Types that exist only at the IPC boundary (the core's types cross it as they are).

use serde::Serialize;
use ts_rs::TS;

/// Whether a remembered or found key location is a file or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocationKind {
    /// A single key file.
    File,
    /// A folder like `.secrets/beneficiary` (every `*_key` in it).
    Folder,
}

/// A place where private keys are: a remembered path or one found by convention. Only the path
/// is kept, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeyLocation {
    /// Absolute path.
    pub path: String,
    /// File or folder.
    pub kind: KeyLocationKind,
    /// How many private keys it holds now.
    pub key_count: u32,
    /// Chosen by the user (can be forgotten), rather than found by convention.
    pub remembered: bool,
}

/// Whether a dragged file looks like a zip (first four bytes), to warn before the drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DropCheck {
    /// The dragged path.
    pub path: String,
    /// Starts with a zip signature.
    pub looks_like_zip: bool,
}

/// Whether the app runs for the end-to-end tests (`RESULT_VAULT_E2E` at launch), see
/// `commands::vault::e2e_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum E2eMode {
    /// A user's run: no test hook.
    Off,
    /// Test hooks on; the first-run tour does not start by itself.
    Hooks,
    /// Test hooks on; the first-run tour starts as for a user.
    Tour,
}

/// How to protect a new key ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CreateWith {
    /// The OS keychain holds the vault key.
    Keychain,
    /// A passphrase (Argon2id) protects it.
    Passphrase,
}

/// A new recovery kit: where it is and its 24 words, shown once and never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupCreated {
    /// Path of the kit file.
    pub file: String,
    /// The 24 words, in order.
    pub words: Vec<String>,
    /// Fingerprints of the keys in the kit.
    pub fingerprints: Vec<String>,
    /// The kit's id.
    pub kit_id: String,
}

/// Whether typed recovery words are a valid phrase (and why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PhraseCheck {
    /// 24 known words with a good checksum.
    pub valid: bool,
    /// `invalid_phrase` naming the problem (the position of an unknown word).
    #[ts(type = "IpcError | null")]
    pub error: Option<result_vault_core::VaultError>,
}

/// A network as the Settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NetworkInfo {
    /// The network, with any override applied.
    pub network: result_vault_core::chain::Network,
    /// One of the built-in networks (it can be reset, not removed).
    pub builtin: bool,
    /// Some URL differs from the built-in defaults (or it is a custom network).
    pub customised: bool,
}

/// What `task_fetch` returns: the fetch and the task's row as stored after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TaskFetched {
    /// Download, opening and verification.
    pub outcome: result_vault_core::fetch::FetchOutcome,
    /// The task's row, updated.
    pub row: Option<result_vault_core::db::tasks::TaskRow>,
}

/// A wallet keystore found on disk (e.g. in `~/.ethereum/keystore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FoundKeystore {
    /// Absolute path.
    pub path: String,
    /// Its address, when the file states it.
    pub address: Option<String>,
}
