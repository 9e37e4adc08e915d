//! The beneficiary's Ethereum wallet, needed only to sign SMS pushes (docs/design.md 2).
//!
//! Accepted: a V3 keystore (Web3 Secret Storage: AES-128-CTR, scrypt or PBKDF2-HMAC-SHA256),
//! with the `crypto` member spelled `crypto` (geth) or `Crypto` (ethers, as the iexec CLI stores
//! it in `~/.ethereum/keystore`); an unencrypted iexec `wallet.json` (`{"privateKey": "0x…"}`);
//! or a pasted private key (64 hex digits).
//!
//! The keystore JSON is validated and decrypted here with RustCrypto's `scrypt`, `pbkdf2`,
//! `aes`/`ctr` and `sha3`, not with `eth-keystore` 0.5: that crate requires the lowercase `crypto`
//! spelling (ethers writes `Crypto`) and panics on a short `dklen` or IV, and a wallet file is
//! user input. Signing uses alloy's `PrivateKeySigner` (EIP-191 `personal_sign`).

use std::fmt;
use std::path::{Path, PathBuf};

use aes::cipher::{KeyIvInit, StreamCipher};
use alloy_primitives::{Address, B256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use serde_json::Value;
use sha3::{Digest, Keccak256};
use zeroize::Zeroizing;

use crate::chain::address::checksummed;
use crate::error::{ErrorKind, Result, VaultError};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Upper bounds on KDF costs, against a file crafted to hang the app (geth's "standard" scrypt
/// is N = 2^18; ethers writes N = 2^17).
const MAX_SCRYPT_LOG_N: u8 = 20;
const MAX_PBKDF2_ROUNDS: u32 = 10_000_000;

/// An unlocked wallet: its address and private key (zeroized on drop, redacted in Debug).
#[derive(Clone)]
pub struct Wallet {
    address: Address,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for Wallet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Wallet({}, <private key redacted>)", checksummed(&self.address))
    }
}

fn invalid(message: impl Into<String>) -> VaultError {
    VaultError::new(
        ErrorKind::InvalidWallet,
        message,
        "Choose the wallet file the iexec CLI or your Ethereum wallet exported (a JSON keystore, or iexec's wallet.json), or paste the private key.",
    )
}

impl Wallet {
    /// From 32 private key bytes.
    ///
    /// Errors: `invalid_wallet` (zero or out of the secp256k1 range).
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self> {
        let signer = PrivateKeySigner::from_bytes(&B256::from(*bytes))
            .map_err(|_| invalid("This is not a valid Ethereum private key (out of range)."))?;
        Ok(Wallet { address: signer.address(), key: Zeroizing::new(*bytes) })
    }

    /// From a pasted private key: 64 hex digits, with or without `0x`, spaces ignored.
    ///
    /// Errors: `invalid_wallet`.
    pub fn from_hex(text: &str) -> Result<Self> {
        let t: Zeroizing<String> = Zeroizing::new(text.trim().trim_start_matches("0x").replace([' ', '\n'], ""));
        if t.len() != 64 {
            return Err(invalid(format!("A private key is 64 hexadecimal digits; this has {} characters.", t.len())));
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(t.as_bytes(), bytes.as_mut())
            .map_err(|_| invalid("A private key holds only hexadecimal digits (0-9, a-f)."))?;
        Self::from_bytes(&bytes)
    }

    /// The address, checksummed.
    pub fn address(&self) -> Address {
        self.address
    }

    /// The private key bytes (for storing in the key ring only).
    pub fn secret_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// EIP-191 `personal_sign` of `message`: 65 bytes `r ‖ s ‖ v` with v = 27 or 28.
    ///
    /// Errors: `internal` (signing cannot fail on a valid key).
    pub fn personal_sign(&self, message: &[u8]) -> Result<[u8; 65]> {
        let signer = PrivateKeySigner::from_bytes(&B256::from(*self.key))
            .map_err(|e| VaultError::internal(format!("signer: {e}")))?;
        let sig = signer.sign_message_sync(message).map_err(|e| VaultError::internal(format!("sign: {e}")))?;
        Ok(sig.as_bytes())
    }
}

/// What kind of wallet file this is, without a password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalletFile {
    /// An encrypted V3 keystore (needs its password); its `address` when the file states it.
    Keystore {
        /// From the file's `address` field, if present.
        address: Option<Address>,
    },
    /// An unencrypted iexec `wallet.json`.
    Plain,
}

/// Tells a keystore from a plain `wallet.json`.
///
/// Errors: `invalid_wallet` (not JSON, neither kind).
pub fn classify(text: &str) -> Result<WalletFile> {
    let v: Value = serde_json::from_str(text).map_err(|_| invalid("This file is not a wallet: it is not JSON."))?;
    if crypto_member(&v).is_some() {
        let address = v
            .get("address")
            .and_then(Value::as_str)
            .and_then(|a| format!("0x{}", a.trim_start_matches("0x")).parse().ok());
        return Ok(WalletFile::Keystore { address });
    }
    if v.get("privateKey").is_some() {
        return Ok(WalletFile::Plain);
    }
    Err(invalid("This JSON file is not a wallet: it has neither a keystore's `crypto` nor a `privateKey`."))
}

fn crypto_member(v: &Value) -> Option<&Value> {
    v.get("crypto").or_else(|| v.get("Crypto"))
}

/// Reads an unencrypted iexec `wallet.json`.
///
/// Errors: `invalid_wallet`.
pub fn from_plain_json(text: &str) -> Result<Wallet> {
    let v: Zeroizing<String> = Zeroizing::new(text.to_owned());
    let json: Value = serde_json::from_str(&v).map_err(|_| invalid("This file is not a wallet: it is not JSON."))?;
    let pk =
        json.get("privateKey").and_then(Value::as_str).ok_or_else(|| invalid("The wallet file has no privateKey."))?;
    Wallet::from_hex(pk)
}

fn hex_field(v: &Value, name: &str) -> Result<Vec<u8>> {
    let s = v.get(name).and_then(Value::as_str).ok_or_else(|| invalid(format!("The keystore lacks `{name}`.")))?;
    hex::decode(s.trim_start_matches("0x")).map_err(|_| invalid(format!("The keystore's `{name}` is not hexadecimal.")))
}

fn num_field(v: &Value, name: &str) -> Result<u64> {
    v.get(name).and_then(Value::as_u64).ok_or_else(|| invalid(format!("The keystore lacks a numeric `{name}`.")))
}

/// Decrypts a V3 keystore with `password`.
///
/// Errors: `wrong_password` (MAC mismatch), `invalid_wallet` (corrupt file, unsupported cipher
/// or KDF, each named in the message).
pub fn decrypt_keystore(text: &str, password: &str) -> Result<Wallet> {
    let v: Value =
        serde_json::from_str(text).map_err(|_| invalid("This keystore is not valid JSON: the file is damaged."))?;
    let c = crypto_member(&v).ok_or_else(|| invalid("This file is not a keystore (no `crypto` section)."))?;
    let cipher = c.get("cipher").and_then(Value::as_str).unwrap_or_default();
    if cipher != "aes-128-ctr" {
        return Err(VaultError::new(
            ErrorKind::InvalidWallet,
            format!("This keystore uses the cipher \u{201c}{cipher}\u{201d}, which Result Vault does not support (only aes-128-ctr, the standard one)."),
            "Export the wallet again from your wallet software as a standard keystore, or paste its private key.",
        ));
    }
    let iv = hex_field(c.get("cipherparams").unwrap_or(&Value::Null), "iv")?;
    let ciphertext = hex_field(c, "ciphertext")?;
    let mac = hex_field(c, "mac")?;
    if iv.len() != 16 || mac.len() != 32 || ciphertext.len() != 32 {
        return Err(invalid("The keystore is damaged: its IV, MAC or ciphertext has the wrong length."));
    }
    let params = c.get("kdfparams").ok_or_else(|| invalid("The keystore lacks `kdfparams`."))?;
    let salt = hex_field(params, "salt")?;
    let dklen = num_field(params, "dklen")?;
    if dklen != 32 {
        return Err(invalid(format!("The keystore asks for a {dklen}-byte derived key; standard keystores use 32.")));
    }
    let mut derived = Zeroizing::new([0u8; 32]);
    match c.get("kdf").and_then(Value::as_str).unwrap_or_default() {
        "scrypt" => {
            let n = num_field(params, "n")?;
            let r = num_field(params, "r")?;
            let p = num_field(params, "p")?;
            if !n.is_power_of_two() || n < 2 {
                return Err(invalid("The keystore's scrypt parameter N is not a power of two."));
            }
            let log_n = n.trailing_zeros() as u8;
            if log_n > MAX_SCRYPT_LOG_N || r == 0 || r > 32 || p == 0 || p > 16 {
                return Err(invalid("The keystore's scrypt parameters are out of the range wallets use."));
            }
            let sp = scrypt::Params::new(log_n, r as u32, p as u32, 32)
                .map_err(|_| invalid("The keystore's scrypt parameters are invalid."))?;
            scrypt::scrypt(password.as_bytes(), &salt, &sp, derived.as_mut())
                .map_err(|_| invalid("The keystore's scrypt parameters are invalid."))?;
        }
        "pbkdf2" => {
            let rounds = num_field(params, "c")?;
            let prf = params.get("prf").and_then(Value::as_str).unwrap_or_default();
            if prf != "hmac-sha256" {
                return Err(VaultError::new(
                    ErrorKind::InvalidWallet,
                    format!("This keystore derives its key with PBKDF2 and \u{201c}{prf}\u{201d}, which Result Vault does not support (only hmac-sha256)."),
                    "Export the wallet again as a standard keystore, or paste its private key.",
                ));
            }
            if rounds == 0 || rounds > u64::from(MAX_PBKDF2_ROUNDS) {
                return Err(invalid("The keystore's PBKDF2 round count is out of the range wallets use."));
            }
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &salt, rounds as u32, derived.as_mut());
        }
        other => {
            return Err(VaultError::new(
                ErrorKind::InvalidWallet,
                format!("This keystore uses the key derivation \u{201c}{other}\u{201d}, which Result Vault does not support (scrypt or pbkdf2)."),
                "Export the wallet again as a standard keystore, or paste its private key.",
            ))
        }
    }
    let check = Keccak256::new().chain_update(&derived[16..32]).chain_update(&ciphertext).finalize();
    if check.as_slice() != mac.as_slice() {
        return Err(VaultError::new(
            ErrorKind::WrongPassword,
            "This password does not open the wallet keystore.",
            "Type the password you chose when the wallet was created (the iexec CLI asks for it at `iexec wallet create`). Letter case matters.",
        ));
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&ciphertext);
    // Lengths were checked above (IV 16 bytes); the error is only a guard.
    let mut cipher =
        Aes128Ctr::new_from_slices(&derived[..16], &iv).map_err(|_| invalid("The keystore's IV is not 16 bytes."))?;
    cipher.apply_keystream(key.as_mut());
    Wallet::from_bytes(&key)
}

/// A keystore found in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundKeystore {
    /// The file.
    pub path: PathBuf,
    /// Its address, when the file states it.
    pub address: Option<Address>,
}

/// The keystores in `dir` (the iexec CLI's is `~/.ethereum/keystore`), sorted by file name.
/// Unreadable or non-keystore files are skipped.
pub fn keystores_in(dir: &Path) -> Vec<FoundKeystore> {
    let Ok(rd) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<FoundKeystore> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && std::fs::metadata(p).is_ok_and(|m| m.len() < 64 * 1024))
        .filter_map(|p| match std::fs::read_to_string(&p).ok().map(|t| classify(&t)) {
            Some(Ok(WalletFile::Keystore { address })) => Some(FoundKeystore { path: p, address }),
            _ => None,
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// `~/.ethereum/keystore`, where the iexec CLI keeps wallets.
pub fn default_keystore_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|h| h.join(".ethereum").join("keystore"))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The well-known Hardhat/ganache account 0 (public test key, never funded anywhere real).
    const PK: &str = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const ADDR: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

    #[test]
    fn pasted_key_and_plain_wallet_json() {
        let w = Wallet::from_hex(&format!("0x{PK}")).unwrap();
        assert_eq!(checksummed(&w.address()), ADDR);
        assert!(!format!("{w:?}").contains(PK), "Debug is redacted");
        let w2 = from_plain_json(&format!(r#"{{"privateKey":"0x{PK}","address":"{ADDR}"}}"#)).unwrap();
        assert_eq!(w2.address(), w.address());
        assert_eq!(Wallet::from_hex("12").unwrap_err().kind, ErrorKind::InvalidWallet);
        assert_eq!(Wallet::from_hex(&"0".repeat(64)).unwrap_err().kind, ErrorKind::InvalidWallet);
        assert_eq!(classify("{}").unwrap_err().kind, ErrorKind::InvalidWallet);
        assert_eq!(classify(r#"{"privateKey":"x"}"#).unwrap(), WalletFile::Plain);
    }

    #[test]
    fn keystore_errors_are_specific_and_never_panic() {
        let base = serde_json::json!({"version":3,"Crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"00".repeat(16)},
            "ciphertext":"11".repeat(32),"kdf":"pbkdf2","kdfparams":{"c":10,"dklen":32,"prf":"hmac-sha256","salt":"22".repeat(32)},
            "mac":"33".repeat(32)}});
        assert_eq!(decrypt_keystore(&base.to_string(), "pw").unwrap_err().kind, ErrorKind::WrongPassword);
        let mut v = base.clone();
        v["Crypto"]["cipher"] = "aes-128-cbc".into();
        assert!(decrypt_keystore(&v.to_string(), "pw").unwrap_err().message.contains("aes-128-cbc"));
        let mut v = base.clone();
        v["Crypto"]["kdfparams"]["dklen"] = 16.into();
        assert_eq!(decrypt_keystore(&v.to_string(), "pw").unwrap_err().kind, ErrorKind::InvalidWallet);
        let mut v = base.clone();
        v["Crypto"]["cipherparams"]["iv"] = "00".into();
        assert_eq!(decrypt_keystore(&v.to_string(), "pw").unwrap_err().kind, ErrorKind::InvalidWallet);
        let mut v = base;
        v["Crypto"]["kdf"] = "argon2".into();
        assert!(decrypt_keystore(&v.to_string(), "pw").unwrap_err().message.contains("argon2"));
        assert_eq!(decrypt_keystore("{not json", "pw").unwrap_err().kind, ErrorKind::InvalidWallet);
        assert_eq!(decrypt_keystore("{}", "pw").unwrap_err().kind, ErrorKind::InvalidWallet);
    }
}
