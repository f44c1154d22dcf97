//! A write that fails part way (a constraint another program put on the
//! store: a trigger that aborts on one row) leaves the store as it was:
//! a re-sync rewriting hand-edited rows, and a bulk first sync whose
//! events fail after the search index's triggers were set aside (their
//! definitions must come back with the rollback, so later writes still
//! feed the search).

use super::*;

fn number(i: usize) -> String {
    format!("+1555800{i:04}")
}

/// The store's schema: every trigger and index as SQLite keeps it.
fn schema(store: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(store).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type || ' ' || name || ' ' || ifnull(sql, '') FROM sqlite_schema ORDER BY 1",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

const ABORT_ON_UPDATE: &str = "CREATE TRIGGER h21_abort AFTER UPDATE ON numbers
    WHEN NEW.number = '{n}' BEGIN SELECT RAISE(ABORT, 'h21 abort'); END;";

#[test]
fn a_re_sync_failing_on_its_fourth_rewrite_leaves_the_store() {
    let users: Vec<Value> = (1..=8)
        .map(|i| user(&format!("u{i}"), &number(i), "2026-11-30T09:00:00Z"))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 3, "");
    sync_ok(&config, NOW);
    let first = numbers(&store);
    edit(
        &store,
        "UPDATE numbers SET usage = 'Other' WHERE number > ''",
    );
    edit(&store, &ABORT_ON_UPDATE.replace("{n}", &number(4)));
    let (before, before_schema) = (common::store_dump(&store), schema(&store));
    let (out, o, e) = common::sync_lab_at(&config, LATER);
    assert!(!out.status.success(), "the abort was not met: {o}{e}");
    assert!(e.contains("h21 abort"), "{e}");
    common::assert_same_store(&before, &common::store_dump(&store), &e);
    assert_eq!(schema(&store), before_schema);
    // Without the trigger the same re-sync rewrites every row.
    edit(&store, "DROP TRIGGER h21_abort");
    sync_ok(&config, LATER);
    let after = numbers(&store);
    for (n, row) in &after {
        assert_eq!(row[..8], first[n][..8], "{n}");
    }
}

#[test]
fn a_bulk_first_sync_failing_at_its_events_leaves_the_store_and_its_search() {
    const USERS: usize = 1_100;
    let users: Vec<Value> = (0..USERS)
        .map(|i| {
            json!({"id": format!("id{i}"), "userName": format!("ARM-user-{i}"),
                   "phoneNumber": number(i), "status": "REGISTERED"})
        })
        .collect();
    // First an empty list: the store and its record of the connection
    // exist, the inventory is empty (the bulk path's condition).
    let list = Users::default();
    let server = arm(list.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 500, "");
    sync_ok(&config, NOW);
    *list.0.lock().unwrap() = users;
    edit(
        &store,
        &format!(
            "CREATE TRIGGER h21_abort AFTER INSERT ON number_events
             WHEN NEW.number = '{}' BEGIN SELECT RAISE(ABORT, 'h21 abort'); END;",
            number(USERS - 1)
        ),
    );
    let (before, before_schema) = (common::store_dump(&store), schema(&store));
    let (out, o, e) = common::sync_lab_at(&config, NOW);
    assert!(!out.status.success(), "the abort was not met: {o}{e}");
    assert!(e.contains("h21 abort"), "{e}");
    common::assert_same_store(&before, &common::store_dump(&store), &e);
    assert_eq!(
        schema(&store),
        before_schema,
        "the search triggers did not come back"
    );
    // Without the trigger: the sync takes, and its rows are searchable.
    edit(&store, "DROP TRIGGER h21_abort");
    sync_ok(&config, NOW);
    let out = common::run_at(
        &config,
        NOW,
        &["numbers", "--filter", "arm-user-1099", "--json"],
    );
    let found: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["number"], number(USERS - 1));
}
