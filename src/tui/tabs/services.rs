//! The Services view of the Calling Profiles tab: Operator Connect services
//! with their site locations, and the leads a new service is made from.

use super::table_state;
use crate::domain::vendor::Vendor;
use crate::tui::app::App;
use crate::tui::badges;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;
use serde_json::Value;

/// A field of a service or lead as the table shows it, escaped for the
/// terminal (the bodies stay exact: a new service is made from a lead).
fn text(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        Some(Value::String(s)) => crate::domain::terminal_text::terminal_safe(s).into_owned(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let rows: Vec<Row<'_>> = app
        .services
        .iter()
        .map(|(_, s)| {
            let sites: Vec<String> = s
                .get("SiteLocation")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|l| {
                    format!(
                        "{} (SBC {}, {})",
                        text(l, "/name"),
                        text(l, "/sbcId"),
                        text(l, "/sbcDeploymentState")
                    )
                })
                .collect();
            Row::new(vec![
                Cell::from(text(s, "/CustomerShortName")),
                Cell::from(text(s, "/CustomerFullName")),
                Cell::from(text(s, "/LicenseType")),
                Cell::from(format!(
                    "{}/{}",
                    text(s, "/ActiveUserCount"),
                    text(s, "/LicensedUsersCount")
                )),
                Cell::from(text(s, "/MsTenantId")),
                Cell::from(sites.join(", ")),
            ])
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(22),
            Constraint::Length(7),
            Constraint::Length(9),
            Constraint::Length(37),
            Constraint::Min(20),
        ],
    )
    .header(
        Row::new([
            "Short name",
            "Full name",
            "Licence",
            "Users",
            "Microsoft tenant",
            "Sites (SBC, state)",
        ])
        .style(header_style(app)),
    )
    .row_highlight_style(t.selected())
    .block(Block::default().borders(Borders::ALL).title(badges::title(
        app,
        Vendor::LivePlatform,
        &format!(
            " Services ({}) — n create from a lead  Enter JSON  S profiles ",
            app.services.len()
        ),
    )));
    let mut state = table_state(app.service_cursor.cursor, app.services.len());
    f.render_stateful_widget(table, top, &mut state);

    let leads: Vec<Row<'_>> = app
        .leads
        .iter()
        .map(|(_, l)| {
            Row::new(vec![
                Cell::from(text(l, "/id")),
                Cell::from(text(l, "/status")),
                Cell::from(text(l, "/contactDetails/companyName")),
                Cell::from(text(l, "/contactDetails/email")),
                Cell::from(text(l, "/tenantId")),
            ])
        })
        .collect();
    let table = Table::new(
        leads,
        [
            Constraint::Length(37),
            Constraint::Length(8),
            Constraint::Length(22),
            Constraint::Length(26),
            Constraint::Min(20),
        ],
    )
    .header(Row::new(["Lead", "Status", "Company", "Contact", "Tenant"]).style(header_style(app)))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Leads ({}) ", app.leads.len())),
    );
    f.render_widget(table, bottom);
}
