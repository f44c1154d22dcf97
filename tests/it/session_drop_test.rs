//! A dropped session loses nothing: the real binary in tmux, signalled as
//! a dropped SSH connection (SIGHUP), `kill` (SIGTERM) or `kill -INT`
//! would, suspended with Ctrl-Z, pasted into, and run under `LANG=C`.
//! Each test reads the pane (tmux's own view of the terminal's modes) and
//! the store; each skips itself where tmux is not installed.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// `command` in a pane, then its exit status and whether the terminal is
/// in cooked mode again (`icanon`, not `-icanon`); the pane stays.
fn then_report(command: &str) -> String {
    format!("sh -c '{command}; echo EXIT=$?; stty -a | grep -o -- \"-*icanon\"; sleep 60'")
}

/// Sends `signal` (`HUP`, `TERM`, `INT`) to the program the pane's shell
/// started.
fn signal(pane: &TmuxPane, signal: &str) {
    let children = pane.children();
    assert_eq!(children.len(), 1, "one program in the pane: {children:?}");
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(children[0].to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

/// After the program ended: its status, the terminal in cooked mode, out
/// of the alternate screen, with the cursor shown.
fn assert_given_back(pane: &TmuxPane, exit: i32, what: &str) {
    let screen = pane.wait_for("icanon");
    assert!(screen.contains(&format!("EXIT={exit}")), "{what}: {screen}");
    assert!(screen.contains("\nicanon"), "{what}: still raw: {screen}");
    assert_eq!(pane.format("#{alternate_on}"), "0", "{what}: {screen}");
    assert_eq!(pane.format("#{cursor_flag}"), "1", "{what}: cursor hidden");
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Before: SIGHUP and SIGTERM left the terminal in the alternate screen
/// with the cursor hidden, and the demo's temporary directory (its
/// config.toml with secrets, its store) behind.
#[test]
fn a_signal_gives_the_terminal_back_and_demo_leaves_no_temporary_directory() {
    for (name, exit) in [("HUP", 129), ("TERM", 143), ("INT", 130)] {
        let tmp = tempfile::tempdir().unwrap();
        let command = then_report(&format!("TMPDIR={} {BIN} demo", tmp.path().display()));
        let Some(pane) = TmuxPane::start(name, &command, (100, 30)) else {
            return;
        };
        pane.wait_for("arm-east");
        assert_eq!(pane.format("#{alternate_on}"), "1");
        let made = entries(tmp.path());
        assert!(
            made.len() == 1 && made[0].starts_with("switchboard-demo-"),
            "the demo's directory: {made:?}"
        );
        signal(&pane, name);
        assert_given_back(&pane, exit, name);
        assert_eq!(entries(tmp.path()), Vec::<String>::new(), "SIG{name}");
    }
}

/// The lab's store: every job's (kind, state, error).
fn jobs(store: &Path) -> Vec<(String, String, String)> {
    let Ok(c) =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return vec![];
    };
    let Ok(mut q) = c.prepare("SELECT kind, state, error FROM jobs WHERE target = 'lab'") else {
        return vec![];
    };
    q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Before: a job running when the session dropped stayed `running` until
/// another process closed it as crashed. Now the exiting process cancels
/// it and records its end, and nothing is left for the next one to close
/// (the store is read here directly, by no switchboard process).
#[test]
fn a_job_running_at_a_hang_up_is_recorded_ended_by_the_exiting_process() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    // Every page of users takes 3 s: the sync runs while we hang up.
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":3000}"#);
    let (_d, config, store) = lab_at(&sim.addr, 10, "");
    let command = then_report(&format!("{BIN} --config {}", config.display()));
    let Some(pane) = TmuxPane::start("job", &command, (120, 30)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    pane.keys("r");
    let began = Instant::now();
    while !jobs(&store).iter().any(|(_, state, _)| state == "running") {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "the sync never ran: {:?}",
            jobs(&store)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(&pane, "HUP");
    assert_given_back(&pane, 129, "SIGHUP");
    let recorded = jobs(&store);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let (kind, state, error) = &recorded[0];
    assert_eq!(
        (kind.as_str(), state.as_str()),
        ("sync", "cancelled"),
        "{error}"
    );
    assert!(!error.contains("ended without recording"), "{error}");
}

/// The connection really dropped: tmux's server killed, so the terminal
/// hangs up under the dashboard (SIGHUP, then every read and write fails)
/// while a sync runs. The process still records the job's end and exits.
#[test]
fn a_terminal_that_hangs_up_under_a_running_job_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":3000}"#);
    let (_d, config, store) = lab_at(&sim.addr, 10, "");
    let command = format!("{BIN} --config {}", config.display());
    let Some(pane) = TmuxPane::start("hangup", &command, (120, 30)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    let pid = pane.format("#{pane_pid}");
    pane.keys("r");
    let began = Instant::now();
    while !jobs(&store).iter().any(|(_, state, _)| state == "running") {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "the sync never ran"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    pane.tmux(&["kill-server"]);
    let began = Instant::now();
    while Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            began.elapsed() < Duration::from_secs(20),
            "the dashboard outlived its terminal"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let recorded = jobs(&store);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].1, "cancelled", "{recorded:?}");
}

/// Before: Ctrl-Z was ignored. Now it gives the terminal back to the shell
/// and `fg` brings the whole screen back (tmux clears the alternate screen
/// when it is entered again, so a frame sent as a difference would leave
/// most of it blank).
#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_redraws_the_whole_screen() {
    let dir = tempfile::tempdir().unwrap();
    let config = unreachable_lab(dir.path());
    // A shell with job control, for `fg`.
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash is not installed: skipped");
        return;
    }
    let Some(pane) = TmuxPane::start("suspend", "bash --norc --noprofile -i", (100, 30)) else {
        return;
    };
    pane.wait_for("bash");
    pane.keys(&format!("{BIN} --config {}", config.display()));
    pane.keys("Enter");
    pane.wait_for("Connections (1)");
    assert_eq!(pane.format("#{alternate_on}"), "1");

    pane.keys("C-z");
    let screen = pane.wait_for("Stopped");
    assert_eq!(pane.format("#{alternate_on}"), "0", "{screen}");
    assert_eq!(pane.format("#{cursor_flag}"), "1", "{screen}");

    pane.keys("fg");
    pane.keys("Enter");
    let screen = pane.wait_until("redrew the whole screen", |s| {
        // The tab bar, the list's title and its bottom border.
        s.contains("1 Connections")
            && s.contains("Connections (1)")
            && s.lines().any(|l| l.starts_with('└') || l.starts_with("+-"))
    });
    assert_eq!(pane.format("#{alternate_on}"), "1", "{screen}");
    // Still answering keys.
    pane.keys("5");
    pane.wait_for("Jobs (");
    pane.keys("q");
    // A new prompt under the line of `fg`.
    pane.wait_until("back at the prompt", |s| {
        s.lines()
            .skip_while(|l| !l.ends_with("# fg") && !l.ends_with("$ fg"))
            .skip(1)
            .any(|l| l.starts_with("bash"))
    });
    assert_eq!(pane.format("#{alternate_on}"), "0");
}

/// Before: bracketed paste was off, so a paste arrived as keystrokes: `r`
/// synced, `q` quit. Now a paste goes into the focused input as text,
/// and with none focused it is dropped.
#[test]
fn a_paste_goes_into_the_filter_as_text_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(30));
    let (_d, config, store) = lab_at(&sim.addr, 10, "");
    let command = then_report(&format!("{BIN} --config {}", config.display()));
    let Some(pane) = TmuxPane::start("paste", &command, (120, 30)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    // No input has focus: `r` would sync lab, `q` would quit.
    pane.paste("rq");
    pane.wait_for("paste ignored");
    pane.keys("2");
    pane.keys("/");
    // The caret, in Unicode or ASCII as the test's locale has it.
    pane.wait_until("typed into the filter", |s| {
        s.contains("filter: ▏") || s.contains("filter: |")
    });
    pane.paste("rq/\n");
    let screen = pane.wait_for("filter: rq/");
    assert!(!screen.contains("EXIT="), "{screen}");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(sim.requests("/ARM"), 0, "a request reached the ARM");
    assert_eq!(jobs(&store), vec![], "a job was started");
    // Esc alone first: Esc and q sent together read as Alt-q.
    pane.keys("Escape");
    pane.wait_until("cleared the filter", |s| !s.contains("filter: rq/"));
    pane.keys("q");
    assert_given_back(&pane, 0, "q");
}

/// Before: box drawing and `⟳ █ — … ↑ │` were sent whatever the locale.
/// Under `LANG=C` every byte on screen is ASCII; under a UTF-8 locale
/// the same screen has its box drawing.
#[test]
fn a_locale_that_is_not_utf8_gets_ascii_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = unreachable_lab(dir.path());
    for (locale, ascii) in [("C", true), ("C.UTF-8", false)] {
        let command = format!(
            "env -u LC_ALL -u LC_CTYPE LANG={locale} {BIN} --config {} tui --tab numbers",
            config.display()
        );
        let Some(pane) = TmuxPane::start(&format!("locale{ascii}"), &command, (80, 24)) else {
            return;
        };
        let screen = pane.wait_for("Numbers");
        // The frame is drawn whole: wait for its status bar too.
        let screen = if screen.contains("quit") {
            screen
        } else {
            pane.wait_for("quit")
        };
        assert_eq!(screen.is_ascii(), ascii, "LANG={locale}:\n{screen}");
        if ascii {
            assert!(screen.contains("+ Numbers"), "ASCII borders:\n{screen}");
        } else {
            assert!(screen.contains('─'), "box drawing:\n{screen}");
        }
        pane.keys("q");
    }
}

/// A config with one ARM connection nobody answers (the dashboard only
/// needs something to show).
fn unreachable_lab(dir: &Path) -> PathBuf {
    let store = dir.join("s.db");
    write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&store, 1),
            arm_connection("lab", "127.0.0.1:9", LAB_LOGIN, 10, "")
        ),
    )
}
