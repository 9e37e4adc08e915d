//! Unwrapping the one-time AES key from `aes-key.rsa` with the beneficiary's RSA keys.
//!
//! Rule of the reference client (iExec SDK 9.0.1, `decryptResult`; docs/design.md 1.2): try the raw
//! form first (RSA PKCS#1 v1.5 → 32-byte key → AES-256-CBC); if RSA fails, try the base64 form
//! (base64 → RSA PKCS#1 v1.5 → base64 text → 16-byte key → AES-128-ECB). The cipher follows the
//! key length.

use base64::Engine as _;
use rsa::Pkcs1v15Encrypt;
use zeroize::Zeroizing;

use crate::archive::cipher::AesKey;
use crate::error::{Error, ErrorFacts, ErrorKind, Result};
use crate::keys::KeyCandidate;

/// The key that opened an archive, with the AES key it unwrapped.
#[derive(Debug)]
pub struct Unwrapped<'k> {
    /// Which candidate key worked.
    pub by: &'k KeyCandidate,
    /// The AES key and construction.
    pub aes: AesKey,
}

/// Tries each candidate on `wrapped` (the bytes of `aes-key.rsa`), in order.
///
/// Errors: `no_matching_key` listing every fingerprint tried (or saying that no key was given).
pub fn unwrap_aes_key<'k>(wrapped: &[u8], candidates: &'k [KeyCandidate]) -> Result<Unwrapped<'k>> {
    if candidates.is_empty() {
        return Err(Error::new(
            ErrorKind::NoMatchingKey,
            "This result is encrypted and no private key was given to open it.",
            "Choose your beneficiary private key file, or the `.secrets/beneficiary` folder of the iexec CLI.",
        ));
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let wrapped_b64: Option<Zeroizing<Vec<u8>>> = {
        let compact: Vec<u8> = wrapped.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
        b64.decode(compact).ok().map(Zeroizing::new)
    };
    for cand in candidates {
        // Raw form: the ciphertext is exactly one modulus long.
        if wrapped.len() == cand.modulus_len() {
            if let Ok(k) = cand.key.decrypt(Pkcs1v15Encrypt, wrapped) {
                let k = Zeroizing::new(k);
                if k.len() == 32 {
                    let mut key = Zeroizing::new([0u8; 32]);
                    key.copy_from_slice(&k);
                    return Ok(Unwrapped { by: cand, aes: AesKey::Cbc256(key) });
                }
            }
        }
        // Legacy form.
        if let Some(ct) = wrapped_b64.as_ref().filter(|ct| ct.len() == cand.modulus_len()) {
            if let Ok(text) = cand.key.decrypt(Pkcs1v15Encrypt, ct) {
                let text = Zeroizing::new(text);
                if let Ok(k) = b64.decode(text.trim_ascii()).map(Zeroizing::new) {
                    if k.len() == 16 {
                        let mut key = Zeroizing::new([0u8; 16]);
                        key.copy_from_slice(&k);
                        return Ok(Unwrapped { by: cand, aes: AesKey::Ecb128(key) });
                    }
                    if k.len() == 32 {
                        let mut key = Zeroizing::new([0u8; 32]);
                        key.copy_from_slice(&k);
                        return Ok(Unwrapped { by: cand, aes: AesKey::Cbc256(key) });
                    }
                }
            }
        }
    }
    let tried: Vec<String> = candidates.iter().map(|c| format!("{} ({})", c.fingerprint.short(), c.label)).collect();
    Err(Error::new(
        ErrorKind::NoMatchingKey,
        format!(
            "None of your keys can open this result. Tried {} key{}: {}.",
            candidates.len(),
            if candidates.len() == 1 { "" } else { "s" },
            tried.join(", ")
        ),
        "The result was encrypted for another key. If you used DataProtector or another tool, it may have pushed its own key to the SMS: import that key. Otherwise, choose the private key that was set for this beneficiary when the task ran.",
    )
    .with_facts(ErrorFacts { keys_tried: tried, ..ErrorFacts::default() }))
}
