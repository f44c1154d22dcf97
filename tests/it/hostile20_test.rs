//! Hostile tests of issue 19's sync changes: the lean page reading
//! against the `Value` reading on hostile bodies (`readings`, through the
//! binary; `lean_fuzz`, generated bodies read both ways in process),
//! failures of pages read in parallel reported in page order
//! (`first_error`), the rows a sync reads ahead while its pages are
//! fetched against writes by other processes meanwhile (`read_ahead`),
//! and the sort stretches of migration 7 on values next to the seam
//! (`stretches`; on screen at 80x24, `stretches_tmux`). None found a
//! defect.

use crate::common;
use common::hostile::{HostileServer, Reply, Seen};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod first_error;
mod lean_fuzz;
mod read_ahead;
mod readings;
mod stretches;
mod stretches_tmux;

const NOW: &str = "2026-11-30T10:00:00Z";
const USERS_PATH: &str = "/ARM/v1/registeredUsers";

type PageFn = Arc<dyn Fn(usize, usize) -> String + Send + Sync>;

/// An ARM's users pages, `(offset, limit)` to the body; swappable between
/// syncs.
#[derive(Clone)]
struct Pages(Arc<Mutex<PageFn>>);

impl Pages {
    fn new(f: impl Fn(usize, usize) -> String + Send + Sync + 'static) -> Pages {
        Pages(Arc::new(Mutex::new(Arc::new(f))))
    }

    fn set(&self, f: impl Fn(usize, usize) -> String + Send + Sync + 'static) {
        *self.0.lock().unwrap() = Arc::new(f);
    }

    fn body(&self, offset: usize, limit: usize) -> String {
        let f = self.0.lock().unwrap().clone();
        f(offset, limit)
    }
}

/// A gate holding every users page but the first until it opens (at most
/// 4 s: under the config's 5 s request timeout).
#[derive(Clone, Default)]
struct Gate {
    closed: Arc<AtomicBool>,
}

impl Gate {
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }
    fn open(&self) {
        self.closed.store(false, Ordering::SeqCst);
    }
    fn wait(&self) {
        let until = Instant::now() + Duration::from_secs(4);
        while self.closed.load(Ordering::SeqCst) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// One `sync audiocodes lab` with `config` at `NOW`, by `program` (an old
/// build to compare with) or else this build.
fn sync_lab_by(
    program: Option<&std::path::Path>,
    config: &std::path::Path,
) -> std::process::Output {
    let mut cmd = match program {
        Some(p) => std::process::Command::new(p),
        None => common::bin(),
    };
    cmd.env("SWITCHBOARD_NOW", NOW)
        .arg("--config")
        .arg(config)
        .args(["sync", "audiocodes", "lab"])
        .output()
        .unwrap()
}

/// An ARM serving `pages`; with a gate, pages after the first wait on it.
fn arm(pages: Pages, gate: Option<Gate>) -> HostileServer {
    HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        if offset > 0 {
            if let Some(g) = &gate {
                g.wait();
            }
        }
        Reply::status(200, &pages.body(offset, limit))
    })
}
