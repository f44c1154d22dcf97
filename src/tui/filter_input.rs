//! The `/` filter every list shares: a line of text typed after `/`.
//!
//! While it is open (`typing`) it owns every key: a printable key is text,
//! never a command (the router sends keys here through the keymap's
//! `filter` section only). Enter closes it and keeps the text; Esc drops
//! the text and closes it. Each view decides what the text matches.

use super::action::Action;
use super::component::Effect;
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Default, Clone)]
pub struct FilterInput {
    pub input: Input,
    /// The filter has the keys.
    pub typing: bool,
}

/// What a key did to the filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// The text changed (the view narrows its list again).
    Changed,
    /// Nothing the list needs to know (Enter, a cursor move in the text).
    Kept,
    /// Ctrl-c: the operator asked to quit (the router asks first).
    Quit,
}

impl FilterInput {
    /// `/` opens the filter; Esc clears it and puts `cursor` back on the
    /// first row. True when `action` was one of them.
    pub fn open_or_clear(&mut self, action: Action, cursor: &mut usize) -> bool {
        match action {
            Action::Filter => self.open(),
            Action::Escape => {
                self.clear();
                *cursor = 0;
            }
            _ => return false,
        }
        true
    }

    /// A key typed into a list's filter, as every list takes it: a change
    /// of the text puts `cursor` back on the first row; Ctrl-c asks to quit.
    pub fn type_into_list(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
        cursor: &mut usize,
    ) -> Vec<Effect> {
        match self.key(action, key) {
            FilterKey::Quit => vec![Effect::Quit],
            FilterKey::Changed => {
                *cursor = 0;
                vec![]
            }
            FilterKey::Kept => vec![],
        }
    }

    /// `/`: open for typing, starting from the text in force.
    pub fn open(&mut self) {
        self.typing = true;
    }

    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// A filter narrows the list (typed, whether or not still open).
    pub fn active(&self) -> bool {
        !self.input.value().is_empty()
    }

    pub fn clear(&mut self) {
        self.input.reset();
        self.typing = false;
    }

    /// A key while typing, with its action in the keymap's `filter`
    /// section, if it has one.
    pub fn key(&mut self, action: Option<Action>, key: KeyEvent) -> FilterKey {
        let before = self.input.value().to_string();
        match action {
            Some(Action::Escape) => self.clear(),
            Some(Action::Enter) => self.typing = false,
            Some(Action::Quit) => return FilterKey::Quit,
            // Any other key edits the text; keys that are no editing
            // (function keys, Ctrl-letters) do nothing at all.
            _ => {
                self.input.handle_event(&Event::Key(key));
            }
        }
        if self.input.value() == before {
            FilterKey::Kept
        } else {
            FilterKey::Changed
        }
    }

    /// Whether any of `fields` contains the text, ignoring case (an empty
    /// filter matches everything).
    pub fn matches<'a>(&self, fields: impl IntoIterator<Item = &'a str>) -> bool {
        let text = self.input.value().to_lowercase();
        text.is_empty() || fields.into_iter().any(|f| f.to_lowercase().contains(&text))
    }

    /// How a title shows the filter: `/text` (with a caret while typing),
    /// or nothing when there is none.
    pub fn label(&self) -> Option<String> {
        (self.typing || self.active()).then(|| {
            format!(
                "/{}{}",
                self.input.value(),
                if self.typing { "▏" } else { "" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_text_enter_keeps_it_and_escape_drops_it() {
        let mut f = FilterInput::default();
        f.open();
        for c in "arm".chars() {
            assert_eq!(f.key(None, key(c)), FilterKey::Changed);
        }
        assert_eq!(f.text(), "arm");
        assert!(f.matches(["ARM-west"]));
        assert!(!f.matches(["lp", "axp"]));
        assert_eq!(f.label().as_deref(), Some("/arm▏"));
        assert_eq!(f.key(Some(Action::Enter), key('x')), FilterKey::Kept);
        assert!(!f.typing && f.active());
        assert_eq!(f.label().as_deref(), Some("/arm"));
        f.open();
        assert_eq!(f.key(Some(Action::Escape), key('x')), FilterKey::Changed);
        assert!(!f.typing && !f.active());
        assert_eq!(f.label(), None);
        f.open();
        assert_eq!(f.key(Some(Action::Quit), key('c')), FilterKey::Quit);
    }
}
