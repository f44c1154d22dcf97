//! What a panic does (issue 15). No input should reach one (see
//! config_bounds_test.rs for the ones that did); these tests make one with
//! `SWITCHBOARD_DEBUG_PANIC_AT`, a switch compiled into debug builds only
//! (the binary under test), and check the safety net: a panicking job
//! fails that job; any other panic ends the run with exit 70 and one line;
//! the log holds the backtrace; the terminal is given back.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// Whether the binary has the switch: a release build (`cargo test
/// --release`, where this test crate is built without debug assertions
/// too) has none, and these tests are skipped there.
fn has_panic_points() -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("release build: no SWITCHBOARD_DEBUG_PANIC_AT, skipped");
    }
    cfg!(debug_assertions)
}

/// Runs switchboard with the panic point `at`, killed after 30 s (a job
/// whose panic went unnoticed never finished: the CLI waited forever).
fn run_panicking(config: &Path, at: &str, args: &[&str]) -> Output {
    let mut child = bin()
        .env("SWITCHBOARD_DEBUG_PANIC_AT", at)
        .arg("--config")
        .arg(config)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if began.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "{args:?} never ended after a panic at {at}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn log_of(store: &Path) -> (std::path::PathBuf, String) {
    let log = store.parent().unwrap().join("logs").join("switchboard.log");
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    (log, text)
}

#[test]
fn a_panicking_job_fails_that_job_and_releases_its_lease() {
    if !has_panic_points() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    let (_d, config, store) = lab_at(&sim.addr, 10, "");

    let out = run_panicking(&config, "arm_users_page", &["sync", "audiocodes", "lab"]);
    let (_, stderr) = text(&out);
    let (log, logged) = log_of(&store);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!(
            "switchboard: sync lab: internal error: forced by SWITCHBOARD_DEBUG_PANIC_AT=arm_users_page; details in the log file {}",
            log.display()
        ),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked at"),
        "no panic report on the terminal: {stderr}"
    );
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    // The log has the message, where, and the backtrace.
    assert!(
        logged.contains(
            "internal error (panic): forced by SWITCHBOARD_DEBUG_PANIC_AT=arm_users_page"
        ),
        "{logged}"
    );
    assert!(
        logged.contains("users_page"),
        "a backtrace naming the function: {logged}"
    );
    assert!(logged.contains("src/api/audiocodes.rs"), "{logged}");

    // The job is recorded as failed, not left running.
    let jobs = run(&config, &["jobs"]);
    let (jobs, _) = text(&jobs);
    let row = jobs
        .lines()
        .find(|l| l.contains("sync"))
        .unwrap_or_default();
    assert!(
        row.contains("failed") && row.contains("internal error"),
        "{jobs}"
    );
    let c = rusqlite::Connection::open(&store).unwrap();
    let leases: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM leases WHERE name = 'sync:lab'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leases, 0, "the lease was released");
    drop(c);

    // The next sync is not refused by a lease left behind.
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("added 30"), "{stdout}");
}

#[test]
fn a_panic_on_the_main_thread_exits_70_with_one_line() {
    if !has_panic_points() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(dir.path(), &config_head(&store, 1));
    let out = run_panicking(&config, "command", &["numbers"]);
    let (stdout, stderr) = text(&out);
    let (log, logged) = log_of(&store);
    assert_eq!(out.status.code(), Some(70), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert_eq!(
        stderr,
        format!(
            "switchboard: internal error: forced by SWITCHBOARD_DEBUG_PANIC_AT=command; details in the log file {}\n",
            log.display()
        )
    );
    assert!(logged.contains("internal error (panic)"), "{logged}");
    assert!(logged.contains("commands::dispatch"), "backtrace: {logged}");
}

/// The dashboard in tmux with the panic point `at` forced; after it ends,
/// the pane shows its exit code and whether the terminal is in cooked mode
/// again. None where tmux is not installed.
fn dashboard_panicking_at(config: &Path, at: &str) -> Option<TmuxPane> {
    let command = format!(
        "sh -c 'SWITCHBOARD_DEBUG_PANIC_AT={at} {} --config {}; echo EXIT=$?; stty -a | grep -o -- \"-*icanon\"; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    TmuxPane::start(at, &command, (140, 40))
}

/// Before: the dashboard's panic hook gave the terminal back on the job's
/// panic (on a worker thread) while the dashboard went on, in cooked mode,
/// and the job never ended. Now the job fails, the screen says so, and `q`
/// quits normally.
#[test]
fn in_the_dashboard_a_panicking_job_fails_and_the_screen_stays() {
    if !has_panic_points() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    let (_d, config, _store) = lab_at(&sim.addr, 10, "");
    let Some(pane) = dashboard_panicking_at(&config, "arm_users_page") else {
        return;
    };
    pane.wait_for("Connections (1)");
    pane.keys("r");
    let screen = pane.wait_for("internal error");
    assert!(
        screen.contains(
            "sync lab: internal error: forced by SWITCHBOARD_DEBUG_PANIC_AT=arm_users_page"
        ),
        "{screen}"
    );
    assert!(!screen.contains("EXIT="), "still running: {screen}");
    pane.keys("q");
    // The stty line comes after the exit line: wait for it, not the exit.
    let screen = pane.wait_for("icanon");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(
        screen.contains("\nicanon"),
        "the terminal is back in cooked mode: {screen}"
    );
}

/// A panic of the UI thread, or of the thread reading keys, ends the
/// dashboard with the terminal given back, one line and exit 70 (before:
/// a blank screen that ignored `q`).
#[test]
fn in_the_dashboard_a_panic_of_the_ui_restores_the_terminal() {
    if !has_panic_points() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(dir.path(), &config_head(&store, 1));
    for at in ["tui_draw", "tui_input"] {
        let Some(pane) = dashboard_panicking_at(&config, at) else {
            return;
        };
        if at == "tui_input" {
            pane.wait_for("Connections");
            pane.keys("j");
        }
        // The stty line comes after the exit line: wait for it, not the exit.
        let screen = pane.wait_for("icanon");
        assert!(screen.contains("EXIT=70"), "{at}: {screen}");
        assert!(
            screen.contains(&format!("switchboard: internal error: forced by SWITCHBOARD_DEBUG_PANIC_AT={at}; details in the log file")),
            "{at}: {screen}"
        );
        assert!(
            screen.contains("\nicanon"),
            "{at}: cooked mode again: {screen}"
        );
        assert!(
            !screen.contains("Connections"),
            "{at}: the alternate screen was left: {screen}"
        );
    }
}
