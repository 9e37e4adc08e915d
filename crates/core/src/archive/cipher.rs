//! The AES layer of a result archive, streamed: a reader of ciphertext in, plaintext chunks out.
//!
//! Formats (docs/design.md 1.1 and 1.2, as the iExec SDK 9.0.1 `decryptResult` and the enclave's
//! post-compute `compute/encryption.rs` write them):
//! - current: `iexec_out.zip.aes` = 16-byte IV ‖ AES-256-CBC(PKCS#7) ciphertext;
//! - legacy: `iexec_out.zip.aes` = base64 of AES-128-ECB(PKCS#7) ciphertext.
//!
//! The last block is held back until the end of the input is known, so that PKCS#7 padding is
//! checked and stripped without ever holding the ciphertext in memory.

use std::io::Read;

use aes::cipher::{Block, BlockModeDecrypt, KeyInit, KeyIvInit};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// AES block size in bytes.
pub const BLOCK: usize = 16;

/// Which AES construction, with its key (zeroized on drop).
pub enum AesKey {
    /// AES-256-CBC; the IV is the first 16 bytes of the ciphertext entry.
    Cbc256(Zeroizing<[u8; 32]>),
    /// AES-128-ECB (legacy archives), over base64-decoded ciphertext.
    Ecb128(Zeroizing<[u8; 16]>),
}

impl std::fmt::Debug for AesKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AesKey::Cbc256(_) => f.write_str("AesKey::Cbc256(<redacted>)"),
            AesKey::Ecb128(_) => f.write_str("AesKey::Ecb128(<redacted>)"),
        }
    }
}

/// A block decryptor in a known state. Both variants keep their chaining state across calls.
enum Engine {
    Cbc(Box<cbc::Decryptor<aes::Aes256>>),
    Ecb(Box<ecb::Decryptor<aes::Aes128>>),
}

impl Engine {
    /// Decrypts `buf` in place. `buf.len()` is a multiple of [`BLOCK`].
    fn decrypt(&mut self, buf: &mut [u8]) {
        let (blocks, _tail) = Block::<aes::Aes256>::slice_as_chunks_mut(buf);
        match self {
            // A whole slice of blocks lets aes use its widest parallel path (64 blocks at once
            // with VAES and AVX-512, 8 with AES-NI, chosen at run time): CBC decryption has no
            // dependency between blocks beyond the previous ciphertext.
            Engine::Cbc(d) => d.decrypt_blocks(blocks),
            Engine::Ecb(d) => d.decrypt_blocks(blocks),
        }
    }
}

/// Streams plaintext out of a ciphertext reader, in chunks, checking the length and padding.
pub struct Decryptor<R: Read> {
    input: R,
    engine: Engine,
    /// The last ciphertext block read, held back (not yet decrypted) until it is known whether
    /// it ends the stream: `held_len` is 0 before the first chunk, then [`BLOCK`].
    held: [u8; BLOCK],
    held_len: usize,
    chunk: usize,
    finished: bool,
    total_in: u64,
}

impl<R: Read> std::fmt::Debug for Decryptor<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor").field("total_in", &self.total_in).field("finished", &self.finished).finish()
    }
}

impl<R: Read> Decryptor<R> {
    /// Prepares decryption of `input` (for CBC, the IV is read from its first 16 bytes).
    /// `chunk` is the size of the chunks [`next_chunk`](Self::next_chunk) produces (a multiple of 16).
    ///
    /// Errors: `damaged_ciphertext` if the input is shorter than the IV; `io`-like read errors are
    /// returned as `incomplete_archive` by the caller's mapping.
    pub fn new(mut input: R, key: &AesKey, chunk: usize) -> Result<Self, ReadFailure> {
        let chunk = (chunk / BLOCK).max(1) * BLOCK;
        let engine = match key {
            AesKey::Cbc256(k) => {
                let mut iv = [0u8; BLOCK];
                read_full(&mut input, &mut iv).map_err(ReadFailure::Io).and_then(|n| {
                    if n < BLOCK {
                        Err(ReadFailure::Format(Error::damaged_ciphertext(
                            "The encrypted part is shorter than its 16-byte IV.",
                        )))
                    } else {
                        Ok(())
                    }
                })?;
                Engine::Cbc(Box::new(cbc::Decryptor::<aes::Aes256>::new(&(**k).into(), &iv.into())))
            }
            AesKey::Ecb128(k) => Engine::Ecb(Box::new(ecb::Decryptor::<aes::Aes128>::new(&(**k).into()))),
        };
        Ok(Decryptor { input, engine, held: [0; BLOCK], held_len: 0, chunk, finished: false, total_in: 0 })
    }

    /// Plaintext bytes so far are not counted here; this is the ciphertext consumed.
    pub fn ciphertext_read(&self) -> u64 {
        self.total_in
    }

    /// Reads the rest of the input without decrypting it, so that the reader's own checks (the
    /// outer zip's CRC) run to the end.
    pub fn drain(&mut self) -> Result<(), ReadFailure> {
        std::io::copy(&mut self.input, &mut std::io::sink()).map(|_| ()).map_err(ReadFailure::Io)
    }

    /// Decrypts the next chunk into `out` (its old contents are replaced; pass a recycled buffer
    /// without clearing it, so that its bytes are not zeroed again). Returns `Ok(false)` when the
    /// stream is over (and `out` is empty).
    ///
    /// The ciphertext is read straight into `out` and decrypted in place: apart from the kernel's
    /// copy into `out`, only the 16-byte block held back crosses chunks.
    ///
    /// Errors: [`ReadFailure::Io`] when the input fails (the outer zip's CRC check fails this
    /// way), [`ReadFailure::Format`] with `damaged_ciphertext` for a length that is not a multiple
    /// of 16, an empty ciphertext, or bad PKCS#7 padding.
    pub fn next_chunk(&mut self, out: &mut Vec<u8>) -> Result<bool, ReadFailure> {
        if self.finished {
            out.clear();
            return Ok(false);
        }
        // out = the block held back ‖ up to `chunk` new bytes. Resizing a recycled buffer of the
        // same size writes nothing; only a fresh buffer is zero-filled once.
        let held = self.held_len;
        out.resize(held + self.chunk, 0);
        out[..held].copy_from_slice(&self.held[..held]);
        let n = read_full(&mut self.input, &mut out[held..]).map_err(ReadFailure::Io)?;
        self.total_in += n as u64;
        let len = held + n;
        if n == self.chunk {
            // Maybe not the end: release all but the last block, which is held back (`len` is
            // a multiple of 16 here: `held` is 0 or 16 and `chunk` a multiple of 16).
            let keep = len - BLOCK;
            self.held.copy_from_slice(&out[keep..len]);
            self.held_len = BLOCK;
            out.truncate(keep);
            self.engine.decrypt(out);
            return Ok(true);
        }
        // End of input: `out` holds the tail of the ciphertext.
        self.finished = true;
        out.truncate(len);
        if len == 0 {
            return Err(ReadFailure::Format(Error::damaged_ciphertext(
                "The encrypted part is empty: there is no ciphertext after the IV.",
            )));
        }
        if !len.is_multiple_of(BLOCK) {
            return Err(ReadFailure::Format(Error::damaged_ciphertext(format!(
                "The encrypted part is {} bytes past the last whole AES block: its length is not a multiple of 16, so it was cut or altered.",
                len % BLOCK
            ))));
        }
        self.engine.decrypt(out);
        let pad = strip_pkcs7(out).ok_or_else(|| {
            ReadFailure::Format(Error::damaged_ciphertext(
                "The padding at the end of the encrypted part is wrong: the ciphertext was altered, or it was not encrypted with this key.",
            ))
        })?;
        out.truncate(out.len() - pad);
        Ok(true)
    }
}

/// Checks PKCS#7 padding on the last block of `buf`; returns the pad length (1..=16).
fn strip_pkcs7(buf: &[u8]) -> Option<usize> {
    let last = *buf.last()? as usize;
    if last == 0 || last > BLOCK || last > buf.len() {
        return None;
    }
    buf[buf.len() - last..].iter().all(|&b| b as usize == last).then_some(last)
}

/// Why a read of the ciphertext stopped.
#[derive(Debug)]
pub enum ReadFailure {
    /// The underlying reader failed (truncated entry, CRC mismatch, disk error...).
    Io(std::io::Error),
    /// The ciphertext itself is malformed.
    Format(Error),
}

/// Reads until `buf` is full or the input ends; returns the count read.
pub fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that drops ASCII whitespace, for base64 text wrapped over lines (legacy archives).
pub struct SkipWhitespace<R: Read> {
    inner: R,
}

impl<R: Read> SkipWhitespace<R> {
    /// Wraps `inner`.
    pub fn new(inner: R) -> Self {
        SkipWhitespace { inner }
    }
}

impl<R: Read> Read for SkipWhitespace<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut w = 0;
            for i in 0..n {
                let b = buf[i];
                if !b.is_ascii_whitespace() {
                    buf[w] = b;
                    w += 1;
                }
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::block_padding::Pkcs7;
    use aes::cipher::{BlockModeEncrypt, KeyIvInit};

    fn encrypt_cbc(key: &[u8; 32], iv: &[u8; 16], plain: &[u8]) -> Vec<u8> {
        let enc = cbc::Encryptor::<aes::Aes256>::new(key.into(), iv.into());
        let mut out = iv.to_vec();
        out.extend(enc.encrypt_padded_vec::<Pkcs7>(plain));
        out
    }

    fn decrypt_all(ct: &[u8], key: &AesKey, chunk: usize) -> Result<Vec<u8>, String> {
        let mut d = match Decryptor::new(ct, key, chunk) {
            Ok(d) => d,
            Err(ReadFailure::Format(e)) => return Err(e.kind.to_string()),
            Err(ReadFailure::Io(e)) => return Err(e.to_string()),
        };
        let mut all = Vec::new();
        let mut buf = Vec::new();
        loop {
            match d.next_chunk(&mut buf) {
                Ok(true) => all.extend_from_slice(&buf),
                Ok(false) => return Ok(all),
                Err(ReadFailure::Format(e)) => return Err(e.kind.to_string()),
                Err(ReadFailure::Io(e)) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn cbc_round_trips_at_every_length_and_chunk_size() {
        let key = [7u8; 32];
        let iv = [9u8; 16];
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 4096, 5000] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let ct = encrypt_cbc(&key, &iv, &plain);
            for chunk in [16usize, 32, 48, 64, 1024, 1 << 20] {
                let got = decrypt_all(&ct, &AesKey::Cbc256(Zeroizing::new(key)), chunk).unwrap();
                assert_eq!(got, plain, "len {len} chunk {chunk}");
            }
        }
    }

    #[test]
    fn malformed_ciphertexts_are_damaged_ciphertext() {
        let key = AesKey::Cbc256(Zeroizing::new([1u8; 32]));
        let ct = encrypt_cbc(&[1u8; 32], &[2u8; 16], b"hello world, this is a result");
        // Not a multiple of 16.
        assert_eq!(decrypt_all(&ct[..ct.len() - 1], &key, 64).unwrap_err(), "damaged_ciphertext");
        // Only the IV.
        assert_eq!(decrypt_all(&ct[..16], &key, 64).unwrap_err(), "damaged_ciphertext");
        // Shorter than the IV.
        assert_eq!(decrypt_all(&ct[..5], &key, 64).unwrap_err(), "damaged_ciphertext");
        // Wrong key: padding fails (with overwhelming probability; this key and text are fixed).
        let other = AesKey::Cbc256(Zeroizing::new([3u8; 32]));
        assert_eq!(decrypt_all(&ct, &other, 64).unwrap_err(), "damaged_ciphertext");
    }

    #[test]
    fn pkcs7_rules() {
        assert_eq!(strip_pkcs7(&[1, 2, 3, 1]), Some(1));
        assert_eq!(strip_pkcs7(&[16; 16]), Some(16));
        assert_eq!(strip_pkcs7(&[0; 16]), None);
        assert_eq!(strip_pkcs7(&[17; 32]), None);
        assert_eq!(strip_pkcs7(&[1, 2, 3, 3]), None);
        assert_eq!(strip_pkcs7(&[]), None);
    }

    #[test]
    fn skip_whitespace_drops_only_whitespace() {
        let mut r = SkipWhitespace::new(&b"ab\r\n c\td\n\n"[..]);
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "abcd");
    }
}
