//! Hostile tests of concurrent page fetching (issue 19, `fetch_concurrency`):
//! servers of the tests' own that change their total only on pages fetched
//! ahead, split a user across two pages in flight, fail a later page while
//! an earlier one is still on its way, redirect one page to another origin,
//! refuse the token on every page in flight, answer 429, never answer, or
//! are cancelled (SIGINT) with four pages in flight. The rule above all: a
//! partial or wrong list never cools a number in use, and a failed job
//! changes nothing in the store (compared by a dump of its data).
//!
//! Three of them found defects, since fixed: a list already whole waited
//! on a page fetched ahead (ARM and AXP), and families fetched ahead were
//! not read while a CM's own families were listed, so their answers
//! timed out unread.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use serde_json::{json, Value};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY0: &str = "2026-11-22T10:00:00Z";
const USERS: usize = 60;
const PAGE: usize = 5;
/// [`PAGE`], as the config says it.
const PAGE_SIZE: u32 = 5;
const USERS_PATH: &str = "/ARM/v1/registeredUsers";

fn number(i: usize) -> String {
    format!("+1555000{:04}", 1000 + i)
}

fn user(i: usize) -> Value {
    json!({"id": format!("u-{i:04}"), "phoneNumber": number(i), "status": "REGISTERED"})
}

fn users(from: usize, to: usize) -> Vec<Value> {
    (from..to.min(USERS)).map(user).collect()
}

/// A users page: `(offset, limit, request)` to the answer. It may sleep.
type PageFn = Arc<dyn Fn(usize, usize, &Seen) -> Reply + Send + Sync>;

fn page_fn(f: impl Fn(usize, usize, &Seen) -> Reply + Send + Sync + 'static) -> PageFn {
    Arc::new(f)
}

/// A well-behaved ARM of [`USERS`] users.
fn good() -> PageFn {
    page_fn(|offset, limit, _| {
        Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
    })
}

/// Later pages answer first: the last page at once, the second after
/// the longest wait (as in concurrent_fetch_test).
fn later_first(offset: usize) -> Duration {
    Duration::from_millis(20 + 15 * (USERS.saturating_sub(offset) / PAGE) as u64)
}

/// An ARM whose users pages the test can swap (`pages`), each answered
/// after [`later_first`]; a session login answers tokens from `logins`.
struct Arm {
    server: HostileServer,
    pages: Arc<Mutex<PageFn>>,
    /// When each users request arrived, with its offset.
    arrivals: Arc<Mutex<Vec<(usize, Instant)>>>,
}

impl Arm {
    fn start(first: PageFn) -> Arm {
        Self::with_login(first, |_| Reply::not_found())
    }

    fn with_login(first: PageFn, login: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Arm {
        let pages = Arc::new(Mutex::new(first));
        let arrivals: Arc<Mutex<Vec<(usize, Instant)>>> = Arc::default();
        let (p, a) = (pages.clone(), arrivals.clone());
        let server = HostileServer::start(move |req: &Seen| match req.path() {
            USERS_PATH => {
                let (offset, limit) = req.offset_limit();
                a.lock().unwrap().push((offset, Instant::now()));
                let page = p.lock().unwrap().clone();
                std::thread::sleep(later_first(offset));
                page(offset, limit, req)
            }
            "/ARM/v1/login" => login(req),
            _ => Reply::not_found(),
        });
        Arm {
            server,
            pages,
            arrivals,
        }
    }

    fn set(&self, page: PageFn) {
        *self.pages.lock().unwrap() = page;
        self.arrivals.lock().unwrap().clear();
    }

    fn arrivals(&self) -> Vec<(usize, Instant)> {
        self.arrivals.lock().unwrap().clone()
    }
}

/// A config for connection "lab" at `addr`: `http_extra` lines go under
/// `[http]`, `conn_extra` lines into the connection's block.
fn config_at(
    addr: &str,
    http_extra: &str,
    conn_extra: &str,
) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(
        dir.path(),
        &format!(
            "{}{http_extra}{}",
            config_head(&store, 5),
            arm_connection("lab", addr, LAB_LOGIN, PAGE_SIZE, conn_extra)
        ),
    );
    (dir, config, store)
}

fn job_states(store: &Path) -> Vec<String> {
    let c = rusqlite::Connection::open(store).unwrap();
    let mut st = c
        .prepare("SELECT state FROM jobs WHERE kind = 'sync' ORDER BY rowid")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// A store synced whole from the good ARM (every number Used), whose
/// pages then turn to `bad`: the next sync must fail (exit 1) with a last
/// line naming `says` and "nothing was changed", the store unchanged.
fn fails_and_changes_nothing(bad: PageFn, says: &str) -> Arm {
    let arm = Arm::start(good());
    let (_d, config, store) = config_at(&arm.server.addr, "", "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_at(&config, DAY0), USERS);
    let before = store_dump(&store);
    arm.set(bad);
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert_eq!(out.status.code(), Some(1), "{says}: {stdout}{stderr}");
    let line = stderr.lines().last().unwrap_or("");
    assert!(
        line.contains("lab") && line.contains(says) && line.contains("nothing was changed"),
        "{says}: {stderr}"
    );
    assert_same_store(&before, &store_dump(&store), says);
    assert_eq!(used_at(&config, DAY0), USERS, "{says}: no number cooled");
    arm
}

#[test]
fn a_total_that_shrinks_only_on_the_page_fetched_ahead_that_answers_first_fails() {
    // The last page (offset 55) answers first and is the only one to say
    // 55: a serial reader would meet it last; the concurrent one must not
    // take the 55 users read before it as the list.
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let total = if offset == USERS - PAGE {
                USERS - PAGE
            } else {
                USERS
            };
            Reply::json(json!({"total": total, "users": users(offset, offset + limit)}))
        }),
        &format!("total changed from {USERS} to {}", USERS - PAGE),
    );
}

#[test]
fn a_total_that_grows_on_pages_fetched_ahead_only_fails() {
    // Every page after the first says 61 (a user added while reading).
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let total = if offset == 0 { USERS } else { USERS + 1 };
            Reply::json(json!({"total": total, "users": users(offset, offset + limit)}))
        }),
        &format!("total changed from {USERS} to {}", USERS + 1),
    );
}

#[test]
fn a_user_split_across_two_pages_in_flight_at_once_fails_the_sync() {
    // u-0012 is on the page at 10 and again on the page at 15 (which
    // answers first); u-0019 is nowhere: the count still adds up to 60.
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let mut page = users(offset, offset + limit);
            if offset == 15 {
                page[4] = user(12);
            }
            Reply::json(json!({"total": USERS, "users": page}))
        }),
        "repeats user \"u-0012\"",
    );
}

#[test]
fn page_k_answering_the_users_of_page_k_plus_1_fails_the_sync() {
    // The page at 20 sends the users of 25 (and 25 its own): 20..25 would
    // look deleted if it were taken.
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let from = if offset == 20 { 25 } else { offset };
            Reply::json(json!({"total": USERS, "users": users(from, from + limit)}))
        }),
        "repeats user \"u-0025\"",
    );
}

#[test]
fn two_pages_swapping_their_users_still_give_every_user_once() {
    // Pages at 10 and 15 answer each other's users: the list is still
    // every user exactly once, so the sync is right to take it whole.
    let arm = Arm::start(page_fn(|offset, limit, _| {
        let from = match offset {
            10 => 15,
            15 => 10,
            o => o,
        };
        Reply::json(json!({"total": USERS, "users": users(from, from + limit)}))
    }));
    let (_d, config, _) = config_at(&arm.server.addr, "", "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("added {USERS}")), "{stdout}");
    assert_eq!(used_at(&config, DAY0), USERS);
}

#[test]
fn an_earlier_page_arriving_late_after_a_later_page_failed_still_fails_the_sync() {
    // The page at 40 fails at once; the page at 10 arrives 1.5 s later,
    // well-formed. The failure must not be lost while the sync waits for
    // the earlier pages, nor taken for the end of the list.
    let arm = fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            match offset {
                40 => return Reply::status(500, r#"{"title":"boom"}"#),
                10 => std::thread::sleep(Duration::from_millis(1500)),
                _ => {}
            }
            Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
        }),
        "HTTP 500",
    );
    let asked: Vec<usize> = arm.arrivals().iter().map(|(o, _)| *o).collect();
    assert!(asked.contains(&40), "{asked:?}");
}

#[test]
fn a_short_page_in_the_middle_that_loses_users_fails_rather_than_cool_them() {
    // The page at 10 holds 3 users, and the server lost u-0013 and u-0014
    // (from 13 on it serves the users two further on): the later pages
    // fetched ahead had all succeeded, yet the list read from 13 on ends
    // two users short of the total. u-0013 and u-0014 must not cool.
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let page = match offset {
                10 => users(10, 13),
                o if o >= 13 => users(o + 2, o + 2 + limit),
                o => users(o, o + limit),
            };
            Reply::json(json!({"total": USERS, "users": page}))
        }),
        "empty page",
    );
}

#[test]
fn a_number_offline_on_an_early_page_and_registered_on_a_later_one_stays_in_use() {
    // 61 users: an extra one on the first page holds u-0047's number and
    // is OFFLINE; u-0047 (registered) comes on a page fetched ahead. The
    // same number on several users counts once, registered if any is,
    // whichever page arrives first.
    let arm = Arm::start(good());
    let (_d, config, _) = config_at(&arm.server.addr, "", "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    let mut all: Vec<Value> = users(0, 2);
    all.push(json!({"id": "u-extra", "phoneNumber": number(47), "status": "OFFLINE"}));
    all.extend(users(2, USERS));
    arm.set(page_fn(move |offset, limit, _| {
        let page: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
        Reply::json(json!({"total": USERS + 1, "users": page}))
    }));
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    let inv = inventory(&config, DAY0);
    assert_eq!(row(&inv, &number(47))["status"], "Used", "{stdout}");
    assert_eq!(used_at(&config, DAY0), USERS);
}

#[test]
fn a_page_redirected_to_another_origin_fails_and_that_origin_receives_nothing() {
    let other = HostileServer::start(|_| Reply::json(json!({"total": USERS, "users": []})));
    let elsewhere = format!("{}{USERS_PATH}?offset=20&limit=5", other.url());
    fails_and_changes_nothing(
        page_fn(move |offset, limit, _| {
            if offset == 20 {
                return Reply::redirect(307, &elsewhere);
            }
            Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
        }),
        "another origin",
    );
    assert!(other.seen().is_empty(), "{:#?}", other.seen());
}

#[test]
fn a_page_redirected_on_its_own_origin_to_another_offset_fails_the_sync() {
    // The page at 20 is redirected (same origin, so followed) to offset
    // 30: it then holds the users of 30, which the page at 30 repeats.
    fails_and_changes_nothing(
        page_fn(|offset, limit, req| {
            if offset == 20 && req.query("moved").is_none() {
                return Reply::redirect(307, &format!("{USERS_PATH}?offset=30&limit=5&moved=1"));
            }
            Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
        }),
        "repeats user \"u-0030\"",
    );
}

#[test]
fn a_last_page_fetched_ahead_with_a_user_too_many_fails_the_sync() {
    // The last page (answering first) holds six users, a new u-0060
    // among them, under the same total of 60.
    fails_and_changes_nothing(
        page_fn(|offset, limit, _| {
            let mut page = users(offset, offset + limit);
            if offset == USERS - PAGE {
                page.push(json!({"id": "u-0060", "phoneNumber": number(60)}));
            }
            Reply::json(json!({"total": USERS, "users": page}))
        }),
        "more than its total of 60",
    );
}

#[test]
fn a_401_on_every_page_in_flight_causes_one_more_login_not_one_per_page() {
    // The token of the first login is refused on every page after the
    // first (it expired at once); the second login's token is accepted.
    let logins = Arc::new(Mutex::new(0usize));
    let l = logins.clone();
    let arm = Arm::with_login(
        page_fn(|offset, limit, req| {
            let bearer = req.header("authorization").unwrap_or("");
            if offset > 0 && bearer != "Bearer t2" {
                return Reply::status(401, r#"{"title":"token expired"}"#);
            }
            Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
        }),
        move |_| {
            let mut n = l.lock().unwrap();
            *n += 1;
            // The first login gets t1, every later one t2.
            let token = if *n == 1 { "t1" } else { "t2" };
            Reply::json(json!({"token": token, "expiresIn": 3600}))
        },
    );
    let (_d, config, _) = config_at(&arm.server.addr, "", "auth = \"session\"");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_at(&config, DAY0), USERS);
    assert_eq!(
        *logins.lock().unwrap(),
        2,
        "one login, then one more for all the pages refused at once"
    );
    let refused_then_asked: Vec<usize> = arm.arrivals().iter().map(|(o, _)| *o).collect();
    let pages = USERS / PAGE;
    assert!(
        refused_then_asked.len() <= 2 * pages,
        "each page asked at most twice: {refused_then_asked:?}"
    );
}

#[test]
fn a_429_with_retry_after_on_pages_in_flight_is_waited_out_then_each_page_asked_once_more() {
    let refused: Arc<Mutex<Vec<usize>>> = Arc::default();
    let r = refused.clone();
    let arm = Arm::start(page_fn(move |offset, limit, _| {
        let mut refused = r.lock().unwrap();
        if offset > 0 && !refused.contains(&offset) {
            refused.push(offset);
            let mut reply = Reply::status(429, r#"{"title":"spike limit exhausted"}"#);
            reply.headers.push(("retry-after".into(), "1".into()));
            return reply;
        }
        Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
    }));
    let (_d, config, _) = config_at(&arm.server.addr, "", "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_at(&config, DAY0), USERS);
    let arrivals = arm.arrivals();
    for offset in (PAGE..USERS).step_by(PAGE) {
        let times: Vec<Instant> = arrivals
            .iter()
            .filter(|(o, _)| *o == offset)
            .map(|(_, t)| *t)
            .collect();
        assert_eq!(
            times.len(),
            2,
            "offset {offset}: refused once, asked once more"
        );
        // Retry-After: 1 is honoured (the 429 left after `later_first`).
        assert!(
            times[1] - times[0] >= Duration::from_millis(950),
            "offset {offset}: asked again {:?} after the 429",
            times[1] - times[0]
        );
    }
}

/// Runs `args` in the background; kills it (and fails) after `limit`.
fn run_bounded(config: &Path, args: &[&str], limit: Duration) -> (Option<i32>, String, String) {
    let mut child = bin()
        .env("SWITCHBOARD_NOW", DAY0)
        .arg("--config")
        .arg(config)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let began = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let (o, e) = outputs(&mut child);
            return (status.code(), o, e);
        }
        if began.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let (o, e) = outputs(&mut child);
            panic!("still running after {limit:?}: {o}{e}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn outputs(child: &mut Child) -> (String, String) {
    let (mut o, mut e) = (String::new(), String::new());
    let _ = child.stdout.take().unwrap().read_to_string(&mut o);
    let _ = child.stderr.take().unwrap().read_to_string(&mut e);
    (o, e)
}

/// Waits until `requests()` reaches `want`, sends the child SIGINT (as
/// Ctrl-C does) and checks that it ends cancelled, having written nothing,
/// and that no request follows (those in flight would have answered by
/// the end of the wait).
fn interrupt_with_requests_in_flight(
    child: &mut Child,
    requests: impl Fn() -> usize,
    want: usize,
    what: &str,
) {
    let began = Instant::now();
    while requests() < want {
        assert!(began.elapsed() < Duration::from_secs(20), "never {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let in_flight = requests();
    assert_eq!(in_flight, want, "{what}");
    let st = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let status = child.wait().unwrap();
    let (_, stderr) = outputs(child);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cancelled before anything was written or sent; nothing was changed"),
        "{stderr}"
    );
    std::thread::sleep(Duration::from_millis(3500));
    assert_eq!(requests(), in_flight, "no request after the cancel");
}

/// Lets each request take 30 s, so the job's own time limit (set
/// lower) is what stops a page that never answers.
fn requests_may_take_30_s(config: &Path) {
    let text = std::fs::read_to_string(config).unwrap();
    std::fs::write(
        config,
        text.replace("request_timeout_secs = 5", "request_timeout_secs = 30"),
    )
    .unwrap();
}

#[test]
fn a_page_that_never_answers_ends_the_sync_at_the_job_time_limit_changing_nothing() {
    // The page at 20 never answers (within the test); requests may take
    // 30 s, the job 2 s: the job must end near its limit, say so, and
    // change nothing.
    let arm = Arm::start(good());
    let (_d, config, store) = config_at(&arm.server.addr, "job_timeout_secs = 2\n", "");
    requests_may_take_30_s(&config);
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    let before = store_dump(&store);
    arm.set(page_fn(|offset, limit, _| {
        if offset == 20 {
            std::thread::sleep(Duration::from_secs(40));
        }
        Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
    }));
    let (code, stdout, stderr) = run_bounded(
        &config,
        &["sync", "audiocodes", "lab"],
        Duration::from_secs(25),
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("gave up after 2s (http.job_timeout_secs)")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    assert_same_store(&before, &store_dump(&store), "after the time limit");
    assert_eq!(used_at(&config, DAY0), USERS);
}

#[test]
fn ctrl_c_with_four_pages_in_flight_changes_nothing_and_sends_nothing_more() {
    let arm = Arm::start(good());
    let (_d, config, store) = config_at(&arm.server.addr, "", "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    let before = store_dump(&store);
    // Every page after the first takes 3 s.
    arm.set(page_fn(|offset, limit, _| {
        if offset > 0 {
            std::thread::sleep(Duration::from_secs(3));
        }
        Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
    }));
    let mut child = bin()
        .env("SWITCHBOARD_NOW", DAY0)
        .arg("--config")
        .arg(&config)
        .args(["sync", "audiocodes", "lab"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    interrupt_with_requests_in_flight(
        &mut child,
        || arm.arrivals().len(),
        5,
        "the first page and four in flight",
    );
    assert_same_store(&before, &store_dump(&store), "after Ctrl-C");
    assert_eq!(
        job_states(&store).last().map(String::as_str),
        Some("cancelled")
    );
    assert_eq!(used_at(&config, DAY0), USERS);
}

#[test]
fn fetch_concurrency_of_the_wrong_type_is_a_config_error_at_its_line() {
    for bad in [
        "\"4\"",
        "4.5",
        "true",
        "99999999999999999999",
        "0",
        "17",
        "-3",
    ] {
        let (_d, config, _) = config_at("127.0.0.1:9", "", &format!("fetch_concurrency = {bad}"));
        let out = run(&config, &["config", "check"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{bad}: {stdout}{stderr}");
        assert!(
            stderr.contains("fetch_concurrency") && stderr.contains("config.toml:15"),
            "{bad}: {stderr}"
        );
    }
}

#[test]
fn an_arm_list_complete_before_a_page_fetched_ahead_does_not_wait_for_that_page() {
    // The page at 50 holds the last ten users (a server whose pages are
    // not all the same size): the list is whole there. The page at 55,
    // fetched ahead and no longer needed, never answers. The sync must
    // not wait for it: today it waits until the time limit and fails.
    let arm = Arm::start(good());
    let (_d, config, store) = config_at(&arm.server.addr, "job_timeout_secs = 4\n", "");
    requests_may_take_30_s(&config);
    arm.set(page_fn(|offset, limit, _| {
        let page = match offset {
            50 => users(50, 60),
            55 => {
                std::thread::sleep(Duration::from_secs(40));
                users(55, 60)
            }
            o => users(o, o + limit),
        };
        Reply::json(json!({"total": USERS, "users": page}))
    }));
    let (code, stdout, stderr) = run_bounded(
        &config,
        &["sync", "audiocodes", "lab"],
        Duration::from_secs(25),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("added {USERS}")), "{stdout}");
    assert_eq!(used_at(&config, DAY0), USERS);
    assert!(!job_states(&store).is_empty());
}

// ---- AXP ----------------------------------------------------------------

const ROOT: &str = "/api/admin/voice/v1/accounts/HOSTAX";
const NUMBERS: usize = 45;

fn axp_config(url: &str, http_extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{http_extra}{}",
            config_head(&dir.path().join("s.db"), 5),
            axp_connection(url, "HOSTAX", "axp-secret", "axp-key")
        ),
    );
    (dir, cfg)
}

fn is_token(req: &Seen) -> bool {
    req.method == "POST" && req.path().ends_with("/protocol/openid-connect/token")
}

fn phone_number(i: usize) -> Value {
    json!({"phoneNumberId": format!("pn-{i:03}"), "phoneNumber": number(i)})
}

/// Phone numbers in pages of 4 of [`NUMBERS`]; `next(page, path)` is a
/// page's `links.next`; `items(page)` its items; later pages answer first.
fn axp_numbers(
    next: impl Fn(usize, &str) -> String + Send + Sync + 'static,
    items: impl Fn(usize) -> Vec<Value> + Send + Sync + 'static,
) -> HostileServer {
    HostileServer::start(move |req| {
        if is_token(req) {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        if req.path() != format!("{ROOT}/phone-numbers") {
            return Reply::not_found();
        }
        let page: usize = req
            .query("pageNumber")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        std::thread::sleep(Duration::from_millis(
            20 + 10 * (12u64.saturating_sub(page as u64)),
        ));
        Reply::json(json!({
            "pagination": {"pageNumber": page, "pageSize": 4, "total": NUMBERS},
            "phoneNumbers": items(page), "links": {"next": next(page, req.path())},
        }))
    })
}

fn page_of_4(page: usize) -> Vec<Value> {
    (0..NUMBERS)
        .skip((page - 1) * 4)
        .take(4)
        .map(phone_number)
        .collect()
}

fn numbered_next(page: usize, path: &str) -> String {
    if page * 4 < NUMBERS {
        format!("{path}?pageNumber={}&pageSize=4", page + 1)
    } else {
        String::new()
    }
}

#[test]
fn axp_links_next_to_another_origin_on_page_3_fails_and_that_origin_receives_nothing() {
    let other = HostileServer::start(|_| Reply::json(json!({"phoneNumbers": []})));
    let elsewhere = format!(
        "{}{ROOT}/phone-numbers?pageNumber=4&pageSize=4",
        other.url()
    );
    let server = axp_numbers(
        move |page, path| {
            if page == 3 {
                elsewhere.clone()
            } else {
                numbered_next(page, path)
            }
        },
        page_of_4,
    );
    let (_d, cfg) = axp_config(&server.url(), "");
    let out = run(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("leads to another origin") && stderr.contains("no credentials were sent"),
        "{stderr}"
    );
    assert!(other.seen().is_empty(), "{:#?}", other.seen());
}

#[test]
fn axp_links_next_looping_back_to_page_3_fails_instead_of_repeating_it() {
    let server = axp_numbers(
        |page, path| {
            if page == 3 {
                format!("{path}?pageNumber=3&pageSize=4")
            } else {
                numbered_next(page, path)
            }
        },
        page_of_4,
    );
    let (_d, cfg) = axp_config(&server.url(), "");
    let out = run(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("repeats phoneNumberId \"pn-008\""),
        "{stderr}"
    );
}

#[test]
fn an_axp_list_complete_before_a_page_fetched_ahead_does_not_wait_for_that_page() {
    // 12 numbers: page 1 holds 4 (the server's cap), page 2 the other 8
    // (a cap of its own): the list is whole after page 2. Page 3, fetched
    // ahead because page 1 predicted three pages, never answers.
    const TOTAL: usize = 12;
    let server = HostileServer::start(move |req| {
        if is_token(req) {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        let page: usize = req
            .query("pageNumber")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let items: Vec<Value> = match page {
            1 => (0..4).map(phone_number).collect(),
            2 => (4..TOTAL).map(phone_number).collect(),
            _ => {
                std::thread::sleep(Duration::from_secs(40));
                vec![]
            }
        };
        Reply::json(json!({
            "pagination": {"pageNumber": page, "pageSize": 4, "total": TOTAL},
            "phoneNumbers": items,
            "links": {"next": format!("{}?pageNumber={}&pageSize=4", req.path(), page + 1)},
        }))
    });
    let (_d, cfg) = axp_config(&server.url(), "job_timeout_secs = 3\n");
    requests_may_take_30_s(&cfg);
    let (code, stdout, stderr) = run_bounded(
        &cfg,
        &["voice", "list", "phone-numbers", "--json"],
        Duration::from_secs(25),
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let listed: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    assert_eq!(listed.len(), TOTAL);
}

#[test]
fn an_axp_refresh_does_not_time_out_families_that_answered_while_cm_children_were_listed() {
    use switchboard::domain::voice_registry::{self, Envelope};
    // One CM whose five families take 0.7 s each (3.5 s in all); every
    // other family answers at once. Requests may take 2 s, with no retry:
    // the families fetched ahead of the CM's turn answered in a few ms and
    // must be stored, not reported as timed out.
    let server = HostileServer::start(move |req| {
        if is_token(req) {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        let path = req.path();
        let segment = path.rsplit('/').next().unwrap_or("");
        let empty = |f: &voice_registry::Family| match f.envelope {
            Envelope::Key(k) => json!({"pagination": {"total": 0}, k: [], "links": {"next": ""}}),
            Envelope::BareArray => json!([]),
        };
        if path.contains("/communication-managers/cm-1/") {
            let Some(f) = voice_registry::children_of("cm").find(|f| f.segment == segment) else {
                return Reply::not_found();
            };
            std::thread::sleep(Duration::from_millis(700));
            return Reply::json(empty(f));
        }
        if segment == "communication-managers" {
            return Reply::json(json!({
                "pagination": {"total": 1},
                "resources": [{"id": "cm-1", "name": "cm one"}],
                "links": {"next": ""},
            }));
        }
        match voice_registry::listable().find(|f| f.segment == segment) {
            Some(f) => Reply::json(empty(f)),
            None => Reply::not_found(),
        }
    });
    let top: Vec<&str> = voice_registry::listable().map(|f| f.key).collect();
    let cm_at = top.iter().position(|k| *k == "cm").unwrap();
    assert!(cm_at + 1 < top.len(), "families follow the CMs: {top:?}");
    let (_d, cfg) = axp_config(&server.url(), "");
    let text_of = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(
        &cfg,
        text_of
            .replace("request_timeout_secs = 5", "request_timeout_secs = 2")
            .replace("max_retries = 1", "max_retries = 0"),
    )
    .unwrap();
    let out = run(&cfg, &["refresh", "axp", "axp"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(&format!("1 voice element in {} families", top.len())),
        "{stdout}"
    );
}

/// An AXP serving one item in every family (a CM "cm-1" among them),
/// each list answered after `delay()`; counts the list requests.
fn axp_all_families(delay: Arc<Mutex<Duration>>, lists: Arc<Mutex<usize>>) -> HostileServer {
    use switchboard::domain::voice_registry::{self, Envelope};
    HostileServer::start(move |req| {
        if is_token(req) {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        let path = req.path();
        let segment = path.rsplit('/').next().unwrap_or("");
        let family = if path.contains("/communication-managers/cm-1/") {
            voice_registry::children_of("cm").find(|f| f.segment == segment)
        } else {
            voice_registry::listable().find(|f| f.segment == segment)
        };
        let Some(f) = family else {
            return Reply::not_found();
        };
        *lists.lock().unwrap() += 1;
        let wait = *delay.lock().unwrap();
        std::thread::sleep(wait);
        let id = if f.key == "cm" {
            "cm-1".to_string()
        } else {
            format!("{}-1", f.key)
        };
        let item = json!({ f.id_field: id, "name": f.key });
        Reply::json(match f.envelope {
            Envelope::Key(k) => {
                json!({"pagination": {"total": 1}, k: [item], "links": {"next": ""}})
            }
            Envelope::BareArray => json!([item]),
        })
    })
}

#[test]
fn ctrl_c_during_an_axp_refresh_with_families_in_flight_changes_nothing() {
    let delay = Arc::new(Mutex::new(Duration::ZERO));
    let lists = Arc::new(Mutex::new(0usize));
    let server = axp_all_families(delay.clone(), lists.clone());
    let (dir, cfg) = axp_config(&server.url(), "");
    let store = dir.path().join("s.db");
    let out = run(&cfg, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}{}", text(&out).0, text(&out).1);
    let before = store_dump(&store);

    *delay.lock().unwrap() = Duration::from_secs(3);
    *lists.lock().unwrap() = 0;
    let mut child = bin()
        .arg("--config")
        .arg(&cfg)
        .args(["refresh", "axp", "axp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    interrupt_with_requests_in_flight(
        &mut child,
        || *lists.lock().unwrap(),
        4,
        "four families in flight",
    );
    assert_same_store(
        &before,
        &store_dump(&store),
        "after Ctrl-C during a refresh",
    );
}

#[test]
fn a_401_on_the_three_live_platform_lists_at_once_fetches_one_more_token() {
    let tokens = Arc::new(Mutex::new(0usize));
    let t = tokens.clone();
    let server = HostileServer::start(move |req| {
        if req.method == "POST" && req.path() == "/oauth2/v2.0/token" {
            let mut n = t.lock().unwrap();
            *n += 1;
            let token = if *n == 1 { "t1" } else { "t2" };
            return Reply::json(json!({"access_token": token, "expires_in": 3600}));
        }
        // Each list waits a little, so that all three are in flight.
        std::thread::sleep(Duration::from_millis(200));
        if req.header("authorization") != Some("Bearer t2") {
            return Reply::status(401, r#"{"title":"token expired"}"#);
        }
        match req.path() {
            "/tenantui/api/v2/oc/callingprofile" => {
                Reply::json(json!([{"callingProfileId": "cp-1", "name": "one"}]))
            }
            "/tenantui/api/v3/customer" => Reply::json(json!([])),
            "/tenantui/api/v2/oc/lead" => Reply::json(json!([])),
            _ => Reply::not_found(),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            lp_connection(&server.url(), "lp-secret")
        ),
    );
    let out = run(&cfg, &["refresh", "live-platform", "lp"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("1 calling profile,"), "{stdout}");
    assert_eq!(
        *tokens.lock().unwrap(),
        2,
        "one token, then one more for the three lists refused at once"
    );
}
