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
use crate::error::{Error, ErrorKind, Result};
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

/// Bounds on a passphrase ring's Argon2id parameters, checked when the header is read
/// ([`Protection::decode`]) and again before a derivation
/// ([`derive_from_passphrase`](crate::vault::protector::derive_from_passphrase)): the header
/// is read before anything authenticates it, so a damaged or crafted one must not make the app
/// allocate gigabytes or compute for minutes.
///
/// This app writes m = 19 MiB, t = 2, p = 1
/// ([`new_passphrase_protection`](crate::vault::protector::new_passphrase_protection), OWASP's
/// first recommendation); the bounds leave a wide margin for a later version that raises them
/// (RFC 9106's second recommendation is 64 MiB, t = 3, p = 4): memory at most 1 GiB, at most
/// 10 passes, at most 16 lanes, and the work m \u{b7} t at most 4 passes over 1 GiB (seconds,
/// not minutes). Zero, or less memory than Argon2 allows (8 KiB per lane), is refused too.
/// Out of bounds is `keyring_damaged`: this app never writes such a header.
pub const MAX_ARGON2_M_COST_KIB: u32 = 1 << 20;
/// See [`MAX_ARGON2_M_COST_KIB`].
pub const MAX_ARGON2_T_COST: u32 = 10;
/// See [`MAX_ARGON2_M_COST_KIB`].
pub const MAX_ARGON2_P_COST: u32 = 16;
/// The largest m_cost (KiB) \u{b7} t_cost. See [`MAX_ARGON2_M_COST_KIB`].
pub const MAX_ARGON2_WORK_KIB: u64 = 4 << 20;

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

    /// Checks a passphrase ring's Argon2id parameters against [`MAX_ARGON2_M_COST_KIB`] and
    /// the other bounds (a keychain ring has none).
    ///
    /// Errors: `keyring_damaged`, naming the parameter and its bound.
    pub fn check_cost(&self) -> Result<()> {
        let Protection::Passphrase { m_cost, t_cost, p_cost, .. } = *self else {
            return Ok(());
        };
        let out = |what: String| {
            Err(damaged(&format!(
                "its header asks Argon2id for {what}, which this app never writes (the header is damaged)"
            )))
        };
        if p_cost == 0 || p_cost > MAX_ARGON2_P_COST {
            return out(format!("p_cost = {p_cost} lanes (Result Vault accepts 1 to {MAX_ARGON2_P_COST})"));
        }
        if t_cost == 0 || t_cost > MAX_ARGON2_T_COST {
            return out(format!("t_cost = {t_cost} passes (Result Vault accepts 1 to {MAX_ARGON2_T_COST})"));
        }
        if m_cost > MAX_ARGON2_M_COST_KIB || m_cost < 8 * p_cost {
            return out(format!(
                "m_cost = {m_cost} KiB of memory (Result Vault accepts {} to {MAX_ARGON2_M_COST_KIB} KiB, 1 GiB)",
                8 * p_cost
            ));
        }
        let work = u64::from(m_cost) * u64::from(t_cost);
        if work > MAX_ARGON2_WORK_KIB {
            return out(format!(
                "m_cost \u{b7} t_cost = {work} KiB of work (Result Vault accepts at most {MAX_ARGON2_WORK_KIB}, 4 passes over 1 GiB)"
            ));
        }
        Ok(())
    }

    /// Parses the header at the start of `bytes`; returns it and its length. A passphrase
    /// header's Argon2id parameters are checked here ([`Protection::check_cost`]), before
    /// anything can derive a key from them.
    ///
    /// Errors: `keyring_damaged`.
    pub fn decode(bytes: &[u8]) -> Result<(Self, usize)> {
        let damaged = || damaged("its header is not a Result Vault key ring");
        if bytes.len() < 8 || &bytes[..4] != MAGIC {
            return Err(damaged());
        }
        if bytes[4] != VERSION {
            return Err(Error::new(
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
        p.check_cost()?;
        Ok((p, 8 + plen))
    }
}

fn damaged(why: &str) -> Error {
    Error::new(
        ErrorKind::KeyringDamaged,
        format!("The key ring cannot be read: {why}."),
        "Restore your keys from your recovery kit (Keys > Restore), or import them again.",
    )
}

/// Seals `data` under `key`.
pub fn seal(data: &KeyRingData, key: &VaultKey, protection: &Protection) -> Result<Vec<u8>> {
    let header = protection.encode();
    let plain = Zeroizing::new(serde_json::to_vec(data).map_err(|e| Error::internal(e.to_string()))?);
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let ct = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: &plain, aad: &header })
        .map_err(|_| Error::internal("key ring encryption failed"))?;
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
            Protection::Passphrase { .. } => Error::new(
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
        Err(e) => Err(Error::io("read", &dir.join(KEYRING_FILE), &e)),
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
        Err(e) => Err(Error::io("read", &dir.join(KEYRING_FILE), &e)),
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
    fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, &e))?;
    let target = dir.join(KEYRING_FILE);
    let mut tmp = tempfile::Builder::new()
        .prefix(".keyring.new-")
        .tempfile_in(dir)
        .map_err(|e| Error::io("write in", dir, &e))?;
    // Half, pause, the rest: a kill between the halves leaves a partial temporary file.
    let half = bytes.len() / 2;
    tmp.write_all(&bytes[..half]).map_err(|e| Error::io("write", tmp.path(), &e))?;
    tmp.flush().map_err(|e| Error::io("write", tmp.path(), &e))?;
    crash_test_pause(1);
    tmp.write_all(&bytes[half..]).map_err(|e| Error::io("write", tmp.path(), &e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io("write", tmp.path(), &e))?;
    crash_test_pause(2);
    if target.exists() {
        // Keep the current version as `keyring.prev`, itself replaced atomically.
        let prev_tmp: PathBuf = dir.join(format!(".keyring.prev-{}", std::process::id()));
        let _ = fs::remove_file(&prev_tmp);
        fs::hard_link(&target, &prev_tmp)
            .or_else(|_| fs::copy(&target, &prev_tmp).map(|_| ()))
            .map_err(|e| Error::io("keep the previous version of", &target, &e))?;
        crash_test_pause(3);
        fs::rename(&prev_tmp, dir.join(PREVIOUS_FILE))
            .map_err(|e| Error::io("keep the previous version of", &target, &e))?;
        crash_test_pause(4);
    }
    crate::archive::output::persist_replacing(tmp, &target).map_err(|e| Error::io("write", &target, &e))?;
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

    fn passphrase(m_cost: u32, t_cost: u32, p_cost: u32) -> Vec<u8> {
        Protection::Passphrase { salt: [7; 16], m_cost, t_cost, p_cost }.encode()
    }

    /// Each bound refuses on its own, at `decode`, with `keyring_damaged` and a message naming
    /// the parameter; what this app writes, and RFC 9106's recommendations up to 1 GiB, pass.
    #[test]
    fn argon2_parameters_out_of_bounds_are_refused_when_the_header_is_read() {
        for (m, t, p) in [(19 * 1024, 2, 1), (64 * 1024, 3, 4), (1 << 20, 4, 16), (8, 1, 1)] {
            assert!(Protection::decode(&passphrase(m, t, p)).is_ok(), "{m} {t} {p}");
        }
        let cases = [
            (passphrase((1 << 20) + 1, 1, 1), "m_cost = 1048577 KiB"),
            (passphrase(u32::MAX, 1, 1), "m_cost = 4294967295 KiB"),
            (passphrase(15, 1, 2), "m_cost = 15 KiB"),
            (passphrase(0, 1, 1), "m_cost = 0 KiB"),
            (passphrase(19 * 1024, 11, 1), "t_cost = 11 passes"),
            (passphrase(19 * 1024, u32::MAX, 1), "t_cost = 4294967295 passes"),
            (passphrase(19 * 1024, 0, 1), "t_cost = 0 passes"),
            (passphrase(19 * 1024, 2, 17), "p_cost = 17 lanes"),
            (passphrase(19 * 1024, 2, 0), "p_cost = 0 lanes"),
            (passphrase(1 << 20, 5, 1), "m_cost \u{b7} t_cost = 5242880 KiB"),
        ];
        for (header, what) in cases {
            let e = Protection::decode(&header).unwrap_err();
            assert_eq!(e.kind, ErrorKind::KeyringDamaged, "{what}");
            assert!(e.message.contains(what) && e.message.contains("Argon2id"), "{what}: {}", e.message);
            // The same refusal from a whole sealed file, before any key is tried.
            let mut sealed = header.clone();
            sealed.extend_from_slice(&[0; 64]);
            assert_eq!(unseal(&sealed, &VaultKey::random()).unwrap_err().kind, ErrorKind::KeyringDamaged);
            let dir = tempfile::tempdir().unwrap();
            fs::write(dir.path().join(KEYRING_FILE), &sealed).unwrap();
            assert_eq!(read_protection(dir.path()).unwrap_err().kind, ErrorKind::KeyringDamaged);
        }
    }

    #[test]
    fn passphrase_header_round_trips() {
        let p = Protection::Passphrase { salt: [7; 16], m_cost: 19456, t_cost: 2, p_cost: 1 };
        let (q, len) = Protection::decode(&p.encode()).unwrap();
        assert_eq!(q, p);
        assert_eq!(len, 36);
    }
}
