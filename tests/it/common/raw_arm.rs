//! An ARM serving its users as raw JSON texts, each sent exactly as
//! written (escapes, keys sent twice), paged by offset and limit with a
//! total; the list can be swapped between syncs.

use super::hostile::{HostileServer, Reply, Seen};
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
