//! The in-place compare's other way to fail: calling a row changed that is
//! not. A hostile but steady list (numbers shared by users, offline
//! holders, users without numbers or ids, odd last seen times, Unicode
//! and control characters, very long values) synced twice: the second
//! sync writes nothing at all.

use super::*;

fn number(i: usize) -> String {
    format!("+1555400{i:04}")
}

#[test]
fn a_steady_hostile_list_synced_again_writes_nothing() {
    let long = "\u{e9}".repeat(3000);
    let list = vec![
        user("dupA", &number(1), "2026-11-30T09:00:00Z"),
        user("dupB", &number(1), "2026-11-30T09:30:00Z"),
        json!({"id": "off", "phoneNumber": number(2), "status": "OFFLINE"}),
        user("on", &number(2), "2026-11-30T08:00:00Z"),
        json!({"id": "nonum", "status": "REGISTERED"}),
        json!({"phoneNumber": number(3), "status": "REGISTERED", "userName": "zo\u{eb}\u{7}\u{1b}[31m"}),
        json!({"phoneNumber": number(4), "status": "REGISTERED", "displayName": long}),
        user(&long, &number(5), "2026-11-30T11:00:00+02:00"),
        user("y0", &number(6), "0000-01-01T00:00:00Z"),
        user("y9999", &number(7), "9999-12-31T23:59:59Z"),
        user("leap", &number(8), "2016-12-31T23:59:60Z"),
        user("zeros", &number(9), "2026-11-30T09:00:00.000Z"),
        json!({"id": "noseen", "phoneNumber": number(10), "status": "REGISTERED"}),
        json!({"id": "busy", "phoneNumber": number(11), "status": "Busy"}),
        json!({"id": "offonly", "phoneNumber": number(12), "status": "OFFLINE"}),
        user("", &number(13), "not a time"),
        user("\u{0}", &number(14), "2026-11-30T09:00:00Z"),
        user("bc", &number(15), "0000-01-01T00:00:00+01:00"),
    ];
    let server = arm(Users::new(list));
    let (_dir, config, store) = common::lab_at(&server.addr, 3, "");
    let first_log = sync_ok(&config, NOW);
    // Every listed number but the one only an offline user holds.
    assert_eq!(numbers(&store).len(), 14, "{first_log}");
    let (dump, first_events) = (common::store_dump(&store), events(&store));
    let log = sync_ok(&config, LATER);
    common::assert_same_store(
        &dump,
        &common::store_dump(&store),
        &format!("{first_log}\n{log}"),
    );
    assert_eq!(events(&store), first_events, "{log}");
}
