//! The help and the message log: scrollable popups that fit the screen
//! (80×24 and up), searchable with `/` like the lists. Their keys come
//! from the open view's section (movement scrolls, `/` searches, Esc
//! clears the search, then closes); while the search has focus the
//! keymap's `filter` section applies and every other key is text.

use super::action::Action;
use super::app::{App, Command, Level, Overlay};
use super::cells::cells;
use super::help::{self, Group};
use super::toasts;
use super::view::centered;
use crossterm::event::{Event, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// A popup's scroll position and search.
#[derive(Debug, Default)]
pub struct Pager {
    /// The first line shown (clamped to the last page when drawn).
    pub scroll: usize,
    pub search: Input,
    /// Whether the search has the keys.
    pub typing: bool,
}

impl Pager {
    /// Opened on its last page (the message log: newest last).
    pub fn at_end() -> Pager {
        Pager {
            scroll: usize::MAX,
            ..Pager::default()
        }
    }
}

/// How many lines of `len` a popup shows on a screen `height` rows high:
/// the popup leaves a row above and below and has a frame of two.
pub fn rows(height: u16, len: usize) -> usize {
    len.min(height.saturating_sub(4) as usize).max(1)
}

impl App {
    fn pager(&mut self) -> Option<&mut Pager> {
        match &mut self.overlay {
            Some(Overlay::Help(p) | Overlay::Messages(p)) => Some(p),
            _ => None,
        }
    }

    /// Whether a help or log search has the keys.
    pub fn pager_typing(&self) -> bool {
        matches!(
            &self.overlay,
            Some(Overlay::Help(p) | Overlay::Messages(p)) if p.typing
        )
    }

    /// A key typed into the search (`action` from the `filter` section).
    pub(super) fn pager_type(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        if action == Some(Action::Quit) {
            // Asks first when a job runs or a form has changes.
            self.request_quit();
            return vec![];
        }
        if let Some(p) = self.pager() {
            match action {
                Some(Action::Escape) => {
                    p.typing = false;
                    p.search.reset();
                }
                Some(Action::Enter) => p.typing = false,
                _ => {
                    p.search.handle_event(&Event::Key(key));
                }
            }
            p.scroll = 0;
        }
        vec![]
    }

    /// The lines the open popup holds now.
    fn pager_len(&self) -> usize {
        match &self.overlay {
            Some(Overlay::Help(p)) => help_lines(self, p.search.value()).len(),
            Some(Overlay::Messages(p)) => {
                log_lines(self, p.search.value(), self.screen.width).len()
            }
            _ => 0,
        }
    }

    /// An action on the help or the log; false when it is not theirs.
    pub(super) fn pager_action(&mut self, action: Action) -> bool {
        let len = self.pager_len();
        let height = self.screen.height;
        let page = if height == 0 { len } else { rows(height, len) };
        let last = len.saturating_sub(page);
        let Some(p) = self.pager() else {
            return false;
        };
        p.scroll = p.scroll.min(last);
        match action {
            Action::Filter => p.typing = true,
            Action::Escape if !p.search.value().is_empty() => {
                p.search.reset();
                p.scroll = 0;
            }
            Action::Down => p.scroll = (p.scroll + 1).min(last),
            Action::Up => p.scroll = p.scroll.saturating_sub(1),
            Action::PageDown => p.scroll = (p.scroll + page).min(last),
            Action::PageUp => p.scroll = p.scroll.saturating_sub(page),
            Action::HalfPageDown => p.scroll = (p.scroll + page / 2).min(last),
            Action::HalfPageUp => p.scroll = p.scroll.saturating_sub(page / 2),
            Action::Top => p.scroll = 0,
            Action::Bottom => p.scroll = last,
            _ => return false,
        }
        true
    }
}

/// The help of the open view as lines: a title per group, then its keys.
pub fn help_lines<'a>(app: &'a App, search: &str) -> Vec<Line<'a>> {
    let t = &app.ctx.theme;
    let mut lines: Vec<Line<'a>> = Vec::new();
    let mut group: Option<Group> = None;
    for e in help::entries(&app.keymap, app.current().section(), search) {
        if group != Some(e.group) {
            if group.is_some() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(e.group.title(), t.title()));
            group = Some(e.group);
        }
        let mut spans = vec![
            Span::styled(format!("{:>12}  ", e.keys), t.title()),
            Span::raw(e.what),
        ];
        if app.refuses_key(e.action) {
            spans[1].style = t.dim();
            spans.push(Span::styled("  off: read-only", t.error()));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// The popups' width on a screen `width` columns wide, frame included.
fn popup_width(width: u16) -> u16 {
    width.min(80)
}

/// The message log as lines, oldest first: time, `ERROR` or `info`, text
/// wrapped to the popup (on a screen `width` wide); the messages holding
/// every word of `search`.
pub fn log_lines<'a>(app: &'a App, search: &str, width: u16) -> Vec<Line<'a>> {
    let t = &app.ctx.theme;
    let words: Vec<String> = search
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    app.toasts
        .log()
        .iter()
        .filter(|m| {
            let text = m.text.to_lowercase();
            words.iter().all(|w| text.contains(w.as_str()))
        })
        .flat_map(|m| {
            let (mark, style) = match m.level {
                Level::Error => ("ERROR", t.error()),
                Level::Info => ("info ", t.dim()),
            };
            let head = format!("{} {mark} ", m.time);
            let room = (popup_width(width) as usize).saturating_sub(2 + head.len());
            let indent = " ".repeat(head.len());
            toasts::wrap_all(&m.text, room.max(20))
                .into_iter()
                .enumerate()
                .map(|(i, text)| {
                    let head = if i == 0 {
                        vec![
                            Span::styled(format!("{} ", m.time), t.dim()),
                            Span::styled(format!("{mark} "), style),
                        ]
                    } else {
                        vec![Span::raw(indent.clone())]
                    };
                    Line::from([head, vec![Span::raw(text)]].concat())
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Draws the help or the log: as wide as 80 columns allow, as high as
/// the lines (the screen less two rows at most), scrolled, with its keys
/// and its search in the frame.
pub fn draw(f: &mut Frame<'_>, app: &App) {
    let (name, lines, p) = match &app.overlay {
        Some(Overlay::Help(p)) => (
            format!("help: {}", app.current().title()),
            help_lines(app, p.search.value()),
            p,
        ),
        Some(Overlay::Messages(p)) => (
            "messages".to_string(),
            log_lines(app, p.search.value(), f.area().width),
            p,
        ),
        _ => return,
    };
    let screen = f.area();
    let shown = rows(screen.height, lines.len());
    let scroll = p.scroll.min(lines.len().saturating_sub(shown));
    // `shown` is at most the screen's height: the borders fit in a u16.
    let area: Rect = centered(screen, popup_width(screen.width), cells(shown) + 2);
    let section = app.current().section();
    let hint = |a| app.keymap.hint(section, a);
    let title = format!(
        " {name} — {}/{} scroll, {} search, {} closes ",
        hint(Action::Down),
        hint(Action::Up),
        hint(Action::Filter),
        hint(Action::Escape)
    );
    let position = if lines.is_empty() {
        " no match ".to_string()
    } else {
        format!(
            " {}-{} of {} ",
            scroll + 1,
            (scroll + shown).min(lines.len()),
            lines.len()
        )
    };
    let search = if p.typing || !p.search.value().is_empty() {
        format!(" /{}{} ", p.search.value(), if p.typing { "▏" } else { "" })
    } else {
        String::new()
    };
    let t = &app.ctx.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.title())
        .title(title)
        .title_bottom(Line::styled(search, t.warn()))
        .title_bottom(Line::raw(position).right_aligned());
    f.render_widget(Clear, area);
    let body: Vec<Line<'_>> = lines.into_iter().skip(scroll).take(shown).collect();
    f.render_widget(Paragraph::new(body).block(block), area);
}
