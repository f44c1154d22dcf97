//! Stored Live Platform data: calling profiles with their health marks,
//! Operator Connect services and leads.

use super::safe;
use crate::config::Config;
use crate::domain::calling_profile::{problems_by_connection, CallingProfile, Problem};
use crate::domain::terminal_text::safe_json_strings;
use crate::store::remote::RemoteItem;
use crate::store::{Result, Store};
use serde_json::Value;

/// A stored calling profile, parsed, with its health marks.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileRow {
    pub connection: String,
    pub item: RemoteItem,
    pub profile: CallingProfile,
    pub problems: Vec<Problem>,
}

/// Parses stored profiles and marks them (sharing judged across all).
/// A body that does not parse still shows, by its stored id and name.
pub fn profile_rows(items: Vec<(String, RemoteItem)>) -> Vec<ProfileRow> {
    let profiles: Vec<CallingProfile> = items
        .iter()
        .map(|(_, i)| {
            serde_json::from_value(i.body.clone()).unwrap_or_else(|_| CallingProfile {
                calling_profile_id: i.id.clone(),
                name: i.name.clone(),
                ..Default::default()
            })
        })
        .collect();
    let connections: Vec<&str> = items.iter().map(|(c, _)| c.as_str()).collect();
    let marks = problems_by_connection(&profiles, &connections);
    items
        .into_iter()
        .zip(profiles)
        .zip(marks)
        .map(|(((connection, item), profile), problems)| ProfileRow {
            connection,
            item,
            profile: safe_profile(profile),
            problems: problems.into_iter().map(safe_problem).collect(),
        })
        .collect()
}

/// A parsed profile with every string escaped for the screen (judged
/// before, on the exact values; its raw body stays in the item).
fn safe_profile(p: CallingProfile) -> CallingProfile {
    let Ok(mut v) = serde_json::to_value(&p) else {
        return p;
    };
    safe_json_strings(&mut v);
    serde_json::from_value(v).unwrap_or(p)
}

fn safe_problem(p: Problem) -> Problem {
    match p {
        Problem::NoFailover { .. } => p,
        Problem::TrunkWithoutSbc { trunk } => Problem::TrunkWithoutSbc { trunk: safe(trunk) },
        Problem::Validation { offer, state } => Problem::Validation {
            offer: safe(offer),
            state: safe(state),
        },
        Problem::SharedSbc { sbc, with } => Problem::SharedSbc {
            sbc: safe(sbc),
            with: safe(with),
        },
    }
}

/// The stored profiles, marked, and when they were fetched (with a STALE
/// note when the last refresh failed and these are the older ones kept).
pub fn profiles(store: &Store, config: &Config) -> Result<(Vec<ProfileRow>, Option<String>)> {
    let rows = store.remote_items(None, "calling_profile")?;
    let at = config
        .live_platform
        .first()
        .map(|c| store.remote_refreshed_at(&c.name, "calling_profile"))
        .transpose()?
        .flatten();
    let stale = store
        .stale_kinds(None)?
        .into_iter()
        .find(|k| k.kind == "calling_profile");
    let at = match stale {
        Some(k) => Some(format!(
            "{} · STALE: refresh failed {}",
            at.as_deref().unwrap_or("never"),
            crate::clock::human(&k.failed_at)
        )),
        None => at,
    };
    Ok((profile_rows(rows), at))
}

/// The stored items of `kind` (`service`, `lead`, `calling_profile`) as
/// fetched, each with the connection it came from.
pub fn bodies(store: &Store, kind: &str) -> Result<Vec<(String, Value)>> {
    Ok(store
        .remote_items(None, kind)?
        .into_iter()
        .map(|(c, i)| (c, i.body))
        .collect())
}
