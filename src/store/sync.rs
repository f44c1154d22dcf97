//! Applying an AudioCodes sync, a purge and the sweep: each in one
//! `BEGIN IMMEDIATE` transaction, so a failure or a crash leaves the store
//! as it was.

use super::batch::{values_list, Batch, BATCH_ROWS};
use super::no_copy::{or_null, text_ref, NoCopy};
use super::numbers::{field_values, from_row, write_transitions, COLUMNS, FIELDS};
use super::plan_rows::PlanRows;
use super::sync_ahead::{plan_base, SyncAhead};
use super::{Result, Store};
use crate::clock;
use crate::domain::cooling::{self, Conflict, GuardTrip, SyncCounts};
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::{RegisteredUser, Snapshot};
use crate::domain::settings::InventorySettings;
use crate::free_later::free_later;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{Value, ValueRef};
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
    /// Planned from the rows read ahead (the store had not changed since),
    /// rather than read again inside the write lock.
    #[serde(skip)]
    pub read_ahead: bool,
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
        self.apply_sync_ahead(req, None)
    }

    /// [`Store::apply_sync`] with what [`Store::read_sync_ahead`] read
    /// while the list was fetched: used if the store is still as it was
    /// then, else read again inside the write lock.
    pub fn apply_sync_ahead(
        &mut self,
        req: &SyncRequest<'_>,
        ahead: Option<SyncAhead>,
    ) -> Result<SyncOutcome> {
        // The snapshot is built on a thread of its own meanwhile, from
        // the list only: the cached users are compared with the list here.
        std::thread::scope(|scope| {
            let snapshot = scope.spawn(|| Snapshot::from_users(req.users));
            self.apply_sync_with(req, ahead, || {
                snapshot
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
        })
    }

    fn apply_sync_with(
        &mut self,
        req: &SyncRequest<'_>,
        ahead: Option<SyncAhead>,
        snapshot: impl FnOnce() -> Snapshot,
    ) -> Result<SyncOutcome> {
        let read_only = self.is_read_only();
        let clock = self.clock;
        let tx = self.conn.transaction_with_behavior(if read_only {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        })?;
        let now = self.own.mark(&tx)?;
        let (base, read_ahead) = plan_base(&tx, req.connection, now, ahead)?;
        // A connection's first cached users go in without a compare.
        let first_users = base.cached.is_empty();
        let (changed, gone) = if first_users {
            (Vec::new(), Vec::new())
        } else {
            base.cached.differences(req.users)
        };
        let snapshot = snapshot();
        let inventory = load_for_plan(&tx, base.linked, &snapshot)?;
        let plan = cooling::plan(
            req.connection,
            &snapshot,
            &inventory.refs(),
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
            if first_users {
                insert_registered_users(&tx, req.connection, req.users)?;
            } else {
                replace_registered_users(&tx, req.connection, changed, gone)?;
            }
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
        let registered = snapshot.registered_count();
        // The rows the plan read and made (100,000 each in a sync or a
        // purge of that size) are not the caller's to wait for.
        free_later((inventory, snapshot, base.cached, plan.transitions));
        Ok(SyncOutcome {
            connection: req.connection.to_string(),
            result: result.into(),
            counts: plan.counts,
            conflicts: details.conflicts,
            guard,
            registered,
            users: req.users.len(),
            skipped_users: details.skipped,
            read_ahead,
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
        let mut due: Vec<InventoryItem> = {
            // In the cooling index's order; sorted here, faster than SQLite's sorter.
            let sql = format!(
                "SELECT {COLUMNS} FROM numbers WHERE status = 'Cooling' AND release_date <= ?1"
            );
            let mut stmt = tx.prepare(&sql)?;
            let rows = stmt.query_map([today.to_string()], from_row)?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        due.sort_unstable_by(|a, b| a.number.cmp(&b.number));
        let transitions = cooling::sweep(&due, today);
        if !write_alike(&tx, &transitions, "sweep", clock)? {
            write_transitions(&tx, &transitions, "sweep", clock)?;
        }
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

/// Writes transitions that all give their rows the same values from the
/// same status (a sweep's releases) as one statement over their numbers,
/// and their events as another; false, writing nothing, when they differ.
/// Per batch of rows, a sweep of 100,000 cost about 0.1 s CPU more.
fn write_alike(
    tx: &Transaction<'_>,
    transitions: &[cooling::Transition],
    cause: &str,
    clock: clock::Clock,
) -> Result<bool> {
    let Some(first) = transitions.first() else {
        return Ok(true);
    };
    let alike = |t: &cooling::Transition| {
        t.kind == first.kind
            && t.before.as_ref().map(|b| b.status) == first.before.as_ref().map(|b| b.status)
            && InventoryItem {
                number: first.after.number.clone(),
                ..t.after.clone()
            } == first.after
    };
    if !transitions.iter().all(alike) {
        return Ok(false);
    }
    let now = clock.stamp();
    let numbers: Vec<&str> = transitions
        .iter()
        .map(|t| t.after.number.as_str())
        .collect();
    let numbers = serde_json::to_string(&numbers).expect("strings serialize");
    let set: Vec<String> = FIELDS
        .iter()
        .enumerate()
        .map(|(i, f)| format!("{f} = ?{}", i + 3))
        .collect();
    let mut values = vec![Value::Text(now.clone()), Value::Text(numbers)];
    values.extend(field_values(&first.after));
    tx.execute(
        &format!(
            "UPDATE numbers SET {}, updated_at = ?1 WHERE number IN (SELECT value FROM json_each(?2))",
            set.join(", ")
        ),
        rusqlite::params_from_iter(values.iter()),
    )?;
    if first.changes_status() || first.kind.always_recorded() {
        let [now, numbers, ..] = &values[..] else {
            unreachable!("two values first")
        };
        tx.execute(
            "INSERT INTO number_events(number, at, from_status, to_status, cause, detail)
             SELECT value, ?1, ?3, ?4, ?5, ?6 FROM json_each(?2)",
            params![
                now,
                numbers,
                first.before.as_ref().map(|b| b.status.as_str()),
                first.after.status.as_str(),
                cause,
                format!("{:?}", first.kind).to_lowercase(),
            ],
        )?;
    }
    Ok(true)
}

/// Rows linked to the connection plus rows of every snapshot number, in
/// number order (what the planner's merge needs): the connection's rows
/// (`linked`, read in number order from its index) merged with the
/// snapshot's numbers; a snapshot number the connection does not hold is
/// looked up on its own (no temporary table, no second pass). When none
/// is found elsewhere (an unchanged re-sync), `linked` is returned as it
/// is, not copied row by row.
pub(super) fn load_for_plan(
    tx: &Transaction<'_>,
    linked: PlanRows,
    snapshot: &Snapshot,
) -> Result<PlanRows> {
    let mut lookup =
        tx.prepare_cached(&format!("SELECT {COLUMNS} FROM numbers WHERE number = ?1"))?;
    let mut others = PlanRows::default();
    let mut k = 0;
    for number in snapshot.numbers() {
        while k < linked.len() && linked.number(k) < number {
            k += 1;
        }
        if k < linked.len() && linked.number(k) == number {
            k += 1;
            continue;
        }
        let mut rows = lookup.query([number])?;
        if let Some(r) = rows.next()? {
            others.push(r)?;
        }
    }
    Ok(linked.merged(&others))
}

/// Makes the cached users of the connection equal to the fetched list,
/// writing only what `CachedUsers::differences` found: the users whose
/// row differs or is new, and the ids gone (an unchanged re-sync writes
/// none).
fn replace_registered_users(
    tx: &Transaction<'_>,
    connection: &str,
    changed: Vec<&RegisteredUser>,
    gone: Vec<String>,
) -> Result<()> {
    let mut upsert = Batch::new(tx, 7, vec![Value::Text(connection.to_string())], |list| {
        format!(
            "INSERT INTO registered_users(connection, user_id, user_name, display_name, number, status, last_seen, sbc)
             SELECT ?1, column1, column2, column3, column4, column5, column6, column7 FROM (VALUES {list}) WHERE true
             ON CONFLICT(connection, user_id) DO UPDATE SET user_name = excluded.user_name,
               display_name = excluded.display_name, number = excluded.number, status = excluded.status,
               last_seen = excluded.last_seen, sbc = excluded.sbc"
        )
    });
    for u in changed {
        let seen = u.last_seen.map(clock::stamp);
        upsert.push(user_columns(u, seen.as_deref()))?;
    }
    upsert.finish()?;
    let mut delete = Batch::new(tx, 1, vec![Value::Text(connection.to_string())], |list| {
        format!(
            "DELETE FROM registered_users WHERE connection = ?1
             AND user_id IN (SELECT column1 FROM (VALUES {list}))"
        )
    });
    for id in gone {
        delete.push([text_ref(&id)])?;
    }
    delete.finish()?;
    Ok(())
}

/// The cached users of a connection that has none (a first sync): every
/// user inserted in id order, nothing to compare, [`BATCH_ROWS`] rows per
/// plain `INSERT` (no trigger on this table, so no per-statement cost),
/// their texts bound in place (`store::no_copy`).
/// Of users sharing an id the last one stays, as the upsert keeps it.
fn insert_registered_users(
    tx: &Transaction<'_>,
    connection: &str,
    users: &[RegisteredUser],
) -> Result<()> {
    let mut by_id: Vec<&RegisteredUser> = users.iter().collect();
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let last_of_id: Vec<&RegisteredUser> = by_id
        .iter()
        .enumerate()
        .filter(|(i, u)| by_id.get(i + 1).is_none_or(|next| next.id != u.id))
        .map(|(_, u)| *u)
        .collect();
    let sql = |rows: usize| {
        format!(
            "INSERT INTO registered_users(connection, user_id, user_name, display_name, number, status, last_seen, sbc)
             VALUES {}",
            values_list(rows, 8, 1)
        )
    };
    let mut full: Option<NoCopy<'_>> = None;
    for chunk in last_of_id.chunks(BATCH_ROWS) {
        let seen: Vec<Option<String>> = chunk
            .iter()
            .map(|u| u.last_seen.map(clock::stamp))
            .collect();
        let values = chunk.iter().zip(&seen).flat_map(|(u, seen)| {
            std::iter::once(text_ref(connection)).chain(user_columns(u, seen.as_deref()))
        });
        if chunk.len() == BATCH_ROWS {
            let insert = match &mut full {
                Some(insert) => insert,
                none => none.insert(NoCopy::prepare(tx, &sql(BATCH_ROWS))?),
            };
            insert.execute(values)?;
        } else {
            NoCopy::prepare(tx, &sql(chunk.len()))?.execute(values)?;
        }
    }
    Ok(())
}

/// A cached user's columns after the connection, in the table's order
/// (`seen`: its last seen as stored), bound in place.
fn user_columns<'u>(u: &'u RegisteredUser, seen: Option<&'u str>) -> [ValueRef<'u>; 7] {
    [
        text_ref(&u.id),
        text_ref(&u.user_name),
        text_ref(&u.display_name),
        or_null(u.number.as_deref()),
        text_ref(&u.raw_status),
        or_null(seen),
        text_ref(&u.sbc),
    ]
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
