//! Pages read in parallel, errors reported in page order: when an early
//! page fails slowly and a later one fails at once, the job reports the
//! early page's failure, as the serial fetch before it did (the same
//! error kind for the same server), and changes nothing.

use super::USERS_PATH;
use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use std::time::Duration;

fn user(i: usize) -> String {
    format!(r#"{{"id":"u{i}","phoneNumber":"+1555000{i:04}","status":"REGISTERED"}}"#)
}

fn page(offset: usize, limit: usize) -> String {
    let users: Vec<String> = (offset..(offset + limit).min(8)).map(user).collect();
    format!(r#"{{"total":8,"users":[{}]}}"#, users.join(","))
}

/// The ARM: offset 2 answers `slow` after 400 ms, offset 4 answers
/// `fast` at once, the others as they should.
fn server(slow: fn() -> Reply, fast: fn() -> Reply) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        match offset {
            2 => {
                std::thread::sleep(Duration::from_millis(400));
                slow()
            }
            4 => fast(),
            _ => Reply::status(200, &page(offset, limit)),
        }
    })
}

/// The job's last line, digits aside (ports, timings), and its exit code,
/// by `program` (else this build).
fn failure(
    slow: fn() -> Reply,
    fast: fn() -> Reply,
    program: Option<&std::path::Path>,
) -> (Option<i32>, String) {
    let arm = server(slow, fast);
    let (_dir, config, store) = lab_at(&arm.addr, 2, "");
    let out = super::sync_lab_by(program, &config);
    let err = text(&out).1;
    if store.exists() {
        let dump = store_dump(&store);
        assert!(
            !dump.contains("+15550000001"),
            "a failed sync wrote numbers"
        );
    }
    let last = err
        .lines()
        .last()
        .unwrap_or("")
        .replace(|c: char| c.is_ascii_digit(), "");
    (out.status.code(), last)
}

fn malformed() -> Reply {
    Reply::status(200, r#"{"total":8,"users":[{"id":"#)
}
fn server_error() -> Reply {
    Reply::status(500, r#"{"status":500,"title":"boom"}"#)
}
fn non_objects() -> Reply {
    Reply::status(200, r#"{"total":8,"users":[1,2]}"#)
}
fn no_list() -> Reply {
    Reply::status(200, r#"{"total":8}"#)
}
fn repeat() -> Reply {
    Reply::status(
        200,
        &format!(r#"{{"total":8,"users":[{},{}]}}"#, user(0), user(1)),
    )
}

/// Two failing pages and what the slow (earlier) one's failure says.
type Pair = (fn() -> Reply, fn() -> Reply, &'static str);

fn pairs() -> Vec<Pair> {
    vec![
        (server_error, malformed, "HTTP : boom"),
        (malformed, server_error, "the JSON ends early"),
        (no_list, malformed, "no list of users"),
        (repeat, no_list, "repeats user"),
        (malformed, repeat, "the JSON ends early"),
        // Users that are not objects are skipped, not a failure: the
        // later page's is the first.
        (non_objects, malformed, "the JSON ends early"),
    ]
}

#[test]
fn the_earliest_page_failure_is_the_one_reported() {
    for (slow, fast, says) in pairs() {
        let (code, last) = failure(slow, fast, None);
        assert_eq!(code, Some(1), "{last}");
        assert!(
            last.contains(says) && last.ends_with("nothing was changed"),
            "want {says:?}: {last}"
        );
    }
}

/// The same failures as the serial fetch before this session (main at
/// a492167) words them: name its binary in `HOSTILE20_OLD_BIN`.
#[test]
#[ignore = "needs HOSTILE20_OLD_BIN: a switchboard binary built from a492167"]
fn the_failures_are_worded_as_by_the_build_before() {
    let old = std::env::var_os("HOSTILE20_OLD_BIN").expect("HOSTILE20_OLD_BIN");
    for (slow, fast, _) in pairs() {
        let new = failure(slow, fast, None);
        let was = failure(slow, fast, Some(std::path::Path::new(&old)));
        assert_eq!(new, was);
    }
}
