//! `result-vault tasks` and `result-vault fetch`: a beneficiary's tasks from the chain, and a
//! task's result downloaded, opened and verified against the chain.
//!
//! Network URLs: built-in defaults (docs/design.md 3.1), then networks saved by the app in the data
//! folder's cache, then a `--config FILE` (JSON `{"networks": [Network, ...]}`), then flags.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::Args;
use result_vault_core::archive::{OpenStatus, OutputTarget};
use result_vault_core::chain::{networks, parse_address, Network, TaskStatus};
use result_vault_core::db::tasks::TaskRow;
use result_vault_core::db::Db;
use result_vault_core::fetch::{fetch_task, FetchEvent, FetchOutcome};
use result_vault_core::keys::{load_key_paths, KeyCandidate};
use result_vault_core::progress::CancelToken;
use result_vault_core::tasks::{self, RefreshOutcome};
use result_vault_core::vault::{ProtectionKind, Vault};
use result_vault_core::verify::VerificationStatus;
use result_vault_core::{ErrorKind, VaultError};
use rust_i18n::t;
use serde::{Deserialize, Serialize};

use crate::keys_cmd::Context;
use crate::{decimal1, human_size, print_json};

/// Which network and how to reach it.
#[derive(Args, Debug, Clone)]
pub struct NetworkArgs {
    /// Network name: arbitrum-mainnet, arbitrum-sepolia-testnet, bellecour, or a custom one.
    #[arg(long, value_name = "NAME")]
    pub network: String,
    /// A JSON file `{"networks": [...]}` overriding or adding networks.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// JSON-RPC endpoint.
    #[arg(long, value_name = "URL")]
    pub rpc_url: Option<String>,
    /// PoCo subgraph endpoint.
    #[arg(long, value_name = "URL")]
    pub subgraph_url: Option<String>,
    /// Market API base URL.
    #[arg(long, value_name = "URL")]
    pub market_url: Option<String>,
    /// IPFS gateway (repeatable; the first is preferred).
    #[arg(long = "gateway-url", value_name = "URL")]
    pub gateway_urls: Vec<String>,
    /// PoCo hub address.
    #[arg(long, value_name = "ADDRESS")]
    pub hub: Option<String>,
    /// Chain id of a custom network given only by flags.
    #[arg(long, value_name = "ID")]
    pub chain_id: Option<u64>,
    /// Secret Management Service URL.
    #[arg(long, value_name = "URL")]
    pub sms_url: Option<String>,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    networks: Vec<Network>,
}

impl NetworkArgs {
    /// The network with every override applied.
    ///
    /// Errors: `io` (config file), `task_not_found` (unknown network), `invalid_address` (hub).
    pub fn resolve(&self, db: Option<&Db>) -> Result<Network, VaultError> {
        let mut net = networks::by_name(&self.network);
        if let Some(saved) = db.and_then(|d| d.saved_network(&self.network).ok().flatten()) {
            net = Some(saved);
        }
        if let Some(path) = &self.config {
            let text = std::fs::read_to_string(path).map_err(|e| VaultError::io("read", path, &e))?;
            let cfg: ConfigFile = serde_json::from_str(&text).map_err(|e| {
                VaultError::new(
                    ErrorKind::Io,
                    format!("{} is not a valid network file ({e}).", path.display()),
                    "It must be JSON: {\"networks\": [{\"name\", \"label\", \"chain_id\", \"rpc_url\", \"hub\", \"sms_urls\", \"ipfs_gateways\", \"subgraph_url\", \"market_api_url\", \"legacy\"}]}.",
                )
            })?;
            if let Some(n) = cfg.networks.into_iter().find(|n| n.name == self.network) {
                net = Some(n);
            }
        }
        let custom = || Network {
            name: self.network.clone(),
            label: self.network.clone(),
            chain_id: self.chain_id.unwrap_or(0),
            rpc_url: String::new(),
            hub: String::new(),
            sms_urls: Vec::new(),
            ipfs_gateways: Vec::new(),
            subgraph_url: String::new(),
            market_api_url: String::new(),
            legacy: false,
        };
        let mut net = match net {
            Some(n) => n,
            None if (self.rpc_url.is_some() && self.hub.is_some()) || self.sms_url.is_some() => custom(),
            None => {
                return Err(VaultError::new(
                    ErrorKind::TaskNotFound,
                    format!("Unknown network \u{201c}{}\u{201d}.", self.network),
                    "Use arbitrum-mainnet, arbitrum-sepolia-testnet or bellecour, or give --rpc-url and --hub (or --config) for another one.",
                ))
            }
        };
        if let Some(v) = &self.rpc_url {
            net.rpc_url = v.clone();
        }
        if let Some(v) = &self.subgraph_url {
            net.subgraph_url = v.clone();
        }
        if let Some(v) = &self.market_url {
            net.market_api_url = v.clone();
        }
        if !self.gateway_urls.is_empty() {
            net.ipfs_gateways = self.gateway_urls.clone();
        }
        if let Some(v) = &self.hub {
            net.hub = parse_address(v)?.to_checksum(None);
        }
        if let Some(v) = self.chain_id {
            net.chain_id = v;
        }
        if let Some(v) = &self.sms_url {
            net.sms_urls = vec![v.clone()];
        }
        Ok(net)
    }
}

pub(crate) fn open_db(ctx: &Context) -> Result<Db, VaultError> {
    Db::open(&ctx.dir().join(result_vault_core::db::FILE_NAME))
}

/// `{"network","beneficiary","refresh","tasks"}`: the `tasks --json` object (`refresh` is null
/// with `--offline`).
#[derive(Serialize)]
struct TasksJson<'a> {
    network: &'a str,
    beneficiary: String,
    refresh: Option<&'a RefreshOutcome>,
    tasks: &'a [TaskRow],
}

/// `result-vault tasks`.
pub fn tasks(
    net: &NetworkArgs,
    beneficiary: &str,
    full: bool,
    offline: bool,
    json: bool,
    ctx: &Context,
) -> Result<(), VaultError> {
    let address = parse_address(beneficiary)?;
    let mut db = open_db(ctx)?;
    let network = net.resolve(Some(&db))?;
    let outcome = if offline {
        None
    } else {
        let confirm = if full { tasks::Confirm::AllOpen } else { tasks::Confirm::Undescribed };
        Some(tasks::refresh(&mut db, &network, &address, full, confirm, &|_| {}, &CancelToken::new())?)
    };
    let rows = db.list_tasks(Some(&network.name), Some(&address.to_string()), tasks::now())?;
    if json {
        return print_json(&TasksJson {
            network: &network.name,
            beneficiary: address.to_checksum(None),
            refresh: outcome.as_ref(),
            tasks: &rows,
        });
    }
    if let Some(w) = outcome.as_ref().and_then(|o| o.warning.as_ref()) {
        eprintln!("{}", t!("tasks.warning", warning = w));
    }
    println!(
        "{}",
        t!("tasks.header", count = rows.len(), address = address.to_checksum(None), network = network.label)
    );
    // The status column fits the longest status word of the output's language.
    let width = ALL_STATUSES.iter().map(|s| status_word(*s).chars().count()).max().unwrap_or(0);
    for r in &rows {
        let date = chrono::DateTime::from_timestamp(r.start_time as i64, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        println!(
            "  {:<width$} {}  {}  {:<24} {}",
            status_word(r.status),
            date,
            r.task_id,
            r.app_name.clone().unwrap_or_else(|| r.app.clone()),
            match r.result {
                result_vault_core::chain::ResultLocation::Ipfs { .. } => t!("tasks.result_on_ipfs"),
                result_vault_core::chain::ResultLocation::Ethereum => t!("tasks.result_callback"),
                result_vault_core::chain::ResultLocation::Dropbox { .. } => t!("tasks.result_dropbox"),
                result_vault_core::chain::ResultLocation::None => Cow::Borrowed(""),
            }
        );
    }
    Ok(())
}

const ALL_STATUSES: [TaskStatus; 6] = [
    TaskStatus::Unset,
    TaskStatus::Active,
    TaskStatus::Revealing,
    TaskStatus::Completed,
    TaskStatus::Failed,
    TaskStatus::Timeout,
];

fn status_word(s: TaskStatus) -> Cow<'static, str> {
    match s {
        TaskStatus::Unset => t!("tasks.status_not_started"),
        TaskStatus::Active => t!("tasks.status_active"),
        TaskStatus::Revealing => t!("tasks.status_revealing"),
        TaskStatus::Completed => t!("tasks.status_completed"),
        TaskStatus::Failed => t!("tasks.status_failed"),
        TaskStatus::Timeout => t!("tasks.status_timed_out"),
    }
}

/// The keys for a fetch: the given files, else the key ring if there is one, else none (a plain
/// result needs none; an encrypted one then fails with `no_matching_key`).
fn fetch_keys(keys: &[PathBuf], ctx: &Context) -> Result<Vec<KeyCandidate>, VaultError> {
    if !keys.is_empty() {
        return load_key_paths(keys);
    }
    match Vault::protection_kind(&ctx.dir())? {
        ProtectionKind::None => Ok(Vec::new()),
        _ => ctx.open_vault()?.candidates(),
    }
}

/// `result-vault fetch`.
#[allow(clippy::too_many_arguments)]
pub fn fetch(
    net: &NetworkArgs,
    task_id: &str,
    output: Option<PathBuf>,
    extract: Option<PathBuf>,
    keys: &[PathBuf],
    downloads: Option<PathBuf>,
    json: bool,
    ctx: &Context,
) -> Result<(), VaultError> {
    let db = open_db(ctx).ok();
    let network = net.resolve(db.as_ref())?;
    let keys = fetch_keys(keys, ctx)?;
    let target = match (output, extract) {
        (Some(o), _) => OutputTarget::Zip(o),
        (None, Some(d)) => OutputTarget::Folder(d),
        (None, None) => OutputTarget::CheckOnly,
    };
    let downloads = downloads.unwrap_or_else(|| ctx.dir().join("downloads").join(&network.name));
    let show = !json && std::io::stderr().is_terminal();
    let report = |e: FetchEvent| {
        if show {
            report_progress(&e);
        }
    };
    let outcome = fetch_task(&network, task_id, &downloads, target, &keys, &report, &CancelToken::new());
    if show {
        eprintln!();
    }
    let outcome = outcome?;
    if let Some(db) = &db {
        let _ = db.store_chain_task(&network.name, &outcome.task, tasks::now());
    }
    if json {
        print_json(&outcome)?;
    } else {
        print_human(&outcome, Path::new(&outcome.download.path));
    }
    if outcome.verification.status == VerificationStatus::Mismatch {
        // Files the user must not trust: a distinct exit code for scripts (the JSON already says it).
        std::process::exit(EXIT_MISMATCH);
    }
    Ok(())
}

/// Exit code of `fetch` when the files differ from the digest on chain.
pub const EXIT_MISMATCH: i32 = 3;

fn report_progress(e: &FetchEvent) {
    match e {
        FetchEvent::Confirming => eprint!("\r{}", t!("progress.checking_chain")),
        FetchEvent::Downloading(p) if p.retry_in_ms.is_some() => eprint!(
            "\r\x1b[K{}",
            t!(
                "progress.retrying",
                reason = p.retry_reason.as_deref().unwrap_or("?"),
                seconds = decimal1(p.retry_in_ms.unwrap_or(0) as f64 / 1000.0)
            )
        ),
        FetchEvent::Downloading(p) => eprint!(
            "\r\x1b[K{}",
            t!(
                "progress.downloading",
                done = human_size(p.done),
                total = if p.total > 0 { human_size(p.total) } else { "?".into() },
                speed = human_size(p.bytes_per_sec),
                gateway = p.gateway
            )
        ),
        FetchEvent::Opening(p) => {
            eprint!("\r\x1b[K{}", t!("progress.opening", done = human_size(p.done), total = human_size(p.total)))
        }
        FetchEvent::Verifying => eprint!("\r\x1b[K{}", t!("progress.verifying")),
    }
}

fn print_human(o: &FetchOutcome, archive: &Path) {
    println!(
        "{}",
        t!(
            "fetch.downloaded",
            file = archive.display(),
            size = human_size(o.download.bytes),
            gateway = o.download.gateway
        )
    );
    match o.open.status {
        OpenStatus::Decrypted => {
            println!("{}", t!("fetch.decrypted", label = o.open.key_label.as_deref().unwrap_or("?")))
        }
        OpenStatus::NotEncrypted => println!("{}", t!("fetch.not_encrypted")),
    }
    if let Some(out) = &o.open.output {
        println!("{}", t!("result.written", path = out));
    }
    let v = &o.verification;
    match v.status {
        VerificationStatus::Verified => {
            println!("{}", t!("fetch.verified", digest = v.expected.as_deref().unwrap_or("")))
        }
        VerificationStatus::Mismatch => println!(
            "{}",
            t!(
                "fetch.mismatch",
                expected = v.expected.as_deref().unwrap_or("?"),
                computed = v.computed.as_deref().unwrap_or("?"),
                reason = v.reason.as_deref().unwrap_or("")
            )
        ),
        VerificationStatus::Unverifiable => {
            println!("{}", t!("fetch.unverified", reason = v.reason.as_deref().unwrap_or("")))
        }
    }
}
