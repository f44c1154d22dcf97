//! The plan made from compact rows ([`PlanRows`], compared in place) is
//! the plan made from owned rows (`from_row`), on a store holding every
//! kind of row a sync meets: unchanged, refreshed, hand-edited, cooling,
//! due, reserved, held by another connection or vendor, new.

use super::numbers::{from_row, COLUMNS};
use super::plan_rows::PlanRows;
use super::sync::load_for_plan;
use super::sync_ahead::PlanBase;
use super::Store;
use crate::domain::cooling::{self, Plan};
use crate::domain::number::InventoryItem;
use crate::domain::registered_user::{RegisteredUser, Snapshot};
use crate::domain::settings::InventorySettings;
use chrono::NaiveDate;

const SEEN: &str = "2026-11-21T10:00:00Z";

/// number, status, usage, vendor, tag, release_date, connection,
/// registered_user, last_seen.
const ROWS: &str = "INSERT INTO numbers(number, status, usage, vendor, tag, release_date,
    connection, registered_user, last_seen, updated_at) VALUES
 ('+1000', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1000', '2026-11-21T10:00:00Z', 'x'),
 ('+1001', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1001', '2026-11-20T10:00:00Z', 'x'),
 ('+1002', 'Used', 'Device', 'AudioCodes', 'by hand', NULL, 'lab', 'user+1002', '2026-11-21T10:00:00Z', 'x'),
 ('+1003', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1003', '2026-11-21T10:00:00+00:00', 'x'),
 ('+1004', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1004', '2026-11-21T10:00:00Z', 'x'),
 ('+1005', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'gone', NULL, 'x'),
 ('+1006', 'Cooling', 'Device', 'AudioCodes', 'cool', '2026-11-01', 'lab', 'old', NULL, 'x'),
 ('+1007', 'Cooling', 'Device', 'AudioCodes', 'cool', '2026-12-30', 'lab', 'old', NULL, 'x'),
 ('+1008', 'Reserved', '', '', 'keep', NULL, NULL, NULL, NULL, 'x'),
 ('+1009', 'Used', 'Device', 'AudioCodes', '', NULL, 'other', 'elsewhere', NULL, 'x'),
 ('+1010', 'Available', '', 'Other', '', NULL, NULL, NULL, NULL, 'x'),
 ('+1011', 'Available', '', '', '', NULL, NULL, NULL, NULL, 'x'),
 ('+1013', 'Used', 'Phone', 'AudioCodes', '', NULL, 'lab', 'user+1013', '2026-11-21T10:00:00Z', 'x'),
 ('+1014', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1014', '2026-11-21T10:00:00Z', 'x'),
 ('+1015', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', NULL, '2026-11-21T10:00:00Z', 'x'),
 ('+1016', 'Weird', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1016', NULL, 'x'),
 ('+1017', 'Cooling', 'Device', 'AudioCodes', 'cool', '2026-11-01', 'other', 'old', NULL, 'x'),
 ('+1018', 'Cooling', 'Device', 'AudioCodes', 'cool', '2026-11-01', 'lab', 'old', NULL, 'x'),
 ('+1019', 'Used', 'Device', 'AudioCodes', '', NULL, '', 'empty connection', NULL, 'x'),
 ('+1020', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1020', '2026-11-21T10:00:00.5Z', 'x'),
 ('+1021', 'Used', 'Device', 'AudioCodes', '', NULL, 'lab', 'user+1021', '2026-11-21T10:00:00Z', 'x');";

/// The fetched time of +1021: within the second its row holds, which
/// `clock::stamp` writes as that second (the row is what the sync would
/// write: it is unchanged).
const SEEN_WITHIN: &str = "2026-11-21T10:00:00.250Z";

/// The fetched list: registered users for most numbers, +1004 offline,
/// +1005 and +1006 gone, +1012 new to the store.
fn snapshot() -> Snapshot {
    let offline = ["+1004", "+1018"];
    let listed = [
        "+1000", "+1001", "+1002", "+1003", "+1004", "+1007", "+1008", "+1009", "+1010", "+1011",
        "+1012", "+1013", "+1014", "+1015", "+1016", "+1018", "+1019", "+1020", "+1021",
    ];
    let users: Vec<RegisteredUser> = listed
        .iter()
        .map(|n| RegisteredUser {
            id: format!("id{n}"),
            user_name: format!("user{n}"),
            display_name: String::new(),
            number: Some(n.to_string()),
            raw_status: if offline.contains(n) {
                "OFFLINE"
            } else {
                "REGISTERED"
            }
            .into(),
            last_seen: Some(
                if *n == "+1021" { SEEN_WITHIN } else { SEEN }
                    .parse()
                    .unwrap(),
            ),
            sbc: String::new(),
        })
        .collect();
    Snapshot::from_users(&users)
}

fn plan_of<R: cooling::PlanRow>(snapshot: &Snapshot, rows: &[R]) -> Plan {
    cooling::plan(
        "lab",
        snapshot,
        rows,
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        &InventorySettings::default(),
    )
}

#[test]
fn compact_rows_plan_as_owned_rows_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    store.conn.execute_batch(ROWS).unwrap();
    let snapshot = snapshot();
    let tx = store.conn.transaction().unwrap();

    let base = PlanBase::read(&tx, "lab").unwrap();
    let compact = load_for_plan(&tx, base.linked, &snapshot).unwrap();
    let from_compact = plan_of(&snapshot, &compact.refs());

    let numbers: Vec<&str> = snapshot.numbers().collect();
    let owned: Vec<InventoryItem> = tx
        .prepare(&format!(
            "SELECT {COLUMNS} FROM numbers WHERE (connection = 'lab' AND connection > '')
             OR number IN (SELECT value FROM json_each(?1)) ORDER BY number"
        ))
        .unwrap()
        .query_map([serde_json::to_string(&numbers).unwrap()], from_row)
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(compact.len(), owned.len());
    let mut from_owned = plan_of(&snapshot, &owned);
    // The owned item cannot hold a status text no status of ours reads:
    // the compact row reports +1016's as the store holds it.
    let weird = from_owned
        .conflicts
        .iter_mut()
        .find(|c| c.number == "+1016")
        .unwrap();
    assert_eq!(weird.status, "Inactive");
    weird.status = "Weird".into();

    assert_eq!(from_compact, from_owned);
    // Every kind of outcome is in it (the fast path among them).
    let c = from_compact.counts;
    assert_eq!(
        (c.added, c.restored, c.cooled, c.released, c.conflicts),
        (2, 1, 2, 2, 5),
        "{c:?}"
    );
    assert!(c.unchanged >= 4, "{c:?}");
    assert_eq!(from_compact.used_before, 11);
    let refreshed: Vec<&str> = from_compact
        .transitions
        .iter()
        .filter(|t| t.kind == cooling::ChangeKind::Refreshed)
        .map(|t| t.after.number.as_str())
        .collect();
    // +1002's hand tag is kept: it is unchanged.
    assert_eq!(refreshed, ["+1001", "+1013", "+1015", "+1020"]);
}

#[test]
fn a_row_that_cannot_be_read_fails_as_from_row_fails() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.db")).unwrap();
    store
        .conn
        .execute_batch(
            "INSERT INTO numbers(number, status, connection, registered_user, updated_at)
             VALUES ('+1000', 'Used', 'lab', X'00ff', 'x'), ('+1001', 'Used', 'lab', 'ok', 'x');",
        )
        .unwrap();
    let sql = format!("SELECT {COLUMNS} FROM numbers ORDER BY number");
    let mut stmt = store.conn.prepare(&sql).unwrap();
    let mut rows = stmt.query([]).unwrap();
    let r = rows.next().unwrap().unwrap();
    let mut compact = PlanRows::default();
    let theirs = from_row(r).unwrap_err().to_string();
    assert_eq!(compact.push(r).unwrap_err().to_string(), theirs);
    assert!(compact.is_empty());
    let r = rows.next().unwrap().unwrap();
    compact.push(r).unwrap();
    let refs = compact.refs();
    assert_eq!(
        cooling::PlanRow::item(&refs[0]).into_owned(),
        from_row(r).unwrap()
    );
}

/// A Used row that reads as what the sync writes but is not spelt so (a
/// status in another case or with a space, a release date that is no
/// date: text an owned item cannot hold) is refreshed, and written whole;
/// a row spelt as written is unchanged.
#[test]
fn a_row_spelt_otherwise_than_written_is_refreshed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let spelt = [
        ("+1000", "Used", "NULL"),
        ("+1001", "used", "NULL"),
        ("+1002", " Used", "NULL"),
        ("+1003", "USED", "NULL"),
        ("+1004", "Used", "''"),
        ("+1005", "Used", "'not a date'"),
    ];
    for (n, status, release) in spelt {
        store
            .conn
            .execute_batch(&format!(
                "INSERT INTO numbers(number, status, usage, vendor, tag, release_date, connection,
                 registered_user, last_seen, updated_at)
                 VALUES ('{n}', '{status}', 'Device', 'AudioCodes', '', {release}, 'lab',
                 'user{n}', '{SEEN}', 'x')"
            ))
            .unwrap();
    }
    let users: Vec<RegisteredUser> = spelt
        .iter()
        .map(|(n, ..)| RegisteredUser {
            id: format!("id{n}"),
            user_name: format!("user{n}"),
            display_name: String::new(),
            number: Some(n.to_string()),
            raw_status: "REGISTERED".into(),
            last_seen: Some(SEEN.parse().unwrap()),
            sbc: String::new(),
        })
        .collect();
    let snapshot = Snapshot::from_users(&users);
    let tx = store.conn.transaction().unwrap();
    let base = PlanBase::read(&tx, "lab").unwrap();
    let compact = load_for_plan(&tx, base.linked, &snapshot).unwrap();
    let plan = plan_of(&snapshot, &compact.refs());
    let planned: Vec<(&str, cooling::ChangeKind, bool)> = plan
        .transitions
        .iter()
        .map(|t| (t.after.number.as_str(), t.kind, t.whole_row))
        .collect();
    let kind = cooling::ChangeKind::Refreshed;
    assert_eq!(
        planned,
        [
            ("+1001", kind, true),
            ("+1002", kind, true),
            ("+1003", kind, true),
            ("+1004", kind, true),
            ("+1005", kind, true)
        ]
    );
    assert_eq!((plan.counts.unchanged, plan.used_before), (6, 6));
}
