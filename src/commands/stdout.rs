//! The one way a command writes to stdout: [`line`] for a line of text,
//! [`Stdout`] for a stream (the `numbers` listing and export). Both record
//! how a write failed, once, so the command can wind down on its normal
//! path and [`exit_code`] gives the process its status:
//!
//! - The reader went away (`| head -1`, a pager quit): EPIPE. Quiet, no
//!   message, and exit 141 (128 + SIGPIPE), the status a shell shows for a
//!   process the signal killed, so `set -o pipefail` scripts see the usual
//!   code. (Rust ignores SIGPIPE, so the write fails with EPIPE instead of
//!   killing the process; we keep it that way, to stop cleanly.)
//! - Any other failure (a full disk, `> /dev/full`): one line on stderr,
//!   `switchboard: cannot write: …`, and exit 1.
//!
//! After a failure every later write is skipped.

use super::exit_code::Exit;
use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicU8, Ordering};

const OPEN: u8 = 0;
const READER_GONE: u8 = 1;
const FAILED: u8 = 2;

static STATE: AtomicU8 = AtomicU8::new(OPEN);

/// Notes how a write to stdout failed; says so on stderr unless the reader
/// went away, and only for the first failure.
fn record(e: &std::io::Error) {
    let state = if e.kind() == ErrorKind::BrokenPipe {
        READER_GONE
    } else {
        FAILED
    };
    if STATE
        .compare_exchange(OPEN, state, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        if state == FAILED {
            let _ = writeln!(std::io::stderr(), "switchboard: cannot write: {e}");
        } else {
            tracing::debug!("stdout closed by its reader; stopping quietly");
        }
    }
}

/// Whether a write to stdout has failed (the reader went away, or another
/// error): a command that prints as it goes should stop.
pub fn failed() -> bool {
    STATE.load(Ordering::SeqCst) != OPEN
}

/// The error a write after a failure returns (it is not attempted).
fn already_failed() -> std::io::Error {
    if STATE.load(Ordering::SeqCst) == READER_GONE {
        std::io::Error::from(ErrorKind::BrokenPipe)
    } else {
        std::io::Error::other("stdout failed earlier")
    }
}

/// The status of a command that would end with `code`: 141 when stdout's
/// reader went away, 1 when a write failed otherwise, else `code`.
pub fn exit_code(code: i32) -> i32 {
    match STATE.load(Ordering::SeqCst) {
        READER_GONE => Exit::ReaderGone.code(),
        FAILED => Exit::Failed.code(),
        _ => code,
    }
}

/// One line to stdout (a newline added). A failure is recorded (see the
/// module's comment), never a panic (`println!` panics on a closed pipe).
pub fn line(text: &str) {
    let mut with_break = String::with_capacity(text.len() + 1);
    with_break.push_str(text);
    with_break.push('\n');
    let _ = Stdout.write_all(with_break.as_bytes());
}

/// The process's stdout as a writer that records how a write failed. Wrap
/// it in a `BufWriter` for a stream of many rows.
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if failed() {
            return Err(already_failed());
        }
        std::io::stdout().lock().write(buf).inspect_err(record)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if failed() {
            return Err(already_failed());
        }
        std::io::stdout().lock().flush().inspect_err(record)
    }
}
