//! The import benchmark (issues 18 and 19): 1,000,000 generated CSV lines
//! through the real release binary, `switchboard numbers import FILE`,
//! into a fresh store. Prints wall time and peak RSS against the targets
//! (15 s, 100 MB) and exits non-zero on a miss. Not a timed test: run it
//! with `cargo bench --bench import` (bench19's `scripts/bench` calls it).
//!
//! Peak RSS is the child's own high-water mark (`ru_maxrss` from `wait4`).
//! A second run imports the same file with one bad line at its very end:
//! every line is read and written, then the whole import rolls back; it
//! is held to the same targets.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
#[path = "support/mod.rs"]
mod support;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");
const LINES: u32 = 1_000_000;
const TARGET_SECS: f64 = 15.0;
const TARGET_MB: f64 = 100.0;

/// Writes `LINES` numbers with the columns an import takes: every third
/// tag quoted with a comma, every seventh with quotes, some Cooling rows
/// with a release date. `bad_last` makes the last line's number bad.
fn generate(path: &Path, bad_last: bool) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "number,status,usage,vendor,tag,release_date").unwrap();
    for i in 0..LINES {
        let number = if bad_last && i == LINES - 1 {
            "+1999x".to_string()
        } else {
            format!("+1999{i:07}")
        };
        let tag = match i % 21 {
            0 => format!("\"rack {}, shelf {}\"", i % 40, i % 9),
            3 | 6 | 9 | 12 | 15 | 18 => format!("\"floor {}, desk {}\"", i % 12, i % 80),
            7 | 14 => format!("\"the \"\"{}\"\" line\"", i % 100),
            _ => String::new(),
        };
        let (status, release) = if i % 50 == 0 {
            ("Cooling", "2027-01-15")
        } else {
            ("Available", "")
        };
        writeln!(out, "{number},{status},User,Microsoft,{tag},{release}").unwrap();
    }
    out.flush().unwrap();
}

fn write_config(dir: &Path, store: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("config.toml");
    std::fs::write(
        &path,
        format!(
            "store_path = {:?}\nlog_dir = {:?}\n",
            store.display().to_string(),
            dir.join("logs").display().to_string()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

struct Run {
    wall: Duration,
    /// User plus system CPU time of the child: what the import cost on a
    /// machine busy with other work, where wall time also counts waiting.
    cpu: Duration,
    /// The peak RSS: the larger of /proc's VmHWM sampled while the child
    /// ran and wait4's ru_maxrss.
    peak_kb: u64,
    /// VmHWM as /proc last showed it.
    proc_peak_kb: u64,
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Runs the import into a fresh store in `dir`, waiting with `wait4` for
/// the child's peak RSS.
fn import(dir: &Path, file: &Path) -> Run {
    let store = dir.join("s.db");
    let config = write_config(dir, &store);
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let started = Instant::now();
    // Waited for with wait4 below (for its rusage), not with `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(BIN)
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_STORE")
        .arg("--config")
        .arg(&config)
        .args(["numbers", "import"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("run switchboard");
    let pid = libc::pid_t::try_from(child.id()).expect("a pid fits pid_t");
    // VmHWM from /proc while the child runs (it is gone once the child
    // exits); wait4's ru_maxrss below is the kernel's own figure of the
    // same peak, taken at the very end. The report takes the larger.
    let running = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let running = running.clone();
        let pid = pid.to_string();
        std::thread::spawn(move || {
            let mut peak = 0;
            while running.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(support::peak_rss_kb(&pid));
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        })
    };
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (the `Child` is
    // never waited on); the pointers are valid for the call.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    running.store(false, std::sync::atomic::Ordering::Relaxed);
    let proc_peak_kb = sampler.join().unwrap_or(0);
    assert_eq!(waited, pid, "wait4 failed");
    Run {
        wall,
        // Linux reports ru_maxrss in kilobytes.
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        peak_kb: u64::try_from(usage.ru_maxrss)
            .unwrap_or(0)
            .max(proc_peak_kb),
        proc_peak_kb,
        ok: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        stdout: std::fs::read_to_string(out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(err_path).unwrap_or_default(),
    }
}

fn duration(t: libc::timeval) -> Duration {
    Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
        + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
}

/// Prints one run against the targets; false on a miss.
fn report(what: &str, run: &Run) -> bool {
    let (secs, peak) = (run.wall.as_secs_f64(), support::mb(run.peak_kb));
    let (time_ok, mem_ok) = (secs <= TARGET_SECS, peak <= TARGET_MB);
    let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
    println!(
        "  {what}: {secs:.2} s (target {TARGET_SECS} s: {}; CPU {:.2} s), peak RSS {peak:.1} MB (target {TARGET_MB} MB: {}; VmHWM from /proc {:.1} MB)",
        mark(time_ok),
        run.cpu.as_secs_f64(),
        mark(mem_ok),
        support::mb(run.proc_peak_kb)
    );
    time_ok && mem_ok
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("numbers.csv");
    let t = Instant::now();
    generate(&file, false);
    let size = std::fs::metadata(&file).unwrap().len();
    println!(
        "import benchmark: {LINES} lines, {:.1} MB of CSV (generated in {:.1} s)",
        support::mb(size / 1024),
        t.elapsed().as_secs_f64()
    );
    let mut all_ok = true;

    let good = dir.path().join("good");
    std::fs::create_dir_all(&good).unwrap();
    let run = import(&good, &file);
    let imported = run.ok && run.stdout.contains(&format!("imported {LINES} numbers"));
    if !imported {
        println!("  the import failed:\n{}{}", run.stdout, run.stderr);
    }
    all_ok &= report("import of 1,000,000 lines", &run) && imported;
    std::fs::remove_dir_all(&good).unwrap();

    generate(&file, true);
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let run = import(&bad, &file);
    let refused = !run.ok && run.stderr.contains("nothing was imported: 1 bad line");
    if !refused {
        println!(
            "  the bad file was not refused as it should be:\n{}{}",
            run.stdout, run.stderr
        );
    }
    all_ok &= report("same file, bad last line (all read, all rolled back)", &run) && refused;

    if !all_ok {
        println!("import benchmark: a target was missed");
        std::process::exit(1);
    }
    println!("import benchmark: every target met");
}
