//! AudioCodes Routing Manager (ARM): authentication, version probe and the
//! registered users, per the adapter contract in api-contracts.md §1.

use super::http::{Body, HttpClient, Request, Response};
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::{ApiError, ErrorKind};
use crate::config::{ArmAuthMethod, AudioCodesConnection, HttpSettings};
use crate::domain::number::{canonical, from_uri};
use crate::domain::registered_user::RegisteredUser;
use crate::secret::Secret;
use base64::Engine;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::StatusCode;
use serde::Deserialize;
use std::time::Duration;

pub struct ArmClient {
    http: HttpClient,
    conn: AudioCodesConnection,
    tokens: TokenCache,
}

#[derive(Deserialize)]
struct VersionBody {
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginBody {
    token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
struct UsersPage {
    #[serde(default)]
    total: Option<u64>,
    users: Vec<RawUser>,
}

/// Every field optional: the contract asks for tolerance of missing ones.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawUser {
    id: Option<String>,
    user_name: Option<String>,
    display_name: Option<String>,
    phone_number: Option<String>,
    uri: Option<String>,
    status: Option<String>,
    last_seen: Option<String>,
    sbc: Option<String>,
}

impl RawUser {
    fn into_user(self) -> RegisteredUser {
        let number = self
            .phone_number
            .as_deref()
            .filter(|p| !p.trim().is_empty())
            .and_then(|p| canonical(p).ok())
            .or_else(|| self.uri.as_deref().and_then(from_uri));
        RegisteredUser {
            id: self.id.unwrap_or_default(),
            user_name: self.user_name.unwrap_or_default(),
            display_name: self.display_name.unwrap_or_default(),
            number,
            raw_status: self.status.unwrap_or_default(),
            last_seen: self
                .last_seen
                .as_deref()
                .and_then(crate::clock::parse_stamp),
            sbc: self.sbc.unwrap_or_default(),
        }
    }
}

impl ArmClient {
    pub fn new(
        conn: &AudioCodesConnection,
        settings: &HttpSettings,
    ) -> Result<ArmClient, ApiError> {
        Ok(ArmClient {
            http: HttpClient::new(&conn.name, &conn.base_url(), &conn.tls, settings)?,
            conn: conn.clone(),
            tokens: TokenCache::default(),
        })
    }

    async fn token(&self) -> Result<Secret, ApiError> {
        match self.conn.auth {
            ArmAuthMethod::Basic => Ok(Secret::default()),
            ArmAuthMethod::Session => self.tokens.get(|| self.login()).await,
            ArmAuthMethod::AzureAd => {
                let o = self.conn.oauth.as_ref().ok_or_else(|| {
                    self.http.error(
                        "setup",
                        ErrorKind::Config("azure_ad needs token_url and client_id".into()),
                    )
                })?;
                self.tokens
                    .get(|| {
                        client_credentials(
                            &self.http,
                            &o.token_url,
                            &o.client_id,
                            &o.client_secret,
                            &o.scope,
                        )
                    })
                    .await
            }
        }
    }

    async fn login(&self) -> Result<(Secret, Duration), ApiError> {
        let mut req = Request::post(
            "/ARM/v1/login",
            Body::Json(
                serde_json::json!({"username": self.conn.username, "password": self.conn.password.expose()}),
            ),
        );
        req.idempotent = true; // a login has no side effect: safe to send again
        let resp = self.http.send(&req).await?;
        if resp.status == StatusCode::UNAUTHORIZED || resp.status == StatusCode::FORBIDDEN {
            return Err(self.http.error(
                &req.endpoint(),
                ErrorKind::Auth(format!("login refused with HTTP {}", resp.status.as_u16())),
            ));
        }
        if !resp.status.is_success() {
            return Err(self.http.status_error(&req.endpoint(), &resp));
        }
        let body: LoginBody = self.http.decode(&req.endpoint(), &resp)?;
        Ok((
            Secret::new(body.token),
            Duration::from_secs(body.expires_in.unwrap_or(3600).max(1)),
        ))
    }

    fn authorize(&self, req: Request, token: &Secret) -> Request {
        match self.conn.auth {
            ArmAuthMethod::Basic => {
                let raw = format!("{}:{}", self.conn.username, self.conn.password.expose());
                let mut v = HeaderValue::from_str(&format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(raw)
                ))
                .unwrap_or(HeaderValue::from_static(""));
                v.set_sensitive(true);
                req.header(AUTHORIZATION, v)
            }
            _ => req.bearer(token.expose()),
        }
    }

    /// Sends with authentication; on 401 logs in once more, then fails.
    async fn get(&self, path: &str) -> Result<Response, ApiError> {
        let req = Request::get(path);
        match self.conn.auth {
            ArmAuthMethod::Basic => {
                self.http
                    .send_ok(&self.authorize(req, &Secret::default()))
                    .await
            }
            _ => send_with_token(&self.http, &self.tokens, &req, || self.token()).await,
        }
    }

    /// `GET /ARM/v1/version`: the remote version, for "test connection".
    pub async fn version(&self) -> Result<String, ApiError> {
        let resp = self.get("/ARM/v1/version").await?;
        let v: VersionBody = self.http.decode("GET /ARM/v1/version", &resp)?;
        Ok(v.version)
    }

    /// Every page of registered users. Any failed page fails the whole
    /// fetch: a partial list must never cool a number.
    pub async fn registered_users(
        &self,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<Vec<RegisteredUser>, ApiError> {
        let limit = self.conn.page_size as u64;
        let path = self.conn.users_path.clone();
        let endpoint = format!("GET {path}");
        let mut users = Vec::new();
        let mut offset = 0u64;
        let mut announced = 0u64;
        loop {
            let sep = if path.contains('?') { '&' } else { '?' };
            let resp = self
                .get(&format!("{path}{sep}offset={offset}&limit={limit}"))
                .await?;
            let page: UsersPage = self.http.decode(&endpoint, &resp)?;
            let n = page.users.len() as u64;
            users.extend(page.users.into_iter().map(RawUser::into_user));
            offset += n;
            let total = page.total.unwrap_or(offset);
            announced = announced.max(total);
            progress(offset.min(total), total);
            // An empty page ends the list, but one that stops short of the
            // largest total announced would make the missing users look deleted.
            if n == 0 && offset < announced {
                return Err(self.http.error(
                    &endpoint,
                    ErrorKind::Decode(format!(
                        "the ARM announced {announced} users but sent an empty page at offset {offset}"
                    )),
                ));
            }
            if n == 0 || offset >= total {
                break;
            }
        }
        Ok(users)
    }
}
