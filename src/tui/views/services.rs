//! The Services view of the Calling Profiles tab: Operator Connect services
//! with their site locations, and the leads a new service is made from.

use super::table_state;
use crate::domain::vendor::Vendor;
use crate::tui::action::Action;
use crate::tui::app::Command;
use crate::tui::badges;
use crate::tui::columns::{self, Column};
use crate::tui::component::{json_detail, Ctx, Effect, ListCursor};
use crate::tui::filter_input::FilterInput;
use crate::tui::view::header_style;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;
use serde_json::Value;

/// Services and leads, by connection, exactly as stored (a new service is
/// made from a lead's text).
#[derive(Debug, Default)]
pub struct Services {
    pub services: Vec<(String, Value)>,
    pub leads: Vec<(String, Value)>,
    pub cursor: ListCursor,
    /// `/`: narrows the services by name, tenant or GUID.
    pub filter: FilterInput,
}

impl Services {
    /// The services the table shows (the filter's).
    pub fn visible(&self) -> Vec<&Value> {
        self.services
            .iter()
            .map(|(_, s)| s)
            .filter(|s| {
                self.filter.matches(
                    [
                        "/CustomerShortName",
                        "/CustomerFullName",
                        "/MsTenantId",
                        "/UmpCustomerGuid",
                    ]
                    .iter()
                    .filter_map(|p| s.pointer(p).and_then(Value::as_str)),
                )
            })
            .collect()
    }

    /// Movement, `/`, Esc, `y` (the customer GUID) and Enter (the JSON).
    pub fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        if self.filter.open_or_clear(action, &mut self.cursor.cursor) {
            return vec![];
        }
        let visible = self.visible();
        let mut cursor = self.cursor.clone();
        cursor.apply(action, visible.len(), ctx.page);
        let selected = visible.get(cursor.cursor).map(|s| (*s).clone());
        self.cursor = cursor;
        let Some(s) = selected else {
            return vec![];
        };
        let s = &s;
        match action {
            Action::Copy => {
                let id = s
                    .get("UmpCustomerGuid")
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                vec![Effect::Run(Command::Copy(id.to_string()))]
            }
            Action::Enter => {
                let name = s
                    .get("CustomerShortName")
                    .and_then(|v| v.as_str())
                    .unwrap_or("service");
                vec![json_detail(name, s)]
            }
            _ => vec![],
        }
    }

    /// A key while the filter is open.
    pub fn type_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        self.filter
            .type_into_list(action, key, &mut self.cursor.cursor)
    }

    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        draw(f, self, ctx, area)
    }
}

/// A field of a service or lead as the table shows it, escaped for the
/// terminal (the bodies stay exact: a new service is made from a lead).
fn text(v: &Value, pointer: &str) -> String {
    match v.pointer(pointer) {
        Some(Value::String(s)) => crate::domain::terminal_text::terminal_safe(s).into_owned(),
        Some(Value::Null) | None => "-".into(),
        Some(other) => other.to_string(),
    }
}

/// The services' columns: the short name and the users always show; on a
/// narrow terminal the sites, the tenant, the licence and the full name
/// give way, in that order.
const SERVICE_COLUMNS: [Column; 6] = [
    Column::whole("Short name", 0),
    Column::cut("Full name", 4, 12, 30),
    Column::whole("Licence", 3),
    Column::whole("Users", 0),
    Column::whole("Microsoft tenant", 2),
    Column::cut("Sites (SBC, state)", 1, 20, 80),
];

/// The leads' columns: the company and status always show; then the
/// contact, the tenant and the lead's id give way, in that order.
const LEAD_COLUMNS: [Column; 5] = [
    Column::whole("Lead", 3),
    Column::whole("Status", 0),
    Column::whole("Company", 0),
    Column::whole("Contact", 1),
    Column::whole("Tenant", 2),
];

fn draw(f: &mut Frame<'_>, view: &Services, ctx: &Ctx, area: Rect) {
    let t = &ctx.theme;
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let visible = view.visible();
    let rows: Vec<Vec<Line<'_>>> = visible
        .iter()
        .map(|s| {
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
            vec![
                Line::raw(text(s, "/CustomerShortName")),
                Line::raw(text(s, "/CustomerFullName")),
                Line::raw(text(s, "/LicenseType")),
                Line::raw(format!(
                    "{}/{}",
                    text(s, "/ActiveUserCount"),
                    text(s, "/LicensedUsersCount")
                )),
                Line::raw(text(s, "/MsTenantId")),
                Line::raw(sites.join(", ")),
            ]
        })
        .collect();
    let inner = top.width.saturating_sub(2);
    let title = [
        " Services ({n}) — n create from a lead  Enter JSON  S profiles ",
        " Services ({n}) — S profiles ",
        " Services ({n}) ",
    ]
    .into_iter()
    .map(|pattern| {
        let count = format!(
            "{}{}",
            visible.len(),
            view.filter
                .label()
                .map(|l| format!(" of {} {l}", view.services.len()))
                .unwrap_or_default()
        );
        let rest = pattern.replace("{n}", &count);
        badges::title(ctx, Vendor::LivePlatform, &rest)
    })
    .reduce(|wide, narrow| {
        if wide.width() <= inner as usize {
            wide
        } else {
            narrow
        }
    })
    .unwrap_or_default();
    let table = columns::table(&SERVICE_COLUMNS, rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(title));
    let mut state = table_state(view.cursor.cursor, visible.len());
    f.render_stateful_widget(table, top, &mut state);

    let leads: Vec<Vec<Line<'_>>> = view
        .leads
        .iter()
        .map(|(_, l)| {
            vec![
                Line::raw(text(l, "/id")),
                Line::raw(text(l, "/status")),
                Line::raw(text(l, "/contactDetails/companyName")),
                Line::raw(text(l, "/contactDetails/email")),
                Line::raw(text(l, "/tenantId")),
            ]
        })
        .collect();
    let table = columns::table(
        &LEAD_COLUMNS,
        leads,
        bottom.width.saturating_sub(2),
        header_style(ctx),
    )
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Leads ({}) ", view.leads.len())),
    );
    f.render_widget(table, bottom);
}
