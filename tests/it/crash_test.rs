//! `kill -9` in the middle of applying a sync: the store passes
//! `PRAGMA integrity_check`, holds the whole sync or none of it, and the
//! next sync completes (the dead process's lease is taken over at once).

use crate::common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

const DAY0: &str = "2026-11-22T10:00:00Z";
const LATER: &str = "2026-11-22T11:00:00Z";

/// Rows of the tables a sync writes: numbers, their events, cached users.
fn counts(store: &Path) -> (i64, i64, i64) {
    let c = rusqlite::Connection::open(store).unwrap();
    let n = |t: &str| {
        c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    };
    (n("numbers"), n("number_events"), n("registered_users"))
}

fn integrity(store: &Path) -> String {
    let c = rusqlite::Connection::open(store).unwrap();
    c.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

fn config(dir: &Path, addr: &str) -> PathBuf {
    write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&dir.join("base.db"), 5),
            arm_connection("lab", addr, LAB_LOGIN, 5000, "")
        ),
    )
}

fn sync_cmd(cfg: &Path, store: &Path) -> std::process::Command {
    let mut c = bin();
    c.env("SWITCHBOARD_NOW", LATER)
        .arg("--config")
        .arg(cfg)
        .arg("--store")
        .arg(store)
        .args(["sync", "audiocodes", "lab", "--force"]);
    c
}

/// Starts a sync, waits until it has fetched every user and begun to
/// apply them, waits `delay` more, then kills it with SIGKILL. Returns
/// whether the kill came before the process ended by itself.
fn sync_killed_after_fetch(cfg: &Path, store: &Path, delay: Duration) -> bool {
    let mut child = sync_cmd(cfg, store)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut lines = stderr.lines();
    let fetched = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|l| l.contains("registered users in"));
    assert!(fetched, "the sync never reported its fetch");
    std::thread::sleep(delay);
    let ended_by_itself = child.try_wait().unwrap().is_some();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    !ended_by_itself
}

#[test]
fn kill_9_while_applying_a_sync_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(200));
    let cfg = config(dir.path(), &sim.addr);
    let base = dir.path().join("base.db");
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    // Most of the first users go, many more arrive: the next sync adds,
    // cools and writes events by the thousand, in one transaction.
    sim.generate("lab", 15_000);
    for id in 0..150 {
        sim.set_status("lab", &format!("lab-u{id:05}"), "OFFLINE");
    }
    let before = counts(&base);

    let clean = dir.path().join("clean.db");
    copy_store(&base, &clean);
    let out = sync_cmd(&cfg, &clean).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let whole = counts(&clean);
    assert_ne!(before, whole);
    // How long applying takes here: the kills are spread across it.
    let apply_secs: f64 = text(&out)
        .1
        .lines()
        .find_map(|l| l.split("planned and applied in ").nth(1))
        .and_then(|r| r.split(' ').next())
        .and_then(|s| s.parse().ok())
        .expect("the sync reports how long applying took");
    let apply_ms = u64::try_from(Duration::from_secs_f64(apply_secs).as_millis())
        .expect("applying took less than an age");

    let mut killed_mid_apply = 0;
    let store = dir.path().join("killed.db");
    // Kill points spread over 0..120% of the apply time; `scripts/faults`
    // asks for many more through SWITCHBOARD_CRASH_POINTS.
    let points: u64 = std::env::var("SWITCHBOARD_CRASH_POINTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
        .max(2);
    for i in 0..points {
        let percent = 120 * i / (points - 1);
        let delay_ms = apply_ms * percent / 100;
        copy_store(&base, &store);
        let killed = sync_killed_after_fetch(&cfg, &store, Duration::from_millis(delay_ms));
        assert_eq!(integrity(&store), "ok", "after a kill at +{delay_ms} ms");
        let now = counts(&store);
        assert!(
            now == before || now == whole,
            "a kill at +{delay_ms} ms left a partial sync: {now:?}, not {before:?} or {whole:?}"
        );
        eprintln!(
            "kill at +{delay_ms} ms: killed {killed}, {}",
            if now == before {
                "nothing applied"
            } else {
                "whole sync applied"
            }
        );
        if killed && now == before {
            killed_mid_apply += 1;
        }
    }
    // The kills came after the fetch and found nothing applied: they hit
    // the transaction (or the plan before it), not an idle process.
    assert!(killed_mid_apply > 0, "no kill landed while applying");

    // The next sync on the last killed store completes, though the dead
    // process still holds the connection's lease.
    copy_store(&base, &store);
    assert!(sync_killed_after_fetch(
        &cfg,
        &store,
        Duration::from_millis(0)
    ));
    let out = sync_cmd(&cfg, &store).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(counts(&store), whole);
    assert_eq!(integrity(&store), "ok");
}
