//! The plan's rows are the connection's rows read ahead, merged with the
//! rows of snapshot numbers the connection does not hold, looked up one by
//! one inside the write lock (`PlanRows::merged`). Rows held elsewhere or
//! by nobody, before, between and after the connection's own rows, must
//! each meet their own user: a merge that slips by one row would compare
//! a user with its neighbour's row.

use super::*;

fn number(i: usize) -> String {
    format!("+1555300{i:04}")
}

/// The connection's own rows (synced first).
const LINKED: &[usize] = &[3, 5, 7, 9, 11];

/// Rows written by another program: (i, status, vendor, connection SQL,
/// whether the re-sync makes it Used by lab).
const OTHERS: &[(usize, &str, &str, &str, bool)] = &[
    (1, "Available", "", "NULL", true),
    (2, "Available", "AudioCodes", "''", true),
    (4, "Used", "AudioCodes", "'other'", false),
    (6, "Cooling", "AudioCodes", "NULL", true),
    (8, "Reserved", "", "NULL", false),
    (10, "Available", "Other", "NULL", false),
    (12, "Cooling", "AudioCodes", "'other'", true),
    (13, "Available", "", "''", true),
    (15, "Available", "", "NULL", false),
];

/// Listed by the ARM on the re-sync, held by no row: added.
const NEW: usize = 14;

#[test]
fn rows_held_elsewhere_between_the_connections_rows_meet_their_own_users() {
    let seen = "2026-11-30T09:00:00Z";
    let user_of = |i: usize| user(&format!("u{i}"), &number(i), seen);
    let users = Users::new(LINKED.iter().map(|i| user_of(*i)).collect());
    let server = arm(users.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 4, "");
    sync_ok(&config, NOW);
    for (i, status, vendor, connection, _) in OTHERS {
        edit(
            &store,
            &format!(
                "INSERT INTO numbers (number, status, usage, vendor, tag, connection, updated_at)
                 VALUES ('{}', '{status}', '', '{vendor}', 'hand {i}', {connection}, '{NOW}')",
                number(*i)
            ),
        );
    }
    let before = numbers(&store);
    // Every number but the last row's (15) is listed now.
    let listed: Vec<Value> = (1..=NEW).map(user_of).collect();
    *users.0.lock().unwrap() = listed;
    let log = sync_ok(&config, LATER);
    let after = numbers(&store);

    for i in LINKED {
        let n = number(*i);
        assert_eq!(after[&n], before[&n], "own row {n} rewritten\n{log}");
    }
    for (i, _, _, _, taken) in OTHERS {
        let n = number(*i);
        if *taken {
            let row = &after[&n];
            let want_user = format!("u{i}");
            assert_eq!(
                (
                    row[0].as_deref(),
                    row[5].as_deref(),
                    row[6].as_deref(),
                    row[7].as_deref()
                ),
                (
                    Some("Used"),
                    Some("lab"),
                    Some(want_user.as_str()),
                    Some(seen)
                ),
                "{n}: {row:?}\n{log}"
            );
        } else {
            assert_eq!(
                after[&n], before[&n],
                "{n} held elsewhere was written\n{log}"
            );
        }
    }
    let row = &after[&number(NEW)];
    assert_eq!(
        row[6].as_deref(),
        Some(format!("u{NEW}").as_str()),
        "{row:?}"
    );
    assert!(log.contains("conflicts 3"), "{log}");
}

/// A connection holding no row yet (nothing read ahead): every row the
/// plan reads comes from the lookups. Available numbers added by hand,
/// some listed by the ARM (taken), some not (left), and listed numbers no
/// row holds (added).
#[test]
fn a_first_sync_over_available_numbers_takes_exactly_the_listed_ones() {
    let listed = [20, 21, 24, 25, 29, 30, 33];
    let users = Users::new(
        listed
            .iter()
            .map(|i| user(&format!("u{i}"), &number(*i), "2026-11-30T09:00:00Z"))
            .collect(),
    );
    let server = arm(users);
    let (_dir, config, store) = common::lab_at(&server.addr, 3, "");
    let out = common::run_at(
        &config,
        NOW,
        &["numbers", "add-range", &number(21), &number(30)],
    );
    assert!(out.status.success(), "{}", common::text(&out).1);
    let log = sync_ok(&config, NOW);
    let rows = numbers(&store);
    assert_eq!(rows.len(), 12, "{rows:?}\n{log}");
    for (n, row) in &rows {
        let i: usize = n[8..].parse().unwrap();
        if listed.contains(&i) {
            let who = format!("u{i}");
            assert_eq!(
                (row[0].as_deref(), row[6].as_deref()),
                (Some("Used"), Some(who.as_str())),
                "{n}: {row:?}\n{log}"
            );
        } else {
            assert_eq!(row[0].as_deref(), Some("Available"), "{n}: {row:?}\n{log}");
            assert_eq!(row[5], None, "{n}: {row:?}");
        }
    }
    assert!(log.contains("added 7"), "{log}");
}
