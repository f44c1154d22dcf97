//! The TUI's state and its one update function: keys become actions,
//! actions change state and yield commands; the loop carries those out.

use super::action::Action;
use super::connection_form;
use super::data::{ConnInfo, Data, DataRequest, ProfileRow, VoiceData};
use super::form::{Form, FormStep};
use super::forms::{self, FormPurpose};
use super::keymap::Keymap;
use super::sync_bars;
use super::theme::Theme;
use super::voice_form;
use crate::domain::actions::NumberAction;
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::job::{JobKind, JobState, VoiceOp};
use crate::domain::number::Status;
use crate::domain::oc_service::CreateServiceRequest;
use crate::domain::read_only::Writes;
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::domain::voice_registry;
use crate::secret::Secret;
use crate::store::jobs::JobRecord;
use crate::store::number_query::SortKey;
use crate::store::remote::RemoteItem;
use crate::worker::{JobEvent, JobOutcome};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::cell::Cell;
use std::time::{Duration, Instant};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Connections,
    Numbers,
    Profiles,
    Voice,
    Jobs,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Connections,
        Tab::Numbers,
        Tab::Profiles,
        Tab::Voice,
        Tab::Jobs,
    ];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Connections => "Connections",
            Tab::Numbers => "Numbers",
            Tab::Profiles => "Calling Profiles",
            Tab::Voice => "Voice",
            Tab::Jobs => "Jobs",
        }
    }
    /// The keymap section of the view.
    pub fn section(self) -> &'static str {
        match self {
            Tab::Connections => "connections",
            Tab::Numbers => "numbers",
            Tab::Profiles => "profiles",
            Tab::Voice => "voice",
            Tab::Jobs => "jobs",
        }
    }
    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What the loop must do for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Submit(JobKind),
    Cancel(String),
    Load(DataRequest),
    Copy(String),
    /// Create an OC service and follow its task (the Teams QoS secret rides
    /// beside the job, not in it).
    CreateService {
        connection: String,
        request: Box<CreateServiceRequest>,
    },
    /// Save a connection made here; secrets ride beside the job, not in it.
    /// Secrets by key, typed into the form (blank ones keep the stored).
    SaveConnection {
        spec: Box<ConnectionSpec>,
        secrets: Vec<(&'static str, Secret)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Error,
}

#[derive(Debug, Clone)]
pub struct Toast {
    pub text: String,
    pub level: Level,
    pub until: Instant,
}

#[derive(Debug, Clone)]
pub struct LiveJob {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub done: u64,
    pub total: u64,
}

#[derive(Debug, Clone)]
pub struct PaletteItem {
    pub label: String,
    pub run: PaletteRun,
}

#[derive(Debug, Clone)]
pub enum PaletteRun {
    Go(Tab),
    Job(JobKind),
    /// Go to the tab, then do the action there.
    Action(Tab, Action),
    Quit,
}

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

#[derive(Debug, Default)]
pub struct ListCursor {
    pub cursor: usize,
}

impl ListCursor {
    fn apply(&mut self, action: Action, len: usize, page: usize) -> bool {
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

pub use super::numbers_state::{NumberDetail, NumbersState};

/// What the Calling Profiles tab shows: all, or only profiles with
/// problems, narrowed by text.
#[derive(Debug, Default)]
pub struct ProfileFilter {
    pub problems_only: bool,
    pub input: Input,
    pub typing: bool,
}

#[derive(Debug, Default)]
pub struct VoiceState {
    pub data: VoiceData,
    pub family: ListCursor,
    pub item: ListCursor,
    pub right: bool,
}

pub struct App {
    pub tab: Tab,
    pub keymap: Keymap,
    pub theme: Theme,
    pub read_only: bool,
    pub connections: Vec<ConnInfo>,
    pub conn_cursor: ListCursor,
    pub numbers: NumbersState,
    pub profiles: Vec<ProfileRow>,
    pub profile_filter: ProfileFilter,
    /// The Services view of the Calling Profiles tab (`S` toggles it).
    pub services_view: bool,
    pub services: Vec<(String, serde_json::Value)>,
    pub leads: Vec<(String, serde_json::Value)>,
    pub service_cursor: ListCursor,
    pub profiles_refreshed: Option<String>,
    pub profile_cursor: ListCursor,
    pub voice: VoiceState,
    pub jobs: Vec<JobRecord>,
    pub job_cursor: ListCursor,
    pub live: Vec<LiveJob>,
    pub toasts: Vec<Toast>,
    pub overlay: Option<Overlay>,
    pub palette: Vec<PaletteItem>,
    pub quit: bool,
    /// Rows the main table showed at the last draw (set by the renderer).
    pub viewport: Cell<usize>,
}

const TOAST_TIME: Duration = Duration::from_secs(5);

impl App {
    pub fn new(
        keymap: Keymap,
        theme: Theme,
        read_only: bool,
        connections: &[(String, Vendor)],
    ) -> App {
        App {
            tab: Tab::Connections,
            keymap,
            theme,
            read_only,
            connections: vec![],
            conn_cursor: ListCursor::default(),
            numbers: NumbersState::default(),
            profiles: vec![],
            profile_filter: ProfileFilter::default(),
            services_view: false,
            services: vec![],
            leads: vec![],
            service_cursor: ListCursor::default(),
            profiles_refreshed: None,
            profile_cursor: ListCursor::default(),
            voice: VoiceState::default(),
            jobs: vec![],
            job_cursor: ListCursor::default(),
            live: vec![],
            toasts: vec![],
            overlay: None,
            palette: palette_for(connections),
            quit: false,
            viewport: Cell::new(20),
        }
    }
}

/// The palette: every view, every connection's jobs, the inventory's tools.
fn palette_for(connections: &[(String, Vendor)]) -> Vec<PaletteItem> {
    {
        let mut palette: Vec<PaletteItem> = Tab::ALL
            .iter()
            .map(|t| PaletteItem {
                label: format!("go {}", t.title()),
                run: PaletteRun::Go(*t),
            })
            .collect();
        for (name, vendor) in connections {
            let name = name.clone();
            match *vendor {
                Vendor::AudioCodes => {
                    palette.push(PaletteItem {
                        label: format!("sync {name}"),
                        run: PaletteRun::Job(JobKind::SyncAudioCodes {
                            connection: name.clone(),
                            dry_run: false,
                            force: false,
                        }),
                    });
                    palette.push(PaletteItem {
                        label: format!("preview {name}"),
                        run: PaletteRun::Job(JobKind::SyncAudioCodes {
                            connection: name.clone(),
                            dry_run: true,
                            force: false,
                        }),
                    });
                }
                Vendor::LivePlatform => palette.push(PaletteItem {
                    label: format!("refresh {name}"),
                    run: PaletteRun::Job(JobKind::RefreshLivePlatform {
                        connection: name.clone(),
                    }),
                }),
                _ => palette.push(PaletteItem {
                    label: format!("refresh {name}"),
                    run: PaletteRun::Job(JobKind::RefreshVoice {
                        connection: name.clone(),
                    }),
                }),
            }
            palette.push(PaletteItem {
                label: format!("test {name}"),
                run: PaletteRun::Job(JobKind::TestConnection { connection: name }),
            });
        }
        palette.push(PaletteItem {
            label: "sweep (release overdue cooling numbers)".into(),
            run: PaletteRun::Job(JobKind::Sweep),
        });
        palette.push(PaletteItem {
            label: "audit number inventory".into(),
            run: PaletteRun::Job(JobKind::Audit { fix: false }),
        });
        palette.push(PaletteItem {
            label: "new AudioCodes connection".into(),
            run: PaletteRun::Action(Tab::Connections, Action::New),
        });
        palette.push(PaletteItem {
            label: "add number range".into(),
            run: PaletteRun::Action(Tab::Numbers, Action::AddRange),
        });
        palette.push(PaletteItem {
            label: "import numbers from CSV".into(),
            run: PaletteRun::Action(Tab::Numbers, Action::Import),
        });
        palette.push(PaletteItem {
            label: "export numbers (current view)".into(),
            run: PaletteRun::Action(Tab::Numbers, Action::Export),
        });
        palette.push(PaletteItem {
            label: "quit".into(),
            run: PaletteRun::Quit,
        });
        palette
    }
}

impl App {
    /// What to load when the app opens.
    pub fn initial_loads(&self) -> Vec<Command> {
        // The open tab's first (the reader answers in order), each once.
        let mut loads = self.tab_loads();
        for also in [
            Command::Load(DataRequest::Connections),
            Command::Load(self.numbers.reload(self.viewport.get())),
            Command::Load(DataRequest::NumberSummary),
            Command::Load(DataRequest::Jobs),
        ] {
            if !loads.contains(&also) {
                loads.push(also);
            }
        }
        loads
    }

    pub fn toast(&mut self, level: Level, text: impl Into<String>) {
        self.toasts.push(Toast {
            text: text.into(),
            level,
            until: Instant::now() + TOAST_TIME,
        });
        if self.toasts.len() > 4 {
            self.toasts.remove(0);
        }
    }

    /// Drops faded toasts; true when something went.
    pub fn expire_toasts(&mut self, now: Instant) -> bool {
        let n = self.toasts.len();
        self.toasts.retain(|t| t.until > now);
        n != self.toasts.len()
    }

    /// When the loop must wake for the app even without input.
    pub fn next_deadline(&self) -> Option<Instant> {
        let toast = self.toasts.iter().map(|t| t.until).min();
        let tick =
            (self.tab == Tab::Numbers && self.cooling_visible() && !crate::clock::is_fixed())
                .then(|| Instant::now() + Duration::from_secs(1));
        [toast, tick].into_iter().flatten().min()
    }

    fn cooling_visible(&self) -> bool {
        let v = self.viewport.get();
        (self.numbers.scroll..self.numbers.scroll + v).any(|i| {
            self.numbers
                .row(i)
                .is_some_and(|r| r.status == Status::Cooling)
        })
    }

    /// The Numbers window after the cursor moved, if one is needed.
    fn numbers_follow(&mut self) -> Vec<Command> {
        let v = self.viewport.get().max(1);
        self.numbers.follow_cursor(v);
        self.numbers
            .load(v)
            .map(Command::Load)
            .into_iter()
            .collect()
    }

    /// A new Numbers query (filter, status, sort): from the top.
    fn numbers_restart(&mut self) -> Vec<Command> {
        vec![Command::Load(self.numbers.restart(self.viewport.get()))]
    }

    /// Whether the screen should wait a moment for rows it just asked for,
    /// so that a keystroke shows its answer in one frame, not a blank first.
    pub fn awaiting_rows(&self) -> bool {
        self.tab == Tab::Numbers && self.numbers.waiting(self.viewport.get())
    }

    fn tab_loads(&self) -> Vec<Command> {
        match self.tab {
            Tab::Connections => vec![Command::Load(DataRequest::Connections)],
            Tab::Numbers => vec![
                Command::Load(self.numbers.reload(self.viewport.get())),
                Command::Load(DataRequest::NumberSummary),
            ],
            Tab::Profiles => vec![
                Command::Load(DataRequest::Profiles),
                Command::Load(DataRequest::Services),
            ],
            Tab::Voice => vec![Command::Load(DataRequest::Voice)],
            Tab::Jobs => vec![Command::Load(DataRequest::Jobs)],
        }
    }

    fn go(&mut self, tab: Tab) -> Vec<Command> {
        self.tab = tab;
        self.overlay = None;
        self.tab_loads()
    }

    pub fn on_data(&mut self, data: Data) -> Vec<Command> {
        match data {
            Data::Connections(c) => {
                let names: Vec<(String, Vendor)> =
                    c.iter().map(|i| (i.name.clone(), i.vendor)).collect();
                self.palette = palette_for(&names);
                self.connections = c;
                self.conn_cursor.cursor = self
                    .conn_cursor
                    .cursor
                    .min(self.connections.len().saturating_sub(1));
            }
            Data::Numbers(page) => {
                let v = self.viewport.get();
                return self
                    .numbers
                    .on_page(page, v)
                    .map(Command::Load)
                    .into_iter()
                    .collect();
            }
            Data::NumbersTotal(query, total) => self.numbers.on_total(query, total),
            Data::NumberSummary(summary) => self.numbers.summary = Some(summary),
            Data::Detail(n, item, events, seen) => {
                if self.numbers.detail.as_ref().is_some_and(|d| d.0 == n) {
                    self.numbers.detail = Some((n, item, events, seen));
                }
            }
            Data::Profiles(p, at) => {
                self.profiles = p;
                self.profiles_refreshed = at;
            }
            Data::Voice(v) => self.voice.data = v,
            Data::Jobs(j) => self.jobs = j,
            Data::Services(services, leads) => {
                self.services = services;
                self.leads = leads;
            }
            Data::JobLog(id, lines) => {
                let mut all = vec![String::new(), "log".to_string()];
                all.extend(lines);
                self.append_job_lines(&id, all);
            }
            Data::Exported(path, n) => {
                self.toast(Level::Info, format!("exported {n} numbers to {path}"))
            }
            Data::Error(e) => self.toast(Level::Error, e),
        }
        vec![]
    }

    /// The store was written (by a job here or by another process): the
    /// open view, the connections and the jobs are read again.
    pub fn on_store_changed(&self) -> Vec<Command> {
        let mut loads = self.tab_loads();
        loads.push(Command::Load(DataRequest::Connections));
        loads.push(Command::Load(DataRequest::Jobs));
        loads.dedup();
        loads
    }

    pub fn on_job(&mut self, ev: JobEvent) -> Vec<Command> {
        match ev {
            JobEvent::Queued { id, kind } => self.live.push(LiveJob {
                id,
                kind,
                state: JobState::Queued,
                done: 0,
                total: 0,
            }),
            JobEvent::Started { id } => self
                .live
                .iter_mut()
                .filter(|j| j.id == id)
                .for_each(|j| j.state = JobState::Running),
            JobEvent::Progress { id, done, total } => {
                self.live.iter_mut().filter(|j| j.id == id).for_each(|j| {
                    j.done = done;
                    j.total = total;
                })
            }
            JobEvent::Log { id, line } => self.append_job_lines(&id, vec![line]),
            JobEvent::Finished { id, outcome } => {
                let kind = self
                    .live
                    .iter()
                    .find(|j| j.id == id)
                    .map(|j| j.kind.clone());
                self.live.retain(|j| j.id != id);
                self.finished(kind, outcome);
                return self.on_store_changed();
            }
        }
        vec![]
    }

    /// Adds lines to the open detail of job `id`, if that is what is open:
    /// its log streams in while the job runs.
    fn append_job_lines(&mut self, id: &str, more: Vec<String>) {
        if let Some(Overlay::Detail { title, lines, .. }) = &mut self.overlay {
            if *title == job_title(id) {
                lines.extend(more);
                // A CM sync's per-entity counts show as bars under the header.
                *lines = sync_bars::refreshed(std::mem::take(lines), 2);
            }
        }
    }

    fn finished(&mut self, kind: Option<JobKind>, o: JobOutcome) {
        if o.needs_confirmation {
            if let Some(JobKind::SyncAudioCodes { connection, .. }) = kind {
                self.overlay = Some(Overlay::Confirm {
                    message: format!("{}\n\nApply anyway? ({})", o.error, o.summary),
                    then: Command::Submit(JobKind::SyncAudioCodes {
                        connection,
                        dry_run: false,
                        force: true,
                    }),
                });
                return;
            }
        }
        if let (Some(JobKind::EditNumbers { .. }), JobState::Succeeded) = (&kind, o.state) {
            self.numbers.marks.clear();
        }
        if let (Some(JobKind::Audit { fix: false }), JobState::Succeeded) = (&kind, o.state) {
            self.overlay = Some(audit_overlay(o.detail.as_ref()));
            return;
        }
        match o.state {
            JobState::Succeeded => self.toast(Level::Info, o.summary),
            // What was kept and what failed: the summary says both.
            JobState::Partial => self.toast(Level::Error, o.summary),
            _ => self.toast(Level::Error, o.error),
        }
    }

    /// A key press; writes that may not go ahead are refused (read-only).
    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        let commands = self.handle_key(key);
        self.gate(commands)
    }

    fn handle_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Text entry comes first: the palette and the filter own every key but Esc/Enter.
        if let Some(Overlay::Palette { input, selected }) = &mut self.overlay {
            match key.code {
                KeyCode::Esc => self.overlay = None,
                KeyCode::Enter => {
                    let matches = palette_matches(&self.palette, input.value());
                    let pick = matches.get(*selected).map(|i| self.palette[*i].run.clone());
                    self.overlay = None;
                    return match pick {
                        Some(PaletteRun::Go(t)) => self.go(t),
                        Some(PaletteRun::Job(k)) => self.submit(k),
                        Some(PaletteRun::Action(t, a)) => {
                            let mut c = self.go(t);
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
                KeyCode::Down | KeyCode::Tab => *selected += 1,
                KeyCode::Up | KeyCode::BackTab => *selected = selected.saturating_sub(1),
                _ => {
                    input.handle_event(&crossterm::event::Event::Key(key));
                    *selected = 0;
                }
            }
            if let Some(Overlay::Palette { input, selected }) = &mut self.overlay {
                let n = palette_matches(&self.palette, input.value()).len();
                *selected = (*selected).min(n.saturating_sub(1));
            }
            return vec![];
        }
        if self.profile_filter.typing && self.tab == Tab::Profiles {
            match key.code {
                KeyCode::Esc => self.profile_filter = ProfileFilter::default(),
                KeyCode::Enter => self.profile_filter.typing = false,
                _ => {
                    self.profile_filter
                        .input
                        .handle_event(&crossterm::event::Event::Key(key));
                }
            }
            self.profile_cursor.cursor = 0;
            return vec![];
        }
        if self.numbers.filtering && self.tab == Tab::Numbers {
            match key.code {
                KeyCode::Esc => {
                    self.numbers.filtering = false;
                    self.numbers.input.reset();
                }
                KeyCode::Enter => self.numbers.filtering = false,
                _ => {
                    if key.modifiers.contains(KeyModifiers::CONTROL)
                        && key.code == KeyCode::Char('c')
                    {
                        self.quit = true;
                        return vec![];
                    }
                    self.numbers
                        .input
                        .handle_event(&crossterm::event::Event::Key(key));
                }
            }
            return self.requery();
        }
        if let Some(Overlay::Form { form, purpose }) = &mut self.overlay {
            if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
                self.quit = true;
                return vec![];
            }
            match form.handle_key(key) {
                FormStep::Edited => forms::edited(purpose, form),
                FormStep::Cancel => {
                    self.overlay = None;
                    self.toast(Level::Info, "cancelled; nothing was saved");
                }
                FormStep::Submit => {
                    form.errors = forms::validate(purpose, form);
                    if form.errors.is_empty() {
                        let cmd = forms::command(purpose, form);
                        self.overlay = None;
                        return vec![cmd];
                    }
                }
            }
            return vec![];
        }
        if let Some(Overlay::Confirm { then, .. }) = &self.overlay {
            return match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    let then = then.clone();
                    self.overlay = None;
                    vec![then]
                }
                KeyCode::Char('n') | KeyCode::Esc | KeyCode::Char('q') => {
                    self.overlay = None;
                    self.toast(Level::Info, "cancelled; nothing was applied");
                    vec![]
                }
                _ => vec![],
            };
        }
        match self.keymap.lookup(self.tab.section(), &key) {
            Some(a) => self.update(a),
            None => vec![],
        }
    }

    fn requery(&mut self) -> Vec<Command> {
        let text = self.numbers.input.value().to_string();
        if text == self.numbers.query.text {
            return vec![];
        }
        self.numbers.query.text = text;
        self.numbers_restart()
    }

    fn submit(&mut self, kind: JobKind) -> Vec<Command> {
        vec![Command::Submit(kind)]
    }

    /// The one place actions change state; writes that may not go ahead
    /// are refused (read-only).
    pub fn update(&mut self, action: Action) -> Vec<Command> {
        let commands = self.dispatch(action);
        self.gate(commands)
    }

    fn dispatch(&mut self, action: Action) -> Vec<Command> {
        // Overlays close on Esc and swallow movement.
        if let Some(o) = &mut self.overlay {
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
            return vec![];
        }
        let page = self.viewport.get().max(1);
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.overlay = Some(Overlay::Help),
            Action::Palette => {
                self.overlay = Some(Overlay::Palette {
                    input: Input::default(),
                    selected: 0,
                })
            }
            Action::NextTab => return self.go(Tab::ALL[(self.tab.index() + 1) % 5]),
            Action::PrevTab => return self.go(Tab::ALL[(self.tab.index() + 4) % 5]),
            Action::Tab1 => return self.go(Tab::Connections),
            Action::Tab2 => return self.go(Tab::Numbers),
            Action::Tab3 => return self.go(Tab::Profiles),
            Action::Tab4 => return self.go(Tab::Voice),
            Action::Tab5 => return self.go(Tab::Jobs),
            _ => return self.tab_action(action, page),
        }
        vec![]
    }

    pub(super) fn selected_connection(&self) -> Option<&ConnInfo> {
        self.connections.get(self.conn_cursor.cursor)
    }

    /// The first connection of `vendor`: the one the Calling Profiles and
    /// Voice tabs act on.
    pub(super) fn first_connection(&self, vendor: Vendor) -> Option<&ConnInfo> {
        self.connections.iter().find(|c| c.vendor == vendor)
    }

    fn open_form(&mut self, purpose: FormPurpose, form: Form) {
        let mut form = form;
        form.errors = forms::validate(&purpose, &form);
        self.overlay = Some(Overlay::Form { form, purpose });
    }

    /// n / e / D / P on the Connections tab.
    fn connection_edit(&mut self, action: Action) -> Option<Vec<Command>> {
        let selected = self.selected_connection().cloned();
        match action {
            Action::New => {
                let taken = self.connections.iter().map(|c| c.name.clone()).collect();
                self.open_form(
                    FormPurpose::NewConnection { taken },
                    connection_form::form(
                        &connection_form::blank(Vendor::AudioCodes, ""),
                        &[],
                        false,
                    ),
                );
                return Some(vec![]);
            }
            Action::Edit | Action::Delete | Action::Purge => {}
            _ => return None,
        }
        let c = selected?;
        if action == Action::Purge && c.vendor != Vendor::AudioCodes {
            self.toast(
                Level::Info,
                "purge is for AudioCodes connections (PurgeAudioCodes__<name>)",
            );
            return Some(vec![]);
        }
        let held = format!(
            "{} Used number{} will cool for the AudioCodes cooling duration; {} already cooling",
            c.used,
            if c.used == 1 { "" } else { "s" },
            c.cooling
        );
        match (action, c.source) {
            (Action::Edit | Action::Delete, ConnectionSource::ConfigFile) => self.toast(
                Level::Info,
                format!("{} is declared in the config file; change it there", c.name),
            ),
            (Action::Edit, _) => {
                if let Some(spec) = &c.spec {
                    let form = connection_form::form(spec, &c.secrets_kept, true);
                    let kept = c.secrets_kept.clone();
                    self.open_form(FormPurpose::EditConnection { kept }, form);
                }
            }
            (Action::Delete, _) => {
                let what = if c.vendor == Vendor::AudioCodes {
                    format!("It is purged first: its cached users are removed and {held}.")
                } else {
                    "Its cached data (profiles, services, voice elements) is forgotten; nothing changes on the vendor's side.".to_string()
                };
                self.overlay = Some(Overlay::Confirm {
                    message: format!("Delete connection {}?\n{what}", c.name),
                    then: Command::Submit(JobKind::DeleteConnection { connection: c.name }),
                })
            }
            _ => {
                self.overlay = Some(Overlay::Confirm {
                    message: format!(
                        "Purge {} (PurgeAudioCodes__{})?\nIts cached registered users are removed and {held}.",
                        c.name, c.name
                    ),
                    then: Command::Submit(JobKind::PurgeAudioCodes { connection: c.name }),
                })
            }
        }
        Some(vec![])
    }

    fn tab_action(&mut self, action: Action, page: usize) -> Vec<Command> {
        if self.refuse_key(action) {
            return vec![];
        }
        match self.tab {
            Tab::Connections => {
                if self.conn_cursor.apply(action, self.connections.len(), page) {
                    return vec![];
                }
                if let Some(c) = self.connection_edit(action) {
                    return c;
                }
                let Some(c) = self.selected_connection().cloned() else {
                    return vec![];
                };
                let name = c.name.clone();
                match (action, c.vendor) {
                    (Action::Refresh, Vendor::AudioCodes) => {
                        return self.submit(JobKind::SyncAudioCodes {
                            connection: name,
                            dry_run: false,
                            force: false,
                        })
                    }
                    (Action::Preview, Vendor::AudioCodes) => {
                        return self.submit(JobKind::SyncAudioCodes {
                            connection: name,
                            dry_run: true,
                            force: false,
                        })
                    }
                    (Action::Refresh, Vendor::LivePlatform) => {
                        return self.submit(JobKind::RefreshLivePlatform { connection: name })
                    }
                    (Action::Refresh, _) => {
                        return self.submit(JobKind::RefreshVoice { connection: name })
                    }
                    (Action::Test, _) => {
                        return self.submit(JobKind::TestConnection { connection: name })
                    }
                    (Action::Copy, _) => return vec![Command::Copy(name)],
                    (Action::Preview, _) => {
                        self.toast(Level::Info, "preview is for AudioCodes syncs")
                    }
                    _ => {}
                }
            }
            Tab::Numbers => return self.numbers_action(action, page),
            Tab::Profiles => return self.profiles_action(action, page),
            Tab::Voice => return self.voice_action(action, page),
            Tab::Jobs => {
                self.job_cursor.apply(action, self.jobs.len(), page);
                let job = self.jobs.get(self.job_cursor.cursor);
                match (action, job) {
                    (Action::Cancel, Some(j)) if !j.state.is_terminal() => {
                        return vec![Command::Cancel(j.id.clone())]
                    }
                    (Action::Cancel, Some(_)) => {
                        self.toast(Level::Info, "that job has already ended")
                    }
                    (Action::Enter, Some(j)) => {
                        let mut lines = vec![
                            format!("{} {} — {}", j.kind, j.target, j.state),
                            format!("created {}", j.created_at),
                        ];
                        lines.extend(j.started_at.iter().map(|s| format!("started {s}")));
                        lines.extend(j.ended_at.iter().map(|s| format!("ended   {s}")));
                        if !j.summary.is_empty() {
                            lines.push(String::new());
                            lines.push(j.summary.clone());
                        }
                        if !j.error.is_empty() {
                            lines.push(String::new());
                            lines.push(j.error.clone());
                        }
                        let id = j.id.clone();
                        self.overlay = Some(Overlay::Detail {
                            title: job_title(&id),
                            lines,
                            scroll: 0,
                            fix: None,
                        });
                        return vec![Command::Load(DataRequest::JobLog(id))];
                    }
                    (Action::Refresh, _) => return vec![Command::Load(DataRequest::Jobs)],
                    _ => {}
                }
            }
        }
        vec![]
    }

    fn numbers_action(&mut self, action: Action, page: usize) -> Vec<Command> {
        let n = &mut self.numbers;
        if action == Action::Bottom {
            return n.go_last(page).map(Command::Load).into_iter().collect();
        }
        let mut cur = ListCursor { cursor: n.cursor };
        if cur.apply(action, n.extent(), page) {
            n.cursor = cur.cursor;
            return self.numbers_follow();
        }
        match action {
            Action::Filter => {
                n.filtering = true;
                n.input = Input::new(n.query.text.clone());
            }
            Action::Escape if n.detail.is_some() => n.detail = None,
            Action::Escape
                if !n.query.text.is_empty() || n.query.status.is_some() || !n.marks.is_empty() =>
            {
                n.input.reset();
                n.query.text.clear();
                n.query.status = None;
                n.marks.clear();
                return self.numbers_restart();
            }
            Action::StatusFilter => {
                let order: Vec<Option<Status>> = std::iter::once(None)
                    .chain(Status::ALL.iter().copied().map(Some))
                    .collect();
                let i = order.iter().position(|s| *s == n.query.status).unwrap_or(0);
                n.query.status = order[(i + 1) % order.len()];
                return self.numbers_restart();
            }
            Action::Sort | Action::ReverseSort => {
                if action == Action::Sort {
                    let i = SortKey::ALL
                        .iter()
                        .position(|k| *k == n.query.sort)
                        .unwrap_or(0);
                    n.query.sort = SortKey::ALL[(i + 1) % SortKey::ALL.len()];
                } else {
                    n.query.descending = !n.query.descending;
                }
                return self.numbers_restart();
            }
            Action::Mark => {
                if let Some(num) = n.row(n.cursor).map(|r| r.number.clone()) {
                    if !n.marks.remove(&num) {
                        n.marks.insert(num);
                    }
                    return self.numbers_action(Action::Down, page);
                }
            }
            Action::Copy => {
                let text = if n.marks.is_empty() {
                    n.row(n.cursor)
                        .map(|r| r.number.clone())
                        .unwrap_or_default()
                } else {
                    n.marks.iter().cloned().collect::<Vec<_>>().join("\n")
                };
                if !text.is_empty() {
                    let count = text.lines().count();
                    self.toast(
                        Level::Info,
                        format!("copied {count} number{}", if count == 1 { "" } else { "s" }),
                    );
                    return vec![Command::Copy(text)];
                }
            }
            Action::Enter => {
                if let Some(num) = n.row(n.cursor).map(|r| r.number.clone()) {
                    n.detail = Some((num.clone(), None, vec![], vec![]));
                    return vec![Command::Load(DataRequest::NumberDetail(num))];
                }
            }
            _ => return self.numbers_edit(action),
        }
        vec![]
    }

    /// The marked numbers, else the one under the cursor.
    fn chosen_numbers(&self) -> Vec<String> {
        let n = &self.numbers;
        if n.marks.is_empty() {
            n.row(n.cursor)
                .map(|r| vec![r.number.clone()])
                .unwrap_or_default()
        } else {
            n.marks.iter().cloned().collect()
        }
    }

    /// The Numbers tab's hand actions, on the marked rows or the cursor's.
    fn numbers_edit(&mut self, action: Action) -> Vec<Command> {
        let picked = self.chosen_numbers();
        let which = match picked.as_slice() {
            [one] => one.clone(),
            many => format!("{} marked numbers", many.len()),
        };
        let purpose = match action {
            Action::AddRange => FormPurpose::AddRange,
            Action::Import => FormPurpose::Import,
            Action::Export => FormPurpose::Export(self.numbers.query.clone()),
            _ if picked.is_empty() => return vec![],
            Action::Cool => FormPurpose::Cool(picked),
            Action::Extend => FormPurpose::Extend(picked),
            Action::Edit => FormPurpose::Tag(picked),
            Action::Release => {
                self.overlay = Some(Overlay::Confirm {
                    message: format!(
                        "Release {which} now?\nCooling numbers become Available; vendor, usage, tag and release date are cleared."
                    ),
                    then: Command::Submit(JobKind::EditNumbers {
                        numbers: picked,
                        action: NumberAction::Release,
                    }),
                });
                return vec![];
            }
            Action::Reserve | Action::Unreserve => {
                let action = if action == Action::Reserve {
                    NumberAction::Reserve
                } else {
                    NumberAction::Unreserve
                };
                self.numbers.marks.clear();
                return vec![Command::Submit(JobKind::EditNumbers {
                    numbers: picked,
                    action,
                })];
            }
            _ => return vec![],
        };
        let form = forms::prompt(&purpose);
        self.open_form(purpose, form);
        vec![]
    }

    /// The profiles the tab lists, after the problems and text filters.
    pub fn visible_profiles(&self) -> Vec<&ProfileRow> {
        let text = self.profile_filter.input.value().to_lowercase();
        self.profiles
            .iter()
            .filter(|r| !self.profile_filter.problems_only || !r.problems.is_empty())
            .filter(|r| {
                text.is_empty()
                    || r.profile.name.to_lowercase().contains(&text)
                    || r.profile.calling_profile_id.contains(&text)
                    || r.profile
                        .trunks_enrolled
                        .iter()
                        .any(|t| t.trunk_fqdn.to_lowercase().contains(&text))
            })
            .collect()
    }

    fn profiles_action(&mut self, action: Action, page: usize) -> Vec<Command> {
        match action {
            Action::Services => {
                self.services_view = !self.services_view;
                return vec![];
            }
            Action::New => {
                let Some(c) = self.first_connection(Vendor::LivePlatform) else {
                    self.toast(Level::Error, "no Live Platform connection is configured");
                    return vec![];
                };
                let purpose = FormPurpose::CreateService {
                    connection: c.name.clone(),
                };
                let leads = super::service_form::active_leads(&self.leads);
                self.open_form(purpose, super::service_form::form(&leads));
                return vec![];
            }
            _ if self.services_view => {
                self.service_cursor.apply(action, self.services.len(), page);
                if action == Action::Copy {
                    if let Some((_, s)) = self.services.get(self.service_cursor.cursor) {
                        let id = s
                            .get("UmpCustomerGuid")
                            .and_then(|v| v.as_str())
                            .unwrap_or("");
                        return vec![Command::Copy(id.to_string())];
                    }
                }
                if action == Action::Enter {
                    if let Some((_, s)) = self.services.get(self.service_cursor.cursor) {
                        let name = s
                            .get("CustomerShortName")
                            .and_then(|v| v.as_str())
                            .unwrap_or("service")
                            .to_string();
                        self.overlay = Some(json_detail(&name, s));
                    }
                }
                if action != Action::Refresh {
                    return vec![];
                }
            }
            _ => {}
        }
        let len = self.visible_profiles().len();
        self.profile_cursor.apply(action, len, page);
        let selected = self
            .visible_profiles()
            .get(self.profile_cursor.cursor)
            .map(|r| (r.item.id.clone(), r.item.name.clone(), r.item.body.clone()));
        match action {
            Action::Refresh => {
                if let Some(c) = self.first_connection(Vendor::LivePlatform) {
                    return self.submit(JobKind::RefreshLivePlatform {
                        connection: c.name.clone(),
                    });
                }
                self.toast(Level::Error, "no Live Platform connection is configured");
            }
            Action::StatusFilter => {
                self.profile_filter.problems_only = !self.profile_filter.problems_only;
                self.profile_cursor.cursor = 0;
            }
            Action::Filter => self.profile_filter.typing = true,
            Action::Escape => {
                self.profile_filter = ProfileFilter::default();
                self.profile_cursor.cursor = 0;
            }
            Action::Copy => {
                if let Some((id, _, _)) = selected {
                    self.toast(Level::Info, format!("copied {id}"));
                    return vec![Command::Copy(id)];
                }
            }
            Action::Enter => {
                if let Some((_, name, body)) = selected {
                    self.overlay = Some(json_detail(&name, &body));
                }
            }
            _ => {}
        }
        vec![]
    }

    fn voice_action(&mut self, action: Action, page: usize) -> Vec<Command> {
        let v = &mut self.voice;
        match action {
            Action::Left => v.right = false,
            Action::Right => v.right = true,
            Action::Refresh => {
                if let Some(c) = self.axp_connection() {
                    return self.submit(JobKind::RefreshVoice { connection: c });
                }
                self.toast(Level::Error, "no AXP connection is configured");
            }
            Action::Enter => {
                if !v.right {
                    v.right = true;
                } else if let Some(it) = self.selected_voice_item() {
                    self.overlay = Some(json_detail(&it.name, &it.body));
                }
            }
            Action::Copy => {
                if let Some(it) = self.selected_voice_item() {
                    return vec![Command::Copy(it.id.clone())];
                }
            }
            Action::New | Action::Edit | Action::Delete | Action::Actions | Action::SyncCm => {
                return self.voice_write(action)
            }
            _ => {
                if v.right {
                    let len = self.selected_voice_items().map(|l| l.len()).unwrap_or(0);
                    self.voice.item.apply(action, len, page);
                } else if v.family.apply(action, v.data.families.len(), page) {
                    v.item.cursor = 0;
                }
            }
        }
        vec![]
    }

    /// The AXP connection the Voice tab acts on (the first one).
    fn axp_connection(&self) -> Option<String> {
        self.first_connection(Vendor::Axp).map(|c| c.name.clone())
    }

    /// The family under the cursor, with its parent id.
    fn selected_family(&self) -> Option<(&'static voice_registry::Family, Option<String>)> {
        let (key, parent, _, _) = self.voice.data.families.get(self.voice.family.cursor)?;
        let f = voice_registry::family(key)?;
        Some((f, (!parent.is_empty()).then(|| parent.clone())))
    }

    fn selected_voice_item(&self) -> Option<&RemoteItem> {
        if !self.voice.right {
            return None;
        }
        self.selected_voice_items()?.get(self.voice.item.cursor)
    }

    /// n / e / D / a / s on the Voice tab: forms generated from the registry.
    fn voice_write(&mut self, action: Action) -> Vec<Command> {
        let Some(connection) = self.axp_connection() else {
            self.toast(Level::Error, "no AXP connection is configured");
            return vec![];
        };
        let Some((f, parent)) = self.selected_family() else {
            return vec![];
        };
        let item = self.selected_voice_item().cloned();
        let cannot = |what: &str| format!("{} cannot be {what} through the API", f.title);
        match action {
            Action::New if f.ops.create => self.open_form(
                FormPurpose::VoiceItem {
                    connection,
                    family: f.key,
                    parent,
                    id: None,
                    creating: true,
                },
                voice_form::item_form(f, None, true),
            ),
            Action::New => self.toast(Level::Info, cannot("created")),
            Action::Edit if f.ops.update && !f.ops.list => self.open_form(
                FormPurpose::VoiceItem {
                    connection,
                    family: f.key,
                    parent,
                    id: None,
                    creating: false,
                },
                voice_form::item_form(f, None, false),
            ),
            Action::Edit if f.ops.update => match item {
                Some(it) => self.open_form(
                    FormPurpose::VoiceItem {
                        connection,
                        family: f.key,
                        parent,
                        id: Some(it.id.clone()),
                        creating: false,
                    },
                    voice_form::item_form(f, Some(&it.body), false),
                ),
                None => self.toast(Level::Info, "choose an item on the right (→) to edit"),
            },
            Action::Edit => self.toast(Level::Info, cannot("updated")),
            Action::Delete if f.ops.delete => match item {
                Some(it) => {
                    // A location profile stuck PENDING_DELETE is deleted by force.
                    let force = f.key == "location_profiles"
                        && it.body.get("status").and_then(|s| s.as_str()) == Some("PENDING_DELETE");
                    self.overlay = Some(Overlay::Confirm {
                        message: format!(
                            "{} {} {}?\nThe API removes it; the list updates when it is gone.",
                            if force { "Force-delete" } else { "Delete" },
                            f.title,
                            if it.name.is_empty() { &it.id } else { &it.name }
                        ),
                        then: Command::Submit(JobKind::VoiceWrite {
                            connection,
                            family: f.key.into(),
                            parent,
                            id: Some(it.id),
                            op: VoiceOp::Delete { force },
                            body: None,
                            wait: true,
                        }),
                    });
                }
                None => self.toast(Level::Info, "choose an item on the right (→) to delete"),
            },
            Action::Delete => self.toast(Level::Info, cannot("deleted")),
            Action::Actions if !f.actions.is_empty() => self.open_form(
                FormPurpose::VoiceAction {
                    connection,
                    family: f.key,
                    parent,
                    id: item.map(|i| i.id),
                },
                voice_form::action_form(f),
            ),
            Action::Actions => self.toast(Level::Info, format!("{} has no extra actions", f.title)),
            Action::SyncCm => {
                let cm = match (f.key, parent, item) {
                    ("cm", _, Some(it)) => Some((it.id, it.name)),
                    (_, Some(p), _) => Some((p.clone(), p)),
                    _ => None,
                };
                match cm {
                    Some((cm, label)) => self.open_form(
                        FormPurpose::SyncCm { connection, cm },
                        voice_form::sync_form(&label),
                    ),
                    None => self.toast(
                        Level::Info,
                        "choose a Communication Manager (or a family under one) to sync",
                    ),
                }
            }
            _ => {}
        }
        vec![]
    }

    pub fn selected_voice_items(&self) -> Option<&Vec<RemoteItem>> {
        let (k, p, _, _) = self.voice.data.families.get(self.voice.family.cursor)?;
        self.voice.data.items.get(&(k.clone(), p.clone()))
    }
}

fn job_title(id: &str) -> String {
    format!("job {}", &id[..8.min(id.len())])
}

fn json_detail(name: &str, body: &serde_json::Value) -> Overlay {
    // Exactly the body, with unsafe characters as JSON `\u` escapes.
    let text = crate::domain::terminal_text::json_pretty(body);
    Overlay::Detail {
        title: crate::domain::terminal_text::terminal_safe(name).into_owned(),
        lines: text.lines().map(String::from).collect(),
        scroll: 0,
        fix: None,
    }
}

/// The Audit view: one line per finding, and `F` to fix them all.
fn audit_overlay(detail: Option<&serde_json::Value>) -> Overlay {
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

/// Palette entries whose label holds every word typed, in order of the list.
pub fn palette_matches(items: &[PaletteItem], typed: &str) -> Vec<usize> {
    let words: Vec<String> = typed.split_whitespace().map(|w| w.to_lowercase()).collect();
    items
        .iter()
        .enumerate()
        .filter(|(_, it)| {
            let l = it.label.to_lowercase();
            words.iter().all(|w| l.contains(w.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}
