//! Confirmations of destructive actions on many things: the operator types
//! what the dialog shows (a connection's name, a count), as GitHub asks for
//! a repository's name before deleting it. The confirm key (Enter, from
//! the keymap's `typed_confirm` section) works only once the text matches;
//! every printable key is text, so no letter can apply it by accident.

use super::action::Action;
use super::app::{App, Command, Level};
use super::component::Effect;
use super::overlay::Overlay;
use super::view::centered;
use crossterm::event::{Event, KeyEvent};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

/// More numbers than this in one release or cooling ask for the count to
/// be typed; up to this many keep a `y`/`n` question.
pub const MANY: usize = 5;

/// The state of a typed confirmation.
#[derive(Debug, Clone)]
pub struct TypedConfirm {
    pub message: String,
    /// What must be typed, exactly.
    pub expect: String,
    pub input: Input,
    /// What runs once confirmed.
    pub then: Command,
}

impl TypedConfirm {
    pub fn new(message: String, expect: String, then: Command) -> TypedConfirm {
        TypedConfirm {
            message,
            expect,
            input: Input::default(),
            then,
        }
    }

    /// The text typed is exactly what the dialog asks for.
    pub fn matches(&self) -> bool {
        self.input.value() == self.expect
    }
}

/// Asks for a `y`/`n` on `count` things, or for the count to be typed when
/// there are more than `MANY`.
pub fn confirm_count(count: usize, message: String, then: Command) -> Effect {
    if count > MANY {
        Effect::ConfirmTyped {
            message,
            expect: count.to_string(),
            then,
        }
    } else {
        Effect::Confirm { message, then }
    }
}

impl App {
    /// A key in a typed confirmation: Esc cancels, Enter applies once the
    /// text matches (and does nothing before), any other key is text.
    pub(super) fn typed_confirm_key(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
    ) -> Vec<Command> {
        let Some(Overlay::TypedConfirm(c)) = &mut self.overlay else {
            return vec![];
        };
        match action {
            Some(Action::Escape) => {
                self.overlay = None;
                self.toast(Level::Info, "cancelled; nothing was applied");
            }
            Some(Action::Confirm) if c.matches() => {
                let then = c.then.clone();
                self.overlay = None;
                return vec![then];
            }
            Some(Action::Confirm) => {}
            _ => {
                c.input.handle_event(&Event::Key(key));
            }
        }
        vec![]
    }
}

/// The dialog: the question, what to type, what has been typed.
pub fn draw(f: &mut Frame<'_>, app: &App, c: &TypedConfirm) {
    let area = centered(f.area(), 76, 12);
    f.render_widget(Clear, area);
    let confirm = app.keymap.hint_in("typed_confirm", Action::Confirm);
    let cancel = app.keymap.hint_in("typed_confirm", Action::Escape);
    let state = if c.matches() {
        format!("[{confirm}] apply   [{cancel}] cancel")
    } else {
        format!("[{confirm}] works once it matches   [{cancel}] cancel")
    };
    let text = format!(
        "{}\n\nType {} to confirm:\n> {}▏\n\n{state}",
        c.message,
        c.expect,
        c.input.value()
    );
    f.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" confirm: type to apply ")
                .border_style(app.ctx.theme.warn()),
        ),
        area,
    );
}
