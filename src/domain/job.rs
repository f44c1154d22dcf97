//! Jobs: what the worker runs, and the states a job moves through.

use super::actions::NumberAction;
use super::connection_spec::ConnectionSpec;
use super::number_filter::NumberQuery;
use super::oc_service::CreateServiceRequest;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running,
    Succeeded,
    /// Some of the work was done and kept, some failed (a refresh where
    /// one family failed): terminal, and not a success.
    Partial,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Succeeded => "succeeded",
            JobState::Partial => "partial",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<JobState> {
        [
            JobState::Queued,
            JobState::Running,
            JobState::Succeeded,
            JobState::Partial,
            JobState::Failed,
            JobState::Cancelled,
        ]
        .into_iter()
        .find(|j| j.as_str() == s)
    }
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobState::Succeeded | JobState::Partial | JobState::Failed | JobState::Cancelled
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A write to one AXP item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoiceOp {
    Create,
    Update,
    /// `force`: a location profile's `forceDelete=true`.
    Delete {
        force: bool,
    },
}

impl VoiceOp {
    pub fn label(self) -> &'static str {
        match self {
            VoiceOp::Create => "create",
            VoiceOp::Update => "update",
            VoiceOp::Delete { .. } => "delete",
        }
    }
}

/// What a job does. One vocabulary for the TUI, the CLI and schedules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    TestConnection {
        connection: String,
    },
    /// Read one users page of an ARM and show how it is understood.
    ProbeConnection {
        connection: String,
    },
    SyncAudioCodes {
        connection: String,
        dry_run: bool,
        force: bool,
    },
    /// PurgeAudioCodes__<name>.
    PurgeAudioCodes {
        connection: String,
    },
    /// Create or update a connection made in switchboard. Its secrets travel
    /// beside the job, never in it, so the jobs table never holds them.
    SaveConnection {
        spec: Box<ConnectionSpec>,
    },
    /// Purge, then forget a connection made in switchboard.
    DeleteConnection {
        connection: String,
    },
    Sweep,
    RefreshLivePlatform {
        connection: String,
    },
    RefreshVoice {
        connection: String,
    },
    /// Create an OC Essential service from a lead; with `wait`, poll its
    /// task to the end. The Teams QoS secret travels beside the job.
    CreateService {
        connection: String,
        request: Box<CreateServiceRequest>,
        wait: bool,
    },
    /// Create, update or delete one AXP item (family by registry key,
    /// `parent` a Communication Manager for nested families); with `wait`,
    /// a 202 is followed until the item settles or is gone. Secret fields of
    /// the body travel beside the job.
    VoiceWrite {
        connection: String,
        family: String,
        parent: Option<String>,
        id: Option<String>,
        op: VoiceOp,
        body: Option<serde_json::Value>,
        wait: bool,
    },
    /// Every item of an AXP family, live (every page, with the family's
    /// `filters`): the items are the job's result; nothing is stored.
    VoiceList {
        connection: String,
        family: String,
        parent: Option<String>,
        filters: Vec<(String, String)>,
    },
    /// One AXP item, live, as the job's result.
    VoiceGet {
        connection: String,
        family: String,
        parent: Option<String>,
        id: String,
    },
    /// One of a family's extra actions (`:validate`, `:pushConfig`,
    /// `:abort`, bulk priorities…), by the registry's action name.
    VoiceAction {
        connection: String,
        family: String,
        parent: Option<String>,
        id: Option<String>,
        action: String,
        body: Option<serde_json::Value>,
    },
    /// Communication Manager sync of `entities`; with `wait`, followed to a
    /// terminal status with per-entity counts.
    SyncCm {
        connection: String,
        cm: String,
        entities: Vec<String>,
        name: String,
        wait: bool,
    },
    /// A hand action on chosen numbers.
    EditNumbers {
        numbers: Vec<String>,
        action: NumberAction,
    },
    /// Adds `from`..=`to` as Available.
    AddRange {
        from: String,
        to: String,
    },
    /// Adds the numbers of a CSV file.
    Import {
        path: String,
    },
    /// Audit Number Inventory, optionally fixing what it finds.
    Audit {
        fix: bool,
    },
    /// Writes the rows of `query` to the file at `path` (CSV, or JSON
    /// when `json`), streaming, with progress; the store is only read.
    ExportNumbers {
        query: NumberQuery,
        path: String,
        json: bool,
    },
}

impl JobKind {
    pub fn label(&self) -> &'static str {
        match self {
            JobKind::TestConnection { .. } => "test",
            JobKind::ProbeConnection { .. } => "probe",
            JobKind::SyncAudioCodes { dry_run: true, .. } => "preview",
            JobKind::SyncAudioCodes { .. } => "sync",
            JobKind::PurgeAudioCodes { .. } => "purge",
            JobKind::DeleteConnection { .. } => "delete",
            JobKind::SaveConnection { .. } => "save",
            JobKind::Sweep => "sweep",
            JobKind::RefreshLivePlatform { .. } => "refresh",
            JobKind::RefreshVoice { .. } => "refresh",
            JobKind::CreateService { .. } => "create service",
            JobKind::VoiceWrite { op, .. } => op.label(),
            JobKind::VoiceAction { .. } => "action",
            JobKind::VoiceList { .. } => "list",
            JobKind::VoiceGet { .. } => "get",
            JobKind::SyncCm { .. } => "sync CM",
            JobKind::EditNumbers { .. } => "edit",
            JobKind::AddRange { .. } => "add range",
            JobKind::Import { .. } => "import",
            JobKind::Audit { fix: true } => "audit --fix",
            JobKind::Audit { fix: false } => "audit",
            JobKind::ExportNumbers { .. } => "export",
        }
    }
    pub fn target(&self) -> String {
        match self {
            JobKind::TestConnection { connection }
            | JobKind::ProbeConnection { connection }
            | JobKind::SyncAudioCodes { connection, .. }
            | JobKind::RefreshLivePlatform { connection }
            | JobKind::RefreshVoice { connection }
            | JobKind::PurgeAudioCodes { connection }
            | JobKind::DeleteConnection { connection } => connection.clone(),
            JobKind::Sweep | JobKind::Audit { .. } => "inventory".into(),
            JobKind::EditNumbers { numbers, action } => match numbers.as_slice() {
                [one] => format!("{one}: {}", action.label()),
                many => format!("{} numbers: {}", many.len(), action.label()),
            },
            JobKind::AddRange { from, to } => format!("{from}..{to}"),
            JobKind::SaveConnection { spec } => spec.name().to_string(),
            JobKind::CreateService {
                connection,
                request,
                ..
            } => format!("{connection}: {}", request.customer_short_name),
            JobKind::Import { path } | JobKind::ExportNumbers { path, .. } => path.clone(),
            JobKind::VoiceWrite {
                connection,
                family,
                id,
                ..
            } => format!(
                "{connection}: {family}{}",
                id.as_deref().map(|i| format!(" {i}")).unwrap_or_default()
            ),
            JobKind::VoiceAction {
                connection,
                family,
                action,
                ..
            } => format!("{connection}: {family}:{action}"),
            JobKind::VoiceList {
                connection, family, ..
            } => format!("{connection}: {family}"),
            JobKind::VoiceGet {
                connection,
                family,
                id,
                ..
            } => format!("{connection}: {family} {id}"),
            JobKind::SyncCm { connection, cm, .. } => format!("{connection}: CM {cm}"),
        }
    }
}
