//! The ARM adapter against the shapes real ARMs answer with (contract §1):
//! no status field, other envelopes, a bare array, no total, capped pages,
//! an ignored offset, a total that moves, unknown statuses, several numbers
//! per user, pointer overrides, an empty list; `connections test` and
//! `connections probe`. Real binary against the tests' own HTTP server:
//! each result is right, or the job fails in one line and the store is
//! exactly as before.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const DAY0: &str = "2026-11-22T10:00:00Z";
const DAY1: &str = "2026-11-23T10:00:00Z";

fn number(i: usize) -> String {
    format!("+1555000{:04}", 1000 + i)
}

/// Users `from..to`, with ids and numbers but no status (as the public ARM
/// documentation shows them).
fn users(from: usize, to: usize) -> Vec<Value> {
    (from..to)
        .map(|i| json!({"id": format!("u-{i:04}"), "userName": format!("user{i}"), "phoneNumber": number(i)}))
        .collect()
}

/// The slice of `all` a well-behaved server sends, capped at `cap` items.
fn slice(all: &[Value], req: &Seen, cap: usize) -> Vec<Value> {
    let (offset, limit) = req.offset_limit();
    all.iter()
        .skip(offset)
        .take(limit.min(cap))
        .cloned()
        .collect()
}

/// A server whose users page is `page(users, request)`; `/version` answers.
fn arm(
    list: Arc<Mutex<Vec<Value>>>,
    page: impl Fn(&[Value], &Seen) -> Value + Send + Sync + 'static,
) -> HostileServer {
    HostileServer::start(move |req| match req.path() {
        "/ARM/v1/version" => Reply::json(json!({"version": "9.8.0"})),
        "/ARM/v1/registeredUsers" => Reply::json(page(&list.lock().unwrap(), req)),
        _ => Reply::not_found(),
    })
}

fn shared(v: Vec<Value>) -> Arc<Mutex<Vec<Value>>> {
    Arc::new(Mutex::new(v))
}

/// A config with connection "lab" at `server` (page size `page`, `extra`
/// lines in its block); returns (dir, config, store).
fn setup(server: &HostileServer, page: u32, extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    lab_at(&server.addr, page, extra)
}

fn sync(config: &Path, now: &str, more: &[&str]) -> (std::process::Output, String, String) {
    let mut args = vec!["sync", "audiocodes", "lab"];
    args.extend_from_slice(more);
    let out = run_at(config, now, &args);
    let (o, e) = text(&out);
    (out, o, e)
}

fn status_of(config: &Path, n: &str) -> String {
    row(&inventory(config, DAY1), n)["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

fn used_count(config: &Path) -> usize {
    inventory(config, DAY1)
        .iter()
        .filter(|r| r["status"] == "Used")
        .count()
}

fn users_requests(server: &HostileServer) -> Vec<Seen> {
    server
        .seen()
        .into_iter()
        .filter(|s| s.path() == "/ARM/v1/registeredUsers")
        .collect()
}

/// The offsets asked for, in increasing order: with a total, the pages
/// after the first are fetched several at once (`fetch_concurrency`) and
/// may arrive in any order.
fn offsets_asked(server: &HostileServer) -> Vec<String> {
    let mut offsets: Vec<u64> = users_requests(server)
        .iter()
        .map(|s| s.query("offset").unwrap().parse().unwrap())
        .collect();
    offsets.sort_unstable();
    offsets.iter().map(u64::to_string).collect()
}

#[test]
fn users_without_a_status_are_registered_and_a_removed_one_cools_alone() {
    let list = shared(users(0, 5));
    let server = arm(
        list.clone(),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 500)}),
    );
    let (_d, config, _) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("added 5"), "{stdout}");
    for i in 0..5 {
        assert_eq!(status_of(&config, &number(i)), "Used", "{}", number(i));
    }
    // User 2 is removed from the ARM: only its number cools.
    list.lock().unwrap().remove(2);
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("cooled 1"), "{stdout}");
    assert_eq!(status_of(&config, &number(2)), "Cooling");
    for i in [0, 1, 3, 4] {
        assert_eq!(status_of(&config, &number(i)), "Used", "{}", number(i));
    }
}

#[test]
fn every_default_envelope_and_total_key_is_found() {
    for (list_key, total_key) in [
        ("items", Some("total")),
        ("registeredUsers", Some("totalCount")),
        ("data", Some("count")),
        ("results", None),
        ("users", None),
    ] {
        let server = arm(shared(users(0, 23)), move |all, req| {
            let mut body = json!({"offset": 0, "links": {"next": ""}});
            body[list_key] = Value::Array(slice(all, req, 500));
            if let Some(t) = total_key {
                body[t] = json!(all.len());
            }
            body
        });
        let (_d, config, _) = setup(&server, 10, "");
        let (out, stdout, stderr) = sync(&config, DAY0, &[]);
        assert!(out.status.success(), "{list_key}: {stdout}{stderr}");
        assert_eq!(
            used_count(&config),
            23,
            "{list_key}/{total_key:?}: {stdout}"
        );
        let offsets = offsets_asked(&server);
        // With a total the fetch stops when it is reached; without, it
        // asks until an empty page.
        let expected: &[&str] = if total_key.is_some() {
            &["0", "10", "20"]
        } else {
            &["0", "10", "20", "23"]
        };
        assert_eq!(offsets, expected, "{list_key}/{total_key:?}");
    }
}

#[test]
fn a_page_without_a_known_envelope_fails_naming_the_endpoint_and_its_keys() {
    let server = arm(
        shared(users(0, 3)),
        |all, _| json!({"rows": all, "size": all.len()}),
    );
    let (_d, config, store) = setup(&server, 10, "");
    let (out, _, stderr) = sync(&config, DAY0, &[]);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr.lines().last().unwrap_or("");
    assert!(
        line.contains("GET /ARM/v1/registeredUsers")
            && line.contains("\"rows\"")
            && line.contains("users_pointer")
            && line.contains("nothing was changed"),
        "{stderr}"
    );
    assert!(inventory(&config, DAY1).is_empty());
    let _ = store;
}

#[test]
fn a_bare_array_larger_than_the_page_and_the_same_at_the_next_offset_is_the_whole_list() {
    // The server ignores paging and always sends all 25 users.
    let server = arm(shared(users(0, 25)), |all, _| Value::Array(all.to_vec()));
    let (_d, config, _) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 25);
    // Asked once more at the next offset: the same 25 again prove that the
    // server ignores offset too (a server paging by offset in pages of its
    // own would have sent new users).
    let offsets: Vec<_> = users_requests(&server)
        .iter()
        .map(|s| s.query("offset").unwrap())
        .collect();
    assert_eq!(offsets, ["0", "25"]);
}

#[test]
fn a_small_whole_list_sent_on_every_call_fails_until_page_size_1_proves_it_whole() {
    // Three users as a bare array, whatever the offset and limit: with a
    // page of 10 this cannot be told from a server capping its pages at 3
    // and ignoring offset, so the sync fails and says what to do.
    let server = arm(shared(users(0, 3)), |all, _| Value::Array(all.to_vec()));
    let (_d, config, _) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("the ARM ignores offset") && stderr.contains("set page_size = 1"),
        "{stderr}"
    );
    assert!(inventory(&config, DAY0).is_empty(), "nothing was added");
    // With a page of 1, three users are more than asked for: the whole list.
    let (_d, config, _) = setup(&server, 1, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 3);
}

#[test]
fn without_a_total_capped_pages_are_read_to_the_empty_page() {
    // 100 users, pages capped at 92, no total: all 100, nothing cooled.
    let server = arm(
        shared(users(0, 100)),
        |all, req| json!({"users": slice(all, req, 92)}),
    );
    let (_d, config, _) = setup(&server, 100, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 100);
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("cooled 0"), "{stdout}");
    assert_eq!(used_count(&config), 100);
    let offsets: Vec<_> = users_requests(&server)
        .iter()
        .take(3)
        .map(|s| s.query("offset").unwrap())
        .collect();
    assert_eq!(offsets, ["0", "92", "100"]);
}

#[test]
fn with_a_total_a_page_capped_below_the_limit_moves_the_offset_by_what_came() {
    let server = arm(
        shared(users(0, 30)),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 7)}),
    );
    let (_d, config, _) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 30);
    assert_eq!(offsets_asked(&server), ["0", "7", "14", "21", "28"]);
}

/// A store synced from a well-behaved server, after which the server
/// switches to `bad` pages; the next sync must fail and change nothing.
fn fails_and_changes_nothing(
    bad: impl Fn(&[Value], &Seen) -> Value + Send + Sync + 'static,
    with_ids: bool,
    expect: &str,
) {
    let all: Vec<Value> = users(0, 37)
        .into_iter()
        .map(|mut u| {
            if !with_ids {
                u.as_object_mut().unwrap().remove("id");
            }
            u
        })
        .collect();
    let misbehave = Arc::new(AtomicBool::new(false));
    let m = misbehave.clone();
    let server = arm(shared(all), move |all, req| {
        if m.load(Ordering::SeqCst) {
            bad(all, req)
        } else {
            json!({"total": all.len(), "users": slice(all, req, 500)})
        }
    });
    let (_d, config, store) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 37);
    misbehave.store(true, Ordering::SeqCst);
    let before = store_dump(&store);
    for force in [false, true] {
        let more: &[&str] = if force { &["--force"] } else { &[] };
        let (out, stdout, stderr) = sync(&config, DAY1, more);
        assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("switchboard:"))
            .collect();
        assert_eq!(lines.len(), 1, "one line: {stderr}");
        assert!(lines[0].contains(expect), "{stderr}");
        assert!(lines[0].contains("nothing was changed"), "{stderr}");
        assert_same_store(&before, &store_dump(&store), expect);
    }
}

#[test]
fn an_arm_that_ignores_offset_fails_the_sync_with_a_total() {
    fails_and_changes_nothing(
        |all, req| {
            let (_, limit) = req.offset_limit();
            json!({"total": all.len(), "users": all.iter().take(limit).collect::<Vec<_>>()})
        },
        true,
        ": the ARM ignores offset; ",
    );
}

#[test]
fn an_arm_that_ignores_offset_fails_the_sync_without_a_total_or_ids() {
    fails_and_changes_nothing(
        |all, req| {
            let (_, limit) = req.offset_limit();
            json!({"items": all.iter().take(limit).collect::<Vec<_>>()})
        },
        false,
        ": the ARM ignores offset; ",
    );
}

#[test]
fn a_total_that_changes_during_the_fetch_fails_the_sync() {
    fails_and_changes_nothing(
        |all, req| {
            let (offset, _) = req.offset_limit();
            let total = if offset == 0 {
                all.len()
            } else {
                all.len() + 1
            };
            json!({"total": total, "users": slice(all, req, 500)})
        },
        true,
        "total changed from 37 to 38",
    );
}

#[test]
fn an_empty_page_short_of_the_total_fails_the_sync() {
    fails_and_changes_nothing(
        |all, req| {
            let (offset, _) = req.offset_limit();
            let page = if offset >= 20 {
                vec![]
            } else {
                slice(all, req, 500)
            };
            json!({"total": all.len(), "users": page})
        },
        true,
        "announced 37 users but sent an empty page at offset 20",
    );
}

#[test]
fn unknown_statuses_count_as_registered_and_are_reported() {
    let mut list = users(0, 6);
    for (i, st) in [
        "Busy",
        "busy",
        "REGISTERED",
        "offline",
        "NOT-ACTIVE",
        "Unregistered",
    ]
    .iter()
    .enumerate()
    {
        list[i]["status"] = json!(st);
    }
    let server = arm(
        shared(list),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 500)}),
    );
    let (_d, config, _) = setup(&server, 10, "");
    let out = run_at(&config, DAY0, &["sync", "audiocodes", "lab", "--json"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        v["summary"].as_str().unwrap().contains(
            "2 users with an unrecognised status counted as registered: \"Busy\" ×1, \"busy\" ×1"
        ),
        "{v}"
    );
    assert_eq!(v["result"]["unrecognised_statuses"]["Busy"], 1, "{v}");
    assert_eq!(v["result"]["unrecognised_statuses"]["busy"], 1, "{v}");
    for i in 0..3 {
        assert_eq!(status_of(&config, &number(i)), "Used");
    }
    // Offline users are not added.
    assert_eq!(used_count(&config), 3);
}

#[test]
fn several_number_fields_give_one_entry_per_number() {
    let mut list: Vec<Value> = (0..4)
        .map(|i| {
            json!({"id": format!("u{i}"), "phoneNumber": number(i),
                   "dialable": {"mobile": number(10 + i)}, "other": [number(20 + i), "ext"]})
        })
        .collect();
    // A user with no usable number is skipped and counted, not an error.
    list.push(json!({"id": "no-number", "phoneNumber": "", "other": ["n/a"]}));
    let server = arm(
        shared(list),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 500)}),
    );
    let (_d, config, _) = setup(
        &server,
        10,
        r#"number_fields = ["/phoneNumber", "/dialable/mobile", "/other"]"#,
    );
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("added 12") && stdout.contains("skipped 1"),
        "{stdout}"
    );
    for i in 0..4 {
        for n in [number(i), number(10 + i), number(20 + i)] {
            assert_eq!(status_of(&config, &n), "Used", "{n}");
        }
    }
}

#[test]
fn pointer_overrides_find_the_list_and_the_total() {
    let server = arm(
        shared(users(0, 15)),
        |all, req| json!({"result": {"list": slice(all, req, 500), "meta": {"size": all.len()}}, "total": 999}),
    );
    let (_d, config, _) = setup(
        &server,
        10,
        "users_pointer = \"/result/list\"\ntotal_pointer = \"/result/meta/size\"",
    );
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(used_count(&config), 15);
    assert_eq!(
        users_requests(&server).len(),
        2,
        "stopped at the pointer's total"
    );
}

#[test]
fn a_bad_pointer_is_a_config_error_with_its_line() {
    let server = arm(shared(vec![]), |_, _| json!([]));
    let (_d, config, _) = setup(
        &server,
        10,
        "users_pointer = \"/ok\"\nnumber_fields = [\"/phoneNumber\", \"mobile\"]",
    );
    let out = run(&config, &["config", "check"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let line = std::fs::read_to_string(&config)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("number_fields"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!(":{line}:"))
            && stderr.contains("number_fields[1]")
            && stderr.contains("JSON pointer"),
        "{stderr}"
    );
}

#[test]
fn an_empty_list_stops_at_the_guard_even_for_one_number() {
    let list = shared(users(0, 1));
    let server = arm(
        list.clone(),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 500)}),
    );
    let (_d, config, store) = setup(&server, 10, "");
    let (out, stdout, stderr) = sync(&config, DAY0, &[]);
    assert!(out.status.success(), "{stdout}{stderr}");
    list.lock().unwrap().clear();
    let before = store_dump(&store);
    let (out, _, stderr) = sync(&config, DAY1, &[]);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("the ARM returned no users with a number") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_same_store(&before, &store_dump(&store), "a guarded sync");
    assert_eq!(status_of(&config, &number(0)), "Used");
    // --force is the explicit confirmation.
    let (out, stdout, stderr) = sync(&config, DAY1, &["--force"]);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert_eq!(status_of(&config, &number(0)), "Cooling");
}

#[test]
fn connections_test_is_ok_only_after_the_users_page() {
    let server = arm(
        shared(users(0, 3)),
        |all, req| json!({"total": all.len(), "users": slice(all, req, 500)}),
    );
    let (_d, config, _) = setup(&server, 10, "");
    let out = run(&config, &["connections", "test", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("9.8.0") && stdout.contains("OK"),
        "{stdout}"
    );
    // The job's log (what the TUI's job detail shows for `t`) carries the probe.
    assert!(
        stderr.contains("list found: \"users\"") && stderr.contains("total: 3 (under total)"),
        "{stderr}"
    );
    let pages = users_requests(&server);
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].query("limit").as_deref(), Some("1"));

    // /version answers, the users page refuses the credentials: not OK.
    let refused = HostileServer::start(|req| match req.path() {
        "/ARM/v1/version" => Reply::json(json!({"version": "9.8.0"})),
        _ => Reply::status(401, r#"{"error":"unauthorized"}"#),
    });
    let (_d2, config, _) = setup(&refused, 10, "");
    let out = run(&config, &["connections", "test", "lab"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stdout.contains("OK"), "{stdout}");
    assert!(stderr.contains("registeredUsers"), "{stderr}");
    assert!(!stderr.contains("lab-password"), "{stderr}");
}

#[test]
fn probe_shows_what_was_understood_for_two_shapes_reading_only() {
    // Shape 1: items + totalCount, capped pages of 7, statuses of each kind.
    let mut list = users(0, 40);
    list[0]["status"] = json!("Busy");
    list[1]["status"] = json!("OFFLINE");
    list[2].as_object_mut().unwrap().remove("phoneNumber");
    list[2]["uri"] = json!("sips:+15550009999@sbc1;user=phone");
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let server = arm(shared(list), move |all, req| {
        c.fetch_add(1, Ordering::SeqCst);
        json!({"totalCount": all.len(), "items": slice(all, req, 7)})
    });
    let (_d, config, store) = setup(&server, 10, "");
    let out = run(&config, &["--read-only", "connections", "probe", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    for want in [
        "list found: \"items\"",
        "total: 40 (under totalCount)",
        "page size: asked 10, the server returned 7 users",
        "id \"u-0000\", number +15550001000, status \"Busy\" (unknown→registered)",
        "status \"OFFLINE\" (offline)",
        "number +15550009999, status absent (absent→registered)",
    ] {
        assert!(stdout.contains(want), "missing {want:?} in:\n{stdout}");
    }
    assert_eq!(
        stdout.matches("user ").count(),
        3,
        "first 3 users:\n{stdout}"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one page");
    assert!(
        inventory(&config, DAY0).is_empty(),
        "a probe writes nothing"
    );
    let _ = store;

    // Shape 2: a bare array without ids or statuses; --json is exact.
    let server = arm(
        shared(vec![]),
        |_, _| json!([{"userName": "a\u{1b}]52;x", "uri": "sip:+15550002000@x"}]),
    );
    let (_d, config, _) = setup(&server, 50, "");
    let out = run(&config, &["connections", "probe", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("list found: bare array"), "{stdout}");
    assert!(stdout.contains("total: none"), "{stdout}");
    assert!(!stdout.contains('\u{1b}'), "terminal-safe: {stdout:?}");
    let out = run(&config, &["connections", "probe", "lab", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["envelope"]["kind"], "bare_array", "{v}");
    assert_eq!(v["users"][0]["raw"]["userName"], "a\u{1b}]52;x");
    assert_eq!(v["users"][0]["numbers"][0], "+15550002000");
    assert_eq!(v["users"][0]["reading"], "absent");
}
