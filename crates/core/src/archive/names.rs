//! Entry names: decoding (UTF-8 flag, Info-ZIP Unicode Path extra, CP437 fallback) and the
//! safety rules that keep extraction inside its output folder.

use std::collections::hash_map::{Entry, HashMap};
use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

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

/// Checks that `name` is a safe relative path on every system Result Vault ships for (Linux,
/// Windows, macOS): extracting it there creates exactly that file, inside the output folder, under
/// a name that shows what it is. Refused (`unsafe_archive`, the message names the entry, escaped,
/// and the reason):
///
/// - empty names, absolute paths, drive letters (`C:`), `..` components, parts over 255 bytes;
/// - control characters (Unicode category Cc, NUL included);
/// - invisible formatting characters (Unicode category Cf, see [`is_format_char`]): a right-to-left
///   override makes `invoice\u{202e}txt.exe` show as `invoiceexe.txt`, the spoofing behind many
///   "RTLO" malware reports (e.g. CVE-2021-42574, "Trojan Source", for the same trick in code);
/// - the characters Windows forbids in a name, `< > : " | ? *` and the backslash, which Windows
///   reads as a separator ([`WINDOWS_FORBIDDEN`]);
/// - a part named like a Windows device, in any case, with or without an extension (`CON`,
///   `nul.txt`, `COM1.log`, see [`windows_device`]);
/// - a part ending with a dot or a space (`report.txt.`, `notes.txt `), which Windows silently
///   removes, so that two different entries could land on one file.
///
/// The Windows rules come from Microsoft's "Naming Files, Paths, and Namespaces"
/// (<https://learn.microsoft.com/en-us/windows/win32/fileio/naming-a-file>, section "Naming
/// Conventions"). Names that differ only by case or Unicode normalisation are caught per archive,
/// by [`NameSet`].
pub fn safe_relative_path(name: &str) -> Result<SafePath> {
    let refuse = |why: &str| Error::unsafe_archive(format!("The entry \"{}\" {why}.", name.escape_debug()));
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
    if let Some(c) = name.chars().find(|&c| is_format_char(c)) {
        return Err(refuse(&format!(
            "has an invisible formatting character (U+{:04X}) in its name, which can make it look like another \
             name (a right-to-left override shows \"txt.exe\" as \"exe.txt\")",
            c as u32
        )));
    }
    if let Some(c) = name.chars().find(|c| WINDOWS_FORBIDDEN.contains(c)) {
        return Err(refuse(&format!(
            "has the character `{c}` in its name, which Windows does not allow in file names"
        )));
    }
    let is_dir = name.ends_with('/');
    let mut parts = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err(refuse("points outside the output folder (`..`)")),
            p if p.len() > 255 => return Err(refuse("has a name part longer than 255 bytes")),
            p if p.ends_with('.') || p.ends_with(' ') => {
                return Err(refuse(&format!(
                    "has a name part (\"{}\") ending with a dot or a space, which Windows removes, so it would \
                     be saved under another name",
                    p.escape_debug()
                )))
            }
            p => {
                if let Some(device) = windows_device(p) {
                    return Err(refuse(&format!(
                        "has a name part (\"{}\") that Windows reserves for the device {device}: it cannot be \
                         saved as a file there",
                        p.escape_debug()
                    )));
                }
                parts.push(p)
            }
        }
    }
    if parts.is_empty() {
        return Err(refuse("has no usable name"));
    }
    Ok(SafePath { normalized: parts.join("/"), is_dir })
}

/// The characters Windows does not allow in a file name besides the control characters and `/`
/// (Microsoft, "Naming Files, Paths, and Namespaces": `< > : " / \ | ? *`). The backslash is a
/// path separator there, and `:` names a drive or an NTFS alternate data stream.
pub const WINDOWS_FORBIDDEN: [char; 8] = ['<', '>', ':', '"', '\\', '|', '?', '*'];

/// The device name a path part stands for on Windows, if any: `CON`, `PRN`, `AUX`, `NUL`,
/// `COM0`–`COM9`, `LPT0`–`LPT9` and `COM¹²³`, `LPT¹²³` (Microsoft, "Naming Files, Paths, and
/// Namespaces": "Do not use the following reserved names for the name of a file … Also avoid
/// these names followed immediately by an extension; for example, NUL.txt and NUL.tar.gz are
/// both equivalent to NUL"), plus `CONIN$` and `CONOUT$` (the console buffers, reserved the same
/// way by `CreateFile`). Windows compares them in any case and ignores what follows the first dot
/// and spaces before it, so `nul.txt`, `Com1.log` and `aux .tar.gz` are devices too.
pub fn windows_device(part: &str) -> Option<&'static str> {
    const DEVICES: [&str; 32] = [
        "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹",
        "LPT²", "LPT³", "CONIN$", "CONOUT$",
    ];
    let stem = part.split('.').next().unwrap_or("").trim_end_matches(' ');
    DEVICES.iter().copied().find(|d| d.eq_ignore_ascii_case(stem))
}

/// Whether `c` is in Unicode's general category Cf ("Format"): invisible characters that change
/// how the text around them is shown, such as the bidirectional embeddings and overrides
/// U+202A–U+202E, the isolates U+2066–U+2069, the marks U+200E/U+200F and U+061C, zero-width
/// characters (U+200B–U+200D, U+2060, U+FEFF) and the tag characters U+E0001, U+E0020–U+E007F.
/// A file name needs none of them, and they let a name pass for another (Unicode Technical
/// Report #36, "Unicode Security Considerations", section 2.1 on bidirectional text spoofing).
/// The ranges are the 170 code points of category Cf in Unicode 15.1
/// (`DerivedGeneralCategory.txt`). Refusing the joiners U+200C/U+200D also refuses names that
/// use them in Persian script or emoji sequences: results are written by programs, and the rule
/// stays simple and complete.
pub fn is_format_char(c: char) -> bool {
    const CF: [(u32, u32); 21] = [
        (0x00AD, 0x00AD),
        (0x0600, 0x0605),
        (0x061C, 0x061C),
        (0x06DD, 0x06DD),
        (0x070F, 0x070F),
        (0x0890, 0x0891),
        (0x08E2, 0x08E2),
        (0x180E, 0x180E),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x2064),
        (0x2066, 0x206F),
        (0xFEFF, 0xFEFF),
        (0xFFF9, 0xFFFB),
        (0x110BD, 0x110BD),
        (0x110CD, 0x110CD),
        (0x13430, 0x1343F),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0001, 0xE0001),
        (0xE0020, 0xE007F),
    ];
    let c = c as u32;
    CF.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// The key under which two names are one file on some system: Unicode's canonical caseless
/// match (The Unicode Standard, chapter 3.13, definition D145: `NFD(casefold(NFD(X)))`), with
/// `str::to_lowercase` as the case fold and NFC as the final form.
///
/// Why these: macOS (APFS, HFS+) ignores both case and normalisation by default, so `café`
/// written composed (NFC, U+00E9) and decomposed (NFD, `e` + U+0301) are one file there;
/// Windows (NTFS) ignores case. `to_lowercase` is the full lowercase mapping of Unicode, close to
/// the upper-case table NTFS compares with; unlike the full case fold it keeps `ß` and `ss`
/// apart, as NTFS and APFS do. Refusing a little more than a file system would merge is fine
/// here; refusing less would let one entry replace another.
pub fn collision_key(normalized: &str) -> String {
    normalized.nfd().collect::<String>().to_lowercase().nfc().collect()
}

/// The names of one archive's entries seen so far, to refuse a second entry that would land on
/// the same file as an earlier one on Linux, Windows or macOS (see [`collision_key`]).
#[derive(Debug, Default)]
pub struct NameSet {
    /// [`collision_key`] → the normalized name first seen with it.
    seen: HashMap<String, String>,
}

impl NameSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `path` (the entry's checked name); `unsafe_archive` when an earlier entry has the
    /// same name, or one that differs only by case or Unicode normalisation.
    pub fn insert(&mut self, path: &SafePath) -> Result<()> {
        match self.seen.entry(collision_key(&path.normalized)) {
            Entry::Vacant(v) => {
                v.insert(path.normalized.clone());
                Ok(())
            }
            Entry::Occupied(o) if *o.get() == path.normalized => Err(Error::unsafe_archive(format!(
                "Two entries of the result are named \"{}\": the second would replace the first.",
                path.normalized.escape_debug()
            ))),
            Entry::Occupied(o) => Err(Error::unsafe_archive(format!(
                "The entries \"{}\" and \"{}\" differ only by upper and lower case or by how their accents \
                 are encoded: on Windows or macOS the second would replace the first.",
                o.get().escape_debug(),
                path.normalized.escape_debug()
            ))),
        }
    }
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

    /// Refused, with the reason the message must give.
    fn refused(name: &str) -> String {
        let e = safe_relative_path(name).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::UnsafeArchive, "{name:?}");
        assert!(e.message.contains(&name.escape_debug().to_string()), "names the entry: {}", e.message);
        e.message
    }

    #[test]
    fn names_that_spoof_or_break_on_windows_or_macos_are_refused() {
        // Bidirectional overrides, embeddings, isolates and marks, and the rest of category Cf.
        for bad in [
            "invoice\u{202e}txt.exe",
            "a\u{202a}b",
            "a\u{202d}b",
            "x/\u{2066}y\u{2069}.txt",
            "\u{200e}a",
            "b\u{200f}",
            "zero\u{200b}width",
            "bom\u{feff}.txt",
            "soft\u{ad}hyphen",
            "tag\u{e0041}",
            "arabic\u{61c}mark",
        ] {
            let m = refused(bad);
            assert!(m.contains("invisible formatting character"), "{m}");
        }
        // The message shows the override escaped, never raw (it would spoof the message too).
        let m = refused("invoice\u{202e}txt.exe");
        assert!(m.contains("invoice\\u{202e}txt.exe") && m.contains("U+202E"), "{m}");
        // Control characters.
        for bad in ["bell\u{7}.txt", "new\nline", "del\u{7f}", "c1\u{85}"] {
            assert!(refused(bad).contains("control characters"));
        }
        // Windows devices, in any segment, any case, with or without an extension.
        for bad in [
            "CON",
            "con",
            "nul.txt",
            "NUL.tar.gz",
            "COM1.log",
            "com9",
            "Lpt0.txt",
            "LPT9",
            "aux",
            "prn.csv",
            "dir/CON",
            "a/nul/b.txt",
            "COM\u{b9}.txt",
            "lpt\u{b3}",
            "aux .txt",
            "CONIN$",
            "conout$.log",
        ] {
            assert!(refused(bad).contains("reserves for the device"), "{bad:?}");
        }
        // A part ending with a dot or a space.
        for bad in ["report.txt.", "notes.txt ", "dir./x", "dir /x", "...", "a/b /c"] {
            assert!(refused(bad).contains("ending with a dot or a space"), "{bad:?}");
        }
        // Characters Windows forbids, and the backslash.
        for bad in ["a<b", "a>b", "what?.txt", "star*.txt", "pipe|x", "quote\"x", "a/b:c", "dir\\x"] {
            let m = refused(bad);
            assert!(m.contains("does not allow") || m.contains("backslashes"), "{bad:?}: {m}");
        }
        // Names that merely look close to those stay allowed.
        for ok in [
            "console.txt",
            "nully",
            "COM10",
            "LPT",
            "com",
            "conf/CONTRIBUTING",
            "a.b.c",
            ".hidden",
            "x/.config",
            "café",
            "caf\u{e9}.txt",
            "cafe\u{301}.txt",
            "日本語.txt",
            "emoji 😀.txt",
            "con_file",
        ] {
            assert!(safe_relative_path(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn names_equal_but_for_case_or_normalisation_collide() {
        let path = |s: &str| safe_relative_path(s).unwrap();
        let mut set = NameSet::new();
        set.insert(&path("Result.txt")).unwrap();
        let e = set.insert(&path("result.txt")).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::UnsafeArchive);
        assert!(e.message.contains("\"Result.txt\" and \"result.txt\""), "{}", e.message);
        // café composed (NFC) then decomposed (NFD).
        set.insert(&path("caf\u{e9}/x.txt")).unwrap();
        let e = set.insert(&path("cafe\u{301}/X.TXT")).unwrap_err();
        assert!(e.message.contains("upper and lower case"), "{}", e.message);
        // A folder entry and a file of the same name, and an exact duplicate.
        set.insert(&path("dir/")).unwrap();
        assert!(set.insert(&path("DIR")).is_err());
        let e = set.insert(&path("Result.txt")).unwrap_err();
        assert!(e.message.contains("Two entries of the result are named"), "{}", e.message);
        // Different names stay different: ß is not ss on any of the systems.
        set.insert(&path("stra\u{df}e")).unwrap();
        set.insert(&path("strasse")).unwrap();
        set.insert(&path("Result.txt.bak")).unwrap();
        assert_eq!(collision_key("\u{c9}T\u{c9}"), collision_key("e\u{301}te\u{301}"));
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
