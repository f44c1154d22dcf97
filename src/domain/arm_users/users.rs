//! A whole fetched list, ready for the snapshot.

use super::{ArmUser, StatusReading};
use crate::domain::registered_user::RegisteredUser;
use serde::Serialize;
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
        let mut out = ArmUsers::default();
        out.push_page(users);
        out
    }

    /// Adds the users of the next page, in order (the pager adds each
    /// page as it takes it, so the end of a fetch has nothing left to
    /// assemble).
    pub fn push_page(&mut self, users: Vec<ArmUser>) {
        self.entries
            .reserve(users.iter().map(|u| u.numbers.len().max(1)).sum());
        for u in users {
            self.push(u);
        }
    }

    fn push(&mut self, u: ArmUser) {
        self.users += 1;
        if u.reading == StatusReading::Unknown {
            *self
                .unrecognised_statuses
                .entry(u.status.trim().to_string())
                .or_default() += 1;
        }
        let id = if u.id.is_empty() {
            format!("#{}", self.users)
        } else {
            u.id
        };
        let base = RegisteredUser {
            id,
            user_name: u.user_name,
            display_name: u.display_name,
            number: None,
            raw_status: u.status,
            last_seen: u.last_seen,
            sbc: u.sbc,
        };
        let mut numbers = u.numbers;
        let Some(last) = numbers.pop() else {
            self.entries.push(base);
            return;
        };
        // Several numbers: `id`, `id#2`, ... (the last takes `base`).
        let last_id = (!numbers.is_empty()).then(|| format!("{}#{}", base.id, numbers.len() + 1));
        for (k, n) in numbers.into_iter().enumerate() {
            self.entries.push(RegisteredUser {
                id: if k == 0 {
                    base.id.clone()
                } else {
                    format!("{}#{}", base.id, k + 1)
                },
                number: Some(n),
                ..base.clone()
            });
        }
        self.entries.push(RegisteredUser {
            id: last_id.unwrap_or(base.id),
            number: Some(last),
            ..base
        });
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
