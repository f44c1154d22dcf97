//! The `:verb` actions: Communication Manager sync jobs that progress,
//! their details and abort, phone number lookups, discovery and push config.

use super::super::state::AxpData;
use super::{problem, violations};
use crate::domain::voice_registry::{self, Family};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub(super) fn sync_status(job: &super::super::state::SyncJob, span: u64) -> &'static str {
    let e = job.started.elapsed();
    if e < Duration::from_secs(1) {
        "QUEUED"
    } else if e < Duration::from_secs(span.max(1)) {
        "IN_PROGRESS"
    } else {
        "COMPLETED"
    }
}

/// How far a sync job is, 0 to 1 (nothing while queued).
pub(super) fn sync_done(job: &super::super::state::SyncJob, span: u64) -> f64 {
    let e = job.started.elapsed().as_secs_f64() - 1.0;
    (e / Duration::from_secs(span.max(2) - 1).as_secs_f64()).clamp(0.0, 1.0)
}

/// `:verb` actions: CM sync, sync job details / entity details / abort,
/// phone number lookups, the AADS discovery URL, HCG push config.
#[allow(clippy::too_many_arguments)]
pub(super) fn act_on(
    axp: &mut AxpData,
    family: &Family,
    parent: &str,
    id: Option<&str>,
    act: &str,
    body: &Value,
    collection: &str,
    new_id: String,
) -> Response {
    match (family.key, act, id) {
        ("cm", "sync", Some(cm_id)) => start_cm_sync(axp, cm_id, body, collection, new_id),
        ("sync_jobs", _, Some(job)) => sync_job_action(axp, parent, job, act),
        ("phone_numbers", "list" | "validate" | "getByPhoneNumbers", None) => {
            phone_number_lookup(axp, act, body)
        }
        ("aads", "discoveryUrl", None) => Json(json!({"oidcDiscoveryUrl": format!(
            "https://sim.cc.avayacloud.com/auth/realms/{}/.well-known/openid-configuration",
            axp.scenario.account_id
        )}))
        .into_response(),
        ("hcg_systems", "pushConfig", Some(_)) => StatusCode::OK.into_response(),
        _ => problem(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("no action :{act} here"),
        ),
    }
}

/// The strings of a JSON array (`None` when it is not one).
fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect()
    })
}

/// `cm/{id}:sync`: queues a sync job of the entities asked for.
fn start_cm_sync(
    axp: &mut AxpData,
    cm_id: &str,
    body: &Value,
    collection: &str,
    new_id: String,
) -> Response {
    let entities = strings(&body["entities"]).unwrap_or_default();
    if entities.is_empty() {
        return violations(vec![(
            "entities".into(),
            "must not be empty".into(),
            "NotEmpty",
        )]);
    }
    if let Some(bad) = entities
        .iter()
        .find(|e| !voice_registry::SYNC_ENTITIES.contains(&e.as_str()))
    {
        return violations(vec![(
            "entities".into(),
            format!("{bad} is not an entity"),
            "Invalid",
        )]);
    }
    let now = crate::clock::stamp(crate::clock::now());
    axp.sync_jobs.insert(
        new_id.clone(),
        super::super::state::SyncJob {
            started: Instant::now(),
            entities,
            aborted: false,
        },
    );
    let job = json!({"id": new_id, "name": body.get("name").cloned().unwrap_or(json!("sync")), "type": "SYNC", "statusCode": "QUEUED", "statusMessage": "", "createdAt": now, "updatedAt": now});
    axp.items
        .entry(("sync_jobs".into(), cm_id.to_string()))
        .or_default()
        .insert(0, job);
    let url = format!("{collection}/{cm_id}/jobs/{new_id}");
    (
        StatusCode::ACCEPTED,
        Json(json!({"jobId": new_id, "url": url})),
    )
        .into_response()
}

/// `jobs/{id}:details`, `:entity-details` and `:abort` of a CM sync job.
fn sync_job_action(axp: &mut AxpData, parent: &str, job: &str, act: &str) -> Response {
    let span = axp.scenario.sync_seconds;
    let Some(state) = axp.sync_jobs.get_mut(job) else {
        return problem(StatusCode::NOT_FOUND, "Not Found", "no such job");
    };
    let done = sync_done(state, span);
    match act {
        "details" => sync_details(&state.entities, done),
        "entity-details" => {
            let rows: Vec<Value> = state.entities.iter().enumerate().map(|(i, e)| json!({
                    "id": format!("{job}-{i}"), "entityType": e,
                    "entityData": {"systemParameterFeatures": {"name": format!("{}Setting", e.to_lowercase()), "value": i.to_string()}},
                    "createdAt": "2026-11-22T11:59:36.684Z", "updateAt": "2026-11-22T11:59:36.691Z", "statusCode": "COMPLETED"})).collect();
            Json(json!({"pagination": {"pageNumber": 1, "pageSize": 10, "total": rows.len()}, "syncEntityDetails": rows, "links": {"prev": "", "next": ""}})).into_response()
        }
        "abort" => {
            state.aborted = true;
            if let Some(list) = axp
                .items
                .get_mut(&("sync_jobs".to_string(), parent.to_string()))
            {
                for it in list
                    .iter_mut()
                    .filter(|it| it.get("id").and_then(Value::as_str) == Some(job))
                {
                    it["statusCode"] = json!("FAILED");
                    it["statusMessage"] = json!("Synchronization job aborted.");
                }
            }
            StatusCode::ACCEPTED.into_response()
        }
        _ => problem(StatusCode::NOT_FOUND, "Not Found", "no such action"),
    }
}

/// The per-entity counts of a sync job `done` (0 to 1) of the way through.
// `done` is clamped to 0..=1, so each count is 0 to 40: `as` cannot
// truncate or lose a sign here.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn sync_details(entities: &[String], done: f64) -> Response {
    let details: Vec<Value> = entities
        .iter()
        .map(|e| {
            let total = 40.0;
            let failed = if e == "REASONCODE_AUX" { 2 } else { 0 };
            json!({"entityType": e, "entitySyncDetails": [
            {"entityCount": (total * done) as u64, "statusCode": "COMPLETED"},
            {"entityCount": failed, "statusCode": "FAILED"},
            {"entityCount": (total * (1.0 - done)) as u64, "statusCode": "IN_PROGRESS"}]})
        })
        .collect();
    Json(json!({"jobEntityDetails": details})).into_response()
}

/// `phone-numbers:list`, `:validate` and `:getByPhoneNumbers`.
fn phone_number_lookup(axp: &AxpData, act: &str, body: &Value) -> Response {
    let Some(asked) = strings(body) else {
        return violations(vec![("body".into(), "must be a list".into(), "Invalid")]);
    };
    if asked.len() > 1000 {
        return violations(vec![("body".into(), "at most 1000 items".into(), "Size")]);
    }
    let empty = vec![];
    let numbers = axp
        .items
        .get(&("phone_numbers".into(), String::new()))
        .unwrap_or(&empty);
    let live = |it: &&Value| it.get("status").and_then(Value::as_str) != Some("DISABLED");
    let by = |field: &str| -> Vec<Value> {
        numbers
            .iter()
            .filter(live)
            .filter(|it| {
                it.get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|v| asked.iter().any(|a| a == v))
            })
            .cloned()
            .collect()
    };
    match act {
        "list" => Json(by("phoneNumberId")).into_response(),
        "getByPhoneNumbers" => Json(by("phoneNumber")).into_response(),
        _ => {
            let found = by("phoneNumberId");
            let (valid, invalid): (Vec<&String>, Vec<&String>) = asked.iter().partition(|a| {
                found
                    .iter()
                    .any(|f| f.get("phoneNumberId").and_then(Value::as_str) == Some(a.as_str()))
            });
            Json(json!({
                    "valid": valid.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                    "invalid": invalid.iter().map(|id| json!({"id": id, "message": "Phone number doesn't exist or disabled"})).collect::<Vec<_>>(),
                })).into_response()
        }
    }
}
