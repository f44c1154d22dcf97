//! Jobs as recorded (by every process on the store, and under read-only
//! by this session in memory) and their log lines, escaped for a screen.

use super::safe;
use crate::domain::terminal_text::terminal_safe;
use crate::store::jobs::JobRecord;
use crate::store::sync::SyncDetails;
use crate::store::{Result, Store};
use crate::worker::SessionJobs;

/// A job as recorded, its words escaped (records written before the
/// worker escaped them, or by another program, show safe too).
fn safe_job(j: JobRecord) -> JobRecord {
    JobRecord {
        target: safe(j.target),
        summary: safe(j.summary),
        error: safe(j.error),
        ..j
    }
}

/// The newest `limit` jobs, this session's (read-only) among the stored.
pub fn recent(
    store: &Store,
    session: Option<&SessionJobs>,
    limit: usize,
) -> Result<Vec<JobRecord>> {
    let mut jobs = session.map(|s| s.recent(limit)).unwrap_or_default();
    jobs.extend(store.recent_jobs(limit)?);
    jobs.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    jobs.truncate(limit);
    Ok(jobs.into_iter().map(safe_job).collect())
}

/// A job's log lines, each `at line`, escaped; a sync's or preview's
/// conflicts and skipped users follow, each list under its own heading
/// (see [`sync_details`]).
pub fn log(store: &Store, session: Option<&SessionJobs>, id: &str) -> Result<Vec<String>> {
    let lines = match session.and_then(|s| s.log(id)) {
        Some(lines) => lines,
        None => store.job_log(id)?,
    };
    let mut out: Vec<String> = lines
        .into_iter()
        .map(|(at, line)| format!("{at} {}", terminal_safe(&line)))
        .collect();
    if let Some((_, details)) = store.sync_details_of_job(id)? {
        out.extend(sync_details(&details, DETAIL_LINES));
    }
    Ok(out)
}

/// How many conflicts (and skipped users) a job's detail lists before it
/// says how many more there are.
pub const DETAIL_LINES: usize = 500;

/// What a sync's counts stand for, as lines: each conflicting number with
/// its status and who holds it, each skipped user and why; at most `limit`
/// of each, then how many more (the Numbers tab's "conflicts of the last
/// sync" filter and `sync --json` list them all).
pub fn sync_details(details: &SyncDetails, limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    if !details.conflicts.is_empty() {
        out.push(String::new());
        out.push(format!(
            "conflicts ({}): numbers the sync may not take",
            details.conflicts.len()
        ));
        for c in details.conflicts.iter().take(limit) {
            let holder = match (&c.connection, c.vendor.is_empty()) {
                (Some(conn), _) => format!("held by {} ({conn})", vendor_or(&c.vendor)),
                (None, false) => format!("held by {}", c.vendor),
                (None, true) => "held by no connection".to_string(),
            };
            out.push(
                terminal_safe(&format!("  {}  {}  {holder}", c.number, c.status)).into_owned(),
            );
        }
        more(&mut out, details.conflicts.len(), limit);
    }
    if !details.skipped.is_empty() {
        out.push(String::new());
        out.push(format!("skipped users ({})", details.skipped.len()));
        for s in details.skipped.iter().take(limit) {
            out.push(terminal_safe(&format!("  {}  {}", s.user, s.why)).into_owned());
        }
        more(&mut out, details.skipped.len(), limit);
    }
    out
}

fn vendor_or(vendor: &str) -> &str {
    if vendor.is_empty() {
        "another connection"
    } else {
        vendor
    }
}

fn more(out: &mut Vec<String>, len: usize, limit: usize) {
    if len > limit {
        out.push(format!("  … and {} more", len - limit));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cooling::Conflict;
    use crate::store::sync::SkippedUser;

    fn conflict(number: &str, vendor: &str, connection: Option<&str>) -> Conflict {
        Conflict {
            number: number.into(),
            status: "Used".into(),
            vendor: vendor.into(),
            connection: connection.map(String::from),
        }
    }

    #[test]
    fn details_say_who_holds_each_number_and_how_many_more_there_are() {
        let details = SyncDetails {
            conflicts: vec![
                conflict("+15550001", "Microsoft", None),
                conflict("+15550002", "AudioCodes", Some("arm-west")),
                conflict("+15550003", "", None),
            ],
            skipped: vec![SkippedUser {
                user: "alice\u{1b}]52;c;x\u{7}".into(),
                why: "no usable number".into(),
            }],
        };
        let lines = sync_details(&details, 2);
        assert_eq!(
            lines[..5],
            [
                "",
                "conflicts (3): numbers the sync may not take",
                "  +15550001  Used  held by Microsoft",
                "  +15550002  Used  held by AudioCodes (arm-west)",
                "  … and 1 more",
            ]
        );
        assert_eq!(lines[6], "skipped users (1)");
        assert!(
            !lines[7].contains('\u{1b}'),
            "vendor text is escaped: {:?}",
            lines[7]
        );
        assert!(sync_details(&SyncDetails::default(), 2).is_empty());
    }
}
