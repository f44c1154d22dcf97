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
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let mut parts = parts;
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
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
