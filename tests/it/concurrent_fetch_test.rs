//! Pages fetched several at once (`fetch_concurrency`, issue 19): once the
//! first page gives a total, the later pages of an ARM's users and of an
//! AXP family are asked for at once, at most N in flight, and read in page
//! order whatever order they answer in; every paging rule still holds (a
//! page repeating another's users, a total that moves, a failed page each
//! fail the list and change nothing). Real binary against the tests' own
//! HTTP server, which delays its answers and counts the requests in flight.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DAY0: &str = "2026-11-22T10:00:00Z";
const USERS: usize = 60;
const PAGE: usize = 5;
/// [`PAGE`], as the config says it.
const PAGE_SIZE: u32 = 5;

/// How many requests the server is answering at once, and the most ever.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
    /// The `offset` (or `pageNumber`) of each answer, in the order sent.
    answered: Mutex<Vec<usize>>,
}

impl InFlight {
    /// Answers `reply` after `delay`, counted in flight meanwhile.
    fn answer(&self, key: usize, delay: Duration, reply: Reply) -> Reply {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(delay);
        self.answered.lock().unwrap().push(key);
        self.now.fetch_sub(1, Ordering::SeqCst);
        reply
    }

    fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    fn answered(&self) -> Vec<usize> {
        self.answered.lock().unwrap().clone()
    }
}

fn number(i: usize) -> String {
    format!("+1555000{:04}", 1000 + i)
}

fn users(from: usize, to: usize) -> Vec<Value> {
    (from..to)
        .map(|i| json!({"id": format!("u-{i:04}"), "phoneNumber": number(i), "status": "REGISTERED"}))
        .collect()
}

/// What a users page holds: the users at its offset and the total.
type Page = Box<dyn Fn(usize, usize) -> Reply + Send + Sync>;

/// A well-behaved page of `USERS` users.
fn good_page() -> Page {
    Box::new(|offset, limit| {
        Reply::json(json!({"total": USERS, "users": users(offset, (offset + limit).min(USERS))}))
    })
}

/// An ARM whose users pages are `page(offset, limit)`, answered after
/// `delay(offset)`, counted in `gauge`.
fn arm(
    gauge: Arc<InFlight>,
    delay: impl Fn(usize) -> Duration + Send + Sync + 'static,
    page: Arc<Mutex<Page>>,
) -> HostileServer {
    HostileServer::start(move |req: &Seen| match req.path() {
        "/ARM/v1/registeredUsers" => {
            let (offset, limit) = req.offset_limit();
            let reply = page.lock().unwrap()(offset, limit);
            gauge.answer(offset, delay(offset), reply)
        }
        _ => Reply::not_found(),
    })
}

/// Later pages answer first: the last page at once, the second after
/// the longest wait.
fn later_first(offset: usize) -> Duration {
    Duration::from_millis(20 + 15 * ((USERS - offset) / PAGE) as u64)
}

fn offsets_asked(server: &HostileServer) -> Vec<usize> {
    server
        .seen()
        .iter()
        .filter(|s| s.path() == "/ARM/v1/registeredUsers")
        .map(|s| s.offset_limit().0)
        .collect()
}

#[test]
fn later_pages_answering_first_are_read_in_page_order_four_at_a_time() {
    let gauge = Arc::new(InFlight::default());
    let server = arm(
        gauge.clone(),
        later_first,
        Arc::new(Mutex::new(good_page())),
    );
    let (_d, config, _) = lab_at(&server.addr, PAGE_SIZE, "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains(&format!("added {USERS}")), "{stdout}");
    assert_eq!(used_at(&config, DAY0), USERS);
    // Every page asked for once: none was refetched one at a time, so
    // every page fitted where it belonged although they came out of order.
    let mut asked = offsets_asked(&server);
    asked.sort_unstable();
    let each_page: Vec<usize> = (0..USERS).step_by(PAGE).collect();
    assert_eq!(asked, each_page);
    let answered = gauge.answered();
    assert!(
        answered.windows(2).any(|w| w[0] > w[1]),
        "a later page answered before an earlier one: {answered:?}"
    );
    assert_eq!(gauge.max(), 4, "the default: four pages in flight");
}

#[test]
fn fetch_concurrency_1_fetches_one_page_at_a_time() {
    let gauge = Arc::new(InFlight::default());
    let server = arm(
        gauge.clone(),
        later_first,
        Arc::new(Mutex::new(good_page())),
    );
    let (_d, config, _) = lab_at(&server.addr, PAGE_SIZE, "fetch_concurrency = 1");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_at(&config, DAY0), USERS);
    let each_page: Vec<usize> = (0..USERS).step_by(PAGE).collect();
    assert_eq!(offsets_asked(&server), each_page, "in order, one by one");
    assert_eq!(gauge.max(), 1);
}

#[test]
fn a_server_taking_50_ms_a_page_is_asked_n_pages_at_once() {
    // Not timed (timings belong to the benchmark): what makes it faster is
    // asserted instead, the pages in flight. The times are printed.
    for (concurrency, want) in [(1, 1), (4, 4), (8, 8)] {
        let gauge = Arc::new(InFlight::default());
        let server = arm(
            gauge.clone(),
            |_| Duration::from_millis(50),
            Arc::new(Mutex::new(good_page())),
        );
        let extra = format!("fetch_concurrency = {concurrency}");
        let (_d, config, _) = lab_at(&server.addr, PAGE_SIZE, &extra);
        let began = Instant::now();
        let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
        eprintln!(
            "fetch_concurrency = {concurrency}: {} pages of 50 ms in {:?}",
            USERS / PAGE,
            began.elapsed()
        );
        assert!(out.status.success(), "{stdout}{stderr}");
        assert_eq!(used_at(&config, DAY0), USERS);
        assert_eq!(gauge.max(), want, "fetch_concurrency = {concurrency}");
    }
}

/// A store synced from the good server, whose pages then turn to `bad`;
/// the next sync must fail with a line holding `says`, changing nothing.
fn fails_and_changes_nothing(bad: Page, says: &str) {
    let gauge = Arc::new(InFlight::default());
    let page = Arc::new(Mutex::new(good_page()));
    let server = arm(gauge.clone(), later_first, page.clone());
    let (_d, config, store) = lab_at(&server.addr, PAGE_SIZE, "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    let before = store_dump(&store);
    *page.lock().unwrap() = bad;
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let line = stderr.lines().last().unwrap_or("");
    assert!(
        line.contains("lab") && line.contains(says) && line.contains("nothing was changed"),
        "{says}: {stderr}"
    );
    assert_same_store(&before, &store_dump(&store), says);
    assert!(gauge.max() > 1, "pages were in flight at once");
}

#[test]
fn a_page_repeating_the_users_of_another_page_fails_the_sync() {
    // The page at offset 40 (which answers before the page at 10) sends
    // the users of offset 10 again.
    fails_and_changes_nothing(
        Box::new(|offset, limit| {
            let from = if offset == 40 { 10 } else { offset };
            Reply::json(json!({"total": USERS, "users": users(from, from + limit)}))
        }),
        "repeats user \"u-0010\"",
    );
}

#[test]
fn a_total_that_changes_on_page_5_fails_the_sync() {
    fails_and_changes_nothing(
        Box::new(|offset, limit| {
            let total = if offset == 4 * PAGE { USERS + 1 } else { USERS };
            Reply::json(json!({"total": total, "users": users(offset, offset + limit)}))
        }),
        &format!("total changed from {USERS} to {}", USERS + 1),
    );
}

#[test]
fn one_page_failing_with_500_fails_the_whole_sync() {
    fails_and_changes_nothing(
        Box::new(|offset, limit| {
            if offset == 7 * PAGE {
                return Reply::status(500, r#"{"title":"boom"}"#);
            }
            Reply::json(json!({"total": USERS, "users": users(offset, offset + limit)}))
        }),
        "HTTP 500",
    );
}

#[test]
fn a_page_shorter_than_the_first_goes_on_one_page_at_a_time_from_where_it_ended() {
    // The page at offset 10 holds 3 users: the offsets fetched ahead (15,
    // 20, ...) no longer fit, so the sync reads on from 13, as a serial
    // fetch would, and gets every user once.
    let gauge = Arc::new(InFlight::default());
    let page: Page = Box::new(|offset, limit| {
        let n = if offset == 10 { 3 } else { limit };
        Reply::json(json!({"total": USERS, "users": users(offset, (offset + n).min(USERS))}))
    });
    let server = arm(gauge, later_first, Arc::new(Mutex::new(page)));
    let (_d, config, _) = lab_at(&server.addr, PAGE_SIZE, "");
    let (out, stdout, stderr) = sync_lab_at(&config, DAY0);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_at(&config, DAY0), USERS);
    let asked = offsets_asked(&server);
    let serial_tail: Vec<usize> = (13..USERS).step_by(PAGE).collect();
    assert!(
        asked.ends_with(&serial_tail),
        "from 13 on, one page at a time: {asked:?}"
    );
}

#[test]
fn an_axp_family_is_fetched_several_pages_at_once_in_order() {
    const ROOT: &str = "/api/admin/voice/v1/accounts/HOSTAX";
    const NUMBERS: usize = 45;
    let gauge = Arc::new(InFlight::default());
    let g = gauge.clone();
    let server = HostileServer::start(move |req| {
        if req.method == "POST" && req.path().ends_with("/protocol/openid-connect/token") {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        if req.path() != format!("{ROOT}/phone-numbers") {
            return Reply::not_found();
        }
        // Pages capped at 4 (below the 50 asked for), later ones faster.
        let page: usize = req
            .query("pageNumber")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let items: Vec<Value> = (0..NUMBERS)
            .skip((page - 1) * 4)
            .take(4)
            .map(|i| json!({"phoneNumberId": format!("pn-{i:03}"), "phoneNumber": number(i)}))
            .collect();
        let next = if page * 4 < NUMBERS {
            format!("{}?pageNumber={}&pageSize=4", req.path(), page + 1)
        } else {
            String::new()
        };
        let reply = Reply::json(json!({
            "pagination": {"pageNumber": page, "pageSize": 4, "total": NUMBERS},
            "phoneNumbers": items, "links": {"next": next},
        }));
        g.answer(
            page,
            Duration::from_millis(20 + 10 * (12 - page as u64)),
            reply,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            axp_connection(&server.url(), "HOSTAX", "axp-secret", "axp-key")
        ),
    );
    let out = run(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listed
        .iter()
        .map(|v| v["phoneNumberId"].as_str().unwrap())
        .collect();
    let want: Vec<String> = (0..NUMBERS).map(|i| format!("pn-{i:03}")).collect();
    assert_eq!(ids, want, "every number once, in page order");
    let mut pages: Vec<usize> = server
        .seen()
        .iter()
        .filter(|s| s.path().ends_with("/phone-numbers"))
        .filter_map(|s| s.query("pageNumber")?.parse().ok())
        .collect();
    pages.sort_unstable();
    assert_eq!(pages, (1..=12).collect::<Vec<_>>(), "each page once");
    assert_eq!(gauge.max(), 4);
}

#[test]
fn an_axp_refresh_fetches_its_families_several_at_once() {
    use switchboard::domain::voice_registry::{self, Envelope};
    let gauge = Arc::new(InFlight::default());
    let g = gauge.clone();
    let server = HostileServer::start(move |req| {
        if req.method == "POST" && req.path().ends_with("/protocol/openid-connect/token") {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        let segment = req.path().rsplit('/').next().unwrap_or("");
        let Some(f) = voice_registry::listable().find(|f| f.segment == segment) else {
            return Reply::not_found();
        };
        let body = match f.envelope {
            Envelope::Key(k) => json!({"pagination": {"total": 0}, k: [], "links": {"next": ""}}),
            Envelope::BareArray => json!([]),
        };
        g.answer(0, Duration::from_millis(100), Reply::json(body))
    });
    let families = voice_registry::listable().count();
    for (concurrency, want) in [(1, 1), (4, 4)] {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(
            dir.path(),
            &format!(
                "{}{}fetch_concurrency = {concurrency}\n",
                config_head(&dir.path().join("s.db"), 5),
                axp_connection(&server.url(), "HOSTAX", "axp-secret", "axp-key")
            ),
        );
        gauge.max.store(0, Ordering::SeqCst);
        let out = run(&cfg, &["refresh", "axp", "axp"]);
        assert!(out.status.success(), "{}", text(&out).1);
        assert!(
            text(&out)
                .0
                .contains(&format!("0 voice elements in {families} families")),
            "{}",
            text(&out).0
        );
        assert_eq!(gauge.max(), want, "fetch_concurrency = {concurrency}");
    }
}

#[test]
fn fetch_concurrency_out_of_range_is_a_config_error_at_its_line() {
    for bad in ["0", "17", "-1"] {
        let (_d, config, _) = lab_at("127.0.0.1:9", 10, &format!("fetch_concurrency = {bad}"));
        let out = run(&config, &["config", "check"]);
        let (_, stderr) = text(&out);
        assert!(!out.status.success(), "{bad}: {stderr}");
        assert!(
            stderr.contains("audiocodes[0].fetch_concurrency")
                && stderr.contains(&format!("{bad} is out of range"))
                && stderr.contains("config.toml:15:"),
            "{bad}: {stderr}"
        );
    }
}
