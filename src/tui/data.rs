//! The TUI's reader: a thread with its own store connection that answers
//! view requests, newest first, so the screen never waits on a query.
//!
//! It is also where vendor text meant only to be read is made safe for the
//! terminal ([`terminal_safe`]): parsed calling profiles and their marks,
//! job records and logs, labels, "seen in" notes, last-run errors. Raw
//! bodies that forms edit and send back (AXP items, leads) stay exact here;
//! the few cells that show them escape what they show.

use crate::config::{AudioCodesConnection, Config, ConnectionRef};
use crate::domain::calling_profile::{
    problems_by_connection, referenced_numbers, CallingProfile, Problem,
};
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::interval::format_interval;
use crate::domain::interval::next_due;
use crate::domain::number::InventoryItem;
use crate::domain::number::Status;
use crate::domain::number_io::ExportWriter;
use crate::domain::terminal_text::{safe_json_strings, terminal_safe};
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::domain::voice_numbers::axp_numbers;
use crate::domain::voice_registry;
use crate::store::events::NumberEvent;
use crate::store::jobs::JobRecord;
use crate::store::number_query::{NumberQuery, Seek};
use crate::store::number_window::Window;
use crate::store::remote::RemoteItem;
use crate::store::sync::SyncRun;
use crate::store::{Store, StoreAt};
use crate::worker::stored_connections::listed;
use crate::worker::SessionJobs;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, PartialEq)]
pub enum DataRequest {
    Connections,
    /// A window of the inventory; its count follows if it takes a scan.
    Numbers {
        query: NumberQuery,
        seek: Seek,
        limit: usize,
    },
    /// The Numbers header: counts per status and releases per day.
    NumberSummary,
    NumberDetail(String),
    /// Writes the query's rows to a file (CSV or JSON), streaming.
    Export {
        query: NumberQuery,
        path: String,
        json: bool,
    },
    Profiles,
    Voice,
    Jobs,
    /// A job's log lines, for its detail.
    JobLog(String),
    /// Operator Connect services and leads.
    Services,
}

impl DataRequest {
    fn slot(&self) -> u8 {
        match self {
            DataRequest::Connections => 0,
            DataRequest::Numbers { .. } => 1,
            DataRequest::NumberDetail(_) => 2,
            DataRequest::Profiles => 3,
            DataRequest::Voice => 4,
            DataRequest::Jobs => 5,
            DataRequest::Export { .. } => 6,
            DataRequest::JobLog(_) => 7,
            DataRequest::Services => 8,
            DataRequest::NumberSummary => 9,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnInfo {
    pub name: String,
    pub vendor: Vendor,
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
    pub last_run: Option<SyncRun>,
    /// The last run of each VOSS instance: SyncAudioCodes and PurgeAudioCodes.
    pub last_sync: Option<SyncRun>,
    pub last_purge: Option<SyncRun>,
    pub used: usize,
    pub cooling: usize,
    pub remote: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumbersPage {
    pub query: NumberQuery,
    pub window: Window,
    /// The query's count when it was cheap to know; else a `NumbersTotal`
    /// follows.
    pub total: Option<usize>,
    /// Rows of this page that other data refers to: (number, where).
    pub seen_in: Vec<(String, String)>,
}

/// The Numbers header.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NumberSummary {
    pub counts: Vec<(Status, usize)>,
    pub releases: Vec<(NaiveDate, usize)>,
}

/// A stored calling profile, parsed, with its health marks.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub connection: String,
    pub item: RemoteItem,
    pub profile: CallingProfile,
    pub problems: Vec<Problem>,
}

/// Parses stored profiles and marks them (sharing judged across all).
/// A body that does not parse still shows, by its stored id and name.
pub fn profile_rows(items: Vec<(String, RemoteItem)>) -> Vec<ProfileRow> {
    let profiles: Vec<CallingProfile> = items
        .iter()
        .map(|(_, i)| {
            serde_json::from_value(i.body.clone()).unwrap_or_else(|_| CallingProfile {
                calling_profile_id: i.id.clone(),
                name: i.name.clone(),
                ..Default::default()
            })
        })
        .collect();
    let connections: Vec<&str> = items.iter().map(|(c, _)| c.as_str()).collect();
    let marks = problems_by_connection(&profiles, &connections);
    items
        .into_iter()
        .zip(profiles)
        .zip(marks)
        .map(|(((connection, item), profile), problems)| ProfileRow {
            connection,
            item,
            profile: safe_profile(profile),
            problems: problems.into_iter().map(safe_problem).collect(),
        })
        .collect()
}

/// A parsed profile with every string escaped for the screen (judged
/// before, on the exact values; its raw body stays in the item).
fn safe_profile(p: CallingProfile) -> CallingProfile {
    let Ok(mut v) = serde_json::to_value(&p) else {
        return p;
    };
    safe_json_strings(&mut v);
    serde_json::from_value(v).unwrap_or(p)
}

fn safe(s: String) -> String {
    match terminal_safe(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(o) => o,
    }
}

fn safe_problem(p: Problem) -> Problem {
    match p {
        Problem::NoFailover { .. } => p,
        Problem::TrunkWithoutSbc { trunk } => Problem::TrunkWithoutSbc { trunk: safe(trunk) },
        Problem::Validation { offer, state } => Problem::Validation {
            offer: safe(offer),
            state: safe(state),
        },
        Problem::SharedSbc { sbc, with } => Problem::SharedSbc {
            sbc: safe(sbc),
            with: safe(with),
        },
    }
}

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

/// An inventory row as the Numbers tab shows it: the ARM's user name, the
/// tag and the other free text escaped (rows are only shown; actions take
/// the number).
fn safe_item(i: InventoryItem) -> InventoryItem {
    InventoryItem {
        usage: safe(i.usage),
        vendor: safe(i.vendor),
        tag: safe(i.tag),
        connection: i.connection.map(safe),
        registered_user: i.registered_user.map(safe),
        ..i
    }
}

fn safe_run(r: Option<SyncRun>) -> Option<SyncRun> {
    r.map(|r| SyncRun {
        error: safe(r.error),
        ..r
    })
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VoiceData {
    /// (family key, parent id, label, count), in tree order.
    pub families: Vec<(String, String, String, usize)>,
    pub items: HashMap<(String, String), Vec<RemoteItem>>,
    pub refreshed: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    Connections(Vec<ConnInfo>),
    Numbers(NumbersPage),
    /// The exact count of a query whose page came without one.
    NumbersTotal(NumberQuery, usize),
    NumberSummary(NumberSummary),
    /// A number, its row, its history, and where else it is seen.
    Detail(String, Option<InventoryItem>, Vec<NumberEvent>, Vec<String>),
    Profiles(Vec<ProfileRow>, Option<String>),
    Voice(VoiceData),
    Jobs(Vec<JobRecord>),
    Exported(String, usize),
    JobLog(String, Vec<String>),
    /// (connection, service) and (connection, lead) bodies as fetched.
    Services(
        Vec<(String, serde_json::Value)>,
        Vec<(String, serde_json::Value)>,
    ),
    Error(String),
}

/// The screen's side of the reader: sends requests, and tells a running
/// count that a newer window was asked for (so it stops).
pub struct Loader {
    tx: std::sync::mpsc::Sender<DataRequest>,
    windows_asked: Arc<AtomicU64>,
    reader: std::thread::JoinHandle<()>,
}

impl Loader {
    /// Stops the reader and waits until it has closed its store
    /// connection (a read-only one then lets SQLite remove the -wal and
    /// -shm files that reading made).
    pub fn close(self) {
        drop(self.tx);
        let _ = self.reader.join();
    }

    pub fn send(&self, req: DataRequest) {
        if matches!(req, DataRequest::Numbers { .. }) {
            self.windows_asked.fetch_add(1, Ordering::SeqCst);
        }
        let _ = self.tx.send(req);
    }
}

/// What the reader keeps between requests: other data's references to
/// numbers, recomputed only when the store has changed.
#[derive(Default)]
struct Cache {
    data_version: Option<i64>,
    seen_in: Vec<(String, String)>,
    /// Under read-only, the jobs this session ran (kept in memory only),
    /// listed with the stored ones.
    session: Option<SessionJobs>,
}

/// Starts the reader on the config's store (read-only when the config
/// says so).
pub fn spawn(config: Arc<Config>, tx: UnboundedSender<Data>) -> Loader {
    let store = StoreAt::new(&config.store_path, config.read_only);
    spawn_with(config, store, None, tx)
}

/// Starts the reader on the store at `store` (read-only under
/// `--read-only`); `session` holds the jobs of a read-only session.
pub fn spawn_with(
    config: Arc<Config>,
    store: StoreAt,
    session: Option<SessionJobs>,
    tx: UnboundedSender<Data>,
) -> Loader {
    let (req_tx, req_rx) = std::sync::mpsc::channel::<DataRequest>();
    let windows_asked = Arc::new(AtomicU64::new(0));
    let asked = windows_asked.clone();
    let reader = std::thread::Builder::new()
        .name("store-reader".into())
        .spawn(move || {
            let store = match store.open() {
                Ok(s) => s,
                Err(e) => return drop(tx.send(Data::Error(e.to_string()))),
            };
            let mut cache = Cache {
                session,
                ..Cache::default()
            };
            while let Ok(first) = req_rx.recv() {
                // Keep only the newest request of each kind, in the place
                // of the first (so what was asked for first comes first).
                let mut latest: Vec<DataRequest> = vec![first];
                while let Ok(more) = req_rx.try_recv() {
                    match latest.iter_mut().find(|r| r.slot() == more.slot()) {
                        Some(older) => *older = more,
                        None => latest.push(more),
                    }
                }
                for req in latest {
                    let asked_now = asked.load(Ordering::SeqCst);
                    let newer_asked = {
                        let asked = asked.clone();
                        move || asked.load(Ordering::SeqCst) != asked_now
                    };
                    // A window is dropped half-way when a newer one is asked
                    // for (a short filter that matches little has to scan).
                    let data = if matches!(req, DataRequest::Numbers { .. }) {
                        match store.unless_cancelled(newer_asked.clone(), |s| {
                            answer(s, &config, &mut cache, req)
                        }) {
                            Ok(Some(data)) => data,
                            Ok(None) => continue,
                            Err(e) => Data::Error(e.to_string()),
                        }
                    } else {
                        answer(&store, &config, &mut cache, req)
                            .unwrap_or_else(|e| Data::Error(e.to_string()))
                    };
                    let uncounted = match &data {
                        Data::Numbers(p) if p.total.is_none() => Some(p.query.clone()),
                        _ => None,
                    };
                    if tx.send(data).is_err() {
                        return;
                    }
                    if let Some(query) = uncounted {
                        // The count takes a scan: run it unless (and until)
                        // a newer window is asked for.
                        let counted =
                            store.unless_cancelled(newer_asked, |s| s.count_numbers(&query));
                        let sent = match counted {
                            Ok(Some(n)) => tx.send(Data::NumbersTotal(query, n)),
                            Ok(None) => Ok(()),
                            Err(e) => tx.send(Data::Error(e.to_string())),
                        };
                        if sent.is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .expect("spawn store reader");
    Loader {
        tx: req_tx,
        windows_asked,
        reader,
    }
}

fn answer(
    store: &Store,
    config: &Config,
    cache: &mut Cache,
    req: DataRequest,
) -> crate::store::Result<Data> {
    Ok(match req {
        DataRequest::Connections => Data::Connections(connection_infos(store, config)?),
        DataRequest::Numbers { query, seek, limit } => {
            let mut window = store.number_window(&query, &seek, limit)?;
            window.rows = window.rows.into_iter().map(safe_item).collect();
            let total = store.quick_count(&query)?;
            let on_page: std::collections::HashSet<&str> =
                window.rows.iter().map(|r| r.number.as_str()).collect();
            let seen = cache
                .seen_in(store)?
                .iter()
                .filter(|(n, _)| on_page.contains(n.as_str()))
                .cloned()
                .collect();
            Data::Numbers(NumbersPage {
                seen_in: seen,
                query,
                window,
                total,
            })
        }
        DataRequest::NumberSummary => Data::NumberSummary(NumberSummary {
            counts: store.status_counts()?,
            releases: store.releases_per_day(crate::clock::today(), 14)?,
        }),
        DataRequest::NumberDetail(n) => {
            let seen = cache
                .seen_in(store)?
                .iter()
                .filter(|(num, _)| *num == n)
                .map(|(_, w)| w.clone())
                .collect();
            Data::Detail(
                n.clone(),
                store.number(&n)?.map(safe_item),
                store
                    .number_events(&n, 50)?
                    .into_iter()
                    .map(|e| NumberEvent {
                        cause: safe(e.cause),
                        detail: safe(e.detail),
                        ..e
                    })
                    .collect(),
                seen,
            )
        }
        DataRequest::Profiles => {
            let rows = store.remote_items(None, "calling_profile")?;
            let at = config
                .live_platform
                .first()
                .map(|c| store.remote_refreshed_at(&c.name, "calling_profile"))
                .transpose()?
                .flatten();
            // Profiles whose last refresh failed are the older ones kept.
            let stale = store
                .stale_kinds(None)?
                .into_iter()
                .find(|k| k.kind == "calling_profile");
            let at = match stale {
                Some(k) => Some(format!(
                    "{} · STALE: refresh failed {}",
                    at.as_deref().unwrap_or("never"),
                    crate::clock::human(&k.failed_at)
                )),
                None => at,
            };
            Data::Profiles(profile_rows(rows), at)
        }
        DataRequest::Voice => {
            let mut v = VoiceData::default();
            // Families whose last refresh failed show the items kept.
            let stale: std::collections::HashSet<String> = store
                .stale_kinds(None)?
                .into_iter()
                .map(|k| k.kind)
                .collect();
            let mark = |key: &str, label: String| {
                if stale.contains(key) {
                    format!("{label} STALE")
                } else {
                    label
                }
            };
            for f in voice_registry::top_level() {
                let list: Vec<RemoteItem> = store
                    .remote_items(None, f.key)?
                    .into_iter()
                    .map(|(_, i)| i)
                    .collect();
                v.families.push((
                    f.key.into(),
                    String::new(),
                    mark(f.key, f.title.into()),
                    list.len(),
                ));
                if f.key == "cm" {
                    for cm in &list {
                        for child in voice_registry::children_of("cm") {
                            let kids: Vec<RemoteItem> = store
                                .remote_items(None, child.key)?
                                .into_iter()
                                .map(|(_, i)| i)
                                .filter(|i| i.parent == cm.id)
                                .collect();
                            v.families.push((
                                child.key.into(),
                                cm.id.clone(),
                                mark(
                                    child.key,
                                    format!("{} › {}", terminal_safe(&cm.name), child.title),
                                ),
                                kids.len(),
                            ));
                            v.items.insert((child.key.into(), cm.id.clone()), kids);
                        }
                    }
                }
                v.items.insert((f.key.into(), String::new()), list);
            }
            v.refreshed = config
                .axp
                .first()
                .map(|c| store.remote_refreshed_at(&c.name, "cm"))
                .transpose()?
                .flatten();
            Data::Voice(v)
        }
        DataRequest::Jobs => {
            let mut jobs = cache
                .session
                .as_ref()
                .map(|s| s.recent(200))
                .unwrap_or_default();
            jobs.extend(store.recent_jobs(200)?);
            jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            jobs.truncate(200);
            Data::Jobs(jobs.into_iter().map(safe_job).collect())
        }
        DataRequest::Services => {
            let bodies = |kind| -> crate::store::Result<Vec<(String, serde_json::Value)>> {
                Ok(store
                    .remote_items(None, kind)?
                    .into_iter()
                    .map(|(c, i)| (c, i.body))
                    .collect())
            };
            Data::Services(bodies("service")?, bodies("lead")?)
        }
        DataRequest::JobLog(id) => {
            let session = cache.session.as_ref().and_then(|s| s.log(&id));
            let lines = match session {
                Some(lines) => lines,
                None => store.job_log(&id)?,
            }
            .into_iter()
            .map(|(at, line)| format!("{at} {}", terminal_safe(&line)))
            .collect();
            Data::JobLog(id, lines)
        }
        DataRequest::Export { query, path, json } => match export(store, &query, &path, json) {
            Ok(n) => Data::Exported(path, n),
            Err(e) => Data::Error(format!("export to {path} failed: {e}")),
        },
    })
}

fn export(store: &Store, query: &NumberQuery, path: &str, json: bool) -> Result<usize, String> {
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut w =
        ExportWriter::start(std::io::BufWriter::new(file), json).map_err(|e| e.to_string())?;
    store
        .for_each_number(query, |i| w.row(i))
        .map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())
}

impl Cache {
    /// Numbers other data refers to: stored calling profiles' test numbers
    /// and emergency dial strings, AXP elements' DID numbers and AXP phone
    /// numbers (off the render path, and only again after a write).
    fn seen_in(&mut self, store: &Store) -> crate::store::Result<&[(String, String)]> {
        let version = store.data_version()?;
        if self.data_version != Some(version) {
            let profiles: Vec<CallingProfile> = store
                .remote_items(None, "calling_profile")?
                .into_iter()
                .filter_map(|(_, i)| serde_json::from_value(i.body).ok())
                .collect();
            let mut out = referenced_numbers(&profiles);
            out.extend(axp_numbers(&store.axp_number_items()?));
            self.seen_in = out.into_iter().map(|(n, w)| (n, safe(w))).collect();
            self.data_version = Some(version);
        }
        Ok(&self.seen_in)
    }
}

fn schedule_text(a: &AudioCodesConnection) -> String {
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

/// Every connection for the Connections tab: the config file's, then the
/// ones made here, each with its last run, next scheduled run and counts.
fn connection_infos(store: &Store, config: &Config) -> crate::store::Result<Vec<ConnInfo>> {
    let held = store.numbers_by_connection()?;
    let kept = store.stored_connections()?;
    let stored = listed(config, &kept);
    let mut all: Vec<(ConnectionRef<'_>, ConnectionSource)> = config
        .connections()
        .into_iter()
        .map(|c| (c, ConnectionSource::ConfigFile))
        .collect();
    all.extend(stored.iter().map(|c| (c.as_ref(), ConnectionSource::Store)));
    let now = crate::clock::now();
    let mut out = Vec::new();
    for (c, source) in all {
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
        let made_here = kept
            .iter()
            .find(|k| source == ConnectionSource::Store && k.spec.name() == c.name());
        let spec = made_here.map(|k| k.spec.clone());
        let secrets_kept = made_here
            .map(|k| k.secrets_kept.clone())
            .unwrap_or_default();
        out.push(ConnInfo {
            name: c.name().to_string(),
            vendor: c.vendor(),
            source,
            spec,
            secrets_kept,
            next_run,
            address: c.address(),
            auth,
            insecure: c.tls().insecure_skip_verify,
            read_only: c.read_only(),
            schedule,
            last_run: safe_run(store.last_sync_run(c.name())?),
            last_sync: safe_run(store.last_scheduled_kind_run(c.name())?),
            last_purge: safe_run(store.last_purge_run(c.name())?),
            used,
            cooling,
            remote: store.remote_counts(c.name())?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::remote::RemoteSet;

    #[test]
    fn stale_families_and_profiles_are_marked() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::empty();
        config.store_path = dir.path().join("s.db");
        let mut store = Store::open(&config.store_path).unwrap();
        let empty = |kind: &str| RemoteSet {
            kind: kind.into(),
            parent: String::new(),
            items: vec![],
        };
        store
            .refresh_remote(
                "axp",
                &[empty("aco")],
                &[("msteams".into(), "HTTP 404".into())],
            )
            .unwrap();
        store
            .refresh_remote("lp", &[], &[("calling_profile".into(), "HTTP 500".into())])
            .unwrap();
        let mut cache = Cache::default();
        let Data::Voice(v) = answer(&store, &config, &mut cache, DataRequest::Voice).unwrap()
        else {
            panic!("not voice data")
        };
        let label = |key: &str| {
            v.families
                .iter()
                .find(|(k, ..)| k == key)
                .map(|(_, _, l, _)| l.clone())
                .unwrap()
        };
        assert_eq!(label("msteams"), "MS Teams elements STALE");
        assert_eq!(label("aco"), "ACO elements");
        let Data::Profiles(_, at) =
            answer(&store, &config, &mut cache, DataRequest::Profiles).unwrap()
        else {
            panic!("not profiles")
        };
        assert!(
            at.as_deref()
                .is_some_and(|a| a.starts_with("never · STALE: refresh failed ")),
            "{at:?}"
        );
    }
}
