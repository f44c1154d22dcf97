//! Numbers: a window of the inventory (see `numbers_state`), filter, sort,
//! marks, the detail pane, and the hand edits (release, cool, extend,
//! reserve, tag, add a range, import, export).

mod draw;

use crate::domain::actions::NumberAction;
use crate::domain::job::{JobKind, JobState};
use crate::domain::number::Status;
use crate::domain::read_only::Writes;
use crate::store::number_query::{Seek, SortKey};
use crate::tui::action::Action;
use crate::tui::app::Command;
use crate::tui::component::{Ctx, Effect, ListCursor, Taken, View};
use crate::tui::data::{Data, DataRequest};
use crate::tui::filter_input::FilterKey;
use crate::tui::forms::{self, FormPurpose};
use crate::tui::numbers_state::NumbersState;
use crate::tui::typed_confirm::confirm_count;
use crate::tui::views::marks;
use crate::worker::JobOutcome;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use tui_input::Input;

/// The most numbers `*` marks at once (each is a row loaded to the screen).
const MARK_ALL_MAX: usize = 10_000;

#[derive(Debug)]
pub struct Numbers {
    pub state: NumbersState,
    /// Rows the table shows (from `layout`): what a window must cover.
    pub viewport: usize,
}

impl Default for Numbers {
    fn default() -> Numbers {
        Numbers {
            state: NumbersState::default(),
            viewport: 20,
        }
    }
}

impl Numbers {
    fn page(&self) -> usize {
        self.viewport.max(1)
    }

    /// The window after the cursor moved, if one is needed.
    fn follow(&mut self) -> Vec<Effect> {
        let v = self.page();
        self.state.follow_cursor(v);
        self.state.load(v).map(Effect::load).into_iter().collect()
    }

    /// A new query (filter, status, sort): from the top (a range being
    /// marked ends: its rows are another list's).
    fn restart(&mut self) -> Vec<Effect> {
        self.state.range.stop();
        vec![Effect::load(self.state.restart(self.viewport))]
    }

    fn requery(&mut self) -> Vec<Effect> {
        let text = self.state.filter.text().to_string();
        if text == self.state.query.text {
            return vec![];
        }
        self.state.query.text = text;
        self.restart()
    }

    /// A movement of the cursor, with the window it needs; None when the
    /// action is no movement or the cursor cannot go further. A range
    /// being marked follows the cursor.
    fn move_cursor(&mut self, action: Action) -> Option<Vec<Effect>> {
        let n = &mut self.state;
        let mut cur = ListCursor { cursor: n.cursor };
        if !cur.apply(action, n.extent(), self.viewport.max(1)) {
            return None;
        }
        n.cursor = cur.cursor;
        let mut marks = std::mem::take(&mut n.marks);
        n.range
            .follow(n.cursor, &mut marks, |i| n.row(i).map(|r| r.number.clone()));
        n.marks = marks;
        Some(self.follow())
    }

    /// Starts a range of marks at the cursor, or ends the one under way.
    fn toggle_range(&mut self) {
        let n = &mut self.state;
        let (mut range, mut m) = (std::mem::take(&mut n.range), std::mem::take(&mut n.marks));
        range.toggle(n.cursor, &mut m, |i| n.row(i).map(|r| r.number.clone()));
        (n.range, n.marks) = (range, m);
    }

    /// `*`: every number of the view, when the whole list is on hand;
    /// else the list (up to `MARK_ALL_MAX` rows) is asked for first.
    fn mark_all(&mut self) -> Vec<Effect> {
        let n = &mut self.state;
        let all_loaded = n.total.is_some_and(|t| (0..t).all(|i| n.row(i).is_some()));
        if all_loaded {
            let keys: Vec<String> = (0..n.extent())
                .filter_map(|i| n.row(i).map(|r| r.number.clone()))
                .collect();
            marks::mark_all(&mut n.marks, keys);
            return vec![];
        }
        n.mark_all_pending = true;
        vec![Effect::load(DataRequest::Numbers {
            query: n.query.clone(),
            seek: Seek::First,
            limit: MARK_ALL_MAX + 1,
        })]
    }

    /// The whole list came for `*`: mark it, or say it is too long.
    fn marked_all_when_loaded(&mut self) -> Vec<Effect> {
        let n = &mut self.state;
        let Some(w) = n
            .page
            .as_ref()
            .filter(|p| p.query == n.query)
            .map(|p| &p.window)
        else {
            return vec![];
        };
        n.mark_all_pending = false;
        if w.offset != 0 || !w.at_end {
            return vec![Effect::info(format!(
                "more than {MARK_ALL_MAX} numbers: narrow the view with / or f to mark them all"
            ))];
        }
        let keys: Vec<String> = w.rows.iter().map(|r| r.number.clone()).collect();
        marks::mark_all(&mut n.marks, keys);
        vec![]
    }

    /// The marked numbers, else the one under the cursor.
    fn chosen(&self) -> Vec<String> {
        let n = &self.state;
        if n.marks.is_empty() {
            n.row(n.cursor)
                .map(|r| vec![r.number.clone()])
                .unwrap_or_default()
        } else {
            n.marks.iter().cloned().collect()
        }
    }

    /// Whether a Cooling number (with its countdown) is on screen.
    fn cooling_visible(&self) -> bool {
        let n = &self.state;
        (n.scroll..n.scroll + self.viewport)
            .any(|i| n.row(i).is_some_and(|r| r.status == Status::Cooling))
    }

    /// The hand edits, on the marked rows or the cursor's.
    fn edit(&mut self, action: Action, export_dir: &std::path::Path) -> Vec<Effect> {
        let picked = self.chosen();
        let which = match picked.as_slice() {
            [one] => one.clone(),
            many => format!("{} marked numbers", many.len()),
        };
        let purpose = match action {
            Action::AddRange => FormPurpose::AddRange,
            Action::Import => FormPurpose::Import,
            Action::Export => FormPurpose::Export {
                query: self.state.query.clone(),
                dir: export_dir.to_path_buf(),
            },
            _ if picked.is_empty() => return vec![],
            Action::Cool => FormPurpose::Cool(picked),
            Action::Extend => FormPurpose::Extend(picked),
            Action::Edit => FormPurpose::Tag(picked),
            Action::Release => {
                // Many numbers: their count is typed (see `typed_confirm`).
                return vec![confirm_count(
                    picked.len(),
                    format!(
                        "Release {which} now?\nCooling numbers become Available; vendor, usage, tag and release date are cleared."
                    ),
                    Command::Submit(JobKind::EditNumbers {
                        numbers: picked,
                        action: NumberAction::Release,
                    }),
                )];
            }
            Action::Reserve | Action::Unreserve => {
                let action = if action == Action::Reserve {
                    NumberAction::Reserve
                } else {
                    NumberAction::Unreserve
                };
                self.state.marks.clear();
                return vec![Effect::submit(JobKind::EditNumbers {
                    numbers: picked,
                    action,
                })];
            }
            _ => return vec![],
        };
        let form = forms::prompt(&purpose);
        vec![Effect::form(purpose, form)]
    }
}

impl View for Numbers {
    fn title(&self) -> &'static str {
        "Numbers"
    }
    fn section(&self) -> &'static str {
        "numbers"
    }
    fn loads(&self) -> Vec<DataRequest> {
        vec![self.state.reload(self.viewport), DataRequest::NumberSummary]
    }
    fn preload(&self) -> bool {
        true
    }

    fn on_data(&mut self, data: Data) -> Taken {
        let n = &mut self.state;
        match data {
            Data::Numbers(page) => {
                let more = n.on_page(page, self.viewport);
                let mut effects: Vec<Effect> = more.map(Effect::load).into_iter().collect();
                if n.mark_all_pending {
                    effects.extend(self.marked_all_when_loaded());
                }
                return Taken::Mine(effects);
            }
            Data::NumbersTotal(query, total) => n.on_total(query, total),
            Data::NumberSummary(summary) => n.summary = Some(summary),
            Data::Detail(num, item, events, seen) => {
                // Only the number still asked about.
                if n.detail.as_ref().is_some_and(|d| d.0 == num) {
                    n.detail = Some((num, item, events, seen));
                }
            }
            other => return Taken::NotMine(other),
        }
        Taken::Mine(vec![])
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        let page = self.page();
        let n = &mut self.state;
        if action == Action::Bottom {
            return n.go_last(page).map(Effect::load).into_iter().collect();
        }
        if let Some(effects) = self.move_cursor(action) {
            return effects;
        }
        if let Some(movement) = marks::shift_movement(action) {
            // Shift+movement: a range from here to where the cursor goes.
            if !self.state.range.active() {
                self.toggle_range();
            }
            return self.move_cursor(movement).unwrap_or_default();
        }
        let n = &mut self.state;
        match action {
            Action::MarkAll => return self.mark_all(),
            Action::MarkRange => self.toggle_range(),
            // A range under way ends first (its marks stay).
            Action::Escape if n.range.active() => n.range.stop(),
            Action::Filter => {
                n.filter.input = Input::new(n.query.text.clone());
                n.filter.open();
            }
            // Esc takes away one thing at a time: the detail pane, then the
            // filter (text and status), then the marks.
            Action::Escape if n.detail.is_some() => n.detail = None,
            Action::Escape
                if !n.query.text.is_empty()
                    || n.query.status.is_some()
                    || n.query.last_sync_conflicts =>
            {
                n.filter.clear();
                n.query.text.clear();
                n.query.status = None;
                n.query.last_sync_conflicts = false;
                return self.restart();
            }
            Action::Escape => n.marks.clear(),
            Action::StatusFilter => {
                // all, each status, then the conflicts of the last sync.
                let order: Vec<(Option<Status>, bool)> = std::iter::once(None)
                    .chain(Status::ALL.iter().copied().map(Some))
                    .map(|s| (s, false))
                    .chain([(None, true)])
                    .collect();
                let now = (n.query.status, n.query.last_sync_conflicts);
                let i = order.iter().position(|s| *s == now).unwrap_or(0);
                (n.query.status, n.query.last_sync_conflicts) = order[(i + 1) % order.len()];
                return self.restart();
            }
            Action::Sort => {
                let i = SortKey::ALL
                    .iter()
                    .position(|k| *k == n.query.sort)
                    .unwrap_or(0);
                n.query.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
                return self.restart();
            }
            Action::ReverseSort => {
                n.query.descending = !n.query.descending;
                return self.restart();
            }
            Action::Mark => {
                n.range.stop();
                if let Some(num) = n.row(n.cursor).map(|r| r.number.clone()) {
                    if !n.marks.remove(&num) {
                        n.marks.insert(num);
                    }
                    return self.move_cursor(Action::Down).unwrap_or_default();
                }
            }
            Action::Copy => {
                let text = if n.marks.is_empty() {
                    n.row(n.cursor)
                        .map(|r| r.number.clone())
                        .unwrap_or_default()
                } else {
                    n.marks.iter().cloned().collect::<Vec<_>>().join("\n")
                };
                if !text.is_empty() {
                    let count = text.lines().count();
                    return vec![
                        Effect::info(format!(
                            "copied {count} number{}",
                            if count == 1 { "" } else { "s" }
                        )),
                        Effect::Run(Command::Copy(text)),
                    ];
                }
            }
            Action::Enter => {
                if let Some(num) = n.row(n.cursor).map(|r| r.number.clone()) {
                    n.detail = Some((num.clone(), None, vec![], vec![]));
                    return vec![Effect::load(DataRequest::NumberDetail(num))];
                }
            }
            _ => return self.edit(action, &ctx.export_dir),
        }
        vec![]
    }

    fn writes<'a>(&'a self, action: Action, _ctx: &'a Ctx) -> Writes<'a> {
        match action {
            Action::Release
            | Action::Cool
            | Action::Extend
            | Action::Reserve
            | Action::Unreserve
            | Action::AddRange
            | Action::Import
            | Action::Edit => Writes::Store,
            _ => Writes::Nothing,
        }
    }

    fn typing(&self) -> bool {
        self.state.filter.typing
    }

    fn type_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        match self.state.filter.key(action, key) {
            FilterKey::Quit => vec![Effect::Quit],
            _ => self.requery(),
        }
    }

    fn job_finished(&mut self, kind: &JobKind, outcome: &JobOutcome) {
        // The marks were what the edit was about.
        if matches!(kind, JobKind::EditNumbers { .. }) && outcome.state == JobState::Succeeded {
            self.state.marks.clear();
            self.state.range.stop();
        }
    }

    fn layout(&mut self, area: Rect) {
        self.viewport = draw::table_rows(area).max(1);
    }

    fn waiting(&self) -> bool {
        self.state.waiting(self.viewport)
    }

    fn ticking(&self) -> bool {
        self.cooling_visible()
    }

    fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        draw::draw(f, &self.state, ctx, area)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests;
