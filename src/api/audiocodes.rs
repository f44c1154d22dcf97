//! AudioCodes Routing Manager (ARM): authentication, version probe and the
//! registered users, per the adapter contract in api-contracts.md §1.

use super::http::{decode_body, Body, HttpClient, Request, Response};
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::paging::in_page_order;
use super::{ApiError, ErrorKind};
use crate::config::{ArmAuthMethod, AudioCodesConnection, HttpSettings};
use crate::domain::arm_users::{
    read_page, read_page_lean, ArmPage, ArmUsers, Envelope, Next, PageError, Pager, PagingError,
    Probe,
};
use crate::secret::Secret;
use base64::Engine;
use futures_util::StreamExt;
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

impl ArmClient {
    pub fn new(
        conn: &AudioCodesConnection,
        settings: &HttpSettings,
    ) -> Result<ArmClient, ApiError> {
        let http = HttpClient::new(&conn.name, &conn.base_url(), &conn.tls, settings)?;
        if !conn.secrets_resolved {
            return Err(http.error(
                "setup",
                ErrorKind::Config("the connection's secrets were not resolved".into()),
            ));
        }
        Ok(ArmClient {
            http,
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
                // The plain forms are zeroed when dropped; the header is sensitive.
                let raw = zeroize::Zeroizing::new(format!(
                    "{}:{}",
                    self.conn.username,
                    self.conn.password.expose()
                ));
                // Room for all of it: growing would leave a copy behind.
                let mut line =
                    zeroize::Zeroizing::new(String::with_capacity(10 + raw.len() * 4 / 3));
                line.push_str("Basic ");
                base64::engine::general_purpose::STANDARD.encode_string(raw.as_bytes(), &mut line);
                let mut v = HeaderValue::from_str(&line).unwrap_or(HeaderValue::from_static(""));
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

    /// `GET <users_path>?offset=..&limit=..`, read by the connection's
    /// page shape, then through `then`; `lean`: without each user's raw
    /// JSON (see [`read_page_lean`]). The body is parsed and read on a
    /// blocking thread: the pages in flight are read at once, on as many
    /// cores as there are, while this task goes on receiving.
    async fn users_page<T: Send + 'static>(
        &self,
        offset: u64,
        limit: u64,
        lean: bool,
        then: impl FnOnce(ArmPage) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        crate::panic_report::debug_panic_point("arm_users_page");
        let path = &self.conn.users_path;
        let endpoint = format!("GET {path}");
        let sep = if path.contains('?') { '&' } else { '?' };
        let resp = self
            .get(&format!("{path}{sep}offset={offset}&limit={limit}"))
            .await?;
        let (body, shape) = (resp.body.clone(), self.conn.shape.clone());
        let read = tokio::task::spawn_blocking(move || {
            if lean {
                if let Some(page) = read_page_lean(&body, &shape) {
                    return Ok(then(page));
                }
            }
            let body: serde_json::Value = decode_body(&body).map_err(PageRead::Json)?;
            let page = read_page(body, &shape).map_err(PageRead::Shape)?;
            Ok(then(page))
        })
        .await
        .unwrap_or_else(|e| match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(_) => Err(PageRead::Stopped),
        });
        read.map_err(|e| match e {
            PageRead::Json(m) => self.http.decode_error(&endpoint, &resp, m),
            PageRead::Shape(m) => self.http.error(
                &endpoint,
                ErrorKind::Vendor(format!("unexpected response: {m}")),
            ),
            PageRead::Stopped => self.http.error(
                &endpoint,
                ErrorKind::Transport("the page was dropped unread: the process is stopping".into()),
            ),
        })
    }

    /// One page at offset 0 of `limit` users, as the sync reads it: what
    /// `connections probe` and `connections test` show.
    pub async fn probe(&self, limit: u64) -> Result<Probe, ApiError> {
        let page = self.users_page(0, limit, false, |p| p).await?;
        Ok(Probe::of(
            &format!("GET {}", self.conn.users_path),
            limit,
            &page,
            3,
        ))
    }

    /// Every page of registered users. Paging finishes exactly or fails
    /// (see `domain::arm_users::Pager`); any failed page fails the whole
    /// fetch: a partial list must never cool a number.
    ///
    /// Once the first page gives a total, the pages after it are asked
    /// for `fetch_concurrency` at once, at the offsets the first page's
    /// size predicts, and handed to the pager in page order, so every
    /// rule holds as if they had been fetched one after another. Where
    /// the pager wants another offset than the one predicted (a page
    /// shorter or longer than the first), the pages fetched ahead are
    /// dropped and the fetch goes on one page at a time from there.
    pub async fn registered_users(
        &self,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<ArmUsers, ApiError> {
        let limit = u64::from(self.conn.page_size);
        let endpoint = format!("GET {}", self.conn.users_path);
        let paging_error =
            |m: PagingError| self.http.error(&endpoint, ErrorKind::Vendor(m.to_string()));
        let mut pager = Pager::new(limit);
        let hasher = pager.key_hasher();
        // The sync needs only what was read from each user: its JSON is
        // dropped where the page was read, its keys hashed there.
        let read = move |page: ArmPage| hasher.hash(page.without_raw());
        let first = self.users_page(0, limit, true, read.clone()).await?;
        let ahead = ahead_plan(first.page(), limit, self.conn.fetch_concurrency);
        let mut next = pager.accept_hashed(first).map_err(paging_error)?;
        let (done, total) = pager.progress();
        progress(done, total);
        if let (Next::Page(step), Some(total)) = (next, ahead) {
            let offsets = (step..total).step_by(usize::try_from(step).unwrap_or(usize::MAX));
            let mut coming = offsets.clone();
            let mut pages = std::pin::pin!(in_page_order(
                offsets,
                self.conn.fetch_concurrency,
                |offset| self.users_page(offset, limit, true, read.clone())
            ));
            // Decided before waiting: a list already whole, or a pager
            // wanting another offset than the next page fetched ahead,
            // must not wait on a page it will not use (it may never come).
            while coming.next().map(Next::Page) == Some(next) {
                let Some((_, page)) = pages.next().await else {
                    break;
                };
                next = pager.accept_hashed(page?).map_err(paging_error)?;
                let (done, total) = pager.progress();
                progress(done, total);
            }
        }
        while let Next::Page(offset) = next {
            let page = self.users_page(offset, limit, true, read.clone()).await?;
            next = pager.accept_hashed(page).map_err(paging_error)?;
            let (done, total) = pager.progress();
            progress(done, total);
        }
        Ok(pager.finish())
    }
}

/// Why a page body could not be read (worded on the async side, where
/// the client and the answer are).
enum PageRead {
    Json(String),
    Shape(PageError),
    /// The blocking thread was cancelled: the runtime is shutting down.
    Stopped,
}

/// The total to fetch up to with pages ahead, when the first page allows
/// it: a total announced, pages in an envelope no larger than asked for
/// (a bare array may be the whole list sent on every call: that needs the
/// next page read alone), and a `fetch_concurrency` above 1.
fn ahead_plan(first: &ArmPage, limit: u64, concurrency: usize) -> Option<u64> {
    let n = first.users.len() as u64;
    let pages_in_envelope = first.envelope != Envelope::BareArray && n <= limit;
    (concurrency > 1 && pages_in_envelope && n > 0)
        .then_some(first.total)
        .flatten()
}
