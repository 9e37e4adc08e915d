//! A streaming reader of the decrypted inner zip (`iexec_out.zip`): walks the local file headers
//! in order, inflates each entry once, checks its CRC-32 and sizes as the bytes go by, hands the
//! bytes to an [`EntrySink`], then cross-checks the central directory at the end.
//!
//! Why not a seekable zip library: the plaintext only exists as a stream coming out of AES; a
//! second pass over a written copy would double the I/O. Zip layout per PKWARE APPNOTE 6.3.x
//! sections 4.3.7 (local header), 4.3.9 (data descriptor), 4.3.12 (central directory), 4.5.3
//! (ZIP64 extra) and 4.6.9 (Info-ZIP Unicode Path extra). What the enclave writes
//! (docs/design.md 1.1): Deflate entries, no data descriptors, no ZIP64; the iExec SDK's JSZip writes
//! data descriptors, and the `zip` tool writes directory entries: all are read here.

use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use flate2::bufread::DeflateDecoder;

use crate::archive::names::{decode_name, safe_relative_path, NameSet, SafePath};
use crate::error::{Error, Result};
use crate::progress::CancelToken;

/// Limits that stop zip bombs and absurd inputs ([`ErrorKind::UnsafeArchive`](crate::ErrorKind)).
///
/// The ratio check compares, while an entry is inflated, the bytes it produced so far with the
/// compressed bytes actually consumed so far (not the sizes its header declares, which a bomb
/// can fake, and which an entry with a data descriptor does not give before its data). So it
/// stops a bomb soon after the floor, whatever the header says.
///
/// How far Deflate goes: a match copies at most 258 bytes, and costs at least one bit for its
/// length code plus one for its distance code, plus the distance's extra bits. Runs of one byte
/// (zeros) or of a pattern of 2 to 4 bytes need no extra bit: 258 bytes in 2 bits, 1,032:1, the
/// most Deflate can do and what a bomb uses. A pattern repeating every 5–8 bytes reaches about
/// 688:1, every 9–16 bytes 516:1, every 17–32 bytes 413:1, every 33–64 bytes 344:1. Text does
/// not come close to that unless it is one line repeated: `benches/decrypt-vs-cp.sh` makes its
/// `result.txt` by repeating a 45-byte line, which deflates about 330:1 (256 MiB to 780 KB at
/// its default size, 1 GiB to 3 MB at 2,048 MB, 5 GiB at 10,240 MB): it must open, at every
/// size. Hence a ratio of **400**: every entry inflating faster than 413:1 (a bomb, or data that
/// repeats every 32 bytes or less) is stopped once past the floor, the benchmark's text is not.
///
/// The floor (**256 MiB**) is how much any entry may inflate before the ratio is checked:
/// highly compressible real data exists (a zero-filled disk image, sparse numeric output, a log
/// with long runs of zeros). Up to 256 MiB such a file opens at any ratio; above it, a file of
/// zeros (1,032:1) is refused, while a 1 GB log that is mostly text with runs of zeros (say
/// 90 % zeros in long runs: under 1 MB for the zeros plus 20 MB for the text at 5:1, about
/// 50:1 in all) stays far below 400:1 and opens. A bomb is thus cut after 256 MiB per entry
/// (from 256 KB), and the whole result after [`max_total_bytes`](Self::max_total_bytes); an
/// extraction also stops before a file that the disk has no room for, or when the disk fills up
/// (see [`FolderSink`](crate::archive::output::FolderSink)), removing everything it wrote. The
/// old default (1,100:1 above 64 MiB) could never trigger for Deflate, whose best is 1,032:1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes all entries may inflate to (default 1 TiB).
    pub max_total_bytes: u64,
    /// Most entries (default 100,000).
    pub max_entries: usize,
    /// Highest ratio of inflated bytes to compressed bytes consumed, within one entry, once it
    /// inflated past `ratio_floor_bytes` (default 400, see above).
    pub max_ratio: u64,
    /// Size under which the ratio is not checked (default 256 MiB, see above).
    pub ratio_floor_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_total_bytes: 1 << 40, max_entries: 100_000, max_ratio: 400, ratio_floor_bytes: 256 << 20 }
    }
}

/// Where the entries' bytes go (a folder being extracted, or nowhere when only checking).
pub trait EntrySink {
    /// A file entry of `bytes` bytes (as its header declares, which the reading enforces) is
    /// about to begin at `path`: a sink that writes checks here that they fit. Not called for an
    /// entry whose size only follows its data (a data descriptor).
    fn reserve(&mut self, _path: &SafePath, _bytes: u64) -> Result<()> {
        Ok(())
    }
    /// A file entry begins at `path` (already checked to stay inside the output).
    fn begin_file(&mut self, path: &SafePath) -> Result<()>;
    /// Inflated bytes of the current file.
    fn write(&mut self, data: &[u8]) -> Result<()>;
    /// The current file is complete and its CRC matched.
    fn end_file(&mut self) -> Result<()>;
    /// A directory entry (`name/`).
    fn directory(&mut self, path: &SafePath) -> Result<()>;
    /// Whether the sink uses the entries' bytes. A sink that does not (it only checks) lets
    /// small Deflate entries be inflated on a helper thread, out of step with the stream (see
    /// [`read_inner_zip`]).
    fn wants_data(&self) -> bool {
        true
    }
}

/// A sink that keeps nothing: the entries are only checked.
pub struct CheckOnly;

impl EntrySink for CheckOnly {
    fn begin_file(&mut self, _: &SafePath) -> Result<()> {
        Ok(())
    }
    fn write(&mut self, _: &[u8]) -> Result<()> {
        Ok(())
    }
    fn end_file(&mut self) -> Result<()> {
        Ok(())
    }
    fn directory(&mut self, _: &SafePath) -> Result<()> {
        Ok(())
    }
    fn wants_data(&self) -> bool {
        false
    }
}

/// One file of the result, as found in the inner zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InnerFile {
    /// Path inside the result, `/`-separated, as stored (after Unicode decoding).
    pub path: String,
    /// Inflated size in bytes.
    pub size: u64,
}

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const DD_SIG: u32 = 0x0807_4b50;
/// Largest central directory accepted in memory (about 600,000 entries of short names).
const MAX_CENTRAL_BYTES: usize = 64 << 20;

struct LocalEntry {
    name: String,
    crc: u32,
}

/// Reads a whole inner zip from `input`, giving every entry to `sink`. Returns the files.
///
/// Errors: `damaged_contents` for anything structurally wrong (bad signature, CRC or size
/// mismatch, corrupt Deflate data, unsupported method, central directory disagreeing with the
/// entries); `unsafe_archive` for unsafe names, duplicates, symbolic links or a limit passed; and
/// whatever the sink or the input reader return (the input's errors are mapped by
/// [`map_input_error`]); `cancelled` soon after `cancel` is set (checked at least every 256 KiB
/// inflated, so that a highly compressed entry does not delay it).
///
/// When the sink only checks ([`EntrySink::wants_data`] is false), a Deflate entry whose
/// compressed data is at most [`DEFER_MAX`] bytes is copied out of the stream and inflated on a
/// helper thread while the walk goes on. Why: a small entry can take long to inflate (a text file
/// deflated 300:1 yields 300 bytes to check for each byte read), and the stream behind it would
/// otherwise wait, with the decrypting and writing threads stalled on their bounded queues. The
/// outcome is the same: every entry is checked before this returns, and the helper's error (the
/// earlier entry) is the one reported.
pub fn read_inner_zip<R: BufRead>(
    input: &mut R,
    sink: &mut dyn EntrySink,
    limits: &Limits,
    cancel: &CancelToken,
) -> Result<Vec<InnerFile>> {
    if sink.wants_data() {
        return walk(input, sink, limits, cancel, None);
    }
    let failed = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Deferred>(1);
        let failed = &failed;
        let helper = s.spawn(move || {
            let r = inflate_deferred(rx, limits, cancel);
            if r.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            r
        });
        let walked = walk(input, sink, limits, cancel, Some((&tx, failed)));
        // The helper finishes the entries queued so far (at most two): an error among them is
        // about an earlier entry than any the walk found, so the outcome does not depend on
        // timing and is the one extraction, which works in order, reports.
        drop(tx);
        let helped = helper.join().unwrap_or_else(|_| Err(Error::internal("the inflating thread panicked")));
        match (helped, walked) {
            (Err(e), _) => Err(e),
            (Ok(()), Err(e)) => Err(e),
            (Ok(()), Ok(files)) => Ok(files),
        }
    })
}

/// Largest compressed entry inflated on the helper thread (4 MiB): its bytes are held in memory
/// meanwhile, at most three such entries at once (one being inflated, one queued, one being read).
pub const DEFER_MAX: u64 = 4 << 20;

/// A Deflate entry handed to the helper thread: its header and its compressed bytes.
struct Deferred {
    header: LocalHeader,
    data: Vec<u8>,
}

/// The helper thread of [`read_inner_zip`]: inflates and checks each deferred entry, in order.
/// Returns the first entry's error (`cancelled` soon after a cancel, even inside an entry).
fn inflate_deferred(rx: Receiver<Deferred>, limits: &Limits, cancel: &CancelToken) -> Result<()> {
    let mut buf = vec![0u8; 256 * 1024];
    for job in rx {
        // The total was accounted by the walk, from the declared size the check below enforces.
        let mut total = 0;
        let got = copy_entry(&mut &job.data[..], &job.header, &mut CheckOnly, limits, cancel, &mut total, &mut buf)?;
        check_entry(&job.header, got, None)?;
    }
    Ok(())
}

/// Compares what an entry's data gave (crc, inflated size, compressed size) with what its header
/// (or `descriptor`: crc, compressed size, inflated size) declares.
fn check_entry(h: &LocalHeader, got: (u32, u64, u64), descriptor: Option<(u32, u64, u64)>) -> Result<()> {
    let (crc, size, csize) = got;
    let (want_crc, want_size, want_csize) = match descriptor {
        Some(d) => (d.0, Some(d.2), Some(d.1)),
        None => (h.crc, h.uncompressed_size, h.compressed_size),
    };
    if crc != want_crc {
        return Err(Error::damaged_contents(format!(
            "The file \"{}\" is damaged (its checksum does not match).",
            h.name
        )));
    }
    if want_size.is_some_and(|s| s != size) || want_csize.is_some_and(|s| s != csize) {
        return Err(Error::damaged_contents(format!("The file \"{}\" is damaged (its size does not match).", h.name)));
    }
    Ok(())
}

/// The walk of [`read_inner_zip`], handing small Deflate entries to `defer` when given.
fn walk<R: BufRead>(
    input: &mut R,
    sink: &mut dyn EntrySink,
    limits: &Limits,
    cancel: &CancelToken,
    defer: Option<(&SyncSender<Deferred>, &AtomicBool)>,
) -> Result<Vec<InnerFile>> {
    let mut files = Vec::new();
    let mut locals: Vec<LocalEntry> = Vec::new();
    let mut seen = NameSet::new();
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let sig = match read_u32_or_eof(input)? {
            None if locals.is_empty() => {
                return Err(Error::damaged_contents("The decrypted result is empty: it is not a zip."))
            }
            None => {
                return Err(Error::damaged_contents(
                    "The decrypted result ends before its table of contents (central directory).",
                ))
            }
            Some(s) => s,
        };
        match sig {
            LOCAL_SIG => {
                if locals.len() >= limits.max_entries {
                    return Err(Error::unsafe_archive(format!(
                        "The result has more than {} files.",
                        limits.max_entries
                    )));
                }
                let h = read_local_header(input)?;
                let safe = safe_relative_path(&h.name)?;
                seen.insert(&safe)?;
                if safe.is_dir {
                    if h.compressed_size.unwrap_or(0) != 0 || h.uncompressed_size.unwrap_or(0) != 0 {
                        return Err(Error::damaged_contents(format!("The folder entry \"{}\" has contents.", h.name)));
                    }
                    if h.has_descriptor {
                        read_descriptor(input, false)?;
                    }
                    sink.directory(&safe)?;
                    locals.push(LocalEntry { name: h.name, crc: 0 });
                    continue;
                }
                if let Some((_, helper_failed)) = defer {
                    if helper_failed.load(Ordering::Relaxed) {
                        // The helper's error (an earlier entry) is the one reported.
                        return Err(Error::internal("the inflating thread stopped"));
                    }
                }
                if let (Some((tx, _)), 8, false, Some(c), Some(declared)) =
                    (defer, h.method, h.has_descriptor, h.compressed_size, h.uncompressed_size)
                {
                    if c <= DEFER_MAX {
                        // Accounted now from the declared size, which the helper enforces.
                        total = total.saturating_add(declared);
                        if total > limits.max_total_bytes {
                            return Err(too_big(limits));
                        }
                        let mut data = Vec::with_capacity(c as usize);
                        input.take(c).read_to_end(&mut data).map_err(map_input_error)?;
                        if data.len() as u64 != c {
                            return Err(Error::damaged_contents(format!("The file \"{}\" is cut short.", h.name)));
                        }
                        files.push(InnerFile { path: safe.normalized.clone(), size: declared });
                        locals.push(LocalEntry { name: h.name.clone(), crc: h.crc });
                        if tx.send(Deferred { header: h, data }).is_err() {
                            // The helper stopped on an error: it is the one reported.
                            return Err(Error::internal("the inflating thread stopped"));
                        }
                        continue;
                    }
                }
                if let Some(declared) = h.uncompressed_size {
                    sink.reserve(&safe, declared)?;
                }
                sink.begin_file(&safe)?;
                let got = copy_entry(input, &h, sink, limits, cancel, &mut total, &mut buf)?;
                let descriptor = match h.has_descriptor {
                    true => Some(read_descriptor(input, h.zip64)?),
                    false => None,
                };
                check_entry(&h, got, descriptor)?;
                let (crc, size) = (got.0, got.1);
                sink.end_file()?;
                files.push(InnerFile { path: safe.normalized.clone(), size });
                locals.push(LocalEntry { name: h.name, crc });
            }
            CENTRAL_SIG | ZIP64_EOCD_SIG | EOCD_SIG => {
                let mut rest = sig.to_le_bytes().to_vec();
                input.take(MAX_CENTRAL_BYTES as u64 + 1).read_to_end(&mut rest).map_err(map_input_error)?;
                if rest.len() > MAX_CENTRAL_BYTES {
                    return Err(Error::unsafe_archive("The result's table of contents is unreasonably large."));
                }
                check_central_directory(&rest, &locals)?;
                return Ok(files);
            }
            other => {
                return Err(Error::damaged_contents(format!(
                    "The decrypted result is not a valid zip (unexpected record 0x{other:08x} after {} entries).",
                    locals.len()
                )))
            }
        }
    }
}

struct LocalHeader {
    method: u16,
    crc: u32,
    compressed_size: Option<u64>,
    uncompressed_size: Option<u64>,
    name: String,
    has_descriptor: bool,
    zip64: bool,
}

fn read_local_header<R: Read>(input: &mut R) -> Result<LocalHeader> {
    let mut h = [0u8; 26];
    read_exact(input, &mut h, "a file header")?;
    let flags = u16le(&h[2..]);
    let method = u16le(&h[4..]);
    let crc = u32le(&h[10..]);
    let csize32 = u32le(&h[14..]);
    let usize32 = u32le(&h[18..]);
    let name_len = u16le(&h[22..]) as usize;
    let extra_len = u16le(&h[24..]) as usize;
    let mut raw_name = vec![0u8; name_len];
    read_exact(input, &mut raw_name, "a file name")?;
    let mut extra = vec![0u8; extra_len];
    read_exact(input, &mut extra, "a file header's extra field")?;
    if flags & 0x0001 != 0 {
        return Err(Error::damaged_contents(
            "An entry of the result is password-protected, which iExec results never are.",
        ));
    }
    if method != 0 && method != 8 {
        return Err(Error::damaged_contents(format!(
            "An entry of the result uses compression method {method}; iExec results use Deflate (8) or none (0)."
        )));
    }
    let has_descriptor = flags & 0x0008 != 0;
    let mut zip64 = false;
    let mut csize = Some(csize32 as u64);
    let mut usize_ = Some(usize32 as u64);
    // ZIP64 extended information (APPNOTE 4.5.3): present when a 32-bit size is 0xFFFFFFFF.
    if let Some(z) = find_extra(&extra, 0x0001) {
        zip64 = true;
        let mut at = 0;
        if usize32 == u32::MAX && z.len() >= at + 8 {
            usize_ = Some(u64le(&z[at..]));
            at += 8;
        }
        if csize32 == u32::MAX && z.len() >= at + 8 {
            csize = Some(u64le(&z[at..]));
        }
    }
    if has_descriptor {
        // Sizes and CRC in the local header are zero; the real ones follow the data.
        csize = None;
        usize_ = None;
        if method == 0 {
            return Err(Error::damaged_contents(
                "An uncompressed entry of the result has no size in its header, which cannot be read as a stream.",
            ));
        }
    }
    let name = decode_name(&raw_name, flags & 0x0800 != 0, find_extra(&extra, 0x7075));
    Ok(LocalHeader { method, crc, compressed_size: csize, uncompressed_size: usize_, name, has_descriptor, zip64 })
}

/// The error of a result past [`Limits::max_total_bytes`].
fn too_big(limits: &Limits) -> Error {
    Error::unsafe_archive(format!(
        "The result would take more than {} bytes once extracted: extraction was stopped.",
        limits.max_total_bytes
    ))
}

/// Copies one entry's data to `sink`, returns (crc, inflated size, compressed size).
fn copy_entry<R: BufRead>(
    input: &mut R,
    h: &LocalHeader,
    sink: &mut dyn EntrySink,
    limits: &Limits,
    cancel: &CancelToken,
    total: &mut u64,
    buf: &mut [u8],
) -> Result<(u32, u64, u64)> {
    let mut crc = crc32fast::Hasher::new();
    let mut size: u64 = 0;
    let declared = h.uncompressed_size;
    // Checks and forwards one piece of inflated data; `consumed`: compressed bytes of the entry
    // read so far (the ratio is measured on real bytes, whatever the header declares).
    let mut account = |data: &[u8], consumed: u64| -> Result<()> {
        size += data.len() as u64;
        *total += data.len() as u64;
        if declared.is_some_and(|d| size > d) {
            return Err(Error::damaged_contents(format!("The file \"{}\" is longer than its header says.", h.name)));
        }
        if *total > limits.max_total_bytes {
            return Err(too_big(limits));
        }
        if size > limits.ratio_floor_bytes && size / consumed.max(1) > limits.max_ratio {
            return Err(Error::unsafe_archive(format!(
                "The file \"{}\" inflates to more than {} times its compressed size past its first {} MiB, \
                 far beyond real data: it looks like a zip bomb, so extraction was stopped.",
                h.name,
                limits.max_ratio,
                limits.ratio_floor_bytes >> 20
            )));
        }
        crc.update(data);
        sink.write(data)
    };
    let csize = match (h.method, h.compressed_size) {
        (0, Some(c)) => {
            // Stored: checked straight from the input's buffer, without a copy.
            let mut r = input.take(c);
            let mut got = 0u64;
            loop {
                let data = r.fill_buf().map_err(|e| map_entry_error(e, &h.name))?;
                if data.is_empty() {
                    break;
                }
                let n = data.len();
                account(data, got + n as u64)?;
                cancel.check()?;
                r.consume(n);
                got += n as u64;
            }
            if got != c {
                return Err(Error::damaged_contents(format!("The file \"{}\" is cut short.", h.name)));
            }
            c
        }
        (8, Some(c)) => {
            let limited = input.take(c);
            let mut d = DeflateDecoder::new(limited);
            inflate(&mut d, buf, &h.name, cancel, &mut account)?;
            let used = d.total_in();
            if used != c || d.into_inner().limit() != 0 {
                // Bytes left over after the end of the Deflate stream: sizes disagree.
                return Err(Error::damaged_contents(format!(
                    "The file \"{}\" is damaged (its compressed size does not match).",
                    h.name
                )));
            }
            c
        }
        _ => {
            // Deflate with a data descriptor: the Deflate stream marks its own end, and the
            // buffered reader keeps whatever follows it. The ratio is checked all the same: on
            // the bytes the decoder consumed, since no size is known before the descriptor.
            let mut d = DeflateDecoder::new(&mut *input);
            inflate(&mut d, buf, &h.name, cancel, &mut account)?;
            d.total_in()
        }
    };
    Ok((crc.finalize(), size, csize))
}

/// Inflates all of `d` into `buf`, piece by piece, giving each piece to `account` with the
/// compressed bytes consumed so far.
fn inflate<R: BufRead>(
    d: &mut DeflateDecoder<R>,
    buf: &mut [u8],
    name: &str,
    cancel: &CancelToken,
    account: &mut dyn FnMut(&[u8], u64) -> Result<()>,
) -> Result<()> {
    loop {
        let n = d.read(buf).map_err(|e| map_entry_error(e, name))?;
        if n == 0 {
            return Ok(());
        }
        account(&buf[..n], d.total_in())?;
        // Per piece of at most `buf.len()` inflated bytes: a highly compressed entry yields much
        // per byte read, so the stream alone would notice late.
        cancel.check()?;
    }
}

/// Reads a data descriptor (optional signature, CRC, sizes); returns (crc, csize, usize).
fn read_descriptor<R: Read>(input: &mut R, zip64: bool) -> Result<(u32, u64, u64)> {
    let mut first = [0u8; 4];
    read_exact(input, &mut first, "a data descriptor")?;
    let crc = if u32le(&first) == DD_SIG {
        let mut c = [0u8; 4];
        read_exact(input, &mut c, "a data descriptor")?;
        u32le(&c)
    } else {
        u32le(&first)
    };
    if zip64 {
        let mut s = [0u8; 16];
        read_exact(input, &mut s, "a data descriptor")?;
        Ok((crc, u64le(&s), u64le(&s[8..])))
    } else {
        let mut s = [0u8; 8];
        read_exact(input, &mut s, "a data descriptor")?;
        Ok((crc, u32le(&s) as u64, u32le(&s[4..]) as u64))
    }
}

/// Checks that the central directory lists exactly the entries seen, with the same CRCs, and
/// that none is a symbolic link.
fn check_central_directory(cd: &[u8], locals: &[LocalEntry]) -> Result<()> {
    let bad = || Error::damaged_contents("The result's table of contents (central directory) is damaged.");
    let mut at = 0usize;
    let mut count = 0usize;
    while at + 4 <= cd.len() && u32le(&cd[at..]) == CENTRAL_SIG {
        let h = cd.get(at..at + 46).ok_or_else(bad)?;
        let made_by_host = h[5];
        let flags = u16le(&h[8..]);
        let crc = u32le(&h[16..]);
        let name_len = u16le(&h[28..]) as usize;
        let extra_len = u16le(&h[30..]) as usize;
        let comment_len = u16le(&h[32..]) as usize;
        let external = u32le(&h[38..]);
        let raw_name = cd.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let extra = cd.get(at + 46 + name_len..at + 46 + name_len + extra_len).ok_or_else(bad)?;
        let name = decode_name(raw_name, flags & 0x0800 != 0, find_extra(extra, 0x7075));
        let local = locals.get(count).ok_or_else(|| {
            Error::damaged_contents(format!("The table of contents lists \"{name}\", which is not in the result."))
        })?;
        if local.name != name || (!name.ends_with('/') && local.crc != crc) {
            return Err(Error::damaged_contents(format!(
                "The table of contents does not match the entry \"{}\".",
                local.name
            )));
        }
        // Unix host (3) with S_IFLNK in the high 16 bits of the external attributes.
        if made_by_host == 3 && (external >> 16) & 0o170000 == 0o120000 {
            return Err(Error::unsafe_archive(format!(
                "The entry \"{name}\" is a symbolic link; Result Vault never creates links."
            )));
        }
        count += 1;
        at += 46 + name_len + extra_len + comment_len;
    }
    if count != locals.len() {
        return Err(Error::damaged_contents(format!(
            "The table of contents lists {count} entries, but the result holds {}.",
            locals.len()
        )));
    }
    // What follows must be an end record (ZIP64 end or plain end of central directory).
    let tail = cd.get(at..).ok_or_else(bad)?;
    let ends_well = tail.len() >= 22
        && (u32le(tail) == EOCD_SIG || u32le(tail) == ZIP64_EOCD_SIG)
        && tail.windows(4).any(|w| u32le(w) == EOCD_SIG);
    if !ends_well {
        return Err(bad());
    }
    Ok(())
}

fn find_extra(extra: &[u8], id: u16) -> Option<&[u8]> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let hid = u16le(&extra[at..]);
        let len = u16le(&extra[at + 2..]) as usize;
        let body = extra.get(at + 4..at + 4 + len)?;
        if hid == id {
            return Some(body);
        }
        at += 4 + len;
    }
    None
}

fn read_u32_or_eof<R: Read>(input: &mut R) -> Result<Option<u32>> {
    let mut b = [0u8; 4];
    let n = crate::archive::cipher::read_full(input, &mut b).map_err(map_input_error)?;
    match n {
        0 => Ok(None),
        4 => Ok(Some(u32le(&b))),
        _ => Err(Error::damaged_contents("The decrypted result ends in the middle of a record.")),
    }
}

fn read_exact<R: Read>(input: &mut R, buf: &mut [u8], what: &str) -> Result<()> {
    let n = crate::archive::cipher::read_full(input, buf).map_err(map_input_error)?;
    if n < buf.len() {
        return Err(Error::damaged_contents(format!("The decrypted result ends in the middle of {what}.")));
    }
    Ok(())
}

/// Turns an error from the plaintext stream back into the [`Error`] it carries (the
/// decrypting side sends its errors through the stream), or `damaged_contents`.
pub fn map_input_error(e: std::io::Error) -> Error {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()) {
        Some(v) => v.clone(),
        None => Error::damaged_contents(format!("The decrypted result could not be read: {e}.")),
    }
}

fn map_entry_error(e: std::io::Error, name: &str) -> Error {
    if e.get_ref().and_then(|inner| inner.downcast_ref::<Error>()).is_some() {
        return map_input_error(e);
    }
    Error::damaged_contents(format!("The file \"{name}\" is damaged (its compressed data is corrupt)."))
}

fn u16le(b: &[u8]) -> u16 {
    u16::from_le_bytes([b[0], b[1]])
}
fn u32le(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}
fn u64le(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}
