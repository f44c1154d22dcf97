//! The AudioCodes sync rules as a real store applies them: a free number
//! is taken back into use, a number held by another vendor is not, the
//! cached users follow every change of status (the audit reads them), an
//! unchanged re-sync rewrites no row, and users without a number are
//! counted as skipped. A number gone from the list cools even when a new
//! number sorts before it (the planner merges the two sorted lists). A
//! failed run is recorded, and numbers are counted per connection.

use chrono::{DateTime, NaiveDate, Utc};
use switchboard::domain::actions::NumberAction;
use switchboard::domain::audit::{audit, FindingKind};
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::domain::registered_user::RegisteredUser;
use switchboard::domain::settings::InventorySettings;
use switchboard::store::sync::{SyncMode, SyncOutcome, SyncRequest};
use switchboard::store::Store;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn user(id: &str, number: Option<&str>, status: &str) -> RegisteredUser {
    RegisteredUser {
        id: id.into(),
        user_name: format!("name-{id}"),
        display_name: format!("User {id}"),
        number: number.map(String::from),
        raw_status: status.into(),
        last_seen: Some(
            DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
                .unwrap()
                .to_utc(),
        ),
        sbc: "sbc-1".into(),
    }
}

fn sync(store: &mut Store, users: &[RegisteredUser], today: &str) -> SyncOutcome {
    let settings = InventorySettings::default();
    store
        .apply_sync(&SyncRequest {
            connection: "arm",
            users,
            today: day(today),
            settings: &settings,
            mode: SyncMode::Apply,
            force: true,
            job_id: None,
            started_at: Utc::now(),
        })
        .unwrap()
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    (dir, store)
}

fn row(store: &Store, number: &str) -> InventoryItem {
    store.number(number).unwrap().unwrap()
}

#[test]
fn a_released_number_whose_user_registers_again_is_used_again() {
    let (_dir, mut store) = open();
    let alice = |status| [user("a", Some("+15550001"), status)];
    sync(&mut store, &alice("REGISTERED"), "2026-11-22");
    sync(&mut store, &alice("OFFLINE"), "2026-11-22");
    assert_eq!(store.sweep(day("2026-11-24")).unwrap(), 1);
    assert_eq!(
        row(&store, "+15550001"),
        InventoryItem::available("+15550001")
    );

    let out = sync(&mut store, &alice("REGISTERED"), "2026-11-25");
    assert_eq!((out.counts.added, out.counts.conflicts), (1, 0), "{out:?}");
    assert!(out.conflicts.is_empty());
    let back = row(&store, "+15550001");
    assert!(back.is_used_by("arm"), "{back:?}");
    assert_eq!(back.registered_user.as_deref(), Some("name-a"));
}

#[test]
fn an_available_number_is_taken_unless_another_vendor_marks_it() {
    let (_dir, mut store) = open();
    let mut imported = InventoryItem::available("+15550002");
    imported.vendor = "AudioCodes".into();
    let mut teams = InventoryItem::available("+15550003");
    teams.vendor = "Microsoft".into();
    store
        .insert_numbers(
            &[
                InventoryItem::available("+15550001"),
                imported,
                teams.clone(),
            ],
            "import",
        )
        .unwrap();

    let out = sync(
        &mut store,
        &[
            user("a", Some("+15550001"), "REGISTERED"),
            user("b", Some("+15550002"), "REGISTERED"),
            user("c", Some("+15550003"), "REGISTERED"),
        ],
        "2026-11-22",
    );
    assert_eq!((out.counts.added, out.counts.conflicts), (2, 1), "{out:?}");
    assert_eq!(out.conflicts[0].number, "+15550003");
    assert_eq!(out.conflicts[0].vendor, "Microsoft");
    assert!(row(&store, "+15550001").is_used_by("arm"));
    assert!(row(&store, "+15550002").is_used_by("arm"));
    assert_eq!(row(&store, "+15550003"), teams, "held by another vendor");
}

#[test]
fn the_cached_users_follow_a_user_going_offline() {
    let (_dir, mut store) = open();
    sync(
        &mut store,
        &[user("a", Some("+15550001"), "REGISTERED")],
        "2026-11-22",
    );
    sync(
        &mut store,
        &[user("a", Some("+15550001"), "OFFLINE")],
        "2026-11-22",
    );
    let (_, snapshots) = store.audit_inputs().unwrap();
    assert!(
        !snapshots["arm"].get("+15550001").unwrap().registered,
        "the cached user is still registered: {:?}",
        snapshots["arm"]
    );

    // Released by hand while its user is offline: the audit must not ask
    // to take it back for that user.
    let released = store
        .apply_number_action(
            &["+15550001".to_string()],
            &NumberAction::Release,
            day("2026-11-22"),
            "ops",
        )
        .unwrap();
    assert_eq!(released.changed, 1);
    assert_eq!(row(&store, "+15550001").status, Status::Available);
    let (items, snapshots) = store.audit_inputs().unwrap();
    let findings = audit(&items, &snapshots, day("2026-11-22"), 2);
    assert!(
        !findings
            .iter()
            .any(|f| f.kind == FindingKind::RegisteredNotUsed),
        "{findings:?}"
    );
}

/// Counts the rows an UPDATE touches in `numbers` and `registered_users`
/// (an upsert that finds its row updates it, even with the same values).
fn count_row_updates(store: &Store) {
    store
        .conn_for_tests()
        .execute_batch(
            "CREATE TEMP TABLE updates(n INTEGER NOT NULL);
             INSERT INTO updates VALUES (0);
             CREATE TEMP TRIGGER users_updated AFTER UPDATE ON main.registered_users
               BEGIN UPDATE updates SET n = n + 1; END;
             CREATE TEMP TRIGGER numbers_updated AFTER UPDATE ON main.numbers
               BEGIN UPDATE updates SET n = n + 1; END;",
        )
        .unwrap();
}

fn row_updates(store: &Store) -> i64 {
    store
        .conn_for_tests()
        .query_row("SELECT n FROM temp.updates", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_unchanged_resync_rewrites_no_row_and_a_change_rewrites_only_its_own() {
    let (_dir, mut store) = open();
    let mut users: Vec<RegisteredUser> = (0..20)
        .map(|i| {
            user(
                &format!("u{i}"),
                Some(&format!("+155500{i:02}")),
                "REGISTERED",
            )
        })
        .collect();
    sync(&mut store, &users, "2026-11-22");
    count_row_updates(&store);

    let out = sync(&mut store, &users, "2026-11-22");
    assert_eq!(out.counts.unchanged, 20);
    assert_eq!(row_updates(&store), 0, "an unchanged re-sync rewrote rows");

    // One user offline: its cached user and its number, nothing else.
    users[3].raw_status = "OFFLINE".into();
    let out = sync(&mut store, &users, "2026-11-22");
    assert_eq!(out.counts.cooled, 1);
    assert_eq!(row_updates(&store), 2);
}

#[test]
fn users_without_a_number_are_counted_as_skipped() {
    let (_dir, mut store) = open();
    let out = sync(
        &mut store,
        &[
            user("a", Some("+15550001"), "REGISTERED"),
            user("b", None, "REGISTERED"),
            user("c", None, "OFFLINE"),
        ],
        "2026-11-22",
    );
    assert_eq!((out.counts.added, out.counts.skipped), (1, 2), "{out:?}");
    assert_eq!(out.users, 3);
    let run = store.last_sync_run("arm").unwrap().unwrap();
    assert_eq!((run.counts.added, run.counts.skipped), (1, 2));
}

#[test]
fn a_gone_number_cools_while_a_new_lower_number_is_added() {
    let (_dir, mut store) = open();
    sync(
        &mut store,
        &[user("b", Some("+15550002"), "REGISTERED")],
        "2026-11-22",
    );
    // b is gone; a, whose number sorts before b's, is new.
    let out = sync(
        &mut store,
        &[user("a", Some("+15550001"), "REGISTERED")],
        "2026-11-22",
    );
    assert_eq!((out.counts.added, out.counts.cooled), (1, 1), "{out:?}");
    assert!(row(&store, "+15550001").is_used_by("arm"));
    assert_eq!(row(&store, "+15550002").status, Status::Cooling);
    let added = store.number_events("+15550001", 10).unwrap();
    assert_eq!(added.len(), 1);
    assert_eq!(
        (added[0].from_status.as_deref(), added[0].to_status.as_str()),
        (None, "Used")
    );
}

#[test]
fn a_failed_run_is_recorded_and_numbers_are_counted_per_connection() {
    let (_dir, mut store) = open();
    sync(
        &mut store,
        &[
            user("a", Some("+15550001"), "REGISTERED"),
            user("b", Some("+15550002"), "REGISTERED"),
            user("c", Some("+15550003"), "REGISTERED"),
        ],
        "2026-11-22",
    );
    sync(
        &mut store,
        &[
            user("a", Some("+15550001"), "REGISTERED"),
            user("b", Some("+15550002"), "OFFLINE"),
        ],
        "2026-11-22",
    );
    // Used and Cooling per connection.
    assert_eq!(
        store.numbers_by_connection().unwrap(),
        [("arm".to_string(), 1, 2)]
    );

    store
        .record_failed_run("arm", "sync", None, Utc::now(), "the ARM timed out")
        .unwrap();
    let run = store.last_sync_run("arm").unwrap().unwrap();
    assert_eq!(
        (run.kind.as_str(), run.result.as_str(), run.error.as_str()),
        ("sync", "failed", "the ARM timed out")
    );
}
