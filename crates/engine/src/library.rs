//! The results library and the safe preview (docs/design.md, "Results library").
//!
//! Every result this vault opens (fetched for a task, dropped, or opened by the CLI) is recorded
//! in the task cache's `results` table, so the Results screen shows at once at start. Listing
//! checks whether the files are still there and says so instead of failing. The preview reads a
//! file of a result's folder only (no `..`, no link out of it), up to a size limit, and says
//! what it is: text, Markdown, JSON, CSV or an image (PNG, JPEG, GIF, WebP: never SVG, which
//! can carry scripts); anything else is described, never opened or launched.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use base64::Engine as _;
use result_vault_core::archive::{OpenOutcome, OpenStatus};
use result_vault_core::db::results::{LibraryEntry, ResultRecord, ResultSource};
use result_vault_core::verify::{Verification, VerificationStatus};
use result_vault_core::{Error, ErrorKind};
use serde::Serialize;

use crate::session::Engine;
use crate::Result;

/// Text files are previewed by their first 256 KiB.
pub const TEXT_PREVIEW_BYTES: u64 = 256 * 1024;
/// Images up to 8 MiB are shown; larger ones are described.
pub const IMAGE_PREVIEW_BYTES: u64 = 8 * 1024 * 1024;

/// A result of the library, with what is on disk now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LibraryItem {
    /// The stored facts.
    pub entry: LibraryEntry,
    /// The decrypted files are still where they were written.
    pub output_exists: bool,
    /// The encrypted archive is still there.
    pub archive_exists: bool,
}

/// One file of a result, for the preview's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LibraryFile {
    /// Relative to the result's folder, `/`-separated.
    pub path: String,
    /// Bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// What a preview shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Preview {
    /// Plain text (UTF-8), shown as text.
    Text {
        /// The text (its beginning when `truncated`).
        text: String,
        /// Only the beginning is here.
        truncated: bool,
    },
    /// Markdown, shown as text (never rendered as HTML).
    Markdown {
        /// The text.
        text: String,
        /// Only the beginning is here.
        truncated: bool,
    },
    /// JSON: the whole document when it fits, for a folded tree; else its beginning as text.
    Json {
        /// The document's text.
        text: String,
        /// Only the beginning is here (not parseable as a whole).
        truncated: bool,
    },
    /// CSV: the text, shown as a table with a row limit.
    Csv {
        /// The text.
        text: String,
        /// Only the beginning is here.
        truncated: bool,
    },
    /// An image, as base64 for a `blob:` URL.
    Image {
        /// `image/png`, `image/jpeg`, `image/gif` or `image/webp` (from the file's first bytes).
        mime: String,
        /// The bytes, base64.
        base64: String,
    },
    /// Anything else: described, with "Show in folder".
    Other {
        /// Why it is not shown: `binary`, `svg`, `too_large`, `folder`.
        reason: String,
    },
}

/// A preview and the file's size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FilePreview {
    /// The file, relative to the result's folder.
    pub path: String,
    /// Its size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// What to show.
    pub preview: Preview,
}

fn not_in_library(id: i64) -> Error {
    Error::new(
        ErrorKind::InvalidInput,
        format!("No result {id} in the library."),
        "Reopen the Results screen: the list may have changed.",
    )
}

fn gone(path: &str) -> Error {
    Error::new(
        ErrorKind::Io,
        format!("The files of this result are no longer at {path}: they were moved or deleted outside Result Vault."),
        "Open the result again from its archive, or remove it from the library.",
    )
}

/// The library entry of an opened result. `verification`: from the chain for a task; a file
/// opened on its own is "not verifiable" with the reason.
pub(crate) fn new_entry(
    archive: &Path,
    open: &OpenOutcome,
    source: ResultSource,
    task: Option<(&str, &str, Option<String>)>,
    verification: Option<Verification>,
) -> Option<ResultRecord> {
    let output = open.output.clone()?;
    let verification = verification.unwrap_or_else(|| Verification {
        status: VerificationStatus::Unverifiable,
        expected: None,
        computed: None,
        reason: Some("Opened from a file: no task on chain to compare it with.".to_owned()),
        deterministic_output_path: None,
    });
    Some(ResultRecord {
        opened_at: result_vault_core::tasks::now(),
        source,
        network: task.as_ref().map(|t| t.0.to_owned()),
        task_id: task.as_ref().map(|t| t.1.to_owned()),
        app: task.and_then(|t| t.2),
        archive_path: std::path::absolute(archive).unwrap_or_else(|_| archive.to_path_buf()).display().to_string(),
        output_path: output,
        size: open.files.iter().map(|f| f.size).sum(),
        file_count: open.files.len() as u64,
        encrypted: open.status == OpenStatus::Decrypted,
        key_fingerprint: open.key_fingerprint.clone(),
        key_label: open.key_label.clone(),
        verification,
    })
}

/// `rel` as a path inside `root`: relative, no `..`, and (once resolved) not a link out of it.
fn inside(root: &Path, rel: &str) -> Result<PathBuf> {
    let refuse = || {
        Error::new(
            ErrorKind::InvalidInput,
            format!("\"{}\" is not a file of this result.", rel.escape_debug()),
            "Choose a file from the result's list.",
        )
    };
    let p = Path::new(rel);
    if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(refuse());
    }
    let root = std::fs::canonicalize(root).map_err(|_| gone(&root.display().to_string()))?;
    let full = std::fs::canonicalize(root.join(p)).map_err(|_| refuse())?;
    if !full.starts_with(&root) {
        return Err(refuse());
    }
    Ok(full)
}

/// The image type from the first bytes (PNG, JPEG, GIF, WebP), never from the name.
pub fn sniff_image(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if head.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The preview of the file at `full` (`size` bytes), by its first bytes and its extension.
pub fn preview_file(full: &Path, size: u64) -> Result<Preview> {
    if full.is_dir() {
        return Ok(Preview::Other { reason: "folder".into() });
    }
    let ext = full.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut f = std::fs::File::open(full).map_err(|e| Error::io("read", full, &e))?;
    let mut head = Vec::new();
    (&mut f).take(16).read_to_end(&mut head).map_err(|e| Error::io("read", full, &e))?;
    if let Some(mime) = sniff_image(&head) {
        if size > IMAGE_PREVIEW_BYTES {
            return Ok(Preview::Other { reason: "too_large".into() });
        }
        let mut bytes = head;
        f.read_to_end(&mut bytes).map_err(|e| Error::io("read", full, &e))?;
        return Ok(Preview::Image {
            mime: mime.into(),
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        });
    }
    if ext == "svg" {
        return Ok(Preview::Other { reason: "svg".into() });
    }
    let mut bytes = head;
    (&mut f)
        .take(TEXT_PREVIEW_BYTES.saturating_sub(bytes.len() as u64))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("read", full, &e))?;
    let truncated = size > bytes.len() as u64;
    // A cut in the middle of a character is not binary: drop at most 3 trailing bytes.
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t.to_owned(),
        Err(e) if truncated && e.valid_up_to() + 4 > bytes.len() && e.error_len().is_none() => {
            String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned()
        }
        Err(_) => return Ok(Preview::Other { reason: "binary".into() }),
    };
    if text.contains('\0') {
        return Ok(Preview::Other { reason: "binary".into() });
    }
    Ok(match ext.as_str() {
        "md" | "markdown" => Preview::Markdown { text, truncated },
        "json" => Preview::Json { text, truncated },
        "csv" => Preview::Csv { text, truncated },
        _ => Preview::Text { text, truncated },
    })
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<LibraryFile>, limit: usize) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        if out.len() >= limit {
            return;
        }
        let Ok(ft) = e.file_type() else { continue };
        let p = e.path();
        if ft.is_dir() {
            walk(root, &p, out, limit);
        } else if ft.is_file() {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push(LibraryFile { path: rel, size: e.metadata().map(|m| m.len()).unwrap_or(0) });
        }
    }
}

impl Engine {
    /// Records an opened result in the library (best effort: a cache that cannot be written
    /// does not fail the opening, which already succeeded).
    pub(crate) fn remember_result(&self, entry: Option<ResultRecord>) {
        if let Some(e) = entry {
            if let Err(err) = self.with_db(|db| db.add_result(&e)) {
                log::warn!("the results library could not record a result: {}", err.kind);
            }
        }
    }

    /// The library, newest first (`query`: search in app, task, network, key, paths), with
    /// whether its files are still there.
    ///
    /// Errors: `io` (the database).
    pub fn library(&self, query: Option<&str>) -> Result<Vec<LibraryItem>> {
        let entries = self.with_db(|db| db.results(query))?;
        Ok(entries
            .into_iter()
            .map(|entry| LibraryItem {
                output_exists: Path::new(&entry.record.output_path).exists(),
                archive_exists: Path::new(&entry.record.archive_path).exists(),
                entry,
            })
            .collect())
    }

    /// One result of the library. Errors: `invalid_input` (no such id), `io`.
    pub fn library_entry(&self, id: i64) -> Result<LibraryEntry> {
        self.with_db(|db| db.result(id))?.ok_or_else(|| not_in_library(id))
    }

    /// The files of a result (its folder, at most 2,000), sorted.
    ///
    /// Errors: `invalid_input`, `io` (the files are gone: moved or deleted outside the app).
    pub fn library_files(&self, id: i64) -> Result<Vec<LibraryFile>> {
        let e = self.library_entry(id)?.record;
        let root = PathBuf::from(&e.output_path);
        if !root.is_dir() {
            return Err(gone(&e.output_path));
        }
        let mut out = Vec::new();
        walk(&root, &root, &mut out, 2000);
        Ok(out)
    }

    /// The preview of the file `rel` of result `id`, read from the result's folder only.
    ///
    /// Errors: `invalid_input` (no such result, or a path out of its folder), `io`.
    pub fn preview(&self, id: i64, rel: &str) -> Result<FilePreview> {
        let e = self.library_entry(id)?.record;
        let full = inside(Path::new(&e.output_path), rel)?;
        let size = std::fs::metadata(&full).map_err(|err| Error::io("read", &full, &err))?.len();
        Ok(FilePreview { path: rel.to_owned(), size, preview: preview_file(&full, size)? })
    }

    /// Deletes a result's decrypted files and removes it from the library; the encrypted
    /// archive is deleted too only with `archive` (it can be opened again otherwise). Files
    /// already gone are not an error.
    ///
    /// Errors: `invalid_input`, `io`.
    pub fn delete_result(&self, id: i64, archive: bool) -> Result<()> {
        let e = self.library_entry(id)?.record;
        let out = Path::new(&e.output_path);
        if out.is_dir() {
            std::fs::remove_dir_all(out).map_err(|err| Error::io("delete", out, &err))?;
        } else if out.exists() {
            std::fs::remove_file(out).map_err(|err| Error::io("delete", out, &err))?;
        }
        let a = Path::new(&e.archive_path);
        if archive && a.is_file() {
            std::fs::remove_file(a).map_err(|err| Error::io("delete", a, &err))?;
        }
        log::info!("result {id} deleted from the library (archive too: {archive})");
        self.with_db(|db| db.remove_result(id))
    }

    /// Whether `path` is the output of a result in the library (or inside one).
    pub(crate) fn in_library(&self, path: &Path) -> bool {
        let Ok(items) = self.with_db(|db| db.results(None)) else { return false };
        items.iter().any(|e| std::fs::canonicalize(&e.record.output_path).map(|o| path.starts_with(o)).unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_say_what_a_file_is_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let w = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            let size = bytes.len() as u64;
            preview_file(&p, size).unwrap()
        };
        assert!(matches!(w("a.txt", b"hello"), Preview::Text { text, truncated: false } if text == "hello"));
        assert!(
            matches!(w("r.md", b"# <script>x</script>"), Preview::Markdown { text, .. } if text.contains("<script>"))
        );
        assert!(matches!(w("c.json", b"{\"a\":1}"), Preview::Json { .. }));
        assert!(matches!(w("t.csv", b"a,b\n1,2\n"), Preview::Csv { .. }));
        // An image is an image by its bytes, whatever its name.
        assert!(matches!(w("pic.dat", b"\x89PNG\r\n\x1a\n0000"), Preview::Image { mime, .. } if mime == "image/png"));
        assert!(matches!(w("x.webp", b"RIFF0000WEBPVP8 "), Preview::Image { mime, .. } if mime == "image/webp"));
        // SVG can carry scripts: never shown.
        assert!(matches!(w("logo.svg", b"<svg onload=alert(1)>"), Preview::Other { reason } if reason == "svg"));
        assert!(matches!(w("blob.bin", b"\x00\x01\x02\xff\xfe"), Preview::Other { reason } if reason == "binary"));
        // A large text file: its beginning, said so.
        let big = "é".repeat(TEXT_PREVIEW_BYTES as usize);
        match w("big.txt", big.as_bytes()) {
            Preview::Text { text, truncated } => {
                assert!(truncated);
                assert!(text.len() as u64 <= TEXT_PREVIEW_BYTES);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_preview_stays_inside_the_result_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("result");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/ok.txt"), "ok").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        assert!(inside(&root, "sub/ok.txt").is_ok());
        for bad in ["../secret.txt", "/etc/passwd", "sub/../../secret.txt", "", "./sub/ok.txt"] {
            assert_eq!(inside(&root, bad).unwrap_err().kind, ErrorKind::InvalidInput, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
            assert_eq!(inside(&root, "link.txt").unwrap_err().kind, ErrorKind::InvalidInput);
        }
    }
}
