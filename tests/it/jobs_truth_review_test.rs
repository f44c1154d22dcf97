//! Cases a hostile review of "jobs tell the truth, nothing crashes the
//! worker, read-only writes nothing" found wrong, driving the real binary.
//! Each doc comment says what was wrong (before the fix in the commit that
//! followed it); each test asserts the behaviour the rule asks for.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The store file and its -wal and -shm: `(name, bytes)`, `None` when absent.
fn store_files(store: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|ext| {
            let p = PathBuf::from(format!("{}{ext}", store.display()));
            (format!("s.db{ext}"), std::fs::read(&p).ok())
        })
        .collect()
}

/// Was wrong: `--read-only tui` leaves files behind beside the store. After a
/// read-write sync every process has closed the store and SQLite removed
/// its -wal and -shm (as `read_only_store_test` checks); starting the
/// dashboard with `--read-only` and quitting with `q` leaves a new `s.db-wal`
/// and `s.db-shm` there (the read-only process exits with its store
/// connections still open, so they are never closed). The CLI's read-only
/// commands leave the files exactly as found; the dashboard should too:
/// after a read-only session the store's files (store, -wal, -shm) are byte
/// for byte what they were, and none is created.
#[test]
fn a_read_only_dashboard_leaves_the_store_files_as_it_found_them() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    let (_d, config, store) = lab_at(&sim.addr, 10, "");
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let before = store_files(&store);
    assert!(before[1].1.is_none() && before[2].1.is_none());

    let command = format!(
        "sh -c '{} --read-only --config {}; echo EXIT=$?; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("ro-tui", &command, (160, 45)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    // Let the loader and the store watcher read at least once.
    std::thread::sleep(Duration::from_millis(1500));
    pane.keys("q");
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");

    let after = store_files(&store);
    for ((name, b), (_, a)) in before.iter().zip(after.iter()) {
        assert!(
            b == a,
            "--read-only tui changed {name}: before {}, after {}",
            b.as_ref()
                .map_or("absent".into(), |v| format!("{} bytes", v.len())),
            a.as_ref()
                .map_or("absent".into(), |v| format!("{} bytes", v.len()))
        );
    }
}

/// Was wrong: a successful `oc create-service --wait` leaves a job that "crashed".
/// When the task ends `CompletedSuccess`, the job submits a follow-up
/// `refresh` of the connection and the CLI then returns at once: the
/// refresh has been recorded as `running` and the process exits under it.
/// The next command (`switchboard jobs`) closes it as `failed`: "process N
/// ended without recording how this job ended (a crash, a kill, or a full
/// or busy store)" — none of which happened. Jobs must tell the truth: the
/// CLI either waits for the job it started (and records its end) or does
/// not start it (and says which command refreshes); no job of a clean run
/// is reported as failed.
#[test]
fn a_created_service_leaves_no_job_that_ended_unrecorded() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg, out) = create_service_and_wait(dir.path(), 1, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert!(text(&out).0.contains("created"), "{}", text(&out).0);

    let out = run(&cfg, &["jobs"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let jobs = text(&out).0;
    assert!(
        !jobs.contains("ended without recording"),
        "a clean `oc create-service --wait` left a job closed as crashed:\n{jobs}"
    );
    for line in jobs.lines() {
        assert!(
            line.split_whitespace().nth(1) != Some("failed"),
            "a clean run recorded a failed job: {line}"
        );
    }
}

/// Runs `cmd` and returns its output and its peak resident memory (KiB),
/// read from `/proc/PID/status` (`VmHWM`) while it runs. Not the
/// `ru_maxrss` of `wait4`: the child is spawned from this test process,
/// whose own peak (every test of the crate shares it) is counted in the
/// child's `ru_maxrss` from before its `exec`. `VmHWM` belongs to the
/// memory the program maps after `exec` and only grows, so the last
/// reading is its peak up to then; the phase measured here (reading a
/// 400 MB output) lasts long enough to be seen.
fn run_measured(mut cmd: Command) -> (Output, i64) {
    use std::io::Read;
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = so.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = se.read_to_end(&mut v);
        v
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    while !(out.is_finished() && err.is_finished()) {
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|s| vm_hwm_kib(&s))
        {
            peak_kib = peak_kib.max(kib);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = child.wait().unwrap();
    let output = Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    (output, peak_kib)
}

/// The `VmHWM` line of a `/proc/PID/status`, in KiB.
fn vm_hwm_kib(status: &str) -> Option<i64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Was wrong: a `password_cmd` with a huge output is read whole into memory.
/// Only its first line is the secret, but `run_command` reads all of
/// standard output (`read_to_end`, then a lossy copy) before looking at
/// it: `yes lab-password | head -c 300000000` takes the process to about
/// 600 MB resident, and `password_cmd = "yes"` grows by gigabytes a second
/// until the 10 s timeout, enough for the OOM killer to end a `worker`.
/// The output should be read up to a bound (the first line, or a limit of
/// the order of kilobytes), so that memory stays small whatever the
/// command prints.
#[test]
fn a_password_cmd_with_a_huge_output_does_not_take_the_memory() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(3));
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            r#"
[[audiocodes]]
name = "lab"
host = "ADDR"
scheme = "http"
username = "svc-lab"
password_cmd = "yes lab-password | head -c 400000000"
page_size = 10
"#
            .replace("ADDR", &sim.addr)
        ),
    );
    let mut cmd = bin();
    cmd.arg("--config")
        .arg(&cfg)
        .args(["connections", "test", "lab"]);
    let (out, max_rss_kib) = run_measured(cmd);
    // Whether the first line is taken (the test passes) or the output is
    // refused as too long, the value is never shown.
    assert!(!text(&out).1.contains("lab-password"), "{}", text(&out).1);
    assert!(
        max_rss_kib < 150 * 1024,
        "reading the secret took {} MiB of memory for a 400 MB output",
        max_rss_kib / 1024
    );
}

/// Was wrong: quitting the dashboard while a job runs leaves the job's end
/// unrecorded, and the next process reports a crash that never happened.
/// `r` starts a sync of `lab` (its write held open by the test hook
/// `SWITCHBOARD_TEST_SLOW_WRITE_MS`); `q` during the write ends the
/// dashboard with exit 0 after the write has committed, but the job is left
/// `running` with its lease held. `switchboard jobs` then closes it as
/// "process N ended without recording how this job ended (a crash, a kill,
/// or a full or busy store)". A quit is none of those: the dashboard should
/// record the end of each job it ran before it leaves (finishing or
/// cancelling it through its commit point), so that no job of a clean quit
/// is closed as orphaned, and free the lease itself.
#[test]
fn quitting_the_dashboard_during_a_sync_records_the_jobs_end() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    let (_d, config, store) = lab_at(&sim.addr, 10, "");
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);

    let command = format!(
        "sh -c 'SWITCHBOARD_TEST_SLOW_WRITE_MS=4000 {} --config {}; echo EXIT=$?; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("quit", &command, (160, 45)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    pane.keys("r");
    // The fetch of 30 users is instant: the sync is then in its write.
    pane.wait_for("sync lab 30/30");
    std::thread::sleep(Duration::from_millis(500));
    pane.keys("q");
    // A job is running: the dashboard asks first (issue 17).
    pane.wait_for("Quit switchboard?");
    pane.keys("y");
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");

    // What the dashboard itself left in the store, before any other
    // process could close its jobs.
    let conn =
        rusqlite::Connection::open_with_flags(&store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let left: Vec<(String, String)> = conn
        .prepare("SELECT kind, state FROM jobs WHERE state IN ('queued', 'running')")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let leases: Vec<String> = conn
        .prepare("SELECT name FROM leases")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    drop(conn);
    assert!(
        left.is_empty(),
        "the dashboard quit (exit 0) and left jobs unended: {left:?}"
    );
    assert!(leases.is_empty(), "the dashboard quit holding {leases:?}");

    let out = run(&config, &["jobs"]);
    let jobs = text(&out).0;
    assert!(
        !jobs.contains("ended without recording"),
        "a clean quit is reported as a crash:\n{jobs}"
    );
}

/// Was wrong: `--read-only worker --once` with a due schedule does
/// nothing, prints nothing and exits 0. A cron entry or systemd timer that
/// runs it reads "success" while no sync ran. `switchboard worker` without
/// `--once` says "read-only, so sweeps and scheduled syncs are paused";
/// the one-round form should say the same (that the due sync of `lab` was
/// not run because the run is read-only), as the issue asks where it is
/// silent: say exactly what happened.
#[test]
fn a_read_only_worker_round_says_that_due_syncs_were_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(5));
    let (_d, config, _store) = lab_at(
        &sim.addr,
        10,
        "schedule = \"1h\"\nschedule_enabled = true\n",
    );
    let out = run_at(
        &config,
        "2026-11-22T10:00:00Z",
        &["sync", "audiocodes", "lab"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    // A day later the hourly schedule is due.
    let out = run_at(
        &config,
        "2026-11-23T10:00:00Z",
        &["--read-only", "worker", "--once"],
    );
    let (stdout, stderr) = text(&out);
    assert!(
        format!("{stdout}{stderr}").contains("read-only"),
        "exit {:?}, a due scheduled sync was skipped without a word: stdout {stdout:?} stderr {stderr:?}",
        out.status.code()
    );
}
