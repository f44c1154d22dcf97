//! The AudioCodes sync planner and the cooling sweep, as VOSS Automate does
//! them. Pure: the caller passes the snapshot, the relevant inventory rows
//! and "today"; the store applies the plan in one transaction.

use super::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use super::registered_user::{Snapshot, SnapshotEntry};
use super::settings::InventorySettings;
use super::text::count;
use chrono::{Days, NaiveDate};
use serde::Serialize;

mod row;
pub use row::PlanRow;

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
    /// Still Used; only the linked user or last-seen time changed (no
    /// event). A hand tag stays ([`kept_tag`]).
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
    /// The stored row holds text `before` cannot show (see
    /// [`PlanRow::stored_as_written`]): every column is written, not only
    /// those that differ from `before`.
    pub whole_row: bool,
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
                "the ARM returned no users with a number: the sync would cool {} of {} (an empty list always needs confirmation)",
                self.would_cool,
                count(self.of_numbers, "number", "numbers")
            );
        }
        write!(
            f,
            "the sync would cool {} of {} (guard: more than {} and more than {}%)",
            self.would_cool,
            count(self.of_numbers, "number", "numbers"),
            self.min,
            self.percent
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

/// The tag a number Used by a connection keeps while a sync finds it
/// still Used: a hand tag is the operator's and stays; VOSS's generated
/// cooling tag is no hand tag and is cleared.
pub fn kept_tag(tag: &str) -> &str {
    if tag.starts_with(COOLING_TAG_PREFIX) {
        ""
    } else {
        tag
    }
}

/// Used / Device / AudioCodes by `connection`, linked to the entry's user.
pub fn used_by(connection: &str, entry: &SnapshotEntry<'_>, number: &str) -> InventoryItem {
    InventoryItem {
        number: number.to_string(),
        status: Status::Used,
        usage: USAGE_DEVICE.into(),
        vendor: VENDOR_AUDIOCODES.into(),
        tag: String::new(),
        release_date: None,
        connection: Some(connection.to_string()),
        registered_user: Some(entry.user.to_string()),
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
/// A row is made into an item only where the plan writes it or reports it
/// (an unchanged Used row is compared in place).
pub fn plan<R: PlanRow>(
    connection: &str,
    snapshot: &Snapshot,
    inventory: &[R],
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
        empty_list: snapshot.is_empty(),
        ..Default::default()
    };

    let mut inv = inventory.iter().peekable();
    let mut snap = snapshot.entries().peekable();
    loop {
        // Merge the two sorted sequences by number.
        let (item, entry) = match (inv.peek(), snap.peek()) {
            (None, None) => break,
            (Some(i), Some((n, _))) if i.number() < *n => (inv.next(), None),
            (Some(i), Some((n, _))) if i.number() > *n => (None, snap.next()),
            (Some(_), Some(_)) => (inv.next(), snap.next()),
            (Some(_), None) => (inv.next(), None),
            (None, Some(_)) => (None, snap.next()),
        };
        match (item, entry) {
            // Linked to this connection but gone from the snapshot.
            (Some(item), None) => unlisted(&mut p, connection, item, today, days),
            (item, Some((number, entry))) => {
                plan_entry(&mut p, connection, number, &entry, item, today, days);
            }
            (None, None) => unreachable!("merge yields at least one side"),
        }
    }
    p
}

/// Counts the transition and keeps it; `whole_row` as in [`Transition`].
fn push(
    p: &mut Plan,
    kind: ChangeKind,
    before: Option<InventoryItem>,
    whole_row: bool,
    after: InventoryItem,
) {
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
        before,
        after,
        whole_row,
    });
}

/// A row the snapshot does not list (or lists as offline): cooled when
/// this connection uses it, released when it is this connection's
/// Cooling number and due, else unchanged.
fn unlisted<R: PlanRow>(p: &mut Plan, connection: &str, row: &R, today: NaiveDate, days: u32) {
    if row.is_used_by(connection) {
        let before = row.item().into_owned();
        let after = cooled(&before, today, days);
        let whole_row = !row.stored_as_written();
        push(p, ChangeKind::Cooled, Some(before), whole_row, after);
    } else if row.is_audiocodes() && row.connection() == Some(connection) && row.is_due(today) {
        let before = row.item().into_owned();
        let after = released(&before);
        let whole_row = !row.stored_as_written();
        push(p, ChangeKind::Released, Some(before), whole_row, after);
    } else {
        p.counts.unchanged += 1;
    }
}

fn plan_entry<R: PlanRow>(
    p: &mut Plan,
    connection: &str,
    number: &str,
    entry: &SnapshotEntry<'_>,
    row: Option<&R>,
    today: NaiveDate,
    days: u32,
) {
    let used = || used_by(connection, entry, number);
    // The row before, and whether it must be written whole.
    let before = |i: &R| (Some(i.item().into_owned()), !i.stored_as_written());
    match (row, entry.registered) {
        (None, true) => push(p, ChangeKind::Added, None, false, used()),
        (None, false) => p.counts.unchanged += 1,
        (Some(i), true) => match i.status() {
            // Available but still marked with another vendor: held, not free.
            Status::Available if i.vendor().is_empty() || i.is_audiocodes() => {
                let (before, whole_row) = before(i);
                push(p, ChangeKind::Added, before, whole_row, used());
            }
            Status::Cooling if i.is_audiocodes() => {
                let (before, whole_row) = before(i);
                push(p, ChangeKind::Restored, before, whole_row, used());
            }
            Status::Used if i.is_used_by(connection) => {
                if i.is_used_by_entry(connection, entry, number) {
                    p.counts.unchanged += 1;
                } else {
                    let (before, whole_row) = before(i);
                    let after = InventoryItem {
                        tag: kept_tag(i.tag()).to_string(),
                        ..used()
                    };
                    push(p, ChangeKind::Refreshed, before, whole_row, after);
                }
            }
            _ => {
                p.counts.conflicts += 1;
                p.conflicts.push(Conflict {
                    number: i.number().to_string(),
                    status: i.status_text().into(),
                    vendor: i.vendor().to_string(),
                    connection: i.connection().map(str::to_string),
                });
            }
        },
        (Some(i), false) => unlisted(p, connection, i, today, days),
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
            whole_row: false,
        })
        .collect()
}

#[cfg(test)]
mod tests;
