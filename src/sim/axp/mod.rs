//! The simulated AXP Voice Admin API: token, `appkey`, every family of the
//! registry with the seed's example payloads (`assets/axp-examples.json`),
//! its envelope and paging, the seed's answers (202 with the object or a
//! `url`, 201, 200, 204, 207), 202 flows that settle a moment later, the
//! extra actions, and Communication Manager sync jobs that progress.

mod actions;
mod seed;
mod writes;

pub use seed::generate;

use super::state::{AxpData, Pending, Principal};
use super::Sim;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Envelope, Family};
use actions::act_on;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use writes::{bulk_priorities, server_violations, settle, start_settling, written};

fn problem_body(status: StatusCode, body: Value) -> Response {
    (
        status,
        [
            ("content-type", "application/problem+json"),
            ("x-request-id", "sim-req-1"),
            ("av-log-id", "sim-log-1"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    problem_body(
        status,
        json!({"type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail, "instance": ""}),
    )
}

/// A 400 listing each violation as RFC 7807 says.
fn violations(list: Vec<(String, String, &str)>) -> Response {
    let v: Vec<Value> = list
        .into_iter()
        .map(|(field, message, code)| json!({"field": field, "message": message, "code": code}))
        .collect();
    problem_body(
        StatusCode::BAD_REQUEST,
        json!({"type": "about:blank", "title": "Bad Request", "status": 400,
               "detail": "validation failed", "instance": "", "violations": v}),
    )
}

pub async fn token(State(sim): State<Sim>, Path(account): Path<String>, body: String) -> Response {
    let form: HashMap<String, String> = serde_urlencoded_pairs(&body);
    let mut d = sim.data.lock().unwrap();
    let Some(axp) = d.axp.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let ok = axp.scenario.account_id == account
        && form.get("grant_type").map(String::as_str) == Some("client_credentials")
        && form.get("client_id") == Some(&axp.scenario.client_id)
        && form.get("client_secret") == Some(&axp.scenario.client_secret);
    if !ok {
        return (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client", "error_description": "Invalid client credentials"}))).into_response();
    }
    let t = d.issue_token(Principal::Axp, Duration::from_secs(900));
    Json(json!({"access_token": t, "expires_in": 900, "refresh_token": "sim-refresh", "token_type": "Bearer"})).into_response()
}

/// Minimal form decoding for the token endpoints (keys and values are plain).
pub fn serde_urlencoded_pairs(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.replace('+', " ").into_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) =
                u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or(""), 16)
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn id_of<'a>(f: &Family, item: &'a Value) -> Option<&'a str> {
    item.get(f.id_field).and_then(|v| v.as_str())
}

fn list_response(f: &Family, items: &[Value], q: &HashMap<String, String>, path: &str) -> Response {
    let page: usize = q
        .get("pageNumber")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let size: usize = q
        .get("pageSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .max(1);
    if size > f.max_page_size as usize {
        return violations(vec![(
            "pageSize".into(),
            format!("must be at most {}", f.max_page_size),
            "Max",
        )]);
    }
    // Available numbers take filters.
    let filtered: Vec<&Value> = items
        .iter()
        .filter(|it| {
            f.filters.iter().all(|k| match q.get(*k) {
                None => true,
                Some(want) if *k == "areaCode" => it
                    .get("phoneNumber")
                    .and_then(Value::as_str)
                    .is_some_and(|p| p.get(2..).is_some_and(|r| r.starts_with(want.as_str()))),
                Some(want) => it.get(*k).and_then(Value::as_str) == Some(want.as_str()),
            })
        })
        .collect();
    let slice: Vec<Value> = filtered
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .map(|v| (*v).clone())
        .collect();
    let link = |p: usize| format!("{path}?pageNumber={p}&pageSize={size}");
    let next = if page * size < filtered.len() {
        link(page + 1)
    } else {
        String::new()
    };
    let prev = if page > 1 {
        link(page - 1)
    } else {
        String::new()
    };
    // The seed's voice plans say `previous` where the others say `prev`.
    let prev_key = if f.key == "voice_plans" {
        "previous"
    } else {
        "prev"
    };
    match f.envelope {
        Envelope::BareArray => Json(slice).into_response(),
        Envelope::Key(k) => {
            let mut o = Map::new();
            o.insert(
                "pagination".into(),
                json!({"pageNumber": page, "pageSize": size, "total": filtered.len()}),
            );
            o.insert(k.into(), Value::Array(slice));
            o.insert("links".into(), json!({prev_key: prev, "next": next}));
            Json(Value::Object(o)).into_response()
        }
    }
}

/// Why a call is refused (no valid token, wrong appkey), if it is.
fn refusal(d: &mut super::state::SimData, headers: &HeaderMap) -> Option<Response> {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if d.principal(bearer) != Some(Principal::Axp) {
        return Some(problem(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing or expired token",
        ));
    }
    let Some(axp) = d.axp.as_ref() else {
        return Some(StatusCode::NOT_FOUND.into_response());
    };
    if headers.get("appkey").and_then(|v| v.to_str().ok()) != Some(axp.scenario.app_key.as_str()) {
        return Some(problem(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing or wrong appkey",
        ));
    }
    None
}

/// `PUT /api/admin/voice/v1/voice-service-webhook`: a feature-toggle event.
pub async fn webhook(State(sim): State<Sim>, headers: HeaderMap, body: String) -> Response {
    let mut d = sim.data.lock().unwrap();
    if let Some(r) = refusal(&mut d, &headers) {
        return r;
    }
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let f = voice_registry::family("webhook").expect("webhook family");
    let missing: Vec<(String, String, &str)> = voice_body::validate(f, &body, true)
        .into_iter()
        .map(|(k, m)| (k.to_string(), m, "Invalid"))
        .collect();
    if !missing.is_empty() {
        return violations(missing);
    }
    StatusCode::NO_CONTENT.into_response()
}

pub async fn dispatch(
    State(sim): State<Sim>,
    method: Method,
    headers: HeaderMap,
    Path((account, rest)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
    body: String,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    if let Some(r) = refusal(&mut d, &headers) {
        return r;
    }
    let new_id = d.rng.uuid();
    let axp = d.axp.as_mut().expect("checked by refusal");
    if account != axp.scenario.account_id {
        return problem(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("account {account} not found"),
        );
    }
    settle(axp);
    let base = format!("/api/admin/voice/v1/accounts/{account}");
    let (segs, action) = segments_and_action(&rest);
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let (family, parent, id) = match resolve(&segs) {
        Ok(found) => found,
        Err(Some(seg)) => {
            return problem(
                StatusCode::NOT_FOUND,
                "Not Found",
                &format!("no resource {seg}"),
            )
        }
        Err(None) => return problem(StatusCode::NOT_FOUND, "Not Found", "no resource"),
    };
    let collection = match family.parent {
        Some(_) => format!("{base}/communication-managers/{parent}/{}", family.segment),
        None => format!("{base}/{}", family.segment),
    };
    if let Some(act) = action.as_deref() {
        return act_on(
            axp,
            family,
            &parent,
            id.as_deref(),
            act,
            &body,
            &collection,
            new_id,
        );
    }
    if family.key == "hcg_systems" {
        return hcg_system(&method, id.as_deref(), &body);
    }
    let key = (family.key.to_string(), parent.clone());
    let settle_after = Duration::from_millis(axp.scenario.settle_ms);
    match (method, id) {
        (Method::GET, None) if family.ops.list => list_response(
            family,
            axp.items.get(&key).map(Vec::as_slice).unwrap_or(&[]),
            &q,
            &collection,
        ),
        (Method::GET, Some(id)) => match position(axp, family, &key, &id) {
            Some(i) => Json(axp.items[&key][i].clone()).into_response(),
            None => not_found(family, &id),
        },
        (Method::POST, None) if family.ops.create => {
            let bad = server_violations(axp, family, &parent, &body, true, None);
            if !bad.is_empty() {
                return violations(bad);
            }
            let mut o = body.as_object().cloned().unwrap_or_default();
            o.insert(family.id_field.into(), json!(new_id));
            start_settling(axp, family, &parent, &new_id, &mut o, settle_after);
            let item = Value::Object(o);
            axp.items.entry(key.clone()).or_default().push(item.clone());
            written(family, item, &format!("{collection}/{new_id}"), true)
        }
        (Method::PUT, None) if family.key == "routing_rules" => bulk_priorities(axp, &key, &body),
        (Method::PUT, Some(id)) if family.ops.update => {
            update_item(axp, family, &parent, &id, &body, &collection, settle_after)
        }
        (Method::DELETE, Some(id)) if family.ops.delete => {
            delete_item(axp, family, parent, id, &q, settle_after)
        }
        _ => problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            &format!("not supported for {}", family.title),
        ),
    }
}

/// Splits `communication-managers/1/sync-jobs/7:abort` into its path
/// segments and the `:verb` on the last one.
fn segments_and_action(rest: &str) -> (Vec<String>, Option<String>) {
    let mut segs: Vec<String> = rest
        .trim_matches('/')
        .split('/')
        .map(String::from)
        .collect();
    let action = segs
        .last_mut()
        .and_then(|last| {
            last.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
        .map(|(head, act)| {
            *segs.last_mut().unwrap() = head;
            act
        });
    (segs, action)
}

/// The family a path names, the CM it sits under ("" for none) and the
/// item's id. `Err` holds the segment the registry does not know (`None`
/// for a path without any).
fn resolve(segs: &[String]) -> Result<(&'static Family, String, Option<String>), Option<&str>> {
    match segs {
        [cm, cm_id, seg, rest @ ..] if cm == "communication-managers" => {
            match voice_registry::by_segment(seg, true) {
                Some(f) => Ok((f, cm_id.clone(), rest.first().cloned())),
                None => Err(Some(seg)),
            }
        }
        [seg, rest @ ..] => match voice_registry::by_segment(seg, false) {
            Some(f) => Ok((f, String::new(), rest.first().cloned())),
            None => Err(Some(seg)),
        },
        [] => Err(None),
    }
}

/// `PUT hcg-systems/{id}`: only its public key can be set.
fn hcg_system(method: &Method, id: Option<&str>, body: &Value) -> Response {
    match (method, id) {
        (&Method::PUT, Some(_)) if body.get("publicKey").is_some() => Json(
            json!({"status": "success", "message": "Hybrid Cloud Gateway System updated successfully."}),
        )
        .into_response(),
        (&Method::PUT, Some(_)) => violations(vec![(
            "publicKey".into(),
            "must not be blank".into(),
            "NotBlank",
        )]),
        _ => problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            "only PUT {systemId} and POST {systemId}:pushConfig",
        ),
    }
}

/// Where the item `id` sits in the list under `key`.
fn position(axp: &AxpData, family: &Family, key: &(String, String), id: &str) -> Option<usize> {
    axp.items
        .get(key)
        .and_then(|l| l.iter().position(|it| id_of(family, it) == Some(id)))
}

fn not_found(family: &Family, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "Not Found",
        &format!("{} {id} not found", family.title),
    )
}

/// `PUT {collection}/{id}`: replaces the item, keeping its create-only and
/// read-only fields, and starts it settling.
fn update_item(
    axp: &mut AxpData,
    family: &'static Family,
    parent: &str,
    id: &str,
    body: &Value,
    collection: &str,
    settle_after: Duration,
) -> Response {
    let key = (family.key.to_string(), parent.to_string());
    let Some(i) = position(axp, family, &key, id) else {
        return not_found(family, id);
    };
    let bad = server_violations(axp, family, parent, body, false, Some(id));
    if !bad.is_empty() {
        return violations(bad);
    }
    let list = &axp.items[&key];
    let mut o = if family.key == "sip_trunks" {
        // Only the caller id of a SIP trunk can change.
        let mut o = list[i].as_object().cloned().unwrap_or_default();
        o.insert("callerId".into(), body["callerId"].clone());
        o
    } else {
        body.as_object().cloned().unwrap_or_default()
    };
    // Create-only and read-only fields stay as they were.
    for (k, v) in list[i].as_object().into_iter().flatten() {
        o.entry(k.clone()).or_insert(v.clone());
    }
    o.insert(family.id_field.into(), json!(id));
    start_settling(axp, family, parent, id, &mut o, settle_after);
    let item = Value::Object(o);
    axp.items.get_mut(&key).expect("found")[i] = item.clone();
    written(family, item, &format!("{collection}/{id}"), false)
}

/// `DELETE {collection}/{id}`: gone at once, or PENDING_DELETE until it
/// settles for a family with a status.
fn delete_item(
    axp: &mut AxpData,
    family: &'static Family,
    parent: String,
    id: String,
    q: &HashMap<String, String>,
    settle_after: Duration,
) -> Response {
    let key = (family.key.to_string(), parent.clone());
    let Some(i) = position(axp, family, &key, &id) else {
        return not_found(family, &id);
    };
    let list = axp.items.get_mut(&key).expect("found");
    let Some(sf) = family.status_field else {
        list.remove(i);
        return StatusCode::NO_CONTENT.into_response();
    };
    // A location profile that failed on an HCG stays PENDING_DELETE
    // unless forced, as the seed describes.
    let stuck = family.key == "location_profiles"
        && list[i].get(sf).and_then(Value::as_str) == Some("FAILED")
        && q.get("forceDelete").map(String::as_str) != Some("true");
    list[i][sf] = json!("PENDING_DELETE");
    if !stuck {
        axp.pending.push(Pending {
            due: Instant::now() + settle_after,
            family: family.key.into(),
            parent,
            id,
            status: None,
        });
    }
    StatusCode::ACCEPTED.into_response()
}
