//! Read-only mode: what an action would change, and the one refusal every
//! front end gives for it (`--read-only`, `read_only = true` in the config,
//! or a connection's own `read_only = true`).

use super::job::JobKind;

/// What a job or a key would change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes<'a> {
    /// Reads, previews, tests, and refreshes of the local copy of a
    /// vendor's lists (they change nothing on the vendor's side).
    Nothing,
    /// The local inventory or the connections made here.
    Store,
    /// What a connection holds: its synced numbers, or items on the
    /// vendor's side. A read-only connection refuses these.
    Connection(&'a str),
}

/// Why a write is refused, or `None` when it may go ahead.
/// `everything` is the process-wide switch; `connection_read_only` says
/// whether a named connection is read-only.
pub fn refusal(
    everything: bool,
    writes: Writes<'_>,
    connection_read_only: impl Fn(&str) -> bool,
) -> Option<String> {
    let why = match writes {
        Writes::Nothing => return None,
        _ if everything => {
            "switchboard runs read-only (--read-only or read_only = true)".to_string()
        }
        Writes::Connection(name) if connection_read_only(name) => {
            format!("connection {name} is read-only")
        }
        _ => return None,
    };
    Some(format!("refused: {why}"))
}

impl JobKind {
    /// What this job changes when it runs.
    pub fn writes(&self) -> Writes<'_> {
        match self {
            JobKind::TestConnection { .. }
            | JobKind::ProbeConnection { .. }
            | JobKind::SyncAudioCodes { dry_run: true, .. }
            | JobKind::RefreshLivePlatform { .. }
            | JobKind::RefreshVoice { .. }
            | JobKind::Audit { fix: false }
            | JobKind::ExportNumbers { .. }
            | JobKind::VoiceList { .. }
            | JobKind::VoiceGet { .. } => Writes::Nothing,
            JobKind::SyncAudioCodes { connection, .. }
            | JobKind::PurgeAudioCodes { connection }
            | JobKind::CreateService { connection, .. }
            | JobKind::VoiceWrite { connection, .. }
            | JobKind::VoiceAction { connection, .. }
            | JobKind::SyncCm { connection, .. } => Writes::Connection(connection),
            JobKind::SaveConnection { .. }
            | JobKind::DeleteConnection { .. }
            | JobKind::Sweep
            | JobKind::EditNumbers { .. }
            | JobKind::AddRange { .. }
            | JobKind::Import { .. }
            | JobKind::Audit { fix: true } => Writes::Store,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_switch_refuses_every_write_and_a_connection_only_its_own() {
        let ro = |name: &str| name == "locked";
        assert_eq!(refusal(true, Writes::Nothing, ro), None);
        assert!(refusal(true, Writes::Store, ro)
            .unwrap()
            .contains("runs read-only"));
        assert!(refusal(true, Writes::Connection("open"), ro).is_some());
        assert_eq!(refusal(false, Writes::Store, ro), None);
        assert_eq!(refusal(false, Writes::Connection("open"), ro), None);
        assert_eq!(
            refusal(false, Writes::Connection("locked"), ro).as_deref(),
            Some("refused: connection locked is read-only")
        );
    }

    #[test]
    fn a_preview_writes_nothing_and_a_sync_writes_its_connection() {
        let sync = |dry_run| JobKind::SyncAudioCodes {
            connection: "east".into(),
            dry_run,
            force: false,
        };
        assert_eq!(sync(true).writes(), Writes::Nothing);
        assert_eq!(sync(false).writes(), Writes::Connection("east"));
        assert_eq!(JobKind::Audit { fix: true }.writes(), Writes::Store);
    }
}
