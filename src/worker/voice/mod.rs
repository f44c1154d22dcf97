//! AXP Voice jobs, one concern per file: reading live lists and items
//! ([`read`]), refreshing every family into the store ([`refresh`]),
//! writing one item and following its 202 until it settles ([`write`]),
//! the families' extra actions ([`action`]), and a Communication Manager
//! sync followed with its per-entity counts ([`sync_cm`]).

mod action;
mod read;
mod refresh;
mod sync_cm;
mod write;

pub use action::action;
pub use read::{get, list};
pub use refresh::refresh;
pub use sync_cm::sync_cm;
pub(super) use write::take_secret_fields;
pub use write::write;

use super::tasks::{api_failed, JobCtx};
use super::JobOutcome;
use crate::api::axp::AxpClient;
use crate::config::{AxpConnection, ConnectionRef};
use crate::domain::voice_registry::{self, Family};

fn family(key: &str) -> Result<&'static Family, JobOutcome> {
    voice_registry::family(key)
        .ok_or_else(|| JobOutcome::failed(format!("no AXP resource family {key:?}")))
}

async fn client(ctx: &JobCtx, name: &str) -> Result<(AxpConnection, AxpClient), JobOutcome> {
    let conn = ctx.axp(name).await?;
    let client = AxpClient::new(&ctx.with_secrets(&conn).await?, &ctx.shared.config.http)
        .map_err(api_failed)?;
    Ok((conn, client))
}

/// The command that shows what became of a write to `f` (the item when
/// its id is known, else the family's list), quoted for a report.
fn check_cmd(name: &str, f: &Family, parent: Option<&str>, id: Option<&str>) -> String {
    let mut c = match id {
        Some(id) => format!("`switchboard voice get {} {id}", f.segment),
        None => format!("`switchboard voice list {}", f.segment),
    };
    if let Some(p) = parent {
        c.push_str(&format!(" --parent {p}"));
    }
    c.push_str(&format!(" --connection {name}`"));
    c
}

fn refuse(ctx: &JobCtx, conn: &AxpConnection) -> Result<(), JobOutcome> {
    ctx.refuse_writes(Some(ConnectionRef::Axp(conn)))
        .map_or(Ok(()), Err)
}
