//! A connection's cached registered users as the store holds them, read
//! in id order into one buffer of text (no string per field), and what
//! a fetched list changes in them: the users whose row differs or is new,
//! and the ids gone from the list. Compared field by field, exactly.

use super::Result;
use crate::clock;
use crate::domain::registered_user::RegisteredUser;
use chrono::{DateTime, Datelike, Timelike, Utc};
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// The columns of a cached user, in this order.
const FIELDS: usize = 7;

/// One cached row: where each field ends in the buffer, and which are
/// NULL (bit `i` for field `i`).
#[derive(Clone, Copy)]
struct Row {
    ends: [usize; FIELDS],
    nulls: u8,
}

/// The cached users of one connection, in id order.
#[derive(Default)]
pub(super) struct CachedUsers {
    text: String,
    rows: Vec<Row>,
}

impl CachedUsers {
    /// Reads the connection's cached users (user_id, user_name,
    /// display_name, number, status, last_seen, sbc) in id order.
    pub(super) fn read(conn: &Connection, connection: &str) -> Result<CachedUsers> {
        let mut stmt = conn.prepare_cached(
            "SELECT user_id, user_name, display_name, number, status, last_seen, sbc
             FROM registered_users WHERE connection = ?1 ORDER BY user_id",
        )?;
        let mut rows = stmt.query([connection])?;
        let mut out = CachedUsers::default();
        while let Some(r) = rows.next()? {
            let mut row = Row {
                ends: [0; FIELDS],
                nulls: 0,
            };
            for i in 0..FIELDS {
                match r.get_ref(i)? {
                    ValueRef::Null => row.nulls |= 1 << i,
                    v => out.text.push_str(v.as_str().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(i, v.data_type(), Box::new(e))
                    })?),
                }
                row.ends[i] = out.text.len();
            }
            out.rows.push(row);
        }
        Ok(out)
    }

    /// Whether the connection has no cached users (a first sync).
    pub(super) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Field `i` of row `k` (None for NULL).
    fn field(&self, k: usize, i: usize) -> Option<&str> {
        let row = &self.rows[k];
        if row.nulls & (1 << i) != 0 {
            return None;
        }
        let start = match (i, k) {
            (0, 0) => 0,
            (0, _) => self.rows[k - 1].ends[FIELDS - 1],
            _ => row.ends[i - 1],
        };
        Some(&self.text[start..row.ends[i]])
    }

    fn id(&self, k: usize) -> Option<&str> {
        self.field(k, 0)
    }

    /// Whether row `k` holds exactly the user's fields.
    fn same_as(&self, k: usize, u: &RegisteredUser) -> bool {
        self.field(k, 1) == Some(u.user_name.as_str())
            && self.field(k, 2) == Some(u.display_name.as_str())
            && self.field(k, 3) == u.number.as_deref()
            && self.field(k, 4) == Some(u.raw_status.as_str())
            && same_stamp(u.last_seen, self.field(k, 5))
            && self.field(k, 6) == Some(u.sbc.as_str())
    }

    /// What makes the cache equal to `users`: the users to write (new,
    /// or their row differs; a repeated id is written each time it comes,
    /// the last one staying) and the cached ids gone from the list.
    pub(super) fn differences<'u>(
        &self,
        users: &'u [RegisteredUser],
    ) -> (Vec<&'u RegisteredUser>, Vec<String>) {
        let mut by_id: Vec<&RegisteredUser> = users.iter().collect();
        by_id.sort_by(|a, b| a.id.cmp(&b.id));
        let mut changed = Vec::new();
        let mut gone = Vec::new();
        let mut k = 0;
        let mut last_id: Option<&str> = None;
        for u in by_id {
            // Cached rows before this id are gone from the list.
            while k < self.rows.len() && self.id(k) < Some(u.id.as_str()) {
                gone.push(self.id(k).unwrap_or_default().to_string());
                k += 1;
            }
            let first_of_id = last_id != Some(u.id.as_str());
            last_id = Some(u.id.as_str());
            if first_of_id && k < self.rows.len() && self.id(k) == Some(u.id.as_str()) {
                if !self.same_as(k, u) {
                    changed.push(u);
                }
                k += 1;
            } else {
                changed.push(u);
            }
        }
        gone.extend((k..self.rows.len()).map(|k| self.id(k).unwrap_or_default().to_string()));
        (changed, gone)
    }
}

/// Whether `text` is the stored form of `t` (`clock::stamp`), without
/// formatting it for the common case (years 0 to 9999, no leap second).
pub(super) fn same_stamp(t: Option<DateTime<Utc>>, text: Option<&str>) -> bool {
    let (t, text) = match (t, text) {
        (None, None) => return true,
        (Some(t), Some(text)) => (t, text),
        _ => return false,
    };
    // The UTC fields read once (each accessor of a `DateTime<Utc>` would
    // convert it again).
    let n = t.naive_utc();
    let year = n.year();
    if !(0..=9999).contains(&year) || n.nanosecond() >= 1_000_000_000 {
        return clock::stamp(t) == text;
    }
    let mut b = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, width: usize, mut v: u32| {
        for i in (at..at + width).rev() {
            // A digit: `v % 10` is below 10.
            b[i] = b'0' + u8::try_from(v % 10).unwrap_or(0);
            v /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, n.month());
    put(8, 2, n.day());
    put(11, 2, n.hour());
    put(14, 2, n.minute());
    put(17, 2, n.second());
    text.as_bytes() == b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_compares_as_clock_stamp_writes_it() {
        let times = [
            "2026-11-21T10:00:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999Z",
            "2024-02-29T07:08:09.5Z",
            "1970-01-01T00:00:00Z",
        ];
        for s in times {
            let t: DateTime<Utc> = s.parse().unwrap();
            let stamp = clock::stamp(t);
            assert!(same_stamp(Some(t), Some(&stamp)), "{s} as {stamp}");
            let later = t + chrono::Duration::seconds(1);
            assert!(!same_stamp(Some(later), Some(&stamp)), "{s}");
        }
        let far = DateTime::<Utc>::from_timestamp(300_000_000_000, 0).unwrap();
        assert!(same_stamp(Some(far), Some(&clock::stamp(far))));
        assert!(!same_stamp(Some(far), Some("9999-12-31T23:59:59Z")));
        assert!(same_stamp(None, None));
        assert!(!same_stamp(None, Some("2026-11-21T10:00:00Z")));
        let t: DateTime<Utc> = "2026-11-21T10:00:00Z".parse().unwrap();
        assert!(!same_stamp(Some(t), None));
    }
}
