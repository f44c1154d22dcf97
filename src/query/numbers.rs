//! The inventory as the Numbers tab shows it: windows of rows, the header's
//! counts, a number's detail, and where else each number is seen.

use super::safe;
use super::short_filter::ShortFilter;
use crate::domain::calling_profile::{referenced_numbers, CallingProfile};
use crate::domain::number::{InventoryItem, Status};
use crate::domain::voice_numbers::axp_numbers;
use crate::store::events::NumberEvent;
use crate::store::number_query::{NumberQuery, Seek, TextFilter};
use crate::store::number_window::Window;
use crate::store::{Result, Store};
use chrono::NaiveDate;
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq)]
pub struct NumbersPage {
    pub query: NumberQuery,
    pub window: Window,
    /// The query's count when it was cheap to know; else a `NumbersTotal`
    /// follows.
    pub total: Option<usize>,
    /// Rows of this page that other data refers to: (number, where).
    pub seen_in: Vec<(String, String)>,
}

/// The Numbers header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NumberSummary {
    pub counts: Vec<(Status, usize)>,
    pub releases: Vec<(NaiveDate, usize)>,
}

/// A number, its row, its history, and where else it is seen.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberDetail {
    pub number: String,
    pub item: Option<InventoryItem>,
    pub events: Vec<NumberEvent>,
    pub seen_in: Vec<String>,
}

/// An inventory row as it is shown: the ARM's user name, the tag and the
/// other free text escaped (rows are only shown; actions take the number).
pub fn safe_item(i: InventoryItem) -> InventoryItem {
    InventoryItem {
        usage: safe(i.usage),
        vendor: safe(i.vendor),
        tag: safe(i.tag),
        connection: i.connection.map(safe),
        registered_user: i.registered_user.map(safe),
        ..i
    }
}

/// Numbers other data refers to (stored calling profiles' test numbers
/// and emergency dial strings, AXP elements' DID numbers and AXP phone
/// numbers), recomputed only when the store has changed.
#[derive(Debug, Default)]
pub struct SeenIn {
    data_version: Option<i64>,
    seen_in: Vec<(String, String)>,
}

impl SeenIn {
    /// Every (number, where) pair, as of the store's current data.
    pub fn all(&mut self, store: &Store) -> Result<&[(String, String)]> {
        let version = store.data_version()?;
        if self.data_version != Some(version) {
            let profiles: Vec<CallingProfile> = store
                .remote_items(None, "calling_profile")?
                .into_iter()
                .filter_map(|(_, i)| serde_json::from_value(i.body).ok())
                .collect();
            let mut out = referenced_numbers(&profiles);
            out.extend(axp_numbers(&store.axp_number_items()?));
            self.seen_in = out.into_iter().map(|(n, w)| (n, safe(w))).collect();
            self.data_version = Some(version);
        }
        Ok(&self.seen_in)
    }
}

/// A window of the query's rows (keyset pagination) with the count when
/// it is cheap, and where the rows on it are seen. A substring's rows come
/// from `short`'s copy when it holds the store's data and can answer it
/// (the first page starts loading it).
pub fn page(
    store: &Store,
    seen: &mut SeenIn,
    short: &mut ShortFilter,
    query: NumberQuery,
    seek: &Seek,
    limit: usize,
) -> Result<NumbersPage> {
    let (mut window, total) = short_page(store, short, &query, seek, limit)?;
    window.rows = window.rows.into_iter().map(safe_item).collect();
    short.warm(store)?;
    let on_page: HashSet<&str> = window.rows.iter().map(|r| r.number.as_str()).collect();
    let seen_in = seen
        .all(store)?
        .iter()
        .filter(|(n, _)| on_page.contains(n.as_str()))
        .cloned()
        .collect();
    Ok(NumbersPage {
        seen_in,
        query,
        window,
        total,
    })
}

/// Up to this many matches are counted under a status or vendor filter by
/// id, with the page (the store lists them; more are the follow-up's).
const FEW: usize = 2000;

/// The window and its count, through `short`'s matches when it has them.
fn short_page(
    store: &Store,
    short: &mut ShortFilter,
    query: &NumberQuery,
    seek: &Seek,
    limit: usize,
) -> Result<(Window, Option<usize>)> {
    let matches = match query.text_filter() {
        TextFilter::Short(text) | TextFilter::Trigram(text) => short.matching(store, &text)?,
        _ => None,
    };
    let Some(mut ids) = matches else {
        return Ok((
            store.number_window(query, seek, limit)?,
            store.quick_count(query)?,
        ));
    };
    if !ids.is_sorted() {
        ids.sort_unstable();
    }
    let ids = std::sync::Arc::new(ids);
    let window = store.number_window_among(query, seek, limit, &ids)?;
    let text_only = query.status.is_none() && query.vendor.is_none() && !query.last_sync_conflicts;
    let total = if text_only {
        Some(ids.len())
    } else if ids.len() <= FEW {
        Some(store.count_among(query, &ids)?)
    } else {
        // Counting many under another filter takes a scan: the follow-up's.
        None
    };
    Ok((window, total))
}

/// Counts per status and releases per day for the next 14 days.
pub fn summary(store: &Store) -> Result<NumberSummary> {
    Ok(NumberSummary {
        counts: store.status_counts()?,
        releases: store.releases_per_day(crate::clock::today(), 14)?,
    })
}

/// One number: its row, its last 50 events and where else it is seen.
pub fn detail(store: &Store, seen: &mut SeenIn, number: &str) -> Result<NumberDetail> {
    let seen_in = seen
        .all(store)?
        .iter()
        .filter(|(n, _)| n == number)
        .map(|(_, w)| w.clone())
        .collect();
    Ok(NumberDetail {
        number: number.to_string(),
        item: store.number(number)?.map(safe_item),
        events: store
            .number_events(number, 50)?
            .into_iter()
            .map(|e| NumberEvent {
                cause: safe(e.cause),
                detail: safe(e.detail),
                ..e
            })
            .collect(),
        seen_in,
    })
}
