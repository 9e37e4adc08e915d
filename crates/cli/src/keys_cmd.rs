//! `result-vault keys ...`: the key ring from the command line. Every subcommand takes `--json`
//! (exactly one JSON object on stdout). Phrases are read from standard input, passphrases from
//! `--passphrase-file` or a terminal prompt, never from a flag's value.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use result_vault_core::progress::CancelToken;
use result_vault_core::vault::model::KeySource;
use result_vault_core::vault::model::KeyStatus;
use result_vault_core::vault::{default_data_dir, ProtectionKind, Unlock, Vault};
use result_vault_core::{ErrorKind, VaultError};
use rust_i18n::t;
use serde_json::json;

use crate::print_json;
use zeroize::Zeroizing;

/// Global options that reach the key ring.
pub struct Context {
    /// `--home`.
    pub home: Option<PathBuf>,
    /// `--passphrase-file`.
    pub passphrase_file: Option<PathBuf>,
    /// `--password-file` (wallet keystore password, or a private key for `wallet import-key`).
    pub password_file: Option<PathBuf>,
}

impl Context {
    /// The data folder.
    pub fn dir(&self) -> PathBuf {
        self.home.clone().unwrap_or_else(default_data_dir)
    }

    /// Opens (or creates) the key ring: with the keychain, or the passphrase when the ring is
    /// passphrase-protected (or `--passphrase-file` is given for a new ring).
    pub fn open_vault(&self) -> Result<Vault, VaultError> {
        let dir = self.dir();
        let unlock = match (Vault::protection_kind(&dir)?, &self.passphrase_file) {
            (ProtectionKind::Passphrase, _) | (ProtectionKind::None, Some(_)) => Unlock::Passphrase(self.passphrase()?),
            _ => Unlock::Keychain,
        };
        Vault::open_or_create(&dir, &unlock)
    }

    fn passphrase(&self) -> Result<Zeroizing<String>, VaultError> {
        if let Some(f) = &self.passphrase_file {
            let s = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| VaultError::io("read", f, &e))?);
            return Ok(Zeroizing::new(s.trim_end_matches(['\r', '\n']).to_owned()));
        }
        if !std::io::stdin().is_terminal() {
            return Err(VaultError::new(
                ErrorKind::WrongPassphrase,
                "This key ring is protected by a passphrase, and no terminal is there to type it.",
                "Give it with --passphrase-file FILE.",
            ));
        }
        eprint!("{}", t!("keys.prompt_passphrase"));
        let _ = std::io::stderr().flush();
        let mut line = Zeroizing::new(String::new());
        std::io::stdin().lock().read_line(&mut line).map_err(|e| VaultError::io("read", Path::new("stdin"), &e))?;
        Ok(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned()))
    }
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Rotate the result key: generate a new one, require a verified recovery kit holding it, push it to the SMS of each network, retire the old one. Resumes an interrupted rotation.
    Rotate {
        /// A network whose SMS gets the new key (repeatable).
        #[arg(long = "network", value_name = "NAME", required = true)]
        networks: Vec<String>,
        /// A JSON file `{"networks": [...]}` overriding or adding networks.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// SMS URL (for a single network).
        #[arg(long, value_name = "URL")]
        sms_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the keys (fingerprint, label, created, source, status, addresses, backed up).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Generate an RSA-4096 key pair, like `iexec result generate-encryption-keypair`.
    Generate {
        /// A name for the key.
        #[arg(long, default_value = "Result Vault key")]
        label: String,
        #[arg(long)]
        json: bool,
    },
    /// Import a PEM private key file, or every `*_key` of a `.secrets/beneficiary` folder; `-` reads a PEM from stdin.
    Import {
        path: PathBuf,
        /// Label for a key read from stdin.
        #[arg(long, default_value = "Pasted key")]
        label: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a key's public key (SPKI PEM), named `<0xAddress>_key.pub` by default.
    ExportPublic {
        fingerprint: String,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a key's private key (PKCS#8 PEM, accepted by `iexec result decrypt`). Handle with care.
    ExportPrivate {
        fingerprint: String,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Rename a key.
    Rename {
        fingerprint: String,
        label: String,
        #[arg(long)]
        json: bool,
    },
    /// Retire a key: no longer pushed, still used to decrypt.
    Retire {
        fingerprint: String,
        #[arg(long)]
        json: bool,
    },
    /// Delete a key (only one held by a verified recovery kit).
    Delete {
        fingerprint: String,
        #[arg(long)]
        json: bool,
    },
    /// Write a recovery kit of every key; prints its 24-word phrase once.
    Backup {
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
    /// Check a recovery kit with its phrase (read from stdin) and mark it verified.
    VerifyBackup {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Restore the keys of a recovery kit (phrase read from stdin) into the key ring.
    Restore {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

impl KeysCommand {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match self {
            KeysCommand::Rotate { json, .. } => *json,
            KeysCommand::List { json }
            | KeysCommand::Generate { json, .. }
            | KeysCommand::Import { json, .. }
            | KeysCommand::ExportPublic { json, .. }
            | KeysCommand::ExportPrivate { json, .. }
            | KeysCommand::Rename { json, .. }
            | KeysCommand::Retire { json, .. }
            | KeysCommand::Delete { json, .. }
            | KeysCommand::Backup { json, .. }
            | KeysCommand::VerifyBackup { json, .. }
            | KeysCommand::Restore { json, .. } => *json,
        }
    }
}

fn read_phrase() -> Result<Zeroizing<String>, VaultError> {
    if std::io::stdin().is_terminal() {
        eprint!("{}", t!("keys.prompt_phrase"));
        let _ = std::io::stderr().flush();
    }
    let mut s = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut s).map_err(|e| VaultError::io("read", Path::new("stdin"), &e))?;
    Ok(s)
}

/// Writes `content` to `path` atomically, never replacing a file without `force`.
fn write_new(path: &Path, content: &[u8], force: bool) -> Result<PathBuf, VaultError> {
    let pending = result_vault_core::archive::output::PendingOutput::create(path, false, force)?;
    std::fs::write(pending.temp_path(), content).map_err(|e| VaultError::io("write", path, &e))?;
    pending.commit(force)
}

pub fn run(cmd: KeysCommand, ctx: &Context) -> Result<(), VaultError> {
    if let KeysCommand::Rotate { networks, config, sms_url, json } = cmd {
        return crate::wallet_cmd::rotate(&networks, config, sms_url, json, ctx);
    }
    if let KeysCommand::Restore { file, json } = &cmd {
        let phrase = read_phrase()?;
        let mut v = ctx.open_vault()?;
        let r = v.restore(file, &phrase)?;
        if *json {
            print_json(&r)?;
        } else {
            println!("{}", t!("keys.restored", added = r.added.len(), present = r.already_present.len()));
        }
        return Ok(());
    }
    let mut v = ctx.open_vault()?;
    match cmd {
        KeysCommand::Rotate { .. } => unreachable!("handled above"),
        KeysCommand::List { json } => {
            let keys = v.keys();
            if json {
                print_json(&json!({ "keys": keys, "not_backed_up": v.keys_not_backed_up() }))?;
            } else if keys.is_empty() {
                println!("{}", t!("keys.empty"));
            } else {
                for k in keys {
                    println!(
                        "{}  {:<8} {:<9} {}  {}{}",
                        k.short_fingerprint,
                        match k.status {
                            KeyStatus::Active => t!("keys.status_active"),
                            KeyStatus::Retired => t!("keys.status_retired"),
                        },
                        if k.backed_up { t!("keys.backed_up") } else { t!("keys.not_backed_up") },
                        k.created.format("%Y-%m-%d"),
                        k.label,
                        if k.addresses.is_empty() { String::new() } else { format!(" ({})", k.addresses.join(", ")) }
                    );
                }
            }
        }
        KeysCommand::Generate { label, json } => {
            if !json {
                eprintln!("{}", t!("keys.generating"));
            }
            let r = v.generate(&label, &CancelToken::new())?;
            if json {
                print_json(&r)?;
            } else {
                println!("{}", t!("keys.generated", label = r.key.label, fingerprint = r.key.short_fingerprint));
            }
        }
        KeysCommand::Import { path, label, json } => {
            let outcomes = if path.as_os_str() == "-" {
                let mut pem = Zeroizing::new(String::new());
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut pem)
                    .map_err(|e| VaultError::io("read", Path::new("stdin"), &e))?;
                vec![v.import_pem(&pem, &label, KeySource::Pasted)?]
            } else {
                v.import_path(&path)?
            };
            if json {
                print_json(&json!({ "imported": outcomes }))?;
            } else {
                for o in outcomes {
                    if o.added {
                        println!("{}", t!("keys.imported", label = o.key.label, fingerprint = o.key.short_fingerprint));
                    } else {
                        println!(
                            "{}",
                            t!("keys.already_present", label = o.key.label, fingerprint = o.key.short_fingerprint)
                        );
                    }
                }
            }
        }
        KeysCommand::ExportPublic { fingerprint, output, force, json } => {
            let (pem, name) = v.export_public(&fingerprint)?;
            let written = write_new(&output.unwrap_or_else(|| PathBuf::from(name)), pem.as_bytes(), force)?;
            if json {
                print_json(&json!({ "file": written }))?;
            } else {
                println!("{}", t!("keys.public_written", file = written.display()));
            }
        }
        KeysCommand::ExportPrivate { fingerprint, output, force, json } => {
            let (pem, name) = v.export_private(&fingerprint)?;
            let target = output.unwrap_or_else(|| PathBuf::from(name));
            let written = write_new(&target, pem.0.as_bytes(), force)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&written, std::fs::Permissions::from_mode(0o600));
            }
            if json {
                print_json(&json!({ "file": written }))?;
            } else {
                println!("{}", t!("keys.private_written", file = written.display()));
            }
        }
        KeysCommand::Rename { fingerprint, label, json } => {
            let k = v.rename(&fingerprint, &label)?;
            if json {
                print_json(&k)?;
            } else {
                println!("{}", t!("keys.renamed", fingerprint = k.short_fingerprint, label = k.label));
            }
        }
        KeysCommand::Retire { fingerprint, json } => {
            let k = v.retire(&fingerprint)?;
            if json {
                print_json(&k)?;
            } else {
                println!("{}", t!("keys.retired", label = k.label, fingerprint = k.short_fingerprint));
            }
        }
        KeysCommand::Delete { fingerprint, json } => {
            let k = v.delete(&fingerprint)?;
            if json {
                print_json(&k)?;
            } else {
                println!("{}", t!("keys.deleted", label = k.label, fingerprint = k.short_fingerprint));
            }
        }
        KeysCommand::Backup { output, force, json } => {
            let b = v.backup(&output, force)?;
            if json {
                print_json(
                    &json!({ "file": b.file, "phrase": b.phrase.0.as_str(), "fingerprints": b.fingerprints, "kit_id": b.kit_id }),
                )?;
            } else {
                println!("{}", t!("keys.kit_written", file = b.file.display()));
                println!("{}\n", t!("keys.write_down"));
                for (i, w) in b.phrase.words().iter().enumerate() {
                    print!("{:>2}. {:<10}{}", i + 1, w, if (i + 1) % 6 == 0 { "\n" } else { "  " });
                }
                println!("\n{}", t!("keys.check_kit", file = b.file.display()));
            }
        }
        KeysCommand::VerifyBackup { file, json } => {
            let phrase = read_phrase()?;
            let r = v.verify_backup(&file, &phrase)?;
            if json {
                print_json(&r)?;
            } else {
                println!("{}", t!("keys.verified", count = r.fingerprints.len()));
            }
        }
        KeysCommand::Restore { .. } => unreachable!("handled above"),
    }
    Ok(())
}
