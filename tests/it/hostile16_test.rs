//! Hostile tests of issue 16's new shape: exit codes per outcome, the
//! housekeeping at every front door, the export job and the clock at the
//! front door. Seven of them caught a defect (their comments say which,
//! all fixed); the others probe a risky rule that held and guard it.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::store::number_query::NumberQuery;
use switchboard::store::Store;
use switchboard::worker::{JobEvent, JobOutcome, Worker};

const NOW: &str = "2026-11-20T09:00:00Z";

/// A config with only a store (and logs beside it) in `dir`.
fn store_only(dir: &Path) -> PathBuf {
    write_config(dir, &config_head(&dir.join("s.db"), 1))
}

/// A store with `from..=to` added as Available numbers.
fn numbered(dir: &Path, from: &str, to: &str) -> PathBuf {
    let cfg = store_only(dir);
    let out = run_at(&cfg, NOW, &["numbers", "add-range", from, to]);
    assert!(out.status.success(), "{}", text(&out).1);
    cfg
}

/// Runs switchboard with stdout a pipe whose reading end is already
/// closed (`switchboard jobs | head -0`, or a pager quit early): every
/// write to stdout fails with EPIPE.
fn run_with_closed_stdout(config: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut child = bin()
        .env("SWITCHBOARD_NOW", NOW)
        .arg("--config")
        .arg(config)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run switchboard");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Rule: a reader that goes away early (`| head`, a pager quit) is a
/// failed write, exit 1 with one line, as `numbers` already does: never
/// exit 70 "internal error" (which the README reserves for a panic, i.e.
/// a bug to report) with a pointer to a backtrace in the log.
///
/// The defect this caught: every command but `numbers` panics in `println!` and exits 70
/// with "internal error: failed printing to stdout: Broken pipe".
#[test]
fn a_closed_stdout_is_a_write_error_exit_1_not_an_internal_error_70() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550000099");
    // The rule holds for `numbers` (the reference)...
    let (code, err) = run_with_closed_stdout(&cfg, &["numbers"]);
    assert_eq!(code, Some(1), "numbers: {err}");
    assert!(!err.contains("internal error"), "numbers: {err}");
    // ...and must hold for every other command that prints.
    let mut broken = vec![];
    for args in [
        &["jobs"][..],
        &["connections", "list"][..],
        &["config", "check"][..],
    ] {
        let (code, err) = run_with_closed_stdout(&cfg, args);
        if code != Some(1) || err.contains("internal error") {
            broken.push(format!("{args:?}: exit {code:?}: {}", err.trim()));
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// A pid no process has: a child that has been waited for.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

/// Puts a running job `id` of process `pid` into the store at `path`.
fn running_job_of(path: &Path, id: &str, pid: u32) {
    let store = Store::open(path).unwrap();
    store.insert_job(id, &JobKind::Sweep).unwrap();
    store.start_job(id).unwrap();
    store
        .conn_for_tests()
        .execute("UPDATE jobs SET pid = ?1 WHERE id = ?2", (pid, id))
        .unwrap();
}

fn job_state(path: &Path, id: &str) -> JobState {
    Store::open(path)
        .unwrap()
        .recent_jobs(50)
        .unwrap()
        .into_iter()
        .find(|j| j.id == id)
        .unwrap_or_else(|| panic!("no job {id}"))
        .state
}

/// Rule: under `--read-only` no front door writes the store, not even
/// its housekeeping: `worker --once`, `jobs`, `connections list` and
/// `numbers` leave the store's bytes as they were, a job of a process
/// that is gone stays as recorded, and a connection the file declares is
/// not mirrored.
#[test]
fn read_only_front_doors_leave_the_store_bytes_and_its_orphans_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = numbered(dir.path(), "+15550000000", "+15550000009");
    running_job_of(&store, "orphan-ro", dead_pid());
    // A connection the store has not mirrored yet (no schedule: never run).
    let cfg_text = std::fs::read_to_string(&cfg).unwrap()
        + &arm_connection("arm-east", "127.0.0.1:9", LAB_LOGIN, 10, "");
    let cfg = write_config(dir.path(), &cfg_text);
    let before = store_file_hashes(&store);
    for args in [
        &["--read-only", "worker", "--once"][..],
        &["--read-only", "jobs"][..],
        &["--read-only", "connections", "list"][..],
        &["--read-only", "numbers"][..],
    ] {
        let out = run_at(&cfg, NOW, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
        assert_eq!(
            store_file_hashes(&store),
            before,
            "{args:?} wrote the store"
        );
    }
    assert_eq!(job_state(&store, "orphan-ro"), JobState::Running);
    // Without --read-only the same worker closes it (the test can fail).
    let out = run_at(&cfg, NOW, &["worker", "--once"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(job_state(&store, "orphan-ro"), JobState::Failed);
}

/// Rule: housekeeping closes only jobs whose process is gone. A job of a
/// process that is alive (another dashboard, a long sync in another
/// terminal) stays running whichever front door starts: `worker --once`,
/// `jobs`, a CLI job.
#[test]
fn housekeeping_leaves_the_job_of_a_live_process_running() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = numbered(dir.path(), "+15550000000", "+15550000009");
    let mut alive = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    running_job_of(&store, "live-1", alive.id());
    running_job_of(&store, "dead-1", dead_pid());
    for args in [&["worker", "--once"][..], &["jobs"][..], &["sweep"][..]] {
        let out = run_at(&cfg, NOW, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
        assert_eq!(job_state(&store, "live-1"), JobState::Running, "{args:?}");
    }
    assert_eq!(job_state(&store, "dead-1"), JobState::Failed);
    let _ = alive.kill();
    let _ = alive.wait();
}

/// Rule: a connection taken out of the config file leaves every listing
/// (`connections list`) and the store's mirror at the next front door.
#[test]
fn a_connection_removed_from_the_file_leaves_the_listing() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let head = config_head(&store, 1);
    let two = format!(
        "{head}{}{}",
        arm_connection("arm-east", "127.0.0.1:9", LAB_LOGIN, 10, ""),
        arm_connection("arm-west", "127.0.0.1:9", LAB_LOGIN, 10, "")
    );
    let cfg = write_config(dir.path(), &two);
    let out = run_at(&cfg, NOW, &["worker", "--once"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let listed = text(&run_at(&cfg, NOW, &["connections", "list"])).0;
    assert!(listed.contains("arm-west"), "{listed}");
    let one = format!(
        "{head}{}",
        arm_connection("arm-east", "127.0.0.1:9", LAB_LOGIN, 10, "")
    );
    write_config(dir.path(), &one);
    let listed = text(&run_at(&cfg, NOW, &["connections", "list"])).0;
    assert!(!listed.contains("arm-west"), "{listed}");
    let out = run_at(&cfg, NOW, &["worker", "--once"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let rows = Store::open(&store).unwrap().connection_rows().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["arm-east"], "{rows:?}");
}

/// Rule: a bad `SWITCHBOARD_NOW` is refused at the front door with one
/// line naming it and exit 1, before anything opens (let alone creates)
/// the store; the worker's front door too.
#[test]
fn a_bad_fixed_now_is_one_line_exit_1_and_creates_no_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = store_only(dir.path());
    for now in [
        "tomorrow",
        "2026-11-20T09:00:00",
        "9999-12-31T00:00:00Z",
        "1969-12-31T23:59:59Z",
    ] {
        for args in [&["worker", "--once"][..], &["numbers"][..], &["jobs"][..]] {
            let out = run_at(&cfg, now, args);
            let (stdout, stderr) = text(&out);
            assert_eq!(out.status.code(), Some(1), "{now} {args:?}: {stderr}");
            assert!(stdout.is_empty(), "{now} {args:?}: {stdout}");
            assert_eq!(stderr.lines().count(), 1, "{now} {args:?}: {stderr}");
            assert!(stderr.contains("SWITCHBOARD_NOW"), "{now}: {stderr}");
            assert!(!store.exists(), "{now} {args:?} created the store");
        }
    }
}

fn worker_on(cfg: &Path) -> (Worker, tokio::sync::mpsc::UnboundedReceiver<JobEvent>) {
    let config = switchboard::commands::load_config(Some(cfg), None).unwrap();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    (Worker::new(Arc::new(config), false, tx), rx)
}

/// Runs export jobs on one worker at once and returns their outcomes in
/// the order given.
fn export_all(cfg: &Path, exports: &[(&Path, bool)]) -> Vec<JobOutcome> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (worker, mut rx) = worker_on(cfg);
    rt.block_on(async {
        let ids: Vec<String> = exports
            .iter()
            .map(|(path, json)| {
                worker.submit(JobKind::ExportNumbers {
                    query: NumberQuery::default(),
                    path: path.display().to_string(),
                    json: *json,
                })
            })
            .collect();
        let mut outcomes: Vec<Option<JobOutcome>> = vec![None; ids.len()];
        while outcomes.iter().any(Option::is_none) {
            if let JobEvent::Finished { id, outcome } = rx.recv().await.expect("worker alive") {
                if let Some(i) = ids.iter().position(|x| *x == id) {
                    outcomes[i] = Some(outcome);
                }
            }
        }
        outcomes.into_iter().map(Option::unwrap).collect()
    })
}

/// Rule: an export's file appears whole or not at all. Two exports to the
/// same file at once (a CSV, then on second thought a JSON, from the
/// dashboard) end with the file being one of the two whole documents.
///
/// The defect this caught: both write the same hidden `.NAME.part` file (opened with
/// truncation by the second), so the file renamed into place mixes the
/// CSV and JSON rows, while the first job reports success and the second
/// fails with "No such file or directory".
#[test]
fn two_exports_to_one_file_at_once_leave_one_whole_document() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550019999");
    let csv = text(&run_at(&cfg, NOW, &["numbers", "--csv"])).0;
    let json = text(&run_at(&cfg, NOW, &["numbers", "--json"])).0;
    let path = dir.path().join("numbers.out");
    let outcomes = export_all(&cfg, &[(&path, false), (&path, true)]);
    let states: Vec<String> = outcomes
        .iter()
        .map(|o| format!("{:?}: {} {}", o.state, o.summary, o.error))
        .collect();
    assert!(
        outcomes.iter().any(|o| o.state == JobState::Succeeded),
        "{states:?}"
    );
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == csv || got == json,
        "the file is neither the whole CSV ({} bytes) nor the whole JSON ({} bytes) \
         but {} bytes starting {:?}; jobs: {states:?}",
        csv.len(),
        json.len(),
        got.len(),
        got.chars().take(60).collect::<String>()
    );
}

/// Rule: an export to a directory that does not exist, or to a path that
/// is a directory, fails the job with the reason, leaves no hidden
/// `.part` file and does not touch the directory.
#[test]
fn an_export_to_a_missing_directory_or_onto_a_directory_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550000999");
    let missing = dir.path().join("no-such-dir").join("numbers.csv");
    let onto = dir.path().join("a-directory");
    std::fs::create_dir(&onto).unwrap();
    std::fs::write(onto.join("keep.txt"), "kept").unwrap();
    let outcomes = export_all(&cfg, &[(&missing, false), (&onto, true)]);
    for (o, what) in outcomes.iter().zip(["missing directory", "a directory"]) {
        assert_eq!(o.state, JobState::Failed, "{what}: {o:?}");
        assert!(o.error.contains("export to"), "{what}: {o:?}");
    }
    assert!(!missing.parent().unwrap().exists());
    assert_eq!(
        std::fs::read_to_string(onto.join("keep.txt")).unwrap(),
        "kept"
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Rule: the export of an empty inventory is what `numbers --csv|--json`
/// prints for it (a header row; an empty JSON array), not an empty file.
#[test]
fn an_export_of_no_numbers_matches_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_only(dir.path());
    let csv_path = dir.path().join("empty.csv");
    let json_path = dir.path().join("empty.json");
    let outcomes = export_all(&cfg, &[(&csv_path, false), (&json_path, true)]);
    for o in &outcomes {
        assert_eq!(o.state, JobState::Succeeded, "{o:?}");
    }
    for (path, flag) in [(&csv_path, "--csv"), (&json_path, "--json")] {
        let printed = run_at(&cfg, NOW, &["numbers", flag]);
        assert!(printed.status.success(), "{}", text(&printed).1);
        assert_eq!(
            std::fs::read_to_string(path).unwrap(),
            text(&printed).0,
            "{flag}"
        );
    }
}

/// Runs one job on `worker` to its end.
fn run_one(
    rt: &tokio::runtime::Runtime,
    worker: &Worker,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<JobEvent>,
    kind: JobKind,
) -> JobOutcome {
    rt.block_on(async {
        let id = worker.submit(kind);
        loop {
            if let JobEvent::Finished { id: j, outcome } = rx.recv().await.expect("worker alive") {
                if j == id {
                    return outcome;
                }
            }
        }
    })
}

fn add_range(from: &str, to: &str) -> JobKind {
    JobKind::AddRange {
        from: from.into(),
        to: to.into(),
    }
}

/// Rule: a long-running worker writes to the store at its configured
/// path and does not damage a store put there while it runs. An operator
/// restores a backup while `switchboard worker` runs under systemd
/// (`mv backup.db s.db`): the restored store keeps its contents, and the
/// worker's next job lands in it, as when every store call opened the
/// path afresh (and closing the last connection removed the -wal).
///
/// The defect this caught: the worker's kept connection (StoreLane) keeps the old file
/// and its `s.db-wal` open for the life of the process. Every connection
/// then reads the restored file through that stale WAL (same path), so
/// the store at the path reads as the old one plus the next job: what the
/// backup held is silently gone (the restored setting reads as absent).
/// (SQLite's "how to corrupt" page, replacing a file in use; before the
/// kept connection an idle worker held no connection and no WAL.)
#[test]
fn a_running_worker_keeps_a_store_restored_under_it_and_writes_there() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_only(dir.path());
    let store = dir.path().join("s.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (worker, mut rx) = worker_on(&cfg);
    let first = run_one(
        &rt,
        &worker,
        &mut rx,
        add_range("+15550000000", "+15550000009"),
    );
    assert_eq!(first.state, JobState::Succeeded, "{first:?}");
    // The backup: a store made aside (closed, so whole in its one file),
    // moved over the path.
    let restored = dir.path().join("restored.db");
    {
        let s = Store::open(&restored).unwrap();
        s.set_setting("restored", "yes").unwrap();
    }
    assert!(!PathBuf::from(format!("{}-wal", restored.display())).exists());
    std::fs::rename(&restored, &store).unwrap();
    let second = run_one(
        &rt,
        &worker,
        &mut rx,
        add_range("+15550001000", "+15550001004"),
    );
    assert_eq!(second.state, JobState::Succeeded, "{second:?}");
    let mut wrong = vec![];
    let kept = Store::open(&store).unwrap().setting("restored").unwrap();
    if kept.as_deref() != Some("yes") {
        wrong.push(format!(
            "the restored store lost its contents (setting: {kept:?})"
        ));
    }
    let listed = text(&run_at(&cfg, NOW, &["numbers"])).0;
    if !listed.contains("+15550001000") {
        wrong.push(
            "the job after the restore succeeded, but its numbers are not in the store".into(),
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("; "));
}

/// Rule: a job cancelled in the middle of its store write is rolled back
/// and leaves the worker's kept connection usable: the next job in the
/// same process writes and commits, and no transaction or lock is left
/// behind for another process.
#[test]
fn a_job_cancelled_in_its_write_leaves_the_kept_connection_usable() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_only(dir.path());
    let store = dir.path().join("s.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (worker, mut rx) = worker_on(&cfg);
    // A big range, cancelled as soon as it is queued: it is stopped either
    // before or during its write, never half-written.
    let (big, outcome) = rt.block_on(async {
        let id = worker.submit(add_range("+15550000000", "+15550099999"));
        let mut cancelled = false;
        loop {
            match rx.recv().await.expect("worker alive") {
                JobEvent::Finished { id: j, outcome } if j == id => return (id, outcome),
                _ if !cancelled => {
                    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                    worker.cancel(&id);
                    cancelled = true;
                }
                _ => {}
            }
        }
    });
    let count = || {
        let s = Store::open(&store).unwrap();
        let n: i64 = s
            .conn_for_tests()
            .query_row("SELECT count(*) FROM numbers", [], |r| r.get(0))
            .unwrap();
        n
    };
    let after_cancel = count();
    assert!(
        after_cancel == 0 || after_cancel == 100_000,
        "job {big} left {after_cancel} numbers: {outcome:?}"
    );
    // Another process can write at once (no lock left held)...
    let out = run_at(
        &cfg,
        NOW,
        &["numbers", "add-range", "+15560000000", "+15560000001"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    // ...and so can the same worker.
    let next = run_one(
        &rt,
        &worker,
        &mut rx,
        add_range("+15570000000", "+15570000002"),
    );
    assert_eq!(next.state, JobState::Succeeded, "{next:?}");
    assert_eq!(count(), after_cancel + 5);
}

/// The simulator serving one AXP account ("TESTAX", 120 phone numbers
/// over pages), and a config with it as connection "axp".
fn axp_setup(dir: &Path) -> (SimProcess, PathBuf) {
    let sim = SimProcess::with_scenario(
        dir,
        "[axp]\naccount_id = \"TESTAX\"\nclient_id = \"axp-client\"\nclient_secret = \"s\"\n\
         app_key = \"k\"\nitems_per_family = 2\nphone_numbers = 120\n",
    );
    let cfg = write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&dir.join("s.db"), 5),
            axp_connection(&format!("http://{}", sim.addr), "TESTAX", "s", "k")
        ),
    );
    (sim, cfg)
}

/// Rule: `voice list` against a server that fails after the first page
/// exits 1 with the reason and prints no partial list on stdout (a
/// script must not read half a list as the whole); the store's contents
/// are unchanged (only the failed job is recorded).
#[test]
fn voice_list_failing_mid_list_exits_1_and_prints_no_partial_list() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = axp_setup(dir.path());
    let whole = run(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    assert!(whole.status.success(), "{}", text(&whole).1);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&whole.stdout).unwrap();
    assert_eq!(items.len(), 120);
    let pages = sim.requests("/api/admin/voice/v1/accounts/TESTAX/phone-numbers");
    assert!(pages > 1, "the list takes several pages ({pages})");
    let numbers_before = text(&run(&cfg, &["numbers", "--json"])).0;
    sim.fault(r#"{"path":"/api/admin/voice","kind":"status","status":500,"after":1}"#);
    for args in [
        &["voice", "list", "phone-numbers", "--json"][..],
        &["voice", "list", "phone-numbers"][..],
    ] {
        sim.clear_faults();
        sim.fault(r#"{"path":"/api/admin/voice","kind":"status","status":500,"after":1}"#);
        let out = run(&cfg, args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stdout.is_empty(),
            "{args:?} printed a partial list: {stdout}"
        );
        assert!(stderr.contains("HTTP 500"), "{args:?}: {stderr}");
    }
    assert_eq!(text(&run(&cfg, &["numbers", "--json"])).0, numbers_before);
}

/// Rule: `refresh axp` exits 0 when every family came, 5 when some
/// failed (what came is kept), 1 when none came; never 2 (which a script
/// reads as "re-run with --force").
#[test]
fn refresh_axp_exits_0_5_1_by_how_much_came() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = axp_setup(dir.path());
    let all = run(&cfg, &["refresh", "axp", "axp"]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all).1);
    sim.fault(
        r#"{"path":"/api/admin/voice/v1/accounts/TESTAX/phone-numbers","kind":"status","status":500}"#,
    );
    let part = run(&cfg, &["refresh", "axp", "axp"]);
    assert_eq!(part.status.code(), Some(5), "{}", text(&part).1);
    assert!(
        text(&part).0.contains("12 of 13 families"),
        "{}",
        text(&part).0
    );
    sim.fault(r#"{"path":"/api/admin/voice","kind":"status","status":500}"#);
    let none = run(&cfg, &["refresh", "axp", "axp"]);
    assert_eq!(none.status.code(), Some(1), "{}", text(&none).1);
}

/// Rule: a mistyped command line (an unknown flag, a missing argument,
/// an unknown command) exits 2, clap's convention, and nothing else does:
/// a tripped guard or a purge without --yes is 3, a read-only refusal 4
/// (their own tests), so a cron script can tell a typo from "confirm this
/// bulk change".
///
/// The defect this caught: the guard and read-only refusals exited 2 too.
#[test]
fn a_usage_error_exits_2_which_no_outcome_shares() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_only(dir.path());
    let mut wrong = vec![];
    for args in [
        &["sync", "audiocodes", "lab", "--froce"][..],
        &["refresh", "axp"][..],
        &["purge", "audiocodes", "lab", "--yess"][..],
        &["no-such-command"][..],
    ] {
        let out = run(&cfg, args);
        if out.status.code() != Some(switchboard::commands::exit_code::EXIT_USAGE) {
            wrong.push(format!("{args:?} exits {:?}", out.status.code()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("; "));
    use switchboard::commands::exit_code::Exit;
    for outcome in [
        Exit::NeedsConfirmation,
        Exit::Refused,
        Exit::Failed,
        Exit::Partial,
    ] {
        assert_ne!(outcome.code(), 2, "{outcome:?}");
    }
}

/// Rule: with stderr a terminal (progress bars drawn there) and stdout
/// redirected to a file, the file holds exactly the JSON result: no bar,
/// no escape sequence, no log line.
#[test]
fn json_to_a_file_stays_clean_while_bars_draw_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(40));
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":300}"#);
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            // One page at a time: the sync lasts the 3 s the bar needs
            // to be seen (concurrent pages would end it in about one).
            arm_connection("lab", &sim.addr, LAB_LOGIN, 4, "fetch_concurrency = 1")
        ),
    );
    let out_file = dir.path().join("out.json");
    let command = format!(
        "{} --config {} sync audiocodes lab --json > {}; echo EXIT $?; sleep 60",
        env!("CARGO_BIN_EXE_switchboard"),
        cfg.display(),
        out_file.display()
    );
    let Some(pane) = TmuxPane::start("h16json", &command, (120, 20)) else {
        return;
    };
    // The bar is drawn (the test would prove nothing otherwise)...
    pane.wait_for("registered users [");
    pane.wait_for("EXIT 0");
    // ...and stdout got the JSON alone.
    let bytes = std::fs::read(&out_file).unwrap();
    assert!(!bytes.contains(&0x1b), "an escape sequence in the file");
    let got: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&bytes));
    });
    assert!(got.is_object(), "{got}");
    let s = String::from_utf8_lossy(&bytes);
    assert!(!s.contains("registered users ["), "{s}");
}

/// Rule: a long export and a write in the same worker process run side
/// by side: the write is not held up until the export ends, and the file
/// is one consistent snapshot (every row before the write, or every row
/// after it; never a mix, never a duplicate).
#[test]
fn a_long_export_neither_blocks_nor_tears_a_write_in_the_same_worker() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550099999");
    let path = dir.path().join("all.csv");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (worker, mut rx) = worker_on(&cfg);
    let (order, export, write) = rt.block_on(async {
        let export_id = worker.submit(JobKind::ExportNumbers {
            query: NumberQuery::default(),
            path: path.display().to_string(),
            json: false,
        });
        // The write starts once the export reports its first rows.
        let mut write_id = None;
        let mut order = vec![];
        let (mut export, mut write) = (None, None);
        while export.is_none() || write.is_none() {
            match rx.recv().await.expect("worker alive") {
                JobEvent::Progress { id, done, .. }
                    if id == export_id && done > 0 && write_id.is_none() =>
                {
                    write_id = Some(worker.submit(add_range("+15550100000", "+15550100002")));
                }
                JobEvent::Finished { id, outcome } => {
                    if id == export_id {
                        order.push("export");
                        export = Some(outcome);
                    } else if Some(&id) == write_id.as_ref() {
                        order.push("write");
                        write = Some(outcome);
                    }
                }
                _ => {}
            }
        }
        (order, export.unwrap(), write.unwrap())
    });
    assert_eq!(export.state, JobState::Succeeded, "{export:?}");
    assert_eq!(write.state, JobState::Succeeded, "{write:?}");
    assert_eq!(
        order,
        ["write", "export"],
        "the write waited for the export"
    );
    let file = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = file.lines().skip(1).collect();
    assert!(
        rows.len() == 100_000 || rows.len() == 100_003,
        "{} rows",
        rows.len()
    );
    let mut numbers: Vec<&str> = rows.iter().map(|r| r.split(',').next().unwrap()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), rows.len(), "a number exported twice");
}

/// Rule: a store file that is not a store (damaged, or the wrong file
/// given to --store) is one line naming that file, exit 1, from every
/// front door, so the user knows which file to look at.
///
/// The defect this caught: the typed store error says "store: file is not a database"
/// and no path.
#[test]
fn a_damaged_store_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = store_only(dir.path());
    let store = dir.path().join("s.db");
    std::fs::write(&store, vec![0x5a_u8; 8192]).unwrap();
    let mut wrong = vec![];
    for args in [
        &["numbers"][..],
        &["jobs"][..],
        &["connections", "list"][..],
        &["worker", "--once"][..],
        &["sweep"][..],
    ] {
        let out = run_at(&cfg, NOW, args);
        let err = text(&out).1;
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("internal error"), "{args:?}: {err}");
        if !err.contains(&store.display().to_string()) {
            wrong.push(format!("{args:?}: {}", err.trim()));
        }
    }
    assert!(
        wrong.is_empty(),
        "no path to {}:\n{}",
        store.display(),
        wrong.join("\n")
    );
}

/// Rule: exporting over a file the user already has keeps that file's
/// permissions (the inventory names registered users: a file made 0600
/// stays 0600), as the export did before it became a worker job
/// (`File::create` on the path).
///
/// The defect this caught: the export writes a new hidden sibling and renames it over the
/// path, so the file comes back with the umask's mode (0644 here):
/// readable by every local user.
#[test]
fn an_export_over_a_private_file_keeps_it_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550000099");
    let path = dir.path().join("numbers.csv");
    std::fs::write(&path, "old\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let outcomes = export_all(&cfg, &[(&path, false)]);
    assert_eq!(outcomes[0].state, JobState::Succeeded, "{:?}", outcomes[0]);
    assert_ne!(std::fs::read_to_string(&path).unwrap(), "old\n");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(format!("{mode:o}"), "600", "the mode of the exported file");
}

/// Rule: exporting to a symbolic link writes the file it points to (a
/// shared folder's file linked into the home directory) and leaves the
/// link a link, as the export did before it became a worker job.
///
/// The defect this caught: the rename replaces the link by a regular file; the file it
/// pointed to keeps the old contents.
#[test]
fn an_export_to_a_symlink_writes_the_file_it_points_to() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbered(dir.path(), "+15550000000", "+15550000099");
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let target = shared.join("numbers.csv");
    std::fs::write(&target, "old\n").unwrap();
    let link = dir.path().join("numbers.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let outcomes = export_all(&cfg, &[(&link, false)]);
    assert_eq!(outcomes[0].state, JobState::Succeeded, "{:?}", outcomes[0]);
    let printed = text(&run_at(&cfg, NOW, &["numbers", "--csv"])).0;
    let is_link = std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink();
    let target_now = std::fs::read_to_string(&target).unwrap();
    assert!(
        is_link && target_now == printed,
        "link still a link: {is_link}; the file it pointed to holds {} bytes ({:?}...)",
        target_now.len(),
        target_now.chars().take(20).collect::<String>()
    );
}
