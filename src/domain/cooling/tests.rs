use super::*;
use crate::domain::registered_user::RegisteredUser;

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
    assert!(
        plan::<InventoryItem>("arm", &snap(&[]), &[], d("2026-11-22"), &s)
            .guard(&s)
            .is_none()
    );
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
    let p = plan::<InventoryItem>(
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
    let mut users = vec![
        RegisteredUser {
            id: "b".into(),
            user_name: "bob".into(),
            display_name: String::new(),
            number: Some("+1555001".into()),
            raw_status: "REGISTERED".into(),
            last_seen: None,
            sbc: String::new(),
        };
        2
    ];
    users[1].number = Some("+1555002".into());
    users[1].raw_status = "OFFLINE".into();
    let list = Snapshot::from_users(&users);
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

#[test]
fn a_hand_tag_stays_on_a_used_number_and_the_cooling_tag_goes() {
    let s = InventorySettings::default();
    let today = d("2026-11-22");
    let snapshot = snap(&[
        ("+1555001", "REGISTERED"),
        ("+1555002", "REGISTERED"),
        ("+1555003", "REGISTERED"),
        ("+1555004", "REGISTERED"),
    ]);
    let used = |n: &str, tag: &str| InventoryItem {
        tag: tag.into(),
        ..used_by("arm", &snapshot.get(n).unwrap(), n)
    };
    let cooling_tag = cooling_tag(d("2026-11-20"), 2);
    let inv = vec![
        // Unchanged but for its hand tag: nothing to write.
        used("+1555001", "VIP customer"),
        // Refreshed (another user): the hand tag stays.
        InventoryItem {
            registered_user: Some("someone else".into()),
            ..used("+1555002", "VIP customer")
        },
        // Used with VOSS's cooling tag: not a hand tag, cleared.
        used("+1555003", &cooling_tag),
        // Back from Cooling: the tag is cleared as ever.
        cooled(&used("+1555004", ""), d("2026-11-20"), 2),
    ];
    let p = plan("arm", &snapshot, &inv, today, &s);
    let written: Vec<(&str, ChangeKind, &str)> = p
        .transitions
        .iter()
        .map(|t| (t.after.number.as_str(), t.kind, t.after.tag.as_str()))
        .collect();
    assert_eq!(
        written,
        [
            ("+1555002", ChangeKind::Refreshed, "VIP customer"),
            ("+1555003", ChangeKind::Refreshed, ""),
            ("+1555004", ChangeKind::Restored, ""),
        ]
    );
    assert_eq!((p.counts.unchanged, p.counts.restored), (3, 1));
}
