//! Headless subcommands: another front door to the same worker, domain and
//! store code the TUI uses.

/// A line for a person on stdout. Everything a subcommand prints for
/// people goes through this or [`errln!`]: the one place vendor text (a
/// trunk name holding `ESC ] 52`, a problem body, a `Location`) is escaped
/// on its way to the terminal. JSON goes through [`print_json`] instead.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::commands::out_line(
            &$crate::domain::terminal_text::terminal_safe_lines(&format!($($arg)*))
        )
    };
}

/// A line for a person on stderr, escaped like [`outln!`].
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::commands::err_line(
            &$crate::domain::terminal_text::terminal_safe_lines(&format!($($arg)*))
        )
    };
}

mod arm_probe;
#[cfg(feature = "sim")]
mod demo;
mod error;
pub mod exit_code;
mod inspect;
mod interrupts;
mod inventory;
mod live_platform;
mod progress_bars;
#[cfg(feature = "sim")]
mod sim_config;
mod stdout;
mod table;
mod voice;

use crate::cli::{
    Cli, Command, ConfigCommand, ConnectionsCommand, OcCommand, PurgeCommand, RefreshCommand,
    SyncCommand, TuiArgs,
};
use crate::config::{self, Config};
use crate::domain::job::{JobKind, JobState};
use crate::worker::{JobEvent, JobOutcome, Worker};
use std::sync::Arc;

pub use error::CommandError;
pub use exit_code::{Exit, EXIT_CONFIRM, EXIT_ERROR, EXIT_OK, EXIT_PARTIAL};

pub fn run(cli: Cli) -> i32 {
    // Before any secret is read: no core file, no attaching, no reading
    // of this process's memory by others of the same user.
    crate::secret::protect_process();
    if let Err(m) = crate::clock::check_env() {
        errln!("switchboard: {m}");
        return EXIT_ERROR;
    }
    let command = cli.command.unwrap_or(Command::Tui(TuiArgs::default()));
    let code = match command {
        #[cfg(feature = "sim")]
        Command::Demo(args) => demo::run(cli.read_only, &args),
        #[cfg(feature = "sim")]
        Command::Sim {
            listen,
            scenario,
            print_config,
            write_config,
            force,
            tls_cert,
            tls_key,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| crate::sim::tls::TlsFiles { cert, key });
            let config_out = match (print_config, write_config) {
                (_, Some(path)) => demo::ConfigOut::File { path, force },
                (true, None) => demo::ConfigOut::Stdout,
                (false, None) => demo::ConfigOut::None,
            };
            demo::serve_sim(listen, scenario.as_deref(), &config_out, tls)
        }
        #[cfg(not(feature = "sim"))]
        Command::NoSimulator { .. } => {
            errln!(
                "switchboard: this build has no simulator (built without the `sim` feature); \
                 `demo` and `sim` need a default build: cargo build --release"
            );
            EXIT_ERROR
        }
        command => {
            let config = match load_config(cli.config.as_deref(), cli.store) {
                // The flag and the setting are one switch from here on:
                // every store this process opens is opened read-only.
                Ok(mut c) => {
                    c.read_only |= cli.read_only;
                    c
                }
                Err(e) => {
                    errln!("switchboard: {e}");
                    return EXIT_ERROR;
                }
            };
            let log = crate::logging::init(&config.log_dir);
            crate::panic_report::keep_log(config.log_dir.join("switchboard.log"), log);
            dispatch(command, config, cli.read_only)
        }
    };
    // A reader that went away or a failed write decides the status.
    stdout::exit_code(code)
}

/// What a command line clap did not parse into a command gives: `--help`
/// and `--version` are written through the one stdout writer (a gone
/// reader exits 141 quietly, another failed write says so and exits 1);
/// anything else is clap's own (a usage error on stderr, exit 2).
pub fn clap_outcome(e: &clap::Error) -> i32 {
    use clap::error::ErrorKind;
    use std::io::{IsTerminal, Write};
    if !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit()
    }
    let rendered = e.render();
    let text = if std::io::stdout().is_terminal() {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    let mut out = stdout::Stdout;
    // A failure is recorded by the writer and decides the status.
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    stdout::exit_code(EXIT_OK)
}

pub fn load_config(
    flag: Option<&std::path::Path>,
    store: Option<std::path::PathBuf>,
) -> Result<Config, config::ConfigError> {
    let mut c = config::load(flag)?;
    if let Some(s) = store {
        c.store_path = s;
    }
    Ok(c)
}

fn dispatch(command: Command, config: Config, read_only: bool) -> i32 {
    if !matches!(command, Command::Tui(_)) {
        crate::panic_report::debug_panic_point("command");
    }
    match command {
        Command::Tui(args) => crate::tui::run(
            Arc::new(config),
            crate::tui::Start {
                read_only,
                mouse: args.mouse,
                tab: args.tab,
                jobs: vec![],
            },
        ),
        Command::Config(ConfigCommand::Check) => inspect::config_check(&config),
        Command::Connections(ConnectionsCommand::List { json, no_header }) => {
            inspect::connections_list(&config, json, !no_header)
        }
        Command::Connections(ConnectionsCommand::Test { name }) => report(
            run_job(
                config,
                read_only,
                JobKind::TestConnection { connection: name },
            ),
            false,
        ),
        Command::Connections(ConnectionsCommand::Probe { name, json }) => {
            arm_probe::run(config, read_only, name, json)
        }
        Command::Sync(SyncCommand::Audiocodes {
            name,
            dry_run,
            force,
            json,
        }) => report(
            run_job(
                config,
                read_only,
                JobKind::SyncAudioCodes {
                    connection: name,
                    dry_run,
                    force,
                },
            ),
            json,
        ),
        Command::Purge(PurgeCommand::Audiocodes { name, yes }) => {
            inventory::purge(config, read_only, name, yes)
        }
        Command::Audit {
            fix,
            json,
            no_header,
        } => inventory::audit(config, read_only, fix, json, !no_header),
        Command::Numbers(args) => inventory::numbers(config, read_only, args),
        Command::Worker { once } => inventory::worker(config, read_only, once),
        Command::Profiles {
            problems,
            json,
            no_header,
        } => live_platform::profiles(&config, problems, json, !no_header),
        Command::Services { json, no_header } => live_platform::services(&config, json, !no_header),
        Command::Leads { json, no_header } => live_platform::leads(&config, json, !no_header),
        Command::Oc(OcCommand::CreateService {
            file,
            connection,
            wait,
            json,
        }) => live_platform::create_service(config, read_only, &file, connection, wait, json),
        Command::Refresh(RefreshCommand::LivePlatform { name, json }) => {
            live_platform::refresh(config, read_only, name, json)
        }
        Command::Refresh(RefreshCommand::Axp { name, json }) => {
            voice::refresh(config, read_only, name, json)
        }
        Command::Voice(cmd) => voice::run(config, read_only, cmd),
        Command::Sweep { json } => report(run_job(config, read_only, JobKind::Sweep), json),
        Command::Jobs {
            limit,
            json,
            no_header,
        } => inspect::jobs(
            &config,
            usize::try_from(limit).unwrap_or(usize::MAX),
            json,
            !no_header,
        ),
        #[cfg(feature = "sim")]
        Command::Demo(_) | Command::Sim { .. } => unreachable!("handled before loading the config"),
        #[cfg(not(feature = "sim"))]
        Command::NoSimulator { .. } => unreachable!("handled before loading the config"),
    }
}

/// The connection `named`, else the only one of `vendor` in the config file or made in switchboard; `what` names the
/// vendor in the error.
fn only_connection(
    config: &Config,
    vendor: crate::domain::vendor::Vendor,
    what: &'static str,
    named: Option<String>,
) -> Result<String, CommandError> {
    if let Some(n) = named {
        return Ok(n);
    }
    let mut names: Vec<String> = config
        .connections()
        .into_iter()
        .filter(|c| c.vendor() == vendor)
        .map(|c| c.name().to_string())
        .collect();
    if let Ok(stored) = open_store(config).and_then(|s| s.stored_connections()) {
        names.extend(
            stored
                .into_iter()
                .filter(|c| c.spec.vendor() == vendor)
                .map(|c| c.spec.name().to_string()),
        );
    }
    names.sort();
    names.dedup();
    match names.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(CommandError::NoConnection { what }),
        _ => Err(CommandError::SeveralConnections { what }),
    }
}

/// The store, opened read-only under `--read-only` or `read_only = true`
/// (then never created, migrated or written).
pub(crate) fn open_store(config: &Config) -> crate::store::Result<crate::store::Store> {
    crate::store::Store::open_as(&config.store_path, config.read_only)
}

/// Start-up housekeeping for a command that opens the store for writing
/// (see `worker::housekeeping`); skipped under read-only. A store that
/// cannot be opened is left for the command itself to report.
pub(crate) fn tidy_store(config: &Config, read_only: bool) {
    if read_only || config.read_only {
        return;
    }
    let at = crate::store::StoreAt::new(&config.store_path, false);
    if let Err(e) = crate::worker::housekeeping::prepare_store(config, &at) {
        tracing::warn!("start-up housekeeping of the store failed: {e}");
    }
}

/// `--json` output (and the JSON a command shows as its result): exactly
/// the value, with unsafe characters as `\u` escapes, so a machine reads
/// the same strings and a terminal shows no raw control.
fn print_json<T: serde::Serialize + ?Sized>(value: &T) {
    out_line(&crate::domain::terminal_text::json_pretty(value));
}

/// One line to stdout, through [`stdout::line`]: a reader that went away
/// (`| head`) or a full disk is recorded there and decides the exit code.
pub fn out_line(text: &str) {
    stdout::line(text);
}

/// One line to stderr. A stderr that cannot be written (`2>&1 | head`
/// after head left) is let be: there is nobody to tell, and `eprintln!`
/// would panic.
pub fn err_line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// The runtime a headless command runs its worker on.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Runs one job to its end on a fresh runtime, printing its log lines to
/// stderr (with its progress as bars when stderr is a terminal).
pub fn run_job(config: Config, read_only: bool, kind: JobKind) -> JobOutcome {
    run_job_with(config, read_only, move |w| w.submit(kind))
}

/// Like [`run_job`], for jobs started by a worker method of their own.
pub fn run_job_with(
    config: Config,
    read_only: bool,
    start: impl FnOnce(&Worker) -> String,
) -> JobOutcome {
    tidy_store(&config, read_only);
    runtime().block_on(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::new(Arc::new(config), read_only, tx);
        // Ctrl-C cancels the job, which then reports where it was (a
        // store write under way is interrupted and rolled back); a second
        // Ctrl-C leaves at once. Listening starts before the job does.
        let mut listener = interrupts::Interrupts::listen();
        let id = start(&worker);
        let mut interrupts = 0;
        let mut bars = progress_bars::ProgressBars::for_stderr();
        loop {
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                () = interrupts::next(&mut listener) => {
                    interrupts += 1;
                    if interrupts > 1 {
                        std::process::exit(Exit::Interrupted.code());
                    }
                    bars.println(|| errln!("cancelling (Ctrl-C again to leave at once)"));
                    worker.cancel(&id);
                    continue;
                }
            };
            let Some(ev) = ev else { break };
            match ev {
                JobEvent::Log { id: j, line } if j == id => bars.println(|| errln!("{line}")),
                JobEvent::Progress {
                    id: j,
                    entity,
                    done,
                    failed,
                    total,
                } if j == id => bars.update(&entity, done, failed, total),
                JobEvent::Waiting { id: j, on, state } if j == id => bars.waiting(&on, &state),
                JobEvent::Finished { id: j, outcome } if j == id => {
                    bars.clear();
                    return outcome;
                }
                _ => {}
            }
        }
        JobOutcome::failed("the worker stopped")
    })
}

fn report(outcome: JobOutcome, json: bool) -> i32 {
    if json {
        // An absent summary or error is null, never "".
        let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let v = serde_json::json!({
            "state": outcome.state.as_str(),
            "summary": text(&outcome.summary),
            "error": text(&outcome.error),
            "result": outcome.detail,
        });
        print_json(&v);
    } else if !outcome.summary.is_empty()
        && matches!(outcome.state, JobState::Succeeded | JobState::Partial)
    {
        outln!("{}", outcome.summary);
    }
    let exit = Exit::of(&outcome);
    if !json {
        match exit {
            Exit::Ok => {}
            Exit::Partial => errln!("switchboard: {}", outcome.error),
            _ => {
                if !outcome.summary.is_empty() {
                    errln!("would: {}", outcome.summary);
                }
                errln!("switchboard: {}", outcome.error);
            }
        }
    }
    exit.code()
}
