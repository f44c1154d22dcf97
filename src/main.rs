//! Parse the command line and dispatch; nothing else (but for what a
//! panic does: see `panic_report`).

use clap::Parser;
use std::io::Write;
use switchboard::panic_report;

fn main() {
    panic_report::install();
    let cli = match switchboard::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => std::process::exit(switchboard::commands::clap_outcome(&e)),
    };
    let code = match std::panic::catch_unwind(|| switchboard::commands::run(cli)) {
        Ok(code) => code,
        // The hook has logged it with its backtrace; the dashboard's
        // terminal was given back while unwinding.
        Err(payload) => {
            let line = panic_report::one_line(&panic_report::message(&*payload));
            // Not `eprintln!`: it panics when stderr's reader is gone.
            let _ = writeln!(std::io::stderr(), "switchboard: {line}");
            panic_report::EXIT_INTERNAL
        }
    };
    panic_report::flush_log();
    std::process::exit(code);
}
