//! Creates and updates: the server's own rules, the answer the seed shows
//! for each family, and 202 flows that settle a moment later.

use super::super::state::{AxpData, Pending};
use super::actions::sync_status;
use super::{id_of, problem, violations};
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Family};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::time::{Duration, Instant};

pub(super) fn settle(axp: &mut AxpData) {
    let now = Instant::now();
    let (due, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut axp.pending)
        .into_iter()
        .partition(|p| p.due <= now);
    axp.pending = rest;
    for p in due {
        let Some(f) = voice_registry::family(&p.family) else {
            continue;
        };
        let Some(list) = axp.items.get_mut(&(p.family.clone(), p.parent.clone())) else {
            continue;
        };
        match p.status {
            Some(s) => {
                for it in list.iter_mut().filter(|it| id_of(f, it) == Some(&p.id)) {
                    it["status"] = json!(s);
                }
            }
            None => list.retain(|it| id_of(f, it) != Some(&p.id)),
        }
    }
    // Sync jobs wait QUEUED for a second, run IN_PROGRESS until
    // `sync_seconds`, then are COMPLETED (unless aborted).
    for ((fam, _), list) in axp.items.iter_mut() {
        if fam != "sync_jobs" {
            continue;
        }
        for it in list.iter_mut() {
            let id = it.get("id").and_then(|v| v.as_str()).unwrap_or("");
            if let Some(job) = axp.sync_jobs.get(id) {
                if !job.aborted {
                    it["statusCode"] = json!(sync_status(job, axp.scenario.sync_seconds));
                }
            }
        }
    }
}

/// The server-side rules of a create or update: required fields (as the
/// seed documents them) and what only the server knows: names unique in
/// their collection, DID numbers not already on another element.
pub(super) fn server_violations(
    axp: &AxpData,
    f: &Family,
    parent: &str,
    body: &Value,
    creating: bool,
    id: Option<&str>,
) -> Vec<(String, String, &'static str)> {
    let mut out: Vec<(String, String, &'static str)> = voice_body::validate(f, body, creating)
        .into_iter()
        .map(|(k, m)| {
            let code = if m == "required" {
                "NotBlank"
            } else {
                "Invalid"
            };
            let m = if m == "required" {
                "must not be blank".to_string()
            } else {
                m
            };
            (k.to_string(), m, code)
        })
        .collect();
    let empty = vec![];
    let siblings = axp
        .items
        .get(&(f.key.to_string(), parent.to_string()))
        .unwrap_or(&empty);
    let others = || siblings.iter().filter(|it| id_of(f, it) != id);
    if let Some(name) = body.get("name").and_then(Value::as_str) {
        if others().any(|it| it.get("name").and_then(Value::as_str) == Some(name)) {
            out.push(("name".into(), format!("{name:?} already exists"), "Unique"));
        }
    }
    if let Some(dids) = body.get("didNumbers").and_then(Value::as_array) {
        for (i, did) in dids.iter().filter_map(Value::as_str).enumerate() {
            let holder = ["aco", "msteams"].iter().find_map(|k| {
                let fam = voice_registry::family(k)?;
                axp.items
                    .get(&(k.to_string(), String::new()))?
                    .iter()
                    .find(|it| {
                        id_of(fam, it) != id
                            && it
                                .get("didNumbers")
                                .and_then(Value::as_array)
                                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(did)))
                    })
            });
            if let Some(h) = holder {
                out.push((
                    format!("didNumbers[{i}]"),
                    format!(
                        "{did} is already assigned to {}",
                        h.get("name")
                            .and_then(Value::as_str)
                            .unwrap_or("another element")
                    ),
                    "Conflict",
                ));
            }
        }
    }
    out
}

/// How the seed answers a create or update of this family.
pub(super) enum Answer {
    /// 202 with the whole object (elements, phone numbers).
    Object202,
    /// 202 with `{"url": ...}`.
    Url202,
    Created201,
    Ok200,
}

pub(super) fn answer_for(f: &Family) -> Answer {
    match f.key {
        "aco" | "msteams" | "phone_numbers" => Answer::Object202,
        "voice_plans" | "skills" => Answer::Created201,
        "route_points" | "routing_rules" | "agent_locations" | "sip_trunks" => Answer::Ok200,
        _ => Answer::Url202,
    }
}

/// The status an item settles to after a 202.
pub(super) fn settled_status(f: &Family) -> &'static str {
    if f.key == "phone_numbers" {
        "ACTIVE"
    } else {
        "SUCCESS"
    }
}

/// A written item of a family with a status starts `IN_PROGRESS` and
/// settles a moment later.
pub(super) fn start_settling(
    axp: &mut AxpData,
    family: &Family,
    parent: &str,
    id: &str,
    item: &mut Map<String, Value>,
    after: Duration,
) {
    if let Some(sf) = family.status_field {
        item.insert(sf.into(), json!("IN_PROGRESS"));
        axp.pending.push(Pending {
            due: Instant::now() + after,
            family: family.key.into(),
            parent: parent.to_string(),
            id: id.to_string(),
            status: Some(settled_status(family).into()),
        });
    }
}

/// The answer to a create or update, as the seed shows it for the family.
pub(super) fn written(f: &Family, item: Value, url: &str, created: bool) -> Response {
    // A skill whose agent assist profile cannot be reached is saved in
    // voice but not in agent assist: 207.
    if f.key == "skills"
        && item
            .get("agentAssistProfileId")
            .and_then(Value::as_str)
            .is_some_and(|p| p.contains("unreachable"))
    {
        let mut partial = item;
        partial["errorMessage"] = json!("Failure in agent assist API while skill creation");
        return (StatusCode::MULTI_STATUS, Json(partial)).into_response();
    }
    match answer_for(f) {
        Answer::Object202 => (StatusCode::ACCEPTED, Json(item)).into_response(),
        Answer::Url202 => (StatusCode::ACCEPTED, Json(json!({"url": url}))).into_response(),
        Answer::Created201 if created => (StatusCode::CREATED, Json(item)).into_response(),
        Answer::Created201 | Answer::Ok200 => (StatusCode::OK, Json(item)).into_response(),
    }
}

/// `PUT outbound-routing-rules` with the whole list: new priorities.
pub(super) fn bulk_priorities(axp: &mut AxpData, key: &(String, String), body: &Value) -> Response {
    let Some(rules) = body.as_array() else {
        return violations(vec![(
            "body".into(),
            "must be a list of rules".into(),
            "Invalid",
        )]);
    };
    let list = axp.items.entry(key.clone()).or_default();
    for r in rules {
        let (Some(id), Some(p)) = (r.get("id").and_then(Value::as_str), r.get("priority")) else {
            return violations(vec![(
                "id".into(),
                "each rule needs id and priority".into(),
                "NotBlank",
            )]);
        };
        match list
            .iter_mut()
            .find(|it| it.get("id").and_then(Value::as_str) == Some(id))
        {
            Some(it) => it["priority"] = p.clone(),
            None => {
                return problem(
                    StatusCode::NOT_FOUND,
                    "Not Found",
                    &format!("rule {id} not found"),
                )
            }
        }
    }
    list.sort_by_key(|it| {
        it.get("priority")
            .and_then(Value::as_i64)
            .unwrap_or(i64::MAX)
    });
    Json(Value::Array(list.clone())).into_response()
}
