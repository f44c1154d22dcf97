//! The terminal's modes: taken for the dashboard (raw mode, alternate
//! screen, bracketed paste, the mouse if asked), given back however it
//! ends (quit, error, signal, panic), and given back for a while on Ctrl-Z.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::{cursor, execute, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{BufWriter, Stdout};

pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Raw mode, the alternate screen, bracketed paste (a paste arrives as one
/// event, not as keys) and, if asked, the mouse.
fn take(mouse: bool) -> std::io::Result<()> {
    terminal::enable_raw_mode()?;
    let mut out = std::io::stdout();
    execute!(out, terminal::EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Every mode `take` set, undone; the cursor shown. Errors are ignored: on
/// a hung-up terminal there is no one to tell.
pub fn restore() {
    let mut out = std::io::stdout();
    let _ = terminal::disable_raw_mode();
    let _ = execute!(
        out,
        DisableMouseCapture,
        DisableBracketedPaste,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
}

pub fn setup(mouse: bool) -> std::io::Result<Term> {
    take(mouse)?;
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        64 * 1024,
        std::io::stdout(),
    )))
}

/// Ctrl-Z: gives the terminal back and stops the process as the shell's
/// suspend character would (SIGTSTP); on `fg` takes the terminal again and
/// forgets the last frame, so the next draw sends the whole screen.
pub fn suspend(term: &mut Term, mouse: bool) -> std::io::Result<()> {
    restore();
    // SAFETY: raise(3) only sends a signal to this process; SIGTSTP's
    // default action stops it until SIGCONT (`fg`), then raise returns.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    take(mouse)?;
    execute!(
        term.backend_mut(),
        terminal::Clear(terminal::ClearType::All),
        cursor::Hide
    )?;
    // Both frames blank: the next draw compares with nothing and sends all.
    term.swap_buffers();
    Ok(())
}

/// Gives the terminal back however the dashboard ends: on return, while a
/// panic of the UI thread unwinds (then `main` prints one line), and from
/// the panic hook when a helper thread panics (see `panic_report`). A
/// panicking job is not among these: it fails the job and the screen stays.
pub struct TerminalGuard;

impl TerminalGuard {
    pub fn install() -> TerminalGuard {
        crate::panic_report::set_terminal_restore(Some(restore));
        TerminalGuard
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        crate::panic_report::set_terminal_restore(None);
        restore();
    }
}
