//! Fuzzes what Result Vault makes of a JSON-RPC node's answers: a single answer, a batch, and
//! the ABI decoding of `viewTask`, `viewDeal` and `viewCategory` return data
//! (`chain::rpc::decode_*`, what `Rpc` runs on each answer).
#![no_main]

use alloy_primitives::{Address, B256};
use libfuzzer_sys::fuzz_target;
use result_vault_core::chain::rpc::{
    decode_answer, decode_batch_answer, decode_view_category, decode_view_deal, decode_view_task,
};
use serde_json::Value;

const URL: &str = "http://rpc.invalid";

fn views(result: &Value) {
    let _ = decode_view_task(URL, Address::ZERO, B256::ZERO, 1_700_000_000, result);
    let _ = decode_view_deal(URL, Address::ZERO, result);
    let _ = decode_view_category(URL, Address::ZERO, result);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(result) = decode_answer(URL, "eth_call", data) {
        views(&result);
    }
    if let Some(answers) = decode_batch_answer(URL, &["eth_call"; 3], data) {
        assert_eq!(answers.len(), 3);
        for result in answers.into_iter().flatten() {
            views(&result);
        }
    }
});
