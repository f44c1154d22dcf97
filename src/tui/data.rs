//! The TUI's reader: a thread with its own store connection that answers
//! view requests, newest first, so the screen never waits on a query.

use crate::config::{Config, ConnectionRef};
use crate::domain::interval::format_interval;
use crate::domain::number::InventoryItem;
use crate::domain::voice_registry;
use crate::store::events::NumberEvent;
use crate::store::jobs::JobRecord;
use crate::store::numbers::NumberQuery;
use crate::store::remote::RemoteItem;
use crate::store::sync::SyncRun;
use crate::store::Store;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

#[derive(Debug, Clone, PartialEq)]
pub enum DataRequest {
    Connections,
    Numbers {
        query: NumberQuery,
        offset: usize,
        limit: usize,
    },
    NumberDetail(String),
    Profiles,
    Voice,
    Jobs,
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
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConnInfo {
    pub name: String,
    pub vendor: &'static str,
    pub address: String,
    pub auth: String,
    pub insecure: bool,
    pub read_only: bool,
    pub schedule: String,
    pub last_run: Option<SyncRun>,
    pub used: usize,
    pub cooling: usize,
    pub remote: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NumbersPage {
    pub query: NumberQuery,
    pub offset: usize,
    pub rows: Vec<InventoryItem>,
    pub total: usize,
    pub counts: Vec<(crate::domain::number::Status, usize)>,
    pub releases: Vec<(NaiveDate, usize)>,
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
    Detail(String, Option<InventoryItem>, Vec<NumberEvent>),
    Profiles(Vec<(String, RemoteItem)>, Option<String>),
    Voice(VoiceData),
    Jobs(Vec<JobRecord>),
    Error(String),
}

pub fn spawn(
    config: Arc<Config>,
    tx: UnboundedSender<Data>,
) -> std::sync::mpsc::Sender<DataRequest> {
    let (req_tx, req_rx) = std::sync::mpsc::channel::<DataRequest>();
    std::thread::Builder::new()
        .name("store-reader".into())
        .spawn(move || {
            let store = match Store::open(&config.store_path) {
                Ok(s) => s,
                Err(e) => return drop(tx.send(Data::Error(e.to_string()))),
            };
            while let Ok(first) = req_rx.recv() {
                // Keep only the newest request of each kind.
                let mut latest: Vec<DataRequest> = vec![first];
                while let Ok(more) = req_rx.try_recv() {
                    latest.retain(|r| r.slot() != more.slot());
                    latest.push(more);
                }
                for req in latest {
                    let data =
                        answer(&store, &config, req).unwrap_or_else(|e| Data::Error(e.to_string()));
                    if tx.send(data).is_err() {
                        return;
                    }
                }
            }
        })
        .expect("spawn store reader");
    req_tx
}

fn answer(store: &Store, config: &Config, req: DataRequest) -> crate::store::Result<Data> {
    Ok(match req {
        DataRequest::Connections => {
            let held = store.numbers_by_connection()?;
            let mut out = Vec::new();
            for c in config.connections() {
                let (used, cooling) = held
                    .iter()
                    .find(|(n, _, _)| n == c.name())
                    .map(|(_, u, k)| (*u, *k))
                    .unwrap_or((0, 0));
                let (auth, schedule) = match c {
                    ConnectionRef::AudioCodes(a) => (
                        a.auth.as_str().to_string(),
                        a.schedule
                            .map(|d| {
                                format!(
                                    "every {}{}",
                                    format_interval(d),
                                    if a.schedule_enabled {
                                        ""
                                    } else {
                                        " (disabled)"
                                    }
                                )
                            })
                            .unwrap_or_else(|| "none".into()),
                    ),
                    _ => ("oauth2".into(), "-".into()),
                };
                out.push(ConnInfo {
                    name: c.name().to_string(),
                    vendor: c.vendor(),
                    address: c.address(),
                    auth,
                    insecure: c.tls().insecure_skip_verify,
                    read_only: c.read_only(),
                    schedule,
                    last_run: store.last_sync_run(c.name())?,
                    used,
                    cooling,
                    remote: store.remote_counts(c.name())?,
                });
            }
            Data::Connections(out)
        }
        DataRequest::Numbers {
            query,
            offset,
            limit,
        } => {
            let total = store.count_numbers(&query)?;
            let rows = store.number_window(&query, offset, limit)?;
            Data::Numbers(NumbersPage {
                counts: store.status_counts()?,
                releases: store.releases_per_day(crate::clock::today(), 14)?,
                query,
                offset,
                rows,
                total,
            })
        }
        DataRequest::NumberDetail(n) => {
            Data::Detail(n.clone(), store.number(&n)?, store.number_events(&n, 50)?)
        }
        DataRequest::Profiles => {
            let rows = store.remote_items(None, "calling_profile")?;
            let at = config
                .live_platform
                .first()
                .map(|c| store.remote_refreshed_at(&c.name, "calling_profile"))
                .transpose()?
                .flatten();
            Data::Profiles(rows, at)
        }
        DataRequest::Voice => {
            let mut v = VoiceData::default();
            for f in voice_registry::top_level() {
                let list: Vec<RemoteItem> = store
                    .remote_items(None, f.key)?
                    .into_iter()
                    .map(|(_, i)| i)
                    .collect();
                v.families
                    .push((f.key.into(), String::new(), f.title.into(), list.len()));
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
                                format!("{} › {}", cm.name, child.title),
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
        DataRequest::Jobs => Data::Jobs(store.recent_jobs(200)?),
    })
}
