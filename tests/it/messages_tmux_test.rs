//! Issue 17, messages: in the real dashboard (tmux), an error toast does
//! not fade (it is still there after 10 s), goes with the dismiss key, and
//! stays readable in the message log.

use crate::common;
use common::tmux::TmuxPane;
use common::*;
use std::time::Duration;

#[test]
fn an_error_toast_stays_until_dismissed_and_is_kept_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(3));
    let store = dir.path().join("s.db");
    // Wrong credentials: the simulator answers 401.
    let config = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            arm_connection("lab", &sim.addr, ("intruder", "wrong"), 10, "")
        ),
    );
    let command = format!(
        "sh -c 'NO_COLOR=1 {} --config {}; echo EXIT=$?; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("error-toast", &command, (80, 24)) else {
        return;
    };
    pane.wait_for("Connections (1)");
    pane.keys("t"); // test the connection
    let screen = pane.wait_for("X dismisses");
    assert!(screen.contains("authentication failed"), "{screen}");
    std::thread::sleep(Duration::from_secs(10));
    let later = pane.screen();
    assert!(
        later.contains("X dismisses") && later.contains("authentication failed"),
        "the error faded:\n{later}"
    );

    pane.keys("X");
    std::thread::sleep(Duration::from_millis(500));
    let gone = pane.screen();
    assert!(
        !gone.contains("X dismisses") && !gone.contains("authentication failed"),
        "still there:\n{gone}"
    );

    pane.keys("M");
    let log = pane.wait_for("messages");
    assert!(
        log.contains("ERROR lab: GET /ARM/v1/registeredUsers: authentication"),
        "{log}"
    );
    // q quits from the log too (an Esc just before it would arrive as Alt-q).
    pane.keys("q");
    pane.wait_for("EXIT=");
}
