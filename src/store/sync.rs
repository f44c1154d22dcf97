//! Applying an AudioCodes sync, a purge and the sweep: each in one
//! `BEGIN IMMEDIATE` transaction, so a failure or a crash leaves the store
//! as it was.

use super::numbers::{from_row, write_transitions, COLUMNS};
use super::{Result, Store};
use crate::clock;
use crate::domain::cooling::{self, Conflict, GuardTrip, SyncCounts};
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::{RegisteredUser, Snapshot};
use crate::domain::settings::InventorySettings;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncMode {
    Apply,
    Preview,
    /// PurgeAudioCodes__<name>: forget the cached users, cool every number
    /// the connection holds (confirmed beforehand, so never guarded).
    Purge,
}

/// What a sync did (or, in preview or when guarded, would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    pub connection: String,
    pub result: String,
    pub counts: SyncCounts,
    pub conflicts: Vec<Conflict>,
    pub guard: Option<GuardTrip>,
    pub registered: usize,
    pub users: usize,
    /// The users without a usable number (`counts.skipped` of them).
    pub skipped_users: Vec<SkippedUser>,
}

/// A user of the ARM's list the sync could not use, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SkippedUser {
    pub user: String,
    pub why: String,
}

/// What a sync's counts stand for: the numbers that conflicted and the
/// users it skipped, kept with its run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct SyncDetails {
    pub conflicts: Vec<Conflict>,
    pub skipped: Vec<SkippedUser>,
}

/// The users of the list without a usable number (a sync skips them).
pub fn skipped_users(users: &[RegisteredUser]) -> Vec<SkippedUser> {
    users
        .iter()
        .filter(|u| u.number.is_none())
        .map(|u| SkippedUser {
            user: if u.user_name.is_empty() {
                u.id.clone()
            } else {
                u.user_name.clone()
            },
            why: "no usable number".into(),
        })
        .collect()
}

/// The last recorded run of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    pub kind: String,
    pub started_at: String,
    pub ended_at: String,
    pub result: String,
    pub counts: SyncCounts,
    pub error: String,
    /// The job that ran it (none for a run recorded without one).
    pub job_id: Option<String>,
}

/// Inputs of one sync, gathered by the worker.
pub struct SyncRequest<'a> {
    pub connection: &'a str,
    pub users: &'a [RegisteredUser],
    pub today: NaiveDate,
    pub settings: &'a InventorySettings,
    pub mode: SyncMode,
    pub force: bool,
    pub job_id: Option<&'a str>,
    pub started_at: DateTime<Utc>,
}

impl Store {
    /// Plans against the inventory as it is inside the write lock, then
    /// applies — or records why not — all in one transaction.
    ///
    /// On a read-only store (`--read-only`) a preview plans inside a read
    /// transaction and records no run: the job's own record, kept in
    /// memory, says what it found.
    pub fn apply_sync(&mut self, req: &SyncRequest<'_>) -> Result<SyncOutcome> {
        let snapshot = Snapshot::from_users(req.users);
        let read_only = self.is_read_only();
        let clock = self.clock;
        let tx = self.conn.transaction_with_behavior(if read_only {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        })?;
        let inventory = load_for_plan(&tx, req.connection, &snapshot)?;
        let plan = cooling::plan(
            req.connection,
            &snapshot,
            &inventory,
            req.today,
            req.settings,
        );
        let guard = plan.guard(req.settings);
        let result = match (req.mode, &guard) {
            (SyncMode::Preview, _) => "preview",
            (SyncMode::Purge, _) => "purged",
            (SyncMode::Apply, Some(_)) if !req.force => "guarded",
            (SyncMode::Apply, _) => "applied",
        };
        let [sync_name, purge_name, _] = crate::domain::connection::instance_names(req.connection);
        let (kind, cause) = match req.mode {
            SyncMode::Preview => ("preview", String::new()),
            SyncMode::Apply => ("sync", format!("sync {sync_name}")),
            SyncMode::Purge => ("purge", format!("purge {purge_name}")),
        };
        let details = SyncDetails {
            conflicts: plan.conflicts,
            skipped: skipped_users(req.users),
        };
        slow_write_for_tests();
        if result == "applied" || result == "purged" {
            write_transitions(&tx, &plan.transitions, &cause, clock)?;
            replace_registered_users(&tx, req.connection, req.users)?;
        }
        if !read_only {
            record_run(
                &tx,
                req.connection,
                kind,
                req.job_id,
                req.started_at,
                result,
                &plan.counts,
                &details,
                "",
                clock,
            )?;
        }
        tx.commit()?;
        Ok(SyncOutcome {
            connection: req.connection.to_string(),
            result: result.into(),
            counts: plan.counts,
            conflicts: details.conflicts,
            guard,
            registered: snapshot.registered_count(),
            users: req.users.len(),
            skipped_users: details.skipped,
        })
    }

    /// Records a sync that failed before anything could be applied (on a
    /// read-only store, nothing: the job's record in memory says it).
    pub fn record_failed_run(
        &self,
        connection: &str,
        kind: &str,
        job_id: Option<&str>,
        started_at: DateTime<Utc>,
        error: &str,
    ) -> Result<()> {
        if self.is_read_only() {
            return Ok(());
        }
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        record_run(
            &tx,
            connection,
            kind,
            job_id,
            started_at,
            "failed",
            &SyncCounts::default(),
            &SyncDetails::default(),
            error,
            self.clock,
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Releases every overdue Cooling number; returns how many.
    pub fn sweep(&mut self, today: NaiveDate) -> Result<usize> {
        let clock = self.clock;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due: Vec<InventoryItem> = {
            let sql = format!("SELECT {COLUMNS} FROM numbers WHERE status = 'Cooling' AND release_date <= ?1 ORDER BY number");
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([today.to_string()], from_row)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let transitions = cooling::sweep(&due, today);
        write_transitions(&tx, &transitions, "sweep", clock)?;
        tx.commit()?;
        Ok(transitions.len())
    }

    /// The connection's last run of any kind (sync, preview or purge).
    pub fn last_sync_run(&self, connection: &str) -> Result<Option<SyncRun>> {
        self.last_run_where(connection, "")
    }

    /// The last run that fetched from the ARM (a sync, applied or not): what
    /// a schedule counts its next run from.
    pub fn last_scheduled_kind_run(&self, connection: &str) -> Result<Option<SyncRun>> {
        self.last_run_where(connection, "AND kind = 'sync'")
    }

    /// The last sync or purge, applied or not (guarded, failed), never a
    /// preview: what the Connections list shows as the last run.
    pub fn last_applied_or_tried_run(&self, connection: &str) -> Result<Option<SyncRun>> {
        self.last_run_where(connection, "AND kind != 'preview'")
    }

    /// The connection's last preview.
    pub fn last_preview_run(&self, connection: &str) -> Result<Option<SyncRun>> {
        self.last_run_where(connection, "AND kind = 'preview'")
    }

    /// The conflicts and skipped users of the connection's last sync or
    /// preview that got as far as planning (a failed run has none).
    pub fn last_sync_details(&self, connection: &str) -> Result<Option<(SyncRun, SyncDetails)>> {
        self.details_where("connection = ?1 AND result != 'failed'", connection)
    }

    /// The conflicts and skipped users recorded by a job's sync run.
    pub fn sync_details_of_job(&self, job_id: &str) -> Result<Option<(SyncRun, SyncDetails)>> {
        self.details_where("job_id = ?1", job_id)
    }

    fn details_where(&self, filter: &str, key: &str) -> Result<Option<(SyncRun, SyncDetails)>> {
        let sql = format!(
            "SELECT kind, started_at, ended_at, result, counts, error, job_id, details FROM sync_runs
             WHERE {filter} AND kind IN ('sync', 'preview') ORDER BY id DESC LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, [key], |r| {
                let details: String = r.get(7)?;
                Ok((
                    run_from_row(r)?,
                    serde_json::from_str(&details).unwrap_or_default(),
                ))
            })
            .optional()?)
    }

    /// The connection's last purge.
    pub fn last_purge_run(&self, connection: &str) -> Result<Option<SyncRun>> {
        self.last_run_where(connection, "AND kind = 'purge'")
    }

    /// Connections whose cached users are a real snapshot (an applied sync
    /// or a purge wrote them), which the audit may compare against.
    pub fn connections_with_snapshot(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT connection FROM sync_runs WHERE result IN ('applied', 'purged') ORDER BY connection",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn last_run_where(&self, connection: &str, filter: &str) -> Result<Option<SyncRun>> {
        let sql = format!(
            "SELECT kind, started_at, ended_at, result, counts, error, job_id FROM sync_runs
             WHERE connection = ?1 {filter} ORDER BY id DESC LIMIT 1"
        );
        Ok(self
            .conn
            .query_row(&sql, [connection], run_from_row)
            .optional()?)
    }

    /// How many numbers each connection holds (Used or Cooling), from the
    /// counters.
    pub fn numbers_by_connection(&self) -> Result<Vec<(String, usize, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT connection, SUM(n * (status = 'Used')), SUM(n * (status = 'Cooling'))
             FROM number_counts WHERE connection != '' GROUP BY connection",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A `sync_runs` row's first seven columns: kind, started_at, ended_at,
/// result, counts, error, job_id.
fn run_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SyncRun> {
    let counts: String = r.get(4)?;
    Ok(SyncRun {
        kind: r.get(0)?,
        started_at: r.get(1)?,
        ended_at: r.get(2)?,
        result: r.get(3)?,
        counts: serde_json::from_str::<CountsRow>(&counts)
            .map(Into::into)
            .unwrap_or_default(),
        error: r.get(5)?,
        job_id: r.get(6)?,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CountsRow {
    added: usize,
    restored: usize,
    cooled: usize,
    released: usize,
    unchanged: usize,
    skipped: usize,
    conflicts: usize,
}

impl From<CountsRow> for SyncCounts {
    fn from(c: CountsRow) -> Self {
        SyncCounts {
            added: c.added,
            restored: c.restored,
            cooled: c.cooled,
            released: c.released,
            unchanged: c.unchanged,
            skipped: c.skipped,
            conflicts: c.conflicts,
        }
    }
}

/// Rows linked to the connection plus rows of every snapshot number, in
/// number order (what the planner's merge needs).
fn load_for_plan(
    tx: &Transaction<'_>,
    connection: &str,
    snapshot: &Snapshot,
) -> Result<Vec<InventoryItem>> {
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS snap(number TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.snap;")?;
    {
        let mut ins = tx.prepare_cached("INSERT INTO temp.snap(number) VALUES (?1)")?;
        for n in snapshot.entries.keys() {
            ins.execute([n])?;
        }
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM numbers WHERE ifnull(connection, '') = ?1
         UNION SELECT {COLUMNS} FROM numbers WHERE number IN (SELECT number FROM temp.snap)
         ORDER BY number"
    );
    let mut stmt = tx.prepare(&sql)?;
    let rows = stmt.query_map([connection], from_row)?;
    let out = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    tx.execute_batch("DELETE FROM temp.snap;")?;
    Ok(out)
}

/// Makes the cached users of the connection equal to `users`, writing
/// only the rows that differ (an unchanged re-sync writes none).
fn replace_registered_users(
    tx: &Transaction<'_>,
    connection: &str,
    users: &[RegisteredUser],
) -> Result<()> {
    type Row = (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
    );
    let mut kept: std::collections::HashMap<String, Row> = {
        let mut stmt = tx.prepare_cached(
            "SELECT user_id, user_name, display_name, number, status, last_seen, sbc
             FROM registered_users WHERE connection = ?1",
        )?;
        let rows = stmt.query_map([connection], |r| {
            Ok((
                r.get(0)?,
                (
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut upsert = tx.prepare_cached(
        "INSERT INTO registered_users(connection, user_id, user_name, display_name, number, status, last_seen, sbc)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(connection, user_id) DO UPDATE SET user_name = excluded.user_name,
           display_name = excluded.display_name, number = excluded.number, status = excluded.status,
           last_seen = excluded.last_seen, sbc = excluded.sbc",
    )?;
    for u in users {
        let row: Row = (
            u.user_name.clone(),
            u.display_name.clone(),
            u.number.clone(),
            u.raw_status.clone(),
            u.last_seen.map(clock::stamp),
            u.sbc.clone(),
        );
        if kept.remove(&u.id).is_some_and(|old| old == row) {
            continue;
        }
        upsert.execute(params![
            connection, u.id, row.0, row.1, row.2, row.3, row.4, row.5
        ])?;
    }
    let mut gone =
        tx.prepare_cached("DELETE FROM registered_users WHERE connection = ?1 AND user_id = ?2")?;
    for id in kept.keys() {
        gone.execute(params![connection, id])?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn record_run(
    tx: &Transaction<'_>,
    connection: &str,
    kind: &str,
    job_id: Option<&str>,
    started_at: DateTime<Utc>,
    result: &str,
    counts: &SyncCounts,
    details: &SyncDetails,
    error: &str,
    clock: clock::Clock,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_runs(connection, kind, job_id, started_at, ended_at, result, counts, error, details)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            connection,
            kind,
            job_id,
            clock::stamp(started_at),
            clock.stamp(),
            result,
            serde_json::to_string(counts).unwrap_or_default(),
            error,
            serde_json::to_string(details).unwrap_or_else(|_| "{}".into())
        ],
    )?;
    Ok(())
}

/// Tests only (debug builds): `SWITCHBOARD_TEST_SLOW_WRITE_MS` holds a
/// sync's transaction open that long before it writes, so that a test can
/// stop a job during its write on a loaded two-core machine as surely as a
/// 100,000-user sync does on a quiet one. Release builds have no such hook.
fn slow_write_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SWITCHBOARD_TEST_SLOW_WRITE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
