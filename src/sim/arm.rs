//! The simulated ARM: login, basic and bearer auth, version, and
//! registered users with offset paging.

use super::state::Principal;
use super::Sim;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

fn unauthorized(msg: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"status": 401, "title": "Unauthorized", "detail": msg})),
    )
        .into_response()
}

/// Which ARM instance the credentials belong to.
#[allow(clippy::result_large_err)] // the error is the HTTP answer itself
fn instance(sim: &Sim, headers: &HeaderMap) -> Result<usize, Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let d = sim.data.lock().unwrap();
    if let Some(b64) = auth.strip_prefix("Basic ") {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap_or_default();
        let raw = String::from_utf8_lossy(&raw);
        let (u, p) = raw.split_once(':').unwrap_or(("", ""));
        return d
            .arm
            .iter()
            .position(|a| a.scenario.username == u && a.scenario.password == p)
            .ok_or_else(|| unauthorized("wrong username or password"));
    }
    if let Some(tok) = auth.strip_prefix("Bearer ") {
        return match d.principal(tok) {
            Some(Principal::Arm(i)) => Ok(i),
            _ => Err(unauthorized("invalid or expired token")),
        };
    }
    Err(unauthorized("authentication required"))
}

#[derive(Deserialize)]
pub struct Login {
    username: String,
    password: String,
}

pub async fn login(State(sim): State<Sim>, Json(body): Json<Login>) -> Response {
    let mut d = sim.data.lock().unwrap();
    let Some(i) = d
        .arm
        .iter()
        .position(|a| a.scenario.username == body.username && a.scenario.password == body.password)
    else {
        return unauthorized("wrong username or password");
    };
    let token = d.issue_token(Principal::Arm(i), Duration::from_secs(3600));
    Json(json!({"token": token, "expiresIn": 3600})).into_response()
}

pub async fn version(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    match instance(&sim, &headers) {
        Ok(i) => Json(json!({"version": sim.data.lock().unwrap().arm[i].scenario.version}))
            .into_response(),
        Err(r) => r,
    }
}

pub async fn registered_users(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let i = match instance(&sim, &headers) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let offset: usize = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    let limit: usize = q
        .get("limit")
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
        .clamp(1, 5000);
    let d = sim.data.lock().unwrap();
    let users = &d.arm[i].users;
    let page: Vec<_> = users.iter().skip(offset).take(limit).collect();
    Json(json!({"total": users.len(), "offset": offset, "limit": limit, "users": page}))
        .into_response()
}
