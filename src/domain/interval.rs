//! Schedule intervals such as `15m`, `1h`, `1d`.

use std::time::Duration;

pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not an interval like 15m, 1h or 1d"))?;
    let secs = match unit.trim() {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86400,
        _ => return Err(format!("{text:?} is not an interval like 15m, 1h or 1d")),
    };
    if secs < 60 {
        return Err(format!("{text:?} is shorter than one minute"));
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
/// never run. A run missed while nothing was running is due at once.
pub fn next_due(
    last: Option<chrono::DateTime<chrono::Utc>>,
    every: Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> chrono::DateTime<chrono::Utc> {
    match last {
        None => now,
        Some(t) => t + chrono::Duration::seconds(every.as_secs() as i64),
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
}
