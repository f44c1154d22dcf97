//! What can go wrong with the store, as a type: the SQLite error is kept
//! (its source chain intact), and a statement stopped by a cancel is its
//! own case, so callers decide on the variant rather than on the words.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed. The `store:` prefix is what people have always read.
    #[error("store: {0}")]
    Sql(#[source] rusqlite::Error),
    /// A statement was stopped by a cancel (SQLITE_INTERRUPT or the
    /// progress handler), or a write was refused because its job had
    /// already been cancelled (`None`): its transaction rolled back.
    #[error("{}", interrupted_words(.0.as_ref()))]
    Interrupted(#[source] Option<rusqlite::Error>),
    /// Opening the store file failed.
    #[error("cannot open store {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// Migrating the store to this switchboard's schema failed.
    #[error("cannot migrate store {}: {source}", path.display())]
    Migrate {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// Reading an existing store's schema version failed.
    #[error("cannot read store {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A file operation around the store (its directory, its mode).
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// `cannot create`, `cannot chmod 600`.
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Read-only, and there is no store to read.
    #[error("no store at {}; run once without --read-only to create it", .0.display())]
    Missing(PathBuf),
    /// Read-only, and the store was made by a newer switchboard.
    #[error("the store {} has schema version {have}, newer than this switchboard knows ({want}); upgrade switchboard", path.display())]
    TooNew {
        path: PathBuf,
        have: usize,
        want: usize,
    },
    /// Read-only, and the store needs a migration it may not get.
    #[error("the store {} needs an upgrade (schema version {have}, this switchboard uses {want}); run once without --read-only to upgrade it", path.display())]
    NeedsUpgrade {
        path: PathBuf,
        have: usize,
        want: usize,
    },
    /// A request the store's rules refuse (a config-file connection
    /// edited in switchboard, a name taken by another vendor): the words
    /// say which rule.
    #[error("{0}")]
    Refused(String),
    /// A stored value this switchboard cannot read back.
    #[error("{what}: {why}")]
    Corrupt { what: &'static str, why: String },
    /// Writing rows out (an export) failed.
    #[error("cannot write: {0}")]
    Output(#[source] std::io::Error),
    /// The blocking task that held the connection failed or panicked.
    #[error("{0}")]
    Task(String),
}

fn interrupted_words(sql: Option<&rusqlite::Error>) -> String {
    match sql {
        Some(e) => format!("store: {e}"),
        None => "interrupted".to_string(),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
            StoreError::Interrupted(Some(e))
        } else {
            StoreError::Sql(e)
        }
    }
}

impl StoreError {
    /// Whether a cancel stopped the work (nothing it did was kept).
    pub fn is_interrupted(&self) -> bool {
        matches!(self, StoreError::Interrupted(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_statement_is_its_own_case_and_keeps_sqlite_words() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.progress_handler(1, Some(|| true));
        let e: StoreError = conn
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
            .unwrap_err()
            .into();
        assert!(e.is_interrupted(), "{e:?}");
        assert_eq!(e.to_string(), "store: interrupted");
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn other_sqlite_errors_keep_their_source() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let e: StoreError = conn.execute("SELECT FROM", []).unwrap_err().into();
        assert!(!e.is_interrupted());
        assert!(e.to_string().starts_with("store: "), "{e}");
        let source = std::error::Error::source(&e).unwrap();
        assert!(source.downcast_ref::<rusqlite::Error>().is_some());
    }
}
