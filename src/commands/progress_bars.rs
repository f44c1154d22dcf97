//! A job's progress on stderr while the CLI waits for it, drawn only when
//! stderr is a terminal and only once the job has run for a second: a
//! spinner line with the time elapsed and, when the job waits on a remote
//! task, that task's latest state (`JobEvent::Waiting`); under it one bar
//! per entity the job counts (`JobEvent::Progress`). Piped or redirected,
//! nothing is added: the output is what it was before there were bars.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A job shorter than this shows no bars at all.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// How often the spinner and the elapsed time move.
const TICK: Duration = Duration::from_millis(120);

pub struct ProgressBars {
    /// `None` when stderr is not a terminal.
    state: Option<Arc<Mutex<State>>>,
}

/// What the bars show, kept from the start so that they can be drawn
/// whole when the job turns out to be long.
struct State {
    started: Instant,
    /// The latest counts of each entity, in the order first seen.
    counts: Vec<Count>,
    /// The remote task the job waits on and its latest state.
    waiting: Option<String>,
    /// Drawn: from a second after the start until the job ends.
    shown: Option<Shown>,
    ended: bool,
}

struct Count {
    entity: String,
    done: u64,
    failed: u64,
    total: u64,
}

struct Shown {
    multi: MultiProgress,
    spinner: ProgressBar,
    bars: Vec<ProgressBar>,
}

impl ProgressBars {
    /// Bars on stderr if it is a terminal, else none.
    pub fn for_stderr() -> ProgressBars {
        if !std::io::stderr().is_terminal() {
            return ProgressBars { state: None };
        }
        let state = Arc::new(Mutex::new(State {
            started: Instant::now(),
            counts: Vec::new(),
            waiting: None,
            shown: None,
            ended: false,
        }));
        // The bars appear after a second even when no event comes then (a
        // sync writing its plan, a task between two polls).
        let later = Arc::clone(&state);
        let _ = std::thread::Builder::new()
            .name("progress-bars".into())
            .spawn(move || {
                std::thread::sleep(SHOW_AFTER);
                lock(&later).show();
            });
        ProgressBars { state: Some(state) }
    }

    /// The latest counts of `entity` (already made safe for a terminal by
    /// the worker); a total of 0 (not known) shows a counter.
    pub fn update(&mut self, entity: &str, done: u64, failed: u64, total: u64) {
        let Some(state) = &self.state else { return };
        let mut s = lock(state);
        let at = match s.counts.iter().position(|c| c.entity == entity) {
            Some(at) => at,
            None => {
                s.counts.push(Count {
                    entity: entity.to_string(),
                    done,
                    failed,
                    total,
                });
                let at = s.counts.len() - 1;
                let bar = s
                    .shown
                    .as_ref()
                    .map(|shown| shown.multi.add(new_bar(&s.counts[at])));
                if let (Some(shown), Some(bar)) = (&mut s.shown, bar) {
                    shown.bars.push(bar);
                }
                at
            }
        };
        s.counts[at] = Count {
            entity: entity.to_string(),
            done,
            failed,
            total,
        };
        if let Some(shown) = &s.shown {
            draw_count(&shown.bars[at], &s.counts[at]);
        }
    }

    /// The remote task the job waits on and its latest state (already
    /// made safe for a terminal by the worker).
    pub fn waiting(&mut self, on: &str, state: &str) {
        let Some(shared) = &self.state else { return };
        let mut s = lock(shared);
        let line = format!("{on}: {state}");
        if let Some(shown) = &s.shown {
            shown.spinner.set_message(line.clone());
        }
        s.waiting = Some(line);
    }

    /// Prints a line to stderr above the bars (or simply, without them).
    pub fn println(&self, print: impl FnOnce()) {
        let Some(state) = &self.state else {
            return print();
        };
        let s = lock(state);
        match &s.shown {
            Some(shown) => shown.multi.suspend(print),
            None => print(),
        }
    }

    /// Removes the bars, before the job's outcome is printed; none appear
    /// after this.
    pub fn clear(&mut self) {
        if let Some(state) = self.state.take() {
            let mut s = lock(&state);
            s.ended = true;
            if let Some(shown) = s.shown.take() {
                shown.spinner.finish_and_clear();
                for b in &shown.bars {
                    b.finish_and_clear();
                }
                let _ = shown.multi.clear();
            }
        }
    }
}

impl Drop for ProgressBars {
    fn drop(&mut self) {
        self.clear();
    }
}

/// A poisoned lock only means a draw panicked; the counts are still good.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl State {
    /// Draws everything known so far, once, unless the job has ended.
    fn show(&mut self) {
        if self.ended || self.shown.is_some() {
            return;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let spinner = multi.add(ProgressBar::new_spinner().with_elapsed(self.started.elapsed()));
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}") {
            spinner.set_style(style);
        }
        spinner.set_message(self.waiting.clone().unwrap_or_else(|| "running".into()));
        spinner.enable_steady_tick(TICK);
        let bars = self.counts.iter().map(|c| multi.add(new_bar(c))).collect();
        self.shown = Some(Shown {
            multi,
            spinner,
            bars,
        });
    }
}

/// A bar drawn complete before it joins the others (else its first frame
/// could show a length not yet set).
fn new_bar(c: &Count) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    draw_count(&bar, c);
    bar
}

fn draw_count(bar: &ProgressBar, c: &Count) {
    let template = if c.total > 0 {
        "{prefix:>20} [{bar:30}] {pos}/{len} {msg}"
    } else {
        "{prefix:>20} {pos} {msg}"
    };
    if c.total > 0 {
        bar.set_length(c.total);
    }
    bar.set_position(c.done + c.failed);
    bar.set_prefix(c.entity.clone());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(if c.failed > 0 {
        format!("({} failed)", c.failed)
    } else {
        String::new()
    });
}
