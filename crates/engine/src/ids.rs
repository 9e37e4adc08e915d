//! Identifiers that come from outside (the web view, a command line, a saved setting), parsed
//! into their shape before any use: no path, URL or query is ever built from a raw string.
//!
//! - a network name becomes a folder name (`downloads/<network>/`): `[a-z0-9-]`, 1 to 64
//!   characters, not starting with `-` (the iexec CLI's names, e.g. `arbitrum-sepolia-testnet`,
//!   have this shape);
//! - a task id becomes a file name (`<taskid>.zip`): `0x` and 64 hexadecimal digits, the 32-byte
//!   id of PoCo (docs/design.md 3.2), kept in lower case.

use result_vault_core::{Error, ErrorKind};

use crate::Result;

/// Most characters in a network name.
pub const MAX_NETWORK_NAME: usize = 64;

/// A network name that is safe as a folder name on every system.
///
/// Errors: `invalid_input`, naming the rule.
pub fn network_name(s: &str) -> Result<&str> {
    let ok = !s.is_empty()
        && s.len() <= MAX_NETWORK_NAME
        && !s.starts_with('-')
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(s)
    } else {
        Err(Error::new(
            ErrorKind::InvalidInput,
            format!("\u{201c}{}\u{201d} is not a network name.", printable(s)),
            "A network name is made of lower-case letters, digits and dashes (at most 64), e.g. my-testnet.",
        ))
    }
}

/// A task id (`0x` + 64 hex digits), in lower case.
///
/// Errors: `task_not_found` (a malformed id names no task), with the same words as the chain
/// read's own check (`result_vault_core::fetch::confirm_downloadable`).
pub fn task_id(s: &str) -> Result<String> {
    let t = s.trim();
    let hex = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X"));
    match hex {
        Some(h) if h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(format!("0x{}", h.to_ascii_lowercase()))
        }
        _ => Err(Error::new(
            ErrorKind::TaskNotFound,
            format!("\u{201c}{}\u{201d} is not a task id.", printable(t)),
            "A task id is 0x followed by 64 hexadecimal digits.",
        )),
    }
}

/// `s` for a message: at most 80 characters, control characters shown as `?`.
fn printable(s: &str) -> String {
    s.chars().take(80).map(|c| if c.is_control() { '?' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_names_are_folder_safe() {
        for good in ["bellecour", "arbitrum-sepolia-testnet", "local", "a1"] {
            assert_eq!(network_name(good).unwrap(), good);
        }
        for bad in ["", "..", "../x", "/etc", "a/b", "a\\b", "A", "-x", "a b", "é", "a\0", &"a".repeat(65)] {
            assert_eq!(network_name(bad).unwrap_err().kind, ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn task_ids_are_32_bytes_of_hex() {
        let id = format!("0x{}", "Ab".repeat(32));
        assert_eq!(task_id(&id).unwrap(), format!("0x{}", "ab".repeat(32)));
        for bad in ["0x12", "../../etc/passwd", &format!("0x{}/..", "a".repeat(62)), &"a".repeat(66), ""] {
            assert_eq!(task_id(bad).unwrap_err().kind, ErrorKind::TaskNotFound, "{bad:?}");
        }
    }
}
