//! Where the vault key lives: the OS keychain (Secret Service, macOS Keychain, Windows Credential
//! Manager through the `keyring` crate), or a passphrase (Argon2id).
//!
//! The keychain is never waited on without a limit: a locked Secret Service may show an unlock
//! prompt and block; after [`KEYCHAIN_TIMEOUT`] the call gives up with `keychain_locked`.

use std::sync::mpsc;
use std::time::Duration;

use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorKind, Result};
use crate::vault::store::{Protection, VaultKey};

/// How long a keychain call may take (an unlock prompt left open counts as locked);
/// `RESULT_VAULT_KEYCHAIN_TIMEOUT_SECS` overrides it (tests).
pub const KEYCHAIN_TIMEOUT: Duration = Duration::from_secs(20);

/// The keychain entry holding one vault's key. Entries are namespaced by the data folder, so
/// tests and development builds (their own `RESULT_VAULT_HOME`) never touch a user's real entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeychainEntry {
    /// Service name (`result-vault`, or `result-vault-dev` in debug builds).
    pub service: String,
    /// Account: `vault-key:` and 16 hex digits of SHA-256 of the data folder's path.
    pub account: String,
}

impl KeychainEntry {
    /// The entry for the vault in `data_dir`. `RESULT_VAULT_KEYCHAIN_SERVICE` overrides the
    /// service name.
    pub fn for_dir(data_dir: &std::path::Path) -> Self {
        let service = std::env::var("RESULT_VAULT_KEYCHAIN_SERVICE")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| if cfg!(debug_assertions) { "result-vault-dev" } else { "result-vault" }.to_owned());
        let abs = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
        let h = Sha256::digest(abs.to_string_lossy().as_bytes());
        KeychainEntry { service, account: format!("vault-key:{}", &hex::encode(h)[..16]) }
    }

    fn with_entry<T: Send + 'static>(
        &self,
        f: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        let (service, account) = (self.service.clone(), self.account.clone());
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("keychain".into())
            .spawn(move || {
                let r = keyring::Entry::new(&service, &account).and_then(f);
                let _ = tx.send(r);
            })
            .map_err(|e| Error::internal(format!("cannot start the keychain thread: {e}")))?;
        let timeout = std::env::var("RESULT_VAULT_KEYCHAIN_TIMEOUT_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(KEYCHAIN_TIMEOUT);
        match rx.recv_timeout(timeout) {
            Ok(r) => r.map_err(map_keyring_error),
            Err(_) => Err(Error::new(
                ErrorKind::KeychainLocked,
                "The system keychain did not answer: it is probably locked and waiting for its password.",
                "Unlock your keychain (your login keyring), then try again. Or protect the key ring with a passphrase instead.",
            )),
        }
    }

    /// Reads the vault key; `Ok(None)` when the entry does not exist.
    pub fn get(&self) -> Result<Option<VaultKey>> {
        let secret = self.with_entry(|e| match e.get_password() {
            Ok(s) => Ok(Some(Zeroizing::new(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })?;
        let Some(secret) = secret else {
            return Ok(None);
        };
        let raw = Zeroizing::new(
            base64::engine::general_purpose::STANDARD.decode(secret.trim()).map_err(|_| damaged_entry())?,
        );
        if raw.len() != 32 {
            return Err(damaged_entry());
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&raw);
        Ok(Some(VaultKey(k)))
    }

    /// Stores the vault key.
    pub fn set(&self, key: &VaultKey) -> Result<()> {
        let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(key.0.as_ref()));
        self.with_entry(move |e| e.set_password(&b64))
    }

    /// Removes the entry (used when a vault is deleted, and by tests).
    pub fn delete(&self) -> Result<()> {
        self.with_entry(|e| match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
    }
}

fn damaged_entry() -> Error {
    Error::new(
        ErrorKind::KeyringDamaged,
        "The keychain entry of Result Vault is damaged.",
        "Restore your keys from your recovery kit.",
    )
}

fn locked(detail: &str) -> Error {
    Error::new(
        ErrorKind::KeychainLocked,
        format!("The system keychain is locked ({detail})."),
        "Unlock your keychain (your login keyring), then try again. Or protect the key ring with a passphrase instead.",
    )
}

fn looks_locked(text: &str) -> bool {
    let t = text.to_lowercase();
    t.contains("lock") || t.contains("prompt") || t.contains("dismiss")
}

fn map_keyring_error(e: keyring::Error) -> Error {
    match e {
        // A locked collection whose unlock prompt was refused or could not be shown.
        keyring::Error::NoStorageAccess(inner) if looks_locked(&inner.to_string()) => locked(&inner.to_string()),
        keyring::Error::PlatformFailure(inner) if looks_locked(&inner.to_string()) => locked(&inner.to_string()),
        keyring::Error::NoStorageAccess(inner) => Error::new(
            ErrorKind::KeychainUnavailable,
            format!("The system keychain cannot be reached ({inner})."),
            "On Linux, start a Secret Service (GNOME Keyring or KWallet) and unlock it. Or protect the key ring with a passphrase instead.",
        ),
        keyring::Error::PlatformFailure(inner) => Error::new(
            ErrorKind::KeychainUnavailable,
            format!("The system keychain refused the request ({inner})."),
            "Check that a Secret Service (GNOME Keyring or KWallet) runs and is unlocked, or use a passphrase instead.",
        ),
        other => Error::new(
            ErrorKind::KeychainUnavailable,
            format!("The system keychain failed: {other}."),
            "Check your keychain, or protect the key ring with a passphrase instead.",
        ),
    }
}

/// Argon2id parameters for a new passphrase-protected ring (OWASP's first recommendation:
/// 19 MiB, 2 iterations, 1 lane).
pub fn new_passphrase_protection() -> Protection {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    Protection::Passphrase { salt, m_cost: 19 * 1024, t_cost: 2, p_cost: 1 }
}

/// Derives the vault key from `passphrase` with the ring's Argon2id parameters, once they are
/// checked against the bounds of [`MAX_ARGON2_M_COST_KIB`](crate::vault::store::MAX_ARGON2_M_COST_KIB)
/// (at most 1 GiB and 4 passes over it): a header read from disk was already checked by
/// [`Protection::decode`]; this checks again for a `Protection` built any other way.
///
/// The lock: this runs when a ring is opened ([`Vault::open_or_create`](crate::vault::Vault::open_or_create)),
/// never inside `Vault::change`, so no read-modify-write of the ring waits on it. The one time
/// it runs under `keyring.lock` is the creation of a ring (no file yet), which `open_or_create`
/// does under the lock so that two processes make one ring: then the parameters are either this
/// app's own ([`new_passphrase_protection`], 19 MiB, tens of milliseconds) or, if another
/// process created a passphrase ring in between, that header's, checked as above.
///
/// Errors: `keyring_damaged` (parameters out of bounds), `internal` (a keychain ring).
pub fn derive_from_passphrase(passphrase: &str, protection: &Protection) -> Result<VaultKey> {
    let Protection::Passphrase { salt, m_cost, t_cost, p_cost } = protection else {
        return Err(Error::internal("derive_from_passphrase on a keychain-protected ring"));
    };
    protection.check_cost()?;
    let params = argon2::Params::new(*m_cost, *t_cost, *p_cost, Some(32)).map_err(|e| {
        Error::new(
            ErrorKind::KeyringDamaged,
            format!("The key ring cannot be read: its header's Argon2id parameters are invalid ({e})."),
            "Restore your keys from your recovery kit (Keys > Restore), or import them again.",
        )
    })?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut k = Zeroizing::new([0u8; 32]);
    argon.hash_password_into(passphrase.as_bytes(), salt, k.as_mut()).map_err(|e| Error::internal(e.to_string()))?;
    Ok(VaultKey(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Out-of-bounds parameters are refused before Argon2 runs, even for a `Protection` that did
    /// not come through `Protection::decode` (1,000 passes over 8 KiB would run, and succeed).
    #[test]
    fn out_of_bounds_parameters_are_refused_before_deriving() {
        let ok = Protection::Passphrase { salt: [1; 16], m_cost: 8, t_cost: 1, p_cost: 1 };
        assert!(derive_from_passphrase("pw", &ok).is_ok());
        let slow = Protection::Passphrase { salt: [1; 16], m_cost: 8, t_cost: 1000, p_cost: 1 };
        let e = derive_from_passphrase("pw", &slow).unwrap_err();
        assert_eq!(e.kind, ErrorKind::KeyringDamaged);
        assert!(e.message.contains("t_cost = 1000"), "{}", e.message);
        let wide = Protection::Passphrase { salt: [1; 16], m_cost: 8 * 64, t_cost: 1, p_cost: 64 };
        assert_eq!(derive_from_passphrase("pw", &wide).unwrap_err().kind, ErrorKind::KeyringDamaged);
    }
}
