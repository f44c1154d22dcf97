//! Reading an ARM registered-users page, whatever its shape (contract §1):
//! where the list and the total are, each user's number(s), status and
//! identity, and the paging rules that make a fetch finish exactly or fail.
//! Pure: the sync, `connections test` and `connections probe` all read pages
//! through this one module.

mod lean;
mod page;
mod pager;
mod probe;
mod seen;
mod users;

pub use lean::read_page_lean;
pub use page::{numbers_of, read_page, PageError};
pub use pager::{Next, Pager, PagingError};
pub use probe::{Probe, ProbeUser};
pub use seen::{HashedPage, KeyHasher};
pub use users::ArmUsers;

use super::invalid::Invalid;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
pub fn validate_pointer(p: &str) -> Result<(), Invalid> {
    if !p.is_empty() && !p.starts_with('/') {
        return Err(Invalid::new(
            "pointer",
            format!(
                "{p:?} is not a JSON pointer: start it with '/' (e.g. \"/{}\")",
                p.trim_start_matches('/')
            ),
        ));
    }
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' && !matches!(chars.next(), Some('0' | '1')) {
            return Err(Invalid::new(
                "pointer",
                format!("{p:?} is not a JSON pointer: '~' must be followed by 0 or 1"),
            ));
        }
    }
    Ok(())
}

/// A number field must point inside a user: a pointer that is not empty.
pub fn validate_number_field(p: &str) -> Result<(), Invalid> {
    if p.is_empty() {
        return Err(Invalid::new(
            "number_fields",
            "a number field is a JSON pointer such as \"/phoneNumber\"",
        ));
    }
    validate_pointer(p).map_err(|e| e.in_field("number_fields"))
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
        // In any ASCII case, compared without making an upper-case copy.
        let is = |known: &str| s.eq_ignore_ascii_case(known);
        if is("REGISTERED") {
            StatusReading::Registered
        } else if ["OFFLINE", "NOT_REGISTERED", "NOT-ACTIVE", "UNREGISTERED"]
            .into_iter()
            .any(is)
        {
            StatusReading::Offline
        } else {
            StatusReading::Unknown
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
    /// What tells this user apart from the others when it has no id (nor
    /// `userName`): its whole JSON (which a field that changes per request,
    /// such as `lastSeen`, makes useless for spotting repeats); empty when
    /// it has one, the key then being `user <id>` ([`ArmUser::key_parts`]).
    pub key: String,
    pub numbers: Vec<String>,
    /// The status as sent ("" when absent).
    pub status: String,
    pub reading: StatusReading,
    /// `userName`, `displayName` and `sbc` (text or a number, else "").
    pub user_name: String,
    pub display_name: String,
    pub sbc: String,
    /// `lastSeen` when it reads as an RFC 3339 time.
    pub last_seen: Option<chrono::DateTime<chrono::Utc>>,
    /// The user as sent (null once its page is [`ArmPage::without_raw`]).
    pub raw: Value,
}

impl ArmUser {
    /// Its key, in two parts: "user " and the id, or "" and the JSON
    /// (which begins with '{'): two keys are equal exactly when the ids,
    /// or the whole users, are. Kept apart, so that no string is made
    /// per user for it.
    pub fn key_parts(&self) -> [&str; 2] {
        if self.key.is_empty() {
            ["user ", &self.id]
        } else {
            ["", &self.key]
        }
    }
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

impl ArmPage {
    /// The page without each user's JSON: a sync needs only what was read
    /// from it, and drops it where the page was read (in parallel with the
    /// other pages) rather than at the end of the list.
    #[must_use]
    pub fn without_raw(mut self) -> ArmPage {
        for u in &mut self.users {
            u.raw = Value::Null;
        }
        self
    }
}

#[cfg(test)]
mod tests;
