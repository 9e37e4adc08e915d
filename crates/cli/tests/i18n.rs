//! The human output in English and French (`locales/*.yml`, rust-i18n): both files hold the same
//! keys, every `t!` key exists, no human-output macro prints a hard-coded sentence, the language is
//! chosen by `--lang`, `RESULT_VAULT_LANG`, then the system's locale, and `--json` never changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use regex::Regex;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    std::env::var("RESULT_VAULT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|_| crate_dir().join("../../tests/fixtures/iexec-sdk"))
        .join(name)
}

/// The flattened `key -> text` of one locale file (nested maps joined with dots, like rust-i18n).
fn locale(lang: &str) -> BTreeMap<String, String> {
    let path = crate_dir().join("locales").join(format!("{lang}.yml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = BTreeMap::new();
    flatten("", &doc, &mut out, &path);
    out.remove("_version");
    out
}

fn flatten(prefix: &str, v: &serde_yaml::Value, out: &mut BTreeMap<String, String>, path: &Path) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                let k = k.as_str().unwrap_or_else(|| panic!("{}: a key that is not a string", path.display()));
                let key = if prefix.is_empty() { k.to_owned() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out, path);
            }
        }
        serde_yaml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        serde_yaml::Value::Number(n) => {
            out.insert(prefix.to_owned(), n.to_string());
        }
        other => panic!("{}: {prefix} is not a text: {other:?}", path.display()),
    }
}

/// `(file, contents)` of every `.rs` file under `src/`.
fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&crate_dir().join("src"), &mut out);
    assert!(out.len() >= 5, "sources not found");
    out
}

fn placeholders(text: &str) -> Vec<String> {
    let re = Regex::new(r"%\{(\w+)\}").unwrap();
    let mut v: Vec<String> = re.captures_iter(text).map(|c| c[1].to_owned()).collect();
    v.sort();
    v.dedup();
    v
}

#[test]
fn english_and_french_have_the_same_keys_and_placeholders() {
    let en = locale("en");
    let fr = locale("fr");
    assert!(en.len() > 50, "en.yml looks empty: {} keys", en.len());
    let only_en: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
    let only_fr: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "missing in fr.yml: {only_en:?}");
    assert!(only_fr.is_empty(), "missing in en.yml (or extra in fr.yml): {only_fr:?}");
    for (k, e) in &en {
        assert!(!e.trim().is_empty() && !fr[k].trim().is_empty(), "{k}: empty text");
        assert_eq!(placeholders(e), placeholders(&fr[k]), "{k}: not the same %{{…}} placeholders");
    }
}

#[test]
fn every_t_key_used_in_the_sources_exists_in_both_languages_and_every_key_is_used() {
    let en = locale("en");
    let fr = locale("fr");
    let re = Regex::new(r#"\bt!\(\s*"([^"]+)""#).unwrap();
    let any_t = Regex::new(r"\bt!\(").unwrap();
    let mut used = std::collections::BTreeSet::new();
    for (file, text) in sources() {
        let literal = re.captures_iter(&text).count();
        assert_eq!(
            any_t.find_iter(&text).count(),
            literal,
            "{}: every t! must name its key as a string literal (so that it can be checked)",
            file.display()
        );
        for c in re.captures_iter(&text) {
            let key = c[1].to_owned();
            assert!(en.contains_key(&key), "{}: t!(\"{key}\") is not in en.yml", file.display());
            assert!(fr.contains_key(&key), "{}: t!(\"{key}\") is not in fr.yml", file.display());
            used.insert(key);
        }
    }
    let unused: Vec<_> = en.keys().filter(|k| !used.contains(*k)).collect();
    assert!(unused.is_empty(), "keys used nowhere in src/: {unused:?}");
}

/// Whether a format string (its source text, between the quotes) holds words: what is left once
/// `{…}` placeholders, escapes (`\n`, `\x1b[K`…) and `{{`/`}}` are removed has a letter.
fn has_words(fmt: &str) -> bool {
    let stripped = Regex::new(r"\{\{|\}\}").unwrap().replace_all(fmt, "");
    let stripped = Regex::new(r"\{[A-Za-z0-9_]*(:[^{}]*)?\}").unwrap().replace_all(&stripped, "");
    let stripped = Regex::new(r"\\x1b\[[0-9;]*[A-Za-z]").unwrap().replace_all(&stripped, "");
    let stripped = Regex::new(r"\\(x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]+\}|.)").unwrap().replace_all(&stripped, "");
    stripped.chars().any(char::is_alphabetic)
}

#[test]
fn the_sentence_detector_itself() {
    for ok in
        ["{}", "{h}  ({})", "  {:>12}  {}", "{:>2}. {:<10}{}", "\\r\\x1b[K{}", "{}\\n{}", "\\n{}", "{x:<width$} {}"]
    {
        assert!(!has_words(ok), "{ok}");
    }
    for bad in ["Error: {}", "{} task(s)", "\\rChecking…", "found: {}", "Déchiffré {}", "{{literal}}"] {
        assert!(has_words(bad), "{bad}");
    }
}

#[test]
fn no_human_output_macro_prints_a_hard_coded_sentence() {
    // print!, println!, eprint!, eprintln! (and the progress bar's set_message, the prompts,
    // rotate's `say`) with a string literal first: only placeholders and punctuation are allowed.
    let re = Regex::new(
        r#"\b(e?print(?:ln)?!|set_message|prompt_password|say)\s*\(\s*(?:&\s*)?(?:r#*)?"((?:[^"\\]|\\.)*)""#,
    )
    .unwrap();
    let mut found = Vec::new();
    let mut seen = 0;
    for (file, text) in sources() {
        for c in re.captures_iter(&text) {
            seen += 1;
            if has_words(&c[2]) {
                let line = text[..c.get(0).unwrap().start()].lines().count() + 1;
                found.push(format!("{}:{line}: {}(\"{}\")", file.display(), &c[1], &c[2]));
            }
        }
    }
    assert!(seen > 20, "the scan found only {seen} output macros: is it broken?");
    assert!(
        found.is_empty(),
        "hard-coded text in human output (put it in locales/*.yml, use t!):\n{}",
        found.join("\n")
    );
}

/// Runs the binary with only the given language variables (the others removed).
fn run_env(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_result-vault"));
    for v in ["RESULT_VAULT_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"] {
        c.env_remove(v);
    }
    c.envs(vars.iter().copied());
    c.args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn p(x: &Path) -> &str {
    x.to_str().unwrap()
}

#[test]
fn inspect_speaks_french_with_result_vault_lang_or_the_system_locale() {
    let archive = fixture("encryptedResults.zip");
    let args = ["inspect", p(&archive)];
    let english = run_env(&args, &[]);
    assert_eq!(english.status.code(), Some(0), "{}", stderr(&english));
    let en = stdout(&english);
    assert!(
        en.contains("is an encrypted iExec result (RSA + AES-256-CBC).")
            && en.contains("Encrypted for an RSA-4096 key."),
        "{en}"
    );
    for vars in [
        &[("RESULT_VAULT_LANG", "fr")][..],
        &[("LANG", "fr_FR.UTF-8")][..],
        &[("LC_MESSAGES", "fr_FR.UTF-8"), ("LANG", "en_US.UTF-8")][..],
        &[("LC_ALL", "fr_BE.UTF-8"), ("LANG", "C.UTF-8")][..],
        &[("RESULT_VAULT_LANG", "fr"), ("LANG", "en_US.UTF-8")][..],
    ] {
        let o = run_env(&args, vars);
        assert_eq!(o.status.code(), Some(0), "{vars:?}: {}", stderr(&o));
        let fr = stdout(&o);
        assert!(
            fr.contains("est un résultat iExec chiffré (RSA + AES-256-CBC).")
                && fr.contains("Chiffré pour une clé RSA-4096."),
            "{vars:?}: {fr}"
        );
        // Sizes in French units and decimals; the same lines otherwise.
        assert_eq!(fr.lines().count(), en.lines().count(), "{vars:?}");
        assert!(!fr.contains("is an encrypted"), "{vars:?}: {fr}");
    }
    // English: C, unset, another language, or RESULT_VAULT_LANG=en over a French system, or --lang.
    for (vars, extra) in [
        (&[("LANG", "C.UTF-8")][..], None),
        (&[("LANG", "de_DE.UTF-8")][..], None),
        (&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")][..], None),
        (&[("RESULT_VAULT_LANG", "en"), ("LANG", "fr_FR.UTF-8")][..], None),
        (&[("RESULT_VAULT_LANG", "fr")][..], Some("en")),
    ] {
        let mut a = args.to_vec();
        if let Some(l) = extra {
            a.extend(["--lang", l]);
        }
        let o = run_env(&a, vars);
        assert_eq!(stdout(&o), en, "{vars:?} {extra:?}");
    }
    // --lang fr over an English system.
    let o = run_env(&["--lang", "fr", "inspect", p(&archive)], &[("LANG", "en_US.UTF-8")]);
    assert!(stdout(&o).contains("est un résultat iExec chiffré"), "{}", stdout(&o));
    // A language that is not offered is bad usage.
    assert_eq!(run_env(&["--lang", "de", "inspect", p(&archive)], &[]).status.code(), Some(2));
}

#[test]
fn decrypt_sizes_and_messages_in_french() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.zip");
    let o = run_env(
        &["decrypt", p(&fixture("encryptedResults.zip")), "--key", p(&fixture("expected_key")), "--output", p(&out)],
        &[("RESULT_VAULT_LANG", "fr")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("Déchiffré avec la clé") && s.contains("Écrit : "), "{s}");
    assert!(s.contains(" o  ") || s.contains(" Kio  "), "French size units: {s}");
}

#[test]
fn errors_speak_french_with_the_core_message_as_english_details() {
    let dir = tempfile::tempdir().unwrap();
    let (archive, key, out) = (fixture("encryptedResults.zip"), fixture("unexpected_key"), dir.path().join("x.zip"));
    let args = ["decrypt", p(&archive), "--key", p(&key), "--output", p(&out)];
    let en = run_env(&args, &[("LANG", "C.UTF-8")]);
    let fr = run_env(&args, &[("RESULT_VAULT_LANG", "fr")]);
    assert_eq!((en.status.code(), fr.status.code()), (Some(1), Some(1)));
    let (en, fr) = (stderr(&en), stderr(&fr));
    // English: the core's own message and hint, specific to the case.
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(lines.len(), 2, "{en}");
    let message = lines[0].strip_prefix("Error: ").expect("Error: first");
    let hint = lines[1].strip_prefix("What to do: ").expect("What to do: second");
    assert!(message.contains("None of your keys can open this result"), "{en}");
    // French: the kind's title and hint in French, then the core's message as English details.
    let lines: Vec<&str> = fr.lines().collect();
    assert_eq!(
        lines,
        [
            "Erreur : Aucune de vos clés ne peut ouvrir ce résultat.",
            "Que faire : Ajoutez la clé du bénéficiaire de cette tâche.",
            &format!("Détail (en anglais) : {message}"),
        ],
        "{fr}"
    );
    assert!(!fr.contains(hint), "no English hint in French: {fr}");
    // Another kind, another title: not_a_result for a key file given as the archive.
    let o = run_env(&["decrypt", p(&key), "--key", p(&key), "--output", p(&out)], &[("RESULT_VAULT_LANG", "fr")]);
    assert_eq!(o.status.code(), Some(1));
    let fr = stderr(&o);
    assert!(fr.starts_with("Erreur : ") && !fr.starts_with("Erreur : Aucune de vos clés"), "{fr}");
    assert!(fr.contains("\nQue faire : ") && fr.contains("\nDétail (en anglais) : "), "{fr}");
}

#[test]
fn json_output_is_identical_in_every_language() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let langs: [&[(&str, &str)]; 4] =
        [&[], &[("RESULT_VAULT_LANG", "fr")], &[("LANG", "fr_FR.UTF-8")], &[("RESULT_VAULT_LANG", "en")]];
    let cases: Vec<Vec<String>> = vec![
        vec!["inspect".into(), p(&fixture("encryptedResults.zip")).into(), "--json".into()],
        vec!["inspect".into(), p(&fixture("legacyEncryptedResults.zip")).into(), "--json".into()],
        vec!["inspect".into(), p(&fixture("expected_key")).into(), "--json".into()],
        vec![
            "decrypt".into(),
            p(&fixture("encryptedResults.zip")).into(),
            "--key".into(),
            p(&fixture("unexpected_key")).into(),
            "--output".into(),
            p(&dir.path().join("x.zip")).into(),
            "--json".into(),
        ],
        vec![
            "digest".into(),
            p(&fixture("encryptedResults.zip")).into(),
            "--key".into(),
            p(&fixture("expected_key")).into(),
            "--json".into(),
        ],
        // An error made by the command line itself (unknown network), offline.
        vec![
            "--home".into(),
            p(&home).into(),
            "tasks".into(),
            "--network".into(),
            "no-such-network".into(),
            "--beneficiary".into(),
            "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB".into(),
            "--offline".into(),
            "--json".into(),
        ],
    ];
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let outs: Vec<(Option<i32>, String)> = langs
            .iter()
            .map(|vars| {
                let o = run_env(&args, vars);
                (o.status.code(), stdout(&o))
            })
            .collect();
        assert_eq!(outs[0].0.map(|c| c <= 1), Some(true), "{args:?}: {outs:?}");
        let v: serde_json::Value =
            serde_json::from_str(&outs[0].1).unwrap_or_else(|e| panic!("{args:?}: {e}: {outs:?}"));
        assert!(v.is_object());
        for o in &outs[1..] {
            assert_eq!(o, &outs[0], "{args:?}: --json output depends on the language");
        }
        // --lang changes nothing either.
        let mut with_flag = args.clone();
        with_flag.splice(0..0, ["--lang", "fr"]);
        assert_eq!(stdout(&run_env(&with_flag, &[])), outs[0].1, "{args:?} with --lang fr");
    }
}
