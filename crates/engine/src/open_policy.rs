//! What "Open" may do with a file of a result: a result comes from whoever ran the task, so a
//! file that would run a program (an executable, a script, a shortcut, an installer) is never
//! handed to the system's "open"; it is shown in its folder instead, with the reason.

use std::path::Path;

use serde::Serialize;

/// Extensions that run something when opened on Windows, macOS or a Linux desktop (lower
/// case, without the dot): Windows executables, scripts and shortcuts (Microsoft's list of
/// file types blocked in Outlook attachments), macOS apps and scripts, Linux desktop entries
/// and shell scripts, Java archives.
pub const LAUNCHING_EXTENSIONS: &[&str] = &[
    "exe", "bat", "cmd", "com", "scr", "msi", "msp", "lnk", "url", "hta", "js", "jse", "vbs", "vbe", "wsf", "wsh",
    "ps1", "psm1", "pif", "cpl", "reg", "sh", "bash", "zsh", "csh", "desktop", "app", "jar", "command", "tool",
    "workflow", "appimage", "run", "bin", "py", "pl", "rb",
];

/// What opening a file did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OpenedFile {
    /// Opened with the system's default application.
    Opened,
    /// It would run a program: shown selected in its folder instead.
    ShownInFolder,
}

/// Whether opening `path` could run a program: by its extension (any of the names' dotted
/// parts' last one, case-insensitive), or, on Unix, by its executable bit.
pub fn could_run(path: &Path) -> bool {
    let by_name = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| LAUNCHING_EXTENSIONS.contains(&e.as_str()));
    by_name || executable_bit(path)
}

#[cfg(unix)]
fn executable_bit(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable_bit(_: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_recognised_by_name_and_by_mode() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["setup.EXE", "run.sh", "x.desktop", "a.tar.js", "Report.pdf.lnk", "tool.jar"] {
            assert!(could_run(&dir.path().join(name)), "{name}");
        }
        let plain = dir.path().join("result.txt");
        std::fs::write(&plain, b"hello").unwrap();
        assert!(!could_run(&plain));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o755)).unwrap();
            assert!(could_run(&plain), "an executable bit makes it a program");
        }
    }
}
