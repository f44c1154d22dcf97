//! What every view of the dashboard is: a component that owns its state,
//! turns actions into effects, takes the data meant for it, and draws
//! itself from its state alone (in the shape of the ratatui component
//! template and gitui).
//!
//! A view never reaches into the router: it asks for what it needs done
//! through `Effect`s (a job, a load, a confirmation, a form, a toast).

use super::action::Action;
use super::app::{Command, Level, LiveJob};
use super::data::{ConnInfo, Data, DataRequest};
use super::form::Form;
use super::forms::FormPurpose;
use super::theme::Theme;
use crate::domain::job::JobKind;
use crate::domain::read_only::{refusal, Writes};
use crate::domain::vendor::Vendor;
use crate::worker::JobOutcome;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;
use std::any::Any;

/// What every view may read: shared by the router, written only by it.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub theme: Theme,
    /// The process-wide read-only switch.
    pub read_only: bool,
    /// Every connection, as the reader last listed them.
    pub connections: Vec<ConnInfo>,
    /// The jobs of this dashboard that have not ended.
    pub live: Vec<LiveJob>,
    /// How far a page key moves a list cursor: the rows of the Numbers
    /// table, one size for every list (computed by the router's layout).
    pub page: usize,
    /// Where an export goes unless a path is typed (`export_dir` in the
    /// config, else the store's directory).
    pub export_dir: std::path::PathBuf,
}

impl Ctx {
    pub fn new(theme: Theme, read_only: bool) -> Ctx {
        Ctx {
            theme,
            read_only,
            connections: vec![],
            live: vec![],
            page: 20,
            export_dir: crate::config::default_export_dir(&crate::config::default_store_path()),
        }
    }

    /// The first connection of `vendor`: the one the Calling Profiles and
    /// Voice tabs act on.
    pub fn first_connection(&self, vendor: Vendor) -> Option<&ConnInfo> {
        self.connections.iter().find(|c| c.vendor == vendor)
    }

    /// Why `writes` is refused here, or `None`.
    pub fn refusal_of(&self, writes: Writes<'_>) -> Option<String> {
        refusal(self.read_only, writes, |name| {
            self.connections
                .iter()
                .any(|c| c.name == name && c.read_only)
        })
    }
}

/// What a view asks of the router.
#[derive(Debug)]
pub enum Effect {
    /// Work for the event loop (a job, a load, a copy).
    Run(Command),
    Toast(Level, String),
    /// Ask first; `then` runs on yes.
    Confirm {
        message: String,
        then: Command,
    },
    /// Ask for `expect` (a name, a count) to be typed; `then` runs once
    /// it matches (see `typed_confirm.rs`).
    ConfirmTyped {
        message: String,
        expect: String,
        then: Command,
    },
    Form(FormPurpose, Box<Form>),
    /// A read-only text pane (JSON of an item, a job's record).
    Detail {
        title: String,
        lines: Vec<String>,
    },
    Quit,
}

impl Effect {
    pub fn load(request: DataRequest) -> Effect {
        Effect::Run(Command::Load(request))
    }
    pub fn submit(kind: JobKind) -> Effect {
        Effect::Run(Command::Submit(kind))
    }
    pub fn info(text: impl Into<String>) -> Effect {
        Effect::Toast(Level::Info, text.into())
    }
    pub fn error(text: impl Into<String>) -> Effect {
        Effect::Toast(Level::Error, text.into())
    }
    pub fn form(purpose: FormPurpose, form: Form) -> Effect {
        Effect::Form(purpose, Box::new(form))
    }
}

/// Data offered to a view: it keeps what is its own, gives back the rest.
// Moved once per message from the reader, never stored: boxing the data
// would cost an allocation for nothing.
#[allow(clippy::large_enum_variant)]
pub enum Taken {
    Mine(Vec<Effect>),
    NotMine(Data),
}

/// One tab of the dashboard. The router holds them in a list; see
/// `app.rs` for how a new one is added.
pub trait View: Any {
    /// The tab's title.
    fn title(&self) -> &'static str;
    /// Its keymap section (also the name `--tab` opens it by).
    fn section(&self) -> &'static str;
    /// What to read when the view opens or the store changes.
    fn loads(&self) -> Vec<DataRequest>;
    /// Whether its data is read at start even when another tab is open.
    fn preload(&self) -> bool {
        false
    }
    /// Data from the reader: keep it if it is this view's.
    fn on_data(&mut self, data: Data) -> Taken;
    /// An action (from the keymap, the mouse or the palette).
    fn handle(&mut self, action: Action, ctx: &Ctx) -> Vec<Effect>;
    /// What `action` would write here, for the read-only gate and the help.
    fn writes<'a>(&'a self, _action: Action, _ctx: &'a Ctx) -> Writes<'a> {
        Writes::Nothing
    }
    /// Whether a text filter owns the keys now.
    fn typing(&self) -> bool {
        false
    }
    /// A key while typing, with its action in the keymap's `filter`
    /// section (Esc, Enter, Ctrl-c by default), if it has one.
    fn type_key(&mut self, _action: Option<Action>, _key: KeyEvent) -> Vec<Effect> {
        vec![]
    }
    /// A job of this dashboard ended.
    fn job_finished(&mut self, _kind: &JobKind, _outcome: &JobOutcome) {}
    /// Geometry for the next actions, from the area the view will draw in
    /// (before drawing: drawing changes nothing).
    fn layout(&mut self, _area: Rect) {}
    /// Whether rows on screen are still on their way (the frame may wait).
    fn waiting(&self) -> bool {
        false
    }
    /// Whether the view shows a clock that needs a tick each second.
    fn ticking(&self) -> bool {
        false
    }
    fn draw(&self, f: &mut Frame<'_>, area: Rect, ctx: &Ctx);
    fn as_any(&self) -> &dyn Any;
}

/// A cursor over a list of `len` rows.
#[derive(Debug, Default, Clone)]
pub struct ListCursor {
    pub cursor: usize,
}

impl ListCursor {
    /// Moves for a movement action; true when it moved.
    pub fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
        let before = self.cursor;
        let last = len.saturating_sub(1);
        self.cursor = match action {
            Action::Up => self.cursor.saturating_sub(1),
            Action::Down => (self.cursor + 1).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageUp => self.cursor.saturating_sub(page),
            Action::PageDown => (self.cursor + page).min(last),
            Action::HalfPageUp => self.cursor.saturating_sub(page / 2),
            Action::HalfPageDown => (self.cursor + page / 2).min(last),
            _ => self.cursor,
        };
        self.cursor != before
    }
}

/// An item's JSON body as a detail pane: exactly the body, with unsafe
/// characters as JSON `\u` escapes.
pub fn json_detail(name: &str, body: &serde_json::Value) -> Effect {
    let text = crate::domain::terminal_text::json_pretty(body);
    Effect::Detail {
        title: crate::domain::terminal_text::terminal_safe(name).into_owned(),
        lines: text.lines().map(String::from).collect(),
    }
}

/// What the views' unit tests share: a context with connections.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::domain::vendor::ConnectionSource;

    /// A connection of `vendor` declared in the config file.
    pub fn connection(name: &str, vendor: Vendor) -> ConnInfo {
        ConnInfo {
            name: name.into(),
            vendor,
            source: ConnectionSource::ConfigFile,
            spec: None,
            secrets_kept: vec![],
            next_run: None,
            address: format!("https://{name}.example.com"),
            auth: "basic".into(),
            insecure: false,
            read_only: false,
            schedule: "none".into(),
            last_run: None,
            last_preview: None,
            last_sync: None,
            last_purge: None,
            used: 2,
            cooling: 1,
            remote: vec![],
        }
    }

    pub fn ctx(connections: Vec<ConnInfo>) -> Ctx {
        let mut ctx = Ctx::new(Theme { color: false }, false);
        ctx.connections = connections;
        ctx
    }

    /// The jobs the effects submit.
    pub fn submitted(effects: &[Effect]) -> Vec<&JobKind> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Run(Command::Submit(k)) => Some(k),
                _ => None,
            })
            .collect()
    }

    /// The text of the effects' toasts.
    pub fn toasts(effects: &[Effect]) -> Vec<&str> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Toast(_, t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// What a typed confirmation asks to be typed, and the job it would
    /// submit, if the effects ask one.
    pub fn typed(effects: &[Effect]) -> Option<(&str, &JobKind)> {
        effects.iter().find_map(|e| match e {
            Effect::ConfirmTyped {
                expect,
                then: Command::Submit(k),
                ..
            } => Some((expect.as_str(), k)),
            _ => None,
        })
    }

    /// The job a confirmation would submit, if the effects ask one.
    pub fn confirmed(effects: &[Effect]) -> Option<&JobKind> {
        effects.iter().find_map(|e| match e {
            Effect::Confirm {
                then: Command::Submit(k),
                ..
            } => Some(k),
            _ => None,
        })
    }
}
