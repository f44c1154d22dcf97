//! A row the plan reads that holds what no column of an inventory row can
//! be (a blob, text that is not UTF-8) fails the sync, which then leaves
//! the store exactly as it was: the compact read must fail where the owned
//! read failed, never skip the row (it would look gone and be cooled) nor
//! read a neighbour's text in its place.

use super::*;

fn number(i: usize) -> String {
    format!("+1555100{i:04}")
}

/// One store per hand edit: six users synced, row 3 edited with `sql`
/// (its `{n}` is the number), then a re-sync of the same list must fail
/// and leave the store as it was.
fn refused(sql: &str) {
    let users: Vec<Value> = (1..=6)
        .map(|i| user(&format!("u{i}"), &number(i), "2026-11-30T09:00:00Z"))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    sync_ok(&config, NOW);
    edit(&store, &sql.replace("{n}", &number(3)));
    let before = common::store_dump(&store);
    let (out, o, e) = common::sync_lab_at(&config, LATER);
    assert!(
        !out.status.success(),
        "{sql}: a row that cannot be read was synced over\n{o}\n{e}"
    );
    assert!(!e.trim().is_empty(), "{sql}: failed without a word");
    common::assert_same_store(&before, &common::store_dump(&store), sql);
}

#[test]
fn a_linked_row_with_a_blob_fails_the_sync_untouched() {
    refused("UPDATE numbers SET usage = x'4465766963ff' WHERE number = '{n}'");
    refused("UPDATE numbers SET registered_user = x'7533' WHERE number = '{n}'");
    refused("UPDATE numbers SET last_seen = x'00' WHERE number = '{n}'");
}

#[test]
fn a_linked_row_with_text_that_is_not_utf8_fails_the_sync_untouched() {
    refused("UPDATE numbers SET tag = CAST(x'ff41' AS TEXT) WHERE number = '{n}'");
    refused("UPDATE numbers SET last_seen = CAST(x'32303236ff' AS TEXT) WHERE number = '{n}'");
}

/// Held by another connection: read by the plan's lookup of snapshot
/// numbers the connection does not hold (not by the read ahead).
#[test]
fn a_row_of_another_connection_that_cannot_be_read_fails_the_sync_untouched() {
    refused(
        "UPDATE numbers SET connection = 'other', vendor = CAST(x'41ff' AS TEXT) WHERE number = '{n}'",
    );
    refused("UPDATE numbers SET connection = 'other', usage = x'00' WHERE number = '{n}'");
}

/// A listed number whose stored status is no status this program knows
/// ('Bogus', written by another program) is another owner's: a conflict,
/// reported with the status the store holds.
#[test]
fn a_conflict_reports_the_status_the_store_holds() {
    // How it failed (fixed: the conflict reports the compact row's status
    // text, the rules still read it as Inactive): `sync --json` listed the
    // conflict with "status": "Inactive" while the row said 'Bogus': the
    // status is read
    // as Inactive when it is no known status (numbers::from_row and
    // PlanRows alike, so the same before resync21), and the conflict
    // reports the parsed status.
    let users: Vec<Value> = (1..=3)
        .map(|i| user(&format!("u{i}"), &number(i), "2026-11-30T09:00:00Z"))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    sync_ok(&config, NOW);
    edit(
        &store,
        &format!(
            "UPDATE numbers SET status = 'Bogus' WHERE number = '{}'",
            number(2)
        ),
    );
    let out = common::run_at(&config, LATER, &["sync", "audiocodes", "lab", "--json"]);
    let (o, e) = common::text(&out);
    assert!(out.status.success(), "{o}\n{e}");
    let v: Value = serde_json::from_str(&o).unwrap_or_else(|err| panic!("{err}: {o}"));
    let conflicts = v["result"]["conflicts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(conflicts.len(), 1, "{o}");
    assert_eq!(conflicts[0]["number"], number(2), "{o}");
    assert_eq!(conflicts[0]["status"], "Bogus", "{o}");
}
