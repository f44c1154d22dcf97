//! A 1,500-user list (the bulk path needs 1,000 rows) re-synced with
//! exactly one field of one user changed, at the start, the middle and
//! the end of the list (in list order and in number order): exactly that
//! row changes, and the registered user's cached row with it; an
//! unchanged re-sync writes nothing.

use super::*;
use std::path::PathBuf;
use tempfile::TempDir;

const USERS: usize = 1500;

fn number(i: usize) -> String {
    format!("+1555{i:07}")
}

fn users() -> Vec<Value> {
    (0..USERS)
        .map(|i| {
            json!({"id": format!("u{i}"), "phoneNumber": number(i), "status": "REGISTERED",
                   "userName": format!("name{i}"), "lastSeen": "2026-11-30T09:00:00Z"})
        })
        .collect()
}

fn texts(users: &[Value]) -> Vec<String> {
    users.iter().map(show).collect()
}

/// The rows of `after` that are not in `before`.
fn changed(before: &[String], after: &[String]) -> Vec<String> {
    after
        .iter()
        .filter(|r| !before.contains(r))
        .cloned()
        .collect()
}

/// An ARM serving `raw` in pages of 500, and a store that synced it once.
fn synced(raw: &RawUsers) -> (HostileServer, TempDir, PathBuf, PathBuf) {
    let server = arm(raw.clone());
    let (dir, config, store) = common::lab_at(&server.addr, 500, "");
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");
    (server, dir, config, store)
}

#[test]
fn one_changed_field_of_1500_users_writes_exactly_that_row() {
    let mut list = users();
    let raw = RawUsers::new(texts(&list));
    let (_server, _dir, config, store) = synced(&raw);
    let mut numbers = rows(&store, "numbers");
    let mut cached = rows(&store, "registered_users");
    assert_eq!(numbers.len(), USERS);

    // Unchanged: nothing written.
    let (ok, log) = sync(&config, LATER);
    assert!(ok, "{log}");
    assert_eq!(rows(&store, "numbers"), numbers, "{log}");
    assert_eq!(rows(&store, "registered_users"), cached, "{log}");

    // (position, field, new value, what the number's row must show)
    let changes: [(usize, &str, Value, &str); 4] = [
        (0, "status", json!("OFFLINE"), "Cooling"),
        (USERS / 2, "userName", json!("renamed"), "renamed"),
        (
            USERS - 1,
            "lastSeen",
            json!("2026-11-30T09:30:00Z"),
            "2026-11-30T09:30:00",
        ),
        (USERS - 2, "displayName", json!("Shown"), ""),
    ];
    for (k, (i, field, value, shows)) in changes.into_iter().enumerate() {
        list[i][field] = value.clone();
        raw.set(texts(&list));
        let at = format!("2026-11-30T12:0{k}:00Z");
        let (ok, log) = sync(&config, &at);
        assert!(ok, "{field} of user {i}: {log}");
        // Reported: a status change as one cooled number; a refreshed
        // user or time is no transition (the report counts transitions).
        let report = if field == "status" {
            "cooled 1, released 0, unchanged 1499,"
        } else {
            "cooled 0, released 0, unchanged 1500,"
        };
        assert!(log.contains(report), "{field}: {log}");
        let (now_numbers, now_cached) = (rows(&store, "numbers"), rows(&store, "registered_users"));
        let rows_changed = changed(&numbers, &now_numbers);
        let cached_changed = changed(&cached, &now_cached);
        let n = number(i);
        // The display name is cached, not shown in the inventory row.
        if field == "displayName" {
            assert!(rows_changed.is_empty(), "{field}: {rows_changed:#?}");
        } else {
            assert_eq!(
                rows_changed.len(),
                1,
                "{field} of user {i}: {rows_changed:#?}\n{log}"
            );
            assert!(rows_changed[0].contains(&n), "{field}: {rows_changed:#?}");
            assert!(
                rows_changed[0].contains(shows),
                "{field}: {rows_changed:#?}"
            );
        }
        assert_eq!(
            cached_changed.len(),
            1,
            "{field} of user {i}: {cached_changed:#?}"
        );
        assert!(
            cached_changed[0].contains(&n),
            "{field}: {cached_changed:#?}"
        );
        assert_eq!(now_numbers.len(), USERS);
        assert_eq!(now_cached.len(), USERS);
        (numbers, cached) = (now_numbers, now_cached);
    }
}

/// 1,100 of the 1,500 users go offline at once (the bulk path's share):
/// the cooling guard stops the sync with the store as it was; forced,
/// exactly their rows cool and the other 400 stay as they were.
#[test]
fn eleven_hundred_changed_users_write_exactly_their_rows() {
    let mut list = users();
    let raw = RawUsers::new(texts(&list));
    let (_server, _dir, config, store) = synced(&raw);
    let first = rows(&store, "numbers");
    // Every user but each fourth, spread over the list and its pages.
    let offline: Vec<usize> = (0..USERS).filter(|i| i % 4 != 3).take(1100).collect();
    for i in &offline {
        list[*i]["status"] = json!("offline");
    }
    raw.set(texts(&list));
    let before = common::store_dump(&store);
    let (ok, log) = sync(&config, LATER);
    assert!(!ok, "the cooling guard let 1,100 of 1,500 cool: {log}");
    assert!(log.contains("would cool 1100 of 1500"), "{log}");
    common::assert_same_store(&before, &common::store_dump(&store), "a guarded sync");
    let out = common::run_at(&config, LATER, &["sync", "audiocodes", "lab", "--force"]);
    let log = format!("{}{}", common::text(&out).0, common::text(&out).1);
    assert!(out.status.success(), "{log}");
    let cooled = rows(&store, "numbers");
    let rows_changed = changed(&first, &cooled);
    assert_eq!(rows_changed.len(), offline.len(), "{log}");
    for i in &offline {
        let n = format!("{:?}", number(*i));
        assert!(
            rows_changed
                .iter()
                .any(|r| r.contains(&n) && r.contains("Cooling")),
            "{n} not cooled"
        );
    }
    assert!(log.contains("cooled 1100"), "{log}");
}
