//! Reading an ARM registered-users page, whatever its shape (contract §1):
//! where the list and the total are, each user's number(s), status and
//! identity, and the paging rules that make a fetch finish exactly or fail.
//! Pure: the sync, `connections test` and `connections probe` all read pages
//! through this one module.

use super::number::{canonical, from_uri};
use super::registered_user::RegisteredUser;
use super::terminal_text::terminal_safe;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Where the list may sit when no pointer is configured, in this order.
pub const LIST_KEYS: [&str; 5] = ["users", "registeredUsers", "items", "data", "results"];
/// Where the total may sit when no pointer is configured, in this order.
pub const TOTAL_KEYS: [&str; 3] = ["total", "totalCount", "count"];

/// How a connection's pages are read (its `users_pointer`, `total_pointer`
/// and `number_fields`; empty means the defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageShape {
    pub users_pointer: Option<String>,
    pub total_pointer: Option<String>,
    pub number_fields: Vec<String>,
}

/// A JSON pointer (RFC 6901): empty (the whole body) or starting with `/`;
/// `~` only as `~0` or `~1`.
pub fn validate_pointer(p: &str) -> Result<(), String> {
    if !p.is_empty() && !p.starts_with('/') {
        return Err(format!(
            "{p:?} is not a JSON pointer: start it with '/' (e.g. \"/{}\")",
            p.trim_start_matches('/')
        ));
    }
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err(format!(
                "{p:?} is not a JSON pointer: '~' must be followed by 0 or 1"
            ));
        }
    }
    Ok(())
}

/// A number field must point inside a user: a pointer that is not empty.
pub fn validate_number_field(p: &str) -> Result<(), String> {
    if p.is_empty() {
        return Err("a number field is a JSON pointer such as \"/phoneNumber\"".into());
    }
    validate_pointer(p)
}

/// How a user's status was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusReading {
    Registered,
    Offline,
    /// A value Switchboard does not know: counted as registered, reported.
    Unknown,
    /// No status (or null, or empty): presence is registration.
    Absent,
}

impl StatusReading {
    pub fn of(raw: &str) -> StatusReading {
        let s = raw.trim();
        if s.is_empty() {
            return StatusReading::Absent;
        }
        let up = s.to_ascii_uppercase();
        match up.as_str() {
            "REGISTERED" => StatusReading::Registered,
            "OFFLINE" | "NOT_REGISTERED" | "NOT-ACTIVE" | "UNREGISTERED" => StatusReading::Offline,
            _ => StatusReading::Unknown,
        }
    }

    pub fn is_registered(self) -> bool {
        self != StatusReading::Offline
    }

    /// How the probe shows it.
    pub fn label(self) -> &'static str {
        match self {
            StatusReading::Registered => "registered",
            StatusReading::Offline => "offline",
            StatusReading::Unknown => "unknown→registered",
            StatusReading::Absent => "absent→registered",
        }
    }
}

/// Where a page's list was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "at", rename_all = "snake_case")]
pub enum Envelope {
    /// Under this key (default search) or pointer (configured).
    Key(String),
    Pointer(String),
    BareArray,
}

impl std::fmt::Display for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Envelope::Key(k) => write!(f, "\"{k}\""),
            Envelope::Pointer(p) => write!(f, "pointer {p}"),
            Envelope::BareArray => f.write_str("bare array"),
        }
    }
}

/// One user as read from a page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmUser {
    /// `id` (string or number), else `userName`, else empty.
    pub id: String,
    /// What tells this user apart from the others: `id`, else `userName`,
    /// else its whole JSON (which a field that changes per request, such as
    /// `lastSeen`, makes useless for spotting repeats).
    pub key: String,
    pub numbers: Vec<String>,
    /// The status as sent ("" when absent).
    pub status: String,
    pub reading: StatusReading,
    pub raw: Value,
}

/// One page as read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmPage {
    pub envelope: Envelope,
    pub total: Option<u64>,
    /// Where the total was found ("total", "/meta/count", ...).
    pub total_at: Option<String>,
    pub users: Vec<ArmUser>,
}

fn keys_of(body: &Value) -> String {
    match body {
        Value::Object(m) if m.is_empty() => "an empty object".into(),
        Value::Object(m) => format!(
            "keys {}",
            m.keys()
                .map(|k| format!("{:?}", terminal_safe(k)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Array(_) => "an array".into(),
        Value::Null => "null".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Number(_) => "a number".into(),
        Value::String(_) => "a string".into(),
    }
}

fn as_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A number from one field's text: a sip:/sips:/tel: URI's user part, or
/// the text in canonical form.
fn number_of(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("sip:") || lower.starts_with("sips:") || lower.starts_with("tel:") {
        from_uri(t)
    } else {
        canonical(t).ok()
    }
}

/// The numbers a user holds: the configured fields (each may hold a string,
/// a number or an array of them), else `phoneNumber`, then `uri` only when
/// `phoneNumber` gives none. Each number once, in field order.
pub fn numbers_of(user: &Value, number_fields: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: Option<String>| {
        if let Some(n) = n {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    if number_fields.is_empty() {
        let phone = user
            .get("phoneNumber")
            .and_then(text_of)
            .and_then(|p| number_of(&p));
        match phone {
            Some(p) => push(Some(p)),
            None => push(
                user.get("uri")
                    .and_then(text_of)
                    .and_then(|u| number_of(&u)),
            ),
        }
        return out;
    }
    for f in number_fields {
        match user.pointer(f) {
            Some(Value::Array(items)) => {
                for i in items {
                    push(text_of(i).and_then(|t| number_of(&t)));
                }
            }
            Some(v) => push(text_of(v).and_then(|t| number_of(&t))),
            None => {}
        }
    }
    out
}

fn read_user(raw: &Value, shape: &PageShape) -> ArmUser {
    let id = raw
        .get("id")
        .and_then(text_of)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            raw.get("userName")
                .and_then(text_of)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_default();
    let key = if id.is_empty() {
        raw.to_string()
    } else {
        format!("user {id:?}")
    };
    // Absent or null: no status. Anything else that is not text (a boolean,
    // an object) is kept as its JSON, so that it is reported, not ignored.
    let status = match raw.get("status") {
        None | Some(Value::Null) => String::new(),
        Some(v) => text_of(v).unwrap_or_else(|| v.to_string()),
    };
    ArmUser {
        id,
        key,
        numbers: numbers_of(raw, &shape.number_fields),
        reading: StatusReading::of(&status),
        status,
        raw: raw.clone(),
    }
}

/// Reads one page. `endpoint` names it in errors. A page with none of the
/// envelopes is an error naming what it did have.
pub fn read_page(body: &Value, shape: &PageShape) -> Result<ArmPage, String> {
    let (envelope, list) = if let Some(p) = &shape.users_pointer {
        match body.pointer(p) {
            // The empty pointer is the body itself: a bare array.
            Some(Value::Array(a)) if p.is_empty() => (Envelope::BareArray, a),
            Some(Value::Array(a)) => (Envelope::Pointer(p.clone()), a),
            Some(other) => {
                return Err(format!(
                    "users_pointer {p} points at {} instead of a list; \
                     check users_pointer (`switchboard connections probe` shows the page)",
                    keys_of(other)
                ))
            }
            None => {
                return Err(format!(
                    "users_pointer {p} finds nothing in a page with {}; \
                     check users_pointer (`switchboard connections probe` shows the page)",
                    keys_of(body)
                ))
            }
        }
    } else if let Value::Array(a) = body {
        (Envelope::BareArray, a)
    } else {
        let found = LIST_KEYS.iter().find_map(|k| match body.get(*k) {
            Some(Value::Array(a)) => Some((Envelope::Key((*k).to_string()), a)),
            _ => None,
        });
        match found {
            Some(f) => f,
            None => {
                return Err(format!(
                    "no list of users under {} nor a bare array; the page has {}; \
                     set users_pointer on the connection",
                    LIST_KEYS.join(", "),
                    keys_of(body)
                ))
            }
        }
    };
    let (total, total_at) = match &shape.total_pointer {
        Some(p) => match body.pointer(p) {
            Some(v) => match as_count(v) {
                Some(n) => (Some(n), Some(p.clone())),
                None => {
                    return Err(format!(
                        "total_pointer {p} holds {v} which is not a count; \
                         check total_pointer"
                    ))
                }
            },
            None => {
                return Err(format!(
                    "total_pointer {p} finds nothing in a page with {}; \
                     check total_pointer",
                    keys_of(body)
                ))
            }
        },
        None => TOTAL_KEYS
            .iter()
            .find_map(|k| body.get(*k).and_then(as_count).map(|n| (n, k.to_string())))
            .map_or((None, None), |(n, k)| (Some(n), Some(k))),
    };
    Ok(ArmPage {
        envelope,
        total,
        total_at,
        users: list.iter().map(|u| read_user(u, shape)).collect(),
    })
}

/// What the pager wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Ask for the page at this offset.
    Page(u64),
    Done,
}

/// The paging rules: a fetch finishes exactly or fails.
#[derive(Debug)]
pub struct Pager {
    limit: u64,
    offset: u64,
    /// The first total the ARM announced (None while it has sent none).
    total: Option<u64>,
    /// The first page was a bare array larger than the limit: the server
    /// ignores `limit`. The next page tells whether it ignores `offset`
    /// too (the same users again: the list is whole) or pages by offset
    /// with a size of its own (new users: read on).
    larger_than_asked: bool,
    seen: HashSet<String>,
    users: Vec<ArmUser>,
}

impl Pager {
    pub fn new(limit: u64) -> Pager {
        Pager {
            limit,
            offset: 0,
            total: None,
            larger_than_asked: false,
            seen: HashSet::new(),
            users: Vec::new(),
        }
    }

    /// Users received so far, and the total if the ARM gave one.
    pub fn progress(&self) -> (u64, u64) {
        let got = self.users.len() as u64;
        (got, self.total.unwrap_or(got).max(got))
    }

    /// Takes the page asked for at the current offset.
    pub fn accept(&mut self, page: ArmPage) -> Result<Next, String> {
        let n = page.users.len() as u64;
        if std::mem::take(&mut self.larger_than_asked)
            && n as usize == self.users.len()
            && page.users.iter().all(|u| self.seen.contains(&u.key))
        {
            // The very same users at another offset: the server ignores
            // paging and sent its whole list; it was taken once.
            return Ok(Next::Done);
        }
        if self.offset == 0 && page.envelope == Envelope::BareArray && n > self.limit {
            self.larger_than_asked = true;
        }
        // An empty page short of the total announced: the users it leaves
        // out would look deleted (whatever total this page claims).
        if let (0, Some(t)) = (n, self.total) {
            if self.offset < t {
                return Err(format!(
                    "unexpected response: the ARM announced {t} users but sent an empty page at offset {}",
                    self.offset
                ));
            }
        }
        // A total that moves means users came or went while the list was
        // read; a page without one (some ARMs send it only first) says nothing.
        match (self.total, page.total) {
            (Some(first), Some(now)) if first != now => {
                return Err(format!(
                    "the ARM's total changed from {first} to {now} during the fetch (page at offset {}); \
                     users were added or removed meanwhile: sync again",
                    self.offset
                ));
            }
            (None, Some(now)) => self.total = Some(now),
            _ => {}
        }
        let mut on_this_page = HashSet::new();
        if let Some(again) = page
            .users
            .iter()
            .find(|u| self.seen.contains(&u.key) || !on_this_page.insert(&u.key))
        {
            let who = if again.id.is_empty() {
                "a user".to_string()
            } else {
                format!("user {:?}", again.id)
            };
            // A bare array that repeats may be the whole list sent on every
            // call; only a page larger than asked for proves it is (a server
            // that caps its pages and ignores offset looks the same).
            let remedy = if page.envelope == Envelope::BareArray {
                "if this ARM sends its whole list as a bare array on every call, set \
                 page_size = 1 for the connection: a list longer than the page asked for is \
                 then read once, whole"
            } else {
                "if the ARM sends a total, raise page_size above the number of users"
            };
            return Err(format!(
                "the ARM ignores offset; the page at offset {} repeats {who} already seen, \
                 so the list cannot be read whole: point users_path at a resource that pages \
                 by offset, or, {remedy} (`switchboard connections probe` shows a page)",
                self.offset
            ));
        }
        for u in &page.users {
            self.seen.insert(u.key.clone());
        }
        self.users.extend(page.users);
        if n == 0 {
            return match self.total {
                // The first page: empty, yet announcing users.
                Some(t) if self.offset < t => Err(format!(
                    "unexpected response: the ARM announced {t} users but sent an empty page at offset {}",
                    self.offset
                )),
                _ => Ok(Next::Done),
            };
        }
        self.offset += n;
        match self.total {
            Some(t) if self.offset > t => Err(format!(
                "unexpected response: the ARM sent {} users, more than its total of {t}",
                self.offset
            )),
            Some(t) if self.offset == t => Ok(Next::Done),
            _ => Ok(Next::Page(self.offset)),
        }
    }

    pub fn finish(self) -> ArmUsers {
        ArmUsers::from_users(self.users)
    }
}

/// A whole fetched list, ready for the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArmUsers {
    /// One entry per (user, number); a user without a number is one entry
    /// without a number (counted as skipped).
    #[serde(skip)]
    pub entries: Vec<RegisteredUser>,
    pub users: usize,
    /// Unrecognised status values (as sent) and how many users had each.
    pub unrecognised_statuses: BTreeMap<String, usize>,
}

impl ArmUsers {
    pub fn from_users(users: Vec<ArmUser>) -> ArmUsers {
        let mut out = ArmUsers {
            users: users.len(),
            ..Default::default()
        };
        for (i, u) in users.into_iter().enumerate() {
            if u.reading == StatusReading::Unknown {
                *out.unrecognised_statuses
                    .entry(u.status.trim().to_string())
                    .or_default() += 1;
            }
            let id = if u.id.is_empty() {
                format!("#{}", i + 1)
            } else {
                u.id.clone()
            };
            let base = RegisteredUser {
                id: id.clone(),
                user_name: u.raw.get("userName").and_then(text_of).unwrap_or_default(),
                display_name: u
                    .raw
                    .get("displayName")
                    .and_then(text_of)
                    .unwrap_or_default(),
                number: None,
                raw_status: u.status.clone(),
                last_seen: u
                    .raw
                    .get("lastSeen")
                    .and_then(Value::as_str)
                    .and_then(parse_stamp),
                sbc: u.raw.get("sbc").and_then(text_of).unwrap_or_default(),
            };
            if u.numbers.is_empty() {
                out.entries.push(base);
                continue;
            }
            for (k, n) in u.numbers.iter().enumerate() {
                out.entries.push(RegisteredUser {
                    id: if k == 0 {
                        id.clone()
                    } else {
                        format!("{id}#{}", k + 1)
                    },
                    number: Some(n.clone()),
                    ..base.clone()
                });
            }
        }
        out
    }

    /// "2 users with an unrecognised status counted as registered: \"Busy\" ×2",
    /// or None. Vendor text: the caller makes it terminal-safe.
    pub fn unrecognised_summary(&self) -> Option<String> {
        if self.unrecognised_statuses.is_empty() {
            return None;
        }
        let n: usize = self.unrecognised_statuses.values().sum();
        let each = self
            .unrecognised_statuses
            .iter()
            .map(|(s, c)| format!("{s:?} ×{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!(
            "{n} user{} with an unrecognised status counted as registered: {each}",
            if n == 1 { "" } else { "s" }
        ))
    }
}

fn parse_stamp(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

/// What `connections probe` shows: one page as understood.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Probe {
    pub endpoint: String,
    pub envelope: Envelope,
    pub total: Option<u64>,
    pub total_at: Option<String>,
    pub asked: u64,
    pub returned: usize,
    pub users: Vec<ProbeUser>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeUser {
    pub raw: Value,
    pub id: String,
    pub numbers: Vec<String>,
    pub status: String,
    pub reading: StatusReading,
}

impl Probe {
    /// The first `show` users of `page`, as the sync would read them.
    pub fn of(endpoint: &str, asked: u64, page: &ArmPage, show: usize) -> Probe {
        Probe {
            endpoint: endpoint.to_string(),
            envelope: page.envelope.clone(),
            total: page.total,
            total_at: page.total_at.clone(),
            asked,
            returned: page.users.len(),
            users: page
                .users
                .iter()
                .take(show)
                .map(|u| ProbeUser {
                    raw: u.raw.clone(),
                    id: u.id.clone(),
                    numbers: u.numbers.clone(),
                    status: u.status.clone(),
                    reading: u.reading,
                })
                .collect(),
        }
    }

    /// The probe for a person: every vendor text made terminal-safe.
    pub fn lines(&self) -> Vec<String> {
        let safe = |s: &str| terminal_safe(s).into_owned();
        let mut out = vec![
            format!("endpoint: {}", self.endpoint),
            format!("list found: {}", safe(&self.envelope.to_string())),
            match (&self.total, &self.total_at) {
                (Some(t), Some(at)) => format!("total: {t} (under {})", safe(at)),
                _ => "total: none (pages are read until an empty one)".into(),
            },
            format!(
                "page size: asked {}, the server returned {} user{}{}",
                self.asked,
                self.returned,
                if self.returned == 1 { "" } else { "s" },
                if (self.returned as u64) > self.asked {
                    " (more than asked: the server ignores limit; a sync asks once more \
                     at the next offset to learn whether it ignores offset too)"
                } else if (self.returned as u64) < self.asked
                    && self.total.is_some_and(|t| t > self.returned as u64)
                {
                    " (the server caps its pages)"
                } else {
                    ""
                }
            ),
        ];
        for (i, u) in self.users.iter().enumerate() {
            out.push(format!("user {}:", i + 1));
            out.push(format!("  raw: {}", safe(&u.raw.to_string())));
            out.push(format!(
                "  read as: id {}, number{} {}, status {} ({})",
                if u.id.is_empty() {
                    "(none: the whole JSON tells it apart)".to_string()
                } else {
                    format!("{:?}", safe(&u.id))
                },
                if u.numbers.len() == 1 { "" } else { "s" },
                if u.numbers.is_empty() {
                    "none (skipped)".to_string()
                } else {
                    u.numbers.join(", ")
                },
                if u.status.is_empty() {
                    "absent".to_string()
                } else {
                    format!("{:?}", safe(&u.status))
                },
                u.reading.label()
            ));
        }
        if self.users.is_empty() {
            out.push("no users on this page".into());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn page(body: Value) -> ArmPage {
        read_page(&body, &PageShape::default()).unwrap()
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
        let e = read_page(&json!({"rows": [], "n": 1}), &PageShape::default()).unwrap_err();
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
        let p = read_page(&body, &shape).unwrap();
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
        assert!(e.starts_with("the ARM ignores offset;"), "{e}");
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
        assert!(p.accept(page(twice)).unwrap_err().contains("\"u3\""));
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
        let p = read_page(&json!([]), &whole).unwrap();
        assert_eq!(p.envelope, Envelope::BareArray);
    }

    #[test]
    fn several_numbers_and_unrecognised_statuses() {
        let shape = PageShape {
            number_fields: vec!["/a".into(), "/b".into()],
            ..Default::default()
        };
        let p = read_page(
            &json!([{"id": "x", "a": "+15550001", "b": "+15550002", "status": "Busy"},
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
        let err = read_page(&json!({}), &PageShape::default()).unwrap_err();
        assert!(err.contains("the page has an empty object"), "{err}");
    }
}
