//! Per-entity progress bars of a Communication Manager sync, drawn from the
//! job's log lines ("AGENT: 12 completed, 0 failed, 28 in progress"), so the
//! job view shows the latest counts as bars while the job runs.

/// Every bar line starts with this, so a refresh can replace them.
pub const MARK: &str = "▌ ";
const WIDTH: usize = 24;

/// (entity, completed, failed, in progress) from one log line.
fn parse(line: &str) -> Option<(&str, u64, u64, u64)> {
    // Stored log lines start with their time; streamed ones do not.
    let line = match line.split_once(' ') {
        Some((stamp, rest))
            if stamp.ends_with('Z') && stamp.starts_with(|c: char| c.is_ascii_digit()) =>
        {
            rest
        }
        _ => line,
    };
    let (entity, rest) = line.split_once(": ")?;
    let mut nums = rest.split(", ").map(|p| {
        let (n, what) = p.split_once(' ')?;
        Some((n.parse::<u64>().ok()?, what))
    });
    let (done, w1) = nums.next()??;
    let (failed, w2) = nums.next()??;
    let (running, w3) = nums.next()??;
    (w1 == "completed" && w2 == "failed" && w3 == "in progress")
        .then_some((entity, done, failed, running))
}

/// The bars for the latest counts of each entity, in the order first seen.
pub fn bars(lines: &[String]) -> Vec<String> {
    let mut latest: Vec<(String, u64, u64, u64)> = Vec::new();
    for l in lines.iter().filter(|l| !l.starts_with(MARK)) {
        if let Some((e, d, f, r)) = parse(l) {
            match latest.iter_mut().find(|x| x.0 == e) {
                Some(x) => *x = (e.to_string(), d, f, r),
                None => latest.push((e.to_string(), d, f, r)),
            }
        }
    }
    latest
        .into_iter()
        .map(|(e, done, failed, running)| {
            let total = (done + failed + running).max(1);
            let full = (done as usize * WIDTH) / total as usize;
            let bad = ((failed as usize * WIDTH) / total as usize).min(WIDTH - full);
            format!(
                "{MARK}{e:<26} {}{}{} {done}/{total}{}",
                "█".repeat(full),
                "▓".repeat(bad),
                "░".repeat(WIDTH - full - bad),
                if failed > 0 {
                    format!(" ({failed} failed)")
                } else {
                    String::new()
                }
            )
        })
        .collect()
}

/// `lines` with its bar block (if any) replaced by fresh bars, placed after
/// the first `head` lines.
pub fn refreshed(lines: Vec<String>, head: usize) -> Vec<String> {
    let fresh = bars(&lines);
    if fresh.is_empty() {
        return lines;
    }
    let mut rest: Vec<String> = lines.into_iter().filter(|l| !l.starts_with(MARK)).collect();
    let at = head.min(rest.len());
    rest.splice(at..at, fresh);
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_counts_become_bars() {
        let lines: Vec<String> = [
            "sync CM cm-1 — running",
            "2026-11-23T01:21:11Z AGENT: 0 completed, 0 failed, 40 in progress",
            "REASONCODE_AUX: 0 completed, 0 failed, 10 in progress",
            "AGENT: 20 completed, 0 failed, 20 in progress",
            "REASONCODE_AUX: 8 completed, 2 failed, 0 in progress",
            "statusCode COMPLETED",
        ]
        .map(String::from)
        .to_vec();
        let b = bars(&lines);
        assert_eq!(b.len(), 2);
        assert!(
            b[0].contains("AGENT") && b[0].ends_with("20/40"),
            "{}",
            b[0]
        );
        assert_eq!(b[0].matches('█').count(), 12);
        assert!(b[1].ends_with("8/10 (2 failed)"), "{}", b[1]);
        // Refreshing replaces the block rather than adding another.
        let once = refreshed(lines, 1);
        let twice = refreshed(once.clone(), 1);
        assert_eq!(once, twice);
        assert!(once[1].starts_with(MARK));
    }
}
