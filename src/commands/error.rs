//! Why a command could not start its work (before any job ran): printed
//! as `switchboard: …` and ended with exit code 1.

use crate::api::ApiError;
use crate::config::SecretError;
use crate::domain::invalid::Invalid;
use crate::store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// An argument the rules refuse (a number, a range, days, a tag).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("no {what} connection (in the config or made in switchboard)")]
    NoConnection { what: &'static str },
    #[error("several {what} connections: choose one with --connection")]
    SeveralConnections { what: &'static str },
    #[error("no connection named {0:?}")]
    UnknownConnection(String),
    #[error("{name} is not {what} connection")]
    WrongVendor { name: String, what: &'static str },
    #[error("no AXP family {segment:?}{hint}; families: {known}")]
    UnknownFamily {
        segment: String,
        /// Where the family lives when it was asked for in the wrong place.
        hint: &'static str,
        known: String,
    },
    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not JSON: {source}", path.display())]
    NotJson {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}
