//! `result-vault-tray`: Result Vault in the tray once its window is closed, on Linux
//! (docs/design.md, "Background watch"; issue "Results come to you", section 5).
//!
//! On Linux a process that links WebKitGTK costs about 100 MB of memory (PSS) even without a
//! window: the libraries' relocated pages, Mesa's LLVM, speech synthesis voices. So when the
//! window is closed to the tray (or at login), the app hands the watch to this process, which
//! links neither GTK nor WebKit, and ends. This process:
//! - runs the engine's watch loop ([`WatchLoop`], the same as the app's) over the app's folders;
//! - shows one notification per check with new results (`org.freedesktop.Notifications`, with
//!   a default action: a click starts the app on that result, and this process ends);
//! - shows a tray icon (StatusNotifierItem over D-Bus) with "Open Result Vault", "Check now",
//!   "Quit"; "Open" starts the app and this process ends (the app watches while it runs);
//! - holds `<data>/tray.lock` (one tray per data folder); the app, started by hand, stops it.
//!
//! The key ring is opened with the system keychain when it is a keychain ring (in the
//! background, never a prompt on the terminal); a passphrase ring stays locked, and new results
//! are then only downloaded, as the watch's settings say.

// Elsewhere only `main` below is built: it says this program is not used there.
#![cfg_attr(not(target_os = "linux"), allow(unused_imports, dead_code))]

#[cfg(target_os = "linux")]
mod notice;
#[cfg(target_os = "linux")]
mod tray_icon;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use result_vault_engine::tray_lock::TrayLock;
use result_vault_engine::watch_loop::{Lang, WatchLoop};
use result_vault_engine::{Engine, EngineDirs};

/// Result Vault in the tray: the background watch without a window (started by the app).
#[derive(Parser, Debug)]
#[command(name = "result-vault-tray", version)]
struct Args {
    /// The data folder (key ring, task cache, settings). Default: `$RESULT_VAULT_HOME`, else the
    /// app's data folder.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Where decrypted results go. Default: `<data>/results`.
    #[arg(long)]
    results: Option<PathBuf>,
    /// The log folder. Default: `<data>/logs`.
    #[arg(long)]
    log_dir: Option<PathBuf>,
    /// The language of the menu and notifications (`en`, `fr`). Default: the environment's.
    #[arg(long)]
    lang: Option<String>,
    /// The app to start for "Open Result Vault" and a notification's click. Default:
    /// `result-vault-app` beside this program.
    #[arg(long)]
    app: Option<PathBuf>,
}

#[cfg(target_os = "linux")]
/// What the tray and the notification share: how to start the app, and the loop to stop.
pub struct Host {
    /// The app's executable.
    pub app: PathBuf,
    /// The watch loop (stopping it ends this process).
    pub watch: Arc<WatchLoop>,
    /// The language of the menu and notifications.
    pub lang: Lang,
}

#[cfg(target_os = "linux")]
impl Host {
    /// Starts the app (with `args`, e.g. `--show-results=<task id>`) and ends this process's
    /// watch: the app watches while it runs, and hands the watch back when closed.
    pub fn open_app(&self, args: &[String]) {
        match std::process::Command::new(&self.app).args(args).stdin(std::process::Stdio::null()).spawn() {
            Ok(child) => log::info!("the app was started ({}); the tray process ends", child.id()),
            Err(e) => {
                // Without the app, keep watching: ending would leave nothing in the tray.
                log::warn!("the app could not be started from the tray ({e})");
                return;
            }
        }
        self.watch.stop();
    }
}

/// Elsewhere the app itself stays in the tray (its web view goes with its window): this
/// program is not used.
#[cfg(not(target_os = "linux"))]
fn main() {
    let _ = Args::parse();
    eprintln!("result-vault-tray is used on Linux only: on this system the app itself stays in the tray.");
    std::process::exit(2);
}

#[cfg(target_os = "linux")]
fn main() {
    let args = Args::parse();
    let data = args.data.unwrap_or_else(result_vault_core::vault::default_data_dir);
    let dirs = EngineDirs { results: args.results.unwrap_or_else(|| data.join("results")), data };
    let logs = args.log_dir.unwrap_or_else(|| dirs.data.join("logs"));
    if let Err(e) = start_log(&logs) {
        eprintln!("result-vault-tray: no log in {} ({e})", logs.display());
    }
    // One tray per data folder: a second one has nothing to do.
    let _lock = match TrayLock::acquire(&dirs.data) {
        Ok(Some(lock)) => lock,
        Ok(None) => {
            log::info!("a tray process already watches {}", dirs.data.display());
            return;
        }
        Err(e) => {
            log::error!("the tray process cannot use {}: {e}", dirs.data.display());
            eprintln!("result-vault-tray: cannot use {}: {e}", dirs.data.display());
            std::process::exit(1);
        }
    };
    let lang = args.lang.as_deref().map_or_else(Lang::from_env, Lang::from_tag);
    let app = args.app.unwrap_or_else(|| {
        std::env::current_exe().ok().and_then(|e| e.parent().map(|p| p.join("result-vault-app"))).unwrap_or_default()
    });
    log::info!("Result Vault tray {} started; data folder {}", env!("CARGO_PKG_VERSION"), dirs.data.display());
    let engine = Arc::new(Engine::new(dirs));
    open_keychain_ring(&engine);
    let watch = Arc::new(WatchLoop::new(engine.watch_settings()));
    let host = Arc::new(Host { app, watch: watch.clone(), lang });
    // Without a tray on this desktop, the notifications still come; "Open" is then the
    // notification's click, or the app's own launcher.
    let tray = tray_icon::show(host.clone());
    let h = host.clone();
    watch.run(&engine, Duration::from_secs(3), wait_for, || {}, move |report| notice::notify(&h, report));
    // The tray item goes from the bus first: a menu click that ended the loop gets its reply.
    if let Some(t) = tray {
        t.shutdown().wait();
    }
    log::info!("the tray process ends");
}

#[cfg(target_os = "linux")]
/// Time between checks: the settings', or `RESULT_VAULT_WATCH_SECONDS` in end-to-end builds.
fn wait_for(settings: &result_vault_engine::watch::WatchSettings, failures: u32) -> Duration {
    #[cfg(feature = "e2e")]
    if let Some(s) = std::env::var("RESULT_VAULT_WATCH_SECONDS").ok().and_then(|v| v.parse::<u64>().ok()) {
        return Duration::from_secs(s.max(1) << failures.min(4));
    }
    result_vault_engine::watch_loop::wait_between_checks(settings, failures)
}

#[cfg(target_os = "linux")]
/// Opens a keychain key ring in the background (the keychain may be slow, or locked and asking
/// on screen): until it opens, new results are downloaded and not decrypted. A passphrase ring,
/// or none, stays closed: nothing is ever asked or created here.
fn open_keychain_ring(engine: &Arc<Engine>) {
    use result_vault_core::vault::ProtectionKind;
    use result_vault_engine::vault::CreateWith;
    if !matches!(engine.protection(), Ok(ProtectionKind::Keychain)) {
        log::info!("the key ring stays locked in the tray (not a keychain ring)");
        return;
    }
    let e = engine.clone();
    std::thread::spawn(move || {
        let opened = e.open_vault(CreateWith::Keychain, || {
            Err(result_vault_engine::Error::new(
                result_vault_engine::ErrorKind::WrongPassphrase,
                "no passphrase in the tray",
                "Open Result Vault to unlock the key ring.",
            ))
        });
        if let Err(e) = opened {
            log::warn!("the key ring stays locked in the tray: {}", e.kind);
        }
    });
}

#[cfg(target_os = "linux")]
/// The log: `<log dir>/result-vault-tray.log`, info level (paths, counts, error kinds; never a
/// secret, as the app's log).
fn start_log(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    std::fs::create_dir_all(dir)?;
    fern::Dispatch::new()
        .format(|out, message, record| {
            let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
            out.finish(format_args!("[{secs}][{}][{}] {message}", record.level(), record.target()))
        })
        .level(log::LevelFilter::Info)
        .chain(fern::log_file(dir.join("result-vault-tray.log"))?)
        .apply()?;
    Ok(())
}
