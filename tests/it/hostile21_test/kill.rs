//! `kill -9` while a re-sync rewrites rows it judged changed: every row
//! rewritten or none. A rewrite changes no count (crash_test's check), so
//! each row's `updated_at` tells: all the first sync's, or all the re-sync's.
//! Every user's last seen time moves on by a second between the first
//! sync and the re-syncs, so each re-sync rewrites every row.

use super::*;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

const USERS: usize = 2_000;

fn number(i: usize) -> String {
    format!("+1555900{i:04}")
}

/// The distinct `updated_at` values of the store's rows, and its integrity.
fn stamps(store: &Path) -> (Vec<String>, String) {
    let conn = rusqlite::Connection::open(store).unwrap();
    let mut stmt = conn
        .prepare("SELECT DISTINCT updated_at FROM numbers ORDER BY 1")
        .unwrap();
    let at = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let ok = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    (at, ok)
}

#[test]
fn kill_9_during_a_rewriting_re_sync_leaves_every_row_or_none() {
    let listed = |seen: &str| -> Vec<Value> {
        (0..USERS)
            .map(|i| user(&format!("u{i}"), &number(i), seen))
            .collect()
    };
    let list = Users::new(listed("2026-11-30T09:00:00Z"));
    let server = arm(list.clone());
    let (dir, config, store) = common::lab_at(&server.addr, 1000, "");
    sync_ok(&config, NOW);
    *list.0.lock().unwrap() = listed("2026-11-30T09:00:01Z");
    let base = dir.path().join("base.db");
    common::copy_store(&store, &base);
    let mut outcomes = Vec::new();
    for delay_ms in [0, 4, 8, 10, 12, 14, 16, 18, 20, 25, 40] {
        common::copy_store(&base, &store);
        let mut child = common::bin()
            .env("SWITCHBOARD_NOW", LATER)
            .arg("--config")
            .arg(&config)
            .args(["sync", "audiocodes", "lab"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let fetched = BufReader::new(child.stderr.take().unwrap())
            .lines()
            .map_while(Result::ok)
            .any(|l| l.contains("registered users in"));
        assert!(fetched, "the sync never reported its fetch");
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap();
        child.wait().unwrap();
        let (at, ok) = stamps(&store);
        assert_eq!(ok, "ok", "after a kill at +{delay_ms} ms");
        assert!(
            at == [NOW] || at == [LATER],
            "a kill at +{delay_ms} ms left rows of both syncs: {at:?}"
        );
        outcomes.push(at[0].clone());
        // The next sync completes.
        sync_ok(&config, LATER);
        assert_eq!(stamps(&store).0, [LATER]);
    }
    eprintln!("outcomes by delay: {outcomes:?}");
}
