//! `numbers`, `purge`, `audit` and `worker`: the inventory's headless front
//! door. Writes go through worker jobs, exactly as from the TUI.

use super::stdout::{self, Stdout};
use super::table::{StreamTable, Table};
use super::{report, run_job, runtime, EXIT_CONFIRM, EXIT_ERROR, EXIT_OK};
use crate::cli::{NumbersArgs, NumbersCommand};
use crate::config::Config;
use crate::domain::actions::NumberAction;
use crate::domain::invalid::Invalid;
use crate::domain::job::JobKind;
use crate::domain::number::canonical;
use crate::domain::number_io::{ExportRow, ExportWriter};
use crate::domain::terminal_text::SafeWriter;
use crate::store::number_query::NumberQuery;
use crate::store::number_widths::NumberWidths;
use crate::worker::Worker;
use std::sync::Arc;

pub fn purge(config: Config, read_only: bool, name: String, yes: bool) -> i32 {
    if !yes {
        errln!(
            "switchboard: purging {name} removes its cached registered users and cools every number it holds; \
             re-run with --yes to confirm"
        );
        return EXIT_CONFIRM;
    }
    report(
        run_job(
            config,
            read_only,
            JobKind::PurgeAudioCodes { connection: name },
        ),
        false,
    )
}

pub fn audit(config: Config, read_only: bool, fix: bool, json: bool, header: bool) -> i32 {
    // From the status counters, so a large store pays nothing for it.
    let empty = super::open_store(&config)
        .and_then(|s| s.status_counts())
        .is_ok_and(|counts| counts.iter().all(|(_, n)| *n == 0));
    let outcome = run_job(config, read_only, JobKind::Audit { fix });
    if empty && !json {
        say_why_none(None);
    }
    if json || outcome.detail.is_none() {
        return report(outcome, json);
    }
    let findings = outcome
        .detail
        .as_ref()
        .and_then(|d| d.get("findings"))
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    let field = |f: &serde_json::Value, k: &str| {
        f.get(k).and_then(|v| v.as_str()).unwrap_or("-").to_string()
    };
    let mut table = Table::new(&["number", "finding", "status", "connection", "action"]);
    for f in &findings {
        table.row(&[
            field(f, "number"),
            field(f, "kind"),
            field(f, "status"),
            field(f, "connection"),
            f.get("fix")
                .and_then(|v| v.as_str())
                .map(|s| format!("fix: {s}"))
                .unwrap_or_else(|| "left alone (another vendor or status)".into()),
        ]);
    }
    table.print(header);
    report(outcome, false)
}

/// Canonical forms of numbers typed on the command line, or the first error.
fn canonical_all(raw: &[String]) -> Result<Vec<String>, Invalid> {
    raw.iter().map(|n| canonical(n)).collect()
}

pub fn numbers(config: Config, read_only: bool, args: NumbersArgs) -> i32 {
    let kind = match args.command {
        None => return list(&config, &args),
        Some(NumbersCommand::AddRange { from, to }) => Ok(JobKind::AddRange { from, to }),
        Some(NumbersCommand::Import { file }) => Ok(JobKind::Import {
            path: file.display().to_string(),
        }),
        Some(NumbersCommand::Release { numbers }) => edit(&numbers, NumberAction::Release),
        Some(NumbersCommand::Cool { numbers, days }) => edit(&numbers, NumberAction::Cool { days }),
        Some(NumbersCommand::Extend { numbers, days }) => {
            edit(&numbers, NumberAction::Extend { days })
        }
        Some(NumbersCommand::Reserve { numbers }) => edit(&numbers, NumberAction::Reserve),
        Some(NumbersCommand::Unreserve { numbers }) => edit(&numbers, NumberAction::Unreserve),
        Some(NumbersCommand::Tag { number, text }) => edit(&[number], NumberAction::Tag { text }),
    };
    match kind {
        Ok(kind) => report(run_job(config, read_only, kind), false),
        Err(e) => {
            errln!("switchboard: {e}");
            EXIT_ERROR
        }
    }
}

fn edit(numbers: &[String], action: NumberAction) -> Result<JobKind, Invalid> {
    action.validate()?;
    Ok(JobKind::EditNumbers {
        numbers: canonical_all(numbers)?,
        action,
    })
}

fn list(config: &Config, args: &NumbersArgs) -> i32 {
    let query = NumberQuery {
        status: args.status,
        vendor: args.vendor.clone(),
        text: args.filter.clone().unwrap_or_default(),
        ..Default::default()
    };
    let store = match super::open_store(config) {
        Ok(s) => s,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    let widths = match store.number_widths(&query) {
        Ok(w) => w,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    if widths.rows == 0 {
        say_why_none(Some((&store, &query)));
    }
    let out = std::io::BufWriter::new(Stdout);
    let result = if args.csv && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        // CSV is for files and programs; on a terminal its vendor text is
        // escaped like every line for people (JSON escapes its own).
        export(&store, &query, SafeWriter(out), false)
    } else if args.json || args.csv {
        export(&store, &query, out, args.json)
    } else if widths.rows == 0 {
        Ok(0)
    } else {
        table(&store, &query, &widths, !args.no_header)
    };
    match result {
        Ok(_) => EXIT_OK,
        // Said (or, for a reader gone, not said) where it failed.
        Err(crate::store::StoreError::Output(_)) if stdout::failed() => EXIT_ERROR,
        Err(e) => {
            errln!("switchboard: {e}");
            EXIT_ERROR
        }
    }
}

/// The `numbers` table, streamed with widths fitted from the store.
fn table(
    store: &crate::store::Store,
    query: &NumberQuery,
    w: &NumberWidths,
    header: bool,
) -> crate::store::Result<usize> {
    let output = crate::store::StoreError::Output;
    // An empty cell shows as "-" (one character), so a column of them
    // still reads as one.
    let widths = [
        w.number,
        w.status,
        w.usage.max(1),
        w.vendor.max(1),
        w.release_date.max(1),
        w.connection.max(1),
        0,
    ];
    let mut t = StreamTable::start(
        std::io::BufWriter::new(Stdout),
        &NUMBER_COLUMNS,
        &widths,
        header,
    )
    .map_err(output)?;
    let n = store.for_each_number(query, |i| {
        let r = ExportRow::from(i);
        t.row(&[
            r.number,
            r.status,
            or_dash(r.usage),
            or_dash(r.vendor),
            r.release_date.as_deref().unwrap_or("-"),
            r.connection.unwrap_or("-"),
            or_dash(r.tag),
        ])
    })?;
    t.finish().map_err(output)?;
    Ok(n)
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

/// The columns of the `numbers` table.
const NUMBER_COLUMNS: [&str; 7] = [
    "number",
    "status",
    "usage",
    "vendor",
    "release",
    "connection",
    "tag",
];

/// On stderr, why a `numbers` listing is empty: nothing stored (and what
/// to run), or nothing that matches the filters.
/// Why a listing shows no number: none stored (and how to add some), or
/// none matching (`query`'s filters, on `store`).
fn say_why_none(filtered: Option<(&crate::store::Store, &NumberQuery)>) {
    let stored = match filtered {
        Some((store, query)) if *query != NumberQuery::default() => store
            .number_widths(&NumberQuery::default())
            .map_or(1, |w| w.rows),
        _ => 0,
    };
    if stored == 0 {
        errln!(
            "no numbers stored; add some with `switchboard numbers add-range FROM TO` or \
             `switchboard numbers import FILE`, or run `switchboard sync audiocodes NAME`"
        );
    } else {
        errln!("no numbers match the filters");
    }
}

/// Every row of `query` as CSV or JSON to `out`.
fn export(
    store: &crate::store::Store,
    query: &NumberQuery,
    out: impl std::io::Write,
    json: bool,
) -> crate::store::Result<usize> {
    let mut w = ExportWriter::start(out, json).map_err(crate::store::StoreError::Output)?;
    store.for_each_number(query, |i| w.row(i))?;
    w.finish().map_err(crate::store::StoreError::Output)
}

/// `switchboard worker`: the clockwork without a screen. `--once` runs one
/// round and waits for the jobs it started.
pub fn worker(config: Config, read_only: bool, once: bool) -> i32 {
    // Before the first round: config connections mirrored, jobs of a
    // process that is gone closed (a sweep or sync may not run at all).
    super::tidy_store(&config, read_only);
    runtime().block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::new(Arc::new(config), read_only, tx);
        if once && worker.read_only_everywhere() {
            // Nothing a round does (sweep, due syncs) may run: paused, as
            // the long-running worker is; said, not left to be guessed.
            errln!("switchboard worker: read-only, so sweeps and scheduled syncs are paused: this round ran nothing");
            return EXIT_OK;
        }
        if once {
            let (ids, check_failed) = worker.tick().await;
            let mut pending: std::collections::HashSet<String> = ids.into_iter().collect();
            let mut failed = false;
            if let Some(e) = check_failed {
                errln!("switchboard: {e}");
                failed = true;
            }
            while !pending.is_empty() {
                match rx.recv().await {
                    Some(crate::worker::JobEvent::Finished { id, outcome }) => {
                        pending.remove(&id);
                        print_outcome(&outcome);
                        failed |= outcome.state != crate::domain::job::JobState::Succeeded;
                    }
                    Some(_) => {}
                    None => break,
                }
            }
            return if failed { EXIT_ERROR } else { EXIT_OK };
        }
        if worker.read_only_everywhere() {
            errln!("switchboard worker: read-only, so sweeps and scheduled syncs are paused; Ctrl-C stops");
        } else {
            errln!("switchboard worker: sweeping and running schedules every minute; Ctrl-C stops");
        }
        worker.start_clockwork();
        let mut interrupts = super::interrupts::Interrupts::listen();
        loop {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Some(crate::worker::JobEvent::Finished { outcome, .. }) => {
                        print_outcome(&outcome);
                        // Nobody reads on: end the jobs under way (each
                        // records its end, none is left "running"), then stop.
                        if stdout::failed() {
                            let patience = std::time::Duration::from_secs(10);
                            crate::tui::shutdown::end_jobs(&worker, &mut rx, patience, |_| {})
                                .await;
                            return EXIT_OK;
                        }
                    }
                    Some(_) => {}
                    None => return EXIT_OK,
                },
                () = super::interrupts::next(&mut interrupts) => return EXIT_OK,
            }
        }
    })
}

fn print_outcome(o: &crate::worker::JobOutcome) {
    if o.error.is_empty() {
        outln!("{}", o.summary);
    } else if o.state == crate::domain::job::JobState::Partial {
        outln!("{}", o.summary);
        errln!("switchboard: {}", o.error);
    } else {
        errln!("switchboard: {}", o.error);
    }
}
