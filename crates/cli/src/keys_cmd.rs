//! `result-vault keys ...`: the key ring from the command line, over the engine's use-cases
//! ([`result_vault_engine::vault`]): arguments and output only. With the global `--json`, exactly
//! one JSON object goes to stdout. Phrases are read from standard input (silently at a terminal),
//! passphrases from `--passphrase-file` or a silent terminal prompt, never from a flag's value.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use result_vault_core::progress::CancelToken;
use result_vault_core::vault::model::KeyStatus;
use result_vault_engine::{Error, ErrorKind};
use rust_i18n::t;
use serde_json::json;
use zeroize::Zeroizing;

use crate::context::{read_phrase, Context};
use crate::print_json;

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
    },
    /// List the keys (fingerprint, label, created, source, status, addresses, backed up).
    List {},
    /// Generate an RSA-4096 key pair, like `iexec result generate-encryption-keypair`.
    Generate {
        /// A name for the key.
        #[arg(long, default_value = "Result Vault key")]
        label: String,
    },
    /// Import a PEM private key file, or every `*_key` of a `.secrets/beneficiary` folder; `-` reads a PEM from stdin.
    Import {
        path: PathBuf,
        /// Label for a key read from stdin.
        #[arg(long, default_value = "Pasted key")]
        label: String,
    },
    /// Write a key's public key (SPKI PEM), named `<0xAddress>_key.pub` by default.
    ExportPublic {
        fingerprint: String,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        force: bool,
    },
    /// Write a key's private key (PKCS#8 PEM, accepted by `iexec result decrypt`). Handle with care.
    ExportPrivate {
        fingerprint: String,
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[arg(long)]
        force: bool,
    },
    /// Rename a key.
    Rename { fingerprint: String, label: String },
    /// Retire a key: no longer pushed, still used to decrypt.
    Retire { fingerprint: String },
    /// Delete a key (only one held by a verified recovery kit).
    Delete { fingerprint: String },
    /// Write a recovery kit of every key; prints its 24-word phrase once.
    Backup {
        #[arg(long, value_name = "FILE")]
        output: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Check a recovery kit with its phrase (read from stdin) and mark it verified.
    VerifyBackup { file: PathBuf },
    /// Restore the keys of a recovery kit (phrase read from stdin) into the key ring.
    Restore {
        file: PathBuf,
        /// When the key ring here cannot be opened (damaged, or a passphrase that does not
        /// match), keep it aside (`keyring.set-aside-<time>`, never deleted) and restore into a
        /// new ring. Without it, nothing is moved.
        #[arg(long)]
        set_aside: bool,
    },
}

/// `result-vault keys …`.
pub fn run(cmd: KeysCommand, ctx: &Context) -> Result<(), Error> {
    let json = ctx.json;
    if let KeysCommand::Rotate { networks, config, sms_url } = cmd {
        return crate::rotate_cmd::rotate(&networks, config, sms_url, ctx);
    }
    if let KeysCommand::Restore { file, set_aside } = &cmd {
        // Restoring may replace an unreadable ring (set aside, kept on disk), as in the app.
        let phrase = read_phrase()?;
        let r = ctx.engine.restore(file, &phrase, ctx.create_with(), || ctx.passphrase(), |_| *set_aside).map_err(
            |mut e| {
                if !*set_aside && matches!(e.kind, ErrorKind::WrongPassphrase | ErrorKind::KeyringDamaged) {
                    e.hint = format!("{} To keep this ring aside and restore into a new one, add --set-aside.", e.hint);
                }
                e
            },
        )?;
        if json {
            print_json(&r)?;
        } else {
            println!("{}", t!("keys.restored", added = r.added.len(), present = r.already_present.len()));
        }
        return Ok(());
    }
    let engine = ctx.open_vault()?;
    match cmd {
        KeysCommand::Rotate { .. } | KeysCommand::Restore { .. } => Err(Error::internal("handled above")),
        KeysCommand::List {} => {
            let o = engine.keys_overview()?;
            if json {
                print_json(&json!({ "keys": o.keys, "not_backed_up": o.not_backed_up }))?;
            } else if o.keys.is_empty() {
                println!("{}", t!("keys.empty"));
            } else {
                for k in o.keys {
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
            Ok(())
        }
        KeysCommand::Generate { label } => {
            if !json {
                eprintln!("{}", t!("keys.generating"));
            }
            let r = engine.generate_key(&label, &CancelToken::new())?;
            if json {
                print_json(&r)
            } else {
                println!("{}", t!("keys.generated", label = r.key.label, fingerprint = r.key.short_fingerprint));
                Ok(())
            }
        }
        KeysCommand::Import { path, label } => {
            let outcomes = if path.as_os_str() == "-" {
                let mut pem = Zeroizing::new(String::new());
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut pem)
                    .map_err(|e| Error::io("read", Path::new("stdin"), &e))?;
                vec![engine.import_key_pem(&pem, &label)?]
            } else {
                engine.import_key_path(&path)?
            };
            if json {
                return print_json(&json!({ "imported": outcomes }));
            }
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
            Ok(())
        }
        KeysCommand::ExportPublic { fingerprint, output, force } => {
            let written = engine.export_public_key(&fingerprint, output.as_deref(), force)?;
            if json {
                print_json(&json!({ "file": written }))
            } else {
                println!("{}", t!("keys.public_written", file = written.display()));
                Ok(())
            }
        }
        KeysCommand::ExportPrivate { fingerprint, output, force } => {
            let written = engine.export_private_key(&fingerprint, output.as_deref(), force)?;
            if json {
                print_json(&json!({ "file": written }))
            } else {
                println!("{}", t!("keys.private_written", file = written.display()));
                Ok(())
            }
        }
        KeysCommand::Rename { fingerprint, label } => {
            let k = engine.rename_key(&fingerprint, &label)?;
            if json {
                print_json(&k)
            } else {
                println!("{}", t!("keys.renamed", fingerprint = k.short_fingerprint, label = k.label));
                Ok(())
            }
        }
        KeysCommand::Retire { fingerprint } => {
            let k = engine.retire_key(&fingerprint)?;
            if json {
                print_json(&k)
            } else {
                println!("{}", t!("keys.retired", label = k.label, fingerprint = k.short_fingerprint));
                Ok(())
            }
        }
        KeysCommand::Delete { fingerprint } => {
            let k = engine.delete_key(&fingerprint)?;
            if json {
                print_json(&k)
            } else {
                println!("{}", t!("keys.deleted", label = k.label, fingerprint = k.short_fingerprint));
                Ok(())
            }
        }
        KeysCommand::Backup { output, force } => {
            let b = engine.backup(&output, force)?;
            if json {
                return print_json(
                    &json!({ "file": b.file, "phrase": b.phrase.0.as_str(), "fingerprints": b.fingerprints, "kit_id": b.kit_id }),
                );
            }
            println!("{}", t!("keys.kit_written", file = b.file.display()));
            println!("{}\n", t!("keys.write_down"));
            for (i, w) in b.phrase.words().iter().enumerate() {
                print!("{:>2}. {:<10}{}", i + 1, w, if (i + 1) % 6 == 0 { "\n" } else { "  " });
            }
            println!("\n{}", t!("keys.check_kit", file = b.file.display()));
            Ok(())
        }
        KeysCommand::VerifyBackup { file } => {
            let phrase = read_phrase()?;
            let r = engine.verify_backup(&file, &phrase)?;
            if json {
                print_json(&r)
            } else {
                println!("{}", t!("keys.verified", count = r.fingerprints.len()));
                Ok(())
            }
        }
    }
}
