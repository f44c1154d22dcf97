//! No write by accident, end to end (issue 17): the real dashboard in tmux
//! on a lab ARM (the simulator), its store read afterwards. `/` and letters
//! on every list start no job; Enter on every destructive confirmation
//! changes nothing; `q` with a job running asks, and Enter stays.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::path::Path;
use std::time::Duration;

/// Jobs recorded in the store, but the minute sweeps the dashboard runs by
/// itself.
fn jobs_started(store: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mut stmt = conn
        .prepare("SELECT kind || ' ' || target || ' ' || state FROM jobs WHERE kind != 'sweep' ORDER BY created_at")
        .unwrap();
    let jobs = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    jobs
}

/// The dashboard on `config` in a pane; `env` is prefixed to its command.
/// The pane prints `EXIT=<code>` when it ends.
fn dashboard(tag: &str, config: &Path, env: &str) -> Option<TmuxPane> {
    let command = format!(
        "sh -c '{env} {} --config {}; echo EXIT=$?; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    TmuxPane::start(tag, &command, (120, 40))
}

/// A lab of 30 users, synced once (30 Used numbers).
fn synced_lab(
    dir: &Path,
) -> (
    SimProcess,
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let sim = SimProcess::with_scenario(dir, &lab_scenario(30));
    let (d, config, store) = lab_at(&sim.addr, 10, "");
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    (sim, d, config, store)
}

/// Every key that runs a command on some tab.
const LETTERS: &str = "lab rtpPDnecsSRxvVaiEFy";

#[test]
fn slash_and_letters_on_every_list_start_no_job() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, _d, config, store) = synced_lab(dir.path());
    let (jobs_before, dump_before) = (jobs_started(&store), store_dump(&store));
    let Some(pane) = dashboard("slash", &config, "") else {
        return;
    };
    pane.wait_for("Connections (1)");
    // Connections, Numbers, Calling Profiles, its Services view, Voice, Jobs.
    for (tab, services) in [
        ("1", false),
        ("2", false),
        ("3", false),
        ("3", true),
        ("4", false),
        ("5", false),
    ] {
        pane.keys(tab);
        if services {
            pane.keys("S");
            pane.wait_for("Services (");
        }
        pane.keys("/");
        pane.keys(LETTERS);
        let screen = pane.wait_for(LETTERS);
        assert!(!screen.contains("confirm"), "tab {tab}: {screen}");
        pane.keys("Enter");
        pane.keys("Escape");
        if services {
            pane.keys("S");
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    pane.keys("q");
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(jobs_started(&store), jobs_before, "a filter started a job");
    assert_same_store(&dump_before, &store_dump(&store), "/ and letters");
}

#[test]
fn enter_on_every_destructive_confirmation_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, _d, config, store) = synced_lab(dir.path());
    // The ARM now lists nobody: a sync is stopped by the cooling guard.
    sim.generate("lab", 0);
    let (jobs_before, dump_before) = (jobs_started(&store), store_dump(&store));
    let Some(pane) = dashboard("enter", &config, "") else {
        return;
    };
    pane.wait_for("Connections (1)");

    // Purge: the name is typed; Enter alone does nothing.
    pane.keys("P");
    pane.wait_for("Type lab to confirm");
    pane.keys("Enter");
    std::thread::sleep(Duration::from_millis(300));
    pane.wait_for("Type lab to confirm");
    pane.keys("Escape");
    pane.wait_for("nothing was applied");

    // Release of one number: y/n, Enter is no.
    pane.keys("2");
    pane.wait_for("+15550001000");
    pane.keys("R");
    pane.wait_for("[y] apply");
    pane.keys("Enter");
    pane.wait_for("nothing was applied");

    // Release and cooling of six: the count is typed.
    pane.keys("      ");
    pane.wait_for("marked: 6");
    pane.keys("R");
    pane.wait_for("Type 6 to confirm");
    pane.keys("Enter");
    std::thread::sleep(Duration::from_millis(300));
    pane.wait_for("Type 6 to confirm");
    pane.keys("Escape");
    pane.keys("c");
    pane.wait_for("Apply cooling to 6 numbers");
    pane.keys("30");
    pane.keys("Enter");
    pane.wait_for("Type 6 to confirm");
    pane.keys("Enter");
    std::thread::sleep(Duration::from_millis(300));
    pane.wait_for("Type 6 to confirm");
    pane.keys("Escape");

    // A sync the cooling guard stopped: the number that would cool.
    pane.keys("1");
    pane.keys("r");
    pane.wait_for("Type 30 to confirm");
    pane.keys("Enter");
    std::thread::sleep(Duration::from_millis(300));
    pane.wait_for("Type 30 to confirm");
    pane.keys("Escape");

    std::thread::sleep(Duration::from_millis(300));
    pane.keys("q");
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    let mut expected = jobs_before;
    expected.push("sync lab failed".into()); // the guarded sync, not applied
    assert_eq!(jobs_started(&store), expected);
    assert_same_store(&dump_before, &store_dump(&store), "Enter on confirmations");
}

#[test]
fn q_with_a_running_job_asks_and_enter_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, _d, config, store) = synced_lab(dir.path());
    let Some(pane) = dashboard("q-asks", &config, "SWITCHBOARD_TEST_SLOW_WRITE_MS=4000") else {
        return;
    };
    pane.wait_for("Connections (1)");
    pane.keys("r");
    pane.wait_for("sync lab 30/30");
    pane.keys("q");
    let screen = pane.wait_for("Quit switchboard?");
    assert!(
        screen.contains("still running") && screen.contains("15 s"),
        "{screen}"
    );
    pane.keys("Enter");
    std::thread::sleep(Duration::from_millis(300));
    let screen = pane.screen();
    assert!(
        !screen.contains("EXIT=") && !screen.contains("Quit switchboard?"),
        "{screen}"
    );
    pane.keys("q");
    pane.wait_for("Quit switchboard?");
    pane.keys("y");
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    // Ended and recorded by the dashboard itself.
    let jobs = jobs_started(&store);
    assert!(
        jobs.iter()
            .all(|j| !j.ends_with("running") && !j.ends_with("queued")),
        "{jobs:?}"
    );
}
