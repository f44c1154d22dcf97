//! What the Numbers tab (and an export of it) asks of the inventory: a
//! status, a vendor, a text filter and a sort. The SQL that answers it is
//! in `store::number_query`.

use super::number::Status;
use serde::{Deserialize, Serialize};

/// Column the Numbers tab sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Number,
    Status,
    Usage,
    Vendor,
    ReleaseDate,
    Tag,
    Connection,
    RegisteredUser,
    LastSeen,
}

impl SortKey {
    pub const ALL: [SortKey; 9] = [
        SortKey::Number,
        SortKey::Status,
        SortKey::Usage,
        SortKey::Vendor,
        SortKey::ReleaseDate,
        SortKey::Tag,
        SortKey::Connection,
        SortKey::RegisteredUser,
        SortKey::LastSeen,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Number => "number",
            SortKey::Status => "status",
            SortKey::Usage => "usage",
            SortKey::Vendor => "vendor",
            SortKey::ReleaseDate => "release date (countdown)",
            SortKey::Tag => "tag",
            SortKey::Connection => "connection",
            SortKey::RegisteredUser => "registered user",
            SortKey::LastSeen => "last seen",
        }
    }
}

/// What the Numbers tab shows: a status, a text filter and a sort.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberQuery {
    pub status: Option<Status>,
    pub vendor: Option<String>,
    /// `+` and digits: a number prefix. Otherwise a substring of the
    /// number, a hand-written tag or the registered user (case-insensitive;
    /// VOSS's generated cooling tag is not searched: filter by status).
    pub text: String,
    pub sort: SortKey,
    pub descending: bool,
    /// Only the numbers the newest sync or preview (of any connection)
    /// found in conflict: a status-like filter of the Numbers tab.
    #[serde(default)]
    pub last_sync_conflicts: bool,
}
