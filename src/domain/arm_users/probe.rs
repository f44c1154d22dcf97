//! What `connections probe` shows: one page as understood.

use super::{ArmPage, Envelope, StatusReading};
use crate::domain::terminal_text::terminal_safe;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
