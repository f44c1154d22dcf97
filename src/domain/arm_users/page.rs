//! One page read, whatever its shape: where the list and the total are,
//! and each user's number(s), status and identity.

use super::{ArmPage, ArmUser, Envelope, PageShape, StatusReading, LIST_KEYS, TOTAL_KEYS};
use crate::domain::number::{canonical, from_uri};
use crate::domain::terminal_text::terminal_safe;
use serde_json::Value;

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

pub(super) fn text_of(v: &Value) -> Option<String> {
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

/// What a user is read from: a `Value`, or a user read without one.
pub(super) trait Fields {
    /// The field `name` of the user (none when the user is no object).
    fn field(&self, name: &str) -> Option<&Value>;
    /// What a JSON pointer finds in the user.
    fn pointer(&self, pointer: &str) -> Option<&Value>;
    /// The user's whole JSON, as a `Value` prints it.
    fn json(&self) -> String;
}

impl Fields for Value {
    fn field(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
    fn pointer(&self, pointer: &str) -> Option<&Value> {
        Value::pointer(self, pointer)
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
            .field("phoneNumber")
            .and_then(text_of)
            .and_then(|p| number_of(&p));
        match phone {
            Some(p) => push(Some(p)),
            None => push(
                user.field("uri")
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

fn read_user(raw: Value, shape: &PageShape) -> ArmUser {
    let mut user = read_fields(&raw, shape);
    user.raw = raw;
    user
}

/// One user read from its fields; its raw JSON left null.
pub(super) fn read_fields<F: Fields + ?Sized>(raw: &F, shape: &PageShape) -> ArmUser {
    let id = raw
        .field("id")
        .and_then(text_of)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            raw.field("userName")
                .and_then(text_of)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or_default();
    // "user " and the id, or the JSON (which begins with '{'): two keys
    // are equal exactly when the ids, or the whole users, are.
    let key = if id.is_empty() {
        raw.json()
    } else {
        let mut key = String::with_capacity(5 + id.len());
        key.push_str("user ");
        key.push_str(&id);
        key
    };
    // Absent or null: no status. Anything else that is not text (a boolean,
    // an object) is kept as its JSON, so that it is reported, not ignored.
    let status = match raw.field("status") {
        None | Some(Value::Null) => String::new(),
        Some(v) => text_of(v).unwrap_or_else(|| v.to_string()),
    };
    let text_at = |field: &str| raw.field(field).and_then(text_of).unwrap_or_default();
    let numbers = numbers_in(raw, &shape.number_fields);
    let last_seen = raw
        .field("lastSeen")
        .and_then(Value::as_str)
        .and_then(parse_stamp);
    ArmUser {
        key,
        numbers,
        reading: StatusReading::of(&status),
        status,
        user_name: text_at("userName"),
        display_name: text_at("displayName"),
        sbc: text_at("sbc"),
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
