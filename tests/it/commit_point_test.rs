//! One commit point per job (issue 15), through the real binary: a timeout
//! during the store write waits for it and reports what the store holds,
//! with the lease held (a second sync is refused) until it ends; Ctrl-C
//! before the write changes nothing, Ctrl-C during it rolls it back; a
//! remote write accepted by the server and then timed out says its outcome
//! is unknown and how to check; a job whose end could not be recorded is
//! closed, and its lease freed, by the next process.
//!
//! The write is made slow with `SWITCHBOARD_TEST_SLOW_WRITE_MS` (debug
//! builds only): it holds the sync's transaction open that long, so the
//! clock or the cancel falls inside the write on a loaded two-core machine
//! as surely as a 100,000-user sync does on a quiet one.

use crate::common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const DAY0: &str = "2026-11-22T10:00:00Z";
const LATER: &str = "2026-11-22T11:00:00Z";

fn config(dir: &Path, addr: &str, job_timeout: u32, page: u32) -> PathBuf {
    write_config(
        dir,
        &format!(
            "{}job_timeout_secs = {job_timeout}\n{}",
            config_head(&dir.join("s.db"), 5),
            arm_connection("lab", addr, LAB_LOGIN, page, "")
        ),
    )
}

/// A sync started in the background, its stderr lines sent to a channel.
struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    fn start(cfg: &Path, slow_write_ms: u64) -> Running {
        let mut child = bin()
            .env("SWITCHBOARD_NOW", LATER)
            .env("SWITCHBOARD_TEST_SLOW_WRITE_MS", slow_write_ms.to_string())
            .arg("--config")
            .arg(cfg)
            .args(["sync", "audiocodes", "lab", "--force"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let err = BufReader::new(child.stderr.take().unwrap());
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for l in err.lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits (at most 30 s) for a stderr line containing `what`.
    fn wait_for(&mut self, what: &str) {
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(30)) {
            let hit = l.contains(what);
            self.seen.push(l);
            if hit {
                return;
            }
        }
        panic!("never saw {what:?}: {:#?}", self.seen);
    }

    fn interrupt(&self) {
        let st = std::process::Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(st.success());
    }

    /// Exit code, stdout and the whole of stderr.
    fn finish(mut self) -> (Option<i32>, String, String) {
        let mut out = String::new();
        use std::io::Read;
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let code = self.child.wait().unwrap().code();
        self.seen.extend(self.lines.iter());
        (code, out, self.seen.join("\n"))
    }
}

fn leases(store: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(store).unwrap();
    let mut st = c
        .prepare("SELECT name || ' ' || holder FROM leases")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn job_rows(store: &Path, kind: &str) -> Vec<(String, String, String)> {
    let c = rusqlite::Connection::open(store).unwrap();
    let mut st = c
        .prepare("SELECT state, summary, error FROM jobs WHERE kind = ?1 ORDER BY rowid")
        .unwrap();
    st.query_map([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn a_timeout_during_the_write_waits_for_it_holds_the_lease_and_reports_what_the_store_holds() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(300));
    let cfg = config(dir.path(), &sim.addr, 1, 500);
    let store = dir.path().join("s.db");

    // The write takes 3.5 s; the job may take 1 s.
    let mut first = Running::start(&cfg, 3500);
    first.wait_for("registered users in");
    // The time limit has passed, the write still runs: the lease is held.
    std::thread::sleep(Duration::from_millis(1500));
    let second = run_at(&cfg, LATER, &["sync", "audiocodes", "lab", "--force"]);
    let (_, err2) = text(&second);
    assert_eq!(second.status.code(), Some(1), "{err2}");
    assert!(err2.contains("already running"), "{err2}");

    let (code, out, err) = first.finish();
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(!err.contains("nothing was"), "{err}");
    assert!(
        out.contains("the write had begun when the time limit (1s, http.job_timeout_secs) passed; it finished and the store holds it: added 300"),
        "{out}"
    );
    // The report and the store agree.
    assert_eq!(inventory(&cfg, LATER).len(), 300);
    let jobs = job_rows(&store, "sync");
    assert_eq!(jobs[0].0, "succeeded", "{jobs:?}");
    assert!(jobs[0].1.contains("added 300"), "{jobs:?}");
    assert!(leases(&store).is_empty(), "{:?}", leases(&store));
}

#[test]
fn ctrl_c_during_the_fetch_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(50));
    let cfg = config(dir.path(), &sim.addr, 60, 10);
    let store = dir.path().join("s.db");
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    sim.generate("lab", 200);
    let before = store_dump(&store);

    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":700}"#);
    let mut run = Running::start(&cfg, 0);
    run.wait_for("fetching registered users");
    std::thread::sleep(Duration::from_millis(500));
    run.interrupt();
    let (code, _, err) = run.finish();
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("cancelled before anything was written or sent; nothing was changed"),
        "{err}"
    );
    assert_same_store(
        &before,
        &store_dump(&store),
        "after Ctrl-C during the fetch",
    );
    assert_eq!(job_rows(&store, "sync")[1].0, "cancelled");
    assert!(leases(&store).is_empty(), "{:?}", leases(&store));
}

#[test]
fn ctrl_c_during_the_write_rolls_it_back_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(50));
    let cfg = config(dir.path(), &sim.addr, 60, 500);
    let store = dir.path().join("s.db");
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    sim.generate("lab", 400);
    let before = store_dump(&store);

    let mut run = Running::start(&cfg, 2500);
    run.wait_for("registered users in");
    std::thread::sleep(Duration::from_millis(700));
    run.interrupt();
    let (code, _, err) = run.finish();
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(
            "the write had begun when the job was cancelled; it was interrupted and rolled back"
        ),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
    assert_same_store(
        &before,
        &store_dump(&store),
        "after Ctrl-C during the write",
    );
    assert!(leases(&store).is_empty(), "{:?}", leases(&store));
}

#[test]
fn a_created_service_whose_task_outlives_the_job_is_reported_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, _, out) = create_service_and_wait(dir.path(), 600, "job_timeout_secs = 2\n");
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("nothing was"), "{err}");
    assert!(
        err.contains("sent; the server accepted it (task wst_"),
        "{err}"
    );
    assert!(
        err.contains("its outcome is unknown after the time limit (2s, http.job_timeout_secs) passed: `switchboard refresh live-platform lp` then `switchboard services`"),
        "{err}"
    );
}

#[test]
fn a_job_whose_end_could_not_be_recorded_is_closed_by_the_next_process_and_its_lease_freed() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(20));
    let cfg = config(dir.path(), &sim.addr, 30, 500);
    let store = dir.path().join("s.db");
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    sim.generate("lab", 40);

    // The store refuses every record of a job's end and every lease
    // release, as a full disk refuses them, while the sync itself commits.
    let full = rusqlite::Connection::open(&store).unwrap();
    full.execute_batch(
        "CREATE TRIGGER full_jobs BEFORE UPDATE OF state ON jobs
           WHEN NEW.state NOT IN ('queued', 'running')
           BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
         CREATE TRIGGER full_leases BEFORE DELETE ON leases
           BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    let out = run_at(&cfg, LATER, &["sync", "audiocodes", "lab", "--force"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("added 20"), "{stdout}");
    assert!(
        stderr.contains("could not be recorded") && stderr.contains("next switchboard process"),
        "{stderr}"
    );
    let log = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    assert!(
        log.contains("recording the end of job") && log.contains("retrying"),
        "the recording was retried: {log}"
    );
    assert_eq!(job_rows(&store, "sync")[1].0, "running");
    assert_eq!(leases(&store).len(), 1);

    // Room again: the next process to open the store (here `jobs`, which
    // runs no job of its own) closes the job with what the store knows
    // and frees the lease, and lists it as it ended.
    full.execute_batch("DROP TRIGGER full_jobs; DROP TRIGGER full_leases;")
        .unwrap();
    drop(full);
    let out = run_at(&cfg, LATER, &["jobs"]);
    let (listing, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !listing.contains(" running ") && listing.contains("succeeded"),
        "{listing}"
    );
    let jobs = job_rows(&store, "sync");
    assert_eq!(jobs[1].0, "succeeded", "{jobs:?}");
    assert!(
        jobs[1]
            .1
            .contains("ended without recording how this job ended")
            && jobs[1].1.contains("the store holds its sync run: applied"),
        "{jobs:?}"
    );
    assert!(leases(&store).is_empty(), "{:?}", leases(&store));
}

#[test]
fn an_axp_create_accepted_with_202_and_not_settled_in_time_is_reported_as_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        r#"[axp]
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "axp-secret-value"
app_key = "axp-app-key-value"
items_per_family = 1
settle_ms = 600000
"#,
    );
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}job_timeout_secs = 2\n{}",
            config_head(&dir.path().join("s.db"), 5),
            axp_connection(
                &format!("http://{}", sim.addr),
                "TESTAX",
                "axp-secret-value",
                "axp-app-key-value"
            )
        ),
    );
    let body = dir.path().join("aco.json");
    std::fs::write(
        &body,
        r#"{"name": "ACO new", "description": "lab", "environment": "Production",
            "didNumbers": ["+16065550001"]}"#,
    )
    .unwrap();
    let out = run(
        &cfg,
        &[
            "voice",
            "create",
            "aco-elements",
            "--file",
            body.to_str().unwrap(),
            "--wait",
        ],
    );
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("nothing was"), "{err}");
    assert!(err.contains("HTTP 202"), "{err}");
    assert!(err.contains("its outcome is unknown"), "{err}");
    assert!(
        err.contains("`switchboard voice get aco-elements ") && err.contains(" --connection axp`"),
        "{err}"
    );
}
