//! Drawing the Numbers tab: counts per status, releases per day, the
//! window of rows, and the detail pane. Reads the state only.

use crate::domain::number::{countdown, InventoryItem, Status};
use crate::domain::voice_numbers::free_but_used_on_axp;
use crate::tui::badges;
use crate::tui::columns::{self, Column};
use crate::tui::component::Ctx;
use crate::tui::data::NumberSummary;
use crate::tui::numbers_state::{NumberDetail, NumbersState};
use crate::tui::pane_title::with_hints;
use crate::tui::view::header_style;
use crate::tui::views::marks;
use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, TableState};
use ratatui::Frame;
use std::collections::HashSet;

/// The table's columns: the mark, the number and its status always show;
/// on a narrow terminal (or beside the details) the tag, last seen,
/// user, usage, vendor, release date, countdown and connection give way,
/// in that order (a column with nothing on screen first).
const COLUMNS: [Column; 11] = [
    Column::whole("", 0),
    Column::whole("Number", 0),
    Column::whole("Status", 0),
    Column::whole("Usage", 6),
    Column::whole("Vendor", 5),
    Column::whole("Cools in", 2),
    Column::whole("Release", 4),
    Column::whole("Connection", 1),
    Column::whole("User", 7),
    Column::whole("Last seen", 8),
    Column::cut("Tag", 9, 8, 24),
];

const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The header (counts, filter) and the rows below it.
fn split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area)
}

/// How many rows the table shows in `area` (the detail pane, when open,
/// takes width, not height).
pub fn table_rows(area: Rect) -> usize {
    let [_, body] = split(area);
    body.height.saturating_sub(3) as usize
}

pub fn draw(f: &mut Frame<'_>, n: &NumbersState, ctx: &Ctx, area: Rect) {
    let [head, body] = split(area);
    draw_header(f, n, ctx, head);
    let (table_area, detail_area) = if n.detail.is_some() {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(body);
        (a, Some(b))
    } else {
        (body, None)
    };
    draw_table(f, n, ctx, table_area);
    if let (Some(area), Some(detail)) = (detail_area, &n.detail) {
        draw_detail(f, ctx, detail, area);
    }
}

/// Header: counts per status and the next 14 days of releases, then the
/// filter, sort and marks.
fn draw_header(f: &mut Frame<'_>, n: &NumbersState, ctx: &Ctx, head: Rect) {
    let t = &ctx.theme;
    let counts = n
        .summary
        .as_ref()
        .map(|p| status_counts(p, ctx, head.width))
        .unwrap_or_default();
    let filter = format!(
        "filter: {}{}   status: {}   sort: {}{}   marked: {}",
        if n.filter.typing {
            n.filter.input.value()
        } else {
            n.query.text.as_str()
        },
        if n.filter.typing { "▏" } else { "" },
        match (n.query.status, n.query.last_sync_conflicts) {
            (_, true) => "conflicts of the last sync",
            (Some(s), _) => s.as_str(),
            (None, _) => "all",
        },
        n.query.sort.label(),
        if n.query.descending { " ↓" } else { " ↑" },
        n.marks.len()
    );
    let filter_style = if n.filter.typing { t.warn() } else { t.dim() };
    f.render_widget(
        Paragraph::new(vec![Line::from(counts), Line::styled(filter, filter_style)])
            .block(Block::default().borders(Borders::BOTTOM)),
        head,
    );
}

/// The counts per status and the releases' sparkline, in `width` cells:
/// closer together, then without the sparkline, when they do not fit.
fn status_counts(p: &NumberSummary, ctx: &Ctx, width: u16) -> Vec<Span<'static>> {
    let t = &ctx.theme;
    let mut counts: Vec<Span<'static>> = Vec::new();
    for (s, c) in &p.counts {
        if *c == 0
            && !matches!(
                s,
                Status::Used | Status::Cooling | Status::Available | Status::Reserved
            )
        {
            continue;
        }
        counts.push(Span::styled(
            format!("{} {c}", s.as_str()),
            t.status(s.as_str()),
        ));
        counts.push(Span::raw("   "));
    }
    let max = p.releases.iter().map(|(_, c)| *c).max().unwrap_or(0).max(1);
    let spark: String = p
        .releases
        .iter()
        .map(|(_, c)| {
            if *c == 0 {
                '·'
            } else {
                BARS[(c * 7 / max).min(7)]
            }
        })
        .collect();
    counts.push(Span::styled("releases next 14 days ", t.dim()));
    counts.push(Span::styled(spark, t.warn()));
    if Line::from(counts.clone()).width() > width as usize {
        // Narrow: closer counts and a shorter label, so the days show.
        for span in &mut counts {
            if span.content == "   " {
                span.content = "  ".into();
            } else if span.content == "releases next 14 days " {
                span.content = "releases 14d ".into();
            }
        }
    }
    if Line::from(counts.clone()).width() > width as usize {
        // Narrower still: the counts alone.
        counts.truncate(counts.len() - 2);
    }
    counts
}

/// The window of rows in a bordered table, or why there is none.
fn draw_table(f: &mut Frame<'_>, n: &NumbersState, ctx: &Ctx, table_area: Rect) {
    let t = &ctx.theme;
    let visible = table_area.height.saturating_sub(3) as usize;
    let now = crate::clock::now();
    // Numbers other data refers to (calling profile test numbers, AXP): ◆;
    // free here but in use on AXP: ⚠.
    let seen_in: &[(String, String)] = n.page.as_ref().map_or(&[], |p| p.seen_in.as_slice());
    let seen: HashSet<&str> = seen_in.iter().map(|(num, _)| num.as_str()).collect();
    let rows: Vec<Vec<Line<'_>>> = (n.scroll..n.scroll + visible)
        .filter_map(|i| n.row(i))
        .map(|r| {
            let marked = n.marks.contains(&r.number);
            number_cells(ctx, r, marked, now, seen_in, &seen)
        })
        .collect();
    let loading = n.waiting(visible);
    let extent = n.extent();
    let inner = table_area.width.saturating_sub(2);
    let title = if loading {
        " Numbers — loading… ".to_string()
    } else {
        table_title(n, extent, inner)
    };
    let table = columns::table(&COLUMNS, rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(title));
    let selected = n.cursor.checked_sub(n.scroll).filter(|_| extent > 0);
    let mut state = TableState::default().with_selected(selected);
    f.render_stateful_widget(table, table_area, &mut state);
    if extent == 0 && !loading {
        let msg = if n.query == Default::default() {
            "The inventory is empty: sync an AudioCodes connection (Connections tab, r)."
        } else {
            "No number matches: Esc clears the filter."
        };
        f.render_widget(
            Paragraph::new(msg).style(t.dim()),
            Rect {
                x: table_area.x + 2,
                y: table_area.y + 2,
                width: table_area.width.saturating_sub(4),
                height: 1,
            },
        );
    }
}

/// One row's cells, in the order of `COLUMNS`.
fn number_cells<'a>(
    ctx: &Ctx,
    r: &'a InventoryItem,
    marked: bool,
    now: DateTime<Utc>,
    seen_in: &[(String, String)],
    seen: &HashSet<&str>,
) -> Vec<Line<'a>> {
    let t = &ctx.theme;
    let mark = if marked { "●" } else { " " };
    let cd = r
        .release_date
        .filter(|_| r.status == Status::Cooling)
        .map(|d| countdown(d, now))
        .unwrap_or_default();
    vec![
        Line::from(Span::styled(mark, t.marked())),
        Line::from(vec![
            Span::raw(r.number.clone()),
            if free_but_used_on_axp(r, seen_in) {
                Span::styled(" ⚠ on AXP", t.error())
            } else if seen.contains(r.number.as_str()) {
                Span::styled(" ◆", t.warn())
            } else {
                Span::raw("")
            },
        ]),
        Line::from(Span::styled(r.status.as_str(), t.status(r.status.as_str()))),
        Line::raw(r.usage.clone()),
        Line::raw(r.vendor.clone()),
        Line::from(Span::styled(cd, t.warn())),
        Line::raw(r.release_date.map(|d| d.to_string()).unwrap_or_default()),
        Line::from(badges::name_marked(
            ctx,
            r.connection.as_deref().unwrap_or_default(),
        )),
        Line::raw(r.registered_user.clone().unwrap_or_default()),
        Line::raw(
            r.last_seen
                .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        ),
        Line::raw(r.tag.clone()),
    ]
}

/// "Numbers 3 of 120" with the marks and the keys that fit in `inner`.
/// While the count is on its way, the rows known to exist (the window on
/// hand and those before it) with "+": never the cursor's extent, which
/// may be one row past the last match.
pub(super) fn table_title(n: &NumbersState, extent: usize, inner: u16) -> String {
    let of = match n.total {
        Some(t) => t.to_string(),
        None => {
            let known = n
                .page
                .as_ref()
                .filter(|p| p.query == n.query)
                .map_or(0, |p| p.window.offset + p.window.rows.len());
            format!("{known}+ (counting…)")
        }
    };
    with_hints(
        &format!(
            "Numbers {} of {of}{}",
            if extent == 0 { 0 } else { n.cursor + 1 },
            marks::title(&n.marks, &n.range)
        ),
        &[
            "/ filter",
            "f status",
            "s sort",
            "Space mark",
            "Enter details",
            "R release",
            "c cool",
            "x extend",
            "v/V reserve",
            "e tag",
            "a range",
            "i import",
            "E export",
        ],
        inner,
    )
}

/// The detail pane: the number, where else it is seen, its row and its
/// history.
fn draw_detail(f: &mut Frame<'_>, ctx: &Ctx, detail: &NumberDetail, area: Rect) {
    let t = &ctx.theme;
    let (num, item, events, seen) = detail;
    let mut lines = vec![Line::styled(num.clone(), t.title())];
    for w in seen {
        lines.push(Line::styled(format!("seen in: {w}"), t.warn()));
    }
    if let Some(i) = item {
        for (k, v) in [
            ("status", i.status.as_str().to_string()),
            ("usage", i.usage.clone()),
            ("vendor", i.vendor.clone()),
            (
                "release",
                i.release_date.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("connection", i.connection.clone().unwrap_or_default()),
            ("user", i.registered_user.clone().unwrap_or_default()),
            ("tag", i.tag.clone()),
        ] {
            let mut line = vec![Span::styled(format!("{k:>10} "), t.dim())];
            if k == "connection" {
                line.extend(badges::named(ctx, &v));
            } else {
                line.push(Span::raw(v));
            }
            lines.push(Line::from(line));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("history", t.title()));
    for e in events {
        lines.push(Line::raw(format!(
            "{} {} → {}  ({})",
            e.at,
            e.from_status.as_deref().unwrap_or("new"),
            e.to_status,
            e.cause
        )));
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(" details — Esc closes "),
            ),
        area,
    );
}
