//! The process's exit code, chosen from how a run ended: the one table.
//! A code changes here and nowhere else. 2 stays clap's, for a usage
//! error (a typo in a command or a flag), so a script can tell a typo
//! from "confirm this bulk change" (3) and "read-only refused it" (4).

use crate::domain::job::JobState;
use crate::worker::{JobError, JobOutcome};

/// How a run ended, as far as a script reading the exit code cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    /// A bad config, a failed job, an unreachable host.
    Failed,
    /// Stopped to ask first: the cooling guard tripped (re-run with
    /// `--force`), or a purge or delete without `--yes`.
    NeedsConfirmation,
    /// A read-only rule refused the write.
    Refused,
    /// Part of the work was done and kept, part failed.
    Partial,
    /// A second Ctrl-C left at once (128 + SIGINT).
    Interrupted,
    /// Stdout's reader went away (`| head`, a pager quit): stopped
    /// quietly with the status a shell shows for SIGPIPE (128 + 13).
    ReaderGone,
    /// A panic: an internal error (EX_SOFTWARE of sysexits.h).
    Internal,
}

impl Exit {
    pub const fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Failed => 1,
            Exit::NeedsConfirmation => 3,
            Exit::Refused => 4,
            Exit::Partial => 5,
            Exit::Interrupted => 130,
            Exit::ReaderGone => 141,
            Exit::Internal => 70,
        }
    }

    /// How a job's outcome ends the command that ran it.
    pub fn of(outcome: &JobOutcome) -> Exit {
        match outcome.state {
            JobState::Succeeded => Exit::Ok,
            JobState::Partial => Exit::Partial,
            _ => match outcome.failure.as_deref() {
                Some(JobError::NeedsConfirmation(_)) => Exit::NeedsConfirmation,
                Some(JobError::Refused(_)) => Exit::Refused,
                _ => Exit::Failed,
            },
        }
    }
}

pub const EXIT_OK: i32 = Exit::Ok.code();
pub const EXIT_ERROR: i32 = Exit::Failed.code();
pub const EXIT_CONFIRM: i32 = Exit::NeedsConfirmation.code();
/// clap's own code for a usage error (kept, so every code is in this file).
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_PARTIAL: i32 = Exit::Partial.code();

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(state: JobState, failure: Option<JobError>) -> JobOutcome {
        JobOutcome {
            state,
            summary: String::new(),
            error: failure
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            detail: None,
            failure: failure.map(Box::new),
            stopped: None,
        }
    }

    fn code(state: JobState, failure: Option<JobError>) -> i32 {
        Exit::of(&ended(state, failure)).code()
    }

    #[test]
    fn a_job_that_succeeded_exits_0() {
        assert_eq!(code(JobState::Succeeded, None), 0);
    }

    #[test]
    fn a_failed_job_exits_1() {
        assert_eq!(code(JobState::Failed, Some("no connection".into())), 1);
    }

    #[test]
    fn a_job_the_guard_stopped_exits_3() {
        let why = JobError::NeedsConfirmation("stopped before applying".into());
        assert_eq!(code(JobState::Failed, Some(why)), 3);
    }

    #[test]
    fn a_write_refused_by_read_only_exits_4() {
        let why = JobError::Refused("refused: switchboard runs read-only".into());
        assert_eq!(code(JobState::Failed, Some(why)), 4);
    }

    #[test]
    fn the_words_refused_alone_do_not_decide_the_code() {
        let why = JobError::Failed("refused by the server".into());
        assert_eq!(code(JobState::Failed, Some(why)), 1);
    }

    #[test]
    fn a_job_busy_elsewhere_exits_1() {
        let why = JobError::Busy("a sync of lab is already running".into());
        assert_eq!(code(JobState::Failed, Some(why)), 1);
    }

    #[test]
    fn a_cancelled_or_timed_out_job_exits_1() {
        let cancelled = JobError::Cancelled("cancelled".into());
        assert_eq!(code(JobState::Cancelled, Some(cancelled)), 1);
        let late = JobError::TimedOut {
            message: "gave up".into(),
            limit_secs: 1,
        };
        assert_eq!(code(JobState::Failed, Some(late)), 1);
    }

    #[test]
    fn a_partly_done_job_exits_5() {
        assert_eq!(code(JobState::Partial, Some("leads failed".into())), 5);
    }

    #[test]
    fn the_codes_outside_jobs() {
        assert_eq!(Exit::Interrupted.code(), 130);
        assert_eq!(Exit::ReaderGone.code(), 141);
        assert_eq!(Exit::Internal.code(), 70);
    }
}
