//! A terminal progress bar (indicatif) fed by core progress events; a no-op when stderr is not a
//! terminal or `--json` is used.

use indicatif::{ProgressBar, ProgressStyle};
use result_vault_core::progress::{ProgressEvent, Stage};

/// The bar, or nothing.
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar drawn on stderr when `show`.
    pub fn new(show: bool) -> Self {
        if !show {
            return Bar(None);
        }
        let pb = ProgressBar::new(0);
        let style = ProgressStyle::with_template("{msg:12} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        pb.set_style(style);
        Bar(Some(pb))
    }

    /// Shows one event.
    pub fn update(&self, e: ProgressEvent) {
        if let Some(pb) = &self.0 {
            match e.stage {
                Stage::UnwrappingKey => pb.set_message("Unlocking"),
                Stage::Decrypting => {
                    pb.set_message("Decrypting");
                    pb.set_length(e.total);
                    pb.set_position(e.done);
                }
                Stage::Finishing => pb.set_message("Finishing"),
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
