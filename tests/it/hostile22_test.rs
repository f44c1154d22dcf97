//! Hostile tests of resync22 (issue 19): the lean page reading reads a
//! known field sent as a string in place, `Snapshot` keeps its numbers and
//! users' names in one text buffer looked up by binary search, and a
//! user's repeat key is hashed and kept in parts (`ArmUser::key_parts`)
//! with the pager's received keys in one text buffer. Attacked in process
//! against the slow readings (`lean`: thousands of generated hostile
//! bodies read both ways; `snapshot`: random users folded against the
//! BTreeMap fold of main 1ecf561), and through the real binary against a
//! hostile ARM: the same list synced lean and through the `Value` reading
//! (`differential`), repeats across pages and ids told apart as before
//! (`repeats`), one field of one user changed at the start, middle and end
//! of a 1,500-user list and 1,100 users cooled at once (`one_change`),
//! and a list that fails part way (`partial`). No defect found on cf495e9;
//! each attack was checked able to fail by breaking the code on purpose
//! (key parts joined without "user ", a trimmed borrowed string, a
//! Snapshot user not truncated on replacement).

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use common::raw_arm::{raw_arm as arm, store_rows, sync, user, users_page, RawUsers, USERS_PATH};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, Mutex};

mod differential;
mod lean;
mod one_change;
mod partial;
mod repeats;
mod snapshot;

const NOW: &str = "2026-11-30T10:00:00Z";
const LATER: &str = "2026-11-30T11:00:00Z";

/// Every row of `table`, sorted, each column as text.
fn rows(store: &Path, table: &str) -> Vec<String> {
    store_rows(store, &format!("SELECT * FROM \"{table}\""))
}

/// The value of `v` as text, for messages.
fn show(v: &Value) -> String {
    v.to_string()
}
