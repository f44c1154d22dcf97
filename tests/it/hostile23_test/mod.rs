//! Hostile tests of write22 and fts22 (issue 19): a first sync's texts
//! bound in place (`store::no_copy`), `Batch` copying borrowed values into
//! one buffer, the cached users going in 400 rows per `INSERT` (repeated
//! ids dropped beforehand), migration steps 8 and 9, and the lean trigram
//! index asked for the AND of a substring's distinct trigrams.
//!
//! Attacked through the real binary against a hostile ARM: `paths`
//! syncs one hostile list (100 KB names, NULs, combining marks, U+FFFF,
//! quotes, users without numbers, ids repeated at the 400-row boundary)
//! into an empty store (bulk path, multi-row cached-user insert) and into
//! a store already holding one row (ordinary path, upserts) and wants the
//! same rows; `failure` makes the cached-user insert and the event
//! writes fail part way and wants the store as it was, then the same
//! sync to succeed; `search` compares every `--filter` with a LIKE scan of
//! the store on a +1555 estate with periodic substrings, through first
//! sync, re-sync, tag edits, imports, purge and sweep.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, Mutex};

mod failure;
mod migration;
mod paths;
mod search;

const NOW: &str = "2026-11-30T10:00:00Z";
const LATER: &str = "2026-11-30T11:00:00Z";
const USERS_PATH: &str = "/ARM/v1/registeredUsers";

/// An ARM's users, each as raw JSON text, swappable between syncs.
#[derive(Clone, Default)]
struct RawUsers(Arc<Mutex<Vec<String>>>);

impl RawUsers {
    fn new(users: Vec<String>) -> RawUsers {
        RawUsers(Arc::new(Mutex::new(users)))
    }

    fn set(&self, users: Vec<String>) {
        *self.0.lock().unwrap() = users;
    }
}

/// An ARM paging the raw users by offset and limit, with a total.
fn arm(users: RawUsers) -> HostileServer {
    arm_after(users, 0)
}

/// [`arm`], answering each request after `delay_ms`.
fn arm_after(users: RawUsers, delay_ms: u64) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        let all = users.0.lock().unwrap().clone();
        let page: Vec<String> = all.iter().skip(offset).take(limit).cloned().collect();
        Reply::status(
            200,
            &format!(
                r#"{{"total": {}, "users": [{}]}}"#,
                all.len(),
                page.join(",")
            ),
        )
    })
}

/// A registered user `id` holding `number`, as JSON text.
fn user(id: &str, number: &str) -> String {
    json!({"id": id, "phoneNumber": number, "status": "REGISTERED",
           "userName": format!("name-{id}"), "lastSeen": "2026-11-30T09:00:00Z"})
    .to_string()
}

/// `sync audiocodes lab` at `at`: whether it succeeded, and its output.
fn sync(config: &Path, at: &str) -> (bool, String) {
    let (out, o, e) = common::sync_lab_at(config, at);
    (out.status.success(), format!("{o}{e}"))
}

/// The rows of `sql` (a SELECT), sorted, each column as text.
fn rows(store: &Path, sql: &str) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    let mut out: Vec<String> = stmt
        .query_map([], |r| {
            Ok((0..width)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => {
                        format!("{:?}", String::from_utf8_lossy(t))
                    }
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    out.sort();
    out
}

/// Runs `sql` on the store (closed by every process) in one connection.
fn exec(store: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// The numbers' own columns (not the row id), sorted.
const NUMBER_COLUMNS: &str =
    "SELECT number, status, usage, vendor, tag, release_date, connection, \
     registered_user, last_seen, updated_at FROM numbers";
