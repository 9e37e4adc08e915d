//! Typed errors: a kind from a closed list, a message for a person, a hint of what to do.
//!
//! The kinds for opening a result follow docs/design.md section 5 exactly; `cancelled` and `internal`
//! are added for long work stopped by the user and for bugs. The UI and the CLI's `--json` output
//! switch on [`ErrorKind`], never on the message text.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The closed list of error kinds. Serialised in `snake_case` (`"no_matching_key"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not a zip, or a zip that is neither an encrypted nor a plain iExec result (docs/design.md 1.4).
    NotAResult,
    /// The outer zip is truncated or corrupt (missing central directory, CRC or size mismatch).
    IncompleteArchive,
    /// A given key file is not an RSA private key (public key, encrypted PEM, garbage).
    InvalidKeyFile,
    /// No key given or in the ring unwraps `aes-key.rsa`.
    NoMatchingKey,
    /// The AES key was unwrapped, but the ciphertext length or padding is wrong.
    DamagedCiphertext,
    /// The decrypted inner zip fails its checks (CRC, sizes, structure).
    DamagedContents,
    /// Extraction refused: a path escaping the output folder, a link, or a size/ratio limit.
    UnsafeArchive,
    /// The target file or folder exists and overwriting was not confirmed.
    OutputExists,
    /// Disk full, permission denied, missing file... (the message names the path).
    Io,
    /// The user cancelled the operation; nothing was left behind.
    Cancelled,
    /// The OS keychain cannot be reached or refuses (no Secret Service, access denied).
    KeychainUnavailable,
    /// The OS keychain is locked (or did not answer in time, waiting for an unlock prompt).
    KeychainLocked,
    /// The key ring file cannot be read, or its key is gone from the keychain.
    KeyringDamaged,
    /// The passphrase does not open the key ring.
    WrongPassphrase,
    /// No key of the ring has that fingerprint.
    KeyNotFound,
    /// Deleting a key that no verified recovery kit holds.
    BackupRequired,
    /// A recovery phrase that is not 24 valid BIP39 words with a good checksum.
    InvalidPhrase,
    /// A valid phrase, but not the one of this kit.
    PhraseForAnotherKit,
    /// A file that is not a Result Vault recovery kit.
    InvalidKit,
    /// A remote service (RPC, subgraph, gateway, SMS) cannot be reached or answers badly.
    Network,
    /// Not an Ethereum address, or a mixed-case address whose EIP-55 checksum is wrong.
    InvalidAddress,
    /// An RPC answers for another chain than the network's chain id (a wrong URL in Settings).
    ChainMismatch,
    /// No task or deal with that id on this network (or a malformed id).
    TaskNotFound,
    /// The task has no result to download: not completed, a callback task, or stored elsewhere.
    NoResult,
    /// The wallet keystore's password is wrong.
    WrongPassword,
    /// A wallet file that cannot be used: corrupt, not a wallet, or an unsupported cipher or KDF.
    InvalidWallet,
    /// Signing for the SMS needs the wallet of this address, and none is imported.
    WalletRequired,
    /// The SMS refused the signature (HTTP 401).
    SmsUnauthorized,
    /// The SMS holds no key to update for this address (HTTP 404 on PUT).
    SmsKeyAbsent,
    /// The SMS already holds a key for this address (HTTP 409 on POST).
    SmsKeyExists,
    /// The value is over the SMS's 4,096-byte limit (HTTP 413).
    SmsValueTooLarge,
    /// The key ring is not open yet (a command that needs it came before it was unlocked).
    KeyringNotOpen,
    /// The key ring holds no key (or no active key) for what was asked: nothing to back up or push.
    KeyringEmpty,
    /// No network of that name (built-in, saved or given by flags).
    UnknownNetwork,
    /// A value typed or passed is not acceptable (an empty name, a malformed identifier).
    InvalidInput,
    /// Another Result Vault process or window holds the key ring (or the settings) for too long.
    Busy,
    /// A bug in Result Vault (should never be seen).
    Internal,
}

impl ErrorKind {
    /// The stable `snake_case` name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotAResult => "not_a_result",
            ErrorKind::IncompleteArchive => "incomplete_archive",
            ErrorKind::InvalidKeyFile => "invalid_key_file",
            ErrorKind::NoMatchingKey => "no_matching_key",
            ErrorKind::DamagedCiphertext => "damaged_ciphertext",
            ErrorKind::DamagedContents => "damaged_contents",
            ErrorKind::UnsafeArchive => "unsafe_archive",
            ErrorKind::OutputExists => "output_exists",
            ErrorKind::Io => "io",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::KeychainUnavailable => "keychain_unavailable",
            ErrorKind::KeychainLocked => "keychain_locked",
            ErrorKind::KeyringDamaged => "keyring_damaged",
            ErrorKind::WrongPassphrase => "wrong_passphrase",
            ErrorKind::KeyNotFound => "key_not_found",
            ErrorKind::BackupRequired => "backup_required",
            ErrorKind::InvalidPhrase => "invalid_phrase",
            ErrorKind::PhraseForAnotherKit => "phrase_for_another_kit",
            ErrorKind::InvalidKit => "invalid_kit",
            ErrorKind::Network => "network",
            ErrorKind::InvalidAddress => "invalid_address",
            ErrorKind::ChainMismatch => "chain_mismatch",
            ErrorKind::TaskNotFound => "task_not_found",
            ErrorKind::NoResult => "no_result",
            ErrorKind::WrongPassword => "wrong_password",
            ErrorKind::InvalidWallet => "invalid_wallet",
            ErrorKind::WalletRequired => "wallet_required",
            ErrorKind::SmsUnauthorized => "sms_unauthorized",
            ErrorKind::SmsKeyAbsent => "sms_key_absent",
            ErrorKind::SmsKeyExists => "sms_key_exists",
            ErrorKind::SmsValueTooLarge => "sms_value_too_large",
            ErrorKind::KeyringNotOpen => "keyring_not_open",
            ErrorKind::KeyringEmpty => "keyring_empty",
            ErrorKind::UnknownNetwork => "unknown_network",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Busy => "busy",
            ErrorKind::Internal => "internal",
        }
    }

    /// Every kind, in declaration order (for exhaustive tests and UI tables).
    pub const ALL: [ErrorKind; 37] = [
        ErrorKind::NotAResult,
        ErrorKind::IncompleteArchive,
        ErrorKind::InvalidKeyFile,
        ErrorKind::NoMatchingKey,
        ErrorKind::DamagedCiphertext,
        ErrorKind::DamagedContents,
        ErrorKind::UnsafeArchive,
        ErrorKind::OutputExists,
        ErrorKind::Io,
        ErrorKind::Cancelled,
        ErrorKind::KeychainUnavailable,
        ErrorKind::KeychainLocked,
        ErrorKind::KeyringDamaged,
        ErrorKind::WrongPassphrase,
        ErrorKind::KeyNotFound,
        ErrorKind::BackupRequired,
        ErrorKind::InvalidPhrase,
        ErrorKind::PhraseForAnotherKit,
        ErrorKind::InvalidKit,
        ErrorKind::Network,
        ErrorKind::InvalidAddress,
        ErrorKind::ChainMismatch,
        ErrorKind::TaskNotFound,
        ErrorKind::NoResult,
        ErrorKind::WrongPassword,
        ErrorKind::InvalidWallet,
        ErrorKind::WalletRequired,
        ErrorKind::SmsUnauthorized,
        ErrorKind::SmsKeyAbsent,
        ErrorKind::SmsKeyExists,
        ErrorKind::SmsValueTooLarge,
        ErrorKind::KeyringNotOpen,
        ErrorKind::KeyringEmpty,
        ErrorKind::UnknownNetwork,
        ErrorKind::InvalidInput,
        ErrorKind::Busy,
        ErrorKind::Internal,
    ];
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error a person can act on: `{ kind, message, hint }`, the shape that crosses IPC and the
/// CLI's `--json` output (`{"error": {...}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "IpcError"))]
#[error("{message}")]
pub struct Error {
    /// What went wrong, from the closed list.
    pub kind: ErrorKind,
    /// One or two sentences for a person: what is wrong, naming the file or entry.
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The facts of the case that the message states in English, for a UI that says them in its
    /// own language (absent for most errors; never in the CLI's `--json`, whose error object is
    /// exactly `{kind, message, hint}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub facts: Option<ErrorFacts>,
}

/// Facts of an error, in data rather than in words.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorFacts {
    /// `invalid_phrase`: the 1-based position of the first word that is not a BIP39 word.
    pub word: Option<u32>,
    /// `no_matching_key`: the keys tried, each as `3F2A 91C0 77DE 0B44 (label)`.
    pub keys_tried: Vec<String>,
}

impl Error {
    /// Builds an error from its three parts.
    pub fn new(kind: ErrorKind, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error { kind, message: message.into(), hint: hint.into(), facts: None }
    }

    /// The same error, with its facts in data (see [`ErrorFacts`]).
    pub fn with_facts(mut self, facts: ErrorFacts) -> Self {
        self.facts = Some(facts);
        self
    }

    /// `not_a_result` with the standard hint.
    pub fn not_a_result(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::NotAResult,
            message,
            "Check that you chose the result archive of an iExec task (the .zip downloaded from IPFS or by `iexec task show --download`).",
        )
    }

    /// `incomplete_archive` with the standard hint.
    pub fn incomplete(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::IncompleteArchive,
            message,
            "The download was probably cut short or the file was damaged. Download the result again.",
        )
    }

    /// `damaged_ciphertext` with the standard hint.
    pub fn damaged_ciphertext(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::DamagedCiphertext,
            message,
            "The encrypted part of the result is damaged. Download the result again; if it keeps failing, the stored result itself is damaged.",
        )
    }

    /// `damaged_contents` with the standard hint.
    pub fn damaged_contents(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::DamagedContents,
            message,
            "The result was decrypted but its contents are damaged. Download the result again.",
        )
    }

    /// `unsafe_archive` with the standard hint.
    pub fn unsafe_archive(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::UnsafeArchive,
            message,
            "Nothing was written outside the output folder. Do not trust this result; save it as a zip instead of extracting it if you need to examine it.",
        )
    }

    /// `invalid_key_file` with a specific hint.
    pub fn invalid_key(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidKeyFile, message, hint)
    }

    /// `cancelled`.
    pub fn cancelled() -> Self {
        Self::new(ErrorKind::Cancelled, "Cancelled. Nothing was written.", "Start again when you are ready.")
    }

    /// `output_exists` for `path`.
    pub fn output_exists(path: &Path) -> Self {
        Self::new(
            ErrorKind::OutputExists,
            format!("{} already exists.", path.display()),
            "Choose another place, or confirm that it may be replaced (--force).",
        )
    }

    /// `internal`: a bug.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            ErrorKind::Internal,
            message,
            "This is a bug in Result Vault. Please report it with the steps that led here.",
        )
    }

    /// `io` for an operation on `path`, with a hint chosen from the OS error.
    pub fn io(action: &str, path: &Path, err: &std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let hint = match err.kind() {
            K::PermissionDenied | K::ReadOnlyFilesystem => {
                "Choose a folder you are allowed to write to, or fix the permissions."
            }
            K::NotFound => "Check that the file or folder still exists.",
            K::StorageFull | K::QuotaExceeded => "Free some disk space, or choose another place.",
            _ => "Check the disk and the path, then try again.",
        };
        Self::new(ErrorKind::Io, format!("Could not {action} {}: {err}.", path.display()), hint)
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialise_to_their_snake_case_name() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }

    #[test]
    fn error_serialises_as_kind_message_hint() {
        let e = Error::not_a_result("x is not a zip");
        let v: serde_json::Value = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "not_a_result");
        assert_eq!(v["message"], "x is not a zip");
        assert!(v["hint"].as_str().unwrap().contains("result archive"));
        assert_eq!(v.as_object().unwrap().len(), 3);
    }

    #[test]
    fn io_hint_depends_on_the_os_error() {
        let p = Path::new("/x");
        let denied = Error::io("write", p, &std::io::Error::from(std::io::ErrorKind::PermissionDenied));
        let full = Error::io("write", p, &std::io::Error::from(std::io::ErrorKind::StorageFull));
        assert_eq!(denied.kind, ErrorKind::Io);
        assert_ne!(denied.hint, full.hint);
        assert!(denied.message.contains("/x"));
    }
}
