//! Notices writes to the store by any other process (another session, a
//! `switchboard worker`, a CLI command), so open views refresh themselves.

use crate::store::StoreAt;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How often the store is asked whether anything was committed.
const EVERY: Duration = Duration::from_secs(1);
const STEP: Duration = Duration::from_millis(50);

/// Polls `PRAGMA data_version` on a connection of its own (which never
/// writes, so every change it sees is someone else's) and sends `()` after
/// each change. Stops when the receiver is gone, closing its connection.
pub fn spawn(store_at: StoreAt, changed: UnboundedSender<()>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let Ok(store) = store_at.open() else {
            return;
        };
        let mut seen = store.data_version().ok();
        loop {
            // Asleep in short steps, so that a dashboard leaving (the
            // receiver gone) does not wait a whole interval for this
            // connection to close.
            let asleep = std::time::Instant::now();
            while asleep.elapsed() < EVERY {
                if changed.is_closed() {
                    return;
                }
                std::thread::sleep(STEP);
            }
            let now = store.data_version().ok();
            if now.is_some() && now != seen {
                seen = now;
                if changed.send(()).is_err() {
                    return;
                }
            }
        }
    })
}
