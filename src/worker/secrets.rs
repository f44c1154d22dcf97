//! A job's connection gets its secrets when the job builds its client,
//! and only then: a command that needs no connection, or touches another
//! one, never runs a `*_cmd` nor needs a `*_env`.

use super::tasks::JobCtx;
use super::{JobError, JobOutcome};
use crate::config::{
    AudioCodesConnection, AxpConnection, LivePlatformConnection, SecretError, SecretSettings,
};
use crate::domain::job::JobState;

/// A connection whose secrets can be resolved.
pub trait WithSecrets: Clone + Send + 'static {
    fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError>;
}

impl WithSecrets for AudioCodesConnection {
    fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        AudioCodesConnection::with_secrets(self, settings)
    }
}

impl WithSecrets for LivePlatformConnection {
    fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        LivePlatformConnection::with_secrets(self, settings)
    }
}

impl WithSecrets for AxpConnection {
    fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        AxpConnection::with_secrets(self, settings)
    }
}

impl JobCtx {
    /// `conn` with its secrets, read now (a `*_cmd` may run, within
    /// `[secrets] command_timeout_secs`, off the async threads). A secret
    /// that cannot be read fails this job only, naming the connection and
    /// the key.
    pub(super) async fn with_secrets<C: WithSecrets>(&self, conn: &C) -> Result<C, JobOutcome> {
        let (conn, settings) = (conn.clone(), self.shared.config.secrets.clone());
        let read = tokio::task::spawn_blocking(move || conn.with_secrets(&settings));
        // A cancel does not wait for a slow command (which still ends at
        // its timeout, on its own thread).
        let read = tokio::select! {
            r = read => r,
            _ = self.cancel.cancelled() => return Err(JobOutcome {
                state: JobState::Cancelled,
                ..JobOutcome::failed(JobError::Cancelled(
                    "cancelled while reading a secret; nothing was sent".into(),
                ))
            }),
        };
        read.map_err(|e| {
            JobOutcome::failed(JobError::Secret(format!("reading a secret failed: {e}")))
        })?
        .map_err(|e| JobOutcome::failed(JobError::Secret(format!("{e}; nothing was sent"))))
    }
}
