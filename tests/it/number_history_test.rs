//! The number history the details view shows, read back from a real store:
//! every status change a sync, the sweep or a hand edit makes is one event
//! (from, to, cause, what), hand extends and tags are events although the
//! status stays, and a sync that only refreshes a user or a last-seen time
//! writes none.

use chrono::{DateTime, NaiveDate, Utc};
use switchboard::domain::actions::NumberAction;
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::domain::registered_user::RegisteredUser;
use switchboard::domain::settings::InventorySettings;
use switchboard::store::events::NumberEvent;
use switchboard::store::sync::{SyncMode, SyncRequest};
use switchboard::store::Store;

const NUMBER: &str = "+15550001";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn user(status: &str, last_seen: &str) -> RegisteredUser {
    RegisteredUser {
        id: "u1".into(),
        user_name: "alice".into(),
        display_name: "Alice".into(),
        number: Some(NUMBER.into()),
        raw_status: status.into(),
        last_seen: Some(DateTime::parse_from_rfc3339(last_seen).unwrap().to_utc()),
        sbc: "sbc-1".into(),
    }
}

fn sync(store: &mut Store, users: &[RegisteredUser], today: &str) {
    let settings = InventorySettings::default();
    let out = store
        .apply_sync(&SyncRequest {
            connection: "arm",
            users,
            today: day(today),
            settings: &settings,
            mode: SyncMode::Apply,
            force: true,
            job_id: None,
            started_at: Utc::now(),
        })
        .unwrap();
    assert_eq!(out.result, "applied");
}

/// The history, oldest first, as `(from, to, cause, detail)`.
fn history(store: &Store) -> Vec<(Option<String>, String, String, String)> {
    let mut events: Vec<NumberEvent> = store.number_events(NUMBER, 50).unwrap();
    events.reverse();
    events
        .into_iter()
        .map(|e| (e.from_status, e.to_status, e.cause, e.detail))
        .collect()
}

fn ev(
    from: Option<&str>,
    to: &str,
    cause: &str,
    detail: &str,
) -> (Option<String>, String, String, String) {
    (
        from.map(String::from),
        to.into(),
        cause.into(),
        detail.into(),
    )
}

fn status(store: &Store) -> Status {
    store.number(NUMBER).unwrap().unwrap().status
}

#[test]
fn a_sync_records_added_cooled_and_restored_but_not_a_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    let cause = "sync SyncAudioCodes__arm";

    sync(
        &mut store,
        &[user("REGISTERED", "2026-11-22T08:00:00Z")],
        "2026-11-22",
    );
    assert_eq!(history(&store), [ev(None, "Used", cause, "added")]);

    // Only the last-seen time moves: the row is refreshed, the history not.
    sync(
        &mut store,
        &[user("REGISTERED", "2026-11-22T09:00:00Z")],
        "2026-11-22",
    );
    assert_eq!(
        store.number(NUMBER).unwrap().unwrap().last_seen,
        Some(
            DateTime::parse_from_rfc3339("2026-11-22T09:00:00Z")
                .unwrap()
                .to_utc()
        ),
        "the refresh wrote the row"
    );
    assert_eq!(
        history(&store).len(),
        1,
        "a refresh is no event: {:?}",
        history(&store)
    );

    sync(
        &mut store,
        &[user("OFFLINE", "2026-11-22T09:00:00Z")],
        "2026-11-22",
    );
    sync(
        &mut store,
        &[user("REGISTERED", "2026-11-23T07:00:00Z")],
        "2026-11-23",
    );
    assert_eq!(status(&store), Status::Used);
    assert_eq!(
        history(&store),
        [
            ev(None, "Used", cause, "added"),
            ev(Some("Used"), "Cooling", cause, "cooled"),
            ev(Some("Cooling"), "Used", cause, "restored"),
        ]
    );
}

#[test]
fn the_sweep_records_each_release() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    sync(
        &mut store,
        &[user("REGISTERED", "2026-11-22T08:00:00Z")],
        "2026-11-22",
    );
    sync(&mut store, &[], "2026-11-22");
    assert_eq!(status(&store), Status::Cooling);

    assert_eq!(store.sweep(day("2026-11-23")).unwrap(), 0, "not due yet");
    assert_eq!(store.sweep(day("2026-11-24")).unwrap(), 1);
    assert_eq!(status(&store), Status::Available);
    let last = history(&store).pop().unwrap();
    assert_eq!(last, ev(Some("Cooling"), "Available", "sweep", "released"));
}

#[test]
fn hand_extend_and_tag_are_recorded_although_the_status_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db")).unwrap();
    store
        .insert_numbers(&[InventoryItem::available(NUMBER)], "import")
        .unwrap();
    let numbers = [NUMBER.to_string()];
    let today = day("2026-11-22");
    let act = |store: &mut Store, action: NumberAction| {
        let out = store
            .apply_number_action(&numbers, &action, today, "ops")
            .unwrap();
        assert_eq!((out.changed, out.refused.len()), (1, 0), "{action:?}");
    };
    act(&mut store, NumberAction::Reserve);
    act(&mut store, NumberAction::Unreserve);
    act(&mut store, NumberAction::Cool { days: 3 });
    act(&mut store, NumberAction::Extend { days: 4 });
    act(
        &mut store,
        NumberAction::Tag {
            text: "kept for Bob".into(),
        },
    );
    assert_eq!(status(&store), Status::Cooling);
    assert_eq!(
        history(&store),
        [
            ev(None, "Available", "import", "added"),
            ev(
                Some("Available"),
                "Reserved",
                "user ops: reserve",
                "reserved"
            ),
            ev(
                Some("Reserved"),
                "Available",
                "user ops: unreserve",
                "unreserved"
            ),
            ev(
                Some("Available"),
                "Cooling",
                "user ops: cool 3 days",
                "cooled"
            ),
            ev(
                Some("Cooling"),
                "Cooling",
                "user ops: extend cooling 4 days",
                "extended"
            ),
            ev(Some("Cooling"), "Cooling", "user ops: edit tag", "tagged"),
        ]
    );
}
