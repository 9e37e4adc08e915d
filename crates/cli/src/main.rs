//! `result-vault`: the command line over result-vault-core, for scripts and power users.
//!
//! Human output is in English or French (`locales/*.yml`, chosen by `lang`); `--json` output is
//! always the same (English keys and values).
//!
//! Exit codes: 0 success, 1 a user-facing error (printed with its hint, or as
//! `{"error":{"kind","message","hint"}}` with `--json`), 2 bad usage (clap's own code), 3 `fetch`
//! done but the files do NOT match the result digest on chain.

mod context;
mod error_text;
mod keys_cmd;
mod lang;
mod network_args;
mod progress_bar;
mod rotate_cmd;
mod tasks_cmd;
mod wallet_cmd;
mod watch_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser, Subcommand};
use result_vault_core::archive::{inspect, OpenStatus, OutputTarget};
use result_vault_core::keys::load_key_paths;
use result_vault_core::progress::{no_progress, CancelToken, ProgressEvent};
use result_vault_core::Error;
use result_vault_engine::results::OpenTarget;
use result_vault_engine::tasks::KeyChoice;
use rust_i18n::t;
use serde::Serialize;

rust_i18n::i18n!("locales", fallback = "en");

/// Open iExec confidential-computing task results.
#[derive(Parser, Debug)]
#[command(name = "result-vault", version, about, long_about = None)]
struct Cli {
    /// Data folder holding the key ring (default: $RESULT_VAULT_HOME, else the app's data folder).
    #[arg(long, global = true, value_name = "DIR")]
    home: Option<PathBuf>,
    /// For a passphrase-protected key ring: read the passphrase from this file (never from a flag's value).
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// For a wallet keystore: read its password from this file (never from a flag's value).
    #[arg(long, global = true, value_name = "FILE")]
    password_file: Option<PathBuf>,
    /// Language of the human output (default: $RESULT_VAULT_LANG, else the system's: LC_ALL, LC_MESSAGES, LANG). --json output is always English.
    #[arg(long, global = true, value_enum, value_name = "LANG")]
    lang: Option<lang::Lang>,
    /// Print exactly one JSON object on stdout (errors too: {"error": {"kind", "message", "hint"}}).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Decrypt a result archive into a zip (--output) or a folder (--extract).
    #[command(group(ArgGroup::new("target").required(true).args(["output", "extract"])))]
    Decrypt {
        /// The result archive (the .zip downloaded for a task).
        archive: PathBuf,
        /// A private key file, or a folder like `.secrets/beneficiary` (every `*_key` in it is tried). Repeatable. Without it, the key ring's keys are tried.
        #[arg(long = "key", value_name = "PATH")]
        keys: Vec<PathBuf>,
        /// Write the decrypted result zip here.
        #[arg(long, value_name = "FILE.zip")]
        output: Option<PathBuf>,
        /// Extract the result's files into this new folder.
        #[arg(long, value_name = "DIR")]
        extract: Option<PathBuf>,
        /// Replace the output if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Say what a file is (layout, entry sizes, RSA key size) without any key.
    Inspect {
        /// The file to look at.
        archive: PathBuf,
    },
    /// The result digest as the enclave computes it (to compare with the task's resultDigest on chain), from a decrypted folder, a plain result or an encrypted archive.
    Digest {
        /// A result archive (encrypted or plain) or a folder of decrypted files.
        path: PathBuf,
        /// Key file or folder for an encrypted archive (default: the key ring). Repeatable.
        #[arg(long = "key", value_name = "PATH")]
        keys: Vec<PathBuf>,
    },
    /// List the tasks whose deal names BENEFICIARY, from the task index, confirmed on chain.
    Tasks {
        #[command(flatten)]
        net: network_args::NetworkArgs,
        /// The beneficiary address (0x…, EIP-55 checked).
        #[arg(long, value_name = "ADDRESS")]
        beneficiary: String,
        /// Read every page of the index again instead of stopping at known deals, and confirm every open task on chain.
        #[arg(long)]
        full: bool,
        /// No network: list what the local cache holds (instant).
        #[arg(long, conflicts_with = "full")]
        offline: bool,
    },
    /// Download a task's result, open it, and verify it against the result digest on chain.
    #[command(group(ArgGroup::new("fetch_target").args(["output", "extract"])))]
    Fetch {
        /// The task id (0x + 64 hex).
        task_id: String,
        #[command(flatten)]
        net: network_args::NetworkArgs,
        /// Write the decrypted result zip here.
        #[arg(long, value_name = "FILE.zip")]
        output: Option<PathBuf>,
        /// Extract the result's files into this new folder.
        #[arg(long, value_name = "DIR")]
        extract: Option<PathBuf>,
        /// Key file or folder (repeatable); default: the key ring.
        #[arg(long = "key", value_name = "PATH")]
        keys: Vec<PathBuf>,
        /// Where the downloaded archive is kept (default: the data folder's downloads).
        #[arg(long, value_name = "DIR")]
        downloads: Option<PathBuf>,
    },
    /// The beneficiary's wallet (to sign SMS pushes): import, list.
    Wallet {
        #[command(subcommand)]
        command: wallet_cmd::WalletCommand,
    },
    /// The Secret Management Service: check or push the result encryption key.
    Sms {
        #[command(subcommand)]
        command: wallet_cmd::SmsCommand,
    },
    /// The key ring: list, generate, import, export, retire, back up, restore, rotate.
    Keys {
        #[command(subcommand)]
        command: keys_cmd::KeysCommand,
    },
    /// Watched addresses, and one check for new results now (what the app does in the background).
    Watch {
        #[command(subcommand)]
        command: watch_cmd::WatchCommand,
    },
    /// The results library: every result this vault opened, newest first.
    Results {
        /// Keep the results whose app, task, network, key or paths contain this.
        search: Option<String>,
    },
}

/// The `--json` success object of `decrypt` (the contract: `status`, `format`,
/// `key_fingerprint`, `output`, `files`).
#[derive(Serialize)]
struct DecryptJson<'a> {
    status: OpenStatus,
    format: Option<result_vault_core::archive::EncryptionFormat>,
    key_fingerprint: Option<&'a str>,
    key_label: Option<&'a str>,
    output: Option<&'a str>,
    files: &'a [result_vault_core::archive::ResultFile],
}

/// The `--json` error object: exactly `{"error": {"kind", "message", "hint"}}` (the facts an app
/// shows in its own words are in the message already).
#[derive(Serialize)]
struct ErrorJson<'a> {
    error: ErrorParts<'a>,
}

#[derive(Serialize)]
struct ErrorParts<'a> {
    kind: result_vault_core::ErrorKind,
    message: &'a str,
    hint: &'a str,
}

/// Prints one JSON object on stdout (the `--json` contract).
pub(crate) fn print_json(v: &impl Serialize) -> Result<(), Error> {
    println!("{}", serde_json::to_string(v).map_err(|e| Error::internal(format!("JSON output: {e}")))?);
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    lang::init(cli.lang);
    let json = cli.json;
    let ctx = context::Context::new(cli.home.clone(), cli.passphrase_file.clone(), cli.password_file.clone(), json);
    match run(cli.command, &ctx) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if json {
                let error = ErrorParts { kind: e.kind, message: &e.message, hint: &e.hint };
                println!("{}", serde_json::to_string(&ErrorJson { error }).unwrap_or_default());
            } else {
                eprintln!("{}", error_text::human_error(&e));
            }
            ExitCode::from(1)
        }
    }
}

fn run(cmd: Command, ctx: &context::Context) -> Result<(), Error> {
    let json = ctx.json;
    match cmd {
        Command::Keys { command } => keys_cmd::run(command, ctx),
        Command::Watch { command } => watch_cmd::run(command, ctx),
        Command::Results { search } => watch_cmd::results(search.as_deref(), ctx),
        Command::Wallet { command } => wallet_cmd::run_wallet(command, ctx),
        Command::Sms { command } => wallet_cmd::run_sms(command, ctx),
        Command::Tasks { net, beneficiary, full, offline } => tasks_cmd::tasks(&net, &beneficiary, full, offline, ctx),
        Command::Fetch { task_id, net, output, extract, keys, downloads } => {
            tasks_cmd::fetch(&net, &task_id, output, extract, &keys, downloads, ctx)
        }
        Command::Digest { path, keys } => {
            let keys = key_choice(&keys, ctx)?;
            let d = ctx.engine.digest(&path, keys)?;
            if json {
                print_json(&d)?;
            } else {
                match (&d.result_digest, &d.reason) {
                    (Some(h), _) => println!("{h}  ({})", d.deterministic_output_path.as_deref().unwrap_or("")),
                    (None, Some(r)) => println!("{}", t!("digest.none", reason = r)),
                    _ => {}
                }
            }
            Ok(())
        }
        Command::Decrypt { archive, keys, output, extract, force } => {
            let target = match (output, extract) {
                (Some(o), _) => OutputTarget::Zip(o),
                (None, Some(d)) => OutputTarget::Folder(d),
                (None, None) => OutputTarget::CheckOnly,
            };
            let keys = key_choice(&keys, ctx)?;
            let show_bar = !json && std::io::stderr().is_terminal();
            let bar = progress_bar::Bar::new(show_bar);
            let on_progress = |e: ProgressEvent| bar.update(e);
            let sink: &(dyn Fn(ProgressEvent) + Sync) = if show_bar { &on_progress } else { &no_progress };
            let outcome = ctx.engine.open_archive(
                &archive,
                keys,
                &[],
                OpenTarget::Output { target, overwrite: force },
                sink,
                &CancelToken::new(),
            );
            bar.finish();
            let outcome = outcome?;
            if json {
                let j = DecryptJson {
                    status: outcome.status,
                    format: outcome.format,
                    key_fingerprint: outcome.key_fingerprint.as_deref(),
                    key_label: outcome.key_label.as_deref(),
                    output: outcome.output.as_deref(),
                    files: &outcome.files,
                };
                print_json(&j)?;
            } else {
                match outcome.status {
                    OpenStatus::Decrypted => println!(
                        "{}",
                        t!(
                            "decrypt.decrypted",
                            label = outcome.key_label.as_deref().unwrap_or("?"),
                            fingerprint = outcome.key_fingerprint.as_deref().map(short).unwrap_or_default()
                        )
                    ),
                    OpenStatus::NotEncrypted => println!("{}", t!("decrypt.not_encrypted")),
                }
                if let Some(o) = &outcome.output {
                    println!("{}", t!("result.written", path = o));
                }
                for f in &outcome.files {
                    println!("  {:>12}  {}", human_size(f.size), f.path);
                }
            }
            Ok(())
        }
        Command::Inspect { archive } => {
            let info = inspect(&archive)?;
            if json {
                print_json(&info)?;
            } else {
                let file = archive.display();
                let what = match info.layout {
                    result_vault_core::archive::ArchiveLayout::Encrypted => t!("inspect.encrypted", file = file),
                    result_vault_core::archive::ArchiveLayout::LegacyEncrypted => {
                        t!("inspect.legacy_encrypted", file = file)
                    }
                    result_vault_core::archive::ArchiveLayout::Plain => t!("inspect.plain", file = file),
                };
                println!("{what}");
                if let Some(bits) = info.rsa_key_bits {
                    println!("{}", t!("inspect.rsa_key", bits = bits));
                }
                for e in &info.entries {
                    println!("  {:>12}  {}", human_size(e.size), e.path);
                }
            }
            Ok(())
        }
    }
}

/// The given key files (`--key`), else the key ring's keys when there is a ring.
fn key_choice(keys: &[PathBuf], ctx: &context::Context) -> Result<KeyChoice, Error> {
    if keys.is_empty() {
        ctx.open_vault_if_any()?;
        Ok(KeyChoice::Ring)
    } else {
        Ok(KeyChoice::Only(load_key_paths(keys)?))
    }
}

fn short(hex: &str) -> String {
    result_vault_core::keys::group4(&hex.get(..16).unwrap_or(hex).to_uppercase())
}

/// Bytes in binary units, one decimal, in the output's language (`1.5 MiB`, `1,5 Mio`).
pub(crate) fn human_size(n: u64) -> String {
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < 4 {
        v /= 1024.0;
        u += 1;
    }
    let unit = match u {
        0 => return t!("size.bytes", n = n).into_owned(),
        1 => t!("size.kib"),
        2 => t!("size.mib"),
        3 => t!("size.gib"),
        _ => t!("size.tib"),
    };
    format!("{} {unit}", decimal1(v))
}

/// A number with one decimal, with the output language's decimal separator (`1.5`, `1,5`).
pub(crate) fn decimal1(v: f64) -> String {
    format!("{v:.1}").replace('.', &t!("number.decimal_separator"))
}
