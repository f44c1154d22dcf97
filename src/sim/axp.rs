//! The simulated AXP Voice Admin API: token, `appkey`, every family of the
//! registry with the seed's example payloads (`assets/axp-examples.json`),
//! its envelope and paging, the seed's answers (202 with the object or a
//! `url`, 201, 200, 204, 207), 202 flows that settle a moment later, the
//! extra actions, and Communication Manager sync jobs that progress.

use super::scenario::{AxpScenario, Rng};
use super::state::{AxpData, Pending, Principal};
use super::Sim;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Envelope, Family};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const EXAMPLES: &str = include_str!("../../assets/axp-examples.json");

fn examples() -> &'static Map<String, Value> {
    static PARSED: OnceLock<Map<String, Value>> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(EXAMPLES).expect("axp-examples.json parses"))
}

/// The seed's example of `f`, made the `i`th of its kind.
fn sample(f: &Family, i: usize, rng: &mut Rng) -> Value {
    let mut o = examples()
        .get(f.key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if f.id_field != "phoneNumber" {
        o.insert(f.id_field.into(), json!(rng.uuid()));
    }
    let n = i + 1;
    for key in ["name", "codeName"] {
        if let Some(Value::String(s)) = o.get(key) {
            let v = format!("{s} {n}");
            o.insert(key.into(), json!(v));
        }
    }
    let set = |o: &mut Map<String, Value>, k: &str, v: Value| {
        if o.contains_key(k) {
            o.insert(k.into(), v);
        }
    };
    let phone = match f.key {
        "available_numbers" => format!("+1647930{:04}", i),
        _ => format!("+1312555{:04}", i),
    };
    set(&mut o, "phoneNumber", json!(phone));
    // Each element family its own DID block (a DID is on one element only).
    let block = if f.key == "msteams" { 3 } else { 2 };
    set(
        &mut o,
        "didNumbers",
        json!([
            format!("+160621{block}{:04}", i * 2),
            format!("+160621{block}{:04}", i * 2 + 1)
        ]),
    );
    set(&mut o, "priority", json!(n * 10));
    set(&mut o, "codeNumber", json!((88 + n).to_string()));
    match f.key {
        "skills" => {
            set(&mut o, "number", json!((10 + n).to_string()));
            set(&mut o, "extension", json!((253647783 + n).to_string()));
        }
        "route_points" | "cm_extensions" => set(&mut o, "number", json!(50003455 + n)),
        _ => {}
    }
    if let Some(field) = f.status_field {
        let cycle: &[&str] = match field {
            "statusCode" => &["COMPLETED", "FAILED", "COMPLETED"],
            _ if f.key == "phone_numbers" => &["ACTIVE", "ACTIVE", "INACTIVE", "INPROGRESS"],
            _ => &[
                "SUCCESS",
                "FAILED",
                "IN_PROGRESS",
                "SUCCESS",
                "INACTIVE",
                "SUCCESS",
            ],
        };
        o.insert(field.into(), json!(cycle[i % cycle.len()]));
    }
    Value::Object(o)
}

fn count(s: &AxpScenario, f: &Family) -> usize {
    match f.key {
        "phone_numbers" => s.phone_numbers.unwrap_or(s.items_per_family),
        _ => s.items_per_family,
    }
}

pub fn generate(s: &AxpScenario, rng: &mut Rng) -> AxpData {
    let mut items: HashMap<(String, String), Vec<Value>> = HashMap::new();
    for f in voice_registry::listable() {
        let list = (0..count(s, f)).map(|i| sample(f, i, rng)).collect();
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

fn sync_status(job: &super::state::SyncJob, span: u64) -> &'static str {
    let e = job.started.elapsed().as_secs_f64();
    if e < 1.0 {
        "QUEUED"
    } else if e < span.max(1) as f64 {
        "IN_PROGRESS"
    } else {
        "COMPLETED"
    }
}

/// How far a sync job is, 0 to 1 (nothing while queued).
fn sync_done(job: &super::state::SyncJob, span: u64) -> f64 {
    let e = job.started.elapsed().as_secs_f64() - 1.0;
    (e / (span.max(2) - 1) as f64).clamp(0.0, 1.0)
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

/// The server-side rules of a create or update: required fields (as the
/// seed documents them) and what only the server knows: names unique in
/// their collection, DID numbers not already on another element.
fn server_violations(
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
enum Answer {
    /// 202 with the whole object (elements, phone numbers).
    Object202,
    /// 202 with `{"url": ...}`.
    Url202,
    Created201,
    Ok200,
}

fn answer_for(f: &Family) -> Answer {
    match f.key {
        "aco" | "msteams" | "phone_numbers" => Answer::Object202,
        "voice_plans" | "skills" => Answer::Created201,
        "route_points" | "routing_rules" | "agent_locations" | "sip_trunks" => Answer::Ok200,
        _ => Answer::Url202,
    }
}

/// The status an item settles to after a 202.
fn settled_status(f: &Family) -> &'static str {
    if f.key == "phone_numbers" {
        "ACTIVE"
    } else {
        "SUCCESS"
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
            match voice_registry::by_segment(seg, true) {
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
        [seg, rest @ ..] => match voice_registry::by_segment(seg, false) {
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
        return match (method, id) {
            (Method::PUT, Some(_)) if body.get("publicKey").is_some() => Json(
                json!({"status": "success", "message": "Hybrid Cloud Gateway System updated successfully."}),
            )
            .into_response(),
            (Method::PUT, Some(_)) => violations(vec![(
                "publicKey".into(),
                "must not be blank".into(),
                "NotBlank",
            )]),
            _ => problem(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method Not Allowed",
                "only PUT {systemId} and POST {systemId}:pushConfig",
            ),
        };
    }
    let key = (family.key.to_string(), parent.clone());
    let settle_after = Duration::from_millis(axp.scenario.settle_ms);
    let pos = |axp: &AxpData, id: &str| {
        axp.items
            .get(&key)
            .and_then(|l| l.iter().position(|it| id_of(family, it) == Some(id)))
    };
    let not_found = |id: &str| {
        problem(
            StatusCode::NOT_FOUND,
            "Not Found",
            &format!("{} {id} not found", family.title),
        )
    };
    match (method, id) {
        (Method::GET, None) if family.ops.list => list_response(
            family,
            axp.items.get(&key).map(Vec::as_slice).unwrap_or(&[]),
            &q,
            &collection,
        ),
        (Method::GET, Some(id)) => match pos(axp, &id) {
            Some(i) => Json(axp.items[&key][i].clone()).into_response(),
            None => not_found(&id),
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
            let Some(i) = pos(axp, &id) else {
                return not_found(&id);
            };
            let bad = server_violations(axp, family, &parent, &body, false, Some(&id));
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
            start_settling(axp, family, &parent, &id, &mut o, settle_after);
            let item = Value::Object(o);
            axp.items.get_mut(&key).expect("found")[i] = item.clone();
            written(family, item, &format!("{collection}/{id}"), false)
        }
        (Method::DELETE, Some(id)) if family.ops.delete => {
            let Some(i) = pos(axp, &id) else {
                return not_found(&id);
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
        _ => problem(
            StatusCode::METHOD_NOT_ALLOWED,
            "Method Not Allowed",
            &format!("not supported for {}", family.title),
        ),
    }
}

/// A written item of a family with a status starts `IN_PROGRESS` and
/// settles a moment later.
fn start_settling(
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
fn written(f: &Family, item: Value, url: &str, created: bool) -> Response {
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
fn bulk_priorities(axp: &mut AxpData, key: &(String, String), body: &Value) -> Response {
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

/// `:verb` actions: CM sync, sync job details / entity details / abort,
/// phone number lookups, the AADS discovery URL, HCG push config.
#[allow(clippy::too_many_arguments)]
fn act_on(
    axp: &mut AxpData,
    family: &Family,
    parent: &str,
    id: Option<&str>,
    act: &str,
    body: &Value,
    collection: &str,
    new_id: String,
) -> Response {
    let strings = |v: &Value| -> Option<Vec<String>> {
        v.as_array().map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
    };
    match (family.key, act, id) {
        ("cm", "sync", Some(cm_id)) => {
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
                super::state::SyncJob {
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
        ("sync_jobs", _, Some(job)) => {
            let span = axp.scenario.sync_seconds;
            let Some(state) = axp.sync_jobs.get_mut(job) else {
                return problem(StatusCode::NOT_FOUND, "Not Found", "no such job");
            };
            let done = sync_done(state, span);
            match act {
                "details" => {
                    let details: Vec<Value> = state.entities.iter().map(|e| {
                        let total = 40.0;
                        let failed = if e == "REASONCODE_AUX" { 2 } else { 0 };
                        json!({"entityType": e, "entitySyncDetails": [
                            {"entityCount": (total * done) as u64, "statusCode": "COMPLETED"},
                            {"entityCount": failed, "statusCode": "FAILED"},
                            {"entityCount": (total * (1.0 - done)) as u64, "statusCode": "IN_PROGRESS"}]})
                    }).collect();
                    Json(json!({"jobEntityDetails": details})).into_response()
                }
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
        ("phone_numbers", "list" | "validate" | "getByPhoneNumbers", None) => {
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
                    let (valid, invalid): (Vec<&String>, Vec<&String>) =
                        asked.iter().partition(|a| {
                            found.iter().any(|f| {
                                f.get("phoneNumberId").and_then(Value::as_str) == Some(a.as_str())
                            })
                        });
                    Json(json!({
                        "valid": valid.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
                        "invalid": invalid.iter().map(|id| json!({"id": id, "message": "Phone number doesn't exist or disabled"})).collect::<Vec<_>>(),
                    })).into_response()
                }
            }
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
