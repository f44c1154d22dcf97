//! A store made by an older switchboard, with data, migrates to the
//! latest schema and answers as before; the counters and the trigram
//! index stay exact through every kind of write afterwards.

use super::migrations;
use super::number_query::{NumberQuery, Seek, SortKey, TextFilter};
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
    old_store_at(path, OLD_VERSION);
}

/// [`old_store`] at schema `version`.
fn old_store_at(path: &std::path::Path, version: usize) {
    let mut conn = Connection::open(path).unwrap();
    migrations::migrate_to(&mut conn, version).unwrap();
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

/// What a store file answers (plain SQL, which any schema version takes):
/// the counters, the numbers each substring finds through the trigram
/// index, and the rows in descending tag order.
type Answers = (Vec<(String, String, i64)>, Vec<Vec<String>>, Vec<String>);

const PHRASES: [&str; 4] = ["lobby", "carol", "5550006", "Registered user"];

fn answers(conn: &Connection) -> Answers {
    let strings = |sql: &str, arg: &[&str]| -> Vec<String> {
        conn.prepare(sql)
            .unwrap()
            .query_map(rusqlite::params_from_iter(arg), |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let counts = conn
        .prepare("SELECT status, connection, n FROM number_counts WHERE n != 0 ORDER BY 1, 2")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let found = PHRASES
        .iter()
        .map(|p| {
            strings(
                "SELECT number FROM numbers WHERE id IN
                 (SELECT rowid FROM numbers_fts WHERE numbers_fts MATCH ?1) ORDER BY number",
                &[&TextFilter::fts_query(p)],
            )
        })
        .collect();
    let by_tag = strings(
        "SELECT number FROM numbers ORDER BY tag DESC, number DESC",
        &[],
    );
    (counts, found, by_tag)
}

/// The numbers of the first window of a query, as the Numbers tab reads it.
fn window(store: &Store, q: NumberQuery) -> Vec<String> {
    store
        .number_window(&q, &Seek::First, 50)
        .unwrap()
        .rows
        .into_iter()
        .map(|i| i.number)
        .collect()
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
    let before = answers(&Connection::open(&path).unwrap());
    assert!(
        Store::open_read_only(&path).is_err(),
        "an old store needs its migration first"
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
    assert_eq!(
        page_size(store.conn_for_tests()),
        4096,
        "an old store keeps its pages"
    );
    assert_eq!(answers(store.conn_for_tests()), before);
    assert_eq!(before.1[0], ["+15550005"], "a hand tag is found");
    assert!(before.1[3].is_empty(), "the cooling tag is not searched");
    // The Numbers tab's own reads agree with the old file's answers.
    for (phrase, numbers) in PHRASES.iter().zip(&before.1) {
        let q = NumberQuery {
            text: phrase.to_string(),
            ..Default::default()
        };
        assert_eq!(&window(&store, q), numbers, "{phrase}");
    }
    let by_tag = NumberQuery {
        sort: SortKey::Tag,
        descending: true,
        ..Default::default()
    };
    assert_eq!(window(&store, by_tag), before.2);
    let used = store.status_counts().unwrap();
    assert!(used.contains(&(Status::Used, 3)), "{used:?}");
    assert_consistent(&store);
}

fn page_size(conn: &Connection) -> u32 {
    conn.query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_new_store_is_made_with_the_larger_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(Store::open(&path).unwrap());
    // As the file says, read by a connection that asked for nothing.
    assert_eq!(
        page_size(&Connection::open(&path).unwrap()),
        migrations::PAGE_SIZE
    );
    let again = Store::open(&path).unwrap();
    assert_eq!(page_size(again.conn_for_tests()), migrations::PAGE_SIZE);
    assert_eq!(again.integrity_check().unwrap(), "ok");
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
            whole_row: false,
        })
        .collect();
    store.apply_audit_fixes(&fixes).unwrap();
    assert_consistent(&store);
    sync(&mut store, &[], SyncMode::Purge);
    assert_consistent(&store);
    assert_eq!(store.sweep(day() + chrono::Days::new(30)).unwrap(), 4);
    assert_consistent(&store);
    let moved = window(
        &store,
        NumberQuery {
            text: "moved".into(),
            ..Default::default()
        },
    );
    assert_eq!(moved, ["+15550008"], "a tag written by hand is found");
}

/// Every sort's full order in a store file, by plain SQL on the sort
/// expression (what the step-6 indexes were built on).
fn orders(conn: &Connection) -> Vec<Vec<String>> {
    let mut out = vec![];
    for sort in SortKey::ALL {
        for dir in ["ASC", "DESC"] {
            let sql = format!(
                "SELECT number FROM numbers ORDER BY {} {dir}, number {dir}",
                sort.expr()
            );
            let numbers = conn
                .prepare(&sql)
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            out.push(numbers);
        }
    }
    out
}

#[test]
fn a_step_6_store_gets_sort_indexes_that_skip_empty_values_and_sorts_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("six.db");
    old_store_at(&path, 6);
    let before = orders(&Connection::open(&path).unwrap());
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
    let conn = store.conn_for_tests();
    let sorts: Vec<(String, String)> = conn
        .prepare(
            "SELECT name, sql FROM sqlite_schema WHERE name LIKE 'numbers_sort_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(sorts.len(), 7, "{sorts:?}");
    for (name, sql) in &sorts {
        assert!(sql.ends_with("> ''"), "{name} skips empty values: {sql}");
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // The Numbers tab's listing of every sort, both ways, is the old order.
    let mut i = 0;
    for sort in SortKey::ALL {
        for descending in [false, true] {
            let q = NumberQuery {
                sort,
                descending,
                ..Default::default()
            };
            let mut listed = vec![];
            store
                .for_each_number(&q, |n| {
                    listed.push(n.number.clone());
                    Ok(())
                })
                .unwrap();
            assert_eq!(listed, before[i], "{q:?}");
            assert_eq!(window(&store, q.clone()), before[i], "{q:?}");
            i += 1;
        }
    }
}

/// The indexes a store file holds on `table`, by name.
fn indexes_on(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 ORDER BY name",
    )
    .unwrap()
    .query_map([table], |r| r.get(0))
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

#[test]
fn a_step_7_store_loses_the_events_time_index_and_keeps_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seven.db");
    old_store_at(&path, 7);
    {
        // Events as an older switchboard wrote them, by a sync and a purge.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "INSERT INTO number_events(number, at, from_status, to_status, cause, detail) VALUES
               ('+15550001', '2026-11-01T00:00:00Z', NULL, 'Used', 'sync arm', 'added'),
               ('+15550003', '2026-11-02T00:00:00Z', 'Used', 'Cooling', 'sync arm', 'cooled'),
               ('+15550001', '2026-11-03T00:00:00Z', 'Used', 'Cooling', 'purge arm', 'cooled');",
        )
        .unwrap();
        assert!(indexes_on(&conn, "number_events").contains(&"number_events_by_at".to_string()));
    }
    let dump = |conn: &Connection| -> Vec<(i64, String, String)> {
        conn.prepare("SELECT id, number, at FROM number_events ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let before = dump(&Connection::open(&path).unwrap());
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
    let conn = store.conn_for_tests();
    assert_eq!(
        indexes_on(conn, "number_events"),
        ["number_events_by_number"],
        "only the index a number's history reads is left"
    );
    assert_eq!(dump(conn), before, "every event kept");
    let history = store.number_events("+15550001", 10).unwrap();
    let causes: Vec<&str> = history.iter().map(|e| e.cause.as_str()).collect();
    assert_eq!(causes, ["purge arm", "sync arm"], "newest first");
    // New events go on after the old ones, in the order they are written.
    sync(
        &mut store,
        &[user("alice", "+15550001", "REGISTERED")],
        SyncMode::Apply,
    );
    let after = dump(store.conn_for_tests());
    assert_eq!(&after[..before.len()], &before[..]);
    assert!(after.len() > before.len(), "the sync wrote events");
    assert!(
        after.windows(2).all(|w| w[0].2 <= w[1].2),
        "ids follow time: {after:?}"
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

/// Rows whose user or hand tag a positional index and a lean one might
/// tell apart: repeated trigrams, quotes, non-ASCII, LIKE's wildcards.
const SEARCHABLE: [(&str, &str, &str); 6] = [
    ("+15551212121", "user-555-1212", ""),
    ("+15550005555", "Zoë Ångström", "desk 5555"),
    ("+15550000777", "O\"Brien", "it's \"quoted\""),
    ("+15559990999", "", "100%_off \\ back"),
    ("+15551231234", "émile", "ÉMILE 123-123"),
    ("+15550102030", "ann", "nn-ann"),
];

/// Every substring of three characters of `text`, and `text` itself.
fn substrings(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    out.push(text.to_string());
    out
}

/// The numbers a plain LIKE scan finds for `text`, in number order.
fn like_scan(conn: &Connection, text: &str) -> Vec<String> {
    let sql = format!(
        "SELECT number FROM numbers WHERE {} ORDER BY number",
        super::number_query::substring_condition(1)
    );
    conn.prepare(&sql)
        .unwrap()
        .query_map([TextFilter::like_pattern(text)], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn a_store_made_before_the_lean_trigram_index_migrates_and_finds_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("positional.db");
    old_store_at(&path, migrations::lean_trigrams() - 1);
    {
        let conn = Connection::open(&path).unwrap();
        for (number, user, tag) in SEARCHABLE {
            conn.execute(
                "INSERT INTO numbers(number, status, tag, registered_user, updated_at)
                 VALUES (?1, 'Reserved', ?2, nullif(?3, ''), '2026-11-01T00:00:00Z')",
                [number, tag, user],
            )
            .unwrap();
        }
    }
    let before = answers(&Connection::open(&path).unwrap());
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), migrations::latest());
    let conn = store.conn_for_tests();
    let fts: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE name = 'numbers_fts'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(fts.contains("detail = none"), "{fts}");
    assert_eq!(answers(conn), before);
    assert_consistent(&store);
    // Every row is found by every substring of its number, user and tag.
    let rows: Vec<(String, String, String)> = conn
        .prepare("SELECT number, ifnull(registered_user, ''), tag FROM numbers")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(rows.len(), 6 + SEARCHABLE.len());
    let mut checked = 0;
    for (number, user, tag) in &rows {
        let hand_tag = if tag.starts_with("Registered user is") {
            ""
        } else {
            tag.as_str()
        };
        for value in [number.as_str(), user, hand_tag] {
            if value.chars().count() < 3 {
                continue;
            }
            for text in substrings(value) {
                // As the filter reads it (" 55" is "55").
                let text = text.trim();
                let like = like_scan(conn, text);
                assert!(like.contains(number), "{text:?} finds {number}");
                let q = NumberQuery {
                    text: text.to_string(),
                    ..Default::default()
                };
                assert_eq!(store.count_numbers(&q).unwrap(), like.len(), "{text:?}");
                assert_eq!(window(&store, q), like, "{text:?}");
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
