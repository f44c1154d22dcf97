//! What a panic does. No input should reach one; if a bug does:
//!
//! - the hook writes the message, where it happened and a backtrace to the
//!   log file (through tracing), never to the screen;
//! - a panic inside a job (see [`Contain`]) unwinds to the worker, which
//!   fails that job ("internal error: ...") and releases its leases; the
//!   dashboard and the other jobs go on;
//! - a panic on the main thread unwinds to `main`, which restores nothing
//!   itself (the dashboard's terminal guard has done it by then), prints
//!   [`one_line`] and exits with [`EXIT_INTERNAL`];
//! - a panic on any other thread (a helper thread or task outside a job)
//!   cannot be unwound to anyone who would report it: the hook restores
//!   the terminal, flushes the log, prints the one line and exits with
//!   [`EXIT_INTERNAL`], rather than leave a dashboard that no longer
//!   answers.

use std::cell::Cell;
use std::future::Future;
use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

/// The exit code of a run ended by a panic (EX_SOFTWARE of sysexits.h).
pub const EXIT_INTERNAL: i32 = crate::commands::exit_code::Exit::Internal.code();

static LOG_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);
static LOG_GUARD: Mutex<Option<tracing_appender::non_blocking::WorkerGuard>> = Mutex::new(None);
/// Restores the terminal (set while the dashboard holds it).
static RESTORE: Mutex<Option<fn()>> = Mutex::new(None);

thread_local! {
    /// How many [`Contain`]ed polls or calls this thread is inside.
    static CONTAINED: Cell<u32> = const { Cell::new(0) };
}

/// Installs the hook. Call once, first thing.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let what = message(info.payload());
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        let thread_name = thread.name().unwrap_or("unnamed");
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(
            thread = thread_name,
            at = %place,
            "internal error (panic): {what}\n{backtrace}"
        );
        if lock(&LOG_FILE).is_none() && std::env::var_os("RUST_BACKTRACE").is_some() {
            // No log to keep it in: the backtrace goes where it was asked for.
            // Never `eprintln!`: it panics when stderr's reader is gone,
            // and a panic in the hook aborts.
            let _ = writeln!(
                std::io::stderr(),
                "internal error (panic) at {place}: {what}\n{backtrace}"
            );
        }
        let contained = CONTAINED.with(Cell::get) > 0 || thread.name() == Some("main");
        if !contained {
            if let Some(restore) = *lock(&RESTORE) {
                restore();
            }
            flush_log();
            let _ = writeln!(std::io::stderr(), "switchboard: {}", one_line(&what));
            std::process::exit(EXIT_INTERNAL);
        }
    }));
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Keeps the log writer's guard so that a fatal panic can flush it.
pub fn keep_log(file: PathBuf, guard: Option<tracing_appender::non_blocking::WorkerGuard>) {
    if guard.is_some() {
        *lock(&LOG_FILE) = Some(file);
    }
    *lock(&LOG_GUARD) = guard;
}

/// Writes out what the log holds (drops the writer's guard); call before exit.
pub fn flush_log() {
    drop(lock(&LOG_GUARD).take());
}

/// While the dashboard holds the terminal, how to give it back.
pub fn set_terminal_restore(restore: Option<fn()>) {
    *lock(&RESTORE) = restore;
}

/// A panic's payload as text.
pub fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// `internal error: ...; details in the log file ...`: the one line a
/// person sees (the message's first line, cut to 200 characters and
/// escaped for a terminal: it may quote vendor text).
pub fn one_line(what: &str) -> String {
    let what: String = what
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let what = crate::domain::terminal_text::terminal_safe(&what);
    match lock(&LOG_FILE).as_ref() {
        Some(f) => format!(
            "internal error: {what}; details in the log file {}",
            f.display()
        ),
        None => format!(
            "internal error: {what}; no log file was open: run with RUST_BACKTRACE=1 to see the backtrace"
        ),
    }
}

/// Whether this thread is inside a [`Contain`]ed job.
pub fn is_contained() -> bool {
    CONTAINED.with(Cell::get) > 0
}

/// Runs `f` as part of a job when `contained` (a store task of a job): a
/// panic in it is reported by the job, not fatal.
pub fn contain<T>(contained: bool, f: impl FnOnce() -> T) -> T {
    struct Leave(bool);
    impl Drop for Leave {
        fn drop(&mut self) {
            if self.0 {
                CONTAINED.with(|c| c.set(c.get() - 1));
            }
        }
    }
    if contained {
        CONTAINED.with(|c| c.set(c.get() + 1));
    }
    let _leave = Leave(contained);
    f()
}

/// A job's future: while it is polled, a panic belongs to the job (the
/// worker catches it and fails the job) instead of ending the process.
pub struct Contain<F>(Pin<Box<F>>);

impl<F> Contain<F> {
    pub fn new(f: F) -> Self {
        Contain(Box::pin(f))
    }
}

impl<F: Future> Future for Contain<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        contain(true, || self.0.as_mut().poll(cx))
    }
}

/// Debug builds only: panics at `point` when `SWITCHBOARD_DEBUG_PANIC_AT`
/// names it. No input reaches a panic (that is the point), so the tests of
/// what a panic does need this to make one; release builds have no such
/// switch. The points: `arm_users_page` (inside a sync job, lease held),
/// `command` (the CLI's main thread), `tui_draw` (the dashboard's UI
/// thread), `tui_input` (its key-reading thread).
#[cfg(debug_assertions)]
#[track_caller]
pub fn debug_panic_point(point: &str) {
    if std::env::var("SWITCHBOARD_DEBUG_PANIC_AT").is_ok_and(|v| v == point) {
        panic!("forced by SWITCHBOARD_DEBUG_PANIC_AT={point}");
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn debug_panic_point(_point: &str) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_is_one_escaped_line() {
        let l = one_line("bad \u{1b}]52;c;x\u{7} thing\nsecond line");
        assert!(l.starts_with("internal error: bad "), "{l}");
        assert!(!l.contains(['\u{1b}', '\u{7}', '\n']), "{l:?}");
        assert!(!l.contains("second line"), "{l}");
    }

    #[test]
    fn contain_counts_and_uncounts_even_when_unwinding() {
        assert!(!is_contained());
        let r = std::panic::catch_unwind(|| contain(true, || panic!("x")));
        assert!(r.is_err());
        assert!(!is_contained());
        contain(true, || assert!(is_contained()));
        contain(false, || assert!(!is_contained()));
    }
}
