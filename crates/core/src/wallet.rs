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
use crate::error::{Error, ErrorKind, Result};

type Aes128Ctr = ctr::Ctr128BE<aes::Aes128>;

/// Caps on what a keystore may ask of the machine, checked before any derivation (and so before
/// scrypt allocates its `128 * n * r` bytes). A wallet file is user input: without them, a file
/// with `n = 2^30` asks for 128 GiB and hangs or kills the app.
///
/// The caps are what real wallets write, and no more:
/// - the Web3 Secret Storage Definition (version 3, <https://ethereum.org/en/developers/docs/data-structures-and-encoding/web3-secret-storage/>)
///   fixes `dklen` = 32 and AES-128-CTR (16-byte IV, and a 32-byte secp256k1 key as
///   ciphertext, with a 32-byte Keccak-256 MAC); its test vectors use PBKDF2 with `c` = 262144,
///   and scrypt with `n` = 262144, `r` = 1, `p` = 8;
/// - geth (go-ethereum `accounts/keystore/passphrase.go`): `StandardScryptN = 1 << 18`,
///   `StandardScryptP = 1`, `LightScryptN = 1 << 12`, `LightScryptP = 6`, `scryptR = 8`,
///   `scryptDKLen = 32`, 32-byte salts; "standard" is 256 MiB and about a second;
/// - ethers v5 and v6 (what the iexec CLI uses): scrypt `n` = 2^17, `r` = 8, `p` = 1;
/// - eth-keyfile (web3.py, eth-account): scrypt `n` = 262144, `r` = 1, `p` = 8, PBKDF2 `c` =
///   1,000,000, 16-byte salts.
///
/// So: `n` at most 2^18, `r` at most 8, `p` at most 8, and the work `n * r * p` at most geth's
/// standard 2^21 (which also bounds the memory, `128 * n * r`, to 256 MiB); PBKDF2 `c` at most
/// 2^20 (1,048,576: eth-keyfile's 1,000,000 and a little more). A larger value is refused with
/// `invalid_wallet` and a message that names the parameter and the cap.
pub const MAX_SCRYPT_N: u64 = 1 << 18;
/// See [`MAX_SCRYPT_N`].
pub const MAX_SCRYPT_R: u64 = 8;
/// See [`MAX_SCRYPT_N`].
pub const MAX_SCRYPT_P: u64 = 8;
/// The largest scrypt work `n * r * p`: geth's standard (2^18 * 8 * 1), also the spec's vector
/// (2^18 * 1 * 8). See [`MAX_SCRYPT_N`].
pub const MAX_SCRYPT_WORK: u64 = 1 << 21;
/// The largest PBKDF2 round count `c`. See [`MAX_SCRYPT_N`].
pub const MAX_PBKDF2_ROUNDS: u64 = 1 << 20;
/// The largest salt, in bytes (geth and ethers write 32, eth-keyfile 16).
pub const MAX_SALT_BYTES: usize = 64;
/// The largest keystore file, in bytes (a keystore is about 500 bytes).
pub const MAX_KEYSTORE_BYTES: usize = 64 * 1024;

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

fn invalid(message: impl Into<String>) -> Error {
    Error::new(
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
            .map_err(|e| Error::internal(format!("signer: {e}")))?;
        let sig = signer.sign_message_sync(message).map_err(|e| Error::internal(format!("sign: {e}")))?;
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

/// A keystore's key derivation, checked against the caps (see [`MAX_SCRYPT_N`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeystoreKdf {
    /// scrypt with `n = 2^log_n`.
    Scrypt {
        /// log2 of `n`.
        log_n: u8,
        /// Block size.
        r: u32,
        /// Parallelism.
        p: u32,
    },
    /// PBKDF2-HMAC-SHA256.
    Pbkdf2 {
        /// Rounds (`c`).
        rounds: u32,
    },
}

impl KeystoreKdf {
    /// The work a derivation does, in comparable units: scrypt `n * r * p`, PBKDF2 `c`.
    pub fn work(&self) -> u64 {
        match *self {
            KeystoreKdf::Scrypt { log_n, r, p } => (1u64 << log_n) * u64::from(r) * u64::from(p),
            KeystoreKdf::Pbkdf2 { rounds } => u64::from(rounds),
        }
    }
}

/// A V3 keystore read and checked without its password: the cipher, every length and the
/// KDF's cost are within bounds; nothing has been derived yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedKeystore {
    /// The key derivation and its parameters.
    pub kdf: KeystoreKdf,
    salt: Vec<u8>,
    iv: [u8; 16],
    ciphertext: [u8; 32],
    mac: [u8; 32],
}

fn fixed<const N: usize>(bytes: Vec<u8>, name: &str) -> Result<[u8; N]> {
    let len = bytes.len();
    bytes.try_into().map_err(|_| {
        invalid(format!("The keystore is damaged: its `{name}` is {len} bytes long; a standard keystore's is {N}."))
    })
}

fn over_cap(name: &str, value: u64, cap: u64, what: &str) -> Error {
    invalid(format!(
        "The keystore's {name} is {value}; Result Vault accepts at most {cap} ({what}), what wallets write."
    ))
}

/// Reads and checks a V3 keystore without deriving anything: cheap whatever the file says.
/// [`decrypt_keystore`] is this, then the key derivation.
///
/// Errors: `invalid_wallet` (not a keystore, an unsupported cipher or KDF, a wrong length, a
/// cost above the caps of [`MAX_SCRYPT_N`], each named in the message).
pub fn parse_keystore(text: &str) -> Result<ParsedKeystore> {
    if text.len() > MAX_KEYSTORE_BYTES {
        return Err(invalid(format!(
            "This file is too large to be a keystore ({} bytes; a keystore is about 500).",
            text.len()
        )));
    }
    let v: Value =
        serde_json::from_str(text).map_err(|_| invalid("This keystore is not valid JSON: the file is damaged."))?;
    let c = crypto_member(&v).ok_or_else(|| invalid("This file is not a keystore (no `crypto` section)."))?;
    let cipher = c.get("cipher").and_then(Value::as_str).unwrap_or_default();
    if cipher != "aes-128-ctr" {
        return Err(Error::new(
            ErrorKind::InvalidWallet,
            format!("This keystore uses the cipher \u{201c}{cipher}\u{201d}, which Result Vault does not support (only aes-128-ctr, the standard one)."),
            "Export the wallet again from your wallet software as a standard keystore, or paste its private key.",
        ));
    }
    let iv = fixed::<16>(hex_field(c.get("cipherparams").unwrap_or(&Value::Null), "iv")?, "iv")?;
    let ciphertext = fixed::<32>(hex_field(c, "ciphertext")?, "ciphertext")?;
    let mac = fixed::<32>(hex_field(c, "mac")?, "mac")?;
    let params = c.get("kdfparams").ok_or_else(|| invalid("The keystore lacks `kdfparams`."))?;
    let dklen = num_field(params, "dklen")?;
    if dklen != 32 {
        return Err(invalid(format!(
            "The keystore's dklen is {dklen}; Result Vault accepts only 32 (the Web3 Secret Storage standard)."
        )));
    }
    let salt = hex_field(params, "salt")?;
    if salt.is_empty() || salt.len() > MAX_SALT_BYTES {
        return Err(invalid(format!(
            "The keystore's salt is {} bytes long; Result Vault accepts 1 to {MAX_SALT_BYTES} (wallets write 16 or 32).",
            salt.len()
        )));
    }
    let kdf = match c.get("kdf").and_then(Value::as_str).unwrap_or_default() {
        "scrypt" => {
            let n = num_field(params, "n")?;
            let r = num_field(params, "r")?;
            let p = num_field(params, "p")?;
            if n > MAX_SCRYPT_N {
                return Err(over_cap("scrypt parameter n", n, MAX_SCRYPT_N, "2^18, geth's standard"));
            }
            if r > MAX_SCRYPT_R {
                return Err(over_cap("scrypt parameter r", r, MAX_SCRYPT_R, "geth's and ethers' value"));
            }
            if p > MAX_SCRYPT_P {
                return Err(over_cap("scrypt parameter p", p, MAX_SCRYPT_P, "the Web3 Secret Storage example's value"));
            }
            if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
                return Err(invalid(format!(
                    "The keystore's scrypt parameters are invalid (n = {n}, r = {r}, p = {p}): n must be a power of two from 2, r and p at least 1."
                )));
            }
            // n, r, p are at most 2^18, 8 and 8 here: the product cannot overflow.
            if n * r * p > MAX_SCRYPT_WORK {
                return Err(over_cap(
                    "scrypt work n \u{b7} r \u{b7} p",
                    n * r * p,
                    MAX_SCRYPT_WORK,
                    "geth's standard, 2^18 \u{b7} 8 \u{b7} 1",
                ));
            }
            let log_n = n.trailing_zeros() as u8;
            // The scrypt crate also requires n < 2^(16 r) (RFC 7914); eth-keyfile's n = 2^18 with
            // r = 1 is beyond it.
            scrypt::Params::new(log_n, r as u32, p as u32, 32).map_err(|_| {
                invalid(format!(
                    "The keystore's scrypt parameters n = {n}, r = {r}, p = {p} cannot be computed here (RFC 7914 requires n < 2^(16 \u{b7} r))."
                ))
            })?;
            KeystoreKdf::Scrypt { log_n, r: r as u32, p: p as u32 }
        }
        "pbkdf2" => {
            let prf = params.get("prf").and_then(Value::as_str).unwrap_or_default();
            if prf != "hmac-sha256" {
                return Err(Error::new(
                    ErrorKind::InvalidWallet,
                    format!("This keystore derives its key with PBKDF2 and \u{201c}{prf}\u{201d}, which Result Vault does not support (only hmac-sha256)."),
                    "Export the wallet again as a standard keystore, or paste its private key.",
                ));
            }
            let rounds = num_field(params, "c")?;
            if rounds > MAX_PBKDF2_ROUNDS {
                return Err(over_cap("PBKDF2 round count c", rounds, MAX_PBKDF2_ROUNDS, "2^20"));
            }
            if rounds == 0 {
                return Err(invalid("The keystore's PBKDF2 round count c is 0."));
            }
            KeystoreKdf::Pbkdf2 { rounds: rounds as u32 }
        }
        other => {
            return Err(Error::new(
                ErrorKind::InvalidWallet,
                format!("This keystore uses the key derivation \u{201c}{other}\u{201d}, which Result Vault does not support (scrypt or pbkdf2)."),
                "Export the wallet again as a standard keystore, or paste its private key.",
            ))
        }
    };
    Ok(ParsedKeystore { kdf, salt, iv, ciphertext, mac })
}

impl ParsedKeystore {
    /// Derives the key from `password` (at most [`MAX_SCRYPT_WORK`] or [`MAX_PBKDF2_ROUNDS`] of
    /// work: up to 256 MiB and about a second; call it without holding the key ring's lock, as
    /// [`crate::vault::Vault::import_wallet_file`] does), checks the MAC and decrypts.
    ///
    /// Errors: `wrong_password` (MAC mismatch), `invalid_wallet` (not a valid private key).
    pub fn decrypt(&self, password: &str) -> Result<Wallet> {
        let mut derived = Zeroizing::new([0u8; 32]);
        match self.kdf {
            KeystoreKdf::Scrypt { log_n, r, p } => {
                let sp = scrypt::Params::new(log_n, r, p, 32)
                    .map_err(|_| invalid("The keystore's scrypt parameters are invalid."))?;
                scrypt::scrypt(password.as_bytes(), &self.salt, &sp, derived.as_mut())
                    .map_err(|_| invalid("The keystore's scrypt parameters are invalid."))?;
            }
            KeystoreKdf::Pbkdf2 { rounds } => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &self.salt, rounds, derived.as_mut());
            }
        }
        let check = Keccak256::new().chain_update(&derived[16..32]).chain_update(self.ciphertext).finalize();
        if check.as_slice() != self.mac.as_slice() {
            return Err(Error::new(
                ErrorKind::WrongPassword,
                "This password does not open the wallet keystore.",
                "Type the password you chose when the wallet was created (the iexec CLI asks for it at `iexec wallet create`). Letter case matters.",
            ));
        }
        let mut key = Zeroizing::new(self.ciphertext);
        // The key is 16 bytes and the IV 16 (checked by `parse_keystore`); the error is a guard.
        let mut cipher = Aes128Ctr::new_from_slices(&derived[..16], &self.iv)
            .map_err(|_| invalid("The keystore's IV is not 16 bytes."))?;
        cipher.apply_keystream(key.as_mut());
        Wallet::from_bytes(&key)
    }
}

/// Decrypts a V3 keystore with `password`: [`parse_keystore`] (every check, the KDF's cost
/// capped), then [`ParsedKeystore::decrypt`].
///
/// Errors: `wrong_password` (MAC mismatch), `invalid_wallet` (corrupt file, unsupported cipher
/// or KDF, a cost above the caps, each named in the message).
pub fn decrypt_keystore(text: &str, password: &str) -> Result<Wallet> {
    parse_keystore(text)?.decrypt(password)
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

    /// A keystore as geth and ethers write it, made here with a low cost: `kdf` is `scrypt` with
    /// `n`, `r`, `p`, or `pbkdf2` with `c` = `n`.
    fn make_keystore(password: &str, kdf: &str, n: u64, r: u32, p: u32) -> serde_json::Value {
        let (salt, iv) = ([0x5a_u8; 32], [0x0f_u8; 16]);
        let mut derived = [0u8; 32];
        let kdfparams = if kdf == "scrypt" {
            let sp = scrypt::Params::new(n.trailing_zeros() as u8, r, p, 32).unwrap();
            scrypt::scrypt(password.as_bytes(), &salt, &sp, &mut derived).unwrap();
            serde_json::json!({"dklen":32,"n":n,"r":r,"p":p,"salt":hex::encode(salt)})
        } else {
            pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), &salt, n as u32, &mut derived);
            serde_json::json!({"dklen":32,"c":n,"prf":"hmac-sha256","salt":hex::encode(salt)})
        };
        let mut ct = hex::decode(PK).unwrap();
        Aes128Ctr::new_from_slices(&derived[..16], &iv).unwrap().apply_keystream(&mut ct);
        let mac = Keccak256::new().chain_update(&derived[16..32]).chain_update(&ct).finalize();
        serde_json::json!({"version":3,"address":ADDR.trim_start_matches("0x").to_lowercase(),"crypto":{
            "cipher":"aes-128-ctr","cipherparams":{"iv":hex::encode(iv)},"ciphertext":hex::encode(&ct),
            "kdf":kdf,"kdfparams":kdfparams,"mac":hex::encode(mac)}})
    }

    fn with_params(kdf: &str, params: serde_json::Value) -> String {
        let mut v = make_keystore("pw", "pbkdf2", 1, 0, 0);
        v["crypto"]["kdf"] = kdf.into();
        v["crypto"]["kdfparams"] = params;
        v.to_string()
    }

    #[test]
    fn keystores_decrypt_with_scrypt_and_pbkdf2() {
        for (kdf, n, r, p) in [("scrypt", 1 << 10, 8, 1), ("scrypt", 1 << 4, 1, 8), ("pbkdf2", 1000, 0, 0)] {
            let text = make_keystore("pw", kdf, n, r, p).to_string();
            assert!(matches!(classify(&text).unwrap(), WalletFile::Keystore { address: Some(_) }));
            assert_eq!(checksummed(&decrypt_keystore(&text, "pw").unwrap().address()), ADDR, "{kdf}");
            assert_eq!(decrypt_keystore(&text, "PW").unwrap_err().kind, ErrorKind::WrongPassword);
        }
    }

    /// The PBKDF2 test vector of the Web3 Secret Storage Definition (c = 262144): within the caps.
    #[test]
    fn the_web3_secret_storage_pbkdf2_vector_decrypts() {
        let text = r#"{"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"6087dab2f9fdbbfaddc31a909735c1e6"},
            "ciphertext":"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46","kdf":"pbkdf2",
            "kdfparams":{"c":262144,"dklen":32,"prf":"hmac-sha256","salt":"ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
            "mac":"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
            "id":"3198bc9c-6672-5ab3-d995-4942343ae5b6","version":3}"#;
        let w = decrypt_keystore(text, "testpassword").unwrap();
        assert_eq!(hex::encode(w.secret_bytes()), "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
    }

    /// What real wallets write passes the caps (checked without deriving: `parse_keystore` only).
    #[test]
    fn the_caps_accept_what_wallets_write() {
        let salt = "22".repeat(32);
        for (n, r, p, who) in
            [(1u64 << 18, 8, 1, "geth standard"), (1 << 12, 8, 6, "geth light"), (1 << 17, 8, 1, "ethers")]
        {
            let text = with_params("scrypt", serde_json::json!({"dklen":32,"n":n,"r":r,"p":p,"salt":salt}));
            let k = parse_keystore(&text).unwrap_or_else(|e| panic!("{who}: {}", e.message));
            assert!(k.kdf.work() <= MAX_SCRYPT_WORK);
        }
        let text = with_params(
            "pbkdf2",
            serde_json::json!({"dklen":32,"c":1_000_000,"prf":"hmac-sha256","salt":"22".repeat(16)}),
        );
        assert_eq!(parse_keystore(&text).unwrap().kdf, KeystoreKdf::Pbkdf2 { rounds: 1_000_000 });
        // eth-keyfile's scrypt (n = 2^18 with r = 1) is within the caps, but RustCrypto's scrypt
        // follows RFC 7914 (n < 2^(16 r)): refused by name, before any allocation.
        let text = with_params("scrypt", serde_json::json!({"dklen":32,"n":262144,"r":1,"p":8,"salt":salt}));
        assert!(parse_keystore(&text).unwrap_err().message.contains("RFC 7914"));
    }

    /// Each cap refuses on its own, with `invalid_wallet` and a message naming the parameter and
    /// the cap; `parse_keystore` derives nothing, so even without a check this test stays cheap.
    #[test]
    fn keystore_costs_and_lengths_above_the_caps_are_refused_by_name() {
        let salt = "22".repeat(32);
        let scrypt = |n: u64, r: u64, p: u64| {
            with_params("scrypt", serde_json::json!({"dklen":32,"n":n,"r":r,"p":p,"salt":salt}))
        };
        let cases = [
            (scrypt(1 << 19, 1, 1), "scrypt parameter n is 524288", "262144"),
            (scrypt(1 << 40, 8, 1), "scrypt parameter n is 1099511627776", "262144"),
            (scrypt(2, 16, 1), "scrypt parameter r is 16", "at most 8"),
            (scrypt(2, 1, 16), "scrypt parameter p is 16", "at most 8"),
            (scrypt(1 << 18, 8, 2), "scrypt work n \u{b7} r \u{b7} p is 4194304", "2097152"),
            (
                with_params(
                    "pbkdf2",
                    serde_json::json!({"dklen":32,"c":(1u64 << 20) + 1,"prf":"hmac-sha256","salt":salt}),
                ),
                "PBKDF2 round count c is 1048577",
                "1048576",
            ),
            (
                with_params("pbkdf2", serde_json::json!({"dklen":64,"c":10,"prf":"hmac-sha256","salt":salt})),
                "dklen is 64",
                "only 32",
            ),
            (
                with_params(
                    "pbkdf2",
                    serde_json::json!({"dklen":32,"c":10,"prf":"hmac-sha256","salt":"22".repeat(65)}),
                ),
                "salt is 65 bytes",
                "1 to 64",
            ),
            (
                with_params("pbkdf2", serde_json::json!({"dklen":32,"c":10,"prf":"hmac-sha256","salt":""})),
                "salt is 0 bytes",
                "1 to 64",
            ),
        ];
        for (text, what, cap) in cases {
            let e = parse_keystore(&text).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidWallet, "{what}");
            assert!(e.message.contains(what) && e.message.contains(cap), "{what}: {}", e.message);
            assert_eq!(decrypt_keystore(&text, "pw").unwrap_err().message, e.message);
        }
        // Wrong lengths of the IV, the ciphertext and the MAC, by name.
        for (field, bytes) in [("iv", 15), ("ciphertext", 33), ("mac", 31)] {
            let mut v = make_keystore("pw", "pbkdf2", 1, 0, 0);
            let slot = if field == "iv" { &mut v["crypto"]["cipherparams"]["iv"] } else { &mut v["crypto"][field] };
            *slot = "ab".repeat(bytes).into();
            let e = parse_keystore(&v.to_string()).unwrap_err();
            assert!(e.message.contains(&format!("`{field}` is {bytes} bytes")), "{}", e.message);
        }
        let huge = format!(r#"{{"crypto":{{}},"pad":"{}"}}"#, " ".repeat(MAX_KEYSTORE_BYTES));
        assert!(parse_keystore(&huge).unwrap_err().message.contains("too large"));
    }
}
