//! `switchboard voice ...` and `refresh axp`: the AXP Voice Admin API from
//! the command line. Reads go straight to the API; writes, actions and CM
//! syncs are worker jobs, so they follow the same checks as the TUI.

use super::{report, run_job, runtime, EXIT_CONFIRM, EXIT_ERROR, EXIT_OK};
use crate::api::axp::AxpClient;
use crate::cli::{VoiceCommand, VoiceTarget};
use crate::config::{Config, Connection};
use crate::domain::job::{JobKind, VoiceOp};
use crate::domain::vendor::Vendor;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Family, FAMILIES};
use crate::worker::stored_connections;
use serde_json::Value;

fn fail(e: impl std::fmt::Display) -> i32 {
    errln!("switchboard: {e}");
    EXIT_ERROR
}

/// The family named by its path segment, nested when a parent is given.
fn family(segment: &str, parent: Option<&str>) -> Result<&'static Family, String> {
    voice_registry::by_segment(segment, parent.is_some()).ok_or_else(|| {
        let mut known: Vec<String> = FAMILIES
            .iter()
            .map(|f| {
                if f.parent.is_some() {
                    format!("{} (--parent CM_ID)", f.segment)
                } else {
                    f.segment.to_string()
                }
            })
            .collect();
        known.dedup();
        let hint = if parent.is_none()
            && FAMILIES
                .iter()
                .any(|f| f.segment == segment && f.parent.is_some())
        {
            " (it lives under a Communication Manager: add --parent CM_ID)"
        } else {
            ""
        };
        format!(
            "no AXP family {segment:?}{hint}; families: {}",
            known.join(", ")
        )
    })
}

/// The AXP connection named, or the only one (config file or made here).
fn axp_name(config: &Config, named: Option<String>) -> Result<String, String> {
    super::only_connection(config, Vendor::Axp, "AXP", named)
}

fn client(config: &Config, named: Option<String>) -> Result<AxpClient, String> {
    let name = axp_name(config, named)?;
    let store = super::open_store(config).map_err(|e| e.to_string())?;
    match stored_connections::find(&store, config, &name).map_err(|e| e.to_string())? {
        Some(Connection::Axp(c)) => {
            let c = c.with_secrets(&config.secrets).map_err(|e| e.to_string())?;
            AxpClient::new(&c, &config.http).map_err(|e| e.to_string())
        }
        Some(_) => Err(format!("{name} is not an AXP connection")),
        None => Err(format!("no connection named {name:?}")),
    }
}

fn read_json(path: &std::path::Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))
}

/// One line per item: its id, then the registry's columns.
fn print_rows(f: &Family, items: &[Value]) {
    for it in items {
        let cell = |k: &str| match voice_body::cell_text(it.get(k)) {
            t if t.is_empty() => "-".to_string(),
            t => t,
        };
        let mut cells = vec![cell(f.id_field)];
        cells.extend(f.columns.iter().map(|c| cell(c)));
        outln!("{}", cells.join("  "));
    }
}

pub fn run(config: Config, read_only: bool, cmd: VoiceCommand) -> i32 {
    match cmd {
        VoiceCommand::List {
            family: seg,
            target,
            filters,
            json,
        } => list(&config, &seg, target, &filters, json),
        VoiceCommand::Get {
            family: seg,
            id,
            target,
        } => get(&config, &seg, &id, target),
        VoiceCommand::Create {
            family: seg,
            file,
            target,
            wait,
            json,
        } => write(
            &config,
            read_only,
            &seg,
            None,
            VoiceOp::Create,
            Some(&file),
            target,
            wait,
            json,
        ),
        VoiceCommand::Update {
            family: seg,
            id,
            file,
            target,
            wait,
            json,
        } => write(
            &config,
            read_only,
            &seg,
            id,
            VoiceOp::Update,
            Some(&file),
            target,
            wait,
            json,
        ),
        VoiceCommand::Delete {
            family: seg,
            id,
            target,
            yes,
            force,
            wait,
            json,
        } => {
            if !yes {
                errln!("switchboard: deleting {seg} {id} cannot be undone; add --yes to do it");
                return EXIT_CONFIRM;
            }
            let op = VoiceOp::Delete { force };
            write(
                &config,
                read_only,
                &seg,
                Some(id),
                op,
                None,
                target,
                wait,
                json,
            )
        }
        VoiceCommand::Action {
            family: seg,
            action,
            id,
            file,
            target,
            json,
        } => {
            let f = match family(&seg, target.parent.as_deref()) {
                Ok(f) => f,
                Err(e) => return fail(e),
            };
            let body = match file.as_deref().map(read_json).transpose() {
                Ok(b) => b,
                Err(e) => return fail(e),
            };
            let connection = match axp_name(&config, target.connection) {
                Ok(n) => n,
                Err(e) => return fail(e),
            };
            let kind = JobKind::VoiceAction {
                connection,
                family: f.key.into(),
                parent: target.parent,
                id,
                action,
                body,
            };
            let outcome = run_job(config, read_only, kind);
            if !json {
                if let Some(d) = &outcome.detail {
                    super::print_json(d);
                }
            }
            report(outcome, json)
        }
        VoiceCommand::SyncCm {
            cm,
            entities,
            name,
            connection,
            wait,
            json,
        } => {
            let connection = match axp_name(&config, connection) {
                Ok(n) => n,
                Err(e) => return fail(e),
            };
            let name = name.unwrap_or_else(|| {
                format!(
                    "switchboard-sync-{}",
                    crate::clock::now().format("%Y%m%dT%H%M%SZ")
                )
            });
            let entities = entities.iter().map(|e| e.trim().to_uppercase()).collect();
            report(
                run_job(
                    config,
                    read_only,
                    JobKind::SyncCm {
                        connection,
                        cm,
                        entities,
                        name,
                        wait,
                    },
                ),
                json,
            )
        }
    }
}

fn list(config: &Config, seg: &str, target: VoiceTarget, filters: &[String], json: bool) -> i32 {
    let f = match family(seg, target.parent.as_deref()) {
        Ok(f) if f.ops.list => f,
        Ok(f) => {
            return fail(format!(
                "{} cannot be listed (the API has no list)",
                f.title
            ))
        }
        Err(e) => return fail(e),
    };
    let mut query = Vec::new();
    for kv in filters {
        match kv.split_once('=') {
            Some((k, v)) if f.filters.contains(&k) => query.push((k.to_string(), v.to_string())),
            _ => {
                return fail(format!(
                    "--filter {kv:?}: {} takes {}",
                    f.segment,
                    if f.filters.is_empty() {
                        "no filters".to_string()
                    } else {
                        f.filters.join(", ")
                    }
                ))
            }
        }
    }
    let client = match client(config, target.connection) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let parent = target.parent.as_deref();
    match runtime().block_on(client.list_filtered(f, parent, &query)) {
        Ok(items) if json => {
            super::print_json(&items);
            EXIT_OK
        }
        Ok(items) => {
            print_rows(f, &items);
            EXIT_OK
        }
        Err(e) => fail(e),
    }
}

fn get(config: &Config, seg: &str, id: &str, target: VoiceTarget) -> i32 {
    let f = match family(seg, target.parent.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let client = match client(config, target.connection) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    match runtime().block_on(client.get(f, target.parent.as_deref(), id)) {
        Ok(Some(item)) => {
            super::print_json(&item);
            EXIT_OK
        }
        Ok(None) => fail(format!("{} {id}: not found (404)", f.title)),
        Err(e) => fail(e),
    }
}

#[allow(clippy::too_many_arguments)]
fn write(
    config: &Config,
    read_only: bool,
    seg: &str,
    id: Option<String>,
    op: VoiceOp,
    file: Option<&std::path::Path>,
    target: VoiceTarget,
    wait: bool,
    json: bool,
) -> i32 {
    let f = match family(seg, target.parent.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let body = match file.map(read_json).transpose() {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let connection = match axp_name(config, target.connection) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let kind = JobKind::VoiceWrite {
        connection,
        family: f.key.into(),
        parent: target.parent,
        id,
        op,
        body,
        wait,
    };
    report(run_job(config.clone(), read_only, kind), json)
}

pub fn refresh(config: Config, read_only: bool, name: String) -> i32 {
    report(
        run_job(
            config,
            read_only,
            JobKind::RefreshVoice { connection: name },
        ),
        false,
    )
}
