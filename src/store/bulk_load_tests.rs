//! The bulk path of a large write into an empty inventory leaves exactly
//! what the row-by-row path leaves, and nothing at all when it fails.

use super::bulk_load::BULK_MIN_ROWS;
use super::number_query::{NumberQuery, TextFilter};
use super::Store;
use crate::domain::cooling::cooling_tag;
use crate::domain::number::{InventoryItem, Status};
use chrono::{NaiveDate, TimeZone, Utc};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const ROWS: usize = BULK_MIN_ROWS + 500;

/// Rows of every kind the search treats apart: hand tags, VOSS's cooling
/// tag (never searched), users, no user, non-ASCII text; in number order.
fn items() -> Vec<InventoryItem> {
    let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    (0..ROWS)
        .map(|i| {
            let mut item = InventoryItem::available(format!("+1555{i:07}"));
            match i % 5 {
                0 => {
                    item.status = Status::Used;
                    item.vendor = "AudioCodes".into();
                    item.usage = "Device".into();
                    item.connection = Some(format!("arm{}", i % 3));
                    item.registered_user = Some(format!("user{i:05}"));
                    item.last_seen = Some(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap());
                }
                1 => {
                    item.status = Status::Cooling;
                    item.vendor = "AudioCodes".into();
                    item.tag = cooling_tag(day, 30);
                    item.release_date = Some(day + chrono::Days::new(30));
                    item.connection = Some("arm1".into());
                }
                2 => item.tag = format!("desk Zoë {i}"),
                3 => item.status = Status::Reserved,
                _ => {}
            }
            item
        })
        .collect()
}

fn open(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap()
}

fn rows(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..width)
            .map(|i| match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// What the inventory holds, as the program sees it: the rows (their ids
/// included), the counters, the events (but their times), the schema,
/// and which rows the search index finds for each text.
fn inventory(store: &Store) -> Vec<String> {
    let mut out = rows(
        store,
        "SELECT id, number, status, usage, vendor, tag, release_date, connection, registered_user, last_seen
         FROM numbers ORDER BY id",
    );
    out.extend(rows(store, "SELECT * FROM number_counts ORDER BY 1, 2"));
    out.extend(rows(
        store,
        "SELECT id, number, from_status, to_status, cause, detail FROM number_events ORDER BY id",
    ));
    out.extend(rows(
        store,
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
    ));
    for text in [
        "user0",
        "555000",
        "desk",
        "zoë",
        "ZOË",
        "Registered",
        "release",
        "offline",
        "arm",
    ] {
        let mut found = store
            .conn
            .prepare("SELECT rowid FROM numbers_fts WHERE numbers_fts MATCH ?1 ORDER BY rowid")
            .unwrap();
        let ids: Vec<i64> = found
            .query_map([TextFilter::fts_query(text)], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let q = NumberQuery {
            text: text.into(),
            ..NumberQuery::default()
        };
        out.push(format!(
            "{text}: {ids:?}, count {}",
            store.count_numbers(&q).unwrap()
        ));
    }
    out
}

#[test]
fn a_bulk_write_leaves_what_row_by_row_writes_leave() {
    let dir = tempfile::tempdir().unwrap();
    let all = items();
    let mut bulk = open(dir.path(), "bulk.db");
    bulk.insert_numbers(&all, "import").unwrap();
    // Below the bulk path's size, each batch goes row by row.
    let mut by_row = open(dir.path(), "rows.db");
    for chunk in all.chunks(BULK_MIN_ROWS - 1) {
        by_row.insert_numbers(chunk, "import").unwrap();
    }
    let (bulk, by_row) = (inventory(&bulk), inventory(&by_row));
    assert_eq!(bulk.len(), by_row.len());
    for (b, r) in bulk.iter().zip(&by_row) {
        assert_eq!(b, r);
    }
    // The search found what it should: hand tags and users, never the
    // cooling tag.
    let found = |text: &str| {
        bulk.iter()
            .find(|l| l.starts_with(&format!("{text}:")))
            .unwrap()
            .clone()
    };
    assert!(
        found("desk").ends_with(&format!("count {}", ROWS / 5)),
        "{}",
        found("desk")
    );
    assert!(
        found("offline").ends_with("[], count 0"),
        "{}",
        found("offline")
    );
}

#[test]
fn later_writes_keep_the_search_index_right_after_a_bulk_write() {
    let dir = tempfile::tempdir().unwrap();
    let all = items();
    let mut bulk = open(dir.path(), "bulk.db");
    let mut by_row = open(dir.path(), "rows.db");
    bulk.insert_numbers(&all, "import").unwrap();
    for chunk in all.chunks(BULK_MIN_ROWS - 1) {
        by_row.insert_numbers(chunk, "import").unwrap();
    }
    // Every row rewritten (the update and delete triggers take out what
    // the bulk path put in), then half of them deleted.
    let retagged: Vec<InventoryItem> = all
        .iter()
        .map(|i| InventoryItem {
            tag: format!("after {}", i.number),
            registered_user: None,
            ..i.clone()
        })
        .collect();
    for store in [&mut bulk, &mut by_row] {
        store.insert_numbers(&retagged, "import").unwrap();
        store
            .conn
            .execute("DELETE FROM numbers WHERE id % 2 = 0", [])
            .unwrap();
        store
            .conn
            .execute(
                "INSERT INTO numbers_fts(numbers_fts) VALUES ('integrity-check')",
                [],
            )
            .unwrap();
    }
    assert_eq!(inventory(&bulk), inventory(&by_row));
}

#[test]
fn a_failure_after_the_triggers_are_dropped_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), "s.db");
    let before = inventory(&store);
    // The events are written after the rows, with the search trigger gone.
    store
        .conn
        .execute_batch(
            "CREATE TRIGGER fail_events BEFORE INSERT ON number_events
             BEGIN SELECT RAISE(ABORT, 'injected'); END",
        )
        .unwrap();
    let failed = store.insert_numbers(&items(), "import");
    assert!(format!("{failed:?}").contains("injected"), "{failed:?}");
    store
        .conn
        .execute_batch("DROP TRIGGER fail_events")
        .unwrap();
    assert_eq!(inventory(&store), before);
    // And the store works as before.
    store.insert_numbers(&items(), "import").unwrap();
    let q = NumberQuery {
        text: "desk".into(),
        ..NumberQuery::default()
    };
    assert_eq!(store.count_numbers(&q).unwrap(), ROWS / 5);
}

#[test]
fn a_reader_keeps_working_across_a_bulk_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut writer = Store::open(&path).unwrap();
    let reader = Store::open_read_only(&path).unwrap();
    let q = NumberQuery {
        text: "desk".into(),
        ..NumberQuery::default()
    };
    assert_eq!(reader.count_numbers(&q).unwrap(), 0);
    let done = Arc::new(AtomicBool::new(false));
    let watching = {
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            // Its statements were prepared before the schema changed.
            loop {
                let finished = done.load(Ordering::SeqCst);
                let n = reader.count_numbers(&q).unwrap();
                let all = reader.status_counts().unwrap();
                seen.push((n, all.iter().map(|(_, n)| n).sum::<usize>()));
                if finished {
                    return seen;
                }
            }
        })
    };
    writer.insert_numbers(&items(), "import").unwrap();
    done.store(true, Ordering::SeqCst);
    let mut seen = watching.join().unwrap();
    // Two reads, two snapshots: each is all or nothing on its own.
    let last = seen.last().copied();
    seen.dedup();
    assert!(
        seen.iter()
            .all(|(n, all)| [0, ROWS / 5].contains(n) && [0, ROWS].contains(all)),
        "{seen:?}"
    );
    assert_eq!(last, Some((ROWS / 5, ROWS)));
}

/// A first sync's users are inserted without a compare; a later sync
/// compares. Both leave the same cached users (of a repeated id, the
/// last), the same numbers and the same search answers.
#[test]
fn a_first_sync_caches_what_a_compared_sync_caches() {
    use super::sync::{SyncMode, SyncRequest};
    use crate::domain::registered_user::RegisteredUser;
    use crate::domain::settings::InventorySettings;
    let user = |i: usize, name: &str| RegisteredUser {
        id: format!("id{i:05}"),
        user_name: format!("{name}{i:05}"),
        display_name: format!("User {i}"),
        number: Some(format!("+1999{i:07}")),
        raw_status: "REGISTERED".into(),
        last_seen: Some(Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap()),
        sbc: "sbc-1".into(),
    };
    let mut users: Vec<RegisteredUser> = (0..ROWS).map(|i| user(i, "user")).collect();
    // The same id twice: the second one is the one kept.
    users.push(RegisteredUser {
        display_name: "Second of id00007".into(),
        ..user(7, "user")
    });
    let settings = InventorySettings::default();
    let today = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let sync = |store: &mut Store, users: &[RegisteredUser]| {
        store
            .apply_sync(&SyncRequest {
                connection: "arm",
                users,
                today,
                settings: &settings,
                mode: SyncMode::Apply,
                force: true,
                job_id: None,
                started_at: Utc::now(),
            })
            .unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    let mut first = open(dir.path(), "first.db");
    sync(&mut first, &users);
    // Other users first: the real list then meets cached rows to compare,
    // and its numbers meet an inventory that is not empty.
    let mut compared = open(dir.path(), "compared.db");
    sync(&mut compared, &[user(0, "before")]);
    sync(&mut compared, &users);
    let cached = |s: &Store| rows(s, "SELECT * FROM registered_users ORDER BY user_id");
    assert_eq!(cached(&first), cached(&compared));
    assert_eq!(cached(&first).len(), ROWS);
    assert!(cached(&first)[7].contains("Second of id00007"));
    let numbers = |s: &Store| {
        rows(
            s,
            "SELECT number, status, usage, vendor, tag, connection, registered_user, last_seen FROM numbers ORDER BY number",
        )
    };
    assert_eq!(numbers(&first), numbers(&compared));
    for text in ["user0001", "99900001", "before"] {
        let q = NumberQuery {
            text: text.into(),
            ..NumberQuery::default()
        };
        assert_eq!(
            first.count_numbers(&q).unwrap(),
            compared.count_numbers(&q).unwrap(),
            "{text}"
        );
    }
}

/// Both insert triggers a migrated store has (the search index's and the
/// status counters') are set aside by the bulk path, and put back.
#[test]
fn the_bulk_path_sets_aside_the_search_and_counter_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = open(dir.path(), "s.db");
    let triggers = |conn: &rusqlite::Connection| -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND sql LIKE '%AFTER INSERT ON numbers%' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = triggers(&store.conn);
    assert_eq!(before, ["numbers_count_insert", "numbers_fts_insert"]);
    let tx = store.conn.transaction().unwrap();
    let staged = super::bulk_load::Staged::begin(&tx).unwrap().unwrap();
    assert!(triggers(&tx).is_empty(), "{:?}", triggers(&tx));
    staged.finish(&tx).unwrap();
    assert_eq!(triggers(&tx), before);
}

/// Counter rows of other statuses and connections, left at zero by
/// earlier deletes, stay as the triggers would leave them.
#[test]
fn a_bulk_write_counts_what_the_counter_trigger_counts() {
    let dir = tempfile::tempdir().unwrap();
    let all = items();
    let mut bulk = open(dir.path(), "bulk.db");
    let mut by_row = open(dir.path(), "rows.db");
    let earlier: Vec<InventoryItem> = all
        .iter()
        .take(20)
        .map(|i| InventoryItem {
            number: format!("+1444{}", &i.number[5..]),
            connection: Some("gone".into()),
            ..i.clone()
        })
        .collect();
    for store in [&mut bulk, &mut by_row] {
        store.insert_numbers(&earlier, "import").unwrap();
        store.conn.execute("DELETE FROM numbers", []).unwrap();
    }
    bulk.insert_numbers(&all, "import").unwrap();
    for chunk in all.chunks(BULK_MIN_ROWS - 1) {
        by_row.insert_numbers(chunk, "import").unwrap();
    }
    let counts = |s: &Store| rows(s, "SELECT * FROM number_counts ORDER BY 1, 2");
    assert!(counts(&bulk)
        .iter()
        .any(|c| c.contains("\"gone\"|Integer(0)")));
    assert_eq!(counts(&bulk), counts(&by_row));
    assert_eq!(inventory(&bulk), inventory(&by_row));
}
