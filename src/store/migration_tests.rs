//! A store made by an older switchboard, with data, migrates to the
//! latest schema and answers as before; the counters and the trigram
//! index stay exact through every kind of write afterwards.

use super::migrations;
use super::number_query::{NumberQuery, Seek};
use super::sync::{SyncMode, SyncRequest};
use super::Store;
use crate::domain::actions::NumberAction;
use crate::domain::number::{InventoryItem, Status};
use crate::domain::registered_user::RegisteredUser;
use crate::domain::settings::InventorySettings;
use chrono::NaiveDate;
use rusqlite::Connection;

/// The last schema before the counters' triggers changed.
const OLD_VERSION: usize = 5;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// An old store file: numbers of every kind, written by its own triggers.
fn old_store(path: &std::path::Path) {
    let mut conn = Connection::open(path).unwrap();
    migrations::migrate_to(&mut conn, OLD_VERSION).unwrap();
    let rows = [
        (
            "+15550001",
            "Used",
            "Device",
            "AudioCodes",
            "",
            None,
            Some("arm"),
            Some("alice"),
        ),
        (
            "+15550002",
            "Used",
            "Device",
            "AudioCodes",
            "",
            None,
            Some("arm"),
            Some("bob"),
        ),
        (
            "+15550003",
            "Cooling",
            "Device",
            "AudioCodes",
            "Registered user is either offline or deleted, release date 2026-11-29",
            Some("2026-11-29"),
            Some("arm"),
            Some("carol"),
        ),
        ("+15550004", "Available", "", "", "", None, None, None),
        (
            "+15550005",
            "Reserved",
            "",
            "",
            "lobby phone",
            None,
            None,
            None,
        ),
        (
            "+15550006",
            "Used",
            "Trunk",
            "Live Platform",
            "",
            None,
            Some("lp"),
            None,
        ),
    ];
    for (number, status, usage, vendor, tag, release, connection, user) in rows {
        conn.execute(
            "INSERT INTO numbers(number, status, usage, vendor, tag, release_date, connection,
                registered_user, last_seen, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, '2026-11-01T00:00:00Z')",
            rusqlite::params![number, status, usage, vendor, tag, release, connection, user],
        )
        .unwrap();
    }
}

/// What the store answers: counters, substring matches, a sorted window.
fn answers(store: &Store) -> (Vec<(Status, usize)>, Vec<Vec<String>>, Vec<String>) {
    let numbers = |q: NumberQuery| -> Vec<String> {
        store
            .number_window(&q, &Seek::First, 50)
            .unwrap()
            .rows
            .into_iter()
            .map(|i| i.number)
            .collect()
    };
    let found = ["lobby", "carol", "5550006", "Registered user", "al"]
        .iter()
        .map(|t| {
            numbers(NumberQuery {
                text: t.to_string(),
                ..Default::default()
            })
        })
        .collect();
    let by_tag = numbers(NumberQuery {
        sort: crate::domain::number_filter::SortKey::Tag,
        descending: true,
        ..Default::default()
    });
    (store.status_counts().unwrap(), found, by_tag)
}

/// The counters equal a count of the rows, and the trigram index is
/// whole (FTS5's own check).
fn assert_consistent(store: &Store) {
    let conn = store.conn_for_tests();
    let kept: Vec<(String, String, i64)> = conn
        .prepare("SELECT status, connection, n FROM number_counts WHERE n != 0 ORDER BY 1, 2")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let counted: Vec<(String, String, i64)> = conn
        .prepare("SELECT status, ifnull(connection, ''), COUNT(*) FROM numbers GROUP BY 1, 2 ORDER BY 1, 2")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(kept, counted, "the counters match the rows");
    conn.execute(
        "INSERT INTO numbers_fts(numbers_fts, rank) VALUES ('integrity-check', 0)",
        [],
    )
    .unwrap();
}

fn user(id: &str, number: &str, status: &str) -> RegisteredUser {
    RegisteredUser {
        id: id.into(),
        user_name: id.into(),
        display_name: String::new(),
        number: Some(number.into()),
        raw_status: status.into(),
        last_seen: None,
        sbc: "sbc".into(),
    }
}

fn sync(store: &mut Store, users: &[RegisteredUser], mode: SyncMode) {
    store
        .apply_sync(&SyncRequest {
            connection: "arm",
            users,
            today: day(),
            settings: &InventorySettings::default(),
            mode,
            force: true,
            job_id: None,
            started_at: chrono::Utc::now(),
        })
        .unwrap();
}

#[test]
fn an_old_store_migrates_and_answers_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    old_store(&path);
    let before = {
        // Read through today's queries on the old schema, without migrating.
        let store = Store::open_read_only(&path);
        assert!(store.is_err(), "an old store needs its migration first");
        let mut conn = Connection::open(&path).unwrap();
        migrations::migrate_to(&mut conn, OLD_VERSION).unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        answers(&store)
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
    assert_eq!(answers(&store), before);
    assert_eq!(before.1[0], ["+15550005"], "a hand tag is found");
    assert_eq!(
        before.1[3],
        Vec::<String>::new(),
        "the cooling tag is not searched"
    );
    assert_consistent(&store);
}

#[test]
fn counters_and_trigrams_stay_exact_through_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    old_store(&path);
    let mut store = Store::open(&path).unwrap();
    // A sync: adds, refreshes, cools, restores.
    let users = [
        user("alice", "+15550001", "REGISTERED"),
        user("carol", "+15550003", "REGISTERED"),
        user("dave", "+15550007", "REGISTERED"),
        user("erin", "+15550004", "REGISTERED"),
    ];
    sync(&mut store, &users, SyncMode::Apply);
    assert_consistent(&store);
    // Imports (insert or ignore) and the demo's as-is writes (upserts).
    store
        .add_numbers(&[InventoryItem::available("+15550008")], "import")
        .unwrap();
    let mut held = InventoryItem::available("+15550008");
    held.status = Status::Reserved;
    held.tag = "front desk".into();
    store.insert_numbers(&[held], "seed").unwrap();
    assert_consistent(&store);
    // Hand actions, the audit's whole-row fixes, a purge and the sweep.
    store
        .apply_number_action(
            &["+15550008".into(), "+15550007".into()],
            &NumberAction::Tag {
                text: "moved".into(),
            },
            day(),
            "me",
        )
        .unwrap();
    let (items, _) = store.audit_inputs().unwrap();
    let fixes: Vec<_> = items
        .iter()
        .filter(|i| i.number == "+15550002")
        .map(|i| crate::domain::cooling::Transition {
            kind: crate::domain::cooling::ChangeKind::Released,
            before: Some(i.clone()),
            after: crate::domain::cooling::released(i),
        })
        .collect();
    store.apply_audit_fixes(&fixes).unwrap();
    assert_consistent(&store);
    sync(&mut store, &[], SyncMode::Purge);
    assert_consistent(&store);
    assert_eq!(store.sweep(day() + chrono::Days::new(30)).unwrap(), 4);
    assert_consistent(&store);
    let moved = store
        .number_window(
            &NumberQuery {
                text: "moved".into(),
                ..Default::default()
            },
            &Seek::First,
            10,
        )
        .unwrap();
    let moved: Vec<&str> = moved.rows.iter().map(|i| i.number.as_str()).collect();
    assert_eq!(moved, ["+15550008"], "a tag written by hand is found");
}
