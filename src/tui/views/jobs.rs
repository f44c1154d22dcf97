//! Jobs: every job of every process on this store, with live progress;
//! details with the job's log, and cancel.

use super::{marks, table_state};
use crate::domain::text::count;
use crate::store::jobs::JobRecord;
use crate::tui::action::Action;
use crate::tui::app::{job_title, Command};
use crate::tui::badges;
use crate::tui::columns::{self, Column};
use crate::tui::component::{Ctx, Effect, ListCursor, Taken, View};
use crate::tui::data::{Data, DataRequest};
use crate::tui::filter_input::FilterInput;
use crate::tui::pane_title::with_hints;
use crate::tui::view::header_style;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;
use std::collections::BTreeSet;

#[derive(Debug, Default)]
pub struct Jobs {
    pub jobs: Vec<JobRecord>,
    pub cursor: ListCursor,
    /// `/`: narrows by kind, target, state, id or result.
    pub filter: FilterInput,
    /// Marked jobs (ids): `c` cancels every marked one still running.
    pub marks: BTreeSet<String>,
    pub range: marks::Range,
}

impl Jobs {
    /// The jobs the list shows (the filter's).
    pub fn visible(&self) -> Vec<&JobRecord> {
        self.jobs
            .iter()
            .filter(|j| {
                self.filter.matches([
                    j.kind.as_str(),
                    j.target.as_str(),
                    j.state.as_str(),
                    j.id.as_str(),
                    j.summary.as_str(),
                    j.error.as_str(),
                ])
            })
            .collect()
    }

    /// The id of the `i`th job the list shows.
    fn id_at(&self, i: usize) -> Option<String> {
        self.visible().get(i).map(|j| j.id.clone())
    }

    /// Space, `*`, `V` and Shift+movement; true when the action was one.
    fn mark(&mut self, action: Action, ctx: &Ctx) -> bool {
        let mut m = std::mem::take(&mut self.marks);
        let mut range = std::mem::take(&mut self.range);
        let len = self.visible().len();
        match action {
            Action::Mark => {
                range.stop();
                if let Some(id) = self.id_at(self.cursor.cursor) {
                    marks::toggle(&mut m, id);
                }
                self.cursor.apply(Action::Down, len, ctx.page);
            }
            Action::MarkAll => {
                let shown: Vec<String> = self.visible().iter().map(|j| j.id.clone()).collect();
                marks::mark_all(&mut m, shown);
            }
            Action::MarkRange => range.toggle(self.cursor.cursor, &mut m, |i| self.id_at(i)),
            Action::Escape if range.active() => range.stop(),
            Action::Escape if !m.is_empty() => m.clear(),
            _ => match marks::shift_movement(action) {
                Some(movement) => {
                    if !range.active() {
                        range.toggle(self.cursor.cursor, &mut m, |i| self.id_at(i));
                    }
                    self.cursor.apply(movement, len, ctx.page);
                    range.follow(self.cursor.cursor, &mut m, |i| self.id_at(i));
                }
                None => {
                    let moved = self.cursor.apply(action, len, ctx.page);
                    range.follow(self.cursor.cursor, &mut m, |i| self.id_at(i));
                    (self.marks, self.range) = (m, range);
                    return moved;
                }
            },
        }
        (self.marks, self.range) = (m, range);
        true
    }

    /// `c` on marked jobs: every one still running is cancelled.
    fn cancel_marked(&mut self) -> Vec<Effect> {
        let running: Vec<&JobRecord> = self
            .jobs
            .iter()
            .filter(|j| self.marks.contains(&j.id) && !j.state.is_terminal())
            .collect();
        if running.is_empty() {
            return vec![Effect::info("none of the marked jobs is running")];
        }
        let marked = self.marks.len();
        let said = if running.len() == marked {
            format!("cancelling {}", count(marked, "marked job", "marked jobs"))
        } else {
            format!(
                "cancelling {} of {} (the others have ended)",
                running.len(),
                count(marked, "marked job", "marked jobs")
            )
        };
        let mut effects = vec![Effect::info(said)];
        effects.extend(
            running
                .into_iter()
                .map(|j| Effect::Run(Command::Cancel(j.id.clone()))),
        );
        self.marks.clear();
        self.range.stop();
        effects
    }
}

impl View for Jobs {
    fn title(&self) -> &'static str {
        "Jobs"
    }
    fn section(&self) -> &'static str {
        "jobs"
    }
    fn loads(&self) -> Vec<DataRequest> {
        vec![DataRequest::Jobs]
    }
    fn preload(&self) -> bool {
        true
    }
    fn on_data(&mut self, data: Data) -> Taken {
        match data {
            Data::Jobs(jobs) => {
                // Marks of jobs no longer listed go; a range's rows moved.
                self.marks.retain(|id| jobs.iter().any(|j| &j.id == id));
                if self.jobs.len() != jobs.len() {
                    self.range.stop();
                }
                self.jobs = jobs;
            }
            other => return Taken::NotMine(other),
        }
        Taken::Mine(vec![])
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        match action {
            Action::Filter => {
                self.filter.open();
                return vec![];
            }
            // Esc takes one thing at a time: a range under way, then the
            // filter, then the marks.
            Action::Escape if !self.range.active() && self.filter.label().is_some() => {
                self.filter.clear();
                self.cursor.cursor = 0;
                return vec![];
            }
            _ => {}
        }
        if self.mark(action, ctx) {
            return vec![];
        }
        if action == Action::Cancel && !self.marks.is_empty() {
            return self.cancel_marked();
        }
        let visible = self.visible();
        let mut cursor = self.cursor.clone();
        cursor.cursor = cursor.cursor.min(visible.len().saturating_sub(1));
        cursor.apply(action, visible.len(), ctx.page);
        let job = visible.get(cursor.cursor).copied();
        let effects = match (action, job) {
            (Action::Cancel, Some(j)) if !j.state.is_terminal() => {
                vec![Effect::Run(Command::Cancel(j.id.clone()))]
            }
            (Action::Cancel, Some(_)) => vec![Effect::info("that job has already ended")],
            (Action::Enter, Some(j)) => {
                let mut lines = vec![
                    format!("{} {} — {}", j.kind, j.target, j.state),
                    format!("created {}", j.created_at),
                ];
                lines.extend(j.started_at.iter().map(|s| format!("started {s}")));
                lines.extend(j.ended_at.iter().map(|s| format!("ended   {s}")));
                // A summary or error of several lines (an import's bad
                // lines) shows as lines.
                if !j.summary.is_empty() {
                    lines.push(String::new());
                    lines.extend(j.summary.lines().map(String::from));
                }
                if !j.error.is_empty() {
                    lines.push(String::new());
                    lines.extend(j.error.lines().map(String::from));
                }
                // The log streams in under the record (see `App::on_data`).
                vec![
                    Effect::Detail {
                        title: job_title(&j.id),
                        lines,
                    },
                    Effect::load(DataRequest::JobLog(j.id.clone())),
                ]
            }
            (Action::Refresh, _) => vec![Effect::load(DataRequest::Jobs)],
            _ => vec![],
        };
        self.cursor = cursor;
        effects
    }

    fn typing(&self) -> bool {
        self.filter.typing
    }

    fn type_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        self.filter
            .type_into_list(action, key, &mut self.cursor.cursor)
    }

    fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx) {
        draw(f, self, ctx, area)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn bar(done: u64, total: u64, width: u16) -> String {
    if total == 0 {
        return String::new();
    }
    // done / total of `width` cells to the nearest cell, halves up, in
    // u128 so that nothing overflows.
    let (d, t, w) = (u128::from(done), u128::from(total), u128::from(width));
    let filled = usize::try_from((2 * d * w + t) / (2 * t)).unwrap_or(usize::MAX);
    let width = usize::from(width);
    format!(
        "{}{} {done}/{total}",
        "█".repeat(filled.min(width)),
        "░".repeat(width - filled.min(width))
    )
}

/// The list's columns: the job's kind, target and state always show; then
/// the result (cut to fit), and on a narrow terminal the progress and
/// the creation time give way, in that order.
const COLUMNS: [Column; 6] = [
    Column::whole("Created", 3),
    Column::whole("Kind", 0),
    Column::whole("Target", 0),
    Column::whole("State", 0),
    Column::whole("Progress", 2),
    Column::cut("Result", 1, 12, 200),
];

fn draw(f: &mut Frame<'_>, view: &Jobs, ctx: &Ctx, area: Rect) {
    let t = &ctx.theme;
    let visible = view.visible();
    let rows: Vec<Vec<Line<'_>>> = visible
        .iter()
        .map(|j| {
            let live = ctx.live.iter().find(|l| l.id == j.id);
            let progress = live.map(|l| bar(l.done, l.total, 12)).unwrap_or_else(|| {
                if j.total > 0 {
                    format!("{}/{}", j.done, j.total)
                } else {
                    String::new()
                }
            });
            // A partial job's summary says what was refreshed and what failed.
            let text = if j.error.is_empty() || j.state == crate::domain::job::JobState::Partial {
                j.summary.clone()
            } else {
                j.error.clone()
            };
            let state = live.map(|l| l.state).unwrap_or(j.state);
            let cells = vec![
                Line::raw(columns::stamp(&j.created_at)),
                Line::raw(j.kind.clone()),
                badges::target(ctx, &j.target),
                Line::from(Span::styled(state.as_str(), t.status(state.as_str()))),
                Line::raw(progress),
                // One line per row: the first of the text (details show all).
                Line::raw(text.lines().next().unwrap_or_default().to_string()),
            ];
            if view.marks.contains(&j.id) {
                cells
                    .into_iter()
                    .map(|l| l.patch_style(t.marked()))
                    .collect()
            } else {
                cells
            }
        })
        .collect();
    let inner = area.width.saturating_sub(2);
    let table = columns::table(&COLUMNS, rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(with_hints(
            &format!(
                "Jobs ({}{}){}",
                visible.len(),
                view.filter
                    .label()
                    .map(|l| format!(" of {} {l}", view.jobs.len()))
                    .unwrap_or_default(),
                marks::title(&view.marks, &view.range)
            ),
            &["Enter details", "c cancel"],
            inner,
        )));
    let mut state = table_state(view.cursor.cursor, visible.len());
    f.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::job::JobState;
    use crate::tui::component::testing::{ctx, toasts};

    fn job(id: &str, state: JobState) -> JobRecord {
        JobRecord {
            id: id.into(),
            kind: "sync".into(),
            target: "arm".into(),
            state,
            done: 0,
            total: 0,
            created_at: "2026-11-30T05:52:28Z".into(),
            started_at: None,
            ended_at: None,
            summary: String::new(),
            error: String::new(),
        }
    }

    fn view() -> Jobs {
        let mut v = Jobs::default();
        let data = Data::Jobs(vec![
            job("running-1", JobState::Running),
            job("ended-2", JobState::Succeeded),
        ]);
        assert!(matches!(v.on_data(data), Taken::Mine(_)));
        v
    }

    #[test]
    fn the_cursor_moves_within_the_list() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.handle(Action::Down, &ctx);
        v.handle(Action::Down, &ctx);
        assert_eq!(v.cursor.cursor, 1, "stops at the last job");
        v.handle(Action::Top, &ctx);
        assert_eq!(v.cursor.cursor, 0);
    }

    #[test]
    fn cancel_reaches_a_running_job_only() {
        let ctx = ctx(vec![]);
        let mut v = view();
        assert!(matches!(
            v.handle(Action::Cancel, &ctx).as_slice(),
            [Effect::Run(Command::Cancel(id))] if id == "running-1"
        ));
        v.handle(Action::Down, &ctx);
        let effects = v.handle(Action::Cancel, &ctx);
        assert_eq!(toasts(&effects), ["that job has already ended"]);
    }

    fn cancelled(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Run(Command::Cancel(id)) => Some(id.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn marked_jobs_are_cancelled_together_the_ended_left_alone() {
        let ctx = ctx(vec![]);
        let mut v = Jobs::default();
        v.on_data(Data::Jobs(vec![
            job("run-1", JobState::Running),
            job("done-2", JobState::Succeeded),
            job("run-3", JobState::Running),
            job("run-4", JobState::Running),
        ]));
        v.handle(Action::MarkAll, &ctx);
        assert_eq!(v.marks.len(), 4);
        // Space on the first unmarks it (and moves down).
        v.handle(Action::Mark, &ctx);
        assert_eq!(v.cursor.cursor, 1);
        let effects = v.handle(Action::Cancel, &ctx);
        assert_eq!(cancelled(&effects), ["run-3", "run-4"]);
        assert_eq!(
            toasts(&effects),
            ["cancelling 2 of 3 marked jobs (the others have ended)"]
        );
        assert!(
            v.marks.is_empty(),
            "the marks were what the cancel was about"
        );
    }

    #[test]
    fn a_range_marks_from_the_anchor_to_the_cursor_and_esc_ends_it_first() {
        let ctx = ctx(vec![]);
        let mut v = Jobs::default();
        v.on_data(Data::Jobs(
            (0..5)
                .map(|i| job(&format!("j{i}"), JobState::Running))
                .collect(),
        ));
        v.handle(Action::Down, &ctx);
        v.handle(Action::MarkRange, &ctx);
        v.handle(Action::Down, &ctx);
        v.handle(Action::Down, &ctx);
        assert_eq!(v.marks, ["j1", "j2", "j3"].map(String::from).into());
        v.handle(Action::Up, &ctx);
        assert_eq!(v.marks, ["j1", "j2"].map(String::from).into());
        // Esc ends the range, keeping its marks; the next Esc clears them.
        v.handle(Action::Escape, &ctx);
        assert!(!v.range.active());
        v.handle(Action::Down, &ctx);
        assert_eq!(v.marks.len(), 2);
        v.handle(Action::Escape, &ctx);
        assert!(v.marks.is_empty());
        // Shift+Down marks the row left and the row reached.
        v.handle(Action::MarkDown, &ctx);
        assert_eq!(v.marks, ["j3", "j4"].map(String::from).into());
    }

    #[test]
    fn details_open_and_ask_for_the_log() {
        let ctx = ctx(vec![]);
        let mut v = view();
        match v.handle(Action::Enter, &ctx).as_slice() {
            [Effect::Detail { title, lines }, Effect::Run(Command::Load(DataRequest::JobLog(id)))] =>
            {
                assert_eq!(title, "job running-");
                assert_eq!(lines[0], "sync arm — running");
                assert_eq!(id, "running-1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_filter_takes_c_as_text_and_narrows_the_list() {
        let ctx = ctx(vec![]);
        let mut v = view();
        v.handle(Action::Filter, &ctx);
        assert!(v.typing());
        let key = |c| {
            KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            )
        };
        // `c` cancels the running job elsewhere: here it is text.
        for c in "succ".chars() {
            assert!(v.type_key(None, key(c)).is_empty());
        }
        v.type_key(Some(Action::Enter), key('x'));
        assert!(!v.typing());
        let ids: Vec<&str> = v.visible().iter().map(|j| j.id.as_str()).collect();
        assert_eq!(ids, ["ended-2"]);
        assert_eq!(
            toasts(&v.handle(Action::Cancel, &ctx)),
            ["that job has already ended"],
            "the filtered row is the one acted on"
        );
        v.handle(Action::Escape, &ctx);
        assert_eq!(v.visible().len(), 2);
    }

    #[test]
    fn a_bar_fills_to_the_nearest_cell() {
        assert_eq!(bar(0, 0, 12), "");
        assert_eq!(bar(0, 10, 12), format!("{} 0/10", "░".repeat(12)));
        // 1/24 of 12 cells is half a cell: rounded up.
        assert_eq!(bar(1, 24, 12), format!("█{} 1/24", "░".repeat(11)));
        assert_eq!(bar(1, 25, 12), format!("{} 1/25", "░".repeat(12)));
        assert_eq!(
            bar(5, 10, 12),
            format!("{}{} 5/10", "█".repeat(6), "░".repeat(6))
        );
        assert_eq!(bar(12, 10, 12), format!("{} 12/10", "█".repeat(12)));
        assert_eq!(
            bar(u64::MAX, u64::MAX, 12),
            format!("{} {m}/{m}", "█".repeat(12), m = u64::MAX)
        );
    }
}
