//! Ctrl-C as a stream that misses none. `tokio::signal::ctrl_c()` listens
//! only from its first poll: made afresh in each turn of a `select!` loop,
//! it misses a Ctrl-C that comes while the loop handles something else (a
//! progress event, a log line), which tokio has already taken from the
//! default action. One listener made before the loop keeps every press
//! until it is read.

/// Every Ctrl-C from the moment this is made.
pub struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Starts listening (inside a runtime). None if the process cannot
    /// listen for Ctrl-C; the default action (the process ends) then holds.
    pub fn listen() -> Option<Interrupts> {
        #[cfg(unix)]
        {
            let kind = tokio::signal::unix::SignalKind::interrupt();
            tokio::signal::unix::signal(kind)
                .ok()
                .map(|signal| Interrupts { signal })
        }
        #[cfg(not(unix))]
        {
            Some(Interrupts {})
        }
    }

    /// The next Ctrl-C, including one that came since the last call.
    pub async fn next(&mut self) {
        #[cfg(unix)]
        {
            if self.signal.recv().await.is_none() {
                std::future::pending::<()>().await;
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// The next Ctrl-C of `interrupts`, or never when there is no listener.
pub async fn next(interrupts: &mut Option<Interrupts>) {
    match interrupts {
        Some(i) => i.next().await,
        None => std::future::pending().await,
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A Ctrl-C that comes while nobody waits on the listener is kept for
    /// the next wait (a `ctrl_c()` made after it would wait for ever).
    #[test]
    fn a_ctrl_c_while_busy_is_kept_for_the_next_wait() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let mut interrupts = Interrupts::listen().expect("a listener");
            // SAFETY: raising a signal the runtime now handles.
            assert_eq!(unsafe { libc::raise(libc::SIGINT) }, 0);
            // Busy elsewhere while the runtime takes the signal in.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let kept = tokio::time::timeout(Duration::from_secs(5), interrupts.next()).await;
            assert!(kept.is_ok(), "the Ctrl-C that came while busy was lost");
        });
    }
}
