//! Fuzzes the wallet file readers on any text: `classify`, `from_plain_json`, and
//! `parse_keystore` (every check of a V3 keystore, the KDF's cost capped, nothing derived). A
//! derivation within the caps can still take 256 MiB and a second, so the whole decryption
//! runs only when the file's KDF is cheap (the seeds are: scrypt n = 2^10, PBKDF2 c = 1000).
#![no_main]

use libfuzzer_sys::fuzz_target;
use result_vault_core::wallet::{classify, from_plain_json, parse_keystore, MAX_PBKDF2_ROUNDS, MAX_SCRYPT_WORK};

/// The most work a fuzz input may ask for: scrypt n·r·p or PBKDF2 c.
const FUZZ_MAX_WORK: u64 = 1 << 13;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = classify(text);
    let _ = from_plain_json(text);
    if let Ok(keystore) = parse_keystore(text) {
        let work = keystore.kdf.work();
        assert!(work <= MAX_SCRYPT_WORK.max(MAX_PBKDF2_ROUNDS), "a cost above the caps passed: {keystore:?}");
        if work <= FUZZ_MAX_WORK {
            // The seeds' password: a mutated keystore gets as far as the MAC, or further.
            let _ = keystore.decrypt("fuzz");
        }
    }
});
