//! The router's overlays and the keys that reach them. Every key is read
//! through the keymap: the palette, a text filter, a form and a
//! confirmation each have a section of their own (`palette`, `filter`,
//! `form`, `confirm`) without the global fallback, so that a letter typed
//! there is text, not a command; the help and detail panes use the open
//! view's section like the view itself.

use super::action::Action;
use super::app::{App, Command, Level};
use super::form::{Form, FormStep};
use super::forms::{self, FormPurpose};
use super::pager::Pager;
use super::palette::{self, palette_matches, PaletteRun};
use super::typed_confirm::{TypedConfirm, MANY};
use crate::domain::job::JobKind;
use crate::domain::read_only::Writes;
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug)]
pub enum Overlay {
    /// The open view's keys (see `help.rs`, `pager.rs`).
    Help(Pager),
    /// Every toast of the session.
    Messages(Pager),
    Palette {
        input: Input,
        selected: usize,
    },
    Confirm {
        message: String,
        then: Command,
    },
    Detail {
        title: String,
        lines: Vec<String>,
        scroll: usize,
        /// What `F` does here (the audit's fix), confirmed first.
        fix: Option<Command>,
    },
    Form {
        form: Form,
        purpose: FormPurpose,
    },
    /// A destructive action on many things: the name or count is typed.
    TypedConfirm(TypedConfirm),
    /// Quit although something would be lost; `back` is what was open
    /// (a form keeps its text when the operator stays).
    Quit {
        message: String,
        back: Option<Box<Overlay>>,
    },
}

impl App {
    /// A key press; writes that may not go ahead are refused (read-only).
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let commands = self.route_key(key);
        self.gate(commands)
    }

    fn route_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Too small to draw more than its size: no key may act on what
        // cannot be seen (a question, a list). Resizing brings it back;
        // quitting works when it would lose nothing (else it would ask
        // a question nobody can see).
        let (min_width, min_height) = super::view::MIN_SIZE;
        let s = self.screen;
        if s.width > 0 && (s.width < min_width || s.height < min_height) {
            let quits = self.keymap.lookup("global", &key) == Some(Action::Quit);
            if quits && self.overlay.is_none() && self.quit_losses().is_empty() {
                self.quit = true;
            }
            return vec![];
        }
        // The quit question comes first: it may open over a filter or a form.
        if matches!(self.overlay, Some(Overlay::Quit { .. })) {
            let action = self.keymap.lookup_in("confirm", &key);
            self.quit_key(action);
            return vec![];
        }
        // Text entry comes first: the palette, a form, a confirmation and
        // a filter own every key but their own section's. A popup that
        // opens over a filter (a job's question) takes the keys before it.
        if matches!(self.overlay, Some(Overlay::Palette { .. })) {
            let action = self.keymap.lookup_in("palette", &key);
            return self.palette_key(action, key);
        }
        if self.pager_typing() {
            let action = self.keymap.lookup_in("filter", &key);
            return self.pager_type(action, key);
        }
        if matches!(self.overlay, Some(Overlay::Form { .. })) {
            let action = self.keymap.lookup_in("form", &key);
            return self.form_key(action, key);
        }
        if matches!(self.overlay, Some(Overlay::Confirm { .. })) {
            let action = self.keymap.lookup_in("confirm", &key);
            return self.confirm_key(action);
        }
        if matches!(self.overlay, Some(Overlay::TypedConfirm(_))) {
            let action = self.keymap.lookup_in("typed_confirm", &key);
            return self.typed_confirm_key(action, key);
        }
        if self.overlay.is_none() && self.current().typing() {
            let action = self.keymap.lookup_in("filter", &key);
            let effects = self.views[self.tab].type_key(action, key);
            return self.apply(effects);
        }
        match self.keymap.lookup(self.current().section(), &key) {
            Some(a) => self.update(a),
            None => vec![],
        }
    }

    fn palette_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        let Some(Overlay::Palette { input, selected }) = &mut self.overlay else {
            return vec![];
        };
        match action {
            Some(Action::Escape) => self.overlay = None,
            Some(Action::Enter) => {
                let items = palette::entries(self);
                let Some(Overlay::Palette { input, selected }) = &self.overlay else {
                    return vec![];
                };
                let matches = palette_matches(&items, input.value());
                let pick = matches.get(*selected).map(|i| items[*i].run.clone());
                self.overlay = None;
                return match pick {
                    Some(PaletteRun::Go(section)) => self.go_to(section),
                    Some(PaletteRun::Job(k)) => vec![Command::Submit(k)],
                    Some(PaletteRun::Action(section, a)) => {
                        let mut c = self.go_to(section);
                        c.extend(self.update(a));
                        c
                    }
                    Some(PaletteRun::Global(a)) => self.update(a),
                    Some(PaletteRun::Quit) => {
                        self.request_quit();
                        vec![]
                    }
                    None => vec![],
                };
            }
            Some(Action::Down) => *selected += 1,
            Some(Action::Up) => *selected = selected.saturating_sub(1),
            _ => {
                input.handle_event(&Event::Key(key));
                *selected = 0;
            }
        }
        let items = palette::entries(self);
        if let Some(Overlay::Palette { input, selected }) = &mut self.overlay {
            let n = palette_matches(&items, input.value()).len();
            *selected = (*selected).min(n.saturating_sub(1));
        }
        vec![]
    }

    fn form_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        if action == Some(Action::Quit) {
            self.request_quit();
            return vec![];
        }
        let Some(Overlay::Form { form, purpose }) = &mut self.overlay else {
            return vec![];
        };
        match form.handle(action, key) {
            FormStep::Edited => forms::edited(purpose, form),
            FormStep::Cancel => {
                self.overlay = None;
                self.toast(Level::Info, "cancelled; nothing was saved");
            }
            FormStep::Submit => {
                form.errors = forms::validate(purpose, form);
                if form.errors.is_empty() {
                    let cmd = forms::command(purpose, form);
                    // Cooling many numbers takes them out of service: their
                    // count is typed before it applies.
                    let typed = match purpose {
                        FormPurpose::Cool(n) if n.len() > MANY => Some(TypedConfirm::new(
                            format!(
                                "Cool {} numbers for {} day(s)?\nThey cannot be assigned until their cooling ends.",
                                n.len(),
                                form.value("days")
                            ),
                            n.len().to_string(),
                            cmd.clone(),
                        )),
                        _ => None,
                    };
                    // e.g. an export over an existing file: asked first.
                    let ask = forms::ask_first(purpose, form);
                    self.overlay = typed.map(Overlay::TypedConfirm).or_else(|| {
                        ask.map(|message| Overlay::Confirm {
                            message,
                            then: cmd.clone(),
                        })
                    });
                    if self.overlay.is_some() {
                        return vec![];
                    }
                    return vec![cmd];
                }
            }
        }
        vec![]
    }

    fn confirm_key(&mut self, action: Option<Action>) -> Vec<Command> {
        let Some(Overlay::Confirm { then, .. }) = &self.overlay else {
            return vec![];
        };
        match action {
            Some(Action::Confirm) => {
                let then = then.clone();
                self.overlay = None;
                vec![then]
            }
            Some(Action::Escape) => {
                self.overlay = None;
                self.toast(Level::Info, "cancelled; nothing was applied");
                vec![]
            }
            _ => vec![],
        }
    }

    /// An action while the help or a detail pane is open: Esc, `?` and
    /// Enter close, movement scrolls, `F` asks to fix (the audit).
    pub(super) fn overlay_action(&mut self, action: Action) -> Vec<Command> {
        if self.pager_action(action) {
            return vec![];
        }
        let Some(o) = &mut self.overlay else {
            return vec![];
        };
        match (o, action) {
            (_, Action::Quit) => self.request_quit(),
            (_, Action::Dismiss) => {
                self.toasts.dismiss();
            }
            (Overlay::Messages(_), Action::Messages) => self.overlay = None,
            (_, Action::Messages) => self.overlay = Some(Overlay::Messages(Pager::at_end())),
            (Overlay::Detail { fix: Some(fix), .. }, Action::Fix) => {
                let then = fix.clone();
                if self.refuse_writes(Writes::Store) {
                    return vec![];
                }
                self.overlay = Some(Overlay::Confirm {
                    message: "Fix every finding by the sync rules?\n(Cooling and Reserved numbers are skipped; nothing is deleted.)".into(),
                    then,
                });
            }
            (_, Action::Escape | Action::Help | Action::Enter) => self.overlay = None,
            (Overlay::Detail { scroll, .. }, Action::Down) => *scroll += 1,
            (Overlay::Detail { scroll, .. }, Action::Up) => *scroll = scroll.saturating_sub(1),
            _ => {}
        }
        vec![]
    }
}

/// The title of a job's detail pane (its log is streamed into it).
pub fn job_title(id: &str) -> String {
    format!("job {}", &id[..8.min(id.len())])
}

/// The Audit view: one line per finding, and `F` to fix them all.
pub fn audit_overlay(detail: Option<&serde_json::Value>) -> Overlay {
    let findings = detail
        .and_then(|d| d.get("findings"))
        .and_then(|f| f.as_array())
        .cloned()
        .unwrap_or_default();
    let s = |f: &serde_json::Value, k: &str| {
        f.get(k).and_then(|v| v.as_str()).unwrap_or("-").to_string()
    };
    let mut lines = vec![
        format!(
            "{} finding{} (Cooling and Reserved numbers skipped; nothing is ever deleted)",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        ),
        String::new(),
        format!(
            "{:<16} {:<42} {:<14} {}",
            "NUMBER", "FINDING", "CONNECTION", "FIX"
        ),
    ];
    let fixable = findings
        .iter()
        .any(|f| f.get("fix").is_some_and(|v| v.is_string()));
    for f in &findings {
        let kind = crate::domain::audit::FindingKind::parse(&s(f, "kind"))
            .map(|k| k.describe())
            .unwrap_or("?");
        let fix = f
            .get("fix")
            .and_then(|v| v.as_str())
            .unwrap_or("left alone (held elsewhere)");
        lines.push(format!(
            "{:<16} {:<42} {:<14} {}",
            s(f, "number"),
            kind,
            s(f, "connection"),
            fix
        ));
    }
    Overlay::Detail {
        title: "Audit Number Inventory".into(),
        lines,
        scroll: 0,
        fix: fixable.then_some(Command::Submit(JobKind::Audit { fix: true })),
    }
}
