//! The async worker: runs jobs (syncs, refreshes, tests, sweeps) for the TUI
//! and the CLI alike, reports events over a channel, records every job in
//! the store, and can cancel. It never touches the terminal.

mod connections;
mod inventory;
mod lease_holder;
mod oc_service;
mod remote_refresh;
mod schedule;
pub mod stored_connections;
mod tasks;
mod voice;

use crate::config::Config;
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::job::{JobKind, JobState};
use crate::domain::oc_service::CreateServiceRequest;
use crate::secret::Secret;
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// What the worker tells its front door.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    Queued { id: String, kind: JobKind },
    Started { id: String },
    Progress { id: String, done: u64, total: u64 },
    Log { id: String, line: String },
    Finished { id: String, outcome: JobOutcome },
}

/// How a job ended. `detail` carries a machine-readable result (a sync's
/// counts) for `--json` and for confirmation prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    pub state: JobState,
    pub summary: String,
    pub error: String,
    pub detail: Option<serde_json::Value>,
    /// A sync stopped by the cooling guard: confirm, then run with force.
    pub needs_confirmation: bool,
}

impl JobOutcome {
    fn ok(summary: impl Into<String>, detail: Option<serde_json::Value>) -> Self {
        JobOutcome {
            state: JobState::Succeeded,
            summary: summary.into(),
            error: String::new(),
            detail,
            needs_confirmation: false,
        }
    }
    /// Part of the work done and kept, part failed: `summary` says both,
    /// `error` what failed.
    fn partial(
        summary: impl Into<String>,
        error: impl Into<String>,
        detail: Option<serde_json::Value>,
    ) -> Self {
        JobOutcome {
            state: JobState::Partial,
            summary: summary.into(),
            error: error.into(),
            detail,
            needs_confirmation: false,
        }
    }
    fn failed(error: impl Into<String>) -> Self {
        JobOutcome {
            state: JobState::Failed,
            summary: String::new(),
            error: error.into(),
            detail: None,
            needs_confirmation: false,
        }
    }
}

/// A job's summary and error with vendor text escaped ([`terminal_safe`]):
/// a profile name holding `ESC ] 52` ends up in both.
///
/// [`terminal_safe`]: crate::domain::terminal_text::terminal_safe
fn make_safe(outcome: &mut JobOutcome) {
    use crate::domain::terminal_text::{terminal_safe, terminal_safe_lines};
    outcome.summary = terminal_safe_lines(&outcome.summary);
    outcome.error = terminal_safe(&outcome.error).into_owned();
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
    store_path: PathBuf,
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

/// Runs `f` on a fresh store connection off the async threads.
pub async fn with_store<T, F>(path: PathBuf, f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
{
    // A store task of a job is part of the job: a panic in it fails the job.
    let contained = crate::panic_report::is_contained();
    tokio::task::spawn_blocking(move || {
        crate::panic_report::contain(contained, || {
            let mut s = Store::open(&path)?;
            f(&mut s)
        })
    })
    .await
    .map_err(|e| match e.try_into_panic() {
        Ok(p) => StoreError(crate::panic_report::one_line(
            &crate::panic_report::message(&*p),
        )),
        Err(e) => StoreError(format!("store task failed: {e}")),
    })?
}

impl Worker {
    pub fn new(config: Arc<Config>, read_only: bool, events: UnboundedSender<JobEvent>) -> Worker {
        let store_path = config.store_path.clone();
        Worker {
            shared: Arc::new(Shared {
                config,
                store_path,
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
        let mut outcome = JobOutcome::failed(format!(
            "{} {}: {}",
            kind.label(),
            kind.target(),
            crate::panic_report::one_line(what)
        ));
        make_safe(&mut outcome);
        let ctx = tasks::JobCtx {
            id: id.to_string(),
            shared: self.shared.clone(),
            cancel,
        };
        tasks::release_leases(&ctx, kind).await;
        self.shared.pending_secrets.lock().unwrap().remove(id);
        let (jid, error) = (id.to_string(), outcome.error.clone());
        if let Err(e) = with_store(self.shared.store_path.clone(), move |s| {
            s.finish_job(&jid, JobState::Failed, "", &error)
        })
        .await
        {
            tracing::error!("could not record job {id}: {e}");
        }
        tracing::error!(job = id, kind = kind.label(), target = %kind.target(), error = %outcome.error, "job failed: internal error");
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

    /// Asks a running job to stop; it ends as `cancelled` with nothing applied.
    pub fn cancel(&self, id: &str) -> bool {
        match self.shared.cancels.lock().unwrap().get(id) {
            Some((t, _)) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    async fn run_job(&self, id: &str, kind: JobKind, cancel: CancellationToken) -> JobOutcome {
        let path = self.shared.store_path.clone();
        let (jid, k) = (id.to_string(), kind.clone());
        if let Err(e) = with_store(path.clone(), move |s| {
            s.insert_job(&jid, &k)?;
            s.start_job(&jid)
        })
        .await
        {
            return JobOutcome::failed(e.to_string());
        }
        let _ = self
            .shared
            .events
            .send(JobEvent::Started { id: id.to_string() });
        let ctx = tasks::JobCtx {
            id: id.to_string(),
            shared: self.shared.clone(),
            cancel: cancel.clone(),
        };
        let limit = std::time::Duration::from_secs(self.shared.config.http.job_timeout_secs);
        // A refresh stops its own lists at the limit and then stores what
        // it fetched (partial): a few seconds more let it do so.
        let backstop = match kind {
            JobKind::RefreshVoice { .. } | JobKind::RefreshLivePlatform { .. } => {
                limit + std::time::Duration::from_secs(5)
            }
            _ => limit,
        };
        let mut outcome = tokio::select! {
            r = tokio::time::timeout(backstop, tasks::execute(&ctx, &kind)) => match r {
                Ok(o) => o,
                Err(_) => JobOutcome::failed(format!("{} {}: gave up after {}s (http.job_timeout_secs); nothing was applied", kind.label(), kind.target(), limit.as_secs())),
            },
            _ = cancel.cancelled() => JobOutcome { state: JobState::Cancelled, ..JobOutcome::failed("cancelled; nothing was applied") },
        };
        // The one place a job's words are made safe for a terminal: the
        // jobs table, `switchboard jobs`, the CLI's report and the TUI all
        // read them from here. `detail` stays exact (it is printed as JSON).
        make_safe(&mut outcome);
        tasks::release_leases(&ctx, &kind).await;
        // Whatever way the job ended, secrets sent beside it are dropped.
        self.shared.pending_secrets.lock().unwrap().remove(id);
        let (jid, o) = (id.to_string(), outcome.clone());
        if let Err(e) = with_store(path, move |s| {
            s.finish_job(&jid, o.state, &o.summary, &o.error)
        })
        .await
        {
            tracing::error!("could not record job {id}: {e}");
        }
        match outcome.state {
            JobState::Failed => {
                tracing::warn!(job = id, kind = kind.label(), target = %kind.target(), error = %outcome.error, "job failed")
            }
            JobState::Partial => {
                tracing::warn!(job = id, kind = kind.label(), target = %kind.target(), summary = %outcome.summary, error = %outcome.error, "job partly done")
            }
            _ => {
                tracing::info!(job = id, kind = kind.label(), target = %kind.target(), state = %outcome.state, summary = %outcome.summary, "job ended")
            }
        }
        outcome
    }
}
