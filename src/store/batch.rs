//! Many rows per statement. Every statement that fires the trigram
//! triggers opens a statement savepoint, and FTS5 writes its pending
//! postings out at each one: row by row, a sync of 100,000 numbers wrote
//! 100,000 tiny segments and merged them (most of its time, measured).
//! A statement of a few hundred rows pays that once per batch.

use super::no_copy::NoCopy;
use super::Result;
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;

/// Rows per statement: a few hundred keeps well under SQLite's limit of
/// 32,766 parameters at ten columns, and the saving is already whole.
pub(crate) const BATCH_ROWS: usize = 400;

/// `(?a, ?b), (?c, ?d)`: `rows` tuples of `width` numbered parameters,
/// the first one `?first`.
pub(crate) fn values_list(rows: usize, width: usize, first: usize) -> String {
    let mut out = String::with_capacity(rows * width * 7);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('?');
            out.push_str(&(first + r * width + c).to_string());
        }
        out.push(')');
    }
    out
}

/// Collects rows of `width` values and runs one statement per
/// [`BATCH_ROWS`] of them. `statement` makes the SQL from a values list;
/// the `shared` values come first (`?1`, `?2`, …) and every row may use
/// them.
pub(crate) struct Batch<'c, F: Fn(&str) -> String> {
    conn: &'c Connection,
    width: usize,
    statement: F,
    shared: Vec<Value>,
    pending: Vec<Value>,
    /// The statement of a full batch, prepared at the first one and kept:
    /// its SQL (a values list of thousands of parameters) is made once,
    /// not at every batch, and its texts are bound without a copy (see
    /// `store::no_copy`).
    full: Option<NoCopy<'c>>,
    /// Rows written so far by the statements run.
    pub changed: usize,
}

impl<'c, F: Fn(&str) -> String> Batch<'c, F> {
    pub(crate) fn new(
        conn: &'c Connection,
        width: usize,
        shared: Vec<Value>,
        statement: F,
    ) -> Self {
        Batch {
            conn,
            width,
            statement,
            shared,
            pending: Vec::with_capacity(width * BATCH_ROWS),
            full: None,
            changed: 0,
        }
    }

    /// Adds one row (exactly `width` values).
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = Value>) -> Result<()> {
        let before = self.pending.len();
        self.pending.extend(row);
        debug_assert_eq!(self.pending.len() - before, self.width, "a row's width");
        if self.pending.len() >= self.width * BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = self.pending.len() / self.width;
        let sql = || (self.statement)(&values_list(rows, self.width, self.shared.len() + 1));
        let values = self.shared.iter().chain(self.pending.iter());
        self.changed += if rows == BATCH_ROWS {
            let stmt = match &mut self.full {
                Some(stmt) => stmt,
                none => none.insert(NoCopy::prepare(self.conn, &sql())?),
            };
            stmt.execute(values.map(ValueRef::from))?
        } else {
            self.conn
                .prepare_cached(&sql())?
                .execute(rusqlite::params_from_iter(values))?
        };
        self.pending.clear();
        Ok(())
    }

    /// Writes the rows still pending; returns how many rows changed.
    pub(crate) fn finish(mut self) -> Result<usize> {
        self.flush()?;
        Ok(self.changed)
    }
}

/// Text or NULL.
pub(crate) fn text(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::Text(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_values_list_numbers_its_parameters_after_the_shared_ones() {
        assert_eq!(values_list(2, 2, 3), "(?3, ?4), (?5, ?6)");
        assert_eq!(values_list(1, 1, 1), "(?1)");
    }

    #[test]
    fn rows_are_written_in_batches_and_the_rest_at_the_end() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(a INTEGER, tag TEXT)")
            .unwrap();
        let mut b = Batch::new(&conn, 1, vec![Value::Text("x".into())], |list| {
            format!("INSERT INTO t(a, tag) SELECT column1, ?1 FROM (VALUES {list})")
        });
        let n = i64::try_from(BATCH_ROWS * 2 + 3).unwrap();
        for i in 0..n {
            b.push([Value::Integer(i)]).unwrap();
        }
        assert_eq!(b.finish().unwrap(), BATCH_ROWS * 2 + 3);
        let (count, sum): (i64, i64) = conn
            .query_row("SELECT COUNT(*), SUM(a) FROM t WHERE tag = 'x'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((count, sum), (n, n * (n - 1) / 2));
    }
}
