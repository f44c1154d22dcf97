//! Connection listings: the config file's connections, then the ones made
//! in switchboard, with their last runs, next scheduled run and counts.
//! Nothing here resolves or loads a secret: a store-made connection shows
//! the keys of the secrets it keeps, never their values.

use super::safe;
use crate::config::{AudioCodesConnection, Config, Connection, ConnectionRef};
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::interval::{format_interval, next_due};
use crate::domain::job::JobState;
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::store::connections::StoredConnection;
use crate::store::remote::Stale;
use crate::store::sync::SyncRun;
use crate::store::{Result, Store};
use crate::worker::stored_connections::listed;

#[derive(Debug, Clone, PartialEq)]
pub struct ConnInfo {
    pub name: String,
    pub vendor: Vendor,
    /// The config file (edited there) or the store (made here).
    pub source: ConnectionSource,
    /// The editable fields of a connection made here, and the keys of the
    /// secrets it has (never their values).
    pub spec: Option<ConnectionSpec>,
    pub secrets_kept: Vec<String>,
    pub next_run: Option<String>,
    pub address: String,
    pub auth: String,
    pub insecure: bool,
    pub read_only: bool,
    pub schedule: String,
    /// The last run that counts for the list: an AudioCodes sync or purge
    /// (never a preview), a Live Platform or AXP refresh.
    pub last_run: Option<SyncRun>,
    /// An AudioCodes connection's last preview, shown beside (never in
    /// place of) the last applied run.
    pub last_preview: Option<SyncRun>,
    /// The last run of each VOSS instance: SyncAudioCodes and PurgeAudioCodes.
    pub last_sync: Option<SyncRun>,
    pub last_purge: Option<SyncRun>,
    pub used: usize,
    pub cooling: usize,
    pub remote: Vec<(String, usize)>,
}

/// One connection as listed, without secrets: the config file's (its
/// secret sources unresolved) or one made here (built from its stored
/// spec, its secrets left in the store).
#[derive(Debug, Clone)]
pub struct Listed {
    pub connection: Connection,
    /// The config file, or the store (made here).
    pub source: ConnectionSource,
    /// For a connection made here: its spec and the keys of its secrets.
    pub made_here: Option<StoredConnection>,
}

/// Every connection, the config file's first; `kept` are the store-made
/// ones as the store holds them (names the file also declares are left
/// to the file).
pub fn listing(config: &Config, kept: &[StoredConnection]) -> Vec<Listed> {
    let mut out: Vec<Listed> = config
        .connections()
        .into_iter()
        .map(|c| Listed {
            connection: c.to_owned(),
            source: ConnectionSource::ConfigFile,
            made_here: None,
        })
        .collect();
    for c in listed(config, kept) {
        let made_here = kept
            .iter()
            .find(|k| k.spec.name() == c.as_ref().name())
            .cloned();
        out.push(Listed {
            connection: c,
            source: ConnectionSource::Store,
            made_here,
        });
    }
    out
}

/// The store's connections listing (see [`listing`]) and what each
/// connection's last refresh could not fetch.
pub fn listing_with_stale(store: &Store, config: &Config) -> Result<(Vec<Listed>, Vec<Stale>)> {
    Ok((
        listing(config, &store.stored_connections()?),
        store.stale_kinds(None)?,
    ))
}

pub fn schedule_text(a: &AudioCodesConnection) -> String {
    match a.schedule {
        Some(d) => format!(
            "every {}{}",
            format_interval(d),
            if a.schedule_enabled {
                ""
            } else {
                " (disabled)"
            }
        ),
        None => "none".into(),
    }
}

/// An AudioCodes connection's last sync or purge; another vendor's last
/// refresh job, whatever its outcome (the refresh records no sync run).
fn last_run(store: &Store, vendor: Vendor, name: &str) -> Result<Option<SyncRun>> {
    if vendor == Vendor::AudioCodes {
        return store.last_applied_or_tried_run(name);
    }
    Ok(store.last_ended_job("refresh", name)?.map(|j| SyncRun {
        kind: j.kind,
        started_at: j.started_at.unwrap_or_else(|| j.created_at.clone()),
        ended_at: j.ended_at.unwrap_or_default(),
        result: match j.state {
            JobState::Succeeded => "refreshed".into(),
            other => other.as_str().into(),
        },
        counts: Default::default(),
        error: j.error,
        job_id: Some(j.id),
    }))
}

fn safe_run(r: Option<SyncRun>) -> Option<SyncRun> {
    r.map(|r| SyncRun {
        error: safe(r.error),
        ..r
    })
}

/// Every connection for the Connections tab: the config file's, then the
/// ones made here, each with its last run, next scheduled run and counts.
pub fn connection_infos(store: &Store, config: &Config) -> Result<Vec<ConnInfo>> {
    let held = store.numbers_by_connection()?;
    let now = crate::clock::now();
    let mut out = Vec::new();
    for l in listing(config, &store.stored_connections()?) {
        let c = l.connection.as_ref();
        let (used, cooling) = held
            .iter()
            .find(|(n, _, _)| n == c.name())
            .map(|(_, u, k)| (*u, *k))
            .unwrap_or((0, 0));
        let (auth, schedule, next_run) = match c {
            ConnectionRef::AudioCodes(a) => {
                let last = store
                    .last_scheduled_kind_run(&a.name)?
                    .and_then(|r| crate::clock::parse_stamp(&r.started_at));
                let next = match (a.schedule, a.schedule_enabled) {
                    (Some(every), true) => Some(crate::clock::stamp(next_due(last, every, now))),
                    _ => None,
                };
                (a.auth.as_str().to_string(), schedule_text(a), next)
            }
            _ => ("oauth2".into(), "-".into(), None),
        };
        out.push(ConnInfo {
            name: c.name().to_string(),
            vendor: c.vendor(),
            source: l.source,
            spec: l.made_here.as_ref().map(|k| k.spec.clone()),
            secrets_kept: l
                .made_here
                .as_ref()
                .map(|k| k.secrets_kept.clone())
                .unwrap_or_default(),
            next_run,
            address: c.address(),
            auth,
            insecure: c.tls().insecure_skip_verify,
            read_only: c.read_only(),
            schedule,
            last_run: safe_run(last_run(store, c.vendor(), c.name())?),
            last_preview: safe_run(store.last_preview_run(c.name())?),
            last_sync: safe_run(store.last_scheduled_kind_run(c.name())?),
            last_purge: safe_run(store.last_purge_run(c.name())?),
            used,
            cooling,
            remote: store.remote_counts(c.name())?,
        });
    }
    Ok(out)
}
