//! One module per tab, each a `component::View`: its state, its keys, its
//! drawing. Shared here: the table cursor; tables are fitted to their width
//! by `tui::columns`.

pub mod connections;
pub mod jobs;
pub mod marks;
pub mod numbers;
pub mod profiles;
pub mod services;
pub mod voice;

use ratatui::widgets::TableState;

/// A table state showing `cursor`, scrolled so that it stays on screen.
pub fn table_state(cursor: usize, len: usize) -> TableState {
    TableState::default().with_selected(if len == 0 {
        None
    } else {
        Some(cursor.min(len - 1))
    })
}
