//! The terminal front door: set-up and restore, and the event loop that
//! ties keys, worker events and store answers to `App::update`.

pub mod action;
pub mod app;
pub mod badges;
pub mod cells;
pub mod columns;
pub mod component;
pub mod connection_form;
pub mod data;
pub mod export_form;
pub mod filter_input;
pub mod form;
pub mod forms;
pub mod frame_log;
pub mod help;
pub mod keymap;
pub mod numbers_state;
pub mod overlay;
pub mod pager;
pub mod palette;
pub mod pane_title;
pub mod paste;
pub mod quit;
mod read_only_gate;
pub mod service_form;
pub mod shutdown;
pub mod store_watch;
pub mod symbols;
pub mod sync_bars;
pub mod terminal;
pub mod theme;
pub mod toasts;
pub mod typed_confirm;
pub mod view;
pub mod views;
pub mod voice_form;

use crate::config::Config;
use crate::domain::job::JobKind;
use crate::domain::read_only::refusal;
use crate::worker::{JobEvent, Worker};
use app::{App, Command};
use crossterm::event::{self, Event, KeyEventKind, MouseEventKind};
use crossterm::{execute, terminal as term_modes};
use ratatui::Frame;
use shutdown::{Ending, Signals};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use symbols::Charset;
use terminal::{Term, TerminalGuard};
use tokio::sync::mpsc;

/// At most one frame per this interval, however many events arrive.
const FRAME: Duration = Duration::from_millis(16);

/// How long a key's frame may wait for the rows it asked for (normally a
/// few milliseconds), so the answer shows at once instead of a blank first.
const HOLD_FOR_ROWS: Duration = Duration::from_millis(50);
use quit::QUIT_PATIENCE;

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
    // Before the terminal is taken: from here a hang-up or a kill ends the
    // dashboard by its way out, never half-way with the terminal raw.
    let signals = match rt.block_on(async { Signals::listen() }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("switchboard: cannot listen for signals: {e}");
            return 1;
        }
    };
    let screen = Screen {
        charset: Charset::from_env(),
        mouse: mouse || config.mouse,
    };
    let _terminal = TerminalGuard::install();
    let mut term = match terminal::setup(screen.mouse) {
        Ok(t) => t,
        Err(e) => {
            terminal::restore();
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
        Session {
            config,
            read_only,
            initial_jobs,
            signals,
            screen,
        },
    ));
    terminal::restore();
    // Not eprintln!: after a hang-up stderr is gone, and that must not
    // turn a clean exit into a panic.
    let mut stderr = std::io::stderr();
    match result {
        Ok(ending) => {
            if let Ending::Signal(n) = ending {
                tracing::info!("dashboard ended by {}", shutdown::signal_name(n));
            }
            ending.exit_code()
        }
        Err(e) => {
            let _ = writeln!(stderr, "switchboard: {e}");
            1
        }
    }
}

/// What the terminal can show and what the dashboard took of it.
#[derive(Debug, Clone, Copy)]
struct Screen {
    charset: Charset,
    mouse: bool,
}

/// What the event loop runs with.
struct Session {
    config: Arc<Config>,
    read_only: bool,
    initial_jobs: Vec<JobKind>,
    signals: Signals,
    screen: Screen,
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

/// The whole screen for `app`, in the characters the terminal can show:
/// what the loop draws and what the tests render.
pub fn render(f: &mut Frame<'_>, app: &App, charset: Charset) {
    view::draw(f, app);
    charset.apply(f.buffer_mut());
}

fn draw(term: &mut Term, app: &App, charset: Charset) -> std::io::Result<()> {
    crate::panic_report::debug_panic_point("tui_draw");
    // One synchronized update per frame: the terminal shows it whole.
    execute!(term.backend_mut(), term_modes::BeginSynchronizedUpdate)?;
    term.draw(|f| render(f, app, charset))?;
    execute!(term.backend_mut(), term_modes::EndSynchronizedUpdate)?;
    term.backend_mut().flush()
}

/// OSC 52: the terminal (even over SSH) puts the text on the clipboard.
fn copy(term: &mut Term, text: &str) {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    let _ = write!(term.backend_mut(), "\x1b]52;c;{b64}\x07");
    let _ = term.backend_mut().flush();
}

/// Whether `key` is the keymap's suspend key (Ctrl-Z by default). It is
/// read before any input sees the key, as a shell's suspend character is.
fn is_suspend(app: &App, key: &crossterm::event::KeyEvent) -> bool {
    app.keymap.lookup_in("global", key) == Some(action::Action::Suspend)
}

/// The worker, with the start-up jobs submitted and its clockwork started.
fn start_worker(
    config: &Arc<Config>,
    read_only: bool,
    initial_jobs: Vec<JobKind>,
    job_tx: mpsc::UnboundedSender<JobEvent>,
) -> Worker {
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
    worker
}

/// Carries out the commands the app returned (`pending`, emptied): jobs
/// to the worker, loads to the reader, text to the clipboard.
fn run_commands(
    term: &mut Term,
    app: &mut App,
    worker: &Worker,
    loader: &data::Loader,
    pending: &mut Vec<Command>,
) {
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
}

/// When the event loop wakes if nothing arrives: the next frame slot (if
/// something is waiting to be drawn; later while holding for rows) or the
/// app's own deadline, whichever comes first.
fn wake_at(
    app: &App,
    dirty: bool,
    holding: bool,
    last_key: Instant,
    last_draw: Instant,
) -> Option<Instant> {
    let next_frame = if holding {
        last_key + HOLD_FOR_ROWS
    } else {
        last_draw + FRAME
    };
    [dirty.then_some(next_frame), app.next_deadline()]
        .into_iter()
        .flatten()
        .min()
}

/// Ends this process's jobs and waits for them (a note on screen while it
/// does), unless a second SIGTERM or SIGINT says not to wait.
async fn end_jobs(
    term: &mut Term,
    app: &mut App,
    worker: &Worker,
    jobs: &mut mpsc::UnboundedReceiver<JobEvent>,
    signals: &mut Signals,
    charset: Charset,
) {
    // A terminal that failed or hung up cannot be drawn on: drawing is
    // tried, its errors ignored.
    let ending = shutdown::end_jobs(worker, jobs, QUIT_PATIENCE, |n| {
        app.toast(
            app::Level::Info,
            format!("stopping {n} job(s) before quitting…"),
        );
        let _ = draw(term, app, charset);
    });
    tokio::select! {
        left = ending => if left > 0 {
            tracing::warn!("{left} job(s) had not ended when the dashboard did");
        },
        // A second SIGTERM or SIGINT stops the wait (the jobs not ended
        // yet are closed by the next process to open the store). Not a
        // second SIGHUP: a hang-up often brings two (the kernel's and the
        // shell's), and no one is there to be impatient.
        n = signals.recv_other_than(libc::SIGHUP) => {
            let name = shutdown::signal_name(n);
            tracing::warn!("{name} while waiting for jobs to end: not waiting");
        }
    }
}

/// Runs the dashboard until it quits, fails or is signalled; then, on
/// every one of those ways, ends this process's jobs (recording their
/// ends) and closes the store readers.
async fn event_loop(term: &mut Term, app: &mut App, session: Session) -> std::io::Result<Ending> {
    let Session {
        config,
        read_only,
        initial_jobs,
        mut signals,
        screen,
    } = session;
    let (key_tx, mut keys) = mpsc::unbounded_channel();
    spawn_input(key_tx);
    let (job_tx, mut jobs) = mpsc::unbounded_channel();
    let worker = start_worker(&config, read_only, initial_jobs, job_tx);
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
    let ended: std::io::Result<Ending> = loop {
        run_commands(term, app, &worker, &loader, &mut pending);
        if app.quit {
            break Ok(Ending::Quit);
        }
        let holding = app.awaiting_rows() && last_key.elapsed() < HOLD_FOR_ROWS;
        if dirty && !holding && last_draw.elapsed() >= FRAME {
            if let Err(e) = draw(term, app, screen.charset) {
                break Err(e);
            }
            frame_log.frame(app);
            last_draw = Instant::now();
            dirty = false;
        }
        // Sleep until input, a worker event, data, or the time to wake.
        let wake = wake_at(app, dirty, holding, last_key, last_draw);
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            n = signals.recv() => break Ok(Ending::Signal(n)),
            Some(ev) = keys.recv() => {
                match ev {
                    Event::Key(k) if k.kind != KeyEventKind::Release && is_suspend(app, &k) => {
                        if let Err(e) = terminal::suspend(term, screen.mouse) {
                            break Err(e);
                        }
                        // The terminal may have changed size while stopped.
                        if let Ok(size) = term.size() {
                            app.layout(ratatui::layout::Rect::new(0, 0, size.width, size.height));
                        }
                    }
                    Event::Key(k) if k.kind != KeyEventKind::Release => {
                        frame_log.key();
                        last_key = Instant::now();
                        pending.extend(app.on_key(k));
                    }
                    Event::Paste(text) => pending.extend(app.on_paste(&text)),
                    Event::Mouse(m) => match m.kind {
                        MouseEventKind::ScrollDown => pending.extend(app.update(action::Action::Down)),
                        MouseEventKind::ScrollUp => pending.extend(app.update(action::Action::Up)),
                        _ => continue,
                    },
                    Event::Resize(width, height) => {
                        if let Err(e) = term.autoresize() {
                            break Err(e);
                        }
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
    };
    end_jobs(term, app, &worker, &mut jobs, &mut signals, screen.charset).await;
    // The reader and the watcher close their store connections before
    // the process ends: under read-only, the last one to close lets SQLite
    // remove the -wal and -shm that reading made.
    drop(store_changes);
    loader.close();
    let _ = tokio::task::spawn_blocking(move || watcher.join()).await;
    ended
}
