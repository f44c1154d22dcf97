//! Parse the command line and dispatch; nothing else.

use clap::Parser;

fn main() {
    let cli = switchboard::cli::Cli::parse();
    std::process::exit(switchboard::commands::run(cli));
}
