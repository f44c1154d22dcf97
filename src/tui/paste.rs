//! Bracketed paste: what the terminal marks as pasted goes into the text
//! input that has focus (the palette, a view's filter, a form's text
//! field) as text, never through the keymap, so a pasted `r` or Enter runs
//! nothing. With no input focused a paste is dropped, not read as keys.

use super::app::{App, Command, Level};
use super::form::FieldKind;
use super::forms;
use super::overlay::Overlay;
use crate::domain::terminal_text::is_unsafe;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;

/// More than any field or filter holds; the rest of a paste is dropped.
pub const PASTE_LIMIT: usize = 4096;

/// The pasted text as it may enter an input: no control characters (a
/// newline would not submit, an escape would not reach the screen), no
/// bidi overrides or other invisible formatting, at most `PASTE_LIMIT`.
pub fn clean_paste(text: &str) -> String {
    text.chars()
        .filter(|c| !is_unsafe(*c))
        .take(PASTE_LIMIT)
        .collect()
}

impl App {
    /// A paste (crossterm's `Event::Paste`): typed into the focused input
    /// one character at a time, with no keymap action, as if each were a
    /// key the input does not bind.
    pub fn on_paste(&mut self, text: &str) -> Vec<Command> {
        let text = clean_paste(text);
        if text.is_empty() {
            return vec![];
        }
        let keys = text
            .chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        if let Some(Overlay::Palette { input, selected }) = &mut self.overlay {
            for key in keys {
                input.handle_event(&Event::Key(key));
            }
            *selected = 0;
            return vec![];
        }
        if self.current().typing() {
            let mut effects = vec![];
            for key in keys {
                effects.extend(self.views[self.tab].type_key(None, key));
            }
            let commands = self.apply(effects);
            return self.gate(commands);
        }
        if let Some(Overlay::Form { form, purpose }) = &mut self.overlay {
            let field = &form.fields[form.focus];
            let text_field = matches!(
                field.kind,
                FieldKind::Text | FieldKind::Secret | FieldKind::Rows(_)
            );
            if text_field && !field.locked {
                for key in keys {
                    form.handle(None, key);
                }
                forms::edited(purpose, form);
                return vec![];
            }
        }
        self.toast(
            Level::Info,
            "paste ignored: no text input has focus (/ filters, : opens the palette)",
        );
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_keeps_text_and_drops_controls_and_bidi() {
        assert_eq!(clean_paste("rq/\r\n"), "rq/");
        assert_eq!(clean_paste("a\u{1b}[2Jb\tc\u{7}"), "a[2Jbc");
        assert_eq!(clean_paste("+1555\u{202e}0100"), "+15550100");
        assert_eq!(clean_paste("arm-east é"), "arm-east é");
        assert_eq!(clean_paste(&"x".repeat(10_000)).len(), PASTE_LIMIT);
    }
}
