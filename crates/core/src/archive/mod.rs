//! iExec result archives: the outer zip (docs/design.md 1.4), the AES layer (1.1, 1.2), the inner zip
//! (1.3), safe output, and the end-to-end `open_result`.

pub mod cipher;
#[cfg(unix)]
pub mod deflate;
pub mod inner;
pub mod mark;
pub mod names;
pub mod open;
pub mod outer;
pub mod output;
pub mod unwrap;

pub use inner::Limits;
pub use open::{open_result, EncryptionFormat, OpenOptions, OpenOutcome, OpenStatus, ResultFile};
pub use outer::{inspect, ArchiveEntry, ArchiveInfo, ArchiveLayout};
pub use output::OutputTarget;
