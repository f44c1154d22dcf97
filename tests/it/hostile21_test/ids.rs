//! A user's repeat key is now `user <id>` (no longer the id Debug-escaped)
//! and the `#n` ids of users without one are counted as the pager takes
//! each page. Ids that only escaping tells apart must stay distinct users
//! across pages, a real repeat across pages must still fail the fetch, and
//! a user's `#n` must not depend on where the pages break.

use super::*;

/// A user's numbers: `phoneNumber`, which may be an array.
const MANY: &str = r#"number_fields = ["/phoneNumber"]"#;

fn number(i: usize) -> String {
    format!("+1555200{i:04}")
}

/// Ids that differ only where an escape would (quotes, backslashes,
/// Unicode normalisation, control characters), and ids that look like
/// the key's own prefix.
const IDS: &[&str] = &[
    "a\"b",
    "a\\\"b",
    "a\\b",
    "a\\\\b",
    "\u{e9}",
    "e\u{301}",
    "tab\tid",
    "tab\\tid",
    "nl\nid",
    "nul\u{0}id",
    "nul\\u{0}id",
    "\u{1}",
    "\\u{1}",
    "x",
    "user x",
    "{\"x\"}",
    "\u{202e}rtl",
    "\u{1F600}",
];

/// Page size 1: every pair of ids is on two pages, so the pager's repeat
/// check compares their keys.
#[test]
fn ids_only_escaping_tells_apart_are_distinct_users_across_pages() {
    let users: Vec<Value> = IDS
        .iter()
        .enumerate()
        .map(|(i, id)| user(id, &number(i + 1), "2026-11-30T09:00:00Z"))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 1, "");
    let log = sync_ok(&config, NOW);
    let first = numbers(&store);
    assert_eq!(first.len(), IDS.len(), "{log}");
    for (i, id) in IDS.iter().enumerate() {
        let row = &first[&number(i + 1)];
        assert_eq!(row[0].as_deref(), Some("Used"), "{id:?}: {row:?}");
        assert_eq!(row[6].as_deref(), Some(*id), "{id:?}: {row:?}");
    }
    let cached: i64 = rusqlite::Connection::open(&store)
        .unwrap()
        .query_row(
            "SELECT count(DISTINCT user_id) FROM registered_users",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(usize::try_from(cached).ok(), Some(IDS.len()));
    // The same list again: nothing to write.
    let (dump, events_before) = (common::store_dump(&store), events(&store));
    let log = sync_ok(&config, LATER);
    common::assert_same_store(&dump, &common::store_dump(&store), &log);
    assert_eq!(events(&store), events_before);
}

/// The same user (same id, another number) on page 1 and page 3: the
/// fetch fails as a repeat and the store keeps the last good sync.
#[test]
fn a_repeat_across_pages_fails_the_fetch_and_keeps_the_store() {
    let good: Vec<Value> = (1..=6)
        .map(|i| user(&format!("a\"{i}"), &number(i), "2026-11-30T09:00:00Z"))
        .collect();
    let users = Users::new(good.clone());
    let server = arm(users.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 2, "");
    sync_ok(&config, NOW);
    let before = common::store_dump(&store);
    let mut repeated = good;
    repeated[5] = user("a\"2", &number(9), "2026-11-30T09:00:00Z");
    *users.0.lock().unwrap() = repeated;
    let (out, o, e) = common::sync_lab_at(&config, LATER);
    assert!(!out.status.success(), "a repeat was taken: {o}{e}");
    assert!(e.contains("repeats user \"a\\\"2\""), "{e}");
    common::assert_same_store(&before, &common::store_dump(&store), &e);
}

/// Users without an id or a user name, between users with ids (one with
/// two numbers), synced with pages of 1, 2, 3 and 50 into four stores:
/// the four stores are the same, and the k-th user of the list is `#k`.
#[test]
fn users_without_ids_are_numbered_by_list_position_whatever_the_pages() {
    let anon = |n: usize| json!({"phoneNumber": number(n), "status": "REGISTERED"});
    let list = vec![
        anon(1),
        user("u2", &number(2), "2026-11-30T09:00:00Z"),
        anon(3),
        json!({"id": "u4", "phoneNumber": [number(4), number(40)], "status": "REGISTERED"}),
        anon(5),
        anon(6),
        json!({"id": "", "userName": "", "phoneNumber": number(7), "status": "REGISTERED"}),
        anon(8),
    ];
    // One server for the four stores: its address is stored too.
    let server = arm(Users::new(list));
    let mut dumps = Vec::new();
    for page in [1, 2, 3, 50] {
        let (_dir, config, store) = common::lab_at(&server.addr, page, MANY);
        let log = sync_ok(&config, NOW);
        let rows = numbers(&store);
        for k in [1, 3, 5, 6, 7, 8] {
            assert_eq!(
                rows[&number(k)][6].as_deref(),
                Some(format!("#{k}").as_str()),
                "page {page}: {rows:?}\n{log}"
            );
        }
        dumps.push((page, common::store_dump(&store)));
    }
    for (page, dump) in &dumps[1..] {
        common::assert_same_store(&dumps[0].1, dump, &format!("pages of {page} vs 1"));
    }
}

/// A user whose real id is another user's generated one (`#2` for the
/// second user without an id, `u1#2` for u1's second number): both users'
/// numbers are Used, each linked to its own user, and a re-sync of the
/// same list writes nothing.
#[test]
fn a_real_id_equal_to_a_generated_one_keeps_both_users() {
    let list = vec![
        json!({"id": "u1", "phoneNumber": [number(1), number(2)], "status": "REGISTERED"}),
        json!({"phoneNumber": number(3), "status": "REGISTERED"}),
        user("u1#2", &number(4), "2026-11-30T09:00:00Z"),
        user("#2", &number(5), "2026-11-30T09:00:00Z"),
    ];
    let server = arm(Users::new(list));
    let (_dir, config, store) = common::lab_at(&server.addr, 2, MANY);
    let log = sync_ok(&config, NOW);
    let rows = numbers(&store);
    let used = rows
        .values()
        .filter(|r| r[0].as_deref() == Some("Used"))
        .count();
    assert_eq!(used, 5, "{rows:?}\n{log}");
    let dump = common::store_dump(&store);
    let log = sync_ok(&config, LATER);
    common::assert_same_store(&dump, &common::store_dump(&store), &log);
}

/// An ARM that ignores paging and sends its whole list as a bare array on
/// every call: the list is taken once (the second, identical answer ends
/// the fetch), so users without ids are `#1`, `#2`, ... once, not counted
/// again from the repeated answer.
#[test]
fn a_whole_list_sent_on_every_call_numbers_users_without_ids_once() {
    let list: Vec<Value> = (1..=5)
        .map(|i| json!({"phoneNumber": number(100 + i), "status": "REGISTERED"}))
        .chain([user("named", &number(106), "2026-11-30T09:00:00Z")])
        .collect();
    let body = Value::Array(list).to_string();
    let server = HostileServer::start(move |req: &Seen| {
        if req.path() == USERS_PATH {
            Reply::status(200, &body)
        } else {
            Reply::not_found()
        }
    });
    let (_dir, config, store) = common::lab_at(&server.addr, 2, "");
    let log = sync_ok(&config, NOW);
    let rows = numbers(&store);
    for k in 1..=5 {
        assert_eq!(
            rows[&number(100 + k)][6].as_deref(),
            Some(format!("#{k}").as_str()),
            "{rows:?}\n{log}"
        );
    }
    let cached: i64 = rusqlite::Connection::open(&store)
        .unwrap()
        .query_row("SELECT count(*) FROM registered_users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cached, 6, "{log}");
    assert_eq!(server.count(USERS_PATH), 2, "{log}");
}
