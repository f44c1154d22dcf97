//! The terminal front door: set-up and restore, and the event loop that
//! ties keys, worker events and store answers to `App::update`.

pub mod action;
pub mod app;
pub mod badges;
pub mod component;
pub mod connection_form;
pub mod data;
pub mod export_form;
pub mod form;
pub mod forms;
pub mod frame_log;
pub mod keymap;
pub mod numbers_state;
pub mod overlay;
pub mod palette;
mod read_only_gate;
pub mod service_form;
pub mod store_watch;
pub mod sync_bars;
pub mod theme;
pub mod view;
pub mod views;
pub mod voice_form;

use crate::config::Config;
use crate::domain::job::JobKind;
use crate::domain::read_only::refusal;
use crate::worker::Worker;
use app::{App, Command};
use crossterm::event::{self, Event, KeyEventKind, MouseEventKind};
use crossterm::{execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{BufWriter, Stdout, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// At most one frame per this interval, however many events arrive.
const FRAME: Duration = Duration::from_millis(16);

/// How long a key's frame may wait for the rows it asked for (normally a
/// few milliseconds), so the answer shows at once instead of a blank first.
const HOLD_FOR_ROWS: Duration = Duration::from_millis(50);
/// How long a quit waits for this dashboard's jobs to end after cancelling
/// them (a store write is interrupted at once; a request in flight ends at
/// its timeout at the latest).
const QUIT_PATIENCE: Duration = Duration::from_secs(15);

fn restore_terminal() {
    let mut out = std::io::stdout();
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        out,
        event::DisableMouseCapture,
        terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn setup_terminal(mouse: bool) -> std::io::Result<Term> {
    terminal::enable_raw_mode()?;
    let mut out = std::io::stdout();
    execute!(out, terminal::EnterAlternateScreen)?;
    if mouse {
        execute!(out, event::EnableMouseCapture)?;
    }
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        64 * 1024,
        std::io::stdout(),
    )))
}

/// Gives the terminal back however the dashboard ends: on return, while a
/// panic of the UI thread unwinds (then `main` prints one line), and from
/// the panic hook when a helper thread panics (see `panic_report`). A
/// panicking job is not among these: it fails the job and the screen stays.
struct TerminalGuard;

impl TerminalGuard {
    fn new() -> TerminalGuard {
        crate::panic_report::set_terminal_restore(Some(restore_terminal));
        TerminalGuard
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        crate::panic_report::set_terminal_restore(None);
        restore_terminal();
    }
}

/// How the dashboard starts.
#[derive(Debug, Clone, Default)]
pub struct Start {
    pub read_only: bool,
    pub mouse: bool,
    /// The tab to open on (a keymap section name: `numbers`, `jobs`, ...).
    pub tab: Option<String>,
    pub jobs: Vec<JobKind>,
}

pub fn run(config: Arc<Config>, start: Start) -> i32 {
    let Start {
        read_only,
        mouse,
        tab,
        jobs: initial_jobs,
    } = start;
    let read_only = read_only || config.read_only;
    let keymap = match keymap::Keymap::load(config.keymap_file.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return 1;
        }
    };
    let at = crate::store::StoreAt::new(&config.store_path, read_only);
    if let Err(e) = crate::worker::housekeeping::prepare_store(&config, &at) {
        eprintln!("switchboard: {e}");
        return 1;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let _terminal = TerminalGuard::new();
    let mut term = match setup_terminal(mouse || config.mouse) {
        Ok(t) => t,
        Err(e) => {
            restore_terminal();
            eprintln!("switchboard: cannot open the terminal: {e}");
            return 1;
        }
    };
    let conns: Vec<(String, crate::domain::vendor::Vendor)> = config
        .connections()
        .iter()
        .map(|c| (c.name().to_string(), c.vendor()))
        .collect();
    let mut app = App::new(keymap, theme::Theme::from_env(), read_only, &conns);
    app.ctx.export_dir = config.export_dir.clone();
    if let Some(section) = &tab {
        app.open_on(section);
    }
    if let Ok(size) = term.size() {
        app.layout(ratatui::layout::Rect::new(0, 0, size.width, size.height));
    }
    let result = rt.block_on(event_loop(
        &mut term,
        &mut app,
        config,
        read_only,
        initial_jobs,
    ));
    restore_terminal();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("switchboard: {e}");
            1
        }
    }
}

/// Reads terminal events on a thread of its own (crossterm's read blocks).
fn spawn_input(tx: mpsc::UnboundedSender<Event>) {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                crate::panic_report::debug_panic_point("tui_input");
                if tx.send(ev).is_err() {
                    break;
                }
            }
        })
        .expect("spawn input thread");
}

fn draw(term: &mut Term, app: &App) -> std::io::Result<()> {
    crate::panic_report::debug_panic_point("tui_draw");
    // One synchronized update per frame: the terminal shows it whole.
    execute!(term.backend_mut(), terminal::BeginSynchronizedUpdate)?;
    term.draw(|f| view::draw(f, app))?;
    execute!(term.backend_mut(), terminal::EndSynchronizedUpdate)?;
    term.backend_mut().flush()
}

/// OSC 52: the terminal (even over SSH) puts the text on the clipboard.
fn copy(term: &mut Term, text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let _ = write!(term.backend_mut(), "\x1b]52;c;{b64}\x07");
    let _ = term.backend_mut().flush();
}

async fn event_loop(
    term: &mut Term,
    app: &mut App,
    config: Arc<Config>,
    read_only: bool,
    initial_jobs: Vec<JobKind>,
) -> std::io::Result<()> {
    let (key_tx, mut keys) = mpsc::unbounded_channel();
    spawn_input(key_tx);
    let (job_tx, mut jobs) = mpsc::unbounded_channel();
    let worker = Worker::new(config.clone(), read_only, job_tx);
    // Under read-only the start-up writes (the demo's first syncs) are
    // left out rather than refused one by one.
    for kind in initial_jobs {
        if refusal(worker.read_only_everywhere(), kind.writes(), |_| false).is_none() {
            worker.submit(kind);
        }
    }
    // Sweeps due cooling numbers at start and every minute; runs due
    // schedules (skipping connections the jobs above are syncing).
    worker.start_clockwork();
    let (data_tx, mut datas) = mpsc::unbounded_channel();
    let store = crate::store::StoreAt::new(&config.store_path, read_only);
    let loader = data::spawn_with(
        config.clone(),
        store.clone(),
        worker.session_jobs(),
        data_tx,
    );
    let (changed_tx, mut store_changes) = mpsc::unbounded_channel();
    let watcher = store_watch::spawn(store, changed_tx);

    let mut pending: Vec<Command> = app.initial_loads();
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut last_key = Instant::now() - HOLD_FOR_ROWS;
    let mut frame_log = frame_log::FrameLog::from_env();
    loop {
        let batch: Vec<Command> = pending.drain(..).flat_map(Command::flatten).collect();
        for cmd in batch {
            match cmd {
                Command::Submit(kind) => {
                    worker.submit(kind);
                }
                Command::Cancel(id) => {
                    if !worker.cancel(&id) {
                        app.toast(
                            app::Level::Error,
                            "that job runs in another process; cancel it there",
                        );
                    }
                }
                Command::Load(req) => {
                    loader.send(req);
                }
                Command::Copy(text) => copy(term, &text),
                Command::SaveConnection { spec, secrets } => {
                    worker.save_connection(*spec, secrets);
                }
                Command::CreateService {
                    connection,
                    request,
                } => {
                    worker.create_service(connection, *request, true);
                }
                Command::Many(_) => {} // taken apart above
            }
        }
        if app.quit {
            // The jobs of this dashboard end before it does, each with its
            // end recorded (a write under way is interrupted and rolled
            // back, or reported as held): none is left `running` for the
            // next process to close as if it had crashed.
            let mut running: std::collections::HashSet<String> =
                worker.cancel_all().into_iter().collect();
            if !running.is_empty() {
                app.toast(
                    app::Level::Info,
                    format!("stopping {} job(s) before quitting…", running.len()),
                );
                draw(term, app)?;
                let patience = tokio::time::sleep(QUIT_PATIENCE);
                tokio::pin!(patience);
                while !running.is_empty() {
                    tokio::select! {
                        ev = jobs.recv() => match ev {
                            Some(crate::worker::JobEvent::Finished { id, .. }) => {
                                running.remove(&id);
                            }
                            Some(_) => {}
                            None => break,
                        },
                        _ = &mut patience => break,
                    }
                }
            }
            // The reader and the watcher close their store connections
            // before the process ends: under read-only, the last one to
            // close lets SQLite remove the -wal and -shm that reading made.
            drop(store_changes);
            loader.close();
            let _ = tokio::task::spawn_blocking(move || watcher.join()).await;
            return Ok(());
        }
        let holding = app.awaiting_rows() && last_key.elapsed() < HOLD_FOR_ROWS;
        if dirty && !holding && last_draw.elapsed() >= FRAME {
            draw(term, app)?;
            frame_log.frame(app);
            last_draw = Instant::now();
            dirty = false;
        }
        // Sleep until input, a worker event, data, the next frame slot (if
        // something is waiting to be drawn) or the app's own deadline.
        let next_frame = if holding {
            last_key + HOLD_FOR_ROWS
        } else {
            last_draw + FRAME
        };
        let wake = [dirty.then_some(next_frame), app.next_deadline()]
            .into_iter()
            .flatten()
            .min();
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            Some(ev) = keys.recv() => {
                match ev {
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        frame_log.key();
                        last_key = Instant::now();
                        pending.extend(app.on_key(k));
                    }
                    Event::Mouse(m) => match m.kind {
                        MouseEventKind::ScrollDown => pending.extend(app.update(action::Action::Down)),
                        MouseEventKind::ScrollUp => pending.extend(app.update(action::Action::Up)),
                        _ => continue,
                    },
                    Event::Resize(width, height) => {
                        term.autoresize()?;
                        app.layout(ratatui::layout::Rect::new(0, 0, width, height));
                    }
                    _ => continue,
                }
                dirty = true;
            }
            Some(ev) = jobs.recv() => { pending.extend(app.on_job(ev)); dirty = true; }
            Some(()) = store_changes.recv() => { pending.extend(app.on_store_changed()); }
            Some(d) = datas.recv() => { pending.extend(app.on_data(d)); dirty = true; }
            _ = sleep => {
                app.expire_toasts(Instant::now());
                dirty = true;
            }
        }
    }
}
