//! Logs go to a file in the XDG state dir, never to the screen. Every
//! event passes through [`SafeWriter`] on its way to the file: a vendor
//! string logged in a field cannot put a raw ESC or a bidi override in it
//! (someone will `cat` or `tail -f` that file in a terminal).

use crate::domain::terminal_text::SafeWriter;
use std::path::Path;
use tracing_appender::non_blocking::{NonBlocking, WorkerGuard};
use tracing_subscriber::fmt::MakeWriter;

/// The file writer, each event escaped by [`SafeWriter`] (the fmt layer
/// writes one whole event per call).
struct SafeFile(NonBlocking);

impl<'a> MakeWriter<'a> for SafeFile {
    type Writer = SafeWriter<NonBlocking>;
    fn make_writer(&'a self) -> Self::Writer {
        SafeWriter(self.0.clone())
    }
}

/// Starts file logging; keep the guard alive until exit. `RUST_LOG` or
/// `SWITCHBOARD_LOG` set the level (default info).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, "switchboard.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = std::env::var("SWITCHBOARD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,hyper=warn,reqwest=warn".into());
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(SafeFile(writer))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}
