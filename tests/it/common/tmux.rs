//! The dashboard (or any command) in a private tmux server: one session
//! `t`, read with `capture-pane`, killed on drop. Tests that need it skip
//! themselves where tmux is not installed.

use std::process::Command;
use std::time::{Duration, Instant};

pub struct TmuxPane {
    socket: String,
}

impl TmuxPane {
    /// `command` in a `width`×`height` pane on a server of its own
    /// (`tag` tells two panes of one test process apart); None without tmux.
    pub fn start(tag: &str, command: &str, (width, height): (u16, u16)) -> Option<TmuxPane> {
        if Command::new("tmux").arg("-V").output().is_err() {
            eprintln!("tmux is not installed: skipped");
            return None;
        }
        let pane = TmuxPane {
            socket: format!("sb-test-{}-{tag}", std::process::id()),
        };
        let (w, h) = (width.to_string(), height.to_string());
        pane.tmux(&["new-session", "-d", "-s", "t", "-x", &w, "-y", &h, command]);
        Some(pane)
    }

    /// One tmux command on this server; its standard output.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn keys(&self, keys: &str) {
        self.tmux(&["send-keys", "-t", "t", keys]);
        // An Escape followed at once by a letter reaches the program in one
        // read, which a terminal reads as Alt+letter: let it arrive alone.
        if keys == "Escape" {
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The screen, wrapped lines joined.
    pub fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-t", "t"])
    }

    /// The screen once it shows `what` (at most 20 s).
    pub fn wait_for(&self, what: &str) -> String {
        let began = Instant::now();
        loop {
            let screen = self.screen();
            if screen.contains(what) {
                return screen;
            }
            assert!(
                began.elapsed() < Duration::from_secs(20),
                "never showed {what:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl TmuxPane {
    /// A tmux format of the pane (`#{alternate_on}`, `#{cursor_flag}`).
    pub fn format(&self, format: &str) -> String {
        self.tmux(&["display-message", "-p", "-t", "t", format])
            .trim()
            .to_string()
    }

    /// Pastes `text` as a terminal does: bracketed if the program asked
    /// for bracketed paste, else as plain typing.
    pub fn paste(&self, text: &str) {
        self.tmux(&["set-buffer", "-b", "test", text]);
        self.tmux(&["paste-buffer", "-p", "-d", "-b", "test", "-t", "t"]);
    }

    /// The process ids of the pane's command's children (Linux /proc):
    /// the program a `sh -c` or a shell in the pane started.
    pub fn children(&self) -> Vec<i32> {
        let pid = self.format("#{pane_pid}");
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .unwrap_or_default()
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// Waits (at most 20 s) for `ok` to hold of the screen; the screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let began = Instant::now();
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                began.elapsed() < Duration::from_secs(20),
                "never {what}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for TmuxPane {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}
