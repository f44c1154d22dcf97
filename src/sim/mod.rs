//! The simulator of the three vendor APIs (axum on loopback), for the demo
//! and for tests: real HTTP, never a mock of our own functions.

mod arm;
mod axp;
mod control;
mod error;
pub use error::SimError;
pub mod faults;
pub mod inventory;
mod live_platform;
pub mod scenario;
mod state;
pub mod tls;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, put};
use axum::{Json, Router};
use scenario::Scenario;
use serde_json::json;
use state::{Principal, SimData};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Shared simulator state.
#[derive(Clone)]
pub struct Sim {
    data: Arc<Mutex<SimData>>,
}

/// OAuth2 client credentials for ARM's azure_ad method and Live Platform
/// (one Azure-AD-like token endpoint serves both).
async fn oauth_token(State(sim): State<Sim>, body: String) -> Response {
    let form = axp::serde_urlencoded_pairs(&body);
    let id = form.get("client_id").cloned().unwrap_or_default();
    let secret = form.get("client_secret").cloned().unwrap_or_default();
    let mut d = sim.data.lock().unwrap();
    let who = if let Some(i) = d.arm.iter().position(|a| {
        !a.scenario.client_id.is_empty()
            && a.scenario.client_id == id
            && a.scenario.client_secret == secret
    }) {
        Some(Principal::Arm(i))
    } else if d
        .live_platform
        .as_ref()
        .is_some_and(|l| l.scenario.client_id == id && l.scenario.client_secret == secret)
    {
        Some(Principal::LivePlatform)
    } else {
        None
    };
    match (who, form.get("grant_type").map(String::as_str)) {
        (Some(p), Some("client_credentials")) => {
            let t = d.issue_token(p, Duration::from_secs(3600));
            Json(json!({"access_token": t, "expires_in": 3600, "token_type": "Bearer"})).into_response()
        }
        _ => (StatusCode::UNAUTHORIZED, Json(json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}))).into_response(),
    }
}

pub fn router(scenario: &Scenario) -> Router {
    let sim = Sim {
        data: Arc::new(Mutex::new(SimData::new(scenario))),
    };
    Router::new()
        .route("/ARM/v1/login", post(arm::login))
        .route("/ARM/v1/version", get(arm::version))
        .route("/ARM/v1/registeredUsers", get(arm::registered_users))
        .route("/oauth2/v2.0/token", post(oauth_token))
        .route(
            "/tenantui/api/v2/oc/callingprofile",
            get(live_platform::calling_profiles),
        )
        .route(
            "/tenantui/api/v3/customer",
            get(live_platform::customers).post(live_platform::create_service),
        )
        .route("/tenantui/api/v2/oc/lead", get(live_platform::leads))
        .route("/tenantui/api/v2/task/{id}", get(live_platform::task))
        .route(
            "/api/auth/v1/{account}/protocol/openid-connect/token",
            post(axp::token),
        )
        .route(
            "/api/admin/voice/v1/accounts/{account}/{*rest}",
            any(axp::dispatch),
        )
        .route(
            "/api/admin/voice/v1/voice-service-webhook",
            put(axp::webhook),
        )
        .route("/_sim/health", get(control::health))
        .route("/_sim/arm/{arm}/users", post(control::add_user))
        .route(
            "/_sim/arm/{arm}/users/{id}",
            post(control::set_user_status).delete(control::delete_user),
        )
        .route("/_sim/arm/{arm}/generate", post(control::generate))
        .route("/_sim/arm/{arm}/churn", post(control::churn))
        .route(
            "/_sim/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route(
            "/_sim/faults",
            post(control::add_fault).delete(control::clear_faults),
        )
        .layer(axum::middleware::from_fn_with_state(
            sim.clone(),
            faults::inject,
        ))
        .with_state(sim)
}

/// Binds `addr` (port 0 picks a free one) and serves in the background,
/// over TLS when `tls` names a certificate and key.
pub async fn spawn(
    addr: SocketAddr,
    scenario: &Scenario,
    tls: Option<&tls::TlsFiles>,
) -> Result<(SocketAddr, tokio::task::JoinHandle<()>), SimError> {
    let acceptor = tls.map(tls::acceptor).transpose()?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Listen { addr, source })?;
    let local = listener.local_addr()?;
    let app = router(scenario);
    let handle = tokio::spawn(async move {
        match acceptor {
            Some(acceptor) => tls::serve(listener, app, acceptor).await,
            None => {
                if let Err(e) = axum::serve(listener, app).await {
                    tracing::error!("simulator stopped: {e}");
                }
            }
        }
    });
    Ok((local, handle))
}

/// A config file's text pointing every vendor of the scenario at `addr`
/// (`scheme` `http`, or `https` for a simulator serving TLS), with the
/// scenario's own secrets as literals. No header: the caller says what
/// wrote it.
pub fn config_for(
    scenario: &Scenario,
    addr: SocketAddr,
    scheme: &str,
    store_path: &std::path::Path,
) -> String {
    let base = format!("{scheme}://{addr}");
    let mut out = format!("store_path = {:?}\n\n", store_path.display().to_string());
    for (i, a) in scenario.arm.iter().enumerate() {
        let auth = if !a.client_id.is_empty() {
            "azure_ad"
        } else if i % 2 == 1 {
            "session"
        } else {
            "basic"
        };
        out += &format!("[[audiocodes]]\nname = {:?}\nhost = \"{addr}\"\nscheme = \"{scheme}\"\nusername = {:?}\npassword = {:?}\nauth = \"{auth}\"\nschedule = \"15m\"\nschedule_enabled = true\n", a.name, a.username, a.password);
        if auth == "azure_ad" {
            out += &format!("token_url = \"{base}/oauth2/v2.0/token\"\nclient_id = {:?}\nclient_secret = {:?}\nscope = \"api://arm/.default\"\n", a.client_id, a.client_secret);
        }
        out += "\n";
    }
    if let Some(l) = &scenario.live_platform {
        out += &format!("[[live_platform]]\nname = \"lp-demo\"\nbase_url = \"{base}/tenantui\"\ntoken_url = \"{base}/oauth2/v2.0/token\"\nclient_id = {:?}\nclient_secret = {:?}\nscope = \"api://lp/.default\"\n\n", l.client_id, l.client_secret);
    }
    if let Some(x) = &scenario.axp {
        out += &format!("[[axp]]\nname = \"axp-demo\"\nbase_url = \"{base}\"\naccount_id = {:?}\nclient_id = {:?}\nclient_secret = {:?}\napp_key = {:?}\n", x.account_id, x.client_id, x.client_secret, x.app_key);
    }
    out
}
