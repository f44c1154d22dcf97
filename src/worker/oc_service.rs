//! Creating an Operator Connect service: validate, POST, then poll the
//! `wst_…` task with backoff to a terminal status, streaming each execution
//! message into the job's log.

use super::tasks::{api_failed, write_failed, JobCtx};
use super::{JobError, JobOutcome};
use crate::api::live_platform::{task_state, LivePlatformClient, TaskState};
use crate::config::ConnectionRef;
use crate::domain::oc_service::CreateServiceRequest;
use crate::store::remote::RemoteItem;
use serde_json::Value;
use std::time::Duration;

/// Poll delays: 1 s, doubling, at most 10 s.
pub(super) fn poll_delay(attempt: u32) -> Duration {
    Duration::from_secs((1u64 << attempt.min(4)).min(10))
}

pub async fn create_service(
    ctx: &JobCtx,
    name: &str,
    request: &CreateServiceRequest,
    wait: bool,
) -> Result<JobOutcome, JobOutcome> {
    let secrets = ctx.take_form_secrets();
    let conn = ctx.live_platform(name).await?;
    if let Some(refused) = ctx.refuse_writes(Some(ConnectionRef::LivePlatform(&conn))) {
        return Err(refused);
    }
    if let Some((field, problem)) = request.validate().into_iter().next() {
        return Err(JobOutcome::failed(format!(
            "{name}: field `{field}`: {problem}; nothing was sent"
        )));
    }
    let mut body = request.clone();
    if let (Some(q), Some(p)) = (body.teams_qos.as_mut(), secrets.app_password) {
        q.application_password = p.expose().to_string();
    }
    let client = LivePlatformClient::new(&ctx.with_secrets(&conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    let wire = serde_json::to_value(&body).map_err(|e| JobOutcome::failed(e.to_string()))?;
    // The commit point of a remote write: from here on, a timeout or a
    // cancel cannot say that nothing happened.
    let check = format!(
        "`switchboard refresh live-platform {name}` then `switchboard services` (or the Jobs view)"
    );
    ctx.commit.sent(
        &format!("create service {}", request.customer_short_name),
        &check,
    );
    let task_id = client
        .create_service(wire)
        .await
        .map_err(|e| write_failed(e, "the service was not created", &check))?;
    ctx.commit.accepted(&format!("task {task_id}"));
    ctx.log(format!(
        "{name}: task {task_id} queued for {}",
        request.customer_short_name
    ))
    .await;
    if !wait {
        return Ok(JobOutcome::ok(
            format!("task {task_id} queued (poll it with --wait, or see the Jobs view)"),
            Some(serde_json::json!({ "task": task_id })),
        ));
    }
    wait_for_task(ctx, name, &request.customer_short_name, &client, &task_id).await
}

/// Polls the task with backoff until it ends, logging each new execution
/// message; on success the connection's lists are fetched again.
async fn wait_for_task(
    ctx: &JobCtx,
    name: &str,
    short_name: &str,
    client: &LivePlatformClient,
    task_id: &str,
) -> Result<JobOutcome, JobOutcome> {
    let mut shown = 0;
    let mut attempt = 0;
    loop {
        let task = client.task(task_id).await.map_err(|e| {
            let message = format!("{e}; task {task_id} may still be running");
            JobOutcome::failed(JobError::api(message, e))
        })?;
        let messages = task
            .get("executionMessages")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for m in messages.iter().skip(shown) {
            let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("");
            ctx.log(format!("{}: {}", s("level"), s("message"))).await;
        }
        shown = shown.max(messages.len());
        let status = task
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        store_task(ctx, name, task_id, short_name, &task).await;
        match task_state(&status) {
            TaskState::Succeeded => {
                // The new service shows in the lists once they are fetched
                // again: within this job, so that no second job outlives the
                // command that waits for this one.
                let lists = match super::tasks::refresh_live_platform(ctx, name).await {
                    Ok(o) => format!("the lists were refreshed: {}", o.summary),
                    Err(o) => format!(
                        "the lists were not refreshed ({}): `switchboard refresh live-platform {name}`",
                        o.error
                    ),
                };
                ctx.log(lists.clone()).await;
                return Ok(JobOutcome::ok(
                    format!(
                        "service {} created (task {task_id}: {status}); {lists}",
                        short_name
                    ),
                    Some(task),
                ));
            }
            TaskState::Failed(s) => {
                let last_error = messages
                    .iter()
                    .rev()
                    .find(|m| m.get("level").and_then(Value::as_str) == Some("Error"))
                    .and_then(|m| m.get("message").and_then(Value::as_str))
                    .unwrap_or("no error message");
                return Err(JobOutcome {
                    detail: Some(task.clone()),
                    ..JobOutcome::failed(format!("task {task_id} ended {s}: {last_error}"))
                });
            }
            TaskState::Running(s) => {
                ctx.waiting(&format!("task {task_id}"), &s);
                ctx.progress("status checks", u64::from(attempt) + 1, 0, 0);
                tracing::debug!(task = %task_id, status = %s, "task still running");
            }
        }
        tokio::time::sleep(poll_delay(attempt)).await;
        attempt += 1;
    }
}

async fn store_task(ctx: &JobCtx, conn: &str, id: &str, short: &str, body: &Value) {
    let item = RemoteItem {
        id: id.to_string(),
        parent: String::new(),
        name: short.to_string(),
        body: body.clone(),
    };
    let c = conn.to_string();
    if let Err(e) = ctx
        .shared
        .store
        .run(move |s| s.upsert_remote_item(&c, "task", &item))
        .await
    {
        tracing::warn!("could not store task {id}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn polling_backs_off_to_ten_seconds() {
        let d: Vec<u64> = (0..6).map(|a| poll_delay(a).as_secs()).collect();
        assert_eq!(d, [1, 2, 4, 8, 10, 10]);
    }
}
