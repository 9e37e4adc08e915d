//! The reference client's own test vectors (iexec-sdk `test/inputs/`, v9.0.0) open as it opens
//! them, and byte for byte as openssl decrypts them.

mod common;

use std::process::Command;

use common::fixture;
use result_vault_core::archive::{
    inspect, open_result, ArchiveLayout, EncryptionFormat, OpenOptions, OpenStatus, OutputTarget,
};
use result_vault_core::keys::{load_key_paths, load_keys};
use result_vault_core::progress::{no_progress, CancelToken, ProgressEvent, Stage};
use result_vault_core::ErrorKind;

fn open(
    archive: &str,
    keys: &[&str],
    target: OutputTarget,
) -> result_vault_core::Result<result_vault_core::archive::OpenOutcome> {
    let keys = load_key_paths(&keys.iter().map(|k| fixture(k)).collect::<Vec<_>>())?;
    open_result(&fixture(archive), &keys, &OpenOptions::new(target), &no_progress, &CancelToken::new())
}

#[test]
fn current_fixture_decrypts_to_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let r = open("encryptedResults.zip", &["expected_key"], OutputTarget::Folder(out.clone())).unwrap();
    assert_eq!(r.status, OpenStatus::Decrypted);
    assert_eq!(r.format, Some(EncryptionFormat::Aes256Cbc));
    let names: Vec<_> = r.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(names, ["computed.json", "result.txt"]);
    let computed = std::fs::read_to_string(out.join("computed.json")).unwrap();
    assert!(computed.contains("deterministic-output-path"));
    assert_eq!(std::fs::metadata(out.join("result.txt")).unwrap().len(), r.files[1].size);
    assert_eq!(r.files[1].size, 419);
    // The fingerprint is SHA-256 of the SPKI DER of the key, as `openssl pkey -pubout -outform DER | sha256sum`.
    let der = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER", "-in"])
        .arg(fixture("expected_key"))
        .output()
        .expect("openssl must be installed (scripts/setup.sh)");
    use sha2::Digest;
    assert_eq!(r.key_fingerprint.unwrap(), hex::encode(sha2::Sha256::digest(&der.stdout)));
}

#[test]
fn current_fixture_zip_output_is_byte_identical_to_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("results.zip");
    open("encryptedResults.zip", &["expected_key"], OutputTarget::Zip(out.clone())).unwrap();
    // Decrypt the same archive with openssl, as the enclave's inverse.
    let work = dir.path().join("openssl");
    std::fs::create_dir(&work).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(fixture("encryptedResults.zip")).unwrap()).unwrap();
    for name in ["aes-key.rsa", "iexec_out.zip.aes"] {
        let mut f = zip.by_name(name).unwrap();
        let mut w = std::fs::File::create(work.join(name)).unwrap();
        std::io::copy(&mut f, &mut w).unwrap();
    }
    let st = Command::new("openssl")
        .args(["pkeyutl", "-decrypt", "-pkeyopt", "rsa_padding_mode:pkcs1", "-inkey"])
        .arg(fixture("expected_key"))
        .arg("-in")
        .arg(work.join("aes-key.rsa"))
        .arg("-out")
        .arg(work.join("aes.key"))
        .status()
        .unwrap();
    assert!(st.success());
    let key = std::fs::read(work.join("aes.key")).unwrap();
    let ct = std::fs::read(work.join("iexec_out.zip.aes")).unwrap();
    std::fs::write(work.join("body"), &ct[16..]).unwrap();
    let plain = Command::new("openssl")
        .args(["enc", "-d", "-aes-256-cbc", "-K", &hex::encode(&key), "-iv", &hex::encode(&ct[..16]), "-in"])
        .arg(work.join("body"))
        .output()
        .unwrap();
    assert!(plain.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), plain.stdout);
}

#[test]
fn one_pass_writes_the_zip_and_a_scratch_copy_of_its_files() {
    // `also_extract_to` (used to verify a fetched result without decrypting twice): the zip
    // written is the one a zip-only pass writes, and the scratch folder holds the files the
    // folder output holds, byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let keys = load_key_paths(&[fixture("expected_key")]).unwrap();
    let zip_only = dir.path().join("only.zip");
    open("encryptedResults.zip", &["expected_key"], OutputTarget::Zip(zip_only.clone())).unwrap();
    let folder_only = dir.path().join("only");
    open("encryptedResults.zip", &["expected_key"], OutputTarget::Folder(folder_only.clone())).unwrap();

    let both_zip = dir.path().join("both.zip");
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let mut opts = OpenOptions::new(OutputTarget::Zip(both_zip.clone()));
    opts.also_extract_to = Some(scratch.clone());
    let r = open_result(&fixture("encryptedResults.zip"), &keys, &opts, &no_progress, &CancelToken::new()).unwrap();
    assert_eq!(r.output.as_deref(), Some(both_zip.to_str().unwrap()));
    assert_eq!(std::fs::read(&both_zip).unwrap(), std::fs::read(&zip_only).unwrap());
    for f in &r.files {
        assert_eq!(
            std::fs::read(scratch.join(&f.path)).unwrap(),
            std::fs::read(folder_only.join(&f.path)).unwrap(),
            "{}",
            f.path
        );
    }
    assert_eq!(std::fs::read_dir(&scratch).unwrap().count(), 2);
}

#[test]
fn legacy_fixture_decrypts() {
    let dir = tempfile::tempdir().unwrap();
    let r = open("legacyEncryptedResults.zip", &["legacy_expected_key"], OutputTarget::Folder(dir.path().join("o")))
        .unwrap();
    assert_eq!(r.format, Some(EncryptionFormat::LegacyAes128Ecb));
    assert!(!r.files.is_empty());
    assert!(r.files.iter().all(|f| dir.path().join("o").join(&f.path).exists()));
    assert_eq!(inspect(&fixture("legacyEncryptedResults.zip")).unwrap().layout, ArchiveLayout::LegacyEncrypted);
}

#[test]
fn unrelated_key_gives_no_matching_key_naming_the_fingerprint() {
    let e = open("encryptedResults.zip", &["unexpected_key"], OutputTarget::CheckOnly).unwrap_err();
    assert_eq!(e.kind, ErrorKind::NoMatchingKey);
    let k = &load_keys(&fixture("unexpected_key")).unwrap()[0];
    assert!(e.message.contains(&k.fingerprint.short()), "{}", e.message);
    assert!(e.hint.contains("DataProtector"));
    // The same facts in data, for a UI that says them in its own language.
    let facts = e.facts.expect("facts");
    assert_eq!(facts.keys_tried, [format!("{} ({})", k.fingerprint.short(), k.label)]);
    assert_eq!(facts.word, None);
}

#[test]
fn several_keys_are_tried_and_the_one_that_worked_is_named() {
    let r = open(
        "encryptedResults.zip",
        &["unexpected_key", "legacy_expected_key", "expected_key"],
        OutputTarget::CheckOnly,
    )
    .unwrap();
    assert_eq!(r.key_label.as_deref(), Some("expected_key"));
}

#[test]
fn a_secrets_beneficiary_folder_is_searched_for_key_files() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(".secrets/beneficiary");
    std::fs::create_dir_all(&folder).unwrap();
    // The right key, saved as the iexec CLI names it, beside its .pub and an unrelated key.
    std::fs::copy(fixture("expected_key"), folder.join("0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB_key")).unwrap();
    std::fs::copy(fixture("expected_key.pub"), folder.join("0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB_key.pub"))
        .unwrap();
    std::fs::copy(fixture("unexpected_key"), folder.join("0x0000000000000000000000000000000000000001_key")).unwrap();
    let keys = load_keys(&folder).unwrap();
    assert_eq!(keys.len(), 2);
    let r = open_result(
        &fixture("encryptedResults.zip"),
        &keys,
        &OpenOptions::new(OutputTarget::CheckOnly),
        &no_progress,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(r.key_label.as_deref(), Some("0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB_key"));
}

#[test]
fn key_without_trailing_newline_and_pkcs1_keys_work() {
    let dir = tempfile::tempdir().unwrap();
    let pem = std::fs::read_to_string(fixture("expected_key")).unwrap();
    let no_nl = dir.path().join("dataprotector_key");
    std::fs::write(&no_nl, pem.trim_end()).unwrap();
    let pkcs1 = dir.path().join("pkcs1_key");
    let st = Command::new("openssl")
        .args(["pkey", "-traditional", "-in"])
        .arg(fixture("expected_key"))
        .arg("-out")
        .arg(&pkcs1)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(std::fs::read_to_string(&pkcs1).unwrap().contains("BEGIN RSA PRIVATE KEY"));
    for k in [&no_nl, &pkcs1] {
        let keys = load_keys(k).unwrap();
        open_result(
            &fixture("encryptedResults.zip"),
            &keys,
            &OpenOptions::new(OutputTarget::CheckOnly),
            &no_progress,
            &CancelToken::new(),
        )
        .unwrap();
    }
}

#[test]
fn public_key_given_as_key_is_invalid_key_file() {
    let e = load_keys(&fixture("key.pub")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidKeyFile);
    assert!(e.message.contains("public key"));
}

#[test]
fn progress_is_cumulative_and_ends_at_total() {
    let keys = load_keys(&fixture("expected_key")).unwrap();
    let events = std::sync::Mutex::new(Vec::<ProgressEvent>::new());
    let sink = |e: ProgressEvent| events.lock().unwrap().push(e);
    open_result(
        &fixture("encryptedResults.zip"),
        &keys,
        &OpenOptions::new(OutputTarget::CheckOnly),
        &sink,
        &CancelToken::new(),
    )
    .unwrap();
    let ev = events.into_inner().unwrap();
    let dec: Vec<_> = ev.iter().filter(|e| e.stage == Stage::Decrypting).collect();
    assert!(dec.windows(2).all(|w| w[0].done <= w[1].done));
    let last = dec.last().unwrap();
    assert_eq!(last.done, last.total);
    assert_eq!(last.total, 496);
    assert_eq!(ev.last().unwrap().stage, Stage::Finishing);
}
