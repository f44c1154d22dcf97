//! AXP Voice jobs: refresh every family into the store, write one item and
//! follow its 202 until it settles, the families' extra actions, and a
//! Communication Manager sync followed with its per-entity counts.

use super::oc_service::poll_delay;
use super::remote_refresh::{set_of, store_sets, PartRefresh};
use super::tasks::{api_failed, write_failed, JobCtx};
use super::JobOutcome;
use crate::api::axp::{AxpClient, Written};
use crate::api::ApiError;
use crate::config::{AxpConnection, ConnectionRef};
use crate::domain::job::VoiceOp;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, ActionInput, Family, Kind};
use crate::secret::Secret;
use crate::store::remote::RemoteSet;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A delete still `PENDING_DELETE` after this long is reported as such.
const DELETE_PATIENCE: Duration = Duration::from_secs(60);

fn family(key: &str) -> Result<&'static Family, JobOutcome> {
    voice_registry::family(key)
        .ok_or_else(|| JobOutcome::failed(format!("no AXP resource family {key:?}")))
}

async fn client(ctx: &JobCtx, name: &str) -> Result<(AxpConnection, AxpClient), JobOutcome> {
    let conn = ctx.axp(name).await?;
    let client = AxpClient::new(&ctx.with_secrets(&conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    Ok((conn, client))
}

/// The command that shows what became of a write to `f` (the item when
/// its id is known, else the family's list), quoted for a report.
fn check_cmd(name: &str, f: &Family, parent: Option<&str>, id: Option<&str>) -> String {
    let mut c = match id {
        Some(id) => format!("`switchboard voice get {} {id}", f.segment),
        None => format!("`switchboard voice list {}", f.segment),
    };
    if let Some(p) = parent {
        c.push_str(&format!(" --parent {p}"));
    }
    c.push_str(&format!(" --connection {name}`"));
    c
}

fn refuse(ctx: &JobCtx, conn: &AxpConnection) -> Result<(), JobOutcome> {
    ctx.refuse_writes(Some(ConnectionRef::Axp(conn)))
        .map_or(Ok(()), Err)
}

/// Every listable family (and each Communication Manager's children) into
/// the store, each family on its own (see `PartRefresh`): a family that
/// fails (a 404 for an account without MS Teams elements, a 500) keeps its
/// previous items, is marked stale, and the job ends partial.
pub async fn refresh(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    let (_, client) = client(ctx, name).await?;
    // Credentials first: without a token nothing can be fetched.
    client.authenticate().await.map_err(api_failed)?;
    let mut refresh = PartRefresh::new(name);
    let top: Vec<_> = voice_registry::listable().collect();
    let total = top.len() as u64;
    let (mut whole, mut count) = (0usize, 0usize);
    for (i, f) in top.iter().enumerate() {
        if refresh.stopped.is_some() {
            refresh.skipped(f.key, f.key);
            if f.key == "cm" {
                for child in voice_registry::children_of("cm") {
                    refresh.skipped(child.key, child.key);
                }
            }
            continue;
        }
        let mut all_fetched = true;
        match fetch_set(&client, name, f, "").await {
            Ok((list, set)) => {
                count += list.len();
                if f.key == "cm" {
                    // The ids as the store reads them (a string or a number):
                    // every CM in the set has one, or the set would be refused.
                    let cm_ids: Vec<String> = set.items.iter().map(|i| i.id.clone()).collect();
                    for cm_id in &cm_ids {
                        let cm_id = cm_id.as_str();
                        for child in voice_registry::children_of("cm") {
                            if refresh.stopped.is_some() {
                                all_fetched = false;
                                break;
                            }
                            match fetch_set(&client, name, child, cm_id).await {
                                Ok((kids, set)) => {
                                    count += kids.len();
                                    refresh.stored(set);
                                }
                                Err(e) => {
                                    all_fetched = false;
                                    let label = format!("{} under CM {cm_id}", child.key);
                                    refresh.failed(child.key, Some(cm_id), &label, e);
                                }
                            }
                        }
                    }
                }
                refresh.stored(set);
            }
            Err(e) => {
                all_fetched = false;
                refresh.failed(f.key, None, f.key, e);
                if f.key == "cm" {
                    // Without the CMs their children cannot be listed.
                    for child in voice_registry::children_of("cm") {
                        refresh.skipped(child.key, child.key);
                    }
                }
            }
        }
        whole += usize::from(all_fetched);
        let (tried, whole) = (i as u64 + 1, whole as u64);
        ctx.progress("families", whole, tried - whole, total);
    }
    let ok = format!("{name}: {count} voice elements in {total} families");
    let done = format!("{name}: {whole} of {total} families refreshed, {count} elements");
    refresh.finish(ctx, ok, done).await
}

/// One family's list and its set for the store, or why not (an API error,
/// or items the store cannot tell apart).
async fn fetch_set(
    client: &AxpClient,
    name: &str,
    f: &Family,
    parent: &str,
) -> Result<(Vec<Value>, RemoteSet), Result<ApiError, String>> {
    let list = client
        .list(f, (!parent.is_empty()).then_some(parent))
        .await
        .map_err(Ok)?;
    let set = family_set_of(client, name, f, parent, &list).map_err(Err)?;
    Ok((list, set))
}

/// One family's fetched list as a set for the store.
fn family_set(
    client: &AxpClient,
    conn: &str,
    f: &Family,
    parent: &str,
    list: &[Value],
) -> Result<RemoteSet, JobOutcome> {
    family_set_of(client, conn, f, parent, list)
        .map_err(|e| JobOutcome::failed(format!("{e}; nothing was changed")))
}

/// [`family_set`], with the reason as one line.
fn family_set_of(
    client: &AxpClient,
    conn: &str,
    f: &Family,
    parent: &str,
    list: &[Value],
) -> Result<RemoteSet, String> {
    let endpoint = format!(
        "GET {}",
        client.family_path(f, (!parent.is_empty()).then_some(parent))
    );
    set_of(
        conn,
        &endpoint,
        (f.key, parent),
        list,
        (f.id_field, f.columns.first().copied().unwrap_or("name")),
    )
}

/// Lists one family again after a write, so the Voice tab shows the change.
/// A failure here is logged, not fatal: the write itself is done.
async fn relist(ctx: &JobCtx, name: &str, client: &AxpClient, f: &Family, parent: Option<&str>) {
    if !f.ops.list {
        return;
    }
    match client.list(f, parent).await {
        Ok(list) => {
            let stored = match family_set(client, name, f, parent.unwrap_or(""), &list) {
                Ok(set) => store_sets(ctx, name, vec![set]).await,
                Err(e) => Err(e),
            };
            if let Err(e) = stored {
                ctx.log(format!("the list was not stored again: {}", e.error))
                    .await;
            }
        }
        Err(e) => {
            ctx.log(format!("the list was not fetched again: {e}"))
                .await
        }
    }
}

/// How a followed item ended.
enum Settled {
    Status(String, Value),
    Gone,
    /// Still not settled when patience ran out, with its last status.
    Waiting(String),
}

/// Polls `path` with backoff until its status is terminal or it is gone.
async fn follow(
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
        ctx.progress("status checks", attempt as u64 + 1, 0, 0);
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
pub(super) fn take_secret_fields(family_key: &str, body: &mut Value) -> Vec<(String, Secret)> {
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

/// Checks an action's input before sending it.
fn check_input(input: ActionInput, body: &Option<Value>, max: usize) -> Result<(), String> {
    let list = || body.as_ref().and_then(Value::as_array);
    match input {
        ActionInput::Nothing => Ok(()),
        ActionInput::Ids | ActionInput::Numbers | ActionInput::WholeList => {
            let items = list().ok_or("give a JSON list")?;
            if items.is_empty() || items.len() > max {
                return Err(format!("give 1 to {max} items (got {})", items.len()));
            }
            if input == ActionInput::Numbers {
                for (i, n) in items.iter().enumerate() {
                    let s = n.as_str().unwrap_or("");
                    voice_body::check_pattern(voice_registry::Pattern::E164, s)
                        .map_err(|m| format!("item {}: {m}", i + 1))?;
                }
            }
            Ok(())
        }
        ActionInput::Fields(fields) => {
            for fs in fields.iter().filter(|f| f.required) {
                let present = body
                    .as_ref()
                    .and_then(|b| b.get(fs.name))
                    .is_some_and(|v| !v.is_null() && v != &json!("") && v != &json!([]));
                if !present {
                    return Err(format!("field `{}` is required", fs.name));
                }
            }
            Ok(())
        }
    }
}

/// One of a family's extra actions.
pub async fn action(
    ctx: &JobCtx,
    name: &str,
    family_key: &str,
    parent: Option<&str>,
    id: Option<&str>,
    action: &str,
    body: &Option<Value>,
) -> Result<JobOutcome, JobOutcome> {
    let f = family(family_key)?;
    let spec = f.actions.iter().find(|a| a.name == action).ok_or_else(|| {
        let known: Vec<&str> = f.actions.iter().map(|a| a.name).collect();
        JobOutcome::failed(format!(
            "{} has no action {action:?} (it has: {})",
            f.title,
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        ))
    })?;
    check_input(spec.input, body, spec.max_items)
        .map_err(|m| JobOutcome::failed(format!("{}: {m}; nothing was sent", spec.title)))?;
    let (conn, client) = client(ctx, name).await?;
    let reads =
        spec.method == "GET" || matches!(spec.name, "list" | "validate" | "getByPhoneNumbers");
    if !reads {
        refuse(ctx, &conn)?;
    }
    let base = match (spec.on_item, id) {
        (true, Some(id)) => client.item_path(f, parent, id),
        (true, None) => {
            return Err(JobOutcome::failed(format!(
                "{} needs the id of an item",
                spec.title
            )))
        }
        (false, _) => client.family_path(f, parent),
    };
    let path = format!("{base}{}", spec.suffix);
    let answer = if spec.method == "GET" {
        Some(client.get_json(&path).await.map_err(api_failed)?)
    } else {
        let method =
            Method::from_bytes(spec.method.as_bytes()).expect("registry methods are valid");
        let check = check_cmd(name, f, parent, id);
        if !reads {
            ctx.commit.sent(spec.title, &check);
        }
        let written = client
            .write(method, &path, body.clone())
            .await
            .map_err(|e| write_failed(e, "nothing was changed", &check))?;
        let answer = format!("HTTP {}", written.status);
        if written.status == 202 {
            ctx.commit.accepted(&answer);
        } else {
            ctx.commit.done(&answer);
        }
        written.body
    };
    let summary = describe_answer(spec.name, answer.as_ref());
    if !reads {
        relist(ctx, name, &client, f, parent).await;
    }
    Ok(JobOutcome::ok(format!("{}: {summary}", spec.title), answer))
}

/// One line for an action's answer.
fn describe_answer(action: &str, answer: Option<&Value>) -> String {
    let len = |k: &str| {
        answer
            .and_then(|a| a.get(k))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    match (action, answer) {
        ("validate", _) => format!("{} valid, {} invalid", len("valid"), len("invalid")),
        ("list" | "getByPhoneNumbers", Some(Value::Array(a))) => {
            format!("{} phone numbers", a.len())
        }
        ("discoveryUrl", Some(a)) => a
            .get("oidcDiscoveryUrl")
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_string(),
        (_, None) => "done".into(),
        (_, Some(Value::Array(a))) => format!("{} items", a.len()),
        (_, Some(_)) => "done".into(),
    }
}

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
    let job_path = client.item_path(jobs, Some(cm), &job_id);
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
            relist(ctx, name, &client, jobs, Some(cm)).await;
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
