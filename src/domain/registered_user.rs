//! Registered users as fetched from ARM, and the snapshot they make.

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A registered user as the ARM adapter contract describes it, already
/// tolerant of the vendor's variations (see `api::audiocodes`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredUser {
    pub id: String,
    pub user_name: String,
    pub display_name: String,
    /// Canonical number, or None when the user holds no usable one. A user
    /// with several numbers is one entry per number (ids `id`, `id#2`, ...).
    pub number: Option<String>,
    /// The status as sent; empty when the user had none.
    pub raw_status: String,
    pub last_seen: Option<DateTime<Utc>>,
    pub sbc: String,
}

impl RegisteredUser {
    /// Presence is registration (VOSS): only a known offline status
    /// (`OFFLINE`, `NOT_REGISTERED`, `NOT-ACTIVE`, `UNREGISTERED`, any case)
    /// is offline; no status, `REGISTERED` or an unknown value is registered.
    pub fn is_registered(&self) -> bool {
        super::arm_users::StatusReading::of(&self.raw_status).is_registered()
    }
}

/// One number of the snapshot: registered if any of its users is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotEntry {
    pub registered: bool,
    /// The user the inventory links to: a registered one when there is one.
    pub user: String,
    pub last_seen: Option<DateTime<Utc>>,
}

/// Every fetched user folded into one entry per number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub entries: BTreeMap<String, SnapshotEntry>,
    /// Users without a usable number: counted, never an error.
    pub skipped: usize,
}

impl Snapshot {
    /// A snapshot of one user per `(number, status)`, for tests.
    pub fn of(numbers: &[(&str, &str)]) -> Snapshot {
        let users: Vec<RegisteredUser> = numbers
            .iter()
            .map(|(n, st)| RegisteredUser {
                id: format!("u{n}"),
                user_name: format!("user{n}"),
                display_name: String::new(),
                number: Some(n.to_string()),
                raw_status: st.to_string(),
                last_seen: None,
                sbc: String::new(),
            })
            .collect();
        Snapshot::from_users(&users)
    }

    pub fn from_users(users: &[RegisteredUser]) -> Snapshot {
        let mut snap = Snapshot::default();
        // In number order, a number's users in list order (a stable sort;
        // a list that comes sorted costs one pass), folded into one entry
        // per number, then built into the map in one go.
        let mut numbered: Vec<(&str, &RegisteredUser)> = Vec::with_capacity(users.len());
        for u in users {
            match &u.number {
                Some(number) => numbered.push((number, u)),
                None => snap.skipped += 1,
            }
        }
        numbered.sort_by(|a, b| a.0.cmp(b.0));
        let mut folded: Vec<(String, SnapshotEntry)> = Vec::with_capacity(numbered.len());
        // Users of a list mostly share a status: each new one is read once.
        let mut last_status: Option<(&str, bool)> = None;
        for (number, u) in numbered {
            let label = if u.user_name.is_empty() {
                &u.id
            } else {
                &u.user_name
            };
            let registered = match last_status {
                Some((status, registered)) if status == u.raw_status => registered,
                _ => {
                    let registered = u.is_registered();
                    last_status = Some((&u.raw_status, registered));
                    registered
                }
            };
            match folded.last_mut() {
                Some((n, e)) if n == number => {
                    if registered && !e.registered {
                        *e = SnapshotEntry {
                            registered,
                            user: label.clone(),
                            last_seen: u.last_seen,
                        };
                    } else if u.last_seen > e.last_seen && registered == e.registered {
                        e.last_seen = u.last_seen;
                    }
                }
                _ => folded.push((
                    number.to_string(),
                    SnapshotEntry {
                        registered,
                        user: label.clone(),
                        last_seen: u.last_seen,
                    },
                )),
            }
        }
        snap.entries = folded.into_iter().collect();
        snap
    }

    pub fn registered_count(&self) -> usize {
        self.entries.values().filter(|e| e.registered).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, number: Option<&str>, status: &str) -> RegisteredUser {
        RegisteredUser {
            id: id.into(),
            user_name: id.into(),
            display_name: String::new(),
            number: number.map(String::from),
            raw_status: status.into(),
            last_seen: None,
            sbc: String::new(),
        }
    }

    #[test]
    fn same_number_counts_once_registered_if_any_is() {
        let s = Snapshot::from_users(&[
            user("a", Some("+15550001"), "OFFLINE"),
            user("b", Some("+15550001"), "registered"),
            user("c", None, "REGISTERED"),
            user("d", Some("+15550002"), "Weird"),
            user("e", Some("+15550003"), ""),
            user("f", Some("+15550004"), "not-active"),
        ]);
        assert_eq!(s.entries.len(), 4);
        assert!(s.entries["+15550001"].registered);
        assert_eq!(s.entries["+15550001"].user, "b");
        // Unknown and absent statuses count as registered (presence).
        assert!(s.entries["+15550002"].registered);
        assert!(s.entries["+15550003"].registered);
        assert!(!s.entries["+15550004"].registered);
        assert_eq!(s.skipped, 1);
    }

    fn seen(id: &str, status: &str, at: &str) -> RegisteredUser {
        RegisteredUser {
            last_seen: Some(at.parse().unwrap()),
            ..user(id, Some("+15550001"), status)
        }
    }

    #[test]
    fn last_seen_is_the_latest_of_the_users_that_decide_the_entry() {
        let entry =
            |users: &[RegisteredUser]| Snapshot::from_users(users).entries["+15550001"].clone();
        // A later offline duplicate does not move a registered entry's time.
        let e = entry(&[
            seen("a", "REGISTERED", "2026-11-22T08:00:00Z"),
            seen("b", "OFFLINE", "2026-11-22T10:00:00Z"),
        ]);
        assert!(e.registered);
        assert_eq!(
            (e.user.as_str(), e.last_seen),
            ("a", Some("2026-11-22T08:00:00Z".parse().unwrap()))
        );
        // Two registered users: the later time, whichever comes first.
        for users in [
            [
                seen("a", "REGISTERED", "2026-11-22T08:00:00Z"),
                seen("b", "REGISTERED", "2026-11-22T09:00:00Z"),
            ],
            [
                seen("b", "REGISTERED", "2026-11-22T09:00:00Z"),
                seen("a", "REGISTERED", "2026-11-22T08:00:00Z"),
            ],
        ] {
            let e = entry(&users);
            assert_eq!(
                e.last_seen,
                Some("2026-11-22T09:00:00Z".parse().unwrap()),
                "{users:?}"
            );
        }
        // A registered user replaces an offline entry whole, even with an older time.
        let e = entry(&[
            seen("a", "OFFLINE", "2026-11-22T10:00:00Z"),
            seen("b", "REGISTERED", "2026-11-22T08:00:00Z"),
        ]);
        assert_eq!((e.registered, e.user.as_str()), (true, "b"));
        assert_eq!(e.last_seen, Some("2026-11-22T08:00:00Z".parse().unwrap()));
        // Offline only: the latest offline time.
        let e = entry(&[
            seen("a", "OFFLINE", "2026-11-22T07:00:00Z"),
            seen("b", "OFFLINE", "2026-11-22T10:00:00Z"),
        ]);
        assert_eq!((e.registered, e.user.as_str()), (false, "a"));
        assert_eq!(e.last_seen, Some("2026-11-22T10:00:00Z".parse().unwrap()));
        // A later registered duplicate keeps the first registered user.
        let e = entry(&[
            seen("a", "REGISTERED", "2026-11-22T07:00:00Z"),
            seen("b", "REGISTERED", "2026-11-22T10:00:00Z"),
        ]);
        assert_eq!(e.user, "a");
    }

    #[test]
    fn registered_count_counts_registered_numbers_only() {
        let s = Snapshot::of(&[
            ("+15550001", "REGISTERED"),
            ("+15550002", "OFFLINE"),
            ("+15550003", ""),
        ]);
        assert_eq!(s.registered_count(), 2);
    }
}
