//! Secrets are read only when a job needs them, for the connection it
//! touches; a `*_cmd` is bounded in time and never in an argument list;
//! a process that may hold secrets cannot be dumped.

use crate::common;
use common::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `cmd` in a process group of its own, killed whole after `limit`
/// (so a hanging secret command of the code under test goes too). The
/// output is `None` when it had to be killed; the duration is how long it
/// ran. `watch` is called while it runs.
fn bounded(
    mut cmd: Command,
    limit: Duration,
    mut watch: impl FnMut(),
) -> (Option<Output>, Duration) {
    cmd.process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let began = Instant::now();
    let mut child = cmd.spawn().expect("run switchboard");
    // std made the u32 from the kernel's pid_t; `cast_signed` gives it back.
    let group: libc::pid_t = child.id().cast_signed();
    loop {
        if child.try_wait().unwrap().is_some() {
            let took = began.elapsed();
            return (Some(child.wait_with_output().unwrap()), took);
        }
        if began.elapsed() > limit {
            // SAFETY: signals the process group this test created.
            unsafe {
                libc::kill(-group, libc::SIGKILL);
            }
            let _ = child.wait();
            return (None, began.elapsed());
        }
        watch();
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn switchboard(config: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.arg("--config").arg(config).args(args);
    c
}

/// One `[[audiocodes]]` block at `addr` whose password comes from
/// `source` (`password_env = "…"`, `password_cmd = "…"`).
fn arm_with(name: &str, addr: &str, source: &str) -> String {
    format!(
        "\n[[audiocodes]]\nname = \"{name}\"\nhost = \"{addr}\"\nscheme = \"http\"\nusername = \"svc-lab\"\n{source}\n"
    )
}

fn setup(extra_head: &str, blocks: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(
        dir.path(),
        &format!("{}{extra_head}{blocks}", config_head(&store, 2)),
    );
    (dir, config)
}

/// Every running process's argument list, NULs shown as spaces.
fn all_argument_lists() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        if let Ok(raw) = std::fs::read(e.path().join("cmdline")) {
            out.push(String::from_utf8_lossy(&raw).replace('\0', " "));
        }
    }
    out
}

/// Fails on the code before lazy secrets: every command resolved every
/// secret at start, so `sleep 1000` held each of these until killed.
#[test]
fn a_hanging_password_cmd_holds_no_command_that_does_not_need_it() {
    let (_dir, config) = setup(
        "",
        &arm_with("stuck", "127.0.0.1:9", "password_cmd = \"sleep 1000\""),
    );
    for args in [
        &["numbers", "--json"][..],
        &["connections", "list"],
        &["jobs"],
        &["sweep"],
        &["audit"],
        &["profiles"],
    ] {
        let (out, took) = bounded(switchboard(&config, args), Duration::from_secs(20), || {});
        let out = out.unwrap_or_else(|| panic!("`{args:?}` still running after 20 s"));
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
}

/// Fails on the code before lazy secrets: one unset variable made
/// `numbers`, `jobs` and `sweep` exit 1, and every sync too.
#[test]
fn an_unset_password_env_fails_only_the_jobs_of_its_connection() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(5));
    let blocks = format!(
        "{}{}",
        arm_connection("lab", &sim.addr, LAB_LOGIN, 10, ""),
        arm_with(
            "broken",
            &sim.addr,
            "password_env = \"SB_TEST_SURELY_UNSET_7731\""
        )
    );
    let (_d, config) = setup("", &blocks);
    let run = |args: &[&str]| {
        switchboard(&config, args)
            .env_remove("SB_TEST_SURELY_UNSET_7731")
            .output()
            .unwrap()
    };
    for args in [&["numbers", "--json"][..], &["jobs"], &["sweep"]] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    let out = run(&["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run(&["sync", "audiocodes", "broken"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out).1;
    let line = err
        .lines()
        .find(|l| l.starts_with("switchboard: "))
        .unwrap_or_else(|| panic!("no error line in {err}"));
    assert!(line.contains("connection `broken`"), "{line}");
    assert!(line.contains("key `audiocodes[1].password`"), "{line}");
    assert!(
        line.contains("environment variable SB_TEST_SURELY_UNSET_7731 is not set"),
        "{line}"
    );
    // The good connection's numbers are there; `config check` still says.
    let numbers = run(&["numbers", "--json"]);
    assert!(
        text(&numbers).0.contains("+1555000100"),
        "{}",
        text(&numbers).0
    );
    let out = run(&["config", "check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("key `audiocodes[1].password`"),
        "{}",
        text(&out).1
    );
}

/// Fails on the code before the timeout: the command ran as long as it
/// liked (the test killed it at 20 s).
#[test]
fn a_slow_password_cmd_is_stopped_at_its_timeout_with_its_children() {
    // Durations of this run's own (the check below reads every process on
    // the machine, and another run of this test may be under way).
    let (first, second) = slow_sleeps();
    let (_dir, config) = setup(
        "[secrets]\ncommand_timeout_secs = 1\n",
        &arm_with(
            "slow",
            "127.0.0.1:9",
            &format!("password_cmd = \"{first} & {second}; echo pw\""),
        ),
    );
    let (out, took) = bounded(
        switchboard(&config, &["sync", "audiocodes", "slow"]),
        Duration::from_secs(20),
        || {},
    );
    let out = out.expect("the sync ends at the secret command's timeout");
    assert_eq!(out.status.code(), Some(1));
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let err = text(&out).1;
    assert!(err.contains("connection `slow`"), "{err}");
    assert!(err.contains("key `audiocodes[0].password`"), "{err}");
    assert!(
        err.contains("did not finish within 1s ([secrets] command_timeout_secs)"),
        "{err}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let left: Vec<String> = all_argument_lists()
        .into_iter()
        .filter(|a| a.contains(&first) || a.contains(&second))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// Two `sleep` commands of about 41 s whose exact lengths name this process.
fn slow_sleeps() -> (String, String) {
    let n = std::process::id() % 1000;
    (format!("sleep 41.{n:03}1"), format!("sleep 41.{n:03}2"))
}

/// Fails on the code before: `sh -c TEXT` showed the whole command text
/// in every process list while it ran.
#[test]
fn a_password_cmd_text_is_in_no_argument_list() {
    const MARKER: &str = "Zq7-cmd-text-marker-8841";
    let (_dir, config) = setup(
        "",
        &arm_with(
            "visible",
            "127.0.0.1:9",
            &format!("password_cmd = \": {MARKER}; sleep 2; echo pw\""),
        ),
    );
    let mut seen = Vec::new();
    let (out, took) = bounded(
        switchboard(&config, &["sync", "audiocodes", "visible"]),
        Duration::from_secs(20),
        || {
            seen.extend(
                all_argument_lists()
                    .into_iter()
                    .filter(|a| a.contains(MARKER)),
            )
        },
    );
    seen.sort();
    seen.dedup();
    assert!(out.is_some(), "the sync did not end");
    // The command did run (its `sleep 2`) while the lists were read.
    assert!(took >= Duration::from_secs(2), "took {took:?}");
    assert!(seen.is_empty(), "the command text was visible: {seen:?}");
}

/// The owner of `/proc/PID/status` turns to root when the process is not
/// dumpable, so the test runs the binary as another user than root
/// (`nobody` when the test is root). Fails on the code before: the
/// worker was dumpable, and its files were its user's.
#[test]
fn a_running_worker_is_not_dumpable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(dir.path(), &config_head(&store, 2));
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let me = std::fs::metadata("/proc/self").unwrap().uid();
    let as_user = |c: &mut Command| {
        if me == 0 {
            c.uid(65534).gid(65534);
        }
    };
    let expected_user = if me == 0 { 65534 } else { me };

    // A control: an ordinary process of that user owns its files.
    let mut control = Command::new("sleep");
    control.arg("30");
    as_user(&mut control);
    let mut control = control.spawn().unwrap();
    let mut worker = switchboard(&config, &["worker"]);
    as_user(&mut worker);
    let mut worker = worker
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let owner = |pid: u32| {
        std::fs::metadata(format!("/proc/{pid}/status"))
            .unwrap()
            .uid()
    };
    let control_owner = owner(control.id());
    let running = worker.try_wait().unwrap().is_none();
    let worker_owner = running.then(|| owner(worker.id()));
    let _ = control.kill();
    let _ = control.wait();
    let _ = worker.kill();
    let out = worker.wait_with_output().unwrap();
    assert!(running, "the worker stopped: {}", text(&out).1);
    assert_eq!(control_owner, expected_user);
    assert_eq!(worker_owner, Some(0), "the worker is dumpable");
}

/// Fails on the code before lazy secrets: the dashboard read every secret
/// before its first frame, so `sleep 1000` left a blank terminal. Runs in
/// tmux (on a private server, killed at the end); skipped without tmux.
#[test]
fn the_dashboard_starts_and_quits_while_a_password_cmd_would_hang() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: no tmux");
        return;
    }
    let (_dir, config) = setup(
        "",
        &arm_with("stuck-tui", "127.0.0.1:9", "password_cmd = \"sleep 1000\""),
    );
    let socket = format!("switchboard-lazy-secrets-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .expect("tmux runs")
    };
    struct Server<F: Fn(&[&str]) -> Output>(F);
    impl<F: Fn(&[&str]) -> Output> Drop for Server<F> {
        fn drop(&mut self) {
            (self.0)(&["kill-server"]);
        }
    }
    let server = Server(tmux);
    let command = format!(
        "{} --config {}",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    (server.0)(&[
        "new-session",
        "-d",
        "-s",
        "tui",
        "-x",
        "160",
        "-y",
        "45",
        &command,
    ]);
    let began = Instant::now();
    loop {
        let screen =
            String::from_utf8_lossy(&(server.0)(&["capture-pane", "-p", "-t", "tui"]).stdout)
                .into_owned();
        if screen.contains("stuck-tui") {
            break;
        }
        assert!(
            began.elapsed() < Duration::from_secs(15),
            "the dashboard never showed its connection:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (server.0)(&["send-keys", "-t", "tui", "q"]);
    let began = Instant::now();
    while (server.0)(&["has-session", "-t", "tui"]).status.success() {
        assert!(
            began.elapsed() < Duration::from_secs(10),
            "the dashboard did not quit on q"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
