//! `result-vault keys ...` against the real Secret Service (scripts/test.sh runs the tests inside
//! scripts/with-secret-service.sh: gnome-keyring in a private D-Bus session), each test in its own
//! data folder (so its own keychain entry).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iexec-sdk"))
        .join(name)
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home { dir: tempfile::tempdir().unwrap() }
    }
    fn path(&self) -> &Path {
        self.dir.path()
    }
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_result-vault"));
        c.env("RESULT_VAULT_HOME", self.path().join("vault"));
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }
    fn run_stdin(&self, args: &[&str], stdin: &str) -> Output {
        let mut child =
            self.cmd().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    }
}

fn error_kind(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["error"]["kind"].as_str().unwrap().to_owned()
}

fn p(x: &Path) -> &str {
    x.to_str().unwrap()
}

fn openssl_fingerprint(key: &Path) -> String {
    let der = Command::new("openssl").args(["pkey", "-pubout", "-outform", "DER", "-in"]).arg(key).output().unwrap();
    let sha = Command::new("sha256sum").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut sha = sha;
    sha.stdin.take().unwrap().write_all(&der.stdout).unwrap();
    String::from_utf8(sha.wait_with_output().unwrap().stdout).unwrap()[..64].to_owned()
}

#[test]
fn list_import_export_and_decrypt_with_the_ring() {
    let h = Home::new();
    assert_eq!(h.json(&["keys", "list", "--json"])["keys"].as_array().unwrap().len(), 0);
    // Import a whole .secrets/beneficiary folder: the address is read from the file name.
    let folder = h.path().join(".secrets/beneficiary");
    std::fs::create_dir_all(&folder).unwrap();
    let addr = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";
    std::fs::copy(fixture("expected_key"), folder.join(format!("{addr}_key"))).unwrap();
    std::fs::copy(fixture("expected_key.pub"), folder.join(format!("{addr}_key.pub"))).unwrap();
    let v = h.json(&["keys", "import", p(&folder), "--json"]);
    assert_eq!(v["imported"][0]["added"], true);
    // Importing it again says so.
    let v = h.json(&["keys", "import", p(&fixture("expected_key")), "--json"]);
    assert_eq!(v["imported"][0]["added"], false);
    let list = h.json(&["keys", "list", "--json"]);
    let k = &list["keys"][0];
    let fp = k["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(fp, openssl_fingerprint(&fixture("expected_key")));
    assert_eq!(k["label"], format!("{addr}_key"));
    assert_eq!(k["source"], "iexec_secrets_folder");
    assert_eq!(k["status"], "active");
    assert_eq!(k["addresses"][0], addr);
    assert!(k["created"].as_str().unwrap().starts_with("20"));
    // A public key or garbage is refused.
    assert_eq!(error_kind(&h.run(&["keys", "import", p(&fixture("key.pub")), "--json"])), "invalid_key_file");
    // Export public: the SPKI PEM the iexec CLI pushes, named after the address.
    let out = h.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    let v =
        h.json(&["keys", "export-public", &fp[..12], "--output", p(&out.join(format!("{addr}_key.pub"))), "--json"]);
    let exported = std::fs::read_to_string(v["file"].as_str().unwrap()).unwrap();
    let reference =
        Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(fixture("expected_key")).output().unwrap().stdout;
    assert_eq!(exported.as_bytes(), &reference[..]);
    // Export private: PKCS#8 PEM of the same key; no overwrite without --force.
    let priv_path = out.join(format!("{addr}_key"));
    h.json(&["keys", "export-private", &fp, "--output", p(&priv_path), "--json"]);
    assert!(std::fs::read_to_string(&priv_path).unwrap().starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(openssl_fingerprint(&priv_path), fp);
    assert_eq!(
        error_kind(&h.run(&["keys", "export-private", &fp, "--output", p(&priv_path), "--json"])),
        "output_exists"
    );
    // decrypt without --key uses the ring.
    let v = h.json(&["decrypt", p(&fixture("encryptedResults.zip")), "--output", p(&h.path().join("r.zip")), "--json"]);
    assert_eq!(v["key_fingerprint"], fp.as_str());
    // A retired key still decrypts.
    assert_eq!(h.json(&["keys", "retire", &fp, "--json"])["status"], "retired");
    h.json(&["decrypt", p(&fixture("encryptedResults.zip")), "--output", p(&h.path().join("r2.zip")), "--json"]);
    // The ring's error lists the fingerprints tried.
    let o = h.run(&[
        "decrypt",
        p(&fixture("legacyEncryptedResults.zip")),
        "--output",
        p(&h.path().join("r3.zip")),
        "--json",
    ]);
    assert_eq!(error_kind(&o), "no_matching_key");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("C13F 84C1"));
    // Rename.
    assert_eq!(h.json(&["keys", "rename", &fp, "Beneficiary 2024", "--json"])["label"], "Beneficiary 2024");
    // An unknown fingerprint.
    assert_eq!(error_kind(&h.run(&["keys", "retire", "deadbeefdeadbeef", "--json"])), "key_not_found");
}

#[test]
fn generate_then_backup_verify_wipe_and_restore() {
    let h = Home::new();
    let g = h.json(&["keys", "generate", "--label", "Laptop", "--json"]);
    let fp = g["key"]["fingerprint"].as_str().unwrap().to_owned();
    assert_eq!(g["key"]["source"], "generated");
    h.json(&["keys", "import", p(&fixture("expected_key")), "--json"]);
    // Deleting a key that no verified kit holds is refused.
    assert_eq!(error_kind(&h.run(&["keys", "delete", &fp, "--json"])), "backup_required");
    let kit = h.path().join("kit.age");
    let b = h.json(&["keys", "backup", "--output", p(&kit), "--json"]);
    let phrase = b["phrase"].as_str().unwrap().to_owned();
    assert_eq!(phrase.split(' ').count(), 24);
    assert_eq!(b["fingerprints"].as_array().unwrap().len(), 2);
    assert_eq!(b["file"], p(&kit));
    // Not verified yet: still not backed up.
    assert_eq!(h.json(&["keys", "list", "--json"])["not_backed_up"].as_array().unwrap().len(), 2);
    let o = h.run_stdin(&["keys", "verify-backup", p(&kit), "--json"], &format!("{phrase}\n"));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    assert_eq!(h.json(&["keys", "list", "--json"])["not_backed_up"].as_array().unwrap().len(), 0);
    // Adding a key makes the kit out of date for that key.
    // (the generated key is backed up; a new one would not be)
    // Wipe the data folder, as a lost laptop would.
    std::fs::remove_dir_all(h.path().join("vault")).unwrap();
    assert_eq!(h.json(&["keys", "list", "--json"])["keys"].as_array().unwrap().len(), 0);
    // Restore: wrong words of a valid phrase -> another kit; an unknown word -> its position;
    // a bad checksum -> invalid; the right words -> restored.
    let other = "abandon ".repeat(23) + "art";
    assert_eq!(error_kind(&h.run_stdin(&["keys", "restore", p(&kit), "--json"], &other)), "phrase_for_another_kit");
    let mut words: Vec<&str> = phrase.split(' ').collect();
    words[4] = "notaword";
    let o = h.run_stdin(&["keys", "restore", p(&kit), "--json"], &words.join(" "));
    assert_eq!(error_kind(&o), "invalid_phrase");
    assert!(String::from_utf8_lossy(&o.stdout).contains("Word 5"));
    let mut words: Vec<&str> = phrase.split(' ').collect();
    words.swap(0, 1);
    if words[0] != words[1] {
        assert_eq!(
            error_kind(&h.run_stdin(&["keys", "restore", p(&kit), "--json"], &words.join(" "))),
            "invalid_phrase"
        );
    }
    let o = h.run_stdin(&["keys", "restore", p(&kit), "--json"], &format!("  {}  \n", phrase.to_uppercase()));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["added"].as_array().unwrap().len(), 2);
    let list = h.json(&["keys", "list", "--json"]);
    assert!(list["keys"].as_array().unwrap().iter().any(|k| k["fingerprint"] == fp.as_str()));
    assert!(list["keys"].as_array().unwrap().iter().any(|k| k["label"] == "Laptop"));
    // Restoring again adds nothing and loses nothing.
    let o = h.run_stdin(&["keys", "restore", p(&kit), "--json"], &phrase);
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["added"].as_array().unwrap().len(), 0);
    assert_eq!(r["already_present"].as_array().unwrap().len(), 2);
    // The restored key decrypts the SDK fixture.
    h.json(&["decrypt", p(&fixture("encryptedResults.zip")), "--output", p(&h.path().join("r.zip")), "--json"]);
    // Now backed up by a verified kit: deletion is allowed.
    h.json(&["keys", "delete", &fp, "--json"]);
}

/// Runs `age -d` (Debian's age) on a kit, typing the phrase at its terminal prompt through a
/// pseudo-terminal, as a person without Result Vault would.
fn age_decrypt(kit: &Path, phrase: &str, out: &Path) -> bool {
    let script = r#"
import os, pty, sys, time
kit, out, phrase = sys.argv[1], sys.argv[2], sys.argv[3]
pid, fd = pty.fork()
if pid == 0:
    os.execvp("age", ["age", "-d", "-o", out, kit])
buf = b""
deadline = time.time() + 60
while b"passphrase" not in buf.lower() and time.time() < deadline:
    try:
        buf += os.read(fd, 1024)
    except OSError:
        break
os.write(fd, phrase.encode() + b"\r")
while True:
    try:
        if not os.read(fd, 1024):
            break
    except OSError:
        break
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    Command::new("/usr/bin/python3").args(["-c", script]).arg(kit).arg(out).arg(phrase).status().unwrap().success()
}

#[test]
fn a_kit_opens_with_stock_age_and_holds_iexec_named_pem_files() {
    let h = Home::new();
    let folder = h.path().join("beneficiary");
    std::fs::create_dir(&folder).unwrap();
    let addr = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";
    std::fs::copy(fixture("expected_key"), folder.join(format!("{addr}_key"))).unwrap();
    h.json(&["keys", "import", p(&folder), "--json"]);
    let kit = h.path().join("kit.age");
    let b = h.json(&["keys", "backup", "--output", p(&kit), "--json"]);
    let out = h.path().join("kit.zip");
    assert!(age_decrypt(&kit, b["phrase"].as_str().unwrap(), &out), "age -d failed");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let names: Vec<String> = z.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
    for want in [format!("{addr}_key"), format!("{addr}_key.pub"), "manifest.json".into(), "README.txt".into()] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let extracted = h.path().join(format!("{addr}_key"));
    std::io::copy(&mut z.by_name(&format!("{addr}_key")).unwrap(), &mut std::fs::File::create(&extracted).unwrap())
        .unwrap();
    assert_eq!(openssl_fingerprint(&extracted), openssl_fingerprint(&fixture("expected_key")));
    // The wrong words do not open it.
    assert!(!age_decrypt(&kit, &("abandon ".repeat(23) + "art"), &h.path().join("no.zip")));
}

#[test]
fn no_secret_service_is_a_clear_error_not_a_hang() {
    let h = Home::new();
    let started = std::time::Instant::now();
    let o = h
        .cmd()
        .args(["keys", "list", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("RESULT_VAULT_KEYCHAIN_TIMEOUT_SECS", "10")
        .output()
        .unwrap();
    let kind = error_kind(&o);
    assert!(kind == "keychain_unavailable" || kind == "keychain_locked", "{kind}");
    assert!(started.elapsed().as_secs() < 15);
}

#[test]
fn a_passphrase_protected_ring_works_without_the_keychain() {
    let h = Home::new();
    let pw = h.path().join("pw");
    std::fs::write(&pw, "correct horse battery staple\n").unwrap();
    let run = |args: &[&str], pwfile: &Path| {
        h.cmd()
            .args(["--passphrase-file", p(pwfile)])
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .output()
            .unwrap()
    };
    let o = run(&["keys", "import", p(&fixture("expected_key")), "--json"], &pw);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    let o =
        run(&["decrypt", p(&fixture("encryptedResults.zip")), "--output", p(&h.path().join("r.zip")), "--json"], &pw);
    assert_eq!(o.status.code(), Some(0));
    let bad = h.path().join("bad");
    std::fs::write(&bad, "wrong").unwrap();
    assert_eq!(error_kind(&run(&["keys", "list", "--json"], &bad)), "wrong_passphrase");
}

/// SIGKILL at many points of generate, import, retire, backup and restore: the key ring always
/// opens afterwards, with either the old or the new content.
#[test]
fn killing_the_process_at_any_point_leaves_a_readable_key_ring() {
    let h = Home::new();
    h.json(&["keys", "import", p(&fixture("expected_key")), "--json"]);
    let kit = h.path().join("kit.age");
    let phrase = h.json(&["keys", "backup", "--output", p(&kit), "--json"])["phrase"].as_str().unwrap().to_owned();
    let fp = h.json(&["keys", "list", "--json"])["keys"][0]["fingerprint"].as_str().unwrap().to_owned();
    let ops: Vec<(Vec<String>, Option<String>)> = vec![
        (vec!["keys".into(), "import".into(), p(&fixture("legacy_expected_key")).into(), "--json".into()], None),
        (vec!["keys".into(), "import".into(), p(&fixture("unexpected_key")).into(), "--json".into()], None),
        (vec!["keys".into(), "retire".into(), fp.clone(), "--json".into()], None),
        (vec!["keys".into(), "rename".into(), fp.clone(), "renamed".into(), "--json".into()], None),
        (vec!["keys".into(), "verify-backup".into(), p(&kit).into(), "--json".into()], Some(phrase.clone())),
        (vec!["keys".into(), "restore".into(), p(&kit).into(), "--json".into()], Some(phrase.clone())),
        (vec!["keys".into(), "generate".into(), "--json".into()], None),
        (
            vec![
                "keys".into(),
                "backup".into(),
                "--output".into(),
                p(&h.path().join("kit2.age")).into(),
                "--force".into(),
                "--json".into(),
            ],
            None,
        ),
    ];
    let mut kills = 0;
    // The write has 5 steps (half written, synced, previous linked, previous renamed, renamed
    // into place); the process is killed at each of them, for each operation.
    for (args, stdin) in &ops {
        for point in 1..=5u32 {
            let before = h.json(&["keys", "list", "--json"]);
            let mut child = h
                .cmd()
                .args(args)
                .env("RESULT_VAULT_CRASH_TEST_PAUSE_MS", "300")
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            if let Some(s) = stdin {
                let _ = child.stdin.take().unwrap().write_all(format!("{s}\n").as_bytes());
            }
            let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
            let mark = format!("RESULT_VAULT_CRASH_POINT {point}");
            let reached = std::io::BufRead::lines(stderr).map_while(Result::ok).any(|l| l == mark);
            let _ = child.kill(); // SIGKILL, while it pauses right after that step
            let _ = child.wait();
            if reached {
                kills += 1;
            }
            let after = h.json(&["keys", "list", "--json"]);
            let n_before = before["keys"].as_array().unwrap().len();
            let n_after = after["keys"].as_array().unwrap().len();
            assert!(
                n_after == n_before || n_after == n_before + 1,
                "{args:?} at {point}: keys {n_before} -> {n_after}"
            );
        }
    }
    // Every operation writes the ring (the first write of a fresh ring has 3 steps, later ones 5).
    assert!(kills >= 36, "{kills} kills landed");
    // No temporary file is mistaken for the ring, and the ring still decrypts.
    h.json(&["decrypt", p(&fixture("encryptedResults.zip")), "--output", p(&h.path().join("r.zip")), "--json"]);
}

/// A locked keychain whose unlock prompt cannot be answered gives `keychain_locked` at once. Run
/// in its own private Secret Service (locking the shared one would disturb the other tests).
#[test]
fn a_locked_keychain_is_keychain_locked() {
    let h = Home::new();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/with-secret-service.sh");
    let inner = r#"
"$RV" keys import "$KEY" --json >/dev/null || exit 90
gdbus call --session --dest org.freedesktop.secrets --object-path /org/freedesktop/secrets \
  --method org.freedesktop.Secret.Service.Lock "['/org/freedesktop/secrets/collection/login']" >/dev/null || exit 91
start=$(date +%s)
"$RV" keys list --json
echo "elapsed=$(( $(date +%s) - start ))"
"#;
    let o = Command::new("bash")
        .arg(&script)
        .args(["bash", "-c", inner])
        .env_remove("RV_IN_SECRET_SESSION")
        .env_remove("DISPLAY")
        .env("RV", env!("CARGO_BIN_EXE_result-vault"))
        .env("KEY", fixture("expected_key"))
        .env("RESULT_VAULT_HOME", h.path().join("vault"))
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"kind\":\"keychain_locked\""), "{out}");
    let elapsed: u64 = out.rsplit("elapsed=").next().unwrap().trim().parse().unwrap();
    assert!(elapsed < 8, "{elapsed}");
}

/// A keychain that never answers (here a bus socket that accepts and stays silent, as a
/// Secret Service stuck on an unlock prompt does) is given up after the timeout: no hang.
#[test]
fn a_keychain_that_never_answers_times_out() {
    let h = Home::new();
    let sock = h.path().join("silent-bus");
    let mut server = Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import socket,sys,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(sys.argv[1]);s.listen(8)\nconns=[]\nwhile True: conns.append(s.accept())",
        ])
        .arg(&sock)
        .spawn()
        .unwrap();
    for _ in 0..50 {
        if sock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let started = std::time::Instant::now();
    let o = h
        .cmd()
        .args(["keys", "list", "--json"])
        .env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", sock.display()))
        .env("RESULT_VAULT_KEYCHAIN_TIMEOUT_SECS", "3")
        .output()
        .unwrap();
    let took = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(error_kind(&o), "keychain_locked");
    assert!(took.as_secs() >= 3 && took.as_secs() < 10, "{took:?}");
}

/// Keys exported by Result Vault work with the reference client: `iexec result decrypt`
/// (npm `iexec` 9.0.1, installed by scripts/setup.sh in tests/interop) opens the SDK fixture with
/// the exported fixture key, and an archive made by openssl for a key generated here with the
/// exported generated key.
#[test]
fn exported_private_keys_work_with_the_iexec_cli() {
    let iexec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/node_modules/.bin/iexec");
    assert!(iexec.exists(), "run scripts/setup.sh: it installs the iexec CLI in tests/interop");
    let h = Home::new();
    h.json(&["keys", "import", p(&fixture("expected_key")), "--json"]);
    let generated = h.json(&["keys", "generate", "--label", "new", "--json"]);
    let gen_fp = generated["key"]["fingerprint"].as_str().unwrap().to_owned();
    let fixture_fp = openssl_fingerprint(&fixture("expected_key"));
    // An archive for the generated key, made by openssl as the enclave does.
    let public = h.path().join("gen.pub");
    h.json(&["keys", "export-public", &gen_fp, "--output", p(&public), "--json"]);
    let archive = h.path().join("for-generated.zip");
    let st = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/make-encrypted-result.sh"))
        .arg(&public)
        .arg("1")
        .arg(&archive)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    for (fp, archive) in [(fixture_fp.as_str(), fixture("encryptedResults.zip")), (gen_fp.as_str(), archive.clone())] {
        let keys = h.path().join(format!("keys-{}", &fp[..8]));
        std::fs::create_dir(&keys).unwrap();
        h.json(&["keys", "export-private", fp, "--output", p(&keys.join("exported_key")), "--json"]);
        let work = h.path().join(format!("work-{}", &fp[..8]));
        std::fs::create_dir(&work).unwrap();
        let o = Command::new(&iexec)
            .args(["result", "decrypt"])
            .arg(&archive)
            .args(["--beneficiary-keystoredir", p(&keys), "--beneficiary-key-file", "exported_key", "--force", "--raw"])
            .current_dir(&work)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "iexec: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        // Same bytes as Result Vault's own decryption.
        let ours = h.path().join(format!("ours-{}.zip", &fp[..8]));
        h.json(&["decrypt", p(&archive), "--output", p(&ours), "--json"]);
        assert_eq!(std::fs::read(work.join("results.zip")).unwrap(), std::fs::read(&ours).unwrap());
    }
}
