//! The sort stretches (migration 7: sort indexes skip empty values) on
//! values chosen to sit next to the seam: '' and NULL mixed, a space, a
//! tab, control characters, NUL, non-ASCII; every sparse sort, both
//! directions, with status, vendor and text filters, walked both ways in
//! windows of 7 and skipped across the seam. The order must be exactly
//! `ORDER BY ifnull(value, ''), number` (or its reverse).

use crate::common::sort_order::{
    listed_as_spelled_out, walk_backwards, walk_forwards, window_order,
};
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::store::number_query::{NumberQuery, RowKey, Seek, SortKey};
use switchboard::store::Store;

/// Values next to '' in byte order.
const NEAR_EMPTY: [&str; 10] = [
    "",
    "\u{0}",
    "\u{1}",
    "\t",
    " ",
    "  ",
    "\u{7f}",
    "a",
    "é",
    "\u{1b}[31m",
];

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let statuses = [Status::Used, Status::Available, Status::Reserved];
    let items: Vec<InventoryItem> = (0..90usize)
        .map(|i| {
            let v = |k: usize| NEAR_EMPTY[(i + k) % NEAR_EMPTY.len()].to_string();
            // Every fourth row holds NULL where the column allows it.
            let opt = |k: usize| (i % 4 != 0).then(|| v(k));
            InventoryItem {
                status: statuses[i % 3],
                usage: v(1),
                vendor: if i % 2 == 0 {
                    "AudioCodes".into()
                } else {
                    v(2)
                },
                tag: v(3),
                connection: opt(4),
                registered_user: opt(5),
                ..InventoryItem::available(format!("+1555000{:04}", (i * 37) % 1000))
            }
        })
        .collect();
    store.insert_numbers(&items, "hostile20 seed").unwrap();
    (dir, store)
}

fn queries() -> Vec<NumberQuery> {
    let mut qs = vec![];
    for sort in [
        SortKey::Usage,
        SortKey::Vendor,
        SortKey::Tag,
        SortKey::Connection,
        SortKey::RegisteredUser,
    ] {
        for descending in [false, true] {
            for (status, vendor, text) in [
                (None, None, ""),
                (Some(Status::Used), None, ""),
                (Some(Status::Reserved), None, ""),
                (None, Some("AudioCodes"), ""),
                (None, None, "+15550"),
                (None, None, "5"),
            ] {
                qs.push(NumberQuery {
                    sort,
                    descending,
                    status,
                    vendor: vendor.map(str::to_string),
                    text: text.into(),
                    ..Default::default()
                });
            }
        }
    }
    qs
}

#[test]
fn near_empty_values_list_walk_and_skip_in_the_spelled_out_order() {
    let (_dir, store) = seeded();
    for q in queries() {
        let want = listed_as_spelled_out(&store, &q);
        if want.is_empty() {
            continue;
        }
        assert_eq!(walk_forwards(&store, &q, 7), want, "forwards {q:?}");
        assert_eq!(walk_backwards(&store, &q, 7), want, "backwards {q:?}");
        // Skips from every row over every distance land where the order says.
        for from in 0..want.len() {
            let key = RowKey {
                sort: want[from].0.clone(),
                number: want[from].1.clone(),
            };
            for skip in [0, 1, 3, 9] {
                let at = from + 1 + skip;
                if at < want.len() {
                    let seek = Seek::After {
                        key: key.clone(),
                        index: from,
                        skip,
                    };
                    let w = store.number_window(&q, &seek, 4).unwrap();
                    let end = (at + 4).min(want.len());
                    assert_eq!(
                        window_order(&w),
                        want[at..end],
                        "{q:?} after {from} skip {skip}"
                    );
                }
                if from > skip {
                    let seek = Seek::Before {
                        key: key.clone(),
                        index: from,
                        skip,
                    };
                    let w = store.number_window(&q, &seek, 4).unwrap();
                    let end = from - skip;
                    let start = end.saturating_sub(4);
                    assert_eq!(
                        window_order(&w),
                        want[start..end],
                        "{q:?} before {from} skip {skip}"
                    );
                }
            }
        }
    }
}
