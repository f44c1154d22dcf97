//! Toasts and the message log. A toast is a short message in a corner of
//! the body: at most two show, an identical one merges into the one shown
//! (with a count), info fades after a few seconds, an error stays until
//! dismissed. Every toast of the session is kept in the log, with its
//! time, to be read again (`:messages`).

use super::app::App;
use super::cells::cells;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

/// One toast on screen.
#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    /// How many identical toasts it stands for.
    pub count: usize,
    /// When it fades; `None` for an error, which stays until dismissed.
    pub until: Option<Instant>,
}

impl Toast {
    /// The text with its count when it merged others (`… ×3`).
    pub fn shown_text(&self) -> String {
        if self.count > 1 {
            format!("{} ×{}", self.text, self.count)
        } else {
            self.text.clone()
        }
    }
}

/// One line of the message log.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// Wall-clock time, `HH:MM:SS` (UTC, like the rest of the dashboard).
    pub time: String,
    pub level: Level,
    pub text: String,
}

/// How long an info toast stays.
pub const TOAST_TIME: Duration = Duration::from_secs(5);
/// At most this many toasts on screen.
pub const SHOWN: usize = 2;

/// The toasts on screen and the session's log of every one of them.
#[derive(Debug, Clone, Default)]
pub struct Toasts {
    shown: Vec<Toast>,
    log: Vec<Logged>,
}

impl Toasts {
    /// Adds a toast at `now` (logged at wall-clock `time`): an identical one
    /// on screen merges and moves to the newest place; beyond two, the
    /// oldest info goes first, then the oldest error (both stay in the log).
    pub fn push(&mut self, level: Level, text: String, now: Instant, time: String) {
        self.log.push(Logged {
            time,
            level,
            text: text.clone(),
        });
        let until = (level == Level::Info).then(|| now + TOAST_TIME);
        let mut toast = Toast {
            text,
            level,
            count: 1,
            until,
        };
        if let Some(i) = self
            .shown
            .iter()
            .position(|t| t.text == toast.text && t.level == toast.level)
        {
            toast.count += self.shown.remove(i).count;
        }
        self.shown.push(toast);
        while self.shown.len() > SHOWN {
            let drop = self
                .shown
                .iter()
                .position(|t| t.level == Level::Info)
                .unwrap_or(0);
            self.shown.remove(drop);
        }
    }

    /// Drops faded toasts; true when something went.
    pub fn expire(&mut self, now: Instant) -> bool {
        let n = self.shown.len();
        self.shown.retain(|t| t.until.is_none_or(|u| u > now));
        n != self.shown.len()
    }

    /// Dismisses every toast on screen (they stay in the log); true when
    /// there was one.
    pub fn dismiss(&mut self) -> bool {
        let any = !self.shown.is_empty();
        self.shown.clear();
        any
    }

    /// When the next toast fades.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.shown.iter().filter_map(|t| t.until).min()
    }

    /// The toasts on screen, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Toast> {
        self.shown.iter()
    }

    /// The newest toast on screen.
    pub fn last(&self) -> Option<&Toast> {
        self.shown.last()
    }

    pub fn is_empty(&self) -> bool {
        self.shown.is_empty()
    }

    /// Takes the toasts off the screen (the log keeps them).
    pub fn clear(&mut self) {
        self.shown.clear();
    }

    /// Every toast of the session, oldest first.
    pub fn log(&self) -> &[Logged] {
        &self.log
    }
}

/// The wall-clock time of a log line (the dashboard's clock, so a fixed
/// clock in tests gives fixed times).
pub fn log_time() -> String {
    crate::clock::now().format("%H:%M:%S").to_string()
}

/// Where the toasts of `heights` (oldest first) go in `body`, each `width`
/// wide: stacked in a corner of the body whose rectangle covers no cell
/// for which `selected(x, y)` holds (the highlighted row), trying
/// bottom-right, top-right, bottom-left, top-left; the corner covering the
/// fewest such cells when none is clear. The newest is nearest the corner.
pub fn place(body: Rect, sizes: &[(u16, u16)], selected: impl Fn(u16, u16) -> bool) -> Vec<Rect> {
    let inner = Rect {
        x: body.x + 1,
        y: body.y + 1,
        width: body.width.saturating_sub(2),
        height: body.height.saturating_sub(2),
    };
    let stack = |right: bool, bottom: bool| -> Vec<Rect> {
        let mut out = vec![Rect::default(); sizes.len()];
        let mut used = 0u16;
        for (i, &(w, h)) in sizes.iter().enumerate().rev() {
            let (w, h) = (w.min(inner.width), h);
            if used + h > inner.height {
                break;
            }
            let x = if right { inner.right() - w } else { inner.x };
            let y = if bottom {
                inner.bottom() - used - h
            } else {
                inner.y + used
            };
            out[i] = Rect::new(x, y, w, h);
            used += h;
        }
        out
    };
    let covered = |rects: &[Rect]| -> usize {
        rects
            .iter()
            .flat_map(|r| r.positions())
            .filter(|p| selected(p.x, p.y))
            .count()
    };
    let corners = [(true, true), (true, false), (false, true), (false, false)];
    let mut best: Option<(usize, Vec<Rect>)> = None;
    for (right, bottom) in corners {
        let rects = stack(right, bottom);
        let n = covered(&rects);
        if n == 0 {
            return rects;
        }
        if best.as_ref().is_none_or(|(b, _)| n < *b) {
            best = Some((n, rects));
        }
    }
    best.map(|(_, r)| r).unwrap_or_default()
}

/// The widest a toast gets, and the most lines of text it shows (the whole
/// text is in the message log).
const MAX_WIDTH: u16 = 100;
const MAX_LINES: usize = 2;

/// `text` wrapped at words into lines of at most `width` characters, at
/// most `MAX_LINES` of them, the last ending in `…` when text was left out.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = wrap_all(text, width);
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        let last = &mut lines[MAX_LINES - 1];
        let keep: String = last.chars().take(width.saturating_sub(1)).collect();
        *last = format!("{keep}…");
    }
    lines
}

/// `text` wrapped at words into lines of at most `width` characters (a
/// longer word is cut).
pub fn wrap_all(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let line = lines.last_mut().expect("one line at least");
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.len() <= width {
                if gap == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                break;
            }
            if used == 0 {
                // A word longer than the line: cut it.
                line.extend(word.drain(..width));
            }
            lines.push(String::new());
        }
    }
    lines
}

/// Draws the toasts in the body, off the highlighted rows (read from what
/// the view drew: cells in the theme's selected style).
pub fn draw(f: &mut Frame<'_>, app: &App, body: Rect) {
    if app.toasts.is_empty() {
        return;
    }
    let theme = &app.ctx.theme;
    let max_width = body.width.saturating_sub(2).min(MAX_WIDTH);
    let texts: Vec<(Vec<String>, &Toast)> = app
        .toasts
        .iter()
        .map(|t| {
            let text = t.shown_text();
            let width = cells(text.chars().count()).saturating_add(2).min(max_width);
            (wrap(&text, width.saturating_sub(2) as usize), t)
        })
        .collect();
    let sizes: Vec<(u16, u16)> = texts
        .iter()
        .map(|(lines, _)| {
            let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let w = cells(widest).saturating_add(2);
            (
                w.max(18).min(max_width),
                cells(lines.len()).saturating_add(2),
            )
        })
        .collect();
    let sel = theme.selected();
    let buf = f.buffer_mut();
    let selected = |x: u16, y: u16| {
        let cell = &buf[(x, y)];
        match sel.bg {
            Some(bg) => cell.bg == bg,
            None => cell.modifier.contains(sel.add_modifier),
        }
    };
    let rects = place(body, &sizes, selected);
    let dismiss = app
        .keymap
        .hint(app.current().section(), crate::tui::action::Action::Dismiss);
    for ((lines, toast), area) in texts.into_iter().zip(rects) {
        if area.height == 0 {
            continue;
        }
        let (style, title) = match toast.level {
            Level::Info => (theme.ok(), String::new()),
            Level::Error => (theme.error(), format!(" {dismiss} dismisses ")),
        };
        f.render_widget(Clear, area);
        f.render_widget(
            Paragraph::new(lines.into_iter().map(Line::raw).collect::<Vec<_>>())
                .style(style)
                .block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(style)
                        .title_bottom(Line::raw(title).right_aligned()),
                ),
            area,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn push(t: &mut Toasts, level: Level, text: &str, now: Instant) {
        t.push(level, text.into(), now, "19:48:00".into());
    }

    #[test]
    fn identical_toasts_merge_with_a_count() {
        let now = Instant::now();
        let mut t = Toasts::default();
        push(&mut t, Level::Info, "synced arm-east", now);
        push(&mut t, Level::Error, "HTTP 401", now);
        push(&mut t, Level::Info, "synced arm-east", now);
        push(&mut t, Level::Info, "synced arm-east", now);
        let shown: Vec<String> = t.iter().map(Toast::shown_text).collect();
        assert_eq!(shown, ["HTTP 401", "synced arm-east ×3"]);
        assert_eq!(t.log().len(), 4, "the log keeps each one");
    }

    #[test]
    fn at_most_two_show_and_errors_outlive_infos() {
        let now = Instant::now();
        let mut t = Toasts::default();
        push(&mut t, Level::Error, "e1", now);
        push(&mut t, Level::Info, "i1", now);
        push(&mut t, Level::Info, "i2", now);
        let shown: Vec<&str> = t.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(shown, ["e1", "i2"], "the oldest info gave way");
        push(&mut t, Level::Error, "e2", now);
        push(&mut t, Level::Error, "e3", now);
        let shown: Vec<&str> = t.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(shown, ["e2", "e3"]);
        assert_eq!(t.log().len(), 5);
    }

    #[test]
    fn infos_fade_errors_stay_until_dismissed() {
        let now = Instant::now();
        let mut t = Toasts::default();
        push(
            &mut t,
            Level::Error,
            "authentication failed (HTTP 401)",
            now,
        );
        push(&mut t, Level::Info, "saved", now);
        assert_eq!(t.next_deadline(), Some(now + TOAST_TIME));
        assert!(t.expire(now + Duration::from_secs(60)));
        let shown: Vec<&str> = t.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(shown, ["authentication failed (HTTP 401)"]);
        assert_eq!(t.next_deadline(), None, "nothing left to fade");
        assert!(!t.expire(now + Duration::from_secs(3600)));
        assert!(t.dismiss());
        assert!(t.is_empty());
        assert!(!t.dismiss());
        assert_eq!(t.log().len(), 2, "dismissed, still in the log");
        assert_eq!(t.log()[0].level, Level::Error);
    }

    #[test]
    fn long_text_wraps_at_words_into_two_lines_at_most() {
        assert_eq!(wrap("authentication failed", 40), ["authentication failed"]);
        assert_eq!(wrap("one two three", 8), ["one two", "three"]);
        assert_eq!(wrap("aaa bbb ccc ddd", 7), ["aaa bbb", "ccc ddd"]);
        assert_eq!(wrap("aaa bbb ccc ddd eee", 7), ["aaa bbb", "ccc dd…"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efg…"]);
    }

    #[test]
    fn toasts_stay_off_the_selected_row() {
        let body = Rect::new(0, 1, 80, 22);
        let sizes = [(30, 3), (30, 3)];
        // Nothing selected: bottom-right, the newest lowest.
        let r = place(body, &sizes, |_, _| false);
        assert_eq!(r[1], Rect::new(49, 19, 30, 3));
        assert_eq!(r[0], Rect::new(49, 16, 30, 3));
        // The selection on the bottom rows: they move to the top.
        let r = place(body, &sizes, |_, y| y == 20);
        assert_eq!(r[1], Rect::new(49, 2, 30, 3));
        assert_eq!(r[0], Rect::new(49, 5, 30, 3));
        // A selection at the top and bottom of the right half only (two
        // panes): the left corner is clear.
        let r = place(body, &sizes, |x, y| x >= 40 && (y == 3 || y == 20));
        assert!(r.iter().all(|r| r.right() <= 40), "{r:?}");
        assert!(r.iter().all(|r| r.y >= 2 && r.bottom() <= 22));
    }
}
