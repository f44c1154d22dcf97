//! Progress of a long CLI job on stderr: bars and a spinner on a terminal
//! (a tmux pane, a `script` pty), nothing extra when stderr is a pipe.

use crate::common::{self, tmux::TmuxPane, SimProcess};
use std::path::Path;

/// Every ARM users page answered 1.5 s late: a sync of the demo's 2400
/// users (5 pages: the first, then four at once) takes about 3 s, and its
/// bar shows from the first page on for about 1.5 s.
const SLOW_PAGES: &str =
    r#"{"path": "/ARM/v1/registeredUsers", "kind": "delay", "ms": 1500, "count": 5}"#;

fn lab() -> (tempfile::TempDir, SimProcess, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start();
    let config = common::write_config(
        dir.path(),
        &common::demo_config(&sim.addr, &dir.path().join("store.db")),
    );
    (dir, sim, config)
}

/// `switchboard --config CONFIG ARGS` as one shell word list.
fn command_line(config: &Path, args: &str) -> String {
    format!(
        "{} --config {} {args}",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    )
}

#[test]
fn a_slow_job_with_stderr_piped_adds_nothing_to_its_log_lines() {
    let (_dir, sim, config) = lab();
    sim.fault(SLOW_PAGES);
    let out = common::run(&config, &["sync", "audiocodes", "arm-basic"]);
    let (stdout, stderr) = common::text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("arm-basic: added"), "{stdout}");
    assert!(stderr.contains("fetching registered users"), "{stderr}");
    for control in ['\x1b', '\r'] {
        assert!(
            !stderr.contains(control),
            "{control:?} on a piped stderr: {stderr:?}"
        );
    }
    assert!(!stderr.contains("registered users ["), "{stderr}");
    assert!(!stderr.contains("running"), "{stderr}");
}

#[test]
fn a_slow_sync_shows_its_bar_on_a_terminal_and_removes_it_at_the_end() {
    let (_dir, sim, config) = lab();
    sim.fault(SLOW_PAGES);
    let cmd = format!(
        "{}; echo EXIT=$?; sleep 60",
        command_line(&config, "sync audiocodes arm-basic")
    );
    let Some(pane) = TmuxPane::start("slow-sync", &cmd, (100, 20)) else {
        return;
    };
    let screen = pane.wait_for("registered users [");
    assert!(screen.contains("/2400"), "{screen}");
    let done = pane.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.contains("arm-basic: added"), "{done}");
    assert!(
        !done.contains("registered users ["),
        "bars left behind:\n{done}"
    );
}

#[test]
fn a_quick_job_on_a_terminal_draws_no_bar() {
    let (dir, _sim, config) = lab();
    // `script` keeps every byte the job sent to its terminal.
    let typescript = dir.path().join("typescript");
    let cmd = format!(
        "script -q -c '{}' {}; echo EXIT=$?; sleep 60",
        command_line(&config, "connections test arm-basic"),
        typescript.display()
    );
    let Some(pane) = TmuxPane::start("quick", &cmd, (100, 20)) else {
        return;
    };
    let done = pane.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    let bytes = std::fs::read_to_string(&typescript).unwrap();
    assert!(bytes.contains("authentication OK"), "{bytes}");
    // The job took well under the second after which bars appear.
    assert!(!bytes.contains("running"), "{bytes:?}");
    assert!(!bytes.contains("\x1b[2K"), "{bytes:?}");
}

#[test]
fn waiting_on_a_cm_sync_shows_a_spinner_with_its_state_and_the_time() {
    let (_dir, _sim, config) = lab();
    let list = common::run(
        &config,
        &["voice", "list", "communication-managers", "--json"],
    );
    let cms: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let cm = cms[0]["id"].as_str().expect("a CM id").to_string();
    let cmd = format!(
        "{}; echo EXIT=$?; sleep 60",
        command_line(
            &config,
            &format!("voice sync-cm {cm} --entities AGENT,EXTENSION --wait")
        )
    );
    let Some(pane) = TmuxPane::start("sync-cm", &cmd, (120, 20)) else {
        return;
    };
    // The simulator's job is QUEUED for a second, then IN_PROGRESS.
    let screen = pane.wait_for(": IN_PROGRESS");
    let line = screen
        .lines()
        .find(|l| l.contains(": IN_PROGRESS"))
        .unwrap();
    assert!(line.contains("sync job "), "{line}");
    assert!(
        line.split_whitespace().any(|w| w.ends_with('s')
            && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
            && w.len() > 1),
        "no elapsed time in {line:?}"
    );
    pane.wait_for("AGENT [");
    let done = pane.wait_for("EXIT=");
    assert!(done.contains("EXIT=0"), "{done}");
    assert!(done.contains("COMPLETED"), "{done}");
}
