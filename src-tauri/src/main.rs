//! Result Vault desktop app entry point.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Some(problem) = result_vault_app::display::missing_display() {
        // One plain sentence instead of GTK's panic (README: "Run it without a screen").
        eprintln!("{problem}");
        std::process::exit(1);
    }
    result_vault_app::run();
}
