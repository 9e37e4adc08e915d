//! Types that exist only at the IPC boundary (the core's types cross it as they are).

use serde::Serialize;
use ts_rs::TS;

pub use result_vault_engine::key_paths::{KeyLocation, KeyLocationKind};
pub use result_vault_engine::networks::NetworkInfo;
pub use result_vault_engine::open_policy::OpenedFile;
pub use result_vault_engine::tasks::TaskFetched;
pub use result_vault_engine::wallets::FoundKeystore;

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

/// A new recovery kit: where it is and its 24 words, shown once and never stored, and the ring
/// as it is after (the kit is recorded, not yet verified: the reminder follows).
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
    /// The ring after the kit was recorded.
    pub overview: result_vault_core::vault::VaultOverview,
}

/// Whether typed recovery words are a valid phrase (and why not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PhraseCheck {
    /// 24 known words with a good checksum.
    pub valid: bool,
    /// `invalid_phrase` naming the problem (the position of an unknown word).
    #[ts(type = "IpcError | null")]
    pub error: Option<result_vault_core::Error>,
}

/// Keys added to the ring (or found already there) and the ring as it is after: the window takes
/// the overview as it is, with no second read (the engine names the active key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeysImported {
    /// One per key found (generated, pasted, or in the file or folder).
    pub outcomes: Vec<result_vault_core::vault::ImportOutcome>,
    /// The ring after the change.
    pub overview: result_vault_core::vault::VaultOverview,
}

/// A key changed (retired, deleted) and the ring as it is after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeyChanged {
    /// The key, as it was changed.
    pub key: result_vault_core::vault::model::KeySummary,
    /// The ring after the change.
    pub overview: result_vault_core::vault::VaultOverview,
}

/// A push of the active key to an SMS: its status there, and the ring as it is after (the key's
/// push journal holds the push).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SmsPushed {
    /// What the network's SMS holds for the address now, with this vault's journal.
    pub status: result_vault_core::vault::wallets::SmsStatus,
    /// The ring after the push.
    pub overview: result_vault_core::vault::VaultOverview,
}

/// A recovery kit tested (and marked verified), and the ring as it is after (its keys are backed
/// up: the reminder and `kit_out_of_date` follow).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BackupVerified {
    /// What the kit holds (nothing is added to the ring).
    pub outcome: result_vault_core::vault::RestoreOutcome,
    /// The ring after the kit was marked verified.
    pub overview: result_vault_core::vault::VaultOverview,
}

/// A step of the key rotation that changes the ring (the new key generated, pushed, the old one
/// retired), and the ring as it is after (the engine names the active key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RotationChanged {
    /// The rotation after the step.
    pub rotation: result_vault_core::vault::model::Rotation,
    /// The ring after the step.
    pub overview: result_vault_core::vault::VaultOverview,
}
