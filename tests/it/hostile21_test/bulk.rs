//! A first sync of 1,500 users into an empty store takes the bulk path
//! (the search index fed once, events written in one go); the same list
//! into a store holding one row takes the ordinary path. With that row
//! added to the first store afterwards, both stores must answer alike:
//! every row, the status counts, every sort both ways, and the searches
//! (trigram substrings, prefixes, user names in any case, tags).

use super::*;
use crate::common::sort_order::{every_sort, listed};
use switchboard::domain::number::Status;
use switchboard::store::number_query::{NumberQuery, SortKey};
use switchboard::store::Store;

const USERS: usize = 1_500;
const EXTRA: &str = "+19990000000";

fn number(i: usize) -> String {
    format!("+1555500{i:04}")
}

fn list() -> Vec<Value> {
    (0..USERS)
        .map(|i| {
            let status = if i % 7 == 0 { "OFFLINE" } else { "REGISTERED" };
            let name = match i % 4 {
                0 => format!("Zo\u{eb} {i}"),
                1 => format!("ARM-user-{i}"),
                2 => format!("\u{4e2d}\u{6587}{i}"),
                _ => String::new(),
            };
            let mut u = json!({
                "id": format!("id-{i}"),
                "userName": name,
                "status": status,
                "lastSeen": format!("2026-11-{:02}T09:{:02}:00Z", 1 + i % 28, i % 60),
            });
            // Some users hold no number.
            if i % 11 != 0 {
                u["phoneNumber"] = json!(number(i));
            }
            u
        })
        .collect()
}

fn add_extra(config: &Path) {
    let out = common::run_at(config, NOW, &["numbers", "add-range", EXTRA, EXTRA]);
    assert!(out.status.success(), "{}", common::text(&out).1);
}

fn counts(store: &Path) -> Vec<(String, Option<String>, i64)> {
    let conn = rusqlite::Connection::open(store).unwrap();
    let mut stmt = conn
        .prepare("SELECT status, connection, n FROM number_counts WHERE n != 0 ORDER BY 1, 2")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn queries() -> Vec<NumberQuery> {
    let mut qs = every_sort();
    for text in [
        "zo\u{eb}",
        "ZO\u{cb} 1",
        "arm-user-11",
        "\u{4e2d}\u{6587}1",
        "+155550001",
        "5550",
        "55",
        "9",
        "id-",
        "lab",
        EXTRA,
    ] {
        for status in [None, Some(Status::Used)] {
            qs.push(NumberQuery {
                status,
                text: text.into(),
                sort: SortKey::RegisteredUser,
                ..Default::default()
            });
        }
    }
    qs
}

/// What the store answers: every query's rows in order, and its counts.
fn answers(path: &Path) -> Vec<String> {
    let store = Store::open(path).unwrap();
    queries()
        .iter()
        .map(|q| {
            let rows: Vec<String> = listed(&store, q).iter().map(|i| format!("{i:?}")).collect();
            let count = store.count_numbers(q).unwrap();
            let quick = store.quick_count(q).unwrap();
            assert_eq!(count, rows.len(), "{q:?}");
            if let Some(n) = quick {
                assert_eq!(n, rows.len(), "quick count {q:?}");
            }
            format!("{q:?}: {count} {}", rows.join("\n"))
        })
        .collect()
}

#[test]
fn a_bulk_first_sync_answers_as_the_ordinary_path_does() {
    let server = arm(Users::new(list()));
    let (_a, bulk_config, bulk_store) = common::lab_at(&server.addr, 500, "");
    sync_ok(&bulk_config, NOW);
    add_extra(&bulk_config);
    let (_b, plain_config, plain_store) = common::lab_at(&server.addr, 500, "");
    add_extra(&plain_config);
    sync_ok(&plain_config, NOW);

    let (bulk, plain) = (numbers(&bulk_store), numbers(&plain_store));
    assert!(bulk.len() > 1_001, "{}", bulk.len());
    assert_eq!(bulk, plain, "the rows differ");
    assert_eq!(counts(&bulk_store), counts(&plain_store), "number_counts");
    let (a, b) = (answers(&bulk_store), answers(&plain_store));
    for (x, y) in a.iter().zip(&b) {
        assert!(
            x == y,
            "bulk vs ordinary:\n{}\n---\n{}",
            &x[..x.len().min(400)],
            &y[..y.len().min(400)]
        );
    }
    // Searches that must find something do.
    assert!(a.iter().any(|s| s.contains("ARM-user-11")));
}
