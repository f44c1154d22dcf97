//! `Snapshot` (one text buffer, binary search) against the fold main
//! 1ecf561 made into a BTreeMap, over random users: several users on one
//! number (a registered one wins, the latest time of the deciding
//! standing), numbers in any order and coming back after others, empty,
//! very long and non-ASCII numbers (byte order is not char order), users
//! without a name or a number.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use switchboard::domain::registered_user::{RegisteredUser, Snapshot};

/// One entry as main kept it.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    registered: bool,
    user: String,
    last_seen: Option<DateTime<Utc>>,
}

/// main's `Snapshot::from_users`, with a map: numbers in byte order, a
/// number's users in list order.
fn model(users: &[RegisteredUser]) -> (BTreeMap<String, Model>, usize) {
    let mut numbered: Vec<(&str, &RegisteredUser)> = Vec::new();
    let mut skipped = 0;
    for u in users {
        match &u.number {
            Some(n) => numbered.push((n, u)),
            None => skipped += 1,
        }
    }
    numbered.sort_by(|a, b| a.0.cmp(b.0));
    let mut map: BTreeMap<String, Model> = BTreeMap::new();
    for (n, u) in numbered {
        let label = if u.user_name.is_empty() {
            &u.id
        } else {
            &u.user_name
        };
        let registered = u.is_registered();
        match map.get_mut(n) {
            Some(e) => {
                if registered && !e.registered {
                    *e = Model {
                        registered,
                        user: label.clone(),
                        last_seen: u.last_seen,
                    };
                } else if u.last_seen > e.last_seen && registered == e.registered {
                    e.last_seen = u.last_seen;
                }
            }
            None => {
                map.insert(
                    n.to_string(),
                    Model {
                        registered,
                        user: label.clone(),
                        last_seen: u.last_seen,
                    },
                );
            }
        }
    }
    (map, skipped)
}

const NUMBERS: &[&str] = &[
    "",
    "+",
    "+1",
    "+15550001",
    "+155500010",
    "+1555000",
    "+15550002",
    "z",
    "Z",
    "é",
    "e\u{301}",
    "\u{7f}",
    "\u{80}",
    "\u{ffff}",
    "\u{10ffff}",
    "😀",
    "a\u{0}b",
    "a",
    "ab",
    "+15550001 ",
];
const STATUSES: &[&str] = &[
    "REGISTERED",
    "OFFLINE",
    "",
    "weird",
    "not-active",
    "Registered",
    "unregistered",
];
const TIMES: &[Option<&str>] = &[
    None,
    Some("2026-11-30T08:00:00Z"),
    Some("2026-11-30T09:00:00Z"),
    Some("2026-11-30T09:00:00.5Z"),
];

fn random_users(state: &mut u64, n: usize) -> Vec<RegisteredUser> {
    let mut next = |below: usize| {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        usize::try_from(*state % below as u64).unwrap()
    };
    (0..n)
        .map(|i| {
            let number = match next(12) {
                0 => None,
                1 => Some(format!("+1{}", "5".repeat(5_000 + next(3)))),
                _ => Some(NUMBERS[next(NUMBERS.len())].to_string()),
            };
            let id = format!("id{i}");
            RegisteredUser {
                user_name: if next(3) == 0 {
                    String::new()
                } else {
                    format!("name{i}é")
                },
                id,
                display_name: String::new(),
                number,
                raw_status: STATUSES[next(STATUSES.len())].to_string(),
                last_seen: TIMES[next(TIMES.len())].map(|t| t.parse().unwrap()),
                sbc: String::new(),
            }
        })
        .collect()
}

#[test]
fn snapshot_folds_random_users_as_main_did() {
    let mut state = 0x22_5eed_u64;
    for round in 0..400 {
        let users = random_users(&mut state, round % 40);
        let snap = Snapshot::from_users(&users);
        let (want, skipped) = model(&users);
        let got: Vec<(String, Model)> = snap
            .entries()
            .map(|(n, e)| {
                (
                    n.to_string(),
                    Model {
                        registered: e.registered,
                        user: e.user.to_string(),
                        last_seen: e.last_seen,
                    },
                )
            })
            .collect();
        let want_list: Vec<(String, Model)> = want.clone().into_iter().collect();
        assert_eq!(got, want_list, "round {round}: {users:#?}");
        assert_eq!(snap.len(), want.len());
        assert_eq!(snap.skipped, skipped, "round {round}");
        assert_eq!(
            snap.numbers().collect::<Vec<_>>(),
            want.keys().map(String::as_str).collect::<Vec<_>>()
        );
        assert_eq!(
            snap.registered_count(),
            want.values().filter(|e| e.registered).count()
        );
        // Every number found, and nothing else: numbers that sort between,
        // before and after the others, and prefixes of them.
        for n in want.keys() {
            let e = snap
                .get(n)
                .unwrap_or_else(|| panic!("round {round}: {n:?} not found"));
            assert_eq!(e.user, want[n].user);
            assert_eq!(e.registered, want[n].registered);
            assert_eq!(e.last_seen, want[n].last_seen);
        }
        for probe in [
            "+15550003",
            "+0",
            "~",
            "\u{10ffff}\u{10ffff}",
            "+1555000 ",
            "é\u{0}",
            "a\u{0}",
        ] {
            assert_eq!(
                snap.get(probe).is_some(),
                want.contains_key(probe),
                "round {round}: {probe:?}"
            );
        }
    }
}
