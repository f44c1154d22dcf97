//! `profiles`, `services`, `leads`, `oc create-service` and `refresh
//! live-platform`: Live Platform from the command line. Lists read the
//! store (what the last refresh fetched); writes go through worker jobs.

use super::{report, run_job_with, EXIT_ERROR, EXIT_OK};
use crate::config::Config;
use crate::domain::calling_profile::{problems, CallingProfile};
use crate::domain::job::JobKind;
use crate::domain::oc_service::CreateServiceRequest;
use crate::store::Store;
use serde_json::Value;

fn items(config: &Config, kind: &str) -> Result<Vec<Value>, String> {
    let store = Store::open(&config.store_path).map_err(|e| e.to_string())?;
    Ok(store
        .remote_items(None, kind)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(_, i)| i.body)
        .collect())
}

fn fail(e: impl std::fmt::Display) -> i32 {
    eprintln!("switchboard: {e}");
    EXIT_ERROR
}

pub fn profiles(config: &Config, only_problems: bool, json: bool) -> i32 {
    let bodies = match items(config, "calling_profile") {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let parsed: Result<Vec<CallingProfile>, _> = bodies
        .into_iter()
        .map(serde_json::from_value::<CallingProfile>)
        .collect();
    let profiles = match parsed {
        Ok(p) => p,
        Err(e) => return fail(format!("a stored calling profile is unreadable: {e}")),
    };
    let marks = problems(&profiles);
    let rows: Vec<(&CallingProfile, &Vec<_>)> = profiles
        .iter()
        .zip(marks.iter())
        .filter(|(_, m)| !only_problems || !m.is_empty())
        .collect();
    if json {
        let v: Vec<Value> = rows
            .iter()
            .map(|(p, m)| serde_json::json!({ "profile": p, "problems": m }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return EXIT_OK;
    }
    for (p, m) in rows {
        let marks: Vec<String> = m.iter().map(ToString::to_string).collect();
        println!(
            "{:<40} {:<38} {:<11} {:<8} {} trunks  {}",
            p.name,
            p.calling_profile_id,
            p.environment.as_deref().unwrap_or("-"),
            p.region.as_deref().unwrap_or("-"),
            p.trunks_enrolled.len(),
            if marks.is_empty() {
                "ok".into()
            } else {
                marks.join("; ")
            }
        );
    }
    EXIT_OK
}

/// `services` and `leads`: the stored items as JSON, or a line each.
pub fn list(config: &Config, kind: &str, json: bool, columns: &[&str]) -> i32 {
    let bodies = match items(config, kind) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&bodies).unwrap_or_default()
        );
        return EXIT_OK;
    }
    for b in &bodies {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match b.pointer(c) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => "-".into(),
                Some(v) => v.to_string(),
            })
            .collect();
        println!("{}", cells.join("  "));
    }
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
    let name = match connection {
        Some(n) => n,
        None => match config.live_platform.as_slice() {
            [one] => one.name.clone(),
            [] => return fail("no Live Platform connection in the config"),
            _ => return fail("several Live Platform connections: choose one with --connection"),
        },
    };
    report(
        run_job_with(config, read_only, move |w| {
            w.create_service(name, request, wait)
        }),
        json,
    )
}

pub fn refresh(config: Config, read_only: bool, name: String) -> i32 {
    report(
        super::run_job(
            config,
            read_only,
            JobKind::RefreshLivePlatform { connection: name },
        ),
        false,
    )
}
