//! Schedule intervals such as `15m`, `1h`, `1d`: one minute to one year.
//! The bounds keep every date computed from an interval in range; the
//! arithmetic is checked anyway, so no input can make it overflow.

use super::invalid::Invalid;
use std::time::Duration;

/// The longest schedule: 365 days.
pub const MAX_INTERVAL: Duration = Duration::from_secs(365 * 86400);

pub fn parse_interval(text: &str) -> Result<Duration, Invalid> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let not_one = || format!("{text:?} is not an interval like 15m, 1h or 1d");
    let too_long = || format!("{text:?} is longer than a year (365d at most)");
    // A number too large for u64 is too long, not malformed.
    let n: u64 = match digits.parse() {
        Ok(n) => n,
        Err(_) if !digits.is_empty() => return Err(Invalid::new("schedule", too_long())),
        Err(_) => return Err(Invalid::new("schedule", not_one())),
    };
    let unit_secs = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        _ => return Err(Invalid::new("schedule", not_one())),
    };
    let secs = n
        .checked_mul(unit_secs)
        .ok_or_else(|| Invalid::new("schedule", too_long()))?;
    if secs < 60 {
        return Err(Invalid::new(
            "schedule",
            format!("{text:?} is shorter than one minute"),
        ));
    }
    if secs > MAX_INTERVAL.as_secs() {
        return Err(Invalid::new("schedule", too_long()));
    }
    Ok(Duration::from_secs(secs))
}

/// The shortest exact form: 90 minutes is `90m`, 2 hours `2h`.
pub fn format_interval(d: Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(86400) {
        format!("{}d", s / 86400)
    } else if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// When a schedule runs next: `every` after the last run, or now if it has
/// never run. A run missed while nothing was running is due at once. A
/// time past the end of the calendar (an interval or a stored time out of
/// range) is never due: the latest time there is.
pub fn next_due(
    last: Option<chrono::DateTime<chrono::Utc>>,
    every: Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    match last {
        None => now,
        Some(t) => i64::try_from(every.as_secs())
            .ok()
            .and_then(chrono::TimeDelta::try_seconds)
            .and_then(|d| t.checked_add_signed(d))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn next_due_counts_from_the_last_run() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-22T12:00:00Z")
            .unwrap()
            .to_utc();
        let every = Duration::from_secs(900);
        assert_eq!(next_due(None, every, now), now);
        let last = now - chrono::Duration::minutes(5);
        assert_eq!(
            next_due(Some(last), every, now),
            now + chrono::Duration::minutes(10)
        );
    }
    #[test]
    fn parses_and_formats() {
        assert_eq!(parse_interval("15m").unwrap().as_secs(), 900);
        assert_eq!(parse_interval("1d").unwrap().as_secs(), 86400);
        assert!(parse_interval("10s").is_err());
        assert!(parse_interval("h").is_err());
        assert_eq!(format_interval(Duration::from_secs(5400)), "90m");
        assert_eq!(format_interval(Duration::from_secs(7200)), "2h");
    }
    #[test]
    fn at_most_a_year_and_never_overflows() {
        assert_eq!(parse_interval("365d").unwrap(), MAX_INTERVAL);
        assert_eq!(parse_interval("8760h").unwrap(), MAX_INTERVAL);
        for long in [
            "366d",
            "100000000d",
            "99999999999999999999d",
            "18446744073709551615d",
        ] {
            let e = parse_interval(long).unwrap_err();
            assert_eq!(e.field, "schedule");
            assert!(e.why.contains("longer than a year"), "{long}: {e}");
        }
        let end = chrono::DateTime::<chrono::Utc>::MAX_UTC;
        assert_eq!(next_due(Some(end), MAX_INTERVAL, end), end);
        assert_eq!(next_due(Some(end), Duration::from_secs(u64::MAX), end), end);
    }
}
