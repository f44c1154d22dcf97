//! Properties of the pure sync planner over random inventories and
//! snapshots drawn from one small pool of numbers, so they overlap often.

use chrono::NaiveDate;
use proptest::prelude::*;
use std::collections::BTreeMap;
use switchboard::domain::cooling::{plan, ChangeKind, Plan};
use switchboard::domain::number::{InventoryItem, Status, VENDOR_AUDIOCODES};
use switchboard::domain::registered_user::{RegisteredUser, Snapshot};
use switchboard::domain::settings::InventorySettings;

const CONN: &str = "arm";

fn number(i: u8) -> String {
    format!("+1555000{i:02}")
}

fn item() -> impl Strategy<Value = InventoryItem> {
    (
        prop::sample::select(vec![
            Status::Available,
            Status::Used,
            Status::Cooling,
            Status::Reserved,
            Status::UsedUtility,
        ]),
        prop::sample::select(vec!["", VENDOR_AUDIOCODES, "Microsoft", "Webex Calling"]),
        prop::sample::select(vec![None, Some(CONN), Some("other-arm")]),
        0u32..6,
    )
        .prop_map(|(status, vendor, conn, days)| InventoryItem {
            number: String::new(),
            status,
            usage: if vendor == VENDOR_AUDIOCODES {
                "Device".into()
            } else {
                String::new()
            },
            vendor: vendor.into(),
            tag: String::new(),
            release_date: (status == Status::Cooling)
                .then(|| day0() + chrono::Days::new(days.into()) - chrono::Days::new(2)),
            connection: conn.map(String::from),
            registered_user: conn.map(|_| "someone".to_string()),
            last_seen: None,
        })
}

fn day0() -> NaiveDate {
    "2026-11-22".parse().unwrap()
}

fn inventory() -> impl Strategy<Value = Vec<InventoryItem>> {
    prop::collection::btree_map(0u8..40, item(), 0..30).prop_map(
        |m: BTreeMap<u8, InventoryItem>| {
            m.into_iter()
                .map(|(i, it)| InventoryItem {
                    number: number(i),
                    ..it
                })
                .collect()
        },
    )
}

fn snapshot() -> impl Strategy<Value = Snapshot> {
    prop::collection::vec(
        (
            0u8..40,
            prop::sample::select(vec!["REGISTERED", "OFFLINE", "registered", "weird"]),
        ),
        0..30,
    )
    .prop_map(|users| {
        let users: Vec<RegisteredUser> = users
            .into_iter()
            .enumerate()
            .map(|(k, (i, st))| RegisteredUser {
                id: format!("u{k}"),
                user_name: format!("user{k}"),
                display_name: String::new(),
                number: Some(number(i)),
                raw_status: st.into(),
                last_seen: None,
                sbc: String::new(),
            })
            .collect();
        Snapshot::from_users(&users)
    })
}

fn apply(inv: &[InventoryItem], p: &Plan) -> Vec<InventoryItem> {
    let mut by: BTreeMap<String, InventoryItem> =
        inv.iter().map(|i| (i.number.clone(), i.clone())).collect();
    for t in &p.transitions {
        by.insert(t.after.number.clone(), t.after.clone());
    }
    by.into_values().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_same_snapshot_twice_changes_nothing_the_second_time(
        inv in inventory(), snap in snapshot(), extra in 0u64..4
    ) {
        let s = InventorySettings::default();
        let first = plan(CONN, &snap, &inv, day0(), &s);
        let after = apply(&inv, &first);
        let today = day0();
        let second = plan(CONN, &snap, &after, today, &s);
        prop_assert!(second.transitions.is_empty(), "second plan: {:?}", second.transitions);
        // Later days may release what is due, but never cool or add again.
        let later = plan(CONN, &snap, &after, day0() + chrono::Days::new(extra), &s);
        prop_assert!(later.transitions.iter().all(|t| t.kind == ChangeKind::Released));
    }

    #[test]
    fn no_number_is_both_cooled_and_restored_or_planned_twice(
        inv in inventory(), snap in snapshot()
    ) {
        let p = plan(CONN, &snap, &inv, day0(), &InventorySettings::default());
        let mut seen = std::collections::HashSet::new();
        for t in &p.transitions {
            prop_assert!(seen.insert(t.after.number.clone()), "{} planned twice", t.after.number);
        }
        let cooled: Vec<_> = p.transitions.iter().filter(|t| t.kind == ChangeKind::Cooled).map(|t| &t.after.number).collect();
        prop_assert!(p.transitions.iter().filter(|t| t.kind == ChangeKind::Restored).all(|t| !cooled.contains(&&t.after.number)));
    }

    #[test]
    fn another_vendors_or_reserved_number_is_never_modified(
        inv in inventory(), snap in snapshot()
    ) {
        let p = plan(CONN, &snap, &inv, day0(), &InventorySettings::default());
        for t in &p.transitions {
            if let Some(b) = &t.before {
                let foreign = !b.vendor.is_empty() && b.vendor != VENDOR_AUDIOCODES;
                prop_assert!(!foreign, "{} of {} was changed: {:?}", b.number, b.vendor, t.kind);
                prop_assert!(b.status != Status::Reserved, "Reserved {} was changed", b.number);
                // Another connection's Used numbers are that connection's.
                let others = b.status == Status::Used && b.connection.as_deref() != Some(CONN);
                prop_assert!(!others, "{} used by {:?} was changed", b.number, b.connection);
            }
        }
        // And every conflict is reported, not silently skipped.
        prop_assert_eq!(p.counts.conflicts, p.conflicts.len());
    }
}
