//! Repeats across pages, now that a key is hashed in parts and kept in
//! one buffer: a real repeat (however it is spelt) fails the list and
//! leaves the store as it was; users that are not the same (an id in
//! another case or spacing, 1 against 1.0, id-less users that differ in
//! one field) all land. Page size 1: every pair meets across pages.

use super::*;

/// Syncs `users` (page size 1) on a store holding one earlier sync of
/// `+15559999`: whether it succeeded, what it said, and whether the store
/// changed.
fn sync_pair(users: &[&str]) -> (bool, String, bool) {
    let list = RawUsers::new(vec![user("base", "+15559999")]);
    let server = arm(list.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 1, "");
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");
    let before = common::store_dump(&store);
    list.set(users.iter().map(|u| u.to_string()).collect());
    let (ok, log) = sync(&config, LATER);
    (ok, log, common::store_dump(&store) != before)
}

/// Each pair is one user sent twice: the list fails, nothing changes.
#[test]
fn one_user_spelt_twice_on_two_pages_fails_the_list() {
    let pairs: &[[&str; 2]] = &[
        [
            r#"{"id": "ab", "phoneNumber": "+15550001"}"#,
            r#"{"id": "ab", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "ab", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a\u0062", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "\u00e9", "phoneNumber": "+15550001"}"#,
            r#"{"id": "é", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "a\/b", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a/b", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "😀", "phoneNumber": "+15550001"}"#,
            r#"{"id": "\ud83d\ude00", "phoneNumber": "+15550002"}"#,
        ],
        // An id as a number and as text: the same id once read (as on main).
        [
            r#"{"id": 1, "phoneNumber": "+15550001"}"#,
            r#"{"id": "1", "phoneNumber": "+15550002"}"#,
        ],
        // No id: the user name is the id.
        [
            r#"{"userName": "x", "phoneNumber": "+15550001"}"#,
            r#"{"id": "x", "phoneNumber": "+15550002"}"#,
        ],
        // No id nor name: the same JSON once read (spacing, key order, escapes).
        [
            r#"{"phoneNumber": "+15550001", "sbc": "s"}"#,
            r#"{ "sbc" : "\u0073", "phoneNumber":"+15550001" }"#,
        ],
        [
            r#"{"phoneNumber": "+15550001", "n": 1.0}"#,
            r#"{"n": 1.0, "phoneNumber": "+15550001"}"#,
        ],
        // A key sent twice: the last one counts.
        [
            r#"{"id": "first", "id": "k", "phoneNumber": "+15550001"}"#,
            r#"{"id": "k", "phoneNumber": "+15550002"}"#,
        ],
    ];
    for pair in pairs {
        let (ok, log, changed) = sync_pair(pair);
        assert!(!ok, "{pair:?} was taken as two users: {log}");
        assert!(!changed, "{pair:?}: a failed list changed the store: {log}");
        assert!(
            log.contains("again") || log.contains("repeat") || log.contains("twice"),
            "{pair:?}: {log}"
        );
    }
}

/// Each pair is two users: both land, each on its number.
#[test]
fn users_that_differ_only_slightly_are_two_users() {
    let pairs: &[[&str; 2]] = &[
        [
            r#"{"id": "A", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "a", "phoneNumber": "+15550001"}"#,
            r#"{"id": " a", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "a", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a ", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": 1, "phoneNumber": "+15550001"}"#,
            r#"{"id": 1.0, "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "\u00e9", "phoneNumber": "+15550001"}"#,
            r#"{"id": "e\u0301", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "a\u0000", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a", "phoneNumber": "+15550002"}"#,
        ],
        // Joined without a separator these keys would meet.
        [
            r#"{"id": "ab", "phoneNumber": "+15550001"}"#,
            r#"{"id": "a", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "user x", "phoneNumber": "+15550001"}"#,
            r#"{"id": "x", "phoneNumber": "+15550002"}"#,
        ],
        [
            r#"{"id": "{\"phoneNumber\":\"+15550002\"}", "phoneNumber": "+15550001"}"#,
            r#"{"phoneNumber": "+15550002"}"#,
        ],
        // No id nor name: one field apart.
        [
            r#"{"phoneNumber": "+15550001", "sbc": "s"}"#,
            r#"{"phoneNumber": "+15550001", "sbc": "S"}"#,
        ],
        [
            r#"{"phoneNumber": "+15550001", "n": 1}"#,
            r#"{"phoneNumber": "+15550001", "n": 1.0}"#,
        ],
        [
            r#"{"phoneNumber": "+15550001"}"#,
            r#"{"phoneNumber": "+15550001", "id": null}"#,
        ],
    ];
    for pair in pairs {
        let (ok, log, changed) = sync_pair(pair);
        assert!(ok, "{pair:?} was taken as a repeat: {log}");
        assert!(changed, "{pair:?}: {log}");
    }
}

/// Many users, one repeat on the last page: hashed keys of a whole list
/// must still catch it, and only it.
#[test]
fn a_repeat_among_3000_users_on_the_last_page_is_caught() {
    let mut users: Vec<String> = (0..3000)
        .map(|i| user(&format!("u{i}"), &format!("+1555{i:07}")))
        .collect();
    let list = RawUsers::new(users.clone());
    let server = arm(list.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 500, "");
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "3000 distinct users: {log}");
    let before = common::store_dump(&store);
    // The last user's id spelt with an escape: the first user again.
    users[2999] = r#"{"id": "\u00750", "phoneNumber": "+15559999999"}"#.to_string();
    list.set(users);
    let (ok, log) = sync(&config, LATER);
    assert!(!ok, "u0 sent twice was taken: {log}");
    assert_eq!(common::store_dump(&store), before, "{log}");
}

/// An ARM that ignores paging and sends its whole list as a bare array on
/// every call, spelt otherwise each time (escapes, spacing, key order):
/// with page size 1 the second answer is the very same users
/// (`SeenKeys::contains` on keys in parts), taken once; a second answer
/// with one user more is not, and fails the list.
#[test]
fn a_whole_list_sent_again_spelt_otherwise_is_taken_once() {
    let answers: [&str; 2] = [
        r#"[{"id": "a\u0062", "phoneNumber": "+15550001"}, {"phoneNumber": "+15550002", "sbc": "s"},
            {"id": 7, "phoneNumber": "+15550003"}]"#,
        r#"[{"id":"ab","phoneNumber":"+15550001"},{ "sbc" : "\u0073" , "phoneNumber" : "+15550002" },
            {"id": "7", "phoneNumber": "+15550003"}]"#,
    ];
    let calls = Arc::new(Mutex::new(0usize));
    let extra = Arc::new(Mutex::new(false));
    let (calls2, extra2) = (calls.clone(), extra.clone());
    let server = HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let mut n = calls2.lock().unwrap();
        *n += 1;
        let mut body = answers[(*n + 1) % 2].to_string();
        if *n % 2 == 0 && *extra2.lock().unwrap() {
            body = body.replacen('[', r#"[{"id": "new", "phoneNumber": "+15550004"},"#, 1);
        }
        Reply::status(200, &body)
    });
    let (_dir, config, store) = common::lab_at(&server.addr, 1, "");
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");
    assert_eq!(*calls.lock().unwrap(), 2, "{log}");
    let numbers = rows(&store, "numbers");
    assert_eq!(numbers.len(), 3, "{numbers:#?}\n{log}");
    let before = common::store_dump(&store);
    *extra.lock().unwrap() = true;
    let (ok, log) = sync(&config, LATER);
    assert!(!ok, "a second answer with one user more was taken: {log}");
    assert_eq!(common::store_dump(&store), before, "{log}");
}
