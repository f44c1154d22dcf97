//! The raw fetch: the very requests a sync made (as the server recorded
//! them), sent again with reqwest, reading the bytes only (no JSON, no
//! store). It is the floor a sync is measured against. For a view of the
//! floor a sync cannot go under, it can also parse each body as JSON.

use super::arm_server::{Recorded, USERS_PATH};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How to replay.
#[derive(Clone, Copy)]
pub struct Replay {
    /// Requests in flight at once after the first users page (1: in order).
    pub in_flight: usize,
    /// Parse every body as JSON (a `serde_json::Value`) as well.
    pub parse: bool,
}

/// One replay: its wall time and the body bytes read.
pub struct Fetched {
    pub took: Duration,
    pub bytes: u64,
}

async fn send(client: &reqwest::Client, base: &str, r: &Recorded, parse: bool) -> u64 {
    let mut req = client.request(r.method.clone(), format!("{base}{}", r.target));
    if let Some(auth) = &r.authorization {
        req = req.header("authorization", auth);
    }
    if !r.body.is_empty() {
        req = req
            .header("content-type", "application/json")
            .body(r.body.clone());
    }
    let resp = req.send().await.expect("the bench server answers");
    assert!(
        resp.status().is_success(),
        "{} {}: {}",
        r.method,
        r.target,
        resp.status()
    );
    let body = resp.bytes().await.expect("a whole body");
    if parse {
        let v: serde_json::Value = serde_json::from_slice(&body).expect("a JSON body");
        std::hint::black_box(v);
    }
    u64::try_from(body.len()).expect("a body's length fits u64")
}

/// Replays `requests` against `base` (`http://host:port`): one after the
/// other up to the first users page (which tells the total), then the rest
/// as `how` says.
pub fn replay(
    rt: &tokio::runtime::Runtime,
    base: &str,
    requests: &[Recorded],
    how: Replay,
) -> Fetched {
    rt.block_on(async {
        let client = reqwest::Client::new();
        let bytes = Arc::new(AtomicU64::new(0));
        let t = Instant::now();
        let head = requests
            .iter()
            .position(|r| r.target.starts_with(USERS_PATH))
            .map_or(requests.len(), |i| i + 1);
        let (head, rest) = requests.split_at(head);
        for r in head {
            bytes.fetch_add(send(&client, base, r, how.parse).await, Ordering::Relaxed);
        }
        if how.in_flight <= 1 {
            for r in rest {
                bytes.fetch_add(send(&client, base, r, how.parse).await, Ordering::Relaxed);
            }
        } else {
            let gate = Arc::new(tokio::sync::Semaphore::new(how.in_flight));
            let mut set = tokio::task::JoinSet::new();
            for r in rest {
                let r = r.clone();
                let permit = gate.clone().acquire_owned().await.unwrap();
                let (client, base, bytes) = (client.clone(), base.to_string(), bytes.clone());
                set.spawn(async move {
                    let n = send(&client, &base, &r, how.parse).await;
                    bytes.fetch_add(n, Ordering::Relaxed);
                    drop(permit);
                });
            }
            while let Some(done) = set.join_next().await {
                done.expect("a replayed request");
            }
        }
        Fetched {
            took: t.elapsed(),
            bytes: bytes.load(Ordering::Relaxed),
        }
    })
}
