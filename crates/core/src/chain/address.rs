//! Ethereum addresses as people type them: validated with EIP-55, shown checksummed, and sent
//! lowercase where an index compares them as text (the PoCo subgraph, docs/design.md 3.3).

use alloy_primitives::Address;

use crate::error::{Error, ErrorKind, Result};

fn invalid(input: &str, why: &str) -> Error {
    Error::new(
        ErrorKind::InvalidAddress,
        format!("\u{201c}{input}\u{201d} is not a valid Ethereum address: {why}."),
        "Copy the address again from your wallet or from the iExec explorer (0x followed by 40 hexadecimal digits).",
    )
}

/// Parses an address typed or pasted by a person.
///
/// Accepts `0x` + 40 hex digits (surrounding spaces ignored). An all-lowercase or all-uppercase
/// address carries no checksum and is accepted; a mixed-case one must match its EIP-55 checksum
/// (<https://eips.ethereum.org/EIPS/eip-55>), which catches most typing errors.
///
/// Errors: `invalid_address` naming the problem (length, characters, checksum).
pub fn parse_address(input: &str) -> Result<Address> {
    let s = input.trim();
    let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) else {
        return Err(invalid(s, "it must start with 0x"));
    };
    if hex.len() != 40 {
        return Err(invalid(s, &format!("it has {} hexadecimal digits instead of 40", hex.len())));
    }
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(s, "it contains characters that are not hexadecimal digits"));
    }
    let has_lower = hex.bytes().any(|b| b.is_ascii_lowercase());
    let has_upper = hex.bytes().any(|b| b.is_ascii_uppercase());
    let address: Address = format!("0x{hex}").parse().map_err(|_| invalid(s, "it cannot be read"))?;
    if has_lower && has_upper && address.to_checksum(None) != format!("0x{hex}") {
        return Err(invalid(s, "its capital letters do not match its EIP-55 checksum (a character is probably wrong)"));
    }
    Ok(address)
}

/// The EIP-55 checksummed form, for display (`0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB`).
pub fn checksummed(address: &Address) -> String {
    address.to_checksum(None)
}

/// The lowercase form, as the subgraph stores ids.
pub fn lowercase(address: &Address) -> String {
    format!("{address:#x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "0xC08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB";

    #[test]
    fn eip55_rules() {
        let a = parse_address(OWNER).unwrap();
        assert_eq!(checksummed(&a), OWNER);
        assert_eq!(lowercase(&a), OWNER.to_lowercase());
        // Without a checksum (all one case) it is accepted.
        assert_eq!(parse_address(&OWNER.to_lowercase()).unwrap(), a);
        assert_eq!(parse_address(&format!("0x{}", OWNER[2..].to_uppercase())).unwrap(), a);
        assert_eq!(parse_address(&format!("  {OWNER}\n")).unwrap(), a);
        // One letter's case flipped: the checksum catches it.
        let bad = OWNER.replacen("def", "Def", 1);
        let e = parse_address(&bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidAddress);
        assert!(e.message.contains("checksum"));
        assert!(parse_address("C08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB").unwrap_err().message.contains("0x"));
        assert!(parse_address("0x1234").unwrap_err().message.contains("4 hexadecimal digits"));
        assert!(parse_address("0xZ08C3def622Af1476f2Db0E3CC8CcaeAd07BE3bB").unwrap_err().message.contains("not hex"));
    }
}
