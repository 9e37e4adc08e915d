//! `result-vault wallet` (import, list), `result-vault sms` (check, push) and
//! `result-vault keys rotate`: the beneficiary's wallet and its result key on the SMS.
//!
//! Passwords come from a terminal prompt (not echoed), or for scripts from `--password-file
//! FILE`; never from a flag's value.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use result_vault_core::chain::parse_address;
use result_vault_core::sms::Sms;
use result_vault_core::vault::model::RotationStep;
use result_vault_core::vault::wallets::WalletKeep;
use result_vault_core::wallet::{classify, keystores_in, WalletFile};
use result_vault_core::{ErrorKind, VaultError};
use rust_i18n::t;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::keys_cmd::Context;
use crate::print_json;
use crate::tasks_cmd::{open_db, NetworkArgs};

#[derive(Subcommand, Debug)]
pub enum WalletCommand {
    /// Import the beneficiary's wallet: a keystore (V3 JSON, as in ~/.ethereum/keystore) or iexec's wallet.json.
    Import {
        /// The wallet file.
        file: PathBuf,
        /// Keep only the keystore's path (its password is then asked at each signature) instead of its key in the key ring.
        #[arg(long)]
        path_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Import a wallet from its private key (64 hex digits), read from the terminal or stdin.
    ImportKey {
        /// A name for it.
        #[arg(long, default_value = "")]
        label: String,
        #[arg(long)]
        json: bool,
    },
    /// The imported wallets, and the keystores found in ~/.ethereum/keystore.
    List {
        #[arg(long)]
        json: bool,
    },
}

impl WalletCommand {
    pub fn json(&self) -> bool {
        match self {
            WalletCommand::Import { json, .. }
            | WalletCommand::ImportKey { json, .. }
            | WalletCommand::List { json } => *json,
        }
    }
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
        #[arg(long)]
        json: bool,
    },
    /// Push the key ring's active public key to this network's SMS (create or update), signed by the wallet.
    Push {
        #[command(flatten)]
        net: NetworkArgs,
        /// The beneficiary (default: the imported wallet's address).
        #[arg(long, value_name = "ADDRESS")]
        address: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

impl SmsCommand {
    pub fn json(&self) -> bool {
        match self {
            SmsCommand::Check { json, .. } | SmsCommand::Push { json, .. } => *json,
        }
    }
}

/// Reads a secret: from `file` (first line), else a silent terminal prompt (`prompt`, in the
/// output's language). `what` names the secret in the (English) error without a terminal.
pub fn read_secret(file: Option<&Path>, what: &str, prompt: &str, flag: &str) -> Result<Zeroizing<String>, VaultError> {
    if let Some(f) = file {
        let s = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| VaultError::io("read", f, &e))?);
        return Ok(Zeroizing::new(s.trim_end_matches(['\r', '\n']).to_owned()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(VaultError::new(
            ErrorKind::WrongPassword,
            format!("{what} is needed, and no terminal is there to type it."),
            format!("Give it with {flag} FILE."),
        ));
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| VaultError::io("read", Path::new("the terminal"), &e))
}

fn wallet_password(ctx: &Context) -> Result<Zeroizing<String>, VaultError> {
    read_secret(
        ctx.password_file.as_deref(),
        "Wallet keystore password",
        &t!("wallet.prompt_password"),
        "--password-file",
    )
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
pub fn run_wallet(cmd: WalletCommand, ctx: &Context) -> Result<(), VaultError> {
    let mut vault = ctx.open_vault()?;
    match cmd {
        WalletCommand::Import { file, path_only, json } => {
            let text = Zeroizing::new(std::fs::read_to_string(&file).map_err(|e| VaultError::io("read", &file, &e))?);
            let password = match classify(&text)? {
                WalletFile::Keystore { .. } => Some(wallet_password(ctx)?),
                WalletFile::Plain => None,
            };
            let keep = if path_only { WalletKeep::PathOnly } else { WalletKeep::InRing };
            let w = vault.import_wallet_file(&file, password.as_ref().map(|p| p.as_str()), keep)?;
            watch_everywhere(ctx, &w.address);
            if json {
                print_json(&w)?;
            } else {
                if w.in_ring {
                    println!("{}", t!("wallet.imported_in_ring", address = w.address));
                } else {
                    println!("{}", t!("wallet.imported_path_only", address = w.address));
                }
            }
        }
        WalletCommand::ImportKey { label, json } => {
            let key = read_secret(
                ctx.password_file.as_deref(),
                "Private key (64 hex digits)",
                &t!("wallet.prompt_private_key"),
                "--password-file",
            )?;
            let w = vault.import_wallet_key(&key, &label)?;
            watch_everywhere(ctx, &w.address);
            if json {
                print_json(&w)?;
            } else {
                println!("{}", t!("wallet.imported_in_ring", address = w.address));
            }
        }
        WalletCommand::List { json } => {
            let found: Vec<FoundJson> = result_vault_core::wallet::default_keystore_dir()
                .map(|d| keystores_in(&d))
                .unwrap_or_default()
                .into_iter()
                .map(|k| FoundJson {
                    path: k.path.display().to_string(),
                    address: k.address.map(|a| a.to_checksum(None)),
                })
                .collect();
            let list = ListJson { wallets: vault.wallets(), keystores_found: found };
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

/// The wallet's address becomes a watched address on every network (best effort).
fn watch_everywhere(ctx: &Context, address: &str) {
    let (Ok(db), Ok(a)) = (open_db(ctx), parse_address(address)) else { return };
    for n in result_vault_core::chain::networks::builtin() {
        let _ = db.watch(&n.name, &a, "", result_vault_core::tasks::now());
    }
}

#[derive(Serialize)]
struct CheckJson {
    network: String,
    address: String,
    key_set: bool,
}

/// `result-vault sms …`.
pub fn run_sms(cmd: SmsCommand, ctx: &Context) -> Result<(), VaultError> {
    let db = open_db(ctx).ok();
    match cmd {
        SmsCommand::Check { net, address, json } => {
            let network = net.resolve(db.as_ref())?;
            let address = match address {
                Some(a) => parse_address(&a)?,
                None => parse_address(&default_address(ctx)?)?,
            };
            let key_set = Sms::new(network.sms_url()?)?.check(&address)?;
            let out = CheckJson { network: network.name.clone(), address: address.to_checksum(None), key_set };
            if json {
                print_json(&out)?;
            } else if key_set {
                println!("{}", t!("sms.key_set", address = out.address, network = network.label));
            } else {
                println!("{}", t!("sms.key_not_set", address = out.address, network = network.label));
            }
        }
        SmsCommand::Push { net, address, json } => {
            let network = net.resolve(db.as_ref())?;
            let mut vault = ctx.open_vault()?;
            let address = match address {
                Some(a) => parse_address(&a)?.to_checksum(None),
                None => default_address(ctx)?,
            };
            let password = if vault.signer_needs_password(&address) { Some(wallet_password(ctx)?) } else { None };
            let url = network.sms_url()?.to_owned();
            let out = vault.push_active_key(&network.name, &url, &address, password.as_ref().map(|p| p.as_str()))?;
            if json {
                print_json(&out)?;
            } else {
                if out.created {
                    println!("{}", t!("sms.pushed", network = network.label, address = out.address));
                } else {
                    println!("{}", t!("sms.updated", network = network.label, address = out.address));
                }
            }
        }
    }
    Ok(())
}

fn default_address(ctx: &Context) -> Result<String, VaultError> {
    let vault = ctx.open_vault()?;
    vault.wallets().first().map(|w| w.address.clone()).ok_or_else(|| {
        VaultError::new(
            ErrorKind::WalletRequired,
            "No wallet is imported, so the beneficiary address is unknown.",
            "Give --address ADDRESS, or import the wallet first (result-vault wallet import FILE).",
        )
    })
}

/// `result-vault keys rotate`: runs (or resumes) the rotation as far as it can go.
pub fn rotate(
    networks: &[String],
    config: Option<PathBuf>,
    sms_url_flag: Option<String>,
    json: bool,
    ctx: &Context,
) -> Result<(), VaultError> {
    let db = open_db(ctx).ok();
    let mut vault = ctx.open_vault()?;
    let address = default_address(ctx)?;
    let mut r = vault.rotation_start(&address, networks)?;
    let say = |s: &str| {
        if !json {
            eprintln!("{s}");
        }
    };
    if r.step < RotationStep::KeyGenerated {
        say(&t!("rotate.generating"));
        r = vault.rotation_generate(&result_vault_core::progress::CancelToken::new())?;
    }
    if r.step < RotationStep::KitUpdated {
        r = vault.rotation_check_kit().map_err(|e| {
            VaultError::new(
                e.kind,
                e.message,
                "Make a recovery kit that holds the new key and verify it: `result-vault keys backup KIT.age`, then `result-vault keys verify-backup KIT.age`; then run `result-vault keys rotate` again: it resumes here.",
            )
        })?;
    }
    let password = if vault.signer_needs_password(&address) { Some(wallet_password(ctx)?) } else { None };
    let wallet = vault.signer(Some(&address), password.as_ref().map(|p| p.as_str()))?;
    for name in r.networks.clone() {
        if r.pushed.contains(&name) {
            continue;
        }
        let args = NetworkArgs {
            network: name.clone(),
            config: config.clone(),
            rpc_url: None,
            subgraph_url: None,
            market_url: None,
            gateway_urls: Vec::new(),
            hub: None,
            chain_id: None,
            sms_url: sms_url_flag.clone(),
        };
        let network = args.resolve(db.as_ref())?;
        let url = network.sms_url()?.to_owned();
        say(&t!("rotate.pushing", network = network.label));
        r = vault.rotation_push(&name, &url, |pem| Sms::new(&url)?.push(&wallet, pem))?;
    }
    r = vault.rotation_finish()?;
    if json {
        print_json(&r)?;
    } else {
        println!(
            "{}",
            t!(
                "rotate.done",
                fingerprint = r.new_fingerprint.as_deref().map(|f| &f[..16.min(f.len())]).unwrap_or("?"),
                networks = r.networks.join(", ")
            )
        );
    }
    Ok(())
}
