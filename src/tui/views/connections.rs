//! Connections: every configured connection, its VOSS instances and last
//! run; sync, preview, test, purge, and the connection forms.

use super::table_state;
use crate::clock;
use crate::domain::connection::instance_names;
use crate::domain::job::JobKind;
use crate::domain::read_only::Writes;
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::store::sync::SyncRun;
use crate::tui::action::Action;
use crate::tui::app::{job_title, Command};
use crate::tui::badges;
use crate::tui::cells::cells;
use crate::tui::columns::{self, Column};
use crate::tui::component::{Ctx, Effect, ListCursor, Taken, View};
use crate::tui::connection_form;
use crate::tui::data::{ConnInfo, Data, DataRequest};
use crate::tui::filter_input::FilterInput;
use crate::tui::forms::FormPurpose;
use crate::tui::pane_title::with_hints;
use crate::tui::view::header_style;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

/// The Connections tab: the list is shared (`Ctx::connections`, every view
/// names connections); the cursor is this view's.
#[derive(Debug, Default)]
pub struct Connections {
    pub cursor: ListCursor,
    /// `/`: narrows the list by name, vendor or address.
    pub filter: FilterInput,
}

impl Connections {
    /// The connections the list shows (the filter's).
    pub fn visible<'a>(&self, ctx: &'a Ctx) -> Vec<&'a ConnInfo> {
        ctx.connections
            .iter()
            .filter(|c| {
                self.filter
                    .matches([c.name.as_str(), c.vendor.as_str(), c.address.as_str()])
            })
            .collect()
    }

    /// The connection under the cursor (the list may have shrunk under it).
    pub fn selected<'a>(&self, ctx: &'a Ctx) -> Option<&'a ConnInfo> {
        let visible = self.visible(ctx);
        let last = visible.len().saturating_sub(1);
        visible.get(self.cursor.cursor.min(last)).copied()
    }

    /// n / e / D / P: the forms and confirmations of connections.
    fn edit(&self, action: Action, ctx: &Ctx) -> Option<Vec<Effect>> {
        match action {
            Action::New => {
                let taken = ctx.connections.iter().map(|c| c.name.clone()).collect();
                let form = connection_form::form(
                    &connection_form::blank(Vendor::AudioCodes, ""),
                    &[],
                    false,
                );
                return Some(vec![Effect::form(
                    FormPurpose::NewConnection { taken },
                    form,
                )]);
            }
            Action::Edit | Action::Delete | Action::Purge => {}
            _ => return None,
        }
        let c = self.selected(ctx)?.clone();
        if action == Action::Purge && c.vendor != Vendor::AudioCodes {
            return Some(vec![Effect::info(
                "purge is for AudioCodes connections (PurgeAudioCodes__<name>)",
            )]);
        }
        let held = format!(
            "{} Used number{} will cool for the AudioCodes cooling duration; {} already cooling",
            c.used,
            if c.used == 1 { "" } else { "s" },
            c.cooling
        );
        let effect = match (action, c.source) {
            (Action::Edit | Action::Delete, ConnectionSource::ConfigFile) => Effect::info(format!(
                "{} is declared in the config file; change it there",
                c.name
            )),
            (Action::Edit, _) => match &c.spec {
                Some(spec) => Effect::form(
                    FormPurpose::EditConnection {
                        kept: c.secrets_kept.clone(),
                    },
                    connection_form::form(spec, &c.secrets_kept, true),
                ),
                None => return Some(vec![]),
            },
            // Both forget a whole connection: its name is typed to confirm.
            (Action::Delete, _) => {
                let what = if c.vendor == Vendor::AudioCodes {
                    format!("It is purged first: its cached users are removed and {held}.")
                } else {
                    "Its cached data (profiles, services, voice elements) is forgotten; nothing changes on the vendor's side.".to_string()
                };
                Effect::ConfirmTyped {
                    message: format!("Delete connection {}?\n{what}", c.name),
                    expect: c.name.clone(),
                    then: Command::Submit(JobKind::DeleteConnection { connection: c.name }),
                }
            }
            _ => Effect::ConfirmTyped {
                message: format!(
                    "Purge {} (PurgeAudioCodes__{})?\nIts cached registered users are removed and {held}.",
                    c.name, c.name
                ),
                expect: c.name.clone(),
                then: Command::Submit(JobKind::PurgeAudioCodes { connection: c.name }),
            },
        };
        Some(vec![effect])
    }
}

impl View for Connections {
    fn title(&self) -> &'static str {
        "Connections"
    }
    fn section(&self) -> &'static str {
        "connections"
    }
    fn loads(&self) -> Vec<DataRequest> {
        vec![DataRequest::Connections]
    }
    /// The connections themselves are the router's (shared by every view).
    fn on_data(&mut self, data: Data) -> Taken {
        Taken::NotMine(data)
    }

    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect> {
        let len = self.visible(ctx).len();
        self.cursor.cursor = self.cursor.cursor.min(len.saturating_sub(1));
        if self.cursor.apply(action, len, ctx.page) {
            return vec![];
        }
        if self.filter.open_or_clear(action, &mut self.cursor.cursor) {
            return vec![];
        }
        if let Some(effects) = self.edit(action, ctx) {
            return effects;
        }
        let Some(c) = self.selected(ctx) else {
            return vec![];
        };
        let connection = c.name.clone();
        let effect = match (action, c.vendor) {
            (Action::Refresh, Vendor::AudioCodes) => Effect::submit(JobKind::SyncAudioCodes {
                connection,
                dry_run: false,
                force: false,
            }),
            (Action::Preview, Vendor::AudioCodes) => Effect::submit(JobKind::SyncAudioCodes {
                connection,
                dry_run: true,
                force: false,
            }),
            (Action::Refresh, Vendor::LivePlatform) => {
                Effect::submit(JobKind::RefreshLivePlatform { connection })
            }
            (Action::Refresh, _) => Effect::submit(JobKind::RefreshVoice { connection }),
            (Action::Test, _) => Effect::submit(JobKind::TestConnection { connection }),
            (Action::Enter, _) => return last_run_details(c),
            (Action::Copy, _) => Effect::Run(Command::Copy(connection)),
            (Action::Preview, _) => Effect::info("preview is for AudioCodes syncs"),
            _ => return vec![],
        };
        vec![effect]
    }

    fn writes<'a>(&'a self, action: Action, ctx: &'a Ctx) -> Writes<'a> {
        match action {
            Action::New | Action::Edit | Action::Delete => Writes::Store,
            Action::Purge => self
                .selected(ctx)
                .map_or(Writes::Nothing, |c| Writes::Connection(&c.name)),
            Action::Refresh => match self.selected(ctx) {
                Some(c) if c.vendor == Vendor::AudioCodes => Writes::Connection(&c.name),
                _ => Writes::Nothing,
            },
            _ => Writes::Nothing,
        }
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

/// The list's columns: the name always shows; on a narrow terminal the
/// source, address, auth, vendor, schedule, holdings and last run give
/// way, in that order.
const COLUMNS: [Column; 8] = [
    Column::whole("Name", 0),
    Column::whole("From", 7),
    Column::whole("Vendor", 4),
    Column::whole("Address", 6),
    Column::whole("Auth", 5),
    Column::whole("Holds", 2),
    Column::whole("Schedule", 3),
    Column::cut("Last run", 1, 24, 40),
];

fn draw(f: &mut Frame<'_>, view: &Connections, ctx: &Ctx, area: Rect) {
    // The list as tall as its rows (the instances pane takes the rest).
    let visible = view.visible(ctx);
    let wanted = cells(visible.len()).saturating_add(3);
    let [list, detail] = Layout::vertical([
        Constraint::Length(wanted.clamp(5, area.height.saturating_sub(10).max(5))),
        Constraint::Min(10),
    ])
    .areas(area);
    draw_list(f, view, ctx, &visible, list);
    draw_instances(f, ctx, view.selected(ctx), detail);
}

/// The connections shown (`visible`) in a table with the cursor.
fn draw_list(f: &mut Frame<'_>, view: &Connections, ctx: &Ctx, visible: &[&ConnInfo], list: Rect) {
    let t = &ctx.theme;
    let rows: Vec<Vec<Line<'_>>> = visible.iter().map(|c| connection_cells(ctx, c)).collect();
    let inner = list.width.saturating_sub(2);
    let table = columns::table(&COLUMNS, rows, inner, header_style(ctx))
        .row_highlight_style(t.selected())
        .block(Block::default().borders(Borders::ALL).title(with_hints(
            &format!(
                "Connections ({}{})",
                visible.len(),
                view.filter
                    .label()
                    .map(|l| format!(" of {} {l}", ctx.connections.len()))
                    .unwrap_or_default()
            ),
            &[
                "r sync",
                "p preview",
                "t test",
                "P purge",
                "n new",
                "e edit",
                "D delete",
            ],
            inner,
        )));
    let mut state = table_state(view.cursor.cursor, visible.len());
    f.render_stateful_widget(table, list, &mut state);
}

/// One connection's cells, in the order of `COLUMNS`.
fn connection_cells<'a>(ctx: &Ctx, c: &'a ConnInfo) -> Vec<Line<'a>> {
    let t = &ctx.theme;
    let last = c
        .last_run
        .as_ref()
        .map(|r| format!("{} {}", r.result, columns::stamp(&r.ended_at)))
        .unwrap_or_else(|| "never".into());
    let held = if c.vendor == Vendor::AudioCodes {
        format!("{} used, {} cooling", c.used, c.cooling)
    } else {
        let items: usize = c.remote.iter().map(|(_, n)| n).sum();
        crate::domain::text::count(items, "item", "items")
    };
    vec![
        Line::from(badges::named(ctx, &c.name)),
        Line::raw(if c.source == ConnectionSource::ConfigFile {
            "file"
        } else {
            "here"
        }),
        Line::raw(c.vendor.as_str()),
        Line::raw(c.address.clone()),
        Line::raw(c.auth.clone()),
        Line::raw(held),
        Line::raw(c.schedule.clone()),
        Line::from(Span::styled(
            last,
            t.status(c.last_run.as_ref().map(|r| r.result.as_str()).unwrap_or("")),
        )),
    ]
}

/// The pane under the list: the selected connection's warnings, then its
/// instances (AudioCodes) or its fetched counts (the other vendors).
fn draw_instances(f: &mut Frame<'_>, ctx: &Ctx, selected: Option<&ConnInfo>, detail: Rect) {
    let t = &ctx.theme;
    let width = detail.width.saturating_sub(2);
    let mut lines: Vec<Line<'_>> = Vec::new();
    if let Some(c) = selected.filter(|c| c.insecure) {
        lines.push(Line::styled(
            format!("TLS verification is off for {} (insecure_skip_verify = true): its certificate is not checked", c.name),
            t.error(),
        ));
    }
    if let Some(c) = selected.filter(|c| c.read_only) {
        lines.push(Line::styled(
            format!(
                "{} is read-only: its syncs, purges and vendor writes are refused",
                c.name
            ),
            t.marked(),
        ));
    }
    match selected {
        Some(c) if c.vendor == Vendor::AudioCodes => {
            lines.extend(audiocodes_instances(ctx, c, width as usize));
        }
        Some(c) => {
            for (kind, n) in &c.remote {
                lines.push(Line::raw(format!("{kind:<24} {n}")));
            }
            if c.remote.is_empty() {
                lines.push(Line::styled("nothing fetched yet: press r to refresh", t.dim()));
            }
        }
        None => lines.push(Line::styled("No connections. Press n to add an AudioCodes connection, or add [[audiocodes]], [[live_platform]] or [[axp]] blocks to the config (see config.example.toml).", t.dim())),
    }
    let title = match selected {
        Some(c) => {
            let mut spans = vec![Span::raw(" ")];
            spans.extend(badges::named(ctx, &c.name));
            spans.push(Span::raw(" · instances "));
            Line::from(spans)
        }
        None => Line::raw(" instances "),
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        detail,
    );
}

/// An AudioCodes connection's instances (sync, preview, purge, schedule),
/// each labelled, in `width` cells.
fn audiocodes_instances(ctx: &Ctx, c: &ConnInfo, width: usize) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let mut lines = Vec::new();
    let names = instance_names(&c.name);
    let label_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) + 2;
    let [sync, purge, schedule] = names;
    let mut sync_text = vec![run_line(c.last_sync.as_ref())];
    let mut error = None;
    if let Some(r) = &c.last_sync {
        let k = &r.counts;
        sync_text.push(format!(
            "added {}  restored {}  cooled {}  released {}  unchanged {}  skipped {}  conflicts {}",
            k.added, k.restored, k.cooled, k.released, k.unchanged, k.skipped, k.conflicts
        ));
        error = Some(r.error.clone()).filter(|e| !e.is_empty());
    }
    let purge_text = match &c.last_purge {
        Some(_) => run_line(c.last_purge.as_ref()),
        None => "never run (P: remove cached users; their numbers cool)".into(),
    };
    let next = match &c.next_run {
        Some(_) if ctx.read_only || c.read_only => {
            format!("{}, enabled, paused while read-only", c.schedule)
        }
        Some(at) => format!("{}, enabled, next run {at}", c.schedule),
        None => c.schedule.clone(),
    };
    let preview = (
        "  last preview (p)".to_string(),
        vec![preview_line(c.last_preview.as_ref())],
    );
    for (n, (label, texts)) in [
        (sync, sync_text),
        preview,
        (purge, vec![purge_text]),
        (schedule, vec![next]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut block = labelled(&label, &texts, label_width, width);
        block[0].spans[0].style = t.title();
        lines.extend(block);
        if let Some(e) = error.as_ref().filter(|_| n == 0) {
            let block = labelled("", std::slice::from_ref(e), label_width, width);
            lines.extend(block.into_iter().map(|l| l.style(t.error())));
        }
    }
    if c.source == ConnectionSource::ConfigFile {
        lines.push(Line::styled(
            "declared in the config file: edit it there",
            t.dim(),
        ));
    }
    lines
}

/// An instance's name and what it says, the texts beside the name (each
/// wrapped at word boundaries into the room left), or under it, indented,
/// when the pane is too narrow for both. The name is the first span.
fn labelled(label: &str, texts: &[String], label_width: usize, width: usize) -> Vec<Line<'static>> {
    let beside = width >= label_width + 30;
    let (indent, room) = if beside {
        (label_width, width - label_width)
    } else {
        (2, width.saturating_sub(2).max(1))
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    // Beside: the first line of text carries the name.
    let mut first = beside;
    if !beside && !label.is_empty() {
        out.push(Line::from(vec![Span::raw(label.to_string())]));
    }
    for text in texts {
        for part in wrap_words(text, room) {
            if first {
                out.push(Line::from(vec![
                    Span::raw(format!("{label:<label_width$}")),
                    Span::raw(part),
                ]));
                first = false;
            } else {
                out.push(Line::from(vec![
                    Span::raw(" ".repeat(indent)),
                    Span::raw(part),
                ]));
            }
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken between words
/// (a word longer than a line is left whole: the pane wraps it).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if len > 0 {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// Enter: the detail of the connection's newest sync or preview (an
/// AudioCodes connection) or refresh (another vendor): the job's record,
/// then (as for a job opened in Jobs) its conflicts, skipped users and log.
fn last_run_details(c: &ConnInfo) -> Vec<Effect> {
    let newest = [
        c.last_sync.as_ref(),
        c.last_preview.as_ref(),
        c.last_run.as_ref(),
    ]
    .into_iter()
    .flatten()
    .filter(|r| r.job_id.is_some())
    .max_by(|a, b| a.started_at.cmp(&b.started_at));
    let Some(run) = newest else {
        return vec![Effect::info(format!("{} has no run to show yet", c.name))];
    };
    let id = run.job_id.clone().unwrap_or_default();
    let k = &run.counts;
    let mut lines = vec![
        format!("{} {} — {}", run.kind, c.name, run.result),
        format!("started {}", run.started_at),
        format!("ended   {}", run.ended_at),
    ];
    if c.vendor == Vendor::AudioCodes {
        lines.push(String::new());
        lines.push(k.describe());
    }
    if !run.error.is_empty() {
        lines.push(String::new());
        lines.push(run.error.clone());
    }
    vec![
        Effect::Detail {
            title: job_title(&id),
            lines,
        },
        Effect::load(DataRequest::JobLog(id)),
    ]
}

/// A preview's time and what it would do, or that there was none.
fn preview_line(run: Option<&SyncRun>) -> String {
    match run {
        Some(r) => format!(
            "{}: would add {}, cool {}, release {}; conflicts {}, skipped {}",
            r.started_at,
            r.counts.added + r.counts.restored,
            r.counts.cooled,
            r.counts.released,
            r.counts.conflicts,
            r.counts.skipped
        ),
        None => "none (p: see what a sync would do, applying nothing)".into(),
    }
}

/// "started → ended (took 2s): result", or "never run".
fn run_line(run: Option<&SyncRun>) -> String {
    let Some(r) = run else {
        return "never run".into();
    };
    let took = match (
        clock::parse_stamp(&r.started_at),
        clock::parse_stamp(&r.ended_at),
    ) {
        (Some(a), Some(b)) => format!(" (took {}s)", (b - a).num_seconds().max(0)),
        _ => String::new(),
    };
    format!("last run {}{took}: {}", r.started_at, r.result)
}

#[cfg(test)]
mod tests;
