//! What the trigram index costs a substring filter at a million numbers,
//! the store alone (`cargo test --release --lib trigram_cost -- --ignored
//! --nocapture`): the first window and the count of each substring the
//! inventory benchmark types (and a few more), through the index's plan,
//! with the dashboard's in-memory copy left out. Rows as the inventory
//! benchmark seeds them. `TRIGRAM_COST_ROWS` changes the million;
//! `TRIGRAM_COST_TEXTS` (comma-separated) the substrings.

use super::number_query::{NumberQuery, Seek, SortKey};
use super::Store;
use crate::domain::number::InventoryItem;
use crate::sim::inventory::synthetic_item;
use std::time::{Duration, Instant};

/// Each typed prefix of three characters or more of these (as the
/// benchmark types them), and the whole of the others.
const TYPED: [&str; 7] = [
    "user-00123",
    "released",
    "customer 1",
    "0000777",
    "user-0999",
    "example.com",
    "arm-2",
];
const WHOLE: [&str; 6] = ["555", "1212", "5550001", "00123", "zzz", "held for"];

pub(super) fn seed(store: &mut Store, rows: u64) -> Duration {
    let began = Instant::now();
    let today = chrono::Utc::now().date_naive();
    let seen = today.and_hms_opt(8, 0, 0).unwrap().and_utc();
    for start in (0..rows).step_by(100_000) {
        let items: Vec<InventoryItem> = (start..rows.min(start + 100_000))
            .map(|i| synthetic_item(15_550_000_000, i, today, seen))
            .collect();
        store.insert_numbers(&items, "seed").unwrap();
    }
    began.elapsed()
}

pub(super) fn rows() -> u64 {
    std::env::var("TRIGRAM_COST_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn median(mut took: Vec<Duration>) -> Duration {
    took.sort();
    took[took.len() / 2]
}

/// The median of five runs of `f`.
fn timed(mut f: impl FnMut()) -> Duration {
    median(
        (0..5)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

#[test]
#[ignore]
fn trigram_cost() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let rows = rows();
    eprintln!("seeded {rows} numbers in {:?}", seed(&mut store, rows));
    let mut texts: Vec<String> = vec![];
    for t in TYPED {
        for end in 3..=t.chars().count() {
            texts.push(t.chars().take(end).collect());
        }
    }
    texts.extend(WHOLE.iter().map(|t| (*t).to_string()));
    // `TRIGRAM_COST_TEXTS=a,b` times these instead.
    if let Ok(only) = std::env::var("TRIGRAM_COST_TEXTS") {
        texts = only.split(',').map(str::to_string).collect();
    }
    let (mut windows, mut counts) = (vec![], vec![]);
    for text in &texts {
        for sort in [SortKey::Number, SortKey::RegisteredUser] {
            let q = NumberQuery {
                text: text.clone(),
                sort,
                ..NumberQuery::default()
            };
            let mut n = 0;
            let window = timed(|| {
                n = store
                    .number_window(&q, &Seek::First, 60)
                    .unwrap()
                    .rows
                    .len();
            });
            let mut total = 0;
            let count = timed(|| total = store.count_numbers(&q).unwrap());
            eprintln!(
                "{text:>14} by {sort:?}: window {window:>10.2?} ({n} rows), count {count:>10.2?} ({total})"
            );
            windows.push(window);
            counts.push(count);
        }
    }
    let worst = |d: &[Duration]| d.iter().max().copied().unwrap_or_default();
    let total = |d: &[Duration]| d.iter().sum::<Duration>();
    eprintln!(
        "windows: median {:?}, worst {:?}, sum {:?}; counts: median {:?}, worst {:?}, sum {:?}",
        median(windows.clone()),
        worst(&windows),
        total(&windows),
        median(counts.clone()),
        worst(&counts),
        total(&counts)
    );
}

/// Page bytes per table and index of the store (SQLite's `dbstat`), the
/// trigram index's tables first.
fn sizes(store: &Store) -> String {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name
             ORDER BY name NOT LIKE 'numbers_fts%', 2 DESC",
        )
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap();
    let mut total = 0;
    let mut out = String::new();
    for row in rows {
        let (name, bytes) = row.unwrap();
        total += bytes;
        if name.starts_with("numbers_fts") {
            out += &format!("{name} {:.1} MB, ", mb(bytes));
        }
    }
    format!("{out}store {:.1} MB", mb(total))
}

#[allow(clippy::cast_precision_loss)]
fn mb(bytes: i64) -> f64 {
    bytes as f64 / 1e6
}

/// What the lean trigram index's migration costs a store of a million
/// numbers made with step 3's index (positions kept): the whole
/// `Store::open` that runs it, wall and CPU, and the sizes before and
/// after.
#[test]
#[ignore]
fn lean_trigram_migration_cost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut store = Store::open(&path).unwrap();
    let rows = rows();
    eprintln!("seeded {rows} numbers in {:?}", seed(&mut store, rows));
    eprintln!("lean: {}", sizes(&store));
    // Back to the schema before the lean index, as an older switchboard
    // left it.
    let older = super::migrations::lean_trigrams() - 1;
    store
        .conn
        .execute_batch(&format!(
            "BEGIN;
             DROP TRIGGER numbers_fts_insert; DROP TRIGGER numbers_fts_delete;
             DROP TRIGGER numbers_fts_update; DROP TABLE numbers_fts;
             {}
             PRAGMA user_version = {older};
             COMMIT;
             VACUUM;",
            super::migrations::positional_trigrams()
        ))
        .unwrap();
    eprintln!("positional: {}", sizes(&store));
    drop(store);
    let (began, cpu) = (Instant::now(), super::write_cost::cpu_time());
    let store = Store::open(&path).unwrap();
    eprintln!(
        "migrated {rows} numbers: {:?}, cpu {:?}",
        began.elapsed(),
        super::write_cost::cpu_time() - cpu
    );
    assert_eq!(store.schema_version().unwrap(), super::migrations::latest());
    eprintln!("migrated: {}", sizes(&store));
}
