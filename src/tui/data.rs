//! The TUI's reader: a thread with its own store connection that answers
//! view requests, newest first, so the screen never waits on a query. It
//! is a thin adapter over the read model (`crate::query`), which the
//! headless commands share; vendor text is made safe for the terminal
//! there.

pub use crate::query::connections::ConnInfo;
pub use crate::query::live_platform::{profile_rows, ProfileRow};
pub use crate::query::numbers::{NumberSummary, NumbersPage};
pub use crate::query::voice::VoiceData;

use crate::config::Config;
use crate::domain::number::InventoryItem;
use crate::query::numbers::SeenIn;
use crate::query::short_filter::ShortFilter;
use crate::query::{connections, jobs, live_platform, numbers, voice};
use crate::store::events::NumberEvent;
use crate::store::jobs::JobRecord;
use crate::store::number_query::{NumberQuery, Seek};
use crate::store::{Store, StoreAt};
use crate::worker::SessionJobs;
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
            DataRequest::JobLog(_) => 7,
            DataRequest::Services => 8,
            DataRequest::NumberSummary => 9,
        }
    }
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
    seen_in: SeenIn,
    /// The copy of the inventory's searchable text that answers substring
    /// filters.
    short: ShortFilter,
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
    let session = cache.session.as_ref();
    Ok(match req {
        DataRequest::Connections => {
            Data::Connections(connections::connection_infos(store, config)?)
        }
        DataRequest::Numbers { query, seek, limit } => Data::Numbers(numbers::page(
            store,
            &mut cache.seen_in,
            &mut cache.short,
            query,
            &seek,
            limit,
        )?),
        DataRequest::NumberSummary => Data::NumberSummary(numbers::summary(store)?),
        DataRequest::NumberDetail(n) => {
            let d = numbers::detail(store, &mut cache.seen_in, &n)?;
            Data::Detail(d.number, d.item, d.events, d.seen_in)
        }
        DataRequest::Profiles => {
            let (rows, at) = live_platform::profiles(store, config)?;
            Data::Profiles(rows, at)
        }
        DataRequest::Voice => Data::Voice(voice::voice_items(store, config)?),
        DataRequest::Jobs => Data::Jobs(jobs::recent(store, session, 200)?),
        DataRequest::Services => Data::Services(
            live_platform::bodies(store, "service")?,
            live_platform::bodies(store, "lead")?,
        ),
        DataRequest::JobLog(id) => {
            let lines = jobs::log(store, session, &id)?;
            Data::JobLog(id, lines)
        }
    })
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
