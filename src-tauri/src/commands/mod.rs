//! IPC commands, one module per domain.

pub mod archive;
pub mod dialogs;
pub mod files;
pub mod key_paths;
pub mod results;
pub mod tasks;
pub mod vault;
pub mod wallet;
