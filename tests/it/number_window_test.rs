//! Keyset windows against a real store file: for every sort, direction and
//! kind of filter, walking the windows forwards and backwards gives exactly
//! the rows of a plain full query, and the counts agree. 12,000 rows, so
//! both the "narrow" (index first) and "dense" (scan the sort) plans run.

use crate::common::sort_order::{every_sort, numbers_of, walk_backwards, walk_forwards};
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::sim::inventory::synthetic_item;
use switchboard::store::number_query::{NumberQuery, Seek, SortKey};
use switchboard::store::number_window::{Window, NARROW};
use switchboard::store::Store;
use switchboard::tui::data::{DataRequest, NumbersPage};
use switchboard::tui::numbers_state::NumbersState;

const ROWS: u64 = 12_000;

fn seeded() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let seen = today.and_hms_opt(9, 0, 0).unwrap().and_utc();
    let items: Vec<InventoryItem> = (0..ROWS)
        .map(|i| synthetic_item(15_550_000_000, i, today, seen))
        .collect();
    store.insert_numbers(&items, "test seed").unwrap();
    (dir, store)
}

/// Every row of the query, in order, by the plain streaming query.
fn all(store: &Store, q: &NumberQuery) -> Vec<String> {
    let mut out = vec![];
    store
        .for_each_number(q, |i| {
            out.push(i.number.clone());
            Ok(())
        })
        .unwrap();
    out
}

fn numbers(w: &Window) -> Vec<String> {
    w.rows.iter().map(|r| r.number.clone()).collect()
}

fn walk_forward(store: &Store, q: &NumberQuery, limit: usize) -> Vec<String> {
    numbers_of(walk_forwards(store, q, limit))
}

fn walk_backward(store: &Store, q: &NumberQuery, limit: usize) -> Vec<String> {
    numbers_of(walk_backwards(store, q, limit))
}

fn queries() -> Vec<NumberQuery> {
    let mut qs = every_sort();
    let filtered = [
        (Some(Status::Used), ""),         // common status: the sort index scans
        (Some(Status::Reserved), ""),     // rare status: its index, then sort
        (None, "+155500001"),             // narrow number prefix
        (None, "+1555"),                  // every row
        (None, "user-000004"),            // narrow substring (trigram index)
        (None, "555"),                    // dense substring: scan the sort
        (None, "7"),                      // too short for trigrams
        (Some(Status::Cooling), "ARM-1"), // case-insensitive, with a status
        (None, "customer 3"),             // in a tag
    ];
    for (status, text) in filtered {
        for sort in [SortKey::Number, SortKey::Tag, SortKey::ReleaseDate] {
            qs.push(NumberQuery {
                status,
                text: text.into(),
                sort,
                descending: sort == SortKey::Tag,
                ..Default::default()
            });
        }
    }
    qs
}

#[test]
fn windows_walked_both_ways_are_the_full_query_and_counts_agree() {
    let (_dir, store) = seeded();
    for q in queries() {
        let expected = all(&store, &q);
        assert_eq!(walk_forward(&store, &q, 1_000), expected, "forward {q:?}");
        assert_eq!(walk_backward(&store, &q, 997), expected, "backward {q:?}");
        assert_eq!(store.count_numbers(&q).unwrap(), expected.len(), "{q:?}");
        if let Some(n) = store.quick_count(&q).unwrap() {
            assert_eq!(n, expected.len(), "quick count {q:?}");
        }
    }
}

#[test]
fn the_filters_mean_what_they_say_and_both_plans_run() {
    let (_dir, store) = seeded();
    let q = |text: &str| NumberQuery {
        text: text.into(),
        ..Default::default()
    };
    let prefix = all(&store, &q("+155500001"));
    assert_eq!(prefix.len(), 100);
    assert!(prefix.iter().all(|n| n.starts_with("+155500001")));
    let used = NumberQuery {
        status: Some(Status::Used),
        ..Default::default()
    };
    let some = store.number_window(&used, &Seek::First, 1).unwrap().rows[0].clone();
    let user = some.registered_user.clone().unwrap().to_uppercase();
    assert_eq!(all(&store, &q(&user)), [some.number]);
    let dense = store.count_numbers(&q("555")).unwrap();
    assert_eq!(dense as u64, ROWS);
    assert!(dense > NARROW, "the dense plan ran");
    // Substring counts come later (they can take a scan); a prefix's now.
    assert_eq!(store.quick_count(&q("user-000004")).unwrap(), None);
    assert_eq!(store.quick_count(&q("+155500001")).unwrap(), Some(100));
    // A quote or a wildcard is a character like any other.
    assert!(all(&store, &q("5\"5")).is_empty());
    assert!(all(&store, &q("5%5")).is_empty());
}

/// The filter's meaning, spelled out in Rust over every row: the text in
/// the number, the registered user or a hand-written tag (not VOSS's
/// generated cooling tag), ASCII letters in either case.
fn matches_by_hand(item: &InventoryItem, text: &str) -> bool {
    let has = |s: &str| s.to_ascii_lowercase().contains(&text.to_ascii_lowercase());
    let generated = item
        .tag
        .starts_with("Registered user is either offline or deleted, release date ");
    has(&item.number)
        || item.registered_user.as_deref().is_some_and(has)
        || (!generated && has(&item.tag))
}

#[test]
fn short_and_long_substrings_find_exactly_the_rows_that_hold_them() {
    let (_dir, mut store) = seeded();
    // A hand tag with words the cooling tag also has: it is found, the
    // cooling tags are not.
    let mut tagged = store.number("+15550000007").unwrap().unwrap();
    tagged.tag = "Offline shelf".into();
    store.insert_numbers(&[tagged], "test edit").unwrap();
    let mut every = vec![];
    store
        .for_each_number(&NumberQuery::default(), |i| {
            every.push(i.clone());
            Ok(())
        })
        .unwrap();
    assert!(every.iter().any(|i| i.tag.starts_with("Registered user")));
    for text in [
        "of",
        "OF",
        "re",
        "q",
        "5",
        "us",
        "E",
        "@",
        "offline",
        "customer 3",
    ] {
        let expected: Vec<String> = every
            .iter()
            .filter(|i| matches_by_hand(i, text))
            .map(|i| i.number.clone())
            .collect();
        let q = NumberQuery {
            text: text.into(),
            ..Default::default()
        };
        assert_eq!(walk_forward(&store, &q, 1_000), expected, "{text:?}");
        assert_eq!(store.count_numbers(&q).unwrap(), expected.len(), "{text:?}");
    }
}

#[test]
fn a_substring_found_by_the_trigram_index_still_follows_the_substring_rule() {
    // The trigram index folds non-ASCII case; the rule (SQL's LIKE) folds
    // ASCII only: "ÄBÇ" finds its own spelling and not "äbç".
    let (_dir, mut store) = seeded();
    let mut upper = store.number("+15550000007").unwrap().unwrap();
    upper.tag = "ÄBÇ shelf".into();
    let mut lower = store.number("+15550000008").unwrap().unwrap();
    lower.tag = "äbç shelf".into();
    store.insert_numbers(&[upper, lower], "test edit").unwrap();
    let q = NumberQuery {
        text: "ÄBÇ".into(),
        ..Default::default()
    };
    assert_eq!(walk_forward(&store, &q, 1_000), vec!["+15550000007"]);
    assert_eq!(store.count_numbers(&q).unwrap(), 1);
}

#[test]
fn a_skip_lands_where_the_full_query_says() {
    let (_dir, store) = seeded();
    let q = NumberQuery {
        sort: SortKey::RegisteredUser,
        ..Default::default()
    };
    let expected = all(&store, &q);
    let first = store.number_window(&q, &Seek::First, 50).unwrap();
    let after = Seek::After {
        key: first.keys[49].clone(),
        index: 49,
        skip: 4_000,
    };
    let w = store.number_window(&q, &after, 30).unwrap();
    assert_eq!(w.offset, 4_050);
    assert_eq!(numbers(&w), expected[4_050..4_080]);
    let before = Seek::Before {
        key: w.keys[0].clone(),
        index: w.offset,
        skip: 1_000,
    };
    let b = store.number_window(&q, &before, 30).unwrap();
    assert_eq!(b.offset, 3_020);
    assert_eq!(numbers(&b), expected[3_020..3_050]);
}

#[test]
fn counters_and_the_trigram_index_follow_every_write() {
    let (_dir, mut store) = seeded();
    let group_by = |s: &Store| -> Vec<(Status, usize)> {
        Status::ALL
            .iter()
            .map(|st| {
                let q = NumberQuery {
                    status: Some(*st),
                    ..Default::default()
                };
                (*st, all(s, &q).len())
            })
            .collect()
    };
    assert_eq!(store.status_counts().unwrap(), group_by(&store));
    // The sweep releases the cooling numbers that are due: counts move.
    let released = store
        .sweep(chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
        .unwrap();
    assert!(released > 0);
    assert_eq!(store.status_counts().unwrap(), group_by(&store));
    // A re-tag replaces the old words in the index with the new.
    let q = |text: &str| NumberQuery {
        text: text.into(),
        ..Default::default()
    };
    let tagged = all(&store, &q("held for customer 5"));
    assert!(!tagged.is_empty());
    let mut item = store.number(&tagged[0]).unwrap().unwrap();
    item.tag = "moved to the zebra pool".into();
    store.insert_numbers(&[item], "test edit").unwrap();
    assert_eq!(all(&store, &q("zebra")), [tagged[0].clone()]);
    assert_eq!(
        all(&store, &q("held for customer 5")).len(),
        tagged.len() - 1
    );
    assert_eq!(store.status_counts().unwrap(), group_by(&store));
}

/// Answers the screen's requests from the store, as the reader thread does.
fn answer(store: &Store, state: &mut NumbersState, req: DataRequest, viewport: usize) {
    let mut next = Some(req);
    while let Some(DataRequest::Numbers { query, seek, limit }) = next.take() {
        let window = store.number_window(&query, &seek, limit).unwrap();
        let total = store.quick_count(&query).unwrap();
        next = state.on_page(
            NumbersPage {
                query,
                window,
                total,
                seen_in: vec![],
            },
            viewport,
        );
    }
}

#[test]
fn the_screen_state_always_holds_the_rows_it_shows() {
    let (_dir, store) = seeded();
    let viewport = 40;
    for query in [
        NumberQuery::default(),
        NumberQuery {
            sort: SortKey::LastSeen,
            descending: true,
            text: "555".into(), // counted later: the cursor may run ahead
            ..Default::default()
        },
    ] {
        let expected = all(&store, &query);
        let mut state = NumbersState {
            query: query.clone(),
            ..Default::default()
        };
        let first = state.restart(viewport);
        answer(&store, &mut state, first, viewport);
        assert!(
            !state.waiting(viewport),
            "{query:?}: the first window fills the screen"
        );
        // Down in steps, pages, a jump to the end, back up, and to the top.
        // (down by, up by); usize::MAX down is `G`, up is `g`.
        let moves: [(usize, usize); 8] = [
            (1, 0),
            (39, 0),
            (400, 0),
            (usize::MAX, 0),
            (0, 1),
            (0, 40),
            (0, 5_000),
            (0, usize::MAX),
        ];
        for (step, (down, up)) in moves.into_iter().enumerate() {
            for _ in 0..3 {
                let target = state.cursor.saturating_add(down).saturating_sub(up);
                let req = if down == usize::MAX {
                    state.go_last(viewport)
                } else {
                    state.cursor = target.min(state.extent().saturating_sub(1));
                    state.follow_cursor(viewport);
                    state.load(viewport)
                };
                if let Some(req) = req {
                    answer(&store, &mut state, req, viewport);
                }
                assert!(
                    !state.waiting(viewport),
                    "{query:?} step {step}: rows on hand"
                );
                let end = (state.scroll + viewport).min(state.extent());
                for (i, want) in expected.iter().enumerate().take(end).skip(state.scroll) {
                    assert_eq!(
                        state.row(i).map(|r| r.number.as_str()),
                        Some(want.as_str()),
                        "{query:?} step {step}: row {i}"
                    );
                }
            }
        }
        assert_eq!(state.cursor, 0);
    }
}
