//! Calling Profiles: Live Platform profiles with health marks, and the
//! selected profile's trunks and SBCs as a tree.

use super::table_state;
use crate::tui::app::App;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use serde_json::Value;

fn s(v: &Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

/// Health problems an operator must see at a glance.
pub fn problems(p: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let trunks = p
        .get("trunksEnrolled")
        .and_then(|t| t.as_array())
        .cloned()
        .unwrap_or_default();
    if trunks.len() < 2 {
        out.push("no failover (<2 trunks)".into());
    }
    if trunks.iter().any(|t| {
        t.get("matchingSbcList")
            .and_then(|m| m.as_array())
            .is_none_or(|m| m.is_empty())
    }) {
        out.push("trunk without SBC".into());
    }
    if let Some(v) = p.get("validation").and_then(|v| v.as_object()) {
        let offered: Vec<String> = p
            .get("offerTypes")
            .and_then(|o| o.as_array())
            .map(|a| a.iter().map(|o| s(o, "offerTypeName")).collect())
            .unwrap_or_default();
        for (k, val) in v {
            let val = val.as_str().unwrap_or("");
            if offered.contains(k) && val != "Passed" {
                out.push(format!("{k} {val}"));
            }
        }
    }
    out
}

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let rows: Vec<Row<'_>> = app
        .profiles
        .iter()
        .map(|(_, p)| {
            let b = &p.body;
            let trunks = b
                .get("trunksEnrolled")
                .and_then(|t| t.as_array())
                .map(|a| a.len())
                .unwrap_or(0);
            let probs = problems(b);
            Row::new(vec![
                Cell::from(p.name.clone()),
                Cell::from(s(b, "enviroment")),
                Cell::from(s(b, "region")),
                Cell::from(trunks.to_string()),
                Cell::from(Span::styled(
                    if probs.is_empty() {
                        "ok".to_string()
                    } else {
                        probs.join(", ")
                    },
                    if probs.is_empty() { t.ok() } else { t.warn() },
                )),
            ])
        })
        .collect();
    let at = app
        .profiles_refreshed
        .clone()
        .unwrap_or_else(|| "never".into());
    let table = Table::new(
        rows,
        [
            Constraint::Length(34),
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Min(10),
        ],
    )
    .header(
        Row::new(["Profile", "Environment", "Region", "Trunks", "Health"]).style(header_style(app)),
    )
    .row_highlight_style(t.selected())
    .block(Block::default().borders(Borders::ALL).title(format!(
        " Calling profiles ({}) — refreshed {at} — r refresh ",
        app.profiles.len()
    )));
    let mut state = table_state(app.profile_cursor.cursor, app.profiles.len());
    f.render_stateful_widget(table, left, &mut state);

    let mut lines: Vec<Line<'_>> = Vec::new();
    if let Some((conn, p)) = app.profiles.get(app.profile_cursor.cursor) {
        let b = &p.body;
        lines.push(Line::styled(p.name.clone(), t.title()));
        lines.push(Line::styled(format!("{} · {conn}", p.id), t.dim()));
        lines.push(Line::raw(format!(
            "carrier {}  emergency profile {}",
            s(b, "carrier"),
            b.get("isEmergencyProfile")
                .and_then(|x| x.as_bool())
                .unwrap_or(false)
        )));
        lines.push(Line::raw(""));
        lines.push(Line::styled("Trunks enrolled", t.title()));
        for tr in b
            .get("trunksEnrolled")
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
        {
            lines.push(Line::raw(format!(
                "├ {}  ({})",
                s(tr, "trunkFqdn"),
                s(tr, "trunkId")
            )));
            let sbcs = tr
                .get("matchingSbcList")
                .and_then(|x| x.as_array())
                .cloned()
                .unwrap_or_default();
            if sbcs.is_empty() {
                lines.push(Line::styled("│   └ no matching SBC", t.warn()));
            }
            for sbc in sbcs {
                lines.push(Line::raw(format!(
                    "│   └ SBC {} {} {} {}",
                    sbc.get("sbcId").map(|v| v.to_string()).unwrap_or_default(),
                    s(&sbc, "name"),
                    s(&sbc, "fqdn"),
                    s(&sbc, "ipAddress")
                )));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Offer types", t.title()));
        for o in b
            .get("offerTypes")
            .and_then(|x| x.as_array())
            .into_iter()
            .flatten()
        {
            let nums: Vec<String> = o
                .get("testNumbers")
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let name = s(o, "offerTypeName");
            let val = b
                .pointer(&format!("/validation/{name}"))
                .and_then(|v| v.as_str())
                .unwrap_or("-")
                .to_string();
            lines.push(Line::from(vec![
                Span::raw(format!("{name:<18} ")),
                Span::styled(val.clone(), t.status(&val)),
                Span::raw(format!(
                    "  test numbers: {}",
                    if nums.is_empty() {
                        "none".into()
                    } else {
                        nums.join(", ")
                    }
                )),
            ]));
        }
        let dial: Vec<String> = b
            .get("emergencyDialStrings")
            .and_then(|x| x.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|n| n.as_str())
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        lines.push(Line::raw(format!(
            "emergency dial strings: {}",
            if dial.is_empty() {
                "none".into()
            } else {
                dial.join(", ")
            }
        )));
    } else {
        lines.push(Line::styled(
            "No calling profiles stored yet: press r to fetch them from Live Platform.",
            t.dim(),
        ));
    }
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" profile — Enter for JSON "),
        ),
        right,
    );
}
