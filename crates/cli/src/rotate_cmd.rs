//! `result-vault keys rotate`: runs (or resumes) the key rotation as far as it can go, over the
//! engine's rotation steps ([`result_vault_engine::wallets`]). The key ring is opened once and
//! the wallet's password asked at most once.

use std::path::PathBuf;

use result_vault_core::progress::CancelToken;
use result_vault_core::vault::model::RotationStep;
use result_vault_engine::Error;
use rust_i18n::t;

use crate::context::Context;
use crate::network_args::OverrideArgs;
use crate::print_json;

/// `result-vault keys rotate --network NAME… [--config FILE] [--sms-url URL]`.
pub fn rotate(
    networks: &[String],
    config: Option<PathBuf>,
    sms_url: Option<String>,
    ctx: &Context,
) -> Result<(), Error> {
    let json = ctx.json;
    let engine = ctx.open_vault()?;
    let address = engine.default_address()?;
    let mut r = engine.rotation_start(&address, networks)?;
    let say = |s: &str| {
        if !json {
            eprintln!("{s}");
        }
    };
    if r.step < RotationStep::KeyGenerated {
        say(&t!("rotate.generating"));
        r = engine.rotation_generate(&CancelToken::new())?;
    }
    if r.step < RotationStep::KitUpdated {
        r = engine.rotation_check_kit().map_err(|e| {
            Error::new(
                e.kind,
                e.message,
                "Make a recovery kit that holds the new key and verify it: `result-vault keys backup KIT.age`, then `result-vault keys verify-backup KIT.age`; then run `result-vault keys rotate` again: it resumes here.",
            )
        })?;
    }
    let password = if engine.wallet_needs_password(&r.address)? { Some(ctx.wallet_password()?) } else { None };
    let overrides = OverrideArgs { config, sms_url, ..OverrideArgs::default() };
    for name in r.networks.clone() {
        if r.pushed.contains(&name) {
            continue;
        }
        let network = overrides.resolve(&name, ctx)?;
        let url = network.sms_url()?.to_owned();
        say(&t!("rotate.pushing", network = network.label));
        r = engine.rotation_push_to(&name, &url, password.as_ref().map(|p| p.as_str()))?;
    }
    r = engine.rotation_finish()?;
    if json {
        print_json(&r)
    } else {
        println!(
            "{}",
            t!(
                "rotate.done",
                fingerprint = r.new_fingerprint.as_deref().map(|f| &f[..16.min(f.len())]).unwrap_or("?"),
                networks = r.networks.join(", ")
            )
        );
        Ok(())
    }
}
