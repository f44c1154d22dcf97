//! The worker's clockwork: a sweep at start and every minute, and the
//! AudioCodes sync schedules. The TUI and `switchboard worker` both run it;
//! the sync lease keeps one sync per connection across processes. Read-only
//! pauses them: a write the worker would refuse is never submitted.

use super::stored_connections::all_audiocodes;
use super::tasks::sync_lease;
use super::Worker;
use crate::clock;
use crate::domain::interval::next_due;
use crate::domain::job::JobKind;
use crate::domain::read_only::{refusal, Writes};
use std::time::Duration;

/// How often the clockwork looks again.
pub const TICK: Duration = Duration::from_secs(60);

impl Worker {
    /// One round: submits a sweep when cooling numbers are due, and a sync
    /// for each enabled schedule that is due and not already running.
    /// Returns the ids of the jobs it submitted, and why the round could
    /// not look at everything (a failing schedule check does not skip the
    /// sweep).
    pub async fn tick(&self) -> (Vec<String>, Option<String>) {
        let config = self.shared.config.clone();
        let everything = self.read_only_everywhere();
        let clock = self.shared.store.clock();
        let (today, now) = (clock.today(), clock.now());
        let found = self
            .shared
            .store
            .run(move |s| {
                let due = s.count_due(today)?;
                let syncs = (|| {
                    let mut syncs = Vec::new();
                    for c in all_audiocodes(s, &config)? {
                        let (Some(every), true) = (c.schedule, c.schedule_enabled) else {
                            continue;
                        };
                        if refusal(everything, Writes::Connection(&c.name), |_| c.read_only)
                            .is_some()
                        {
                            continue;
                        }
                        let last = s
                            .last_scheduled_kind_run(&c.name)?
                            .and_then(|r| clock::parse_stamp(&r.started_at));
                        let running = s.lease_holder(&sync_lease(&c.name))?.is_some();
                        if next_due(last, every, now) <= now && !running {
                            syncs.push(c.name);
                        }
                    }
                    Ok::<_, crate::store::StoreError>(syncs)
                })();
                Ok((due, syncs))
            })
            .await;
        let (due, syncs) = match found {
            Ok((due, syncs)) => (due, syncs.map_err(|e| e.to_string())),
            Err(e) => {
                tracing::warn!("schedule check failed: {e}");
                return (vec![], Some(format!("schedule check failed: {e}")));
            }
        };
        let mut ids = Vec::new();
        if due > 0 && refusal(everything, Writes::Store, |_| false).is_none() {
            ids.push(self.submit(JobKind::Sweep));
        }
        let syncs = match syncs {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("schedule check failed: {e}");
                return (ids, Some(format!("schedule check failed: {e}")));
            }
        };
        for name in syncs {
            if self.holds_lease(&sync_lease(&name)) {
                continue; // already queued here (e.g. a sync started by hand)
            }
            tracing::info!(connection = %name, "scheduled sync is due");
            ids.push(self.submit(JobKind::SyncAudioCodes {
                connection: name,
                dry_run: false,
                force: false,
            }));
        }
        (ids, None)
    }

    /// Ticks now and then every [`TICK`], until the runtime stops.
    pub fn start_clockwork(&self) {
        let me = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(TICK);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let _ = me.tick().await; // logged by tick
            }
        });
    }
}
