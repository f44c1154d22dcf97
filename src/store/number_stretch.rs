//! The stretches of a sort's order. The sort indexes skip empty values
//! (NULL or '', migration 7), so that a release, which empties seven
//! columns, deletes index entries and inserts none. A sort on such a
//! column reads in two stretches: the rows whose value is empty, in number
//! order (through the number or status index), and the rest through the
//! partial index. Empty sorts before any text, so ascending the empty
//! stretch comes first: together they are exactly `ORDER BY
//! ifnull(column, ''), number`.

use super::number_query::{Conditions, NumberQuery, RowKey, Seek, SortKey};

/// A part of a sort's order with an index of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stretch {
    /// Every row, through the sort's full index (number, status).
    All,
    /// The rows whose value in this column is empty, in number order.
    Empty(&'static str),
    /// The rows with a value in this column, through its partial index.
    Valued(&'static str),
}

impl SortKey {
    /// The column of a sort whose index skips empty values.
    fn sparse_column(self) -> Option<&'static str> {
        match self {
            SortKey::Number | SortKey::Status => None,
            SortKey::Usage => Some("usage"),
            SortKey::Vendor => Some("vendor"),
            SortKey::ReleaseDate => Some("release_date"),
            SortKey::Tag => Some("tag"),
            SortKey::Connection => Some("connection"),
            SortKey::RegisteredUser => Some("registered_user"),
            SortKey::LastSeen => Some("last_seen"),
        }
    }
}

impl Stretch {
    /// What selects the stretch's rows; the valued one's is its partial
    /// index's own WHERE, so that SQLite may use that index.
    fn condition(self) -> Option<String> {
        match self {
            Stretch::All => None,
            Stretch::Empty(col) => Some(format!("ifnull({col}, '') = ''")),
            Stretch::Valued(col) => Some(format!("{col} > ''")),
        }
    }
}

impl NumberQuery {
    /// The stretches of the query's order (`reverse`: of its reverse), in
    /// reading order.
    pub(crate) fn stretches(&self, reverse: bool) -> Vec<Stretch> {
        match self.sort.sparse_column() {
            None => vec![Stretch::All],
            Some(col) if self.descending == reverse => {
                vec![Stretch::Empty(col), Stretch::Valued(col)]
            }
            Some(col) => vec![Stretch::Valued(col), Stretch::Empty(col)],
        }
    }

    /// Adds the stretch's condition and the keyset condition of `seek` in
    /// it; false when no row of the stretch lies past the seek.
    pub(crate) fn seek_in(&self, c: &mut Conditions, seek: &Seek, stretch: Stretch) -> bool {
        if let Some(cond) = stretch.condition() {
            c.push_bare(&cond);
        }
        match seek {
            Seek::First | Seek::Last => true,
            // Reading towards larger keys in the query's own direction.
            Seek::After { key, .. } => self.past_key(c, stretch, key, !self.descending),
            Seek::Before { key, .. } => self.past_key(c, stretch, key, self.descending),
        }
    }

    /// Adds the condition for the stretch's rows whose place is past `key`
    /// (`greater`: larger sort value and number); false when there are none.
    pub(crate) fn past_key(
        &self,
        c: &mut Conditions,
        stretch: Stretch,
        key: &RowKey,
        greater: bool,
    ) -> bool {
        let op = if greater { ">" } else { "<" };
        let by_number = |c: &mut Conditions| {
            c.push(|n| format!("number {op} ?{n}"), key.number.clone());
        };
        let by_value = |c: &mut Conditions, expr: &str| {
            // The plain bound lets SQLite seek the index.
            c.push(|n| format!("{expr} {op}= ?{n}"), key.sort.clone());
            let at = c.args.len();
            c.push(
                |n| format!("({expr}, number) {op} (?{at}, ?{n})"),
                key.number.clone(),
            );
        };
        match stretch {
            Stretch::All if self.sort == SortKey::Number => by_number(c),
            Stretch::All => by_value(c, self.sort.expr()),
            // Every row here sorts as '': only the number tells them apart,
            // and a key with a value lies after all of them.
            Stretch::Empty(_) if key.sort.is_empty() => by_number(c),
            Stretch::Empty(_) => return !greater,
            Stretch::Valued(_) if key.sort.is_empty() => return greater,
            Stretch::Valued(col) => by_value(c, col),
        }
        true
    }

    /// ORDER BY for the stretch in the query's order, or its reverse.
    pub(crate) fn order_in(&self, stretch: Stretch, reverse: bool) -> String {
        let dir = if self.descending != reverse {
            "DESC"
        } else {
            "ASC"
        };
        match stretch {
            Stretch::All if self.sort == SortKey::Number => format!("ORDER BY number {dir}"),
            Stretch::All => format!("ORDER BY {} {dir}, number {dir}", self.sort.expr()),
            Stretch::Empty(_) => format!("ORDER BY number {dir}"),
            Stretch::Valued(col) => format!("ORDER BY {col} {dir}, number {dir}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::number::Status;
    use crate::store::number_query::Plan;
    use crate::store::Store;

    fn key(sort: &str) -> RowKey {
        RowKey {
            sort: sort.into(),
            number: "+1".into(),
        }
    }

    #[test]
    fn a_keyset_seek_compares_the_sort_value_then_the_number() {
        let q = NumberQuery {
            sort: SortKey::Tag,
            descending: true,
            ..Default::default()
        };
        let after = |sort: &str| Seek::After {
            key: key(sort),
            index: 0,
            skip: 0,
        };
        // Descending, the tagged rows come first, then the untagged ones.
        let [valued, empty] = q.stretches(false)[..] else {
            panic!("two stretches")
        };
        assert_eq!(valued, Stretch::Valued("tag"));
        let mut c = Conditions::default();
        assert!(q.seek_in(&mut c, &after("t"), valued));
        assert_eq!(
            c.conds,
            ["tag > ''", "tag <= ?1", "(tag, number) < (?1, ?2)"]
        );
        let mut c = Conditions::default();
        assert!(q.seek_in(&mut c, &after("t"), empty));
        assert_eq!(c.conds, ["ifnull(tag, '') = ''"]);
        // After an untagged row: none of the tagged, the untagged below it.
        let mut c = Conditions::default();
        assert!(!q.seek_in(&mut c, &after(""), valued));
        let mut c = Conditions::default();
        assert!(q.seek_in(&mut c, &after(""), empty));
        assert_eq!(c.conds, ["ifnull(tag, '') = ''", "number < ?1"]);
        assert_eq!(q.order_in(valued, false), "ORDER BY tag DESC, number DESC");
        assert_eq!(q.order_in(empty, true), "ORDER BY number ASC");
        assert_eq!(q.stretches(true), [empty, valued]);
    }

    #[test]
    fn each_stretch_reads_in_an_index_order_without_sorting() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.db")).unwrap();
        for sort in SortKey::ALL {
            for (descending, status) in [(false, None), (true, Some(Status::Available))] {
                let q = NumberQuery {
                    sort,
                    descending,
                    status,
                    ..Default::default()
                };
                for stretch in q.stretches(false) {
                    // A common status leaves its index to the sort's scan.
                    let plan = Plan {
                        status_by_scan: true,
                        ..Plan::default()
                    };
                    let mut c = q.conditions(plan);
                    q.seek_in(&mut c, &Seek::First, stretch);
                    let sql = format!(
                        "EXPLAIN QUERY PLAN SELECT number FROM numbers {} {} LIMIT 10",
                        c.clause(),
                        q.order_in(stretch, false)
                    );
                    let mut stmt = store.conn_for_tests().prepare(&sql).unwrap();
                    let steps: Vec<String> = stmt
                        .query_map(rusqlite::params_from_iter(c.args.iter()), |r| r.get(3))
                        .unwrap()
                        .collect::<rusqlite::Result<_>>()
                        .unwrap();
                    let plan = steps.join("; ");
                    assert!(!plan.contains("TEMP B-TREE"), "{q:?} {stretch:?}: {plan}");
                    if let Stretch::Valued(col) = stretch {
                        assert!(plan.contains("numbers_sort_"), "{col}: {plan}");
                    }
                }
            }
        }
    }
}
