//! A whole fetched list, ready for the snapshot.

use super::page::text_of;
use super::{ArmUser, StatusReading};
use crate::domain::registered_user::RegisteredUser;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

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
