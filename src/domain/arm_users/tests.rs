use super::*;
use serde_json::json;

fn page(body: Value) -> ArmPage {
    read_page(body, &PageShape::default()).unwrap()
}

#[test]
fn statuses() {
    for (s, r) in [
        ("", StatusReading::Absent),
        ("registered", StatusReading::Registered),
        ("not-active", StatusReading::Offline),
        ("Unregistered", StatusReading::Offline),
        ("NOT_REGISTERED", StatusReading::Offline),
        ("offline", StatusReading::Offline),
        ("Busy", StatusReading::Unknown),
    ] {
        assert_eq!(StatusReading::of(s), r, "{s}");
    }
    assert!(StatusReading::Absent.is_registered());
    assert!(StatusReading::Unknown.is_registered());
    assert!(!StatusReading::Offline.is_registered());
}

#[test]
fn envelopes_and_totals() {
    let p = page(json!({"totalCount": 3, "items": [{"id": 1, "phoneNumber": "+15550001"}]}));
    assert_eq!(p.envelope, Envelope::Key("items".into()));
    assert_eq!(
        (p.total, p.total_at.as_deref()),
        (Some(3), Some("totalCount"))
    );
    assert_eq!(p.users[0].numbers, vec!["+15550001"]);
    let p = page(json!([{"uri": "sip:+15550002@sbc;user=phone"}]));
    assert_eq!(p.envelope, Envelope::BareArray);
    assert_eq!(p.total, None);
    assert_eq!(p.users[0].numbers, vec!["+15550002"]);
    let e = read_page(json!({"rows": [], "n": 1}), &PageShape::default()).unwrap_err();
    assert!(matches!(e, PageError::NoList { .. }), "{e:?}");
    let e = e.to_string();
    assert!(e.contains("\"rows\"") && e.contains("items"), "{e}");
}

#[test]
fn pointers_and_number_fields() {
    let shape = PageShape {
        users_pointer: Some("/result/list".into()),
        total_pointer: Some("/result/meta/size".into()),
        number_fields: vec!["/phones".into(), "/extra/mobile".into()],
    };
    let body = json!({"result": {"meta": {"size": "1"}, "list": [
        {"id": "a", "phones": ["+15550001", "tel:+15550002"], "extra": {"mobile": "+1 555 0003"}}
    ]}});
    let p = read_page(body, &shape).unwrap();
    assert_eq!(p.total, Some(1));
    assert_eq!(
        p.users[0].numbers,
        vec!["+15550001", "+15550002", "+15550003"]
    );
    assert!(validate_pointer("users").is_err());
    assert!(validate_pointer("/a~2").is_err());
    assert!(validate_pointer("/a~1b").is_ok());
    assert!(validate_number_field("").is_err());
}

fn users(ids: std::ops::Range<u32>) -> Value {
    Value::Array(
        ids.map(|i| json!({"id": format!("u{i}"), "phoneNumber": format!("+1555000{i:04}")}))
            .collect(),
    )
}

#[test]
fn paging_rules() {
    // Capped pages without a total: page to the empty page.
    let mut p = Pager::new(100);
    assert_eq!(
        p.accept(page(json!({"users": users(0..92)}))),
        Ok(Next::Page(92))
    );
    assert_eq!(
        p.accept(page(json!({"users": users(92..100)}))),
        Ok(Next::Page(100))
    );
    assert_eq!(p.accept(page(json!({"users": []}))), Ok(Next::Done));
    assert_eq!(p.finish().users, 100);
    // Offset ignored.
    let mut p = Pager::new(10);
    p.accept(page(json!({"total": 20, "users": users(0..10)})))
        .unwrap();
    let e = p
        .accept(page(json!({"total": 20, "users": users(0..10)})))
        .unwrap_err();
    assert!(
        matches!(e, PagingError::IgnoresOffset { offset: 10, .. }),
        "{e:?}"
    );
    assert!(e.to_string().starts_with("the ARM ignores offset;"), "{e}");
    // Bare array bigger than the limit, the same again at the next
    // offset: the whole list, taken once.
    let mut p = Pager::new(10);
    assert_eq!(p.accept(page(users(0..37))), Ok(Next::Page(37)));
    assert_eq!(p.accept(page(users(0..37))), Ok(Next::Done));
    assert_eq!(p.finish().users, 37);
    // Bigger than the limit, but paged by offset in pages of its own.
    let mut p = Pager::new(10);
    assert_eq!(p.accept(page(users(0..25))), Ok(Next::Page(25)));
    assert_eq!(p.accept(page(users(25..30))), Ok(Next::Page(30)));
    assert_eq!(p.accept(page(users(30..30))), Ok(Next::Done));
    assert_eq!(p.finish().users, 30);
    // A user twice on one page.
    let mut p = Pager::new(10);
    let twice = json!({"total": 5, "users": [
        {"id": "u0"}, {"id": "u1"}, {"id": "u2"}, {"id": "u3"}, {"id": "u3"}
    ]});
    assert!(p
        .accept(page(twice))
        .unwrap_err()
        .to_string()
        .contains("\"u3\""));
    // A total sent on the first page only.
    let mut p = Pager::new(10);
    p.accept(page(json!({"total": 15, "users": users(0..10)})))
        .unwrap();
    assert_eq!(
        p.accept(page(json!({"users": users(10..15)}))),
        Ok(Next::Done)
    );
    // An empty first page announcing users.
    let mut p = Pager::new(10);
    assert!(p.accept(page(json!({"total": 3, "users": []}))).is_err());
    // Total changing.
    let mut p = Pager::new(10);
    p.accept(page(json!({"total": 20, "users": users(0..10)})))
        .unwrap();
    assert!(p
        .accept(page(json!({"total": 19, "users": users(10..19)})))
        .unwrap_err()
        .to_string()
        .contains("changed from 20 to 19"));
    // Empty page short of the total.
    let mut p = Pager::new(10);
    p.accept(page(json!({"total": 20, "users": users(0..10)})))
        .unwrap();
    assert!(p.accept(page(json!({"total": 20, "users": []}))).is_err());
}

#[test]
fn odd_statuses_are_reported_not_dropped() {
    let p = page(json!([{"id": 1, "status": true}, {"id": 2, "status": null}]));
    assert_eq!(p.users[0].reading, StatusReading::Unknown);
    assert_eq!(p.users[0].status, "true");
    assert_eq!(p.users[1].reading, StatusReading::Absent);
    let whole = PageShape {
        users_pointer: Some(String::new()),
        ..Default::default()
    };
    let p = read_page(json!([]), &whole).unwrap();
    assert_eq!(p.envelope, Envelope::BareArray);
}

#[test]
fn several_numbers_and_unrecognised_statuses() {
    let shape = PageShape {
        number_fields: vec!["/a".into(), "/b".into()],
        ..Default::default()
    };
    let p = read_page(
        json!([{"id": "x", "a": "+15550001", "b": "+15550002", "status": "Busy"},
                {"id": "y", "status": "busy "}, {"a": "+15550003"}]),
        &shape,
    )
    .unwrap();
    let all = ArmUsers::from_users(p.users);
    assert_eq!(all.users, 3);
    let ids: Vec<_> = all.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["x", "x#2", "y", "#3"]);
    assert_eq!(all.entries[2].number, None);
    assert!(all.unrecognised_summary().is_some());
}

#[test]
fn numeric_fields_last_seen_progress_and_an_empty_page_object() {
    let p = page(json!({"users": [
        {"id": 42, "phoneNumber": 4021, "status": "REGISTERED",
         "lastSeen": "2026-11-22T08:00:00Z"},
        {"id": "b", "phoneNumber": "+15550002"}
    ], "total": 3}));
    assert_eq!(p.users[0].id, "42");
    assert_eq!(p.users[0].numbers, ["4021"]);
    let mut pager = Pager::new(2);
    assert_eq!(pager.accept(p).unwrap(), Next::Page(2));
    assert_eq!(pager.progress(), (2, 3));
    let all = pager.finish();
    assert_eq!(
        all.entries[0].last_seen,
        Some("2026-11-22T08:00:00Z".parse().unwrap())
    );
    let err = read_page(json!({}), &PageShape::default()).unwrap_err();
    assert!(
        err.to_string().contains("the page has an empty object"),
        "{err}"
    );
}

/// The lean reading of a body gives the very page the `Value` reading
/// does (without the raw JSON), or declines it.
fn lean_matches(body: &str, shape: &PageShape) -> bool {
    let full = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| read_page(v, shape).ok())
        .map(ArmPage::without_raw);
    match read_page_lean(body.as_bytes(), shape) {
        Some(lean) => {
            assert_eq!(Some(&lean), full.as_ref(), "{body}");
            true
        }
        None => false,
    }
}

#[test]
fn a_page_read_lean_is_the_page_read_as_a_value() {
    let plain = PageShape::default();
    let read_lean = [
        r#"{"total": 2, "users": [{"id": "a", "phoneNumber": "+15550001", "status": "REGISTERED",
            "userName": "u", "displayName": "A", "sbc": "s1", "lastSeen": "2026-11-22T08:00:00Z",
            "extra": {"x": [1, 2]}}, {"userName": 7, "uri": "sip:+15550002@h", "status": true}]}"#,
        // No id: told apart by the whole JSON, keys sorted, last of a twice-sent key.
        r#"{"items": [{"z": 1, "phoneNumber": "+15550003", "a": "x", "a": "y", "status": {"k": 1}}]}"#,
        // A key sent twice: the last counts, here and at the top.
        r#"{"users": {"not": "a list"}, "data": [{"id": 1, "id": 2}], "count": "3", "total": "x"}"#,
        r#"{"users": [{"id": "a"}], "users": [{"id": "b"}], "totalCount": 1}"#,
        // Escaped keys and text; a number as a status; an empty page.
        r#"{"users": [{"\u0069d": "\u00e9", "st\u0061tus": 5, "phoneNumber": 4021.0}]}"#,
        r#"[{"id": "a", "phoneNumber": "tel:+15550004"}, {}]"#,
        r#"{"results": [], "total": 0}"#,
    ];
    for body in read_lean {
        assert!(lean_matches(body, &plain), "not read lean: {body}");
    }
    // Configured number fields read through the same pointers.
    let fields = PageShape {
        number_fields: vec!["/phones".into(), "/extra/mobile".into(), "/a~1b".into()],
        ..Default::default()
    };
    assert!(lean_matches(
        r#"{"users": [{"id": "a", "phones": ["+15550001", 15550002], "extra": {"mobile": "+15550003"},
            "a/b": "+15550004"}]}"#,
        &fields
    ));
    // Declined, for the `Value` reading to read or word: a user that is no
    // object, no list, not JSON, pointers configured.
    for body in [
        r#"{"users": [{"id": "a"}, 5]}"#,
        r#"{"rows": []}"#,
        r#"{"users": [{"id": "a"}"#,
        r#""text""#,
    ] {
        assert!(!lean_matches(body, &plain), "read lean: {body}");
    }
    // Nested deeper than the parser allows, in a field the page is not
    // read from: refused by both readings.
    let deep = format!(
        r#"{{"users": [], "meta": {}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(!lean_matches(&deep, &plain));
    let deep = format!(
        r#"{{"users": [], "data": {{"a": {}1{}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(!lean_matches(&deep, &plain));
    // The same in a field the page is read from.
    let deep = format!(
        r#"{{"users": [{{"id": "a", "status": {}1{}}}]}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(!lean_matches(&deep, &plain));
    let pointed = PageShape {
        users_pointer: Some("/users".into()),
        ..Default::default()
    };
    assert!(!lean_matches(r#"{"users": []}"#, &pointed));
}

/// The shapes the lean reading reads otherwise than a `Value` would:
/// text in place or unescaped, and every other JSON a known field may
/// hold; each read as the `Value` reading reads it.
#[test]
fn known_fields_of_every_shape_read_lean_as_read_as_a_value() {
    let plain = PageShape::default();
    let users = [
        // Escapes in every known field, and non-ASCII text without one.
        r#"{"id": "a\"b\\c\n", "userName": "J\u00f6rg", "displayName": "Jörg \ud83d\ude00",
            "status": "REGI\u0053TERED", "phoneNumber": "+1555\u00300001", "sbc": "s\/1",
            "lastSeen": "2026-11-22T08:00:00\u005a"}"#,
        r#"{"id": "é", "userName": "ü", "phoneNumber": "+1 (555) 000-0002", "status": "offline"}"#,
        // Numbers as ids, user names, numbers and statuses.
        r#"{"id": 42, "phoneNumber": 4021, "status": 1}"#,
        r#"{"id": -7, "userName": 1.5e3, "phoneNumber": 15550003.0}"#,
        r#"{"id": 18446744073709551615, "phoneNumber": "+15550004"}"#,
        r#"{"id": 0.1, "sbc": 3, "displayName": 2}"#,
        // Empty or null ids: the user name, else the whole JSON.
        r#"{"id": "", "userName": "named", "phoneNumber": "+15550005"}"#,
        r#"{"id": null, "userName": null, "phoneNumber": "+15550006", "x": "\u0041"}"#,
        r#"{"userName": "", "phoneNumber": "+15550007", "lastSeen": "\u0032026"}"#,
        // Nulls, booleans, arrays and objects where text is expected.
        r#"{"id": "n", "status": null, "phoneNumber": null, "uri": "SIP:+15550008@h", "lastSeen": null}"#,
        r#"{"id": "o", "status": false, "phoneNumber": ["+15550009"], "uri": {"u": 1}, "sbc": null}"#,
        r#"{"id": "p", "status": ["Busy", {"a": null}], "phoneNumber": {"n": "+15550010"},
            "uri": "tel:+15550011", "lastSeen": 1700000000, "displayName": [1]}"#,
        r#"{"id": "q", "status": {"x": "y"}, "uri": "Sips:+15550012;user=phone", "userName": true}"#,
        // A key sent twice: the last one counts, whatever its shape.
        r#"{"id": "r1", "id": 9, "phoneNumber": 5, "phoneNumber": "+15550013"}"#,
        r#"{"id": 9, "id": "r\u0032", "status": "Busy", "status": null, "sbc": "x", "sbc": 1}"#,
        r#"{"phoneNumber": "+15550014", "phoneNumber": null, "uri": "sip:+15550015@h"}"#,
        // No id: told apart by the whole JSON, escaped and unknown keys kept.
        r#"{"phoneNumber": "+1555\u00300016", "status": "a\tb", "extra": [{"k": "\u00e9"}], "id": null}"#,
    ];
    let body = format!(
        r#"{{"total": {}, "users": [{}]}}"#,
        users.len(),
        users.join(",")
    );
    assert!(lean_matches(&body, &plain), "not read lean: {body}");
    for u in users {
        assert!(
            lean_matches(&format!("[{u}]"), &plain),
            "not read lean: {u}"
        );
    }
    // Configured number fields through every shape: a pointer into a
    // string finds nothing, into an array or object finds what `Value` does.
    let fields = PageShape {
        number_fields: vec![
            "/phoneNumber".into(),
            "/phoneNumber/0".into(),
            "/uri/n".into(),
            "/id".into(),
            "/status/x".into(),
            "/m~0n".into(),
        ],
        ..Default::default()
    };
    let body = r#"[{"id": 4021, "phoneNumber": ["+15550001", 15550002, null, ["x"]],
        "uri": {"n": "tel:+15550003"}, "status": "+15550004", "m~n": "+1555\u00300005"},
        {"id": "+15550006", "phoneNumber": "+15550007", "uri": "sip:+15550008@h",
         "status": {"x": ["+15550009"]}},
        {"phoneNumber": {"0": "+15550010"}, "uri": null}]"#;
    assert!(lean_matches(body, &fields), "not read lean: {body}");
}
