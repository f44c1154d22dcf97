//! What a sync writes, counted in pages of the store's write-ahead log: a
//! re-sync with nothing changed writes only its run record, and one with a
//! few changes writes in proportion to them, not to the inventory.

use switchboard::domain::registered_user::RegisteredUser;
use switchboard::domain::settings::InventorySettings;
use switchboard::store::sync::{SyncMode, SyncRequest};
use switchboard::store::Store;

fn users(n: usize, offline_every: usize) -> Vec<RegisteredUser> {
    let seen = chrono::DateTime::parse_from_rfc3339("2026-11-22T08:00:00Z")
        .unwrap()
        .to_utc();
    (0..n)
        .map(|i| RegisteredUser {
            id: format!("u{i:05}"),
            user_name: format!("user{i:05}"),
            display_name: format!("User {i}"),
            number: Some(format!("+1999{i:07}")),
            raw_status: if offline_every > 0 && i % offline_every == 0 {
                "OFFLINE".into()
            } else {
                "REGISTERED".into()
            },
            last_seen: Some(seen),
            sbc: "sbc-1".into(),
        })
        .collect()
}

fn sync(store: &mut Store, users: &[RegisteredUser]) -> String {
    let settings = InventorySettings::default();
    let out = store
        .apply_sync(&SyncRequest {
            connection: "arm",
            users,
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
            settings: &settings,
            mode: SyncMode::Apply,
            force: true,
            job_id: None,
            started_at: chrono::Utc::now(),
        })
        .unwrap();
    out.result
}

/// Empties the write-ahead log; the frames written since, after `f`.
fn frames_written(store: &mut Store, f: impl FnOnce(&mut Store)) -> i64 {
    let conn = store.conn_for_tests();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    f(store);
    store
        .conn_for_tests()
        .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(1))
        .unwrap()
}

#[test]
fn an_unchanged_resync_writes_only_its_run_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let all = users(20_000, 0);
    let first = frames_written(&mut store, |s| assert_eq!(sync(s, &all), "applied"));
    let again = frames_written(&mut store, |s| assert_eq!(sync(s, &all), "applied"));
    assert!(first > 500, "the first sync wrote {first} pages");
    assert!(again <= 6, "an unchanged re-sync wrote {again} pages");

    // 40 users offline: 40 numbers cool; the pages written follow the
    // change (each touches its row, its index entries, an event, a user).
    // With 16 KiB pages the first sync fills a quarter as many pages as
    // with 4 KiB (796 against 3138) while each scattered change still
    // touches its own few (277 against 300): hence a half, not a quarter.
    let churned = users(20_000, 500);
    let some = frames_written(&mut store, |s| assert_eq!(sync(s, &churned), "applied"));
    assert!(
        some > again && some <= 15 * 40 && some < first / 2,
        "40 changes wrote {some} pages (the first sync {first})"
    );
    let cooling = store
        .status_counts()
        .unwrap()
        .into_iter()
        .find(|(s, _)| s.as_str() == "Cooling")
        .unwrap()
        .1;
    assert_eq!(cooling, 40);
}
