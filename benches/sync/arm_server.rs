//! An ARM of the benchmark's own, independent of the simulator: the users
//! API the sync reads (api-contracts.md §1: session login, registered
//! users paged by offset with a total), answering every page the sync asks
//! for from bodies rendered before the clock starts, so the server is never
//! the bottleneck. Each users page can be held back a fixed time (a slow
//! ARM). It records every request (method, path with query, authorization,
//! body) so the raw fetch can replay exactly what the sync sent.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const USERNAME: &str = "svc";
pub const PASSWORD: &str = "bench-password";
const TOKEN: &str = "bench-token-0001";
pub const USERS_PATH: &str = "/ARM/v1/registeredUsers";

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    /// Path and query, as sent.
    pub target: String,
    pub authorization: Option<String>,
    pub body: Bytes,
}

struct Arm {
    users: Vec<serde_json::Value>,
    /// Bodies of the pages `offset=k*page_size&limit=page_size`.
    pages: HashMap<(usize, usize), Bytes>,
    page_delay: Duration,
    log: Mutex<Vec<Recorded>>,
}

/// The server, on a free loopback port of the given runtime; it stops
/// when the runtime does.
pub struct ArmServer {
    pub addr: String,
    arm: Arc<Arm>,
}

/// User `i` of the synthetic ARM: numbers +1 777 000 0000 upward, every
/// one registered, the shape of the contract's example.
fn user(i: usize) -> serde_json::Value {
    let number = format!("+1777{i:07}");
    json!({
        "id": format!("bench-u{i:07}"),
        "userName": format!("user{i:07}"),
        "displayName": format!("Bench User {i}"),
        "phoneNumber": number,
        "uri": format!("sip:{number}@sbc1.example.com;user=phone"),
        "status": "REGISTERED",
        "lastSeen": "2026-11-21T10:00:00Z",
        "sbc": format!("sbc{}", i % 4 + 1),
    })
}

fn page_body(users: &[serde_json::Value], offset: usize, limit: usize) -> Bytes {
    let page: Vec<_> = users.iter().skip(offset).take(limit).collect();
    Bytes::from(
        json!({"total": users.len(), "offset": offset, "limit": limit, "users": page}).to_string(),
    )
}

impl ArmServer {
    /// `count` users; pages of `page_size` rendered now; each users page
    /// answered after `page_delay`.
    pub fn start(
        rt: &tokio::runtime::Runtime,
        count: usize,
        page_size: usize,
        page_delay: Duration,
    ) -> ArmServer {
        let users: Vec<_> = (0..count).map(user).collect();
        let pages = (0..count.div_ceil(page_size))
            .map(|k| {
                let offset = k * page_size;
                ((offset, page_size), page_body(&users, offset, page_size))
            })
            .collect();
        let arm = Arc::new(Arm {
            users,
            pages,
            page_delay,
            log: Mutex::default(),
        });
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind a loopback port");
        let addr = listener.local_addr().unwrap().to_string();
        let app = axum::Router::new().fallback(answer).with_state(arm.clone());
        rt.spawn(async move { axum::serve(listener, app).await });
        ArmServer { addr, arm }
    }

    /// `http://<addr>`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request since the last call, in order of arrival; forgets them.
    pub fn take_requests(&self) -> Vec<Recorded> {
        std::mem::take(&mut *self.arm.log.lock().unwrap())
    }
}

fn query_number(uri: &Uri, key: &str) -> Option<usize> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
}

fn json_reply(status: StatusCode, body: Bytes) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    let basic = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("{USERNAME}:{PASSWORD}")
        )
    );
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {TOKEN}") || v == basic)
}

async fn answer(
    State(arm): State<Arc<Arm>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), ToString::to_string);
    arm.log.lock().unwrap().push(Recorded {
        method: method.clone(),
        target,
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: body.clone(),
    });
    let unauthorized = || {
        json_reply(
            StatusCode::UNAUTHORIZED,
            Bytes::from_static(br#"{"status":401,"title":"Unauthorized"}"#),
        )
    };
    match (method, uri.path()) {
        (Method::POST, "/ARM/v1/login") => {
            let login: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            if login["username"] == USERNAME && login["password"] == PASSWORD {
                json_reply(
                    StatusCode::OK,
                    Bytes::from(json!({"token": TOKEN, "expiresIn": 3600}).to_string()),
                )
            } else {
                unauthorized()
            }
        }
        (Method::GET, _) if !authorized(&headers) => unauthorized(),
        (Method::GET, "/ARM/v1/version") => json_reply(
            StatusCode::OK,
            Bytes::from_static(br#"{"version":"9.8.0"}"#),
        ),
        (Method::GET, USERS_PATH) => {
            let offset = query_number(&uri, "offset").unwrap_or(0);
            let limit = query_number(&uri, "limit").unwrap_or(500);
            if !arm.page_delay.is_zero() {
                tokio::time::sleep(arm.page_delay).await;
            }
            let body = arm
                .pages
                .get(&(offset, limit))
                .cloned()
                .unwrap_or_else(|| page_body(&arm.users, offset, limit));
            json_reply(StatusCode::OK, body)
        }
        _ => json_reply(
            StatusCode::NOT_FOUND,
            Bytes::from_static(br#"{"status":404,"title":"Not Found"}"#),
        ),
    }
}
