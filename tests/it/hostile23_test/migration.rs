//! Steps 8 (the events' time index dropped) and 9 (the trigram index
//! made again, lean) on a store holding 100,000 numbers made as schema 7
//! left it: this build's store taken back by hand (the events' time
//! index and the positional trigram index with step 3's triggers, user
//! version 7). A `switchboard` opening it is killed (-9) at several
//! points of the migration: each time the store is at a whole version
//! (7, 8 or 9) with its data intact, and searchable at that version;
//! then a run to the end migrates it, every filter answers as a LIKE
//! scan, and opening it again changes nothing.

use super::search::{estate, ok, oracle};
use super::*;
use std::time::Duration;
use switchboard::store::number_query::NumberQuery;
use switchboard::store::Store;

/// Takes a store at the latest schema back to schema 7.
fn back_to_seven(store: &Path) {
    let conn = rusqlite::Connection::open(store).unwrap();
    let triggers: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE 'numbers_fts_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(triggers.len(), 3);
    let hand_tag = "(CASE WHEN tag GLOB 'Registered user is either offline or deleted, release date *' THEN '' ELSE tag END)";
    conn.execute_batch(&format!(
        "BEGIN;
         DROP TRIGGER numbers_fts_insert; DROP TRIGGER numbers_fts_delete; DROP TRIGGER numbers_fts_update;
         DROP TABLE numbers_fts;
         CREATE VIRTUAL TABLE numbers_fts USING fts5(
             number, tag, registered_user,
             content = 'numbers', content_rowid = 'id', tokenize = 'trigram'
         );
         INSERT INTO numbers_fts(rowid, number, tag, registered_user)
             SELECT id, number, {hand_tag}, registered_user FROM numbers;
         {};
         CREATE INDEX number_events_by_at ON number_events(at);
         PRAGMA user_version = 7;
         COMMIT;",
        triggers.join(";\n")
    ))
    .unwrap();
}

/// The estate's data (not the trigram index's shadow tables), sorted.
fn data(store: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for t in [
        "numbers",
        "number_events",
        "registered_users",
        "number_counts",
    ] {
        out.extend(rows(store, &format!("SELECT '{t}', * FROM {t}")));
    }
    out
}

fn version(store: &Path) -> i64 {
    let conn = rusqlite::Connection::open(store).unwrap();
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

/// The schema objects a version must have, and the old index answering
/// a phrase as the positional index did.
fn whole_at_its_version(store: &Path, data_before: &[String]) -> i64 {
    let v = version(store);
    assert!((7..=9).contains(&v), "version {v}");
    let conn = rusqlite::Connection::open(store).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let sql = |name: &str| -> Option<String> {
        conn.query_row(
            "SELECT sql FROM sqlite_schema WHERE name = ?1",
            [name],
            |r| r.get(0),
        )
        .ok()
    };
    assert_eq!(sql("number_events_by_at").is_some(), v < 8, "version {v}");
    let fts = sql("numbers_fts").expect("the trigram index");
    assert_eq!(fts.contains("detail = none"), v >= 9, "version {v}: {fts}");
    for t in [
        "numbers_fts_insert",
        "numbers_fts_delete",
        "numbers_fts_update",
    ] {
        assert!(sql(t).is_some(), "version {v}: {t} missing");
    }
    if v < 9 {
        // The positional index still answers a phrase.
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM numbers_fts WHERE numbers_fts MATCH '\"1212\"'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            usize::try_from(n).unwrap(),
            oracle(store, "1212").len(),
            "version {v}"
        );
    }
    drop(conn);
    assert!(data(store) == data_before, "version {v}: the data changed");
    v
}

#[test]
fn a_schema_7_store_killed_while_migrating_stays_whole_and_migrates_once() {
    let users = RawUsers::new(estate(false));
    let server = arm(users);
    let (dir, config, store) = common::lab_at(&server.addr, 500, "");
    let (done, log) = sync(&config, NOW);
    assert!(done, "{log}");
    ok(
        &common::run_at(
            &config,
            NOW,
            &["numbers", "add-range", "+15559000000", "+15559099999"],
        ),
        "add-range",
    );
    ok(
        &common::run_at(
            &config,
            NOW,
            &["numbers", "tag", "+15559012121", "desk 1212"],
        ),
        "tag",
    );
    back_to_seven(&store);
    let before = data(&store);
    let old = dir.path().join("seven.db");
    common::copy_store(&store, &old);

    let mut seen = Vec::new();
    for delay_ms in [5, 20, 30, 40, 50, 60, 70, 80, 120] {
        common::copy_store(&old, &store);
        let mut child = common::bin()
            .env("SWITCHBOARD_NOW", NOW)
            .arg("--config")
            .arg(&config)
            .args(["numbers", "--status", "Reserved"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        seen.push((delay_ms, whole_at_its_version(&store, &before)));
    }
    eprintln!("versions after kill -9 at each delay: {seen:?}");

    // A run to the end migrates to the latest version.
    ok(
        &common::run_at(&config, NOW, &["numbers", "--status", "Reserved"]),
        "open",
    );
    assert_eq!(whole_at_its_version(&store, &before), 9);
    let db = Store::open_read_only(&store).unwrap();
    for filter in [
        "1212",
        "5555",
        "desk 12",
        "name",
        "e\u{301}cl",
        "\"q\"",
        "555",
    ] {
        let q = NumberQuery {
            text: filter.to_string(),
            ..NumberQuery::default()
        };
        assert_eq!(
            db.count_numbers(&q).unwrap(),
            oracle(&store, filter).len(),
            "{filter:?}"
        );
    }
    drop(db);
    // Opened again by this build: nothing more is done.
    let schema = rows(&store, "SELECT type, name, sql FROM sqlite_schema");
    ok(
        &common::run_at(&config, NOW, &["numbers", "--status", "Reserved"]),
        "open again",
    );
    assert_eq!(
        rows(&store, "SELECT type, name, sql FROM sqlite_schema"),
        schema
    );
    assert_eq!(version(&store), 9);
    assert!(data(&store) == before, "the data changed on a second open");
}
