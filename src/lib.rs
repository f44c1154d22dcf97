//! Switchboard: a terminal dashboard for voice number estates.

pub mod api;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod logging;
pub mod panic_report;
pub mod query;
pub mod secret;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
// Removed once issue 17's TUI work lands; the lead fixes these sites. (Here
// rather than in src/tui/mod.rs so that no file under src/tui/ changes.)
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::too_many_lines
)]
pub mod tui;
pub mod worker;
