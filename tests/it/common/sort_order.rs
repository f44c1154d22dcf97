//! The Numbers order spelled out in Rust, for tests of the store's sorts:
//! a row's sort value (empty for none, NULL and '' alike), every row of a
//! query as the store lists it, and the order the query must give.

use switchboard::clock;
use switchboard::domain::number::InventoryItem;
use switchboard::store::number_query::{NumberQuery, SortKey};
use switchboard::store::Store;

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
pub fn expected_order(store: &Store, q: &NumberQuery) -> Vec<(String, String)> {
    let by_number = NumberQuery {
        sort: SortKey::Number,
        descending: false,
        ..q.clone()
    };
    let mut rows: Vec<(String, String)> = listed(store, &by_number)
        .iter()
        .map(|i| (sort_value(i, q.sort), i.number.clone()))
        .collect();
    rows.sort();
    if q.descending {
        rows.reverse();
    }
    rows
}
