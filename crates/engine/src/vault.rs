//! The key ring's use-cases: open or create it, keys, exports, recovery kits, restore.
//!
//! Private keys never leave the engine except to a file the user chose (an export); the
//! recovery phrase leaves once, from [`Engine::backup`], to be shown.

use std::path::{Path, PathBuf};

use result_vault_core::progress::CancelToken;
use result_vault_core::vault::kit::{check_phrase, open_kit};
use result_vault_core::vault::model::{KeySource, KeySummary};
use result_vault_core::vault::{
    generate_key_pair, BackupOutcome, ImportOutcome, ProtectionKind, RestoreOutcome, Unlock, Vault, VaultOverview,
};
use result_vault_core::{Error, ErrorKind};
use zeroize::Zeroizing;

use crate::files::{write_new, Audience};
use crate::session::Engine;
use crate::Result;

/// How a *new* key ring is to be protected (an existing ring is opened as it is protected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CreateWith {
    /// The OS keychain (the default).
    #[default]
    Keychain,
    /// A passphrase (Argon2id).
    Passphrase,
}

/// The minimum length of a new key ring's passphrase (characters), the same in every host.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Checks a passphrase chosen for a new ring. Errors: `invalid_input`.
fn new_passphrase(p: Zeroizing<String>) -> Result<Zeroizing<String>> {
    if p.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            format!("A key ring passphrase needs at least {MIN_PASSPHRASE_CHARS} characters."),
            "Choose a longer passphrase (a few words you will remember).",
        ));
    }
    Ok(p)
}

impl Engine {
    /// How the ring on disk is protected (`none` when there is none yet), without unlocking it.
    pub fn protection(&self) -> Result<ProtectionKind> {
        Vault::protection_kind(self.data_dir())
    }

    /// Opens (or creates) the key ring and keeps it open for the session. `passphrase` is
    /// asked only when needed (a passphrase ring, or a new one with [`CreateWith::Passphrase`]),
    /// so a host prompts once, and only when it must. Slow: a keychain round trip or Argon2id.
    ///
    /// Errors: `keychain_unavailable`, `keychain_locked`, `keyring_damaged`, `wrong_passphrase`,
    /// `invalid_input` (a new passphrase shorter than [`MIN_PASSPHRASE_CHARS`]), `busy`.
    pub fn open_vault(
        &self,
        create_with: CreateWith,
        passphrase: impl FnOnce() -> Result<Zeroizing<String>>,
    ) -> Result<VaultOverview> {
        let dir = self.data_dir();
        let unlock = match (Vault::protection_kind(dir)?, create_with) {
            (ProtectionKind::Passphrase, _) => Unlock::Passphrase(passphrase()?),
            (ProtectionKind::None, CreateWith::Passphrase) => Unlock::Passphrase(new_passphrase(passphrase()?)?),
            _ => Unlock::Keychain,
        };
        let vault =
            Vault::open_or_create(dir, &unlock).inspect_err(|e| log::warn!("key ring not opened: {}", e.kind))?;
        let overview = vault.overview();
        log::info!("key ring opened ({:?}, {} keys)", overview.protection, overview.keys.len());
        self.set_vault(vault);
        Ok(overview)
    }

    /// Protects the key ring with a passphrase instead of an unreachable keychain: a keychain
    /// ring (which cannot be opened) is set aside, kept on disk beside a new passphrase ring, to
    /// be filled from the recovery kit; a passphrase ring is simply opened.
    ///
    /// Errors: those of [`open_vault`](Self::open_vault), `io`.
    pub fn use_passphrase_instead(&self, passphrase: Zeroizing<String>) -> Result<VaultOverview> {
        let dir = self.data_dir();
        if Vault::protection_kind(dir)? == ProtectionKind::Keychain {
            let passphrase = new_passphrase(passphrase.clone())?;
            let moved = Vault::set_aside(dir)?;
            log::warn!("keychain key ring set aside for a passphrase ring: {} files kept", moved.len());
            return self.open_vault(CreateWith::Passphrase, || Ok(passphrase));
        }
        self.open_vault(CreateWith::Passphrase, || Ok(passphrase))
    }

    /// The open ring's overview, as on disk now.
    pub fn keys_overview(&self) -> Result<VaultOverview> {
        Ok(self.vault()?.overview())
    }

    /// Generates an RSA-4096 key (seconds of CPU, no lock held) and adds it; `cancel` stops it.
    pub fn generate_key(&self, label: &str, cancel: &CancelToken) -> Result<ImportOutcome> {
        let mut v = self.vault()?;
        let key = generate_key_pair(cancel)?;
        let label = if label.trim().is_empty() { "Result Vault key" } else { label.trim() };
        let r = v.add_key(&key, label, KeySource::Generated, Vec::new())?;
        log::info!("key generated: {}", r.key.fingerprint);
        Ok(r)
    }

    /// Imports a key file or every `*_key` of a `.secrets/beneficiary` folder.
    pub fn import_key_path(&self, path: &Path) -> Result<Vec<ImportOutcome>> {
        self.vault()?.import_path(path)
    }

    /// Imports a pasted PEM private key.
    pub fn import_key_pem(&self, pem: &str, label: &str) -> Result<ImportOutcome> {
        let label = if label.trim().is_empty() { "Pasted key" } else { label.trim() };
        self.vault()?.import_pem(pem, label, KeySource::Pasted)
    }

    /// Renames a key. Errors: `key_not_found`.
    pub fn rename_key(&self, fingerprint: &str, label: &str) -> Result<KeySummary> {
        self.vault()?.rename(fingerprint, label)
    }

    /// Retires a key (it still decrypts). Errors: `key_not_found`.
    pub fn retire_key(&self, fingerprint: &str) -> Result<KeySummary> {
        self.vault()?.retire(fingerprint)
    }

    /// Deletes a key held by a verified recovery kit. Errors: `backup_required`, `key_not_found`.
    pub fn delete_key(&self, fingerprint: &str) -> Result<KeySummary> {
        self.vault()?.delete(fingerprint)
    }

    /// The file name the iexec CLI uses for a key (`<0xAddress>_key`, or `_key.pub`).
    pub fn key_file_name(&self, fingerprint: &str, private: bool) -> Result<String> {
        let v = self.vault()?;
        if private {
            v.export_private(fingerprint).map(|r| r.1)
        } else {
            v.export_public(fingerprint).map(|r| r.1)
        }
    }

    /// Writes a key's public key (SPKI PEM) to `path` (default: the iexec CLI's name in the
    /// current folder). Errors: `key_not_found`, `output_exists`, `io`.
    pub fn export_public_key(&self, fingerprint: &str, path: Option<&Path>, overwrite: bool) -> Result<PathBuf> {
        let (pem, name) = self.vault()?.export_public(fingerprint)?;
        let target = path.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(name));
        write_new(&target, pem.as_bytes(), overwrite, Audience::Public)
    }

    /// Writes a key's private key (PKCS#8 PEM) to `path`, readable by the owner only from the
    /// first moment: the one explicit export. Errors: `key_not_found`, `output_exists`, `io`.
    pub fn export_private_key(&self, fingerprint: &str, path: Option<&Path>, overwrite: bool) -> Result<PathBuf> {
        let (pem, name) = self.vault()?.export_private(fingerprint)?;
        let target = path.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(name));
        let written = write_new(&target, pem.0.as_bytes(), overwrite, Audience::OwnerOnly)?;
        log::info!("private key {} exported", &fingerprint.get(..16).unwrap_or(fingerprint));
        Ok(written)
    }

    /// Writes a recovery kit of every key to `path` (age scrypt: about a second, no lock held)
    /// and returns its phrase, to be shown once.
    ///
    /// Errors: `keyring_empty`, `output_exists`, `io`.
    pub fn backup(&self, path: &Path, overwrite: bool) -> Result<BackupOutcome> {
        let b = self.vault()?.backup(path, overwrite)?;
        log::info!("recovery kit {} written with {} keys", b.kit_id, b.fingerprints.len());
        Ok(b)
    }

    /// Test-restores a kit in memory with `words` and marks it verified.
    ///
    /// Errors: `invalid_phrase`, `phrase_for_another_kit`, `invalid_kit`, `io`.
    pub fn verify_backup(&self, kit: &Path, words: &str) -> Result<RestoreOutcome> {
        self.vault()?.verify_backup(kit, words)
    }

    /// The key rings set aside by a restore, newest first (file names in the data folder).
    pub fn set_aside_rings(&self) -> Vec<String> {
        Vault::set_aside_rings(self.data_dir())
    }

    /// Reopens a set-aside ring (the current one is set aside in its turn, never deleted) and
    /// closes this session's ring: the host opens the reopened one next (its passphrase, or the
    /// keychain). For a ring set aside by mistake, e.g. a passphrase typed wrong at a restore.
    ///
    /// Errors: `invalid_input`, `io`, `busy`.
    pub fn reopen_set_aside(&self, name: &str) -> Result<()> {
        Vault::reopen_set_aside(self.data_dir(), name)?;
        self.close_vault();
        log::info!("a key ring set aside was reopened");
        Ok(())
    }

    /// Restores a kit into the key ring. When no ring is open in this session, one is opened or
    /// created (`passphrase` asked only for a passphrase ring). A ring that cannot be opened
    /// (damaged, its keychain entry gone, or a passphrase that does not match: it may be a
    /// healthy ring and a typing mistake) is set aside only when `set_aside` agrees — the host
    /// asks the user, given the reason — then kept on disk as `keyring.set-aside-<time>` and a
    /// new ring made; if making it fails, the ring is moved back. The same for every host. The
    /// words are checked against the kit before anything is touched.
    ///
    /// Errors: `invalid_phrase`, `phrase_for_another_kit`, `invalid_kit`, `io`, and those of
    /// [`open_vault`](Self::open_vault): `wrong_passphrase` or `keyring_damaged` when
    /// `set_aside` declines (nothing moved).
    pub fn restore(
        &self,
        kit: &Path,
        words: &str,
        create_with: CreateWith,
        passphrase: impl FnOnce() -> Result<Zeroizing<String>>,
        set_aside: impl FnOnce(&Error) -> bool,
    ) -> Result<RestoreOutcome> {
        let phrase = check_phrase(words)?;
        let bytes = std::fs::read(kit).map_err(|e| Error::io("read", kit, &e))?;
        open_kit(&bytes, &phrase)?;
        if self.vault_if_open().is_none() {
            let dir = self.data_dir();
            // The passphrase is asked at most once, and only if needed.
            let mut ask_once = Some(passphrase);
            let mut typed: Option<Zeroizing<String>> = None;
            let mut passphrase = || -> Result<Zeroizing<String>> {
                if let Some(p) = &typed {
                    return Ok(p.clone());
                }
                let ask = ask_once.take().ok_or_else(|| Error::internal("the passphrase was asked twice"))?;
                let p = ask()?;
                typed = Some(p.clone());
                Ok(p)
            };
            let opened = Vault::protection_kind(dir).and_then(|kind| {
                let unlock = match (kind, create_with) {
                    (ProtectionKind::Passphrase, _) | (_, CreateWith::Passphrase) => Unlock::Passphrase(passphrase()?),
                    _ => Unlock::Keychain,
                };
                Vault::open_or_create(dir, &unlock)
            });
            let vault = match opened {
                // The ring cannot be opened (damaged, its keychain entry gone, or its passphrase
                // forgotten): keep it aside and restore into a new one.
                Err(e) if matches!(e.kind, ErrorKind::KeyringDamaged | ErrorKind::WrongPassphrase) => {
                    if !set_aside(&e) {
                        return Err(e);
                    }
                    let unlock = match create_with {
                        CreateWith::Passphrase => Unlock::Passphrase(new_passphrase(passphrase()?)?),
                        CreateWith::Keychain => Unlock::Keychain,
                    };
                    let moved = Vault::set_aside(dir)?;
                    log::warn!(
                        "unreadable key ring ({}) set aside before a restore: {} files kept",
                        e.kind,
                        moved.len()
                    );
                    match Vault::open_or_create(dir, &unlock) {
                        Ok(v) => v,
                        Err(err) => {
                            // No new ring: the old one goes back where it was.
                            Vault::put_back(dir, &moved);
                            return Err(err);
                        }
                    }
                }
                other => other?,
            };
            self.set_vault(vault);
        }
        let r = self.vault()?.restore(kit, words).inspect_err(|e| log::warn!("restore failed: {}", e.kind))?;
        log::info!("recovery kit {} restored: {} added", r.kit_id, r.added.len());
        Ok(r)
    }
}
