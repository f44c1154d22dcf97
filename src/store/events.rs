//! The history of every status change of a number.

use super::{sql_limit, Result, Store};
use rusqlite::params;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberEvent {
    pub at: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub cause: String,
    pub detail: String,
}

impl Store {
    pub fn number_events(&self, number: &str, limit: usize) -> Result<Vec<NumberEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, from_status, to_status, cause, detail FROM number_events
             WHERE number = ?1 ORDER BY id DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![number, sql_limit(limit)], |r| {
            Ok(NumberEvent {
                at: r.get(0)?,
                from_status: r.get(1)?,
                to_status: r.get(2)?,
                cause: r.get(3)?,
                detail: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
