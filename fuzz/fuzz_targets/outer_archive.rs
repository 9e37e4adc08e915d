//! Fuzzes the outer archive: classification (docs/design.md 1.4), the key entry, and the whole
//! `open_result` path with a fixed key, on any bytes written to a file.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use result_vault_core::archive::{inspect, open_result, OpenOptions, OutputTarget};
use result_vault_core::keys::{load_keys, KeyCandidate};
use result_vault_core::progress::{no_progress, CancelToken};

fn key() -> &'static [KeyCandidate] {
    static KEY: OnceLock<Vec<KeyCandidate>> = OnceLock::new();
    KEY.get_or_init(|| {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/iexec-sdk/expected_key");
        load_keys(&p).unwrap_or_default()
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.zip");
    std::fs::write(&path, data).expect("write");
    let _ = inspect(&path);
    let _ = open_result(
        &path,
        key(),
        &OpenOptions::new(OutputTarget::Folder(dir.path().join("out"))),
        &no_progress,
        &CancelToken::new(),
    );
});
