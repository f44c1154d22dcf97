//! Calling Profiles: Live Platform profiles with health marks, and the
//! selected profile's trunks and SBCs as a tree.

use super::{column_constraints, fit_columns, table_state, Column};
use crate::domain::calling_profile::CallingProfile;
use crate::domain::vendor::Vendor;
use crate::tui::app::App;
use crate::tui::badges;
use crate::tui::data::ProfileRow;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

fn or_dash(s: &Option<String>) -> String {
    s.clone().unwrap_or_else(|| "-".into())
}

/// The list's columns; on a narrow terminal the carrier, region, emergency
/// flag, id and environment give way, in that order.
const COLUMNS: [Column; 9] = [
    Column {
        header: "Profile",
        width: 16,
        drop_order: 0,
    },
    Column {
        header: "Id",
        width: 8,
        drop_order: 4,
    },
    Column {
        header: "Env",
        width: 10,
        drop_order: 5,
    },
    Column {
        header: "Region",
        width: 6,
        drop_order: 7,
    },
    Column {
        header: "Carrier",
        width: 8,
        drop_order: 8,
    },
    Column {
        header: "Trunks",
        width: 6,
        drop_order: 0,
    },
    Column {
        header: "Emrg",
        width: 4,
        drop_order: 6,
    },
    Column {
        header: "Validation",
        width: 16,
        drop_order: 0,
    },
    Column {
        header: "Health",
        width: 6,
        drop_order: 0,
    },
];

/// One cell per column of `COLUMNS`. The id is shortened to its first
/// eight characters (the detail pane shows it whole; `y` copies it).
fn profile_cells<'a>(app: &App, r: &ProfileRow) -> Vec<Cell<'a>> {
    let t = &app.theme;
    let p = &r.profile;
    let validation: Vec<String> = p
        .offer_names()
        .iter()
        .map(|o| {
            let v = p.validation.get(*o).cloned().flatten();
            format!("{o}:{}", v.as_deref().unwrap_or("-"))
        })
        .collect();
    let health = if r.problems.is_empty() {
        Span::styled("ok", t.ok())
    } else {
        Span::styled(format!("⚠ {}", r.problems.len()), t.warn())
    };
    vec![
        Cell::from(p.name.clone()),
        Cell::from(p.calling_profile_id.chars().take(8).collect::<String>()),
        Cell::from(or_dash(&p.environment)),
        Cell::from(or_dash(&p.region)),
        Cell::from(or_dash(&p.carrier)),
        Cell::from(p.trunks_enrolled.len().to_string()),
        Cell::from(if p.is_emergency_profile { "yes" } else { "" }),
        Cell::from(validation.join(" ")),
        Cell::from(health),
    ]
}

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(area);
    let visible = app.visible_profiles();
    // Borders and the highlight symbol take a few cells.
    let kept = fit_columns(&COLUMNS, left.width.saturating_sub(4));
    let rows: Vec<Row<'_>> = visible
        .iter()
        .map(|r| {
            let mut cells = profile_cells(app, r);
            Row::new(kept.iter().map(|&i| std::mem::take(&mut cells[i])))
        })
        .collect();
    let at = app
        .profiles_refreshed
        .clone()
        .unwrap_or_else(|| "never".into());
    let mut filters = Vec::new();
    if app.profile_filter.problems_only {
        filters.push("problems only".to_string());
    }
    let typed = app.profile_filter.input.value();
    if !typed.is_empty() || app.profile_filter.typing {
        filters.push(format!(
            "/{typed}{}",
            if app.profile_filter.typing { "▏" } else { "" }
        ));
    }
    let table = Table::new(rows, column_constraints(&COLUMNS, &kept))
        .header(Row::new(kept.iter().map(|&i| COLUMNS[i].header)).style(header_style(app)))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(badges::title(
            app,
            Vendor::LivePlatform,
            &format!(
                " Calling profiles {}/{}{} · refreshed {at} · f problems ",
                visible.len(),
                app.profiles.len(),
                if filters.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", filters.join(", "))
                }
            ),
        )));
    let mut state = table_state(app.profile_cursor.cursor, visible.len());
    f.render_stateful_widget(table, left, &mut state);

    let lines = match visible.get(app.profile_cursor.cursor) {
        Some(r) => detail_lines(app, r),
        None if app.profiles.is_empty() => vec![Line::styled(
            "No calling profiles stored yet: press r to fetch them from Live Platform.",
            t.dim(),
        )],
        None => vec![Line::styled(
            "No profile matches the filter (Esc clears it).",
            t.dim(),
        )],
    };
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" profile — Enter for JSON "),
        ),
        right,
    );
}

fn detail_lines<'a>(app: &App, r: &'a ProfileRow) -> Vec<Line<'a>> {
    let t = &app.theme;
    let p: &CallingProfile = &r.profile;
    let mut id_line = vec![Span::styled(
        format!("{} · {}", p.calling_profile_id, r.connection),
        t.dim(),
    )];
    id_line.extend(badges::badges(app, &r.connection));
    let mut lines = vec![
        Line::styled(p.name.clone(), t.title()),
        Line::from(id_line),
        Line::raw(format!(
            "environment {}  region {}  carrier {}  emergency-only {}  emergency profile {}",
            or_dash(&p.environment),
            or_dash(&p.region),
            or_dash(&p.carrier),
            if p.is_emergency_profile { "yes" } else { "no" },
            or_dash(&p.emergency_profile_id)
        )),
    ];
    for m in &r.problems {
        lines.push(Line::styled(format!("⚠ {m}"), t.warn()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Trunks enrolled", t.title()));
    for tr in &p.trunks_enrolled {
        lines.push(Line::raw(format!("├ {}  ({})", tr.trunk_fqdn, tr.trunk_id)));
        if tr.matching_sbc_list.is_empty() {
            lines.push(Line::styled("│   └ no matching SBC", t.warn()));
        }
        for sbc in &tr.matching_sbc_list {
            lines.push(Line::raw(format!("│   └ {}", sbc.label())));
        }
    }
    if p.trunks_enrolled.is_empty() {
        lines.push(Line::styled("  none", t.warn()));
    }
    if !p.additional_sbc_list.is_empty() {
        lines.push(Line::styled("Additional SBCs", t.title()));
        for sbc in &p.additional_sbc_list {
            lines.push(Line::raw(format!("  {}", sbc.label())));
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Offer types", t.title()));
    for o in &p.offer_types {
        let val = p
            .validation
            .get(&o.offer_type_name)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "-".into());
        lines.push(Line::from(vec![
            Span::raw(format!("{:<18} ", o.offer_type_name)),
            Span::styled(val.clone(), t.status(&val)),
            Span::raw(format!(
                "  test numbers: {}",
                if o.test_numbers.is_empty() {
                    "none".into()
                } else {
                    o.test_numbers.join(", ")
                }
            )),
        ]));
    }
    let dial: Vec<&str> = p
        .emergency_dial_strings
        .iter()
        .map(String::as_str)
        .filter(|d| !d.is_empty())
        .collect();
    lines.push(Line::raw(format!(
        "emergency dial strings: {}",
        if dial.is_empty() {
            "none".into()
        } else {
            dial.join(", ")
        }
    )));
    lines
}
