//! The simulated AXP Voice Admin API: token, `appkey`, every family of the
//! registry with its envelope and paging, 202 flows that settle a moment
//! later, and Communication Manager sync jobs that progress.

use super::scenario::{AxpScenario, Rng};
use super::state::{AxpData, Pending, Principal};
use super::Sim;
use crate::domain::voice_registry::{self, Envelope, Family, FAMILIES};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

const SETTLE: Duration = Duration::from_secs(2);

fn sample(f: &Family, i: usize, rng: &mut Rng) -> Value {
    let mut o = Map::new();
    o.insert(f.id_field.into(), json!(rng.uuid()));
    for col in f.columns {
        let v = match *col {
            "name" => json!(format!("{} {}", f.title.trim_end_matches('s'), i + 1)),
            "status" => json!(
                [
                    "SUCCESS",
                    "ACTIVE",
                    "SUCCESS",
                    "IN_PROGRESS",
                    "FAILED",
                    "INACTIVE"
                ][i % 6]
            ),
            "statusCode" => json!(["COMPLETED", "FAILED", "COMPLETED"][i % 3]),
            "environment" => json!(if i.is_multiple_of(2) {
                "Production"
            } else {
                "Staging"
            }),
            "didNumbers" => json!([
                format!("+1606212{:04}", i * 2),
                format!("+1606212{:04}", i * 2 + 1)
            ]),
            "phoneNumber" => json!(format!("+1312555{:04}", i)),
            "type" => json!(["LOCAL", "TOLLFREE", "SYSTEM", "USER"][i % 4]),
            "hostname" => json!(format!("{}-{}.voice.example.net", f.segment, i + 1)),
            "port" => json!(443 + i),
            "version" => json!("V10_X"),
            "priority" => json!(i + 1),
            "code" => json!(i + 1),
            "number" | "extension" => json!(format!("{}", 4000 + i)),
            "createdAt" => json!(format!("2026-11-{:02}T10:{:02}:00Z", 1 + i % 20, i % 60)),
            "statusMessage" => json!("Synchronization job completed successfully."),
            "pattern" => json!(format!("^\\+1{}\\d+$", 200 + i)),
            c => json!(format!("{c}-{}", i + 1)),
        };
        o.insert((*col).into(), v);
    }
    o.insert(
        "description".into(),
        json!(format!("{} #{} (simulated)", f.title, i + 1)),
    );
    Value::Object(o)
}

pub fn generate(s: &AxpScenario, rng: &mut Rng) -> AxpData {
    let mut items: HashMap<(String, String), Vec<Value>> = HashMap::new();
    for f in voice_registry::top_level() {
        let list = (0..s.items_per_family).map(|i| sample(f, i, rng)).collect();
        items.insert((f.key.into(), String::new()), list);
    }
    let cms: Vec<String> = items[&("cm".to_string(), String::new())]
        .iter()
        .filter_map(|c| c.get("id").and_then(|v| v.as_str()).map(String::from))
        .take(2)
        .collect();
    for cm in cms {
        for f in voice_registry::children_of("cm") {
            let list = (0..s.items_per_family).map(|i| sample(f, i, rng)).collect();
            items.insert((f.key.into(), cm.clone()), list);
        }
    }
    AxpData {
        scenario: s.clone(),
        items,
        pending: vec![],
        sync_jobs: HashMap::new(),
    }
}

fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    let body = json!({"type": "about:blank", "title": title, "status": status.as_u16(), "detail": detail, "instance": ""});
    (
        status,
        [
            ("content-type", "application/problem+json"),
            ("x-request-id", "sim-req-1"),
        ],
        body.to_string(),
    )
        .into_response()
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

fn settle(axp: &mut AxpData) {
    let now = Instant::now();
    let (due, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut axp.pending)
        .into_iter()
        .partition(|p| p.due <= now);
    axp.pending = rest;
    for p in due {
        let Some(f) = voice_registry::family(&p.family) else {
            continue;
        };
        if let Some(list) = axp.items.get_mut(&(p.family.clone(), p.parent.clone())) {
            match p.status {
                Some(s) => {
                    for it in list
                        .iter_mut()
                        .filter(|it| it.get(f.id_field).and_then(|v| v.as_str()) == Some(&p.id))
                    {
                        it["status"] = json!(s);
                    }
                }
                None => {
                    list.retain(|it| it.get(f.id_field).and_then(|v| v.as_str()) != Some(&p.id))
                }
            }
        }
    }
    // Sync jobs move QUEUED -> IN_PROGRESS -> COMPLETED over a few seconds.
    for ((fam, _), list) in axp.items.iter_mut() {
        if fam != "sync_jobs" {
            continue;
        }
        for it in list.iter_mut() {
            let id = it
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            if let Some((started, _)) = axp.sync_jobs.get(&id) {
                let e = started.elapsed().as_secs();
                it["statusCode"] = json!(if e < 1 {
                    "QUEUED"
                } else if e < 6 {
                    "IN_PROGRESS"
                } else {
                    "COMPLETED"
                });
            }
        }
    }
}

fn find_family(segment: &str, under_cm: bool) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|f| f.segment == segment && f.parent.is_some() == under_cm)
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
        return problem(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            &format!("pageSize must be at most {}", f.max_page_size),
        );
    }
    let slice: Vec<Value> = items
        .iter()
        .skip((page - 1) * size)
        .take(size)
        .cloned()
        .collect();
    let link = |p: usize| format!("{path}?pageNumber={p}&pageSize={size}");
    let next = if page * size < items.len() {
        link(page + 1)
    } else {
        String::new()
    };
    let prev = if page > 1 {
        link(page - 1)
    } else {
        String::new()
    };
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
                json!({"pageNumber": page, "pageSize": size, "total": items.len()}),
            );
            o.insert(k.into(), Value::Array(slice));
            o.insert("links".into(), json!({prev_key: prev, "next": next}));
            Json(Value::Object(o)).into_response()
        }
    }
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
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if d.principal(bearer) != Some(Principal::Axp) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing or expired token",
        );
    }
    let mut rng_id = d.rng.uuid();
    let Some(axp) = d.axp.as_mut() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if headers.get("appkey").and_then(|v| v.to_str().ok()) != Some(axp.scenario.app_key.as_str()) {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            "missing or wrong appkey",
        );
    }
    if account != axp.scenario.account_id {
        return problem(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("account {account} not found"),
        );
    }
    settle(axp);
    let base = format!("/api/admin/voice/v1/accounts/{account}");
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
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);

    // Resolve (family, parent, item id).
    let (family, parent, id) = match segs.as_slice() {
        [cm, cm_id, seg, rest @ ..] if cm == "communication-managers" => {
            match find_family(seg, true) {
                Some(f) => (f, cm_id.clone(), rest.first().cloned()),
                None => {
                    return problem(
                        StatusCode::NOT_FOUND,
                        "Not Found",
                        &format!("no resource {seg}"),
                    )
                }
            }
        }
        [seg, rest @ ..] => match find_family(seg, false) {
            Some(f) => (f, String::new(), rest.first().cloned()),
            None => {
                return problem(
                    StatusCode::NOT_FOUND,
                    "Not Found",
                    &format!("no resource {seg}"),
                )
            }
        },
        [] => return problem(StatusCode::NOT_FOUND, "Not Found", "no resource"),
    };
    let path = format!(
        "{base}/{}",
        rest.trim_matches('/').split(':').next().unwrap_or("")
    );
    let key = (family.key.to_string(), parent.clone());

    // Communication Manager sync: POST communication-managers/{id}:sync
    if family.key == "cm" && action.as_deref() == Some("sync") {
        let Some(cm_id) = id else {
            return problem(StatusCode::BAD_REQUEST, "Bad Request", "no id");
        };
        let entities: Vec<String> = body
            .get("entities")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if entities.is_empty() {
            return problem(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "entities must not be empty",
            );
        }
        let job_id = std::mem::take(&mut rng_id);
        axp.sync_jobs
            .insert(job_id.clone(), (Instant::now(), entities));
        let job = json!({"id": job_id, "name": body.get("name").cloned().unwrap_or(json!("sync")), "type": "SYNC", "statusCode": "QUEUED", "statusMessage": "", "createdAt": crate::clock::stamp(crate::clock::now()), "updatedAt": crate::clock::stamp(crate::clock::now())});
        axp.items
            .entry(("sync_jobs".into(), cm_id.clone()))
            .or_default()
            .insert(0, job);
        return (StatusCode::ACCEPTED, Json(json!({"jobId": job_id, "url": format!("{base}/communication-managers/{cm_id}/jobs/{job_id}")}))).into_response();
    }
    if family.key == "sync_jobs" {
        if let (Some(job), Some(act)) = (&id, action.as_deref()) {
            let Some((started, entities)) = axp.sync_jobs.get(job) else {
                return problem(StatusCode::NOT_FOUND, "Not Found", "no such job");
            };
            let done_frac = (started.elapsed().as_secs_f64() / 6.0).min(1.0);
            return match act {
                "details" => Json(json!({"jobEntityDetails": entities.iter().map(|e| {
                    let total = 40.0;
                    json!({"entityType": e, "entitySyncDetails": [
                        {"entityCount": (total * done_frac) as u64, "statusCode": "COMPLETED"},
                        {"entityCount": 0, "statusCode": "FAILED"},
                        {"entityCount": (total * (1.0 - done_frac)) as u64, "statusCode": "IN_PROGRESS"}]})
                }).collect::<Vec<_>>()})).into_response(),
                "entity-details" => Json(json!({"pagination": {"pageNumber": 1, "pageSize": 10, "total": 0}, "syncEntityDetails": [], "links": {"prev": "", "next": ""}})).into_response(),
                "abort" => StatusCode::ACCEPTED.into_response(),
                _ => problem(StatusCode::NOT_FOUND, "Not Found", "no such action"),
            };
        }
    }

    let items = axp.items.entry(key.clone()).or_default();
    let find = |items: &Vec<Value>, id: &str| {
        items
            .iter()
            .position(|it| it.get(family.id_field).and_then(|v| v.as_str()) == Some(id))
    };
    match (method, id) {
        (Method::GET, None) => list_response(family, items, &q, &path),
        (Method::GET, Some(id)) => match find(items, &id) {
            Some(i) => Json(items[i].clone()).into_response(),
            None => problem(
                StatusCode::NOT_FOUND,
                "Not Found",
                &format!("{} {id} not found", family.title),
            ),
        },
        (Method::POST, None) if family.can_create => {
            let Value::Object(mut o) = body else {
                return problem(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    "body must be a JSON object",
                );
            };
            if o.get("name").is_none() && family.columns.contains(&"name") {
                let b = json!({"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "validation failed", "violations": [{"field": "name", "message": "must not be blank", "code": "NotBlank"}]});
                return (
                    StatusCode::BAD_REQUEST,
                    [("content-type", "application/problem+json")],
                    b.to_string(),
                )
                    .into_response();
            }
            let new_id = std::mem::take(&mut rng_id);
            o.insert(family.id_field.into(), json!(new_id));
            let has_status = family.columns.contains(&"status");
            if has_status {
                o.insert("status".into(), json!("IN_PROGRESS"));
            }
            items.push(Value::Object(o.clone()));
            if has_status {
                axp.pending.push(Pending {
                    due: Instant::now() + SETTLE,
                    family: family.key.into(),
                    parent,
                    id: new_id.clone(),
                    status: Some("SUCCESS".into()),
                });
            }
            (
                StatusCode::ACCEPTED,
                Json(json!({"url": format!("{path}/{new_id}")})),
            )
                .into_response()
        }
        (Method::PUT, Some(id)) => match find(items, &id) {
            Some(i) => {
                let Value::Object(mut o) = body else {
                    return problem(
                        StatusCode::BAD_REQUEST,
                        "Bad Request",
                        "body must be a JSON object",
                    );
                };
                o.insert(family.id_field.into(), json!(id));
                if let Some(s) = items[i].get("status").cloned() {
                    o.entry("status").or_insert(s);
                }
                items[i] = Value::Object(o);
                (StatusCode::OK, Json(items[i].clone())).into_response()
            }
            None => problem(
                StatusCode::NOT_FOUND,
                "Not Found",
                &format!("{} {id} not found", family.title),
            ),
        },
        (Method::DELETE, Some(id)) if family.can_delete => match find(items, &id) {
            Some(i) => {
                if items[i].get("status").is_some() {
                    items[i]["status"] = json!("PENDING_DELETE");
                    axp.pending.push(Pending {
                        due: Instant::now() + SETTLE,
                        family: family.key.into(),
                        parent,
                        id,
                        status: None,
                    });
                } else {
                    items.remove(i);
                }
                StatusCode::ACCEPTED.into_response()
            }
            None => problem(
                StatusCode::NOT_FOUND,
                "Not Found",
                &format!("{} {id} not found", family.title),
            ),
        },
        _ => problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            "not supported for this resource",
        ),
    }
}
