//! What the trigram index costs a substring filter at a million numbers,
//! the store alone (`cargo test --release --lib trigram_cost -- --ignored
//! --nocapture`): the first window and the count of each substring the
//! inventory benchmark types (and a few more), through the index's plan,
//! with the dashboard's in-memory copy left out. Rows as the inventory
//! benchmark seeds them. `TRIGRAM_COST_ROWS` changes the million.

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
                n = store.number_window(&q, &Seek::First, 60).unwrap().rows.len();
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
