//! A row of the inventory as the planner reads it: an [`InventoryItem`],
//! or a row the store keeps in a compact form and makes into an item only
//! where the plan changes it (an unchanged re-sync makes none).

use crate::domain::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use crate::domain::registered_user::SnapshotEntry;
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use std::borrow::Cow;

/// A time at the precision the store keeps it: the whole second
/// (`clock::stamp` writes no fraction). The plan compares a fetched time
/// with a stored one at this precision, so a time with a fraction that
/// has not changed is not written again on every sync.
pub fn as_stored(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
}

/// Every field of an inventory row, read in place.
pub trait PlanRow {
    fn number(&self) -> &str;
    fn status(&self) -> Status;
    /// The status as the store holds it, for reports (a text no status
    /// of ours reads as Inactive for the rules, but is reported as held).
    fn status_text(&self) -> &str {
        self.status().as_str()
    }
    fn usage(&self) -> &str;
    fn vendor(&self) -> &str;
    fn tag(&self) -> &str;
    fn release_date(&self) -> Option<NaiveDate>;
    fn connection(&self) -> Option<&str>;
    fn registered_user(&self) -> Option<&str>;
    fn last_seen(&self) -> Option<DateTime<Utc>>;
    /// Whether the row's last seen time is `t` (a row may compare it
    /// without making a time of its own).
    fn last_seen_is(&self, t: Option<DateTime<Utc>>) -> bool {
        self.last_seen() == t
    }
    /// Whether the columns read by parsing hold the very text the store
    /// writes for what they read as (a release date that is no date reads
    /// as none, yet is not NULL; a status is read in any case and trimmed,
    /// but written exactly, e.g. `Used`). A row that does not is not what
    /// [`super::used_by`] makes, and a plan that changes it writes it
    /// whole: its `item` cannot show the difference.
    fn stored_as_written(&self) -> bool {
        true
    }
    /// The row as an item (borrowed when it is one).
    fn item(&self) -> Cow<'_, InventoryItem>;

    fn is_audiocodes(&self) -> bool {
        self.vendor() == VENDOR_AUDIOCODES
    }

    /// Used / Device / AudioCodes by this connection (as
    /// [`InventoryItem::is_used_by`]).
    fn is_used_by(&self, connection: &str) -> bool {
        self.status() == Status::Used
            && self.is_audiocodes()
            && self.connection() == Some(connection)
    }

    /// Cooling with its release date reached (as [`super::is_due`]).
    fn is_due(&self, today: NaiveDate) -> bool {
        self.status() == Status::Cooling && self.release_date().is_some_and(|d| d <= today)
    }

    /// Whether the row is already what [`super::used_by`] would make of it
    /// for `entry` at `number`, with its hand tag kept
    /// ([`super::kept_tag`]): every field compared (a field added to
    /// `InventoryItem` needs an accessor here: the compact row's `item`
    /// lists every field, so it fails to compile until it has one).
    fn is_used_by_entry(&self, connection: &str, entry: &SnapshotEntry<'_>, number: &str) -> bool {
        self.number() == number
            && self.status() == Status::Used
            && self.usage() == USAGE_DEVICE
            && self.vendor() == VENDOR_AUDIOCODES
            && self.tag() == super::kept_tag(self.tag())
            && self.release_date().is_none()
            && self.stored_as_written()
            && self.connection() == Some(connection)
            && self.registered_user() == Some(entry.user)
            && self.last_seen_is(entry.last_seen.map(as_stored))
    }
}

impl PlanRow for InventoryItem {
    fn number(&self) -> &str {
        &self.number
    }
    fn status(&self) -> Status {
        self.status
    }
    fn usage(&self) -> &str {
        &self.usage
    }
    fn vendor(&self) -> &str {
        &self.vendor
    }
    fn tag(&self) -> &str {
        &self.tag
    }
    fn release_date(&self) -> Option<NaiveDate> {
        self.release_date
    }
    fn connection(&self) -> Option<&str> {
        self.connection.as_deref()
    }
    fn registered_user(&self) -> Option<&str> {
        self.registered_user.as_deref()
    }
    fn last_seen(&self) -> Option<DateTime<Utc>> {
        self.last_seen
    }
    fn item(&self) -> Cow<'_, InventoryItem> {
        Cow::Borrowed(self)
    }
}
