//! What each kind of job does: api fetches, domain plans, store applies.

use super::connections;
use super::inventory;
use super::oc_service;
use super::remote_refresh::{set_of, PartRefresh};
use super::stored_connections;
use super::sync_audiocodes::sync_audiocodes;
use super::voice;
use super::{JobError, JobEvent, JobOutcome, Shared};
use crate::api::audiocodes::ArmClient;
use crate::api::axp::AxpClient;
use crate::api::live_platform::LivePlatformClient;
use crate::api::paging::in_page_order;
use crate::api::ApiError;
use crate::config::{
    AudioCodesConnection, AxpConnection, Connection, ConnectionRef, LivePlatformConnection,
};
use crate::domain::job::JobKind;
use crate::domain::read_only::{refusal, Writes};
use crate::domain::terminal_text::terminal_safe;
use crate::domain::text::count;
use crate::domain::voice_registry;
use crate::store::leases::Lease;
use crate::store::{Store, StoreError};
use futures_util::StreamExt;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub struct JobCtx {
    pub id: String,
    pub shared: Arc<Shared>,
    pub cancel: CancellationToken,
    /// Where the job is: before, during or after its commit point.
    pub commit: super::commit_point::CommitPoint,
}

impl JobCtx {
    /// The secrets a form sent beside this job (empty if none). Taken once.
    pub(super) fn take_form_secrets(&self) -> super::FormSecrets {
        self.shared
            .pending_secrets
            .lock()
            .unwrap()
            .remove(&self.id)
            .unwrap_or_default()
    }

    /// The latest counts of `entity` (see [`JobEvent::Progress`]).
    pub(super) fn progress(&self, entity: &str, done: u64, failed: u64, total: u64) {
        let _ = self.shared.events.send(JobEvent::Progress {
            id: self.id.clone(),
            // Vendor words (a CM's entity types) are escaped here, once.
            entity: terminal_safe(entity).into_owned(),
            done,
            failed,
            total,
        });
    }

    /// The remote task `on` this job polls is in `state` (see
    /// [`JobEvent::Waiting`]).
    pub(super) fn waiting(&self, on: &str, state: &str) {
        let _ = self.shared.events.send(JobEvent::Waiting {
            id: self.id.clone(),
            // Vendor words (a task's status) are escaped here, once.
            on: terminal_safe(on).into_owned(),
            state: terminal_safe(state).into_owned(),
        });
    }

    /// One line of the job's log, as the front doors show it and the
    /// store keeps it: vendor words in it (task messages, statuses) are
    /// escaped here, once, so every replay is safe.
    pub(super) async fn log(&self, line: impl Into<String>) {
        let line = crate::domain::terminal_text::terminal_safe(&line.into()).into_owned();
        let _ = self.shared.events.send(JobEvent::Log {
            id: self.id.clone(),
            line: line.clone(),
        });
        let _ = self.shared.jobs.log(&self.id, &line).await;
    }

    /// "Now" for this job: the clock the worker was handed.
    pub(super) fn clock(&self) -> crate::clock::Clock {
        self.shared.store.clock()
    }

    fn holder(&self) -> String {
        super::lease_holder::this_process(&self.id)
    }

    /// A connection from the config file, else one made in the TUI and
    /// kept in the store (read afresh, so edits apply at once).
    pub(super) async fn connection(&self, name: &str) -> Result<Connection, JobOutcome> {
        let at = self.shared.store.at();
        if at.read_only && !at.path.exists() {
            // Read-only before the store exists: the config file's
            // connections can still be tested and probed.
            if let Some(c) = self.shared.config.find(name) {
                return Ok(c.to_owned());
            }
        }
        let (n, config) = (name.to_string(), self.shared.config.clone());
        let found = self
            .shared
            .store
            .run(move |s| stored_connections::find(s, &config, &n))
            .await
            .map_err(|e| JobOutcome::failed(JobError::store(e.to_string(), e)))?;
        found.ok_or_else(|| {
            JobOutcome::failed(format!(
                "no connection named {name:?} (neither in the config file nor made in switchboard); \
                 `switchboard connections list` shows them"
            ))
        })
    }

    pub(super) async fn audiocodes(&self, name: &str) -> Result<AudioCodesConnection, JobOutcome> {
        match self.connection(name).await? {
            Connection::AudioCodes(c) => Ok(c),
            _ => Err(not_a(name, "an AudioCodes")),
        }
    }

    pub(super) async fn live_platform(
        &self,
        name: &str,
    ) -> Result<LivePlatformConnection, JobOutcome> {
        match self.connection(name).await? {
            Connection::LivePlatform(c) => Ok(c),
            _ => Err(not_a(name, "a Live Platform")),
        }
    }

    pub(super) async fn axp(&self, name: &str) -> Result<AxpConnection, JobOutcome> {
        match self.connection(name).await? {
            Connection::Axp(c) => Ok(c),
            _ => Err(not_a(name, "an AXP")),
        }
    }

    /// Runs `f` on the store; a store error fails the job with `what`.
    pub(super) async fn store<T, F>(&self, what: &str, f: F) -> Result<T, JobOutcome>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    {
        self.shared
            .store
            .run(f)
            .await
            .map_err(|e| store_failed(what, e))
    }

    /// The job's store write, its commit point (see [`CommitPoint`]):
    /// once begun it is never abandoned; `holds` says what the store then
    /// holds, for the report of a job stopped during it.
    ///
    /// [`CommitPoint`]: super::commit_point::CommitPoint
    pub(super) async fn write<T, F, D>(&self, what: &str, f: F, holds: D) -> Result<T, JobOutcome>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
        D: FnOnce(&T) -> String + Send + 'static,
    {
        self.commit
            .write(&self.shared.store, &self.cancel, what, f, holds)
            .await
            .map_err(|e| store_failed(what, e))
    }

    pub(super) fn refuse_local_writes(&self) -> Result<(), JobOutcome> {
        self.refuse_writes(None).map_or(Ok(()), Err)
    }

    /// Refuses a write to the store (`None`) or to what `conn` holds, by
    /// the same rule the TUI applies to its keys.
    pub(super) fn refuse_writes(&self, conn: Option<ConnectionRef<'_>>) -> Option<JobOutcome> {
        let writes = conn
            .as_ref()
            .map_or(Writes::Store, |c| Writes::Connection(c.name()));
        refusal(self.shared.read_only_everywhere(), writes, |_| {
            conn.is_some_and(|c| c.read_only())
        })
        .map(|refused| JobOutcome::failed(JobError::Refused(refused)))
    }
}

fn store_failed(what: &str, e: StoreError) -> JobOutcome {
    JobOutcome::failed(JobError::store(
        format!("{what} failed: {e}; nothing was changed"),
        e,
    ))
}

fn not_a(name: &str, what: &str) -> JobOutcome {
    JobOutcome::failed(format!("{name} is not {what} connection"))
}

/// One sync, purge or delete per connection at a time, across processes.
pub(super) fn lease_name(kind: &JobKind) -> Option<String> {
    match kind {
        JobKind::SyncAudioCodes {
            connection,
            dry_run: false,
            ..
        }
        | JobKind::PurgeAudioCodes { connection }
        | JobKind::DeleteConnection { connection } => Some(sync_lease(connection)),
        _ => None,
    }
}

pub fn sync_lease(connection: &str) -> String {
    format!("sync:{connection}")
}

pub(super) async fn acquire_sync_lease(ctx: &JobCtx, name: &str) -> Result<(), JobOutcome> {
    let (lease, holder, ttl) = (
        sync_lease(name),
        ctx.holder(),
        // The config caps the job timeout at a day, far inside i64.
        i64::try_from(ctx.shared.config.http.job_timeout_secs)
            .unwrap_or(i64::MAX)
            .saturating_add(60),
    );
    let got = ctx
        .shared
        .store
        .run(move |s| s.acquire_lease(&lease, &holder, ttl, super::lease_holder::is_gone))
        .await
        .map_err(|e| JobOutcome::failed(JobError::store(e.to_string(), e)))?;
    match got {
        Lease::Taken => Ok(()),
        Lease::HeldBy(other) => Err(busy(name, &other)),
    }
}

/// The refusal of a job whose lease a live job elsewhere holds, seen by
/// a read that waits for no lock (see `Store::acquire_lease`).
pub(super) async fn lease_refusal(
    shared: &Arc<Shared>,
    id: &str,
    kind: &JobKind,
) -> Option<JobOutcome> {
    let name = lease_name(kind)?;
    let me = super::lease_holder::this_process(id);
    let lease = name.clone();
    let holder = shared
        .store
        .run(move |s| s.lease_holder(&lease))
        .await
        .ok()
        .flatten()?;
    if holder == me || super::lease_holder::is_gone(&holder) {
        return None;
    }
    let target = name.strip_prefix("sync:").unwrap_or(&name).to_string();
    Some(busy(&target, &holder))
}

fn busy(name: &str, holder: &str) -> JobOutcome {
    JobOutcome::failed(JobError::Busy(format!(
        "a sync or purge of {name} is already running ({holder}); try again when it ends"
    )))
}

pub async fn release_leases(ctx: &JobCtx, kind: &JobKind) {
    if let Some(name) = lease_name(kind) {
        let holder = ctx.holder();
        let _ = ctx
            .shared
            .store
            .run(move |s| s.release_lease(&name, &holder))
            .await;
    }
}

pub(super) fn api_failed(e: ApiError) -> JobOutcome {
    JobOutcome::failed(JobError::api(format!("{e}; nothing was changed"), e))
}

/// A write request that failed. When it may have reached the server and
/// been acted on (no answer in time, the connection broke mid-request, a
/// server error), it is not said to have changed nothing: `check` says how
/// to find out. Otherwise `not_done` says what did not happen.
pub(super) fn write_failed(e: ApiError, not_done: &str, check: &str) -> JobOutcome {
    use crate::api::ErrorKind;
    let message = match &e.kind {
        ErrorKind::Timeout | ErrorKind::Transport(_) => {
            format!("{e}; the request was sent and may have taken effect: {check} to check")
        }
        ErrorKind::Status { status, .. } if *status >= 500 => {
            format!("{e}; {not_done} as far as the server's answer says: {check} to check")
        }
        _ => format!("{e}; {not_done}"),
    };
    JobOutcome::failed(JobError::api(message, e))
}

pub async fn execute(ctx: &JobCtx, kind: &JobKind) -> JobOutcome {
    let r = match kind {
        JobKind::TestConnection { connection } => test_connection(ctx, connection).await,
        JobKind::ProbeConnection { connection } => probe_connection(ctx, connection).await,
        JobKind::SyncAudioCodes {
            connection,
            dry_run,
            force,
        } => sync_audiocodes(ctx, connection, *dry_run, *force).await,
        JobKind::Sweep => inventory::sweep(ctx).await,
        JobKind::PurgeAudioCodes { connection } => inventory::purge(ctx, connection).await,
        JobKind::SaveConnection { spec } => connections::save_connection(ctx, spec).await,
        JobKind::DeleteConnection { connection } => {
            connections::delete_connection(ctx, connection).await
        }
        JobKind::EditNumbers { numbers, action } => {
            inventory::edit_numbers(ctx, numbers, action).await
        }
        JobKind::AddRange { from, to } => inventory::add_range(ctx, from, to).await,
        JobKind::Import { path } => inventory::import(ctx, path).await,
        JobKind::Audit { fix } => inventory::audit(ctx, *fix).await,
        JobKind::RefreshLivePlatform { connection } => refresh_live_platform(ctx, connection).await,
        JobKind::RefreshVoice { connection } => voice::refresh(ctx, connection).await,
        JobKind::VoiceWrite {
            connection,
            family,
            parent,
            id,
            op,
            body,
            wait,
        } => {
            voice::write(
                ctx,
                connection,
                family,
                parent.as_deref(),
                id.as_deref(),
                *op,
                body,
                *wait,
            )
            .await
        }
        JobKind::VoiceAction {
            connection,
            family,
            parent,
            id,
            action,
            body,
        } => {
            voice::action(
                ctx,
                connection,
                family,
                parent.as_deref(),
                id.as_deref(),
                action,
                body,
            )
            .await
        }
        JobKind::SyncCm {
            connection,
            cm,
            entities,
            name,
            wait,
        } => voice::sync_cm(ctx, connection, cm, entities, name, *wait).await,
        JobKind::CreateService {
            connection,
            request,
            wait,
        } => oc_service::create_service(ctx, connection, request, *wait).await,
        JobKind::VoiceList {
            connection,
            family,
            parent,
            filters,
        } => voice::list(ctx, connection, family, parent.as_deref(), filters).await,
        JobKind::VoiceGet {
            connection,
            family,
            parent,
            id,
        } => voice::get(ctx, connection, family, parent.as_deref(), id).await,
        JobKind::ExportNumbers { query, path, json } => {
            Ok(super::export::export_numbers(ctx, query, path, *json).await)
        }
    };
    r.unwrap_or_else(|o| o)
}

async fn test_connection(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    let http = &ctx.shared.config.http;
    let conn = ctx.connection(name).await?;
    let summary = match conn.as_ref() {
        ConnectionRef::AudioCodes(c) => {
            // OK only after a call that needs the credentials: a users page
            // of one. The version is shown when the ARM has it, never required.
            let client = ArmClient::new(&ctx.with_secrets(c).await?, http).map_err(api_failed)?;
            let probe = client.probe(1).await.map_err(api_failed)?;
            let version = client.version().await.ok();
            for line in probe.lines() {
                ctx.log(line).await;
            }
            let version = version.map_or("ARM version not reported".to_string(), |v| {
                format!("ARM version {}", terminal_safe(&v))
            });
            let got = match probe.total {
                Some(t) => format!("{} of {}", probe.returned, count(t, "user", "users")),
                None => format!("{}, no total", count(probe.returned, "user", "users")),
            };
            return Ok(JobOutcome::ok(
                format!(
                    "{name}: {version} ({} authentication OK), users page read ({got})",
                    c.auth.as_str(),
                ),
                serde_json::to_value(&probe).ok(),
            ));
        }
        ConnectionRef::LivePlatform(c) => {
            let n = LivePlatformClient::new(&ctx.with_secrets(c).await?, http)
                .map_err(api_failed)?
                .calling_profiles()
                .await
                .map_err(api_failed)?
                .len();
            format!(
                "{name}: Live Platform OK, {}",
                count(n, "calling profile", "calling profiles")
            )
        }
        ConnectionRef::Axp(c) => {
            let cm = voice_registry::family("cm").expect("cm family");
            let n = AxpClient::new(&ctx.with_secrets(c).await?, http)
                .map_err(api_failed)?
                .list(cm, None)
                .await
                .map_err(api_failed)?
                .len();
            format!(
                "{name}: AXP account {} OK, {}",
                c.account_id,
                count(n, "Communication Manager", "Communication Managers")
            )
        }
    };
    Ok(JobOutcome::ok(summary, None))
}

/// One users page of an ARM, as the sync would read it. Reads only.
async fn probe_connection(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    let conn = ctx.audiocodes(name).await?;
    let client = ArmClient::new(&ctx.with_secrets(&conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    let probe = client
        .probe(u64::from(conn.page_size))
        .await
        .map_err(|e| JobOutcome::failed(JobError::api(e.to_string(), e)))?;
    Ok(JobOutcome::ok(
        format!(
            "{name}: {} on the first page (list: {})",
            count(probe.returned, "user", "users"),
            terminal_safe(&probe.envelope.to_string())
        ),
        serde_json::to_value(&probe).ok(),
    ))
}

/// Calling profiles, services and leads, each on its own (see
/// [`PartRefresh`]).
pub(super) async fn refresh_live_platform(
    ctx: &JobCtx,
    name: &str,
) -> Result<JobOutcome, JobOutcome> {
    let conn = ctx.live_platform(name).await?;
    let client = LivePlatformClient::new(&ctx.with_secrets(&conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    // Credentials first: without a token nothing can be fetched.
    client.authenticate().await.map_err(api_failed)?;
    let mut refresh = PartRefresh::new(name);
    let mut counts = [0usize; 3];
    let mut failed = 0u64;
    let parts: [(&str, &str, &str, (&str, &str)); 3] = [
        (
            "calling_profile",
            "calling profiles",
            "GET /api/v2/oc/callingprofile",
            ("callingProfileId", "name"),
        ),
        (
            "service",
            "services",
            "GET /api/v3/customer",
            ("UmpCustomerGuid", "CustomerShortName"),
        ),
        ("lead", "leads", "GET /api/v2/oc/lead", ("id", "tenantId")),
    ];
    // The three lists fetched at once (`fetch_concurrency`), taken in
    // order; once the refresh stops, the rest is no longer awaited.
    let client = &client;
    let mut lists = std::pin::pin!(in_page_order(
        0..parts.len(),
        client.fetch_concurrency(),
        |i: usize| async move {
            match i {
                0 => client.calling_profiles().await,
                1 => client.customers(true).await,
                _ => client.leads().await,
            }
        }
    ));
    for (i, (kind, label, endpoint, fields)) in parts.into_iter().enumerate() {
        if refresh.stopped.is_some() {
            refresh.skipped(kind, label);
            continue;
        }
        let Some((_, fetched)) = lists.next().await else {
            break;
        };
        match fetched {
            Ok(list) => match set_of(name, endpoint, (kind, ""), &list, fields) {
                Ok(set) => {
                    counts[i] = list.len();
                    refresh.stored(set);
                }
                Err(e) => refresh.failed(kind, None, label, e.into()),
            },
            Err(e) => refresh.failed(kind, None, label, e.into()),
        }
        failed += u64::from(!refresh.kind_stored(kind));
        ctx.progress("families", i as u64 + 1 - failed, failed, 3);
    }
    // Each label's singular drops its `s`: "1 calling profile".
    let counted = |n: usize, label: &str| count(n, label.strip_suffix('s').unwrap_or(label), label);
    let ok: Vec<String> = parts
        .iter()
        .zip(counts)
        .map(|((_, label, ..), n)| counted(n, label))
        .collect();
    let ok = format!("{name}: {}", ok.join(", "));
    let done: Vec<String> = parts
        .iter()
        .zip(counts)
        .filter(|((kind, ..), _)| refresh.kind_stored(kind))
        .map(|((_, label, ..), n)| counted(n, label))
        .collect();
    let done = format!("{name}: refreshed {}", done.join(", "));
    refresh.finish(ctx, ok, done).await
}
