//! How a job failed is a type, and the exit code is read from it: the
//! cooling guard asks for confirmation (2), a read-only refusal is refused
//! (2), an unreachable host is an API error that keeps its cause (1).
//! Real worker, real simulator, real SQLite store.

use crate::common;
use common::*;

use switchboard::commands::exit_code::Exit;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::worker::{JobError, JobEvent, JobOutcome, Worker};

const DAY0: &str = "2026-11-22T10:00:00Z";

/// Runs one job on a worker of `config` (read-only when asked) to its end.
fn run_job(config: &std::path::Path, read_only: bool, kind: JobKind) -> JobOutcome {
    let config = std::sync::Arc::new(switchboard::config::load(Some(config)).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::new(config, read_only, tx);
        let id = worker.submit(kind);
        while let Some(ev) = rx.recv().await {
            if let JobEvent::Finished { id: j, outcome } = ev {
                if j == id {
                    return outcome;
                }
            }
        }
        panic!("the worker stopped before the job ended");
    })
}

fn sync_lab() -> JobKind {
    JobKind::SyncAudioCodes {
        connection: "lab".into(),
        dry_run: false,
        force: false,
    }
}

#[test]
fn the_cooling_guard_asks_for_confirmation_as_a_type() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(40));
    let cfg = lab_config(dir.path(), &sim.addr);
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    // 35 of 40 users gone: far past the guard.
    sim.generate("lab", 5);

    let o = run_job(&cfg, false, sync_lab());
    assert_eq!(o.state, JobState::Failed, "{o:?}");
    assert!(
        matches!(o.failure.as_deref(), Some(JobError::NeedsConfirmation(_))),
        "{o:?}"
    );
    assert!(o.asks_confirmation());
    assert!(o.error.contains("confirm to apply"), "{}", o.error);
    assert_eq!(Exit::of(&o), Exit::NeedsConfirmation);
    assert_eq!(Exit::of(&o).code(), 3);
}

#[test]
fn a_write_under_read_only_is_refused_as_a_type() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(3));
    let cfg = lab_config(dir.path(), &sim.addr);
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);

    let o = run_job(&cfg, true, sync_lab());
    assert!(
        matches!(o.failure.as_deref(), Some(JobError::Refused(_))),
        "{o:?}"
    );
    assert!(o.error.starts_with("refused: "), "{}", o.error);
    assert_eq!(Exit::of(&o).code(), 4);
}

#[test]
fn an_unreachable_host_is_an_api_error_that_keeps_its_cause() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_dir, cfg, _store) = lab_at(&format!("127.0.0.1:{port}"), 10, "");

    let o = run_job(
        &cfg,
        false,
        JobKind::TestConnection {
            connection: "lab".into(),
        },
    );
    let failure = o.failure.as_deref().expect("the test failed");
    assert!(matches!(failure, JobError::Api { .. }), "{failure:?}");
    let cause = std::error::Error::source(failure).expect("the API error is kept");
    let api = cause
        .downcast_ref::<switchboard::api::ApiError>()
        .expect("an ApiError");
    assert!(
        matches!(api.kind, switchboard::api::ErrorKind::Connect(_)),
        "{api:?}"
    );
    assert!(o.error.ends_with("; nothing was changed"), "{}", o.error);
    assert_eq!(Exit::of(&o), Exit::Failed);
    assert_eq!(Exit::of(&o).code(), 1);
}
