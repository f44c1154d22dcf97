//! `switchboard connections probe NAME`: one users page of an ARM, as the
//! sync reads it (the worker's probe job; reads only).

use super::{print_json, report, run_job, EXIT_OK};
use crate::config::Config;
use crate::domain::arm_users::Probe;
use crate::domain::job::{JobKind, JobState};

pub fn run(config: Config, read_only: bool, name: String, json: bool) -> i32 {
    let outcome = run_job(
        config,
        read_only,
        JobKind::ProbeConnection { connection: name },
    );
    if outcome.state != JobState::Succeeded {
        return report(outcome, json);
    }
    let probe = outcome
        .detail
        .clone()
        .and_then(|d| serde_json::from_value::<Probe>(d).ok());
    match (probe, json) {
        (Some(p), true) => {
            print_json(&p);
            EXIT_OK
        }
        (Some(p), false) => {
            for line in p.lines() {
                outln!("{line}");
            }
            EXIT_OK
        }
        (None, _) => report(outcome, json),
    }
}
