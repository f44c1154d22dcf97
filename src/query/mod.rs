//! The read model: what the dashboard's reader and the headless commands
//! show, read from the store in one place. Every listing here reads stored
//! rows only: no secret is resolved or loaded (a connection's secrets are
//! read by the worker when a job builds its client, see
//! `worker::stored_connections::find`). SQL stays in `store/`; these
//! functions combine its answers with the config and make vendor text
//! safe for a terminal.

pub mod connections;
pub mod export;
pub mod jobs;
pub mod live_platform;
pub mod numbers;
pub mod short_filter;
pub mod voice;

use crate::domain::terminal_text::terminal_safe;

/// `s` with what a terminal would act on escaped.
pub(crate) fn safe(s: String) -> String {
    match terminal_safe(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(o) => o,
    }
}
