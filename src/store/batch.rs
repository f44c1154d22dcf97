//! Many rows per statement. Every statement that fires the trigram
//! triggers opens a statement savepoint, and FTS5 writes its pending
//! postings out at each one: row by row, a sync of 100,000 numbers wrote
//! 100,000 tiny segments and merged them (most of its time, measured).
//! A statement of a few hundred rows pays that once per batch.

use super::no_copy::NoCopy;
use super::Result;
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
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
/// them. A row's texts are copied into one buffer of the batch (no
/// allocation per value) and bound from there.
pub(crate) struct Batch<'c, F: Fn(&str) -> String> {
    conn: &'c Connection,
    width: usize,
    statement: F,
    shared: Vec<Value>,
    pending: Vec<Slot>,
    /// The pending rows' texts and blobs, one after the other.
    bytes: Vec<u8>,
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
            bytes: Vec::new(),
            full: None,
            changed: 0,
        }
    }

    /// Adds one row (exactly `width` values), copying its texts.
    pub(crate) fn push<'v>(&mut self, row: impl IntoIterator<Item = ValueRef<'v>>) -> Result<()> {
        let before = self.pending.len();
        for value in row {
            let slot = match value {
                ValueRef::Null => Slot::Null,
                ValueRef::Integer(i) => Slot::Integer(i),
                ValueRef::Real(r) => Slot::Real(r),
                ValueRef::Text(t) => Slot::Text(self.keep(t)),
                ValueRef::Blob(b) => Slot::Blob(self.keep(b)),
            };
            self.pending.push(slot);
        }
        debug_assert_eq!(self.pending.len() - before, self.width, "a row's width");
        if self.pending.len() >= self.width * BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Copies `b` into the batch's buffer; where it is there.
    fn keep(&mut self, b: &[u8]) -> (usize, usize) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(b);
        (start, self.bytes.len())
    }

    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = self.pending.len() / self.width;
        let sql = || (self.statement)(&values_list(rows, self.width, self.shared.len() + 1));
        let bytes = &self.bytes;
        let values = self
            .shared
            .iter()
            .map(ValueRef::from)
            .chain(self.pending.iter().map(|slot| slot.value(bytes)));
        self.changed += if rows == BATCH_ROWS {
            let stmt = match &mut self.full {
                Some(stmt) => stmt,
                none => none.insert(NoCopy::prepare(self.conn, &sql())?),
            };
            stmt.execute(values)?
        } else {
            self.conn
                .prepare_cached(&sql())?
                .execute(rusqlite::params_from_iter(
                    values.map(ToSqlOutput::Borrowed),
                ))?
        };
        self.pending.clear();
        self.bytes.clear();
        Ok(())
    }

    /// Writes the rows still pending; returns how many rows changed.
    pub(crate) fn finish(mut self) -> Result<usize> {
        self.flush()?;
        Ok(self.changed)
    }
}

/// A pending value: a text or blob as where it is in the batch's buffer.
#[derive(Clone, Copy)]
enum Slot {
    Null,
    Integer(i64),
    Real(f64),
    Text((usize, usize)),
    Blob((usize, usize)),
}

impl Slot {
    fn value(self, bytes: &[u8]) -> ValueRef<'_> {
        match self {
            Slot::Null => ValueRef::Null,
            Slot::Integer(i) => ValueRef::Integer(i),
            Slot::Real(r) => ValueRef::Real(r),
            Slot::Text((start, end)) => ValueRef::Text(&bytes[start..end]),
            Slot::Blob((start, end)) => ValueRef::Blob(&bytes[start..end]),
        }
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
            b.push([ValueRef::Integer(i)]).unwrap();
        }
        assert_eq!(b.finish().unwrap(), BATCH_ROWS * 2 + 3);
        let (count, sum): (i64, i64) = conn
            .query_row("SELECT COUNT(*), SUM(a) FROM t WHERE tag = 'x'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((count, sum), (n, n * (n - 1) / 2));
    }

    #[test]
    fn texts_copied_into_the_batch_are_written_as_pushed() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(a INTEGER, b TEXT, c TEXT, d BLOB)")
            .unwrap();
        let mut b = Batch::new(&conn, 4, vec![], |list| {
            format!("INSERT INTO t(a, b, c, d) SELECT * FROM (VALUES {list})")
        });
        let n = BATCH_ROWS + 7;
        for i in 0..n {
            // Each text pushed from a value that is gone once pushed.
            let (b_text, c_text) = (format!("row {i}"), "é".repeat(i % 3));
            let c = if i % 5 == 0 {
                ValueRef::Null
            } else {
                ValueRef::Text(c_text.as_bytes())
            };
            let a = i64::try_from(i).unwrap();
            b.push([
                ValueRef::Integer(a),
                ValueRef::Text(b_text.as_bytes()),
                c,
                ValueRef::Blob(&[1, 2]),
            ])
            .unwrap();
        }
        assert_eq!(b.finish().unwrap(), n);
        let rows: Vec<(i64, String, Option<String>, Vec<u8>)> = conn
            .prepare("SELECT a, b, c, d FROM t ORDER BY a")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), n);
        for (i, (a, b, c, d)) in rows.into_iter().enumerate() {
            assert_eq!(a, i64::try_from(i).unwrap());
            assert_eq!(b, format!("row {i}"));
            assert_eq!(c, (i % 5 != 0).then(|| "é".repeat(i % 3)), "row {i}");
            assert_eq!(d, [1, 2]);
        }
    }
}
