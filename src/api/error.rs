//! The one-line errors every vendor client returns: which connection,
//! which endpoint, and what happened.

use std::fmt;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
