//! A first sync whose write fails part way (a trigger the test adds raises
//! inside the 400-row cached-user INSERT, or on one number's event in the
//! bulk write) leaves the store exactly as it was, and the same sync
//! succeeds once the trigger is gone, writing what a clean store gets.

use super::paths::{hostile_estate, MORE};
use super::*;

/// Every table, index and trigger of the store, with its SQL.
const SCHEMA: &str = "SELECT type, name, sql FROM sqlite_schema";

/// A store with the schema and the connection but nothing synced: a dry
/// run writes the connection's row (and its attempt).
fn fresh(config: &Path) {
    let out = common::run_at(config, NOW, &["sync", "audiocodes", "lab", "--dry-run"]);
    assert!(out.status.success(), "{}", common::text(&out).1);
}

/// Syncs the hostile estate with `trap` installed (it must make the sync
/// fail), checks nothing changed, drops it (`untrap`) and syncs again:
/// the store then holds what a clean first sync writes.
fn fails_then_recovers(trap: &str, said: &str, untrap: &str) {
    let users = hostile_estate();
    let server = arm(RawUsers::new(users.clone()));
    let (_dir, config, store) = common::lab_at(&server.addr, 500, MORE);
    fresh(&config);
    exec(&store, trap);
    let before = common::store_dump(&store);
    let schema = rows(&store, SCHEMA);
    let (ok, log) = sync(&config, NOW);
    assert!(!ok, "the trap did not fire: {log}");
    assert!(log.contains(said), "{log}");
    common::assert_same_store(&before, &common::store_dump(&store), "a failed first sync");
    // The search index's triggers, staged away by the bulk path, are back.
    assert_eq!(rows(&store, SCHEMA), schema);

    exec(&store, untrap);
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");

    let clean = arm(RawUsers::new(users));
    let (_dir2, config2, store2) = common::lab_at(&clean.addr, 500, MORE);
    let (ok, log) = sync(&config2, NOW);
    assert!(ok, "{log}");
    assert_eq!(rows(&store, NUMBER_COLUMNS), rows(&store2, NUMBER_COLUMNS));
    assert_eq!(
        rows(&store, "SELECT * FROM registered_users"),
        rows(&store2, "SELECT * FROM registered_users")
    );
    assert_eq!(
        rows(
            &store,
            "SELECT number, at, from_status, to_status, detail FROM number_events"
        ),
        rows(
            &store2,
            "SELECT number, at, from_status, to_status, detail FROM number_events"
        )
    );
    // The search index answers for the rows written after the failure.
    let found = common::run_at(
        &config,
        NOW,
        &["numbers", "--json", "--filter", "5550000651"],
    );
    let found: Vec<serde_json::Value> = serde_json::from_slice(&found.stdout).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
}

/// The 251st row of the second 400-row cached-user INSERT raises.
#[test]
fn a_cached_user_insert_failing_on_its_251st_row_changes_nothing() {
    fails_then_recovers(
        "CREATE TRIGGER h23 BEFORE INSERT ON registered_users
         WHEN new.user_id = 'u0651' BEGIN SELECT RAISE(ABORT, 'h23 trap'); END;",
        "h23 trap",
        "DROP TRIGGER h23;",
    );
}

/// One number's event (row 250 of a full events batch) raises, after
/// the numbers' own batches went in bound in place.
#[test]
fn an_event_failing_in_the_middle_of_the_bulk_write_changes_nothing() {
    fails_then_recovers(
        "CREATE TRIGGER h23 BEFORE INSERT ON number_events
         WHEN new.number = '+15550000651' BEGIN SELECT RAISE(ABORT, 'h23 trap'); END;",
        "h23 trap",
        "DROP TRIGGER h23;",
    );
}

/// A number row in the second full batch of numbers (bound in place)
/// fails a UNIQUE constraint: its insert trigger, which the test adds,
/// writes a value a table already holds. (A number slipped in by a
/// trigger would not do: the row write is an upsert.) The search index's
/// triggers are staged away at that point.
#[test]
fn a_number_row_failing_a_constraint_in_a_full_batch_changes_nothing() {
    fails_on_number_row("+15550000652");
}

/// The same failure in the last, shorter batch of numbers (which goes
/// through the statement cache, values copied from the batch's buffer).
#[test]
fn a_number_row_failing_a_constraint_in_the_last_batch_changes_nothing() {
    fails_on_number_row("+15550001151");
}

/// A first sync whose row for `number` fails a UNIQUE constraint: its
/// insert trigger, which the test adds, writes a value a table already
/// holds.
fn fails_on_number_row(number: &str) {
    fails_then_recovers(
        &format!(
            "CREATE TABLE h23_once(x INTEGER UNIQUE); INSERT INTO h23_once VALUES (1);
             CREATE TRIGGER h23 AFTER INSERT ON numbers WHEN new.number = '{number}' BEGIN
               INSERT INTO h23_once VALUES (1);
             END;"
        ),
        "UNIQUE constraint failed: h23_once.x",
        "DROP TRIGGER h23; DROP TABLE h23_once;",
    );
}

/// One `worker --once` runs two due first syncs on its one store
/// connection: "lab"'s fails inside its 400-row cached-user INSERT, and
/// "lab2"'s, in the same process after it, must write exactly what it
/// writes alone; "lab" then syncs as if nothing had happened.
#[test]
fn a_failed_first_sync_leaves_the_worker_connection_able_to_write_the_next() {
    let lab_users = hostile_estate();
    let lab2_users: Vec<String> = (0..1100)
        .map(|i| user(&format!("v{i:04}"), &format!("+1888{i:07}")))
        .collect();
    let lab = arm(RawUsers::new(lab_users.clone()));
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    // lab2's ARM answers late, and before its last page it looks at the
    // jobs: lab's has failed by then, so lab2 writes after the failure.
    let jobs_then: Arc<Mutex<Vec<String>>> = Arc::default();
    let lab2 = {
        let (all, jobs_then, store) = (lab2_users.clone(), jobs_then.clone(), store.clone());
        HostileServer::start(move |req: &Seen| {
            std::thread::sleep(std::time::Duration::from_millis(300));
            let (offset, limit) = req.offset_limit();
            if offset + limit >= all.len() {
                *jobs_then.lock().unwrap() = rows(
                    &store,
                    "SELECT kind || ' ' || target || ' ' || state FROM jobs",
                );
            }
            common::raw_arm::page_of(&all, offset, limit)
        })
    };
    let due = "schedule = \"1h\"\nschedule_enabled = true";
    let config = common::write_config(
        dir.path(),
        &format!(
            "{}{}{}",
            common::config_head(&store, 5),
            common::arm_connection(
                "lab",
                &lab.addr,
                common::LAB_LOGIN,
                500,
                &format!("{MORE}\n{due}")
            ),
            common::arm_connection("lab2", &lab2.addr, common::LAB_LOGIN, 500, due)
        ),
    );
    fresh(&config);
    exec(
        &store,
        "CREATE TRIGGER h23 BEFORE INSERT ON registered_users
         WHEN new.connection = 'lab' AND new.user_id = 'u0651'
         BEGIN SELECT RAISE(ABORT, 'h23 trap'); END;",
    );
    let out = common::run_at(&config, NOW, &["worker", "--once"]);
    let (o, e) = common::text(&out);
    let said = format!("{o}{e}");
    let synced = |conn: &str| {
        (
            rows(
                &store,
                &format!("{NUMBER_COLUMNS} WHERE connection = '{conn}'"),
            ),
            rows(
                &store,
                &format!("SELECT * FROM registered_users WHERE connection = '{conn}'"),
            ),
        )
    };
    let (lab_numbers, lab_cached) = synced("lab");
    assert!(
        lab_numbers.is_empty() && lab_cached.is_empty(),
        "lab's sync was to fail: {said}"
    );
    let (lab2_numbers, lab2_cached) = synced("lab2");
    let then = jobs_then.lock().unwrap().clone();
    assert!(
        then.contains(&"\"sync lab failed\"".to_string())
            && then.contains(&"\"sync lab2 running\"".to_string()),
        "lab's sync had not failed before lab2's last page: {then:?}\n{said}"
    );

    // lab2 alone, in a store of its own.
    let alone = arm(RawUsers::new(lab2_users));
    let (_dir2, config2, store2) = common::lab_at(&alone.addr, 500, "");
    let (done, log) = sync(&config2, NOW);
    assert!(done, "{log}");
    let fix = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|r| r.replace("\"lab\"", "\"lab2\""))
            .collect()
    };
    assert_eq!(lab2_numbers.len(), 1100, "{said}");
    assert_eq!(lab2_numbers, fix(rows(&store2, NUMBER_COLUMNS)));
    assert_eq!(
        lab2_cached,
        fix(rows(&store2, "SELECT * FROM registered_users"))
    );

    // lab, untrapped, by itself.
    exec(&store, "DROP TRIGGER h23;");
    let (done, log) = sync(&config, NOW);
    assert!(done, "{log}");
    let clean = arm(RawUsers::new(lab_users));
    let (_dir3, config3, store3) = common::lab_at(&clean.addr, 500, MORE);
    let (done, log) = sync(&config3, NOW);
    assert!(done, "{log}");
    let (lab_numbers, lab_cached) = synced("lab");
    assert_eq!(lab_numbers, rows(&store3, NUMBER_COLUMNS));
    assert_eq!(lab_cached, rows(&store3, "SELECT * FROM registered_users"));
}
