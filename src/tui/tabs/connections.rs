//! Connections: every configured connection, its VOSS instances and last run.

use super::table_state;
use crate::clock;
use crate::domain::connection::instance_names;
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::store::sync::SyncRun;
use crate::tui::app::App;
use crate::tui::badges;
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
            let held = if c.vendor == Vendor::AudioCodes {
                format!("{} used / {} cooling", c.used, c.cooling)
            } else {
                format!("{} items", c.remote.iter().map(|(_, n)| n).sum::<usize>())
            };
            Row::new(vec![
                Cell::from(Line::from(badges::named(app, &c.name))),
                Cell::from(if c.source == ConnectionSource::ConfigFile {
                    "file"
                } else {
                    "here"
                }),
                Cell::from(c.vendor.as_str()),
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
        "Name", "From", "Vendor", "Address", "Auth", "Holds", "Schedule", "Last run",
    ])
    .style(header_style(app));
    let table = Table::new(
        rows,
        [
            Constraint::Length(18),
            Constraint::Length(4),
            Constraint::Length(11),
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
        " Connections ({}) — r sync  p preview  t test  P purge  n new  e edit  D delete ",
        app.connections.len()
    )));
    let mut state = table_state(app.conn_cursor.cursor, app.connections.len());
    f.render_stateful_widget(table, list, &mut state);

    let selected = app.connections.get(app.conn_cursor.cursor);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if let Some(c) = selected.filter(|c| c.insecure) {
        lines.push(Line::styled(
            format!("TLS verification is off for {} (insecure_skip_verify = true): its certificate is not checked", c.name),
            t.error(),
        ));
    }
    if let Some(c) = selected.filter(|c| c.read_only) {
        lines.push(Line::styled(
            format!(
                "{} is read-only: its syncs, purges and vendor writes are refused",
                c.name
            ),
            t.marked(),
        ));
    }
    match selected {
        Some(c) if c.vendor == Vendor::AudioCodes => {
            let [sync, purge, schedule] = instance_names(&c.name);
            let label = |n: String| Span::styled(format!("{n:<34}"), t.title());
            lines.push(Line::from(vec![label(sync), Span::raw(run_line(c.last_sync.as_ref()))]));
            if let Some(r) = &c.last_sync {
                let k = &r.counts;
                lines.push(Line::raw(format!(
                    "{:<34}added {}  restored {}  cooled {}  released {}  unchanged {}  skipped {}  conflicts {}",
                    "", k.added, k.restored, k.cooled, k.released, k.unchanged, k.skipped, k.conflicts
                )));
                if !r.error.is_empty() {
                    lines.push(Line::styled(format!("{:<34}{}", "", r.error), t.error()));
                }
            }
            lines.push(Line::from(vec![label(purge), Span::raw(match &c.last_purge {
                Some(_) => run_line(c.last_purge.as_ref()),
                None => "never run (P: remove cached users; their numbers cool)".into(),
            })]));
            let next = match &c.next_run {
                Some(_) if app.read_only || c.read_only => {
                    format!("{}, enabled, paused while read-only", c.schedule)
                }
                Some(at) => format!("{}, enabled, next run {at}", c.schedule),
                None => c.schedule.clone(),
            };
            lines.push(Line::from(vec![label(schedule), Span::raw(next)]));
            if c.source == ConnectionSource::ConfigFile {
                lines.push(Line::styled("declared in the config file: edit it there", t.dim()));
            }
        }
        Some(c) => {
            for (kind, n) in &c.remote {
                lines.push(Line::raw(format!("{kind:<24} {n}")));
            }
            if c.remote.is_empty() {
                lines.push(Line::styled("nothing fetched yet: press r to refresh", t.dim()));
            }
        }
        None => lines.push(Line::styled("No connections. Press n to add an AudioCodes connection, or add [[audiocodes]], [[live_platform]] or [[axp]] blocks to the config (see config.example.toml).", t.dim())),
    }
    let title = match selected {
        Some(c) => {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(badges::named(app, &c.name));
            spans.push(Span::raw(" · instances "));
            Line::from(spans)
        }
        None => Line::raw(" instances "),
    };
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        detail,
    );
}

/// "started → ended (took 2s): result", or "never run".
fn run_line(run: Option<&SyncRun>) -> String {
    let Some(r) = run else {
        return "never run".into();
    };
    let took = match (
        clock::parse_stamp(&r.started_at),
        clock::parse_stamp(&r.ended_at),
    ) {
        (Some(a), Some(b)) => format!(" (took {}s)", (b - a).num_seconds().max(0)),
        _ => String::new(),
    };
    format!("last run {}{took}: {}", r.started_at, r.result)
}
