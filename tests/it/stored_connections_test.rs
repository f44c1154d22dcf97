//! Connections made in the TUI: saved through the worker, their secrets
//! kept only where the HTTP clients read them, synced or refreshed on save
//! against the real simulator, then deleted (AudioCodes purged first).

use crate::common;
use common::*;
use std::sync::Arc;
use switchboard::config::Config;
use switchboard::domain::connection::AudioCodesSpec;
use switchboard::domain::connection_spec::{ConnectionSpec, LivePlatformSpec};
use switchboard::domain::job::{JobKind, JobState};
use switchboard::secret::Secret;
use switchboard::store::Store;
use switchboard::worker::{JobEvent, JobOutcome, Worker};

/// Waits for `n` jobs to finish; returns their kinds' labels and outcomes.
async fn finished(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<JobEvent>,
    n: usize,
) -> Vec<(String, JobOutcome)> {
    let mut kinds = std::collections::HashMap::new();
    let mut out = Vec::new();
    while out.len() < n {
        match rx.recv().await.expect("worker alive") {
            JobEvent::Queued { id, kind } => {
                kinds.insert(id, kind.label().to_string());
            }
            JobEvent::Finished { id, outcome } => out.push((kinds[&id].clone(), outcome)),
            _ => {}
        }
    }
    out
}

/// A worker on a fresh store in `dir`, with its event receiver and store path.
fn worker_in(
    dir: &std::path::Path,
) -> (
    Worker,
    tokio::sync::mpsc::UnboundedReceiver<JobEvent>,
    std::path::PathBuf,
) {
    let mut config = Config::empty();
    config.store_path = dir.join("s.db");
    config.http.max_retries = 1;
    let store_path = config.store_path.clone();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (Worker::new(Arc::new(config), false, tx), rx, store_path)
}

#[test]
fn save_sync_on_save_then_delete_purges_first() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(6));
    let (worker, mut rx, store_path) = worker_in(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let spec = AudioCodesSpec {
            name: "lab-here".into(),
            host: sim.addr.clone(),
            scheme: "http".into(),
            username: "svc-lab".into(),
            page_size: 4,
            ..Default::default()
        };
        worker.save_connection(
            ConnectionSpec::AudioCodes(spec.clone()),
            vec![("password", Secret::new("lab-password"))],
        );
        let done = finished(&mut rx, 2).await;
        let by = |label: &str| &done.iter().find(|(l, _)| l == label).expect(label).1;
        assert_eq!(by("save").state, JobState::Succeeded, "{:?}", by("save"));
        assert!(
            by("sync").summary.contains("added 6"),
            "sync on save: {:?}",
            by("sync")
        );

        // The secret is in the store's secrets table only: not in the
        // connection's settings, not in any job record.
        let store = Store::open(&store_path).unwrap();
        let c = store.conn_for_tests();
        let settings: String = c
            .query_row(
                "SELECT settings FROM connections WHERE name = 'lab-here'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(!settings.contains("lab-password"));
        let leaked: i64 = c
            .query_row(
                "SELECT COUNT(*) FROM jobs WHERE spec LIKE '%lab-password%'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(leaked, 0);

        // Edit without retyping the password: the stored one is kept.
        let edited = AudioCodesSpec {
            sync_on_save: false,
            schedule: "1h".into(),
            schedule_enabled: true,
            ..spec
        };
        worker.save_connection(ConnectionSpec::AudioCodes(edited), vec![]);
        let done = finished(&mut rx, 1).await;
        assert_eq!(done[0].1.state, JobState::Succeeded, "{:?}", done[0].1);
        worker.submit(JobKind::TestConnection {
            connection: "lab-here".into(),
        });
        let done = finished(&mut rx, 1).await;
        assert!(
            done[0].1.summary.contains("basic authentication OK"),
            "{:?}",
            done[0].1
        );

        // Delete: purged first, so its numbers cool rather than vanish.
        worker.submit(JobKind::DeleteConnection {
            connection: "lab-here".into(),
        });
        let done = finished(&mut rx, 1).await;
        assert_eq!(done[0].1.state, JobState::Succeeded, "{:?}", done[0].1);
        assert!(
            done[0].1.summary.contains("6 numbers cooling"),
            "{:?}",
            done[0].1
        );
        let c = store.conn_for_tests();
        let (cooling, secrets): (i64, i64) = c
            .query_row(
                "SELECT (SELECT COUNT(*) FROM numbers WHERE status = 'Cooling'),
                        (SELECT COUNT(*) FROM connection_secrets)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((cooling, secrets), (6, 0));
    });
}

#[test]
fn a_bad_spec_is_refused_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let (worker, mut rx, store_path) = worker_in(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let spec = AudioCodesSpec {
            name: "bad host".into(),
            host: "not a host".into(),
            username: "u".into(),
            ..Default::default()
        };
        worker.save_connection(
            ConnectionSpec::AudioCodes(spec),
            vec![("password", Secret::new("pw-should-not-persist"))],
        );
        let done = finished(&mut rx, 1).await;
        assert_eq!(done[0].1.state, JobState::Failed);
        assert!(
            done[0].1.error.contains("nothing was saved"),
            "{}",
            done[0].1.error
        );
        assert!(!done[0].1.error.contains("pw-should-not-persist"));
    });
    let store = Store::open(&store_path).unwrap();
    assert!(store.stored_connections().unwrap().is_empty());
}

#[test]
fn a_live_platform_connection_made_here_refreshes_on_save_and_serves_every_job() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        "[live_platform]\nclient_id = \"lp-demo-client\"\nclient_secret = \"demo-lp-client-secret\"\nleads = 2\n",
    );
    let (worker, mut rx, store_path) = worker_in(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let spec = LivePlatformSpec {
        name: "lp-here".into(),
        base_url: format!("http://{}/tenantui", sim.addr),
        token_url: format!("http://{}/oauth2/v2.0/token", sim.addr),
        client_id: "lp-demo-client".into(),
        ..Default::default()
    };
    rt.block_on(async {
        // A wrong secret: saved (the form cannot know), and the refresh
        // that follows fails clearly without echoing it.
        worker.save_connection(
            ConnectionSpec::LivePlatform(spec.clone()),
            vec![("client_secret", Secret::new("wrong-lp-secret"))],
        );
        let done = finished(&mut rx, 2).await;
        let by = |label: &str| &done.iter().find(|(l, _)| l == label).expect(label).1;
        assert_eq!(by("save").state, JobState::Succeeded, "{:?}", by("save"));
        assert_eq!(by("refresh").state, JobState::Failed);
        assert!(
            by("refresh").error.contains("lp-here"),
            "{:?}",
            by("refresh")
        );
        assert!(!by("refresh").error.contains("wrong-lp-secret"));

        // The right secret: the refresh on save stores profiles and leads.
        worker.save_connection(
            ConnectionSpec::LivePlatform(spec.clone()),
            vec![("client_secret", Secret::new("demo-lp-client-secret"))],
        );
        let done = finished(&mut rx, 2).await;
        let by = |label: &str| &done.iter().find(|(l, _)| l == label).expect(label).1;
        assert_eq!(
            by("refresh").state,
            JobState::Succeeded,
            "{:?}",
            by("refresh")
        );
        assert!(
            by("refresh").summary.contains("calling profiles"),
            "{:?}",
            by("refresh")
        );

        // Edited without retyping the secret: kept, so a test still passes.
        let edited = LivePlatformSpec {
            tenant_id: "tenant-a".into(),
            ..spec.clone()
        };
        worker.save_connection(ConnectionSpec::LivePlatform(edited), vec![]);
        finished(&mut rx, 2).await;
        worker.submit(JobKind::TestConnection {
            connection: "lp-here".into(),
        });
        let done = finished(&mut rx, 1).await;
        assert!(
            done[0].1.summary.contains("Live Platform OK"),
            "{:?}",
            done[0].1
        );
    });
    let store = Store::open(&store_path).unwrap();
    let stored = store.stored_connections().unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].secrets_kept, ["client_secret"]);
    match &stored[0].spec {
        ConnectionSpec::LivePlatform(lp) => assert_eq!(lp.tenant_id, "tenant-a"),
        other => panic!("{other:?}"),
    }
    let c = store.conn_for_tests();
    let (profiles, leaked): (i64, i64) = c
        .query_row(
            "SELECT (SELECT COUNT(*) FROM remote_items WHERE connection = 'lp-here' AND kind = 'calling_profile'),
                    (SELECT COUNT(*) FROM jobs WHERE spec LIKE '%lp-client-secret%' OR spec LIKE '%wrong-lp%')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(profiles >= 2, "{profiles} profiles stored");
    assert_eq!(leaked, 0);
    drop(store);

    // Deleting forgets its cached data and secret.
    rt.block_on(async {
        worker.submit(JobKind::DeleteConnection {
            connection: "lp-here".into(),
        });
        let done = finished(&mut rx, 1).await;
        assert_eq!(done[0].1.state, JobState::Succeeded, "{:?}", done[0].1);
    });
    let store = Store::open(&store_path).unwrap();
    let left: i64 = store
        .conn_for_tests()
        .query_row(
            "SELECT (SELECT COUNT(*) FROM remote_items) + (SELECT COUNT(*) FROM connection_secrets)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0);
}
