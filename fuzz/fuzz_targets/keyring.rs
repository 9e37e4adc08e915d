//! Fuzzes the key ring file: its header (`Protection::decode`, with the Argon2id bounds) and
//! `unseal` under a fixed vault key (the seeds are sealed with it), and the passphrase
//! derivation when the header's parameters are cheap.
#![no_main]

use libfuzzer_sys::fuzz_target;
use result_vault_core::vault::protector::derive_from_passphrase;
use result_vault_core::vault::store::{unseal, Protection, VaultKey};
use zeroize::Zeroizing;

fuzz_target!(|data: &[u8]| {
    if let Ok((protection, len)) = Protection::decode(data) {
        assert!(len <= data.len());
        protection.check_cost().expect("decode checks the Argon2id bounds");
        if let Protection::Passphrase { m_cost, t_cost, .. } = protection {
            if u64::from(m_cost) * u64::from(t_cost) <= 256 {
                let _ = derive_from_passphrase("fuzz", &protection);
            }
        }
    }
    let _ = unseal(data, &VaultKey(Zeroizing::new([7; 32])));
});
