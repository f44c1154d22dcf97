//! The router: the tabs, the overlays (help, palette, confirmation,
//! details, forms), toasts and this dashboard's live jobs. Keys become
//! actions (keymap), the open view turns actions into effects, the router
//! carries out the effects that are its own and hands the rest (jobs,
//! loads, copies) to the loop as commands.
//!
//! Adding a view: write `views/<name>.rs` with a type implementing
//! `component::View` (its state, `handle`, `on_data`, `draw`), declare it
//! in `views/mod.rs`, and add one line to `all_views` below (the order is
//! the tabs' order; `tab1`..`tab5` reach the first five). Its keys go in a
//! section of `assets/keymap.toml` named as its `section()`.

use super::action::Action;
use super::component::{Ctx, Effect, Taken, View};
use super::data::{Data, DataRequest};
use super::form::Form;
use super::forms::{self, FormPurpose};
use super::keymap::Keymap;
use super::pager::Pager;
use super::palette::{palette_for, PaletteItem};
use super::sync_bars;
use super::theme::Theme;
use super::toasts::{log_time, Toasts};
use super::typed_confirm::TypedConfirm;
use super::views;
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::job::{JobKind, JobState};
use crate::domain::oc_service::CreateServiceRequest;
use crate::domain::vendor::Vendor;
use crate::secret::Secret;
use crate::worker::{JobEvent, JobOutcome};
use ratatui::layout::{Constraint, Layout, Rect};
use std::time::{Duration, Instant};
use tui_input::Input;

use super::overlay::audit_overlay;
pub use super::overlay::{job_title, Overlay};
pub use super::palette::palette_matches;

/// The views, in the order of the tabs.
fn all_views() -> Vec<Box<dyn View>> {
    vec![
        Box::new(views::connections::Connections::default()),
        Box::new(views::numbers::Numbers::default()),
        Box::new(views::profiles::Profiles::default()),
        Box::new(views::voice::Voice::default()),
        Box::new(views::jobs::Jobs::default()),
    ]
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
    /// Several commands behind one confirmation (deleting marked items);
    /// taken apart before the read-only gate, so each is checked.
    Many(Vec<Command>),
}

impl Command {
    /// The commands this stands for, `Many` taken apart.
    pub fn flatten(self) -> Vec<Command> {
        match self {
            Command::Many(all) => all.into_iter().flat_map(Command::flatten).collect(),
            one => vec![one],
        }
    }
}

pub use super::toasts::{Level, Toast};

#[derive(Debug, Clone)]
pub struct LiveJob {
    pub id: String,
    pub kind: JobKind,
    pub state: JobState,
    pub done: u64,
    pub total: u64,
}

pub struct App {
    pub keymap: Keymap,
    /// What every view reads: theme, read-only, connections, live jobs.
    pub ctx: Ctx,
    pub views: Vec<Box<dyn View>>,
    /// The open view (an index of `views`).
    pub tab: usize,
    /// The latest per-entity counts of the jobs this dashboard ran.
    pub progress: sync_bars::JobProgress,
    /// The toasts on screen and the session's message log.
    pub toasts: Toasts,
    pub overlay: Option<Overlay>,
    pub palette: Vec<PaletteItem>,
    pub quit: bool,
    /// The terminal's size at the last layout (the popups' page size).
    pub screen: Rect,
}

impl App {
    pub fn new(
        keymap: Keymap,
        theme: Theme,
        read_only: bool,
        connections: &[(String, Vendor)],
    ) -> App {
        let views = all_views();
        App {
            keymap,
            ctx: Ctx::new(theme, read_only),
            palette: palette_for(&views, connections),
            views,
            tab: 0,
            progress: sync_bars::JobProgress::default(),
            toasts: Toasts::default(),
            overlay: None,
            quit: false,
            screen: Rect::default(),
        }
    }

    /// The open view.
    pub fn current(&self) -> &dyn View {
        self.views[self.tab].as_ref()
    }

    /// The view of type `V` (for the loop's trace and for tests).
    pub fn view<V: View>(&self) -> Option<&V> {
        self.views
            .iter()
            .find_map(|v| v.as_any().downcast_ref::<V>())
    }

    /// Opens on the view with keymap section `section`, if there is one.
    pub fn open_on(&mut self, section: &str) {
        if let Some(i) = self.views.iter().position(|v| v.section() == section) {
            self.tab = i;
        }
    }

    /// Geometry from the terminal's size, before drawing: the page size of
    /// the lists and each view's own (the rows the Numbers window covers).
    pub fn layout(&mut self, screen: Rect) {
        self.screen = screen;
        let body = body_area(screen);
        // One page size for every list: the Numbers table's rows (its
        // header and the table's frame take six).
        self.ctx.page = body.height.saturating_sub(6).max(1) as usize;
        for v in &mut self.views {
            v.layout(body);
        }
    }

    /// What to load when the app opens.
    pub fn initial_loads(&self) -> Vec<Command> {
        // The open view's first (the reader answers in order), each once.
        let mut loads = self.tab_loads();
        let mut also = vec![Command::Load(DataRequest::Connections)];
        for v in self.views.iter().filter(|v| v.preload()) {
            also.extend(v.loads().into_iter().map(Command::Load));
        }
        for c in also {
            if !loads.contains(&c) {
                loads.push(c);
            }
        }
        loads
    }

    pub fn toast(&mut self, level: Level, text: impl Into<String>) {
        self.toasts
            .push(level, text.into(), Instant::now(), log_time());
    }

    /// Drops faded toasts; true when something went.
    pub fn expire_toasts(&mut self, now: Instant) -> bool {
        self.toasts.expire(now)
    }

    /// When the loop must wake for the app even without input.
    pub fn next_deadline(&self) -> Option<Instant> {
        let toast = self.toasts.next_deadline();
        let tick = (self.current().ticking() && !crate::clock::is_fixed())
            .then(|| Instant::now() + Duration::from_secs(1));
        [toast, tick].into_iter().flatten().min()
    }

    /// Whether the screen should wait a moment for rows it just asked for,
    /// so that a keystroke shows its answer in one frame, not a blank first.
    pub fn awaiting_rows(&self) -> bool {
        self.current().waiting()
    }

    fn tab_loads(&self) -> Vec<Command> {
        self.current()
            .loads()
            .into_iter()
            .map(Command::Load)
            .collect()
    }

    pub(super) fn go(&mut self, tab: usize) -> Vec<Command> {
        self.tab = tab;
        self.overlay = None;
        self.tab_loads()
    }

    pub(super) fn go_to(&mut self, section: &str) -> Vec<Command> {
        match self.views.iter().position(|v| v.section() == section) {
            Some(i) => self.go(i),
            None => vec![],
        }
    }

    pub fn on_data(&mut self, data: Data) -> Vec<Command> {
        match data {
            Data::Connections(c) => {
                let names: Vec<(String, Vendor)> =
                    c.iter().map(|i| (i.name.clone(), i.vendor)).collect();
                self.palette = palette_for(&self.views, &names);
                self.ctx.connections = c;
            }
            Data::JobLog(id, lines) => {
                let mut all = vec![String::new(), "log".to_string()];
                all.extend(lines);
                self.append_job_lines(&id, all);
            }
            Data::Error(e) => self.toast(Level::Error, e),
            mut data => {
                for v in &mut self.views {
                    match v.on_data(data) {
                        Taken::Mine(effects) => return self.apply(effects),
                        Taken::NotMine(back) => data = back,
                    }
                }
            }
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
        let live = &mut self.ctx.live;
        match ev {
            JobEvent::Queued { id, kind } => live.push(LiveJob {
                id,
                kind,
                state: JobState::Queued,
                done: 0,
                total: 0,
            }),
            JobEvent::Started { id } => live
                .iter_mut()
                .filter(|j| j.id == id)
                .for_each(|j| j.state = JobState::Running),
            JobEvent::Progress {
                id,
                entity,
                done,
                failed,
                total,
            } => {
                self.progress.record(&id, &entity, done, failed, total);
                let (done, total) = self.progress.overall(&id);
                live.iter_mut().filter(|j| j.id == id).for_each(|j| {
                    j.done = done;
                    j.total = total;
                });
                self.append_job_lines(&id, vec![]);
            }
            JobEvent::Log { id, line } => self.append_job_lines(&id, vec![line]),
            // The job's log says when the state changes.
            JobEvent::Waiting { .. } => {}
            JobEvent::Finished { id, outcome } => {
                let kind = live.iter().find(|j| j.id == id).map(|j| j.kind.clone());
                live.retain(|j| j.id != id);
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
                // A job's per-entity counts show as bars under the header.
                *lines = self.progress.refreshed(id, std::mem::take(lines), 2);
            }
        }
    }

    fn finished(&mut self, kind: Option<JobKind>, o: JobOutcome) {
        if o.asks_confirmation() {
            if let Some(JobKind::SyncAudioCodes { connection, .. }) = kind {
                // Applying cools many numbers: their count is typed.
                // (The connection's name if the outcome does not say.)
                let expect = o
                    .detail
                    .as_ref()
                    .and_then(|d| d.pointer("/guard/would_cool"))
                    .and_then(|n| n.as_u64())
                    .map_or_else(|| connection.clone(), |n| n.to_string());
                self.overlay = Some(Overlay::TypedConfirm(TypedConfirm::new(
                    format!("{}\n\nApply anyway? ({})", o.error, o.summary),
                    expect,
                    Command::Submit(JobKind::SyncAudioCodes {
                        connection,
                        dry_run: false,
                        force: true,
                    }),
                )));
                return;
            }
        }
        if let Some(kind) = &kind {
            for v in &mut self.views {
                v.job_finished(kind, &o);
            }
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

    /// Carries out what a view asked for; returns the loop's part.
    pub(super) fn apply(&mut self, effects: Vec<Effect>) -> Vec<Command> {
        let mut commands = vec![];
        for effect in effects {
            match effect {
                Effect::Run(c) => commands.push(c),
                Effect::Toast(level, text) => self.toast(level, text),
                Effect::Confirm { message, then } => {
                    self.overlay = Some(Overlay::Confirm { message, then })
                }
                Effect::Form(purpose, form) => self.open_form(purpose, *form),
                Effect::Detail { title, lines } => {
                    self.overlay = Some(Overlay::Detail {
                        title,
                        lines,
                        scroll: 0,
                        fix: None,
                    })
                }
                Effect::ConfirmTyped {
                    message,
                    expect,
                    then,
                } => {
                    self.overlay = Some(Overlay::TypedConfirm(TypedConfirm::new(
                        message, expect, then,
                    )))
                }
                Effect::Quit => self.request_quit(),
            }
        }
        commands
    }

    fn open_form(&mut self, purpose: FormPurpose, mut form: Form) {
        form.errors = forms::validate(&purpose, &form);
        // Quitting asks once the form differs from this.
        form.mark_pristine();
        self.overlay = Some(Overlay::Form { form, purpose });
    }

    /// The one place actions change state; writes that may not go ahead
    /// are refused (read-only).
    pub fn update(&mut self, action: Action) -> Vec<Command> {
        let commands = self.dispatch(action);
        self.gate(commands)
    }

    fn dispatch(&mut self, action: Action) -> Vec<Command> {
        if self.overlay.is_some() {
            return self.overlay_action(action);
        }
        let count = self.views.len();
        let tab = match action {
            Action::Quit => {
                self.request_quit();
                return vec![];
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help(Pager::default()));
                return vec![];
            }
            Action::Messages => {
                self.overlay = Some(Overlay::Messages(Pager::at_end()));
                return vec![];
            }
            Action::Dismiss => {
                self.toasts.dismiss();
                return vec![];
            }
            Action::Palette => {
                self.overlay = Some(Overlay::Palette {
                    input: Input::default(),
                    selected: 0,
                });
                return vec![];
            }
            Action::NextTab => (self.tab + 1) % count,
            Action::PrevTab => (self.tab + count - 1) % count,
            Action::Tab1 => 0,
            Action::Tab2 => 1,
            Action::Tab3 => 2,
            Action::Tab4 => 3,
            Action::Tab5 => 4,
            _ => {
                if self.refuse_key(action) {
                    return vec![];
                }
                let effects = self.views[self.tab].handle(action, &self.ctx);
                return self.apply(effects);
            }
        };
        if tab < count {
            self.go(tab)
        } else {
            vec![]
        }
    }
}

/// The screen's rows: the tabs line, the body where views draw, the
/// status bar.
pub fn screen_areas(screen: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(screen)
}

/// The area between the tabs line and the status bar, where views draw.
pub fn body_area(screen: Rect) -> Rect {
    screen_areas(screen)[1]
}
