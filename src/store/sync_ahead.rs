//! What a sync plans from, read ahead: the connection's rows and its
//! cached users, read in a read transaction while the sync's pages are
//! still being fetched (the worker's store connection is idle then).
//! Inside the write lock the sync uses them only if the store is still as
//! that read saw it ([`StoreMark`]: no commit by another connection, no
//! write on this one but its job records); otherwise it reads them again
//! there. Either way the plan is made against the store as it is inside
//! the write lock.

use super::cached_users::CachedUsers;
use super::numbers::COLUMNS;
use super::own_writes::StoreMark;
use super::plan_rows::PlanRows;
use super::{Result, Store};
use rusqlite::{Connection, TransactionBehavior};

/// The store's half of a sync's plan, read by [`Store::read_sync_ahead`].
pub struct SyncAhead {
    connection: String,
    mark: StoreMark,
    base: PlanBase,
}

/// The rows linked to a connection, in number order (compact: one text
/// buffer, no string per column), and its cached users.
pub(super) struct PlanBase {
    pub(super) linked: PlanRows,
    pub(super) cached: CachedUsers,
}

impl PlanBase {
    /// Reads them (inside the caller's transaction).
    pub(super) fn read(conn: &Connection, connection: &str) -> Result<PlanBase> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM numbers WHERE connection = ?1 AND connection > '' ORDER BY number"
        ))?;
        let mut rows = stmt.query([connection])?;
        let mut linked = PlanRows::default();
        while let Some(r) = rows.next()? {
            linked.push(r)?;
        }
        Ok(PlanBase {
            linked,
            cached: CachedUsers::read(conn, connection)?,
        })
    }
}

impl Store {
    /// Reads what a sync of `connection` plans from, in a read transaction
    /// of its own, with the mark of the store it read.
    pub fn read_sync_ahead(&mut self, connection: &str) -> Result<SyncAhead> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Deferred)?;
        let mark = self.own.mark(&tx)?;
        let base = PlanBase::read(&tx, connection)?;
        tx.commit()?;
        Ok(SyncAhead {
            connection: connection.to_string(),
            mark,
            base,
        })
    }
}

/// What the sync of `connection` plans from, inside its (write)
/// transaction on `conn` whose mark is `now`: the read made ahead when it
/// is of this connection and the store has not changed since, else read
/// again. Says which.
pub(super) fn plan_base(
    conn: &Connection,
    connection: &str,
    now: StoreMark,
    ahead: Option<SyncAhead>,
) -> Result<(PlanBase, bool)> {
    match ahead {
        Some(a) if a.connection == connection && a.mark == now => Ok((a.base, true)),
        _ => Ok((PlanBase::read(conn, connection)?, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job::JobKind;
    use crate::domain::registered_user::RegisteredUser;
    use crate::domain::settings::InventorySettings;
    use crate::store::sync::{SyncMode, SyncOutcome, SyncRequest};
    use chrono::{NaiveDate, Utc};

    fn users() -> Vec<RegisteredUser> {
        ["+15550001", "+15550002"]
            .iter()
            .map(|n| RegisteredUser {
                id: format!("id{n}"),
                user_name: format!("user{n}"),
                display_name: String::new(),
                number: Some(n.to_string()),
                raw_status: "REGISTERED".into(),
                last_seen: Some("2026-11-21T10:00:00Z".parse().unwrap()),
                sbc: "sbc1".into(),
            })
            .collect()
    }

    fn sync(store: &mut Store, connection: &str, ahead: Option<SyncAhead>) -> SyncOutcome {
        sync_list(store, connection, &users(), ahead)
    }

    fn sync_list(
        store: &mut Store,
        connection: &str,
        users: &[RegisteredUser],
        ahead: Option<SyncAhead>,
    ) -> SyncOutcome {
        store
            .apply_sync_ahead(
                &SyncRequest {
                    connection,
                    users,
                    today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                    settings: &InventorySettings::default(),
                    mode: SyncMode::Apply,
                    force: false,
                    job_id: None,
                    started_at: Utc::now(),
                },
                ahead,
            )
            .unwrap()
    }

    /// A store whose connection `lab` holds both numbers, and a second
    /// connection to the same file.
    fn synced() -> (tempfile::TempDir, Store, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(sync(&mut store, "lab", None).counts.added, 2);
        let other = Store::open(&path).unwrap();
        (dir, store, other)
    }

    /// What another job or process may do between the read ahead and the
    /// write: a hand reserves a number the sync holds and the cached users
    /// are forgotten. Planned against the store as it is then, the sync
    /// reports the number as a conflict and writes the users again; planned
    /// from the stale read it would find nothing to do.
    const MEANWHILE: &str = "UPDATE numbers SET status = 'Reserved', vendor = '', usage = '',
         connection = NULL, registered_user = NULL WHERE number = '+15550002';
         DELETE FROM registered_users;";

    fn cached_users(store: &Store) -> i64 {
        store
            .conn
            .query_row("SELECT count(*) FROM registered_users", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn an_unchanged_store_is_planned_from_the_read_ahead_job_records_and_all() {
        let (_dir, mut store, _other) = synced();
        let ahead = store.read_sync_ahead("lab").unwrap();
        // The job's own records, written meanwhile, change nothing it reads.
        store.insert_job("j1", &JobKind::Sweep).unwrap();
        store.start_job("j1").unwrap();
        store
            .append_job_log("j1", "fetched 2 registered users")
            .unwrap();
        store.job_progress("j1", 2, 2).unwrap();
        let out = sync(&mut store, "lab", Some(ahead));
        assert!(out.read_ahead);
        assert_eq!((out.counts.unchanged, out.counts.conflicts), (2, 0));
    }

    #[test]
    fn a_commit_by_another_connection_meanwhile_makes_the_sync_read_again() {
        let (_dir, mut store, other) = synced();
        let ahead = store.read_sync_ahead("lab").unwrap();
        other.conn.execute_batch(MEANWHILE).unwrap();
        let out = sync(&mut store, "lab", Some(ahead));
        assert_eq!((out.counts.unchanged, out.counts.conflicts), (1, 1));
        assert_eq!(cached_users(&store), 2);
        assert!(!out.read_ahead);
    }

    #[test]
    fn a_write_on_the_same_connection_meanwhile_makes_the_sync_read_again() {
        let (_dir, mut store, _other) = synced();
        let ahead = store.read_sync_ahead("lab").unwrap();
        store.conn.execute_batch(MEANWHILE).unwrap();
        let out = sync(&mut store, "lab", Some(ahead));
        assert_eq!((out.counts.unchanged, out.counts.conflicts), (1, 1));
        assert_eq!(cached_users(&store), 2);
        assert!(!out.read_ahead);
    }

    /// Numbers held elsewhere before and after the connection's own are
    /// looked up and planned in number order with them, each once.
    #[test]
    fn numbers_held_elsewhere_are_planned_in_order_with_the_connections_own() {
        let (_dir, mut store, _other) = synced();
        store
            .conn
            .execute_batch(
                "INSERT INTO numbers(number, status, updated_at) VALUES
                 ('+15550000', 'Reserved', 'x'), ('+15550003', 'Available', 'x');",
            )
            .unwrap();
        let mut list = users();
        for n in ["+15550000", "+15550003"] {
            list.push(RegisteredUser {
                id: format!("id{n}"),
                number: Some(n.to_string()),
                ..list[0].clone()
            });
        }
        let ahead = store.read_sync_ahead("lab").unwrap();
        let out = sync_list(&mut store, "lab", &list, Some(ahead));
        assert!(out.read_ahead);
        let c = out.counts;
        assert_eq!((c.added, c.unchanged, c.conflicts), (1, 2, 1), "{c:?}");
        let used: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM numbers WHERE status = 'Used' AND connection = 'lab'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(used, 3);
    }

    #[test]
    fn a_read_of_another_store_connection_or_sync_connection_is_not_used() {
        let (_dir, mut store, mut other) = synced();
        let elsewhere = other.read_sync_ahead("lab").unwrap();
        assert!(!sync(&mut store, "lab", Some(elsewhere)).read_ahead);
        let of_another = store.read_sync_ahead("other").unwrap();
        let out = sync(&mut store, "lab", Some(of_another));
        assert!(!out.read_ahead);
        assert_eq!(out.counts.unchanged, 2);
    }
}
