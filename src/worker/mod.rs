//! The async worker: runs jobs (syncs, refreshes, tests, sweeps) for the TUI
//! and the CLI alike, reports events over a channel, records every job in
//! the store, and can cancel. It never touches the terminal.

mod commit_point;
mod connections;
mod export;
pub mod housekeeping;
mod inventory;
mod job_error;
mod job_record;
mod lease_holder;
mod oc_service;
mod remote_refresh;
mod schedule;
mod secrets;
mod store_lane;
pub mod stored_connections;
mod sync_audiocodes;
mod tasks;
mod voice;

use crate::clock::Clock;
use crate::config::Config;
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::job::{JobKind, JobState};
use crate::domain::oc_service::CreateServiceRequest;
use crate::secret::Secret;
use crate::store::StoreAt;
pub use commit_point::{Phase, Stop, Stopped};
pub use job_error::JobError;
use job_record::JobRecorder;
pub use job_record::SessionJobs;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// What the worker tells its front door.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    Queued {
        id: String,
        kind: JobKind,
    },
    Started {
        id: String,
    },
    /// The latest counts of one thing a job pages or loops through (a
    /// CM sync's entity, an ARM's registered users, a refresh's
    /// families): `done` and `failed` of `total` (0 while not known).
    Progress {
        id: String,
        entity: String,
        done: u64,
        failed: u64,
        total: u64,
    },
    /// The job waits on a remote task (`on`: "sync job 42", "task
    /// wst_…") whose latest state is `state`; sent at every poll.
    Waiting {
        id: String,
        on: String,
        state: String,
    },
    Log {
        id: String,
        line: String,
    },
    Finished {
        id: String,
        outcome: JobOutcome,
    },
}

/// How a job ended. `detail` carries a machine-readable result (a sync's
/// counts) for `--json` and for confirmation prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    pub state: JobState,
    pub summary: String,
    /// What failed, in words: `failure`'s text with the job named when it
    /// was stopped, made terminal-safe. Empty when nothing failed.
    pub error: String,
    pub detail: Option<serde_json::Value>,
    /// What failed, as a type: decisions (exit code, the confirmation
    /// prompt) read this, never `error`'s words.
    pub failure: Option<Box<JobError>>,
    /// A job stopped by its time limit or a cancel, and where it was
    /// (before, during or after its commit point).
    pub stopped: Option<Box<Stopped>>,
}

impl JobOutcome {
    fn ok(summary: impl Into<String>, detail: Option<serde_json::Value>) -> Self {
        JobOutcome {
            state: JobState::Succeeded,
            summary: summary.into(),
            error: String::new(),
            detail,
            failure: None,
            stopped: None,
        }
    }
    /// Part of the work done and kept, part failed: `summary` says both,
    /// `error` what failed.
    fn partial(
        summary: impl Into<String>,
        error: impl Into<JobError>,
        detail: Option<serde_json::Value>,
    ) -> Self {
        let error = error.into();
        JobOutcome {
            state: JobState::Partial,
            summary: summary.into(),
            error: error.to_string(),
            detail,
            failure: Some(Box::new(error)),
            stopped: None,
        }
    }
    /// A failed job; a bare message is a [`JobError::Failed`].
    pub(crate) fn failed(error: impl Into<JobError>) -> Self {
        let error = error.into();
        JobOutcome {
            state: JobState::Failed,
            summary: String::new(),
            error: error.to_string(),
            detail: None,
            failure: Some(Box::new(error)),
            stopped: None,
        }
    }
    /// A sync the cooling guard stopped: `summary` is what it would do.
    fn needs_confirmation(summary: String, why: String, detail: Option<serde_json::Value>) -> Self {
        JobOutcome {
            summary,
            detail,
            ..JobOutcome::failed(JobError::NeedsConfirmation(why))
        }
    }
    /// Whether the job waits for a person to confirm it (then run with force).
    pub fn asks_confirmation(&self) -> bool {
        matches!(
            self.failure.as_deref(),
            Some(JobError::NeedsConfirmation(_))
        )
    }
    /// A job stopped by its clock or a cancel: the state and words come
    /// from where it was ([`Stopped`]). A write that committed is kept and
    /// reported as done; anything else is a failure (or a cancel).
    fn stopped(stopped: Stopped) -> Self {
        let state = match (&stopped.at, stopped.by) {
            (Phase::Written { .. } | Phase::Done { .. }, _) => JobState::Succeeded,
            (Phase::Before | Phase::RolledBack { .. }, Stop::Cancelled) => JobState::Cancelled,
            _ => JobState::Failed,
        };
        let line = stopped.to_string();
        let failure = match (state, stopped.by) {
            (JobState::Succeeded, _) => None,
            (_, Stop::Cancelled) => Some(Box::new(JobError::Cancelled(line.clone()))),
            (_, Stop::TimedOut { limit_secs }) => Some(Box::new(JobError::TimedOut {
                message: line.clone(),
                limit_secs,
            })),
        };
        let (summary, error) = if failure.is_none() {
            (line, String::new())
        } else {
            (String::new(), line)
        };
        JobOutcome {
            state,
            summary,
            error,
            detail: None,
            failure,
            stopped: Some(Box::new(stopped)),
        }
    }
}

/// A job's summary and error with vendor text escaped line by line
/// ([`terminal_safe_lines`]): a profile name holding `ESC ] 52` ends up in
/// both, and an error of several lines (an import's list of bad lines)
/// stays a list of lines.
///
/// [`terminal_safe_lines`]: crate::domain::terminal_text::terminal_safe_lines
fn make_safe(outcome: &mut JobOutcome) {
    use crate::domain::terminal_text::terminal_safe_lines;
    outcome.summary = terminal_safe_lines(&outcome.summary);
    outcome.error = terminal_safe_lines(&outcome.error);
}

/// A summary or error as one log event's field: its line breaks escaped,
/// so an event stays one line of the log file.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    crate::domain::terminal_text::terminal_safe(text)
}

/// Secrets typed into a form, held only until the save job takes them.
#[derive(Default)]
pub(crate) struct FormSecrets {
    /// A connection's secrets by key (`password`, `client_secret`, `app_key`).
    connection: Vec<(&'static str, Secret)>,
    /// Teams QoS application password of a service being created.
    app_password: Option<Secret>,
    /// Secret fields of an AXP body (a CM's `password`), by wire name.
    body: Vec<(String, Secret)>,
}

struct Shared {
    config: Arc<Config>,
    pending_secrets: Mutex<HashMap<String, FormSecrets>>,
    /// The store, opened read-only under `--read-only` or `read_only = true`;
    /// otherwise one connection kept for every job's calls.
    store: store_lane::StoreLane,
    /// Where jobs are recorded: the store, or memory under read-only.
    jobs: JobRecorder,
    read_only: bool,
    /// This process's queued or running jobs: how to cancel each, and what it is.
    cancels: Mutex<HashMap<String, (CancellationToken, JobKind)>>,
    events: UnboundedSender<JobEvent>,
}

impl Shared {
    fn read_only_everywhere(&self) -> bool {
        self.read_only || self.config.read_only
    }
}

#[derive(Clone)]
pub struct Worker {
    shared: Arc<Shared>,
}

/// `sync lab: …`: which job a stop line is about (an empty line stays so).
fn prefix_target(kind: &JobKind, line: String) -> String {
    if line.is_empty() {
        line
    } else {
        format!("{} {}: {line}", kind.label(), kind.target())
    }
}

impl Worker {
    /// A worker on the process's clock ([`Clock::process`]).
    pub fn new(config: Arc<Config>, read_only: bool, events: UnboundedSender<JobEvent>) -> Worker {
        Worker::with_clock(config, read_only, events, Clock::process())
    }

    /// A worker whose jobs, and the store connections they use, take
    /// "now" from `clock`.
    pub fn with_clock(
        config: Arc<Config>,
        read_only: bool,
        events: UnboundedSender<JobEvent>,
        clock: Clock,
    ) -> Worker {
        let store = store_lane::StoreLane::new(
            StoreAt::new(&config.store_path, read_only || config.read_only),
            clock,
        );
        Worker {
            shared: Arc::new(Shared {
                config,
                jobs: JobRecorder::for_store(&store),
                store,
                read_only,
                pending_secrets: Mutex::new(HashMap::new()),
                cancels: Mutex::new(HashMap::new()),
                events,
            }),
        }
    }

    /// `--read-only` or `read_only = true` at the top of the config.
    pub fn read_only_everywhere(&self) -> bool {
        self.shared.read_only_everywhere()
    }

    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// Under read-only, the jobs this worker ran (kept in memory, never
    /// in the store); `None` when jobs are recorded in the store.
    pub fn session_jobs(&self) -> Option<SessionJobs> {
        self.shared.jobs.session()
    }

    /// Saves a connection made in the TUI (a job); `None` keeps a stored
    /// secret as it is.
    pub fn save_connection(
        &self,
        spec: ConnectionSpec,
        secrets: Vec<(&'static str, Secret)>,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        self.shared.pending_secrets.lock().unwrap().insert(
            id.clone(),
            FormSecrets {
                connection: secrets,
                ..Default::default()
            },
        );
        self.submit_as(
            id,
            JobKind::SaveConnection {
                spec: Box::new(spec),
            },
        )
    }

    /// Creates an OC service (a job). The request's Teams QoS password is
    /// taken out and kept beside the job, so the jobs table never holds it.
    pub fn create_service(
        &self,
        connection: String,
        mut request: CreateServiceRequest,
        wait: bool,
    ) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let app_password = request
            .teams_qos
            .as_mut()
            .map(|q| Secret::new(std::mem::take(&mut q.application_password)))
            .filter(|s| !s.is_empty());
        self.shared.pending_secrets.lock().unwrap().insert(
            id.clone(),
            FormSecrets {
                app_password,
                ..Default::default()
            },
        );
        self.submit_as(
            id,
            JobKind::CreateService {
                connection,
                request: Box::new(request),
                wait,
            },
        )
    }

    /// Queues a job and returns its id at once; it runs in the background.
    /// Secret fields of an AXP body are taken out and kept beside the job,
    /// so the jobs table never holds them.
    pub fn submit(&self, mut kind: JobKind) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        if let JobKind::VoiceWrite {
            family,
            body: Some(body),
            ..
        } = &mut kind
        {
            let body = voice::take_secret_fields(family, body);
            if !body.is_empty() {
                self.shared.pending_secrets.lock().unwrap().insert(
                    id.clone(),
                    FormSecrets {
                        body,
                        ..Default::default()
                    },
                );
            }
        }
        self.submit_as(id, kind)
    }

    fn submit_as(&self, id: String, kind: JobKind) -> String {
        let token = CancellationToken::new();
        self.shared
            .cancels
            .lock()
            .unwrap()
            .insert(id.clone(), (token.clone(), kind.clone()));
        let _ = self.shared.events.send(JobEvent::Queued {
            id: id.clone(),
            kind: kind.clone(),
        });
        let me = self.clone();
        let job_id = id.clone();
        tokio::spawn(async move {
            // A panic in the job fails the job, not the process.
            use futures_util::FutureExt;
            let run = me.run_job(&job_id, kind.clone(), token.clone());
            let caught = std::panic::AssertUnwindSafe(crate::panic_report::Contain::new(run))
                .catch_unwind()
                .await;
            let outcome = match caught {
                Ok(outcome) => outcome,
                Err(payload) => {
                    let what = crate::panic_report::message(&*payload);
                    me.job_panicked(&job_id, &kind, token, &what).await
                }
            };
            me.shared.cancels.lock().unwrap().remove(&job_id);
            let _ = me.shared.events.send(JobEvent::Finished {
                id: job_id,
                outcome,
            });
        });
        id
    }

    /// After a job panicked (logged with its backtrace by the hook): the
    /// job is recorded as failed, its leases released, its secrets dropped.
    async fn job_panicked(
        &self,
        id: &str,
        kind: &JobKind,
        cancel: CancellationToken,
        what: &str,
    ) -> JobOutcome {
        let mut outcome = JobOutcome::failed(JobError::Panicked(format!(
            "{} {}: {}",
            kind.label(),
            kind.target(),
            crate::panic_report::one_line(what)
        )));
        make_safe(&mut outcome);
        let ctx = tasks::JobCtx {
            id: id.to_string(),
            shared: self.shared.clone(),
            cancel,
            commit: commit_point::CommitPoint::default(),
        };
        tasks::release_leases(&ctx, kind).await;
        self.shared.pending_secrets.lock().unwrap().remove(id);
        if let Err(e) = self
            .shared
            .jobs
            .finish(id, JobState::Failed, "", &outcome.error)
            .await
        {
            tracing::error!("could not record job {id}: {e}");
        }
        tracing::error!(job = id, kind = kind.label(), target = %kind.target(), error = %one_line(&outcome.error), "job failed: internal error");
        outcome
    }

    /// Whether a job of this process holds or waits for the lease `name`.
    pub fn holds_lease(&self, name: &str) -> bool {
        self.shared
            .cancels
            .lock()
            .unwrap()
            .values()
            .any(|(_, k)| tasks::lease_name(k).as_deref() == Some(name))
    }

    /// Asks a running job to stop. Before its commit point it ends as
    /// `cancelled` with nothing changed; a store write under way is
    /// interrupted and rolled back (or, if it had committed, reported).
    pub fn cancel(&self, id: &str) -> bool {
        match self.shared.cancels.lock().unwrap().get(id) {
            Some((t, _)) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancels every job this process runs (as [`Worker::cancel`] does
    /// one) and returns their ids: each ends and records its end soon.
    pub fn cancel_all(&self) -> Vec<String> {
        let cancels = self.shared.cancels.lock().unwrap();
        for (t, _) in cancels.values() {
            t.cancel();
        }
        cancels.keys().cloned().collect()
    }

    async fn run_job(&self, id: &str, kind: JobKind, cancel: CancellationToken) -> JobOutcome {
        // A lease held by a live job elsewhere refuses this one at once:
        // that job's store write may hold the store's write lock for
        // longer than recording this job could wait for it.
        if let Some(mut refused) = tasks::lease_refusal(&self.shared, id, &kind).await {
            make_safe(&mut refused);
            if let Err(e) = self.shared.jobs.refused(id, &kind, &refused).await {
                tracing::warn!("could not record refused job {id}: {e}");
            }
            return refused;
        }
        if let Err(e) = self.shared.jobs.begin(id, &kind).await {
            return JobOutcome::failed(JobError::store(e.to_string(), e));
        }
        let _ = self
            .shared
            .events
            .send(JobEvent::Started { id: id.to_string() });
        let ctx = tasks::JobCtx {
            id: id.to_string(),
            shared: self.shared.clone(),
            cancel: cancel.clone(),
            commit: commit_point::CommitPoint::default(),
        };
        let limit = std::time::Duration::from_secs(self.shared.config.http.job_timeout_secs);
        // A refresh stops its own lists at the limit and then stores what
        // it fetched (partial), a live list says where it stopped: a few
        // seconds more let them do so.
        let backstop = match kind {
            JobKind::RefreshVoice { .. }
            | JobKind::RefreshLivePlatform { .. }
            | JobKind::VoiceList { .. } => limit + std::time::Duration::from_secs(5),
            _ => limit,
        };
        let stop = tokio::select! {
            r = tokio::time::timeout(backstop, tasks::execute(&ctx, &kind)) => match r {
                Ok(o) => Ok(o),
                Err(_) => Err(Stop::TimedOut { limit_secs: limit.as_secs() }),
            },
            _ = cancel.cancelled() => Err(Stop::Cancelled),
        };
        // Stopped: what is reported depends on the job's phase. A store
        // write that had begun is waited for (a cancel interrupts it) and
        // the lease is released only after it has ended.
        let mut outcome = match stop {
            Ok(o) => o,
            Err(by) => {
                let mut o = JobOutcome::stopped(ctx.commit.stopped(by).await);
                o.error = prefix_target(&kind, o.error);
                o.summary = prefix_target(&kind, o.summary);
                o
            }
        };
        // The one place a job's words are made safe for a terminal: the
        // jobs table, `switchboard jobs`, the CLI's report and the TUI all
        // read them from here. `detail` stays exact (it is printed as JSON).
        make_safe(&mut outcome);
        tasks::release_leases(&ctx, &kind).await;
        // Whatever way the job ended, secrets sent beside it are dropped.
        self.shared.pending_secrets.lock().unwrap().remove(id);
        let o = &outcome;
        if let Err(e) = self
            .shared
            .jobs
            .finish(id, o.state, &o.summary, &o.error)
            .await
        {
            tracing::error!("could not record the end of job {id}: {e}");
            let note = format!(
                "the end of this job could not be recorded in the store ({e}); \
                 the next switchboard process that opens it closes the job and frees its lease"
            );
            let _ = self.shared.events.send(JobEvent::Log {
                id: id.to_string(),
                line: crate::domain::terminal_text::terminal_safe(&note).into_owned(),
            });
        }
        match outcome.state {
            JobState::Failed => {
                tracing::warn!(job = id, kind = kind.label(), target = %kind.target(), error = %one_line(&outcome.error), "job failed")
            }
            JobState::Partial => {
                tracing::warn!(job = id, kind = kind.label(), target = %kind.target(), summary = %one_line(&outcome.summary), error = %one_line(&outcome.error), "job partly done")
            }
            _ => {
                tracing::info!(job = id, kind = kind.label(), target = %kind.target(), state = %outcome.state, summary = %one_line(&outcome.summary), "job ended")
            }
        }
        outcome
    }
}
