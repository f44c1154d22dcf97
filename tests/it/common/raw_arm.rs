//! An ARM serving its users as raw JSON texts, each sent exactly as
//! written (escapes, keys sent twice), paged by offset and limit with a
//! total; the list can be swapped between syncs.

use super::hostile::{HostileServer, Reply, Seen};
use serde_json::json;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The registered users' path the lab connection asks.
pub const USERS_PATH: &str = "/ARM/v1/registeredUsers";

/// An ARM's users, each as the raw JSON text it is sent as.
#[derive(Clone, Default)]
pub struct RawUsers(pub Arc<Mutex<Vec<String>>>);

impl RawUsers {
    pub fn new(users: Vec<String>) -> RawUsers {
        RawUsers(Arc::new(Mutex::new(users)))
    }

    pub fn set(&self, users: Vec<String>) {
        *self.0.lock().unwrap() = users;
    }
}

/// An ARM paging `users`.
pub fn raw_arm(users: RawUsers) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        users_page(&users, offset, limit)
    })
}

/// The page of `users` at `offset`, `limit` long, with the total.
pub fn users_page(users: &RawUsers, offset: usize, limit: usize) -> Reply {
    let all = users.0.lock().unwrap().clone();
    page_of(&all, offset, limit)
}

/// The page of `all` at `offset`, `limit` long, with the total.
pub fn page_of(all: &[String], offset: usize, limit: usize) -> Reply {
    let page: Vec<String> = all.iter().skip(offset).take(limit).cloned().collect();
    Reply::status(
        200,
        &format!(
            r#"{{"total": {}, "users": [{}]}}"#,
            all.len(),
            page.join(",")
        ),
    )
}

/// A registered user `id` holding `number`, as JSON text.
pub fn user(id: &str, number: &str) -> String {
    json!({"id": id, "phoneNumber": number, "status": "REGISTERED",
           "userName": format!("name-{id}"), "lastSeen": "2026-11-30T09:00:00Z"})
    .to_string()
}

/// `sync audiocodes lab` at `at`: whether it succeeded, and its output.
pub fn sync(config: &Path, at: &str) -> (bool, String) {
    let (out, o, e) = super::sync_lab_at(config, at);
    (out.status.success(), format!("{o}{e}"))
}

/// The rows of `sql` (a SELECT) on the store, opened read-only, sorted,
/// each column as text.
pub fn store_rows(store: &Path, sql: &str) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    super::query_rows(&conn, sql)
}
