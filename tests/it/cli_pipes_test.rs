//! Issue 18: a reader that goes away (`switchboard … | head -1`) ends
//! every listing, in every format, quietly: nothing on stderr and exit
//! 141. The convention chosen: exit with 141 (128 + SIGPIPE, the status a
//! shell shows for a process that signal killed) rather than die of the
//! signal, so the command stops on its own path and no job is left
//! "running" in the store. Any other failed write (a full disk) is one
//! line and exit 1.

use crate::common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use switchboard::domain::job::JobState;
use switchboard::store::Store;

/// A scenario with enough of everything that each listing is larger than
/// a pipe's buffer (64 KiB on Linux): the reader goes while it writes.
const SCENARIO: &str = r#"[live_platform]
client_id = "lp-client"
client_secret = "lp-secret-value"
extra_profiles = 150
customers = 2
leads = 2
task_seconds = 1

[axp]
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "s"
app_key = "k"
items_per_family = 2
phone_numbers = 3000
"#;

/// The simulator (Live Platform and AXP), a config with both as "lp" and
/// "axp", and a store holding 5,000 numbers and the refreshed profiles.
fn setup(dir: &Path) -> (SimProcess, PathBuf, PathBuf) {
    let sim = SimProcess::with_scenario(dir, SCENARIO);
    let store = dir.join("s.db");
    let url = format!("http://{}", sim.addr);
    let cfg = write_config(
        dir,
        &format!(
            "{}job_timeout_secs = 60\n{}{}",
            config_head(&store, 5),
            lp_connection(&url, "lp-secret-value"),
            axp_connection(&url, "TESTAX", "s", "k")
        ),
    );
    for args in [
        &["numbers", "add-range", "+15550000000", "+15550004999"][..],
        &["refresh", "live-platform", "lp"][..],
    ] {
        let out = run(&cfg, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    (sim, cfg, store)
}

/// What `switchboard ARGS | head -1` does to switchboard: stdout is a real
/// pipe, one line is read from it, then its reading end is closed. Returns
/// the line, the exit code and stderr.
fn head_1(config: &Path, args: &[&str]) -> (String, Option<i32>, String) {
    let mut child = bin()
        .arg("--config")
        .arg(config)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard");
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    drop(reader);
    let out = child.wait_with_output().unwrap();
    (
        first,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Rule: `| head -1` on each format of `numbers`, `profiles` and `voice
/// list` exits 141 with an empty stderr, and leaves no job running.
#[test]
fn every_listing_and_format_stops_quietly_with_141_when_its_reader_goes() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg, store) = setup(dir.path());
    let mut wrong = vec![];
    for args in [
        &["numbers"][..],
        &["numbers", "--json"][..],
        &["numbers", "--csv"][..],
        &["profiles"][..],
        &["profiles", "--json"][..],
        &["voice", "list", "phone-numbers"][..],
        &["voice", "list", "phone-numbers", "--json"][..],
    ] {
        let whole = run(&cfg, args);
        assert!(whole.status.success(), "{args:?}: {}", text(&whole).1);
        // Larger than any pipe buffer the reader could leave unread.
        assert!(
            whole.stdout.len() > 128 * 1024,
            "{args:?}: only {} bytes",
            whole.stdout.len()
        );
        let expected_first = text(&whole).0.lines().next().unwrap().to_string();
        let (first, code, stderr) = head_1(&cfg, args);
        if first.trim_end() != expected_first || code != Some(141) || !stderr.is_empty() {
            wrong.push(format!(
                "{args:?}: first line {first:?}, exit {code:?}, stderr {stderr:?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The live lists ran as jobs; each ended before its reader went.
    let jobs = Store::open(&store).unwrap().recent_jobs(100).unwrap();
    let unfinished: Vec<_> = jobs
        .iter()
        .filter(|j| matches!(j.state, JobState::Running | JobState::Queued))
        .map(|j| format!("{} {} {:?}", j.kind, j.target, j.state))
        .collect();
    assert!(unfinished.is_empty(), "left running: {unfinished:?}");
    assert!(
        jobs.iter().any(|j| j.kind == "list"),
        "the voice lists ran as jobs: {:?}",
        jobs.iter().map(|j| &j.kind).collect::<Vec<_>>()
    );
}

/// Rule: a write that fails for another reason (a full disk) is an error:
/// one line naming it, exit 1.
#[test]
fn a_full_disk_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &config_head(&dir.path().join("s.db"), 1));
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000999"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    for args in [&["numbers"][..], &["numbers", "--json"][..], &["jobs"][..]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = bin()
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(
            stderr, "switchboard: cannot write: No space left on device (os error 28)\n",
            "{args:?}"
        );
    }
}

/// Rule: `switchboard worker` (the long-running clockwork) whose stdout
/// reader is gone stops at its first result line, with 141, ending the
/// jobs it runs first: it does not run on unread, nor leave a job running.
#[test]
fn the_worker_stops_when_nobody_reads_its_results() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 1));
    // A number whose cooling has ended by the time the worker starts, so
    // its start-up sweep runs and prints a result.
    let now = "2026-11-20T09:00:00Z";
    for args in [
        &["numbers", "add-range", "+15550000000", "+15550000001"][..],
        &["numbers", "cool", "+15550000000", "--days", "1"][..],
    ] {
        let out = run_at(&cfg, now, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    let mut child = bin()
        .env("SWITCHBOARD_NOW", "2026-11-25T09:00:00Z")
        .arg("--config")
        .arg(&cfg)
        .arg("worker")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard worker");
    drop(child.stdout.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the worker ran on with nobody reading its results");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(status.code(), Some(141), "{stderr}");
    assert!(!stderr.contains("cannot write"), "{stderr}");
    let jobs = Store::open(&store).unwrap().recent_jobs(10).unwrap();
    assert!(
        jobs.iter().any(|j| j.kind == "sweep"),
        "the start-up sweep ran"
    );
    assert!(
        jobs.iter()
            .all(|j| !matches!(j.state, JobState::Running | JobState::Queued)),
        "{:?}",
        jobs.iter().map(|j| (&j.kind, j.state)).collect::<Vec<_>>()
    );
}

/// Rule: a stderr whose reader is gone (`2>&1 | head` after head left) is
/// let be: the hint it could not print is no panic (exit 70).
#[test]
fn a_closed_stderr_is_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &config_head(&dir.path().join("s.db"), 1));
    for args in [&["numbers"][..], &["profiles"][..], &["jobs"][..]] {
        let mut child = bin()
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}");
    }
}
