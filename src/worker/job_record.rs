//! Where a job's record goes: the store's `jobs` and `job_logs` tables, or,
//! under read-only (`--read-only`, `read_only = true`), this process's
//! memory. The worker records every job through one [`JobRecorder`], so
//! a read-only run leaves the store's bytes as they were while the
//! dashboard still lists the jobs it ran in this session.

use super::store_lane::StoreLane;
use crate::clock::Clock;
use crate::domain::job::{JobKind, JobState};
use crate::store::jobs::JobRecord;
#[cfg(test)]
use crate::store::StoreAt;
use crate::store::StoreError;
use std::sync::{Arc, Mutex};

/// How many jobs a read-only session keeps (the oldest go first).
const KEEP: usize = 500;

/// Records jobs in the store, or in memory under read-only.
#[derive(Clone)]
pub(crate) enum JobRecorder {
    Store(StoreLane),
    /// The (read-only) store is still opened when a job that reads it
    /// begins, so that a missing one fails the job at once, as it does
    /// when jobs are recorded in the store.
    Memory(StoreLane, SessionJobs),
}

/// The jobs this process ran under read-only, with their log lines.
/// Cheap to clone: every clone sees the same jobs.
#[derive(Clone, Default)]
pub struct SessionJobs(Arc<Mutex<Vec<SessionJob>>>);

struct SessionJob {
    record: JobRecord,
    log: Vec<(String, String)>,
}

impl SessionJobs {
    /// The newest `limit` jobs, newest first (as `Store::recent_jobs`).
    pub fn recent(&self, limit: usize) -> Vec<JobRecord> {
        let jobs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter()
            .rev()
            .take(limit)
            .map(|j| j.record.clone())
            .collect()
    }

    /// A job's log lines (time, line), if this session ran it.
    pub fn log(&self, id: &str) -> Option<Vec<(String, String)>> {
        let jobs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        jobs.iter()
            .find(|j| j.record.id == id)
            .map(|j| j.log.clone())
    }

    fn insert(&self, id: &str, kind: &JobKind, clock: Clock) {
        let now = clock.stamp();
        let mut jobs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if jobs.len() >= KEEP {
            jobs.remove(0);
        }
        jobs.push(SessionJob {
            record: JobRecord {
                id: id.to_string(),
                kind: kind.label().to_string(),
                target: kind.target(),
                state: JobState::Running,
                done: 0,
                total: 0,
                created_at: now.clone(),
                started_at: Some(now),
                ended_at: None,
                summary: String::new(),
                error: String::new(),
            },
            log: Vec::new(),
        });
    }

    fn with(&self, id: &str, f: impl FnOnce(&mut SessionJob)) {
        let mut jobs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(j) = jobs.iter_mut().rev().find(|j| j.record.id == id) {
            f(j);
        }
    }
}

/// Whether a job reads the store. Testing or probing a connection of the
/// config file reads only the vendor: under read-only it works before
/// the store exists.
fn reads_store(kind: &JobKind) -> bool {
    !matches!(
        kind,
        JobKind::TestConnection { .. } | JobKind::ProbeConnection { .. }
    )
}

impl JobRecorder {
    /// In the store, or in memory when the store is read-only.
    pub(crate) fn for_store(store: &StoreLane) -> JobRecorder {
        if store.at().read_only {
            JobRecorder::Memory(store.clone(), SessionJobs::default())
        } else {
            JobRecorder::Store(store.clone())
        }
    }

    /// The session's jobs, when they are kept in memory.
    pub(crate) fn session(&self) -> Option<SessionJobs> {
        match self {
            JobRecorder::Store(_) => None,
            JobRecorder::Memory(_, m) => Some(m.clone()),
        }
    }

    /// A job is queued and starts (`insert_job`, then `start_job`).
    pub(crate) async fn begin(&self, id: &str, kind: &JobKind) -> Result<(), StoreError> {
        match self {
            JobRecorder::Store(at) => {
                let (jid, k) = (id.to_string(), kind.clone());
                at.run(move |s| {
                    // Jobs whose process ended before recording their end.
                    s.fail_orphaned_jobs()?;
                    s.insert_job(&jid, &k)?;
                    s.start_job(&jid)
                })
                .await
            }
            JobRecorder::Memory(at, m) => {
                if reads_store(kind) {
                    at.run(|_| Ok(())).await?;
                }
                m.insert(id, kind, at.clock());
                Ok(())
            }
        }
    }

    /// A job refused before it began (another holds its lease): recorded
    /// as begun and ended at once.
    pub(crate) async fn refused(
        &self,
        id: &str,
        kind: &JobKind,
        o: &super::JobOutcome,
    ) -> Result<(), StoreError> {
        match self {
            JobRecorder::Store(at) => {
                let (jid, k, o) = (id.to_string(), kind.clone(), o.clone());
                at.run(move |s| {
                    s.insert_job(&jid, &k)?;
                    s.finish_job(&jid, o.state, &o.summary, &o.error)
                })
                .await
            }
            JobRecorder::Memory(at, m) => {
                m.insert(id, kind, at.clock());
                self.finish(id, o.state, &o.summary, &o.error).await
            }
        }
    }

    /// One line of a job's log.
    pub(crate) async fn log(&self, id: &str, line: &str) -> Result<(), StoreError> {
        match self {
            JobRecorder::Store(at) => {
                let (jid, line) = (id.to_string(), line.to_string());
                at.run(move |s| s.append_job_log(&jid, &line)).await
            }
            JobRecorder::Memory(lane, m) => {
                let at = lane.clock().stamp();
                m.with(id, |j| j.log.push((at, line.to_string())));
                Ok(())
            }
        }
    }

    /// How a job ended; in the store, retried with backoff while it is
    /// busy or full (a job left `running` holds up nothing, but misleads
    /// whoever reads it; the next process closes it if every try fails).
    pub(crate) async fn finish(
        &self,
        id: &str,
        state: JobState,
        summary: &str,
        error: &str,
    ) -> Result<(), StoreError> {
        match self {
            JobRecorder::Store(at) => {
                let mut delay = std::time::Duration::from_millis(100);
                let mut attempt = 0;
                loop {
                    let (jid, summary, error) =
                        (id.to_string(), summary.to_string(), error.to_string());
                    match at
                        .run(move |s| s.finish_job(&jid, state, &summary, &error))
                        .await
                    {
                        Ok(()) => return Ok(()),
                        Err(e) if attempt >= 3 => return Err(e),
                        Err(e) => {
                            tracing::warn!("recording the end of job {id} failed ({e}); retrying");
                            tokio::time::sleep(delay).await;
                            delay *= 2;
                            attempt += 1;
                        }
                    }
                }
            }
            JobRecorder::Memory(lane, m) => {
                let at = lane.clock().stamp();
                m.with(id, |j| {
                    j.record.state = state;
                    j.record.ended_at = Some(at);
                    j.record.summary = summary.to_string();
                    j.record.error = error.to_string();
                });
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_read_only_recorder_keeps_jobs_in_memory_and_creates_no_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none/s.db");
        let rec = JobRecorder::for_store(&StoreLane::new(StoreAt::new(&path, true), Clock::Real));
        let missing = rec.begin("j0", &JobKind::Sweep).await.unwrap_err();
        assert!(
            matches!(missing, crate::store::StoreError::Missing(_)),
            "{missing}"
        );
        assert!(!path.parent().unwrap().exists());
        drop(crate::store::Store::open(&path).unwrap());
        rec.begin("j1", &JobKind::Sweep).await.unwrap();
        rec.log("j1", "a line").await.unwrap();
        rec.finish("j1", JobState::Failed, "", "refused: read-only")
            .await
            .unwrap();
        let jobs = rec.session().unwrap().recent(10);
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].state, JobState::Failed);
        assert_eq!(jobs[0].error, "refused: read-only");
        assert!(jobs[0].ended_at.is_some());
        let log = rec.session().unwrap().log("j1").unwrap();
        assert_eq!(log[0].1, "a line");
        let rw = JobRecorder::for_store(&StoreLane::new(StoreAt::new(&path, false), Clock::Real));
        assert!(rw.session().is_none());
    }
}

#[cfg(test)]
mod timing {
    use super::*;

    /// The cost of one logged line, the worker's most frequent store call
    /// (`cargo test --lib log_line_cost -- --ignored --nocapture`).
    #[tokio::test(flavor = "multi_thread")]
    #[ignore]
    async fn log_line_cost() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(crate::store::Store::open(&path).unwrap());
        let rec = JobRecorder::for_store(&StoreLane::new(StoreAt::new(&path, false), Clock::Real));
        rec.begin("j1", &JobKind::Sweep).await.unwrap();
        let n = 1000;
        let began = std::time::Instant::now();
        for i in 0..n {
            rec.log("j1", &format!("line {i}")).await.unwrap();
        }
        eprintln!("one logged line, alone: {:?}", began.elapsed() / n);
        // As under the dashboard, whose reader keeps a connection open.
        let reader = crate::store::Store::open(&path).unwrap();
        let began = std::time::Instant::now();
        for i in 0..n {
            rec.log("j1", &format!("line {i}")).await.unwrap();
        }
        eprintln!(
            "one logged line, beside a reader: {:?}",
            began.elapsed() / n
        );
        drop(reader);
    }
}
