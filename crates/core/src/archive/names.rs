//! Entry names: decoding (UTF-8 flag, Info-ZIP Unicode Path extra, CP437 fallback) and the
//! safety rules that keep extraction inside its output folder.

use std::path::PathBuf;

use crate::error::{Result, VaultError};

/// A checked relative path of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafePath {
    /// `/`-separated, no empty, `.` or `..` component, no trailing `/`.
    pub normalized: String,
    /// Whether the entry is a directory (its stored name ended with `/`).
    pub is_dir: bool,
}

impl SafePath {
    /// The path as native components, to join onto an output folder.
    pub fn to_path_buf(&self) -> PathBuf {
        self.normalized.split('/').collect()
    }
}

/// Decodes an entry name: UTF-8 when the language-encoding flag (bit 11) is set or the bytes are
/// valid UTF-8, the Info-ZIP Unicode Path extra field (0x7075, version 1) when present, else
/// IBM code page 437 as APPNOTE appendix D says.
pub fn decode_name(raw: &[u8], utf8_flag: bool, unicode_extra: Option<&[u8]>) -> String {
    if let Some(x) = unicode_extra {
        // version (1) ‖ CRC-32 of the raw name ‖ UTF-8 name
        if x.len() > 5 && x[0] == 1 && crc32fast::hash(raw) == u32::from_le_bytes([x[1], x[2], x[3], x[4]]) {
            if let Ok(s) = std::str::from_utf8(&x[5..]) {
                return s.to_owned();
            }
        }
    }
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_owned(),
        Err(_) if utf8_flag => String::from_utf8_lossy(raw).into_owned(),
        Err(_) => raw.iter().map(|&b| cp437(b)).collect(),
    }
}

/// Checks that `name` is a safe relative path. Refused (`unsafe_archive`): empty names, NUL,
/// backslashes, absolute paths, drive letters (`C:`), `..` components, over-long components.
pub fn safe_relative_path(name: &str) -> Result<SafePath> {
    let refuse = |why: &str| VaultError::unsafe_archive(format!("The entry \"{}\" {why}.", name.escape_debug()));
    if name.is_empty() {
        return Err(refuse("has an empty name"));
    }
    if name.contains('\0') || name.chars().any(|c| c.is_control()) {
        return Err(refuse("has control characters in its name"));
    }
    if name.contains('\\') {
        return Err(refuse("uses backslashes, which could point outside the output folder on Windows"));
    }
    if name.starts_with('/') {
        return Err(refuse("has an absolute path"));
    }
    let b = name.as_bytes();
    if b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic() {
        return Err(refuse("starts with a drive letter"));
    }
    let is_dir = name.ends_with('/');
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(refuse("points outside the output folder (`..`)")),
            p if p.len() > 255 => return Err(refuse("has a name part longer than 255 bytes")),
            p if p.contains(':') => {
                return Err(refuse("has a `:` in its name, which Windows reads as a stream or drive"))
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Err(refuse("has no usable name"));
    }
    Ok(SafePath { normalized: parts.join("/"), is_dir })
}

/// IBM PC code page 437, upper half (0x80..=0xFF); the lower half is ASCII.
fn cp437(b: u8) -> char {
    const HIGH: [char; 128] = [
        'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', 'É', 'æ', 'Æ', 'ô', 'ö', 'ò',
        'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', 'á', 'í', 'ó', 'ú', 'ñ', 'Ñ', 'ª', 'º', '¿', '⌐', '¬', '½',
        '¼', '¡', '«', '»', '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕', '╣', '║', '╗', '╝', '╜', '╛', '┐', '└', '┴',
        '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦', '╠', '═', '╬', '╧', '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫',
        '╪', '┘', '┌', '█', '▄', '▌', '▐', '▀', 'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ',
        'ε', '∩', '≡', '±', '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
    ];
    if b < 0x80 {
        b as char
    } else {
        HIGH[(b - 0x80) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused() {
        for bad in
            ["/etc/passwd", "../x", "a/../../x", "a\\b", "C:/x", "c:x", "", "a\0b", "/", "./", "a/b:c", "..", "x/.."]
        {
            let e = safe_relative_path(bad).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::UnsafeArchive, "{bad:?}");
        }
    }

    #[test]
    fn safe_names_are_normalized() {
        assert_eq!(safe_relative_path("a/./b//c.txt").unwrap().normalized, "a/b/c.txt");
        let d = safe_relative_path("iexec_out/").unwrap();
        assert!(d.is_dir);
        assert_eq!(d.normalized, "iexec_out");
        assert_eq!(safe_relative_path("résultat été.txt").unwrap().normalized, "résultat été.txt");
        assert_eq!(safe_relative_path("a..b").unwrap().normalized, "a..b");
    }

    #[test]
    fn names_decode_utf8_cp437_and_unicode_extra() {
        assert_eq!(decode_name("é.txt".as_bytes(), true, None), "é.txt");
        assert_eq!(decode_name(&[0x82, b'.', b't'], false, None), "é.t");
        let raw = [0x82u8];
        let mut extra = vec![1u8];
        extra.extend_from_slice(&crc32fast::hash(&raw).to_le_bytes());
        extra.extend_from_slice("日本.txt".as_bytes());
        assert_eq!(decode_name(&raw, false, Some(&extra)), "日本.txt");
        // A stale extra (CRC of another name) is ignored.
        extra[1] ^= 1;
        assert_eq!(decode_name(&raw, false, Some(&extra)), "é");
    }
}
