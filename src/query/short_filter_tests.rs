//! The copy answers exactly as the store's LIKE rule does, on hostile
//! values, and never once the store has changed under it.

use super::*;
use crate::domain::cooling::cooling_tag;
use crate::domain::number::{InventoryItem, Status};
use crate::query::numbers::{page, SeenIn};
use crate::store::number_query::{NumberQuery, Seek, SortKey, TextFilter};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Users, numbers and tags that LIKE's rules trip on: wildcards, the
/// escape, case outside ASCII, NUL (LIKE stops there), VOSS's cooling tag.
fn hostile_items(n: usize) -> Vec<InventoryItem> {
    let users = [
        Some("Ann_%Smith"),
        Some("back\\slash"),
        Some("ÄBÇ dëf"),
        Some("äbç DËF"),
        Some("ǅungla"),
        Some("bo\0ab"),
        Some("MiXeD-Case@Example.COM"),
        None,
        Some(""),
        Some("x"),
    ];
    let tags = [
        "held for customer 7",
        "",
        "50%_off",
        "CAFÉ",
        "café",
        "tab\there",
        "cut\0hidden",
        "__",
    ];
    let numbers = ["+15550001", "+1AB2", "+1ab%", "+1_x", "1234", "+44\0zz"];
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    (0..n)
        .map(|i| {
            let base = numbers[i % numbers.len()];
            let tag = if i % 9 == 4 {
                // The cooling tag holds letters a filter could otherwise find.
                cooling_tag(today, 2)
            } else {
                tags[i % tags.len()].to_string()
            };
            InventoryItem {
                registered_user: users[i % users.len()].map(str::to_string),
                tag,
                status: if i % 2 == 0 {
                    Status::Available
                } else {
                    Status::Reserved
                },
                ..InventoryItem::available(format!("{base}{i:04}"))
            }
        })
        .collect()
}

/// Every needle of one and two characters from an alphabet of trouble.
fn needles() -> Vec<String> {
    let alphabet = [
        "a", "B", "%", "_", "\\", "ä", "Ä", "é", "É", "ǅ", "ǆ", "1", "+", " ", "-", "x", "z", "d",
        "h", "@", "\t", "\0", "o", "E", "r",
    ];
    let mut out: Vec<String> = alphabet.iter().map(|s| s.to_string()).collect();
    for a in alphabet {
        for b in alphabet {
            out.push(format!("{a}{b}"));
        }
    }
    out
}

fn store_with(items: &[InventoryItem]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    store.insert_numbers(items, "test seed").unwrap();
    (dir, store)
}

/// The numbers the store's own rule finds.
fn by_sql(store: &Store, text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let q = NumberQuery {
        text: text.into(),
        ..Default::default()
    };
    store
        .for_each_number(&q, |i| {
            out.insert(i.number.clone());
            Ok(())
        })
        .unwrap();
    out
}

fn numbers_of(store: &Store, ids: &[i64]) -> BTreeSet<String> {
    ids.iter()
        .map(|id| {
            store
                .conn
                .query_row("SELECT number FROM numbers WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap()
        })
        .collect()
}

/// Waits (polling, as the reader does on each request) for the copy of
/// the store's current data.
fn ready(short: &mut ShortFilter, store: &Store) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while short.matching(store, "q").unwrap().is_none() {
        assert!(Instant::now() < deadline, "the copy never loaded");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn the_copy_finds_what_like_finds_on_hostile_values() {
    let (_dir, store) = store_with(&hostile_items(60));
    let mut short = ShortFilter::default();
    ready(&mut short, &store);
    let mut answered = 0;
    for needle in needles() {
        let TextFilter::Short(text) = TextFilter::parse(&needle) else {
            continue;
        };
        let Some(ids) = short.matching(&store, &text).unwrap() else {
            assert!(!answers(&text), "{text:?} could be answered");
            continue;
        };
        answered += 1;
        assert_eq!(
            numbers_of(&store, &ids),
            by_sql(&store, &text),
            "needle {text:?}"
        );
    }
    assert!(answered > 500, "only {answered} needles answered");
}

#[test]
fn pages_through_the_copy_are_the_stores_pages() {
    // Enough rows that common letters match more than the store lists by
    // id (it marks them in a function instead).
    let (_dir, store) = store_with(&hostile_items(5000));
    let mut short = ShortFilter::default();
    ready(&mut short, &store);
    let mut seen = SeenIn::default();
    for text in ["a", "É", "%", "_x", "ab", "q", "d", "x", "ǅ"] {
        for sort in [SortKey::Number, SortKey::Tag, SortKey::RegisteredUser] {
            for (status, descending) in [(None, false), (Some(Status::Reserved), true)] {
                let q = NumberQuery {
                    text: text.into(),
                    sort,
                    descending,
                    status,
                    ..Default::default()
                };
                for seek in [Seek::First, Seek::Last] {
                    let got = page(&store, &mut seen, &mut short, q.clone(), &seek, 4).unwrap();
                    let want = store.number_window(&q, &seek, 4).unwrap();
                    let got_rows: Vec<&str> =
                        got.window.rows.iter().map(|r| r.number.as_str()).collect();
                    let want_rows: Vec<&str> =
                        want.rows.iter().map(|r| r.number.as_str()).collect();
                    assert_eq!(got_rows, want_rows, "{q:?} {seek:?}");
                    assert_eq!(got.window.offset, want.offset, "{q:?} {seek:?}");
                    assert_eq!(got.window.keys, want.keys, "{q:?} {seek:?}");
                    // Many matches under a status are the follow-up's count.
                    if status.is_none() || got.total.is_some() {
                        let count = store.count_numbers(&q).unwrap();
                        assert_eq!(got.total, Some(count), "{q:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_copy_of_older_data_is_not_used_and_a_fresh_one_is_loaded() {
    let (dir, mut store) = store_with(&hostile_items(60));
    let mut short = ShortFilter::default();
    ready(&mut short, &store);
    assert_eq!(short.matching(&store, "qz").unwrap(), Some(vec![]));

    // A write on this connection.
    let added = InventoryItem {
        registered_user: Some("QZ here".into()),
        ..InventoryItem::available("+19990001")
    };
    store.insert_numbers(&[added], "test").unwrap();
    assert_eq!(
        short.matching(&store, "qz").unwrap(),
        None,
        "stale copy used"
    );
    ready(&mut short, &store);
    let ids = short.matching(&store, "qz").unwrap().unwrap();
    assert_eq!(numbers_of(&store, &ids), by_sql(&store, "qz"));
    assert_eq!(ids.len(), 1);

    // A write by another connection.
    let mut other = Store::open(&dir.path().join("s.db")).unwrap();
    let tagged = InventoryItem {
        tag: "qz again".into(),
        ..InventoryItem::available("+19990002")
    };
    other.insert_numbers(&[tagged], "test").unwrap();
    assert_eq!(
        short.matching(&store, "qz").unwrap(),
        None,
        "stale copy used"
    );
    ready(&mut short, &store);
    let ids = short.matching(&store, "qz").unwrap().unwrap();
    assert_eq!(ids.len(), 2);
    assert_eq!(numbers_of(&store, &ids), by_sql(&store, "qz"));
}

#[test]
fn plain_numbers_are_left_out_and_digits_left_to_the_store() {
    assert!(!answers("1"));
    assert!(!answers("+5"));
    assert!(!answers("a\0"));
    assert!(answers("1a"));
    let mut texts = NumberTexts::default();
    for (id, number, user) in [
        (1, "+1555", None),
        (2, "+1x55", None),
        (3, "+1", Some("Ab")),
    ] {
        assert!(texts.push(&NumberText {
            id,
            registered_user: user,
            number,
            hand_tag: "",
        }));
    }
    assert_eq!(texts.text, b"+1x55\0ab\0");
    assert_eq!(texts.ids, [2, 3]);
    assert_eq!(texts.matching("X"), [2]);
    assert_eq!(texts.matching("5a"), Vec::<i64>::new());
}
