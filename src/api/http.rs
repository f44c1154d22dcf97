//! The HTTP layer every vendor client shares: TLS options, timeouts,
//! bounded retries with backoff and jitter, `Retry-After`, a response size
//! limit, and errors that fit on one line (connection, endpoint, cause).

use crate::config::{HttpSettings, TlsOptions};
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Could not connect (refused, DNS, TLS handshake).
    Connect(String),
    Timeout,
    /// The connection broke mid-request or mid-body.
    Transport(String),
    /// Credentials refused (401/403), after one fresh login where that applies.
    Auth(String),
    /// Any other non-2xx answer, with what the body said.
    Status {
        status: u16,
        message: String,
    },
    /// 2xx, but not the shape we expect.
    Decode(String),
    TooLarge {
        limit: u64,
    },
    /// A vendor error returned with 200 (Live Platform's `Message`).
    Vendor(String),
    Cancelled,
    Config(String),
    /// A list still paging when the job's time ran out
    /// (`http.job_timeout_secs`): `what` says how far it got.
    Deadline {
        secs: u64,
        what: String,
    },
    /// A redirect that was not followed: to another origin (scheme, host,
    /// port), for a method other than GET, or one hop too many.
    Redirect {
        status: u16,
        location: String,
        why: &'static str,
    },
}

/// One readable line: `arm-east: GET /ARM/v1/version: connection refused`.
/// Its text carries vendor words (a problem body, a `Location`, a request
/// id), so its `Display` is terminal-safe: every error message, toast, job
/// record and log line made from it is too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub connection: String,
    pub endpoint: String,
    pub kind: ErrorKind,
    /// `x-request-id` / `av-log-id` / `traceId`, when the server gave one.
    pub request_id: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        self.write_raw(&mut line)?;
        f.write_str(&crate::domain::terminal_text::terminal_safe(&line))
    }
}

impl ApiError {
    /// The line as the vendor's words make it, before it is made safe.
    fn write_raw(&self, f: &mut String) -> fmt::Result {
        use std::fmt::Write;
        write!(f, "{}: {}: ", self.connection, self.endpoint)?;
        match &self.kind {
            ErrorKind::Connect(m) => write!(f, "cannot connect ({m}); check the host and port")?,
            ErrorKind::Timeout => f.write_str("timed out; the server did not answer in time")?,
            ErrorKind::Transport(m) => write!(f, "connection failed mid-request ({m})")?,
            ErrorKind::Auth(m) => write!(f, "authentication failed ({m}); check the credentials")?,
            ErrorKind::Status { status, message } if message.is_empty() => {
                write!(f, "HTTP {status}")?
            }
            ErrorKind::Status { status, message } => write!(f, "HTTP {status}: {message}")?,
            ErrorKind::Decode(m) => write!(f, "unexpected response: {m}")?,
            ErrorKind::TooLarge { limit } => write!(
                f,
                "response larger than the {limit}-byte limit (http.max_response_bytes)"
            )?,
            ErrorKind::Vendor(m) => write!(f, "{m}")?,
            ErrorKind::Cancelled => f.write_str("cancelled")?,
            ErrorKind::Config(m) => f.write_str(m)?,
            ErrorKind::Deadline { secs, what } => write!(
                f,
                "stopped after {secs} s (http.job_timeout_secs) with the list unfinished ({what})"
            )?,
            ErrorKind::Redirect {
                status,
                location,
                why,
            } => write!(
                f,
                "HTTP {status} redirect to {location} not followed ({why}); \
                 point the connection at the address the server wants"
            )?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

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
        let mut body = Vec::new();
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
        let de = &mut serde_json::Deserializer::from_slice(&resp.body);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let what = match inner.classify() {
                serde_json::error::Category::Eof => "the JSON ends early (truncated)",
                serde_json::error::Category::Syntax => "malformed JSON",
                _ => "JSON of the wrong shape",
            };
            let msg = if path.is_empty() || path == "." {
                format!("{what}: {inner}")
            } else {
                format!("{what}: field `{path}`: {inner}")
            };
            ApiError {
                request_id: request_id(&resp.headers, &resp.body),
                ..self.error(endpoint, ErrorKind::Decode(msg))
            }
        })
    }
}

/// Every certificate of a PEM file; a file with none is an error (reqwest
/// would accept it and trust nothing new, which fails much later).
fn ca_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, String> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let ders = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("not a PEM certificate file ({e})"))?;
    if ders.is_empty() {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
    }
    ders.iter()
        .map(|d| reqwest::Certificate::from_der(d).map_err(|e| e.to_string()))
        .collect()
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
        .map(|d| d.subsec_nanos() as u64)
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

fn request_id(h: &HeaderMap, body: &[u8]) -> Option<String> {
    for name in ["x-request-id", "av-log-id"] {
        if let Some(v) = h.get(name).and_then(|v| v.to_str().ok()) {
            return Some(v.to_string());
        }
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("traceId").and_then(|t| t.as_str()).map(String::from))
}

/// At most 200 characters of vendor text, with `…` where it was cut.
fn cut(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// What a problem body (RFC 7807, Live Platform, ARM) says, in one line.
pub fn problem_message(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        let text = String::from_utf8_lossy(body);
        return cut(text.lines().next().unwrap_or(""));
    };
    // Each part cut to a readable length: an error is one line, and a
    // vendor's `detail` may be a whole stack trace.
    let s = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .filter(|x| !x.is_empty())
            .map(cut)
    };
    let mut parts: Vec<String> = Vec::new();
    for k in [
        "title",
        "detail",
        "message",
        "Message",
        "error_description",
        "error",
    ] {
        if let Some(t) = s(k) {
            if !parts.contains(&t) {
                parts.push(t);
            }
        }
    }
    if let Some(vs) = v.get("violations").and_then(|x| x.as_array()) {
        const SHOWN: usize = 5;
        for viol in vs.iter().take(SHOWN) {
            let g = |k: &str| cut(viol.get(k).and_then(|x| x.as_str()).unwrap_or(""));
            parts.push(format!("{}: {} ({})", g("field"), g("message"), g("code")));
        }
        if vs.len() > SHOWN {
            parts.push(format!("{} more violations", vs.len() - SHOWN));
        }
    }
    // Keep the vendor's trace id: it is what their support asks for.
    if let Some(t) = s("traceId") {
        parts.push(format!("trace id {t}"));
    }
    parts.join("; ")
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
    #[test]
    fn the_error_line_is_terminal_safe() {
        let e = ApiError {
            connection: "lp".into(),
            endpoint: "GET /x".into(),
            kind: ErrorKind::Redirect {
                status: 302,
                location: "http://h/\x1b[2J".into(),
                why: "another origin",
            },
            request_id: Some("id\u{202e}".into()),
        };
        let line = e.to_string();
        assert!(
            line.contains("http://h/\\x1b[2J") && line.contains("id\\u{202e}"),
            "{line}"
        );
        assert!(!line.contains('\x1b') && !line.contains('\u{202e}'));
    }

    #[test]
    fn problem_messages() {
        let b = br#"{"type":"t","title":"Bad Request","status":400,"detail":"x","violations":[{"field":"phoneNumber","message":"must match","code":"PATTERN"}]}"#;
        assert_eq!(
            problem_message(b),
            "Bad Request; x; phoneNumber: must match (PATTERN)"
        );
        assert_eq!(
            problem_message(b"<html>oops</html>\nmore"),
            "<html>oops</html>"
        );
        let long = format!(r#"{{"title":"Bad","detail":"{}"}}"#, "x".repeat(5000));
        let m = problem_message(long.as_bytes());
        assert!(m.starts_with("Bad; xxx") && m.ends_with("x…"), "{m}");
        assert_eq!(m.chars().count(), "Bad; ".len() + 200 + 1);
        let many: Vec<String> = (0..9)
            .map(|i| format!(r#"{{"field":"f{i}","message":"m","code":"C"}}"#))
            .collect();
        let m = problem_message(format!(r#"{{"violations":[{}]}}"#, many.join(",")).as_bytes());
        assert!(m.ends_with("f4: m (C); 4 more violations"), "{m}");
    }
}
