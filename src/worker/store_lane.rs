//! The worker's way to the store: one long-lived read-write connection,
//! opened on first use and kept, that every store call of every job takes
//! in turn on a blocking thread. Opening a connection per call cost five
//! pragmas and a migration check each time and, when no other connection
//! was open (the CLI), a checkpoint and the removal of the WAL on every
//! close: a logged line took 22 ms alone and 0.28 ms beside the
//! dashboard's reader; on the kept connection, 0.03 and 0.05 ms.
//!
//! The kept connection belongs to the file it opened: when the path names
//! another file (a backup restored with `mv`, the store removed), the next
//! call drops it and opens the file now there, so a long-running `worker`
//! never writes through a stale WAL into a file nobody reads.
//!
//! Under read-only the store is still opened per call: such a process
//! writes nothing, and a connection that closes at once lets SQLite remove
//! the -wal and -shm that reading made (see `Store`'s `Drop`).

use crate::clock::Clock;
use crate::store::{Store, StoreAt, StoreError};
use std::future::Future;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

/// Which file a path names (device and inode), if it names one.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The kept connection and the file it was opened on.
type Kept = Option<(Store, Option<FileId>)>;

/// Where the worker's store calls go. Cheap to clone: every clone shares
/// the one connection.
#[derive(Clone)]
pub(crate) struct StoreLane {
    at: StoreAt,
    /// The "now" of every connection opened here.
    clock: Clock,
    /// The kept connection (read-write stores only); `None` until first
    /// use, and again after a call that failed or left a transaction open.
    kept: Option<Arc<Mutex<Kept>>>,
}

impl StoreLane {
    pub(crate) fn new(at: StoreAt, clock: Clock) -> StoreLane {
        let kept = (!at.read_only).then(|| Arc::new(Mutex::new(None)));
        StoreLane { at, clock, kept }
    }

    pub(crate) fn at(&self) -> &StoreAt {
        &self.at
    }

    /// The clock the worker was handed.
    pub(crate) fn clock(&self) -> Clock {
        self.clock
    }

    /// Runs `f` on the store on this (blocking) thread, waiting for any
    /// other call of this worker to end first.
    pub(crate) fn blocking<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let Some(kept) = &self.kept else {
            return f(&mut self.at.open_with(self.clock)?);
        };
        let mut slot = lock(kept);
        // The path names another file now (restored, replaced, removed):
        // the kept connection is of the old one.
        if slot
            .as_ref()
            .is_some_and(|(_, id)| *id != file_id(&self.at.path))
        {
            if let Some((old, _)) = slot.take() {
                // Its WAL sits beside the new file under the same name:
                // copied into the old file and emptied, it cannot be read
                // as the new file's.
                old.checkpoint_and_truncate_wal();
            }
        }
        let (store, _) = match &mut *slot {
            Some(s) => s,
            empty => {
                let store = self.at.open_with(self.clock)?;
                empty.insert((store, file_id(&self.at.path)))
            }
        };
        let result = f(store);
        // A failed call or a transaction left open (which would hold the
        // write lock for the next caller) costs the connection: closing it
        // rolls back, and the next call opens a fresh one, as every call
        // did before.
        if result.is_err() || !store.conn.is_autocommit() {
            *slot = None;
        }
        result
    }

    /// [`StoreLane::blocking`] off the async threads. A panic in `f` fails
    /// the call (and the job), not the process.
    pub(crate) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        self.start(f).await
    }

    /// Like [`StoreLane::run`], but `f` starts now, while the caller goes
    /// on (a sync reads its rows while its pages are fetched); the
    /// returned future gives its result.
    pub(crate) fn start<T, F>(
        &self,
        f: F,
    ) -> impl Future<Output = Result<T, StoreError>> + use<T, F>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        // A store task of a job is part of the job: a panic in it fails the job.
        let contained = crate::panic_report::is_contained();
        let lane = self.clone();
        let task = tokio::task::spawn_blocking(move || {
            crate::panic_report::contain(contained, || lane.blocking(f))
        });
        async move {
            task.await.map_err(|e| match e.try_into_panic() {
                Ok(p) => StoreError::Task(crate::panic_report::one_line(
                    &crate::panic_report::message(&*p),
                )),
                Err(e) => StoreError::Task(format!("store task failed: {e}")),
            })?
        }
    }
}

/// The kept connection, or none after a call panicked while holding it
/// (its state is unknown: the next call opens a fresh one).
fn lock(kept: &Mutex<Kept>) -> MutexGuard<'_, Kept> {
    kept.lock().unwrap_or_else(|poisoned| {
        kept.clear_poison();
        let mut slot = poisoned.into_inner();
        *slot = None;
        slot
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lane_in(dir: &tempfile::TempDir) -> StoreLane {
        StoreLane::new(StoreAt::new(dir.path().join("s.db"), false), Clock::Real)
    }

    /// The connection's own id: SQLite numbers nothing per connection, so
    /// a temporary table (which only its connection sees) marks it.
    fn same_connection(s: &mut Store) -> Result<bool, StoreError> {
        s.conn
            .execute_batch("CREATE TEMP TABLE IF NOT EXISTS mark(x)")?;
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM temp.mark", [], |r| r.get(0))?;
        s.conn.execute("INSERT INTO temp.mark VALUES (1)", [])?;
        Ok(n > 0)
    }

    #[test]
    fn calls_share_one_connection() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane_in(&dir);
        assert!(!lane.blocking(same_connection).unwrap());
        assert!(lane.blocking(same_connection).unwrap());
        assert!(lane.clone().blocking(same_connection).unwrap());
    }

    #[test]
    fn a_failed_call_or_an_open_transaction_costs_the_connection() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane_in(&dir);
        lane.blocking(same_connection).unwrap();
        let e = lane
            .blocking(|s| -> Result<(), StoreError> {
                s.conn.execute("INSERT INTO no_such_table VALUES (1)", [])?;
                Ok(())
            })
            .unwrap_err();
        assert!(e.to_string().contains("no_such_table"), "{e}");
        assert!(!lane.blocking(same_connection).unwrap(), "a fresh one");
        // A transaction left open is rolled back, and its lock freed.
        lane.blocking(|s| {
            s.conn.execute_batch("BEGIN IMMEDIATE")?;
            s.set_setting("left", "open")
        })
        .unwrap();
        let other = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(other.setting("left").unwrap(), None);
        other.set_setting("other", "writes").unwrap();
        assert!(!lane.blocking(same_connection).unwrap(), "a fresh one");
    }

    #[test]
    fn a_panic_while_holding_the_connection_leaves_a_fresh_one() {
        let dir = tempfile::tempdir().unwrap();
        let lane = lane_in(&dir);
        lane.blocking(same_connection).unwrap();
        let l = lane.clone();
        let r = std::thread::spawn(move || {
            l.blocking(|_| -> Result<(), StoreError> { panic!("boom") })
        })
        .join();
        assert!(r.is_err());
        assert!(!lane.blocking(same_connection).unwrap(), "a fresh one");
    }

    #[test]
    fn a_read_only_lane_opens_per_call_and_never_creates_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let lane = StoreLane::new(StoreAt::new(&path, true), Clock::Real);
        assert!(lane.blocking(|_| Ok(())).is_err());
        assert!(!path.exists());
        drop(Store::open(&path).unwrap());
        assert!(!lane.blocking(same_connection).unwrap());
        assert!(!lane.blocking(same_connection).unwrap(), "not kept");
    }
}
