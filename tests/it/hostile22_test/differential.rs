//! The same hostile list synced by the real binary twice: read lean (the
//! default envelope) and read through the `Value` reading (a configured
//! `users_pointer`, which the lean reading declines). The two stores must
//! be the same row for row, and the two syncs must say the same.

use super::*;

/// Users whose fields are escaped, of unexpected types, sent twice, very
/// long, or absent; no two with the same key (that would fail the list).
fn hostile_users() -> Vec<String> {
    let long = "é".repeat(30_000);
    let mut users: Vec<String> = [
        r#"{"id": "a\"b\\c\/d", "phoneNumber": "+1555\u00300001", "status": "REGI\u0053TERED",
            "userName": "J\u00f6rg \ud83d\ude00", "displayName": "tab\there", "sbc": "s\u0000b",
            "lastSeen": "2026-11-30T09:00:00\u005a"}"#,
        r#"{"id": 42, "phoneNumber": 15550002, "status": 1, "userName": 1.5e3, "sbc": 3}"#,
        r#"{"id": 1.0, "phoneNumber": "+15550003", "status": null, "lastSeen": 1700000000}"#,
        r#"{"id": "1", "phoneNumber": ["+15550004"], "status": "offline"}"#,
        r#"{"id": "dup", "id": "dup2", "phoneNumber": "+15550005", "phoneNumber": "+15550006",
            "status": "OFFLINE", "status": "registered", "userName": "x", "userName": null}"#,
        r#"{"id": "obj", "phoneNumber": {"n": "+15550007"}, "uri": "SIP:+15550007@h",
            "status": {"s": "REGISTERED"}, "lastSeen": {"t": 1}}"#,
        r#"{"id": "arr", "uri": "Sips:+15550008;user=phone", "status": ["Busy", null],
            "displayName": [1, 2], "userName": true}"#,
        r#"{"phoneNumber": "+15550009", "status": "Weird", "extra": {"a": [[[["deep"]]]]}}"#,
        r#"{"phoneNumber": "+15550010", "status": "NOT-ACTIVE", "lastSeen": "2026-11-30T08:00:00.5+01:00", "id": null}"#,
        r#"{"id": "", "userName": "named", "phoneNumber": "tel:+15550011", "status": " Registered "}"#,
        r#"{"\u0069d": "escaped-key", "st\u0061tus": "unregistered", "phone\u004eumber": "+15550012"}"#,
        r#"{"ID": "upper-key", "Status": "OFFLINE", "phoneNumber": "+15550013", "Id": 5}"#,
        r#"{"id": "no-number", "phoneNumber": "not a number", "status": "REGISTERED"}"#,
        r#"{"id": "nul\u0000id", "phoneNumber": null, "uri": "sip:+15550014@h"}"#,
        r#"{"id": "\u001b[31mred", "phoneNumber": "+15550015", "status": "\u001b[0m"}"#,
        r#"{"id": "e\u0301", "phoneNumber": "+15550016"}"#,
        r#"{"id": "\u00e9", "phoneNumber": "+15550017"}"#,
        r#"{"id": "A", "phoneNumber": "+15550018"}"#,
        r#"{"id": "a", "phoneNumber": "+15550018", "status": "OFFLINE"}"#,
        r#"{"id": " a", "phoneNumber": "+15550019", "status": "OFFLINE"}"#,
        r#"{"id": 18446744073709551616, "phoneNumber": "+15550020"}"#,
        r#"{"id": -0.0, "phoneNumber": "+15550021"}"#,
    ]
    .map(String::from)
    .to_vec();
    users.push(format!(
        r#"{{"id": "long", "phoneNumber": "+15550022", "userName": "{long}", "displayName": "{long}\n"}}"#
    ));
    users.push(format!(
        r#"{{"phoneNumber": "+15550023", "note": "{long}", "status": "REGISTERED"}}"#
    ));
    users
}

/// The store and what the sync said, for one page shape.
fn synced(extra: &str, users: &[String]) -> (Vec<String>, Vec<String>, String) {
    let server = arm(RawUsers::new(users.to_vec()));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, extra);
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{extra}: {log}");
    (
        rows(&store, "numbers"),
        rows(&store, "registered_users"),
        log,
    )
}

#[test]
fn a_hostile_list_synced_lean_is_the_list_synced_as_values() {
    let users = hostile_users();
    let (numbers, registered, log) = synced("", &users);
    let (slow_numbers, slow_registered, slow_log) = synced(r#"users_pointer = "/users""#, &users);
    assert!(numbers.len() >= 15, "{numbers:#?}\n{log}");
    assert_eq!(numbers, slow_numbers);
    assert_eq!(registered, slow_registered);
    // What the syncs said, but the server's address and the timings.
    let said = |log: &str| -> Vec<String> {
        log.lines()
            .filter(|l| !l.starts_with("fetch") && !l.starts_with("planned"))
            .map(String::from)
            .collect()
    };
    assert_eq!(said(&log), said(&slow_log));
    assert!(log.contains("skipped 3"), "{log}");
    assert!(log.contains(r#""Weird" ×1"#), "{log}");
}

/// The hostile list re-synced unchanged (read lean both times, times with
/// offsets and fractions, statuses of every shape, users without ids or
/// numbers) writes nothing: every row compares equal in place.
#[test]
fn a_hostile_list_re_synced_unchanged_writes_nothing() {
    let mut users = hostile_users();
    users.push(
        r#"{"id": "frac", "phoneNumber": "+15550024", "lastSeen": "2026-11-30T09:00:00.999999999-05:30"}"#
            .to_string(),
    );
    users.push(
        r#"{"id": "leap", "phoneNumber": "+15550025", "lastSeen": "2026-06-30T23:59:60Z"}"#
            .to_string(),
    );
    users.push(
        r#"{"id": "zero", "phoneNumber": "+15550026", "lastSeen": "0000-01-01T00:00:00Z"}"#
            .to_string(),
    );
    let server = arm(RawUsers::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");
    let before = common::store_dump(&store);
    let (ok, log) = sync(&config, LATER);
    assert!(ok, "{log}");
    assert!(
        log.contains("added 0, restored 0, cooled 0, released 0"),
        "{log}"
    );
    common::assert_same_store(&before, &common::store_dump(&store), "an unchanged re-sync");
}
