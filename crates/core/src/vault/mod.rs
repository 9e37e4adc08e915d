//! The key ring: every private key the user ever used (old keys stay, retired), encrypted on
//! disk under a vault key kept in the OS keychain (or derived from a passphrase), with recovery
//! kits that restore it (docs/design.md section 4).
//!
//! Several processes share the ring (the app, any number of `result-vault` commands), so no
//! copy in memory is ever written back blindly: every change is a read-modify-write under the
//! ring's lock ([`crate::lock`]): the latest ring is read under the lock, changed, written
//! atomically, and the lock released. Slow work (RSA generation, an age kit, a network call) is
//! done before or after, never under the lock. Reads refresh from disk ([`Vault::refresh`]).
//!
//! - [`store`]: the encrypted file and its atomic writes;
//! - [`protector`]: keychain entry (with a timeout) and passphrase derivation;
//! - [`kit`]: recovery kits (age + BIP39 phrase);
//! - [`model`]: what is stored;
//! - [`wallets`]: wallets, the SMS push journal and key rotation.

pub mod kit;
pub mod model;
pub mod protector;
pub mod store;
pub mod wallets;

use std::path::{Path, PathBuf};

use chrono::Utc;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::RsaPrivateKey;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::archive::output::PendingOutput;
use crate::error::{Error, ErrorKind, Result};
use crate::keys::{parse_private_key_pem, Fingerprint, KeyCandidate};
use crate::lock::FileLock;
use crate::progress::CancelToken;
use kit::Phrase;
use model::{KeyRingData, KeySource, KeyStatus, KeySummary, KitRecord, SecretPem, StoredKey};
use protector::KeychainEntry;
use store::{Protection, VaultKey};

/// RSA modulus size of generated keys, as `iexec result generate-encryption-keypair`.
pub const GENERATED_KEY_BITS: usize = 4096;

/// How to unlock (or create) a key ring.
#[derive(Clone)]
pub enum Unlock {
    /// The vault key is in the OS keychain (created there for a new ring).
    Keychain,
    /// The vault key is derived from this passphrase (Argon2id).
    Passphrase(Zeroizing<String>),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unlock::Keychain => f.write_str("Unlock::Keychain"),
            Unlock::Passphrase(_) => f.write_str("Unlock::Passphrase(<redacted>)"),
        }
    }
}

/// How the ring in a folder is protected, without unlocking it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProtectionKind {
    /// No key ring yet.
    None,
    /// OS keychain.
    Keychain,
    /// Passphrase.
    Passphrase,
}

/// Result of adding one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOutcome {
    /// The key (new or already there).
    pub key: KeySummary,
    /// `false` when the ring already held it (nothing changed).
    pub added: bool,
}

/// What `backup` produced. The phrase is shown once and never stored.
#[derive(Debug)]
pub struct BackupOutcome {
    /// Where the kit was written.
    pub file: PathBuf,
    /// The 24 words.
    pub phrase: Phrase,
    /// Fingerprints of the keys in the kit.
    pub fingerprints: Vec<String>,
    /// The kit's id.
    pub kit_id: String,
}

/// What a restore or a verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreOutcome {
    /// Kit id.
    pub kit_id: String,
    /// Fingerprints of the keys in the kit.
    pub fingerprints: Vec<String>,
    /// Fingerprints newly added to the ring (restore only).
    pub added: Vec<String>,
    /// Fingerprints the ring already had.
    pub already_present: Vec<String>,
}

/// The key ring at a glance: what the Keys screen and the reminders show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VaultOverview {
    /// How the open ring is protected.
    pub protection: ProtectionKind,
    /// Every key (no private material).
    pub keys: Vec<KeySummary>,
    /// Fingerprints in no verified recovery kit (drives the "not backed up" reminder).
    pub not_backed_up: Vec<String>,
    /// A kit was made, but some key is missing from every verified kit.
    pub kit_out_of_date: bool,
    /// The fingerprint of the active key (the one pushed to the SMS and replaced by a rotation:
    /// the newest key whose status is active), if any. Decided here only, never by a host.
    pub active_key: Option<String>,
}

/// Generates an RSA-4096 key pair (seconds of CPU; call it off the UI thread and without holding
/// the ring's lock). `cancel` is checked when it is done.
pub fn generate_key_pair(cancel: &CancelToken) -> Result<RsaPrivateKey> {
    let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, GENERATED_KEY_BITS)
        .map_err(|e| Error::internal(format!("key generation: {e}")))?;
    cancel.check()?;
    Ok(key)
}

/// An unlocked key ring: the vault key and the ring as last read from disk.
///
/// A handle is cheap to clone; every clone re-reads the ring under its lock before a change, so
/// clones (and other processes) never lose each other's writes.
#[derive(Clone)]
pub struct Vault {
    dir: PathBuf,
    key: VaultKey,
    protection: Protection,
    data: KeyRingData,
    /// True while this handle holds the ring's lock: a change made inside another one (an import
    /// inside a rotation step) joins it instead of waiting for itself.
    in_change: bool,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("dir", &self.dir).field("keys", &self.data.keys.len()).finish()
    }
}

/// PKCS#8 PEM of a private key (what `iexec result decrypt` accepts).
pub fn pkcs8_pem(key: &RsaPrivateKey) -> Result<Zeroizing<String>> {
    key.to_pkcs8_pem(LineEnding::LF).map_err(|e| Error::internal(format!("PKCS#8 encoding: {e}")))
}

/// SPKI PEM of a key's public half (what the iexec CLI pushes to the SMS).
pub fn public_pem(key: &RsaPrivateKey) -> Result<String> {
    key.to_public_key().to_public_key_pem(LineEnding::LF).map_err(|e| Error::internal(format!("SPKI encoding: {e}")))
}

impl Vault {
    /// How the ring in `dir` is protected.
    pub fn protection_kind(dir: &Path) -> Result<ProtectionKind> {
        Ok(match store::read_protection(dir)? {
            None => ProtectionKind::None,
            Some(Protection::Keychain) => ProtectionKind::Keychain,
            Some(Protection::Passphrase { .. }) => ProtectionKind::Passphrase,
        })
    }

    /// Opens the ring in `dir`, creating it (empty) if there is none.
    ///
    /// Errors: `keychain_unavailable` / `keychain_locked` (with a timeout, never a hang),
    /// `keyring_damaged` (the keychain entry is gone but the file is there, or neither copy
    /// opens), `wrong_passphrase`.
    pub fn open_or_create(dir: &Path, unlock: &Unlock) -> Result<Vault> {
        if store::read_protection(dir)?.is_some() {
            return Self::open_existing(dir, unlock);
        }
        // No ring yet: create it under the lock, so that two processes starting at once make one
        // ring with one vault key (the second one opens what the first made).
        let _lock = FileLock::exclusive(&dir.join(store::LOCK_FILE))?;
        Self::open_existing(dir, unlock)
    }

    fn open_existing(dir: &Path, unlock: &Unlock) -> Result<Vault> {
        let existing = store::read_protection(dir)?;
        let (protection, key) = match (&existing, unlock) {
            (Some(Protection::Keychain), _) | (None, Unlock::Keychain) => {
                let entry = KeychainEntry::for_dir(dir);
                match entry.get()? {
                    Some(k) => (Protection::Keychain, k),
                    None if existing.is_some() => {
                        return Err(Error::new(
                            ErrorKind::KeyringDamaged,
                            "The key ring is here, but its key is no longer in the system keychain.",
                            "Restore your keys from your recovery kit (a new key ring will be made).",
                        ))
                    }
                    None => {
                        // Store the key before any file is sealed with it: a crash in between
                        // leaves a key and no file, which the next start reuses.
                        let k = VaultKey::random();
                        entry.set(&k)?;
                        (Protection::Keychain, k)
                    }
                }
            }
            (Some(p @ Protection::Passphrase { .. }), Unlock::Passphrase(pw)) => {
                (p.clone(), protector::derive_from_passphrase(pw, p)?)
            }
            (Some(Protection::Passphrase { .. }), Unlock::Keychain) => {
                return Err(Error::new(
                    ErrorKind::WrongPassphrase,
                    "This key ring is protected by a passphrase.",
                    "Type the key ring's passphrase.",
                ))
            }
            (None, Unlock::Passphrase(pw)) => {
                let p = protector::new_passphrase_protection();
                let k = protector::derive_from_passphrase(pw, &p)?;
                (p, k)
            }
        };
        let data = store::load(dir, &key)?;
        let fresh = data.is_none();
        let mut v = Vault { dir: dir.to_path_buf(), key, protection, data: data.unwrap_or_default(), in_change: false };
        if fresh {
            // The caller holds the lock (see `open_or_create`).
            v.in_change = true;
            let saved = v.save();
            v.in_change = false;
            saved?;
        }
        Ok(v)
    }

    /// Moves an unreadable key ring (and its previous version) aside, renamed with the time, so
    /// that a new ring can be created in `dir` (then filled from a recovery kit). Nothing is
    /// deleted: the old files stay beside it. Returns the new names.
    pub fn set_aside(dir: &Path) -> Result<Vec<PathBuf>> {
        let _lock = FileLock::exclusive(&dir.join(store::LOCK_FILE))?;
        let stamp = Utc::now().format("%Y%m%dT%H%M%S");
        let mut moved = Vec::new();
        for name in [store::KEYRING_FILE, store::PREVIOUS_FILE] {
            let from = dir.join(name);
            if from.exists() {
                // Never over an earlier one (two set asides in one second).
                let mut to = dir.join(format!("{name}.set-aside-{stamp}"));
                let mut n = 2;
                while to.exists() {
                    to = dir.join(format!("{name}.set-aside-{stamp}-{n}"));
                    n += 1;
                }
                std::fs::rename(&from, &to).map_err(|e| Error::io("move aside", &from, &e))?;
                moved.push(to);
            }
        }
        crate::archive::output::sync_dir(dir);
        Ok(moved)
    }

    /// The key rings set aside in `dir` (by [`set_aside`](Self::set_aside) before a restore),
    /// newest first: their file names (`keyring.set-aside-<YYYYMMDDTHHMMSS>`).
    pub fn set_aside_rings(dir: &Path) -> Vec<String> {
        let prefix = format!("{}.set-aside-", store::KEYRING_FILE);
        let mut out: Vec<String> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                    .filter(|n| n.starts_with(&prefix))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by(|a, b| b.cmp(a));
        out
    }

    /// Reopens the set-aside ring `name` (one of [`set_aside_rings`](Self::set_aside_rings)):
    /// the current ring, if any, is set aside in its turn (nothing is deleted), then `name` is
    /// moved back as the key ring, under the ring's lock. The caller then opens it (its
    /// passphrase, or its keychain entry).
    ///
    /// Errors: `invalid_input` (not a set-aside ring of `dir`), `io`, `busy`.
    pub fn reopen_set_aside(dir: &Path, name: &str) -> Result<()> {
        if !Self::set_aside_rings(dir).iter().any(|n| n == name) {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("\"{}\" is not a key ring set aside here.", name.escape_debug()),
                "Choose one of the key rings listed as set aside.",
            ));
        }
        if dir.join(store::KEYRING_FILE).exists() {
            Self::set_aside(dir)?;
        }
        let _lock = FileLock::exclusive(&dir.join(store::LOCK_FILE))?;
        let from = dir.join(name);
        let to = dir.join(store::KEYRING_FILE);
        std::fs::rename(&from, &to).map_err(|e| Error::io("move back", &from, &e))?;
        crate::archive::output::sync_dir(dir);
        Ok(())
    }

    /// Undoes [`set_aside`](Self::set_aside): moves `moved` (its return) back to their names,
    /// when nothing took their place. Best effort: a file that cannot move stays aside.
    pub fn put_back(dir: &Path, moved: &[PathBuf]) {
        for from in moved {
            let name = from.file_name().and_then(|n| n.to_str()).and_then(|n| n.split(".set-aside-").next());
            if let Some(name) = name {
                let to = dir.join(name);
                if !to.exists() {
                    let _ = std::fs::rename(from, &to);
                }
            }
        }
        crate::archive::output::sync_dir(dir);
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Re-reads the ring from disk (what another process or handle wrote since). Writes are
    /// atomic renames, so this sees a whole ring, old or new, without taking the lock.
    ///
    /// Errors: `keyring_damaged`, `io`.
    pub fn refresh(&mut self) -> Result<()> {
        self.data = store::load(&self.dir, &self.key)?.unwrap_or_default();
        Ok(())
    }

    /// Runs `f` as one read-modify-write of the ring: takes the lock, re-reads the ring, runs
    /// `f` (which saves what it changes), releases the lock. Nested calls join the outer one.
    /// On error nothing `f` did in memory survives: the ring is read again.
    fn change<T>(&mut self, f: impl FnOnce(&mut Vault) -> Result<T>) -> Result<T> {
        if self.in_change {
            return f(self);
        }
        let _lock = FileLock::exclusive(&self.dir.join(store::LOCK_FILE))?;
        self.refresh()?;
        self.in_change = true;
        let out = f(self);
        self.in_change = false;
        if out.is_err() {
            let _ = self.refresh();
        }
        out
    }

    /// Writes the ring; only inside [`change`](Self::change), which read it under the lock.
    fn save(&mut self) -> Result<()> {
        if !self.in_change {
            return Err(Error::internal("the key ring was about to be written without its lock"));
        }
        let sealed = store::seal(&self.data, &self.key, &self.protection)?;
        store::write_atomic(&self.dir, &sealed)
    }

    /// The overview shown by the Keys screen.
    pub fn overview(&self) -> VaultOverview {
        let not_backed_up = self.keys_not_backed_up();
        VaultOverview {
            protection: match self.protection {
                Protection::Keychain => ProtectionKind::Keychain,
                Protection::Passphrase { .. } => ProtectionKind::Passphrase,
            },
            keys: self.keys(),
            kit_out_of_date: !self.data.kits.is_empty() && !not_backed_up.is_empty(),
            not_backed_up,
            active_key: self.active_key().ok().map(|k| k.fingerprint),
        }
    }

    /// Every key, in the order they entered the ring.
    pub fn keys(&self) -> Vec<KeySummary> {
        self.data.keys.iter().map(|k| KeySummary::of(k, &self.data)).collect()
    }

    /// Keys not in any verified kit (the reminder shown until a backup is verified).
    pub fn keys_not_backed_up(&self) -> Vec<String> {
        self.data
            .keys
            .iter()
            .filter(|k| !self.data.is_backed_up(&k.fingerprint))
            .map(|k| k.fingerprint.clone())
            .collect()
    }

    /// The keys to try on an archive: active first, then retired, newest first within each.
    pub fn candidates(&self) -> Result<Vec<KeyCandidate>> {
        let mut ks: Vec<&StoredKey> = self.data.keys.iter().collect();
        ks.sort_by_key(|k| (k.status != KeyStatus::Active, std::cmp::Reverse(k.created)));
        ks.into_iter()
            .map(|k| {
                let key = parse_private_key_pem(&k.private_pem.0, &k.label)?;
                Ok(KeyCandidate { label: k.label.clone(), fingerprint: Fingerprint::of(&key)?, key })
            })
            .collect()
    }

    fn find(&self, fingerprint: &str) -> Result<usize> {
        let f = fingerprint.trim().to_lowercase().replace(' ', "");
        let hits: Vec<usize> = self
            .data
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| f.len() >= 8 && k.fingerprint.starts_with(&f))
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [i] => Ok(*i),
            [] => Err(Error::new(
                ErrorKind::KeyNotFound,
                format!("No key of the key ring has the fingerprint {fingerprint}."),
                "List the keys (`result-vault keys list`) and use a fingerprint (at least 8 hex digits) from there.",
            )),
            _ => Err(Error::new(
                ErrorKind::KeyNotFound,
                format!("Several keys start with {fingerprint}."),
                "Give more digits of the fingerprint.",
            )),
        }
    }

    /// Adds a parsed key (or says it is already there).
    pub fn add_key(
        &mut self,
        key: &RsaPrivateKey,
        label: &str,
        source: KeySource,
        addresses: Vec<String>,
    ) -> Result<ImportOutcome> {
        self.change(|v| v.add_key_locked(key, label, source, addresses))
    }

    fn add_key_locked(
        &mut self,
        key: &RsaPrivateKey,
        label: &str,
        source: KeySource,
        addresses: Vec<String>,
    ) -> Result<ImportOutcome> {
        let fp = Fingerprint::of(key)?.to_hex();
        if let Some(i) = self.data.keys.iter().position(|k| k.fingerprint == fp) {
            let mut changed = false;
            for a in addresses {
                if !self.data.keys[i].addresses.contains(&a) {
                    self.data.keys[i].addresses.push(a);
                    changed = true;
                }
            }
            let summary = KeySummary::of(&self.data.keys[i], &self.data);
            if changed {
                self.save()?;
            }
            return Ok(ImportOutcome { key: summary, added: false });
        }
        let k = StoredKey {
            fingerprint: fp,
            label: label.to_owned(),
            created: Utc::now(),
            source,
            addresses,
            status: KeyStatus::Active,
            push_journal: Vec::new(),
            private_pem: SecretPem(pkcs8_pem(key)?),
        };
        let summary = KeySummary::of(&k, &self.data);
        self.data.keys.push(k);
        self.save()?;
        Ok(ImportOutcome { key: summary, added: true })
    }

    /// Generates an RSA-4096 key pair (a few seconds; `cancel` is checked before saving).
    pub fn generate(&mut self, label: &str, cancel: &CancelToken) -> Result<ImportOutcome> {
        let key = generate_key_pair(cancel)?;
        self.add_key(&key, label, KeySource::Generated, Vec::new())
    }

    /// Imports a pasted PEM.
    pub fn import_pem(&mut self, pem: &str, label: &str, source: KeySource) -> Result<ImportOutcome> {
        let key = parse_private_key_pem(pem, label)?;
        self.add_key(&key, label, source, Vec::new())
    }

    /// Imports a key file, or every `*_key` of a `.secrets/beneficiary` folder (the address in
    /// `<0xAddress>_key` is recorded).
    pub fn import_path(&mut self, path: &Path) -> Result<Vec<ImportOutcome>> {
        let is_dir = path.is_dir();
        let files = if is_dir { crate::keys::key_files_in(path)? } else { vec![path.to_path_buf()] };
        if files.is_empty() {
            return Err(Error::invalid_key(
                format!("The folder {} holds no private key (no file named like `0x…_key`).", path.display()),
                "Choose the `.secrets/beneficiary` folder of the iexec CLI, or a key file.",
            ));
        }
        // Parse everything first: a bad file adds nothing.
        let mut parsed = Vec::new();
        for f in &files {
            let c = crate::keys::load_key_file(f)?;
            let address = c.label.strip_suffix("_key").filter(|a| is_address(a)).map(str::to_owned);
            parsed.push((c, address));
        }
        let source = if is_dir { KeySource::IexecSecretsFolder } else { KeySource::ImportedFile };
        self.change(|v| {
            let mut out = Vec::new();
            for (c, address) in parsed {
                out.push(v.add_key_locked(&c.key, &c.label, source, address.into_iter().collect())?);
            }
            Ok(out)
        })
    }

    /// Renames a key.
    pub fn rename(&mut self, fingerprint: &str, label: &str) -> Result<KeySummary> {
        self.change(|v| {
            let i = v.find(fingerprint)?;
            v.data.keys[i].label = label.trim().to_owned();
            v.save()?;
            Ok(KeySummary::of(&v.data.keys[i], &v.data))
        })
    }

    /// Marks a key retired: it is no longer pushed, and is still tried when decrypting.
    pub fn retire(&mut self, fingerprint: &str) -> Result<KeySummary> {
        self.change(|v| {
            let i = v.find(fingerprint)?;
            v.data.keys[i].status = KeyStatus::Retired;
            v.save()?;
            Ok(KeySummary::of(&v.data.keys[i], &v.data))
        })
    }

    /// Deletes a key, only if a verified recovery kit holds it (`backup_required` otherwise).
    pub fn delete(&mut self, fingerprint: &str) -> Result<KeySummary> {
        self.change(|v| v.delete_locked(fingerprint))
    }

    fn delete_locked(&mut self, fingerprint: &str) -> Result<KeySummary> {
        let i = self.find(fingerprint)?;
        let k = &self.data.keys[i];
        if !self.data.is_backed_up(&k.fingerprint) {
            return Err(Error::new(
                ErrorKind::BackupRequired,
                format!("The key \"{}\" is in no verified recovery kit: deleting it would lose every result encrypted for it.", k.label),
                "Make a recovery kit and verify it first (Keys > Back up).",
            ));
        }
        let removed = self.data.keys.remove(i);
        let summary = KeySummary::of(&removed, &self.data);
        self.save()?;
        Ok(summary)
    }

    /// The SPKI PEM public key and the file name the iexec CLI would use
    /// (`<0xAddress>_key.pub` with the key's address, else the imported wallet's; without either,
    /// `key-<fingerprint prefix>_key.pub`).
    pub fn export_public(&self, fingerprint: &str) -> Result<(String, String)> {
        let k = &self.data.keys[self.find(fingerprint)?];
        let key = parse_private_key_pem(&k.private_pem.0, &k.label)?;
        let name = match k.addresses.first().or(self.data.wallets.first().map(|w| &w.address)) {
            Some(a) => format!("{a}_key.pub"),
            None => format!("key-{}_key.pub", &k.fingerprint[..16]),
        };
        Ok((public_pem(&key)?, name))
    }

    /// The PKCS#8 PEM private key (an explicit export the user confirmed), and the file name
    /// the iexec CLI would use.
    pub fn export_private(&self, fingerprint: &str) -> Result<(SecretPem, String)> {
        let k = &self.data.keys[self.find(fingerprint)?];
        let name = match k.addresses.first().or(self.data.wallets.first().map(|w| &w.address)) {
            Some(a) => format!("{a}_key"),
            None => format!("key-{}_key", &k.fingerprint[..16]),
        };
        Ok((k.private_pem.clone(), name))
    }

    /// Writes a recovery kit of every key to `output` (never overwriting without `overwrite`)
    /// and returns its phrase. The kit is recorded as not yet verified.
    pub fn backup(&mut self, output: &Path, overwrite: bool) -> Result<BackupOutcome> {
        // The kit (age scrypt: about a second) is made from the ring as it is now, without the
        // lock; only recording it is a change. A key added meanwhile is simply not in this kit,
        // and the reminder says so.
        self.refresh()?;
        if self.data.keys.is_empty() {
            return Err(Error::new(
                ErrorKind::KeyringEmpty,
                "The key ring is empty: there is nothing to back up.",
                "Generate or import a key first.",
            ));
        }
        let phrase = Phrase::generate();
        let (bytes, manifest) = kit::build_kit(&self.data.keys, &phrase)?;
        let pending = PendingOutput::create(output, false, overwrite)?;
        std::fs::write(pending.temp_path(), &bytes).map_err(|e| Error::io("write", output, &e))?;
        // Opened for writing: Windows' FlushFileBuffers refuses a read-only handle (Access denied).
        std::fs::File::options()
            .write(true)
            .open(pending.temp_path())
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io("write", output, &e))?;
        let file = pending.commit(overwrite)?;
        let fingerprints: Vec<String> = manifest.keys.iter().map(|k| k.fingerprint.clone()).collect();
        self.change(|v| {
            v.data.kits.push(KitRecord {
                id: manifest.kit_id.clone(),
                created: manifest.created,
                fingerprints: fingerprints.clone(),
                verified: false,
            });
            v.save()
        })?;
        Ok(BackupOutcome { file, phrase, fingerprints, kit_id: manifest.kit_id })
    }

    /// Test-restores a kit in memory: the phrase must open it and every key must match its
    /// fingerprint. If it is a kit of this ring, it is marked verified. Nothing else changes.
    pub fn verify_backup(&mut self, kit_file: &Path, phrase: &str) -> Result<RestoreOutcome> {
        let phrase = kit::check_phrase(phrase)?;
        let bytes = read_kit(kit_file)?;
        let opened = kit::open_kit(&bytes, &phrase)?;
        let fingerprints: Vec<String> = opened.keys.iter().map(|k| k.fingerprint.clone()).collect();
        let present = self.change(|v| {
            let present: Vec<String> =
                fingerprints.iter().filter(|f| v.data.keys.iter().any(|k| &k.fingerprint == *f)).cloned().collect();
            match v.data.kits.iter_mut().find(|k| k.id == opened.manifest.kit_id) {
                Some(rec) => {
                    rec.verified = true;
                    rec.fingerprints = fingerprints.clone();
                }
                None => v.data.kits.push(KitRecord {
                    id: opened.manifest.kit_id.clone(),
                    created: opened.manifest.created,
                    fingerprints: fingerprints.clone(),
                    verified: true,
                }),
            }
            v.save()?;
            Ok(present)
        })?;
        Ok(RestoreOutcome { kit_id: opened.manifest.kit_id, fingerprints, added: Vec::new(), already_present: present })
    }

    /// Restores a kit into this ring: adds the keys it lacks (keeping the ring's newer data for
    /// keys it has), and records the kit as verified.
    pub fn restore(&mut self, kit_file: &Path, phrase: &str) -> Result<RestoreOutcome> {
        let phrase = kit::check_phrase(phrase)?;
        let bytes = read_kit(kit_file)?;
        let opened = kit::open_kit(&bytes, &phrase)?;
        let kit_id = opened.manifest.kit_id.clone();
        let (fingerprints, added, already) = self.change(|v| {
            let mut added = Vec::new();
            let mut already = Vec::new();
            for k in &opened.keys {
                if v.data.keys.iter().any(|e| e.fingerprint == k.fingerprint) {
                    already.push(k.fingerprint.clone());
                } else {
                    let mut k = k.clone();
                    k.source = KeySource::Restored;
                    added.push(k.fingerprint.clone());
                    v.data.keys.push(k);
                }
            }
            let fingerprints: Vec<String> = added.iter().chain(already.iter()).cloned().collect();
            if !v.data.kits.iter().any(|k| k.id == opened.manifest.kit_id) {
                v.data.kits.push(KitRecord {
                    id: opened.manifest.kit_id.clone(),
                    created: opened.manifest.created,
                    fingerprints: fingerprints.clone(),
                    verified: true,
                });
            }
            v.save()?;
            Ok((fingerprints, added, already))
        })?;
        Ok(RestoreOutcome { kit_id, fingerprints, added, already_present: already })
    }
}

fn read_kit(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read", path, &e))?;
    if meta.len() > 64 << 20 {
        return Err(Error::new(
            ErrorKind::InvalidKit,
            "This file is far too large to be a recovery kit.",
            "Choose the kit file (it ends with .age).",
        ));
    }
    std::fs::read(path).map_err(|e| Error::io("read", path, &e))
}

/// The data folder: `$RESULT_VAULT_HOME` if set, else the platform's data folder for the app's
/// identifier (`~/.local/share/org.resultvault.desktop` on Linux, as Tauri's `app_data_dir`).
pub fn default_data_dir() -> PathBuf {
    if let Some(h) = std::env::var_os("RESULT_VAULT_HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h);
    }
    dirs::data_dir().unwrap_or_else(std::env::temp_dir).join("org.resultvault.desktop")
}

/// `0x` followed by 40 hex digits.
pub fn is_address(s: &str) -> bool {
    s.len() == 42 && s.starts_with("0x") && s[2..].chars().all(|c| c.is_ascii_hexdigit())
}
