//! Logs go to a file in the XDG state dir, never to the screen. Every
//! event passes through [`SafeWriter`] on its way to the file: a vendor
//! string logged in a field cannot put a raw ESC or a bidi override in it
//! (someone will `cat` or `tail -f` that file in a terminal).

use crate::domain::terminal_text::SafeWriter;
use std::path::Path;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;

/// A writer maker whose writers escape each event with [`SafeWriter`]
/// (the fmt layer writes one whole event per call). tracing-subscriber
/// escapes ESC in an event's message, but not in a field's value, nor any
/// bidi override.
struct Safe<M>(M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Safe<M> {
    type Writer = SafeWriter<M::Writer>;
    fn make_writer(&'a self) -> Self::Writer {
        SafeWriter(self.0.make_writer())
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
        .with_writer(Safe(writer))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_vendor_string_in_a_field_reaches_the_file_escaped() {
        let sink = Sink::default();
        let out = sink.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Safe(move || out.clone()))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let name = "trunk\x1b]52;c;SGk=\x07 \x1b[2J \u{202e}1555";
            tracing::warn!(name = %name, "message \x1b[31m {name}");
            tracing::info!(?name, "debug form");
        });
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(
            !text.contains('\x1b') && !text.contains('\x07') && !text.contains('\u{202e}'),
            "{text:?}"
        );
        assert!(text.contains("\\u{202e}1555"), "{text}");
    }
}
