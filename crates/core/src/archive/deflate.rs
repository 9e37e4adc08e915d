//! Raw Deflate (RFC 1951) of the ciphertext entry, with a fast path for stored blocks.
//!
//! The enclave's zip writer deflates `iexec_out.zip.aes`, which is random bytes: encoders then
//! emit *stored* blocks (RFC 1951 3.2.4: a header byte with BTYPE 00, LEN and NLEN, then up to
//! 65,535 raw bytes), so inflating the entry is a copy. flate2 makes that copy out of its input
//! buffer into the caller's; here the kernel reads a stored block's bytes straight into the
//! caller's buffer instead, which saves one pass over the whole archive (about 6 % of the CPU
//! time of a decryption: `benches/decrypt-vs-cp.sh`).
//!
//! At the first block that is not stored, the rest of the stream goes to flate2. Its
//! back-references may reach 32 KiB into what the stored blocks produced, so flate2 first gets
//! that window back, read again from the file, as one stored block of its own (the header that
//! follows a stored block is byte-aligned, so the two streams join bit-exactly), and the
//! replayed bytes are dropped from its output.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Cursor, Read};
use std::os::unix::fs::FileExt;

/// The most a Deflate back-reference reaches back (RFC 1951 3.2.5).
const WINDOW: usize = 32 * 1024;

/// Where the reader is in the stream.
#[derive(Debug, Clone, Copy)]
enum State {
    /// At a byte-aligned block header.
    Header,
    /// Inside a stored block: bytes left, and whether it is the last block.
    Stored { remaining: usize, last: bool },
    /// After the last block.
    Done,
}

/// The inflated bytes of a raw Deflate stream that lies in `file` between two offsets.
///
/// Errors (as `io::Error`): `UnexpectedEof` when the data ends inside a block; `InvalidData` for
/// a stored block whose NLEN is not the complement of LEN; flate2's errors after a fallback.
pub struct DeflateEntry {
    file: File,
    /// Offset of the next compressed byte.
    pos: u64,
    /// Offset just past the compressed data.
    end: u64,
    state: State,
    /// File offset and length of the latest stored bytes handed out, covering at least the last
    /// [`WINDOW`] bytes of output (what a fallback must replay).
    recent: VecDeque<(u64, usize)>,
    recent_len: usize,
    /// flate2, from the first block that is not stored.
    fallback: Option<Box<dyn Read + Send>>,
    /// Replayed window bytes still to drop from the fallback's output.
    skip: usize,
}

impl DeflateEntry {
    /// The stream of `len` bytes at offset `start` of `file`.
    pub fn new(file: File, start: u64, len: u64) -> Self {
        DeflateEntry {
            file,
            pos: start,
            end: start.saturating_add(len),
            state: State::Header,
            recent: VecDeque::new(),
            recent_len: 0,
            fallback: None,
            skip: 0,
        }
    }

    /// Whether the stream held a block that is not stored (flate2 inflates from there on).
    pub fn fell_back(&self) -> bool {
        self.fallback.is_some()
    }

    /// Remembers that `len` bytes at `offset` were handed out.
    fn note(&mut self, offset: u64, len: usize) {
        self.recent.push_back((offset, len));
        self.recent_len += len;
        while let Some(&(_, front)) = self.recent.front() {
            if self.recent_len - front < WINDOW {
                break;
            }
            self.recent.pop_front();
            self.recent_len -= front;
        }
    }

    /// Hands the rest of the stream, from the block header at `pos`, to flate2, after the last
    /// [`WINDOW`] bytes of output replayed as a stored block.
    fn start_fallback(&mut self) -> io::Result<()> {
        let wlen = self.recent_len.min(WINDOW);
        let mut window = vec![0u8; wlen];
        let mut drop_front = self.recent_len - wlen;
        let mut w = 0;
        for &(offset, len) in &self.recent {
            if drop_front >= len {
                drop_front -= len;
                continue;
            }
            let (offset, len) = (offset + drop_front as u64, len - drop_front);
            drop_front = 0;
            self.file.read_exact_at(&mut window[w..w + len], offset)?;
            w += len;
        }
        let mut prefix = Vec::with_capacity(5 + wlen);
        if wlen > 0 {
            // BFINAL 0, BTYPE 00; LEN and NLEN little-endian. `wlen` <= 32 KiB fits in 16 bits.
            let n = wlen as u16;
            prefix.push(0);
            prefix.extend_from_slice(&n.to_le_bytes());
            prefix.extend_from_slice(&(!n).to_le_bytes());
            prefix.extend_from_slice(&window);
        }
        let rest = Positional { file: self.file.try_clone()?, pos: self.pos, end: self.end };
        let input = BufReader::with_capacity(1 << 20, Cursor::new(prefix).chain(rest));
        self.fallback = Some(Box::new(flate2::bufread::DeflateDecoder::new(input)));
        self.skip = wlen;
        self.recent.clear();
        Ok(())
    }
}

impl Read for DeflateEntry {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if let Some(f) = self.fallback.as_mut() {
                let mut scratch = [0u8; 4096];
                while self.skip > 0 {
                    let k = self.skip.min(scratch.len());
                    let n = f.read(&mut scratch[..k])?;
                    if n == 0 {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "corrupt deflate stream"));
                    }
                    self.skip -= n;
                }
                return f.read(buf);
            }
            match self.state {
                State::Done => return Ok(0),
                State::Stored { remaining: 0, last } => {
                    self.state = if last { State::Done } else { State::Header };
                }
                State::Stored { remaining, last } => {
                    let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
                    let want = buf.len().min(remaining).min(left);
                    let n = if want == 0 { 0 } else { self.file.read_at(&mut buf[..want], self.pos)? };
                    if n == 0 {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the data ends inside a stored block",
                        ));
                    }
                    self.note(self.pos, n);
                    self.pos += n as u64;
                    self.state = State::Stored { remaining: remaining - n, last };
                    return Ok(n);
                }
                State::Header => {
                    let mut h = [0u8; 5];
                    let avail = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX).min(5);
                    let n = read_full_at(&self.file, &mut h[..avail], self.pos)?;
                    if n == 0 {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the data ends before the last block",
                        ));
                    }
                    if (h[0] >> 1) & 3 != 0 {
                        // Huffman-coded (or invalid: flate2 says so).
                        self.start_fallback()?;
                        continue;
                    }
                    if n < 5 {
                        return Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            "the data ends inside a block header",
                        ));
                    }
                    let len = u16::from_le_bytes([h[1], h[2]]);
                    let nlen = u16::from_le_bytes([h[3], h[4]]);
                    if nlen != !len {
                        return Err(io::Error::new(
                            io::ErrorKind::InvalidData,
                            "corrupt deflate stream (stored block length)",
                        ));
                    }
                    self.pos += 5;
                    self.state = State::Stored { remaining: usize::from(len), last: h[0] & 1 == 1 };
                }
            }
        }
    }
}

/// Reads at `offset` until `buf` is full or the file ends; returns the count read.
fn read_full_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read_at(&mut buf[n..], offset + n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The bytes of `file` from `pos` to `end`, by positional reads.
struct Positional {
    file: File,
    pos: u64,
    end: u64,
}

impl Read for Positional {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    use flate2::write::DeflateEncoder;
    use flate2::Compression;

    fn random(len: usize, seed: u64) -> Vec<u8> {
        // xorshift: incompressible enough for an encoder to store it.
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn deflate(data: &[u8], level: Compression) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), level);
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// Writes `stream` into a file between garbage, reads it back with `chunk`-sized reads.
    fn inflate(stream: &[u8], chunk: usize) -> (io::Result<Vec<u8>>, bool) {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&[0xAB; 37]).unwrap();
        f.write_all(stream).unwrap();
        f.write_all(&[0xCD; 100]).unwrap();
        let mut r = DeflateEntry::new(f, 37, stream.len() as u64);
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return (Ok(out), r.fell_back()),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => return (Err(e), r.fell_back()),
            }
        }
    }

    #[test]
    fn stored_blocks_pass_straight_through() {
        let data = random(300_000, 7);
        let stream = deflate(&data, Compression::none());
        for chunk in [1, 7, 4096, 65_536, 1 << 20] {
            let (out, fell_back) = inflate(&stream, chunk);
            assert_eq!(out.unwrap(), data, "chunk {chunk}");
            assert!(!fell_back, "only stored blocks: no fallback");
        }
    }

    #[test]
    fn a_huffman_block_after_stored_ones_finds_its_window() {
        // Random bytes (stored), then a repeat of the last 30 KB (a Huffman block whose
        // back-references reach into the stored blocks' output).
        let mut data = random(200_000, 11);
        let tail = data[170_000..200_000].to_vec();
        data.extend_from_slice(&tail);
        data.extend_from_slice(&tail);
        let stream = deflate(&data, Compression::default());
        assert!(stream.len() < 215_000, "the repeats were compressed: {}", stream.len());
        assert_eq!(stream[0] >> 1 & 3, 0, "the encoder stored the first block");
        for chunk in [3, 4096, 1 << 20] {
            let (out, fell_back) = inflate(&stream, chunk);
            assert_eq!(out.unwrap(), data, "chunk {chunk}");
            assert!(fell_back, "the repeats are not stored");
        }
    }

    #[test]
    fn a_first_block_that_is_not_stored_goes_to_flate2_at_once() {
        let data: Vec<u8> = b"iExec result line lorem ipsum\n".iter().cycle().take(100_000).copied().collect();
        let stream = deflate(&data, Compression::default());
        let (out, fell_back) = inflate(&stream, 4096);
        assert_eq!(out.unwrap(), data);
        assert!(fell_back);
    }

    #[test]
    fn damaged_or_cut_streams_are_errors() {
        let data = random(100_000, 3);
        let stream = deflate(&data, Compression::none());
        // NLEN not the complement of LEN.
        let mut bad = stream.clone();
        bad[3] ^= 1;
        assert_eq!(inflate(&bad, 4096).0.unwrap_err().kind(), io::ErrorKind::InvalidData);
        // Cut inside a header, inside a block, and before the last block.
        for cut in [2, 1000, 65_540, stream.len() - 1] {
            let (out, _) = inflate(&stream[..cut], 4096);
            assert_eq!(out.unwrap_err().kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
        }
        // An empty stream.
        assert!(inflate(&[], 4096).0.is_err());
    }
}
