//! Avaya Experience Platform Voice Admin API: token, `appkey`, paging and
//! the resource families of `domain::voice_registry` (api-contracts.md §3).

use super::http::{Body, HttpClient, Request, Response};
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::paging::Deadline;
use super::{ApiError, ErrorKind};
use crate::config::{AxpConnection, HttpSettings};
use crate::domain::terminal_text::terminal_safe;
use crate::domain::voice_body::mask_secrets;
use crate::domain::voice_registry::Family;
use crate::secret::Secret;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

mod list;

pub struct AxpClient {
    http: HttpClient,
    conn: AxpConnection,
    tokens: TokenCache,
    /// Lists stop here: `http.job_timeout_secs` after the client was made
    /// (one per job or command).
    deadline: Deadline,
}

impl AxpClient {
    pub fn new(conn: &AxpConnection, settings: &HttpSettings) -> Result<Self, ApiError> {
        let http = HttpClient::new(&conn.name, &conn.base_url, &conn.tls, settings)?;
        if !conn.secrets_resolved {
            return Err(http.error(
                "setup",
                ErrorKind::Config("the connection's secrets were not resolved".into()),
            ));
        }
        Ok(AxpClient {
            http,
            conn: conn.clone(),
            tokens: TokenCache::default(),
            deadline: Deadline::after_secs(settings.job_timeout_secs),
        })
    }

    fn account_path(&self) -> String {
        format!("/api/admin/voice/v1/accounts/{}", self.conn.account_id)
    }

    /// The path of a family's collection, under its parent item if it has one.
    pub fn family_path(&self, family: &Family, parent_id: Option<&str>) -> String {
        if !family.account_scoped {
            return format!("/api/admin/voice/v1/{}", family.segment);
        }
        match (family.parent, parent_id) {
            (Some(_), Some(p)) => format!(
                "{}/communication-managers/{p}/{}",
                self.account_path(),
                family.segment
            ),
            _ => format!("{}/{}", self.account_path(), family.segment),
        }
    }

    async fn token(&self) -> Result<Secret, ApiError> {
        let url = format!(
            "/api/auth/v1/{}/protocol/openid-connect/token",
            self.conn.account_id
        );
        self.tokens
            .get(|| {
                client_credentials(
                    &self.http,
                    &url,
                    &self.conn.client_id,
                    &self.conn.client_secret,
                    "",
                )
            })
            .await
    }

    /// How many pages of a list, or lists of a refresh, may be fetched at once.
    pub fn fetch_concurrency(&self) -> usize {
        self.conn.fetch_concurrency
    }

    /// Gets a token (a refresh checks the credentials once, first).
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.token().await.map(|_| ())
    }

    /// Every call carries the bearer token and the `appkey` header; a 401
    /// refreshes the token once.
    async fn call(&self, req: Request) -> Result<Response, ApiError> {
        let mut appkey = HeaderValue::from_str(self.conn.app_key.expose())
            .unwrap_or(HeaderValue::from_static(""));
        appkey.set_sensitive(true);
        let req = req.header(HeaderName::from_static("appkey"), appkey);
        send_with_token(&self.http, &self.tokens, &req, || self.token()).await
    }

    /// Decodes an answer with every secret field masked.
    fn decode(&self, endpoint: &str, resp: &Response) -> Result<Value, ApiError> {
        let mut v: Value = self.http.decode(endpoint, resp)?;
        mask_secrets(&mut v);
        Ok(v)
    }

    /// The path of one item.
    pub fn item_path(&self, family: &Family, parent_id: Option<&str>, id: &str) -> String {
        format!("{}/{id}", self.family_path(family, parent_id))
    }

    /// Every item of a family, page by page within its maximum page size.
    pub async fn list(
        &self,
        family: &Family,
        parent_id: Option<&str>,
    ) -> Result<Vec<Value>, ApiError> {
        self.list_filtered(family, parent_id, &[]).await
    }

    /// Where a `links.next` leads, refused unless on the connection's own
    /// origin: the token and the `appkey` go with every call.
    fn next_url(&self, current: &str, link: &str, endpoint: &str) -> Result<String, ApiError> {
        let unusable = |why: &str| {
            self.http.error(
                endpoint,
                ErrorKind::Decode(format!(
                    "links.next {:?} {why}; it was not followed and no credentials were sent there",
                    terminal_safe(link)
                )),
            )
        };
        let url = self
            .http
            .resolve(current, link)
            .ok_or_else(|| unusable("is not a URL"))?;
        if !self.http.same_origin(&url) {
            return Err(unusable("leads to another origin than the connection's"));
        }
        Ok(url)
    }

    /// One item, or `None` once it is gone (404).
    pub async fn get(
        &self,
        family: &Family,
        parent_id: Option<&str>,
        id: &str,
    ) -> Result<Option<Value>, ApiError> {
        let path = self.item_path(family, parent_id, id);
        match self.call(Request::get(path.clone())).await {
            Ok(resp) => Ok(Some(self.decode(&format!("GET {path}"), &resp)?)),
            Err(ApiError {
                kind: ErrorKind::Status { status: 404, .. },
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST`, `PUT` or `DELETE` at `path`: the status and the answer body,
    /// if any (a 207 is a success the caller must report as partial).
    pub async fn write(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Written, ApiError> {
        let mut req = Request::get(path).with_method(method);
        req.body = body.map(Body::Json);
        let endpoint = req.endpoint();
        let resp = self.call(req).await?;
        let status = resp.status.as_u16();
        if resp.body.is_empty() {
            return Ok(Written { status, body: None });
        }
        Ok(Written {
            status,
            body: Some(self.decode(&endpoint, &resp)?),
        })
    }
}

/// What a write answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub status: u16,
    pub body: Option<Value>,
}

impl Written {
    /// The path of the item the answer points at: its `url` (made relative
    /// to the API root), else its id under `collection`.
    pub fn item_path(&self, family: &Family, collection: &str) -> Option<String> {
        let body = self.body.as_ref()?;
        if let Some(url) = body.get("url").and_then(Value::as_str) {
            // The seed's urls start `/api/admin/voice/v1/...` or `/v1/...`.
            let rel = match url.find("/v1/") {
                Some(i) => format!("/api/admin/voice{}", &url[i..]),
                None => url.to_string(),
            };
            return Some(rel);
        }
        let id = body.get(family.id_field).and_then(Value::as_str)?;
        Some(format!("{collection}/{id}"))
    }
}

impl AxpClient {
    /// `GET` of any path under the API (an item followed after a 202).
    pub async fn get_path(&self, path: &str) -> Result<Option<Value>, ApiError> {
        match self.call(Request::get(path)).await {
            Ok(resp) => Ok(Some(self.decode(&format!("GET {path}"), &resp)?)),
            Err(ApiError {
                kind: ErrorKind::Status { status: 404, .. },
                ..
            }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET` of an action (`:details`, `:discoveryUrl`).
    pub async fn get_json(&self, path: &str) -> Result<Value, ApiError> {
        let resp = self.call(Request::get(path)).await?;
        self.decode(&format!("GET {path}"), &resp)
    }
}

/// Percent-encodes a query value (`+` in E.164 numbers must not become a
/// space).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
