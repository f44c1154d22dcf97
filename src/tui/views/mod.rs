//! One module per tab, each a `component::View`: its state, its keys, its
//! drawing. Shared here: the table helpers they draw with.

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

/// A table column that gives way on narrow terminals: its header, its
/// width (for the first column, a minimum; it takes what is left), and
/// how much it matters (0 = never dropped; higher numbers go first).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub header: &'static str,
    pub width: u16,
    pub drop_order: u8,
}

/// Which columns fit in `width` cells (one cell between columns), dropping
/// the least important first, so that the table never truncates its
/// columns mid-word. Returns their indices in order.
pub fn fit_columns(columns: &[Column], width: u16) -> Vec<usize> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let need = |kept: &[usize]| -> u16 {
        kept.iter().map(|&i| columns[i].width).sum::<u16>() + kept.len().saturating_sub(1) as u16
    };
    while need(&kept) > width {
        let Some(pos) = kept
            .iter()
            .enumerate()
            .filter(|(_, &i)| columns[i].drop_order > 0)
            .max_by_key(|(_, &i)| columns[i].drop_order)
            .map(|(pos, _)| pos)
        else {
            break;
        };
        kept.remove(pos);
    }
    kept
}

/// The constraints of the kept columns: the first stretches.
pub fn column_constraints(columns: &[Column], kept: &[usize]) -> Vec<ratatui::layout::Constraint> {
    kept.iter()
        .enumerate()
        .map(|(n, &i)| {
            if n == 0 {
                ratatui::layout::Constraint::Min(columns[i].width)
            } else {
                ratatui::layout::Constraint::Length(columns[i].width)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_important_columns_give_way_first() {
        let cols = [
            Column {
                header: "Name",
                width: 10,
                drop_order: 0,
            },
            Column {
                header: "Id",
                width: 8,
                drop_order: 2,
            },
            Column {
                header: "Env",
                width: 6,
                drop_order: 3,
            },
            Column {
                header: "Health",
                width: 6,
                drop_order: 0,
            },
        ];
        assert_eq!(fit_columns(&cols, 40), [0, 1, 2, 3]);
        assert_eq!(fit_columns(&cols, 30), [0, 1, 3]);
        assert_eq!(fit_columns(&cols, 20), [0, 3]);
        // Never below the columns that must stay.
        assert_eq!(fit_columns(&cols, 5), [0, 3]);
    }
}
