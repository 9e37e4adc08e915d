//! `result-vault wallet` (import, list) and `result-vault sms` (check, push): the beneficiary's
//! wallet and its result key on the SMS, over [`result_vault_engine::wallets`].
//!
//! Passwords come from a terminal prompt (not echoed), or for scripts from `--password-file
//! FILE`; never from a flag's value.

use std::path::PathBuf;

use clap::Subcommand;
use result_vault_core::chain::parse_address;
use result_vault_core::vault::wallets::WalletKeep;
use result_vault_core::wallet::{classify, WalletFile};
use result_vault_engine::wallets::keystores_found;
use result_vault_engine::Error;
use rust_i18n::t;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::context::Context;
use crate::network_args::NetworkArgs;
use crate::print_json;

#[derive(Subcommand, Debug)]
pub enum WalletCommand {
    /// Import the beneficiary's wallet: a keystore (V3 JSON, as in ~/.ethereum/keystore) or iexec's wallet.json.
    Import {
        /// The wallet file.
        file: PathBuf,
        /// Keep only the keystore's path (its password is then asked at each signature) instead of its key in the key ring.
        #[arg(long)]
        path_only: bool,
    },
    /// Import a wallet from its private key (64 hex digits), read from the terminal or stdin.
    ImportKey {
        /// A name for it.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// The imported wallets, and the keystores found in ~/.ethereum/keystore.
    List {},
}

#[derive(Subcommand, Debug)]
pub enum SmsCommand {
    /// Is a result encryption key set for the address on this network's SMS?
    Check {
        #[command(flatten)]
        net: NetworkArgs,
        /// The beneficiary (default: the imported wallet's address).
        #[arg(long, value_name = "ADDRESS")]
        address: Option<String>,
    },
    /// Push the key ring's active public key to this network's SMS (create or update), signed by the wallet.
    Push {
        #[command(flatten)]
        net: NetworkArgs,
        /// The beneficiary (default: the imported wallet's address).
        #[arg(long, value_name = "ADDRESS")]
        address: Option<String>,
    },
}

#[derive(Serialize)]
struct FoundJson {
    path: String,
    address: Option<String>,
}

#[derive(Serialize)]
struct ListJson {
    wallets: Vec<result_vault_core::vault::model::WalletSummary>,
    keystores_found: Vec<FoundJson>,
}

/// `result-vault wallet …`.
pub fn run_wallet(cmd: WalletCommand, ctx: &Context) -> Result<(), Error> {
    let json = ctx.json;
    let engine = ctx.open_vault()?;
    match cmd {
        WalletCommand::Import { file, path_only } => {
            let text = Zeroizing::new(std::fs::read_to_string(&file).map_err(|e| Error::io("read", &file, &e))?);
            let password = match classify(&text)? {
                WalletFile::Keystore { .. } => Some(ctx.wallet_password()?),
                WalletFile::Plain => None,
            };
            let keep = if path_only { WalletKeep::PathOnly } else { WalletKeep::InRing };
            let w = engine.import_wallet_file(&file, password.as_ref().map(|p| p.as_str()), keep)?;
            if json {
                print_json(&w)?;
            } else if w.in_ring {
                println!("{}", t!("wallet.imported_in_ring", address = w.address));
            } else {
                println!("{}", t!("wallet.imported_path_only", address = w.address));
            }
        }
        WalletCommand::ImportKey { label } => {
            let key = ctx.wallet_private_key()?;
            let w = engine.import_wallet_key(&key, &label)?;
            if json {
                print_json(&w)?;
            } else {
                println!("{}", t!("wallet.imported_in_ring", address = w.address));
            }
        }
        WalletCommand::List {} => {
            let found: Vec<FoundJson> =
                keystores_found().into_iter().map(|k| FoundJson { path: k.path, address: k.address }).collect();
            let list = ListJson { wallets: engine.wallets()?, keystores_found: found };
            if json {
                print_json(&list)?;
            } else {
                if list.wallets.is_empty() {
                    println!("{}", t!("wallet.none"));
                }
                for w in &list.wallets {
                    let kept = if w.in_ring { t!("wallet.in_ring") } else { t!("wallet.path_only") };
                    println!("{}  {}  {}", w.address, kept, w.label);
                }
                for k in &list.keystores_found {
                    println!("{}", t!("wallet.found", address = k.address.as_deref().unwrap_or("?"), path = k.path));
                }
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct CheckJson {
    network: String,
    address: String,
    key_set: bool,
}

/// The beneficiary: `--address`, else the first imported wallet's.
fn address_or_default(address: Option<String>, ctx: &Context) -> Result<String, Error> {
    match address {
        Some(a) => Ok(parse_address(&a)?.to_checksum(None)),
        None => ctx.open_vault()?.default_address(),
    }
}

/// `result-vault sms …`.
pub fn run_sms(cmd: SmsCommand, ctx: &Context) -> Result<(), Error> {
    let json = ctx.json;
    match cmd {
        SmsCommand::Check { net, address } => {
            let network = net.resolve(ctx)?;
            let address = address_or_default(address, ctx)?;
            let key_set = ctx.engine.sms_key_set(network.sms_url()?, &address)?;
            let out = CheckJson { network: network.name.clone(), address, key_set };
            if json {
                print_json(&out)?;
            } else if key_set {
                println!("{}", t!("sms.key_set", address = out.address, network = network.label));
            } else {
                println!("{}", t!("sms.key_not_set", address = out.address, network = network.label));
            }
        }
        SmsCommand::Push { net, address } => {
            let network = net.resolve(ctx)?;
            let engine = ctx.open_vault()?;
            let address = address_or_default(address, ctx)?;
            let password = if engine.wallet_needs_password(&address)? { Some(ctx.wallet_password()?) } else { None };
            let url = network.sms_url()?.to_owned();
            let out = engine.push_active_key(&network.name, &url, &address, password.as_ref().map(|p| p.as_str()))?;
            if json {
                print_json(&out)?;
            } else if out.created {
                println!("{}", t!("sms.pushed", network = network.label, address = out.address));
            } else {
                println!("{}", t!("sms.updated", network = network.label, address = out.address));
            }
        }
    }
    Ok(())
}
