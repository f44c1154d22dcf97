//! `switchboard voice ...` and `refresh axp`: the AXP Voice Admin API from
//! the command line. Every call is a worker job (live reads, writes,
//! actions and CM syncs alike), so it follows the same checks, secrets and
//! time limit as the TUI's.

use super::table::Table;
use super::{report, run_job, CommandError, EXIT_CONFIRM, EXIT_ERROR, EXIT_OK};
use crate::cli::{VoiceCommand, VoiceTarget};
use crate::config::Config;
use crate::domain::job::{JobKind, JobState, VoiceOp};
use crate::domain::vendor::Vendor;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Family, FAMILIES};
use crate::worker::JobOutcome;
use serde_json::Value;

fn fail(e: impl std::fmt::Display) -> i32 {
    errln!("switchboard: {e}");
    EXIT_ERROR
}

/// The family named by its path segment (in any case), nested when a
/// parent is given.
fn family(segment: &str, parent: Option<&str>) -> Result<&'static Family, CommandError> {
    let lower = segment.to_ascii_lowercase();
    voice_registry::by_segment(&lower, parent.is_some()).ok_or_else(|| {
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
                .any(|f| f.segment == lower && f.parent.is_some())
        {
            " (it lives under a Communication Manager: add --parent CM_ID)"
        } else {
            ""
        };
        CommandError::UnknownFamily {
            segment: segment.to_string(),
            hint,
            known: known.join(", "),
        }
    })
}

/// The AXP connection named, or the only one (config file or made here).
fn axp_name(config: &Config, named: Option<String>) -> Result<String, CommandError> {
    super::only_connection(config, Vendor::Axp, "AXP", named)
}

/// A live read's result: the job's `detail`, or its error on stderr.
fn read_result(outcome: JobOutcome) -> Result<Value, i32> {
    match (outcome.state, outcome.detail) {
        (JobState::Succeeded, Some(v)) => Ok(v),
        (_, _) if outcome.error.is_empty() => Err(fail("the worker stopped")),
        _ => Err(fail(outcome.error)),
    }
}

fn read_json(path: &std::path::Path) -> Result<Value, CommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| CommandError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| CommandError::NotJson {
        path: path.to_path_buf(),
        source,
    })
}

/// A column's title from its JSON field name: `phoneNumber` → `phone number`.
fn column_title(field: &str) -> String {
    let mut title = String::with_capacity(field.len() + 4);
    for c in field.chars() {
        if c.is_uppercase() && !title.is_empty() {
            title.push(' ');
        }
        title.extend(c.to_lowercase());
    }
    title
}

/// A table of the items: the id, then the registry's columns.
fn print_rows(f: &Family, items: &[Value], header: bool) {
    let titles: Vec<String> = std::iter::once(f.id_field)
        .chain(f.columns.iter().copied())
        .map(column_title)
        .collect();
    let mut table = Table::new(&titles);
    for it in items {
        let cell = |k: &str| match voice_body::cell_text(it.get(k)) {
            t if t.is_empty() => "-".to_string(),
            t => t,
        };
        let mut cells = vec![cell(f.id_field)];
        cells.extend(f.columns.iter().map(|c| cell(c)));
        table.row(&cells);
    }
    table.print(header);
}

pub fn run(config: Config, read_only: bool, cmd: VoiceCommand) -> i32 {
    match cmd {
        VoiceCommand::List {
            family: seg,
            target,
            filters,
            json,
            no_header,
        } => list(
            config,
            read_only,
            &seg,
            target,
            &filters,
            (json, !no_header),
        ),
        VoiceCommand::Get {
            family: seg,
            id,
            target,
        } => get(config, read_only, &seg, &id, target),
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
        } => delete(
            &config,
            read_only,
            (&seg, id),
            target,
            (yes, force, wait, json),
        ),
        VoiceCommand::Action {
            family: seg,
            action,
            id,
            file,
            target,
            json,
        } => match action_job(&config, &seg, action, id, file.as_deref(), target) {
            Ok(kind) => report_with_detail(run_job(config, read_only, kind), json),
            Err(e) => fail(e),
        },
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
            let kind = sync_cm_job(connection, cm, &entities, name, wait);
            report(run_job(config, read_only, kind), json)
        }
    }
}

/// `voice delete`: only with `--yes` (else exit 3, nothing sent).
fn delete(
    config: &Config,
    read_only: bool,
    (seg, id): (&str, String),
    target: VoiceTarget,
    (yes, force, wait, json): (bool, bool, bool, bool),
) -> i32 {
    if !yes {
        errln!("switchboard: deleting {seg} {id} cannot be undone; add --yes to do it");
        return EXIT_CONFIRM;
    }
    let op = VoiceOp::Delete { force };
    write(
        config,
        read_only,
        seg,
        Some(id),
        op,
        None,
        target,
        wait,
        json,
    )
}

/// An action's outcome, and what it answered (`--json` prints both as one
/// object).
fn report_with_detail(outcome: JobOutcome, json: bool) -> i32 {
    if !json {
        if let Some(d) = &outcome.detail {
            super::print_json(d);
        }
    }
    report(outcome, json)
}

/// The job of `voice action`: the family checked, the body file read and
/// the AXP connection chosen, in that order.
fn action_job(
    config: &Config,
    seg: &str,
    action: String,
    id: Option<String>,
    file: Option<&std::path::Path>,
    target: VoiceTarget,
) -> Result<JobKind, CommandError> {
    let f = family(seg, target.parent.as_deref())?;
    let body = file.map(read_json).transpose()?;
    let connection = axp_name(config, target.connection)?;
    Ok(JobKind::VoiceAction {
        connection,
        family: f.key.into(),
        parent: target.parent,
        id,
        action,
        body,
    })
}

/// The job of `voice sync-cm`: entity names upper-cased, and a name from
/// the time when none is given.
fn sync_cm_job(
    connection: String,
    cm: String,
    entities: &[String],
    name: Option<String>,
    wait: bool,
) -> JobKind {
    let name = name.unwrap_or_else(|| {
        format!(
            "switchboard-sync-{}",
            crate::clock::now().format("%Y%m%dT%H%M%SZ")
        )
    });
    let entities = entities.iter().map(|e| e.trim().to_uppercase()).collect();
    JobKind::SyncCm {
        connection,
        cm,
        entities,
        name,
        wait,
    }
}

fn list(
    config: Config,
    read_only: bool,
    seg: &str,
    target: VoiceTarget,
    filters: &[String],
    (json, header): (bool, bool),
) -> i32 {
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
        // The key as the API spells it, whatever its case (`countrycode`).
        let known = kv
            .split_once('=')
            .and_then(|(k, v)| Some((*f.filters.iter().find(|n| n.eq_ignore_ascii_case(k))?, v)));
        match known {
            Some((k, v)) => query.push((k.to_string(), v.to_string())),
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
    let connection = match axp_name(&config, target.connection) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let kind = JobKind::VoiceList {
        connection: connection.clone(),
        family: f.key.into(),
        parent: target.parent,
        filters: query,
    };
    let items = match read_result(run_job(config, read_only, kind)) {
        Ok(items) => items,
        Err(code) => return code,
    };
    let rows = items.as_array().map_or(&[][..], Vec::as_slice);
    if rows.is_empty() {
        errln!("no {} on {connection}", f.title.to_lowercase());
    }
    if json {
        super::print_json(&items);
    } else {
        print_rows(f, rows, header);
    }
    EXIT_OK
}

fn get(config: Config, read_only: bool, seg: &str, id: &str, target: VoiceTarget) -> i32 {
    let f = match family(seg, target.parent.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(e),
    };
    let connection = match axp_name(&config, target.connection) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let kind = JobKind::VoiceGet {
        connection,
        family: f.key.into(),
        parent: target.parent,
        id: id.to_string(),
    };
    match read_result(run_job(config, read_only, kind)) {
        Ok(item) => {
            super::print_json(&item);
            EXIT_OK
        }
        Err(code) => code,
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

pub fn refresh(config: Config, read_only: bool, name: String, json: bool) -> i32 {
    report(
        run_job(
            config,
            read_only,
            JobKind::RefreshVoice { connection: name },
        ),
        json,
    )
}
