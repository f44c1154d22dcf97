//! How the dashboard ends, whatever ends it: `q`, an error of the
//! terminal, or a signal (SIGHUP when the SSH connection drops, SIGTERM,
//! SIGINT). Each way takes the same path out: the jobs of this process are
//! cancelled and their ends recorded, the readers close, the terminal is
//! given back, and the process exits with the conventional status.

use crate::worker::{JobEvent, Worker};
use std::collections::HashSet;
use std::time::Duration;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc::UnboundedReceiver;

/// Why the event loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Quit,
    /// A signal, by number.
    Signal(i32),
}

impl Ending {
    /// The process's exit status: 0 for a quit, 128 + the signal's number
    /// for a signal, as a shell reports a process the signal ended.
    pub fn exit_code(self) -> i32 {
        match self {
            Ending::Quit => 0,
            Ending::Signal(n) => 128 + n,
        }
    }
}

/// The signals that end the dashboard. Once these listeners exist the
/// signals no longer kill the process at once (for the life of the
/// process): it takes its way out.
pub struct Signals {
    listeners: Vec<(i32, Signal)>,
}

impl Signals {
    /// Must run inside the tokio runtime.
    pub fn listen() -> std::io::Result<Signals> {
        let mut listeners = vec![];
        for n in [libc::SIGHUP, libc::SIGTERM, libc::SIGINT] {
            listeners.push((n, signal(SignalKind::from_raw(n))?));
        }
        Ok(Signals { listeners })
    }

    /// The number of the next signal that arrives.
    pub async fn recv(&mut self) -> i32 {
        let waits = self.listeners.iter_mut().map(|(n, s)| {
            let n = *n;
            Box::pin(async move {
                s.recv().await;
                n
            })
        });
        futures_util::future::select_all(waits).await.0
    }

    /// The number of the next signal that arrives other than `ignored`.
    pub async fn recv_other_than(&mut self, ignored: i32) -> i32 {
        loop {
            let n = self.recv().await;
            if n != ignored {
                return n;
            }
        }
    }
}

/// A signal's name for the log (`SIGHUP`), or its number.
pub fn signal_name(n: i32) -> String {
    match n {
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGINT => "SIGINT".into(),
        libc::SIGTERM => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

/// Cancels every job of this process and waits, at most `patience`, for
/// each to end and record its end (a store write under way is rolled back
/// or reported as held), so none is left `running` for the next process
/// to close as if this one had crashed. `waiting(n)` is called first when
/// `n` jobs have to be waited for (to say so on screen). Returns how many
/// had not ended when patience ran out.
pub async fn end_jobs(
    worker: &Worker,
    events: &mut UnboundedReceiver<JobEvent>,
    patience: Duration,
    waiting: impl FnOnce(usize),
) -> usize {
    let mut running: HashSet<String> = worker.cancel_all().into_iter().collect();
    if running.is_empty() {
        return 0;
    }
    waiting(running.len());
    let deadline = tokio::time::sleep(patience);
    tokio::pin!(deadline);
    while !running.is_empty() {
        tokio::select! {
            ev = events.recv() => match ev {
                Some(JobEvent::Finished { id, .. }) => {
                    running.remove(&id);
                }
                Some(_) => {}
                None => break,
            },
            _ = &mut deadline => break,
        }
    }
    running.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_exits_with_128_plus_its_number() {
        assert_eq!(Ending::Quit.exit_code(), 0);
        assert_eq!(Ending::Signal(libc::SIGHUP).exit_code(), 129);
        assert_eq!(Ending::Signal(libc::SIGINT).exit_code(), 130);
        assert_eq!(Ending::Signal(libc::SIGTERM).exit_code(), 143);
        assert_eq!(signal_name(libc::SIGTERM), "SIGTERM");
    }
}
