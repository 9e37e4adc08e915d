//! Fuzzes the streaming reader of the decrypted inner zip: any bytes must give files or a typed
//! error, never a panic, with bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;
use result_vault_core::archive::inner::{read_inner_zip, CheckOnly, Limits};
use result_vault_core::progress::CancelToken;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_total_bytes: 16 << 20, max_entries: 1000, ..Limits::default() };
    let mut input = data;
    let _ = read_inner_zip(&mut input, &mut CheckOnly, &limits, &CancelToken::new());
});
