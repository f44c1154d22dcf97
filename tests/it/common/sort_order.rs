//! The Numbers order spelled out in Rust, for tests of the store's sorts:
//! a row's sort value (empty for none, NULL and '' alike), every row of a
//! query as the store lists it, and the order the query must give.

use switchboard::clock;
use switchboard::domain::number::InventoryItem;
use switchboard::store::number_query::{NumberQuery, Seek, SortKey};
use switchboard::store::number_window::Window;
use switchboard::store::Store;

/// Rows as (sort value, number), in the order a query gives them.
pub type Order = Vec<(String, String)>;

/// A row's sort value as the tab orders it: empty for none.
pub fn sort_value(item: &InventoryItem, sort: SortKey) -> String {
    let or_empty = |v: Option<String>| v.unwrap_or_default();
    match sort {
        SortKey::Number => item.number.clone(),
        SortKey::Status => item.status.as_str().to_string(),
        SortKey::Usage => item.usage.clone(),
        SortKey::Vendor => item.vendor.clone(),
        SortKey::ReleaseDate => or_empty(item.release_date.map(|d| d.to_string())),
        SortKey::Tag => item.tag.clone(),
        SortKey::Connection => or_empty(item.connection.clone()),
        SortKey::RegisteredUser => or_empty(item.registered_user.clone()),
        SortKey::LastSeen => or_empty(item.last_seen.map(clock::stamp)),
    }
}

/// Every row of the query, as the store lists it.
pub fn listed(store: &Store, q: &NumberQuery) -> Vec<InventoryItem> {
    let mut out = vec![];
    store
        .for_each_number(q, |i| {
            out.push(i.clone());
            Ok(())
        })
        .unwrap();
    out
}

/// The query's rows as (sort value, number) in the order it must give,
/// sorted here from its rows in number order (a sort with a full index).
pub fn expected_order(store: &Store, q: &NumberQuery) -> Order {
    let by_number = NumberQuery {
        sort: SortKey::Number,
        descending: false,
        ..q.clone()
    };
    let mut rows: Order = listed(store, &by_number)
        .iter()
        .map(|i| (sort_value(i, q.sort), i.number.clone()))
        .collect();
    rows.sort();
    if q.descending {
        rows.reverse();
    }
    rows
}

/// The query's order as spelled out here ([`expected_order`]), after
/// checking that the store lists its rows in that order.
pub fn listed_as_spelled_out(store: &Store, q: &NumberQuery) -> Order {
    let want = expected_order(store, q);
    let got: Order = listed(store, q)
        .iter()
        .map(|i| (sort_value(i, q.sort), i.number.clone()))
        .collect();
    assert_eq!(got, want, "listing {q:?}");
    want
}

/// A window's rows as (sort value, number), from its keys (each checked
/// to be its row's).
pub fn window_order(w: &Window) -> Order {
    assert_eq!(w.rows.len(), w.keys.len());
    w.rows
        .iter()
        .zip(&w.keys)
        .map(|(r, k)| {
            assert_eq!(r.number, k.number, "a key is its row's");
            (k.sort.clone(), k.number.clone())
        })
        .collect()
}

/// The query's rows walked forwards from the first window, `size` rows a
/// window; the offsets must follow on.
pub fn walk_forwards(store: &Store, q: &NumberQuery, size: usize) -> Order {
    let mut w = store.number_window(q, &Seek::First, size).unwrap();
    let mut out = window_order(&w);
    while !w.at_end {
        let last = w.rows.len() - 1;
        let seek = Seek::After {
            key: w.keys[last].clone(),
            index: w.offset + last,
            skip: 0,
        };
        w = store.number_window(q, &seek, size).unwrap();
        assert_eq!(w.offset, out.len(), "{q:?}: offsets follow on");
        out.extend(window_order(&w));
    }
    out
}

/// The query's rows walked backwards from the last window, `size` rows a
/// window; the last window must end at the query's count.
pub fn walk_backwards(store: &Store, q: &NumberQuery, size: usize) -> Order {
    let mut w = store.number_window(q, &Seek::Last, size).unwrap();
    let total = store.count_numbers(q).unwrap();
    assert_eq!(
        w.offset + w.rows.len(),
        total,
        "{q:?}: the last window ends at the count"
    );
    let mut out = window_order(&w);
    while !w.at_start {
        let seek = Seek::Before {
            key: w.keys[0].clone(),
            index: w.offset,
            skip: 0,
        };
        w = store.number_window(q, &seek, size).unwrap();
        let mut earlier = window_order(&w);
        earlier.extend(out);
        out = earlier;
    }
    out
}

/// The numbers of an order.
pub fn numbers_of(order: Order) -> Vec<String> {
    order.into_iter().map(|(_, n)| n).collect()
}

/// Every sort order, each way, with no filter.
pub fn every_sort() -> Vec<NumberQuery> {
    SortKey::ALL
        .into_iter()
        .flat_map(|sort| {
            [false, true].map(|descending| NumberQuery {
                sort,
                descending,
                ..Default::default()
            })
        })
        .collect()
}
