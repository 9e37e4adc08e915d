//! Native dialogs that Rust opens itself: the file choosers and the confirmations the web view
//! cannot give itself (docs/trust.md, "The window"). A script in the web view can call a
//! command; it cannot click a button of a dialog drawn by the system. So every choice of a path
//! and every step that could hand the user's results to someone else (exporting a private key,
//! writing a recovery kit, pushing a different key to the SMS, changing a network's addresses)
//! passes through here, with words in the user's language that say what will happen.
//!
//! The dialogs block: call them from the blocking pool (`AppState::run_native`), never from the
//! main thread, which draws them.
//!
//! End-to-end builds (cargo feature `e2e`, never in a package) answer from a queue the test fills
//! (`e2e_next_dialog_path`, `e2e_next_confirm`) and record what was asked (`e2e_dialogs_asked`),
//! when the app runs with `RESULT_VAULT_E2E` set.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// What a file dialog is for: its title, filters, and whether it opens or saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PickKind {
    /// Open: a result archive (zip, or any file: IPFS downloads come without extension).
    Archive,
    /// Open: a private key file.
    KeyFile,
    /// Open: a `.secrets/beneficiary` folder.
    KeyFolder,
    /// Open: a recovery kit (`.age`).
    Kit,
    /// Open: a wallet keystore (`.json`).
    Keystore,
    /// Save: a recovery kit.
    SaveKit,
    /// Save: a public key.
    SavePublicKey,
    /// Save: a private key.
    SavePrivateKey,
}

impl PickKind {
    /// Whether the dialog chooses a file to write.
    pub fn saves(self) -> bool {
        matches!(self, PickKind::SaveKit | PickKind::SavePublicKey | PickKind::SavePrivateKey)
    }
}

/// A confirmation: what the system dialog shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The dialog's title.
    pub title: String,
    /// What will happen, in full (names, paths, networks).
    pub message: String,
    /// The button that goes ahead ("Export", "Push"...); the other one cancels.
    pub ok: String,
}

/// The user's language for native dialogs: French when the window says so, else English.
#[derive(Debug, Default)]
pub struct Native {
    french: AtomicBool,
    #[cfg(feature = "e2e")]
    e2e: std::sync::Mutex<E2eAnswers>,
}

/// The answers an end-to-end test gave in advance, and what was asked.
#[cfg(feature = "e2e")]
#[derive(Debug, Default)]
pub struct E2eAnswers {
    /// Paths the next file dialogs return (none left: the dialog is cancelled).
    pub paths: std::collections::VecDeque<PathBuf>,
    /// Answers of the next confirmations (none left: yes).
    pub confirms: std::collections::VecDeque<bool>,
    /// Every confirmation asked, as "title: message".
    pub asked: Vec<String>,
}

impl Native {
    /// Sets the language of the next dialogs (`fr…` is French; anything else English).
    pub fn set_language(&self, tag: &str) {
        self.french.store(tag.to_ascii_lowercase().starts_with("fr"), Ordering::Relaxed);
    }

    /// Whether dialogs speak French.
    pub fn french(&self) -> bool {
        self.french.load(Ordering::Relaxed)
    }

    /// Picks `en` or `fr`.
    pub fn text(&self, en: &str, fr: &str) -> String {
        if self.french() { fr } else { en }.to_owned()
    }

    #[cfg(feature = "e2e")]
    fn hooks(&self) -> Option<std::sync::MutexGuard<'_, E2eAnswers>> {
        std::env::var_os("RESULT_VAULT_E2E").map(|_| self.e2e.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The end-to-end answers (e2e builds only).
    #[cfg(feature = "e2e")]
    pub fn e2e(&self) -> std::sync::MutexGuard<'_, E2eAnswers> {
        self.e2e.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shows the file dialog for `kind` (blocking); `None` when the user closes it.
    pub fn pick(&self, app: &AppHandle, kind: PickKind, default_name: Option<&str>) -> Option<PathBuf> {
        #[cfg(feature = "e2e")]
        if let Some(mut h) = self.hooks() {
            return h.paths.pop_front();
        }
        let t = |en: &str, fr: &str| self.text(en, fr);
        let all = t("All files", "Tous les fichiers");
        let d = app.dialog().file();
        let d = match kind {
            PickKind::Archive => d
                .set_title(t("Choose a result archive", "Choisir une archive de résultat"))
                .add_filter(t("Result archives (.zip)", "Archives de résultat (.zip)"), &["zip", "ZIP"])
                .add_filter(all, &["*"]),
            PickKind::KeyFile => d.set_title(t("Choose a private key file", "Choisir un fichier de clé privée")),
            PickKind::KeyFolder => d.set_title(t("Choose a key folder", "Choisir un dossier de clés")),
            PickKind::Kit => d
                .set_title(t("Choose your recovery kit file", "Choisir votre kit de récupération"))
                .add_filter(t("Recovery kits (.age)", "Kits de récupération (.age)"), &["age"])
                .add_filter(all, &["*"]),
            // Keystores of ~/.ethereum/keystore have no extension: every file is offered first.
            PickKind::Keystore => d
                .set_title(t("Choose your wallet keystore file", "Choisir le fichier keystore du portefeuille"))
                .add_filter(all, &["*"])
                .add_filter(t("Keystores (.json)", "Keystores (.json)"), &["json", "JSON"]),
            PickKind::SaveKit => d
                .set_title(t("Save the recovery kit", "Enregistrer le kit de récupération"))
                .add_filter(t("Recovery kits (.age)", "Kits de récupération (.age)"), &["age"]),
            PickKind::SavePublicKey => d.set_title(t("Save the public key", "Enregistrer la clé publique")),
            PickKind::SavePrivateKey => d.set_title(t("Save the private key", "Enregistrer la clé privée")),
        };
        let d = match default_name {
            Some(n) if kind.saves() => d.set_file_name(n),
            _ => d,
        };
        let chosen = match kind {
            PickKind::KeyFolder => d.blocking_pick_folder(),
            k if k.saves() => d.blocking_save_file(),
            _ => d.blocking_pick_file(),
        };
        chosen.and_then(|p| p.into_path().ok())
    }

    /// Asks `c` in a system dialog (blocking); true only when the user chose its `ok` button.
    pub fn confirm(&self, app: &AppHandle, c: &Confirm) -> bool {
        #[cfg(feature = "e2e")]
        if let Some(mut h) = self.hooks() {
            h.asked.push(format!("{}: {}", c.title, c.message));
            return h.confirms.pop_front().unwrap_or(true);
        }
        app.dialog()
            .message(c.message.clone())
            .title(c.title.clone())
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(c.ok.clone(), self.text("Cancel", "Annuler")))
            .blocking_show()
    }
}
