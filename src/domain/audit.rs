//! Audit Number Inventory, for AudioCodes numbers: findings from the
//! inventory and each connection's last fetched snapshot, and the fix the
//! sync rules give each. Cooling and Reserved numbers are skipped and
//! nothing is ever deleted.

use super::cooling::{self, cooled, ChangeKind, Transition};
use super::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use super::registered_user::Snapshot;
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Vendor AudioCodes but not Used / Device.
    NotUsedDevice,
    /// Registered in a connection's last snapshot but not Used by it.
    RegisteredNotUsed,
    /// Used by a connection, absent (or offline) in its last snapshot, not cooling.
    UsedNotRegistered,
    /// Available or Cooling here, but AXP uses it (an element's DID number
    /// or an AXP phone number). Left alone: which side is right is a
    /// person's call.
    InUseOnAxp,
}

impl FindingKind {
    pub fn describe(self) -> &'static str {
        match self {
            FindingKind::NotUsedDevice => "AudioCodes number not Used / Device",
            FindingKind::RegisteredNotUsed => "registered but not Used by its connection",
            FindingKind::UsedNotRegistered => "Used but not registered, and not cooling",
            FindingKind::InUseOnAxp => "free here but in use on AXP",
        }
    }

    /// From its JSON name (`not_used_device`, ...).
    pub fn parse(s: &str) -> Option<FindingKind> {
        [
            FindingKind::NotUsedDevice,
            FindingKind::RegisteredNotUsed,
            FindingKind::UsedNotRegistered,
            FindingKind::InUseOnAxp,
        ]
        .into_iter()
        .find(|k| {
            serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(|x| x == s))
                == Some(true)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub number: String,
    pub kind: FindingKind,
    pub connection: Option<String>,
    pub status: String,
    /// What `--fix` does, in words; `None` when it must be left alone.
    pub fix: Option<String>,
    #[serde(skip)]
    pub transition: Option<Transition>,
}

/// `items`: every AudioCodes-vendor or connection-linked row plus every row
/// of a snapshot number, once each. `snapshots`: the last fetched snapshot of
/// each connection that has one.
pub fn audit(
    items: &[InventoryItem],
    snapshots: &BTreeMap<String, Snapshot>,
    today: NaiveDate,
    cooling_days: u32,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let by_number: BTreeMap<&str, &InventoryItem> =
        items.iter().map(|i| (i.number.as_str(), i)).collect();
    let skipped = |i: &InventoryItem| matches!(i.status, Status::Cooling | Status::Reserved);
    let registered_in = |number: &str| {
        snapshots
            .iter()
            .find(|(_, s)| s.get(number).is_some_and(|e| e.registered))
    };

    for item in items.iter().filter(|i| !skipped(i)) {
        let registered = registered_in(&item.number);
        if item.is_audiocodes() && !(item.status == Status::Used && item.usage == USAGE_DEVICE) {
            let fix = match registered {
                Some((conn, snap)) => used_by(item, conn, snap),
                None => cool(item, today, cooling_days),
            };
            out.push(finding(item, FindingKind::NotUsedDevice, fix));
            continue;
        }
        if let Some(conn) = item.connection.as_deref() {
            let gone = snapshots
                .get(conn)
                .is_some_and(|s| !s.get(&item.number).is_some_and(|e| e.registered));
            if item.is_used_by(conn) && gone {
                let fix = cool(item, today, cooling_days);
                out.push(finding(item, FindingKind::UsedNotRegistered, fix));
            }
        }
    }
    for (conn, snap) in snapshots {
        for number in snap.entries().filter(|(_, e)| e.registered).map(|(n, _)| n) {
            let item = by_number.get(number).copied();
            if item.is_some_and(|i| i.is_used_by(conn) || skipped(i) || i.is_audiocodes()) {
                // Fine, skipped, or already reported above.
                continue;
            }
            let base = item
                .cloned()
                .unwrap_or_else(|| InventoryItem::available(number.to_string()));
            let fix = match item {
                Some(i) if i.status != Status::Available || !i.vendor.is_empty() => None,
                _ => used_by(&base, conn, snap),
            };
            let mut f = finding(&base, FindingKind::RegisteredNotUsed, fix);
            f.connection = Some(conn.clone());
            if item.is_none() {
                f.status = "not in inventory".into();
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| a.number.cmp(&b.number));
    out
}

/// Rows that are Available or Cooling here while AXP uses their number
/// (`refs` as `voice_numbers::axp_numbers` gives them). Never fixed.
pub fn in_use_on_axp(rows: &[InventoryItem], refs: &[(String, String)]) -> Vec<Finding> {
    rows.iter()
        .filter(|r| super::voice_numbers::free_but_used_on_axp(r, refs))
        .map(|r| {
            let mut f = finding(r, FindingKind::InUseOnAxp, None);
            let places: Vec<&str> = refs
                .iter()
                .filter(|(n, _)| *n == r.number)
                .map(|(_, w)| w.as_str())
                .collect();
            f.connection = Some(places.join("; "));
            f
        })
        .collect()
}

fn finding(item: &InventoryItem, kind: FindingKind, fix: Option<Transition>) -> Finding {
    Finding {
        number: item.number.clone(),
        kind,
        connection: item.connection.clone(),
        status: item.status.as_str().to_string(),
        fix: fix.as_ref().map(|t| match t.kind {
            ChangeKind::Cooled => format!(
                "cool until {}",
                t.after
                    .release_date
                    .map(|d| d.to_string())
                    .unwrap_or_default()
            ),
            _ => format!(
                "Used / Device / AudioCodes by {}",
                t.after.connection.as_deref().unwrap_or("?")
            ),
        }),
        transition: fix,
    }
}

fn used_by(item: &InventoryItem, conn: &str, snap: &Snapshot) -> Option<Transition> {
    let entry = snap.get(&item.number)?;
    Some(Transition {
        kind: ChangeKind::Added,
        before: Some(item.clone()),
        after: cooling::used_by(conn, &entry, &item.number),
        whole_row: false,
    })
}

fn cool(item: &InventoryItem, today: NaiveDate, days: u32) -> Option<Transition> {
    Some(Transition {
        kind: ChangeKind::Cooled,
        before: Some(item.clone()),
        after: InventoryItem {
            vendor: VENDOR_AUDIOCODES.into(),
            usage: USAGE_DEVICE.into(),
            ..cooled(item, today, days)
        },
        whole_row: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(numbers: &[(&str, &str)]) -> Snapshot {
        Snapshot::of(numbers)
    }

    fn used(n: &str, conn: &str) -> InventoryItem {
        InventoryItem {
            status: Status::Used,
            usage: USAGE_DEVICE.into(),
            vendor: VENDOR_AUDIOCODES.into(),
            connection: Some(conn.into()),
            registered_user: Some(format!("user{n}")),
            ..InventoryItem::available(n)
        }
    }

    #[test]
    fn finds_each_kind_and_skips_cooling_and_reserved() {
        let today: NaiveDate = "2026-11-22".parse().unwrap();
        let mut wrong_usage = used("+1555003", "arm");
        wrong_usage.usage = String::new();
        let reserved = InventoryItem {
            status: Status::Reserved,
            ..InventoryItem::available("+1555005")
        };
        let cooling = InventoryItem {
            status: Status::Cooling,
            vendor: VENDOR_AUDIOCODES.into(),
            ..InventoryItem::available("+1555006")
        };
        let microsoft = InventoryItem {
            status: Status::Used,
            vendor: "Microsoft".into(),
            ..InventoryItem::available("+1555007")
        };
        let items = vec![
            used("+1555001", "arm"),
            used("+1555002", "arm"),
            wrong_usage,
            reserved,
            cooling,
            microsoft,
        ];
        let snaps = BTreeMap::from([(
            "arm".to_string(),
            snap(&[
                ("+1555001", "REGISTERED"),
                ("+1555002", "OFFLINE"),
                ("+1555003", "REGISTERED"),
                ("+1555004", "REGISTERED"),
                ("+1555005", "REGISTERED"),
                ("+1555006", "REGISTERED"),
                ("+1555007", "REGISTERED"),
            ]),
        )]);
        let found = audit(&items, &snaps, today, 2);
        let kinds: Vec<(&str, FindingKind, bool)> = found
            .iter()
            .map(|f| (f.number.as_str(), f.kind, f.transition.is_some()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("+1555002", FindingKind::UsedNotRegistered, true),
                ("+1555003", FindingKind::NotUsedDevice, true),
                ("+1555004", FindingKind::RegisteredNotUsed, true),
                ("+1555007", FindingKind::RegisteredNotUsed, false),
            ]
        );
        assert_eq!(
            found[0].transition.as_ref().unwrap().after.status,
            Status::Cooling
        );
        assert_eq!(found[2].status, "not in inventory");
    }
}
