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

/// The log file's name in the log directory.
const FILE: &str = "switchboard.log";

/// Starts file logging; keep the guard alive until exit. `RUST_LOG` or
/// `SWITCHBOARD_LOG` set the level (default info).
pub fn init(dir: &Path) -> Option<WorkerGuard> {
    make_private(dir).ok()?;
    let appender = tracing_appender::rolling::never(dir, FILE);
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

/// The log directory (0700 when made here) and the log file in it,
/// created 0600 before the appender opens it (the appender would create it
/// with the umask's mode, 0644 under the usual 022); an existing file
/// readable by others is tightened. Job errors and vendor words go there:
/// it is as private as the store beside it.
fn make_private(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let path = dir.join(FILE);
    let file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .open(&path)?;
    if file.metadata()?.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_file_is_private_whatever_the_umask_and_an_open_one_is_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("a/logs");
        make_private(&logs).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&logs.join(FILE)), 0o600);
        assert_eq!(mode(&logs), 0o700);
        std::fs::set_permissions(logs.join(FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&logs).unwrap();
        assert_eq!(mode(&logs.join(FILE)), 0o600);
    }
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
