//! Read-only in the TUI: a write key is refused before any form or
//! confirmation opens, and every command the app hands the worker passes
//! the same check (the worker checks once more when the job runs).

use super::action::Action;
use super::app::{App, Command, Level};
use crate::domain::read_only::Writes;

impl App {
    /// Why `writes` is refused here, or `None`.
    pub fn refusal_of(&self, writes: Writes<'_>) -> Option<String> {
        self.ctx.refusal_of(writes)
    }

    /// What `action` would change on the open view and its selection.
    fn key_writes(&self, action: Action) -> Writes<'_> {
        match action {
            // The audit view's fix-everything.
            Action::Fix => Writes::Store,
            _ => self.current().writes(action, &self.ctx),
        }
    }
    /// Whether `action` would be refused now (the help marks it off).
    pub fn refuses_key(&self, action: Action) -> bool {
        self.refusal_of(self.key_writes(action)).is_some()
    }

    /// Refuses `action` with a toast when it would write and may not.
    pub(super) fn refuse_key(&mut self, action: Action) -> bool {
        let why = self.refusal_of(self.key_writes(action));
        self.refuse(why)
    }

    /// Refuses `writes` with a toast when it may not go ahead.
    pub(super) fn refuse_writes(&mut self, writes: Writes<'_>) -> bool {
        let why = self.refusal_of(writes);
        self.refuse(why)
    }

    fn refuse(&mut self, why: Option<String>) -> bool {
        match why {
            Some(why) => {
                self.toast(Level::Error, why);
                true
            }
            None => false,
        }
    }

    /// Drops every write command that may not go ahead, with a toast.
    pub(super) fn gate(&mut self, commands: Vec<Command>) -> Vec<Command> {
        commands
            .into_iter()
            .flat_map(Command::flatten)
            .filter(|c| {
                let why = match c {
                    Command::Submit(kind) => self.refusal_of(kind.writes()),
                    Command::SaveConnection { .. } => self.refusal_of(Writes::Store),
                    Command::CreateService { connection, .. } => {
                        self.refusal_of(Writes::Connection(connection))
                    }
                    Command::Cancel(_) | Command::Load(_) | Command::Copy(_) => None,
                    // Taken apart above.
                    Command::Many(_) => None,
                };
                !self.refuse(why)
            })
            .collect()
    }
}
