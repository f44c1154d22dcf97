//! Registered users as fetched from ARM, and the snapshot they make.

use chrono::{DateTime, Utc};
use std::borrow::Cow;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotEntry<'a> {
    pub registered: bool,
    /// The user the inventory links to: a registered one when there is one.
    pub user: &'a str,
    pub last_seen: Option<DateTime<Utc>>,
}

/// One entry: the user that decides it (by index), and the time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    user: usize,
    registered: bool,
    last_seen: Option<DateTime<Utc>>,
}

/// Every fetched user folded into one entry per number, in number order.
/// An entry points at its users rather than copying their text: a sync's
/// snapshot of 100,000 users borrows them (`from_users`), the audit's
/// owns them (`owning`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot<'a> {
    users: Cow<'a, [RegisteredUser]>,
    entries: Vec<Entry>,
    /// Users without a usable number: counted, never an error.
    pub skipped: usize,
}

impl Snapshot<'static> {
    /// A snapshot of one user per `(number, status)`, for tests.
    pub fn of(numbers: &[(&str, &str)]) -> Snapshot<'static> {
        Snapshot::owning(
            numbers
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
                .collect(),
        )
    }

    /// The snapshot of `users`, keeping them.
    pub fn owning(users: Vec<RegisteredUser>) -> Snapshot<'static> {
        let (entries, skipped) = fold(&users);
        Snapshot {
            users: Cow::Owned(users),
            entries,
            skipped,
        }
    }
}

impl<'a> Snapshot<'a> {
    /// The snapshot of `users`, borrowing them.
    pub fn from_users(users: &'a [RegisteredUser]) -> Snapshot<'a> {
        let (entries, skipped) = fold(users);
        Snapshot {
            users: Cow::Borrowed(users),
            entries,
            skipped,
        }
    }

    /// How many numbers it has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of entry `k`.
    fn number(&self, k: usize) -> &str {
        self.users[self.entries[k].user]
            .number
            .as_deref()
            .unwrap_or_default()
    }

    fn entry(&self, k: usize) -> SnapshotEntry<'_> {
        let e = self.entries[k];
        SnapshotEntry {
            registered: e.registered,
            user: label(&self.users[e.user]),
            last_seen: e.last_seen,
        }
    }

    /// Each number with its entry, in number order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (&str, SnapshotEntry<'_>)> {
        (0..self.entries.len()).map(|k| (self.number(k), self.entry(k)))
    }

    /// Each number, in order.
    pub fn numbers(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.entries.len()).map(|k| self.number(k))
    }

    /// The entry of `number`.
    pub fn get(&self, number: &str) -> Option<SnapshotEntry<'_>> {
        let k = self
            .entries
            .binary_search_by(|e| {
                self.users[e.user]
                    .number
                    .as_deref()
                    .unwrap_or_default()
                    .cmp(number)
            })
            .ok()?;
        Some(self.entry(k))
    }

    pub fn registered_count(&self) -> usize {
        self.entries.iter().filter(|e| e.registered).count()
    }
}

/// The name the inventory links a user by.
fn label(u: &RegisteredUser) -> &str {
    if u.user_name.is_empty() {
        &u.id
    } else {
        &u.user_name
    }
}

/// The entries of `users`, in number order, and how many have no number.
/// A number's users are taken in list order (a stable sort; a list that
/// comes sorted costs one pass): a registered user replaces an offline
/// entry whole, and a later time of the same standing moves the time.
fn fold(users: &[RegisteredUser]) -> (Vec<Entry>, usize) {
    let mut numbered: Vec<(&str, usize)> = users
        .iter()
        .enumerate()
        .filter_map(|(k, u)| u.number.as_deref().map(|n| (n, k)))
        .collect();
    let skipped = users.len() - numbered.len();
    numbered.sort_by(|a, b| a.0.cmp(b.0));
    let mut folded: Vec<Entry> = Vec::with_capacity(numbered.len());
    let mut last_number: Option<&str> = None;
    // Users of a list mostly share a status: each new one is read once.
    let mut last_status: Option<(&str, bool)> = None;
    for (number, k) in numbered {
        let u = &users[k];
        let registered = match last_status {
            Some((status, registered)) if status == u.raw_status => registered,
            _ => {
                let registered = u.is_registered();
                last_status = Some((&u.raw_status, registered));
                registered
            }
        };
        let new = Entry {
            user: k,
            registered,
            last_seen: u.last_seen,
        };
        match folded.last_mut() {
            Some(e) if last_number == Some(number) => {
                if registered && !e.registered {
                    *e = new;
                } else if u.last_seen > e.last_seen && registered == e.registered {
                    e.last_seen = u.last_seen;
                }
            }
            _ => folded.push(new),
        }
        last_number = Some(number);
    }
    (folded, skipped)
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
        let users = [
            user("a", Some("+15550001"), "OFFLINE"),
            user("b", Some("+15550001"), "registered"),
            user("c", None, "REGISTERED"),
            user("d", Some("+15550002"), "Weird"),
            user("e", Some("+15550003"), ""),
            user("f", Some("+15550004"), "not-active"),
        ];
        let s = Snapshot::from_users(&users);
        assert_eq!(s.len(), 4);
        let entry = |n: &str| s.get(n).unwrap();
        assert!(entry("+15550001").registered);
        assert_eq!(entry("+15550001").user, "b");
        // Unknown and absent statuses count as registered (presence).
        assert!(entry("+15550002").registered);
        assert!(entry("+15550003").registered);
        assert!(!entry("+15550004").registered);
        assert_eq!(s.get("+15550005"), None);
        let numbers: Vec<&str> = s.numbers().collect();
        assert_eq!(
            numbers,
            ["+15550001", "+15550002", "+15550003", "+15550004"]
        );
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
        struct Entry {
            registered: bool,
            user: String,
            last_seen: Option<DateTime<Utc>>,
        }
        let entry = |users: &[RegisteredUser]| {
            let snapshot = Snapshot::from_users(users);
            let e = snapshot.get("+15550001").unwrap();
            Entry {
                registered: e.registered,
                user: e.user.to_string(),
                last_seen: e.last_seen,
            }
        };
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
