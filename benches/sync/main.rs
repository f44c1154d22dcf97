//! The sync benchmark (issue 19): the real release binary syncing from an
//! independent HTTP server (`arm_server`: pre-rendered pages, every
//! request recorded), each sync measured against the raw fetch of the very
//! requests it made (`raw_fetch`). Run it with `scripts/bench sync` or
//! `cargo bench --bench sync`; `BENCH_PART=sync` or `BENCH_PART=slow` runs
//! one part. Prints every target with its value and ratio and exits
//! non-zero when one misses.
//!
//! - sync: 100,000 users in pages of 500: the first sync into an empty
//!   store, the unchanged re-sync, then the purge of the connection (its
//!   100,000 numbers cool) and the sweep once they are due (released);
//! - slow: 20,000 users in pages of 500 from a server taking 50 ms a page,
//!   against a serial fetch of the same pages.

mod arm_server;
mod raw_fetch;
#[path = "../support/mod.rs"]
mod support;

use arm_server::ArmServer;
use raw_fetch::Replay;
use std::path::Path;
use std::time::Duration;
use support::{median, summary_of, timed, Report, Scratch};

const USERS: usize = 100_000;
const PAGE: usize = 500;
const SLOW_USERS: usize = 20_000;
const SLOW_PAGE_DELAY: Duration = Duration::from_millis(50);
/// Raw fetches are cheap: each is the middle of this many runs.
const RAW_RUNS: usize = 3;
const SYNC: &[&str] = &["sync", "audiocodes", "bench", "--json"];

fn page_u32() -> u32 {
    u32::try_from(PAGE).expect("a page size fits u32")
}

/// The raw fetch of `requests` replayed as `how` says: the middle of
/// `RAW_RUNS` replays, and the bytes read. Its own requests are dropped
/// from the server's log.
fn raw(
    rt: &tokio::runtime::Runtime,
    server: &ArmServer,
    requests: &[arm_server::Recorded],
    how: Replay,
) -> (Duration, u64) {
    let runs: Vec<_> = (0..RAW_RUNS)
        .map(|_| raw_fetch::replay(rt, &server.url(), requests, how))
        .collect();
    server.take_requests();
    let bytes = runs.first().map_or(0, |f| f.bytes);
    (median(runs.iter().map(|f| f.took).collect()), bytes)
}

/// What the last job wrote in its log after its first line ("fetched …
/// in 2.1 s; planning", "planned and written in 8.0 s"): where its time
/// went, in its own words.
fn phases(store: &Path) -> String {
    let store = switchboard::store::Store::open(store).unwrap();
    let job = store.recent_jobs(1).unwrap().pop().expect("a job ran");
    let log = store.job_log(&job.id).unwrap();
    log.iter()
        .skip(1)
        .map(|(_, line)| line.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
}

const SERIAL: Replay = Replay {
    in_flight: 1,
    parse: false,
};

/// First sync, unchanged re-sync, purge and sweep of 100,000 numbers.
/// The same requests, each body parsed as JSON: the floor of a sync that
/// reads its answers.
const PARSED: Replay = Replay {
    in_flight: 1,
    parse: true,
};

fn sync_part(rt: &tokio::runtime::Runtime, dir: &Path, r: &mut Report) {
    println!("serving {USERS} users in pages of {PAGE}");
    let server = ArmServer::start(rt, USERS, PAGE, Duration::ZERO);
    let store = dir.join("sync.db");
    let cfg = support::arm_config(dir, "sync", (&server.addr, "session", page_u32()), &store);

    let (took, out) = timed(&cfg, &[], SYNC);
    let requests = server.take_requests();
    let summary = summary_of(&out);
    r.check(
        "the first sync adds every user",
        summary.contains(&format!("added {USERS}")),
        &summary,
    );
    r.info("first sync, its log", phases(&store));
    let (fetch, bytes) = raw(rt, &server, &requests, SERIAL);
    r.info(
        "raw fetch of the first sync's requests, serial",
        format!(
            "{} ({} requests, {:.1} MB)",
            support::short(fetch),
            requests.len(),
            support::mb(bytes / 1024)
        ),
    );
    let (parsed, _) = raw(rt, &server, &requests, PARSED);
    r.info(
        "the same, each body parsed as JSON too",
        support::short(parsed),
    );
    // The base is the fetch with each body parsed: rule one (a vendor
    // answer is read right) makes the parse part of any sync's floor, and
    // bytes alone from pre-rendered pages on loopback (tens of ms) are
    // faster than the parse by itself. The bytes-only ratio is shown too.
    r.info(
        "first sync against the bytes-only fetch",
        format!("{:.1}x", took.as_secs_f64() / fetch.as_secs_f64()),
    );
    r.ratio_within(
        &format!("first sync of {USERS} users into an empty store"),
        took,
        ("raw fetch + parse", parsed),
        5.0,
    );

    let (took, out) = timed(&cfg, &[], SYNC);
    let requests = server.take_requests();
    let summary = summary_of(&out);
    r.check(
        "the re-sync finds nothing changed",
        summary.contains(&format!("unchanged {USERS}")),
        &summary,
    );
    r.info("re-sync, its log", phases(&store));
    let (fetch, _) = raw(rt, &server, &requests, SERIAL);
    let (parsed, _) = raw(rt, &server, &requests, PARSED);
    r.info(
        "re-sync against the bytes-only fetch",
        format!(
            "{:.1}x ({})",
            took.as_secs_f64() / fetch.as_secs_f64(),
            support::short(fetch)
        ),
    );
    r.ratio_within(
        &format!("unchanged re-sync of {USERS} users"),
        took,
        ("raw fetch + parse", parsed),
        1.5,
    );

    let (took, out) = timed(&cfg, &[], &["purge", "audiocodes", "bench", "--yes"]);
    r.check(
        "the purge cools every number",
        out.contains(&format!("{USERS} numbers cooling")),
        out.trim(),
    );
    r.within(
        &format!("purge of {USERS} numbers"),
        took,
        Duration::from_millis(1500),
    );

    // Cooling lasts two days: three days on, every number is due.
    let later = (chrono::Utc::now() + chrono::Duration::days(3))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (took, out) = timed(&cfg, &[("SWITCHBOARD_NOW", &later)], &["sweep"]);
    r.check(
        "the sweep releases every number",
        out.contains(&format!("released {USERS}")),
        out.trim(),
    );
    r.within(
        &format!("sweep of {USERS} numbers"),
        took,
        Duration::from_millis(1500),
    );
}

/// A server taking 50 ms a page: the whole sync against a serial fetch.
fn slow_part(rt: &tokio::runtime::Runtime, dir: &Path, r: &mut Report) {
    println!(
        "serving {SLOW_USERS} users in pages of {PAGE}, {} a page",
        support::ms(SLOW_PAGE_DELAY)
    );
    let server = ArmServer::start(rt, SLOW_USERS, PAGE, SLOW_PAGE_DELAY);
    let store = dir.join("slow.db");
    let cfg = support::arm_config(dir, "slow", (&server.addr, "session", page_u32()), &store);
    let (took, out) = timed(&cfg, &[], SYNC);
    let requests = server.take_requests();
    let summary = summary_of(&out);
    r.check(
        "the slow sync adds every user",
        summary.contains(&format!("added {SLOW_USERS}")),
        &summary,
    );
    r.info("slow sync, its log", phases(&store));
    let (serial, _) = raw(rt, &server, &requests, SERIAL);
    let (four, _) = raw(
        rt,
        &server,
        &requests,
        Replay {
            in_flight: 4,
            ..SERIAL
        },
    );
    r.info(
        "raw fetch of the same pages, 4 at a time",
        support::short(four),
    );
    r.ratio_within(
        &format!(
            "sync of {SLOW_USERS} users, {} a page",
            support::ms(SLOW_PAGE_DELAY)
        ),
        took,
        ("serial fetch", serial),
        0.5,
    );
}

fn main() {
    // `cargo bench` passes --bench; parts are chosen by BENCH_PART.
    let part = std::env::var("BENCH_PART").unwrap_or_default();
    let wants = |p: &str| part.is_empty() || part.split(',').any(|w| w.trim() == p);
    assert!(
        wants("sync") || wants("slow"),
        "BENCH_PART is sync, slow or both (sync,slow), not {part:?}"
    );
    let scratch = Scratch::new("switchboard-bench-sync-");
    println!(
        "switchboard sync benchmark (data in {})",
        scratch.path.display()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut r = Report::default();
    if wants("sync") {
        sync_part(&rt, &scratch.path, &mut r);
    }
    if wants("slow") {
        slow_part(&rt, &scratch.path, &mut r);
    }
    let met = r.finish("sync benchmark: the release binary against an independent ARM server");
    drop(rt);
    drop(scratch);
    if !met {
        std::process::exit(1);
    }
}
