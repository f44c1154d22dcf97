//! The lean page reading against the `Value` reading, in process, over
//! thousands of generated hostile bodies: known fields of every JSON
//! shape and escaping, keys sent twice and spelt with escapes or in
//! another case, numbers as ids, very long texts, a BOM, invalid UTF-8,
//! trailing bytes. Whenever the lean reading reads a body it must give the
//! very page the `Value` reading gives (as the sync decodes it), so that
//! users, repeat keys, skipped users and statuses are the same.

use switchboard::domain::arm_users::{read_page, read_page_lean, ArmPage, PageShape};

/// A small deterministic generator (xorshift64*): the same bodies on
/// every run, so a failure names a body that can be replayed.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Key names as sent: the known ones, spelt with escapes, in another
/// case, and unknown ones.
const KEYS: &[&str] = &[
    "id",
    "id",
    "userName",
    "displayName",
    "status",
    "status",
    "phoneNumber",
    "phoneNumber",
    "uri",
    "sbc",
    "lastSeen",
    r"\u0069d",
    r"st\u0061tus",
    r"phone\u004eumber",
    "ID",
    "Id",
    "Status",
    "PhoneNumber",
    "x",
    "",
    r#"\""#,
    "users",
    "total",
];

/// Values as sent (JSON text).
const VALUES: &[&str] = &[
    // Text, plain and escaped the same.
    r#""a""#,
    r#""\u0061""#,
    r#""ab""#,
    r#""a\u0062""#,
    r#""A""#,
    r#"" a""#,
    r#""a ""#,
    r#""a\"b""#,
    r#""a\\b""#,
    r#""a\/b""#,
    r#""\u00e9""#,
    r#""é""#,
    r#""e\u0301""#,
    r#""\ud83d\ude00""#,
    r#""😀""#,
    r#""nul\u0000id""#,
    r#""tab\tid""#,
    r#""\u001b[31m""#,
    r#""""#,
    r#"" ""#,
    r#""1""#,
    r#""1.0""#,
    r#""user a""#,
    r#""{\"x\"}""#,
    // Numbers.
    "1",
    "1.0",
    "-0",
    "-0.0",
    "1e3",
    "1E+3",
    "0.1",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "123456789012345678901234567890",
    // Other shapes.
    "null",
    "true",
    "false",
    "[]",
    "{}",
    r#"["+15550001"]"#,
    r#"["+15550001", "+15550001", 15550002]"#,
    r#"{"n": "+15550003"}"#,
    r#"{"a": {"b": [1, {"c": null}]}}"#,
    r#"[[[[["deep"]]]]]"#,
    // Statuses in every case and spacing.
    r#""REGISTERED""#,
    r#""registered""#,
    r#""Registered ""#,
    r#""\u0052EGISTERED""#,
    r#""OFFLINE""#,
    r#""not-active""#,
    r#""NOT_REGISTERED""#,
    r#""unregistered""#,
    r#""ＲＥＧＩＳＴＥＲＥＤ""#,
    r#""REGİSTERED""#,
    r#""Busy""#,
    // Numbers and URIs.
    r#""+15550001""#,
    r#""+1 (555) 000-0002""#,
    r#""+1555\u00300003""#,
    r#""sip:+15550004@h""#,
    r#""SIP:+15550005@h""#,
    r#""Sips:+15550006;user=phone""#,
    r#""tel:+15550007""#,
    r#""ſip:+15550008@h""#,
    r#""sİp:+15550009@h""#,
    r#""é:+15550010""#,
    r#""sip:""#,
    r#""tel:é""#,
    "15550011",
    "15550012.0",
    // Times.
    r#""2026-11-30T09:00:00Z""#,
    r#""2026-11-30T09:00:00\u005a""#,
    r#""2026-11-30T09:00:00.123456789+01:00""#,
    r#""2026-11-30 09:00:00""#,
    "1700000000",
    // Broken: both readings must refuse these.
    r#""\ud83d""#,
    r#""\udc00x""#,
    r#""\x""#,
    "01",
    "1.",
    "NaN",
    r#""a"#,
];

/// A user: a few keys with values, sometimes a very long text.
fn user(g: &mut Gen) -> String {
    let mut fields = Vec::new();
    for _ in 0..g.below(7) {
        let key = g.pick(KEYS);
        let value = if g.below(40) == 0 {
            format!("\"{}\"", "x".repeat(20_000 + g.below(50_000)))
        } else {
            g.pick(VALUES).to_string()
        };
        let gap = g.pick(&["", " ", "\n\t "]);
        fields.push(format!("\"{key}\"{gap}:{gap}{value}"));
    }
    format!("{{{}}}", fields.join(","))
}

/// A page: users in one of the envelopes, a total, now and then a BOM,
/// trailing bytes, a key sent twice or invalid UTF-8.
fn body(g: &mut Gen) -> Vec<u8> {
    let users: Vec<String> = (0..g.below(5)).map(|_| user(g)).collect();
    let list = format!("[{}]", users.join(","));
    let text = match g.below(9) {
        0 => list,
        1 => format!(r#"{{"users": {list}, "total": {}}}"#, users.len()),
        2 => format!(r#"{{"data": {list}, "count": "{}"}}"#, users.len()),
        3 => format!(r#"{{"users": [{{"id": "gone"}}], "users": {list}}}"#),
        4 => format!(r#"{{"users": 5, "items": {list}, "meta": {{"a": [1, 2]}}}}"#),
        5 => format!(r#"{{"results": {list}, "total": -1, "totalCount": 2}}"#),
        6 => format!(r#"{{"us\u0065rs": {list}}}"#),
        7 => format!(r#"{{"users": {list}, "users": 5, "data": {list}, "total": 1.0}}"#),
        _ => format!(r#"{{"Users": {list}, "registeredUsers": {list}}}"#),
    };
    let mut bytes = text.into_bytes();
    match g.below(25) {
        0 => bytes.splice(0..0, *b"\xef\xbb\xbf").for_each(drop),
        1 => bytes.extend_from_slice(b" \n"),
        2 => bytes.extend_from_slice(b" x"),
        3 => {
            // Invalid UTF-8 inside the first string.
            if let Some(q) = bytes.iter().position(|b| *b == b'"') {
                bytes.insert(q + 1, 0xff);
            }
        }
        4 => {
            // A lone continuation byte inside the last string.
            if let Some(q) = bytes.iter().rposition(|b| *b == b'"') {
                bytes.insert(q, 0x80);
            }
        }
        _ => {}
    }
    bytes
}

/// The page as the sync reads a body the lean reading declines: the
/// whole body one JSON value, read through the `Value` reading.
fn slow(body: &[u8], shape: &PageShape) -> Option<ArmPage> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let v: serde_json::Value = serde::Deserialize::deserialize(&mut *de).ok()?;
    de.end().ok()?;
    read_page(v, shape).ok().map(ArmPage::without_raw)
}

fn compare_all(shape: &PageShape, seed: u64, bodies: usize) -> usize {
    let mut g = Gen(seed);
    let mut lean_read = 0;
    for n in 0..bodies {
        let body = body(&mut g);
        if let Some(lean) = read_page_lean(&body, shape) {
            lean_read += 1;
            let slow = slow(&body, shape);
            assert_eq!(
                Some(&lean),
                slow.as_ref(),
                "body {n} read otherwise lean: {}",
                String::from_utf8_lossy(&body)
            );
            // The keys the pager compares: the same parts, so the same
            // repeats (ArmPage equality covers `key`; this names them).
            let parts = |p: &ArmPage| -> Vec<[String; 2]> {
                p.users
                    .iter()
                    .map(|u| u.key_parts().map(str::to_string))
                    .collect()
            };
            assert_eq!(parts(&lean), parts(slow.as_ref().unwrap()));
        }
    }
    lean_read
}

/// The default shape: every field read by name.
#[test]
fn generated_hostile_bodies_read_lean_as_read_as_a_value() {
    let read = compare_all(&PageShape::default(), 0x5eed_2201, 4000);
    // Most bodies must be read lean, or the comparison proves little.
    assert!(read > 1000, "only {read} of 4000 bodies were read lean");
}

/// Number fields through pointers into known fields and past them (a
/// pointer into a string finds nothing; into an array or object, what a
/// `Value` pointer finds), and to keys spelt with `~0`/`~1`.
#[test]
fn generated_hostile_bodies_read_lean_as_read_as_a_value_through_number_fields() {
    let shape = PageShape {
        number_fields: [
            "/phoneNumber",
            "/phoneNumber/0",
            "/phoneNumber/n",
            "/uri",
            "/id",
            "/status/1",
            "/a/b/1/c",
            "/",
            "/x",
            "/~1",
            "/lastSeen",
        ]
        .map(String::from)
        .to_vec(),
        ..PageShape::default()
    };
    let read = compare_all(&shape, 0x5eed_2202, 4000);
    assert!(read > 1000, "only {read} of 4000 bodies were read lean");
}

/// Nesting at the parser's depth limit, in a known field, an unknown
/// field and the envelope: the lean reading reads exactly what the
/// `Value` reading reads (or declines), never a body it refuses.
#[test]
fn nesting_at_the_parsers_limit_reads_lean_as_read_as_a_value() {
    let shape = PageShape::default();
    for depth in 118..=132 {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        for body in [
            format!(r#"{{"users": [{{"id": "a", "status": {deep}}}]}}"#),
            format!(r#"{{"users": [{{"id": "a", "phoneNumber": {deep}}}]}}"#),
            format!(r#"{{"users": [{{"id": "a", "x": {deep}}}]}}"#),
            format!(r#"[{{"id": "a", "status": {{"k": {deep}}}}}]"#),
            format!(r#"{{"users": [], "total": {deep}}}"#),
        ] {
            let lean = read_page_lean(body.as_bytes(), &shape);
            let slow = slow(body.as_bytes(), &shape);
            if lean.is_some() {
                assert_eq!(lean, slow, "depth {depth}: {body}");
            }
        }
    }
}
