//! Vendor answers found by a hostile review to slip past the first rules
//! of "never take the wire on trust": each was once taken as whole, and
//! each test asserts what must happen instead (the answer read right, or a
//! one-line failure with the store exactly as before), against the real
//! binary and the tests' own HTTP server.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use switchboard::domain::voice_registry::{self, Envelope};

const DAY0: &str = "2026-11-22T10:00:00Z";
const DAY1: &str = "2026-11-23T10:00:00Z";

fn number(i: usize) -> String {
    format!("+1555000{:04}", 1000 + i)
}

fn users(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": format!("u-{i:04}"), "userName": format!("user{i}"), "phoneNumber": number(i)}))
        .collect()
}

/// An ARM with `all` users that pages correctly (with a total) until
/// `misbehave` is set, then answers `bad(all, request)`. Returns the
/// server, the switch, and (dir, config, store) after one good sync that
/// made every number Used.
fn synced_then(
    all: Vec<Value>,
    page_size: u32,
    bad: impl Fn(&[Value], &Seen) -> Value + Send + Sync + 'static,
) -> (
    HostileServer,
    Arc<AtomicBool>,
    (tempfile::TempDir, PathBuf, PathBuf),
) {
    let misbehave = Arc::new(AtomicBool::new(false));
    let m = misbehave.clone();
    let server = HostileServer::start(move |req| match req.path() {
        "/ARM/v1/registeredUsers" if m.load(Ordering::SeqCst) => Reply::json(bad(&all, req)),
        "/ARM/v1/registeredUsers" => {
            let (offset, limit) = req.offset_limit();
            let page: Vec<Value> = all.iter().skip(offset).take(limit).cloned().collect();
            Reply::json(json!({"total": all.len(), "users": page}))
        }
        _ => Reply::not_found(),
    });
    let (dir, config, store) = lab_at(&server.addr, page_size, "");
    let out = run_at(&config, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    (server, misbehave, (dir, config, store))
}

fn cooling(config: &Path) -> Vec<String> {
    inventory(config, DAY1)
        .iter()
        .filter(|r| r["status"] == "Cooling")
        .map(|r| r["number"].as_str().unwrap().to_string())
        .collect()
}

/// The sync failed with exit 1 and one `switchboard:` line, and the store
/// is exactly as before.
fn assert_failed_unchanged(out: &std::process::Output, store: &Path, before: &str, what: &str) {
    let (stdout, stderr) = text(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{what}: must fail\nstdout: {stdout}\nstderr: {stderr}"
    );
    let lines = stderr
        .lines()
        .filter(|l| l.starts_with("switchboard:"))
        .count();
    assert_eq!(lines, 1, "{what}: one line: {stderr}");
    assert_same_store(before, &store_dump(store), what);
}

/// A user repeated within one page must not count toward the total: with a
/// total of 5 and a page `[u0, u1, u2, u3, u3]`, u4 would never be fetched
/// and its number would cool. The sync fails and changes nothing.
#[test]
fn a_user_repeated_within_one_page_does_not_count_toward_the_total() {
    let (_server, misbehave, (_d, config, store)) = synced_then(users(5), 10, |all, _| {
        let mut page: Vec<Value> = all[0..4].to_vec();
        page.push(all[3].clone());
        json!({"total": all.len(), "users": page})
    });
    misbehave.store(true, Ordering::SeqCst);
    let before = store_dump(&store);
    let out = run_at(&config, DAY1, &["sync", "audiocodes", "lab"]);
    assert_failed_unchanged(&out, &store, &before, "a page repeating a user");
    assert!(cooling(&config).is_empty(), "{:?}", cooling(&config));
}

/// Users without an `id` are told apart by `userName`, not by their whole
/// JSON: an ARM that ignores offset and whose users carry a field that
/// moves between requests (`lastSeen`) would otherwise send the first 10
/// users twice, "reach" the total of 20 and cool the other 10. The repeat
/// is recognised and the sync fails, changing nothing.
#[test]
fn an_ignored_offset_is_caught_for_users_without_id_whose_json_changes() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let (_server, misbehave, (_d, config, store)) = synced_then(users(20), 10, move |all, req| {
        let k = c.fetch_add(1, Ordering::SeqCst);
        let (_, limit) = req.offset_limit();
        let page: Vec<Value> = all
            .iter()
            .take(limit)
            .map(|u| {
                let mut u = u.clone();
                u.as_object_mut().unwrap().remove("id");
                u["lastSeen"] = json!(format!("2026-11-23T10:00:{:02}Z", k % 60));
                u
            })
            .collect();
        json!({"total": all.len(), "users": page})
    });
    misbehave.store(true, Ordering::SeqCst);
    let before = store_dump(&store);
    let out = run_at(&config, DAY1, &["sync", "audiocodes", "lab"]);
    assert_failed_unchanged(&out, &store, &before, "an ARM ignoring offset");
    assert!(text(&out).1.contains("ignores offset"), "{}", text(&out).1);
}

/// A bare array longer than the `limit` asked for is not the whole list
/// by itself: an ARM that ignores `limit` but honours `offset` (its own
/// page of 25, 30 users) is read to its end (offset 25 gives the rest,
/// offset 30 an empty page); no number cools.
#[test]
fn a_bare_array_longer_than_the_limit_is_not_assumed_to_be_the_whole_list() {
    let (_server, misbehave, (_d, config, store)) = synced_then(users(30), 10, |all, req| {
        let (offset, _) = req.offset_limit();
        Value::Array(all.iter().skip(offset).take(25).cloned().collect())
    });
    misbehave.store(true, Ordering::SeqCst);
    let before = store_dump(&store);
    let out = run_at(&config, DAY1, &["sync", "audiocodes", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(
        cooling(&config).is_empty(),
        "numbers still registered were cooled: {:?}\n{stdout}{stderr}",
        cooling(&config)
    );
    if !out.status.success() {
        assert_failed_unchanged(&out, &store, &before, "a fixed-size bare array");
    }
}

/// A 500 whose JSON `detail` is 200,000 characters still gives one
/// readable error line (on stderr and in the job record): the vendor's
/// part is cut to a bounded length.
#[test]
fn a_huge_problem_detail_is_cut_to_a_readable_line() {
    let server = HostileServer::start(|req| match req.path() {
        "/ARM/v1/registeredUsers" => Reply::status(
            500,
            &json!({"title": "Boom", "detail": "x".repeat(200_000)}).to_string(),
        ),
        _ => Reply::not_found(),
    });
    let (_dir, config, _) = lab_at(&server.addr, 10, "");
    let out = run_at(&config, DAY0, &["sync", "audiocodes", "lab"]);
    let (_, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        &stderr[..stderr.len().min(500)]
    );
    let line = stderr
        .lines()
        .find(|l| l.starts_with("switchboard:"))
        .unwrap_or("");
    assert!(
        line.contains("HTTP 500"),
        "{}",
        &line[..line.len().min(500)]
    );
    assert!(
        line.chars().count() <= 2000,
        "the error line is {} characters long",
        line.chars().count()
    );
}

const ACCOUNT: &str = "HOSTAX";
const ROOT: &str = "/api/admin/voice/v1/accounts/HOSTAX";

fn axp_config(dir: &Path, addr: &str) -> PathBuf {
    write_config(
        dir,
        &format!(
            r#"{head}job_timeout_secs = 30

[[axp]]
name = "axp"
base_url = "http://{addr}"
account_id = "{ACCOUNT}"
client_id = "axp-client"
client_secret = "axp-secret-7c1"
app_key = "axp-app-key-7c1"
"#,
            head = config_head(&dir.join("s.db"), 5),
        ),
    )
}

fn token(req: &Seen) -> Option<Reply> {
    (req.method == "POST" && req.path().ends_with("/protocol/openid-connect/token"))
        .then(|| Reply::json(json!({"access_token": "t", "expires_in": 900})))
}

/// An empty list in the envelope of the family at `req`'s path.
fn empty_list(req: &Seen) -> Reply {
    let segment = req.path().rsplit('/').next().unwrap_or("");
    let key = voice_registry::FAMILIES
        .iter()
        .find(|f| f.segment == segment)
        .map_or("resources", |f| match f.envelope {
            Envelope::Key(k) => k,
            Envelope::BareArray => "",
        });
    if key.is_empty() {
        return Reply::json(json!([]));
    }
    Reply::json(json!({"pagination": {"total": 0}, key: [], "links": {"next": ""}}))
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

fn trunks(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": format!("trunk-{i}"), "name": format!("t{i}")}))
        .collect()
}

/// An AXP page object without the family's envelope key (SIP trunks under
/// `items`) is not an empty list: `voice list` fails naming the field, and
/// a refresh keeps the stored trunks (that family fails: exit 5).
#[test]
fn an_axp_page_without_its_envelope_key_is_not_an_empty_list() {
    let other_key = Arc::new(AtomicBool::new(false));
    let o = other_key.clone();
    let server = HostileServer::start(move |req| {
        if let Some(t) = token(req) {
            return t;
        }
        if req.path() == format!("{ROOT}/sip-trunks") {
            // Good: the documented envelope and a total. Bad: the same
            // trunks under another key, no total.
            return Reply::json(if o.load(Ordering::SeqCst) {
                json!({"items": trunks(3), "links": {"next": ""}})
            } else {
                json!({"sipTrunks": trunks(3), "pagination": {"total": 3}, "links": {"next": ""}})
            });
        }
        empty_list(req)
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = axp_config(dir.path(), &server.addr);
    let out = run(&cfg, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(stored_count(&store, "sip_trunks"), 3);

    other_key.store(true, Ordering::SeqCst);
    let out = run(&cfg, &["voice", "list", "sip-trunks", "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("sipTrunks"), "names the field: {stderr}");

    let out = run(&cfg, &["refresh", "axp", "axp"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(5), "{stdout}{stderr}");
    assert_eq!(
        stored_count(&store, "sip_trunks"),
        3,
        "the trunks were replaced by an empty list"
    );
}

/// A Communication Manager with a numeric id (`{"id": 7}`) has its
/// children listed like any other (they were once skipped silently while
/// the refresh reported every family refreshed).
#[test]
fn a_communication_manager_with_a_numeric_id_has_its_children_listed() {
    let server = HostileServer::start(|req| {
        if let Some(t) = token(req) {
            return t;
        }
        let path = req.path();
        if path == format!("{ROOT}/communication-managers") {
            return Reply::json(json!({"resources": [{"id": 7, "name": "cm seven"}],
                "pagination": {"total": 1}, "links": {"next": ""}}));
        }
        if path == format!("{ROOT}/communication-managers/7/skills") {
            return Reply::json(
                json!({"skills": [{"id": "s1", "name": "s1"}, {"id": "s2", "name": "s2"}],
                "pagination": {"total": 2}, "links": {"next": ""}}),
            );
        }
        empty_list(req)
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = axp_config(dir.path(), &server.addr);
    let out = run(&cfg, &["refresh", "axp", "axp"]);
    let (stdout, stderr) = text(&out);
    let asked = server.count(&format!("{ROOT}/communication-managers/7/"));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(asked > 0, "children of CM 7 never requested");
    assert_eq!(stored_count(&store, "skills"), 2, "{stdout}");
}
