//! Progress reporting and cancellation for long work (decryption now; downloads and key
//! generation later).
//!
//! Progress is cumulative (`done` of `total` bytes) so that a lost or coalesced event never makes
//! a bar go backwards. Cancellation is cooperative: the worker checks the token between chunks
//! and returns [`ErrorKind::Cancelled`](crate::ErrorKind::Cancelled) after removing what it wrote.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Error, Result};

/// What the work is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Trying the keys on `aes-key.rsa` (RSA, a fraction of a second per key).
    UnwrappingKey,
    /// Streaming the ciphertext through AES and checking the inner zip.
    Decrypting,
    /// Renaming the output into place.
    Finishing,
}

/// One progress report: `done` of `total` bytes of the stage's input, cumulative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProgressEvent {
    /// The current stage.
    pub stage: Stage,
    /// Bytes processed so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub done: u64,
    /// Bytes in all (0 when unknown).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total: u64,
}

/// Receives progress events; called from worker threads, so it must be `Sync`.
pub type ProgressFn<'a> = &'a (dyn Fn(ProgressEvent) + Sync);

/// A progress sink that ignores everything.
pub fn no_progress(_: ProgressEvent) {}

/// A cancellation flag shared between the UI (or a signal handler) and the worker.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not cancelled yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the work to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// `Err(cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            Err(Error::cancelled())
        } else {
            Ok(())
        }
    }
}

/// Rate-limits progress events to one per `interval` (and always lets the last one through via
/// [`Throttle::finish`]), so that a fast decryption does not flood the IPC channel.
pub struct Throttle<'a> {
    sink: ProgressFn<'a>,
    stage: Stage,
    total: u64,
    last: Instant,
    interval: Duration,
}

impl<'a> Throttle<'a> {
    /// A throttle for `stage` over `total` bytes, at most one event each 50 ms.
    pub fn new(sink: ProgressFn<'a>, stage: Stage, total: u64) -> Self {
        let t = Throttle { sink, stage, total, last: Instant::now(), interval: Duration::from_millis(50) };
        (t.sink)(ProgressEvent { stage, done: 0, total });
        t
    }

    /// Reports `done` if the interval has passed.
    pub fn update(&mut self, done: u64) {
        if self.last.elapsed() >= self.interval {
            self.last = Instant::now();
            (self.sink)(ProgressEvent { stage: self.stage, done, total: self.total });
        }
    }

    /// Reports `done` unconditionally.
    pub fn finish(&mut self, done: u64) {
        (self.sink)(ProgressEvent { stage: self.stage, done, total: self.total });
    }
}
