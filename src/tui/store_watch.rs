//! Notices writes to the store by any other process (another session, a
//! `switchboard worker`, a CLI command), so open views refresh themselves.

use crate::store::StoreAt;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How often the store is asked whether anything was committed.
const EVERY: Duration = Duration::from_secs(1);

/// Polls `PRAGMA data_version` on a connection of its own (which never
/// writes, so every change it sees is someone else's) and sends `()` after
/// each change. Stops when the receiver is gone.
pub fn spawn(store_at: StoreAt, changed: UnboundedSender<()>) {
    std::thread::spawn(move || {
        let Ok(store) = store_at.open() else {
            return;
        };
        let mut seen = store.data_version().ok();
        loop {
            std::thread::sleep(EVERY);
            let now = store.data_version().ok();
            if now.is_some() && now != seen {
                seen = now;
                if changed.send(()).is_err() {
                    return;
                }
            }
        }
    });
}
