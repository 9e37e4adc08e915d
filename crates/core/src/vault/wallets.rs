//! Wallets, the SMS push journal, and key rotation, on the key ring.
//!
//! Rotation invariant: the SMS never receives a key that no verified recovery kit holds (the
//! push refuses before [`RotationStep::KitUpdated`]), so losing the computer after a push can
//! never orphan the results of the tasks that start next.

use std::path::Path;

use chrono::Utc;
use zeroize::Zeroizing;

use super::model::{
    KeyStatus, KeySummary, PushRecord, Rotation, RotationStep, SecretHex, StoredWallet, WalletStorage, WalletSummary,
};
use super::Vault;
use crate::chain::address::checksummed;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::CancelToken;
use crate::wallet::{classify, decrypt_keystore, from_plain_json, Wallet, WalletFile};

/// How to keep an imported wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WalletKeep {
    /// Its private key inside the encrypted key ring.
    InRing,
    /// Only the keystore's path; the password is asked at each signature.
    PathOnly,
}

fn wallet_required(address: &str) -> Error {
    Error::new(
        ErrorKind::WalletRequired,
        format!("Signing for the SMS needs the wallet of {address}, and it is not imported."),
        "Import the beneficiary's wallet (its keystore file, iexec's wallet.json, or its private key) in Keys > Wallet.",
    )
}

/// The journal's record of a push to `sms_url` for `address`: its outcome in words (the SMS's
/// status, or the error's kind and message) and whether it was accepted.
fn push_record(network: &str, sms_url: &str, address: &str, outcome: &Result<crate::sms::PushOutcome>) -> PushRecord {
    PushRecord {
        network: network.to_owned(),
        sms_url: sms_url.to_owned(),
        address: address.to_owned(),
        at: Utc::now(),
        outcome: match outcome {
            Ok(o) => format!("{} ({})", o.status, if o.created { "created" } else { "updated" }),
            Err(e) => format!("{}: {}", e.kind, e.message),
        },
        ok: outcome.is_ok(),
    }
}

fn password_required() -> Error {
    Error::new(
        ErrorKind::WrongPassword,
        "This wallet keystore needs its password.",
        "Type the keystore password (for scripts: --password-file FILE).",
    )
}

impl Vault {
    /// Imported wallets.
    pub fn wallets(&self) -> Vec<WalletSummary> {
        self.data.wallets.iter().map(WalletSummary::of).collect()
    }

    fn store_wallet(&mut self, w: StoredWallet) -> Result<WalletSummary> {
        self.change(|v| {
            v.data.wallets.retain(|x| x.address != w.address);
            let summary = WalletSummary::of(&w);
            v.data.wallets.push(w);
            v.save()?;
            Ok(summary)
        })
    }

    /// Imports a wallet file: a V3 keystore (with `password`) or an iexec `wallet.json`.
    /// `keep` says whether the private key goes into the ring or only the keystore's path is
    /// kept (a plain `wallet.json` is always kept in the ring: its path would keep it unencrypted).
    ///
    /// Errors: `wrong_password`, `invalid_wallet`, `io`.
    pub fn import_wallet_file(
        &mut self,
        path: &Path,
        password: Option<&str>,
        keep: WalletKeep,
    ) -> Result<WalletSummary> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| Error::io("read", path, &e))?);
        let (wallet, is_keystore) = match classify(&text)? {
            WalletFile::Keystore { .. } => (decrypt_keystore(&text, password.ok_or_else(password_required)?)?, true),
            WalletFile::Plain => (from_plain_json(&text)?, false),
        };
        let storage = if is_keystore && keep == WalletKeep::PathOnly {
            let abs = std::path::absolute(path).map_err(|e| Error::io("read", path, &e))?;
            WalletStorage::KeystoreFile { path: abs.display().to_string() }
        } else {
            WalletStorage::InRing { private_key: SecretHex(Zeroizing::new(hex::encode(wallet.secret_bytes()))) }
        };
        let label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        self.store_wallet(StoredWallet { address: checksummed(&wallet.address()), label, added: Utc::now(), storage })
    }

    /// Imports a pasted private key (kept in the ring).
    ///
    /// Errors: `invalid_wallet`.
    pub fn import_wallet_key(&mut self, private_key: &str, label: &str) -> Result<WalletSummary> {
        let wallet = Wallet::from_hex(private_key)?;
        let storage =
            WalletStorage::InRing { private_key: SecretHex(Zeroizing::new(hex::encode(wallet.secret_bytes()))) };
        self.store_wallet(StoredWallet {
            address: checksummed(&wallet.address()),
            label: label.trim().to_owned(),
            added: Utc::now(),
            storage,
        })
    }

    /// Forgets a wallet (the keystore file, if any, is left alone).
    pub fn remove_wallet(&mut self, address: &str) -> Result<()> {
        self.change(|v| {
            let before = v.data.wallets.len();
            v.data.wallets.retain(|w| !w.address.eq_ignore_ascii_case(address));
            if v.data.wallets.len() == before {
                return Err(wallet_required(address));
            }
            v.save()
        })
    }

    /// The unlocked wallet of `address` (the first wallet when `None`), with `password` for a
    /// path-only keystore.
    ///
    /// Errors: `wallet_required`, `wrong_password`, `invalid_wallet`, `io`.
    pub fn signer(&self, address: Option<&str>, password: Option<&str>) -> Result<Wallet> {
        let w = match address {
            Some(a) => self.data.wallets.iter().find(|w| w.address.eq_ignore_ascii_case(a)),
            None => self.data.wallets.first(),
        }
        .ok_or_else(|| wallet_required(address.unwrap_or("the beneficiary")))?;
        match &w.storage {
            WalletStorage::InRing { private_key } => Wallet::from_hex(&private_key.0),
            WalletStorage::KeystoreFile { path } => {
                let p = Path::new(path);
                let text = Zeroizing::new(std::fs::read_to_string(p).map_err(|e| Error::io("read", p, &e))?);
                decrypt_keystore(&text, password.ok_or_else(password_required)?)
            }
        }
    }

    /// Whether the wallet of `address` needs a password to sign.
    pub fn signer_needs_password(&self, address: &str) -> bool {
        self.data
            .wallets
            .iter()
            .find(|w| w.address.eq_ignore_ascii_case(address))
            .is_some_and(|w| matches!(w.storage, WalletStorage::KeystoreFile { .. }))
    }

    /// The key pushed for new tasks: the newest active key.
    ///
    /// Errors: `keyring_empty` when the ring has no active key.
    pub fn active_key(&self) -> Result<KeySummary> {
        self.data
            .keys
            .iter()
            .filter(|k| k.status == KeyStatus::Active)
            .max_by_key(|k| k.created)
            .map(|k| KeySummary::of(k, &self.data))
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::KeyringEmpty,
                    "The key ring has no active key to push.",
                    "Generate a key (Keys > New key) or import one first.",
                )
            })
    }

    /// Records a push (or a refused one) in the journal of the key `fingerprint`.
    pub fn record_push(&mut self, fingerprint: &str, record: PushRecord) -> Result<()> {
        self.change(|v| {
            let i = v.find(fingerprint)?;
            v.data.keys[i].push_journal.push(record);
            v.save()
        })
    }

    /// The last accepted push to `sms_url` for `address`, from any key: (fingerprint, record).
    pub fn last_push(&self, sms_url: &str, address: &str) -> Option<(String, PushRecord)> {
        self.data
            .keys
            .iter()
            .flat_map(|k| k.push_journal.iter().map(move |r| (k.fingerprint.clone(), r.clone())))
            .filter(|(_, r)| r.ok && r.sms_url.trim_end_matches('/') == sms_url.trim_end_matches('/'))
            .filter(|(_, r)| r.address.eq_ignore_ascii_case(address))
            .max_by_key(|(_, r)| r.at)
    }

    /// The current or last rotation.
    pub fn rotation(&self) -> Option<Rotation> {
        self.data.rotation.clone()
    }

    /// Starts a rotation for `address` to the SMSs of `networks`, or returns the unfinished one
    /// (which then resumes at its step).
    pub fn rotation_start(&mut self, address: &str, networks: &[String]) -> Result<Rotation> {
        self.change(|v| v.rotation_start_locked(address, networks))
    }

    fn rotation_start_locked(&mut self, address: &str, networks: &[String]) -> Result<Rotation> {
        if let Some(r) = &self.data.rotation {
            if r.step != RotationStep::Done {
                return Ok(r.clone());
            }
        }
        let old = self.active_key().ok().map(|k| k.fingerprint);
        let r = Rotation {
            id: hex::encode(rand::random::<[u8; 8]>()),
            address: address.to_owned(),
            networks: networks.to_vec(),
            old_fingerprint: old,
            new_fingerprint: None,
            step: RotationStep::Started,
            pushed: Vec::new(),
            started: Utc::now(),
            finished: None,
        };
        self.data.rotation = Some(r.clone());
        self.save()?;
        Ok(r)
    }

    fn rotation_mut(&mut self) -> Result<&mut Rotation> {
        self.data.rotation.as_mut().filter(|r| r.step != RotationStep::Done).ok_or_else(|| {
            Error::new(ErrorKind::Internal, "No key rotation is in progress.", "Start the rotation again.")
        })
    }

    /// Step 2: generates the new key (RSA-4096, seconds). Idempotent once done.
    pub fn rotation_generate(&mut self, cancel: &CancelToken) -> Result<Rotation> {
        self.refresh()?;
        let r = self.rotation_mut()?.clone();
        if r.step >= RotationStep::KeyGenerated {
            return Ok(r);
        }
        let label = format!("Key of {}", Utc::now().format("%Y-%m-%d"));
        // Seconds of CPU, without the lock.
        let key = super::generate_key_pair(cancel)?;
        self.change(|v| {
            let current = v.rotation_mut()?.clone();
            if current.id != r.id || current.step >= RotationStep::KeyGenerated {
                // Another window or process generated it (or restarted the rotation) meanwhile:
                // keep theirs; this key is dropped unused.
                return Ok(current);
            }
            let added = v.add_key_locked(&key, &label, super::model::KeySource::Generated, vec![r.address.clone()])?;
            let r = v.rotation_mut()?;
            r.new_fingerprint = Some(added.key.fingerprint);
            r.step = RotationStep::KeyGenerated;
            let out = r.clone();
            v.save()?;
            Ok(out)
        })
    }

    /// Step 3: passes once a verified recovery kit holds the new key.
    ///
    /// Errors: `backup_required` (make and verify a kit that includes the new key first).
    pub fn rotation_check_kit(&mut self) -> Result<Rotation> {
        self.change(|v| v.rotation_check_kit_locked())
    }

    fn rotation_check_kit_locked(&mut self) -> Result<Rotation> {
        let r = self.rotation_mut()?.clone();
        if r.step >= RotationStep::KitUpdated {
            return Ok(r);
        }
        let new = r.new_fingerprint.clone().unwrap_or_default();
        if r.step < RotationStep::KeyGenerated || !self.data.is_backed_up(&new) {
            return Err(Error::new(
                ErrorKind::BackupRequired,
                "No verified recovery kit holds the new key yet: pushing it now could lose the results of every task started after the push.",
                "Make a new recovery kit (it will hold every key, old and new) and verify it, then continue.",
            ));
        }
        let r = self.rotation_mut()?;
        r.step = RotationStep::KitUpdated;
        let out = r.clone();
        self.save()?;
        Ok(out)
    }

    /// Step 4, once per network: `push` sends the new public key (PEM) and the outcome is
    /// journaled; refused before the kit step.
    ///
    /// Errors: `backup_required` (kit step not done), and those of `push`.
    pub fn rotation_push(
        &mut self,
        network: &str,
        sms_url: &str,
        push: impl FnOnce(&str) -> Result<crate::sms::PushOutcome>,
    ) -> Result<Rotation> {
        self.refresh()?;
        let r = self.rotation_mut()?.clone();
        if r.step < RotationStep::KitUpdated {
            return self.rotation_check_kit();
        }
        if r.pushed.iter().any(|n| n == network) {
            return Ok(r);
        }
        let new = r.new_fingerprint.clone().unwrap_or_default();
        let (public_pem, _) = self.export_public(&new)?;
        // The network call, without the lock.
        let outcome = push(&public_pem);
        self.change(|v| {
            v.record_push(&new, push_record(network, sms_url, &r.address, &outcome))?;
            if let Err(e) = &outcome {
                return Err(e.clone());
            }
            let r = v.rotation_mut()?;
            if !r.pushed.iter().any(|n| n == network) {
                r.pushed.push(network.to_owned());
            }
            if r.networks.iter().all(|n| r.pushed.contains(n)) {
                r.step = RotationStep::Pushed;
            }
            let out = r.clone();
            v.save()?;
            Ok(out)
        })
    }

    /// Step 5: retires the old key (it still decrypts old results) and closes the rotation.
    ///
    /// Errors: `internal` when pushes are missing.
    pub fn rotation_finish(&mut self) -> Result<Rotation> {
        self.change(|v| v.rotation_finish_locked())
    }

    fn rotation_finish_locked(&mut self) -> Result<Rotation> {
        let r = self.rotation_mut()?.clone();
        if r.step < RotationStep::Pushed {
            return Err(Error::new(
                ErrorKind::Internal,
                "The new key is not pushed to every chosen network yet.",
                "Finish the push step first.",
            ));
        }
        if let Some(old) = &r.old_fingerprint {
            if Some(old) != r.new_fingerprint.as_ref() {
                self.retire(old)?;
            }
        }
        let r = self.rotation_mut()?;
        r.step = RotationStep::Done;
        r.finished = Some(Utc::now());
        let out = r.clone();
        self.save()?;
        Ok(out)
    }
}

/// What the SMS of a network holds for an address, as far as this vault can tell (the SMS has
/// no read-back: docs/design.md 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SmsState {
    /// A key is set, and this vault's journal says it pushed one there.
    PushedFromVault,
    /// A key is set, but this vault never pushed there: another tool (e.g. DataProtector) did.
    SetElsewhere,
    /// No key: tasks with encrypted results for this address will fail.
    Absent,
}

/// The SMS state of one network for one address.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SmsStatus {
    /// Network name.
    pub network: String,
    /// SMS base URL.
    pub sms_url: String,
    /// Checksummed address.
    pub address: String,
    /// What is there.
    pub state: SmsState,
    /// The key this vault last pushed there (fingerprint), if any.
    pub fingerprint: Option<String>,
    /// When (RFC 3339).
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub at: Option<chrono::DateTime<Utc>>,
}

impl Vault {
    /// Combines the SMS's answer (`key_set`) with this vault's journal.
    pub fn sms_status(&self, network: &str, sms_url: &str, address: &str, key_set: bool) -> SmsStatus {
        let last = self.last_push(sms_url, address);
        SmsStatus {
            network: network.to_owned(),
            sms_url: sms_url.to_owned(),
            address: address.to_owned(),
            state: match (key_set, &last) {
                (false, _) => SmsState::Absent,
                (true, Some(_)) => SmsState::PushedFromVault,
                (true, None) => SmsState::SetElsewhere,
            },
            fingerprint: last.as_ref().map(|(f, _)| f.clone()),
            at: last.map(|(_, r)| r.at),
        }
    }

    /// Pushes the active key to an SMS (checking first: create or update) and journals it.
    ///
    /// Errors: `keyring_empty` (no active key), `backup_required` (no verified kit holds the
    /// active key), `wallet_required`, `wrong_password`, and those of
    /// [`crate::sms::Sms::push`].
    pub fn push_active_key(
        &mut self,
        network: &str,
        sms_url: &str,
        address: &str,
        password: Option<&str>,
    ) -> Result<crate::sms::PushOutcome> {
        self.refresh()?;
        let wallet = self.signer(Some(address), password)?;
        let key = self.active_key()?;
        // The rotation's invariant, on every path: the SMS never receives a key that no verified
        // recovery kit holds (a lost computer would then lose every result encrypted for it, and
        // a key slipped into the ring by someone else is refused until the user backs it up).
        if !self.data.is_backed_up(&key.fingerprint) {
            return Err(Error::new(
                ErrorKind::BackupRequired,
                format!(
                    "The key \"{}\" is in no verified recovery kit: pushing it now could lose the results of every task that starts after the push.",
                    key.label
                ),
                "Make a recovery kit and verify it (Keys > Back up), then push again.",
            ));
        }
        let (public_pem, _) = self.export_public(&key.fingerprint)?;
        let outcome = crate::sms::Sms::new(sms_url).and_then(|s| s.push(&wallet, &public_pem));
        // Refusals are journaled too (the answer is part of the record); unreachable is not a push.
        if !matches!(&outcome, Err(e) if e.kind == ErrorKind::Network) {
            self.record_push(
                &key.fingerprint,
                push_record(network, sms_url, &checksummed(&wallet.address()), &outcome),
            )?;
        }
        outcome
    }
}
