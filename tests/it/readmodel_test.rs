//! One read model for the CLI and the dashboard, housekeeping at every
//! front door, export as a worker job: the listing of connections reads no
//! secret, `switchboard worker` closes a job whose process is gone, and an
//! export job writes what `numbers --csv|--json` prints, with progress, and
//! writes nothing when cancelled.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard::domain::connection::AudioCodesSpec;
use switchboard::domain::connection_spec::ConnectionSpec;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::secret::Secret;
use switchboard::store::number_query::NumberQuery;
use switchboard::store::Store;
use switchboard::tui::data::{self, Data, DataRequest};
use switchboard::worker::{JobEvent, JobOutcome, Worker};

const NOW: &str = "2026-11-20T09:00:00Z";

/// A pid no process has: a child that has been waited for.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn the_headless_worker_closes_a_job_whose_process_is_gone_and_mirrors_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store_path, 1),
            // Never contacted: it has no schedule, and nothing is due.
            arm_connection("arm-east", "127.0.0.1:9", LAB_LOGIN, 10, "")
        ),
    );
    {
        let store = Store::open(&store_path).unwrap();
        store.insert_job("orphan-1", &JobKind::Sweep).unwrap();
        store.start_job("orphan-1").unwrap();
        store
            .conn_for_tests()
            .execute(
                "UPDATE jobs SET pid = ?1 WHERE id = 'orphan-1'",
                [dead_pid()],
            )
            .unwrap();
        assert!(store.connection_rows().unwrap().is_empty());
    }

    let out = run_at(&cfg, NOW, &["worker", "--once"]);
    assert!(out.status.success(), "{}", text(&out).1);

    let store = Store::open(&store_path).unwrap();
    let job = store
        .recent_jobs(10)
        .unwrap()
        .into_iter()
        .find(|j| j.id == "orphan-1")
        .unwrap();
    assert_eq!(job.state, JobState::Failed, "{job:?}");
    assert!(
        job.error
            .contains("ended without recording how this job ended"),
        "{job:?}"
    );
    // The round itself ran no job: the worker's start closed it.
    assert_eq!(store.recent_jobs(10).unwrap().len(), 1);
    let rows = store.connection_rows().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].name.as_str(), rows[0].source.as_str()),
        ("arm-east", "config")
    );
}

/// A config whose connection's password comes from a command that leaves
/// `marker` behind, and a store holding a connection made here whose kept
/// secret cannot even be read back (not text).
fn secret_traps(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let store_path = dir.join("s.db");
    let marker = dir.join("secret-was-read");
    let cfg = write_config(
        dir,
        &format!(
            "{}\n[[audiocodes]]\nname = \"arm-cmd\"\nhost = \"127.0.0.1:9\"\nscheme = \"http\"\nusername = \"svc\"\npassword_cmd = \"touch {}; echo s3cret\"\n",
            config_head(&store_path, 1),
            marker.display()
        ),
    );
    let mut store = Store::open(&store_path).unwrap();
    let spec = ConnectionSpec::AudioCodes(AudioCodesSpec {
        name: "made-here".into(),
        host: "127.0.0.1:9".into(),
        scheme: "http".into(),
        username: "svc".into(),
        auth: "basic".into(),
        page_size: 10,
        ..Default::default()
    });
    let secret = Secret::new("kept-secret");
    store
        .save_connection(&spec, &[("password", &secret)])
        .unwrap();
    store
        .conn_for_tests()
        .execute(
            "UPDATE connection_secrets SET value = X'FF00FE' WHERE name = 'made-here'",
            [],
        )
        .unwrap();
    (cfg, store_path, marker)
}

#[test]
fn listing_connections_reads_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store_path, marker) = secret_traps(dir.path());

    // The traps are real: loading the made-here connection's secret fails,
    // and resolving the file's runs the command.
    let config = switchboard::commands::load_config(Some(&cfg), None).unwrap();
    let store = Store::open(&store_path).unwrap();
    assert!(
        switchboard::worker::stored_connections::find(&store, &config, "made-here").is_err(),
        "the kept secret should be unreadable"
    );
    drop(store);

    let out = run(&cfg, &["connections", "list"]);
    let (listing, err) = text(&out);
    assert!(out.status.success(), "{err}");
    assert!(listing.contains("arm-cmd"), "{listing}");
    assert!(
        listing.contains("made-here") && listing.contains("made in switchboard"),
        "{listing}"
    );
    assert!(
        !marker.exists(),
        "connections list ran the password command"
    );

    // The dashboard's listing, through its reader.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let loader = data::spawn(Arc::new(config), tx);
    loader.send(DataRequest::Connections);
    let answer = rx.blocking_recv().expect("the reader answers");
    loader.close();
    let Data::Connections(infos) = answer else {
        panic!("not the connections: {answer:?}")
    };
    let names: Vec<(&str, &str)> = infos
        .iter()
        .map(|c| (c.name.as_str(), c.source.as_str()))
        .collect();
    assert_eq!(names, [("arm-cmd", "config"), ("made-here", "store")]);
    let made = &infos[1];
    assert_eq!(made.secrets_kept, ["password"]);
    assert!(
        !marker.exists(),
        "the dashboard's listing ran the password command"
    );

    let out = run(&cfg, &["config", "check"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        marker.exists(),
        "config check resolves every secret of the file"
    );
}

/// A worker on the store of `cfg`, with its event receiver.
fn worker_on(cfg: &Path) -> (Worker, tokio::sync::mpsc::UnboundedReceiver<JobEvent>) {
    let config = switchboard::commands::load_config(Some(cfg), None).unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (Worker::new(Arc::new(config), false, tx), rx)
}

/// The outcome of job `id`, and the progress it reported on the way.
async fn outcome_of(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<JobEvent>,
    id: &str,
    mut on_progress: impl FnMut(u64, u64),
) -> (JobOutcome, Vec<(u64, u64)>) {
    let mut progress = vec![];
    loop {
        match rx.recv().await.expect("worker alive") {
            JobEvent::Progress {
                id: j, done, total, ..
            } if j == id => {
                progress.push((done, total));
                on_progress(done, total);
            }
            JobEvent::Finished { id: j, outcome } if j == id => return (outcome, progress),
            _ => {}
        }
    }
}

fn store_config(dir: &Path) -> PathBuf {
    write_config(dir, &config_head(&dir.join("s.db"), 1))
}

#[test]
fn an_export_job_writes_what_the_cli_prints_with_progress() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_config(dir.path());
    let out = run_at(
        &cfg,
        NOW,
        &["numbers", "add-range", "+15550001000", "+15550002199"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let rt = tokio::runtime::Runtime::new().unwrap();
    for (json, flag) in [(false, "--csv"), (true, "--json")] {
        let path = dir.path().join(format!("export-{flag}"));
        let (worker, mut rx) = worker_on(&cfg);
        let (outcome, progress) = rt.block_on(async {
            let id = worker.submit(JobKind::ExportNumbers {
                query: NumberQuery::default(),
                path: path.display().to_string(),
                json,
            });
            outcome_of(&mut rx, &id, |_, _| {}).await
        });
        assert_eq!(outcome.state, JobState::Succeeded, "{outcome:?}");
        assert_eq!(
            outcome.summary,
            format!("exported 1200 numbers to {}", path.display())
        );
        assert_eq!(progress.first(), Some(&(0, 1200)), "{progress:?}");
        assert!(progress.contains(&(500, 1200)), "{progress:?}");
        assert_eq!(progress.last(), Some(&(1200, 1200)), "{progress:?}");
        let printed = run_at(&cfg, NOW, &["numbers", flag]);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            String::from_utf8(printed.stdout).unwrap(),
            "{flag}"
        );
    }
}

#[test]
fn a_cancelled_export_writes_nothing_and_keeps_the_file_that_was_there() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_config(dir.path());
    let out = run_at(
        &cfg,
        NOW,
        &["numbers", "add-range", "+15550000000", "+15550059999"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let path = dir.path().join("numbers.csv");
    std::fs::write(&path, "what was there\n").unwrap();
    let (worker, mut rx) = worker_on(&cfg);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (outcome, _) = rt.block_on(async {
        let id = worker.submit(JobKind::ExportNumbers {
            query: NumberQuery::default(),
            path: path.display().to_string(),
            json: false,
        });
        // Cancelled as soon as it says it has begun.
        let w = worker.clone();
        let me = id.clone();
        outcome_of(&mut rx, &id, move |_, _| {
            w.cancel(&me);
        })
        .await
    });
    assert_eq!(outcome.state, JobState::Cancelled, "{outcome:?}");
    // The rows written so far go with it (the export stops at its next
    // check), and the file that was there stays.
    let part = dir.path().join(".numbers.csv.part");
    let until = Instant::now() + Duration::from_secs(10);
    while part.exists() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!part.exists(), "the partial file was left behind");
    let now_there = std::fs::read_to_string(&path).unwrap();
    assert!(
        now_there == "what was there\n",
        "the file was replaced ({} bytes)",
        now_there.len()
    );
}

#[test]
fn voice_list_and_get_run_as_worker_jobs_with_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        "[axp]\naccount_id = \"RMAXAX\"\nclient_id = \"axp-client\"\nclient_secret = \"s\"\napp_key = \"k\"\nitems_per_family = 2\n",
    );
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            axp_connection(&format!("http://{}", sim.addr), "RMAXAX", "s", "k")
        ),
    );
    let listed = run(&cfg, &["voice", "list", "communication-managers", "--json"]);
    let (out, err) = text(&listed);
    assert!(listed.status.success(), "{err}");
    assert!(
        err.is_empty(),
        "a read prints nothing but its result: {err}"
    );
    let cms: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(cms.len(), 2, "{out}");
    let id = cms[0]["id"]
        .as_str()
        .map_or(cms[0]["id"].to_string(), str::to_string);
    let got = run(&cfg, &["voice", "get", "communication-managers", &id]);
    assert!(got.status.success(), "{}", text(&got).1);
    let item: serde_json::Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!(item, cms[0]);
    let missing = run(
        &cfg,
        &["voice", "get", "communication-managers", "no-such-cm"],
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing).1.contains("not found (404)"),
        "{}",
        text(&missing).1
    );

    // Each went through the worker: recorded as jobs like any other.
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    let jobs: Vec<(String, JobState)> = store
        .recent_jobs(10)
        .unwrap()
        .into_iter()
        .map(|j| (j.kind, j.state))
        .collect();
    assert_eq!(
        jobs,
        [
            ("get".to_string(), JobState::Failed),
            ("get".to_string(), JobState::Succeeded),
            ("list".to_string(), JobState::Succeeded),
        ]
    );
}
