//! Jobs: what the worker runs, and the states a job moves through.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<JobState> {
        [
            JobState::Queued,
            JobState::Running,
            JobState::Succeeded,
            JobState::Failed,
            JobState::Cancelled,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
    }
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Failed | JobState::Cancelled
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a job does. One vocabulary for the TUI, the CLI and schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    TestConnection {
        connection: String,
    },
    SyncAudioCodes {
        connection: String,
        dry_run: bool,
        force: bool,
    },
    Sweep,
    RefreshLivePlatform {
        connection: String,
    },
    RefreshVoice {
        connection: String,
    },
}

impl JobKind {
    pub fn label(&self) -> &'static str {
        match self {
            JobKind::TestConnection { .. } => "test",
            JobKind::SyncAudioCodes { dry_run: true, .. } => "preview",
            JobKind::SyncAudioCodes { .. } => "sync",
            JobKind::Sweep => "sweep",
            JobKind::RefreshLivePlatform { .. } => "refresh",
            JobKind::RefreshVoice { .. } => "refresh",
        }
    }
    pub fn target(&self) -> String {
        match self {
            JobKind::TestConnection { connection }
            | JobKind::SyncAudioCodes { connection, .. }
            | JobKind::RefreshLivePlatform { connection }
            | JobKind::RefreshVoice { connection } => connection.clone(),
            JobKind::Sweep => "inventory".into(),
        }
    }
}
