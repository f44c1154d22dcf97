//! A job's one commit point. Before it, a timeout or cancel stops the job
//! and nothing was changed. Once the job's store write has begun, the
//! write is no longer abandoned: a timeout waits for it to end, a cancel
//! interrupts it inside its transaction (which then rolls back), and the
//! report says what the store holds. Once a request that may change a
//! vendor's side has been sent, the outcome is unknown unless the job
//! learnt it, and the report says how to find out.
//!
//! The job runner (`run_job`) reads the phase when its clock or a cancel
//! fires; the words of the report come from [`Stopped`], never from a
//! fixed string.

use super::store_lane::StoreLane;
use crate::store::{Store, StoreError};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// What stopped a job before it ended by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// `http.job_timeout_secs` passed.
    TimedOut {
        limit_secs: u64,
    },
    Cancelled,
}

/// Where a job was when it was stopped, and so what is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Nothing written or sent yet.
    Before,
    /// The store write `what` has begun and has not ended.
    Writing { what: String },
    /// The store write `what` committed; the store holds `holds`.
    Written { what: String, holds: String },
    /// The store write `what` ended without committing (an error, or
    /// interrupted by a cancel): its transaction rolled back.
    RolledBack { what: String, why: String },
    /// A request that may change the vendor's side was sent: `what`;
    /// `accepted` is what the server answered (`task wst_…`) if it did;
    /// `check` how a person finds out what became of it.
    Sent {
        what: String,
        accepted: Option<String>,
        check: String,
    },
    /// The vendor answered that the request `what` was done (`answer`,
    /// e.g. `HTTP 200`); what followed it (listing again) may not be.
    Done { what: String, answer: String },
}

/// A stopped job: what stopped it and where it was. Its `Display` is the
/// one line the person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    pub by: Stop,
    pub at: Phase,
    /// Whether a store write was under way when the job was stopped (and
    /// was then waited for): `at` is how it ended.
    pub during_write: bool,
}

impl Stopped {
    /// Whether the store holds the job's write (it committed).
    pub fn committed(&self) -> bool {
        matches!(self.at, Phase::Written { .. } | Phase::Done { .. })
    }
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let when = match self.by {
            Stop::TimedOut { limit_secs } => {
                format!("the time limit ({limit_secs}s, http.job_timeout_secs) passed")
            }
            Stop::Cancelled => "the job was cancelled".to_string(),
        };
        match &self.at {
            Phase::Before => match self.by {
                Stop::TimedOut { limit_secs } => write!(
                    f,
                    "gave up after {limit_secs}s (http.job_timeout_secs), before anything was written or sent; nothing was changed"
                ),
                Stop::Cancelled => {
                    f.write_str("cancelled before anything was written or sent; nothing was changed")
                }
            },
            Phase::Writing { what } => write!(
                f,
                "{what}: the write had begun when {when}; its end is not known"
            ),
            Phase::Written { what, holds } if self.during_write => write!(
                f,
                "{what}: the write had begun when {when}; it finished and the store holds it: {holds}"
            ),
            Phase::Written { what, holds } => write!(
                f,
                "{what}: written before {when}; the store holds it: {holds}"
            ),
            Phase::RolledBack { what, why } => write!(
                f,
                "{what}: the write had begun when {when}; it was interrupted and rolled back ({why}); nothing was changed"
            ),
            Phase::Sent {
                what,
                accepted,
                check,
            } => {
                let answer = match accepted {
                    Some(a) => format!("the server accepted it ({a})"),
                    None => "no answer came back".to_string(),
                };
                write!(
                    f,
                    "{what}: sent; {answer}; its outcome is unknown after {when}: {check} to check"
                )
            }
            Phase::Done { what, answer } => write!(
                f,
                "{what}: done ({answer}) before {when}; what followed it was not finished"
            ),
        }
    }
}

/// The phase of one job, shared between the job, the blocking thread of
/// its write, and the runner.
#[derive(Clone)]
pub struct CommitPoint {
    phase: Arc<watch::Sender<Phase>>,
    interrupt: Arc<Mutex<Option<rusqlite::InterruptHandle>>>,
}

impl Default for CommitPoint {
    fn default() -> Self {
        CommitPoint {
            phase: Arc::new(watch::channel(Phase::Before).0),
            interrupt: Arc::new(Mutex::new(None)),
        }
    }
}

impl CommitPoint {
    pub fn phase(&self) -> Phase {
        self.phase.borrow().clone()
    }

    /// A request that may change the vendor's side is about to be sent.
    pub fn sent(&self, what: &str, check: &str) {
        self.phase.send_replace(Phase::Sent {
            what: what.to_string(),
            accepted: None,
            check: check.to_string(),
        });
    }

    /// The server answered the request sent: `answer` says how
    /// (`task wst_…`, `HTTP 202`).
    pub fn accepted(&self, answer: &str) {
        self.phase.send_modify(|p| {
            if let Phase::Sent { accepted, .. } = p {
                *accepted = Some(answer.to_string());
            }
        });
    }

    /// The server answered that the request sent is done (`HTTP 200`).
    pub fn done(&self, answer: &str) {
        self.phase.send_modify(|p| {
            if let Phase::Sent { what, .. } = p {
                *p = Phase::Done {
                    what: std::mem::take(what),
                    answer: answer.to_string(),
                };
            }
        });
    }

    /// Runs `write` on the worker's store connection on a blocking thread:
    /// the job's commit point. The thread runs to its end even if the job is
    /// dropped; `describe` says what the store then holds. A cancel
    /// interrupts the write's SQL (SQLite's progress handler), which rolls
    /// its transaction back.
    pub async fn write<T, F, D>(
        &self,
        store: &StoreLane,
        cancel: &CancellationToken,
        what: &str,
        write: F,
        describe: D,
    ) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
        D: FnOnce(&T) -> String + Send + 'static,
    {
        let what = what.to_string();
        self.phase
            .send_replace(Phase::Writing { what: what.clone() });
        let (me, cancel, store) = (self.clone(), cancel.clone(), store.clone());
        let task = tokio::task::spawn_blocking(move || {
            let result = store.blocking(|s| {
                let c = cancel.clone();
                s.conn
                    .progress_handler(1000, Some(move || c.is_cancelled()));
                *me.interrupt.lock().unwrap() = Some(s.conn.get_interrupt_handle());
                let r = if cancel.is_cancelled() {
                    Err(StoreError::Interrupted(None))
                } else {
                    write(s)
                };
                // The connection serves other jobs next: neither this job's
                // cancel nor its interrupt may reach their statements (an
                // interrupt that comes once no statement runs is cleared by
                // SQLite when the next one starts).
                *me.interrupt.lock().unwrap() = None;
                s.conn.progress_handler(0, None::<fn() -> bool>);
                r
            });
            me.phase.send_replace(match &result {
                Ok(t) => Phase::Written {
                    what,
                    holds: describe(t),
                },
                Err(e) => Phase::RolledBack {
                    what,
                    why: e.to_string(),
                },
            });
            result
        });
        task.await
            .map_err(|e| StoreError::Task(format!("store task failed: {e}")))?
    }

    /// What a job stopped by `by` reports, once its write (if one had
    /// begun) has ended: the write is waited for, never abandoned.
    pub async fn stopped(&self, by: Stop) -> Stopped {
        if by == Stop::Cancelled {
            // A statement running now stops at once; the next is refused
            // by the progress handler, which sees the cancelled token.
            if let Some(h) = self.interrupt.lock().unwrap().as_ref() {
                h.interrupt();
            }
        }
        let during_write = matches!(self.phase(), Phase::Writing { .. });
        let mut rx = self.phase.subscribe();
        let at = rx
            .wait_for(|p| !matches!(p, Phase::Writing { .. }))
            .await
            .map(|p| p.clone())
            .unwrap_or_else(|_| self.phase());
        Stopped {
            by,
            at,
            during_write,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_phase_says_what_is_known() {
        let t = Stop::TimedOut { limit_secs: 1 };
        let say = |at: Phase, by: Stop| {
            Stopped {
                by,
                at,
                during_write: true,
            }
            .to_string()
        };
        assert!(say(Phase::Before, t).ends_with("nothing was changed"));
        assert!(say(Phase::Before, Stop::Cancelled).starts_with("cancelled"));
        let w = say(
            Phase::Written {
                what: "sync of lab".into(),
                holds: "added 3".into(),
            },
            t,
        );
        assert!(
            w.contains("the write had begun when the time limit (1s"),
            "{w}"
        );
        assert!(w.contains("it finished") && w.ends_with("added 3"), "{w}");
        let r = say(
            Phase::RolledBack {
                what: "sync of lab".into(),
                why: "interrupted".into(),
            },
            Stop::Cancelled,
        );
        assert!(r.contains("rolled back") && r.ends_with("nothing was changed"));
        let s = say(
            Phase::Sent {
                what: "create service".into(),
                accepted: Some("task wst_1".into()),
                check: "`switchboard services`".into(),
            },
            t,
        );
        assert!(
            s.contains("sent; the server accepted it (task wst_1); its outcome is unknown"),
            "{s}"
        );
        assert!(!s.contains("nothing was"), "{s}");
    }
}
