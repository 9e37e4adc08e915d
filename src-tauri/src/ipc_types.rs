//! Types that exist only at the IPC boundary (the core's types cross it as they are).

use serde::Serialize;
use ts_rs::TS;

/// Whether a remembered or found key location is a file or a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeyLocationKind {
    /// A single key file.
    File,
    /// A folder like `.secrets/beneficiary` (every `*_key` in it).
    Folder,
}

/// A place where private keys are: a remembered path or one found by convention. Only the path
/// is kept, never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeyLocation {
    /// Absolute path.
    pub path: String,
    /// File or folder.
    pub kind: KeyLocationKind,
    /// How many private keys it holds now.
    pub key_count: u32,
    /// Chosen by the user (can be forgotten), rather than found by convention.
    pub remembered: bool,
}

/// Whether a dragged file looks like a zip (first four bytes), to warn before the drop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DropCheck {
    /// The dragged path.
    pub path: String,
    /// Starts with a zip signature.
    pub looks_like_zip: bool,
}
