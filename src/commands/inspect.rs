//! `config check`, `connections list` and `jobs`: read-only views.

use super::{EXIT_ERROR, EXIT_OK};
use crate::clock;
use crate::config::{Config, ConnectionRef};
use crate::domain::job::JobState;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::vendor::ConnectionSource;
use crate::query::connections::{listing, listing_with_stale};

fn describe(c: &ConnectionRef<'_>) -> String {
    let mut badges = Vec::new();
    if c.tls().insecure_skip_verify {
        badges.push("TLS VERIFY OFF".to_string());
    }
    if let Some(ca) = &c.tls().ca_file {
        badges.push(format!("ca_file {}", ca.display()));
    }
    if c.read_only() {
        badges.push("read-only".into());
    }
    let auth = match c {
        ConnectionRef::AudioCodes(a) => format!("auth {}", a.auth.as_str()),
        _ => "auth oauth2 client credentials".into(),
    };
    format!(
        "  {:<14} {:<16} {}  {}{}",
        c.vendor(),
        c.name(),
        c.address(),
        auth,
        if badges.is_empty() {
            String::new()
        } else {
            format!("  [{}]", badges.join(", "))
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

/// The config file's connections, then the ones made in the TUI (read
/// from the store when it exists; `connections list` never creates one).
/// The read model's listing: no secret is resolved or loaded.
pub fn connections_list(config: &Config) -> i32 {
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
    // What a connection's last refresh could not fetch: kept, but old.
    let stale_lines = |name: &str| {
        for k in stale.iter().filter(|k| k.connection == name) {
            let kept = k
                .refreshed_at
                .as_deref()
                .map_or("nothing kept (never fetched)".to_string(), |at| {
                    format!("items from {}", clock::human(at))
                });
            outln!(
                "      STALE {}: {kept}; the refresh at {} failed: {}",
                k.kind,
                clock::human(&k.failed_at),
                terminal_safe(&k.error)
            );
        }
    };
    if listed.is_empty() {
        outln!("no connections configured");
    }
    for l in &listed {
        let c = l.connection.as_ref();
        if l.source == ConnectionSource::Store {
            outln!("{}  (made in switchboard)", describe(&c));
        } else {
            outln!("{}", describe(&c));
        }
        stale_lines(c.name());
    }
    EXIT_OK
}

pub fn jobs(config: &Config, limit: usize) -> i32 {
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
    match store.recent_jobs(limit) {
        Ok(jobs) => {
            for j in jobs {
                let text = if j.error.is_empty() || j.state == JobState::Partial {
                    j.summary
                } else {
                    j.error
                };
                outln!(
                    "{}  {:<9} {:<8} {:<16} {}",
                    j.created_at,
                    j.state.as_str(),
                    j.kind,
                    j.target,
                    text
                );
            }
            EXIT_OK
        }
        Err(e) => {
            errln!("switchboard: {e}");
            EXIT_ERROR
        }
    }
}
