//! The local SQLite store: the only place with SQL.

mod batch;
mod bulk_load;
#[cfg(test)]
mod bulk_load_tests;
mod cached_users;
pub mod connections;
mod error;
pub mod events;
pub mod jobs;
pub mod leases;
#[cfg(test)]
mod migration_tests;
mod migrations;
mod no_copy;
pub mod number_edits;
pub mod number_query;
mod number_stretch;
pub mod number_texts;
pub mod number_widths;
pub mod number_window;
pub mod numbers;
mod own_writes;
mod plan_rows;
#[cfg(test)]
mod plan_rows_tests;
pub mod remote;
pub mod sync;
pub mod sync_ahead;
#[cfg(all(test, feature = "sim"))]
mod trigram_cost;
#[cfg(test)]
mod trigram_filter_tests;
#[cfg(test)]
mod write_cost;

use crate::clock::Clock;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use rusqlite::Error as SqlError;

pub use error::StoreError;

pub type Result<T> = std::result::Result<T, StoreError>;

/// One connection to the store file.
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
    /// Opened with [`Store::open_read_only`]: nothing is ever written.
    read_only: bool,
    /// "Now" for the times this connection writes (job, lease, number and
    /// run times): the process's clock unless one is handed in
    /// ([`Store::set_clock`]).
    clock: Clock,
    /// Which connection this is, and what it wrote to its job tables:
    /// what tells a read made ahead of a write whether it still holds.
    own: own_writes::OwnWrites,
}

/// Where the store is and how this process may open it: read-write
/// (created and migrated as needed), or read-only under `--read-only` or
/// `read_only = true`, when it is never created, migrated or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreAt {
    pub path: PathBuf,
    pub read_only: bool,
}

impl StoreAt {
    pub fn new(path: impl Into<PathBuf>, read_only: bool) -> StoreAt {
        StoreAt {
            path: path.into(),
            read_only,
        }
    }

    pub fn open(&self) -> Result<Store> {
        Store::open_as(&self.path, self.read_only)
    }

    /// [`StoreAt::open`] with `clock` as the store's "now".
    pub fn open_with(&self, clock: Clock) -> Result<Store> {
        let mut s = self.open()?;
        s.set_clock(clock);
        Ok(s)
    }
}

/// Long enough that a person never sees "database is locked" while another
/// process commits a sync.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens (creating with mode 0600 if needed) and migrates.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                what: "cannot create",
                path: dir.to_path_buf(),
                source,
            })?;
        }
        create_private(path)?;
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        // The first statements read the file: a file that is not a store
        // fails here, and the error names it.
        let settings = |conn: &Connection| -> rusqlite::Result<()> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            migrations::ask_page_size(conn)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // Statement journals in memory: every upsert that fires the
            // counter and trigram triggers needs one, and on disk they cost
            // a syscall per page (ten times the sync's own work, measured).
            conn.pragma_update(None, "temp_store", "MEMORY")
        };
        settings(&conn).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        migrations::migrate(&mut conn).map_err(|source| StoreError::Migrate {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            read_only: false,
            clock: Clock::process(),
            own: own_writes::OwnWrites::new(),
        })
    }

    /// [`Store::open`], or [`Store::open_read_only`] when `read_only`.
    pub fn open_as(path: &Path, read_only: bool) -> Result<Store> {
        if read_only {
            Store::open_read_only(path)
        } else {
            Store::open(path)
        }
    }

    /// Opens an existing, migrated store read-only (`SQLITE_OPEN_READONLY`):
    /// a missing store is an error rather than created,
    /// and one that needs a migration is an error rather than migrated.
    /// Reading a WAL store still takes SQLite's shared-memory read locks
    /// (the -shm file, with the -wal it belongs to, exists while any
    /// connection has the store open); the store's own bytes never change.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Temporary tables (a preview's plan uses one) stay in memory:
        // the store file itself cannot be written on this connection.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            read_only: true,
            clock: Clock::process(),
            own: own_writes::OwnWrites::new(),
        };
        let have = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, usize>(0))
            .map_err(|source| StoreError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        let (path, want) = (path.to_path_buf(), migrations::latest());
        if have > want {
            return Err(StoreError::TooNew { path, have, want });
        }
        if have < want {
            return Err(StoreError::NeedsUpgrade { path, have, want });
        }
        Ok(store)
    }

    /// The "now" of the times this connection writes from here on.
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// Whether this connection was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn latest_schema_version() -> usize {
        migrations::latest()
    }

    /// The raw connection, for tests that must hold a transaction open.
    #[doc(hidden)]
    pub fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Changes whenever another connection commits: a cheap "has anything
    /// changed since I last looked".
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

impl Store {
    /// Copies the WAL into the store file and empties it (best effort):
    /// for a connection whose path now names another file, whose WAL must
    /// not be read as that file's.
    pub fn checkpoint_and_truncate_wal(&self) {
        let _ = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
}

impl Drop for Store {
    /// A read-only connection cannot remove the -wal and -shm files that
    /// reading a WAL store makes (only the last connection to close
    /// does, and only one that may write). So after closing it, while
    /// the -wal is empty, one more connection opens, reads and closes:
    /// if it is the last one, SQLite removes the pair as it always does
    /// (its checkpoint has nothing to copy: the store file is not
    /// written); if any other connection is open, SQLite leaves them.
    fn drop(&mut self) {
        if !self.read_only {
            return;
        }
        let Ok(spare) = Connection::open_in_memory() else {
            return;
        };
        drop(std::mem::replace(&mut self.conn, spare));
        remove_idle_wal(&self.path);
    }
}

/// A row limit as SQLite takes it: a limit past `i64::MAX` asks for every
/// row anyway.
pub(crate) fn sql_limit(limit: usize) -> i64 {
    i64::try_from(limit).unwrap_or(i64::MAX)
}

/// Lets SQLite remove an empty -wal (and its -shm) of `path` when no
/// connection has the store open. Never creates the store.
fn remove_idle_wal(path: &Path) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    match std::fs::metadata(&wal) {
        Ok(m) if m.len() == 0 => {}
        _ => return,
    }
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return;
    };
    if conn.pragma_update(None, "query_only", "ON").is_ok() {
        // A read opens the WAL, so that closing may remove it.
        let _ = conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0));
    }
    drop(conn);
}

/// Creates the file with mode 0600 before SQLite touches it, and tightens an
/// existing one; SQLite gives the -wal and -shm files the same mode.
///
/// An existing store is never opened here: closing any descriptor of a
/// file drops every POSIX lock this process holds on it, including those of
/// SQLite connections other threads have open. That let a closing
/// connection think it was the last one and reset the WAL under another
/// process's feet, losing its commits.
fn create_private(path: &Path) -> Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mode = match std::fs::metadata(path) {
        Ok(m) => m.permissions().mode() & 0o777,
        Err(_) => match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => 0o600,
            // Made by another process a moment ago: look again.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::metadata(path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0o600),
            Err(source) => {
                return Err(StoreError::Io {
                    what: "cannot create store",
                    path: path.to_path_buf(),
                    source,
                })
            }
        },
    };
    if mode & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(
            |source| StoreError::Io {
                what: "cannot chmod 600",
                path: path.to_path_buf(),
                source,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_private_wal_and_migrated() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/s.db");
        let s = Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let jm: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(jm, "wal");
        let fk: i64 = s
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert_eq!(s.schema_version().unwrap(), Store::latest_schema_version());
        drop(s);
        // Reopening is a no-op migration.
        let s = Store::open(&path).unwrap();
        assert_eq!(s.integrity_check().unwrap(), "ok");
    }
}
