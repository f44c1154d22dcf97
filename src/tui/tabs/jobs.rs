//! Jobs: every job of every process on this store, with live progress.

use super::table_state;
use crate::tui::app::App;
use crate::tui::badges;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

fn bar(done: u64, total: u64, width: usize) -> String {
    if total == 0 {
        return String::new();
    }
    let filled = ((done as f64 / total as f64) * width as f64).round() as usize;
    format!(
        "{}{} {done}/{total}",
        "█".repeat(filled.min(width)),
        "░".repeat(width - filled.min(width))
    )
}

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let rows: Vec<Row<'_>> = app
        .jobs
        .iter()
        .map(|j| {
            let live = app.live.iter().find(|l| l.id == j.id);
            let progress = live.map(|l| bar(l.done, l.total, 12)).unwrap_or_else(|| {
                if j.total > 0 {
                    format!("{}/{}", j.done, j.total)
                } else {
                    String::new()
                }
            });
            // A partial job's summary says what was refreshed and what failed.
            let text = if j.error.is_empty() || j.state == crate::domain::job::JobState::Partial {
                j.summary.clone()
            } else {
                j.error.clone()
            };
            let state = live.map(|l| l.state).unwrap_or(j.state);
            Row::new(vec![
                Cell::from(j.created_at.clone()),
                Cell::from(j.kind.clone()),
                Cell::from(badges::target(app, &j.target)),
                Cell::from(Span::styled(state.as_str(), t.status(state.as_str()))),
                Cell::from(progress),
                Cell::from(text),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(20),
            Constraint::Length(8),
            Constraint::Length(26),
            Constraint::Length(10),
            Constraint::Length(24),
            Constraint::Min(20),
        ],
    )
    .header(
        Row::new(["Created", "Kind", "Target", "State", "Progress", "Result"])
            .style(header_style(app)),
    )
    .row_highlight_style(t.selected())
    .block(Block::default().borders(Borders::ALL).title(format!(
        " Jobs ({}) — Enter details  c cancel ",
        app.jobs.len()
    )));
    let mut state = table_state(app.job_cursor.cursor, app.jobs.len());
    f.render_stateful_widget(table, area, &mut state);
}
