//! What the benchmarks share: the real binary run as a command, a config
//! for one ARM connection, and the report every benchmark prints (each
//! target with its measured value, its ratio and whether it was met; the
//! process exits non-zero when one missed).

// Each benchmark uses its own part of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// One row of the report.
struct Row {
    what: String,
    value: String,
    ratio: String,
    target: String,
    verdict: &'static str,
}

/// The figures of one benchmark: targets (met or missed), plain
/// measurements and checks that the work was really done.
#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
    failed: Vec<String>,
}

impl Report {
    /// A measurement without a target.
    pub fn info(&mut self, what: &str, value: String) {
        println!("  {what}: {value}");
        self.row(what, value, String::new(), String::new(), "");
    }

    /// A time target: `took` at most `limit`; the ratio is took / limit.
    pub fn within(&mut self, what: &str, took: Duration, limit: Duration) {
        let ratio = took.as_secs_f64() / limit.as_secs_f64();
        self.target(
            what,
            short(took),
            ratio,
            format!("{ratio:.2}x the limit"),
            format!("<= {}", round(limit)),
        );
    }

    /// A ratio target: `took` at most `limit` times `base` (a reference
    /// time of the same work, e.g. the raw fetch of the same pages).
    pub fn ratio_within(
        &mut self,
        what: &str,
        took: Duration,
        (base_name, base): (&str, Duration),
        limit: f64,
    ) {
        let ratio = took.as_secs_f64() / base.as_secs_f64();
        self.target(
            what,
            format!("{} ({base_name} {})", short(took), short(base)),
            ratio / limit,
            format!("{ratio:.2}x {base_name}"),
            format!("<= {limit}x"),
        );
    }

    /// A size target in kB, shown in MB.
    pub fn memory_within(&mut self, what: &str, kb: u64, limit_kb: u64) {
        let ratio = kb_f64(kb) / kb_f64(limit_kb);
        let ok = kb > 0 && ratio <= 1.0;
        self.target(
            what,
            format!("{:.1} MB", mb(kb)),
            if ok { ratio } else { f64::INFINITY },
            format!("{ratio:.2}x the limit"),
            format!("<= {:.0} MB", mb(limit_kb)),
        );
    }

    /// A check that the measured work happened as it should (a sync added
    /// every user); a failed check fails the benchmark like a miss.
    pub fn check(&mut self, what: &str, ok: bool, detail: impl std::fmt::Display) {
        println!(
            "  check {what}: {} {detail}",
            if ok { "ok" } else { "FAILED" }
        );
        if !ok {
            self.failed.push(format!("{what}: {detail}"));
        }
    }

    /// `over` is the measure against its limit: above 1 is a miss.
    fn target(&mut self, what: &str, value: String, over: f64, ratio: String, target: String) {
        let met = over <= 1.0;
        println!(
            "  {what}: {value}, {ratio}, target {target}: {}",
            if met { "met" } else { "MISSED" }
        );
        if !met {
            self.failed.push(format!("{what}: {value} ({target})"));
        }
        self.row(what, value, ratio, target, if met { "met" } else { "MISS" });
    }

    fn row(&mut self, what: &str, value: String, ratio: String, target: String, v: &'static str) {
        self.rows.push(Row {
            what: what.into(),
            value,
            ratio,
            target,
            verdict: v,
        });
    }

    /// Prints the table and the machine; false when a target missed or a
    /// check failed (the caller exits 1 once its data is removed).
    #[must_use]
    pub fn finish(self, title: &str) -> bool {
        println!("\n{title}\n");
        println!("| measure | value | ratio | target | |");
        println!("|---|---|---|---|---|");
        for r in &self.rows {
            println!(
                "| {} | {} | {} | {} | {} |",
                r.what, r.value, r.ratio, r.target, r.verdict
            );
        }
        println!("\nmachine: {}", machine());
        if !self.failed.is_empty() {
            eprintln!("\n{title}: missed or failed:");
            for f in &self.failed {
                eprintln!("  {f}");
            }
        }
        self.failed.is_empty()
    }
}

/// A size of a few GB at most, in kB, as f64 for a ratio or display.
#[allow(clippy::cast_precision_loss)] // far inside f64's exact integers
fn kb_f64(kb: u64) -> f64 {
    kb as f64
}

/// A size in kB as MB, for display only.
pub fn mb(kb: u64) -> f64 {
    kb_f64(kb) / 1024.0
}

/// A limit as written in the issue: "150 ms", "1.5 s".
fn round(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

/// Milliseconds under a second, else seconds.
pub fn short(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        ms(d)
    } else {
        secs(d)
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The CPU model and the cores this process may use.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

// `p` is 0 to 1, so the rank is 0 to len - 1; the lists hold a few
// hundred samples, far inside f64's exact integers.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The middle of a few timings of the same work.
pub fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    percentile(&runs, 0.5)
}

/// A process's peak resident set (VmHWM) in kB; `pid` may be "self".
pub fn peak_rss_kb(pid: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

/// A config (mode 0600) named `name` in `dir`: the store, logs in `dir`,
/// and one `[[audiocodes]]` connection "bench" at `host` over plain HTTP
/// as user "svc" with password "bench-password".
pub fn arm_config(
    dir: &Path,
    name: &str,
    (host, auth, page_size): (&str, &str, u32),
    store: &Path,
) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "store_path = {:?}\nlog_dir = {:?}\n\n[[audiocodes]]\nname = \"bench\"\nhost = \"{host}\"\n\
             scheme = \"http\"\nusername = \"svc\"\npassword = \"bench-password\"\nauth = \"{auth}\"\n\
             page_size = {page_size}\n",
            store.display().to_string(),
            dir.join("logs").display().to_string(),
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

/// Runs `switchboard --config cfg args…` (with `env` set) to its end; its
/// wall time and stdout. Panics when it fails: a failed run measures
/// nothing.
pub fn timed(cfg: &Path, env: &[(&str, &str)], args: &[&str]) -> (Duration, String) {
    // `BENCH_WRAP="perf record -g -o …"` runs each command under a
    // profiler (its timings then include the profiler's cost).
    let wrap = std::env::var("BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    let mut command = match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    let t = Instant::now();
    let out = command
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_STORE")
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .arg("--config")
        .arg(cfg)
        .args(args)
        .output()
        .unwrap();
    let took = t.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{args:?}: {}{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, stdout)
}

/// The job's summary line from `--json` output.
pub fn summary_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    v["summary"].as_str().unwrap_or("").to_string()
}

/// A temporary directory for a benchmark's data, removed at the end
/// unless BENCH_KEEP is set.
pub struct Scratch {
    pub path: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

impl Scratch {
    pub fn new(prefix: &str) -> Scratch {
        let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let dir = if std::env::var_os("BENCH_KEEP").is_some() {
            let _ = dir.keep();
            None
        } else {
            Some(dir)
        };
        Scratch { path, _dir: dir }
    }
}
