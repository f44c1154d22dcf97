//! Jobs and their log lines, so that every process sees every job.

use super::{sql_limit, Result, Store};
use crate::domain::job::{JobKind, JobState};
use rusqlite::{params, OptionalExtension};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub id: String,
    pub kind: String,
    pub target: String,
    pub state: JobState,
    pub done: u64,
    pub total: u64,
    pub created_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub summary: String,
    pub error: String,
}

impl Store {
    pub fn insert_job(&self, id: &str, kind: &JobKind) -> Result<()> {
        self.own.bookkeeping(&self.conn, || {
            self.conn.execute(
            "INSERT INTO jobs(id, kind, target, spec, state, created_at, pid) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?6)",
            params![
                id,
                kind.label(),
                kind.target(),
                serde_json::to_string(kind).unwrap_or_default(),
                self.clock.stamp(),
                std::process::id()
            ],
        )
        })?;
        Ok(())
    }

    pub fn start_job(&self, id: &str) -> Result<()> {
        self.own.bookkeeping(&self.conn, || {
            self.conn.execute(
                "UPDATE jobs SET state = 'running', started_at = ?2 WHERE id = ?1",
                params![id, self.clock.stamp()],
            )
        })?;
        Ok(())
    }

    pub fn job_progress(&self, id: &str, done: u64, total: u64) -> Result<()> {
        self.own.bookkeeping(&self.conn, || {
            self.conn.execute(
                "UPDATE jobs SET done = ?2, total = ?3 WHERE id = ?1",
                params![id, done, total],
            )
        })?;
        Ok(())
    }

    pub fn finish_job(&self, id: &str, state: JobState, summary: &str, error: &str) -> Result<()> {
        self.own.bookkeeping(&self.conn, || {
            self.conn.execute(
                "UPDATE jobs SET state = ?2, ended_at = ?3, summary = ?4, error = ?5 WHERE id = ?1",
                params![id, state.as_str(), self.clock.stamp(), summary, error],
            )
        })?;
        Ok(())
    }

    pub fn append_job_log(&self, id: &str, line: &str) -> Result<()> {
        self.own.bookkeeping(&self.conn, || {
            self.conn.execute(
            "INSERT INTO job_logs(job_id, seq, at, line)
             VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM job_logs WHERE job_id = ?1), ?2, ?3)",
            params![id, self.clock.stamp(), line],
        )
        })?;
        Ok(())
    }

    pub fn job_log(&self, id: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT at, line FROM job_logs WHERE job_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The last ended job of `kind` (its label) on `target`: a Live
    /// Platform or AXP connection's last refresh, whatever its outcome.
    pub fn last_ended_job(&self, kind: &str, target: &str) -> Result<Option<JobRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, target, state, done, total, created_at, started_at, ended_at, summary, error
             FROM jobs WHERE kind = ?1 AND target = ?2 AND ended_at IS NOT NULL
             ORDER BY ended_at DESC, rowid DESC LIMIT 1",
        )?;
        Ok(stmt.query_row([kind, target], job_from_row).optional()?)
    }

    pub fn recent_jobs(&self, limit: usize) -> Result<Vec<JobRecord>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, kind, target, state, done, total, created_at, started_at, ended_at, summary, error
             FROM jobs ORDER BY created_at DESC, rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([sql_limit(limit)], job_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Jobs left running by a process that is gone (a crash, kill -9, or
    /// a store that could not take the record of the job's end): each is
    /// closed with what the store knows of it, and the leases its process
    /// held for it are released.
    pub fn fail_orphaned_jobs(&self) -> Result<usize> {
        use rusqlite::OptionalExtension;
        let mut stmt = self
            .conn
            .prepare("SELECT id, pid FROM jobs WHERE state IN ('queued', 'running')")?;
        let rows: Vec<(String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut n = 0;
        for (id, pid) in rows {
            if std::path::Path::new(&format!("/proc/{pid}")).exists() {
                continue;
            }
            // A sync or purge records its run in the same transaction as
            // its changes: the run says whether they were committed.
            let run: Option<(String, String)> = self
                .conn
                .query_row(
                    "SELECT kind, result FROM sync_runs WHERE job_id = ?1 ORDER BY id DESC LIMIT 1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let ended = format!(
                "process {pid} ended without recording how this job ended (a crash, a kill, or a full or busy store)"
            );
            match run {
                Some((kind, result))
                    if matches!(result.as_str(), "applied" | "purged" | "preview") =>
                {
                    self.finish_job(
                        &id,
                        JobState::Succeeded,
                        &format!("{ended}; the store holds its {kind} run: {result}"),
                        "",
                    )?
                }
                Some((kind, result)) => self.finish_job(
                    &id,
                    JobState::Failed,
                    "",
                    &format!("{ended}; the store holds its {kind} run: {result}"),
                )?,
                None => self.finish_job(&id, JobState::Failed, "", &ended)?,
            }
            // Holders read `pid N on HOST (who, job ID8)`.
            let short: String = id.chars().take(8).collect();
            self.conn.execute(
                "DELETE FROM leases WHERE holder LIKE ?1 AND holder LIKE ?2",
                params![format!("pid {pid} on %"), format!("%job {short})")],
            )?;
            n += 1;
        }
        Ok(n)
    }
}

/// A `jobs` row as selected by [`Store::recent_jobs`].
fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<JobRecord> {
    let state: String = r.get(3)?;
    Ok(JobRecord {
        id: r.get(0)?,
        kind: r.get(1)?,
        target: r.get(2)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        done: r.get(4)?,
        total: r.get(5)?,
        created_at: r.get(6)?,
        started_at: r.get(7)?,
        ended_at: r.get(8)?,
        summary: r.get(9)?,
        error: r.get(10)?,
    })
}
