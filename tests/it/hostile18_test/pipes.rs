//! Readers that go away before or during a command, a full disk, a
//! closed stdout, a stderr nobody reads.

use super::*;
use std::io::{BufRead, BufReader};

/// The demo simulator and a config naming its connections (arm-basic, lp,
/// axp, …), with arm-basic synced and Live Platform and AXP refreshed.
fn demo_estate(dir: &Path) -> (SimProcess, PathBuf, PathBuf) {
    let sim = SimProcess::start();
    let store = dir.join("s.db");
    let cfg = write_config(dir, &demo_config(&sim.addr, &store));
    for args in [
        &["sync", "audiocodes", "arm-basic"][..],
        &["refresh", "live-platform", "lp"][..],
        &["refresh", "axp", "axp"][..],
    ] {
        ok(&cfg, args);
    }
    (sim, cfg, store)
}

/// Guard: every listing, format and one-job command whose reader went away
/// before it started ends with 141 and nothing on stderr but its job's log
/// lines; the write job among them (a sync) still completes and records it.
#[test]
fn every_command_whose_reader_left_before_it_started_exits_141_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg, _) = demo_estate(dir.path());
    let items = json(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    let id = items[0]["phoneNumberId"].as_str().unwrap().to_string();
    let quiet: Vec<Vec<&str>> = vec![
        vec!["numbers"],
        vec!["numbers", "--json"],
        vec!["numbers", "--csv"],
        vec!["numbers", "--no-header"],
        vec!["jobs"],
        vec!["jobs", "--json"],
        vec!["connections", "list"],
        vec!["connections", "list", "--json"],
        vec!["profiles"],
        vec!["profiles", "--json"],
        vec!["services", "--json"],
        vec!["leads"],
        vec!["voice", "list", "sip-trunks"],
        vec!["voice", "list", "sip-trunks", "--json"],
        vec!["voice", "get", "phone-numbers", &id],
        vec!["config", "check"],
        vec!["audit"],
        vec!["audit", "--json"],
        vec!["sweep"],
    ];
    let mut wrong = vec![];
    for args in &quiet {
        let out = reader_gone(switchboard(&cfg, args));
        let (_, stderr) = text(&out);
        if out.status.code() != Some(141) || !stderr.is_empty() {
            wrong.push(format!(
                "{args:?}: exit {:?}, stderr {stderr:?}",
                out.status
            ));
        }
    }
    // A write job: its log lines go to stderr as usual, but no error.
    let out = reader_gone(switchboard(
        &cfg,
        &["sync", "audiocodes", "arm-session", "--json"],
    ));
    let (_, stderr) = text(&out);
    if out.status.code() != Some(141) || stderr.contains("switchboard:") {
        wrong.push(format!("sync: exit {:?}, stderr {stderr:?}", out.status));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let all = jobs(&cfg);
    let sync = all
        .iter()
        .find(|j| j["kind"] == "sync" && j["target"] == "arm-session")
        .expect("the sync was recorded");
    assert_eq!(sync["state"], "succeeded", "{sync}");
    let inv = inventory(&cfg, NOW);
    assert!(
        inv.iter().any(|r| r["connection"] == "arm-session"),
        "the sync's numbers are in the store"
    );
    assert!(
        all.iter()
            .all(|j| j["state"] != "running" && j["state"] != "queued"),
        "{all:?}"
    );
}

/// Guard: `sync --json 2>&1 | head -1` — stdout and stderr one pipe, its
/// reader gone after the first log line, mid-job. The sync is not cut
/// half-way: it completes, records itself as it ended, and the inventory
/// holds every number; the exit is 141.
#[test]
fn a_sync_whose_only_reader_leaves_mid_run_completes_and_records_honestly() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(3_000));
    let cfg = lab_config(dir.path(), &sim.addr);
    let (reader, writer) = std::io::pipe().unwrap();
    let mut cmd = switchboard(&cfg, &["sync", "audiocodes", "lab", "--json"]);
    cmd.stdout(writer.try_clone().unwrap()).stderr(writer);
    let mut child = cmd.spawn().unwrap();
    drop(cmd);
    let mut first = String::new();
    BufReader::new(reader).read_line(&mut first).unwrap();
    assert!(first.contains("fetching"), "{first:?}");
    // The reader is dropped here, while 300 pages are still to fetch.
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(141));
    let all = jobs(&cfg);
    assert_eq!(all[0]["kind"], "sync");
    assert_eq!(all[0]["state"], "succeeded", "{}", all[0]);
    assert_eq!(inventory(&cfg, NOW).len(), 3_000);
}

/// Guard: every listing and output to a full disk is one line, exit 1.
#[test]
fn every_listing_to_a_full_disk_is_one_line_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = lab_config(dir.path(), "127.0.0.1:9");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000099"],
    );
    let mut wrong = vec![];
    for args in [
        &["numbers", "--csv"][..],
        &["numbers", "--no-header"][..],
        &["jobs", "--json"][..],
        &["connections", "list"][..],
        &["connections", "list", "--json"][..],
        &["config", "check"][..],
        &["sweep"][..],
        &["audit", "--json"][..],
    ] {
        let out = to_dev_full(switchboard(&cfg, args));
        let (_, stderr) = text(&out);
        if out.status.code() != Some(1)
            || stderr != "switchboard: cannot write: No space left on device (os error 28)\n"
        {
            wrong.push(format!(
                "{args:?}: exit {:?}, stderr {stderr:?}",
                out.status
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Defect: `--help` and `--version` (clap's own printing) to a full disk
/// exit 0 saying nothing, and 0 too when their reader is gone; every other
/// command says `cannot write` with 1, or exits 141.
#[test]
fn help_and_version_report_a_write_that_failed() {
    let mut wrong = vec![];
    for args in [
        &["--help"][..],
        &["--version"][..],
        &["numbers", "--help"][..],
    ] {
        let mut cmd = bin();
        cmd.args(args);
        let full = to_dev_full(cmd);
        if full.status.code() != Some(1) || !text(&full).1.contains("cannot write") {
            wrong.push(format!(
                "{args:?} > /dev/full: {:?} {:?}",
                full.status,
                text(&full).1
            ));
        }
        let mut cmd = bin();
        cmd.args(args);
        let gone = reader_gone(cmd);
        if gone.status.code() != Some(141) {
            wrong.push(format!("{args:?} | (gone): {:?}", gone.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Guard: stdout closed before start (`>&-`): no panic, and the store a
/// command opens is not handed fd 1 (a listing's rows written into it
/// would corrupt it): the write lands and the store still reads.
#[test]
fn a_closed_stdout_fd_is_no_panic_and_no_store_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    for args in [
        &["numbers", "add-range", "+15550000000", "+15550000999"][..],
        &["numbers"][..],
        &["numbers", "--csv"][..],
        &["jobs", "--json"][..],
    ] {
        let out = Command::new("sh")
            .arg("-c")
            .arg("exec \"$@\" >&-")
            .arg("sh")
            .arg(env!("CARGO_BIN_EXE_switchboard"))
            .arg("--config")
            .arg(&cfg)
            .args(args)
            .env_remove("SWITCHBOARD_CONFIG")
            .env_remove("SWITCHBOARD_STORE")
            .output()
            .unwrap();
        let (_, stderr) = text(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 141)),
            "{args:?}: {:?} {stderr}",
            out.status
        );
        assert!(
            !stderr.contains("panic") && !stderr.contains("internal"),
            "{stderr}"
        );
    }
    assert_eq!(inventory(&cfg, NOW).len(), 1_000);
    assert!(store_dump(&store).contains("+15550000999"));
}

/// Defect: `switchboard sim` whose stderr reader is gone (a script that
/// read the address line and left, or `2>&-` into a dead pipe) dies of
/// SIGABRT (a panic while printing its address, then a panic in the panic
/// hook) before it writes its config; it should serve on.
#[test]
fn sim_whose_stderr_reader_is_gone_serves_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.toml");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut child = bin()
        .args(["sim", "--listen", "127.0.0.1:0", "--write-config"])
        .arg(&path)
        .stdout(Stdio::null())
        .stderr(writer)
        .spawn()
        .unwrap();
    let started = Instant::now();
    let ended = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if path.exists() && started.elapsed() > Duration::from_secs(2) {
            break None;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "no config");
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(ended.is_none(), "the simulator ended: {ended:?}");
    assert!(path.exists());
}

/// Guard: `| head -c 10` — the reader takes ten bytes, half a line, and
/// leaves while the listing (far larger than a pipe's buffer) is written.
#[test]
fn a_reader_that_leaves_mid_line_ends_each_format_with_141() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550019999"],
    );
    for args in [
        &["numbers"][..],
        &["numbers", "--csv"][..],
        &["numbers", "--json"][..],
    ] {
        let mut child = switchboard(&cfg, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ten = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut ten).unwrap();
        let out = child.wait_with_output().unwrap();
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
