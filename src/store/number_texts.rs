//! The text a substring filter tests on each number (see
//! `number_query::substring_condition`), read out in one pass for the
//! reader's in-memory short-substring index (`query::short_filter`), and the
//! version that tells whether such a copy still holds.

use super::{Result, Store};
use rusqlite::types::ValueRef;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What this connection has seen of the store's data: `PRAGMA data_version`
/// (changes when another connection commits) and this connection's own
/// changes. Equal versions on one connection mean equal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadVersion {
    data_version: i64,
    own_changes: u64,
}

/// One number's searchable text, as SQLite's LIKE reads it.
pub struct NumberText<'a> {
    pub id: i64,
    pub registered_user: Option<&'a str>,
    pub number: &'a str,
    /// The tag, or '' for VOSS's cooling tag (`migrations::hand_tag`).
    pub hand_tag: &'a str,
}

impl Store {
    pub fn read_version(&self) -> Result<ReadVersion> {
        Ok(ReadVersion {
            data_version: self.data_version()?,
            own_changes: self.conn.total_changes(),
        })
    }
}

/// LIKE reads a text up to its first NUL byte.
fn like_text(v: ValueRef<'_>) -> Option<Option<&str>> {
    match v {
        ValueRef::Null => Some(None),
        ValueRef::Text(bytes) => {
            let end = memchr::memchr(0, bytes).unwrap_or(bytes.len());
            std::str::from_utf8(&bytes[..end]).ok().map(Some)
        }
        _ => None,
    }
}

/// Reads every number's searchable text on a new read-only connection to
/// the store at `path` (one read transaction, so one consistent state),
/// handing each to `each`. Ok(false) when `stop` was raised, or when a
/// value is not the valid UTF-8 text LIKE and Rust would read alike (a
/// blob, broken UTF-8): then no copy can be exact.
pub fn each_number_text(
    path: &Path,
    stop: Arc<AtomicBool>,
    mut each: impl FnMut(NumberText<'_>),
) -> Result<bool> {
    let store = Store::open_read_only(path)?;
    let flag = stop.clone();
    store
        .conn
        .progress_handler(10_000, Some(move || flag.load(Ordering::Relaxed)));
    let sql = format!(
        "SELECT id, registered_user, number, {} FROM numbers",
        super::migrations::hand_tag("tag")
    );
    let mut read = || -> Result<bool> {
        let mut stmt = store.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (Some(user), Some(Some(number)), Some(Some(hand_tag))) = (
                like_text(r.get_ref(1)?),
                like_text(r.get_ref(2)?),
                like_text(r.get_ref(3)?),
            ) else {
                return Ok(false);
            };
            each(NumberText {
                id: r.get(0)?,
                registered_user: user,
                number,
                hand_tag,
            });
        }
        Ok(true)
    };
    match read() {
        Ok(whole) => Ok(whole),
        Err(_) if stop.load(Ordering::Relaxed) => Ok(false),
        Err(e) => Err(e),
    }
}
