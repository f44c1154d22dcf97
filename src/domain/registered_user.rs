//! Registered users as fetched from ARM, and the snapshot they make.

use chrono::{DateTime, Utc};

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

/// One entry: where its number and its user end in the snapshot's text
/// (the number first, from where the entry before ends), and the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    number_end: usize,
    user_end: usize,
    registered: bool,
    last_seen: Option<DateTime<Utc>>,
}

/// Every fetched user folded into one entry per number, in number order.
/// The numbers and users' names sit in one buffer of text: a plan walks
/// 100,000 of them in order without a string (or a map node) each, nor a
/// trip to each user's own strings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    text: String,
    entries: Vec<Entry>,
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

    /// A number's users are taken in list order (a stable sort; a list
    /// that comes sorted costs one pass): a registered user replaces an
    /// offline entry whole, and a later time of the same standing moves
    /// the time.
    pub fn from_users(users: &[RegisteredUser]) -> Snapshot {
        let mut numbered: Vec<(&str, &RegisteredUser)> = users
            .iter()
            .filter_map(|u| u.number.as_deref().map(|n| (n, u)))
            .collect();
        let mut snap = Snapshot {
            skipped: users.len() - numbered.len(),
            ..Snapshot::default()
        };
        numbered.sort_by(|a, b| a.0.cmp(b.0));
        snap.entries.reserve(numbered.len());
        // Users of a list mostly share a status: each new one is read once.
        let mut last_status: Option<(&str, bool)> = None;
        for (number, u) in numbered {
            let registered = match last_status {
                Some((status, registered)) if status == u.raw_status => registered,
                _ => {
                    let registered = u.is_registered();
                    last_status = Some((&u.raw_status, registered));
                    registered
                }
            };
            let last = snap.entries.len().checked_sub(1);
            match last.filter(|k| snap.number(*k) == number) {
                Some(k) => {
                    let e = &mut snap.entries[k];
                    if registered && !e.registered {
                        // The entry's user is the text's end: replaced.
                        snap.text.truncate(e.number_end);
                        snap.text.push_str(label(u));
                        *e = Entry {
                            user_end: snap.text.len(),
                            registered,
                            last_seen: u.last_seen,
                            ..*e
                        };
                    } else if u.last_seen > e.last_seen && registered == e.registered {
                        e.last_seen = u.last_seen;
                    }
                }
                None => {
                    snap.text.push_str(number);
                    let number_end = snap.text.len();
                    snap.text.push_str(label(u));
                    snap.entries.push(Entry {
                        number_end,
                        user_end: snap.text.len(),
                        registered,
                        last_seen: u.last_seen,
                    });
                }
            }
        }
        snap
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
        let start = match k {
            0 => 0,
            _ => self.entries[k - 1].user_end,
        };
        &self.text[start..self.entries[k].number_end]
    }

    fn entry(&self, k: usize) -> SnapshotEntry<'_> {
        let e = self.entries[k];
        SnapshotEntry {
            registered: e.registered,
            user: &self.text[e.number_end..e.user_end],
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
        let (mut lo, mut hi) = (0, self.entries.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.number(mid).cmp(number) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.entry(mid)),
            }
        }
        None
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
