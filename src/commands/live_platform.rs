//! `profiles`, `services`, `leads`, `oc create-service` and `refresh
//! live-platform`: Live Platform from the command line. Lists read the
//! store (what the last refresh fetched); writes go through worker jobs.

use super::table::Table;
use super::{report, run_job_with, EXIT_ERROR, EXIT_OK};
use crate::config::Config;
use crate::domain::calling_profile::{problems_by_connection, CallingProfile};
use crate::domain::job::JobKind;
use crate::domain::oc_service::CreateServiceRequest;
use crate::domain::text::count;
use crate::domain::vendor::Vendor;
use crate::store::StoreError;
use serde_json::Value;

/// The stored items of `kind`, each with the connection it came from.
fn items(config: &Config, kind: &str) -> Result<Vec<(String, Value)>, StoreError> {
    let store = super::open_store(config)?;
    crate::query::live_platform::bodies(&store, kind)
}

fn fail(e: impl std::fmt::Display) -> i32 {
    errln!("switchboard: {e}");
    EXIT_ERROR
}

/// What a listing of the stored `kind` says on stderr when the store has
/// none: what to run to fetch them.
fn say_none_stored(what: &str) {
    errln!("no {what} stored; run `switchboard refresh live-platform NAME` to fetch them");
}

pub fn profiles(config: &Config, only_problems: bool, json: bool, header: bool) -> i32 {
    let (connections, bodies): (Vec<String>, Vec<Value>) = match items(config, "calling_profile") {
        Ok(b) => b.into_iter().unzip(),
        Err(e) => return fail(e),
    };
    if bodies.is_empty() {
        say_none_stored("calling profiles");
    }
    let parsed: Result<Vec<CallingProfile>, _> = bodies
        .into_iter()
        .map(serde_json::from_value::<CallingProfile>)
        .collect();
    let profiles = match parsed {
        Ok(p) => p,
        Err(e) => return fail(format!("a stored calling profile is unreadable: {e}")),
    };
    let marks = problems_by_connection(&profiles, &connections);
    let rows: Vec<(&String, &CallingProfile, &Vec<_>)> = connections
        .iter()
        .zip(profiles.iter())
        .zip(marks.iter())
        .map(|((c, p), m)| (c, p, m))
        .filter(|(_, _, m)| !only_problems || !m.is_empty())
        .collect();
    if json {
        let v: Vec<Value> = rows
            .iter()
            .map(|(c, p, m)| serde_json::json!({ "connection": c, "profile": p, "problems": m }))
            .collect();
        super::print_json(&v);
        return EXIT_OK;
    }
    let mut table = Table::new(&["name", "id", "environment", "region", "trunks", "health"]);
    for (_, p, m) in rows {
        let marks: Vec<String> = m.iter().map(ToString::to_string).collect();
        table.row(&[
            p.name.clone(),
            p.calling_profile_id.clone(),
            p.environment.clone().unwrap_or_else(|| "-".into()),
            p.region.clone().unwrap_or_else(|| "-".into()),
            count(p.trunks_enrolled.len(), "trunk", "trunks"),
            if marks.is_empty() {
                "ok".into()
            } else {
                marks.join("; ")
            },
        ]);
    }
    table.print(header);
    EXIT_OK
}

/// `services`: the stored Operator Connect services.
pub fn services(config: &Config, json: bool, header: bool) -> i32 {
    list(
        config,
        ("service", "Operator Connect services"),
        json,
        header,
        &[
            ("short name", "/CustomerShortName"),
            ("full name", "/CustomerFullName"),
            ("license", "/LicenseType"),
            ("licensed", "/LicensedUsersCount"),
            ("active", "/ActiveUserCount"),
            ("tenant", "/MsTenantId"),
        ],
    )
}

/// `leads`: the stored Operator Connect leads.
pub fn leads(config: &Config, json: bool, header: bool) -> i32 {
    list(
        config,
        ("lead", "Operator Connect leads"),
        json,
        header,
        &[
            ("id", "/id"),
            ("status", "/status"),
            ("tenant", "/tenantId"),
            ("company", "/contactDetails/companyName"),
            ("email", "/contactDetails/email"),
        ],
    )
}

/// `services` and `leads`: the stored items of `kind` as JSON (as the
/// vendor sent them), or a table of `columns` (title, JSON pointer);
/// `what` names them in the hint of an empty store.
fn list(
    config: &Config,
    (kind, what): (&str, &str),
    json: bool,
    header: bool,
    columns: &[(&str, &str)],
) -> i32 {
    let bodies: Vec<Value> = match items(config, kind) {
        Ok(b) => b.into_iter().map(|(_, body)| body).collect(),
        Err(e) => return fail(e),
    };
    if bodies.is_empty() {
        say_none_stored(what);
    }
    if json {
        super::print_json(&bodies);
        return EXIT_OK;
    }
    let titles: Vec<&str> = columns.iter().map(|(title, _)| *title).collect();
    let mut table = Table::new(&titles);
    for b in &bodies {
        let cells: Vec<String> = columns
            .iter()
            .map(|(_, pointer)| match b.pointer(pointer) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::String(_) | Value::Null) | None => "-".into(),
                Some(v) => v.to_string(),
            })
            .collect();
        table.row(&cells);
    }
    table.print(header);
    EXIT_OK
}

pub fn create_service(
    config: Config,
    read_only: bool,
    file: &std::path::Path,
    connection: Option<String>,
    wait: bool,
    json: bool,
) -> i32 {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {}: {e}", file.display())),
    };
    let request: CreateServiceRequest = match serde_json::from_str(&text) {
        Ok(r) => r,
        Err(e) => return fail(format!("{}: not a service request: {e}", file.display())),
    };
    if let Some((field, problem)) = request.validate().into_iter().next() {
        return fail(format!(
            "{}: field `{field}`: {problem}; nothing was sent",
            file.display()
        ));
    }
    let name =
        match super::only_connection(&config, Vendor::LivePlatform, "Live Platform", connection) {
            Ok(n) => n,
            Err(e) => return fail(e),
        };
    report(
        run_job_with(config, read_only, move |w| {
            w.create_service(name, request, wait)
        }),
        json,
    )
}

pub fn refresh(config: Config, read_only: bool, name: String, json: bool) -> i32 {
    report(
        super::run_job(
            config,
            read_only,
            JobKind::RefreshLivePlatform { connection: name },
        ),
        json,
    )
}
