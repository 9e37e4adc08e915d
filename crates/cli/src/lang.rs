//! The language of the human output (never of `--json`, which stays English: it is a contract).
//!
//! Chosen once at start, first match wins: the `--lang en|fr` flag; `RESULT_VAULT_LANG` (`en` or
//! `fr`; another value is ignored); the system's, from the first non-empty of `LC_ALL`,
//! `LC_MESSAGES` and `LANG` (as POSIX orders them), French when it starts with `fr`; else English.

use clap::ValueEnum;

/// A language of the human output.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// The locale code of `locales/<code>.yml`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// `en`, `fr`, or a tag starting with one of them (`fr_FR.UTF-8`, `en-GB`).
    fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("fr") {
            Some(Lang::Fr)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// The language, from the flag and the environment (`var` reads one variable).
pub fn choose(flag: Option<Lang>, var: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(lang) = flag {
        return lang;
    }
    if let Some(lang) = var("RESULT_VAULT_LANG").and_then(|v| Lang::from_tag(&v)) {
        return lang;
    }
    let system = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().filter_map(&var).find(|v| !v.trim().is_empty());
    match system.as_deref().and_then(Lang::from_tag) {
        Some(Lang::Fr) => Lang::Fr,
        _ => Lang::En,
    }
}

/// Sets the language of every `t!` for the rest of the run.
pub fn init(flag: Option<Lang>) {
    rust_i18n::set_locale(choose(flag, |k| std::env::var(k).ok()).code());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn flag_then_own_variable_then_system_then_english() {
        assert_eq!(choose(None, with(&[])), Lang::En);
        assert_eq!(choose(None, with(&[("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(choose(None, with(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(choose(None, with(&[("LANG", "de_DE.UTF-8")])), Lang::En);
        assert_eq!(choose(None, with(&[("LC_MESSAGES", "fr_CA.UTF-8"), ("LANG", "en_US.UTF-8")])), Lang::Fr);
        assert_eq!(choose(None, with(&[("LC_ALL", "C"), ("LANG", "fr_FR.UTF-8")])), Lang::En);
        assert_eq!(choose(None, with(&[("LC_ALL", ""), ("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(choose(None, with(&[("RESULT_VAULT_LANG", "fr"), ("LANG", "en_US.UTF-8")])), Lang::Fr);
        assert_eq!(choose(None, with(&[("RESULT_VAULT_LANG", "en"), ("LC_ALL", "fr_FR.UTF-8")])), Lang::En);
        assert_eq!(choose(None, with(&[("RESULT_VAULT_LANG", "xx"), ("LANG", "fr_FR.UTF-8")])), Lang::Fr);
        assert_eq!(choose(Some(Lang::En), with(&[("RESULT_VAULT_LANG", "fr")])), Lang::En);
        assert_eq!(choose(Some(Lang::Fr), with(&[])), Lang::Fr);
    }
}
