//! The "downloaded from the internet" mark on extracted files, so that the system warns before
//! a result's program or document is opened, as it does for a file a browser downloaded.
//!
//! - Windows: the `Zone.Identifier` alternate data stream, `[ZoneTransfer]` with `ZoneId=3`
//!   (the Internet zone), which Windows' Attachment Manager, SmartScreen and Office's Protected
//!   View read ("Mark of the Web"). Microsoft documents the stream in "[MS-FSCC] 5.6.1
//!   Zone.Identifier Stream Name"
//!   (<https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-fscc/6e3f7352-d11c-4d76-8c39-2516a9df36e8>)
//!   and the zone numbers in "URL Security Zones"
//!   (<https://learn.microsoft.com/en-us/previous-versions/windows/internet-explorer/ie-developer/platform-apis/ms537183(v=vs.85)>,
//!   `URLZONE_INTERNET` = 3); an alternate data stream is written by opening `path:stream`
//!   ("File Streams (Local File Systems)",
//!   <https://learn.microsoft.com/en-us/windows/win32/fileio/file-streams>).
//! - macOS: the `com.apple.quarantine` extended attribute, which Gatekeeper and Launch
//!   Services read before a file is opened (Apple, "Safely open apps on your Mac",
//!   <https://support.apple.com/en-us/102445>; the quarantine properties of Launch Services,
//!   <https://developer.apple.com/documentation/coreservices/kLSQuarantineTypeKey>). Apple does
//!   not document the attribute's raw form; it is `flags;hex seconds since 1970;agent;event id`,
//!   and `0081` is the flags value browsers write for a download. Result Vault writes
//!   `0081;<time>;Result Vault;` (no event id: it keeps no quarantine event database).
//! - Elsewhere (Linux): nothing; no system there reads such a mark.
//!
//! Best effort: [`mark_downloaded`] returns any error, and [`mark_if_supported`] ignores only
//! the one that says the file system cannot hold the mark (a FAT or exFAT USB stick has no
//! alternate data streams, some network shares no extended attributes), and nothing is logged.
//! Any other failure is an error: the file was just created by Result Vault, so it is a real
//! I/O problem.

use std::io;
use std::path::Path;

/// The content of the `Zone.Identifier` stream: the Internet zone.
pub const ZONE_IDENTIFIER: &str = "[ZoneTransfer]\r\nZoneId=3\r\n";

/// The name of the macOS extended attribute.
pub const QUARANTINE_ATTR: &str = "com.apple.quarantine";

/// The value of the `com.apple.quarantine` attribute for a file extracted at `unix_seconds`:
/// `0081;<hex seconds>;Result Vault;` (no event identifier: Result Vault keeps no quarantine
/// event database).
pub fn quarantine_value(unix_seconds: u64) -> String {
    format!("0081;{unix_seconds:08x};Result Vault;")
}

/// Marks `path` (a file Result Vault just wrote) as downloaded from the internet: its
/// `Zone.Identifier` stream on Windows, its `com.apple.quarantine` attribute on macOS, nothing
/// elsewhere. See the module's documentation for the sources.
pub fn mark_downloaded(path: &Path) -> io::Result<()> {
    imp::mark(path)
}

/// [`mark_downloaded`], with the error of a file system that cannot hold the mark ignored
/// (see [`is_unsupported`]).
pub fn mark_if_supported(path: &Path) -> io::Result<()> {
    match mark_downloaded(path) {
        Err(e) if is_unsupported(&e) => Ok(()),
        other => other,
    }
}

/// Whether `e` says that the file system cannot hold the mark: `Unsupported` (`ENOTSUP`,
/// `EOPNOTSUPP` on macOS; `ERROR_NOT_SUPPORTED` on Windows), and on Windows
/// `ERROR_INVALID_NAME` (123) and `ERROR_INVALID_PARAMETER` (87), what a FAT or exFAT volume
/// answers to a `path:stream` name (the entry names are checked beforehand, `:` is refused in
/// them, so a stream name is the only thing such a volume can refuse), and
/// `ERROR_INVALID_FUNCTION` (1) of some network redirectors.
pub fn is_unsupported(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    if cfg!(windows) {
        matches!(e.raw_os_error(), Some(1 | 50 | 87 | 123))
    } else {
        false
    }
}

#[cfg(windows)]
mod imp {
    use super::*;
    use std::io::Write;

    pub fn mark(path: &Path) -> io::Result<()> {
        let mut stream_path = path.as_os_str().to_owned();
        stream_path.push(":Zone.Identifier");
        let mut f = std::fs::File::create(&stream_path)?;
        f.write_all(super::ZONE_IDENTIFIER.as_bytes())
    }
}

#[cfg(target_os = "macos")]
mod imp {
    use super::*;

    pub fn mark(path: &Path) -> io::Result<()> {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let value = quarantine_value(now);
        rustix::fs::setxattr(path, QUARANTINE_ATTR, value.as_bytes(), rustix::fs::XattrFlags::empty())
            .map_err(io::Error::from)
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
mod imp {
    use super::*;

    pub fn mark(_path: &Path) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quarantine_value_has_apples_form() {
        assert_eq!(quarantine_value(0x6650_0000), "0081;66500000;Result Vault;");
        assert_eq!(quarantine_value(1), "0081;00000001;Result Vault;");
    }

    #[test]
    fn marking_a_file_works_or_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, b"x").unwrap();
        mark_if_supported(&p).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"x", "the file's own content is untouched");
        #[cfg(windows)]
        {
            let mut s = p.as_os_str().to_owned();
            s.push(":Zone.Identifier");
            match std::fs::read_to_string(&s) {
                Ok(z) => assert_eq!(z, ZONE_IDENTIFIER),
                Err(e) => assert!(is_unsupported(&e), "{e}"),
            }
        }
        assert!(!is_unsupported(&io::Error::from(io::ErrorKind::PermissionDenied)));
        assert!(is_unsupported(&io::Error::from(io::ErrorKind::Unsupported)));
    }
}
