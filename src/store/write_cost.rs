//! What the store's share of a sync, a purge and a sweep costs at 100,000
//! numbers (`cargo test --release --lib store_write_cost -- --ignored
//! --nocapture`; `STORE_COST_SEED=900000` first fills the store with that
//! many other numbers, as the inventory benchmark's million-row store;
//! `STORE_COST_CACHE_KIB=65536` gives the connection that page cache;
//! `STORE_COST_FIRST_ONLY=1` stops after the first sync, for a profile;
//! `STORE_COST_SQL` runs its statements on the new store first;
//! `STORE_COST_CHURN=1` adds a re-sync that cools 1% of the numbers).

use super::sync::{SyncMode, SyncRequest};
use super::Store;
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::RegisteredUser;
use crate::domain::settings::InventorySettings;
use chrono::{NaiveDate, Utc};
use std::time::Instant;

const USERS: usize = 100_000;

fn users(today: NaiveDate) -> Vec<RegisteredUser> {
    let seen = today.and_hms_opt(8, 0, 0).unwrap().and_utc();
    (0..USERS)
        .map(|i| RegisteredUser {
            id: format!("id{i:07}"),
            user_name: format!("user{i:07}"),
            display_name: format!("User {i}"),
            number: Some(format!("+1999{i:07}")),
            raw_status: "REGISTERED".into(),
            last_seen: Some(seen),
            sbc: "sbc-1".into(),
        })
        .collect()
}

fn sync(store: &mut Store, users: &[RegisteredUser], today: NaiveDate, mode: SyncMode) -> String {
    let settings = InventorySettings::default();
    let out = store
        .apply_sync(&SyncRequest {
            connection: "bench",
            users,
            today,
            settings: &settings,
            mode,
            force: true,
            job_id: None,
            started_at: Utc::now(),
        })
        .unwrap();
    format!("{:?}", out.counts)
}

#[test]
#[ignore]
fn store_write_cost() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    if let Ok(kib) = std::env::var("STORE_COST_CACHE_KIB") {
        store
            .conn
            .pragma_update(None, "cache_size", format!("-{kib}"))
            .unwrap();
    }
    // `STORE_COST_SQL="DROP INDEX …"` changes the schema first: what a
    // schema choice would save, measured before making it.
    if let Ok(sql) = std::env::var("STORE_COST_SQL") {
        store.conn.execute_batch(&sql).unwrap();
    }
    let today = Utc::now().date_naive();
    let seed: usize = std::env::var("STORE_COST_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let began = Instant::now();
    for start in (0..seed).step_by(100_000) {
        let items: Vec<InventoryItem> = (start..seed.min(start + 100_000))
            .map(|i| InventoryItem::available(format!("+1555{i:07}")))
            .collect();
        store.insert_numbers(&items, "seed").unwrap();
    }
    if seed > 0 {
        eprintln!("seeded {seed} numbers: {:?}", began.elapsed());
    }
    let list = users(today);
    let mut timed = |what: &str, f: &mut dyn FnMut(&mut Store) -> String| {
        let (began, cpu) = (Instant::now(), cpu_time());
        let counts = f(&mut store);
        eprintln!(
            "{what}: {:?}, cpu {:?} ({counts})",
            began.elapsed(),
            cpu_time() - cpu
        );
    };
    timed("first sync of 100k users", &mut |s| {
        sync(s, &list, today, SyncMode::Apply)
    });
    if std::env::var("STORE_COST_FIRST_ONLY").is_ok() {
        return;
    }
    timed("unchanged re-sync", &mut |s| {
        sync(s, &list, today, SyncMode::Apply)
    });
    // `STORE_COST_CHURN=1`: a re-sync where every 100th user went offline
    // (1,000 numbers cool, scattered over the store's pages).
    if std::env::var("STORE_COST_CHURN").is_ok() {
        let churned: Vec<RegisteredUser> = list
            .iter()
            .enumerate()
            .map(|(i, u)| RegisteredUser {
                raw_status: if i % 100 == 0 {
                    "OFFLINE"
                } else {
                    "REGISTERED"
                }
                .into(),
                ..u.clone()
            })
            .collect();
        timed("re-sync, 1% offline", &mut |s| {
            sync(s, &churned, today, SyncMode::Apply)
        });
    }
    timed("purge of 100k numbers", &mut |s| {
        sync(s, &[], today, SyncMode::Purge)
    });
    let later = today + chrono::Days::new(400);
    timed("sweep of 100k numbers", &mut |s| {
        s.sweep(later).unwrap().to_string()
    });
}

/// This process's CPU time (other processes on a busy machine move the
/// wall time, not this).
pub(super) fn cpu_time() -> std::time::Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    std::time::Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}
