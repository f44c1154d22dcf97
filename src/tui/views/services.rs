//! The Services view of the Calling Profiles tab: Operator Connect services
//! with their site locations, and the leads a new service is made from.

use super::table_state;
use crate::domain::vendor::Vendor;
use crate::tui::action::Action;
use crate::tui::app::Command;
use crate::tui::badges;
use crate::tui::component::{json_detail, Ctx, Effect, ListCursor};
use crate::tui::filter_input::{FilterInput, FilterKey};
use crate::tui::view::header_style;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
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
        match action {
            Action::Filter => {
                self.filter.open();
                return vec![];
            }
            Action::Escape => {
                self.filter.clear();
                self.cursor.cursor = 0;
                return vec![];
            }
            _ => {}
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
        match self.filter.key(action, key) {
            FilterKey::Quit => vec![Effect::Quit],
            FilterKey::Changed => {
                self.cursor.cursor = 0;
                vec![]
            }
            FilterKey::Kept => vec![],
        }
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

fn draw(f: &mut Frame<'_>, view: &Services, ctx: &Ctx, area: Rect) {
    let t = &ctx.theme;
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let visible = view.visible();
    let rows: Vec<Row<'_>> = visible
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
        .style(header_style(ctx)),
    )
    .row_highlight_style(t.selected())
    .block(Block::default().borders(Borders::ALL).title(badges::title(
        ctx,
        Vendor::LivePlatform,
        &format!(
            " Services ({}{}) — n create from a lead  Enter JSON  S profiles ",
            visible.len(),
            view.filter
                .label()
                .map(|l| format!(" of {} {l}", view.services.len()))
                .unwrap_or_default()
        ),
    )));
    let mut state = table_state(view.cursor.cursor, visible.len());
    f.render_stateful_widget(table, top, &mut state);

    let leads: Vec<Row<'_>> = view
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
    .header(Row::new(["Lead", "Status", "Company", "Contact", "Tenant"]).style(header_style(ctx)))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" Leads ({}) ", view.leads.len())),
    );
    f.render_widget(table, bottom);
}
