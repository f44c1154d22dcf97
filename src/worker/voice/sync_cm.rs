//! Communication Manager sync: start it, then follow its job with the
//! per-entity counts.

use super::refresh::relist;
use super::{check_cmd, client, family, refuse};
use crate::api::axp::AxpClient;
use crate::domain::voice_registry::{self, Family};
use crate::worker::oc_service::poll_delay;
use crate::worker::tasks::{api_failed, write_failed, JobCtx};
use crate::worker::JobOutcome;
use reqwest::Method;
use serde_json::{json, Value};

/// Per-entity counts of a sync job's `:details`: (entity, completed,
/// failed, in progress).
pub fn entity_counts(details: &Value) -> Vec<(String, u64, u64, u64)> {
    details
        .get("jobEntityDetails")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let count = |status: &str| {
                e.get("entitySyncDetails")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|d| d.get("statusCode").and_then(Value::as_str) == Some(status))
                    .filter_map(|d| d.get("entityCount").and_then(Value::as_u64))
                    .sum()
            };
            (
                e.get("entityType")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string(),
                count("COMPLETED"),
                count("FAILED"),
                count("IN_PROGRESS"),
            )
        })
        .collect()
}

/// Communication Manager sync: start it, then (with `wait`) follow the job
/// to a terminal status, logging the per-entity counts as they move.
pub async fn sync_cm(
    ctx: &JobCtx,
    name: &str,
    cm: &str,
    entities: &[String],
    job_name: &str,
    wait: bool,
) -> Result<JobOutcome, JobOutcome> {
    if entities.is_empty() {
        return Err(JobOutcome::failed("choose at least one entity to sync"));
    }
    if let Some(bad) = entities
        .iter()
        .find(|e| !voice_registry::SYNC_ENTITIES.contains(&e.as_str()))
    {
        return Err(JobOutcome::failed(format!(
            "{bad} is not a sync entity (choose from {})",
            voice_registry::SYNC_ENTITIES.join(", ")
        )));
    }
    let (conn, client) = client(ctx, name).await?;
    refuse(ctx, &conn)?;
    let cms = family("cm")?;
    let jobs = family("sync_jobs")?;
    let path = format!("{}:sync", client.item_path(cms, None, cm));
    let body = json!({"entities": entities, "name": job_name});
    let what = format!("sync of Communication Manager {cm}");
    let check = check_cmd(name, jobs, Some(cm), None);
    ctx.commit.sent(&what, &check);
    let answer = client
        .write(Method::POST, &path, Some(body))
        .await
        .map_err(|e| write_failed(e, "no sync was started", &check))?
        .body
        .unwrap_or(Value::Null);
    let job_id = answer
        .get("jobId")
        .and_then(Value::as_str)
        .ok_or_else(|| {
            JobOutcome::failed(format!(
                "the sync answer has no jobId; a sync may have started: {check} to check"
            ))
        })?
        .to_string();
    let check = check_cmd(name, jobs, Some(cm), Some(&job_id));
    ctx.commit.sent(&what, &check);
    ctx.commit.accepted(&format!("sync job {job_id}"));
    ctx.log(format!(
        "sync job {job_id} started ({})",
        entities.join(", ")
    ))
    .await;
    if !wait {
        relist(ctx, name, &client, jobs, Some(cm)).await;
        return Ok(JobOutcome::ok(
            format!("sync job {job_id} started"),
            Some(answer),
        ));
    }
    follow_sync_job(ctx, name, &client, jobs, cm, &job_id).await
}

/// Polls a started sync job with backoff to a terminal status, logging the
/// status and per-entity counts as they move and sending them as progress.
async fn follow_sync_job(
    ctx: &JobCtx,
    name: &str,
    client: &AxpClient,
    jobs: &'static Family,
    cm: &str,
    job_id: &str,
) -> Result<JobOutcome, JobOutcome> {
    let job_path = client.item_path(jobs, Some(cm), job_id);
    let mut last = String::new();
    let mut shown = Vec::new();
    for attempt in 0u32.. {
        tokio::time::sleep(poll_delay(attempt)).await;
        let job = client
            .get_path(&job_path)
            .await
            .map_err(api_failed)?
            .ok_or_else(|| JobOutcome::failed(format!("sync job {job_id} is gone")))?;
        let status = job
            .get("statusCode")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        ctx.waiting(&format!("sync job {job_id}"), &status);
        if status != last {
            ctx.log(format!("statusCode {status}")).await;
            last = status.clone();
        }
        let details = client
            .get_json(&format!("{job_path}:details"))
            .await
            .map_err(api_failed)?;
        let counts = entity_counts(&details);
        if counts != shown {
            for (e, done, failed, running) in &counts {
                ctx.log(format!(
                    "{e}: {done} completed, {failed} failed, {running} in progress"
                ))
                .await;
                ctx.progress(e, *done, *failed, done + failed + running);
            }
            shown = counts;
        }
        if voice_registry::is_terminal_status(&status) {
            let entity_details = client
                .get_json(&format!("{job_path}:entity-details"))
                .await
                .map_err(api_failed)?;
            relist(ctx, name, client, jobs, Some(cm)).await;
            let detail = json!({"job": job, "details": details, "entityDetails": entity_details});
            let summary = format!("sync job {job_id}: {status}");
            return if voice_registry::is_failed_status(&status) {
                let why = job
                    .get("statusMessage")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                Err(JobOutcome {
                    detail: Some(detail),
                    ..JobOutcome::failed(format!("{summary}: {why}"))
                })
            } else {
                Ok(JobOutcome::ok(summary, Some(detail)))
            };
        }
    }
    unreachable!("the loop returns")
}
