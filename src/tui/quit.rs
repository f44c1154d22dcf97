//! Quitting: asked first when it would lose something, and the jobs of
//! this dashboard ended (and recorded) before the process exits.
//!
//! `App::request_quit` is the one door for `q`, Ctrl-c, the palette's
//! quit and a filter's Ctrl-c: with jobs of this dashboard still queued or
//! running, or a form with changes, it asks (the default is to stay);
//! otherwise it quits. `stop_jobs` is what a quit does on its way out,
//! whoever asked for it (a key here, a signal).

use super::action::Action;
use super::app::App;
use super::overlay::Overlay;
use super::view::draw_question;
use ratatui::Frame;
use std::time::Duration;

/// How long a quit waits for this dashboard's jobs to end after cancelling
/// them (a store write is interrupted at once; a request in flight ends at
/// its timeout at the latest).
pub const QUIT_PATIENCE: Duration = Duration::from_secs(15);

impl App {
    /// What quitting now would lose, one line each (empty: nothing).
    pub fn quit_losses(&self) -> Vec<String> {
        let mut losses = vec![];
        let jobs: Vec<String> = self
            .ctx
            .live
            .iter()
            .filter(|j| !j.state.is_terminal())
            .map(|j| super::app::job_title(&j.id))
            .collect();
        if !jobs.is_empty() {
            losses.push(format!(
                "{} job{} of this dashboard still running ({}): they are cancelled, and their end recorded, before it exits (waiting up to {} s).",
                jobs.len(),
                if jobs.len() == 1 { " is" } else { "s are" },
                jobs.join(", "),
                QUIT_PATIENCE.as_secs()
            ));
        }
        let form = match &self.overlay {
            Some(Overlay::Form { form, .. }) => Some(form),
            Some(Overlay::Quit { back, .. }) => match back.as_deref() {
                Some(Overlay::Form { form, .. }) => Some(form),
                _ => None,
            },
            _ => None,
        };
        if let Some(form) = form.filter(|f| f.changed()) {
            losses.push(format!(
                "The form \"{}\" has changes that are not saved: they are lost.",
                form.title.trim()
            ));
        }
        losses
    }

    /// `q`, Ctrl-c, the palette's quit: quits at once when nothing would
    /// be lost, else asks (the open form stays under the question).
    pub fn request_quit(&mut self) {
        if matches!(self.overlay, Some(Overlay::Quit { .. })) {
            return;
        }
        let losses = self.quit_losses();
        if losses.is_empty() {
            self.quit = true;
            return;
        }
        let back = self.overlay.take().map(Box::new);
        self.overlay = Some(Overlay::Quit {
            message: format!("Quit switchboard?\n\n{}", losses.join("\n")),
            back,
        });
    }

    /// A key while the quit question is open (the keymap's `confirm`
    /// section): only the confirm key quits; Esc, `n`, Enter stay.
    pub(super) fn quit_key(&mut self, action: Option<Action>) {
        let Some(Overlay::Quit { back, .. }) = &mut self.overlay else {
            return;
        };
        match action {
            Some(Action::Confirm) => self.quit = true,
            Some(Action::Escape) => self.overlay = back.take().map(|b| *b),
            _ => {}
        }
    }
}

/// The question, with the keys of the `confirm` section.
pub fn draw(f: &mut Frame<'_>, app: &App, message: &str) {
    draw_question(f, app, " quit? ", message, ("quit", "stay"), 12);
}
