//! Jobs as recorded (by every process on the store, and under read-only
//! by this session in memory) and their log lines, escaped for a screen.

use super::safe;
use crate::domain::terminal_text::terminal_safe;
use crate::store::jobs::JobRecord;
use crate::store::{Result, Store};
use crate::worker::SessionJobs;

/// A job as recorded, its words escaped (records written before the
/// worker escaped them, or by another program, show safe too).
fn safe_job(j: JobRecord) -> JobRecord {
    JobRecord {
        target: safe(j.target),
        summary: safe(j.summary),
        error: safe(j.error),
        ..j
    }
}

/// The newest `limit` jobs, this session's (read-only) among the stored.
pub fn recent(
    store: &Store,
    session: Option<&SessionJobs>,
    limit: usize,
) -> Result<Vec<JobRecord>> {
    let mut jobs = session.map(|s| s.recent(limit)).unwrap_or_default();
    jobs.extend(store.recent_jobs(limit)?);
    jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    jobs.truncate(limit);
    Ok(jobs.into_iter().map(safe_job).collect())
}

/// A job's log lines, each `at line`, escaped.
pub fn log(store: &Store, session: Option<&SessionJobs>, id: &str) -> Result<Vec<String>> {
    let lines = match session.and_then(|s| s.log(id)) {
        Some(lines) => lines,
        None => store.job_log(id)?,
    };
    Ok(lines
        .into_iter()
        .map(|(at, line)| format!("{at} {}", terminal_safe(&line)))
        .collect())
}
