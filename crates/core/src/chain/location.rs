//! The only result locations Result Vault downloads: `/ipfs/<CID>`, optionally followed by a
//! path of safe segments (docs/design.md 3.2, 3.5). The location comes from the chain, written
//! by whoever completed the task: it is checked like any hostile input before it goes near a
//! URL, so that it can only ever name a path on the user's own gateways.
//!
//! The CID is checked against the CID specification (github.com/multiformats/cid, "Decoding
//! Algorithm"), with its building blocks: multibase (github.com/multiformats/multibase),
//! unsigned-varint (github.com/multiformats/unsigned-varint) and multihash
//! (github.com/multiformats/multihash):
//! - **CIDv0**: 46 characters starting with `Qm`, base58btc (Bitcoin alphabet) of a sha2-256
//!   multihash: the bytes `0x12 0x20` then a 32-byte digest;
//! - **CIDv1**: a multibase prefix then the encoded bytes `<varint version = 1><varint content
//!   codec><multihash>`, where the multihash is `<varint hash code><varint digest length><digest>`
//!   and nothing follows the digest. Accepted multibases: `b` (base32, RFC 4648 lower case, no
//!   padding: the default of IPFS), `z` (base58btc), `f` (base16, lower case).
//!
//! Varints must be minimal, as the unsigned-varint spec requires. No other form is accepted
//! (upper-case base32 `B…`, base36 `k…`: never written by iExec's workers, which store CIDv0).

/// A location longer than this is refused (bytes). A CIDv1 with a sha2-256 digest is 59
/// characters; a few path segments fit many times over.
pub const MAX_LOCATION_BYTES: usize = 512;

/// Longest accepted multihash digest (bytes): sha2-512 and blake2b-512 are 64; 128 leaves room
/// for identity CIDs of small inline content.
const MAX_DIGEST_BYTES: u64 = 128;

/// A checked `/ipfs/<CID>[/<segment>…]` location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpfsLocation {
    cid: String,
    segments: Vec<String>,
}

impl IpfsLocation {
    /// Checks a location read from the chain; the error says why it is refused, in words that
    /// complete "the location is refused: …".
    ///
    /// Accepted: `/ipfs/<CID>` then zero or more `/<segment>`, each segment non-empty, not `.`
    /// nor `..`, made only of ASCII letters, digits, `-`, `.`, `_` and `~` (RFC 3986's unreserved
    /// characters: nothing a URL parser or a gateway would decode or reinterpret; no `%`).
    pub fn parse(location: &str) -> Result<Self, String> {
        if location.len() > MAX_LOCATION_BYTES {
            return Err(format!("it is longer than {MAX_LOCATION_BYTES} bytes"));
        }
        if location.chars().any(char::is_control) {
            return Err("it contains control characters".into());
        }
        if location.contains('\\') {
            return Err("it contains a backslash".into());
        }
        let Some(rest) = location.strip_prefix("/ipfs/") else {
            return Err(format!("it is not an /ipfs/<CID> path ({})", shown(location)));
        };
        let mut parts = rest.split('/');
        let cid = parts.next().unwrap_or_default();
        let segments: Vec<&str> = parts.collect();
        if cid == ".." || segments.contains(&"..") {
            return Err("it contains a `..` segment".into());
        }
        check_cid(cid).map_err(|why| format!("`{}` is not a valid CID: {why}", shown(cid)))?;
        for s in &segments {
            if s.is_empty() || *s == "." {
                return Err("its path has an empty or `.` segment".into());
            }
            if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))) {
                return Err(format!("its path contains the character {c:?}, which Result Vault does not accept"));
            }
        }
        Ok(IpfsLocation { cid: cid.to_owned(), segments: segments.into_iter().map(str::to_owned).collect() })
    }

    /// The CID.
    pub fn cid(&self) -> &str {
        &self.cid
    }

    /// The location as a URL path: `/ipfs/<CID>[/<segment>…]`.
    pub fn path(&self) -> String {
        let mut p = format!("/ipfs/{}", self.cid);
        for s in &self.segments {
            p.push('/');
            p.push_str(s);
        }
        p
    }
}

/// A short, printable form of untrusted text for a message.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(80).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Checks that `cid` is a CIDv0 or a CIDv1 in an accepted multibase (see the module's doc).
pub fn check_cid(cid: &str) -> Result<(), String> {
    if cid.is_empty() {
        return Err("it is empty".into());
    }
    if cid.len() == 46 && cid.starts_with("Qm") {
        let bytes = base58btc(cid).ok_or("not base58btc")?;
        return match bytes.as_slice() {
            [0x12, 0x20, digest @ ..] if digest.len() == 32 => Ok(()),
            _ => Err("a CIDv0 must be a sha2-256 multihash".into()),
        };
    }
    let (prefix, data) = cid.split_at(1);
    let bytes = match prefix {
        "b" => base32_lower(data).ok_or("not base32 (lower case, no padding)")?,
        "z" => base58btc(data).ok_or("not base58btc")?,
        "f" => base16_lower(data).ok_or("not base16 (lower case)")?,
        _ => return Err("neither a CIDv0 (Qm…) nor a CIDv1 in base32 (b…), base58btc (z…) or base16 (f…)".into()),
    };
    let mut rest = bytes.as_slice();
    let version = varint(&mut rest).ok_or("a malformed version")?;
    if version != 1 {
        return Err(format!("CID version {version}, not 1"));
    }
    varint(&mut rest).ok_or("a malformed content codec")?;
    varint(&mut rest).ok_or("a malformed multihash code")?;
    let len = varint(&mut rest).ok_or("a malformed multihash length")?;
    if len > MAX_DIGEST_BYTES || rest.len() as u64 != len {
        return Err("its multihash digest does not have the length it announces".into());
    }
    Ok(())
}

/// An unsigned varint (at most 9 bytes, minimal encoding), advancing `bytes`.
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for i in 0..9 {
        let b = *bytes.get(i)?;
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            // Minimal: a last byte of zero is allowed only as the whole varint (the value 0).
            if b == 0 && i > 0 {
                return None;
            }
            *bytes = &bytes[i + 1..];
            return Some(value);
        }
    }
    None
}

const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58 with the Bitcoin alphabet; each leading `1` is a leading zero byte.
fn base58btc(s: &str) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new(); // little-endian big number
    for c in s.bytes() {
        let mut carry = BASE58_ALPHABET.iter().position(|&a| a == c)? as u32;
        for byte in out.iter_mut() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            out.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    out.extend(std::iter::repeat_n(0, zeros));
    out.reverse();
    Some(out)
}

/// RFC 4648 base32, lower-case alphabet, no padding; unused trailing bits must be zero.
fn base32_lower(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let v = match c {
            b'a'..=b'z' => c - b'a',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        acc = (acc << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < 5 && acc == 0).then_some(out)
}

/// Lower-case hexadecimal, an even number of digits.
fn base16_lower(s: &str) -> Option<Vec<u8>> {
    if s.bytes().any(|c| c.is_ascii_uppercase()) {
        return None;
    }
    hex::decode(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The same content, as the multiformats npm package (13.4.2) writes it.
    const V0: &str = "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR";
    const V1_B32: &str = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    const V1_B58: &str = "zdj7Wic6KcJAfWz1c9o4M6kq9Lwd5BfbxkVafnrojaaGiSFxM";
    const V1_B16: &str = "f01701220c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a";

    #[test]
    fn valid_cids() {
        for cid in [V0, V1_B32, V1_B58, V1_B16, "QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB"] {
            assert_eq!(check_cid(cid), Ok(()), "{cid}");
        }
        assert_eq!(base58btc(V0).unwrap()[..2], [0x12, 0x20]);
        assert_eq!(base32_lower(&V1_B32[1..]), base16_lower(&V1_B16[1..]));
    }

    #[test]
    fn invalid_cids() {
        for cid in [
            "",
            "QmX",
            "QmTestCid",
            "Qm0bWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMn", // 0 is not base58
            "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnRR", // 47 chars
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzd", // one char short
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdj", // non-zero trailing bits
            "BAFYBEIGDYRZT5SFP7UDM7HU76UH7Y26NF3EFUYLQABF3OCLGTQY55FBZDI",
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi1",
            "f01701220C3C4733EC8AFFD06CF9E9FF50FFC6BCD2EC85A6170004BB709669C31DE94391A",
            "f0170122000",
            "..",
            "example.com",
        ] {
            assert!(check_cid(cid).is_err(), "{cid}");
        }
    }

    #[test]
    fn locations() {
        let l = IpfsLocation::parse(&format!("/ipfs/{V0}")).unwrap();
        assert_eq!((l.cid(), l.path()), (V0, format!("/ipfs/{V0}")));
        let l = IpfsLocation::parse(&format!("/ipfs/{V1_B32}/out/result.zip")).unwrap();
        assert_eq!(l.path(), format!("/ipfs/{V1_B32}/out/result.zip"));
        let refused = |loc: String, why: &str| {
            let e = IpfsLocation::parse(&loc).unwrap_err();
            assert!(e.contains(why), "{loc:?}: {e}");
        };
        refused("http://10.0.0.1/ipfs/x".into(), "not an /ipfs/<CID> path");
        refused(format!("//evil.example/ipfs/{V0}"), "not an /ipfs/<CID> path");
        refused(format!("file:///ipfs/{V0}"), "not an /ipfs/<CID> path");
        refused(format!("ipfs/{V0}"), "not an /ipfs/<CID> path");
        refused("/ipfs/../..".into(), "`..`");
        refused(format!("/ipfs/{V0}/../../etc/passwd"), "`..`");
        refused(format!("/ipfs/{V0}/a\\b"), "backslash");
        refused(format!("/ipfs/{V0}\n"), "control characters");
        refused(format!("/ipfs/{V0}/a\u{7f}"), "control characters");
        refused(format!("/ipfs/{V0}/%2e%2e"), "character '%'");
        refused(format!("/ipfs/{V0}/a?x=1"), "character '?'");
        refused(format!("/ipfs/{V0}#x"), "not a valid CID");
        refused(format!("/ipfs/{V0}//x"), "empty");
        refused(format!("/ipfs/{V0}/"), "empty");
        refused(format!("/ipfs/{V0}/./x"), "`.` segment");
        refused("/ipfs/QmTestCid".into(), "not a valid CID");
        refused(format!("/ipfs/{V0}/{}", "a".repeat(600)), "longer than");
        refused("/ipns/example.com".into(), "not an /ipfs/<CID> path");
    }
}
