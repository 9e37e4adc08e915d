//! A terminal progress bar (indicatif) fed by core progress events; a no-op when stderr is not a
//! terminal or `--json` is used.

use indicatif::{ProgressBar, ProgressStyle};
use result_vault_core::progress::{ProgressEvent, Stage};
use rust_i18n::t;

/// The bar, or nothing.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar drawn on stderr when `show`.
    pub fn new(show: bool) -> Self {
        if !show {
            return Bar(None);
        }
        let pb = ProgressBar::new(0);
        // The message column fits the longest stage name of the output's language.
        let width = [t!("progress.unlocking"), t!("progress.decrypting"), t!("progress.finishing")]
            .iter()
            .map(|m| m.chars().count())
            .fold(12, usize::max);
        let template = format!("{{msg:{width}}} [{{bar:40}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} {{eta}}");
        let style = ProgressStyle::with_template(&template)
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        pb.set_style(style);
        Bar(Some(pb))
    }

    /// Shows one event.
    pub fn update(&self, e: ProgressEvent) {
        if let Some(pb) = &self.0 {
            match e.stage {
                Stage::UnwrappingKey => pb.set_message(t!("progress.unlocking").into_owned()),
                Stage::Decrypting => {
                    pb.set_message(t!("progress.decrypting").into_owned());
                    pb.set_length(e.total);
                    pb.set_position(e.done);
                }
                Stage::Finishing => pb.set_message(t!("progress.finishing").into_owned()),
            }
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}
