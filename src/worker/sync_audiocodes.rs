//! An AudioCodes sync: every registered user of the ARM fetched (each
//! page checked), planned against the inventory (the cooling guard may
//! stop it), and written at the job's commit point.

use super::tasks::{acquire_sync_lease, api_failed, JobCtx};
use super::JobOutcome;
use crate::api::audiocodes::ArmClient;
use crate::config::{AudioCodesConnection, ConnectionRef};
use crate::domain::arm_users::ArmUsers;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::text::count;
use crate::free_later::free_later;
use crate::store::sync::{SyncMode, SyncRequest};
use crate::store::sync_ahead::SyncAhead;
use crate::store::StoreError;
use std::future::Future;

/// Every registered user of the ARM, and what the store's half of the plan
/// read meanwhile (see `store::sync_ahead`); a failed fetch is recorded as
/// a failed sync run that began at `started`.
async fn fetch_registered_users(
    ctx: &JobCtx,
    name: &str,
    conn: &AudioCodesConnection,
    started: chrono::DateTime<chrono::Utc>,
) -> Result<(ArmUsers, Option<SyncAhead>), JobOutcome> {
    let fetch_began = std::time::Instant::now();
    ctx.log(format!(
        "fetching registered users from {}",
        conn.base_url()
    ))
    .await;
    let client = ArmClient::new(&ctx.with_secrets(conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    // The worker's store connection is idle while the pages come: the
    // rows the plan needs are read meanwhile (a read only, so a cancel
    // may leave it to end by itself).
    let ahead = read_ahead(ctx, name);
    // A cancel or the time limit here (before the commit point) drops
    // the fetch: the runner reports that nothing was changed.
    let users = client
        .registered_users(|done, total| ctx.progress("registered users", done, 0, total))
        .await;
    let fetched = match users {
        Ok(u) => u,
        Err(e) => {
            let (n, msg, jid) = (name.to_string(), e.to_string(), ctx.id.clone());
            let _ = ctx
                .shared
                .store
                .run(move |s| s.record_failed_run(&n, "sync", Some(&jid), started, &msg))
                .await;
            return Err(api_failed(e));
        }
    };
    ctx.log(format!(
        "fetched {} in {:.2} s; planning",
        count(fetched.users, "registered user", "registered users"),
        fetch_began.elapsed().as_secs_f64()
    ))
    .await;
    // A failed read ahead only means the write reads again.
    let ahead = match ahead {
        Some(read) => read.await.ok(),
        None => None,
    };
    Ok((fetched, ahead))
}

/// Starts reading what a sync of `name` plans from; none under read-only,
/// where each store call opens its own connection, so the read could not
/// be used.
fn read_ahead(
    ctx: &JobCtx,
    name: &str,
) -> Option<impl Future<Output = Result<SyncAhead, StoreError>> + use<>> {
    if ctx.shared.store.at().read_only {
        return None;
    }
    let name = name.to_string();
    Some(ctx.shared.store.start(move |s| s.read_sync_ahead(&name)))
}

pub(super) async fn sync_audiocodes(
    ctx: &JobCtx,
    name: &str,
    dry_run: bool,
    force: bool,
) -> Result<JobOutcome, JobOutcome> {
    let conn = ctx.audiocodes(name).await?;
    if !dry_run {
        if let Some(refused) = ctx.refuse_writes(Some(ConnectionRef::AudioCodes(&conn))) {
            return Err(refused);
        }
        acquire_sync_lease(ctx, name).await?;
    }
    let started = ctx.clock().now();
    let (fetched, ahead) = fetch_registered_users(ctx, name, &conn, started).await?;
    let unrecognised = fetched
        .unrecognised_summary()
        .map(|s| terminal_safe(&s).into_owned());
    if let Some(u) = &unrecognised {
        ctx.log(u.clone()).await;
    }
    let (users, user_count, statuses) = (
        fetched.entries,
        fetched.users,
        fetched.unrecognised_statuses,
    );
    let apply_began = std::time::Instant::now();
    let settings = ctx.shared.config.inventory.clone();
    let (n, jid, clock) = (name.to_string(), ctx.id.clone(), ctx.clock());
    let outcome = ctx
        .write(
            &format!("sync of {name}"),
            move |s| {
                let outcome = s.apply_sync_ahead(
                    &SyncRequest {
                        connection: &n,
                        users: &users,
                        today: clock.today(),
                        settings: &settings,
                        mode: if dry_run {
                            SyncMode::Preview
                        } else {
                            SyncMode::Apply
                        },
                        force,
                        job_id: Some(&jid),
                        started_at: started,
                    },
                    ahead,
                );
                free_later(users);
                outcome
            },
            |o| match o.result.as_str() {
                "applied" => o.counts.describe(),
                "preview" => format!("a preview, nothing applied ({})", o.counts.describe()),
                other => format!("{other}, nothing applied ({})", o.counts.describe()),
            },
        )
        .await?;
    let mut outcome = outcome;
    outcome.users = user_count;
    // Say what was done: a dry run or a guarded sync only planned (and
    // recorded the plan); the inventory was written only when applied.
    let took = apply_began.elapsed().as_secs_f64();
    ctx.log(match outcome.result.as_str() {
        "applied" => format!("planned and applied in {took:.1} s"),
        "preview" => format!("planned in {took:.1} s; a dry run: nothing applied to the inventory"),
        _ => format!("planned in {took:.1} s; not applied"),
    })
    .await;
    let mut counts = outcome.counts.describe();
    if let Some(u) = &unrecognised {
        counts = format!("{counts}; {u}");
    }
    let mut detail = serde_json::to_value(&outcome).ok();
    if let Some(serde_json::Value::Object(m)) = &mut detail {
        m.insert(
            "unrecognised_statuses".into(),
            serde_json::to_value(&statuses).unwrap_or_default(),
        );
    }
    match (outcome.result.as_str(), &outcome.guard) {
        ("guarded", Some(g)) => Ok(JobOutcome::needs_confirmation(
            counts,
            format!("{name}: stopped before applying: {g}; confirm to apply (CLI: --force)"),
            detail,
        )),
        ("preview", _) => Ok(JobOutcome::ok(
            format!("{name} preview (not applied): {counts}"),
            detail,
        )),
        _ => Ok(JobOutcome::ok(format!("{name}: {counts}"), detail)),
    }
}
