//! A prepared statement run many times over values it does not copy.
//!
//! rusqlite binds every text as `SQLITE_TRANSIENT`: SQLite copies it into
//! a buffer of its own (a `malloc`) and frees that at the next bind. A
//! first sync binds about 1.6 million texts (nine per row, eight per
//! cached user), so half of the write thread's allocations were these
//! copies. [`NoCopy::execute`] binds each text as `SQLITE_STATIC` instead,
//! which SQLite reads in place: sound because the values are borrowed for
//! the whole call, and every binding is cleared before it returns (also
//! on an error), so no pointer into them outlives it.

use rusqlite::ffi;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use std::ffi::{c_int, CStr};
use std::ptr::NonNull;

/// One statement, prepared on `conn` and finalized when dropped.
pub(crate) struct NoCopy<'c> {
    conn: &'c Connection,
    stmt: NonNull<ffi::sqlite3_stmt>,
    params: usize,
}

impl<'c> NoCopy<'c> {
    /// Prepares `sql`: exactly one statement.
    pub(crate) fn prepare(conn: &'c Connection, sql: &str) -> rusqlite::Result<NoCopy<'c>> {
        let len = c_int::try_from(sql.len()).map_err(|_| {
            rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_TOOBIG),
                Some("statement too long".into()),
            )
        })?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the connection's handle is valid while `conn` is
        // borrowed; `sql` is valid for `len` bytes (no NUL needed when the
        // length is given); `stmt` receives the new statement or NULL.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                conn.handle(),
                sql.as_ptr().cast(),
                len,
                ffi::SQLITE_PREPARE_PERSISTENT,
                &mut stmt,
                std::ptr::null_mut(),
            )
        };
        if rc != ffi::SQLITE_OK {
            return Err(last_error(conn, rc));
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| {
            rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_MISUSE),
                Some("no statement in the SQL".into()),
            )
        })?;
        // SAFETY: `stmt` is a live statement.
        let count = unsafe { ffi::sqlite3_bind_parameter_count(stmt.as_ptr()) };
        Ok(NoCopy {
            conn,
            stmt,
            params: usize::try_from(count).unwrap_or(0),
        })
    }

    /// Binds `values` to `?1`, `?2`, … (all of them, no more), runs the
    /// statement to its end and resets it; how many rows it changed.
    pub(crate) fn execute<'v>(
        &mut self,
        values: impl IntoIterator<Item = ValueRef<'v>>,
    ) -> rusqlite::Result<usize> {
        let result = self.bind_and_step(values);
        // SAFETY: `stmt` is live. Reset and cleared here, before the
        // borrow of `values` ends: SQLite holds no pointer into them.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
        result
    }

    fn bind_and_step<'v>(
        &mut self,
        values: impl IntoIterator<Item = ValueRef<'v>>,
    ) -> rusqlite::Result<usize> {
        let stmt = self.stmt.as_ptr();
        let mut n = 0;
        for value in values {
            n += 1;
            if n > self.params {
                return Err(rusqlite::Error::InvalidParameterCount(n, self.params));
            }
            let i = c_int::try_from(n)
                .map_err(|_| rusqlite::Error::InvalidParameterCount(n, self.params))?;
            // SAFETY: `stmt` is live and `i` one of its parameters. A text
            // or blob is bound without a copy (`SQLITE_STATIC`): `value`
            // is borrowed until `execute` has cleared the bindings.
            let rc = unsafe {
                match value {
                    ValueRef::Null => ffi::sqlite3_bind_null(stmt, i),
                    ValueRef::Integer(v) => ffi::sqlite3_bind_int64(stmt, i, v),
                    ValueRef::Real(v) => ffi::sqlite3_bind_double(stmt, i, v),
                    ValueRef::Text(s) => ffi::sqlite3_bind_text64(
                        stmt,
                        i,
                        s.as_ptr().cast(),
                        len64(s.len()),
                        ffi::SQLITE_STATIC(),
                        UTF8,
                    ),
                    ValueRef::Blob(b) => ffi::sqlite3_bind_blob64(
                        stmt,
                        i,
                        b.as_ptr().cast(),
                        len64(b.len()),
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if rc != ffi::SQLITE_OK {
                return Err(last_error(self.conn, rc));
            }
        }
        if n != self.params {
            return Err(rusqlite::Error::InvalidParameterCount(n, self.params));
        }
        loop {
            // SAFETY: `stmt` is live, every parameter bound.
            match unsafe { ffi::sqlite3_step(stmt) } {
                ffi::SQLITE_ROW => {}
                ffi::SQLITE_DONE => break,
                rc => return Err(last_error(self.conn, rc)),
            }
        }
        // SAFETY: the connection's handle is valid while `conn` is borrowed.
        let changed = unsafe { ffi::sqlite3_changes64(self.conn.handle()) };
        Ok(usize::try_from(changed).unwrap_or(0))
    }
}

impl Drop for NoCopy<'_> {
    fn drop(&mut self) {
        // SAFETY: `stmt` is live and finalized once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// A text, to bind in place.
pub(crate) fn text_ref(s: &str) -> ValueRef<'_> {
    ValueRef::Text(s.as_bytes())
}

/// A text or NULL, to bind in place.
pub(crate) fn or_null(s: Option<&str>) -> ValueRef<'_> {
    s.map_or(ValueRef::Null, text_ref)
}

/// `SQLITE_UTF8`, as `sqlite3_bind_text64` takes it.
const UTF8: std::ffi::c_uchar = 1;

/// A length as SQLite's 64-bit binds take it.
fn len64(len: usize) -> u64 {
    u64::try_from(len).unwrap_or(u64::MAX)
}

/// The connection's last error, as rusqlite words it.
fn last_error(conn: &Connection, rc: c_int) -> rusqlite::Error {
    // SAFETY: the handle is valid while `conn` is borrowed; the message
    // is copied before any other call on the connection.
    let (code, message) = unsafe {
        let db = conn.handle();
        let message = ffi::sqlite3_errmsg(db);
        let message =
            (!message.is_null()).then(|| CStr::from_ptr(message).to_string_lossy().into_owned());
        (ffi::sqlite3_extended_errcode(db), message)
    };
    let code = if code == ffi::SQLITE_OK { rc } else { code };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::types::Value;

    #[test]
    fn texts_bound_in_place_are_stored_and_no_binding_outlives_the_call() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(a TEXT, b INTEGER, c BLOB, d)")
            .unwrap();
        let mut insert = NoCopy::prepare(&conn, "INSERT INTO t VALUES (?1, ?2, ?3, ?4)").unwrap();
        for i in 0..3 {
            let values = vec![
                Value::Text(format!("row {i} ünï")),
                Value::Integer(i),
                Value::Blob(vec![1, 2, 3]),
                Value::Null,
            ];
            assert_eq!(
                insert.execute(values.iter().map(ValueRef::from)).unwrap(),
                1
            );
            // Nothing of `values` is bound any more once the call is back.
            assert_eq!(bound(&insert), UNBOUND);
            drop(values);
        }
        let rows: Vec<(String, i64, Vec<u8>, Option<String>)> = conn
            .prepare("SELECT a, b, c, d FROM t ORDER BY b")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2], ("row 2 ünï".into(), 2, vec![1, 2, 3], None));
        assert_eq!(bound(&insert), UNBOUND);
        // Run with a parameter left unbound, it would insert NULL: the
        // call insists on every one, and clears what it bound.
        let short = [Value::Text("x".into())];
        assert!(matches!(
            insert.execute(short.iter().map(ValueRef::from)),
            Err(rusqlite::Error::InvalidParameterCount(1, 4))
        ));
        assert_eq!(bound(&insert), UNBOUND);
    }

    const UNBOUND: &str = "INSERT INTO t VALUES (NULL, NULL, NULL, NULL)";

    /// The statement's SQL with its bound values written in.
    fn bound(stmt: &NoCopy<'_>) -> String {
        // SAFETY: the statement is live; the expanded text is ours to free.
        unsafe {
            let text = ffi::sqlite3_expanded_sql(stmt.stmt.as_ptr());
            let out = CStr::from_ptr(text).to_string_lossy().into_owned();
            ffi::sqlite3_free(text.cast());
            out
        }
    }

    #[test]
    fn an_error_names_the_cause_and_leaves_the_statement_usable() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(a TEXT PRIMARY KEY)")
            .unwrap();
        let mut insert = NoCopy::prepare(&conn, "INSERT INTO t VALUES (?1)").unwrap();
        let a = || [ValueRef::Text(b"a")];
        insert.execute(a()).unwrap();
        let e = insert.execute(a()).unwrap_err();
        assert_eq!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::ConstraintViolation),
            "{e}"
        );
        assert!(e.to_string().contains("UNIQUE"), "{e}");
        insert.execute([ValueRef::Text(b"b")]).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
        assert!(NoCopy::prepare(&conn, "SELECT FROM nothing").is_err());
    }
}
