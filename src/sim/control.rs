//! The control endpoint tests and demos drive the simulator with:
//! users go offline, come back or are deleted; faults are set and cleared.

use super::faults::Fault;
use super::state::{generate_users, ArmUser};
use super::Sim;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

pub async fn health(State(sim): State<Sim>) -> Response {
    let d = sim.data.lock().unwrap();
    Json(json!({"ok": true, "requests": d.requests, "arm": d.arm.iter().map(|a| json!({"name": a.scenario.name, "users": a.users.len()})).collect::<Vec<_>>()})).into_response()
}

#[derive(Deserialize)]
pub struct SetStatus {
    status: String,
}

pub async fn set_user_status(
    State(sim): State<Sim>,
    Path((arm, id)): Path<(String, String)>,
    Json(b): Json<SetStatus>,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    let Some(a) = d.arm_by_name(&arm) else {
        return (StatusCode::NOT_FOUND, "no such ARM").into_response();
    };
    match a.users.iter_mut().find(|u| u.id == id) {
        Some(u) => {
            u.status = b.status;
            StatusCode::NO_CONTENT.into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such user").into_response(),
    }
}

pub async fn delete_user(
    State(sim): State<Sim>,
    Path((arm, id)): Path<(String, String)>,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    let Some(a) = d.arm_by_name(&arm) else {
        return (StatusCode::NOT_FOUND, "no such ARM").into_response();
    };
    let before = a.users.len();
    a.users.retain(|u| u.id != id);
    if a.users.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (StatusCode::NOT_FOUND, "no such user").into_response()
    }
}

pub async fn add_user(
    State(sim): State<Sim>,
    Path(arm): Path<String>,
    Json(u): Json<ArmUser>,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    let Some(a) = d.arm_by_name(&arm) else {
        return (StatusCode::NOT_FOUND, "no such ARM").into_response();
    };
    a.users.retain(|x| x.id != u.id);
    a.users.push(u);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
pub struct Generate {
    users: usize,
}

/// Replaces an ARM's users with `users` freshly generated ones.
pub async fn generate(
    State(sim): State<Sim>,
    Path(arm): Path<String>,
    Json(g): Json<Generate>,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    let mut rng = super::scenario::Rng::new(g.users as u64);
    let Some(a) = d.arm_by_name(&arm) else {
        return (StatusCode::NOT_FOUND, "no such ARM").into_response();
    };
    a.scenario.users = g.users;
    a.users = generate_users(&a.scenario, &mut rng);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
pub struct Churn {
    /// Every `every`th user flips between REGISTERED and OFFLINE.
    every: usize,
}

/// Flips the status of every `every`th user (a re-sync with a known share
/// of changes, for the benchmark).
pub async fn churn(
    State(sim): State<Sim>,
    Path(arm): Path<String>,
    Json(c): Json<Churn>,
) -> Response {
    let mut d = sim.data.lock().unwrap();
    let Some(a) = d.arm_by_name(&arm) else {
        return (StatusCode::NOT_FOUND, "no such ARM").into_response();
    };
    let mut flipped = 0;
    for u in a.users.iter_mut().step_by(c.every.max(1)) {
        u.status = if u.status == "OFFLINE" {
            "REGISTERED".into()
        } else {
            "OFFLINE".into()
        };
        flipped += 1;
    }
    Json(json!({ "flipped": flipped })).into_response()
}

pub async fn add_fault(State(sim): State<Sim>, Json(f): Json<Fault>) -> Response {
    sim.data.lock().unwrap().faults.push(f);
    StatusCode::NO_CONTENT.into_response()
}

pub async fn clear_faults(State(sim): State<Sim>) -> Response {
    sim.data.lock().unwrap().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_sim/requests`: how many requests each path has had.
pub async fn requests(State(sim): State<Sim>) -> Response {
    Json(json!(sim.data.lock().unwrap().requests_by_path)).into_response()
}

pub async fn clear_requests(State(sim): State<Sim>) -> Response {
    sim.data.lock().unwrap().requests_by_path.clear();
    StatusCode::NO_CONTENT.into_response()
}
