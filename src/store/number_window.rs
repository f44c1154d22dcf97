//! Windows of the inventory and their counts, answered from indexes and
//! counters, so that a million rows cost what a hundred do.

use super::number_query::{
    Among, Conditions, NumberQuery, Plan, RowKey, Seek, SortKey, TextFilter,
};
use super::number_stretch::Stretch;
use super::numbers::{from_row, COLUMNS};
use super::{Result, Store};
use crate::domain::number::{InventoryItem, Status};
use rusqlite::functions::FunctionFlags;
use rusqlite::OptionalExtension;
use std::sync::Arc;

/// Below this many matches a filter is "narrow": its rows are fetched first
/// and sorted (cheap). Above it, matches are dense enough that scanning the
/// sort index finds a window's worth quickly.
pub const NARROW: usize = 5000;

/// How many rows of the sort's order a substring of three characters or
/// more is tested on before the trigram index is asked instead (a few
/// milliseconds of scanning).
const SCAN_BOUND: usize = 20_000;

/// Up to this many trigram matches are fetched and sorted (tens of
/// milliseconds); more, spread thinly, are found faster by the sort's scan.
const TRIGRAM_FIRST_MAX: usize = 50_000;

/// Up to this many known matches are fetched by id and sorted (about 20 ms
/// for 40,000 at a million rows); more are found by scanning the sort's
/// index, which costs up to 75 ms when they lie far down its order.
const LISTED_MAX: usize = 50_000;

fn seek_skip(seek: &Seek) -> usize {
    match seek {
        Seek::After { skip, .. } | Seek::Before { skip, .. } => *skip,
        _ => 0,
    }
}

/// Rows `offset..offset + rows.len()` of a query's order, with their keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Window {
    pub offset: usize,
    pub rows: Vec<InventoryItem>,
    pub keys: Vec<RowKey>,
    /// No row comes before the first one (or after the last one).
    pub at_start: bool,
    pub at_end: bool,
}

impl Store {
    /// Count of numbers per status, from the counters the triggers keep.
    pub fn status_counts(&self) -> Result<Vec<(Status, usize)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT status, SUM(n) FROM number_counts GROUP BY status")?;
        let mut out: Vec<(Status, usize)> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (s, n) = row?;
            if let Some(slot) =
                Status::parse(&s).and_then(|st| out.iter_mut().find(|(k, _)| *k == st))
            {
                // A counter below zero would be a trigger's bug: show none.
                slot.1 = usize::try_from(n).unwrap_or(0);
            }
        }
        Ok(out)
    }

    fn status_count(&self, status: Option<Status>) -> Result<usize> {
        Ok(self
            .status_counts()?
            .into_iter()
            .filter(|(s, _)| status.is_none_or(|want| want == *s))
            .map(|(_, n)| n)
            .sum())
    }

    /// Matches of a count query, stopping after `cap + 1`.
    fn capped(&self, from_where: &str, args: &[String], cap: usize) -> Result<usize> {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 {from_where} LIMIT {})",
            cap + 1
        );
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(args), |r| r.get(0))?)
    }

    /// Whether a status filter should leave its index alone, so the sort's
    /// index drives the scan (the status is common: matches come early).
    fn status_by_scan(&self, q: &NumberQuery) -> Result<bool> {
        Ok(match q.status {
            Some(s) if !matches!(q.sort, SortKey::Number | SortKey::Status) => {
                self.status_count(Some(s))? >= NARROW
            }
            _ => false,
        })
    }

    /// Picks the indexes for a query: the status's or the sort's (by the
    /// counters), the number range's or the sort's (by a capped probe), and
    /// for a substring, the trigram index (unless `scanning`) when it holds
    /// few enough matches to sort.
    fn plan(&self, q: &NumberQuery, scanning: bool) -> Result<Plan<'static>> {
        let prefix_by_scan = match q.text_filter() {
            TextFilter::Prefix { low, high } if q.sort != SortKey::Number => {
                let n = self.capped(
                    "FROM numbers WHERE number >= ?1 AND number < ?2",
                    &[low, high],
                    NARROW,
                )?;
                n > NARROW
            }
            _ => false,
        };
        let trigram_first = match q.text_filter() {
            TextFilter::Trigram(t) if !scanning => {
                let n = self.capped(
                    "FROM numbers_fts WHERE numbers_fts MATCH ?1",
                    &[TextFilter::fts_query(&t)],
                    TRIGRAM_FIRST_MAX,
                )?;
                n <= TRIGRAM_FIRST_MAX
            }
            _ => false,
        };
        Ok(Plan {
            status_by_scan: self.status_by_scan(q)?,
            trigram_first,
            prefix_by_scan,
            among: None,
        })
    }

    /// The window of `limit` rows that `seek` asks for. A substring of
    /// three characters or more first tests the next `SCAN_BOUND` rows of
    /// the sort's own index (a filter that matches often fills the window
    /// there, at once); when they hold too few matches it asks the trigram
    /// index for all of them, or, when there are very many, scans on. A
    /// shorter substring has no index to ask, so it scans on at once (a
    /// stretch first would only be read twice).
    pub fn number_window(&self, q: &NumberQuery, seek: &Seek, limit: usize) -> Result<Window> {
        if matches!(q.text_filter(), TextFilter::Trigram(_)) {
            let (rows, keys, truncated) = self.read_window(q, true, seek, limit, None)?;
            if rows.len() == limit || !truncated {
                return self.placed(q, seek, limit, (rows, keys), None);
            }
        }
        let (rows, keys, _) = self.read_window(q, false, seek, limit, None)?;
        self.placed(q, seek, limit, (rows, keys), None)
    }

    /// [`Store::number_window`] for a query whose substring is known to
    /// match exactly the rows `ids` (ascending row ids, from the reader's
    /// in-memory copy): a few are fetched, then sorted; many are
    /// found by the sort's index, testing each entry's id without reading
    /// its row.
    pub fn number_window_among(
        &self,
        q: &NumberQuery,
        seek: &Seek,
        limit: usize,
        ids: &Arc<Vec<i64>>,
    ) -> Result<Window> {
        let mut listed = String::new();
        let among = self.among(ids, &mut listed, LISTED_MAX)?;
        let window = self
            .read_window(q, false, seek, limit, Some(among))
            .and_then(|(rows, keys, _)| self.placed(q, seek, limit, (rows, keys), Some(among)));
        self.unmark(among)?;
        window
    }

    /// The count of a query whose substring matches exactly the
    /// rows `ids` (see [`Store::number_window_among`]).
    pub fn count_among(&self, q: &NumberQuery, ids: &Arc<Vec<i64>>) -> Result<usize> {
        let mut listed = String::new();
        let among = self.among(ids, &mut listed, LISTED_MAX)?;
        let count = self.count_with(q, among);
        self.unmark(among)?;
        count
    }

    fn count_with(&self, q: &NumberQuery, among: Among<'_>) -> Result<usize> {
        let c = q.conditions(Plan {
            among: Some(among),
            ..Plan::default()
        });
        self.count_where(&c, &format!("FROM numbers {}", c.clause()))
    }

    /// Hands `ids` (ascending) to SQLite: listed in `listed` when at most
    /// `listed_max`, else marked in the connection's `matched_row(id)`
    /// function.
    fn among<'a>(
        &self,
        ids: &Arc<Vec<i64>>,
        listed: &'a mut String,
        listed_max: usize,
    ) -> Result<Among<'a>> {
        if ids.len() <= listed_max {
            *listed = serde_json::to_string(ids.as_slice()).expect("ids serialize");
            return Ok(Among::Listed(listed));
        }
        let marked = ids.clone();
        self.conn.create_scalar_function(
            "matched_row",
            1,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| Ok(marked.binary_search(&ctx.get::<i64>(0)?).is_ok()),
        )?;
        Ok(Among::Marked)
    }

    /// Drops the function's ids once the query has run (they are megabytes).
    fn unmark(&self, among: Among<'_>) -> Result<()> {
        if among == Among::Marked {
            self.conn.remove_function("matched_row", 1)?;
        }
        Ok(())
    }

    /// Reads a window's rows and keys. `bounded`: only the next
    /// `SCAN_BOUND` rows of the sort's order are looked at, and the third
    /// value tells whether rows were left beyond them.
    fn read_window(
        &self,
        q: &NumberQuery,
        bounded: bool,
        seek: &Seek,
        limit: usize,
        among: Option<Among<'_>>,
    ) -> Result<(Vec<InventoryItem>, Vec<RowKey>, bool)> {
        // Rows already known need no trigram probe.
        let plan = Plan {
            among,
            ..self.plan(q, bounded || among.is_some())?
        };
        let backwards = matches!(seek, Seek::Last | Seek::Before { .. });
        let mut skip = seek_skip(seek);
        let mut rows = Vec::with_capacity(limit);
        let mut keys = Vec::with_capacity(limit);
        let mut truncated = false;
        for stretch in q.stretches(backwards) {
            if rows.len() == limit || truncated {
                break;
            }
            let mut c = q.conditions(plan);
            if !q.seek_in(&mut c, seek, stretch) {
                continue;
            }
            if bounded {
                truncated = self.bound(q, plan, seek, stretch, &mut c)?;
            }
            let read = rows.len();
            let sql = format!(
                "SELECT {COLUMNS}, {} FROM numbers {} {} LIMIT {} OFFSET {skip}",
                q.sort.expr(),
                c.clause(),
                q.order_in(stretch, backwards),
                limit - read,
            );
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut found = stmt.query(rusqlite::params_from_iter(c.args.iter()))?;
            while let Some(r) = found.next()? {
                let item = from_row(r)?;
                keys.push(RowKey {
                    sort: r.get(9)?,
                    number: item.number.clone(),
                });
                rows.push(item);
            }
            if rows.len() > read {
                skip = 0;
            } else if skip > 0 {
                // The skip reaches past this stretch: the rest is the next's.
                let here = self.capped(&format!("FROM numbers {}", c.clause()), &c.args, skip)?;
                skip -= here.min(skip);
            }
        }
        if backwards {
            rows.reverse();
            keys.reverse();
        }
        Ok((rows, keys, truncated))
    }

    /// Bounds a stretch's read to its next `SCAN_BOUND` rows past the seek
    /// (`c` holds its conditions); true when rows were left beyond. The
    /// last row of the bound is found on the sort's index alone (without
    /// the substring test, which needs the rows).
    fn bound(
        &self,
        q: &NumberQuery,
        plan: Plan<'_>,
        seek: &Seek,
        stretch: Stretch,
        c: &mut Conditions,
    ) -> Result<bool> {
        let backwards = matches!(seek, Seek::Last | Seek::Before { .. });
        let bare = NumberQuery {
            text: String::new(),
            ..q.clone()
        };
        let mut b = bare.conditions(plan);
        bare.seek_in(&mut b, seek, stretch);
        let sql = format!(
            "SELECT {}, number FROM numbers {} {} LIMIT 1 OFFSET {SCAN_BOUND}",
            q.sort.expr(),
            b.clause(),
            q.order_in(stretch, backwards),
        );
        let last: Option<RowKey> = self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(b.args.iter()), |r| {
                Ok(RowKey {
                    sort: r.get(0)?,
                    number: r.get(1)?,
                })
            })
            .optional()?;
        let Some(last) = last else {
            return Ok(false);
        };
        // Only the rows before it, in the reading direction.
        let reading_greater = q.descending == backwards;
        q.past_key(c, stretch, &last, !reading_greater);
        Ok(true)
    }

    /// Where the rows read for `seek` sit in the query's order.
    fn placed(
        &self,
        q: &NumberQuery,
        seek: &Seek,
        limit: usize,
        (rows, keys): (Vec<InventoryItem>, Vec<RowKey>),
        among: Option<Among<'_>>,
    ) -> Result<Window> {
        let short = rows.len() < limit;
        let len = rows.len();
        let skip = seek_skip(seek);
        let (offset, at_start, at_end) = match seek {
            Seek::First => (0, true, short),
            Seek::Last if short => (0, true, true),
            Seek::Last => {
                let count = match among {
                    Some(among) => self.count_with(q, among)?,
                    None => self.count_numbers(q)?,
                };
                (count.saturating_sub(len), false, true)
            }
            Seek::After { index, .. } => (index + 1 + skip, false, short),
            Seek::Before { .. } if short => (0, true, false),
            Seek::Before { index, .. } => (index.saturating_sub(skip + len), false, false),
        };
        Ok(Window {
            offset,
            rows,
            keys,
            at_start,
            at_end,
        })
    }

    /// The query's count when it is cheap to know (counters, or a narrow
    /// filter); None when only a scan could tell.
    pub fn quick_count(&self, q: &NumberQuery) -> Result<Option<usize>> {
        if q.last_sync_conflicts {
            // One sync's conflicts: a lookup per number on the unique index.
            return self.count_numbers(q).map(Some);
        }
        if q.vendor.is_none() && q.text_filter() == TextFilter::None {
            return self.status_count(q.status).map(Some);
        }
        // A substring's count is the follow-up's: probing the trigram
        // index for a common one costs more than the window itself.
        if !matches!(q.text_filter(), TextFilter::Prefix { .. }) {
            return Ok(None);
        }
        let plan = self.plan(q, false)?;
        if !plan.prefix_by_scan {
            let c = q.conditions(plan);
            let n = self.capped(&format!("FROM numbers {}", c.clause()), &c.args, NARROW)?;
            if n <= NARROW {
                return Ok(Some(n));
            }
        }
        Ok(None)
    }

    /// The query's exact count (a scan for a broad text filter).
    pub fn count_numbers(&self, q: &NumberQuery) -> Result<usize> {
        if q.vendor.is_none() && !q.last_sync_conflicts {
            match q.text_filter() {
                TextFilter::None => return self.status_count(q.status),
                // The trigram index's candidates, each checked by the
                // substring rule (the index folds non-ASCII case and reads
                // past a NUL; the rule does not). Many candidates (a common
                // substring, or one of repeated trigrams, which the index
                // cannot tell from their parts) cost more to list than
                // testing every row: the scan below.
                TextFilter::Trigram(t)
                    if q.status.is_none()
                        && self.capped(
                            "FROM numbers_fts WHERE numbers_fts MATCH ?1",
                            &[TextFilter::fts_query(&t)],
                            TRIGRAM_FIRST_MAX,
                        )? <= TRIGRAM_FIRST_MAX =>
                {
                    let like = super::number_query::substring_condition(2);
                    return self.count_where(
                        &Conditions {
                            conds: vec![],
                            args: vec![TextFilter::fts_query(&t), TextFilter::like_pattern(&t)],
                        },
                        &format!(
                            "FROM numbers WHERE numbers.id IN \
                             (SELECT rowid FROM numbers_fts WHERE numbers_fts MATCH ?1) AND {like}"
                        ),
                    );
                }
                _ => {}
            }
        }
        let c = q.conditions(Plan::default());
        self.count_where(&c, &format!("FROM numbers {}", c.clause()))
    }

    fn count_where(&self, c: &Conditions, from_where: &str) -> Result<usize> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT COUNT(*) {from_where}"))?
            .query_row(rusqlite::params_from_iter(c.args.iter()), |r| r.get(0))?)
    }

    /// Runs `f`, stopping it early when `cancelled` turns true (checked every
    /// few thousand SQLite steps); None when it was stopped.
    pub fn unless_cancelled<T>(
        &self,
        cancelled: impl Fn() -> bool + Send + 'static,
        f: impl FnOnce(&Store) -> Result<T>,
    ) -> Result<Option<T>> {
        self.conn.progress_handler(4000, Some(cancelled));
        let out = f(self);
        self.conn.progress_handler(0, None::<fn() -> bool>);
        match out {
            Ok(v) => Ok(Some(v)),
            Err(_) if self.conn.is_interrupted() => Ok(None),
            Err(e) if e.is_interrupted() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enough SQLite steps for the progress handler to be asked many times.
    fn long_count(s: &Store) -> Result<i64> {
        Ok(s.conn.query_row(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
             SELECT count(*) FROM c",
            [],
            |r| r.get(0),
        )?)
    }

    #[test]
    fn a_cancelled_read_is_none_and_an_uncancelled_one_its_value() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        assert_eq!(store.unless_cancelled(|| true, long_count).unwrap(), None);
        assert_eq!(
            store.unless_cancelled(|| false, long_count).unwrap(),
            Some(100_000)
        );
    }

    #[test]
    fn a_few_trigram_matches_are_fetched_first_then_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let items: Vec<InventoryItem> = (0..40)
            .map(|i| InventoryItem {
                registered_user: (i % 3 == 0).then(|| format!("Ann-{:02}", 40 - i)),
                ..InventoryItem::available(format!("+1555000{i:04}"))
            })
            .collect();
        store.insert_numbers(&items, "test seed").unwrap();
        let q = NumberQuery {
            text: "ann-".into(),
            sort: SortKey::RegisteredUser,
            descending: true,
            ..Default::default()
        };
        assert!(
            store.plan(&q, false).unwrap().trigram_first,
            "the index plan runs"
        );
        let mut expected = vec![];
        store
            .for_each_number(&q, |i| {
                expected.push(i.number.clone());
                Ok(())
            })
            .unwrap();
        assert_eq!(expected.len(), 14);
        let (rows, ..) = store
            .read_window(&q, false, &Seek::First, 10, None)
            .unwrap();
        let got: Vec<String> = rows.into_iter().map(|r| r.number).collect();
        assert_eq!(got, expected[..10]);
    }

    /// A window of the rows `ids`, handed to SQLite listed or marked.
    fn window_among(
        store: &Store,
        q: &NumberQuery,
        seek: &Seek,
        ids: &[i64],
        listed_max: usize,
    ) -> Window {
        let ids = Arc::new(ids.to_vec());
        let mut listed = String::new();
        let among = store.among(&ids, &mut listed, listed_max).unwrap();
        let (rows, keys, _) = store.read_window(q, false, seek, 5, Some(among)).unwrap();
        let window = store.placed(q, seek, 5, (rows, keys), Some(among)).unwrap();
        store.unmark(among).unwrap();
        window
    }

    #[test]
    fn known_matches_listed_or_marked_give_the_like_rules_windows() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db")).unwrap();
        let items: Vec<InventoryItem> = (0..300)
            .map(|i| InventoryItem {
                registered_user: (i % 7 != 0).then(|| format!("Ann-{:03}", (i * 37) % 300)),
                tag: format!("t{}", i % 5),
                status: if i % 2 == 0 {
                    Status::Available
                } else {
                    Status::Reserved
                },
                ..InventoryItem::available(format!("+1555000{i:04}"))
            })
            .collect();
        store.insert_numbers(&items, "test seed").unwrap();
        for sort in [SortKey::Number, SortKey::Tag, SortKey::RegisteredUser] {
            for (status, descending) in [(None, false), (Some(Status::Reserved), true)] {
                let q = NumberQuery {
                    text: "ann-1".into(),
                    sort,
                    descending,
                    status,
                    ..Default::default()
                };
                let mut like = vec![];
                store
                    .for_each_number(&q, |i| {
                        like.push(i.number.clone());
                        Ok(())
                    })
                    .unwrap();
                let mut ids: Vec<i64> = store
                    .conn
                    .prepare("SELECT id FROM numbers WHERE registered_user LIKE '%ann-1%'")
                    .unwrap()
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .map(|r| r.unwrap())
                    .collect();
                ids.sort_unstable();
                for seek in [Seek::First, Seek::Last] {
                    let listed = window_among(&store, &q, &seek, &ids, usize::MAX);
                    let marked = window_among(&store, &q, &seek, &ids, 0);
                    assert_eq!(listed, marked, "{q:?} {seek:?}");
                    let from = if seek == Seek::First {
                        0
                    } else {
                        like.len() - 5
                    };
                    let rows: Vec<&str> = listed.rows.iter().map(|r| r.number.as_str()).collect();
                    assert_eq!(rows, like[from..from + 5], "{q:?} {seek:?}");
                    assert_eq!(listed.offset, from, "{q:?} {seek:?}");
                }
            }
        }
    }

    #[test]
    fn other_errors_are_not_taken_for_a_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        let broken = |s: &Store| -> Result<i64> {
            Ok(s.conn
                .query_row("SELECT nope FROM nowhere", [], |r| r.get(0))?)
        };
        assert!(store.unless_cancelled(|| false, broken).is_err());
    }
}
