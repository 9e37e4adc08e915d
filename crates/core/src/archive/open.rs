//! Opening a result archive end to end: classify, unwrap the AES key, stream the ciphertext
//! through AES on one thread, which hands each plaintext chunk to a writing thread (the decrypted
//! zip) and to the checking thread (the inner zip's entries and CRCs, extracted or not; small
//! Deflate entries are inflated on a helper thread of its own, see
//! [`read_inner_zip`](crate::archive::inner::read_inner_zip)).
//!
//! Memory is bounded by the pipeline: [`CHUNK`] × (2 × [`DEPTH`] + 4) bytes of plaintext in
//! flight at most, plus the deferred entries' compressed bytes, whatever the archive size.
//! Nothing reaches the target path before everything was checked.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;

use serde::Serialize;

use crate::archive::cipher::{read_full, AesKey, Decryptor, ReadFailure, SkipWhitespace};
use crate::archive::inner::{map_input_error, read_inner_zip, CheckOnly, EntrySink, InnerFile, Limits};
use crate::archive::outer::{ArchiveLayout, OuterArchive};
use crate::archive::output::{ensure_space, write_error, FolderSink, OutputTarget, PendingOutput};
use crate::archive::unwrap::unwrap_aes_key;
use crate::error::{Error, Result};
use crate::keys::KeyCandidate;
use crate::progress::{CancelToken, ProgressEvent, ProgressFn, Stage, Throttle};

/// Plaintext chunk size handed between the threads (1 MiB: large enough for AES-NI to run at
/// full speed and for few channel hand-offs, small enough to keep memory flat).
pub const CHUNK: usize = 1 << 20;
/// Chunks in flight between the decrypting and the checking thread.
pub const DEPTH: usize = 4;

/// How the archive was encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EncryptionFormat {
    /// docs/design.md 1.1.
    #[serde(rename = "aes-256-cbc")]
    Aes256Cbc,
    /// docs/design.md 1.2.
    #[serde(rename = "legacy-aes-128-ecb")]
    LegacyAes128Ecb,
}

/// The two successful outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum OpenStatus {
    /// An encrypted result, decrypted.
    Decrypted,
    /// A plain result: nothing to decrypt (a success, not an error).
    NotEncrypted,
}

/// One file of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResultFile {
    /// Path inside the result, `/`-separated.
    pub path: String,
    /// Size in bytes.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: u64,
}

/// What opening produced. Also the CLI's `--json` success object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenOutcome {
    /// Decrypted, or not encrypted.
    pub status: OpenStatus,
    /// The encryption found (`null` for a plain result).
    pub format: Option<EncryptionFormat>,
    /// 64 hex digits: SHA-256 of the SPKI DER of the key that opened it.
    pub key_fingerprint: Option<String>,
    /// A name for that key (file name or key ring label).
    pub key_label: Option<String>,
    /// Absolute path of what was written (`null` when only checking).
    pub output: Option<String>,
    /// The result's files.
    pub files: Vec<ResultFile>,
}

/// Options of [`open_result`].
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// What to write.
    pub target: OutputTarget,
    /// Replace an existing target (the CLI's `--force`).
    pub overwrite: bool,
    /// Zip bomb limits.
    pub limits: Limits,
    /// With a [`OutputTarget::Zip`] or [`OutputTarget::CheckOnly`] target, also extracts the result's files into this existing,
    /// empty folder in the same pass (a scratch copy, not synced: e.g. to compute the result
    /// digest without decrypting twice). Ignored for the other targets.
    pub also_extract_to: Option<std::path::PathBuf>,
}

impl OpenOptions {
    /// Options writing `target`, never overwriting, default limits.
    pub fn new(target: OutputTarget) -> Self {
        OpenOptions { target, overwrite: false, limits: Limits::default(), also_extract_to: None }
    }
}

/// Opens the result archive at `archive` with `keys` (tried in order).
///
/// Progress: `unwrapping_key`, then `decrypting` with bytes of the stored ciphertext (or of the
/// plain archive) read, then `finishing`. Cancel at any time: the temporary output is removed and
/// the error is `cancelled`.
///
/// Errors: every kind of docs/design.md section 5 (see [`ErrorKind`]).
pub fn open_result(
    archive: &Path,
    keys: &[KeyCandidate],
    opts: &OpenOptions,
    progress: ProgressFn<'_>,
    cancel: &CancelToken,
) -> Result<OpenOutcome> {
    let outer = OuterArchive::open(archive)?;
    cancel.check()?;
    let mut pending = match &opts.target {
        OutputTarget::Zip(p) => Some(PendingOutput::create(p, false, opts.overwrite)?),
        OutputTarget::Folder(p) => Some(PendingOutput::create(p, true, opts.overwrite)?),
        OutputTarget::CheckOnly => None,
    };
    if let Some(p) = pending.as_mut() {
        // Synced only when it replaces an existing result (see `PendingOutput::durable`).
        p.set_durable(false);
    }
    let (status, format, key, files) = match outer.layout {
        ArchiveLayout::Plain => {
            let files = stream_plain(archive, pending.as_ref(), opts, progress, cancel)?;
            (OpenStatus::NotEncrypted, None, None, files)
        }
        ArchiveLayout::Encrypted | ArchiveLayout::LegacyEncrypted => {
            progress(ProgressEvent { stage: Stage::UnwrappingKey, done: 0, total: keys.len() as u64 });
            let unwrapped = unwrap_aes_key(&outer.wrapped_key, keys)?;
            cancel.check()?;
            let format = match unwrapped.aes {
                AesKey::Cbc256(_) => EncryptionFormat::Aes256Cbc,
                AesKey::Ecb128(_) => EncryptionFormat::LegacyAes128Ecb,
            };
            let by = unwrapped.by;
            let files = stream_encrypted(outer, unwrapped.aes, pending.as_ref(), opts, progress, cancel)?;
            (OpenStatus::Decrypted, Some(format), Some(by), files)
        }
    };
    cancel.check()?;
    progress(ProgressEvent { stage: Stage::Finishing, done: 0, total: 1 });
    let output = match pending {
        Some(p) => Some(p.commit(opts.overwrite)?.display().to_string()),
        None => None,
    };
    progress(ProgressEvent { stage: Stage::Finishing, done: 1, total: 1 });
    Ok(OpenOutcome {
        status,
        format,
        key_fingerprint: key.map(|k| k.fingerprint.to_hex()),
        key_label: key.map(|k| k.label.clone()),
        output,
        files: files.into_iter().map(|f| ResultFile { path: f.path, size: f.size }).collect(),
    })
}

/// A plain result: its bytes are the inner zip already.
fn stream_plain(
    archive: &Path,
    pending: Option<&PendingOutput>,
    opts: &OpenOptions,
    progress: ProgressFn<'_>,
    cancel: &CancelToken,
) -> Result<Vec<InnerFile>> {
    let file = File::open(archive).map_err(|e| Error::io("open", archive, &e))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    run_pipeline(total, pending, opts, progress, cancel, move |tx, throttle, cancel| {
        let mut file = file;
        let mut done = 0u64;
        loop {
            let mut buf = tx.take_buffer();
            buf.resize(CHUNK, 0);
            let n = match read_full(&mut file, &mut buf) {
                Ok(n) => n,
                Err(e) => return Err(Error::io("read", archive, &e)),
            };
            buf.truncate(n);
            if n == 0 {
                return Ok(());
            }
            done += n as u64;
            throttle.update(done);
            cancel.check()?;
            if !tx.send(buf) {
                return Ok(());
            }
        }
    })
}

fn stream_encrypted(
    mut outer: OuterArchive,
    aes: AesKey,
    pending: Option<&PendingOutput>,
    opts: &OpenOptions,
    progress: ProgressFn<'_>,
    cancel: &CancelToken,
) -> Result<Vec<InnerFile>> {
    let total = outer.ciphertext_size();
    if let AesKey::Cbc256(_) = aes {
        if total < 32 || !(total - 16).is_multiple_of(16) {
            return Err(Error::damaged_ciphertext(format!(
                "The encrypted part is {total} bytes: an IV followed by whole 16-byte AES blocks was expected."
            )));
        }
    }
    run_pipeline(total, pending, opts, progress, cancel, move |tx, throttle, cancel| {
        let entry = outer.into_ciphertext_reader()?;
        let counted = Counted { inner: entry, count: Arc::new(std::sync::atomic::AtomicU64::new(0)) };
        let count = counted.count.clone();
        let source: Box<dyn Read + Send + '_> = match aes {
            AesKey::Cbc256(_) => Box::new(counted),
            AesKey::Ecb128(_) => Box::new(base64::read::DecoderReader::new(
                SkipWhitespace::new(counted),
                &base64::engine::general_purpose::STANDARD,
            )),
        };
        let mut dec = Decryptor::new(source, &aes, CHUNK).map_err(read_failure)?;
        loop {
            let mut buf = tx.take_buffer();
            let more = dec.next_chunk(&mut buf).map_err(read_failure)?;
            throttle.update(count.load(std::sync::atomic::Ordering::Relaxed));
            cancel.check()?;
            if !more {
                return Ok(());
            }
            if !tx.send(buf) {
                // The checking side stopped on an error. Read the rest of the entry so that the
                // outer zip's CRC check runs: a damaged download is the likelier root cause.
                if !cancel.is_cancelled() {
                    dec.drain().map_err(read_failure)?;
                }
                return Ok(());
            }
        }
    })
}

/// Maps a failure while reading the ciphertext. Errors of the stored entry itself (truncation,
/// CRC mismatch) were already turned into `incomplete_archive` by [`Counted`]; any other error
/// comes from the base64 layer of a legacy archive.
fn read_failure(f: ReadFailure) -> Error {
    match f {
        ReadFailure::Format(e) => e,
        ReadFailure::Io(e) => match e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
            Some(v) => v.clone(),
            None => Error::damaged_ciphertext(format!(
                "The encrypted part of this legacy result is not valid base64 ({e})."
            )),
        },
    }
}

/// Counts the bytes read from the stored ciphertext entry (for progress) and marks its errors:
/// the zip reader reports a cut entry or a CRC mismatch as an I/O error, which means an
/// incomplete or damaged download.
struct Counted<R> {
    inner: R,
    count: Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            std::io::Error::other(Error::incomplete(format!(
                "The encrypted part of the archive is damaged or cut short ({e})."
            )))
        })?;
        self.count.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// A plaintext chunk, shared by the checking side and the writing side.
type Chunk = Arc<Vec<u8>>;

/// The producing end of the pipeline: sends plaintext chunks to the checking side and, when the
/// decrypted zip is written, to the writer too; recycles spent buffers.
pub(crate) struct ChunkSender {
    tx: SyncSender<Result<Chunk>>,
    writer: Option<SyncSender<Chunk>>,
    spare: Receiver<Vec<u8>>,
}

impl ChunkSender {
    fn take_buffer(&self) -> Vec<u8> {
        self.spare.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK + 16))
    }
    /// Sends a chunk; `false` when a consumer has stopped (on an error, reported when it is
    /// joined).
    ///
    /// The writer gets the chunk first and straight from here, not through the checking side:
    /// writing then never waits for a slow entry being inflated, only for memory (both queues
    /// are bounded).
    fn send(&self, buf: Vec<u8>) -> bool {
        let chunk = Arc::new(buf);
        if let Some(w) = &self.writer {
            if w.send(chunk.clone()).is_err() {
                return false;
            }
        }
        self.tx.send(Ok(chunk)).is_ok()
    }
}

/// Gives a chunk's buffer back to the producer once its last holder is done with it. It keeps
/// its length and bytes: the producer overwrites them, and a buffer that is not cleared is not
/// zero-filled again when resized back to a chunk's size.
fn recycle(chunk: Chunk, spare: &SyncSender<Vec<u8>>) {
    if let Ok(v) = Arc::try_unwrap(chunk) {
        let _ = spare.try_send(v);
    }
}

/// The checking end, as a `Read`: errors sent by the producer come out as `io::Error`s that
/// carry the original [`Error`] (see [`map_input_error`]).
struct ChunkReader {
    rx: Receiver<Result<Chunk>>,
    spare: SyncSender<Vec<u8>>,
    current: Chunk,
    pos: usize,
}

impl std::io::BufRead for ChunkReader {
    /// The rest of the current chunk, receiving the next one when it is used up: the inner zip
    /// reader checks stored entries straight from here, without a copy.
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos == self.current.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    let old = std::mem::replace(&mut self.current, chunk);
                    recycle(old, &self.spare);
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(std::io::Error::other(e)),
                Err(_) => return Ok(&[]),
            }
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.current.len());
    }
}

impl Read for ChunkReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        use std::io::BufRead;
        let data = self.fill_buf()?;
        let n = out.len().min(data.len());
        out[..n].copy_from_slice(&data[..n]);
        self.consume(n);
        Ok(n)
    }
}

/// Writes the decrypted zip on its own thread, so that the kernel's copy into the page cache
/// overlaps decryption and checking. The file is preallocated to `expected` bytes (fewer block
/// allocations while writing) and trimmed to what was written.
///
/// With `durable` (a result replacing another, see [`PendingOutput::durable`]) it is synced
/// before it is moved into place. Syncing 256 MB at the end alone would add the whole disk write
/// to the wall time, so a flusher thread syncs what was written every [`FLUSH_EVERY`] bytes
/// while decryption goes on, and the final sync waits only for the tail.
fn write_chunks(
    path: &Path,
    expected: u64,
    durable: bool,
    rx: Receiver<Chunk>,
    spare: SyncSender<Vec<u8>>,
) -> Result<()> {
    let mut f = File::options().write(true).truncate(true).open(path).map_err(|e| Error::io("write", path, &e))?;
    preallocate(&f, expected);
    let flusher_file = match durable {
        true => Some(f.try_clone().map_err(|e| Error::io("write", path, &e))?),
        false => None,
    };
    // At most one flush request waits: when the flusher is behind, requests merge.
    let (flush_tx, flush_rx) = sync_channel::<()>(1);
    std::thread::scope(|s| {
        let flusher = flusher_file.map(|file| {
            s.spawn(move || -> std::io::Result<()> {
                for () in flush_rx {
                    file.sync_data()?;
                }
                Ok(())
            })
        });
        let mut written = 0u64;
        let mut unflushed = 0u64;
        let write_all = || -> Result<()> {
            for chunk in rx {
                f.write_all(&chunk).map_err(|e| write_error(path, &e))?;
                written += chunk.len() as u64;
                unflushed += chunk.len() as u64;
                recycle(chunk, &spare);
                if durable && unflushed >= FLUSH_EVERY {
                    unflushed = 0;
                    let _ = flush_tx.try_send(());
                }
            }
            Ok(())
        };
        let wrote = write_all();
        drop(flush_tx);
        let flushed = match flusher {
            Some(h) => h.join().unwrap_or_else(|_| Err(std::io::Error::other("the flushing thread panicked"))),
            None => Ok(()),
        };
        wrote?;
        flushed.map_err(|e| write_error(path, &e))?;
        f.set_len(written).map_err(|e| Error::io("write", path, &e))?;
        if durable {
            f.sync_data().map_err(|e| write_error(path, &e))?;
        }
        Ok(())
    })
}

/// Bytes written between two background syncs of the decrypted zip (see [`write_chunks`]).
const FLUSH_EVERY: u64 = 32 << 20;

#[cfg(any(target_os = "linux", target_os = "android"))]
fn preallocate(f: &File, len: u64) {
    // Best effort: file systems without fallocate simply allocate as they go.
    let _ = rustix::fs::fallocate(f, rustix::fs::FallocateFlags::empty(), 0, len);
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn preallocate(_: &File, _: u64) {}

/// Runs `produce` on a worker thread, the writing of the decrypted zip (if asked) on another,
/// and the inner zip check (with extraction, if asked) on this one.
fn run_pipeline<'a, F>(
    total: u64,
    pending: Option<&PendingOutput>,
    opts: &OpenOptions,
    progress: ProgressFn<'a>,
    cancel: &CancelToken,
    produce: F,
) -> Result<Vec<InnerFile>>
where
    F: FnOnce(&ChunkSender, &mut Throttle<'a>, &CancelToken) -> Result<()> + Send,
{
    let (target, limits) = (&opts.target, &opts.limits);
    let (tx, rx) = sync_channel::<Result<Chunk>>(DEPTH);
    let (spare_tx, spare_rx) = sync_channel::<Vec<u8>>(2 * DEPTH + 4);
    let zip_path = match (target, pending) {
        (OutputTarget::Zip(_), Some(p)) => Some((p.temp_path().to_path_buf(), p.durable())),
        _ => None,
    };
    if let Some((path, _)) = &zip_path {
        // The decrypted zip is at most as large as what it is decrypted from (`total`).
        ensure_space(path.parent().unwrap_or(Path::new(".")), total, "the decrypted result")?;
    }
    std::thread::scope(|s| {
        let (writer_tx, writer) = match &zip_path {
            Some((path, durable)) => {
                let (wtx, wrx) = sync_channel::<Chunk>(DEPTH);
                let spare = spare_tx.clone();
                let durable = *durable;
                (Some(wtx), Some(s.spawn(move || write_chunks(path, total, durable, wrx, spare))))
            }
            None => (None, None),
        };
        let producer = s.spawn(move || {
            let sender = ChunkSender { tx, writer: writer_tx, spare: spare_rx };
            let mut throttle = Throttle::new(progress, Stage::Decrypting, total);
            match produce(&sender, &mut throttle, cancel) {
                Ok(()) => {
                    throttle.finish(total);
                    Ok(())
                }
                Err(e) => {
                    // Tell the consumer, then report.
                    let _ = sender.tx.send(Err(e.clone()));
                    Err(e)
                }
            }
        });
        let mut reader = ChunkReader { rx, spare: spare_tx, current: Arc::new(Vec::new()), pos: 0 };
        let consumed = match (target, pending, &opts.also_extract_to) {
            (OutputTarget::Folder(_), Some(p), _) => {
                let mut sink = FolderSink::new(p.temp_path(), p.durable());
                read_inner_zip(&mut reader, &mut sink, limits, cancel)
            }
            (OutputTarget::Zip(_) | OutputTarget::CheckOnly, _, Some(scratch)) => {
                let mut sink = FolderSink::new(scratch, false);
                read_inner_zip(&mut reader, &mut sink, limits, cancel)
            }
            _ => read_inner_zip(&mut reader, &mut CheckOnly as &mut dyn EntrySink, limits, cancel),
        };
        // Whatever follows the end record (a zip comment) still belongs to the written zip, and
        // reading to the end lets the decrypting side check the padding.
        let consumed = consumed.and_then(|files| {
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(map_input_error)?;
            Ok(files)
        });
        // Closing the checking side's channel ends the producer (if it is still sending), which
        // closes the writer's.
        drop(reader);
        let produced = producer.join().unwrap_or_else(|_| Err(Error::internal("the decrypting thread panicked")));
        let written = match writer {
            Some(w) => w.join().unwrap_or_else(|_| Err(Error::internal("the writing thread panicked"))),
            None => Ok(()),
        };
        // The producer's error explains the others (it was forwarded), and a damaged or cut
        // download explains damaged contents: report the root cause; then a write failure.
        match (produced, written, consumed) {
            (Err(e), _, _) => Err(e),
            (Ok(()), Err(e), _) => Err(e),
            (Ok(()), Ok(()), Err(e)) => Err(e),
            (Ok(()), Ok(()), Ok(files)) => Ok(files),
        }
    })
}
