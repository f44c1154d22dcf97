//! The lean page reading against the `Value` reading, on bodies built
//! from hostile pieces (duplicate and escaped keys, numbers of every form,
//! surrogates, nulls, nesting) and then mutated byte by byte (a byte
//! dropped or inserted, invalid UTF-8, NUL, a BOM, truncation, trailing
//! garbage). Whenever the lean reading gives a page, the `Value` reading
//! (`decode_body`, then `read_page`) must give the very same page.

use proptest::prelude::*;
use switchboard::api::http::decode_body;
use switchboard::domain::arm_users::{read_page, read_page_lean, PageShape};

const USER_KEYS: [&str; 16] = [
    "id",
    "\\u0069d",
    "userName",
    "user\\u004eame",
    "displayName",
    "status",
    "phoneNumber",
    "phone\\u004eumber",
    "uri",
    "lastSeen",
    "sbc",
    "x",
    "a/b",
    "m~n",
    "",
    "phones",
];

const SCALARS: [&str; 22] = [
    "\"+15550001\"",
    "\"+1 555 0002\"",
    "\"sip:+15550003@h\"",
    "\"tel:+15550004\"",
    "15550005",
    "1.5550006e7",
    "1",
    "1.0",
    "-0",
    "18446744073709551616",
    "null",
    "true",
    "\"\"",
    "\" \"",
    "\"REGISTERED\"",
    "\"\\ud83d\\ude00\"",
    "\"\\ud800\"",
    "\"2026-11-30T10:00:00Z\"",
    "\"Zo\u{eb}\\u0000\"",
    "[\"+15550007\", 15550008]",
    "{\"a\":[[[]]]}",
    "{}",
];

const ENVELOPE_KEYS: [&str; 12] = [
    "users",
    "registeredUsers",
    "items",
    "data",
    "results",
    "total",
    "totalCount",
    "count",
    "meta",
    "u\\u0073ers",
    "tot\\u0061l",
    "\\u0063ount",
];

const TOTALS: [&str; 10] = [
    "0",
    "1",
    "2",
    "3",
    "2.0",
    "2e0",
    "-2",
    "\"2\"",
    "\" 3 \"",
    "18446744073709551615",
];

fn scalar() -> impl Strategy<Value = String> {
    prop::sample::select(&SCALARS[..]).prop_map(str::to_string)
}

fn user() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => prop::collection::vec((prop::sample::select(&USER_KEYS[..]), scalar()), 0..6)
            .prop_map(|kv| {
                let fields: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
        1 => scalar(),
    ]
}

fn list() -> impl Strategy<Value = String> {
    prop::collection::vec(user(), 0..4).prop_map(|u| format!("[{}]", u.join(",")))
}

fn envelope_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => list(),
        2 => prop::sample::select(&TOTALS[..]).prop_map(str::to_string),
        1 => scalar(),
        1 => list().prop_map(|l| format!("{{\"users\":{l}}}")),
    ]
}

fn body() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => list(),
        5 => prop::collection::vec((prop::sample::select(&ENVELOPE_KEYS[..]), envelope_value()), 0..6)
            .prop_map(|kv| {
                let fields: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", fields.join(","))
            }),
    ]
}

/// A byte mutation: none, or one of the ways a body arrives broken.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (body(), 0..12u8, any::<prop::sample::Index>(), any::<u8>()).prop_map(|(b, how, at, byte)| {
        let mut v = b.into_bytes();
        let i = at.index(v.len() + 1);
        match how {
            0 if !v.is_empty() => {
                v.remove(i.min(v.len() - 1));
            }
            1 => v.insert(i, byte),
            2 => v.insert(i, 0xff),
            3 => v.truncate(i),
            4 => v.extend_from_slice(b" trailing]}"),
            5 => {
                let mut bom = "\u{feff}".as_bytes().to_vec();
                bom.extend(v);
                v = bom;
            }
            _ => {}
        }
        v
    })
}

fn shapes() -> Vec<PageShape> {
    vec![
        PageShape::default(),
        PageShape {
            number_fields: ["/phones/1", "/a~1b", "/m~0n", "/", "/phoneNumber"]
                .map(str::to_string)
                .to_vec(),
            ..PageShape::default()
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_page_read_lean_is_the_page_the_value_reading_gives(body in mutated()) {
        for shape in shapes() {
            if let Some(lean) = read_page_lean(&body, &shape) {
                let value = decode_body::<serde_json::Value>(&body)
                    .map_err(|e| format!("the Value reading fails: {e}"))
                    .and_then(|v| read_page(v, &shape).map_err(|e| format!("read_page: {e}")));
                let value = match value {
                    Ok(p) => p.without_raw(),
                    Err(e) => return Err(TestCaseError::fail(format!(
                        "{e}; lean read {} users from {:?}", lean.users.len(), String::from_utf8_lossy(&body)))),
                };
                prop_assert_eq!(&lean, &value, "body {:?} shape {:?}", String::from_utf8_lossy(&body), shape);
            }
        }
    }
}

/// Nesting around the parser's depth limit, in each place the lean
/// reading reads differently: a user's unread field, an unread envelope
/// field, a map under a list key, a known field of a user.
#[test]
fn nesting_at_the_depth_limit_is_refused_by_both_readings_alike() {
    let user = r#"{"id":"a","phoneNumber":"+15550001"}"#;
    for depth in 118..=132 {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let deep_map = format!("{}1{}", r#"{"k":"#.repeat(depth), "}".repeat(depth));
        for body in [
            format!(r#"{{"users":[{{"id":"a","x":{deep}}}]}}"#),
            format!(r#"{{"meta":{deep},"users":[{user}]}}"#),
            format!(r#"{{"meta":{deep_map},"users":[{user}]}}"#),
            format!(r#"{{"users":{{"k":{deep}}},"items":[{user}]}}"#),
            format!(r#"{{"users":[{{"id":"a","phoneNumber":{deep}}}]}}"#),
            format!(r#"[{{"id":"a","sbc":{deep_map}}}]"#),
        ] {
            let lean = read_page_lean(body.as_bytes(), &PageShape::default());
            let value = decode_body::<serde_json::Value>(body.as_bytes())
                .ok()
                .and_then(|v| read_page(v, &PageShape::default()).ok())
                .map(|p| p.without_raw());
            if lean.is_some() {
                assert_eq!(lean, value, "depth {depth}: {}", &body[..60]);
            }
        }
    }
}
