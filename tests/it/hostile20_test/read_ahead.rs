//! A sync reads its connection's rows and cached users while its pages are
//! fetched. Another process writing the store meanwhile (a hand action, a
//! purge, a second sync) must leave exactly the store that the same write
//! made before the sync gives: the plan is made against the store as it is
//! inside the write lock. The server holds every page but the first until
//! the other process is done.

use super::{arm, Gate, Pages, NOW, USERS_PATH};
use crate::common;
use common::*;
use std::process::Stdio;
use std::time::{Duration, Instant};

const PAGE: u32 = 2;

fn number(i: usize) -> String {
    format!("+1555000{i:04}")
}

/// Users `ids` (each holding [`number`]), paged.
fn users_of(ids: &'static [usize]) -> impl Fn(usize, usize) -> String + Send + Sync + 'static {
    move |offset, limit| {
        let page: Vec<String> = ids
            .iter()
            .skip(offset)
            .take(limit)
            .map(|i| {
                format!(
                    r#"{{"id":"u{i}","phoneNumber":"{}","status":"REGISTERED"}}"#,
                    number(*i)
                )
            })
            .collect();
        format!(r#"{{"total":{},"users":[{}]}}"#, ids.len(), page.join(","))
    }
}

const FIRST: &[usize] = &[1, 2, 3, 4, 5, 6, 7, 8];

/// What happens around the second sync.
struct Race {
    /// Users of the second sync.
    second: &'static [usize],
    /// Commands run before the second sync in both orders.
    setup: Vec<Vec<String>>,
    /// The other process's command.
    action: Vec<String>,
    /// When the other process runs (the syncs run at [`NOW`]).
    action_at: &'static str,
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

struct Ran {
    sync: Option<i32>,
    action: Option<i32>,
    action_err: String,
    dump: String,
}

fn run(config: &std::path::Path, a: &[String]) -> std::process::Output {
    run_then(config, NOW, a)
}

fn run_then(config: &std::path::Path, at: &str, a: &[String]) -> std::process::Output {
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    run_at(config, at, &a)
}

/// The race played out: with `during`, the action runs while the second
/// sync's later pages are held; else before the second sync starts.
fn play(race: &Race, during: bool) -> Ran {
    let pages = Pages::new(users_of(FIRST));
    let gate = Gate::default();
    let server = arm(pages.clone(), Some(gate.clone()));
    let (_dir, config, store) = lab_at(&server.addr, PAGE, "");
    let (out, _, err) = sync_lab_at(&config, NOW);
    assert!(out.status.success(), "first sync: {err}");
    for s in &race.setup {
        let out = run(&config, s);
        assert!(out.status.success(), "{s:?}: {}", text(&out).1);
    }
    pages.set(users_of(race.second));
    let (sync, action) = if during {
        gate.close();
        let before = server.count(USERS_PATH);
        let child = bin()
            .env("SWITCHBOARD_NOW", NOW)
            .arg("--config")
            .arg(&config)
            .args(["sync", "audiocodes", "lab"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The first page and at least one held page have been asked for:
        // the read ahead started before the first, on an idle connection.
        let until = Instant::now() + Duration::from_secs(10);
        while server.count(USERS_PATH) < before + 2 && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(300));
        let action = run_then(&config, race.action_at, &race.action);
        gate.open();
        let sync = child.wait_with_output().unwrap();
        assert!(
            sync.status.success(),
            "{}",
            String::from_utf8_lossy(&sync.stderr)
        );
        (sync, action)
    } else {
        let action = run_then(&config, race.action_at, &race.action);
        let (sync, _, err) = sync_lab_at(&config, NOW);
        assert!(sync.status.success(), "{err}");
        (sync, action)
    };
    Ran {
        sync: sync.status.code(),
        action: action.status.code(),
        action_err: text(&action).1,
        dump: store_dump(&store).replace(&server.addr, "ADDR"),
    }
}

fn assert_same_as_before_the_sync(race: Race) {
    let serial = play(&race, false);
    let raced = play(&race, true);
    assert_eq!(
        (raced.action, raced.sync),
        (serial.action, serial.sync),
        "exit codes (action, sync); action said: {} / {}",
        raced.action_err,
        serial.action_err
    );
    assert_same_store(&serial.dump, &raced.dump, "action during the fetch");
}

#[test]
fn a_tag_set_by_hand_during_the_fetch_is_kept() {
    assert_same_as_before_the_sync(Race {
        second: &[1, 2, 3, 4, 5, 6, 7],
        setup: vec![],
        action: args(&["numbers", "tag", &number(8), "by-hand"]),
        action_at: NOW,
    });
}

#[test]
fn a_number_cooled_by_hand_during_the_fetch_is_planned_as_cooled() {
    assert_same_as_before_the_sync(Race {
        second: &[1, 2, 3, 4, 5, 6, 7, 8],
        setup: vec![],
        action: args(&["numbers", "cool", "--days", "5", &number(2), &number(3)]),
        action_at: NOW,
    });
}

#[test]
fn a_number_reserved_during_the_fetch_is_a_conflict_not_taken() {
    assert_same_as_before_the_sync(Race {
        second: &[1, 2, 3, 4, 5, 6, 7, 8, 20],
        setup: vec![args(&["numbers", "add-range", &number(20), &number(21)])],
        action: args(&["numbers", "reserve", &number(20)]),
        action_at: NOW,
    });
}

#[test]
fn a_cooling_number_released_by_hand_during_the_fetch_is_planned_as_released() {
    assert_same_as_before_the_sync(Race {
        second: &[1, 2, 3, 4, 5, 6, 7, 8],
        setup: vec![args(&[
            "numbers",
            "cool",
            "--days",
            "5",
            &number(7),
            &number(8),
        ])],
        action: args(&["numbers", "release", &number(7)]),
        action_at: NOW,
    });
}

#[test]
fn a_sweep_by_another_process_during_the_fetch_is_planned_from() {
    assert_same_as_before_the_sync(Race {
        second: &[1, 2, 3, 4, 5, 6, 8],
        setup: vec![args(&[
            "numbers",
            "cool",
            "--days",
            "1",
            &number(7),
            &number(8),
        ])],
        action: args(&["sweep"]),
        action_at: "2026-12-05T10:00:00Z",
    });
}

/// A second writer of the connection during the fetch is refused by the
/// sync's lease; the store is as if the sync ran alone.
fn assert_refused_by_the_lease(action: &[&str]) {
    let race = Race {
        second: &[2, 3, 4, 5, 6, 7, 8, 9],
        setup: vec![],
        action: args(action),
        action_at: NOW,
    };
    let raced = play(&race, true);
    assert_eq!(raced.action, Some(1), "{action:?} ran beside the sync");
    assert!(
        raced.action_err.contains("already running"),
        "{}",
        raced.action_err
    );
    let alone = play(
        &Race {
            action: args(&["jobs"]),
            ..race
        },
        false,
    );
    assert_same_store(
        &alone.dump,
        &raced.dump,
        "a refused writer during the fetch",
    );
}

#[test]
fn a_purge_of_the_connection_during_the_fetch_is_refused_by_the_lease() {
    assert_refused_by_the_lease(&["purge", "audiocodes", "lab", "--yes"]);
}

#[test]
fn a_second_sync_of_the_connection_during_the_fetch_is_refused_by_the_lease() {
    assert_refused_by_the_lease(&["sync", "audiocodes", "lab"]);
}

const LATER: &str = "2026-12-05T10:00:00Z";

/// The status of `number` in the store (none while it cannot be read).
fn status_of(store: &std::path::Path, number: &str) -> Option<String> {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()?;
    conn.query_row(
        "SELECT status FROM numbers WHERE number = ?1",
        [number],
        |r| r.get(0),
    )
    .ok()
}

/// One `worker --once` runs a due sweep and a due scheduled sync at once,
/// on its one store connection: with `during`, the sync's later pages are
/// held until the sweep has released the cooling numbers; else a sweep and
/// then a sync run one after the other. (The sweep is queued first on the
/// worker's store lane, so its write usually lands before the read ahead:
/// this pins the round's outcome; a read ahead used blind still passes it,
/// measured. The same-connection case proper is the store's unit test
/// `a_write_on_the_same_connection_meanwhile_makes_the_sync_read_again`.)
fn worker_round(during: bool) -> (Option<i32>, String) {
    let pages = Pages::new(users_of(FIRST));
    let gate = Gate::default();
    let server = arm(pages.clone(), Some(gate.clone()));
    let (_dir, config, store) = lab_at(
        &server.addr,
        PAGE,
        "schedule = \"1h\"\nschedule_enabled = true",
    );
    let (out, _, err) = sync_lab_at(&config, NOW);
    assert!(out.status.success(), "first sync: {err}");
    let cool = args(&["numbers", "cool", "--days", "1", &number(7), &number(8)]);
    assert!(run(&config, &cool).status.success());
    pages.set(users_of(&[1, 2, 3, 4, 5, 6, 8]));
    let code = if during {
        gate.close();
        let child = bin()
            .env("SWITCHBOARD_NOW", LATER)
            .arg("--config")
            .arg(&config)
            .args(["worker", "--once"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(3);
        while status_of(&store, &number(7)).as_deref() != Some("Available")
            && Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        gate.open();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.status.code()
    } else {
        assert!(run_then(&config, LATER, &args(&["sweep"])).status.success());
        let (out, _, err) = {
            let out = run_at(&config, LATER, &["sync", "audiocodes", "lab"]);
            let (o, e) = text(&out);
            (out, o, e)
        };
        assert!(out.status.success(), "{err}");
        out.status.code()
    };
    (code, store_dump(&store).replace(&server.addr, "ADDR"))
}

#[test]
fn a_sweep_in_the_same_worker_during_a_scheduled_syncs_fetch_is_planned_from() {
    let serial = worker_round(false);
    let raced = worker_round(true);
    assert_eq!(raced.0, serial.0);
    assert_same_store(&serial.1, &raced.1, "a sweep in the same worker meanwhile");
}
