//! Voice: AXP resource families as a tree, and the selected family's items
//! with the registry's columns.

use super::table_state;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::vendor::Vendor;
use crate::domain::voice_body;
use crate::domain::voice_registry;
use crate::tui::app::App;
use crate::tui::badges;
use crate::tui::view::header_style;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, List, ListItem, ListState, Row, Table};
use ratatui::Frame;

pub fn draw(f: &mut Frame<'_>, app: &App, area: Rect) {
    let t = &app.theme;
    let v = &app.voice;
    let [left, right] =
        Layout::horizontal([Constraint::Length(44), Constraint::Min(20)]).areas(area);
    let items: Vec<ListItem<'_>> = v
        .data
        .families
        .iter()
        .map(|(_, parent, label, n)| {
            let indent = if parent.is_empty() { "" } else { "  " };
            ListItem::new(format!("{indent}{label} ({n})"))
        })
        .collect();
    let focus = |on: bool| if on { t.title() } else { t.dim() };
    let at = v
        .data
        .refreshed
        .clone()
        .unwrap_or_else(|| "never refreshed".into());
    let mut ls = ListState::default().with_selected(Some(v.family.cursor));
    f.render_stateful_widget(
        List::new(items).highlight_style(t.selected()).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(focus(!v.right))
                .title(badges::title(app, Vendor::Axp, &format!(" {at} "))),
        ),
        left,
        &mut ls,
    );

    let Some((key, _, label, _)) = v.data.families.get(v.family.cursor) else {
        f.render_widget(
            Block::default()
                .borders(Borders::ALL)
                .title(" nothing fetched yet: press r "),
            right,
        );
        return;
    };
    let fam = voice_registry::family(key).expect("family from the registry");
    if !fam.ops.list {
        let hint = if fam.account_scoped {
            "This family has no list in the API.\n\ne  update an item by its id (public key)\na  its actions (push config)"
        } else {
            "A feature-toggle event for the voice service.\n\ne  compose the payload (checked field by field) and send it"
        };
        f.render_widget(
            ratatui::widgets::Paragraph::new(hint).block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(focus(v.right))
                    .title(format!(" {label} ")),
            ),
            right,
        );
        return;
    }
    let list = app.selected_voice_items().cloned().unwrap_or_default();
    let rows: Vec<Row<'_>> = list
        .iter()
        .map(|it| {
            // The bodies stay exact (forms edit them); what a cell shows
            // is escaped for the terminal.
            let id = terminal_safe(&it.id).chars().take(13).collect::<String>();
            let mut cells: Vec<Cell<'_>> = vec![Cell::from(id)];
            for c in fam.columns {
                let val = terminal_safe(&voice_body::cell_text(it.body.get(*c))).into_owned();
                let style = if c.to_lowercase().contains("status") {
                    t.status(&val)
                } else {
                    ratatui::style::Style::default()
                };
                cells.push(Cell::from(Span::styled(val, style)));
            }
            Row::new(cells)
        })
        .collect();
    let mut widths = vec![Constraint::Length(14)];
    widths.extend(fam.columns.iter().map(|_| Constraint::Min(10)));
    let mut header = vec![fam.id_field.to_string()];
    header.extend(fam.columns.iter().map(|c| c.to_string()));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(header_style(app)))
        .row_highlight_style(t.selected())
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(focus(v.right))
                .title(format!(" {label} ({}) — {} ", list.len(), keys_of(fam))),
        );
    let mut ts = table_state(v.item.cursor, list.len());
    if !v.right {
        ts.select(None);
    }
    f.render_stateful_widget(table, right, &mut ts);
}

/// The keys that do something for this family.
fn keys_of(f: &voice_registry::Family) -> String {
    let mut keys = vec!["Enter JSON"];
    if f.ops.create {
        keys.push("n new");
    }
    if f.ops.update {
        keys.push("e edit");
    }
    if f.ops.delete {
        keys.push("D delete");
    }
    if !f.actions.is_empty() {
        keys.push("a actions");
    }
    if f.key == "cm" || f.parent == Some("cm") {
        keys.push("s sync");
    }
    keys.push("r refresh");
    keys.join("  ")
}
