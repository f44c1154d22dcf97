//! A job's progress on stderr while the CLI waits for it: one bar per
//! entity the job counts (`JobEvent::Progress`), drawn only when stderr is
//! a terminal. Piped or redirected, nothing is added: the output is what
//! it was before there were bars.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct ProgressBars {
    /// `None` when stderr is not a terminal.
    shown: Option<Shown>,
}

struct Shown {
    multi: MultiProgress,
    bars: Vec<(String, ProgressBar)>,
}

impl ProgressBars {
    /// Bars on stderr if it is a terminal, else none.
    pub fn for_stderr() -> ProgressBars {
        let shown = std::io::stderr().is_terminal().then(|| Shown {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            bars: Vec::new(),
        });
        ProgressBars { shown }
    }

    /// The latest counts of `entity` (already made safe for a terminal by
    /// the worker); a total of 0 (not known) shows a counter.
    pub fn update(&mut self, entity: &str, done: u64, failed: u64, total: u64) {
        let Some(shown) = &mut self.shown else { return };
        let bar = match shown.bars.iter().find(|(e, _)| e == entity) {
            Some((_, b)) => b.clone(),
            None => {
                let b = shown.multi.add(ProgressBar::no_length());
                b.set_prefix(entity.to_string());
                shown.bars.push((entity.to_string(), b.clone()));
                b
            }
        };
        let template = if total > 0 {
            "{prefix:>20} [{bar:30}] {pos}/{len} {msg}"
        } else {
            "{prefix:>20} {spinner} {pos} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        if total > 0 {
            bar.set_length(total);
        }
        bar.set_position(done + failed);
        bar.set_message(if failed > 0 {
            format!("({failed} failed)")
        } else {
            String::new()
        });
    }

    /// Prints a line to stderr above the bars (or simply, without them).
    pub fn println(&self, print: impl FnOnce()) {
        match &self.shown {
            Some(shown) => shown.multi.suspend(print),
            None => print(),
        }
    }

    /// Removes the bars, before the job's outcome is printed.
    pub fn clear(&mut self) {
        if let Some(shown) = self.shown.take() {
            for (_, b) in &shown.bars {
                b.finish_and_clear();
            }
            let _ = shown.multi.clear();
        }
    }
}

impl Drop for ProgressBars {
    fn drop(&mut self) {
        self.clear();
    }
}
