//! Fuzzes what Result Vault makes of a page of the PoCo subgraph's answer
//! (`index::subgraph::decode_deals_page`): GraphQL errors, the deals, their tasks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use result_vault_core::index::subgraph::decode_deals_page;

fuzz_target!(|data: &[u8]| {
    if let Ok(deals) = decode_deals_page("http://subgraph.invalid", data) {
        for deal in deals {
            assert!(deal.deal_id.len() == 66, "a deal id that is not bytes32 passed");
        }
    }
});
