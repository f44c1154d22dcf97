//! A stored row that differs from what the sync would write for its user
//! in exactly one field must not be judged unchanged: the re-sync makes it
//! the row `used_by` makes again (or reports it as a conflict where the
//! field says another owner holds it). Each number of one store gets its
//! own hand edit, so one re-sync checks them all; its neighbours, never
//! edited, must be left alone.

use super::*;

const SEEN: &str = "2026-11-30T09:00:00Z";

fn number(i: usize) -> String {
    format!("+1555000{i:04}")
}

/// What the re-sync must leave of an edited row.
enum Want {
    /// The row as the first sync wrote it, rewritten by the re-sync.
    Rewritten,
    /// Left as edited (another owner holds it), reported as a conflict.
    Conflict,
    /// Left as edited, not a conflict: a hand tag on a Used number.
    Kept,
}

/// One column edited per number: the column, the SQL value, and the
/// verdict the re-sync must reach.
const EDITS: &[(&str, &str, Want)] = &[
    ("usage", "'Other'", Want::Rewritten),
    ("usage", "'device'", Want::Rewritten),
    // A hand tag on a Used number is the operator's: a re-sync keeps it
    // (see `a_hand_tag_on_a_used_number_survives_an_unchanged_re_sync`).
    ("tag", "'hand tag'", Want::Kept),
    ("tag", "' '", Want::Kept),
    ("release_date", "'2027-01-01'", Want::Rewritten),
    ("registered_user", "'u99'", Want::Rewritten),
    ("registered_user", "NULL", Want::Rewritten),
    ("registered_user", "''", Want::Rewritten),
    ("registered_user", "'u0011 '", Want::Rewritten),
    ("last_seen", "NULL", Want::Rewritten),
    ("last_seen", "''", Want::Rewritten),
    ("last_seen", "'garbage'", Want::Rewritten),
    ("last_seen", "'2026-11-30T09:00:01Z'", Want::Rewritten),
    ("last_seen", "'2026-11-30T08:59:59Z'", Want::Rewritten),
    ("last_seen", "'2026-11-30T09:00:00.5Z'", Want::Rewritten),
    (
        "last_seen",
        "'2026-11-30T09:00:00.000000001Z'",
        Want::Rewritten,
    ),
    ("last_seen", "'2026-11-30T09:00:00+01:00'", Want::Rewritten),
    ("last_seen", "'2025-11-30T09:00:00Z'", Want::Rewritten),
    ("last_seen", "'2026-11-30T09:00:00Z '", Want::Rewritten),
    ("status", "'Cooling'", Want::Rewritten),
    ("status", "'Available'", Want::Rewritten),
    ("vendor", "'audiocodes'", Want::Conflict),
    ("vendor", "''", Want::Conflict),
    ("connection", "'other'", Want::Conflict),
    ("connection", "'lab '", Want::Conflict),
    ("status", "'Reserved'", Want::Conflict),
];

/// Neighbours left between edited numbers (never edited).
const STRIDE: usize = 2;

#[test]
fn a_row_differing_in_one_field_is_rewritten_or_reported_never_kept_as_unchanged() {
    let count = EDITS.len() * STRIDE;
    let users: Vec<Value> = (1..=count)
        .map(|i| user(&format!("u{i:04}"), &number(i), SEEN))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 7, "");
    sync_ok(&config, NOW);
    let first = numbers(&store);
    assert_eq!(first.len(), count);
    for (k, (column, value, _)) in EDITS.iter().enumerate() {
        let n = number(k * STRIDE + 1);
        edit(
            &store,
            &format!("UPDATE numbers SET {column} = {value} WHERE number = '{n}'"),
        );
    }
    let edited = numbers(&store);
    let log = sync_ok(&config, LATER);
    let after = numbers(&store);

    let mut wrong = Vec::new();
    for (k, (column, value, want)) in EDITS.iter().enumerate() {
        let n = number(k * STRIDE + 1);
        let (got, was) = (&after[&n], &edited[&n]);
        let ok = match want {
            // Every column as the first sync wrote it; written again now.
            Want::Rewritten => got[..8] == first[&n][..8] && got[8].as_deref() == Some(LATER),
            Want::Conflict | Want::Kept => got == was,
        };
        if !ok {
            wrong.push(format!(
                "{column} = {value} at {n}:\n   first  {:?}\n   edited {was:?}\n   after  {got:?}",
                first[&n]
            ));
        }
        // The untouched neighbour is not rewritten.
        let m = number(k * STRIDE + 2);
        if after[&m] != first[&m] {
            wrong.push(format!(
                "untouched {m} changed: {:?} -> {:?}",
                first[&m], after[&m]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}\nsync said: {log}", wrong.join("\n"));
    let conflicts = EDITS
        .iter()
        .filter(|(_, _, w)| matches!(w, Want::Conflict))
        .count();
    assert!(
        log.contains(&format!("conflicts {conflicts}")),
        "the re-sync reports its {conflicts} conflicts: {log}"
    );
}

/// The ARM reports last seen times with a fraction of a second; the store
/// keeps whole seconds (`clock::stamp`). A re-sync of the very same list
/// must write nothing: no row is rewritten (its `updated_at` stays), no
/// event is added.
#[test]
fn an_unchanged_list_with_sub_second_last_seen_rewrites_nothing() {
    // How it failed (fixed: the plan now compares at the stored second):
    // the row of every user whose lastSeen has a fraction
    // ("…09:00:00.250Z") was written again by each re-sync (updated_at
    // becomes the re-sync's time) although the list did not change: the
    // plan compares the fetched time with its fraction against the stored
    // whole second and calls it Refreshed (the same before resync21: the
    // old compare parsed the stored text to the same whole second).
    let users: Vec<Value> = (1..=6)
        .map(|i| {
            let seen = if i % 2 == 0 {
                "2026-11-30T09:00:00.250Z"
            } else {
                SEEN
            };
            user(&format!("u{i:04}"), &number(i), seen)
        })
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    sync_ok(&config, NOW);
    let (first, first_events) = (numbers(&store), events(&store));
    let log = sync_ok(&config, LATER);
    let rewritten: Vec<_> = numbers(&store)
        .into_iter()
        .filter(|(n, row)| *row != first[n])
        .collect();
    let added = events(&store) - first_events;
    assert!(
        rewritten.is_empty() && added == 0,
        "an unchanged list rewrote {rewritten:?} and added {added} events\nsync said: {log}"
    );
}

/// Stored texts of the very time the ARM sends, spelt otherwise than
/// `clock::stamp` spells it (a fraction of zeros, an offset of zero, a
/// lower-case z): whatever the re-sync does, the stored time stays the
/// ARM's time and every other column stays as the sync wrote it.
#[test]
fn the_same_time_spelt_otherwise_stays_the_same_time() {
    const SPELLINGS: &[&str] = &[
        "2026-11-30T09:00:00.000Z",
        "2026-11-30T09:00:00+00:00",
        "2026-11-30T10:00:00+01:00",
        "2026-11-30T09:00:00z",
        "2026-11-30t09:00:00Z",
        "2026-11-30T04:00:00-05:00",
        "2026-11-30 09:00:00Z",
    ];
    let users: Vec<Value> = (1..=SPELLINGS.len())
        .map(|i| user(&format!("u{i:04}"), &number(i), SEEN))
        .collect();
    let server = arm(Users::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    sync_ok(&config, NOW);
    let first = numbers(&store);
    for (k, s) in SPELLINGS.iter().enumerate() {
        edit(
            &store,
            &format!(
                "UPDATE numbers SET last_seen = '{s}' WHERE number = '{}'",
                number(k + 1)
            ),
        );
    }
    let log = sync_ok(&config, LATER);
    let seen: chrono::DateTime<chrono::Utc> = SEEN.parse().unwrap();
    for (n, row) in numbers(&store) {
        let stored = row[7].as_deref().unwrap_or_default();
        let t = chrono::DateTime::parse_from_rfc3339(stored)
            .unwrap_or_else(|e| panic!("{n}: stored last seen {stored:?}: {e}\n{log}"));
        assert_eq!(t, seen, "{n}: {stored:?}\n{log}");
        assert_eq!(row[..7], first[&n][..7], "{n}\n{log}");
    }
}

/// A Used row whose release date is text that is no date (an empty text,
/// a word) is what no sync writes; the re-sync must make it the row
/// `used_by` makes (release date NULL).
#[test]
fn a_used_row_with_a_release_date_that_is_no_date_is_rewritten() {
    // How it failed (fixed: such a row is not as written, and is written
    // whole): after the re-sync the rows still held
    // release_date = '' and 'not a date' with the first sync's updated_at:
    // the stored text is read as "no date" (parsed, not compared), so the
    // in-place compare finds the row equal to what the sync would write.
    // The same before resync21 (from_row parsed it to None as well).
    let (_server, _dir, config, store) = four_synced();
    let first = numbers(&store);
    for (n, text) in [(1, "''"), (3, "'not a date'")] {
        set_column(&store, n, "release_date", text);
    }
    let log = sync_ok(&config, LATER);
    let after = numbers(&store);
    for n in [1, 3] {
        let n = number(n);
        assert_eq!(after[&n][..8], first[&n][..8], "{n}\n{log}");
    }
}

/// A Used row whose status is spelt otherwise ('used', ' Used', 'USED':
/// read as Used, since statuses are read in any case) is listed under
/// Used after a re-sync: `numbers --status Used` shows every number the
/// ARM lists as registered.
#[test]
fn a_used_row_with_its_status_spelt_otherwise_is_listed_as_used_after_a_re_sync() {
    // How it failed (fixed: the compare requires the status text the
    // sync writes): `numbers --status Used --json` after the re-sync listed
    // only the one row left alone: the status is parsed case-blind and
    // trimmed (Status::parse), so the in-place compare finds the three
    // edited rows equal to what the sync writes and keeps their text,
    // while the listing matches the stored text exactly. The same before
    // resync21 (from_row parsed the status alike).
    let (_server, _dir, config, store) = four_synced();
    for (n, text) in [(1, "'used'"), (2, "' Used'"), (3, "'USED'")] {
        set_column(&store, n, "status", text);
    }
    let log = sync_ok(&config, LATER);
    let out = common::run_at(&config, LATER, &["numbers", "--status", "Used", "--json"]);
    assert!(out.status.success(), "{}", common::text(&out).1);
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.len(), 4, "{listed:?}\n{log}\n{:?}", numbers(&store));
}

/// A tag set with `numbers tag` (a hand action, recorded as an event) on
/// a Used number: an unchanged re-sync ("unchanged 1") must not erase it.
#[test]
fn a_hand_tag_on_a_used_number_survives_an_unchanged_re_sync() {
    // How it failed (fixed: the lead's rule, a hand tag on a number that
    // stays Used by this connection is kept; VOSS's cooling tag is not a
    // hand tag and is still cleared): after `numbers tag N "VIP customer"`
    // and a re-sync of the same list, `numbers --json` showed "tag": null;
    // the summary said
    // "unchanged 1". The plan makes the row `used_by` makes (tag empty)
    // whenever the tag is not empty, and the Refreshed transition is
    // counted as unchanged. The same before resync21 (the compare has
    // required an empty tag since the rule was written); if erasing is
    // the intended rule, the sync should at least say so.
    let server = arm(Users::new(vec![user("u1", &number(1), SEEN)]));
    let (_dir, config, store) = common::lab_at(&server.addr, 3, "");
    sync_ok(&config, NOW);
    let out = common::run_at(
        &config,
        NOW,
        &["numbers", "tag", &number(1), "VIP customer"],
    );
    assert!(out.status.success(), "{}", common::text(&out).1);
    let events_before = events(&store);
    let log = sync_ok(&config, LATER);
    let tag = numbers(&store)[&number(1)][3].clone();
    assert_eq!(
        tag.as_deref(),
        Some("VIP customer"),
        "events {} -> {}\n{log}",
        events_before,
        events(&store)
    );
}

/// Four registered users (`u0001`.. on `number(1)`..`number(4)`) synced
/// once at NOW: the ARM (kept serving), the lab's directory, config and
/// store.
fn four_synced() -> (
    HostileServer,
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let users: Vec<Value> = (1..=4)
        .map(|i| user(&format!("u{i:04}"), &number(i), SEEN))
        .collect();
    let server = arm(Users::new(users));
    let (dir, config, store) = common::lab_at(&server.addr, 3, "");
    sync_ok(&config, NOW);
    (server, dir, config, store)
}

/// Sets `column` of `number(n)`'s row to the SQL value `sql`, as another
/// program would.
fn set_column(store: &Path, n: usize, column: &str, sql: &str) {
    edit(
        store,
        &format!(
            "UPDATE numbers SET {column} = {sql} WHERE number = '{}'",
            number(n)
        ),
    );
}
