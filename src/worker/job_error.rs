//! Why a job did not succeed, as a type. The exit code, the dashboard's
//! confirmation prompt and the logs decide on the variant; the `Display`
//! is the line the person reads (the same words as before there was a
//! type), which [`JobOutcome::error`] carries made terminal-safe.
//!
//! [`JobOutcome::error`]: super::JobOutcome::error

use crate::api::ApiError;
use crate::store::StoreError;
use std::sync::Arc;

#[derive(Debug, Clone, thiserror::Error)]
pub enum JobError {
    /// A read-only rule refused the write (`refused: …`).
    #[error("{0}")]
    Refused(String),
    /// The cooling guard stopped a sync: confirm, then run it with force.
    #[error("{0}")]
    NeedsConfirmation(String),
    /// Another job, here or in another process, holds the lease.
    #[error("{0}")]
    Busy(String),
    /// A vendor's API failed; `message` says what that means for the job.
    #[error("{message}")]
    Api {
        message: String,
        #[source]
        source: ApiError,
    },
    /// The store failed; `message` says what that means for the job. The
    /// source is shared (`Arc<StoreError>`: a SQLite error cannot be
    /// cloned, an outcome is); its own source is the SQLite error.
    #[error("{message}")]
    Store {
        message: String,
        #[source]
        source: Arc<StoreError>,
    },
    /// A value the rules refuse (an action's days, a range of numbers).
    #[error(transparent)]
    Invalid(#[from] crate::domain::invalid::Invalid),
    /// A secret could not be read (the words name the connection and key).
    #[error("{0}")]
    Secret(String),
    /// Cancelled before anything was kept (or with its outcome unknown:
    /// the words say which).
    #[error("{0}")]
    Cancelled(String),
    /// `http.job_timeout_secs` passed before the job ended.
    #[error("{message}")]
    TimedOut { message: String, limit_secs: u64 },
    /// The job panicked (an internal error); the process goes on.
    #[error("{0}")]
    Panicked(String),
    /// Anything else: bad input, a missing connection, a vendor answer
    /// that says the work failed.
    #[error("{0}")]
    Failed(String),
}

impl JobError {
    /// A store error, with what it means for the job.
    pub fn store(message: impl Into<String>, source: StoreError) -> JobError {
        JobError::Store {
            message: message.into(),
            source: Arc::new(source),
        }
    }

    /// An API error, with what it means for the job.
    pub fn api(message: impl Into<String>, source: ApiError) -> JobError {
        JobError::Api {
            message: message.into(),
            source,
        }
    }
}

impl From<String> for JobError {
    fn from(message: String) -> JobError {
        JobError::Failed(message)
    }
}

impl From<&str> for JobError {
    fn from(message: &str) -> JobError {
        JobError::Failed(message.to_string())
    }
}

/// Two job errors are equal when they are the same case with the same
/// words (a store or API source is compared by what it says).
impl PartialEq for JobError {
    fn eq(&self, other: &JobError) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.to_string() == other.to_string()
    }
}
