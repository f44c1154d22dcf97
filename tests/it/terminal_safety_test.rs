//! Vendor text never reaches a terminal raw: names and problem bodies
//! holding `ESC ] 52` (clipboard write), `ESC [ 2 J` (clear screen), BEL,
//! a bidi override (U+202E) and isolate (U+2066), served by a hostile
//! server to the real binary. Every human-readable output shows them
//! escaped; the store's job records and the log file hold none raw; `--json`
//! gives back the exact strings.

use crate::common;
use common::hostile::{HostileServer, Reply};
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A name written to harm: clipboard write, clear screen, BEL, bidi.
const HOSTILE: &str = "Evil\u{1b}]52;c;SGVsbG8=\u{7} \u{1b}[2J \u{202e}1555\u{2066}x\u{2069}";
/// How it must look once escaped.
const ESCAPED: &str = "Evil\\x1b]52;c;SGVsbG8=\\x07 \\x1b[2J \\u{202e}1555\\u{2066}x\\u{2069}";
/// A problem body's `detail` written to harm.
const HOSTILE_DETAIL: &str = "quota\u{1b}]52;c;cHduZWQ=\u{7} gone \u{202e}";
const ESCAPED_DETAIL: &str = "quota\\x1b]52;c;cHduZWQ=\\x07 gone \\u{202e}";

/// The characters that must never reach a terminal raw.
const RAW: [char; 5] = ['\u{1b}', '\u{7}', '\u{202e}', '\u{2066}', '\u{9b}'];

fn assert_no_raw(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|c| RAW.contains(c)) {
        panic!("{what} holds a raw {c:?}: {text:?}");
    }
}

/// Runs with debug logging, so that the log file sees as much as it can.
fn run_logged(config: &Path, args: &[&str]) -> std::process::Output {
    bin()
        .env("SWITCHBOARD_LOG", "debug")
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run switchboard")
}

/// stdout and stderr of a human-readable command: no raw control, and
/// `shown` (the escaped form) somewhere in them.
fn human(config: &Path, args: &[&str], shown: &str) -> (bool, String) {
    let out = run_logged(config, args);
    let (stdout, stderr) = text(&out);
    let what = format!("`{}`", args.join(" "));
    assert_no_raw(&format!("{what} stdout"), &stdout);
    assert_no_raw(&format!("{what} stderr"), &stderr);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains(shown), "{what} does not show {shown:?}: {all}");
    (out.status.success(), all)
}

/// `--json` output: no raw control either (unsafe characters are JSON
/// escapes), and it parses to the exact strings.
fn json_of(config: &Path, args: &[&str]) -> Value {
    let out = run_logged(config, args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?}: {stderr}");
    assert_no_raw(&format!("{args:?}"), &stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

/// The store's job records and log lines, and the log file: none raw.
fn assert_records_safe(dir: &Path) {
    let conn = rusqlite::Connection::open_with_flags(
        dir.join("s.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let mut rows: Vec<String> = conn
        .prepare("SELECT target || ' ' || summary || ' ' || error FROM jobs")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(!rows.is_empty(), "no job was recorded");
    rows.extend(
        conn.prepare("SELECT line FROM job_logs")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(0))
            .unwrap()
            .map(|r| r.unwrap()),
    );
    for r in &rows {
        assert_no_raw("a job record", r);
    }
    let log = std::fs::read_to_string(dir.join("logs").join("switchboard.log"))
        .expect("the log file exists");
    assert!(!log.is_empty(), "the log file is empty");
    assert_no_raw("the log file", &log);
}

fn lp_config(dir: &Path, server: &HostileServer) -> std::path::PathBuf {
    write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&dir.join("s.db"), 5),
            lp_connection(&server.url(), "lp-client-secret")
        ),
    )
}

/// Live Platform whose profile, service and lead names are hostile; with
/// `customers_fail`, the services call answers a hostile problem body.
fn hostile_live_platform(customers_fail: bool) -> HostileServer {
    HostileServer::start(move |req| match (req.method.as_str(), req.path()) {
        ("POST", "/oauth2/v2.0/token") => {
            Reply::json(json!({"access_token": "t", "expires_in": 3600}))
        }
        ("GET", "/tenantui/api/v2/oc/callingprofile") => Reply::json(json!([{
            "callingProfileId": "cp-1",
            "name": HOSTILE,
            "enviroment": "Production",
            "region": "EU",
            "trunksEnrolled": [],
        }])),
        ("GET", "/tenantui/api/v3/customer") if customers_fail => Reply::status(
            400,
            &json!({"title": "Bad Request", "status": 400, "detail": HOSTILE_DETAIL}).to_string(),
        ),
        ("GET", "/tenantui/api/v3/customer") => Reply::json(json!([{
            "UmpCustomerGuid": "g-1",
            "CustomerShortName": HOSTILE,
            "CustomerFullName": "Full name",
            "LicenseType": "Essential",
        }])),
        ("GET", "/tenantui/api/v2/oc/lead") if req.query("PageNumber").as_deref() == Some("1") => {
            Reply::json(json!([{
                "id": "lead-1",
                "status": "Active",
                "tenantId": "tenant-1",
                "contactDetails": {"companyName": HOSTILE, "email": "a@example.com"},
            }]))
        }
        ("GET", "/tenantui/api/v2/oc/lead") => Reply::json(json!([])),
        ("POST", "/tenantui/api/v3/customer") => Reply::json(json!({"jobId": "wst_1"})),
        ("GET", "/tenantui/api/v2/task/wst_1") => Reply::json(json!({
            "id": "wst_1",
            "status": "CompletedFailed",
            "details": [],
            "executionMessages": [
                {"level": "Info", "message": HOSTILE},
                {"level": "Error", "message": HOSTILE_DETAIL},
            ],
        })),
        _ => Reply::not_found(),
    })
}

#[test]
fn live_platform_names_are_shown_escaped_and_json_keeps_them_exact() {
    let lp = hostile_live_platform(false);
    let dir = tempfile::tempdir().unwrap();
    let config = lp_config(dir.path(), &lp);
    let out = run_logged(&config, &["refresh", "live-platform", "lp"]);
    assert!(out.status.success(), "{}", text(&out).1);

    assert!(human(&config, &["profiles"], ESCAPED).0);
    assert!(human(&config, &["services"], ESCAPED).0);
    assert!(human(&config, &["leads"], ESCAPED).0);

    let profiles = json_of(&config, &["profiles", "--json"]);
    assert_eq!(profiles[0]["profile"]["name"], HOSTILE, "{profiles}");
    let services = json_of(&config, &["services", "--json"]);
    assert_eq!(services[0]["CustomerShortName"], HOSTILE, "{services}");
    let leads = json_of(&config, &["leads", "--json"]);
    assert_eq!(leads[0]["contactDetails"]["companyName"], HOSTILE);

    assert_records_safe(dir.path());
}

#[test]
fn a_hostile_problem_body_is_escaped_in_the_error_the_job_record_and_the_log() {
    let lp = hostile_live_platform(true);
    let dir = tempfile::tempdir().unwrap();
    let config = lp_config(dir.path(), &lp);
    let (ok, all) = human(&config, &["refresh", "live-platform", "lp"], ESCAPED_DETAIL);
    assert!(!ok, "a refresh whose services call failed succeeded: {all}");
    // `switchboard jobs` replays the stored record: escaped too.
    let (ok, all) = human(&config, &["jobs"], ESCAPED_DETAIL);
    assert!(ok, "{all}");
    assert_records_safe(dir.path());
}

/// A failed Live Platform task's messages: in the job's log lines (as
/// printed and as stored) and in its error, escaped.
#[test]
fn task_messages_are_escaped_in_the_job_log_and_its_error() {
    let lp = hostile_live_platform(false);
    let dir = tempfile::tempdir().unwrap();
    let config = lp_config(dir.path(), &lp);
    let request = dir.path().join("request.json");
    std::fs::write(
        &request,
        include_str!("fixtures/lp_create_service_seed.json"),
    )
    .unwrap();
    let (ok, all) = human(
        &config,
        &[
            "oc",
            "create-service",
            "--file",
            request.to_str().unwrap(),
            "--wait",
        ],
        ESCAPED,
    );
    assert!(!ok, "a failed task succeeded: {all}");
    assert!(all.contains(ESCAPED_DETAIL), "{all}");
    human(&config, &["jobs"], ESCAPED_DETAIL);
    assert_records_safe(dir.path());
}

const ACCOUNT: &str = "HOSTAX";

fn axp_config(dir: &Path, server: &HostileServer) -> std::path::PathBuf {
    write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&dir.join("s.db"), 5),
            axp_connection(&server.url(), ACCOUNT, "axp-client-secret", "axp-app-key")
        ),
    )
}

/// AXP whose SIP trunk and ACO element are named to harm, and whose phone
/// numbers list fails with a hostile problem body while `fail` is set.
fn hostile_axp(fail: Arc<AtomicBool>) -> HostileServer {
    let families = format!("/api/admin/voice/v1/accounts/{ACCOUNT}/");
    HostileServer::start(move |req| {
        if req.method == "POST"
            && req.path() == format!("/api/auth/v1/{ACCOUNT}/protocol/openid-connect/token")
        {
            return Reply::json(json!({"access_token": "t", "expires_in": 900}));
        }
        let Some(family) = req.path().strip_prefix(&families) else {
            return Reply::not_found();
        };
        // One page of items, then an empty page: a list without a total.
        let first_page = req.query("pageNumber").as_deref() == Some("1");
        match family {
            "sip-trunks" | "aco-elements" if !first_page => Reply::json(json!([])),
            "sip-trunks" => Reply::json(json!({"sipTrunks": [{
                "id": "st-1",
                "trunkName": HOSTILE,
                "type": "PSTN",
                "preferredMediaLocation": "EU",
                "callerId": "+15550001000",
            }]})),
            "aco-elements" => Reply::json(json!({"resources": [{
                "elementId": "el-1",
                "name": HOSTILE,
                "environment": "prod",
                "status": "ACTIVE",
            }]})),
            "phone-numbers" if fail.load(Ordering::SeqCst) => Reply::status(
                400,
                &json!({"title": "Bad Request", "status": 400, "detail": HOSTILE_DETAIL})
                    .to_string(),
            ),
            // Every other family: nothing (a bare array fits every envelope).
            _ => Reply::json(json!([])),
        }
    })
}

#[test]
fn axp_names_and_problem_bodies_are_escaped_and_json_keeps_them_exact() {
    let fail = Arc::new(AtomicBool::new(false));
    let axp = hostile_axp(fail.clone());
    let dir = tempfile::tempdir().unwrap();
    let config = axp_config(dir.path(), &axp);

    assert!(human(&config, &["voice", "list", "sip-trunks"], ESCAPED).0);
    assert!(human(&config, &["voice", "list", "aco-elements"], ESCAPED).0);
    let trunks = json_of(&config, &["voice", "list", "sip-trunks", "--json"]);
    assert_eq!(trunks[0]["trunkName"], HOSTILE, "{trunks}");
    let elements = json_of(&config, &["voice", "list", "aco-elements", "--json"]);
    assert_eq!(elements[0]["name"], HOSTILE, "{elements}");

    fail.store(true, Ordering::SeqCst);
    let (ok, all) = human(&config, &["voice", "list", "phone-numbers"], ESCAPED_DETAIL);
    assert!(!ok, "{all}");
    fail.store(false, Ordering::SeqCst);

    let out = run_logged(&config, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    human(&config, &["jobs"], "axp");
    assert_records_safe(dir.path());
}
