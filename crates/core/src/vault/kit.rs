//! Recovery kits: one `age` file (scrypt passphrase recipient, age v1 format) whose passphrase
//! is a 24-word BIP39 English phrase. Inside, a zip a person can use without Result Vault:
//! `<0xAddress>_key` / `<0xAddress>_key.pub` PEM files named as the iexec CLI expects (or
//! `key-<fingerprint>_key` when no address is known), `manifest.json` and `README.txt`.
//!
//! Without the app: `age -d kit.age > kit.zip`, type the 24 words, unzip.

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, ErrorFacts, ErrorKind, Result};
use crate::keys::{parse_private_key_pem, Fingerprint};
use crate::vault::model::{KeySource, KeyStatus, StoredKey};

/// A recovery phrase: 24 BIP39 English words, zeroized on drop, never printed by `Debug`.
#[derive(Clone)]
pub struct Phrase(pub Zeroizing<String>);

impl std::fmt::Debug for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Phrase(<redacted>)")
    }
}

impl Phrase {
    /// A new phrase from 256 bits of OS randomness.
    pub fn generate() -> Self {
        let mut entropy = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(entropy.as_mut());
        let m = bip39::Mnemonic::from_entropy_in(bip39::Language::English, entropy.as_ref())
            .expect("32 bytes is a valid entropy length");
        Phrase(Zeroizing::new(m.to_string()))
    }

    /// The words.
    pub fn words(&self) -> Vec<&str> {
        self.0.split(' ').collect()
    }
}

/// Checks a typed phrase: normalises spaces and case, then the word list, count and checksum.
///
/// Errors: `invalid_phrase`, naming the position (1-based) of an unknown word, or saying that
/// the count or the checksum is wrong.
pub fn check_phrase(typed: &str) -> Result<Phrase> {
    let words: Vec<String> = typed.split_whitespace().map(|w| w.to_lowercase()).collect();
    let normalised = Zeroizing::new(words.join(" "));
    let hint = "Check each word against your written kit: 24 words, in order, from the BIP39 English list.";
    for (i, w) in words.iter().enumerate() {
        if bip39::Language::English.find_word(w).is_none() {
            return Err(Error::new(
                ErrorKind::InvalidPhrase,
                format!("Word {} (\"{w}\") is not a recovery-phrase word.", i + 1),
                hint,
            )
            .with_facts(ErrorFacts { word: u32::try_from(i + 1).ok(), ..ErrorFacts::default() }));
        }
    }
    if words.len() != 24 {
        return Err(Error::new(
            ErrorKind::InvalidPhrase,
            format!("The phrase has {} words; a recovery phrase has 24.", words.len()),
            hint,
        ));
    }
    match bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalised) {
        Ok(_) => Ok(Phrase(normalised)),
        Err(_) => Err(Error::new(
            ErrorKind::InvalidPhrase,
            "These 24 words are not a valid recovery phrase: the last word's checksum does not match (a word is wrong or two are swapped).",
            hint,
        )),
    }
}

/// The BIP39 English words starting with `prefix` (for completion while typing).
pub fn complete_word(prefix: &str) -> Vec<&'static str> {
    let p = prefix.to_lowercase();
    bip39::Language::English.word_list().iter().copied().filter(|w| w.starts_with(&p)).collect()
}

/// One key as described in a kit's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestKey {
    /// 64 hex digits.
    pub fingerprint: String,
    /// Label.
    pub label: String,
    /// When it entered the ring.
    pub created: DateTime<Utc>,
    /// Source.
    pub source: KeySource,
    /// Status when the kit was made.
    pub status: KeyStatus,
    /// Addresses.
    pub addresses: Vec<String>,
    /// Name of its private key file in the kit.
    pub file: String,
}

/// `manifest.json` of a kit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format marker: `result-vault-recovery-kit`.
    pub format: String,
    /// Format version (1).
    pub version: u32,
    /// Kit id (also in the key ring's kit records).
    pub kit_id: String,
    /// When it was made.
    pub created: DateTime<Utc>,
    /// The keys.
    pub keys: Vec<ManifestKey>,
}

const README: &str = "Result Vault recovery kit\n=========================\n\n\
This archive holds the private keys of your Result Vault key ring. They decrypt the results of\n\
the iExec tasks of which you are the beneficiary. Keep it secret.\n\n\
- `<0xAddress>_key`: a private key (PKCS#8 PEM), named as the iexec CLI expects in\n\
  `.secrets/beneficiary/`. `iexec result decrypt` and Result Vault both accept it.\n\
- `<0xAddress>_key.pub`: its public key (the one pushed to the SMS).\n\
- `manifest.json`: fingerprints (SHA-256 of the public key's SPKI DER), labels and dates.\n\n\
To restore in Result Vault: Keys > Restore, choose the kit file, type your 24 words.\n\
Without Result Vault: `age -d kit.age > kit.zip`, type the 24 words, then unzip kit.zip.\n";

/// File name of a key in a kit: `<address>_key` when an address is known, else
/// `key-<first 16 hex of the fingerprint>_key`; unique within the kit.
fn key_file_name(k: &StoredKey, taken: &[String]) -> String {
    let base = k.addresses.first().cloned().unwrap_or_else(|| format!("key-{}", &k.fingerprint[..16]));
    let mut name = format!("{base}_key");
    if taken.contains(&name) {
        name = format!("{base}-{}_key", &k.fingerprint[..8]);
    }
    name
}

/// Builds the kit's plaintext zip for `keys` and encrypts it with `phrase`. Returns (kit bytes,
/// manifest).
pub fn build_kit(keys: &[StoredKey], phrase: &Phrase) -> Result<(Vec<u8>, Manifest)> {
    let mut id = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let mut manifest = Manifest {
        format: "result-vault-recovery-kit".into(),
        version: 1,
        kit_id: hex::encode(id),
        created: Utc::now(),
        keys: Vec::new(),
    };
    let mut plain = Zeroizing::new(Vec::new());
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut *plain));
    let opts = zip::write::SimpleFileOptions::default().unix_permissions(0o600);
    let err = |e: zip::result::ZipError| Error::internal(format!("kit zip: {e}"));
    let ioerr = |e: std::io::Error| Error::internal(format!("kit zip: {e}"));
    let mut taken = Vec::new();
    for k in keys {
        let file = key_file_name(k, &taken);
        taken.push(file.clone());
        zip.start_file(&file, opts).map_err(err)?;
        zip.write_all(k.private_pem.0.as_bytes()).map_err(ioerr)?;
        let key = parse_private_key_pem(&k.private_pem.0, &k.label)?;
        let public = crate::vault::public_pem(&key)?;
        zip.start_file(format!("{file}.pub"), zip::write::SimpleFileOptions::default()).map_err(err)?;
        zip.write_all(public.as_bytes()).map_err(ioerr)?;
        manifest.keys.push(ManifestKey {
            fingerprint: k.fingerprint.clone(),
            label: k.label.clone(),
            created: k.created,
            source: k.source,
            status: k.status,
            addresses: k.addresses.clone(),
            file,
        });
    }
    zip.start_file("manifest.json", zip::write::SimpleFileOptions::default()).map_err(err)?;
    zip.write_all(&serde_json::to_vec_pretty(&manifest).map_err(|e| Error::internal(e.to_string()))?).map_err(ioerr)?;
    zip.start_file("README.txt", zip::write::SimpleFileOptions::default()).map_err(err)?;
    zip.write_all(README.as_bytes()).map_err(ioerr)?;
    zip.finish().map_err(err)?;

    encrypt_kit(&plain, phrase, KIT_WORK_FACTOR).map(|out| (out, manifest))
}

/// The scrypt work factor of the kits this app writes: N = 2^18 (256 MiB, about a second; what
/// age itself guesses when it cannot time the machine). Fixed rather than timed on the machine
/// that makes the kit, so that every kit opens under [`MAX_KIT_WORK_FACTOR`] on any machine.
/// The phrase holds 256 bits of entropy: the work factor is not what protects it.
pub const KIT_WORK_FACTOR: u8 = 18;

/// The largest scrypt work factor [`open_kit`] accepts: N = 2^20 (1 GiB, a few seconds). A kit's
/// header states its own work factor and is read before anything authenticates it; age's own
/// limit (about 16 times this machine's one-second work factor) would let a crafted kit take
/// 4 GiB or more. Kits written before [`KIT_WORK_FACTOR`] was fixed used age's one-second
/// target, 2^16 to 2^19 on today's machines: below this cap.
pub const MAX_KIT_WORK_FACTOR: u8 = 20;

/// Encrypts a kit's zip with `phrase` (age, one scrypt recipient with N = 2^`log_n`). Tests and
/// fuzz seeds use a small `log_n`; [`build_kit`] uses [`KIT_WORK_FACTOR`].
pub fn encrypt_kit(plain: &[u8], phrase: &Phrase, log_n: u8) -> Result<Vec<u8>> {
    let ioerr = |e: std::io::Error| Error::internal(format!("kit encryption: {e}"));
    let mut recipient = age::scrypt::Recipient::new(age::secrecy::SecretString::from(phrase.0.to_string()));
    recipient.set_work_factor(log_n.clamp(1, MAX_KIT_WORK_FACTOR));
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| Error::internal(format!("kit encryption: {e}")))?;
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).map_err(ioerr)?;
    w.write_all(plain).map_err(ioerr)?;
    w.finish().map_err(ioerr)?;
    Ok(out)
}

/// What a kit holds, decrypted in memory.
pub struct OpenedKit {
    /// Its manifest.
    pub manifest: Manifest,
    /// Its keys, checked: each PEM parses and its fingerprint matches the manifest.
    pub keys: Vec<StoredKey>,
}

impl std::fmt::Debug for OpenedKit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedKit").field("manifest", &self.manifest).field("keys", &self.keys.len()).finish()
    }
}

/// Largest kit read (a kit of 1,000 RSA-4096 keys is about 4 MB), and largest manifest.
const MAX_KIT_BYTES: u64 = 64 << 20;
/// Largest key file read from a kit (an RSA-4096 PEM is about 3.3 KB).
const MAX_KEY_FILE_BYTES: u64 = 1 << 20;

/// Decrypts and checks a kit with a phrase already checked by [`check_phrase`].
///
/// Errors: `phrase_for_another_kit` (valid words, but not this kit's), `invalid_kit` (not an age
/// file, or its content is not a Result Vault kit, or a key does not match its fingerprint).
pub fn open_kit(bytes: &[u8], phrase: &Phrase) -> Result<OpenedKit> {
    open_kit_with_max_work_factor(bytes, phrase, MAX_KIT_WORK_FACTOR)
}

/// [`open_kit`] with another cap on the scrypt work factor stated by the kit's header (the fuzz
/// target uses a small one to stay fast). A kit above the cap is refused before scrypt runs.
///
/// Errors: those of [`open_kit`]; `invalid_kit` for a work factor above `max_log_n`.
pub fn open_kit_with_max_work_factor(bytes: &[u8], phrase: &Phrase, max_log_n: u8) -> Result<OpenedKit> {
    let not_kit = |why: String| {
        Error::new(
            ErrorKind::InvalidKit,
            format!("This file is not a Result Vault recovery kit: {why}."),
            "Choose the kit file (it ends with .age) that was saved with these words.",
        )
    };
    let decryptor = age::Decryptor::new(bytes).map_err(|e| not_kit(format!("it is not an age file ({e})")))?;
    let mut identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(phrase.0.to_string()));
    // Checked by age against the header's work factor before scrypt runs (or allocates).
    identity.set_max_work_factor(max_log_n);
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::ExcessiveWork { required, .. } => not_kit(format!(
            "its header asks for scrypt with N = 2^{required}, above the 2^{max_log_n} Result Vault accepts (a kit it writes uses 2^{KIT_WORK_FACTOR})"
        )),
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => Error::new(
            ErrorKind::PhraseForAnotherKit,
            "These are valid recovery words, but not the words of this kit.",
            "Each kit has its own 24 words: use the words written down when this kit was made, or choose the kit that goes with these words.",
        ),
        other => not_kit(other.to_string()),
    })?;
    let mut plain = Zeroizing::new(Vec::new());
    (&mut reader).take(MAX_KIT_BYTES).read_to_end(&mut plain).map_err(|e| not_kit(format!("it is damaged ({e})")))?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(plain.as_slice())).map_err(|e| not_kit(e.to_string()))?;
    let manifest: Manifest = {
        let mut m = String::new();
        zip.by_name("manifest.json")
            .map_err(|_| not_kit("no manifest".into()))?
            .take(MAX_KIT_BYTES)
            .read_to_string(&mut m)
            .map_err(|e| not_kit(e.to_string()))?;
        serde_json::from_str(&m).map_err(|e| not_kit(format!("bad manifest: {e}")))?
    };
    if manifest.format != "result-vault-recovery-kit" {
        return Err(not_kit("unknown format".into()));
    }
    let mut keys = Vec::new();
    for mk in &manifest.keys {
        let mut pem = Zeroizing::new(String::new());
        zip.by_name(&mk.file)
            .map_err(|_| not_kit(format!("{} is missing", mk.file)))?
            .take(MAX_KEY_FILE_BYTES)
            .read_to_string(&mut pem)
            .map_err(|e| not_kit(e.to_string()))?;
        let key = parse_private_key_pem(&pem, &mk.file)?;
        let fp = Fingerprint::of(&key)?.to_hex();
        if fp != mk.fingerprint {
            return Err(not_kit(format!("{} does not match its fingerprint", mk.file)));
        }
        keys.push(StoredKey {
            fingerprint: fp,
            label: mk.label.clone(),
            created: mk.created,
            source: mk.source,
            addresses: mk.addresses.clone(),
            status: mk.status,
            push_journal: Vec::new(),
            private_pem: crate::vault::model::SecretPem(crate::vault::pkcs8_pem(&key)?),
        });
    }
    Ok(OpenedKit { manifest, keys })
}

#[cfg(test)]
mod phrase_tests {
    use super::*;

    #[test]
    fn an_unknown_word_is_named_by_its_position_in_words_and_in_data() {
        let mut words = vec!["abandon"; 24];
        words[6] = "abandonn";
        let e = check_phrase(&words.join(" ")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidPhrase);
        assert!(e.message.starts_with("Word 7 "), "{}", e.message);
        assert_eq!(e.facts.map(|f| f.word), Some(Some(7)));
        // A wrong count has no word to name.
        let e = check_phrase("abandon abandon").unwrap_err();
        assert_eq!(e.facts, None);
    }
}

#[cfg(test)]
mod work_factor_tests {
    use super::*;

    fn phrase() -> Phrase {
        check_phrase(&format!("{} art", ["abandon"; 23].join(" "))).unwrap()
    }

    /// A kit's zip with no key: enough for `open_kit` to succeed.
    fn empty_kit_zip() -> Vec<u8> {
        let mut plain = Vec::new();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut plain));
        let manifest = Manifest {
            format: "result-vault-recovery-kit".into(),
            version: 1,
            kit_id: "00".repeat(8),
            created: Utc::now(),
            keys: Vec::new(),
        };
        zip.start_file("manifest.json", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(&serde_json::to_vec(&manifest).unwrap()).unwrap();
        zip.finish().unwrap();
        plain
    }

    /// The scrypt line of an age header, with its work factor replaced by `log_n`.
    fn with_stated_work_factor(kit: &[u8], log_n: u8) -> Vec<u8> {
        let start = kit.windows(10).position(|w| w == b"-> scrypt ").unwrap();
        let end = start + kit[start..].iter().position(|&b| b == b'\n').unwrap();
        let space = start + kit[start..end].iter().rposition(|&b| b == b' ').unwrap();
        [&kit[..=space], log_n.to_string().as_bytes(), &kit[end..]].concat()
    }

    #[test]
    fn a_kit_above_the_work_factor_cap_is_refused_before_scrypt_runs() {
        let kit = encrypt_kit(&empty_kit_zip(), &phrase(), 12).unwrap();
        assert!(open_kit_with_max_work_factor(&kit, &phrase(), 12).is_ok());
        // Without the cap, age would accept 2^12 (its own limit is this machine's one-second
        // work factor plus 4) and open it.
        let e = open_kit_with_max_work_factor(&kit, &phrase(), 10).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidKit);
        assert!(e.message.contains("N = 2^12, above the 2^10"), "{}", e.message);
        // The production cap, against a header that states 2^21 (2 GiB) or 2^63.
        for log_n in [MAX_KIT_WORK_FACTOR + 1, 63] {
            let e = open_kit(&with_stated_work_factor(&kit, log_n), &phrase()).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidKit);
            assert!(e.message.contains(&format!("N = 2^{log_n}, above the 2^20")), "{}", e.message);
        }
    }

    // The kits this app writes must open under the cap it applies when reading (checked when
    // compiling, not at run time).
    const _: () = assert!(KIT_WORK_FACTOR <= MAX_KIT_WORK_FACTOR);

    #[test]
    fn kits_are_written_with_the_fixed_work_factor_and_open_under_the_cap() {
        let (kit, manifest) = build_kit(&[], &phrase()).unwrap();
        let header = String::from_utf8_lossy(&kit[..kit.windows(4).position(|w| w == b"--- ").unwrap()]).into_owned();
        let line = header.lines().find(|l| l.starts_with("-> scrypt ")).unwrap();
        assert!(line.ends_with(&format!(" {KIT_WORK_FACTOR}")), "{line}");
        assert_eq!(open_kit(&kit, &phrase()).unwrap().manifest, manifest);
    }
}
