//! Switchboard: a terminal dashboard for voice number estates.

pub mod api;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod free_later;
pub mod logging;
pub mod panic_report;
pub mod query;
pub mod secret;
#[cfg(feature = "sim")]
pub mod sim;
pub mod store;
pub mod tui;
pub mod worker;
