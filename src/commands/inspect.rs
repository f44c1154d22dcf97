//! `config check`, `connections list` and `jobs`: read-only views.

use super::table::Table;
use super::{EXIT_ERROR, EXIT_OK};
use crate::clock;
use crate::config::{Config, ConnectionRef};
use crate::domain::job::JobState;
use crate::domain::text::count;
use crate::domain::vendor::ConnectionSource;
use crate::query::connections::{listing, listing_with_stale};
use crate::store::jobs::JobRecord;
use crate::store::remote::Stale;
use serde_json::{json, Value};

/// A connection as `config check` lists it (a line, not a table: each
/// is followed by its secrets).
fn describe(c: &ConnectionRef<'_>) -> String {
    let notes = notes(c, ConnectionSource::ConfigFile);
    format!(
        "  {:<14} {:<16} {}  auth {}{}",
        c.vendor(),
        c.name(),
        c.address(),
        auth_text(c),
        if notes.is_empty() {
            String::new()
        } else {
            format!("  [{notes}]")
        }
    )
}

pub fn config_check(config: &Config) -> i32 {
    // The one command that resolves every secret of the file: each
    // source's problem, with file, line and key (never a value).
    let problems = config.check_secrets();
    if !problems.is_empty() {
        for p in &problems {
            errln!("switchboard: {p}");
        }
        return EXIT_ERROR;
    }
    match &config.file {
        Some(f) => outln!("config: {} (ok)", f.display()),
        None => outln!("config: none found (using defaults; see config.example.toml)"),
    }
    outln!("store:  {}", config.store_path.display());
    outln!("logs:   {}", config.log_dir.display());
    let s = &config.inventory;
    outln!(
        "inventory: audiocodes_cooling_duration_days = {}, cooling_duration_days = {}, guard > {} and > {}%",
        s.audiocodes_cooling_duration_days, s.cooling_duration_days, s.cooling_guard_min, s.cooling_guard_percent
    );
    let conns = config.connections();
    outln!("connections ({}):", conns.len());
    for c in &conns {
        outln!("{}", describe(c));
        for e in c.secret_sources() {
            outln!(
                "      {} = ******** ({}, resolved)",
                e.key,
                e.source.describe()
            );
        }
    }
    EXIT_OK
}

/// How a connection authenticates, as listed.
fn auth_text(c: &ConnectionRef<'_>) -> String {
    match c {
        ConnectionRef::AudioCodes(a) => a.auth.as_str().to_string(),
        _ => "oauth2 client credentials".into(),
    }
}

/// What else a listing says of a connection: TLS, read-only, where it was made.
fn notes(c: &ConnectionRef<'_>, source: ConnectionSource) -> String {
    let mut notes = Vec::new();
    if c.tls().insecure_skip_verify {
        notes.push("TLS VERIFY OFF".to_string());
    }
    if let Some(ca) = &c.tls().ca_file {
        notes.push(format!("ca_file {}", ca.display()));
    }
    if c.read_only() {
        notes.push("read-only".into());
    }
    if source == ConnectionSource::Store {
        notes.push("made in switchboard".into());
    }
    notes.join(", ")
}

/// One connection as JSON; the keys are documented on `connections list
/// --json`.
fn connection_json(c: &ConnectionRef<'_>, source: ConnectionSource, stale: &[&Stale]) -> Value {
    let stale: Vec<Value> = stale
        .iter()
        .map(|k| {
            json!({
                "kind": k.kind,
                "refreshed_at": k.refreshed_at,
                "failed_at": k.failed_at,
                "error": k.error,
            })
        })
        .collect();
    json!({
        "name": c.name(),
        "vendor": c.vendor().as_str(),
        "source": source.as_str(),
        "address": c.address(),
        "auth": auth_text(c),
        "read_only": c.read_only(),
        "tls_verify": !c.tls().insecure_skip_verify,
        "ca_file": c.tls().ca_file.as_ref().map(|p| p.display().to_string()),
        "stale": stale,
    })
}

/// The config file's connections, then the ones made in the TUI (read
/// from the store when it exists; `connections list` never creates one).
/// The read model's listing: no secret is resolved or loaded.
pub fn connections_list(config: &Config, json: bool, header: bool) -> i32 {
    let (listed, stale) = if config.store_path.exists() {
        match super::open_store(config).and_then(|s| listing_with_stale(&s, config)) {
            Ok(found) => found,
            Err(e) => {
                errln!("switchboard: {e}");
                return EXIT_ERROR;
            }
        }
    } else {
        (listing(config, &[]), vec![])
    };
    if listed.is_empty() {
        errln!(
            "no connections configured; add one to the config file (see config.example.toml) \
             or press n on the dashboard's Connections tab"
        );
    }
    let stale_of =
        |name: &str| -> Vec<&Stale> { stale.iter().filter(|k| k.connection == name).collect() };
    if json {
        let v: Vec<Value> = listed
            .iter()
            .map(|l| {
                let c = l.connection.as_ref();
                connection_json(&c, l.source, &stale_of(c.name()))
            })
            .collect();
        super::print_json(&v);
        return EXIT_OK;
    }
    let mut table = Table::new(&["vendor", "name", "address", "auth", "notes"]);
    for l in &listed {
        let c = l.connection.as_ref();
        table.row(&[
            c.vendor().to_string(),
            c.name().to_string(),
            c.address(),
            auth_text(&c),
            notes(&c, l.source),
        ]);
        // What a connection's last refresh could not fetch: kept, but old.
        for k in stale_of(c.name()) {
            let kept = k
                .refreshed_at
                .as_deref()
                .map_or("nothing kept (never fetched)".to_string(), |at| {
                    format!("items from {}", clock::human(at))
                });
            table.note(&format!(
                "      STALE {}: {kept}; the refresh at {} failed: {}",
                k.kind,
                clock::human(&k.failed_at),
                k.error
            ));
        }
    }
    table.print(header);
    EXIT_OK
}

/// One job as JSON; the keys are documented on `jobs --json`. Empty
/// summaries and errors are `null`.
fn job_json(j: &JobRecord) -> Value {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
    json!({
        "id": j.id,
        "kind": j.kind,
        "target": text(&j.target),
        "state": j.state.as_str(),
        "created_at": j.created_at,
        "started_at": j.started_at,
        "ended_at": j.ended_at,
        "done": j.done,
        "total": j.total,
        "summary": text(&j.summary),
        "error": text(&j.error),
    })
}

pub fn jobs(config: &Config, limit: usize, json: bool, header: bool) -> i32 {
    let mut store = match super::open_store(config) {
        Ok(s) => s,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    // Jobs whose process is gone without recording their end are closed
    // first (a store that writes), so the list says how they ended.
    if !config.read_only {
        if let Err(e) = crate::worker::housekeeping::tidy(&mut store, config) {
            tracing::warn!("start-up housekeeping of the store failed: {e}");
        }
    }
    let jobs = match store.recent_jobs(limit) {
        Ok(jobs) => jobs,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    if jobs.is_empty() {
        errln!(
            "no jobs recorded in {}; a sync, refresh, sweep or number change records one",
            config.store_path.display()
        );
    }
    if json {
        let v: Vec<Value> = jobs.iter().map(job_json).collect();
        super::print_json(&v);
        return EXIT_OK;
    }
    let mut table = Table::new(&["created", "state", "kind", "target", "summary"]);
    for j in jobs {
        let text = if j.error.is_empty() || j.state == JobState::Partial {
            j.summary
        } else {
            j.error
        };
        table.row(&[
            j.created_at,
            j.state.as_str().to_string(),
            j.kind,
            j.target,
            first_line(&text),
        ]);
    }
    table.print(header);
    EXIT_OK
}

/// A summary or error of several lines (an import's bad lines) as one
/// table cell: its first line, and how many more `jobs --json` holds.
fn first_line(text: &str) -> String {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    match lines.count() {
        0 => first.to_string(),
        more => format!(
            "{first} (and {} in `switchboard jobs --json`)",
            count(more, "more line", "more lines")
        ),
    }
}
