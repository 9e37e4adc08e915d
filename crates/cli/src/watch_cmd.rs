//! `result-vault watch …` and `result-vault results`: the watched addresses, one background
//! check now (what the app does every few minutes, for scripts and cron), and the results
//! library. Adapters over [`result_vault_engine::watch`] and [`result_vault_engine::library`].

use clap::{Subcommand, ValueEnum};
use result_vault_core::progress::CancelToken;
use result_vault_engine::watch::{NewResultAction, NewResultState};
use result_vault_engine::Error;
use rust_i18n::t;

use crate::context::Context;
use crate::print_json;

/// What a check does with a new result (overrides the saved setting).
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ActionArg {
    /// Only report it.
    Notify,
    /// Download it.
    Download,
    /// Download, decrypt and verify it (opens the key ring).
    Open,
}

/// `result-vault watch …`.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Watch ADDRESS (a beneficiary) on NETWORK: its new results are found by `watch check` and
    /// by the app in the background.
    Add {
        /// The beneficiary address (0x…, EIP-55 checked).
        address: String,
        /// The network (arbitrum-mainnet, arbitrum-sepolia-testnet, bellecour, or a saved one).
        #[arg(long)]
        network: String,
        /// A name for people.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Stop watching ADDRESS on NETWORK.
    Remove {
        /// The beneficiary address.
        address: String,
        /// The network.
        #[arg(long)]
        network: String,
    },
    /// The watched addresses.
    List {},
    /// Check every watched address once, now: the tasks that just completed, confirmed on chain.
    Check {
        /// What to do with a new result (default: the app's setting, "tell me").
        #[arg(long, value_enum)]
        action: Option<ActionArg>,
    },
}

fn state_text(s: &NewResultState) -> String {
    match s {
        NewResultState::Ready => t!("watch.ready").into_owned(),
        NewResultState::Downloaded => t!("watch.downloaded").into_owned(),
        NewResultState::Verified => t!("watch.verified").into_owned(),
        NewResultState::Opened => t!("watch.opened").into_owned(),
        NewResultState::Mismatch => t!("watch.mismatch").into_owned(),
        NewResultState::NeedsKey => t!("watch.needs_key").into_owned(),
        NewResultState::Failed(kind) => t!("watch.failed", kind = kind).into_owned(),
    }
}

/// Runs `result-vault watch …`.
pub fn run(cmd: WatchCommand, ctx: &Context) -> Result<(), Error> {
    let e = &ctx.engine;
    match cmd {
        WatchCommand::Add { address, network, label } => {
            let w = e.watch(&network, &address, &label)?;
            if ctx.json {
                print_json(&w)?;
            } else {
                println!("{}", t!("watch.added", address = w.address, network = w.network));
            }
        }
        WatchCommand::Remove { address, network } => {
            e.unwatch(&network, &address)?;
            if ctx.json {
                print_json(&serde_json::json!({ "removed": true }))?;
            } else {
                println!("{}", t!("watch.removed", address = address, network = network));
            }
        }
        WatchCommand::List {} => {
            let list = e.watched()?;
            if ctx.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!("{}", t!("watch.none"));
            } else {
                for w in list {
                    println!("{}  {}  {}", w.network, w.address, w.label);
                }
            }
        }
        WatchCommand::Check { action } => {
            let action = match action {
                Some(ActionArg::Notify) => NewResultAction::Notify,
                Some(ActionArg::Download) => NewResultAction::Download,
                Some(ActionArg::Open) => NewResultAction::Open,
                None => e.watch_settings().on_new_result,
            };
            if action == NewResultAction::Open {
                ctx.open_vault_if_any()?;
            }
            let r = e.check_with(action, &CancelToken::new());
            if ctx.json {
                print_json(&r)?;
            } else {
                println!("{}", t!("watch.checked", count = r.checked, ms = r.took_ms, new = r.new_results.len()));
                for n in &r.new_results {
                    println!(
                        "  {} ({} {}) {}: {}",
                        n.app,
                        t!("watch.task"),
                        n.task_id,
                        n.network,
                        state_text(&n.state)
                    );
                }
                for p in &r.problems {
                    eprintln!("{}", t!("watch.problem", problem = p));
                }
            }
            if !r.ok {
                return Err(Error::new(
                    result_vault_engine::ErrorKind::Network,
                    r.problems.join(" "),
                    "Check the network and try again; the app retries by itself, waiting longer each time.",
                ));
            }
        }
    }
    Ok(())
}

/// Runs `result-vault results [SEARCH]`.
pub fn results(search: Option<&str>, ctx: &Context) -> Result<(), Error> {
    let items = ctx.engine.library(search)?;
    if ctx.json {
        return print_json(&items);
    }
    if items.is_empty() {
        println!("{}", t!("results.none"));
    }
    for i in items {
        let e = &i.entry.record;
        let when = chrono::DateTime::from_timestamp(e.opened_at as i64, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        let what = e.app.clone().unwrap_or_else(|| e.archive_path.clone());
        let state = format!("{:?}", e.verification.status).to_lowercase();
        let gone = if i.output_exists { String::new() } else { format!(" ({})", t!("results.gone")) };
        println!(
            "{when}  {what}  {}  {}  {state}  {}{gone}",
            t!("results.files", count = e.file_count),
            crate::human_size(e.size),
            e.output_path
        );
    }
    Ok(())
}
