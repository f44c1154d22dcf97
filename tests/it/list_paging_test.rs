//! AXP and Live Platform lists against servers that page their own way
//! (issue 14): a page size capped below the one asked for, `links.next`
//! with no end, a `next` to another host, pages that repeat, a family that
//! answers 404 or 500 during a refresh, Live Platform leads capped at 100.
//! Each against the real binary and the tests' own HTTP server.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard::domain::voice_registry::{self, Envelope};

const ACCOUNT: &str = "HOSTAX";
const ROOT: &str = "/api/admin/voice/v1/accounts/HOSTAX";
const NOW: &str = "2026-11-29T10:00:00Z";
const LATER: &str = "2026-11-30T10:00:00Z";

fn axp_config(dir: &Path, addr: &str, job_timeout_secs: u64) -> PathBuf {
    write_config(
        dir,
        &format!(
            "{}job_timeout_secs = {job_timeout_secs}\n{}",
            config_head(&dir.join("s.db"), 5),
            axp_connection(
                &format!("http://{addr}"),
                ACCOUNT,
                "axp-secret-7c1",
                "axp-app-key-7c1"
            )
        ),
    )
}

fn run_now(cfg: &Path, now: &str, args: &[&str]) -> std::process::Output {
    bin()
        .env("SWITCHBOARD_NOW", now)
        .arg("--config")
        .arg(cfg)
        .args(args)
        .output()
        .expect("run switchboard")
}

/// The AXP token, or `None` for any other request.
fn token(req: &Seen) -> Option<Reply> {
    (req.method == "POST" && req.path().ends_with("/protocol/openid-connect/token"))
        .then(|| Reply::json(json!({"access_token": "t", "expires_in": 900})))
}

/// `n` phone numbers, ids `pn-<first+i>`.
fn phone_numbers(first: usize, n: usize) -> Vec<Value> {
    (first..first + n)
        .map(|i| {
            json!({"phoneNumberId": format!("pn-{i}"), "phoneNumber": format!("+1555000{i:04}"),
                   "displayName": format!("n{i}"), "type": "LOCAL", "status": "ACTIVE"})
        })
        .collect()
}

fn trunks(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": format!("trunk-{i}"), "name": format!("t{i}")}))
        .collect()
}

/// A page of `all` as a server capping pages at `cap` answers it, with
/// the total and a relative `links.next`.
fn capped_page(req: &Seen, key: &str, all: &[Value], cap: usize) -> Reply {
    let page: usize = req
        .query("pageNumber")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let slice: Vec<Value> = all
        .iter()
        .skip((page - 1) * cap)
        .take(cap)
        .cloned()
        .collect();
    let next = if page * cap < all.len() {
        format!("{}?pageNumber={}&pageSize={cap}", req.path(), page + 1)
    } else {
        String::new()
    };
    Reply::json(json!({
        "pagination": {"pageNumber": page, "pageSize": cap, "total": all.len()},
        key: slice,
        "links": {"prev": "", "next": next},
    }))
}

/// The envelope a family's list answers in, by its path under the account.
fn envelope_of(path: &str) -> &'static str {
    let segment = path.rsplit('/').next().unwrap_or("");
    voice_registry::listable()
        .find(|f| f.segment == segment)
        .map(|f| match f.envelope {
            Envelope::Key(k) => k,
            Envelope::BareArray => "",
        })
        .unwrap_or("resources")
}

fn empty_list(req: &Seen) -> Reply {
    Reply::json(
        json!({"pagination": {"total": 0}, envelope_of(req.path()): [], "links": {"next": ""}}),
    )
}

fn stored_count(store: &Path, kind: &str) -> i64 {
    let c = rusqlite::Connection::open(store).unwrap();
    c.query_row(
        "SELECT COUNT(*) FROM remote_items WHERE kind = ?1",
        [kind],
        |r| r.get(0),
    )
    .unwrap()
}

fn json_list(out: &std::process::Output) -> Vec<Value> {
    assert!(out.status.success(), "{}", text(out).1);
    serde_json::from_slice(&out.stdout).expect("a JSON list")
}

#[test]
fn a_capped_page_size_is_followed_to_the_whole_list() {
    let numbers = phone_numbers(0, 23);
    let trunk_list = trunks(7);
    let server = HostileServer::start(move |req| {
        if let Some(t) = token(req) {
            return t;
        }
        match req.path() {
            p if p == format!("{ROOT}/phone-numbers") => {
                capped_page(req, "phoneNumbers", &numbers, 10)
            }
            p if p == format!("{ROOT}/sip-trunks") => {
                // No total here: the absolute same-origin `next` leads on.
                let page: usize = req
                    .query("pageNumber")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                let slice: Vec<Value> = trunk_list
                    .iter()
                    .skip((page - 1) * 3)
                    .take(3)
                    .cloned()
                    .collect();
                let host = req.header("host").unwrap_or("").to_string();
                let next = if page * 3 < trunk_list.len() {
                    format!(
                        "http://{host}{}?pageNumber={}&pageSize=3",
                        req.path(),
                        page + 1
                    )
                } else {
                    String::new()
                };
                Reply::json(json!({"sipTrunks": slice, "links": {"next": next}}))
            }
            _ => Reply::not_found(),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = axp_config(dir.path(), &server.addr, 60);

    let listed = json_list(&run(&cfg, &["voice", "list", "phone-numbers", "--json"]));
    assert_eq!(listed.len(), 23);
    let ids: std::collections::BTreeSet<&str> = listed
        .iter()
        .map(|v| v["phoneNumberId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 23, "every number once");
    let mut pages: Vec<String> = server
        .seen()
        .iter()
        .filter(|s| s.path().ends_with("/phone-numbers"))
        .map(|s| s.query("pageNumber").unwrap_or_default())
        .collect();
    // Pages 2 and 3 are fetched at once (`fetch_concurrency`): any order.
    pages.sort();
    assert_eq!(pages, ["1", "2", "3"], "three pages, no more");

    let trunks = json_list(&run(&cfg, &["voice", "list", "sip-trunks", "--json"]));
    assert_eq!(trunks.len(), 7);
    // Every request carried the appkey, and only ever to this server.
    assert!(server
        .seen()
        .iter()
        .filter(|s| s.method == "GET")
        .all(|s| s.header("appkey") == Some("axp-app-key-7c1")));
}

#[test]
fn an_endless_list_stops_at_the_job_timeout() {
    let server = HostileServer::start(|req| {
        if let Some(t) = token(req) {
            return t;
        }
        if req.path() == format!("{ROOT}/phone-numbers") {
            // Full pages of new numbers, and always a next page.
            let page: usize = req
                .query("pageNumber")
                .and_then(|p| p.parse().ok())
                .unwrap_or(1);
            std::thread::sleep(Duration::from_millis(20));
            return Reply::json(json!({
                "phoneNumbers": phone_numbers(page * 50, 50),
                "links": {"next": format!("{}?pageNumber={}&pageSize=50", req.path(), page + 1)},
            }));
        }
        empty_list(req)
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = axp_config(dir.path(), &server.addr, 3);

    let started = Instant::now();
    let out = run(&cfg, &["voice", "list", "phone-numbers"]);
    let took = started.elapsed();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "a partial list is not printed: {stdout}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("axp: GET /api/admin/voice/v1/accounts/HOSTAX/phone-numbers: stopped after 3 s (http.job_timeout_secs) with the list unfinished"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(8), "took {took:?}");
    let pages = server.count(&format!("{ROOT}/phone-numbers"));
    assert!((2..=150).contains(&pages), "{pages} requests");

    // A refresh stops there too, stores what it fetched before, and says so.
    let started = Instant::now();
    let out = run_now(&cfg, NOW, &["refresh", "axp", "axp"]);
    let took = started.elapsed();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        stderr.contains("phone_numbers failed (axp: GET /api/admin/voice/v1/accounts/HOSTAX/phone-numbers: stopped after 3 s"),
        "{stderr}"
    );
    assert!(stderr.contains("not fetched"), "{stderr}");
    assert_eq!(stored_count(&dir.path().join("s.db"), "phone_numbers"), 0);
}

#[test]
fn a_next_link_to_another_host_is_refused_and_that_host_hears_nothing() {
    let elsewhere = HostileServer::start(|_| Reply::json(json!({"phoneNumbers": []})));
    let there = elsewhere.url();
    let numbers = phone_numbers(0, 23);
    let server = HostileServer::start(move |req| {
        if let Some(t) = token(req) {
            return t;
        }
        if req.path() == format!("{ROOT}/phone-numbers") {
            return Reply::json(json!({
                "pagination": {"total": 23},
                "phoneNumbers": numbers[..10],
                "links": {"next": format!("{there}{}?pageNumber=2&pageSize=50", req.path())},
            }));
        }
        empty_list(req)
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = axp_config(dir.path(), &server.addr, 60);
    let out = run(&cfg, &["voice", "list", "phone-numbers"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&elsewhere.addr) && stderr.contains("another origin"),
        "{stderr}"
    );
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    assert!(!stderr.contains("axp-app-key-7c1") && !stderr.contains("axp-secret-7c1"));
}

#[test]
fn pages_that_repeat_or_a_total_that_moves_fail_the_list() {
    let mode = Arc::new(AtomicU8::new(0));
    let m = mode.clone();
    let numbers = phone_numbers(0, 23);
    let server = HostileServer::start(move |req| {
        if let Some(t) = token(req) {
            return t;
        }
        let page: usize = req
            .query("pageNumber")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        match m.load(Ordering::SeqCst) {
            // Ignores pageNumber: the first page again and again.
            0 => Reply::json(
                json!({"phoneNumbers": numbers[..10], "links": {"next": "?pageNumber=2"}}),
            ),
            // The total grows between pages.
            1 => Reply::json(json!({
                "pagination": {"total": 22 + page},
                "phoneNumbers": numbers.iter().skip((page - 1) * 10).take(10).collect::<Vec<_>>(),
            })),
            // An empty page short of the total.
            _ => Reply::json(json!({
                "pagination": {"total": 23},
                "phoneNumbers": if page == 1 { numbers[..10].to_vec() } else { vec![] },
            })),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = axp_config(dir.path(), &server.addr, 60);
    let expect = [
        "page 2 repeats phoneNumberId \"pn-0\"",
        "the total changed from 23 to 24 at page 2",
        "announced 23 items but sent an empty page 2 after 10",
    ];
    for (i, want) in expect.iter().enumerate() {
        mode.store(u8::try_from(i).expect("three modes"), Ordering::SeqCst);
        let out = run(&cfg, &["voice", "list", "phone-numbers"]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{want}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains(want), "want {want}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

/// A 404 on one family and a 500 on another: the rest is stored, those two
/// keep their items and are stale, the job is partial (exit 5).
#[test]
fn a_family_failing_makes_a_partial_refresh_that_keeps_its_items() {
    let phase = Arc::new(AtomicU8::new(0));
    let p = phase.clone();
    let server = HostileServer::start(move |req| {
        if let Some(t) = token(req) {
            return t;
        }
        let phase = p.load(Ordering::SeqCst);
        let path = req.path();
        let elements = |n: usize, kind: &str| -> Vec<Value> {
            (0..n)
                .map(|i| json!({"elementId": format!("{kind}-{i}"), "name": format!("{kind} {i}")}))
                .collect()
        };
        match (phase, path.strip_prefix(ROOT).unwrap_or("")) {
            // Everything fails (phase 2).
            (2, _) => Reply::status(500, r#"{"title":"Internal Server Error"}"#),
            (1, "/msteams-elements") => Reply::not_found(),
            (1, "/aco-elements") => Reply::status(
                500,
                r#"{"title":"Internal Server Error","detail":"db down"}"#,
            ),
            (_, "/msteams-elements") => capped_page(req, "resources", &elements(3, "teams"), 10),
            (_, "/aco-elements") => capped_page(req, "resources", &elements(2, "aco"), 10),
            // Seven trunks at first, five at the second refresh.
            (0, "/sip-trunks") => capped_page(req, "sipTrunks", &trunks(7), 3),
            (_, "/sip-trunks") => capped_page(req, "sipTrunks", &trunks(5), 3),
            _ => empty_list(req),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = axp_config(dir.path(), &server.addr, 60);
    let families = voice_registry::listable().count();

    let out = run_now(&cfg, NOW, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(stored_count(&store, "msteams"), 3);
    assert_eq!(stored_count(&store, "sip_trunks"), 7);

    phase.store(1, Ordering::SeqCst);
    let out = run_now(&cfg, LATER, &["refresh", "axp", "axp"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "axp: {} of {families} families refreshed, 5 elements; ",
            families - 2
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("msteams failed (axp: GET /api/admin/voice/v1/accounts/HOSTAX/msteams-elements: HTTP 404: Not Found; no such resource), kept 3 items from 2026-11-29 10:00 UTC"),
        "{stdout}"
    );
    assert!(
        stderr.contains("aco failed (axp: GET /api/admin/voice/v1/accounts/HOSTAX/aco-elements: HTTP 500: Internal Server Error; db down), kept 2 items from 2026-11-29 10:00 UTC"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // The failed families keep their items; the others are refreshed.
    assert_eq!(stored_count(&store, "msteams"), 3);
    assert_eq!(stored_count(&store, "aco"), 2);
    assert_eq!(stored_count(&store, "sip_trunks"), 5);

    let out = run(&cfg, &["connections", "list"]);
    let (listing, _) = text(&out);
    assert!(out.status.success());
    assert!(
        listing.contains("STALE msteams: items from 2026-11-29 10:00 UTC; the refresh at 2026-11-30 10:00 UTC failed: axp: GET /api/admin/voice/v1/accounts/HOSTAX/msteams-elements: HTTP 404"),
        "{listing}"
    );
    assert!(listing.contains("STALE aco:"), "{listing}");
    assert!(!listing.contains("STALE sip_trunks"), "{listing}");

    let (jobs, _) = text(&run(&cfg, &["jobs", "--limit", "1"]));
    assert!(jobs.contains("partial"), "{jobs}");

    // The audit uses what is stored and says which families are stale.
    let out = run_now(&cfg, LATER, &["audit", "--json"]);
    let audit: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        audit["summary"]
            .as_str()
            .unwrap()
            .contains("stale for aco of axp (items from 2026-11-29 10:00 UTC), msteams of axp"),
        "{audit}"
    );
    let stale: Vec<&str> = audit["result"]["stale_axp"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(stale, ["aco", "msteams"]);

    // Everything failing is a failure, and the store is left as it was.
    let before = store_dump(&store);
    phase.store(2, Ordering::SeqCst);
    let out = run_now(&cfg, LATER, &["refresh", "axp", "axp"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("axp: nothing refreshed: aco failed"),
        "{stderr}"
    );
    assert!(stderr.ends_with("nothing was changed\n"), "{stderr}");
    assert_same_store(
        &before,
        &store_dump(&store),
        "after a refresh where all failed",
    );

    // A clean refresh makes them fresh again.
    phase.store(0, Ordering::SeqCst);
    let out = run_now(&cfg, LATER, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let (listing, _) = text(&run(&cfg, &["connections", "list"]));
    assert!(!listing.contains("STALE"), "{listing}");
}

fn lp_config(dir: &Path, addr: &str) -> PathBuf {
    write_config(
        dir,
        &format!(
            "{}job_timeout_secs = 60\n{}",
            config_head(&dir.join("s.db"), 5),
            lp_connection(&format!("http://{addr}"), "lp-secret-7c1")
        ),
    )
}

#[test]
fn live_platform_leads_capped_at_100_are_all_fetched_and_repeats_fail() {
    let repeat = Arc::new(AtomicU8::new(0));
    let r = repeat.clone();
    let server = HostileServer::start(move |req| {
        let leads: Vec<Value> = (0..250)
            .map(|i| json!({"id": format!("lead-{i}"), "tenantId": format!("t{i}"), "status": "Active"}))
            .collect();
        match req.path() {
            "/oauth2/v2.0/token" => Reply::json(json!({"access_token": "t", "expires_in": 900})),
            "/tenantui/api/v2/oc/callingprofile" => Reply::json(json!([
                {"callingProfileId": "cp-1", "name": "one"}
            ])),
            "/tenantui/api/v3/customer" => Reply::json(json!([])),
            "/tenantui/api/v2/oc/lead" => {
                // The server's own cap: 100 a page, whatever was asked for.
                let page: usize = req
                    .query("PageNumber")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(1);
                let page = if r.load(Ordering::SeqCst) == 1 {
                    1
                } else {
                    page
                };
                let slice: Vec<Value> = leads
                    .iter()
                    .skip((page - 1) * 100)
                    .take(100)
                    .cloned()
                    .collect();
                Reply::json(Value::Array(slice))
            }
            _ => Reply::not_found(),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let cfg = lp_config(dir.path(), &server.addr);
    let out = run_now(&cfg, NOW, &["refresh", "live-platform", "lp"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("lp: 1 calling profile, 0 services, 250 leads"),
        "{stdout}"
    );
    let leads = json_list(&run(&cfg, &["leads", "--json"]));
    assert_eq!(leads.len(), 250);
    // Pages 1 to 3, and the empty page 4 that ends the list.
    assert_eq!(server.count("/tenantui/api/v2/oc/lead"), 4);

    // A server that ignores PageNumber: the leads fail, the rest is stored.
    repeat.store(1, Ordering::SeqCst);
    let out = run_now(&cfg, LATER, &["refresh", "live-platform", "lp"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("leads failed (lp: GET /api/v2/oc/lead: unexpected response: page 2 repeats id \"lead-0\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("kept 250 items from 2026-11-29 10:00 UTC"),
        "{stderr}"
    );
    assert!(
        stdout.starts_with("lp: refreshed 1 calling profile, 0 services; leads failed"),
        "{stdout}"
    );
    assert_eq!(json_list(&run(&cfg, &["leads", "--json"])).len(), 250);
    let (listing, _) = text(&run(&cfg, &["connections", "list"]));
    assert!(
        listing.contains("STALE lead: items from 2026-11-29 10:00 UTC"),
        "{listing}"
    );
}
