//! Wallets (to sign SMS pushes), the SMS check and push, and key rotation.
//!
//! Network calls run with no lock held: the ring is read, the SMS is called, and the outcome is
//! journaled by a read-modify-write of the ring afterwards (`result_vault_core::vault::wallets`).

use std::path::Path;

use result_vault_core::chain::parse_address;
use result_vault_core::progress::CancelToken;
use result_vault_core::sms::{PushOutcome, Sms};
use result_vault_core::vault::model::{Rotation, WalletSummary};
use result_vault_core::vault::wallets::{SmsStatus, WalletKeep};
use result_vault_core::wallet::{default_keystore_dir, keystores_in};
use result_vault_core::{Error, ErrorKind};
use serde::Serialize;

use crate::session::Engine;
use crate::Result;

/// A wallet keystore found on disk (e.g. in `~/.ethereum/keystore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FoundKeystore {
    /// Absolute path.
    pub path: String,
    /// Its address, when the file states it.
    pub address: Option<String>,
}

/// Keystores in `~/.ethereum/keystore` (where the iexec CLI keeps them).
pub fn keystores_found() -> Vec<FoundKeystore> {
    default_keystore_dir()
        .map(|d| keystores_in(&d))
        .unwrap_or_default()
        .into_iter()
        .map(|k| FoundKeystore { path: k.path.display().to_string(), address: k.address.map(|a| a.to_checksum(None)) })
        .collect()
}

/// What a push to an SMS would change ([`Engine::push_plan`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushPlan {
    /// The network's name for people.
    pub network: String,
    /// The beneficiary address (checksummed).
    pub address: String,
    /// The key that would be pushed: its label and fingerprint (64 hex).
    pub key_label: String,
    /// Its fingerprint.
    pub key_fingerprint: String,
    /// The label of the key this vault last pushed there, if any.
    pub previous_label: Option<String>,
    /// The same key as the last push from this vault (a repeat changes nothing).
    pub repeat: bool,
}

impl Engine {
    /// The imported wallets.
    pub fn wallets(&self) -> Result<Vec<WalletSummary>> {
        Ok(self.vault()?.wallets())
    }

    /// After a wallet import: its address is watched on every network (built-in, managed and
    /// saved ones), best effort.
    fn watch_everywhere(&self, address: &str) {
        let Ok(a) = parse_address(address) else { return };
        let _ = self.with_db(|db| {
            for n in crate::networks::all_networks(db)? {
                db.watch(&n.network.name, &a, "", result_vault_core::tasks::now())?;
            }
            Ok(())
        });
    }

    /// Imports a keystore (with `password`; scrypt: about a second, no lock held) or an iexec
    /// `wallet.json`, then watches its address everywhere.
    ///
    /// Errors: `wrong_password`, `invalid_wallet`, `io`.
    pub fn import_wallet_file(&self, path: &Path, password: Option<&str>, keep: WalletKeep) -> Result<WalletSummary> {
        let w = self.vault()?.import_wallet_file(path, password, keep)?;
        self.watch_everywhere(&w.address);
        log::info!("wallet {} imported (in ring: {})", w.address, w.in_ring);
        Ok(w)
    }

    /// Imports a pasted private key (kept in the ring), then watches its address everywhere.
    ///
    /// Errors: `invalid_wallet`.
    pub fn import_wallet_key(&self, private_key: &str, label: &str) -> Result<WalletSummary> {
        let w = self.vault()?.import_wallet_key(private_key, label)?;
        self.watch_everywhere(&w.address);
        log::info!("wallet {} imported from a pasted key", w.address);
        Ok(w)
    }

    /// Forgets a wallet (a keystore file is left alone). Errors: `wallet_required`.
    pub fn remove_wallet(&self, address: &str) -> Result<()> {
        self.vault()?.remove_wallet(address)
    }

    /// Whether the wallet of `address` needs a password to sign.
    pub fn wallet_needs_password(&self, address: &str) -> Result<bool> {
        Ok(self.vault()?.signer_needs_password(address))
    }

    /// The address of the first imported wallet (the beneficiary by default).
    ///
    /// Errors: `wallet_required`.
    pub fn default_address(&self) -> Result<String> {
        self.wallets()?.first().map(|w| w.address.clone()).ok_or_else(|| {
            Error::new(
                ErrorKind::WalletRequired,
                "No wallet is imported, so the beneficiary address is unknown.",
                "Give the address (--address ADDRESS), or import the wallet first (result-vault wallet import FILE).",
            )
        })
    }

    /// Whether the SMS at `sms_url` holds a key for `address` (network I/O).
    ///
    /// Errors: `invalid_address`, `network`.
    pub fn sms_key_set(&self, sms_url: &str, address: &str) -> Result<bool> {
        Sms::new(sms_url)?.check(&parse_address(address)?)
    }

    /// What the network's SMS holds for `address`, combined with this vault's journal.
    ///
    /// Errors: `network`, `invalid_address`, `unknown_network`.
    pub fn sms_status(&self, network: &str, address: &str) -> Result<SmsStatus> {
        let a = parse_address(address)?;
        let net = self.network(network)?;
        let url = net.sms_url()?.to_owned();
        let set = Sms::new(&url)?.check(&a)?;
        Ok(self.vault()?.sms_status(&net.name, &url, &a.to_checksum(None), set))
    }

    /// Pushes the ring's active key to the SMS at `sms_url` for `address`, signed by its wallet
    /// (`password` for a path-only keystore), and journals it.
    ///
    /// Errors: `wallet_required`, `wrong_password`, `keyring_empty`, `sms_*`, `network`.
    pub fn push_active_key(
        &self,
        network: &str,
        sms_url: &str,
        address: &str,
        password: Option<&str>,
    ) -> Result<PushOutcome> {
        let a = parse_address(address)?.to_checksum(None);
        let out = self.vault()?.push_active_key(network, sms_url, &a, password);
        match &out {
            Ok(o) => log::info!("key pushed to the SMS of {network} for {a} (status {})", o.status),
            Err(e) => log::warn!("push to the SMS of {network} failed: {}", e.kind),
        }
        out
    }

    /// [`push_active_key`](Self::push_active_key) to a saved network's SMS, then its status.
    pub fn sms_push(&self, network: &str, address: &str, password: Option<&str>) -> Result<SmsStatus> {
        let net = self.network(network)?;
        let url = net.sms_url()?.to_owned();
        let a = parse_address(address)?.to_checksum(None);
        self.push_active_key(&net.name, &url, &a, password)?;
        Ok(self.vault()?.sms_status(&net.name, &url, &a, true))
    }

    /// What pushing to the SMS of `network` for `address` would do, for the confirmation a host
    /// asks before a push that changes the key (docs/trust.md: a script in the window must not
    /// be able to redirect the user's results). `rotation`: the key is the rotation's new key;
    /// else the ring's active key. No network I/O.
    ///
    /// Errors: `unknown_network`, `invalid_address`, `keyring_empty`, `keyring_not_open`.
    pub fn push_plan(&self, network: &str, address: &str, rotation: bool) -> Result<PushPlan> {
        let net = self.network(network)?;
        let url = net.sms_url()?.to_owned();
        let a = parse_address(address)?.to_checksum(None);
        let v = self.vault()?;
        let keys = v.keys();
        let fingerprint = if rotation {
            v.rotation().and_then(|r| r.new_fingerprint).ok_or_else(no_rotation)?
        } else {
            v.overview().active_key.ok_or_else(|| {
                Error::new(
                    ErrorKind::KeyringEmpty,
                    "The key ring has no active key to push.",
                    "Add or generate a key first.",
                )
            })?
        };
        let label_of =
            |f: &str| keys.iter().find(|k| k.fingerprint == f).map(|k| k.label.clone()).unwrap_or_else(|| f.to_owned());
        let previous = v.last_push(&url, &a).map(|(f, _)| f);
        Ok(PushPlan {
            network: net.label.clone(),
            address: a,
            key_label: label_of(&fingerprint),
            repeat: previous.as_deref() == Some(fingerprint.as_str()),
            previous_label: previous.as_deref().map(label_of),
            key_fingerprint: fingerprint,
        })
    }

    /// [`push_plan`](Self::push_plan) of the rotation's new key for its address.
    ///
    /// Errors: `internal` when no rotation runs, and those of `push_plan`.
    pub fn rotation_push_plan(&self, network: &str) -> Result<PushPlan> {
        let address = self.vault()?.rotation().map(|r| r.address).ok_or_else(no_rotation)?;
        self.push_plan(network, &address, true)
    }

    /// The current (or last) rotation, to resume where it stopped.
    pub fn rotation(&self) -> Result<Option<Rotation>> {
        Ok(self.vault()?.rotation())
    }

    /// Rotation step 1: starts (or resumes) a rotation for `address` to the SMS of `networks`.
    pub fn rotation_start(&self, address: &str, networks: &[String]) -> Result<Rotation> {
        let a = parse_address(address)?.to_checksum(None);
        self.vault()?.rotation_start(&a, networks)
    }

    /// Rotation step 2: generates the new key (seconds, no lock held; `cancel` stops it).
    pub fn rotation_generate(&self, cancel: &CancelToken) -> Result<Rotation> {
        self.vault()?.rotation_generate(cancel)
    }

    /// Rotation step 3: passes once a verified recovery kit holds the new key.
    ///
    /// Errors: `backup_required`.
    pub fn rotation_check_kit(&self) -> Result<Rotation> {
        self.vault()?.rotation_check_kit()
    }

    /// Rotation step 4, per network: pushes the new key to the SMS at `sms_url` (journaled),
    /// signed by the rotation's wallet.
    ///
    /// Errors: `backup_required`, `wallet_required`, `wrong_password`, `sms_*`, `network`.
    pub fn rotation_push_to(&self, network: &str, sms_url: &str, password: Option<&str>) -> Result<Rotation> {
        let mut v = self.vault()?;
        let address = v.rotation().map(|r| r.address).ok_or_else(no_rotation)?;
        let wallet = v.signer(Some(&address), password)?;
        let out = v.rotation_push(network, sms_url, |pem| Sms::new(sms_url)?.push(&wallet, pem));
        match &out {
            Ok(_) => log::info!("rotation: new key pushed to {network}"),
            Err(e) => log::warn!("rotation: push to {network} failed: {}", e.kind),
        }
        out
    }

    /// [`rotation_push_to`](Self::rotation_push_to) a saved network's SMS.
    pub fn rotation_push(&self, network: &str, password: Option<&str>) -> Result<Rotation> {
        let net = self.network(network)?;
        let url = net.sms_url()?.to_owned();
        self.rotation_push_to(&net.name, &url, password)
    }

    /// Rotation step 5: retires the old key and closes the rotation.
    pub fn rotation_finish(&self) -> Result<Rotation> {
        self.vault()?.rotation_finish()
    }
}

fn no_rotation() -> Error {
    Error::new(ErrorKind::Internal, "No key rotation is in progress.", "Start the rotation again.")
}
