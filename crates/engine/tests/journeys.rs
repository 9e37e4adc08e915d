//! The engine's journeys in a test host with no Tauri and no terminal (as Yaak runs its command
//! bodies): what the end-to-end tests drive through the window, here as fast Rust tests against
//! the real engine, a real key ring on disk and the stand-in SMS (tests/standins/sms-standin.mjs,
//! on 127.0.0.1). Key rings are passphrase-protected so no keychain is needed.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use result_vault_core::progress::CancelToken;
use result_vault_core::vault::model::RotationStep;
use result_vault_engine::vault::CreateWith;
use result_vault_engine::{Engine, EngineDirs, ErrorKind};
use zeroize::Zeroizing;

const PASSPHRASE: &str = "correct horse battery staple";
/// A wallet private key for the tests (any scalar below the curve order is a key).
const WALLET_KEY: &str = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/iexec-sdk").join(name)
}

/// An engine over `dir`, with its passphrase ring open: what a fresh process (the app after a
/// crash, or a CLI command) has.
fn engine(dir: &Path) -> Engine {
    let e = Engine::new(EngineDirs::in_data(dir.to_path_buf()));
    e.open_vault(CreateWith::Passphrase, || Ok(Zeroizing::new(PASSPHRASE.to_owned()))).unwrap();
    e
}

/// The stand-in SMS, killed when dropped.
struct Sms {
    child: Child,
    url: String,
}

impl Sms {
    fn start() -> Sms {
        let mut child = Command::new("node")
            .arg("tests/standins/sms-standin.mjs")
            .current_dir(repo())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("stand-in said {line:?}: {e}"));
        Sms { child, url: v["sms"].as_str().unwrap().to_owned() }
    }
}

impl Drop for Sms {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn two_sessions_on_one_ring_never_lose_each_others_changes() {
    let dir = tempfile::tempdir().unwrap();
    // The app's session and a CLI's, both open on the same ring.
    let app = engine(dir.path());
    app.import_key_path(&fixture("expected_key")).unwrap();
    let cli = engine(dir.path());
    let added = cli.import_key_path(&fixture("legacy_expected_key")).unwrap();
    assert!(added[0].added);
    // The app, which read the ring before the CLI's import, renames its key: a read-modify-write
    // of the ring as it is now, so the CLI's key stays.
    let first = app.keys_overview().unwrap().keys[0].fingerprint.clone();
    app.rename_key(&first, "Laptop").unwrap();
    for e in [&app, &cli] {
        let keys = e.keys_overview().unwrap().keys;
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys.iter().any(|k| k.label == "Laptop"));
        assert!(keys.iter().any(|k| k.fingerprint == added[0].key.fingerprint));
    }
}

#[test]
fn many_threads_importing_at_once_keep_every_key() {
    let dir = tempfile::tempdir().unwrap();
    let first = engine(dir.path());
    first.import_key_path(&fixture("expected_key")).unwrap();
    let pems = ["legacy_expected_key", "unexpected_key", "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB_key"];
    let handles: Vec<_> = pems
        .iter()
        .map(|name| {
            let d = dir.path().to_path_buf();
            let p = fixture(name);
            std::thread::spawn(move || engine(&d).import_key_path(&p).unwrap())
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let fps: std::collections::HashSet<String> =
        first.keys_overview().unwrap().keys.into_iter().map(|k| k.fingerprint).collect();
    // expected_key and the 0xC08C… key are the same key: 3 distinct keys in all.
    assert_eq!(fps.len(), 3, "{fps:?}");
}

#[test]
fn a_rotation_resumes_after_a_crash_at_every_step_and_never_pushes_an_unbacked_key() {
    let dir = tempfile::tempdir().unwrap();
    let sms = Sms::start();
    let setup = engine(dir.path());
    setup.import_key_path(&fixture("expected_key")).unwrap();
    let wallet = setup.import_wallet_key(WALLET_KEY, "beneficiary").unwrap();
    let old = setup.keys_overview().unwrap().keys[0].fingerprint.clone();
    drop(setup);

    // Each step runs in a new session: the one before it "crashed" right after its step.
    let r = engine(dir.path()).rotation_start(&wallet.address, &["local".to_owned()]).unwrap();
    assert_eq!(r.step, RotationStep::Started);
    let r = engine(dir.path()).rotation_generate(&CancelToken::new()).unwrap();
    assert_eq!(r.step, RotationStep::KeyGenerated);
    let new = r.new_fingerprint.clone().unwrap();
    // Resuming a step already done changes nothing (no second key).
    let again = engine(dir.path()).rotation_generate(&CancelToken::new()).unwrap();
    assert_eq!(again.new_fingerprint.as_deref(), Some(new.as_str()));
    assert_eq!(engine(dir.path()).keys_overview().unwrap().keys.len(), 2);

    // No verified kit holds the new key: the push is refused, and the SMS never sees it.
    let e = engine(dir.path()).rotation_push_to("local", &sms.url, None).unwrap_err();
    assert_eq!(e.kind, ErrorKind::BackupRequired);
    assert!(!engine(dir.path()).sms_key_set(&sms.url, &wallet.address).unwrap());

    // Back up and verify, then the kit step passes.
    let kit = dir.path().join("kit.age");
    let b = engine(dir.path()).backup(&kit, false).unwrap();
    let words = b.phrase.words().join(" ");
    engine(dir.path()).verify_backup(&kit, &words).unwrap();
    let r = engine(dir.path()).rotation_check_kit().unwrap();
    assert_eq!(r.step, RotationStep::KitUpdated);

    let r = engine(dir.path()).rotation_push_to("local", &sms.url, None).unwrap();
    assert_eq!(r.step, RotationStep::Pushed);
    assert!(engine(dir.path()).sms_key_set(&sms.url, &wallet.address).unwrap());
    let r = engine(dir.path()).rotation_finish().unwrap();
    assert_eq!(r.step, RotationStep::Done);
    let keys = engine(dir.path()).keys_overview().unwrap().keys;
    let status = |fp: &str| keys.iter().find(|k| k.fingerprint == fp).map(|k| k.status);
    assert_eq!(status(&old), Some(result_vault_core::vault::model::KeyStatus::Retired));
    assert_eq!(status(&new), Some(result_vault_core::vault::model::KeyStatus::Active));
    // The engine says which key is active (the hosts never re-derive it).
    assert_eq!(engine(dir.path()).keys_overview().unwrap().active_key.as_deref(), Some(new.as_str()));
}

#[test]
fn a_restore_over_an_unreadable_ring_sets_it_aside_and_brings_the_keys_back() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    let imported = e.import_key_path(&fixture("expected_key")).unwrap();
    let kit = dir.path().join("kit.age");
    let words = e.backup(&kit, false).unwrap().phrase.words().join(" ");
    drop(e);
    // Both copies of the ring damaged (a disk error, a bad copy).
    for f in ["keyring", "keyring.prev"] {
        if dir.path().join(f).exists() {
            std::fs::write(dir.path().join(f), b"RVKR\x01\x02\x1c\x00damaged").unwrap();
        }
    }
    let fresh = Engine::new(EngineDirs::in_data(dir.path().to_path_buf()));
    // Without the user's agreement, nothing moves.
    let e = fresh
        .restore(&kit, &words, CreateWith::Passphrase, || Ok(Zeroizing::new(PASSPHRASE.to_owned())), |_| false)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::KeyringDamaged);
    assert!(dir.path().join("keyring").exists());
    let r = fresh
        .restore(
            &kit,
            &words,
            CreateWith::Passphrase,
            || Ok(Zeroizing::new(PASSPHRASE.to_owned())),
            |e| e.kind == ErrorKind::KeyringDamaged,
        )
        .unwrap();
    assert_eq!(r.added, vec![imported[0].key.fingerprint.clone()]);
    // The damaged ring is kept beside the new one, never deleted.
    let aside: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("keyring.set-aside-"))
        .collect();
    assert!(!aside.is_empty());
    assert_eq!(engine(dir.path()).keys_overview().unwrap().keys.len(), 1);
}

/// A healthy ring and a mistyped passphrase: a restore never moves the ring aside by itself.
#[test]
fn restore_with_a_wrong_passphrase_keeps_a_healthy_ring_unless_the_user_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path());
    e.import_key_path(&fixture("expected_key")).unwrap();
    let kit = dir.path().join("kit.age");
    let words = e.backup(&kit, false).unwrap().phrase.words().join(" ");
    drop(e);
    let before = std::fs::read(dir.path().join("keyring")).unwrap();
    let fresh = Engine::new(EngineDirs::in_data(dir.path().to_path_buf()));
    let mut asked = None;
    let err = fresh
        .restore(
            &kit,
            &words,
            CreateWith::Passphrase,
            || Ok(Zeroizing::new("not the passphrase".to_owned())),
            |e| {
                asked = Some(e.kind);
                false
            },
        )
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::WrongPassphrase);
    assert_eq!(asked, Some(ErrorKind::WrongPassphrase), "the host was asked, with the reason");
    assert_eq!(std::fs::read(dir.path().join("keyring")).unwrap(), before, "the ring was not touched");
    assert_eq!(engine(dir.path()).keys_overview().unwrap().keys.len(), 1);

    // The user agrees by mistake: the healthy ring is set aside, a new one made with the kit...
    let other = "another passphrase, typed wrong";
    fresh.restore(&kit, &words, CreateWith::Passphrase, || Ok(Zeroizing::new(other.to_owned())), |_| true).unwrap();
    let aside = fresh.set_aside_rings();
    assert_eq!(aside.len(), 1);
    // ...and it can be reopened: the first ring comes back as it was, the new one is kept aside.
    fresh.reopen_set_aside(&aside[0]).unwrap();
    assert_eq!(std::fs::read(dir.path().join("keyring")).unwrap(), before);
    assert_eq!(fresh.set_aside_rings().len(), 1, "the ring made by the restore is kept aside, not deleted");
    assert_eq!(engine(dir.path()).keys_overview().unwrap().keys.len(), 1);
    assert_eq!(fresh.reopen_set_aside("keyring.prev").unwrap_err().kind, ErrorKind::InvalidInput);
}

#[test]
fn errors_name_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let e = Engine::new(EngineDirs::in_data(dir.path().to_path_buf()));
    assert_eq!(e.keys_overview().unwrap_err().kind, ErrorKind::KeyringNotOpen);
    assert_eq!(e.network("no-such-network").unwrap_err().kind, ErrorKind::UnknownNetwork);
    let short = e.open_vault(CreateWith::Passphrase, || Ok(Zeroizing::new("short".to_owned())));
    assert_eq!(short.unwrap_err().kind, ErrorKind::InvalidInput);
    let e = engine(dir.path());
    assert_eq!(e.backup(&dir.path().join("kit.age"), false).unwrap_err().kind, ErrorKind::KeyringEmpty);
}
