//! Faults the simulator injects on request, as middleware in front of
//! every route: errors, throttling, delays and broken bodies.

use super::Sim;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer with this status and a problem body.
    Status { status: u16 },
    /// 429, with `Retry-After` when given.
    RateLimit { retry_after: Option<u64> },
    /// Wait before answering.
    Delay { ms: u64 },
    /// Send the first half of the real body.
    Truncate,
    /// Send a body that is not JSON.
    Malformed,
    /// Send valid JSON of the wrong shape.
    WrongShape,
    /// Send an oversized body of this many bytes.
    Huge { bytes: usize },
    /// Answer 401 as if the token had expired.
    ExpireToken,
    /// Announce the real body's length, send half of it, then drop the
    /// connection (a reset mid-body).
    Reset,
    /// The real answer with every list emptied and its totals zero.
    Empty,
    /// The real answer with this key removed from every object.
    DropField { field: String },
    /// The real answer with this key's value replaced by an object.
    WrongType { field: String },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Fault {
    /// Requests whose path starts with this are affected.
    pub path: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    /// Let this many matching requests through first.
    #[serde(default)]
    pub after: u32,
    /// Affect this many requests, then stop (0 = until cleared).
    #[serde(default)]
    pub count: u32,
}

/// Picks the fault for this request, counting it down.
fn take(sim: &Sim, path: &str) -> Option<FaultKind> {
    let mut d = sim.data.lock().unwrap();
    d.requests += 1;
    *d.requests_by_path.entry(path.to_string()).or_default() += 1;
    let idx = d.faults.iter().position(|f| path.starts_with(&f.path))?;
    let f = &mut d.faults[idx];
    if f.after > 0 {
        f.after -= 1;
        return None;
    }
    let kind = f.kind.clone();
    if f.count > 0 {
        f.count -= 1;
        if f.count == 0 {
            d.faults.remove(idx);
        }
    }
    Some(kind)
}

pub async fn inject(State(sim): State<Sim>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim") {
        return next.run(req).await;
    }
    let Some(kind) = take(&sim, &path) else {
        return next.run(req).await;
    };
    tracing::debug!(%path, ?kind, "sim fault");
    match kind {
        FaultKind::Status { status } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let body = serde_json::json!({"type": "about:blank", "title": code.canonical_reason().unwrap_or("Error"), "status": status, "traceId": "00-sim-fault"});
            (code, axum::Json(body)).into_response()
        }
        FaultKind::RateLimit { retry_after } => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({"title": "spike limit exhausted", "status": 429})),
            )
                .into_response();
            if let Some(s) = retry_after {
                r.headers_mut().insert("retry-after", HeaderValue::from(s));
            }
            r
        }
        FaultKind::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        FaultKind::Truncate => {
            let (mut parts, bytes) = real_answer(req, next).await;
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
        }
        FaultKind::Reset => {
            let (mut parts, bytes) = real_answer(req, next).await;
            parts
                .headers
                .insert("content-length", HeaderValue::from(bytes.len()));
            let half = bytes.slice(..bytes.len() / 2);
            let chunks: Vec<Result<bytes::Bytes, std::io::Error>> = vec![
                Ok(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "sim: reset mid-body",
                )),
            ];
            let body = Body::from_stream(futures_util::stream::iter(chunks));
            Response::from_parts(parts, body)
        }
        FaultKind::Empty => rewrite_json(req, next, &emptied).await,
        FaultKind::DropField { field } => {
            rewrite_json(req, next, &|v| {
                let mut v = v;
                edit_key(&mut v, &field, &mut |o, k| {
                    o.remove(k);
                });
                v
            })
            .await
        }
        FaultKind::WrongType { field } => {
            rewrite_json(req, next, &|v| {
                let mut v = v;
                edit_key(&mut v, &field, &mut |o, k| {
                    o.insert(k.to_string(), serde_json::json!({"unexpected": [1, 2]}));
                });
                v
            })
            .await
        }
        FaultKind::Malformed => (
            StatusCode::OK,
            [("content-type", "application/json")],
            "{\"users\": [ this is not json",
        )
            .into_response(),
        FaultKind::WrongShape => (
            StatusCode::OK,
            axum::Json(serde_json::json!({"total": "many", "users": {"id": 7}})),
        )
            .into_response(),
        FaultKind::Huge { bytes } => {
            let pad = "x".repeat(bytes);
            (
                StatusCode::OK,
                axum::Json(serde_json::json!({"total": 1, "users": [], "pad": pad})),
            )
                .into_response()
        }
        FaultKind::ExpireToken => (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({"title": "token expired", "status": 401})),
        )
            .into_response(),
    }
}

/// The answer the route would have given, read whole.
async fn real_answer(req: Request, next: Next) -> (axum::http::response::Parts, bytes::Bytes) {
    let (parts, body) = next.run(req).await.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    (parts, bytes)
}

/// The real answer with its JSON body passed through `edit`.
async fn rewrite_json(
    req: Request,
    next: Next,
    edit: &(dyn Fn(serde_json::Value) -> serde_json::Value + Sync),
) -> Response {
    let (mut parts, bytes) = real_answer(req, next).await;
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let out = serde_json::to_vec(&edit(v)).unwrap_or_default();
    parts.headers.remove("content-length");
    Response::from_parts(parts, Body::from(out))
}

/// Lists emptied and totals zeroed, at the top level of the body.
fn emptied(v: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Array(_) => Value::Array(vec![]),
        Value::Object(mut o) => {
            for (k, val) in o.iter_mut() {
                if val.is_array() {
                    *val = Value::Array(vec![]);
                } else if val.is_number() && k.to_ascii_lowercase().starts_with("total") {
                    *val = Value::from(0);
                }
            }
            Value::Object(o)
        }
        other => other,
    }
}

/// Calls `f` on every object, at any depth, that holds `key`.
fn edit_key(
    v: &mut serde_json::Value,
    key: &str,
    f: &mut dyn FnMut(&mut serde_json::Map<String, serde_json::Value>, &str),
) {
    match v {
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| edit_key(i, key, f)),
        serde_json::Value::Object(o) => {
            o.values_mut().for_each(|i| edit_key(i, key, f));
            if o.contains_key(key) {
                f(o, key);
            }
        }
        _ => {}
    }
}
