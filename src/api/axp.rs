//! Avaya Experience Platform Voice Admin API: token, `appkey`, paging and
//! the resource families of `domain::voice_registry` (api-contracts.md §3).

use super::http::{Body, HttpClient, Request, Response};
use super::live_platform::kind_of;
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::paging::{Deadline, SeenIds};
use super::{ApiError, ErrorKind};
use crate::config::{AxpConnection, HttpSettings};
use crate::domain::terminal_text::terminal_safe;
use crate::domain::voice_body::mask_secrets;
use crate::domain::voice_registry::{Envelope, Family};
use crate::secret::Secret;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

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

    /// Every item of a family matching `filters` (query parameters such as
    /// available numbers' `countryCode`), page by page, as the server pages
    /// it (api-contracts.md §3): the page size it used (which may be below
    /// the one asked for), `pagination.total`, and a `links.next` on the
    /// same origin. More pages follow while the total is not reached; with
    /// no total, while `links.next` is set; with neither, until an empty
    /// page. A page repeating ids already received, a total that changes,
    /// an empty page short of the total, a `next` to another origin, and
    /// the deadline (`http.job_timeout_secs`) each fail the list.
    pub async fn list_filtered(
        &self,
        family: &Family,
        parent_id: Option<&str>,
        filters: &[(String, String)],
    ) -> Result<Vec<Value>, ApiError> {
        let path = self.family_path(family, parent_id);
        let endpoint = format!("GET {path}");
        let size = family.max_page_size;
        let query: String = filters
            .iter()
            .map(|(k, v)| format!("&{}={}", encode(k), encode(v)))
            .collect();
        let numbered = |page: u32| format!("{path}?pageNumber={page}&pageSize={size}{query}");
        let unexpected = |m: String| self.http.error(&endpoint, ErrorKind::Decode(m));
        let mut out: Vec<Value> = Vec::new();
        let mut seen = SeenIds::default();
        let mut total: Option<u64> = None;
        let mut url = numbered(1);
        for page in 1u32.. {
            let got = out.len();
            let resp = self
                .deadline
                .run(
                    &self.http,
                    &endpoint,
                    || format!("{got} items in {} pages", page - 1),
                    self.call(Request::get(url.clone())),
                )
                .await?;
            let body: Value = self.decode(&endpoint, &resp)?;
            let items = page_items(family, &body, unexpected)?;
            let page_total = body.pointer("/pagination/total").and_then(Value::as_u64);
            match (total, page_total) {
                (Some(t), Some(now)) if t != now => {
                    return Err(unexpected(format!(
                        "the total changed from {t} to {now} at page {page}; \
                         the list changed while it was read, try again"
                    )))
                }
                (None, Some(now)) => total = Some(now),
                _ => {}
            }
            seen.add(&items, family.id_field, page)
                .map_err(|e| unexpected(e.to_string()))?;
            let n = items.len();
            out.extend(items);
            let next = body
                .pointer("/links/next")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty());
            let more = match total {
                Some(t) if out.len() as u64 > t => {
                    return Err(unexpected(format!(
                        "{} items received, more than the announced total of {t}",
                        out.len()
                    )))
                }
                Some(t) if n == 0 && (out.len() as u64) < t => {
                    return Err(unexpected(format!(
                        "the server announced {t} items but sent an empty page {page} after {}; \
                         the list is not complete",
                        out.len()
                    )))
                }
                Some(t) => (out.len() as u64) < t,
                None => n > 0,
            };
            if !more {
                break;
            }
            url = match next {
                Some(link) => self.next_url(&url, link, &endpoint)?,
                None => numbered(page + 1),
            };
        }
        Ok(out)
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
/// The items of one page, out of the family's envelope (or a bare array,
/// which some list calls answer even where an envelope is documented).
fn page_items(
    family: &Family,
    body: &Value,
    unexpected: impl Fn(String) -> ApiError,
) -> Result<Vec<Value>, ApiError> {
    match (family.envelope, body) {
        // A bare array is taken under any envelope.
        (_, Value::Array(a)) => Ok(a.clone()),
        (Envelope::Key(k), Value::Object(o)) => match o.get(k) {
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(Value::Null) => Ok(vec![]),
            // Another envelope, or a problem body sent with a 200:
            // never read as an empty list.
            None => {
                let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
                keys.truncate(8);
                Err(unexpected(format!(
                    "no `{k}` list (nor a bare array) in the answer, which has {}",
                    if keys.is_empty() {
                        "no keys".to_string()
                    } else {
                        format!("keys {}", terminal_safe(&keys.join(", ")))
                    }
                )))
            }
            Some(other) => Err(unexpected(format!(
                "field `{k}`: expected an array, got {}",
                kind_of(other)
            ))),
        },
        (_, other) => Err(unexpected(format!(
            "expected a list, got {}",
            kind_of(other)
        ))),
    }
}

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
