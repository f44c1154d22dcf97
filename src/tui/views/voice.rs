//! Voice: AXP resource families as a tree, and the selected family's items
//! with the registry's columns; create, edit, delete, actions and CM syncs
//! through forms generated from the registry.

use super::{marks, table_state};
use crate::domain::job::{JobKind, VoiceOp};
use crate::domain::read_only::Writes;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::vendor::Vendor;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, Family};
use crate::store::remote::RemoteItem;
use crate::tui::action::Action;
use crate::tui::app::Command;
use crate::tui::badges;
use crate::tui::cells::cells;
use crate::tui::columns::{self, Column};
use crate::tui::component::{json_detail, Ctx, Effect, ListCursor, Taken, View};
use crate::tui::data::{Data, DataRequest, VoiceData};
use crate::tui::filter_input::FilterInput;
use crate::tui::forms::FormPurpose;
use crate::tui::pane_title::with_hints;
use crate::tui::view::header_style;
use crate::tui::voice_form;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState};
use ratatui::Frame;
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct Voice {
    pub data: VoiceData,
    pub family: ListCursor,
    pub item: ListCursor,
    /// The item pane (right) has the focus.
    pub right: bool,
    /// `/`: narrows the items by id, name or a shown column.
    pub filter: FilterInput,
    /// Marked items (ids) of the family under the cursor: `D` deletes
    /// them all (confirmed). Moving to another family clears them.
    pub marks: BTreeSet<String>,
    pub range: marks::Range,
}

const NO_AXP: &str = "no AXP connection is configured";

impl Voice {
    /// The items of the family under the cursor.
    pub fn selected_items(&self) -> Option<&Vec<RemoteItem>> {
        let (k, p, _, _) = self.data.families.get(self.family.cursor)?;
        self.data.items.get(&(k.clone(), p.clone()))
    }

    /// The items of the family under the cursor that the filter keeps.
    pub fn visible_items(&self) -> Vec<&RemoteItem> {
        let columns = self
            .selected_family()
            .map(|(f, _)| f.columns)
            .unwrap_or_default();
        self.selected_items()
            .into_iter()
            .flatten()
            .filter(|it| {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|c| voice_body::cell_text(it.body.get(*c)))
                    .collect();
                self.filter.matches(
                    [it.id.as_str(), it.name.as_str()]
                        .into_iter()
                        .chain(cells.iter().map(String::as_str)),
                )
            })
            .collect()
    }

    /// The family under the cursor, with its parent id.
    fn selected_family(&self) -> Option<(&'static Family, Option<String>)> {
        let (key, parent, _, _) = self.data.families.get(self.family.cursor)?;
        let f = voice_registry::family(key)?;
        Some((f, (!parent.is_empty()).then(|| parent.clone())))
    }

    /// The item under the cursor, when the item pane has the focus.
    fn selected_item(&self) -> Option<&RemoteItem> {
        if !self.right {
            return None;
        }
        self.visible_items().get(self.item.cursor).copied()
    }

    /// The id of the `i`th item the pane shows (the filter's).
    fn item_id_at(&self, i: usize) -> Option<String> {
        self.visible_items().get(i).map(|it| it.id.clone())
    }

    /// Space, `*`, `V`, Shift+movement and Esc on the item pane; the
    /// cursor's movement extends a range under way. True when handled.
    fn mark(&mut self, action: Action, ctx: &Ctx) -> bool {
        if !self.right {
            return false;
        }
        let len = self.visible_items().len();
        let mut m = std::mem::take(&mut self.marks);
        let mut range = std::mem::take(&mut self.range);
        let at = self.item.cursor;
        let handled = match action {
            Action::Mark => {
                range.stop();
                if let Some(id) = self.item_id_at(at) {
                    marks::toggle(&mut m, id);
                }
                self.item.apply(Action::Down, len, ctx.page);
                true
            }
            Action::MarkAll => {
                let ids: Vec<String> = (0..len).filter_map(|i| self.item_id_at(i)).collect();
                marks::mark_all(&mut m, ids);
                true
            }
            Action::MarkRange => {
                range.toggle(at, &mut m, |i| self.item_id_at(i));
                true
            }
            Action::Escape if range.active() => {
                range.stop();
                true
            }
            Action::Escape if !m.is_empty() => {
                m.clear();
                true
            }
            _ => match marks::shift_movement(action) {
                Some(movement) => {
                    if !range.active() {
                        range.toggle(at, &mut m, |i| self.item_id_at(i));
                    }
                    self.item.apply(movement, len, ctx.page);
                    range.follow(self.item.cursor, &mut m, |i| self.item_id_at(i));
                    true
                }
                None => {
                    let moved = self.item.apply(action, len, ctx.page);
                    range.follow(self.item.cursor, &mut m, |i| self.item_id_at(i));
                    moved
                }
            },
        };
        (self.marks, self.range) = (m, range);
        handled
    }

    /// `D` with items marked: one confirmation naming how many, then one
    /// delete job per item.
    fn delete_marked(&self, ctx: &Ctx) -> Option<Effect> {
        let c = ctx.first_connection(Vendor::Axp)?;
        let (f, parent) = self.selected_family()?;
        if !f.ops.delete {
            return None;
        }
        let items: Vec<RemoteItem> = self
            .selected_items()?
            .iter()
            .filter(|it| self.marks.contains(&it.id))
            .cloned()
            .collect();
        let names: Vec<String> = items
            .iter()
            .take(5)
            .map(|it| {
                terminal_safe(if it.name.is_empty() { &it.id } else { &it.name }).into_owned()
            })
            .collect();
        let more = items.len().saturating_sub(names.len());
        let then = items
            .into_iter()
            .map(|it| match delete(f, parent.clone(), it, c.name.clone()) {
                Effect::Confirm { then, .. } => then,
                _ => unreachable!("delete asks first"),
            })
            .collect::<Vec<_>>();
        // More than a handful: the count is typed.
        Some(crate::tui::typed_confirm::confirm_count(
            then.len(),
            format!(
                "Delete {} {}?\n{}{}\nThe API removes each; the list updates when they are gone.",
                then.len(),
                f.title,
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            Command::Many(then),
        ))
    }

    /// n / e / D / a / s: forms generated from the registry.
    fn write(&self, action: Action, ctx: &Ctx) -> Option<Effect> {
        let Some(c) = ctx.first_connection(Vendor::Axp) else {
            return Some(Effect::error(NO_AXP));
        };
        let connection = c.name.clone();
        let (f, parent) = self.selected_family()?;
        let item = self.selected_item().cloned();
        let cannot =
            |what: &str| Effect::info(format!("{} cannot be {what} through the API", f.title));
        let item_form = |id: Option<String>, body: Option<&serde_json::Value>, creating: bool| {
            Effect::form(
                FormPurpose::VoiceItem {
                    connection: connection.clone(),
                    family: f.key,
                    parent: parent.clone(),
                    id,
                    creating,
                },
                voice_form::item_form(f, body, creating),
            )
        };
        let effect = match action {
            Action::New if f.ops.create => item_form(None, None, true),
            Action::New => cannot("created"),
            // A family without a list is updated by an id typed in.
            Action::Edit if f.ops.update && !f.ops.list => item_form(None, None, false),
            Action::Edit if f.ops.update => match &item {
                Some(it) => item_form(Some(it.id.clone()), Some(&it.body), false),
                None => Effect::info("choose an item on the right (→) to edit"),
            },
            Action::Edit => cannot("updated"),
            Action::Delete if f.ops.delete => match item {
                Some(it) => delete(f, parent, it, connection),
                None => Effect::info("choose an item on the right (→) to delete"),
            },
            Action::Delete => cannot("deleted"),
            Action::Actions if !f.actions.is_empty() => Effect::form(
                FormPurpose::VoiceAction {
                    connection,
                    family: f.key,
                    parent,
                    id: item.map(|i| i.id),
                },
                voice_form::action_form(f),
            ),
            Action::Actions => Effect::info(format!("{} has no extra actions", f.title)),
            Action::SyncCm => {
                let cm = match (f.key, parent, item) {
                    ("cm", _, Some(it)) => Some((it.id, it.name)),
                    (_, Some(p), _) => Some((p.clone(), p)),
                    _ => None,
                };
                match cm {
                    Some((cm, label)) => Effect::form(
                        FormPurpose::SyncCm { connection, cm },
                        voice_form::sync_form(&label),
                    ),
                    None => Effect::info(
                        "choose a Communication Manager (or a family under one) to sync",
                    ),
                }
            }
            _ => return None,
        };
        Some(effect)
    }
}

/// Deleting an item asks first. A location profile stuck PENDING_DELETE
/// is deleted by force.
fn delete(f: &Family, parent: Option<String>, it: RemoteItem, connection: String) -> Effect {
    let force = f.key == "location_profiles"
        && it.body.get("status").and_then(|s| s.as_str()) == Some("PENDING_DELETE");
    Effect::Confirm {
        message: format!(
            "{} {} {}?\nThe API removes it; the list updates when it is gone.",
            if force { "Force-delete" } else { "Delete" },
            f.title,
            if it.name.is_empty() { &it.id } else { &it.name }
        ),
        then: Command::Submit(JobKind::VoiceWrite {
            connection,
            family: f.key.into(),
            parent,
            id: Some(it.id),
            op: VoiceOp::Delete { force },
            body: None,
            wait: true,
        }),
    }
}

impl View for Voice {
    fn title(&self) -> &'static str {
        "Voice"
    }
    fn section(&self) -> &'static str {
        "voice"
    }
    fn loads(&self) -> Vec<DataRequest> {
        vec![DataRequest::Voice]
    }
    fn on_data(&mut self, data: Data) -> Taken {
        match data {
            Data::Voice(v) => self.data = v,
            other => return Taken::NotMine(other),
        }
        Taken::Mine(vec![])
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        if self.mark(action, ctx) {
            return vec![];
        }
        if action == Action::Delete && self.right && !self.marks.is_empty() {
            if let Some(confirm) = self.delete_marked(ctx) {
                return vec![confirm];
            }
        }
        match action {
            // The filter narrows the items: they take the focus.
            Action::Filter => {
                self.filter.open();
                self.right = true;
            }
            // Esc takes one thing at a time: a range under way, then the
            // filter, then the marks.
            Action::Escape if !self.range.active() && self.filter.label().is_some() => {
                self.filter.clear();
                self.item.cursor = 0;
            }
            Action::Left => {
                self.right = false;
                self.range.stop();
            }
            Action::Right => self.right = true,
            Action::Refresh => {
                return match ctx.first_connection(Vendor::Axp) {
                    Some(c) => vec![Effect::submit(JobKind::RefreshVoice {
                        connection: c.name.clone(),
                    })],
                    None => vec![Effect::error(NO_AXP)],
                };
            }
            Action::Enter if !self.right => self.right = true,
            Action::Enter => {
                if let Some(it) = self.selected_item() {
                    return vec![json_detail(&it.name, &it.body)];
                }
            }
            Action::Copy => {
                if let Some(it) = self.selected_item() {
                    return vec![Effect::Run(Command::Copy(it.id.clone()))];
                }
            }
            Action::New | Action::Edit | Action::Delete | Action::Actions | Action::SyncCm => {
                return self.write(action, ctx).into_iter().collect();
            }
            _ if self.right => {
                let len = self.visible_items().len();
                self.item.apply(action, len, ctx.page);
            }
            _ => {
                if self
                    .family
                    .apply(action, self.data.families.len(), ctx.page)
                {
                    self.item.cursor = 0;
                    // Marks are of one family's items.
                    self.marks.clear();
                    self.range.stop();
                }
            }
        }
        vec![]
    }

    fn writes<'a>(&'a self, action: Action, ctx: &'a Ctx) -> Writes<'a> {
        match action {
            Action::New | Action::Edit | Action::Delete | Action::Actions | Action::SyncCm => ctx
                .first_connection(Vendor::Axp)
                .map_or(Writes::Nothing, |c| Writes::Connection(&c.name)),
            _ => Writes::Nothing,
        }
    }

    fn typing(&self) -> bool {
        self.filter.typing
    }

    fn type_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        self.filter
            .type_into_list(action, key, &mut self.item.cursor)
    }

    fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        draw(f, self, ctx, area)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn draw(f: &mut Frame<'_>, v: &Voice, ctx: &Ctx, area: Rect) {
    let right = draw_families(f, v, ctx, area);
    draw_items(f, v, ctx, right);
}

/// The border of the pane with the focus stands out.
fn focus(ctx: &Ctx, on: bool) -> Style {
    if on {
        ctx.theme.title()
    } else {
        ctx.theme.dim()
    }
}

/// The families' tree on the left of `area`; returns the room on its right.
fn draw_families(f: &mut Frame<'_>, v: &Voice, ctx: &Ctx, area: Rect) -> Rect {
    let t = &ctx.theme;
    let at = v
        .data
        .refreshed
        .clone()
        .map(|at| crate::tui::columns::stamp(&at))
        .unwrap_or_else(|| "never refreshed".into());
    let tree_title = badges::title(ctx, Vendor::Axp, &format!(" {at} "));
    // The tree as wide as its longest label and its title, at most 45% of
    // the tab.
    let widest = v
        .data
        .families
        .iter()
        .map(|(_, parent, label, n)| {
            let indent = if parent.is_empty() { 0 } else { 2 };
            cells(Line::raw(format!("{label} ({n})")).width()).saturating_add(indent)
        })
        .chain([cells(tree_title.width())])
        .max()
        .unwrap_or(20);
    let tree = widest
        .saturating_add(2)
        .clamp(24, 44)
        .min(area.width * 9 / 20);
    let [left, right] =
        Layout::horizontal([Constraint::Length(tree), Constraint::Min(20)]).areas(area);
    let items: Vec<ListItem<'_>> = v
        .data
        .families
        .iter()
        .map(|(_, parent, label, n)| {
            let indent = if parent.is_empty() { "" } else { "  " };
            ListItem::new(format!("{indent}{label} ({n})"))
        })
        .collect();
    let mut ls = ListState::default().with_selected(Some(v.family.cursor));
    f.render_stateful_widget(
        List::new(items).highlight_style(t.selected()).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(focus(ctx, !v.right))
                .title(tree_title),
        ),
        left,
        &mut ls,
    );
    right
}

/// The selected family's items (or what it offers instead of a list).
fn draw_items(f: &mut Frame<'_>, v: &Voice, ctx: &Ctx, right: Rect) {
    let t = &ctx.theme;
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
                    .border_style(focus(ctx, v.right))
                    .title(format!(" {label} ")),
            ),
            right,
        );
        return;
    }
    let all = v.selected_items().map_or(0, Vec::len);
    let list = v.visible_items();
    let rows: Vec<Vec<Line<'_>>> = list.iter().map(|it| item_cells(ctx, v, fam, it)).collect();
    let inner = right.width.saturating_sub(2);
    let count = format!(
        "{label} ({}{}){}",
        list.len(),
        v.filter
            .label()
            .map(|l| format!(" of {all} {l}"))
            .unwrap_or_default(),
        marks::title(&v.marks, &v.range)
    );
    let title = with_hints(&count, &keys_of(fam), inner);
    let table = columns::table(&item_columns(fam), rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(focus(ctx, v.right))
                .title(title),
        );
    let mut ts = table_state(v.item.cursor, list.len());
    if !v.right {
        ts.select(None);
    }
    f.render_stateful_widget(table, right, &mut ts);
}

/// One item's cells: its id, then the family's columns (marked items in
/// the marked style).
fn item_cells(ctx: &Ctx, v: &Voice, fam: &Family, it: &RemoteItem) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    // The bodies stay exact (forms edit them); what a cell shows is
    // escaped for the terminal.
    let mut row = vec![Line::raw(terminal_safe(&it.id).into_owned())];
    let marked = v.marks.contains(&it.id);
    for c in fam.columns {
        let val = terminal_safe(&voice_body::cell_text(it.body.get(*c))).into_owned();
        let style = if c.to_lowercase().contains("status") {
            t.status(&val)
        } else {
            Style::default()
        };
        row.push(Line::from(Span::styled(val, style)));
    }
    if marked {
        row.into_iter().map(|l| l.patch_style(t.marked())).collect()
    } else {
        row
    }
}

/// A family's columns, as the registry lists them: the first (the item's
/// name or number) always shows, then statuses, then numbers and names;
/// the others give way from the last to the second, and the item's id
/// (often a UUID, in the JSON on Enter) before any of them. Descriptions and messages are cut.
fn item_columns(fam: &Family) -> Vec<Column> {
    let mut cols = vec![Column::whole(fam.id_field, 40)];
    for (i, c) in fam.columns.iter().enumerate() {
        let lower = c.to_lowercase();
        let drop = match i {
            0 => 0,
            _ if lower.contains("status") && !lower.contains("message") => 1,
            _ if lower.contains("number") || lower.contains("name") => 2,
            // A family has a handful of columns; a later one gives way first.
            _ => u8::try_from(i).unwrap_or(u8::MAX).saturating_add(3),
        };
        cols.push(
            if lower.contains("description") || lower.contains("message") {
                Column::cut(c, drop, 12, 60)
            } else {
                Column::whole(c, drop)
            },
        );
    }
    cols
}

/// The keys that do something for this family.
fn keys_of(f: &Family) -> Vec<&'static str> {
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
    keys
}

#[cfg(test)]
mod tests;
