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
use super::palette::{palette_matches, PaletteRun};
use crate::domain::job::JobKind;
use crate::domain::read_only::Writes;
use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug)]
pub enum Overlay {
    Help,
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
}

impl App {
    /// A key press; writes that may not go ahead are refused (read-only).
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let commands = self.route_key(key);
        self.gate(commands)
    }

    fn route_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Text entry comes first: the palette and a filter own every key
        // but their own section's.
        if matches!(self.overlay, Some(Overlay::Palette { .. })) {
            let action = self.keymap.lookup_in("palette", &key);
            return self.palette_key(action, key);
        }
        if self.current().typing() {
            let action = self.keymap.lookup_in("filter", &key);
            let effects = self.views[self.tab].type_key(action, key);
            return self.apply(effects);
        }
        if matches!(self.overlay, Some(Overlay::Form { .. })) {
            let action = self.keymap.lookup_in("form", &key);
            return self.form_key(action, key);
        }
        if matches!(self.overlay, Some(Overlay::Confirm { .. })) {
            let action = self.keymap.lookup_in("confirm", &key);
            return self.confirm_key(action);
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
                let matches = palette_matches(&self.palette, input.value());
                let pick = matches.get(*selected).map(|i| self.palette[*i].run.clone());
                self.overlay = None;
                return match pick {
                    Some(PaletteRun::Go(section)) => self.go_to(section),
                    Some(PaletteRun::Job(k)) => vec![Command::Submit(k)],
                    Some(PaletteRun::Action(section, a)) => {
                        let mut c = self.go_to(section);
                        c.extend(self.update(a));
                        c
                    }
                    Some(PaletteRun::Quit) => {
                        self.quit = true;
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
        if let Some(Overlay::Palette { input, selected }) = &mut self.overlay {
            let n = palette_matches(&self.palette, input.value()).len();
            *selected = (*selected).min(n.saturating_sub(1));
        }
        vec![]
    }

    fn form_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        if action == Some(Action::Quit) {
            self.quit = true;
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
                    // e.g. an export over an existing file: asked first.
                    if let Some(message) = forms::ask_first(purpose, form) {
                        self.overlay = Some(Overlay::Confirm { message, then: cmd });
                        return vec![];
                    }
                    self.overlay = None;
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
        let Some(o) = &mut self.overlay else {
            return vec![];
        };
        match (o, action) {
            (_, Action::Quit) => self.quit = true,
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
