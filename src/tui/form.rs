//! A small form: text, secret, choice and toggle fields, moved through with
//! Tab / arrows, checked on every key, submitted with Enter. What the fields
//! mean is decided by the caller (see `forms.rs`); this is only the widget.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
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
    /// Problems by field key, from the caller's validation.
    pub errors: Vec<(&'static str, String)>,
    /// A line under the fields (what Enter will do).
    pub footer: String,
}

impl Form {
    pub fn new(title: impl Into<String>, fields: Vec<Field>) -> Form {
        let mut f = Form {
            title: title.into(),
            fields,
            focus: 0,
            errors: vec![],
            footer: String::new(),
        };
        if f.fields.first().is_some_and(|x| x.locked) {
            f.move_focus(1);
        }
        f
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

    /// Whether the field `key` is shown (present, and its condition holds).
    pub fn visible_key(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.key == key && self.visible(f))
    }

    fn move_focus(&mut self, step: isize) {
        let n = self.fields.len() as isize;
        let mut i = self.focus as isize;
        for _ in 0..n {
            i = (i + step).rem_euclid(n);
            let f = &self.fields[i as usize];
            if self.visible(f) && !f.locked {
                self.focus = i as usize;
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
        let at = options
            .iter()
            .position(|o| *o == f.input.value())
            .map(|i| i as isize)
            .unwrap_or(-1);
        let next = options[(at + step).rem_euclid(options.len() as isize) as usize];
        f.input = Input::new(next.to_string());
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> FormStep {
        let text_field = matches!(
            self.fields[self.focus].kind,
            FieldKind::Text | FieldKind::Secret
        );
        match key.code {
            KeyCode::Esc => return FormStep::Cancel,
            KeyCode::Enter => return FormStep::Submit,
            KeyCode::Tab | KeyCode::Down => self.move_focus(1),
            KeyCode::BackTab | KeyCode::Up => self.move_focus(-1),
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return FormStep::Submit
            }
            KeyCode::Left if !text_field => self.cycle(-1),
            KeyCode::Right | KeyCode::Char(' ') if !text_field => self.cycle(1),
            _ if text_field => {
                self.fields[self.focus]
                    .input
                    .handle_event(&crossterm::event::Event::Key(key));
            }
            _ => {}
        }
        FormStep::Edited
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
        let label_w = 18;
        for field in visible {
            let focused = std::ptr::eq(field, &self.fields[self.focus]);
            let shown = match field.kind {
                FieldKind::Secret => "•".repeat(field.input.value().chars().count()),
                FieldKind::Choice(_) | FieldKind::Pick(_) | FieldKind::Toggle => {
                    format!("‹ {} ›", field.input.value())
                }
                FieldKind::Text => field.input.value().to_string(),
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
        lines.push(Line::raw(""));
        let ready = self.errors.is_empty();
        lines.push(Line::from(Span::styled(
            if ready {
                format!(
                    "Enter {}   Tab/↑↓ move   ←→/Space choose   Esc cancel",
                    self.footer
                )
            } else {
                "fix the marked fields to save   Tab/↑↓ move   Esc cancel".to_string()
            },
            if ready { theme.ok() } else { theme.dim() },
        )));
        let height = (lines.len() as u16 + 2).min(area.height);
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
        f.render_widget(
            Paragraph::new(lines)
                .block(block)
                .wrap(Wrap { trim: false }),
            r,
        );
    }
}
