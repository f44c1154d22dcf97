//! AudioCodes Live Platform (Operator Connect): calling profiles, services,
//! leads, service creation and task status (api-contracts.md §2).

use super::http::{Body, HttpClient, Request, Response};
use super::oauth::{client_credentials, send_with_token, TokenCache};
use super::paging::{Deadline, SeenIds};
use super::{ApiError, ErrorKind};
use crate::config::{HttpSettings, LivePlatformConnection};
use crate::domain::text::count;
use crate::secret::Secret;
use serde_json::Value;

pub struct LivePlatformClient {
    http: HttpClient,
    conn: LivePlatformConnection,
    tokens: TokenCache,
    /// Lists stop here: `http.job_timeout_secs` after the client was made.
    deadline: Deadline,
}

/// The terminal task states fixed in api-contracts.md §2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskState {
    Running(String),
    Succeeded,
    Failed(String),
}

pub fn task_state(status: &str) -> TaskState {
    match status {
        "CompletedSuccess" => TaskState::Succeeded,
        "InProgress" | "Queued" | "Pending" => TaskState::Running(status.into()),
        s if s.starts_with("Completed") || s.starts_with("Failed") => TaskState::Failed(s.into()),
        s => TaskState::Running(s.into()),
    }
}

impl LivePlatformClient {
    pub fn new(conn: &LivePlatformConnection, settings: &HttpSettings) -> Result<Self, ApiError> {
        let http = HttpClient::new(&conn.name, &conn.base_url, &conn.tls, settings)?;
        if !conn.secrets_resolved {
            return Err(http.error(
                "setup",
                ErrorKind::Config("the connection's secrets were not resolved".into()),
            ));
        }
        Ok(LivePlatformClient {
            http,
            conn: conn.clone(),
            tokens: TokenCache::default(),
            deadline: Deadline::after_secs(settings.job_timeout_secs),
        })
    }

    async fn token(&self) -> Result<Secret, ApiError> {
        let o = &self.conn.oauth;
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

    /// How many lists of a refresh may be fetched at once.
    pub fn fetch_concurrency(&self) -> usize {
        self.conn.fetch_concurrency
    }

    /// Gets a token (a refresh checks the credentials once, first).
    pub async fn authenticate(&self) -> Result<(), ApiError> {
        self.token().await.map(|_| ())
    }

    /// Sends with the bearer token; a 401 refreshes the token once, then fails.
    async fn call(&self, req: Request) -> Result<Response, ApiError> {
        send_with_token(&self.http, &self.tokens, &req, || self.token()).await
    }

    /// A JSON body, where a 200 holding a `Message` is an error (as Live
    /// Platform does on some calls).
    async fn json(&self, req: Request) -> Result<Value, ApiError> {
        let endpoint = req.endpoint();
        let resp = self.call(req).await?;
        let v: Value = self.http.decode(&endpoint, &resp)?;
        if let Some(m) = v.get("Message").and_then(|m| m.as_str()) {
            return Err(self.http.error(&endpoint, ErrorKind::Vendor(m.to_string())));
        }
        Ok(v)
    }

    async fn array(&self, path: &str) -> Result<Vec<Value>, ApiError> {
        let req = Request::get(path);
        let endpoint = req.endpoint();
        match self.json(req).await? {
            Value::Array(items) => Ok(items),
            Value::Null => Ok(vec![]),
            other => Err(self.http.error(
                &endpoint,
                ErrorKind::Decode(format!("expected a JSON array, got {}", kind_of(&other))),
            )),
        }
    }

    /// `GET /api/v2/oc/callingprofile`: each item must carry `callingProfileId`.
    pub async fn calling_profiles(&self) -> Result<Vec<Value>, ApiError> {
        let items = self.array("/api/v2/oc/callingprofile").await?;
        for (i, p) in items.iter().enumerate() {
            if p.get("callingProfileId").and_then(|v| v.as_str()).is_none() {
                return Err(self.http.error(
                    "GET /api/v2/oc/callingprofile",
                    ErrorKind::Decode(format!(
                        "field `[{i}].callingProfileId`: missing or not a string"
                    )),
                ));
            }
        }
        Ok(items)
    }

    pub async fn customers(&self, all_details: bool) -> Result<Vec<Value>, ApiError> {
        self.array(&format!("/api/v3/customer?allDetails={all_details}"))
            .await
    }

    /// Every page of leads, until an empty page: a server may cap pages
    /// below the 200 asked for, so a short page says nothing. A page that
    /// repeats a lead already received fails the list, and so does the
    /// deadline (`http.job_timeout_secs`).
    pub async fn leads(&self) -> Result<Vec<Value>, ApiError> {
        const PAGE: usize = 200;
        const ENDPOINT: &str = "GET /api/v2/oc/lead";
        let mut out = Vec::new();
        let mut seen = SeenIds::default();
        for page in 1u32.. {
            let got = out.len();
            let items = self
                .deadline
                .run(
                    &self.http,
                    ENDPOINT,
                    || {
                        format!(
                            "{} in {}",
                            count(got, "lead", "leads"),
                            count(page - 1, "page", "pages")
                        )
                    },
                    self.array(&format!(
                        "/api/v2/oc/lead?PageNumber={page}&PageSize={PAGE}"
                    )),
                )
                .await?;
            if items.is_empty() {
                break;
            }
            seen.add(&items, "id", page)
                .map_err(|m| self.http.error(ENDPOINT, ErrorKind::Decode(m.to_string())))?;
            out.extend(items);
        }
        Ok(out)
    }

    /// `POST /api/v3/customer`: returns the task id (`wst_...`).
    pub async fn create_service(&self, body: Value) -> Result<String, ApiError> {
        let req = Request::post("/api/v3/customer", Body::Json(body));
        let endpoint = req.endpoint();
        let v = self.json(req).await?;
        v.get("jobId")
            .and_then(|j| j.as_str())
            .map(String::from)
            .ok_or_else(|| {
                self.http.error(
                    &endpoint,
                    ErrorKind::Decode("field `jobId`: missing".into()),
                )
            })
    }

    pub async fn task(&self, id: &str) -> Result<Value, ApiError> {
        self.json(Request::get(format!("/api/v2/task/{id}"))).await
    }
}

pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn task_states() {
        assert_eq!(task_state("CompletedSuccess"), TaskState::Succeeded);
        assert_eq!(
            task_state("InProgress"),
            TaskState::Running("InProgress".into())
        );
        assert_eq!(
            task_state("CompletedWithErrors"),
            TaskState::Failed("CompletedWithErrors".into())
        );
        assert_eq!(
            task_state("FailedTimeout"),
            TaskState::Failed("FailedTimeout".into())
        );
        assert_eq!(
            task_state("Whatever"),
            TaskState::Running("Whatever".into())
        );
    }
}
