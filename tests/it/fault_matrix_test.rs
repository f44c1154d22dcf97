//! The fault matrix: every kind of network fault, against every vendor API,
//! run by the real binary against the real simulator. For each case: how
//! many times the request was sent (retries are bounded), the one-line
//! error (connection, endpoint, cause), and the store compared by a dump
//! with the store before (a failure) or after a clean run (a recovery).

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DAY0: &str = "2026-11-22T10:00:00Z";
const LATER: &str = "2026-11-22T11:00:00Z";
/// Retries after the first attempt, as the test config sets them.
const RETRIES: u64 = 2;

/// One vendor API: the command that reads it, where the fault goes and the
/// id-like field whose absence or wrong type the client must refuse.
struct Vendor {
    name: &'static str,
    args: &'static [&'static str],
    /// The fault's path; `after` requests on it pass first (mid-paging).
    fault_path: &'static str,
    after: u32,
    /// The path of its authentication, whose repeat an expired token causes.
    auth_path: &'static str,
    field: &'static str,
    /// The store kind the fault path fills, for a vendor whose refresh
    /// stores each kind on its own: a fault there is partial (exit 5), that
    /// kind keeps its rows and is stale, the others are refreshed. `None`
    /// (the ARM sync): a fault fails the whole job, nothing changes.
    kind: Option<&'static str>,
}

const VENDORS: [Vendor; 3] = [
    Vendor {
        name: "lab",
        args: &["sync", "audiocodes", "lab"],
        fault_path: "/ARM/v1/registeredUsers",
        // Mid-paging, on the last of the four pages to arrive: the pages
        // after the first are fetched at once (`fetch_concurrency`), so
        // a fault on all of them would be sent once per page in flight.
        after: 3,
        auth_path: "/ARM/v1/login",
        field: "users",
        kind: None,
    },
    Vendor {
        name: "lp",
        args: &["refresh", "live-platform", "lp"],
        fault_path: "/tenantui/api/v3/customer",
        after: 0,
        auth_path: "/oauth2/v2.0/token",
        field: "UmpCustomerGuid",
        kind: Some("service"),
    },
    Vendor {
        name: "axp",
        args: &["refresh", "axp", "axp"],
        fault_path: "/api/admin/voice/v1/accounts/DEMOAX/msteams-elements",
        after: 0,
        auth_path: "/api/auth/v1/",
        field: "elementId",
        kind: Some("msteams"),
    },
];

/// How a case must end.
enum Expect {
    /// Exit 1, the error names this cause, the request was sent this many
    /// times, and the store is exactly as before. For a vendor with a
    /// `kind`: exit 5 (partial), and the store is what [`partial_store`]
    /// makes of a clean run's.
    Fails { cause: &'static str, sends: u64 },
    /// Exit 0 after this many extra sends, the store as a clean run leaves it.
    Recovers { extra_sends: u64 },
}

struct Case {
    what: &'static str,
    /// The fault's JSON after `path` and `after`, with `FIELD` replaced.
    fault: &'static str,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    use Expect::*;
    let retried = 1 + RETRIES;
    vec![
        Case {
            what: "HTTP 500 every time",
            fault: r#""kind":"status","status":500"#,
            expect: Fails {
                cause: "HTTP 500",
                sends: retried,
            },
        },
        Case {
            what: "502 then recovery",
            fault: r#""kind":"status","status":502,"count":1"#,
            expect: Recovers { extra_sends: 1 },
        },
        Case {
            what: "503 twice then recovery",
            fault: r#""kind":"status","status":503,"count":2"#,
            expect: Recovers { extra_sends: 2 },
        },
        Case {
            what: "429 with Retry-After, once",
            fault: r#""kind":"rate_limit","retry_after":1,"count":1"#,
            expect: Recovers { extra_sends: 1 },
        },
        Case {
            what: "429 without Retry-After, once",
            fault: r#""kind":"rate_limit","count":1"#,
            expect: Recovers { extra_sends: 1 },
        },
        Case {
            what: "429 every time",
            fault: r#""kind":"rate_limit""#,
            expect: Fails {
                cause: "HTTP 429",
                sends: retried,
            },
        },
        Case {
            what: "reset mid-body, once",
            fault: r#""kind":"reset","count":1"#,
            expect: Recovers { extra_sends: 1 },
        },
        Case {
            what: "reset mid-body every time",
            fault: r#""kind":"reset""#,
            expect: Fails {
                cause: "connection failed mid-request",
                sends: retried,
            },
        },
        Case {
            what: "slower than the request timeout",
            fault: r#""kind":"delay","ms":1600"#,
            expect: Fails {
                cause: "timed out",
                sends: retried,
            },
        },
        Case {
            what: "truncated JSON",
            fault: r#""kind":"truncate""#,
            expect: Fails {
                cause: "unexpected response",
                sends: 1,
            },
        },
        Case {
            what: "not JSON",
            fault: r#""kind":"malformed""#,
            expect: Fails {
                cause: "unexpected response",
                sends: 1,
            },
        },
        Case {
            what: "a field of the wrong type",
            fault: r#""kind":"wrong_type","field":"FIELD""#,
            expect: Fails {
                cause: "FIELD",
                sends: 1,
            },
        },
        Case {
            what: "a required field missing",
            fault: r#""kind":"drop_field","field":"FIELD""#,
            expect: Fails {
                cause: "FIELD",
                sends: 1,
            },
        },
        Case {
            what: "larger than http.max_response_bytes",
            fault: r#""kind":"huge","bytes":1500000"#,
            expect: Fails {
                cause: "larger than the 1048576-byte limit",
                sends: 1,
            },
        },
        Case {
            what: "token expired mid-paging, once",
            fault: r#""kind":"expire_token","count":1"#,
            expect: Recovers { extra_sends: 1 },
        },
        Case {
            what: "credentials refused after a fresh login",
            fault: r#""kind":"expire_token""#,
            expect: Fails {
                cause: "authentication failed",
                sends: 2,
            },
        },
    ]
}

fn scenario() -> &'static str {
    r#"[[arm]]
name = "lab"
username = "svc-lab"
password = "lab-password-9f3"
users = 40
number_start = "+15550001000"

[live_platform]
client_id = "lp-client"
client_secret = "lp-secret-9f3"
extra_profiles = 2
customers = 4
leads = 3

[axp]
account_id = "DEMOAX"
client_id = "axp-client"
client_secret = "axp-secret-9f3"
app_key = "axp-app-key-9f3"
items_per_family = 3
"#
}

/// The three connections at `addr` (session auth for the ARM, so a token
/// can expire), two retries, 1 s timeouts and a 1 MiB response limit (the least allowed).
fn config(dir: &Path, addr: &str) -> PathBuf {
    config_with_job_timeout(dir, addr, 600, 4)
}

/// [`config`] with a job timeout and the ARM's `fetch_concurrency`.
fn config_with_job_timeout(
    dir: &Path,
    addr: &str,
    job_timeout_secs: u64,
    fetch_concurrency: u32,
) -> PathBuf {
    write_config(
        dir,
        &format!(
            r#"store_path = "{store}"
log_dir = "{logs}"
[http]
max_retries = {RETRIES}
request_timeout_secs = 1
connect_timeout_secs = 1
max_response_bytes = 1048576
job_timeout_secs = {job_timeout_secs}

[[audiocodes]]
name = "lab"
host = "{addr}"
scheme = "http"
auth = "session"
username = "svc-lab"
password = "lab-password-9f3"
page_size = 10
fetch_concurrency = {fetch_concurrency}

[[live_platform]]
name = "lp"
base_url = "http://{addr}/tenantui"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "lp-client"
client_secret = "lp-secret-9f3"

[[axp]]
name = "axp"
base_url = "http://{addr}"
account_id = "DEMOAX"
client_id = "axp-client"
client_secret = "axp-secret-9f3"
app_key = "axp-app-key-9f3"
"#,
            store = dir.join("base.db").display(),
            logs = dir.join("logs").display(),
        ),
    )
}

fn run_on(cfg: &Path, store: &Path, now: &str, args: &[&str]) -> std::process::Output {
    bin()
        .env("SWITCHBOARD_NOW", now)
        .arg("--config")
        .arg(cfg)
        .arg("--store")
        .arg(store)
        .args(args)
        .output()
        .expect("run switchboard")
}

/// The store every case starts from: all three synced at DAY0, then four
/// lab users gone offline, so that a sync applied in part would show.
fn base_store(dir: &Path, sim: &SimProcess, cfg: &Path) -> PathBuf {
    let base = dir.join("base.db");
    for v in &VENDORS {
        let out = run_on(cfg, &base, DAY0, v.args);
        assert!(out.status.success(), "{}: {}", v.name, text(&out).1);
    }
    for id in 0..4 {
        sim.set_status("lab", &format!("lab-u{id:05}"), "OFFLINE");
    }
    base
}

/// The store a case works on: a fresh copy of the base.
fn case_store(dir: &Path, base: &Path, label: &str) -> PathBuf {
    let p = dir.join(format!("{label}.db"));
    copy_store(base, &p);
    p
}

/// The store a partial refresh must leave, as a dump: a clean run's, but
/// with `kind`'s rows as they were in `base` and its refresh record keeping
/// `base`'s time of the last good fetch, marked failed at LATER with the
/// case's error (which must name `cause`).
fn partial_store(
    dir: &Path,
    base: &Path,
    clean: &Path,
    case: &Path,
    kind: &str,
    cause: &str,
) -> Result<String, String> {
    let error: String = rusqlite::Connection::open(case)
        .unwrap()
        .query_row(
            "SELECT error FROM remote_refreshes WHERE kind = ?1 AND failed_at IS NOT NULL",
            [kind],
            |r| r.get(0),
        )
        .map_err(|e| format!("{kind} is not marked stale: {e}"))?;
    if !error.contains(cause) {
        return Err(format!("the stale error does not name `{cause}`: {error}"));
    }
    let want = dir.join(format!("want-{kind}.db"));
    copy_store(clean, &want);
    let c = rusqlite::Connection::open(&want).unwrap();
    c.execute("ATTACH DATABASE ?1 AS base", [base.display().to_string()])
        .unwrap();
    c.execute("DELETE FROM remote_items WHERE kind = ?1", [kind])
        .unwrap();
    c.execute(
        "INSERT INTO remote_items SELECT * FROM base.remote_items WHERE kind = ?1",
        [kind],
    )
    .unwrap();
    c.execute(
        "UPDATE remote_refreshes SET failed_at = ?2, error = ?3,
            refreshed_at = (SELECT refreshed_at FROM base.remote_refreshes b
                            WHERE b.kind = ?1 AND b.connection = remote_refreshes.connection)
         WHERE kind = ?1",
        rusqlite::params![kind, LATER, error],
    )
    .unwrap();
    drop(c);
    Ok(store_dump(&want))
}

#[test]
fn every_fault_on_every_vendor_api_leaves_the_store_whole() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), scenario());
    let cfg = config(dir.path(), &sim.addr);
    let base = base_store(dir.path(), &sim, &cfg);
    let before = store_dump(&base);
    let mut failures = Vec::new();

    for v in &VENDORS {
        // A clean run: what every recovery must leave, and how many sends it takes.
        let clean = case_store(dir.path(), &base, &format!("{}-clean", v.name));
        sim.clear_requests();
        let out = run_on(&cfg, &clean, LATER, v.args);
        assert!(out.status.success(), "{}: {}", v.name, text(&out).1);
        let clean_sends = sim.requests(v.fault_path);
        let clean_auth = sim.requests(v.auth_path);
        let after_clean = store_dump(&clean);
        assert_ne!(
            after_clean, before,
            "{}: a clean run changes the store",
            v.name
        );

        for (i, case) in cases().iter().enumerate() {
            let label = format!("{} / {}", v.name, case.what);
            let store = case_store(dir.path(), &base, &format!("{}-{i}", v.name));
            let fault = format!(
                r#"{{"path":"{}","after":{},{}}}"#,
                v.fault_path,
                v.after,
                case.fault.replace("FIELD", v.field)
            );
            sim.clear_requests();
            sim.fault(&fault);
            let started = Instant::now();
            let out = run_on(&cfg, &store, LATER, v.args);
            let took = started.elapsed();
            sim.clear_faults();
            let (stdout, stderr) = text(&out);
            let sends = sim.requests(v.fault_path);
            let mut check = |ok: bool, what: String| {
                if !ok {
                    failures.push(format!(
                        "{label}: {what}\n  stdout: {stdout}\n  stderr: {stderr}"
                    ));
                }
            };
            match &case.expect {
                Expect::Fails { cause, sends: want } => {
                    let cause = cause.replace("FIELD", v.field);
                    let (exit, says) = match v.kind {
                        Some(_) => (5, "kept"),
                        None => (1, "nothing was changed"),
                    };
                    check(
                        out.status.code() == Some(exit),
                        format!("exit {:?}, want {exit}", out.status.code()),
                    );
                    let line = stderr
                        .lines()
                        .find(|l| l.starts_with("switchboard:") && l.contains(&cause))
                        .unwrap_or("");
                    check(!line.is_empty(), format!("no error line naming `{cause}`"));
                    check(
                        line.contains(v.name),
                        format!("the error does not name the connection: {line}"),
                    );
                    check(
                        line.contains("GET /"),
                        format!("the error does not name the endpoint: {line}"),
                    );
                    check(
                        line.contains(says),
                        format!("the error does not say `{says}`: {line}"),
                    );
                    check(
                        sends == u64::from(v.after) + want,
                        format!("{sends} sends, want {}", u64::from(v.after) + want),
                    );
                    match v.kind {
                        None => check(store_dump(&store) == before, "the store changed".into()),
                        Some(kind) => {
                            let want =
                                partial_store(dir.path(), &base, &clean, &store, kind, &cause);
                            check(
                                want.as_deref() == Ok(store_dump(&store).as_str()),
                                format!("not the partial refresh's store: {want:?}"),
                            );
                        }
                    }
                }
                Expect::Recovers { extra_sends } => {
                    check(
                        out.status.success(),
                        format!("exit {:?}, want 0", out.status.code()),
                    );
                    check(
                        sends == clean_sends + extra_sends,
                        format!("{sends} sends, want {}", clean_sends + extra_sends),
                    );
                    check(
                        store_dump(&store) == after_clean,
                        "the store differs from a clean run's".into(),
                    );
                }
            }
            if case.fault.contains("expire_token") && matches!(case.expect, Expect::Recovers { .. })
            {
                let auth = sim.requests(v.auth_path);
                check(
                    auth == clean_auth + 1,
                    format!("{auth} logins, want {} (one fresh login)", clean_auth + 1),
                );
            }
            if case.fault.contains("retry_after") {
                check(
                    took >= Duration::from_secs(1),
                    format!("Retry-After: 1 was not honoured ({took:?})"),
                );
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn an_empty_user_list_never_cools_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), scenario());
    let cfg = config(dir.path(), &sim.addr);
    let base = base_store(dir.path(), &sim, &cfg);
    let before = store_dump(&base);

    // An empty list from the first page: every number would cool, so the
    // cooling guard stops the sync for confirmation.
    let store = case_store(dir.path(), &base, "empty-first");
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"empty"}"#);
    let out = run_on(&cfg, &store, LATER, &["sync", "audiocodes", "lab"]);
    sim.clear_faults();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out).1);
    assert!(
        text(&out).1.contains("would cool 40 of 40"),
        "{}",
        text(&out).1
    );
    assert_same_store(&before, &store_dump(&store), "after an empty list");

    // An empty page before the announced total is reached is an error: the
    // users it leaves out would look deleted.
    let store = case_store(dir.path(), &base, "empty-mid");
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"empty","after":1}"#);
    let out = run_on(&cfg, &store, LATER, &["sync", "audiocodes", "lab"]);
    sim.clear_faults();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("lab: GET /ARM/v1/registeredUsers: unexpected response: the ARM announced 40 users but sent an empty page at offset 10"), "{stderr}");
    assert_same_store(&before, &store_dump(&store), "after an empty list");
}

#[test]
fn a_refused_connection_is_retried_then_named() {
    let dir = tempfile::tempdir().unwrap();
    // A port that was free a moment ago: nothing listens there.
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let cfg = config(dir.path(), &addr);
    let store = dir.path().join("base.db");
    let out = run_on(
        &cfg,
        &store,
        DAY0,
        &["numbers", "add-range", "+15550009000", "+15550009004"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let before = store_dump(&store);
    for v in &VENDORS {
        let out = bin()
            .env("SWITCHBOARD_LOG", "debug")
            .arg("--config")
            .arg(&cfg)
            .args(v.args)
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", v.name);
        let line = stderr
            .lines()
            .find(|l| l.contains("cannot connect"))
            .unwrap_or_else(|| panic!("{}: {stderr}", v.name));
        assert!(
            line.contains(v.name) && line.contains("Connection refused"),
            "{line}"
        );
        assert_same_store(&before, &store_dump(&store), v.name);
    }
    // Each refused attempt was retried RETRIES times (the log says so).
    let log = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect::<String>();
    let retries = log.lines().filter(|l| l.contains("retrying")).count() as u64;
    assert_eq!(retries, RETRIES * VENDORS.len() as u64, "{log}");
}

#[test]
fn a_job_slower_than_its_whole_timeout_is_stopped_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), scenario());
    // Two pages in flight at once: pages 2 and 3 together, then page 4.
    let cfg = config_with_job_timeout(dir.path(), &sim.addr, 2, 2);
    let base = base_store(dir.path(), &sim, &cfg);
    let before = store_dump(&base);
    // Each page answers within the request timeout, but the three rounds
    // of the four pages take longer than the job may.
    sim.fault(r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":800}"#);
    let out = run_on(&cfg, &base, LATER, &["sync", "audiocodes", "lab"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("gave up after 2s (http.job_timeout_secs), before anything was written or sent; nothing was changed"),
        "{stderr}"
    );
    assert!(stderr.contains("lab"), "{stderr}");
    assert_same_store(&before, &store_dump(&base), "after the job timeout");
}
