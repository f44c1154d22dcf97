//! The HTTP layer every vendor client shares: TLS options, timeouts,
//! bounded retries with backoff and jitter, `Retry-After`, a response size
//! limit, and errors that fit on one line (connection, endpoint, cause).

use super::ca_file::ca_certificates;
pub use super::error::{ApiError, ErrorKind};
pub use super::vendor_text::problem_message;
use super::vendor_text::request_id;
use crate::config::{HttpSettings, TlsOptions};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Body {
    Json(serde_json::Value),
    Form(Vec<(String, String)>),
}

/// One request. `path` includes any query string.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Body>,
    /// Whether a failed attempt may be sent again (reads, and 429s always).
    pub idempotent: bool,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Request {
        Request {
            method: Method::GET,
            path: path.into(),
            headers: vec![],
            body: None,
            idempotent: true,
        }
    }
    pub fn post(path: impl Into<String>, body: Body) -> Request {
        Request {
            method: Method::POST,
            path: path.into(),
            headers: vec![],
            body: Some(body),
            idempotent: false,
        }
    }
    pub fn with_method(mut self, method: Method) -> Request {
        self.idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        self.method = method;
        self
    }
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Request {
        self.headers.push((name, value));
        self
    }
    /// `Authorization: Bearer <token>`, marked sensitive so it is never logged.
    pub fn bearer(self, token: &str) -> Request {
        let mut v = HeaderValue::from_str(&format!("Bearer {token}"))
            .unwrap_or(HeaderValue::from_static(""));
        v.set_sensitive(true);
        self.header(reqwest::header::AUTHORIZATION, v)
    }
    pub fn endpoint(&self) -> String {
        let path = self.path.split('?').next().unwrap_or("");
        format!("{} {}", self.method, path)
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    base: String,
    connection: String,
    settings: HttpSettings,
}

impl HttpClient {
    pub fn new(
        connection: &str,
        base: &str,
        tls: &TlsOptions,
        settings: &HttpSettings,
    ) -> Result<HttpClient, ApiError> {
        let config_err = |m: String| ApiError {
            connection: connection.into(),
            endpoint: "setup".into(),
            kind: ErrorKind::Config(m),
            request_id: None,
        };
        let mut b = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(Duration::from_secs(settings.connect_timeout_secs))
            .timeout(Duration::from_secs(settings.request_timeout_secs))
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .danger_accept_invalid_certs(tls.insecure_skip_verify)
            // Redirects are followed here, by `send_once`, only to the same
            // origin and only for GET: reqwest's own policy would carry a
            // POST body (a password, a client secret) or a custom header
            // (`appkey`) to whatever host a 307 names.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(ca) = &tls.ca_file {
            let pem = std::fs::read(ca)
                .map_err(|e| config_err(format!("cannot read ca_file {}: {e}", ca.display())))?;
            for cert in ca_certificates(&pem)
                .map_err(|e| config_err(format!("ca_file {}: {e}", ca.display())))?
            {
                b = b.add_root_certificate(cert);
            }
        }
        if is_loopback(base) {
            b = b.no_proxy();
        }
        let client = b
            .build()
            .map_err(|e| config_err(format!("cannot build HTTP client: {e}")))?;
        Ok(HttpClient {
            client,
            base: base.trim_end_matches('/').to_string(),
            connection: connection.into(),
            settings: settings.clone(),
        })
    }

    pub fn connection(&self) -> &str {
        &self.connection
    }

    pub fn error(&self, endpoint: &str, kind: ErrorKind) -> ApiError {
        ApiError {
            connection: self.connection.clone(),
            endpoint: endpoint.into(),
            kind,
            request_id: None,
        }
    }

    /// Whether `url` (absolute) has the configured base's scheme, host
    /// and port: where a `links.next` may lead.
    pub fn same_origin(&self, url: &str) -> bool {
        match (origin(url), origin(&self.base)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// A list's `links.next` (absolute, or relative to the page it came
    /// from) as an absolute URL; `None` when it cannot be read as one.
    pub fn resolve(&self, current: &str, link: &str) -> Option<String> {
        let here = reqwest::Url::parse(&self.url(current)).ok()?;
        here.join(link).ok().map(|u| u.to_string())
    }

    /// Full URL: `path` may be absolute (a token URL) or relative to the base.
    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    /// Sends with retries: transport errors, timeouts, 5xx (idempotent
    /// requests only) and 429 (always, honouring Retry-After), at most
    /// `max_retries` more times. Returns the last answer, whatever its status.
    pub async fn send(&self, req: &Request) -> Result<Response, ApiError> {
        let endpoint = req.endpoint();
        let mut attempt: u32 = 0;
        loop {
            let outcome = self.send_once(req, &endpoint).await;
            let retry_after = match &outcome {
                Ok(r) if r.status == StatusCode::TOO_MANY_REQUESTS => Some(retry_after(&r.headers)),
                Ok(r) if r.status.is_server_error() && req.idempotent => Some(None),
                Err(e)
                    if req.idempotent
                        && matches!(
                            e.kind,
                            ErrorKind::Connect(_) | ErrorKind::Timeout | ErrorKind::Transport(_)
                        ) =>
                {
                    Some(None)
                }
                _ => None,
            };
            match retry_after {
                Some(wait) if attempt < self.settings.max_retries => {
                    let delay = wait.unwrap_or_else(|| backoff(attempt));
                    tracing::debug!(connection = %self.connection, %endpoint, attempt, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// One attempt, following same-origin redirects of a GET (a few hops).
    async fn send_once(&self, req: &Request, endpoint: &str) -> Result<Response, ApiError> {
        const MAX_HOPS: usize = 5;
        let mut url = self.url(&req.path);
        for hop in 0.. {
            let resp = self.send_to(req, &url, endpoint).await?;
            if !resp.status.is_redirection() || resp.status == StatusCode::NOT_MODIFIED {
                return Ok(resp);
            }
            let status = resp.status.as_u16();
            let location = resp
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            let refuse = |why: &'static str, location: String| {
                self.error(
                    endpoint,
                    ErrorKind::Redirect {
                        status,
                        location,
                        why,
                    },
                )
            };
            let next = reqwest::Url::parse(&url)
                .ok()
                .and_then(|u| u.join(&location).ok());
            let Some(next) = next.filter(|_| !location.is_empty()) else {
                return Err(refuse("no usable Location", location));
            };
            if origin(next.as_str()) != origin(&url) {
                return Err(refuse("another origin", next.to_string()));
            }
            if req.method != Method::GET {
                return Err(refuse(
                    "only GET requests follow redirects",
                    next.to_string(),
                ));
            }
            if hop + 1 >= MAX_HOPS {
                return Err(refuse("too many redirects", next.to_string()));
            }
            url = next.to_string();
        }
        unreachable!("the loop returns")
    }

    async fn send_to(
        &self,
        req: &Request,
        url: &str,
        endpoint: &str,
    ) -> Result<Response, ApiError> {
        let mut rb = self.client.request(req.method.clone(), url);
        for (k, v) in &req.headers {
            rb = rb.header(k, v);
        }
        rb = match &req.body {
            Some(Body::Json(v)) => rb.json(v),
            Some(Body::Form(f)) => rb.form(f),
            None => rb,
        };
        let mut resp = rb
            .send()
            .await
            .map_err(|e| self.error(endpoint, transport_kind(&e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let limit = self.settings.max_response_bytes;
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(self.error(endpoint, ErrorKind::TooLarge { limit }));
        }
        // Room for the announced length (at most the limit, checked above):
        // a large page grown chunk by chunk is copied again and again.
        let announced = resp.content_length().and_then(|n| usize::try_from(n).ok());
        let mut body = Vec::with_capacity(announced.unwrap_or(0));
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() as u64 + chunk.len() as u64 > limit {
                        return Err(self.error(endpoint, ErrorKind::TooLarge { limit }));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(self.error(endpoint, transport_kind(&e))),
            }
        }
        Ok(Response {
            status,
            headers,
            body: Bytes::from(body),
        })
    }

    /// Sends and requires a 2xx; a non-2xx becomes an error carrying what
    /// the vendor's problem body says.
    pub async fn send_ok(&self, req: &Request) -> Result<Response, ApiError> {
        let resp = self.send(req).await?;
        if resp.status.is_success() {
            return Ok(resp);
        }
        Err(self.status_error(&req.endpoint(), &resp))
    }

    pub fn status_error(&self, endpoint: &str, resp: &Response) -> ApiError {
        let message = problem_message(&resp.body);
        let kind =
            if resp.status == StatusCode::UNAUTHORIZED || resp.status == StatusCode::FORBIDDEN {
                ErrorKind::Auth(format!(
                    "HTTP {}{}",
                    resp.status.as_u16(),
                    if message.is_empty() {
                        String::new()
                    } else {
                        format!(": {message}")
                    }
                ))
            } else {
                ErrorKind::Status {
                    status: resp.status.as_u16(),
                    message,
                }
            };
        ApiError {
            request_id: request_id(&resp.headers, &resp.body),
            ..self.error(endpoint, kind)
        }
    }

    /// Decodes JSON, naming the field path that did not fit.
    pub fn decode<T: DeserializeOwned>(
        &self,
        endpoint: &str,
        resp: &Response,
    ) -> Result<T, ApiError> {
        decode_body(&resp.body).map_err(|msg| self.decode_error(endpoint, resp, msg))
    }

    /// A body [`decode_body`] could not read, as an error of this client.
    pub fn decode_error(&self, endpoint: &str, resp: &Response, msg: String) -> ApiError {
        ApiError {
            request_id: request_id(&resp.headers, &resp.body),
            ..self.error(endpoint, ErrorKind::Decode(msg))
        }
    }
}

/// Decodes a JSON body; what did not fit, in words naming the field path.
/// The happy path is a plain parse: only a body that fails is read again
/// with its path tracked, to word the error (tracking every field of every
/// body cost a third of a large list's parse).
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    // The whole body is the one value: anything but whitespace after it
    // (a second body, a proxy's page glued on) is malformed, not ignored.
    let de = &mut serde_json::Deserializer::from_slice(body);
    if let Ok(v) = T::deserialize(&mut *de).and_then(|v| de.end().map(|()| v)) {
        return Ok(v);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    let (path, inner) = match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Ok(_) => (
            String::new(),
            de.end().err().unwrap_or_else(|| {
                serde_json::Error::io(std::io::Error::other("the body could not be read"))
            }),
        ),
        Err(e) => (e.path().to_string(), e.into_inner()),
    };
    let what = match inner.classify() {
        serde_json::error::Category::Eof => "the JSON ends early (truncated)",
        serde_json::error::Category::Syntax => "malformed JSON",
        _ => "JSON of the wrong shape",
    };
    Err(if path.is_empty() || path == "." {
        format!("{what}: {inner}")
    } else {
        format!("{what}: field `{path}`: {inner}")
    })
}

/// Scheme, host and port (the default one filled in) of an absolute URL.
pub fn origin(url: &str) -> Option<(String, String, u16)> {
    let u = reqwest::Url::parse(url).ok()?;
    Some((
        u.scheme().to_string(),
        u.host_str()?.to_ascii_lowercase(),
        u.port_or_known_default()?,
    ))
}

fn is_loopback(base: &str) -> bool {
    reqwest::Url::parse(base)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| h == "localhost" || h.starts_with("127.") || h == "[::1]")
        })
        .unwrap_or(false)
}

fn transport_kind(e: &reqwest::Error) -> ErrorKind {
    if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Connect(root_cause(e))
    } else {
        ErrorKind::Transport(root_cause(e))
    }
}

/// The innermost cause, which says what really happened ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    let s = cur.to_string();
    // io errors read "Connection refused (os error 111)": keep the words.
    s.split(" (os error").next().unwrap_or(&s).to_string()
}

/// Exponential backoff from 250 ms, capped at 5 s, with up to 25% jitter.
pub fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << attempt.min(5)).min(5000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    Duration::from_millis(base + nanos % (base / 4 + 1))
}

/// `Retry-After` in seconds (dates are rare from these APIs), capped at 60 s.
fn retry_after(h: &HeaderMap) -> Option<Duration> {
    h.get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|s| Duration::from_secs(s.min(60)))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(
            backoff(0) >= Duration::from_millis(250) && backoff(0) < Duration::from_millis(320)
        );
        assert!(backoff(10) <= Duration::from_millis(6250));
    }
    #[test]
    fn origins() {
        assert_eq!(
            origin("https://ARM.example.com/ARM/v1"),
            Some(("https".into(), "arm.example.com".into(), 443))
        );
        assert_eq!(origin("https://a:443/x"), origin("https://a/y"));
        assert_ne!(origin("http://a/x"), origin("https://a/x"));
        assert_ne!(origin("http://a:8080/x"), origin("http://a:8081/x"));
        assert_eq!(origin("/relative"), None);
    }
}
