//! Creating, updating or deleting one AXP item, its secret fields kept
//! beside the job, and following a 202 until the item settles or is gone.

use super::refresh::relist;
use super::{check_cmd, client, family, refuse};
use crate::api::axp::{AxpClient, Written};
use crate::domain::job::VoiceOp;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Family, Kind};
use crate::secret::Secret;
use crate::worker::oc_service::poll_delay;
use crate::worker::tasks::{api_failed, write_failed, JobCtx};
use crate::worker::JobOutcome;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A delete still `PENDING_DELETE` after this long is reported as such.
const DELETE_PATIENCE: Duration = Duration::from_secs(60);

/// How a followed item ended.
pub(super) enum Settled {
    Status(String, Value),
    Gone,
    /// Still not settled when patience ran out, with its last status.
    Waiting(String),
}

/// Polls `path` with backoff until its status is terminal or it is gone.
pub(super) async fn follow(
    ctx: &JobCtx,
    client: &AxpClient,
    f: &Family,
    path: &str,
    patience: Duration,
) -> Result<Settled, JobOutcome> {
    let until = Instant::now() + patience;
    let field = f.status_field.unwrap_or("status");
    let mut last = String::new();
    for attempt in 0u32.. {
        tokio::time::sleep(poll_delay(attempt)).await;
        let Some(item) = client.get_path(path).await.map_err(api_failed)? else {
            ctx.log("gone (404)").await;
            return Ok(Settled::Gone);
        };
        let status = item
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if status != last {
            ctx.log(format!("{field} {status}")).await;
            last = status.clone();
        }
        ctx.waiting(f.title, &format!("{field} {status}"));
        ctx.progress("status checks", u64::from(attempt) + 1, 0, 0);
        if status.is_empty() || voice_registry::is_terminal_status(&status) {
            return Ok(Settled::Status(status, item));
        }
        if Instant::now() >= until {
            return Ok(Settled::Waiting(status));
        }
    }
    unreachable!("the loop returns")
}

/// Takes the secret fields (registry kind `Secret`) out of a body.
pub(in crate::worker) fn take_secret_fields(
    family_key: &str,
    body: &mut Value,
) -> Vec<(String, Secret)> {
    let (Some(f), Some(o)) = (voice_registry::family(family_key), body.as_object_mut()) else {
        return vec![];
    };
    f.fields
        .iter()
        .filter(|fs| fs.kind == Kind::Secret)
        .filter_map(|fs| {
            let v = o.remove(fs.name)?;
            Some((
                fs.name.to_string(),
                Secret::new(v.as_str().unwrap_or_default()),
            ))
        })
        .collect()
}

/// Puts the secret fields the worker kept aside back into the body.
fn with_secrets(ctx: &JobCtx, body: &Option<Value>) -> Option<Value> {
    let secrets = ctx.take_form_secrets().body;
    let mut body = body.clone()?;
    if let Some(o) = body.as_object_mut() {
        for (k, v) in secrets {
            o.insert(k, json!(v.expose()));
        }
    }
    Some(body)
}

/// One create, update or delete, followed after a 202 when `wait`.
#[allow(clippy::too_many_arguments)]
pub async fn write(
    ctx: &JobCtx,
    name: &str,
    family_key: &str,
    parent: Option<&str>,
    id: Option<&str>,
    op: VoiceOp,
    body: &Option<Value>,
    wait: bool,
) -> Result<JobOutcome, JobOutcome> {
    let body = with_secrets(ctx, body);
    let f = family(family_key)?;
    let (conn, client) = client(ctx, name).await?;
    refuse(ctx, &conn)?;
    let allowed = match op {
        VoiceOp::Create => f.ops.create,
        VoiceOp::Update => f.ops.update,
        VoiceOp::Delete { .. } => f.ops.delete,
    };
    if !allowed {
        return Err(JobOutcome::failed(format!(
            "{} cannot be {}d through the API",
            f.title,
            op.label()
        )));
    }
    if f.parent.is_some() && parent.is_none() {
        return Err(JobOutcome::failed(format!(
            "{} live under a Communication Manager: give its id (--parent)",
            f.title
        )));
    }
    let needs_id = f.account_scoped && !matches!(op, VoiceOp::Create);
    let item = match (needs_id, id) {
        (true, Some(id)) => Some(client.item_path(f, parent, id)),
        (true, None) => {
            return Err(JobOutcome::failed(format!(
                "give the id of the {} item to {}",
                f.title,
                op.label()
            )))
        }
        (false, _) => None,
    };
    if let VoiceOp::Create | VoiceOp::Update = op {
        let b = body.clone().unwrap_or(Value::Null);
        let problems = voice_body::validate(f, &b, op == VoiceOp::Create);
        if !problems.is_empty() {
            let lines: Vec<String> = problems
                .iter()
                .map(|(k, m)| format!("field `{k}`: {m}"))
                .collect();
            return Err(JobOutcome::failed(format!(
                "{}; nothing was sent",
                lines.join("; ")
            )));
        }
    }
    let collection = client.family_path(f, parent);
    let (method, path, body) = match op {
        VoiceOp::Create => (Method::POST, collection.clone(), body),
        VoiceOp::Update => (
            Method::PUT,
            item.clone().unwrap_or_else(|| collection.clone()),
            body,
        ),
        VoiceOp::Delete { force } => {
            let p = item.clone().expect("an item to delete");
            let p = if force {
                format!("{p}?forceDelete=true")
            } else {
                p
            };
            (Method::DELETE, p, None)
        }
    };
    let what = format!("{} {}", f.title, op.label());
    let check = check_cmd(name, f, parent, id);
    ctx.commit.sent(&what, &check);
    let written = client
        .write(method.clone(), &path, body)
        .await
        .map_err(|e| write_failed(e, "nothing was changed", &check))?;
    ctx.log(format!("{method} {path}: HTTP {}", written.status))
        .await;
    let target = match op {
        VoiceOp::Create => written.item_path(f, &collection),
        _ => item.clone(),
    };
    // A created item's own id, once the answer names it.
    let new_id = target
        .as_deref()
        .and_then(|t| t.rsplit('/').next())
        .filter(|_| op == VoiceOp::Create);
    let check = check_cmd(name, f, parent, id.or(new_id));
    let answer = format!("HTTP {}", written.status);
    if written.status == 202 {
        ctx.commit.sent(&what, &check);
        ctx.commit.accepted(&answer);
    } else {
        ctx.commit.done(&answer);
    }
    let outcome = settle_write(ctx, &client, f, op, &written, target, wait, &check).await;
    relist(ctx, name, &client, f, parent).await;
    outcome
}

/// What became of a write: partial (207), accepted and followed, or done.
#[allow(clippy::too_many_arguments)]
async fn settle_write(
    ctx: &JobCtx,
    client: &AxpClient,
    f: &Family,
    op: VoiceOp,
    written: &Written,
    target: Option<String>,
    wait: bool,
    check: &str,
) -> Result<JobOutcome, JobOutcome> {
    let what = format!("{} {}", f.title, op.label());
    let answer = written.body.clone();
    if written.status == 207 {
        let why = answer
            .as_ref()
            .and_then(|b| b.get("errorMessage"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        return Ok(JobOutcome::ok(
            format!("PARTIAL: {what} saved in voice, but: {why} (HTTP 207)"),
            answer,
        ));
    }
    let deleting = matches!(op, VoiceOp::Delete { .. });
    let followable = written.status == 202 && (deleting || f.status_field.is_some());
    let (true, true, Some(path)) = (followable, wait, target) else {
        let note = if written.status == 202 {
            " (accepted; it settles in the background)"
        } else {
            ""
        };
        return Ok(JobOutcome::ok(format!("{what} done{note}"), answer));
    };
    let patience = if deleting {
        DELETE_PATIENCE
    } else {
        Duration::from_secs(ctx.shared.config.http.job_timeout_secs)
    };
    match follow(ctx, client, f, &path, patience).await? {
        Settled::Gone if deleting => Ok(JobOutcome::ok(format!("{what}: gone"), None)),
        Settled::Gone => Err(JobOutcome::failed(format!(
            "{what}: the item vanished while it was being configured"
        ))),
        Settled::Status(s, item) if voice_registry::is_failed_status(&s) => Err(JobOutcome {
            detail: Some(item),
            ..JobOutcome::failed(format!("{what}: ended {s}"))
        }),
        Settled::Status(s, item) if deleting => Err(JobOutcome {
            detail: Some(item),
            ..JobOutcome::failed(format!("{what}: still there, {s}"))
        }),
        Settled::Status(s, item) => Ok(JobOutcome::ok(format!("{what}: {s}"), Some(item))),
        Settled::Waiting(s) if deleting => Err(JobOutcome::failed(format!(
            "{what}: still {s} after {} s; it is removed once every HCG has it removed \
             (a forced delete removes it regardless)",
            DELETE_PATIENCE.as_secs()
        ))),
        Settled::Waiting(s) => Err(JobOutcome::failed(format!(
            "{what}: sent; the server accepted it (HTTP 202); still {s} when the job's time ran out, \
             its outcome is unknown: {check} to check"
        ))),
    }
}
