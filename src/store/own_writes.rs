//! Whether the store is still as this connection read it: a read made
//! ahead of a write transaction (a sync reads the rows it plans from
//! while its pages are still being fetched) may stand in for the same
//! read inside the write lock only when nothing has changed the store in
//! between.
//!
//! Another connection's commit moves SQLite's `PRAGMA data_version`; this
//! connection's own commits do not, so they are counted: SQLite's count
//! of the rows this connection changed, less the rows it changed in its
//! job records (log lines, progress), which nothing plans from. Any other
//! write on this connection (another job's edit through the worker's
//! connection) counts, so a read made before it is made again.

use rusqlite::Connection;
use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Connections this process opened so far: each one's number.
static OPENED: AtomicU64 = AtomicU64::new(0);

pub(super) struct OwnWrites {
    /// This connection among every one this process opened: a read made
    /// on another one says nothing of what this one sees.
    connection: u64,
    /// Rows this connection changed in the job tables.
    bookkeeping: Cell<u64>,
}

/// The store as one connection saw it at one moment: equal marks, taken
/// inside transactions, mean that nothing was written in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoreMark {
    connection: u64,
    data_version: i64,
    changes: u64,
}

impl OwnWrites {
    pub(super) fn new() -> OwnWrites {
        OwnWrites {
            connection: OPENED.fetch_add(1, Ordering::Relaxed) + 1,
            bookkeeping: Cell::new(0),
        }
    }

    /// Runs `write`, which changes only the job tables (jobs, job_logs).
    pub(super) fn bookkeeping<T>(
        &self,
        conn: &Connection,
        write: impl FnOnce() -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let before = conn.total_changes();
        let result = write();
        let made = conn.total_changes().wrapping_sub(before);
        self.bookkeeping
            .set(self.bookkeeping.get().wrapping_add(made));
        result
    }

    /// The mark of the store now; taken inside a transaction, it is the
    /// mark of what that transaction reads.
    pub(super) fn mark(&self, conn: &Connection) -> rusqlite::Result<StoreMark> {
        let data_version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(StoreMark {
            connection: self.connection,
            data_version,
            changes: conn.total_changes().wrapping_sub(self.bookkeeping.get()),
        })
    }
}
