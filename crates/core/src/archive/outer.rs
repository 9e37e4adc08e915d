//! The outer archive: what a file is (docs/design.md 1.4, by content only, never by name) and access
//! to its entries.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde::Serialize;
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use crate::error::{Error, Result};

/// Name of the entry that holds the RSA-wrapped AES key (docs/design.md 1.1).
pub const KEY_ENTRY: &str = "aes-key.rsa";
/// Name of the entry that holds the AES ciphertext of the inner zip (docs/design.md 1.1).
pub const CIPHERTEXT_ENTRY: &str = "iexec_out.zip.aes";
/// Name of the file every iExec result holds at its root (docs/design.md 1.3).
pub const COMPUTED_JSON: &str = "computed.json";
/// Largest `aes-key.rsa` accepted: an RSA-16384 ciphertext in base64 is under 3 KB.
const MAX_KEY_ENTRY_BYTES: u64 = 64 * 1024;

/// Which of the layouts of docs/design.md section 1 a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ArchiveLayout {
    /// Current format (1.1): binary `aes-key.rsa`, IV ‖ AES-256-CBC.
    Encrypted,
    /// Legacy format (1.2): base64 text in both entries, AES-128-ECB.
    LegacyEncrypted,
    /// A plain result zip (1.3): already readable.
    Plain,
}

/// One entry of the outer zip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveEntry {
    /// Name as stored.
    pub path: String,
    /// Uncompressed size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
    /// Compressed size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub compressed_size: u64,
}

/// What `inspect` finds without any key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchiveInfo {
    /// The layout.
    pub layout: ArchiveLayout,
    /// Entries of the outer zip, in stored order.
    pub entries: Vec<ArchiveEntry>,
    /// RSA modulus size in bits, deduced from the length of the wrapped key (encrypted layouts).
    pub rsa_key_bits: Option<u32>,
    /// Size of `iexec_out.zip.aes` in bytes (encrypted layouts).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub ciphertext_size: Option<u64>,
}

/// An opened outer archive and its layout.
pub struct OuterArchive {
    /// The zip.
    pub zip: ZipArchive<BufReader<File>>,
    /// The layout found.
    pub layout: ArchiveLayout,
    /// Raw content of `aes-key.rsa` (encrypted layouts; empty for plain).
    pub wrapped_key: Vec<u8>,
}

impl OuterArchive {
    /// Opens `path` and classifies it.
    ///
    /// Errors: `io` when the file cannot be read; `not_a_result` (empty, not a zip, a zip of
    /// something else, one of the two entries missing) with a hint when the content looks like
    /// something known; `incomplete_archive` when it starts like a zip but its directory is
    /// missing or broken, or the key entry fails its CRC.
    pub fn open(path: &Path) -> Result<Self> {
        let mut file = File::open(path).map_err(|e| Error::io("open", path, &e))?;
        let meta = file.metadata().map_err(|e| Error::io("read", path, &e))?;
        if meta.is_dir() {
            return Err(Error::not_a_result(format!("{} is a folder, not a result archive.", path.display())));
        }
        read_ahead(&file);
        let mut head = [0u8; 512];
        let n = crate::archive::cipher::read_full(&mut file, &mut head).map_err(|e| Error::io("read", path, &e))?;
        let head = &head[..n];
        if n == 0 {
            return Err(Error::not_a_result(format!("{} is empty (0 bytes).", file_name(path))));
        }
        // Large reads: the zip reader otherwise reads the ciphertext 8 KB per system call.
        let mut zip = match ZipArchive::new(BufReader::with_capacity(1 << 20, file)) {
            Ok(z) => z,
            Err(e) => return Err(classify_open_error(path, head, e)),
        };
        let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
        let has_key = names.iter().any(|n| n == KEY_ENTRY);
        let has_ct = names.iter().any(|n| n == CIPHERTEXT_ENTRY);
        match (has_key, has_ct) {
            (true, true) => {
                let wrapped_key = read_small_entry(&mut zip, KEY_ENTRY, MAX_KEY_ENTRY_BYTES)?;
                let layout = if looks_like_base64(&wrapped_key) { ArchiveLayout::LegacyEncrypted } else { ArchiveLayout::Encrypted };
                Ok(OuterArchive { zip, layout, wrapped_key })
            }
            (true, false) | (false, true) => {
                let (present, missing) = if has_key { (KEY_ENTRY, CIPHERTEXT_ENTRY) } else { (CIPHERTEXT_ENTRY, KEY_ENTRY) };
                Err(Error::not_a_result(format!(
                    "{} holds `{present}` but not `{missing}`: an encrypted result needs both.",
                    file_name(path)
                )))
            }
            (false, false) if names.iter().any(|n| n == COMPUTED_JSON) => {
                Ok(OuterArchive { zip, layout: ArchiveLayout::Plain, wrapped_key: Vec::new() })
            }
            (false, false) => Err(Error::not_a_result(format!(
                "{} is a zip, but not an iExec result: it has neither `{KEY_ENTRY}` and `{CIPHERTEXT_ENTRY}` nor `{COMPUTED_JSON}`.",
                file_name(path)
            ))),
        }
    }

    /// The outer entries, in stored order.
    pub fn entries(&mut self) -> Vec<ArchiveEntry> {
        (0..self.zip.len())
            .filter_map(|i| {
                let f = self.zip.by_index_raw(i).ok()?;
                let path = f.name().ok()?.into_owned();
                Some(ArchiveEntry { path, size: f.size(), compressed_size: f.compressed_size() })
            })
            .collect()
    }

    /// Size of the ciphertext entry (0 for plain).
    pub fn ciphertext_size(&mut self) -> u64 {
        self.entries().iter().find(|e| e.path == CIPHERTEXT_ENTRY).map(|e| e.size).unwrap_or(0)
    }

    /// The decompressed bytes of the ciphertext entry, CRC-32 and size checked at its end.
    ///
    /// Read from the file itself rather than through the zip crate's entry reader (which adds
    /// a copy through an 8 KiB buffer): a stored entry goes from the kernel straight into the
    /// caller's buffer, and so do the stored blocks of a Deflate entry, what the enclave writes
    /// for random bytes ([`crate::archive::deflate`]; flate2 inflates any other block).
    ///
    /// Errors: `incomplete_archive` when the entry's local header cannot be read;
    /// `not_a_result` for an entry encrypted by the zip itself or compressed by a method other
    /// than stored or Deflate (iExec enclaves write neither). Reading fails with an
    /// `io::Error` when the entry is cut short, too long, or fails its CRC.
    pub fn into_ciphertext_reader(mut self) -> Result<Box<dyn Read + Send>> {
        let cannot = |e: String| Error::incomplete(format!("The entry `{CIPHERTEXT_ENTRY}` cannot be read: {e}."));
        let (method, start, compressed, size, crc, encrypted) = {
            let e = self.zip.by_name_raw(CIPHERTEXT_ENTRY.as_bytes()).map_err(|e| cannot(e.to_string()))?;
            (e.compression(), e.data_start(), e.compressed_size(), e.size(), e.crc32(), e.encrypted())
        };
        if encrypted {
            return Err(Error::not_a_result(format!(
                "The entry `{CIPHERTEXT_ENTRY}` is password-protected by the zip itself, which iExec enclaves never do."
            )));
        }
        if !matches!(method, CompressionMethod::Stored | CompressionMethod::Deflated) {
            return Err(Error::not_a_result(format!(
                "The entry `{CIPHERTEXT_ENTRY}` is compressed with {method}, which iExec enclaves never use."
            )));
        }
        let start = start.ok_or_else(|| cannot("its local header is missing".into()))?;
        let mut file = self.zip.into_inner().into_inner();
        let inner: Box<dyn Read + Send> = match method {
            // Stored blocks straight into the caller's buffer (see `archive::deflate`).
            #[cfg(unix)]
            CompressionMethod::Deflated => {
                Box::new(crate::archive::deflate::DeflateEntry::new(file, start, compressed))
            }
            #[cfg(not(unix))]
            CompressionMethod::Deflated => {
                file.seek(SeekFrom::Start(start)).map_err(|e| cannot(e.to_string()))?;
                Box::new(flate2::bufread::DeflateDecoder::new(BufReader::with_capacity(1 << 20, file.take(compressed))))
            }
            _ => {
                file.seek(SeekFrom::Start(start)).map_err(|e| cannot(e.to_string()))?;
                Box::new(file.take(compressed))
            }
        };
        Ok(Box::new(CheckedEntry {
            inner,
            crc: crc32fast::Hasher::new(),
            expected_crc: crc,
            expected_size: size,
            read: 0,
        }))
    }

    /// What [`inspect`] reports.
    pub fn info(&mut self) -> ArchiveInfo {
        let encrypted = self.layout != ArchiveLayout::Plain;
        let key_len = match self.layout {
            ArchiveLayout::LegacyEncrypted => base64_decoded_len(&self.wrapped_key),
            _ => self.wrapped_key.len(),
        };
        let ciphertext_size = encrypted.then(|| self.ciphertext_size());
        ArchiveInfo {
            layout: self.layout,
            entries: self.entries(),
            rsa_key_bits: encrypted.then_some((key_len * 8) as u32),
            ciphertext_size,
        }
    }
}

/// An entry's decompressed bytes, checked against the central directory's CRC-32 and size when
/// they end (as the zip crate checks them).
struct CheckedEntry {
    inner: Box<dyn Read + Send>,
    crc: crc32fast::Hasher,
    expected_crc: u32,
    expected_size: u64,
    read: u64,
}

impl Read for CheckedEntry {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.expected_size {
            return Err(std::io::Error::other("the entry is longer than its recorded size"));
        }
        self.crc.update(&buf[..n]);
        if n == 0 {
            if self.read != self.expected_size {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("{} of {} bytes", self.read, self.expected_size),
                ));
            }
            if self.crc.clone().finalize() != self.expected_crc {
                return Err(std::io::Error::other("invalid checksum"));
            }
        }
        Ok(n)
    }
}

/// Says what a file is, without any key.
pub fn inspect(path: &Path) -> Result<ArchiveInfo> {
    Ok(OuterArchive::open(path)?.info())
}

fn read_small_entry(zip: &mut ZipArchive<BufReader<File>>, name: &str, max: u64) -> Result<Vec<u8>> {
    let entry = zip.by_name(name).map_err(|e| Error::incomplete(format!("The entry `{name}` cannot be read: {e}.")))?;
    if entry.size() > max {
        return Err(Error::not_a_result(format!(
            "The entry `{name}` is {} bytes: far too large for a wrapped key.",
            entry.size()
        )));
    }
    let mut out = Vec::new();
    entry
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(|e| Error::incomplete(format!("The entry `{name}` is damaged ({e}).")))?;
    Ok(out)
}

/// Legacy `aes-key.rsa` is base64 text; the current one is raw RSA output (random bytes).
fn looks_like_base64(b: &[u8]) -> bool {
    let t = b.trim_ascii();
    !t.is_empty() && t.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'\r' | b'\n'))
}

fn base64_decoded_len(b: &[u8]) -> usize {
    let t: Vec<u8> = b.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
    let pad = t.iter().rev().take_while(|&&c| c == b'=').count();
    (t.len() / 4 * 3).saturating_sub(pad)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

/// Why `ZipArchive::new` failed, for people: a zip cut short, or not a zip (and what it looks
/// like instead).
fn classify_open_error(path: &Path, head: &[u8], e: ZipError) -> Error {
    if let ZipError::Io(io) = &e {
        if io.kind() != std::io::ErrorKind::UnexpectedEof {
            return Error::io("read", path, io);
        }
    }
    let name = file_name(path);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") || head.starts_with(b"PK\x07\x08") {
        return Error::incomplete(format!("{name} starts like a zip, but its end is missing or damaged."));
    }
    let (what, hint) = sniff(head);
    let mut err = Error::not_a_result(format!("{name} is not a zip archive{what}."));
    if let Some(h) = hint {
        err.hint = h.to_owned();
    }
    err
}

/// Recognises a few contents people drop by mistake.
fn sniff(head: &[u8]) -> (&'static str, Option<&'static str>) {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = text.trim_start();
    if t.starts_with("-----begin") {
        return (": it is a key file", Some("Drop the result archive here; choose key files with the key buttons."));
    }
    if t.starts_with("<!doctype html") || t.starts_with("<html") || t.starts_with("<?xml") {
        return (
            ": it is a web page (often an error page from a gateway)",
            Some("The download did not return the result. Download it again, or from another IPFS gateway."),
        );
    }
    if t.starts_with('{') || t.starts_with('[') {
        return (": it is JSON text", Some("If this is `computed.json`, choose the whole result archive instead."));
    }
    if head.starts_with(&[0x1f, 0x8b]) {
        return (": it is a gzip file", None);
    }
    if head.starts_with(b"%PDF") {
        return (": it is a PDF document", None);
    }
    ("", None)
}

/// Tells the kernel the archive is read once from start to end (as `cp` does), so that it reads
/// ahead in larger windows: from a cold disk the ciphertext arrives faster. Best effort.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn read_ahead(file: &File) {
    let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::Sequential);
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn read_ahead(_: &File) {}
