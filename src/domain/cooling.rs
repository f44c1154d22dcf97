//! The AudioCodes sync planner and the cooling sweep, as VOSS Automate does
//! them. Pure: the caller passes the snapshot, the relevant inventory rows
//! and "today"; the store applies the plan in one transaction.

use super::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use super::registered_user::{Snapshot, SnapshotEntry};
use super::settings::InventorySettings;
use chrono::{Days, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Registered, not in inventory or Available: now Used / Device / AudioCodes.
    Added,
    /// Cooling, registered again: back to Used / Device / AudioCodes.
    Restored,
    /// Used by this connection, now offline or gone: Cooling.
    Cooled,
    /// Cooling, release date reached: Available.
    Released,
    /// Still Used; only the linked user or last-seen time changed (no event).
    Refreshed,
    /// By hand: Available to Reserved.
    Reserved,
    /// By hand: Reserved back to Available.
    Unreserved,
    /// By hand: a Cooling number's release date moved later.
    Extended,
    /// By hand: the tag edited.
    Tagged,
}

impl ChangeKind {
    /// Whether the change is written as a number event even when the status
    /// stays the same (hand edits are always worth a line of history).
    pub fn always_recorded(self) -> bool {
        matches!(self, ChangeKind::Extended | ChangeKind::Tagged)
    }
}

/// One row to write: the row before (None when new) and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub kind: ChangeKind,
    pub before: Option<InventoryItem>,
    pub after: InventoryItem,
}

impl Transition {
    /// Whether this changes the status (and so writes a number event).
    pub fn changes_status(&self) -> bool {
        self.before.as_ref().map(|b| b.status) != Some(self.after.status)
    }
}

/// A number the sync may not take: held by another vendor or connection, or Reserved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Conflict {
    pub number: String,
    pub status: String,
    pub vendor: String,
    pub connection: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncCounts {
    pub added: usize,
    pub restored: usize,
    pub cooled: usize,
    pub released: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub conflicts: usize,
}

impl SyncCounts {
    /// `added 3, restored 0, …`: as a sync's report says them.
    pub fn describe(&self) -> String {
        format!(
            "added {}, restored {}, cooled {}, released {}, unchanged {}, skipped {}, conflicts {}",
            self.added,
            self.restored,
            self.cooled,
            self.released,
            self.unchanged,
            self.skipped,
            self.conflicts
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub transitions: Vec<Transition>,
    pub conflicts: Vec<Conflict>,
    pub counts: SyncCounts,
    /// Numbers Used by this connection before the sync (the guard's base).
    pub used_before: usize,
    /// The ARM's list gave no number at all (no users, or none usable).
    pub empty_list: bool,
}

/// Why a plan must not be applied without confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardTrip {
    pub would_cool: usize,
    pub of_numbers: usize,
    pub min: u32,
    pub percent: u32,
    /// Tripped because the list was empty, however few the numbers.
    pub empty_list: bool,
}

impl std::fmt::Display for GuardTrip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.empty_list {
            return write!(
                f,
                "the ARM returned no users with a number: the sync would cool {} of {} numbers (an empty list always needs confirmation)",
                self.would_cool, self.of_numbers
            );
        }
        write!(
            f,
            "the sync would cool {} of {} numbers (guard: more than {} and more than {}%)",
            self.would_cool, self.of_numbers, self.min, self.percent
        )
    }
}

impl Plan {
    /// VOSS's PULL_SYNC_DELETE_THRESHOLD, as two settings.
    /// An empty list for a connection that holds numbers always trips it.
    pub fn guard(&self, s: &InventorySettings) -> Option<GuardTrip> {
        let cooled = self.counts.cooled;
        let over_min = cooled > s.cooling_guard_min as usize;
        let over_pct = cooled * 100 > s.cooling_guard_percent as usize * self.used_before.max(1);
        let empty = self.empty_list && self.used_before > 0;
        (empty || (over_min && over_pct)).then_some(GuardTrip {
            would_cool: cooled,
            of_numbers: self.used_before,
            min: s.cooling_guard_min,
            percent: s.cooling_guard_percent,
            empty_list: empty,
        })
    }
}

/// How VOSS's cooling tag begins. The store's substring search leaves this
/// generated text out (its migration spells the same words).
pub const COOLING_TAG_PREFIX: &str = "Registered user is either offline or deleted, release date ";

pub fn cooling_tag(began: NaiveDate, days: u32) -> String {
    format!(
        "{COOLING_TAG_PREFIX}{} + {} days",
        began.format("%Y-%m-%d"),
        days
    )
}

/// Used / Device / AudioCodes by `connection`, linked to the entry's user.
pub fn used_by(connection: &str, entry: &SnapshotEntry, number: &str) -> InventoryItem {
    InventoryItem {
        number: number.to_string(),
        status: Status::Used,
        usage: USAGE_DEVICE.into(),
        vendor: VENDOR_AUDIOCODES.into(),
        tag: String::new(),
        release_date: None,
        connection: Some(connection.to_string()),
        registered_user: Some(entry.user.clone()),
        last_seen: entry.last_seen,
    }
}

/// `began + days`, if that is a date a store row can hold (at most
/// 9999-12-31); checked, so no date and no number of days can overflow.
pub fn release_after(began: NaiveDate, days: u32) -> Option<NaiveDate> {
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)?;
    began
        .checked_add_days(Days::new(days.into()))
        .filter(|d| *d <= last)
}

/// Cooling as VOSS applies it: release date is `began + days`.
pub fn cooled(item: &InventoryItem, began: NaiveDate, days: u32) -> InventoryItem {
    InventoryItem {
        status: Status::Cooling,
        tag: cooling_tag(began, days),
        release_date: release_after(began, days),
        ..item.clone()
    }
}

/// Back to the Available pool: vendor, usage, tag, release date and links cleared.
pub fn released(item: &InventoryItem) -> InventoryItem {
    InventoryItem::available(item.number.clone())
}

pub fn is_due(item: &InventoryItem, today: NaiveDate) -> bool {
    item.status == Status::Cooling && item.release_date.is_some_and(|d| d <= today)
}

/// Plans a sync of `connection`. `inventory` must hold every row whose number
/// is in the snapshot and every row linked to the connection, sorted by
/// number (the store's primary key order), so that the plan is one merge.
pub fn plan(
    connection: &str,
    snapshot: &Snapshot,
    inventory: &[InventoryItem],
    today: NaiveDate,
    settings: &InventorySettings,
) -> Plan {
    let days = settings.audiocodes_cooling_duration_days;
    let mut p = Plan {
        counts: SyncCounts {
            skipped: snapshot.skipped,
            ..Default::default()
        },
        used_before: inventory
            .iter()
            .filter(|i| i.is_used_by(connection))
            .count(),
        empty_list: snapshot.entries.is_empty(),
        ..Default::default()
    };
    let mut push = |p: &mut Plan, kind, before: Option<&InventoryItem>, after| {
        match kind {
            ChangeKind::Added => p.counts.added += 1,
            ChangeKind::Restored => p.counts.restored += 1,
            ChangeKind::Cooled => p.counts.cooled += 1,
            ChangeKind::Released => p.counts.released += 1,
            ChangeKind::Refreshed => p.counts.unchanged += 1,
            // Hand edits: never planned by a sync.
            ChangeKind::Reserved
            | ChangeKind::Unreserved
            | ChangeKind::Extended
            | ChangeKind::Tagged => {}
        }
        p.transitions.push(Transition {
            kind,
            before: before.cloned(),
            after,
        });
    };

    let mut inv = inventory.iter().peekable();
    let mut snap = snapshot.entries.iter().peekable();
    loop {
        // Merge the two sorted sequences by number.
        let (item, entry) = match (inv.peek(), snap.peek()) {
            (None, None) => break,
            (Some(i), Some((n, _))) if i.number.as_str() < n.as_str() => (inv.next(), None),
            (Some(i), Some((n, _))) if i.number.as_str() > n.as_str() => (None, snap.next()),
            (Some(_), Some(_)) => (inv.next(), snap.next()),
            (Some(_), None) => (inv.next(), None),
            (None, Some(_)) => (None, snap.next()),
        };
        match (item, entry) {
            (Some(item), None) => {
                // Linked to this connection but gone from the snapshot.
                if item.is_used_by(connection) {
                    push(
                        &mut p,
                        ChangeKind::Cooled,
                        Some(item),
                        cooled(item, today, days),
                    );
                } else if item.is_audiocodes()
                    && item.connection.as_deref() == Some(connection)
                    && is_due(item, today)
                {
                    push(&mut p, ChangeKind::Released, Some(item), released(item));
                } else {
                    p.counts.unchanged += 1;
                }
            }
            (item, Some((number, entry))) => plan_entry(
                &mut p, &mut push, connection, number, entry, item, today, days,
            ),
            (None, None) => unreachable!("merge yields at least one side"),
        }
    }
    p
}

#[allow(clippy::too_many_arguments)]
fn plan_entry(
    p: &mut Plan,
    push: &mut impl FnMut(&mut Plan, ChangeKind, Option<&InventoryItem>, InventoryItem),
    connection: &str,
    number: &str,
    entry: &SnapshotEntry,
    item: Option<&InventoryItem>,
    today: NaiveDate,
    days: u32,
) {
    let conflict = |p: &mut Plan, i: &InventoryItem| {
        p.counts.conflicts += 1;
        p.conflicts.push(Conflict {
            number: i.number.clone(),
            status: i.status.as_str().into(),
            vendor: i.vendor.clone(),
            connection: i.connection.clone(),
        });
    };
    match (item, entry.registered) {
        (None, true) => push(
            p,
            ChangeKind::Added,
            None,
            used_by(connection, entry, number),
        ),
        (None, false) => p.counts.unchanged += 1,
        (Some(i), true) => match i.status {
            // Available but still marked with another vendor: held, not free.
            Status::Available if i.vendor.is_empty() || i.is_audiocodes() => push(
                p,
                ChangeKind::Added,
                Some(i),
                used_by(connection, entry, number),
            ),
            Status::Cooling if i.is_audiocodes() => push(
                p,
                ChangeKind::Restored,
                Some(i),
                used_by(connection, entry, number),
            ),
            Status::Used if i.is_used_by(connection) => {
                let after = used_by(connection, entry, number);
                if after != *i {
                    push(p, ChangeKind::Refreshed, Some(i), after);
                } else {
                    p.counts.unchanged += 1;
                }
            }
            _ => conflict(p, i),
        },
        (Some(i), false) => {
            if i.is_used_by(connection) {
                push(p, ChangeKind::Cooled, Some(i), cooled(i, today, days));
            } else if i.is_audiocodes()
                && i.connection.as_deref() == Some(connection)
                && is_due(i, today)
            {
                push(p, ChangeKind::Released, Some(i), released(i));
            } else {
                p.counts.unchanged += 1;
            }
        }
    }
}

/// Releases every Cooling number whose release date has come, however old.
pub fn sweep(cooling: &[InventoryItem], today: NaiveDate) -> Vec<Transition> {
    cooling
        .iter()
        .filter(|i| is_due(i, today))
        .map(|i| Transition {
            kind: ChangeKind::Released,
            before: Some(i.clone()),
            after: released(i),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn snap(numbers: &[(&str, &str)]) -> Snapshot {
        Snapshot::of(numbers)
    }

    fn apply(inv: &mut Vec<InventoryItem>, plan: &Plan) {
        for t in &plan.transitions {
            inv.retain(|i| i.number != t.after.number);
            inv.push(t.after.clone());
        }
        inv.sort_by(|a, b| a.number.cmp(&b.number));
    }

    #[test]
    fn the_voss_lifecycle() {
        let s = InventorySettings::default();
        let mut inv = vec![];
        let day0 = d("2026-11-22");
        let p = plan(
            "arm",
            &snap(&[("+1555001", "REGISTERED"), ("+1555002", "REGISTERED")]),
            &inv,
            day0,
            &s,
        );
        assert_eq!(p.counts.added, 2);
        apply(&mut inv, &p);
        assert!(inv
            .iter()
            .all(|i| i.is_used_by("arm") && i.usage == "Device"));

        // +1555001 goes offline, +1555002 is deleted.
        let p = plan("arm", &snap(&[("+1555001", "OFFLINE")]), &inv, day0, &s);
        assert_eq!(p.counts.cooled, 2);
        apply(&mut inv, &p);
        let c = &inv[0];
        assert_eq!(c.status, Status::Cooling);
        assert_eq!(c.release_date, Some(d("2026-11-24")));
        assert_eq!(
            c.tag,
            "Registered user is either offline or deleted, release date 2026-11-22 + 2 days"
        );

        // Day 1: +1555001 back online; +1555002 still gone stays cooling.
        let p = plan(
            "arm",
            &snap(&[("+1555001", "REGISTERED")]),
            &inv,
            d("2026-11-23"),
            &s,
        );
        assert_eq!(
            (p.counts.restored, p.counts.cooled, p.counts.released),
            (1, 0, 0)
        );
        apply(&mut inv, &p);
        assert_eq!(inv[0].status, Status::Used);
        assert_eq!(inv[0].tag, "");
        assert_eq!(inv[0].release_date, None);

        // Day 2: the sweep releases +1555002.
        let cooling: Vec<_> = inv
            .iter()
            .filter(|i| i.status == Status::Cooling)
            .cloned()
            .collect();
        assert!(sweep(&cooling, d("2026-11-23")).is_empty());
        let rel = sweep(&cooling, d("2026-11-24"));
        assert_eq!(rel.len(), 1);
        assert_eq!(rel[0].after, InventoryItem::available("+1555002"));
    }

    #[test]
    fn other_vendors_and_reserved_are_conflicts() {
        let s = InventorySettings::default();
        let mut ms = InventoryItem::available("+1555001");
        ms.status = Status::Used;
        ms.vendor = "Microsoft".into();
        let mut res = InventoryItem::available("+1555002");
        res.status = Status::Reserved;
        let p = plan(
            "arm",
            &snap(&[("+1555001", "REGISTERED"), ("+1555002", "REGISTERED")]),
            &[ms, res],
            d("2026-11-22"),
            &s,
        );
        assert_eq!(p.counts.conflicts, 2);
        assert!(p.transitions.is_empty());
    }

    #[test]
    fn guard_trips_only_over_both_limits() {
        let s = InventorySettings::default();
        let users: Vec<(String, &str)> = (0..40)
            .map(|i| (format!("+1555{i:04}"), "REGISTERED"))
            .collect();
        let refs: Vec<(&str, &str)> = users.iter().map(|(a, b)| (a.as_str(), *b)).collect();
        let mut inv = vec![];
        let first = plan("arm", &snap(&refs), &inv, d("2026-11-22"), &s);
        apply(&mut inv, &first);
        // 30 of 40 vanish: over 10 and over 25%.
        let p = plan("arm", &snap(&refs[..10]), &inv, d("2026-11-22"), &s);
        let trip = p.guard(&s).expect("guard trips");
        assert_eq!((trip.would_cool, trip.of_numbers), (30, 40));
        // 5 vanish: under the minimum.
        assert!(plan("arm", &snap(&refs[..35]), &inv, d("2026-11-22"), &s)
            .guard(&s)
            .is_none());
        // An empty list trips it however few the numbers.
        let mut one = vec![];
        let first_one = plan("arm", &snap(&refs[..1]), &one, d("2026-11-22"), &s);
        apply(&mut one, &first_one);
        let trip = plan("arm", &snap(&[]), &one, d("2026-11-22"), &s)
            .guard(&s)
            .expect("an empty list trips the guard");
        assert!(trip.empty_list && trip.of_numbers == 1, "{trip}");
        // ... but not for a connection that holds nothing.
        assert!(plan("arm", &snap(&[]), &[], d("2026-11-22"), &s)
            .guard(&s)
            .is_none());
    }

    /// A plan that would cool `cooled` of the `used_before` numbers.
    fn cooling(cooled: usize, used_before: usize) -> Plan {
        Plan {
            counts: SyncCounts {
                cooled,
                ..Default::default()
            },
            used_before,
            ..Default::default()
        }
    }

    #[test]
    fn guard_needs_more_than_the_minimum_and_more_than_the_percentage() {
        let s = InventorySettings::default();
        assert_eq!((s.cooling_guard_min, s.cooling_guard_percent), (10, 25));
        let trips = |cooled, of| cooling(cooled, of).guard(&s).is_some();
        // Over the minimum, far under the percentage: 11 of 1,000.
        assert!(!trips(11, 1000));
        // Exactly the minimum, all of them: not more than 10.
        assert!(!trips(10, 10));
        assert!(trips(11, 11));
        // Exactly 25 % (11 of 44): not more than 25 %; 12 of 44 is.
        assert!(!trips(11, 44));
        assert!(trips(12, 44));
        let trip = cooling(12, 44).guard(&s).unwrap();
        assert_eq!(
            trip,
            GuardTrip {
                would_cool: 12,
                of_numbers: 44,
                min: 10,
                percent: 25,
                empty_list: false
            }
        );
    }

    #[test]
    fn plan_counts_the_snapshots_skipped_users() {
        let mut snapshot = snap(&[("+1555001", "REGISTERED")]);
        snapshot.skipped = 3;
        let p = plan(
            "arm",
            &snapshot,
            &[],
            d("2026-11-22"),
            &InventorySettings::default(),
        );
        assert_eq!((p.counts.added, p.counts.skipped), (1, 3));
    }

    fn row(
        number: &str,
        status: Status,
        vendor: &str,
        connection: &str,
        release: &str,
    ) -> InventoryItem {
        InventoryItem {
            status,
            vendor: vendor.into(),
            connection: Some(connection.into()),
            release_date: Some(d(release)),
            ..InventoryItem::available(number)
        }
    }

    #[test]
    fn a_sync_releases_only_its_own_due_audiocodes_numbers() {
        let s = InventorySettings::default();
        let today = d("2026-11-24");
        // Gone from the list (1..4) or in it offline (5..8).
        let inv = [
            row(
                "+1555001",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "arm",
                "2026-11-24",
            ),
            row(
                "+1555002",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "other",
                "2026-11-23",
            ),
            row(
                "+1555003",
                Status::Cooling,
                "Microsoft",
                "arm",
                "2026-11-23",
            ),
            row(
                "+1555004",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "arm",
                "2026-11-25",
            ),
            row(
                "+1555005",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "arm",
                "2026-11-24",
            ),
            row(
                "+1555006",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "other",
                "2026-11-23",
            ),
            row(
                "+1555007",
                Status::Cooling,
                "Microsoft",
                "arm",
                "2026-11-23",
            ),
            row(
                "+1555008",
                Status::Cooling,
                VENDOR_AUDIOCODES,
                "arm",
                "2026-11-25",
            ),
        ];
        let list = snap(&[
            ("+1555005", "OFFLINE"),
            ("+1555006", "OFFLINE"),
            ("+1555007", "OFFLINE"),
            ("+1555008", "OFFLINE"),
        ]);
        let p = plan("arm", &list, &inv, today, &s);
        let released: Vec<&str> = p
            .transitions
            .iter()
            .map(|t| (t.kind, t.after.number.as_str()))
            .filter(|(k, _)| *k == ChangeKind::Released)
            .map(|(_, n)| n)
            .collect();
        assert_eq!(released, ["+1555001", "+1555005"]);
        assert_eq!(p.transitions.len(), 2, "{:?}", p.transitions);
        assert_eq!((p.counts.released, p.counts.unchanged), (2, 6));
    }

    #[test]
    fn a_number_cooling_for_another_vendor_is_a_conflict() {
        let s = InventorySettings::default();
        let inv = [row(
            "+1555001",
            Status::Cooling,
            "Microsoft",
            "teams",
            "2026-11-30",
        )];
        let p = plan(
            "arm",
            &snap(&[("+1555001", "REGISTERED")]),
            &inv,
            d("2026-11-22"),
            &s,
        );
        assert_eq!(p.counts.conflicts, 1);
        assert_eq!(
            p.conflicts,
            [Conflict {
                number: "+1555001".into(),
                status: "Cooling".into(),
                vendor: "Microsoft".into(),
                connection: Some("teams".into()),
            }]
        );
        assert!(p.transitions.is_empty());
    }

    #[test]
    fn a_refresh_counts_as_unchanged_and_an_offline_unknown_number_is_ignored() {
        let s = InventorySettings::default();
        let mut inv = vec![];
        let first = plan(
            "arm",
            &snap(&[("+1555001", "REGISTERED")]),
            &inv,
            d("2026-11-22"),
            &s,
        );
        apply(&mut inv, &first);
        // Another user now holds the number: the row is refreshed, not added.
        let mut list = snap(&[("+1555001", "REGISTERED"), ("+1555002", "OFFLINE")]);
        list.entries.get_mut("+1555001").unwrap().user = "bob".into();
        let p = plan("arm", &list, &inv, d("2026-11-22"), &s);
        assert_eq!(p.transitions.len(), 1);
        assert_eq!(p.transitions[0].kind, ChangeKind::Refreshed);
        assert_eq!(
            p.transitions[0].after.registered_user.as_deref(),
            Some("bob")
        );
        assert_eq!(
            p.counts,
            SyncCounts {
                unchanged: 2,
                ..Default::default()
            }
        );
    }

    #[test]
    fn counts_and_guard_trips_read_as_the_report_says_them() {
        let counts = SyncCounts {
            added: 1,
            restored: 2,
            cooled: 3,
            released: 4,
            unchanged: 5,
            skipped: 6,
            conflicts: 7,
        };
        assert_eq!(
            counts.describe(),
            "added 1, restored 2, cooled 3, released 4, unchanged 5, skipped 6, conflicts 7"
        );
        let s = InventorySettings::default();
        let trip = cooling(12, 44).guard(&s).unwrap();
        assert_eq!(
            trip.to_string(),
            "the sync would cool 12 of 44 numbers (guard: more than 10 and more than 25%)"
        );
        let empty = Plan {
            used_before: 3,
            empty_list: true,
            ..cooling(3, 3)
        };
        assert!(empty.guard(&s).unwrap().to_string().starts_with(
            "the ARM returned no users with a number: the sync would cool 3 of 3 numbers"
        ));
    }
}
