//! The log file is as private as the store beside it (0600 in a 0700
//! directory, whatever the umask), and hand edits are recorded under the
//! operating system account the process runs as: `$USER` and `$LOGNAME`
//! are not asked, so they can neither spoof a name nor carry an escape
//! sequence into a tag.

use crate::common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const DAY0: &str = "2026-11-22T10:00:00Z";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs switchboard under `umask 022`, the usual default.
fn run_with_umask(cfg: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_switchboard"))
        .arg("--config")
        .arg(cfg)
        .args(args)
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_STORE")
        .output()
        .unwrap()
}

#[test]
fn the_log_file_is_created_0600_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 5));
    let logs = dir.path().join("logs");
    let out = run_with_umask(
        &cfg,
        &["numbers", "add-range", "+15559990000", "+15559990001"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let log = logs.join("switchboard.log");
    assert!(std::fs::metadata(&log).unwrap().len() > 0, "nothing logged");
    assert_eq!(mode(&log), 0o600, "the log file");
    assert_eq!(mode(&logs), 0o700, "the log directory");
    // One left readable by an older switchboard is tightened.
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run_with_umask(&cfg, &["numbers"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(mode(&log), 0o600, "an existing log file");
}

/// The account's name as `id -un` gives it.
fn account() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn hand_edits_are_recorded_under_the_account_not_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 5));
    let out = run_at(
        &cfg,
        DAY0,
        &["numbers", "add-range", "+15559990000", "+15559990001"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let me = account();
    let hostile = "alice\x1b]52;c;SGVsbG8=\x07";
    for (number, user) in [("+15559990000", hostile), ("+15559990001", "mallory")] {
        let out = bin()
            .env("SWITCHBOARD_NOW", DAY0)
            .env("USER", user)
            .env("LOGNAME", user)
            .arg("--config")
            .arg(&cfg)
            .args(["numbers", "cool", number, "--days", "3"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{user:?}: {}", text(&out).1);
    }
    let conn = rusqlite::Connection::open(&store).unwrap();
    for number in ["+15559990000", "+15559990001"] {
        let tag: String = conn
            .query_row("SELECT tag FROM numbers WHERE number = ?1", [number], |r| {
                r.get(0)
            })
            .unwrap();
        let cause: String = conn
            .query_row(
                "SELECT cause FROM number_events WHERE number = ?1 ORDER BY id DESC LIMIT 1",
                [number],
                |r| r.get(0),
            )
            .unwrap();
        for recorded in [&tag, &cause] {
            assert!(
                recorded.contains(&me),
                "{number}: {recorded:?} lacks {me:?}"
            );
            assert!(
                !recorded.contains("alice")
                    && !recorded.contains("mallory")
                    && !recorded.chars().any(char::is_control),
                "{number}: {recorded:?}"
            );
        }
        assert_eq!(cause, format!("user {me}: cool 3 days"), "{number}");
    }
}
