//! IPC commands, one module per domain.

pub mod archive;
pub mod files;
pub mod keys;
pub mod tasks;
pub mod vault;
pub mod wallet;
