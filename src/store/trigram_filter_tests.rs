//! A substring filter answers from the trigram index exactly what a plain
//! LIKE scan of the rows answers: the index (row ids only, looked up as
//! the AND of the substring's trigrams) finds every matching row and maybe
//! a few more, and the LIKE rule that follows drops those.

use super::bulk_load::BULK_MIN_ROWS;
use super::number_query::{substring_condition, NumberQuery, Seek, SortKey, TextFilter};
use super::Store;
use crate::domain::cooling::cooling_tag;
use crate::domain::number::{InventoryItem, Status};
use chrono::NaiveDate;

/// More rows than the window's first bounded scan looks at (20,000), so
/// that a rare substring's window is answered through the index.
const FILLER: usize = 20_500;

/// Rows whose user or hand tag holds what the filters below look for:
/// repeated trigrams, trigrams that occur apart (or in two columns) but
/// never as the substring, quotes, LIKE's wildcards, non-ASCII text.
const TEXTS: [(&str, &str); 14] = [
    ("user-555-1212", ""),
    ("Zoë Ångström", "desk 5555"),
    ("O\"Brien", "it's \"quoted\""),
    ("121x212", "abc-bcd"),
    ("abcx", "xbcd"),
    ("", "100%_off \\ back"),
    ("ZOË", "ZOË's desk"),
    ("mary@example.com", "front 1212"),
    ("", "Registered users only"),
    ("émile", "ÉMILE"),
    ("ann", "nn-ann"),
    ("x\"\"y", "5 5 5"),
    ("user-0001", ""),
    ("", "1221 2112"),
];

/// Substrings of three characters or more, some matching across the
/// number, user and tag columns, some only as separate trigrams.
const FILTERS: [&str; 30] = [
    "555",
    "5555",
    "1212",
    "2121",
    "121",
    "abcd",
    "bcd",
    "o\"b",
    "\"quo",
    "it's",
    "x\"\"",
    "\"\"y",
    "zoë",
    "ZOË",
    "ångs",
    "ÉMI",
    "émile",
    "%_o",
    "0%_",
    "\\ b",
    "5 5",
    "Registered",
    "release date",
    "example.com",
    "user-",
    "ann",
    "n-ann",
    "99000",
    "+1999",
    "55500020",
];

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

/// Filler numbers first (no user, no tag), then the rows of [`TEXTS`], a
/// few cooling (VOSS's tag, which is never searched) and a few Used.
fn items() -> Vec<InventoryItem> {
    let mut out: Vec<InventoryItem> = (0..FILLER)
        .map(|i| InventoryItem::available(format!("+1555{i:07}")))
        .collect();
    for (i, (user, tag)) in TEXTS.iter().enumerate() {
        let mut item = InventoryItem::available(format!("+1999{:07}", i * 1212));
        item.registered_user = (!user.is_empty()).then(|| (*user).to_string());
        item.tag = (*tag).to_string();
        match i % 3 {
            0 => {
                item.status = Status::Cooling;
                item.tag = cooling_tag(day(), 30);
                item.release_date = Some(day() + chrono::Days::new(30));
            }
            1 => item.status = Status::Used,
            _ => {}
        }
        out.push(item);
    }
    out
}

/// The numbers a plain LIKE scan finds (the substring rule, no index), in
/// number order.
fn like_scan(store: &Store, text: &str) -> Vec<String> {
    let sql = format!(
        "SELECT number FROM numbers WHERE {} ORDER BY number",
        substring_condition(1)
    );
    let mut stmt = store.conn.prepare(&sql).unwrap();
    let rows = stmt
        .query_map([TextFilter::like_pattern(text)], |r| r.get(0))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// The numbers the trigram index offers for `text`, in number order.
fn candidates(store: &Store, text: &str) -> Vec<String> {
    let mut stmt = store
        .conn
        .prepare(
            "SELECT number FROM numbers WHERE id IN
             (SELECT rowid FROM numbers_fts WHERE numbers_fts MATCH ?1) ORDER BY number",
        )
        .unwrap();
    let rows = stmt
        .query_map([TextFilter::fts_query(text)], |r| r.get(0))
        .unwrap();
    rows.map(Result::unwrap).collect()
}

/// Every row of the query, window after window of `limit`, as the Numbers
/// tab pages through them.
fn paged(store: &Store, q: &NumberQuery, limit: usize) -> Vec<String> {
    let mut out = vec![];
    let mut seek = Seek::First;
    loop {
        let w = store.number_window(q, &seek, limit).unwrap();
        out.extend(w.rows.iter().map(|r| r.number.clone()));
        if w.at_end || w.rows.is_empty() {
            return out;
        }
        seek = Seek::After {
            key: w.keys.last().unwrap().clone(),
            index: w.offset + w.rows.len() - 1,
            skip: 0,
        };
    }
}

/// What the index answers for every filter equals the LIKE scan: the
/// candidates hold every match, the count and every window are exact.
fn assert_like_scan(store: &Store) {
    let mut wider = 0;
    for text in FILTERS {
        let like = like_scan(store, text);
        let offered = candidates(store, text);
        assert!(
            like.iter().all(|n| offered.contains(n)),
            "{text:?}: the index misses {like:?} (offers {offered:?})"
        );
        wider += usize::from(offered.len() > like.len());
        let q = NumberQuery {
            text: text.into(),
            ..NumberQuery::default()
        };
        assert_eq!(store.count_numbers(&q).unwrap(), like.len(), "{text:?}");
        for (sort, descending, status) in [
            (SortKey::Number, false, None),
            (SortKey::RegisteredUser, false, None),
            (SortKey::Tag, true, None),
            (SortKey::Number, true, Some(Status::Used)),
        ] {
            let q = NumberQuery {
                text: text.into(),
                sort,
                descending,
                status,
                ..NumberQuery::default()
            };
            let mut scanned = vec![];
            store
                .for_each_number(&q, |i| {
                    scanned.push(i.number.clone());
                    Ok(())
                })
                .unwrap();
            if status.is_none() {
                let mut sorted = scanned.clone();
                sorted.sort();
                assert_eq!(sorted, like, "{q:?}");
            }
            // A few windows for a common substring, many for a rare one.
            let limit = (scanned.len() / 4).max(3);
            assert_eq!(paged(store, &q, limit), scanned, "{q:?}");
        }
    }
    // Some filters' trigrams occur apart: the LIKE rule did the narrowing.
    assert!(wider >= 3, "only {wider} filters had extra candidates");
}

#[test]
fn substring_filters_answer_what_a_like_scan_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let all = items();
    assert!(all.len() > BULK_MIN_ROWS);
    // In bulk (the index refilled once), then row by row: every user and
    // hand tag rewritten (the update trigger's delete and insert).
    store.insert_numbers(&all, "seed").unwrap();
    assert_like_scan(&store);
    let rewritten: Vec<InventoryItem> = all[FILLER..]
        .iter()
        .rev()
        .map(|i| InventoryItem {
            registered_user: i.tag.get(..3).map(|t| format!("{t}.{}", i.number)),
            tag: i.registered_user.clone().unwrap_or_default(),
            ..i.clone()
        })
        .collect();
    store.insert_numbers(&rewritten, "seed").unwrap();
    store
        .conn
        .execute(
            "INSERT INTO numbers_fts(numbers_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap();
    assert_like_scan(&store);
}
