//! Per-entity progress bars of a job (a Communication Manager sync's
//! entities, an ARM sync's users, a refresh's families), drawn from the
//! job's typed progress events (`JobEvent::Progress`), so the job view
//! shows the latest counts as bars while the job runs.

use std::collections::VecDeque;

/// Every bar line starts with this, so a refresh can replace them.
pub const MARK: &str = "▌ ";
/// A bar's cells.
const WIDTH: u16 = 24;
/// How many jobs' counts are kept (the oldest go first): a job's bars stay
/// in its detail after it ends, for as long as this dashboard runs.
const KEEP: usize = 100;

/// The latest counts of one entity of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Count {
    entity: String,
    done: u64,
    failed: u64,
    /// 0 while the job cannot know it (a status poll): no bar then.
    total: u64,
}

/// The latest counts of each job's entities, in the order first seen.
#[derive(Debug, Default)]
pub struct JobProgress {
    jobs: VecDeque<(String, Vec<Count>)>,
}

impl JobProgress {
    /// Keeps the latest counts of `entity` of job `id`.
    pub fn record(&mut self, id: &str, entity: &str, done: u64, failed: u64, total: u64) {
        let at = match self.jobs.iter().position(|(j, _)| j == id) {
            Some(at) => at,
            None => {
                if self.jobs.len() >= KEEP {
                    self.jobs.pop_front();
                }
                self.jobs.push_back((id.to_string(), Vec::new()));
                self.jobs.len() - 1
            }
        };
        let counts = &mut self.jobs[at].1;
        let count = Count {
            entity: entity.to_string(),
            done,
            failed,
            total,
        };
        match counts.iter_mut().find(|c| c.entity == entity) {
            Some(c) => *c = count,
            None => counts.push(count),
        }
    }

    fn counts(&self, id: &str) -> &[Count] {
        self.jobs
            .iter()
            .find(|(j, _)| j == id)
            .map_or(&[], |(_, c)| c.as_slice())
    }

    /// The job's whole progress for its row in the Jobs view: what has
    /// ended (done or failed) of everything its entities count, over the
    /// entities whose total is known.
    pub fn overall(&self, id: &str) -> (u64, u64) {
        self.counts(id)
            .iter()
            .filter(|c| c.total > 0)
            .fold((0, 0), |(d, t), c| (d + c.done + c.failed, t + c.total))
    }

    /// One bar for each entity of job `id` whose total is known.
    pub fn bars(&self, id: &str) -> Vec<String> {
        self.counts(id)
            .iter()
            .filter(|c| c.total > 0)
            .map(|c| {
                let (done, failed, total) = (c.done, c.failed, c.total);
                let width = usize::from(WIDTH);
                let full = filled(done, total).min(width);
                let bad = filled(failed, total).min(width - full);
                format!(
                    "{MARK}{:<26} {}{}{} {done}/{total}{}",
                    c.entity,
                    "█".repeat(full),
                    "▓".repeat(bad),
                    "░".repeat(width - full - bad),
                    if failed > 0 {
                        format!(" ({failed} failed)")
                    } else {
                        String::new()
                    }
                )
            })
            .collect()
    }

    /// `lines` (the detail of job `id`) with its bar block (if any)
    /// replaced by fresh bars, placed under the record's header: before its
    /// first blank line, or after the first `head` lines when there is none.
    pub fn refreshed(&self, id: &str, lines: Vec<String>, head: usize) -> Vec<String> {
        let fresh = self.bars(id);
        if fresh.is_empty() {
            return lines;
        }
        let mut rest: Vec<String> = lines.into_iter().filter(|l| !l.starts_with(MARK)).collect();
        let at = rest
            .iter()
            .position(String::is_empty)
            .unwrap_or(head.min(rest.len()));
        rest.splice(at..at, fresh);
        rest
    }
}

/// How many of a bar's `WIDTH` cells `part` of `total` fills, rounded
/// down (more than `WIDTH` when `part` is over `total`).
fn filled(part: u64, total: u64) -> usize {
    // In u128 `part * WIDTH` cannot overflow.
    let cells = u128::from(part) * u128::from(WIDTH) / u128::from(total);
    usize::try_from(cells).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_sit_under_the_header_before_its_first_blank_line() {
        let mut p = JobProgress::default();
        p.record("j1", "AGENT", 1, 0, 2);
        let lines: Vec<String> = ["sync a — running", "started x", "ended y", "", "log"]
            .map(String::from)
            .to_vec();
        let out = p.refreshed("j1", lines, 1);
        assert!(out[3].starts_with(MARK), "{out:?}");
        assert_eq!(out[2], "ended y");
        assert_eq!(out[4], "");
        // No blank line yet: after the first `head` lines.
        let out = p.refreshed("j1", vec!["a".into(), "b".into()], 1);
        assert!(out[1].starts_with(MARK), "{out:?}");
    }

    #[test]
    fn the_latest_counts_become_bars() {
        let mut p = JobProgress::default();
        p.record("j1", "AGENT", 0, 0, 40);
        p.record("j1", "REASONCODE_AUX", 0, 0, 10);
        p.record("j1", "AGENT", 20, 0, 40);
        p.record("j1", "REASONCODE_AUX", 8, 2, 10);
        p.record("j2", "AGENT", 1, 0, 1);
        let b = p.bars("j1");
        assert_eq!(b.len(), 2);
        assert_eq!(
            b[0],
            format!(
                "{MARK}{:<26} {}{} 20/40",
                "AGENT",
                "█".repeat(12),
                "░".repeat(12)
            )
        );
        assert_eq!(b[1].matches('▓').count(), 4, "{}", b[1]);
        assert!(b[1].ends_with("8/10 (2 failed)"), "{}", b[1]);
        assert_eq!(p.overall("j1"), (30, 50));
        // Refreshing replaces the block rather than adding another.
        let lines: Vec<String> = ["sync CM cm-1 — running", "", "log", "statusCode COMPLETED"]
            .map(String::from)
            .to_vec();
        let once = p.refreshed("j1", lines, 1);
        let twice = p.refreshed("j1", once.clone(), 1);
        assert_eq!(once, twice);
        assert!(once[1].starts_with(MARK) && once[2].starts_with(MARK));
        assert_eq!(once[3], "");
    }

    #[test]
    fn an_unknown_total_draws_no_bar_and_counts_beyond_it_do_not_overflow() {
        let mut p = JobProgress::default();
        p.record("j", "status checks", 7, 0, 0);
        assert!(p.bars("j").is_empty());
        assert_eq!(p.overall("j"), (0, 0));
        assert_eq!(p.refreshed("j", vec!["a".into()], 1), vec!["a".to_string()]);
        p.record("j", "users", 12, 0, 10);
        assert_eq!(p.overall("j"), (12, 10));
        assert!(p.bars("j")[0].ends_with(&format!("{} 12/10", "█".repeat(usize::from(WIDTH)))));
    }

    #[test]
    fn only_the_newest_jobs_are_kept() {
        let mut p = JobProgress::default();
        for i in 0..=KEEP {
            p.record(&format!("j{i}"), "users", 1, 0, 2);
        }
        assert!(p.bars("j0").is_empty());
        assert_eq!(p.bars(&format!("j{KEEP}")).len(), 1);
    }
}
