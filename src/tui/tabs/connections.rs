//! Connections: every configured connection, its VOSS instances and last run.

use super::table_state;
use crate::domain::connection::instance_names;
use crate::tui::app::App;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let [list, detail] = Layout::vertical([Constraint::Min(5), Constraint::Length(10)]).areas(area);
    let rows: Vec<Row<'_>> = app
        .connections
        .iter()
        .map(|c| {
            let last = c
                .last_run
                .as_ref()
                .map(|r| format!("{} {}", r.result, r.ended_at))
                .unwrap_or_else(|| "never".into());
            let held = if c.vendor == "audiocodes" {
                format!("{} used / {} cooling", c.used, c.cooling)
            } else {
                format!("{} items", c.remote.iter().map(|(_, n)| n).sum::<usize>())
            };
            let mut badges = Vec::new();
            if c.insecure {
                badges.push(Span::styled(" TLS OFF ", t.error()));
            }
            if c.read_only {
                badges.push(Span::styled(" RO ", t.marked()));
            }
            Row::new(vec![
                Cell::from(Line::from(
                    [vec![Span::raw(c.name.clone())], badges].concat(),
                )),
                Cell::from(c.vendor),
                Cell::from(c.address.clone()),
                Cell::from(c.auth.clone()),
                Cell::from(held),
                Cell::from(c.schedule.clone()),
                Cell::from(Span::styled(
                    last,
                    t.status(c.last_run.as_ref().map(|r| r.result.as_str()).unwrap_or("")),
                )),
            ])
        })
        .collect();
    let header = Row::new([
        "Name", "Vendor", "Address", "Auth", "Holds", "Schedule", "Last run",
    ])
    .style(header_style(app));
    let table = Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Length(14),
            Constraint::Length(34),
            Constraint::Length(9),
            Constraint::Length(22),
            Constraint::Length(16),
            Constraint::Min(20),
        ],
    )
    .header(header)
    .row_highlight_style(t.selected())
    .block(Block::default().borders(Borders::ALL).title(format!(
        " Connections ({}) — r sync/refresh  p preview  t test ",
        app.connections.len()
    )));
    let mut state = table_state(app.conn_cursor.cursor, app.connections.len());
    f.render_stateful_widget(table, list, &mut state);

    let mut lines: Vec<Line<'_>> = Vec::new();
    match app.connections.get(app.conn_cursor.cursor) {
        Some(c) if c.vendor == "audiocodes" => {
            let [sync, purge, schedule] = instance_names(&c.name);
            let run = c.last_run.as_ref();
            let when = run.map(|r| format!("last run {} → {} ({})", r.started_at, r.ended_at, r.result)).unwrap_or_else(|| "never run".into());
            let counts = run.map(|r| {
                let k = &r.counts;
                format!("added {}  restored {}  cooled {}  released {}  unchanged {}  skipped {}  conflicts {}", k.added, k.restored, k.cooled, k.released, k.unchanged, k.skipped, k.conflicts)
            });
            lines.push(Line::from(vec![Span::styled(format!("{sync:<34}"), t.title()), Span::raw(when)]));
            if let Some(c) = counts {
                lines.push(Line::raw(format!("{:<34}{c}", "")));
            }
            if let Some(e) = run.map(|r| r.error.as_str()).filter(|e| !e.is_empty()) {
                lines.push(Line::styled(format!("{:<34}{e}", ""), t.error()));
            }
            lines.push(Line::from(vec![Span::styled(format!("{purge:<34}"), t.title()), Span::raw("removes cached registered users; their numbers cool")]));
            lines.push(Line::from(vec![Span::styled(format!("{schedule:<34}"), t.title()), Span::raw(c.schedule.clone())]));
        }
        Some(c) => {
            for (kind, n) in &c.remote {
                lines.push(Line::raw(format!("{kind:<24} {n}")));
            }
            if c.remote.is_empty() {
                lines.push(Line::styled("nothing fetched yet: press r to refresh", t.dim()));
            }
        }
        None => lines.push(Line::styled("No connections. Add [[audiocodes]], [[live_platform]] or [[axp]] blocks to the config (see config.example.toml), or run `switchboard demo`.", t.dim())),
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" instances ")),
        detail,
    );
}
