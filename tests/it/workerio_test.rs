//! The worker's clock handed in, its typed progress events, and the CLI's
//! progress bars (drawn on a terminal, never on a pipe), against the real
//! simulator and real store files.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::sync::Arc;
use switchboard::clock::Clock;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::store::Store;
use switchboard::worker::{JobEvent, Worker};

/// A sync of "lab" (10 users, pages of 4) by a worker handed a clock fixed
/// at 2031: the job, the numbers and the run are stamped with that time
/// (this test never sets SWITCHBOARD_NOW), and the paging is reported as
/// typed progress of the registered users.
#[test]
fn a_worker_handed_a_clock_stamps_with_it_and_reports_its_pages_as_progress() {
    assert!(std::env::var_os("SWITCHBOARD_NOW").is_none());
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(10));
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            arm_connection("lab", &sim.addr, ("svc-lab", "lab-password"), 4, "")
        ),
    );
    let config = switchboard::config::load(Some(&cfg)).unwrap();
    let fixed = "2031-02-03T04:05:06Z";
    let clock = Clock::Fixed(switchboard::clock::parse_stamp(fixed).unwrap());

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (outcome, progress) = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::with_clock(Arc::new(config), false, tx, clock);
        let id = worker.submit(JobKind::SyncAudioCodes {
            connection: "lab".into(),
            dry_run: false,
            force: false,
        });
        let mut progress = Vec::new();
        loop {
            match rx.recv().await.expect("worker alive") {
                JobEvent::Progress {
                    id: j,
                    entity,
                    done,
                    failed,
                    total,
                } if j == id => progress.push((entity, done, failed, total)),
                JobEvent::Finished { id: j, outcome } if j == id => return (outcome, progress),
                _ => {}
            }
        }
    });
    assert_eq!(outcome.state, JobState::Succeeded, "{outcome:?}");
    let users = |done| ("registered users".to_string(), done, 0, 10);
    assert_eq!(progress, vec![users(4), users(8), users(10)]);

    let s = Store::open(&store).unwrap();
    let job = &s.recent_jobs(1).unwrap()[0];
    assert_eq!(
        (job.created_at.as_str(), job.ended_at.as_deref()),
        (fixed, Some(fixed))
    );
    assert!(s
        .job_log(&job.id)
        .unwrap()
        .iter()
        .all(|(at, _)| at == fixed));
    let run = s.last_sync_run("lab").unwrap().expect("a run");
    assert_eq!(run.started_at, fixed);
    let stamps: Vec<String> = s
        .conn_for_tests()
        .prepare("SELECT DISTINCT updated_at FROM numbers")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stamps, vec![fixed.to_string()]);
}

/// A config with "lab" (`users` users, pages of 4) whose pages the
/// simulator answers after `page_ms`; returns (dir, sim, config, store).
fn slow_lab(
    users: usize,
    page_ms: u64,
) -> (
    tempfile::TempDir,
    SimProcess,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(users));
    if page_ms > 0 {
        sim.fault(&format!(
            r#"{{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":{page_ms}}}"#
        ));
    }
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            // One page at a time: the slow sync lasts the 3 s the bar tests
            // need (concurrent pages would end it in about one).
            arm_connection(
                "lab",
                &sim.addr,
                ("svc-lab", "lab-password"),
                4,
                "fetch_concurrency = 1"
            )
        ),
    );
    (dir, sim, cfg, store)
}

/// With stderr a pipe, a sync that reports progress on every page prints
/// exactly what it printed before there were bars: its log lines on
/// stderr, its summary on stdout, nothing else.
#[test]
fn with_stderr_a_pipe_the_cli_prints_its_log_and_no_bars() {
    let (_dir, _sim, cfg, store) = slow_lab(40, 0);
    let out = run_at(&cfg, "2026-11-22T09:00:00Z", &["sync", "audiocodes", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("lab: added 40, ") && stdout.lines().count() == 1,
        "{stdout}"
    );
    let s = Store::open(&store).unwrap();
    let job = &s.recent_jobs(1).unwrap()[0];
    let logged: String = s
        .job_log(&job.id)
        .unwrap()
        .into_iter()
        .map(|(_, line)| line + "\n")
        .collect();
    assert!(logged.contains("fetched 40 registered users"), "{logged}");
    assert_eq!(
        stderr, logged,
        "stderr holds the log lines and nothing else"
    );
}

/// With stderr a terminal, the registered users fetched so far show as a
/// bar while the pages come in, and the bar is gone when the job ends.
#[test]
fn with_stderr_a_terminal_the_cli_draws_a_bar_while_it_waits() {
    let (_dir, _sim, cfg, _store) = slow_lab(40, 300);
    let command = format!(
        "{} --config {} sync audiocodes lab; echo EXIT $?; sleep 60",
        env!("CARGO_BIN_EXE_switchboard"),
        cfg.display()
    );
    let Some(pane) = TmuxPane::start("bars", &command, (120, 20)) else {
        return;
    };
    let running = pane.wait_for("registered users [");
    let bar = running
        .lines()
        .find(|l| l.contains("registered users ["))
        .unwrap();
    assert!(bar.contains("/40"), "{running}");
    let ended = pane.wait_for("EXIT 0");
    assert!(ended.contains("lab: added 40"), "{ended}");
    assert!(!ended.contains("registered users ["), "{ended}");
}
