//! Wallet import, SMS check and push, and key rotation, with real parts: keystores made by
//! ethers (npm) and Node's crypto, the stand-in SMS (tests/standins/sms-standin.mjs) that checks
//! signatures by recovering the signer with ethers, the real Secret Service (scripts/test.sh runs
//! the tests inside scripts/with-secret-service.sh), and archives made by openssl.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

use base64::Engine as _;
use serde_json::{json, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("tests/fixtures/iexec-sdk"))
        .join(name)
}

struct Sms {
    child: Child,
    _stdin: Option<ChildStdin>,
    url: String,
    control: String,
}

impl Drop for Sms {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sms {
    fn start() -> Sms {
        let mut child = Command::new("node")
            .arg(repo().join("tests/standins/sms-standin.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let v: Value = serde_json::from_str(&line).unwrap();
        Sms {
            child,
            _stdin: stdin,
            url: v["sms"].as_str().unwrap().into(),
            control: v["control"].as_str().unwrap().into(),
        }
    }
    fn post(&self, path: &str, body: Value) {
        reqwest::blocking::Client::new().post(format!("{}{path}", self.control)).json(&body).send().unwrap();
    }
    fn secret(&self, owner: &str) -> Option<String> {
        let v: Value = reqwest::blocking::get(format!("{}/state", self.control)).unwrap().json().unwrap();
        v["secrets"][owner.to_lowercase()].as_str().map(str::to_owned)
    }
}

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_result-vault"));
        c.env("RESULT_VAULT_HOME", self.dir.path().join("vault"));
        c
    }
    fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).stdin(Stdio::null()).output().unwrap()
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
    fn error_kind(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["error"]["kind"].as_str().unwrap().to_owned()
    }
}

fn p(x: &Path) -> &str {
    x.to_str().unwrap()
}

fn keystores(dir: &Path, password: &str) -> Value {
    let o = Command::new("node")
        .arg(repo().join("tests/interop/scripts/make-keystores.mjs"))
        .args([p(dir), password])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// An archive for `pubkey` made with openssl, as the enclave does.
fn archive_for(pubkey: &Path, out: &Path) {
    let tool = repo().join("scripts/make-encrypted-result.sh");
    let o = Command::new("bash").arg(tool).args([p(pubkey), "1", p(out)]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn wallet_import_sms_push_and_a_rotation_that_resumes() {
    let h = Home { dir: tempfile::tempdir().unwrap() };
    let d = h.dir.path();
    let ks = keystores(&d.join("ks"), "correct horse");
    let address = ks["address"].as_str().unwrap().to_owned();
    let good = d.join("pw");
    std::fs::write(&good, "correct horse\n").unwrap();
    let bad = d.join("bad");
    std::fs::write(&bad, "wrong horse\n").unwrap();
    std::fs::write(d.join("corrupt.json"), r#"{"Crypto": {"cipher": "aes-128-ctr"}}"#).unwrap();

    // A key ring with the SDK's key (the "old" key).
    h.json(&["keys", "import", p(&fixture("expected_key")), "--json"]);
    let old_fp = h.json(&["keys", "list", "--json"])["keys"][0]["fingerprint"].as_str().unwrap().to_owned();

    // Wallets: wrong password, corrupt file, then every kind of file yields the same address.
    let scrypt = d.join("ks/scrypt.json");
    assert_eq!(h.error_kind(&["wallet", "import", p(&scrypt), "--password-file", p(&bad), "--json"]), "wrong_password");
    assert_eq!(
        h.error_kind(&["wallet", "import", p(&d.join("corrupt.json")), "--password-file", p(&good), "--json"]),
        "invalid_wallet"
    );
    // No terminal and no --password-file: a clear error, not a hang.
    assert_eq!(h.error_kind(&["wallet", "import", p(&scrypt), "--json"]), "wrong_password");
    for f in ["scrypt.json", "scrypt-lower.json", "pbkdf2.json", "wallet.json"] {
        let w = h.json(&["wallet", "import", p(&d.join("ks").join(f)), "--password-file", p(&good), "--json"]);
        assert_eq!(w["address"], address.as_str(), "{f}");
        assert_eq!(w["in_ring"], true);
    }
    // The wallet's address names exported key files, as the iexec CLI names them.
    let o = h
        .cmd()
        .args(["keys", "export-public", &old_fp, "--json"])
        .current_dir(d)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["file"].as_str().unwrap().ends_with(&format!("/{address}_key.pub")), "{}", v["file"]);
    assert!(d.join(format!("{address}_key.pub")).is_file());
    let list = h.json(&["wallet", "list", "--json"]);
    assert_eq!(list["wallets"].as_array().unwrap().len(), 1, "the same wallet once");
    // Path-only: the password is asked to sign.
    let w = h.json(&["wallet", "import", p(&scrypt), "--path-only", "--password-file", p(&good), "--json"]);
    assert_eq!(w["in_ring"], false);

    // SMS: absent, push (signature checked by the stand-in with ethers), present.
    let sms = Sms::start();
    let net = ["--network", "local", "--sms-url", sms.url.as_str()];
    let check = |h: &Home| h.json(&[&["sms", "check", "--json"][..], &net[..]].concat());
    assert_eq!(check(&h), json!({ "network": "local", "address": address, "key_set": false }));
    let kind = h.error_kind(&[&["sms", "push", "--json"][..], &net[..]].concat());
    assert_eq!(kind, "wrong_password", "a path-only wallet needs its password");
    // A key no verified recovery kit holds is never pushed, and nothing reaches the SMS.
    let kind = h.error_kind(&[&["sms", "push", "--json", "--password-file", p(&good)][..], &net[..]].concat());
    assert_eq!(kind, "backup_required");
    assert_eq!(check(&h)["key_set"], false, "nothing was pushed");
    let kit = d.join("before-push.age");
    let phrase = h.json(&["keys", "backup", "--output", p(&kit), "--json"])["phrase"].as_str().unwrap().to_owned();
    let o = h.run_stdin(&["keys", "verify-backup", p(&kit), "--json"], &format!("{phrase}\n"));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let pushed = h.json(&[&["sms", "push", "--json", "--password-file", p(&good)][..], &net[..]].concat());
    assert_eq!(pushed["created"], true);
    assert_eq!(check(&h)["key_set"], true);
    let old_pub = d.join("old.pub");
    h.json(&["keys", "export-public", &old_fp, "--output", p(&old_pub), "--json"]);
    let b64 = |f: &Path| base64::engine::general_purpose::STANDARD.encode(std::fs::read(f).unwrap());
    assert_eq!(sms.secret(&address).as_deref(), Some(b64(&old_pub).as_str()), "the SMS holds the active key");
    let journal = &h.json(&["keys", "list", "--json"])["keys"][0]["push_journal"];
    assert_eq!(journal.as_array().unwrap().len(), 1);
    assert_eq!(journal[0]["ok"], true);
    assert_eq!(journal[0]["address"], address.as_str());
    // Back to an in-ring wallet for the rest.
    h.json(&["wallet", "import", p(&d.join("ks/wallet.json")), "--json"]);

    // The SMS's refusals each have their kind.
    sms.post("/mode", json!({ "mode": "error", "status": 401 }));
    let push = [&["sms", "push", "--json"][..], &net[..]].concat();
    // (the check answers 401 too: a refused request)
    assert_eq!(h.error_kind(&push), "network");
    sms.post("/mode", json!({ "mode": "ok" }));

    // Rotation: stops before the push until a verified kit holds the new key; resumes.
    let rotate = [&["keys", "rotate", "--json"][..], &net[..]].concat();
    assert_eq!(h.error_kind(&rotate), "backup_required");
    let keys = h.json(&["keys", "list", "--json"]);
    assert_eq!(keys["keys"].as_array().unwrap().len(), 2, "the new key is generated and kept");
    assert_eq!(sms.secret(&address).as_deref(), Some(b64(&old_pub).as_str()), "nothing pushed before the kit");
    let kit = d.join("kit.age");
    let phrase = h.json(&["keys", "backup", "--output", p(&kit), "--json"])["phrase"].as_str().unwrap().to_owned();
    let o = h.run_stdin(&["keys", "verify-backup", p(&kit), "--json"], &format!("{phrase}\n"));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stdout));
    // The SMS down during the push: an error, and the rotation waits at the push step.
    sms.post("/mode", json!({ "mode": "down" }));
    assert_eq!(h.error_kind(&rotate), "network");
    sms.post("/mode", json!({ "mode": "ok" }));
    let r = h.json(&rotate);
    assert_eq!(r["step"], "done");
    assert_eq!(r["pushed"], json!(["local"]));
    assert_eq!(r["old_fingerprint"], old_fp.as_str());
    let new_fp = r["new_fingerprint"].as_str().unwrap().to_owned();
    let new_pub = d.join("new.pub");
    h.json(&["keys", "export-public", &new_fp, "--output", p(&new_pub), "--json"]);
    assert_eq!(sms.secret(&address).as_deref(), Some(b64(&new_pub).as_str()), "the SMS holds the new key");
    let keys = h.json(&["keys", "list", "--json"]);
    let status =
        |fp: &str| keys["keys"].as_array().unwrap().iter().find(|k| k["fingerprint"] == fp).unwrap()["status"].clone();
    assert_eq!(status(&old_fp), "retired");
    assert_eq!(status(&new_fp), "active");

    // Both an archive made for the old key and one for the new key open with the ring.
    for (pubkey, fp) in [(&old_pub, &old_fp), (&new_pub, &new_fp)] {
        let arch = d.join(format!("{fp}.zip"));
        archive_for(pubkey, &arch);
        let out = d.join(format!("{fp}-out.zip"));
        let v = h.json(&["decrypt", p(&arch), "--output", p(&out), "--json"]);
        assert_eq!(v["status"], "decrypted");
        assert_eq!(v["key_fingerprint"], fp.as_str());
    }
}

#[test]
fn sms_answers_map_to_their_kinds() {
    use result_vault_core::sms::Sms as Client;
    use result_vault_core::wallet::Wallet;
    use result_vault_core::ErrorKind;
    let sms = Sms::start();
    let wallet = Wallet::from_hex("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a").unwrap();
    let pem = std::fs::read_to_string(fixture("expected_key.pub")).unwrap();
    let c = Client::new(&sms.url).unwrap();
    assert_eq!(c.set(&wallet, &pem, false).unwrap_err().kind, ErrorKind::SmsKeyAbsent, "PUT with nothing to update");
    assert_eq!(c.set(&wallet, &pem, true).unwrap().status, 201);
    assert_eq!(c.set(&wallet, &pem, true).unwrap_err().kind, ErrorKind::SmsKeyExists, "POST twice");
    assert_eq!(c.set(&wallet, &pem, false).unwrap().status, 204);
    assert!(c.check(&wallet.address()).unwrap());
    sms.post("/mode", json!({ "mode": "error", "status": 401 }));
    assert_eq!(c.set(&wallet, &pem, false).unwrap_err().kind, ErrorKind::SmsUnauthorized);
    sms.post("/mode", json!({ "mode": "error", "status": 413 }));
    assert_eq!(c.set(&wallet, &pem, false).unwrap_err().kind, ErrorKind::SmsValueTooLarge);
    sms.post("/mode", json!({ "mode": "ok" }));
    // Over 4,096 bytes once encoded: refused before sending.
    let big = "x".repeat(4000);
    assert_eq!(c.set(&wallet, &big, true).unwrap_err().kind, ErrorKind::SmsValueTooLarge);
    // A signature by another wallet for this owner: the stand-in (ethers) refuses it, 401.
    let other = Wallet::from_hex("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6").unwrap();
    let value = result_vault_core::sms::secret_value(&pem);
    let r = reqwest::blocking::Client::new()
        .put(format!("{}/secrets/web2", sms.url))
        .query(&[
            ("ownerAddress", wallet.address().to_checksum(None)),
            ("secretName", result_vault_core::sms::SECRET_NAME.into()),
        ])
        .header("Authorization", result_vault_core::sms::authorization(&other, &value).unwrap())
        .body(value)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    sms.post("/mode", json!({ "mode": "down" }));
    assert_eq!(c.check(&wallet.address()).unwrap_err().kind, ErrorKind::Network);
}
