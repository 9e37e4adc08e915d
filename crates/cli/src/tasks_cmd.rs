//! `result-vault tasks` and `result-vault fetch`: a beneficiary's tasks from the chain, and a
//! task's result downloaded, opened and verified against the chain.
//!
//! Both are the engine's use-cases ([`result_vault_engine::tasks`]); networks come from its one
//! resolver ([`crate::network_args`]).

use std::borrow::Cow;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use result_vault_core::archive::{OpenStatus, OutputTarget};
use result_vault_core::chain::{parse_address, TaskStatus};
use result_vault_core::db::tasks::TaskRow;
use result_vault_core::fetch::{FetchEvent, FetchOutcome};
use result_vault_core::keys::load_key_paths;
use result_vault_core::progress::CancelToken;
use result_vault_core::tasks::RefreshOutcome;
use result_vault_core::verify::VerificationStatus;
use result_vault_engine::tasks::{FetchTarget, KeyChoice};
use result_vault_engine::Error;
use rust_i18n::t;
use serde::Serialize;

use crate::context::Context;
use crate::network_args::NetworkArgs;
use crate::{decimal1, human_size, print_json};

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
pub fn tasks(net: &NetworkArgs, beneficiary: &str, full: bool, offline: bool, ctx: &Context) -> Result<(), Error> {
    let json = ctx.json;
    let address = parse_address(beneficiary)?;
    let network = net.resolve(ctx)?;
    let outcome = if offline {
        None
    } else {
        Some(ctx.engine.refresh_tasks(&network, beneficiary, full, &|_| {}, &CancelToken::new())?)
    };
    let rows = ctx.engine.tasks(Some(&network.name), Some(beneficiary))?;
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

/// `result-vault fetch`: the engine's fetch-and-record, so the app shows the task as fetched.
#[allow(clippy::too_many_arguments)]
pub fn fetch(
    net: &NetworkArgs,
    task_id: &str,
    output: Option<PathBuf>,
    extract: Option<PathBuf>,
    keys: &[PathBuf],
    downloads: Option<PathBuf>,
    ctx: &Context,
) -> Result<(), Error> {
    let json = ctx.json;
    let network = net.resolve(ctx)?;
    // The given key files, else the key ring if there is one, else none (a plain result needs
    // none; an encrypted one then fails with `no_matching_key`).
    let keys = if keys.is_empty() {
        ctx.open_vault_if_any()?;
        KeyChoice::Ring
    } else {
        KeyChoice::Only(load_key_paths(keys)?)
    };
    let target = match (output, extract) {
        (Some(o), _) => OutputTarget::Zip(o),
        (None, Some(d)) => OutputTarget::Folder(d),
        (None, None) => OutputTarget::CheckOnly,
    };
    let show = !json && std::io::stderr().is_terminal();
    let report = |e: FetchEvent| {
        if show {
            report_progress(&e);
        }
    };
    let fetched = ctx.engine.fetch_task(
        &network,
        task_id,
        FetchTarget::Output(target),
        keys,
        downloads.as_deref(),
        &report,
        &CancelToken::new(),
    );
    if show {
        eprintln!();
    }
    let outcome = fetched?.outcome;
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
