//! A cache of what vendor APIs returned (calling profiles, services, AXP
//! items), so that tabs open from the store at once.

use super::{Result, Store};
use rusqlite::{params, OptionalExtension, TransactionBehavior};

#[derive(Debug, Clone, PartialEq)]
pub struct RemoteItem {
    pub id: String,
    pub parent: String,
    pub name: String,
    pub body: serde_json::Value,
}

/// Every item of one kind under one parent ("" at the top), as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteSet {
    pub kind: String,
    pub parent: String,
    pub items: Vec<RemoteItem>,
}

/// A kind whose last fetch failed: its items are those of `refreshed_at`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stale {
    pub connection: String,
    pub kind: String,
    /// The last good fetch, if there ever was one.
    pub refreshed_at: Option<String>,
    pub failed_at: String,
    pub error: String,
}

impl Store {
    /// Replaces every item of each set (a kind, under a parent) for the
    /// connection, all in one transaction: a refresh lands whole or not at all.
    pub fn replace_remote_sets(&mut self, connection: &str, sets: &[RemoteSet]) -> Result<()> {
        self.refresh_remote(connection, sets, &[])
    }

    /// One refresh, in one transaction: each fetched set replaces its
    /// kind's items under its parent and makes the kind fresh; each kind of
    /// `failed` (kind, error) keeps its items and is marked stale (after
    /// the sets, so a kind fetched under one parent and failed under
    /// another is stale).
    pub fn refresh_remote(
        &mut self,
        connection: &str,
        sets: &[RemoteSet],
        failed: &[(String, String)],
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = self.clock.stamp();
        for set in sets {
            tx.execute(
                "DELETE FROM remote_items WHERE connection = ?1 AND kind = ?2 AND parent = ?3",
                params![connection, set.kind, set.parent],
            )?;
            let mut ins = tx.prepare_cached(
                "INSERT OR REPLACE INTO remote_items(connection, kind, id, parent, name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for it in &set.items {
                ins.execute(params![
                    connection,
                    set.kind,
                    it.id,
                    set.parent,
                    it.name,
                    it.body.to_string()
                ])?;
            }
            tx.execute(
                "INSERT INTO remote_refreshes(connection, kind, refreshed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(connection, kind) DO UPDATE SET refreshed_at = excluded.refreshed_at,
                    failed_at = NULL, error = ''",
                params![connection, set.kind, now],
            )?;
        }
        for (kind, error) in failed {
            tx.execute(
                "INSERT INTO remote_refreshes(connection, kind, refreshed_at, failed_at, error)
                 VALUES (?1, ?2, '', ?3, ?4)
                 ON CONFLICT(connection, kind) DO UPDATE SET failed_at = excluded.failed_at,
                    error = excluded.error",
                params![connection, kind, now, error],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The kinds whose last fetch failed, of one connection or all.
    pub fn stale_kinds(&self, connection: Option<&str>) -> Result<Vec<Stale>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT connection, kind, refreshed_at, failed_at, error FROM remote_refreshes
             WHERE failed_at IS NOT NULL AND (?1 IS NULL OR connection = ?1)
             ORDER BY connection, kind",
        )?;
        let rows = stmt.query_map(params![connection], |r| {
            let at: String = r.get(2)?;
            Ok(Stale {
                connection: r.get(0)?,
                kind: r.get(1)?,
                refreshed_at: (!at.is_empty()).then_some(at),
                failed_at: r.get(3)?,
                error: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many items of a kind a connection holds, under `parent` or
    /// (`None`) under any.
    pub fn remote_count(
        &self,
        connection: &str,
        kind: &str,
        parent: Option<&str>,
    ) -> Result<usize> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM remote_items WHERE connection = ?1 AND kind = ?2
             AND (?3 IS NULL OR parent = ?3)",
            params![connection, kind, parent],
            |r| r.get(0),
        )?)
    }

    /// Adds or replaces one item (a task as it is polled), leaving the rest.
    pub fn upsert_remote_item(
        &self,
        connection: &str,
        kind: &str,
        item: &RemoteItem,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO remote_items(connection, kind, id, parent, name, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![connection, kind, item.id, item.parent, item.name, item.body.to_string()],
        )?;
        Ok(())
    }

    pub fn remote_items(
        &self,
        connection: Option<&str>,
        kind: &str,
    ) -> Result<Vec<(String, RemoteItem)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT connection, id, parent, name, body FROM remote_items
             WHERE kind = ?1 AND (?2 IS NULL OR connection = ?2) ORDER BY connection, name, id",
        )?;
        let rows = stmt.query_map(params![kind, connection], |r| {
            let body: String = r.get(4)?;
            Ok((
                r.get(0)?,
                RemoteItem {
                    id: r.get(1)?,
                    parent: r.get(2)?,
                    name: r.get(3)?,
                    body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
                },
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn remote_refreshed_at(&self, connection: &str, kind: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT refreshed_at FROM remote_refreshes WHERE connection = ?1 AND kind = ?2",
                [connection, kind],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .filter(|at| !at.is_empty()))
    }

    pub fn remote_counts(&self, connection: &str) -> Result<Vec<(String, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, COUNT(*) FROM remote_items WHERE connection = ?1 GROUP BY kind",
        )?;
        let rows = stmt.query_map([connection], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The stored AXP items that hold numbers (elements with DID numbers,
    /// phone numbers), as (family key, body).
    pub fn axp_number_items(&self) -> Result<Vec<(String, serde_json::Value)>> {
        let mut out = Vec::new();
        for kind in ["aco", "msteams", "phone_numbers"] {
            out.extend(
                self.remote_items(None, kind)?
                    .into_iter()
                    .map(|(_, i)| (kind.to_string(), i.body)),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(kind: &str, ids: &[&str]) -> RemoteSet {
        RemoteSet {
            kind: kind.into(),
            parent: String::new(),
            items: ids
                .iter()
                .map(|id| RemoteItem {
                    id: id.to_string(),
                    parent: String::new(),
                    name: id.to_string(),
                    body: json!({ "id": id }),
                })
                .collect(),
        }
    }

    #[test]
    fn a_failed_kind_keeps_its_items_and_is_stale_until_a_good_fetch() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("s.db")).unwrap();
        s.refresh_remote("axp", &[set("aco", &["a1", "a2"]), set("cm", &["c"])], &[])
            .unwrap();
        let first = s.remote_refreshed_at("axp", "aco").unwrap();
        assert!(first.is_some());
        assert!(s.stale_kinds(None).unwrap().is_empty());

        // aco fails, cm is fetched again with other items; a never-fetched
        // kind fails too.
        let failed = [
            ("aco".to_string(), "HTTP 500".to_string()),
            ("msteams".to_string(), "HTTP 404".to_string()),
        ];
        s.refresh_remote("axp", &[set("cm", &["d"])], &failed)
            .unwrap();
        assert_eq!(s.remote_count("axp", "aco", None).unwrap(), 2);
        assert_eq!(s.remote_count("axp", "cm", Some("")).unwrap(), 1);
        let stale = s.stale_kinds(Some("axp")).unwrap();
        assert_eq!(stale.len(), 2);
        assert_eq!(
            (stale[0].kind.as_str(), stale[0].error.as_str()),
            ("aco", "HTTP 500")
        );
        assert_eq!(stale[0].refreshed_at, first, "the last good fetch stays");
        assert_eq!(stale[1].refreshed_at, None, "msteams was never fetched");
        assert_eq!(s.remote_refreshed_at("axp", "msteams").unwrap(), None);

        // A good fetch makes it fresh again.
        s.refresh_remote("axp", &[set("aco", &["a3"])], &[])
            .unwrap();
        let stale = s.stale_kinds(None).unwrap();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].kind, "msteams");
    }
}
