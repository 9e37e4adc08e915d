//! What every subcommand gets: the engine over the data folder, the global options, and the
//! prompts. The key ring is opened once per command, whatever asks for it, so a passphrase is
//! typed at most once; every secret prompt is silent (no echo).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use result_vault_core::vault::ProtectionKind;
use result_vault_engine::vault::CreateWith;
use result_vault_engine::{Engine, EngineDirs, Error, ErrorKind};
use rust_i18n::t;
use zeroize::Zeroizing;

/// The global options and the engine.
pub struct Context {
    /// The engine over `--home` (or the default data folder).
    pub engine: Engine,
    /// `--passphrase-file`.
    pub passphrase_file: Option<PathBuf>,
    /// `--password-file` (wallet keystore password, or a private key for `wallet import-key`).
    pub password_file: Option<PathBuf>,
    /// `--json`: exactly one JSON object on stdout.
    pub json: bool,
}

impl Context {
    /// A context over `home` (default: `$RESULT_VAULT_HOME`, else the app's data folder).
    pub fn new(
        home: Option<PathBuf>,
        passphrase_file: Option<PathBuf>,
        password_file: Option<PathBuf>,
        json: bool,
    ) -> Self {
        let dir = home.unwrap_or_else(result_vault_core::vault::default_data_dir);
        Context { engine: Engine::new(EngineDirs::in_data(dir)), passphrase_file, password_file, json }
    }

    /// Opens (or creates) the key ring, once per command: with the keychain, or the passphrase
    /// when the ring is passphrase-protected (or `--passphrase-file` is given for a new ring).
    pub fn open_vault(&self) -> Result<&Engine, Error> {
        if !self.engine.is_open() {
            self.engine.open_vault(self.create_with(), || self.passphrase())?;
        }
        Ok(&self.engine)
    }

    /// Opens the key ring if there is one (an encrypted result then tries its keys); with none,
    /// nothing is created.
    pub fn open_vault_if_any(&self) -> Result<(), Error> {
        if self.engine.protection()? != ProtectionKind::None {
            self.open_vault()?;
        }
        Ok(())
    }

    /// How a new ring is protected: a passphrase when `--passphrase-file` is given.
    pub fn create_with(&self) -> CreateWith {
        if self.passphrase_file.is_some() {
            CreateWith::Passphrase
        } else {
            CreateWith::Keychain
        }
    }

    /// The key ring's passphrase: from `--passphrase-file`, else a silent terminal prompt.
    pub fn passphrase(&self) -> Result<Zeroizing<String>, Error> {
        read_secret(self.passphrase_file.as_deref(), SecretKind::Passphrase, &t!("keys.prompt_passphrase"))
    }

    /// A wallet keystore's password: from `--password-file`, else a silent terminal prompt.
    pub fn wallet_password(&self) -> Result<Zeroizing<String>, Error> {
        read_secret(self.password_file.as_deref(), SecretKind::WalletPassword, &t!("wallet.prompt_password"))
    }

    /// A wallet's private key: from `--password-file`, else a silent terminal prompt.
    pub fn wallet_private_key(&self) -> Result<Zeroizing<String>, Error> {
        read_secret(self.password_file.as_deref(), SecretKind::WalletKey, &t!("wallet.prompt_private_key"))
    }
}

/// Which secret a prompt asks for (its error without a terminal names the flag to use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// The key ring's passphrase (`--passphrase-file`).
    Passphrase,
    /// A wallet keystore's password (`--password-file`).
    WalletPassword,
    /// A wallet's private key (`--password-file`).
    WalletKey,
}

/// Reads a secret: from `file` (its content without the final line end), else a silent terminal
/// prompt (`prompt`, in the output's language; nothing typed is shown).
///
/// Errors: `io` (the file), `wrong_passphrase` / `wrong_password` (no file and no terminal).
pub fn read_secret(file: Option<&Path>, kind: SecretKind, prompt: &str) -> Result<Zeroizing<String>, Error> {
    if let Some(f) = file {
        let s = Zeroizing::new(std::fs::read_to_string(f).map_err(|e| Error::io("read", f, &e))?);
        return Ok(Zeroizing::new(s.trim_end_matches(['\r', '\n']).to_owned()));
    }
    if !std::io::stdin().is_terminal() {
        return Err(match kind {
            SecretKind::Passphrase => Error::new(
                ErrorKind::WrongPassphrase,
                "This key ring is protected by a passphrase, and no terminal is there to type it.",
                "Give it with --passphrase-file FILE.",
            ),
            SecretKind::WalletPassword => Error::new(
                ErrorKind::WrongPassword,
                "Wallet keystore password is needed, and no terminal is there to type it.",
                "Give it with --password-file FILE.",
            ),
            SecretKind::WalletKey => Error::new(
                ErrorKind::WrongPassword,
                "Private key (64 hex digits) is needed, and no terminal is there to type it.",
                "Give it with --password-file FILE.",
            ),
        });
    }
    rpassword::prompt_password(prompt).map(Zeroizing::new).map_err(|e| Error::io("read", Path::new("the terminal"), &e))
}

/// Reads the 24 recovery words: at a terminal, a silent prompt (the words are a secret);
/// otherwise one line of standard input (scripts).
pub fn read_phrase() -> Result<Zeroizing<String>, Error> {
    if std::io::stdin().is_terminal() {
        let _ = std::io::stderr().flush();
        return rpassword::prompt_password(t!("keys.prompt_phrase").as_ref())
            .map(Zeroizing::new)
            .map_err(|e| Error::io("read", Path::new("the terminal"), &e));
    }
    let mut s = Zeroizing::new(String::new());
    std::io::stdin().lock().read_line(&mut s).map_err(|e| Error::io("read", Path::new("stdin"), &e))?;
    Ok(s)
}
