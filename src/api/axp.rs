//! Avaya Experience Platform Voice Admin API: token, `appkey`, paging and
//! the resource families of `domain::voice_registry` (api-contracts.md §3).

use super::http::{Body, HttpClient, Request, Response};
use super::live_platform::kind_of;
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::{ApiError, ErrorKind};
use crate::config::{AxpConnection, HttpSettings};
use crate::domain::voice_registry::{Envelope, Family};
use crate::secret::Secret;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::Value;

pub struct AxpClient {
    http: HttpClient,
    conn: AxpConnection,
    tokens: TokenCache,
}

impl AxpClient {
    pub fn new(conn: &AxpConnection, settings: &HttpSettings) -> Result<Self, ApiError> {
        Ok(AxpClient {
            http: HttpClient::new(&conn.name, &conn.base_url, &conn.tls, settings)?,
            conn: conn.clone(),
            tokens: TokenCache::default(),
        })
    }

    fn account_path(&self) -> String {
        format!("/api/admin/voice/v1/accounts/{}", self.conn.account_id)
    }

    /// The path of a family's collection, under its parent item if it has one.
    pub fn family_path(&self, family: &Family, parent_id: Option<&str>) -> String {
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

    /// Every call carries the bearer token and the `appkey` header; a 401
    /// refreshes the token once.
    async fn call(&self, req: Request) -> Result<Response, ApiError> {
        let mut appkey = HeaderValue::from_str(self.conn.app_key.expose())
            .unwrap_or(HeaderValue::from_static(""));
        appkey.set_sensitive(true);
        let req = req.header(HeaderName::from_static("appkey"), appkey);
        send_with_token(&self.http, &self.tokens, &req, || self.token()).await
    }

    /// Every item of a family, page by page within its maximum page size.
    pub async fn list(
        &self,
        family: &Family,
        parent_id: Option<&str>,
    ) -> Result<Vec<Value>, ApiError> {
        let path = self.family_path(family, parent_id);
        let endpoint = format!("GET {path}");
        let size = family.max_page_size;
        let mut out = Vec::new();
        for page in 1u32.. {
            let resp = self
                .call(Request::get(format!(
                    "{path}?pageNumber={page}&pageSize={size}"
                )))
                .await?;
            let body: Value = self.http.decode(&endpoint, &resp)?;
            let items = match (family.envelope, &body) {
                (Envelope::BareArray, Value::Array(a)) => a.clone(),
                (Envelope::Key(k), Value::Object(o)) => match o.get(k) {
                    Some(Value::Array(a)) => a.clone(),
                    None | Some(Value::Null) => vec![],
                    Some(other) => {
                        return Err(self.http.error(
                            &endpoint,
                            ErrorKind::Decode(format!(
                                "field `{k}`: expected an array, got {}",
                                kind_of(other)
                            )),
                        ))
                    }
                },
                // Some list calls answer a bare array even where an envelope is documented.
                (Envelope::Key(_), Value::Array(a)) => a.clone(),
                (_, other) => {
                    return Err(self.http.error(
                        &endpoint,
                        ErrorKind::Decode(format!("expected a list, got {}", kind_of(other))),
                    ))
                }
            };
            let n = items.len();
            out.extend(items);
            if n < size as usize || !has_next(&body, page, size) {
                break;
            }
        }
        Ok(out)
    }

    /// `POST`, `PUT` or `DELETE` of one item: the answer body, if any.
    pub async fn write(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Option<Value>, ApiError> {
        let mut req = Request::get(path).with_method(method);
        req.body = body.map(Body::Json);
        let endpoint = req.endpoint();
        let resp = self.call(req).await?;
        if resp.body.is_empty() {
            return Ok(None);
        }
        Ok(Some(self.http.decode(&endpoint, &resp)?))
    }
}

/// Whether the list says there is another page: `links.next` non-empty, or
/// `pagination.total` beyond this page.
fn has_next(body: &Value, page: u32, size: u32) -> bool {
    let next_link = body
        .pointer("/links/next")
        .and_then(|v| v.as_str())
        .map(|s| !s.is_empty());
    let total = body.pointer("/pagination/total").and_then(|v| v.as_u64());
    match (next_link, total) {
        (_, Some(t)) => (page as u64) * (size as u64) < t,
        (Some(n), None) => n,
        (None, None) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    #[test]
    fn next_page_detection() {
        assert!(!has_next(&json!({"links": {"next": ""}}), 1, 10));
        assert!(has_next(
            &json!({"links": {"next": "/x?pageNumber=2"}}),
            1,
            10
        ));
        assert!(!has_next(
            &json!({"pagination": {"total": 10}, "links": {"next": "/x"}}),
            1,
            10
        ));
        assert!(has_next(&json!({"pagination": {"total": 11}}), 1, 10));
    }
}
