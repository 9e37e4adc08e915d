//! Beneficiary RSA private keys: parsing, fingerprints, and loading from files or from a folder
//! laid out like the iexec CLI's `.secrets/beneficiary/`.
//!
//! Accepted (docs/design.md 1.6): PKCS#8 PEM (`BEGIN PRIVATE KEY`, what `iexec result
//! generate-encryption-keypair` writes), PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), with or without a
//! trailing newline (DataProtector hands keys out without one). Refused with
//! [`ErrorKind::InvalidKeyFile`](crate::ErrorKind::InvalidKeyFile): public keys, encrypted PEM,
//! non-RSA keys, anything else.

use std::fmt;
use std::path::{Path, PathBuf};

use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Largest key file read (a 16384-bit PKCS#8 PEM is about 13 KB): bigger files are not keys.
pub const MAX_KEY_FILE_BYTES: u64 = 1 << 20;

/// SHA-256 of a public key's SubjectPublicKeyInfo DER (docs/design.md section 4).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub [u8; 32]);

impl Fingerprint {
    /// Fingerprint of `key`'s public half.
    pub fn of(key: &RsaPrivateKey) -> Result<Self> {
        let der = key
            .to_public_key()
            .to_public_key_der()
            .map_err(|e| Error::internal(format!("could not encode a public key: {e}")))?;
        Ok(Fingerprint(Sha256::digest(der.as_bytes()).into()))
    }

    /// 64 lowercase hex digits: the form used in JSON and files.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The first 8 bytes, uppercase, in groups of 4 hex digits (`3F2A 91C0 77DE 0B44`): the form
    /// shown to people, long enough to tell keys apart at a glance.
    pub fn short(&self) -> String {
        group4(&hex::encode_upper(&self.0[..8]))
    }
}

/// Groups a hex string by 4 digits separated by spaces.
pub fn group4(hex: &str) -> String {
    hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or("")).collect::<Vec<_>>().join(" ")
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({})", self.to_hex())
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A private key ready to try on an archive, with where it came from.
///
/// The RSA key zeroizes itself when dropped (`rsa` implements `ZeroizeOnDrop`); `Debug` never
/// prints key material.
#[derive(Clone)]
pub struct KeyCandidate {
    /// A name for people: the key file's name, or the key ring label.
    pub label: String,
    /// SHA-256 of the SPKI DER.
    pub fingerprint: Fingerprint,
    /// The private key.
    pub key: RsaPrivateKey,
}

impl KeyCandidate {
    /// Size of the modulus in bytes (512 for RSA-4096): the length of a ciphertext it decrypts.
    pub fn modulus_len(&self) -> usize {
        self.key.size()
    }
}

impl fmt::Debug for KeyCandidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCandidate")
            .field("label", &self.label)
            .field("fingerprint", &self.fingerprint)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Parses a PEM private key (PKCS#8 or PKCS#1, RSA). `source` names it in messages.
///
/// Errors: `invalid_key_file` with a message that says what the text is instead (a public key,
/// an encrypted key, a non-RSA key, not PEM at all).
pub fn parse_private_key_pem(pem: &str, source: &str) -> Result<RsaPrivateKey> {
    let text = pem.trim();
    let pick_private =
        "Choose the private key file (for the iexec CLI: `.secrets/beneficiary/<address>_key`, not the `.pub` file).";
    if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
        return Err(Error::invalid_key(
            format!("{source} is a password-protected private key, which Result Vault cannot read."),
            "Remove the password first (for example `openssl pkey -in KEY -out KEY.pem`), then choose the new file.",
        ));
    }
    if text.contains("-----BEGIN PUBLIC KEY-----") || text.contains("-----BEGIN RSA PUBLIC KEY-----") {
        return Err(Error::invalid_key(format!("{source} is a public key: it cannot decrypt anything."), pick_private));
    }
    if text.contains("-----BEGIN RSA PRIVATE KEY-----") {
        return RsaPrivateKey::from_pkcs1_pem(&normalise_pem(text)).map_err(|_| {
            Error::invalid_key(
                format!("{source} looks like an RSA private key but could not be read (damaged?)."),
                pick_private,
            )
        });
    }
    if text.contains("-----BEGIN PRIVATE KEY-----") {
        return RsaPrivateKey::from_pkcs8_pem(&normalise_pem(text)).map_err(|e| {
            let what = if e.to_string().contains("algorithm") || e.to_string().contains("OID") {
                "is a private key, but not an RSA key"
            } else {
                "looks like a private key but could not be read (damaged?)"
            };
            Error::invalid_key(format!("{source} {what}."), pick_private)
        });
    }
    if text.contains("-----BEGIN") {
        return Err(Error::invalid_key(format!("{source} is a PEM file, but not a private key."), pick_private));
    }
    Err(Error::invalid_key(format!("{source} is not a key file."), pick_private))
}

/// Cuts away text around the PEM block and makes line endings `\n`, so that keys pasted with a
/// title line, CRLF endings or no trailing newline parse.
fn normalise_pem(text: &str) -> Zeroizing<String> {
    let text = text.replace("\r\n", "\n");
    let start = text.find("-----BEGIN").unwrap_or(0);
    let end = text[start..]
        .find("-----END")
        .and_then(|e| text[start + e..].find("\n").map(|n| start + e + n).or(Some(text.len())))
        .unwrap_or(text.len());
    Zeroizing::new(format!("{}\n", text[start..end].trim_end()))
}

/// Reads and parses one key file.
pub fn load_key_file(path: &Path) -> Result<KeyCandidate> {
    let label =
        path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let meta = std::fs::metadata(path).map_err(|e| Error::io("read the key file", path, &e))?;
    if meta.len() > MAX_KEY_FILE_BYTES {
        return Err(Error::invalid_key(
            format!("{label} is too large to be a key file."),
            "Choose the private key file.",
        ));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| Error::io("read the key file", path, &e))?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::invalid_key(
            format!("{label} is not a key file (it is not text)."),
            "Choose the private key file (a PEM text file).",
        )
    })?;
    let key = parse_private_key_pem(text, &label)?;
    Ok(KeyCandidate { fingerprint: Fingerprint::of(&key)?, label, key })
}

/// Loads keys from `path`: a key file, or a folder like `.secrets/beneficiary/` whose every
/// `*_key` file is a private key (the `*_key.pub` beside them are public keys and are skipped).
///
/// A folder with no `*_key` file, or with one that does not parse, is `invalid_key_file`.
pub fn load_keys(path: &Path) -> Result<Vec<KeyCandidate>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("open the key", path, &e))?;
    if !meta.is_dir() {
        return Ok(vec![load_key_file(path)?]);
    }
    let files = key_files_in(path)?;
    if files.is_empty() {
        return Err(Error::invalid_key(
            format!("The folder {} holds no private key (no file named like `0x…_key`).", path.display()),
            "Choose the `.secrets/beneficiary` folder where the iexec CLI saved your keys, or a key file.",
        ));
    }
    files.iter().map(|f| load_key_file(f)).collect()
}

/// The `*_key` files of a folder, sorted by name (the iexec CLI's naming: `<0xAddress>_key`).
pub fn key_files_in(dir: &Path) -> Result<Vec<PathBuf>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io("list the folder", dir, &e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io("list the folder", dir, &e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with("_key") && entry.path().is_file() {
            out.push(entry.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Loads and de-duplicates keys from several paths (files or folders), keeping the first label
/// seen for each fingerprint.
pub fn load_key_paths(paths: &[PathBuf]) -> Result<Vec<KeyCandidate>> {
    let mut out: Vec<KeyCandidate> = Vec::new();
    for p in paths {
        for k in load_keys(p)? {
            if !out.iter().any(|o| o.fingerprint == k.fingerprint) {
                out.push(k);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group4_groups() {
        assert_eq!(group4("3F2A91C077DE0B44"), "3F2A 91C0 77DE 0B44");
    }

    #[test]
    fn garbage_public_and_encrypted_are_refused_with_their_reason() {
        let e = parse_private_key_pem("hello", "k").unwrap_err();
        assert!(e.message.contains("not a key file"));
        let e = parse_private_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "k").unwrap_err();
        assert!(e.message.contains("public key"));
        let e = parse_private_key_pem(
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----",
            "k",
        )
        .unwrap_err();
        assert!(e.message.contains("password-protected"));
        let e = parse_private_key_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "k").unwrap_err();
        assert!(e.message.contains("could not be read") || e.message.contains("not an RSA"));
    }

    #[test]
    fn debug_output_is_redacted() {
        let key = RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).unwrap();
        let c = KeyCandidate { label: "k".into(), fingerprint: Fingerprint::of(&key).unwrap(), key };
        let dbg = format!("{c:?}");
        assert!(dbg.contains("<redacted>"));
        use rsa::traits::PrivateKeyParts;
        let d = c.key.d().to_string();
        assert!(!dbg.contains(&d[..20]));
    }
}
