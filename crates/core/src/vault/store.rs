//! The key ring file: a small plaintext header, then the key ring as JSON sealed with
//! XChaCha20-Poly1305 under the 32-byte vault key (the header is the AEAD's associated data, so
//! it cannot be altered unnoticed).
//!
//! Layout, version 1 (all integers little-endian):
//! `"RVKR"` ‖ version (u8 = 1) ‖ protection (u8: 1 keychain, 2 passphrase) ‖ params length (u16)
//! ‖ params (passphrase: salt 16 B ‖ Argon2id m_cost u32 KiB ‖ t_cost u32 ‖ p_cost u32)
//! ‖ nonce (24 B) ‖ ciphertext and tag.
//!
//! Writes are atomic and keep the previous version: the new file is written to a temporary
//! name, synced, the current file is hard-linked as `keyring.prev`, then the new file is renamed
//! over `keyring`, and the folder is synced. A crash at any moment leaves `keyring` with either
//! the old or the new content, and `keyring.prev` with an older complete one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::Zeroizing;

use crate::archive::output::sync_dir;
use crate::error::{ErrorKind, Result, VaultError};
use crate::vault::model::KeyRingData;

/// File name of the key ring in the data folder.
pub const KEYRING_FILE: &str = "keyring";
/// File name of the previous version.
pub const PREVIOUS_FILE: &str = "keyring.prev";
/// File name of the ring's lock ([`crate::lock`]): a sibling that is never replaced, since the
/// ring itself is replaced by a rename at each write.
pub const LOCK_FILE: &str = "keyring.lock";
const MAGIC: &[u8; 4] = b"RVKR";
const VERSION: u8 = 1;

/// A 32-byte vault key, zeroized on drop.
#[derive(Clone)]
pub struct VaultKey(pub Zeroizing<[u8; 32]>);

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(<redacted>)")
    }
}

impl VaultKey {
    /// A fresh random key from the OS generator.
    pub fn random() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        VaultKey(k)
    }
}

/// How the vault key is protected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protection {
    /// Kept in the OS keychain.
    Keychain,
    /// Derived from a passphrase with Argon2id.
    Passphrase {
        /// Random salt.
        salt: [u8; 16],
        /// Memory cost in KiB.
        m_cost: u32,
        /// Iterations.
        t_cost: u32,
        /// Parallelism.
        p_cost: u32,
    },
}

impl Protection {
    fn encode(&self) -> Vec<u8> {
        let mut h = MAGIC.to_vec();
        h.push(VERSION);
        match self {
            Protection::Keychain => {
                h.push(1);
                h.extend_from_slice(&0u16.to_le_bytes());
            }
            Protection::Passphrase { salt, m_cost, t_cost, p_cost } => {
                h.push(2);
                h.extend_from_slice(&28u16.to_le_bytes());
                h.extend_from_slice(salt);
                h.extend_from_slice(&m_cost.to_le_bytes());
                h.extend_from_slice(&t_cost.to_le_bytes());
                h.extend_from_slice(&p_cost.to_le_bytes());
            }
        }
        h
    }

    /// Parses the header at the start of `bytes`; returns it and its length.
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize)> {
        let damaged = || damaged("its header is not a Result Vault key ring");
        if bytes.len() < 8 || &bytes[..4] != MAGIC {
            return Err(damaged());
        }
        if bytes[4] != VERSION {
            return Err(VaultError::new(
                ErrorKind::KeyringDamaged,
                format!("The key ring was written by a newer Result Vault (format {}).", bytes[4]),
                "Update Result Vault, or restore your recovery kit.",
            ));
        }
        let plen = u16::from_le_bytes([bytes[6], bytes[7]]) as usize;
        let params = bytes.get(8..8 + plen).ok_or_else(damaged)?;
        let p = match (bytes[5], plen) {
            (1, 0) => Protection::Keychain,
            (2, 28) => {
                let u = |i: usize| u32::from_le_bytes([params[i], params[i + 1], params[i + 2], params[i + 3]]);
                let mut salt = [0u8; 16];
                salt.copy_from_slice(&params[..16]);
                Protection::Passphrase { salt, m_cost: u(16), t_cost: u(20), p_cost: u(24) }
            }
            _ => return Err(damaged()),
        };
        Ok((p, 8 + plen))
    }
}

fn damaged(why: &str) -> VaultError {
    VaultError::new(
        ErrorKind::KeyringDamaged,
        format!("The key ring cannot be read: {why}."),
        "Restore your keys from your recovery kit (Keys > Restore), or import them again.",
    )
}

/// Seals `data` under `key`.
pub fn seal(data: &KeyRingData, key: &VaultKey, protection: &Protection) -> Result<Vec<u8>> {
    let header = protection.encode();
    let plain = Zeroizing::new(serde_json::to_vec(data).map_err(|e| VaultError::internal(e.to_string()))?);
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &header })
        .map_err(|_| VaultError::internal("key ring encryption failed"))?;
    let mut out = header;
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a sealed key ring. Errors: `keyring_damaged` (or `wrong_passphrase` when the key was
/// derived from a passphrase and does not open it).
pub fn unseal(bytes: &[u8], key: &VaultKey) -> Result<KeyRingData> {
    let (protection, hlen) = Protection::decode(bytes)?;
    let nonce = bytes.get(hlen..hlen + 24).ok_or_else(|| damaged("it is cut short"))?;
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), Payload { msg: &bytes[hlen + 24..], aad: &bytes[..hlen] })
        .map_err(|_| match protection {
            Protection::Passphrase { .. } => VaultError::new(
                ErrorKind::WrongPassphrase,
                "This passphrase does not open the key ring.",
                "Type the key ring's passphrase again (it is case-sensitive).",
            ),
            Protection::Keychain => damaged("it is damaged, or the keychain holds the key of another vault"),
        })
        .map(Zeroizing::new)?;
    serde_json::from_slice(&plain).map_err(|_| damaged("its content is not valid"))
}

/// Reads the header of the key ring in `dir`, if any.
pub fn read_protection(dir: &Path) -> Result<Option<Protection>> {
    match fs::read(dir.join(KEYRING_FILE)) {
        Ok(b) => Ok(Some(Protection::decode(&b)?.0)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fs::read(dir.join(PREVIOUS_FILE)) {
            Ok(b) => Ok(Some(Protection::decode(&b)?.0)),
            Err(_) => Ok(None),
        },
        Err(e) => Err(VaultError::io("read", &dir.join(KEYRING_FILE), &e)),
    }
}

/// Loads the key ring from `dir`: the current file, or the previous version when the current one
/// is unreadable. `Ok(None)` when there is no key ring yet.
pub fn load(dir: &Path, key: &VaultKey) -> Result<Option<KeyRingData>> {
    let current = fs::read(dir.join(KEYRING_FILE));
    match current {
        Ok(b) => match unseal(&b, key) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind == ErrorKind::WrongPassphrase => Err(e),
            Err(e) => match fs::read(dir.join(PREVIOUS_FILE)) {
                Ok(prev) => unseal(&prev, key).map(Some).map_err(|_| e),
                Err(_) => Err(e),
            },
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fs::read(dir.join(PREVIOUS_FILE)) {
            Ok(prev) => unseal(&prev, key).map(Some),
            Err(_) => Ok(None),
        },
        Err(e) => Err(VaultError::io("read", &dir.join(KEYRING_FILE), &e)),
    }
}

/// Fault injection for the crash-safety test: with `RESULT_VAULT_CRASH_TEST_PAUSE_MS` set, each
/// step of [`write_atomic`] prints `RESULT_VAULT_CRASH_POINT <step>` on standard error and pauses,
/// so that a test can kill the process (SIGKILL) exactly there. Unset in normal use.
fn crash_test_pause(step: u32) {
    if let Some(ms) = std::env::var("RESULT_VAULT_CRASH_TEST_PAUSE_MS").ok().and_then(|v| v.parse::<u64>().ok()) {
        eprintln!("RESULT_VAULT_CRASH_POINT {step}");
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Writes `bytes` as the new key ring in `dir`, atomically, keeping the previous version.
pub fn write_atomic(dir: &Path, bytes: &[u8]) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| VaultError::io("create the folder", dir, &e))?;
    let target = dir.join(KEYRING_FILE);
    let mut tmp = tempfile::Builder::new()
        .prefix(".keyring.new-")
        .tempfile_in(dir)
        .map_err(|e| VaultError::io("write in", dir, &e))?;
    // Half, pause, the rest: a kill between the halves leaves a partial temporary file.
    let half = bytes.len() / 2;
    tmp.write_all(&bytes[..half]).map_err(|e| VaultError::io("write", tmp.path(), &e))?;
    tmp.flush().map_err(|e| VaultError::io("write", tmp.path(), &e))?;
    crash_test_pause(1);
    tmp.write_all(&bytes[half..]).map_err(|e| VaultError::io("write", tmp.path(), &e))?;
    tmp.as_file().sync_all().map_err(|e| VaultError::io("write", tmp.path(), &e))?;
    crash_test_pause(2);
    if target.exists() {
        // Keep the current version as `keyring.prev`, itself replaced atomically.
        let prev_tmp: PathBuf = dir.join(format!(".keyring.prev-{}", std::process::id()));
        let _ = fs::remove_file(&prev_tmp);
        fs::hard_link(&target, &prev_tmp)
            .or_else(|_| fs::copy(&target, &prev_tmp).map(|_| ()))
            .map_err(|e| VaultError::io("keep the previous version of", &target, &e))?;
        crash_test_pause(3);
        fs::rename(&prev_tmp, dir.join(PREVIOUS_FILE))
            .map_err(|e| VaultError::io("keep the previous version of", &target, &e))?;
        crash_test_pause(4);
    }
    tmp.persist(&target).map_err(|e| VaultError::io("write", &target, &e.error))?;
    crash_test_pause(5);
    sync_dir(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_and_unseal_round_trip_and_the_header_is_authenticated() {
        let key = VaultKey::random();
        let data = KeyRingData::default();
        let sealed = seal(&data, &key, &Protection::Keychain).unwrap();
        assert_eq!(unseal(&sealed, &key).unwrap(), data);
        // Another key: refused.
        assert_eq!(unseal(&sealed, &VaultKey::random()).unwrap_err().kind, ErrorKind::KeyringDamaged);
        // Header altered (protection byte): refused.
        let mut bad = sealed.clone();
        bad[5] = 2;
        assert!(unseal(&bad, &key).is_err());
        // Ciphertext altered: refused.
        let mut bad = sealed.clone();
        let n = bad.len();
        bad[n - 1] ^= 1;
        assert_eq!(unseal(&bad, &key).unwrap_err().kind, ErrorKind::KeyringDamaged);
    }

    #[test]
    fn a_damaged_current_file_falls_back_to_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let key = VaultKey::random();
        let mut data = KeyRingData::default();
        write_atomic(dir.path(), &seal(&data, &key, &Protection::Keychain).unwrap()).unwrap();
        data.kits.push(crate::vault::model::KitRecord {
            id: "k".into(),
            created: chrono::Utc::now(),
            fingerprints: vec![],
            verified: false,
        });
        write_atomic(dir.path(), &seal(&data, &key, &Protection::Keychain).unwrap()).unwrap();
        assert_eq!(load(dir.path(), &key).unwrap().unwrap(), data);
        fs::write(dir.path().join(KEYRING_FILE), b"RVKR garbage").unwrap();
        assert_eq!(load(dir.path(), &key).unwrap().unwrap(), KeyRingData::default());
        // No temporary files left.
        let names: Vec<String> =
            fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        assert!(names.iter().all(|n| n == KEYRING_FILE || n == PREVIOUS_FILE), "{names:?}");
    }

    #[test]
    fn passphrase_header_round_trips() {
        let p = Protection::Passphrase { salt: [7; 16], m_cost: 19456, t_cost: 2, p_cost: 1 };
        let (q, len) = Protection::decode(&p.encode()).unwrap();
        assert_eq!(q, p);
        assert_eq!(len, 36);
    }
}
