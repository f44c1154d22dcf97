//! A small form: text, secret, choice, toggle and row-list fields, moved
//! through with Tab / arrows, checked on every key, submitted with Enter. What the fields
//! mean is decided by the caller (see `forms.rs`); this is only the widget.

use super::action::Action;
use super::cells::cells;
use crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use super::theme::Theme;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// Shown as dots; never filled from a stored value.
    Secret,
    Choice(&'static [&'static str]),
    /// A choice among values known only at run time (e.g. lead ids).
    Pick(Vec<String>),
    Toggle,
    /// A list edited as rows, each with these columns (e.g. `["Key",
    /// "Value"]` or `["Number"]`). Every cell is a stop for Tab; the last
    /// row is always blank: typing into it adds a row; Ctrl+D removes one.
    Rows(&'static [&'static str]),
}

#[derive(Debug, Clone)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub input: Input,
    /// Shown when empty, e.g. "(unchanged; type to replace)".
    pub hint: String,
    /// Shown but not editable (e.g. the name of a connection being edited).
    pub locked: bool,
    /// Shown only while the field `.0` has one of the values `.1`.
    pub only_when: Option<(&'static str, &'static [&'static str])>,
    /// The cells of a `Rows` field, row by row (empty for other kinds).
    pub rows: Vec<Vec<Input>>,
}

impl Field {
    pub fn new(key: &'static str, label: &'static str, kind: FieldKind, value: &str) -> Field {
        Field {
            key,
            label,
            kind,
            input: Input::new(value.to_string()),
            hint: String::new(),
            locked: false,
            only_when: None,
            rows: vec![],
        }
    }

    /// A row-list field filled with `rows` (plus the blank row to add to).
    pub fn rows(
        key: &'static str,
        label: &'static str,
        columns: &'static [&'static str],
        rows: &[Vec<String>],
    ) -> Field {
        let mut f = Field::new(key, label, FieldKind::Rows(columns), "");
        f.rows = rows
            .iter()
            .map(|r| r.iter().map(|c| Input::new(c.clone())).collect())
            .collect();
        f.keep_blank_row();
        f
    }

    fn columns(&self) -> usize {
        match self.kind {
            FieldKind::Rows(c) => c.len(),
            _ => 0,
        }
    }

    fn stops(&self) -> usize {
        match self.kind {
            FieldKind::Rows(_) => self.rows.len() * self.columns(),
            _ => 1,
        }
    }

    fn keep_blank_row(&mut self) {
        let blank = |r: &Vec<Input>| r.iter().all(|c| c.value().is_empty());
        if self.rows.last().is_none_or(|r| !blank(r)) {
            self.rows.push(vec![Input::default(); self.columns()]);
        }
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = hint.into();
        self
    }
    pub fn locked(mut self, locked: bool) -> Field {
        self.locked = locked;
        self
    }
    pub fn only_when(mut self, key: &'static str, values: &'static [&'static str]) -> Field {
        self.only_when = Some((key, values));
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormStep {
    /// Still editing (the caller re-validates).
    Edited,
    Cancel,
    Submit,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Within a row-list field: the focused cell, row-major.
    pub cell: usize,
    /// Problems by field key, from the caller's validation.
    pub errors: Vec<(&'static str, String)>,
    /// A line under the fields (what Enter will do).
    pub footer: String,
    /// The values as the form opened (see `changed`).
    pristine: Vec<String>,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        let mut f = Form {
            title: title.into(),
            fields,
            focus: 0,
            cell: 0,
            errors: vec![],
            footer: String::new(),
            pristine: vec![],
        };
        if f.fields.first().is_some_and(|x| x.locked) {
            f.move_focus(1);
        }
        f
    }

    /// Every value of the form, field by field (cells of row lists too).
    fn values(&self) -> Vec<String> {
        let mut out = vec![];
        for f in &self.fields {
            out.push(f.input.value().to_string());
            out.extend(f.rows.iter().flatten().map(|c| c.value().to_string()));
        }
        out
    }

    /// Takes the values now as the ones it opened with.
    pub fn mark_pristine(&mut self) {
        self.pristine = self.values();
    }

    /// Whether anything was typed or chosen since it opened (quitting asks).
    pub fn changed(&self) -> bool {
        self.values() != self.pristine
    }

    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.input.value())
            .unwrap_or("")
    }

    pub fn is_on(&self, key: &str) -> bool {
        self.value(key) == "yes"
    }

    pub fn visible(&self, field: &Field) -> bool {
        field
            .only_when
            .is_none_or(|(k, vals)| vals.contains(&self.value(k)))
    }

    /// The non-blank rows of a row-list field, each cell trimmed.
    pub fn rows(&self, key: &str) -> Vec<Vec<String>> {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| {
                f.rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| c.value().trim().to_string())
                            .collect::<Vec<_>>()
                    })
                    .filter(|r| r.iter().any(|c| !c.is_empty()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Wide enough for the longest label (at least 18, at most 28 cells).
    fn label_width(&self) -> usize {
        self.fields
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(18, 28)
    }

    /// Whether the field `key` is shown (present, and its condition holds).
    pub fn visible_key(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key && self.visible(f))
    }

    fn move_focus(&mut self, step: isize) {
        // Within a row list, move cell by cell first.
        let stops = self.fields[self.focus].stops();
        if let Some(next) = self.cell.checked_add_signed(step).filter(|&n| n < stops) {
            self.cell = next;
            return;
        }
        let n = self.fields.len();
        let mut i = self.focus;
        for _ in 0..n {
            i = wrap(i, step, n);
            let f = &self.fields[i];
            if self.visible(f) && !f.locked {
                self.focus = i;
                self.cell = if step < 0 { f.stops() - 1 } else { 0 };
                return;
            }
        }
    }

    fn cycle(&mut self, step: isize) {
        let f = &mut self.fields[self.focus];
        let options: Vec<&str> = match &f.kind {
            FieldKind::Choice(o) => o.to_vec(),
            FieldKind::Pick(o) => o.iter().map(String::as_str).collect(),
            FieldKind::Toggle => vec!["yes", "no"],
            _ => return,
        };
        if options.is_empty() {
            return;
        }
        // A value not among the options counts as the last one, so that the
        // next one is the first.
        let at = options
            .iter()
            .position(|o| *o == f.input.value())
            .unwrap_or(options.len() - 1);
        let next = options[wrap(at, step, options.len())];
        f.input = Input::new(next.to_string());
    }

    /// A key with its action in the keymap's `form` section: Esc cancels,
    /// Enter (or Ctrl-s) submits, Tab / arrows move between fields, Left /
    /// Right / Space cycle a choice, Ctrl-d removes a row; in a text field
    /// every other key (and Left / Right / Space) edits the text.
    pub fn handle(&mut self, action: Option<Action>, key: KeyEvent) -> FormStep {
        let text_field = matches!(
            self.fields[self.focus].kind,
            FieldKind::Text | FieldKind::Secret | FieldKind::Rows(_)
        );
        match action {
            Some(Action::Escape) => return FormStep::Cancel,
            Some(Action::Confirm) => return FormStep::Submit,
            Some(Action::NextField) => self.move_focus(1),
            Some(Action::PrevField) => self.move_focus(-1),
            Some(Action::RemoveRow) => self.remove_row(),
            Some(Action::Left) if !text_field => self.cycle(-1),
            Some(Action::Right) if !text_field => self.cycle(1),
            _ if text_field => {
                let cell = self.cell;
                let f = &mut self.fields[self.focus];
                let event = crossterm::event::Event::Key(key);
                if let FieldKind::Rows(_) = f.kind {
                    let cols = f.columns();
                    f.rows[cell / cols][cell % cols].handle_event(&event);
                    f.keep_blank_row();
                } else {
                    f.input.handle_event(&event);
                }
            }
            _ => {}
        }
        FormStep::Edited
    }

    /// A key as the default keymap reads it (the forms' unit tests type
    /// through this).
    #[cfg(test)]
    pub fn handle_key(&mut self, key: KeyEvent) -> FormStep {
        static DEFAULT: std::sync::OnceLock<super::keymap::Keymap> = std::sync::OnceLock::new();
        let keymap =
            DEFAULT.get_or_init(|| super::keymap::Keymap::load(None).expect("default keymap"));
        self.handle(keymap.lookup_in("form", &key), key)
    }

    /// Ctrl+D in a row list: removes the focused row (the blank row to add
    /// to stays).
    fn remove_row(&mut self) {
        let f = &mut self.fields[self.focus];
        let cols = f.columns();
        if cols == 0 || self.cell / cols + 1 >= f.rows.len() {
            return;
        }
        f.rows.remove(self.cell / cols);
        f.keep_blank_row();
        self.cell = self.cell.min(f.stops() - 1);
    }

    pub fn error(&self, key: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, m)| m.as_str())
    }

    pub fn draw(&self, f: &mut Frame, area: Rect, theme: &Theme) {
        let visible: Vec<&Field> = self.fields.iter().filter(|x| self.visible(x)).collect();
        let mut lines: Vec<Line> = Vec::new();
        let label_w = self.label_width();
        // The line of the focused field (or cell), to keep it on screen.
        let mut focus_line = 0;
        for field in visible {
            let focused = std::ptr::eq(field, &self.fields[self.focus]);
            if focused {
                focus_line = lines.len();
            }
            if let FieldKind::Rows(columns) = field.kind {
                if focused {
                    focus_line += 1 + self.cell / columns.len();
                }
                self.draw_rows(&mut lines, field, columns, focused, theme);
                continue;
            }
            let shown = match field.kind {
                FieldKind::Secret => "•".repeat(field.input.value().chars().count()),
                FieldKind::Choice(_) | FieldKind::Pick(_) | FieldKind::Toggle => {
                    format!("‹ {} ›", field.input.value())
                }
                FieldKind::Text | FieldKind::Rows(_) => field.input.value().to_string(),
            };
            let value = if shown.is_empty() && !field.hint.is_empty() {
                Span::styled(field.hint.clone(), theme.dim())
            } else if field.locked {
                Span::styled(shown, theme.dim())
            } else {
                Span::raw(shown)
            };
            let label_style = if focused {
                theme.selected().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            let mut spans = vec![
                Span::styled(format!("{:>w$} ", field.label, w = label_w), label_style),
                value,
            ];
            if focused && matches!(field.kind, FieldKind::Text | FieldKind::Secret) {
                spans.push(Span::styled("▏", theme.ok()));
            }
            lines.push(Line::from(spans));
            if let Some(e) = self.error(field.key) {
                lines.push(Line::from(Span::styled(
                    format!("{:w$} ✗ {e}", "", w = label_w),
                    theme.error(),
                )));
            }
        }
        let ready = self.errors.is_empty();
        let in_rows = matches!(self.fields[self.focus].kind, FieldKind::Rows(_));
        let footer = Line::from(Span::styled(
            if ready {
                format!(
                    "Enter {}   Tab/↑↓ move   {}   Esc cancel",
                    self.footer,
                    if in_rows {
                        "type in the last row to add   Ctrl+D remove row"
                    } else {
                        "←→/Space choose"
                    }
                )
            } else {
                "fix the marked fields to save   Tab/↑↓ move   Esc cancel".to_string()
            },
            if ready { theme.ok() } else { theme.dim() },
        ));
        // Fields, a blank line and the footer, inside the borders.
        let height = cells(lines.len()).saturating_add(4).min(area.height);
        let width = 90.min(area.width);
        let r = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        f.render_widget(Clear, r);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", self.title));
        let inner = block.inner(r);
        f.render_widget(block, r);
        // A form taller than the screen scrolls to keep the focus in view;
        // the footer always shows.
        let body_h = inner.height.saturating_sub(2);
        // The focused line and the one after it (its error) stay in view,
        // never scrolling past the last line.
        let shown_to = cells((focus_line + 2).min(lines.len()));
        let scroll = shown_to.saturating_sub(body_h);
        let [body, _, foot] = Layout::vertical([
            Constraint::Length(body_h),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        f.render_widget(
            Paragraph::new(lines)
                .scroll((scroll, 0))
                .wrap(Wrap { trim: false }),
            body,
        );
        f.render_widget(Paragraph::new(footer), foot);
    }

    /// A row-list field: a header line of its columns, then one line per
    /// row, cells padded to a common width; the focused cell has the caret.
    fn draw_rows<'a>(
        &self,
        lines: &mut Vec<Line<'a>>,
        field: &'a Field,
        columns: &[&str],
        focused: bool,
        theme: &Theme,
    ) {
        let label_w = self.label_width();
        let width = 24;
        let label_style = if focused {
            theme.selected().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let mut head = vec![Span::styled(
            format!("{:>w$} ", field.label, w = label_w),
            label_style,
        )];
        for c in columns {
            head.push(Span::styled(format!("{c:<width$} "), theme.dim()));
        }
        lines.push(Line::from(head));
        let last = field.rows.len() - 1;
        for (r, row) in field.rows.iter().enumerate() {
            let mut spans = vec![Span::raw(format!("{:>w$} ", "", w = label_w))];
            for (c, cell) in row.iter().enumerate() {
                let here = focused && self.cell == r * columns.len() + c;
                let text = cell.value();
                let (shown, style) = if text.is_empty() && r == last && c == 0 {
                    ("(type to add)".to_string(), theme.dim())
                } else {
                    (text.to_string(), Style::default())
                };
                let caret = if here { "▏" } else { "" };
                let pad = width.saturating_sub(shown.chars().count() + caret.len().min(1));
                spans.push(Span::styled(shown, style));
                spans.push(Span::styled(caret, theme.ok()));
                spans.push(Span::raw(" ".repeat(pad + 1)));
            }
            lines.push(Line::from(spans));
        }
        if let Some(e) = self.error(field.key) {
            lines.push(Line::from(Span::styled(
                format!("{:w$} ✗ {e}", "", w = label_w),
                theme.error(),
            )));
        }
    }
}

/// `at` moved `step` places round a ring of `len` places (`at < len`).
fn wrap(at: usize, step: isize, len: usize) -> usize {
    let by = step.unsigned_abs() % len;
    if step < 0 {
        (at + len - by) % len
    } else {
        (at + by) % len
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn steps_wrap_round_both_ends() {
        assert_eq!(wrap(0, 1, 3), 1);
        assert_eq!(wrap(2, 1, 3), 0);
        assert_eq!(wrap(0, -1, 3), 2);
        assert_eq!(wrap(1, -1, 3), 0);
        assert_eq!(wrap(0, -1, 1), 0);
        assert_eq!(wrap(0, 4, 3), 1);
    }
}
