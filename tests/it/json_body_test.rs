//! A vendor body is one JSON value: whitespace may follow it, anything
//! else (a second body, a proxy's page glued on) makes the page malformed,
//! so the sync fails and changes nothing (rule one: read right or fail).

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::*;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

const USERS_PATH: &str = "/ARM/v1/registeredUsers";

fn page(offset: usize, limit: usize) -> String {
    let users: Vec<String> = (offset..(offset + limit).min(6))
        .map(|i| format!(r#"{{"id":"u{i}","phoneNumber":"+1555000{i:04}","status":"REGISTERED"}}"#))
        .collect();
    format!(r#"{{"total":6,"users":[{}]}}"#, users.join(","))
}

/// What follows the body of the page at offset 2.
const TAILS: [&str; 4] = ["", "\n \t\r\n", r#"{"total":6,"users":[]}"#, "<html>"];

#[test]
fn only_whitespace_may_follow_a_body() {
    let tail = Arc::new(AtomicU8::new(0));
    let arm = {
        let tail = tail.clone();
        HostileServer::start(move |req: &Seen| {
            if req.path() != USERS_PATH {
                return Reply::not_found();
            }
            let (offset, limit) = req.offset_limit();
            let after = if offset == 2 {
                TAILS[usize::from(tail.load(Ordering::SeqCst))]
            } else {
                ""
            };
            Reply::status(200, &format!("{}{after}", page(offset, limit)))
        })
    };
    let (_dir, config, store) = lab_at(&arm.addr, 2, "");
    for (i, expect_ok) in [(0, true), (1, true), (2, false), (3, false)] {
        tail.store(i, Ordering::SeqCst);
        // The first, good syncs make the store the bad ones must leave.
        let before = (!expect_ok).then(|| store_dump(&store));
        let out = run(&config, &["sync", "audiocodes", "lab"]);
        let (stdout, stderr) = text(&out);
        if expect_ok {
            assert!(out.status.success(), "tail {i}: {stdout}{stderr}");
            assert_eq!(inventory(&config, "2026-11-30T10:00:00Z").len(), 6);
        } else {
            assert!(!out.status.success(), "tail {i} was read: {stdout}");
            assert!(
                stderr.contains("malformed JSON") && stderr.contains("trailing characters"),
                "tail {i}: {stderr}"
            );
            let before = before.expect("dumped before a bad sync");
            assert_same_store(&before, &store_dump(&store), &format!("tail {i}"));
        }
    }
}
