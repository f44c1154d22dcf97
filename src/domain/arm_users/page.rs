//! One page read, whatever its shape: where the list and the total are,
//! and each user's number(s), status and identity.

use super::{ArmPage, ArmUser, Envelope, PageShape, StatusReading, LIST_KEYS, TOTAL_KEYS};
use crate::domain::number::{canonical, from_uri};
use crate::domain::terminal_text::terminal_safe;
use serde_json::Value;
use std::borrow::Cow;

/// A page this connection's shape cannot read; the words say which
/// setting to check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("users_pointer {pointer} points at {found} instead of a list; check users_pointer (`switchboard connections probe` shows the page)")]
    ListPointerNotAList { pointer: String, found: String },
    #[error("users_pointer {pointer} finds nothing in a page with {page_has}; check users_pointer (`switchboard connections probe` shows the page)")]
    ListPointerFindsNothing { pointer: String, page_has: String },
    #[error("no list of users under {} nor a bare array; the page has {page_has}; set users_pointer on the connection", LIST_KEYS.join(", "))]
    NoList { page_has: String },
    #[error("total_pointer {pointer} holds {value} which is not a count; check total_pointer")]
    TotalNotACount { pointer: String, value: String },
    #[error(
        "total_pointer {pointer} finds nothing in a page with {page_has}; check total_pointer"
    )]
    TotalPointerFindsNothing { pointer: String, page_has: String },
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

pub(super) fn as_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// One field of a user as read: text (borrowed from the page where the
/// lean reading could), or any other JSON.
#[derive(Debug, Clone, Copy)]
pub(super) enum FieldRef<'a> {
    Text(&'a str),
    /// Anything but a string.
    Json(&'a Value),
}

impl<'a> FieldRef<'a> {
    pub(super) fn of(v: &'a Value) -> FieldRef<'a> {
        match v {
            Value::String(s) => FieldRef::Text(s),
            v => FieldRef::Json(v),
        }
    }

    /// The text of a string or a number.
    fn text(self) -> Option<Cow<'a, str>> {
        match self {
            FieldRef::Text(s) => Some(Cow::Borrowed(s)),
            FieldRef::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
            FieldRef::Json(_) => None,
        }
    }

    /// The text of a string only.
    fn as_str(self) -> Option<&'a str> {
        match self {
            FieldRef::Text(s) => Some(s),
            FieldRef::Json(_) => None,
        }
    }

    /// The value as JSON text.
    fn json(self) -> String {
        match self {
            FieldRef::Text(s) => Value::from(s).to_string(),
            FieldRef::Json(v) => v.to_string(),
        }
    }
}

/// Whether `text` begins with the ASCII `prefix`, in any case.
fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// A number from one field's text: a sip:/sips:/tel: URI's user part, or
/// the text in canonical form.
fn number_of(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if ["sip:", "sips:", "tel:"]
        .iter()
        .any(|p| starts_with_ignore_case(t, p))
    {
        from_uri(t)
    } else {
        canonical(t).ok()
    }
}

/// What a user is read from: a `Value`, or a user read without one.
pub(super) trait Fields {
    /// The field `name` of the user (none when the user is no object).
    fn field(&self, name: &str) -> Option<FieldRef<'_>>;
    /// What a JSON pointer finds in the user.
    fn pointer(&self, pointer: &str) -> Option<FieldRef<'_>>;
    /// The user's whole JSON, as a `Value` prints it.
    fn json(&self) -> String;
}

impl Fields for Value {
    fn field(&self, name: &str) -> Option<FieldRef<'_>> {
        self.get(name).map(FieldRef::of)
    }
    fn pointer(&self, pointer: &str) -> Option<FieldRef<'_>> {
        Value::pointer(self, pointer).map(FieldRef::of)
    }
    fn json(&self) -> String {
        self.to_string()
    }
}

/// The numbers a user holds: the configured fields (each may hold a string,
/// a number or an array of them), else `phoneNumber`, then `uri` only when
/// `phoneNumber` gives none. Each number once, in field order.
pub fn numbers_of(user: &Value, number_fields: &[String]) -> Vec<String> {
    numbers_in(user, number_fields)
}

fn numbers_in<F: Fields + ?Sized>(user: &F, number_fields: &[String]) -> Vec<String> {
    let number_in = |f: FieldRef<'_>| f.text().and_then(|t| number_of(&t));
    if number_fields.is_empty() {
        let phone = user.field("phoneNumber").and_then(number_in);
        return phone
            .or_else(|| user.field("uri").and_then(number_in))
            .into_iter()
            .collect();
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: Option<String>| {
        if let Some(n) = n {
            if !out.contains(&n) {
                out.push(n);
            }
        }
    };
    for f in number_fields {
        match user.pointer(f) {
            Some(FieldRef::Json(Value::Array(items))) => {
                for i in items {
                    push(number_in(FieldRef::of(i)));
                }
            }
            Some(v) => push(number_in(v)),
            None => {}
        }
    }
    out
}

fn read_user(raw: Value, shape: &PageShape) -> ArmUser {
    let mut user = read_fields(&raw, shape);
    user.raw = raw;
    user
}

/// One user read from its fields; its raw JSON left null. Each text is
/// copied once, from where it was read.
pub(super) fn read_fields<F: Fields + ?Sized>(raw: &F, shape: &PageShape) -> ArmUser {
    let text_at = |field: &str| raw.field(field).and_then(FieldRef::text);
    let id = text_at("id")
        .filter(|s| !s.is_empty())
        .or_else(|| text_at("userName").filter(|s| !s.is_empty()))
        .map(Cow::into_owned)
        .unwrap_or_default();
    // A user without an id is told apart by its JSON (see `ArmUser::key`).
    let key = if id.is_empty() {
        raw.json()
    } else {
        String::new()
    };
    // Absent or null: no status. Anything else that is not text (a boolean,
    // an object) is kept as its JSON, so that it is reported, not ignored.
    let status = match raw.field("status") {
        None | Some(FieldRef::Json(Value::Null)) => String::new(),
        Some(v) => v.text().map_or_else(|| v.json(), Cow::into_owned),
    };
    let owned_at = |field: &str| text_at(field).map(Cow::into_owned).unwrap_or_default();
    let numbers = numbers_in(raw, &shape.number_fields);
    let last_seen = raw
        .field("lastSeen")
        .and_then(FieldRef::as_str)
        .and_then(parse_stamp);
    ArmUser {
        key,
        numbers,
        reading: StatusReading::of(&status),
        status,
        user_name: owned_at("userName"),
        display_name: owned_at("displayName"),
        sbc: owned_at("sbc"),
        last_seen,
        id,
        raw: Value::Null,
    }
}

fn parse_stamp(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

/// Where the list is: its envelope and its pointer in the body, or what
/// the page has instead.
fn find_list(body: &Value, shape: &PageShape) -> Result<(Envelope, String), PageError> {
    if let Some(p) = &shape.users_pointer {
        return match body.pointer(p) {
            // The empty pointer is the body itself: a bare array.
            Some(Value::Array(_)) if p.is_empty() => Ok((Envelope::BareArray, String::new())),
            Some(Value::Array(_)) => Ok((Envelope::Pointer(p.clone()), p.clone())),
            Some(other) => Err(PageError::ListPointerNotAList {
                pointer: p.clone(),
                found: keys_of(other),
            }),
            None => Err(PageError::ListPointerFindsNothing {
                pointer: p.clone(),
                page_has: keys_of(body),
            }),
        };
    }
    if let Value::Array(_) = body {
        return Ok((Envelope::BareArray, String::new()));
    }
    LIST_KEYS
        .iter()
        .find(|k| matches!(body.get(**k), Some(Value::Array(_))))
        .map(|k| (Envelope::Key((*k).to_string()), format!("/{k}")))
        .ok_or_else(|| PageError::NoList {
            page_has: keys_of(body),
        })
}

/// Reads one page (the body is taken apart: each user keeps its own JSON).
/// A page with none of the envelopes is an error naming what it did have.
pub fn read_page(mut body: Value, shape: &PageShape) -> Result<ArmPage, PageError> {
    let (envelope, at) = find_list(&body, shape)?;
    let (total, total_at) = match &shape.total_pointer {
        Some(p) => match body.pointer(p) {
            Some(v) => match as_count(v) {
                Some(n) => (Some(n), Some(p.clone())),
                None => {
                    return Err(PageError::TotalNotACount {
                        pointer: p.clone(),
                        value: v.to_string(),
                    })
                }
            },
            None => {
                return Err(PageError::TotalPointerFindsNothing {
                    pointer: p.clone(),
                    page_has: keys_of(&body),
                })
            }
        },
        None => TOTAL_KEYS
            .iter()
            .find_map(|k| body.get(*k).and_then(as_count).map(|n| (n, k.to_string())))
            .map_or((None, None), |(n, k)| (Some(n), Some(k))),
    };
    let list = match body.pointer_mut(&at).map(Value::take) {
        Some(Value::Array(list)) => list,
        _ => unreachable!("find_list found an array at {at:?}"),
    };
    Ok(ArmPage {
        envelope,
        total,
        total_at,
        users: list.into_iter().map(|u| read_user(u, shape)).collect(),
    })
}
