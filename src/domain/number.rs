//! Numbers as the inventory holds them: canonical form, status, usage, vendor.

use super::invalid::Invalid;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

pub const VENDOR_AUDIOCODES: &str = "AudioCodes";
pub const USAGE_DEVICE: &str = "Device";

/// Canonical form: E.164 (`+` and 3 to 15 digits), or an extension (digits
/// only, shorter than 7). Spaces, dashes, dots and parentheses are dropped
/// first.
pub fn canonical(raw: &str) -> Result<String, Invalid> {
    let cleaned: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\t'))
        .collect();
    if let Some(digits) = cleaned.strip_prefix('+') {
        if (3..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(cleaned);
        }
    } else if !cleaned.is_empty()
        && cleaned.len() < 7
        && cleaned.bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(cleaned);
    }
    Err(Invalid::new(
        "number",
        format!(
            "{} is neither E.164 (+ and 3 to 15 digits) nor an extension (up to 6 digits)",
            super::invalid::quoted_clip(raw)
        ),
    ))
}

/// The number in a `sip:`, `sips:` or `tel:` URI: the user part, without
/// parameters.
pub fn from_uri(uri: &str) -> Option<String> {
    let lower = uri.trim().to_ascii_lowercase();
    let rest = ["sip:", "sips:", "tel:"]
        .iter()
        .find_map(|s| lower.strip_prefix(s).map(|_| &uri.trim()[s.len()..]))?;
    let user = rest.split(['@', ';', '?']).next()?;
    canonical(user).ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Status {
    Available,
    Used,
    #[serde(rename = "Used-Utility")]
    UsedUtility,
    Cooling,
    Reserved,
    Inactive,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Used,
        Status::Cooling,
        Status::Available,
        Status::Reserved,
        Status::UsedUtility,
        Status::Inactive,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Available => "Available",
            Status::Used => "Used",
            Status::UsedUtility => "Used-Utility",
            Status::Cooling => "Cooling",
            Status::Reserved => "Reserved",
            Status::Inactive => "Inactive",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the number inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryItem {
    pub number: String,
    pub status: Status,
    pub usage: String,
    pub vendor: String,
    pub tag: String,
    pub release_date: Option<NaiveDate>,
    pub connection: Option<String>,
    pub registered_user: Option<String>,
    pub last_seen: Option<DateTime<Utc>>,
}

impl InventoryItem {
    pub fn available(number: impl Into<String>) -> Self {
        InventoryItem {
            number: number.into(),
            status: Status::Available,
            usage: String::new(),
            vendor: String::new(),
            tag: String::new(),
            release_date: None,
            connection: None,
            registered_user: None,
            last_seen: None,
        }
    }

    pub fn is_audiocodes(&self) -> bool {
        self.vendor == VENDOR_AUDIOCODES
    }

    /// Used / Device / AudioCodes by this connection.
    pub fn is_used_by(&self, connection: &str) -> bool {
        self.status == Status::Used
            && self.is_audiocodes()
            && self.connection.as_deref() == Some(connection)
    }
}

/// Time left until release, as the Numbers tab shows it: `1d 04h`,
/// `3h 12m`, `12m`, or `overdue`. Release happens at 00:00 UTC of the date.
pub fn countdown(release: NaiveDate, now: DateTime<Utc>) -> String {
    let at = release
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc();
    let left = at - now;
    if left <= chrono::Duration::zero() {
        return "overdue".into();
    }
    let mins = left.num_minutes();
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    if d > 0 {
        format!("{d}d {h:02}h")
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else {
        format!("{}m", m.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn canonical_forms() {
        assert_eq!(canonical("+1 (555) 123-0001").unwrap(), "+15551230001");
        assert_eq!(canonical("4021").unwrap(), "4021");
        assert!(canonical("+12").unwrap_err().why.contains("E.164"));
        assert!(
            canonical("5551230001").is_err(),
            "digits without + and 7+ long"
        );
        assert!(canonical("+1234567890123456").is_err(), "16 digits");
        assert!(canonical("").is_err());
        assert!(canonical("12a4").is_err());
    }

    #[test]
    fn numbers_from_uris() {
        assert_eq!(
            from_uri("sip:+15551230001@sbc1.example.com;user=phone").as_deref(),
            Some("+15551230001")
        );
        assert_eq!(
            from_uri("TEL:+4930123456;ext=1").as_deref(),
            Some("+4930123456")
        );
        assert_eq!(from_uri("sips:2001@pbx").as_deref(), Some("2001"));
        assert_eq!(from_uri("mailto:x@y"), None);
        assert_eq!(from_uri("sip:alice@pbx"), None);
    }

    #[test]
    fn countdowns() {
        let rel = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 19, 48, 0).unwrap();
        assert_eq!(countdown(rel, now), "1d 04h");
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 20, 48, 0).unwrap();
        assert_eq!(countdown(rel, now), "3h 12m");
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
        assert_eq!(countdown(rel, now), "overdue");
    }

    #[test]
    fn status_round_trips() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("used-utility"), Some(Status::UsedUtility));
    }

    #[test]
    fn canonical_length_boundaries() {
        // Extensions: up to 6 digits.
        assert_eq!(canonical("123456").unwrap(), "123456");
        assert_eq!(canonical("1").unwrap(), "1");
        assert!(canonical("1234567").is_err(), "7 digits without +");
        // E.164: + and 3 to 15 digits.
        assert_eq!(canonical("+123").unwrap(), "+123");
        assert_eq!(canonical("+123456789012345").unwrap(), "+123456789012345");
        assert!(canonical("+").is_err());
        assert!(canonical("+12a4").is_err());
        assert!(canonical("+")
            .unwrap_err()
            .to_string()
            .contains("up to 6 digits"));
    }

    #[test]
    fn countdowns_under_an_hour_and_status_display() {
        let rel = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 48, 0).unwrap();
        assert_eq!(countdown(rel, now), "12m");
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 23, 59, 30).unwrap();
        assert_eq!(countdown(rel, now), "1m", "under a minute left shows 1m");
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 0, 0, 0).unwrap();
        assert_eq!(countdown(rel, now), "1d 00h");
        assert_eq!(Status::UsedUtility.to_string(), "Used-Utility");
    }
}
