//! The iExec Secret Management Service, for the beneficiary's result encryption key
//! (docs/design.md 2): check (HEAD), create (POST) or update (PUT) the secret
//! `iexec-result-encryption-public-key` = base64 of the SPKI PEM text, signed with EIP-191 over
//! `keccak256(keccak256("IEXEC_SMS_DOMAIN") ‖ owner ‖ keccak256(name) ‖ keccak256(value))`
//! (the iexec SDK's `getChallengeForSetWeb2Secret`).

use std::time::Duration;

use alloy_primitives::{keccak256, Address, B256};
use base64::Engine as _;
use serde::Serialize;

use crate::chain::address::checksummed;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{client, describe_send_error, network_error, read_limited};
use crate::wallet::Wallet;

/// The secret's name.
pub const SECRET_NAME: &str = "iexec-result-encryption-public-key";
/// The SMS refuses larger values (HTTP 413).
pub const MAX_VALUE_BYTES: usize = 4096;
/// Time allowed for one SMS request.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest SMS answer read (bytes, 64 KiB). The SMS answers a push with an empty body or a
/// short message (a Spring Boot error object is well under 1 KB); anything larger is refused
/// before it is used (docs/design.md 3.5).
pub const MAX_ANSWER_BYTES: u64 = 64 << 10;

/// The value stored: base64 (standard, padded) of the SPKI PEM text.
pub fn secret_value(public_pem: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(public_pem.as_bytes())
}

/// The 32-byte challenge signed for setting `value` as `owner`'s secret `name`.
pub fn challenge(owner: &Address, name: &str, value: &str) -> B256 {
    let domain = keccak256(b"IEXEC_SMS_DOMAIN");
    let mut buf = Vec::with_capacity(32 + 20 + 32 + 32);
    buf.extend_from_slice(domain.as_slice());
    buf.extend_from_slice(owner.as_slice());
    buf.extend_from_slice(keccak256(name.as_bytes()).as_slice());
    buf.extend_from_slice(keccak256(value.as_bytes()).as_slice());
    keccak256(&buf)
}

/// The `Authorization` header: `0x` + hex of `r ‖ s ‖ v` (v = 27 or 28) of the EIP-191
/// signature of the challenge's 32 raw bytes.
pub fn authorization(wallet: &Wallet, value: &str) -> Result<String> {
    let c = challenge(&wallet.address(), SECRET_NAME, value);
    Ok(format!("0x{}", hex::encode(wallet.personal_sign(c.as_slice())?)))
}

/// How a push went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PushOutcome {
    /// SMS base URL.
    pub sms_url: String,
    /// Owner (beneficiary) address, checksummed.
    pub address: String,
    /// `true` when created (POST), `false` when updated (PUT).
    pub created: bool,
    /// HTTP status of the successful answer.
    pub status: u16,
}

/// An SMS endpoint.
pub struct Sms {
    url: String,
    http: reqwest::blocking::Client,
}

const NET_HINT: &str =
    "Check your connection and the network's SMS URL in Settings, then try again. Nothing was changed.";

impl Sms {
    /// A client for the SMS at `url`.
    pub fn new(url: &str) -> Result<Self> {
        Ok(Sms { url: url.trim_end_matches('/').to_owned(), http: client(TIMEOUT)? })
    }

    fn endpoint(&self) -> String {
        format!("{}/secrets/web2", self.url)
    }

    /// Whether a result encryption key is set for `owner` (HEAD: 2xx yes, 404 no).
    ///
    /// Errors: `network` (unreachable, any other status).
    pub fn check(&self, owner: &Address) -> Result<bool> {
        let resp = self
            .http
            .head(self.endpoint())
            .query(&[("ownerAddress", checksummed(owner).as_str()), ("secretName", SECRET_NAME)])
            .send()
            .map_err(|e| {
                network_error(
                    format!("The SMS {} cannot be reached ({}).", self.url, describe_send_error(&e)),
                    NET_HINT,
                )
            })?;
        // A HEAD answer has no body to read (its Content-Length is that of a GET).
        match resp.status().as_u16() {
            200..=299 => Ok(true),
            404 => Ok(false),
            s => Err(network_error(format!("The SMS {} answered HTTP {s} to the key check.", self.url), NET_HINT)),
        }
    }

    /// Sets `public_pem` as `wallet`'s result encryption key: POST when `create`, else PUT.
    ///
    /// Errors: `sms_unauthorized` (401), `sms_key_absent` (404 on PUT), `sms_key_exists` (409
    /// on POST), `sms_value_too_large` (413, also checked before sending), `network`.
    pub fn set(&self, wallet: &Wallet, public_pem: &str, create: bool) -> Result<PushOutcome> {
        let value = secret_value(public_pem);
        if value.len() > MAX_VALUE_BYTES {
            return Err(too_large(value.len()));
        }
        let owner = checksummed(&wallet.address());
        let auth = authorization(wallet, &value)?;
        let req = if create { self.http.post(self.endpoint()) } else { self.http.put(self.endpoint()) };
        let resp = req
            .query(&[("ownerAddress", owner.as_str()), ("secretName", SECRET_NAME)])
            .header("Authorization", auth)
            .header("Content-Type", "text/plain")
            .body(value.clone())
            .send()
            .map_err(|e| {
                network_error(
                    format!("The SMS {} cannot be reached ({}).", self.url, describe_send_error(&e)),
                    NET_HINT,
                )
            })?;
        let status = resp.status().as_u16();
        // The answer is read (bounded) whatever the status: its words explain an unexpected one.
        let body = read_limited(resp, MAX_ANSWER_BYTES, &format!("The SMS {}", self.url))?;
        let said = answer_words(&body);
        match status {
            200..=299 => Ok(PushOutcome { sms_url: self.url.clone(), address: owner, created: create, status }),
            401 => Err(Error::new(
                ErrorKind::SmsUnauthorized,
                format!("The SMS {} refused the signature of {owner} (HTTP 401).", self.url),
                "The wallet must be the beneficiary's own wallet (the address the key is for). Import that wallet and try again.",
            )),
            404 => Err(Error::new(
                ErrorKind::SmsKeyAbsent,
                format!("The SMS {} holds no key for {owner} to update (HTTP 404).", self.url),
                "Push it as a new key instead (Result Vault does this by itself when it checks first).",
            )),
            409 => Err(Error::new(
                ErrorKind::SmsKeyExists,
                format!("The SMS {} already holds a key for {owner} (HTTP 409).", self.url),
                "Update it instead (replace), after making sure the key there is backed up or no longer needed.",
            )),
            413 => Err(too_large(value.len())),
            s => Err(network_error(format!("The SMS {} answered HTTP {s} to the push{said}.", self.url), NET_HINT)),
        }
    }

    /// Checks, then creates or updates: the push a person means.
    pub fn push(&self, wallet: &Wallet, public_pem: &str) -> Result<PushOutcome> {
        let exists = self.check(&wallet.address())?;
        self.set(wallet, public_pem, !exists)
    }
}

/// The first words of an SMS answer, for a message: `: "…"` (printable characters only, at most
/// 200), or nothing for an empty answer.
fn answer_words(body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(body).chars().filter(|c| !c.is_control()).take(200).collect();
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(": \u{201c}{text}\u{201d}")
    }
}

fn too_large(len: usize) -> Error {
    Error::new(
        ErrorKind::SmsValueTooLarge,
        format!("The key is {len} bytes once encoded; the SMS accepts at most {MAX_VALUE_BYTES} (HTTP 413)."),
        "Use an RSA key of 4,096 bits or less (Result Vault generates RSA-4096, which fits).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_constant_matches_the_design() {
        assert_eq!(
            keccak256(b"IEXEC_SMS_DOMAIN").to_string(),
            "0x0a26923d45a019b77e856d0001681f98ab9707ec15b2b98048cc91eed00b6793"
        );
    }
}
