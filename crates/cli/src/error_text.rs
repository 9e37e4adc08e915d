//! An error for people, in the language of the human output (`--json` never changes).
//!
//! The core writes its messages and hints in English, specific to the case (a path, a
//! fingerprint). In English they are printed as they are. In another language the kind's own
//! title and hint come first, translated (`kind.*` in `locales/`, the same texts as the app's),
//! and the core's message follows, labelled as English details.

use std::borrow::Cow;

use result_vault_core::{Error, ErrorKind};
use rust_i18n::t;

/// The lines printed on standard error for `e`, in the current language.
pub fn human_error(e: &Error) -> String {
    if &*rust_i18n::locale() == "en" {
        return format!("{}\n{}", t!("error.message", message = e.message), t!("error.hint", hint = e.hint));
    }
    format!(
        "{}\n{}\n{}",
        t!("error.title", title = title(e.kind)),
        t!("error.hint", hint = hint(e.kind)),
        t!("error.detail", message = e.message)
    )
}

/// The kind's title (a short sentence, no final full stop).
fn title(kind: ErrorKind) -> Cow<'static, str> {
    match kind {
        ErrorKind::NotAResult => t!("kind.not_a_result.title"),
        ErrorKind::IncompleteArchive => t!("kind.incomplete_archive.title"),
        ErrorKind::InvalidKeyFile => t!("kind.invalid_key_file.title"),
        ErrorKind::NoMatchingKey => t!("kind.no_matching_key.title"),
        ErrorKind::DamagedCiphertext => t!("kind.damaged_ciphertext.title"),
        ErrorKind::DamagedContents => t!("kind.damaged_contents.title"),
        ErrorKind::UnsafeArchive => t!("kind.unsafe_archive.title"),
        ErrorKind::OutputExists => t!("kind.output_exists.title"),
        ErrorKind::Io => t!("kind.io.title"),
        ErrorKind::Cancelled => t!("kind.cancelled.title"),
        ErrorKind::KeychainUnavailable => t!("kind.keychain_unavailable.title"),
        ErrorKind::KeychainLocked => t!("kind.keychain_locked.title"),
        ErrorKind::KeyringDamaged => t!("kind.keyring_damaged.title"),
        ErrorKind::WrongPassphrase => t!("kind.wrong_passphrase.title"),
        ErrorKind::KeyNotFound => t!("kind.key_not_found.title"),
        ErrorKind::BackupRequired => t!("kind.backup_required.title"),
        ErrorKind::InvalidPhrase => t!("kind.invalid_phrase.title"),
        ErrorKind::PhraseForAnotherKit => t!("kind.phrase_for_another_kit.title"),
        ErrorKind::InvalidKit => t!("kind.invalid_kit.title"),
        ErrorKind::Network => t!("kind.network.title"),
        ErrorKind::InvalidAddress => t!("kind.invalid_address.title"),
        ErrorKind::ChainMismatch => t!("kind.chain_mismatch.title"),
        ErrorKind::TaskNotFound => t!("kind.task_not_found.title"),
        ErrorKind::NoResult => t!("kind.no_result.title"),
        ErrorKind::WrongPassword => t!("kind.wrong_password.title"),
        ErrorKind::InvalidWallet => t!("kind.invalid_wallet.title"),
        ErrorKind::WalletRequired => t!("kind.wallet_required.title"),
        ErrorKind::SmsUnauthorized => t!("kind.sms_unauthorized.title"),
        ErrorKind::SmsKeyAbsent => t!("kind.sms_key_absent.title"),
        ErrorKind::SmsKeyExists => t!("kind.sms_key_exists.title"),
        ErrorKind::SmsValueTooLarge => t!("kind.sms_value_too_large.title"),
        ErrorKind::KeyringNotOpen => t!("kind.keyring_not_open.title"),
        ErrorKind::KeyringEmpty => t!("kind.keyring_empty.title"),
        ErrorKind::UnknownNetwork => t!("kind.unknown_network.title"),
        ErrorKind::InvalidInput => t!("kind.invalid_input.title"),
        ErrorKind::Busy => t!("kind.busy.title"),
        ErrorKind::Internal => t!("kind.internal.title"),
    }
}

/// What to do, for any error of this kind.
fn hint(kind: ErrorKind) -> Cow<'static, str> {
    match kind {
        ErrorKind::NotAResult => t!("kind.not_a_result.hint"),
        ErrorKind::IncompleteArchive => t!("kind.incomplete_archive.hint"),
        ErrorKind::InvalidKeyFile => t!("kind.invalid_key_file.hint"),
        ErrorKind::NoMatchingKey => t!("kind.no_matching_key.hint"),
        ErrorKind::DamagedCiphertext => t!("kind.damaged_ciphertext.hint"),
        ErrorKind::DamagedContents => t!("kind.damaged_contents.hint"),
        ErrorKind::UnsafeArchive => t!("kind.unsafe_archive.hint"),
        ErrorKind::OutputExists => t!("kind.output_exists.hint"),
        ErrorKind::Io => t!("kind.io.hint"),
        ErrorKind::Cancelled => t!("kind.cancelled.hint"),
        ErrorKind::KeychainUnavailable => t!("kind.keychain_unavailable.hint"),
        ErrorKind::KeychainLocked => t!("kind.keychain_locked.hint"),
        ErrorKind::KeyringDamaged => t!("kind.keyring_damaged.hint"),
        ErrorKind::WrongPassphrase => t!("kind.wrong_passphrase.hint"),
        ErrorKind::KeyNotFound => t!("kind.key_not_found.hint"),
        ErrorKind::BackupRequired => t!("kind.backup_required.hint"),
        ErrorKind::InvalidPhrase => t!("kind.invalid_phrase.hint"),
        ErrorKind::PhraseForAnotherKit => t!("kind.phrase_for_another_kit.hint"),
        ErrorKind::InvalidKit => t!("kind.invalid_kit.hint"),
        ErrorKind::Network => t!("kind.network.hint"),
        ErrorKind::InvalidAddress => t!("kind.invalid_address.hint"),
        ErrorKind::ChainMismatch => t!("kind.chain_mismatch.hint"),
        ErrorKind::TaskNotFound => t!("kind.task_not_found.hint"),
        ErrorKind::NoResult => t!("kind.no_result.hint"),
        ErrorKind::WrongPassword => t!("kind.wrong_password.hint"),
        ErrorKind::InvalidWallet => t!("kind.invalid_wallet.hint"),
        ErrorKind::WalletRequired => t!("kind.wallet_required.hint"),
        ErrorKind::SmsUnauthorized => t!("kind.sms_unauthorized.hint"),
        ErrorKind::SmsKeyAbsent => t!("kind.sms_key_absent.hint"),
        ErrorKind::SmsKeyExists => t!("kind.sms_key_exists.hint"),
        ErrorKind::SmsValueTooLarge => t!("kind.sms_value_too_large.hint"),
        ErrorKind::KeyringNotOpen => t!("kind.keyring_not_open.hint"),
        ErrorKind::KeyringEmpty => t!("kind.keyring_empty.hint"),
        ErrorKind::UnknownNetwork => t!("kind.unknown_network.hint"),
        ErrorKind::InvalidInput => t!("kind.invalid_input.hint"),
        ErrorKind::Busy => t!("kind.busy.hint"),
        ErrorKind::Internal => t!("kind.internal.hint"),
    }
}
