//! The sort indexes skip empty values, so a sort reads the empty rows and
//! the rest in two stretches. Against the order spelled out in Rust (the
//! value, NULL and '' alike as '', then the number), every sort, both
//! directions and every kind of filter give the same rows in the same
//! order: the full listing, windows walked both ways, and skips that land
//! across the seam between the stretches.

use crate::common::sort_order::{
    expected_order, listed_as_spelled_out, walk_backwards, walk_forwards, window_order,
};
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::sim::inventory::synthetic_item;
use switchboard::store::number_query::{NumberQuery, RowKey, Seek, SortKey};
use switchboard::store::Store;

const ROWS: u64 = 6_000;

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let seen = today.and_hms_opt(9, 0, 0).unwrap().and_utc();
    let mut items: Vec<InventoryItem> = (0..ROWS)
        .map(|i| synthetic_item(15_550_000_000, i, today, seen))
        .collect();
    // Empty text beside NULL: both sort as empty, in number order.
    for item in items.iter_mut().step_by(97) {
        item.connection = Some(String::new());
        item.registered_user = Some(String::new());
        item.usage = String::new();
    }
    store.insert_numbers(&items, "test seed").unwrap();
    (dir, store)
}

fn queries() -> Vec<NumberQuery> {
    let mut qs = vec![];
    let filters: [(Option<Status>, &str); 6] = [
        (None, ""),
        (Some(Status::Used), ""), // common status: the sort's index scans
        (Some(Status::Available), ""), // its rows are all empty but the number
        (Some(Status::Reserved), ""), // rare status: its index, then sort
        (None, "+155500001"),     // number prefix
        (None, "user-00000"),     // substring: trigram index or scan
    ];
    for sort in SortKey::ALL {
        for descending in [false, true] {
            for (status, text) in filters {
                qs.push(NumberQuery {
                    sort,
                    descending,
                    status,
                    text: text.into(),
                    ..Default::default()
                });
            }
        }
    }
    qs
}

#[test]
fn every_sort_lists_and_walks_in_the_order_spelled_out_in_rust() {
    let (_dir, store) = seeded();
    for q in queries() {
        let want = listed_as_spelled_out(&store, &q);
        // Forwards in windows of 700, backwards from the end in 613.
        assert_eq!(walk_forwards(&store, &q, 700), want, "forwards {q:?}");
        assert_eq!(walk_backwards(&store, &q, 613), want, "backwards {q:?}");
    }
}

#[test]
fn a_skip_lands_where_the_order_says_across_the_seam() {
    let (_dir, store) = seeded();
    for sort in [SortKey::RegisteredUser, SortKey::Tag, SortKey::ReleaseDate] {
        for descending in [false, true] {
            let q = NumberQuery {
                sort,
                descending,
                ..Default::default()
            };
            let want = expected_order(&store, &q);
            let seam = want
                .iter()
                .position(|(v, _)| v.is_empty() == descending)
                .expect("both stretches hold rows");
            // From well before the seam to past it, and back.
            for (from, skip) in [(10, seam), (seam - 5, 20), (seam - 1, 0), (0, 5_000)] {
                let skip = skip.min(want.len() - from - 2);
                let key = RowKey {
                    sort: want[from].0.clone(),
                    number: want[from].1.clone(),
                };
                let after = Seek::After {
                    key: key.clone(),
                    index: from,
                    skip,
                };
                let w = store.number_window(&q, &after, 30).unwrap();
                let at = from + 1 + skip;
                assert_eq!(w.offset, at, "{q:?} after {from} skip {skip}");
                let end = (at + 30).min(want.len());
                assert_eq!(window_order(&w), want[at..end], "{q:?} {from}+{skip}");
            }
            for (from, skip) in [(seam + 10, 15), (seam + 3, seam), (want.len() - 1, 4_000)] {
                let skip = skip.min(from.saturating_sub(31));
                let key = RowKey {
                    sort: want[from].0.clone(),
                    number: want[from].1.clone(),
                };
                let before = Seek::Before {
                    key,
                    index: from,
                    skip,
                };
                let w = store.number_window(&q, &before, 30).unwrap();
                let end = from - skip;
                assert_eq!(w.offset, end - 30, "{q:?} before {from} skip {skip}");
                assert_eq!(window_order(&w), want[end - 30..end], "{q:?}");
            }
        }
    }
}
