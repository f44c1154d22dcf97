//! An optional trace of keys and frames (`SWITCHBOARD_FRAME_LOG=path`), so
//! that a benchmark can read, with the process's own clock, how long a key
//! took to show its answer. Off unless asked for; it never holds secrets
//! (it writes times, the Numbers filter and row positions only).

use super::app::App;
use super::views::numbers::Numbers;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct FrameLog {
    out: Option<std::io::BufWriter<std::fs::File>>,
}

fn micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros())
        .unwrap_or(0)
}

impl FrameLog {
    pub fn from_env() -> FrameLog {
        let out = std::env::var_os("SWITCHBOARD_FRAME_LOG")
            .and_then(|p| std::fs::File::create(p).ok())
            .map(std::io::BufWriter::new);
        FrameLog { out }
    }

    /// `key <µs since the epoch>`.
    pub fn key(&mut self) {
        if let Some(out) = &mut self.out {
            let _ = writeln!(out, "key {}", micros());
        }
    }

    /// `frame <µs> <tab> <rows ready 0/1> <cursor> <extent> <sort> <filter>`.
    pub fn frame(&mut self, app: &App) {
        if let Some(out) = &mut self.out {
            let Some(numbers) = app.view::<Numbers>() else {
                return;
            };
            let n = &numbers.state;
            let on_numbers = app.current().as_any().is::<Numbers>();
            let ready = on_numbers && !n.waiting(numbers.viewport);
            let _ = writeln!(
                out,
                "frame {} {} {} {} {} {:?}{} {}",
                micros(),
                app.current().section(),
                u8::from(ready),
                n.cursor,
                n.total.map_or("?".to_string(), |t| t.to_string()),
                n.query.sort,
                if n.query.descending { "-" } else { "+" },
                n.query.text,
            );
            let _ = out.flush();
        }
    }
}
