//! Builders for test archives: inner zips, current and legacy encrypted archives, with keys from
//! the iExec SDK fixtures (`tests/fixtures/iexec-sdk/`, see its README).
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyInit, KeyIvInit};
use base64::Engine as _;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// The folder of the reference client's fixtures.
pub fn fixtures() -> PathBuf {
    if let Ok(p) = std::env::var("RESULT_VAULT_FIXTURES") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iexec-sdk")
}

pub fn fixture(name: &str) -> PathBuf {
    fixtures().join(name)
}

pub fn public_key(name: &str) -> RsaPublicKey {
    RsaPublicKey::from_public_key_pem(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

/// A zip of `files` (name, content), Deflate, as the enclave writes it.
pub fn zip_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    zip_with(files, CompressionMethod::Deflated)
}

pub fn zip_with(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        if name.ends_with('/') {
            w.add_directory(*name, SimpleFileOptions::default()).unwrap();
            continue;
        }
        w.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A typical inner zip: `computed.json` and `result.txt`.
pub fn sample_inner() -> Vec<u8> {
    zip_of(&[
        ("computed.json", br#"{"deterministic-output-path":"/iexec_out/result.txt"}"#),
        ("result.txt", b"hello from the enclave\n"),
    ])
}

/// IV ‖ AES-256-CBC(PKCS#7) of `plain`.
pub fn cbc_encrypt(key: &[u8; 32], iv: &[u8; 16], plain: &[u8]) -> Vec<u8> {
    let mut out = iv.to_vec();
    out.extend(cbc::Encryptor::<aes::Aes256>::new(key.into(), iv.into()).encrypt_padded_vec::<Pkcs7>(plain));
    out
}

/// An outer archive from its two raw entries (Deflate, key first as the enclave writes).
pub fn outer(wrapped_key: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    zip_of(&[("aes-key.rsa", wrapped_key), ("iexec_out.zip.aes", ciphertext)])
}

/// A current-format archive of `inner` for the public key `pub_name`; returns (archive, aes key).
pub fn encrypt_current(pub_name: &str, inner: &[u8]) -> (Vec<u8>, [u8; 32]) {
    let key = [0x42u8; 32];
    let iv = [0x24u8; 16];
    let wrapped = public_key(pub_name).encrypt(&mut rand_core(), Pkcs1v15Encrypt, &key).unwrap();
    (outer(&wrapped, &cbc_encrypt(&key, &iv, inner)), key)
}

/// A legacy-format archive (base64 + AES-128-ECB) of `inner`.
pub fn encrypt_legacy(pub_name: &str, inner: &[u8]) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let key = [0x17u8; 16];
    let wrapped = public_key(pub_name).encrypt(&mut rand_core(), Pkcs1v15Encrypt, b64.encode(key).as_bytes()).unwrap();
    let ct = ecb::Encryptor::<aes::Aes128>::new((&key).into()).encrypt_padded_vec::<Pkcs7>(inner);
    outer(b64.encode(wrapped).as_bytes(), b64.encode(ct).as_bytes())
}

pub fn rand_core() -> rsa::rand_core::OsRng {
    rsa::rand_core::OsRng
}

pub fn write_temp(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
