//! All or nothing with the new reading and keys: a list that fails part
//! way (a page refused, a repeat on the last page, a last page the lean
//! reading declines and the `Value` reading cannot read) never cools a
//! number and leaves the store as it was, though every number that did
//! arrive is now offline.

use super::*;

const USERS: usize = 1200;

fn users(status: &str) -> Vec<String> {
    (0..USERS)
        .map(|i| {
            json!({"id": format!("u{i}"), "phoneNumber": format!("+1555{i:07}"), "status": status,
                   "lastSeen": "2026-11-30T09:00:00Z"})
            .to_string()
        })
        .collect()
}

/// An ARM whose pages come from `users`, except the page at `bad_offset`,
/// answered by `bad`.
fn arm_failing_at(users: RawUsers, bad_offset: usize, bad: Reply) -> HostileServer {
    let fail = Arc::new(AtomicFlag::default());
    let fail2 = fail.clone();
    let server = HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        if offset == bad_offset && fail2.0.load(std::sync::atomic::Ordering::SeqCst) {
            return bad.clone();
        }
        users_page(&users, offset, limit)
    });
    FAIL.with(|f| *f.borrow_mut() = Some(fail));
    server
}

#[derive(Default)]
struct AtomicFlag(std::sync::atomic::AtomicBool);

thread_local! {
    static FAIL: std::cell::RefCell<Option<Arc<AtomicFlag>>> = const { std::cell::RefCell::new(None) };
}

fn start_failing() {
    FAIL.with(|f| {
        f.borrow()
            .as_ref()
            .unwrap()
            .0
            .store(true, std::sync::atomic::Ordering::SeqCst);
    });
}

#[test]
fn a_list_that_fails_part_way_cools_nothing_and_changes_nothing() {
    let cases: Vec<(&str, Reply)> = vec![
        ("a refused page", Reply::status(500, r#"{"error": "busy"}"#)),
        (
            "a repeat",
            Reply::status(
                200,
                &format!(
                    r#"{{"total": {USERS}, "users": [{}]}}"#,
                    users("OFFLINE")[..200].join(",")
                ),
            ),
        ),
        (
            "an unreadable page",
            Reply::status(
                200,
                &format!(
                    r#"{{"total": {USERS}, "users": [{}, 5"#,
                    users("OFFLINE")[1000..].join(",")
                ),
            ),
        ),
        (
            "a page with invalid text",
            Reply::status(
                200,
                &format!(
                    r#"{{"total": {USERS}, "users": [{{"id": "\ud800", "phoneNumber": "+15559999999"}}]}}"#
                ),
            ),
        ),
    ];
    for (what, bad) in cases {
        let raw = RawUsers::new(users("REGISTERED"));
        let server = arm_failing_at(raw.clone(), 1000, bad);
        let (_dir, config, store) = common::lab_at(&server.addr, 500, "");
        let (ok, log) = sync(&config, NOW);
        assert!(ok, "{what}: {log}");
        let before = common::store_dump(&store);
        // Every user now offline; the last page fails.
        raw.set(users("OFFLINE"));
        start_failing();
        let (ok, log) = sync(&config, LATER);
        assert!(!ok, "{what}: the list was taken: {log}");
        assert_eq!(common::store_dump(&store), before, "{what}: {log}");
        assert_eq!(common::used_at(&config, LATER), USERS, "{what}");
    }
}
