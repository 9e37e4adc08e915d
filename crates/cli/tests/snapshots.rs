//! What the command line prints for every error kind, in English and in French, fixed by snapshots
//! (like rage's tests):
//!
//! - `cli_errors`: trycmd runs the real `result-vault` over `tests/cmd/<kind>.trycmd` (a sandbox
//!   copied from `<kind>.in/`, a fresh data folder `--home home`, passphrase-protected key rings
//!   only: the keychain is never involved, no network service is needed) and compares standard
//!   error (human) and standard output (`--json`), exit code 1, in both languages. The cases that
//!   read a recovery phrase on standard input are one-shot `tests/cmd/<kind>.<lang>[-json].toml`
//!   over `tests/cmd/restore.in/`. The damaged archives are made by `tests/cmd/make-archives.sh`.
//! - `human_error_of_every_kind`: `error_text::human_error` of one error of every kind of
//!   `ErrorKind::ALL`, in each language (insta, `tests/cmd/human_error/*.snap`): the kinds the
//!   command line cannot reach here (keychain, network services, cancel, bugs) are fixed there.
//! - `every_kind_has_its_snapshots`: every kind is either covered end to end by a case in each
//!   language and form, or listed as reached only by the unit snapshot; a new kind does not
//!   compile here until it is placed in [`coverage`].
//!
//! After an intended change of the output, rewrite the snapshots and review the diff:
//! `TRYCMD=overwrite INSTA_UPDATE=always cargo test -p result-vault-cli --test snapshots`.

use std::path::{Path, PathBuf};

use result_vault_core::{Error, ErrorKind};

#[path = "../src/error_text.rs"]
#[allow(dead_code)]
mod error_text;

rust_i18n::i18n!("locales", fallback = "en");

fn cmd_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd")
}

#[test]
fn cli_errors() {
    trycmd::TestCases::new()
        .register_bin("result-vault", trycmd::cargo::cargo_bin!("result-vault"))
        .case("tests/cmd/*.trycmd")
        .case("tests/cmd/*.toml");
}

/// How a kind's output is fixed.
enum Coverage {
    /// By the command line itself: `tests/cmd/<kind>.trycmd`, or `tests/cmd/<kind>.*.toml`.
    EndToEnd,
    /// Only by the unit snapshot of `human_error`, for this error (the core's own words).
    Unit(Error),
}

const ADDRESS: &str = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";

/// Where each kind is covered. Exhaustive on purpose: a new kind does not compile until it is
/// given a place here (and then `every_kind_has_its_snapshots` checks its cases or snapshot).
fn coverage(kind: ErrorKind) -> Coverage {
    use Coverage::{EndToEnd, Unit};
    let e = |message: &str, hint: &str| Unit(Error::new(kind, message, hint));
    match kind {
        ErrorKind::NotAResult
        | ErrorKind::IncompleteArchive
        | ErrorKind::InvalidKeyFile
        | ErrorKind::NoMatchingKey
        | ErrorKind::DamagedCiphertext
        | ErrorKind::DamagedContents
        | ErrorKind::UnsafeArchive
        | ErrorKind::OutputExists
        | ErrorKind::Io
        | ErrorKind::KeyringDamaged
        | ErrorKind::WrongPassphrase
        | ErrorKind::KeyNotFound
        | ErrorKind::BackupRequired
        | ErrorKind::InvalidPhrase
        | ErrorKind::PhraseForAnotherKit
        | ErrorKind::InvalidKit
        | ErrorKind::Network
        | ErrorKind::InvalidAddress
        | ErrorKind::TaskNotFound
        | ErrorKind::WrongPassword
        | ErrorKind::InvalidWallet
        | ErrorKind::WalletRequired
        | ErrorKind::KeyringEmpty
        | ErrorKind::UnknownNetwork
        | ErrorKind::InvalidInput => EndToEnd,
        ErrorKind::Cancelled => Unit(Error::cancelled()),
        ErrorKind::KeychainUnavailable => e(
            "The system keychain cannot be reached (the name org.freedesktop.secrets was not provided by any .service files).",
            "On Linux, start a Secret Service (GNOME Keyring or KWallet) and unlock it. Or protect the key ring with a passphrase instead.",
        ),
        ErrorKind::KeychainLocked => e(
            "The system keychain did not answer: it is probably locked and waiting for its password.",
            "Unlock your keychain (your login keyring), then try again. Or protect the key ring with a passphrase instead.",
        ),
        ErrorKind::ChainMismatch => e(
            "The RPC https://rpc.example.org serves chain 1, not chain 134 (Bellecour).",
            "Check the RPC URL: it must be an endpoint of this network. Nothing was saved.",
        ),
        ErrorKind::NoResult => e(
            "No IPFS gateway has this result (https://ipfs-gateway.example.org: HTTP 404).",
            "The result may not be pinned any more, or not yet propagated. Try again later, or add another gateway in Settings.",
        ),
        ErrorKind::SmsUnauthorized => e(
            &format!("The SMS https://sms.example.org refused the signature of {ADDRESS} (HTTP 401)."),
            "The wallet must be the beneficiary's own wallet (the address the key is for). Import that wallet and try again.",
        ),
        ErrorKind::SmsKeyAbsent => e(
            &format!("The SMS https://sms.example.org holds no key for {ADDRESS} to update (HTTP 404)."),
            "Push it as a new key instead (Result Vault does this by itself when it checks first).",
        ),
        ErrorKind::SmsKeyExists => e(
            &format!("The SMS https://sms.example.org already holds a key for {ADDRESS} (HTTP 409)."),
            "Update it instead (replace), after making sure the key there is backed up or no longer needed.",
        ),
        ErrorKind::SmsValueTooLarge => e(
            "The key is 5000 bytes once encoded; the SMS accepts at most 4096 (HTTP 413).",
            "Use an RSA key of 4,096 bits or less (Result Vault generates RSA-4096, which fits).",
        ),
        ErrorKind::KeyringNotOpen => e(
            "The key ring is not open.",
            "Open or unlock the key ring first (restart Result Vault if this persists).",
        ),
        ErrorKind::Busy => e(
            "Another Result Vault (the app or a command) has been changing /home/me/.local/share/result-vault/keyring.lock for more than 10 s.",
            "Wait for the other one to finish (or close it), then try again.",
        ),
        ErrorKind::Internal => Unit(Error::internal("JSON output: an example of a bug.")),
    }
}

/// The error printed for `kind` in the unit snapshot: the core's words for the kinds covered only
/// here; for the others (whose real messages are in `tests/cmd/`), a stand-in message and hint,
/// so that the snapshot still fixes the kind's translated title and hint.
fn sample(kind: ErrorKind) -> Error {
    match coverage(kind) {
        Coverage::Unit(e) => e,
        Coverage::EndToEnd => Error::new(
            kind,
            format!("(the core's message: see tests/cmd/{kind}.*)"),
            format!("(the core's hint: see tests/cmd/{kind}.*)"),
        ),
    }
}

#[test]
fn human_error_of_every_kind() {
    // The only test of this binary that sets the (process-wide) language.
    for lang in ["en", "fr"] {
        rust_i18n::set_locale(lang);
        let mut text = String::new();
        for kind in ErrorKind::ALL {
            text.push_str(&format!("== {kind}\n{}\n\n", error_text::human_error(&sample(kind))));
        }
        insta::with_settings!({ snapshot_path => "cmd/human_error", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("human_error_{lang}"), text);
        });
    }
    rust_i18n::set_locale("en");
}

/// The commands of a `.trycmd` file: (command line, expected status line, expected output).
fn trycmd_steps(text: &str) -> Vec<(String, String, String)> {
    let mut steps: Vec<(String, String, String)> = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
        } else if !in_block {
            continue;
        } else if let Some(cmd) = line.strip_prefix("$ ") {
            steps.push((cmd.to_owned(), "? 0".to_owned(), String::new()));
        } else if let Some(last) = steps.last_mut() {
            if line.starts_with("? ") && last.2.is_empty() {
                last.1 = line.to_owned();
            } else {
                last.2.push_str(line);
                last.2.push('\n');
            }
        }
    }
    steps
}

/// The one-shot `.toml` cases of `kind`: (args, status line, stdout, stderr), read as text.
fn toml_steps(kind: ErrorKind) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(cmd_dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with(&format!("{kind}.")) && name.ends_with(".toml")) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let field = |key: &str| text.lines().find_map(|l| l.strip_prefix(key)).map(str::to_owned).unwrap_or_default();
        let args = field("args = ").trim_matches('"').to_owned();
        let status = if text.contains("status.code = 1") { "? 1" } else { "? other" };
        // The output is everything after `stdout =` / `stderr =` (single- or multi-line strings).
        let output = text.split_once("\nstdout = ").map(|(_, rest)| rest.replace("\\\"", "\"")).unwrap_or_default();
        out.push((args, status.to_owned(), output));
    }
    out
}

#[test]
fn every_kind_has_its_snapshots() {
    let en = std::fs::read_to_string(cmd_dir().join("human_error/human_error_en.snap")).unwrap();
    let fr = std::fs::read_to_string(cmd_dir().join("human_error/human_error_fr.snap")).unwrap();
    let mut end_to_end = 0;
    for kind in ErrorKind::ALL {
        let header = format!("\n== {kind}\n");
        assert!(en.contains(&header) && fr.contains(&header), "{kind}: not in the unit snapshots");
        if let Coverage::Unit(_) = coverage(kind) {
            continue;
        }
        end_to_end += 1;
        let trycmd = cmd_dir().join(format!("{kind}.trycmd"));
        let steps =
            if trycmd.exists() { trycmd_steps(&std::fs::read_to_string(&trycmd).unwrap()) } else { toml_steps(kind) };
        let json = format!("{{\"error\":{{\"kind\":\"{kind}\",");
        for lang in ["en", "fr"] {
            for as_json in [false, true] {
                let found = steps.iter().any(|(cmd, status, output)| {
                    let words: Vec<&str> = cmd.split_whitespace().collect();
                    words.windows(2).any(|w| w == ["--lang", lang])
                        && words.contains(&"--json") == as_json
                        && status == "? 1"
                        && output.contains(&json) == as_json
                });
                assert!(
                    found,
                    "{kind}: no case in tests/cmd/ for --lang {lang}{}",
                    if as_json { " --json" } else { "" }
                );
            }
        }
    }
    assert!(end_to_end >= 20, "only {end_to_end} kinds end to end");
}

#[test]
fn every_case_has_its_own_data_folder_and_a_language() {
    // No case may read the user's data folder (or the system keychain for a new ring), nor
    // depend on the language of the machine that runs it.
    for entry in std::fs::read_dir(cmd_dir()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let commands: Vec<String> = match path.extension().and_then(|e| e.to_str()) {
            Some("trycmd") => trycmd_steps(&text).into_iter().map(|s| s.0).collect(),
            Some("toml") => text.lines().filter_map(|l| l.strip_prefix("args = ")).map(str::to_owned).collect(),
            _ => continue,
        };
        assert!(!commands.is_empty(), "{}: no command", path.display());
        for c in commands {
            assert!(c.contains("--home home") && c.contains("--lang "), "{}: {c}", path.display());
        }
    }
}
