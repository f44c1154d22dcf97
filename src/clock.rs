//! The one source of "now": a [`Clock`], real or fixed. `SWITCHBOARD_NOW`
//! (RFC 3339) fixes it for the whole process so that demos and tests can
//! travel through simulated days; it is read once, at the front door
//! ([`Clock::process`]), and the clock is then handed to the worker, its
//! jobs and the store connections they use, which never read the
//! environment themselves.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::OnceLock;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system's time.
    Real,
    /// Always this time (`SWITCHBOARD_NOW`, or a test's).
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// This process's clock: fixed by `SWITCHBOARD_NOW` (read once), else
    /// real. Front doors call this and pass the clock on.
    pub fn process() -> Clock {
        fixed().map_or(Clock::Real, Clock::Fixed)
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::Real => Utc::now(),
            Clock::Fixed(t) => *t,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Whether time is frozen (a fixed clock never needs a countdown tick).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Clock::Fixed(_))
    }

    /// [`Clock::now`] as the store keeps times ([`stamp`]).
    pub fn stamp(&self) -> String {
        stamp(self.now())
    }
}

static FIXED: OnceLock<Option<DateTime<Utc>>> = OnceLock::new();

/// Reads `SWITCHBOARD_NOW` once; an unparsable value is reported by
/// [`check_env`] at start-up rather than silently ignored.
fn fixed() -> Option<DateTime<Utc>> {
    *FIXED.get_or_init(|| {
        std::env::var("SWITCHBOARD_NOW")
            .ok()
            .and_then(|v| parse_fixed(&v).ok())
    })
}

/// A fixed "now": RFC 3339, in the years 1970 to 9000 (UTC), so that
/// every date computed from it (a release date 999 days on, a schedule a
/// year on, a lease) stays a date the store can write and read back.
fn parse_fixed(v: &str) -> Result<DateTime<Utc>, FixedNowError> {
    let t = DateTime::parse_from_rfc3339(v.trim())
        .map_err(|_| FixedNowError::NotRfc3339(v.to_string()))?
        .with_timezone(&Utc);
    if !(1970..=9000).contains(&chrono::Datelike::year(&t)) {
        return Err(FixedNowError::OutOfRange(v.to_string()));
    }
    Ok(t)
}

/// A `SWITCHBOARD_NOW` that cannot be the fixed "now".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixedNowError {
    #[error("SWITCHBOARD_NOW={0:?} is not an RFC 3339 time (e.g. 2026-11-22T09:00:00Z)")]
    NotRfc3339(String),
    #[error("SWITCHBOARD_NOW={0:?} is out of range: a time in the years 1970 to 9000")]
    OutOfRange(String),
}

/// Fails with a readable message when `SWITCHBOARD_NOW` is set but not an
/// RFC 3339 time in range.
pub fn check_env() -> Result<(), FixedNowError> {
    match std::env::var("SWITCHBOARD_NOW") {
        Ok(v) => parse_fixed(&v).map(|_| ()),
        _ => Ok(()),
    }
}

/// [`Clock::process`]'s now, for front doors and the dashboard's own
/// drawing; code below the worker is handed a [`Clock`] instead.
pub fn now() -> DateTime<Utc> {
    Clock::process().now()
}

/// [`Clock::process`]'s today (see [`now`]).
pub fn today() -> NaiveDate {
    now().date_naive()
}

/// Whether the process's clock is frozen (see [`Clock::is_fixed`]).
pub fn is_fixed() -> bool {
    Clock::process().is_fixed()
}

/// RFC 3339 with second precision, the form the store keeps times in.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A stored time for people: `2026-11-29 10:00 UTC` (the text as it is
/// when it is not a stored time).
pub fn human(stamp: &str) -> String {
    parse_stamp(stamp)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| stamp.to_string())
}

pub fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_fixed_now_must_be_in_range() {
        assert!(parse_fixed("2026-11-22T09:00:00Z").is_ok());
        assert!(parse_fixed("1969-12-31T23:59:59Z").is_err());
        let e = parse_fixed("9999-12-31T23:59:59-23:59").unwrap_err();
        assert!(matches!(e, FixedNowError::OutOfRange(_)), "{e:?}");
        assert!(e.to_string().contains("out of range"), "{e}");
        let e = parse_fixed("yesterday").unwrap_err();
        assert!(e.to_string().contains("RFC 3339"), "{e}");
    }

    #[test]
    fn a_fixed_clock_stands_still_and_a_real_one_runs() {
        let t = parse_fixed("2026-11-22T09:00:00Z").unwrap();
        let c = Clock::Fixed(t);
        assert_eq!((c.now(), c.now()), (t, t));
        assert_eq!(c.stamp(), "2026-11-22T09:00:00Z");
        assert_eq!(c.today().to_string(), "2026-11-22");
        assert!(c.is_fixed() && !Clock::Real.is_fixed());
        let long_ago = parse_fixed("2000-01-01T00:00:00Z").unwrap();
        assert!(Clock::Real.now() > long_ago);
    }
}
