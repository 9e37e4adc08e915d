//! Fuzzes `open_kit` (age header, scrypt stanza, payload, the kit's zip, manifest and keys) on
//! any bytes with a fixed phrase. The work factor a kit states is capped at 2^10 here (2^20 in
//! the app): age refuses a larger one before scrypt runs, so no input is slow.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use result_vault_core::vault::kit::{check_phrase, open_kit_with_max_work_factor, Phrase};

/// The phrase of the seed kits (`fuzz/seeds/README.md`): 256 zero bits.
fn phrase() -> &'static Phrase {
    static PHRASE: OnceLock<Phrase> = OnceLock::new();
    PHRASE.get_or_init(|| check_phrase(&format!("{} art", ["abandon"; 23].join(" "))).expect("a valid phrase"))
}

fuzz_target!(|data: &[u8]| {
    let _ = open_kit_with_max_work_factor(data, phrase(), 10);
});
