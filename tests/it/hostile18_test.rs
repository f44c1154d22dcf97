//! A hostile tester of issue 18 ("the CLI as a good Unix citizen"), through
//! the real binary, real stores and the simulator: readers that go away
//! before or during a command, full disks, a closed stdout, every exit code
//! of the README's table, CSV files a person or a spreadsheet could hand
//! over, `sim --write-config` targets, and cells that try to break a table.
//! A test that exposes a defect asserts the right behaviour and is ignored
//! with `defect: …`; the others are guards that pass today.

use crate::common;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-22T09:00:00Z";

/// A store of its own in `dir/name` with its config (no connections, logs
/// beside it); returns (config, store).
fn fresh(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).unwrap();
    let store = sub.join("s.db");
    (write_config(&sub, &config_head(&store, 1)), store)
}

fn ok(cfg: &Path, args: &[&str]) -> String {
    let out = run_at(cfg, NOW, args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?}: {stderr}");
    stdout
}

fn json(cfg: &Path, args: &[&str]) -> Value {
    let stdout = ok(cfg, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

fn import(cfg: &Path, file: &Path) -> Output {
    run_at(cfg, NOW, &["numbers", "import", file.to_str().unwrap()])
}

fn switchboard(cfg: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.env("SWITCHBOARD_NOW", NOW)
        .arg("--config")
        .arg(cfg)
        .args(args);
    cmd
}

/// Runs `cmd` with stdout a pipe whose reader closed before it started.
fn reader_gone(mut cmd: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

fn to_dev_full(mut cmd: Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    cmd.stdout(full).stderr(Stdio::piped()).output().unwrap()
}

/// The jobs of the store, newest first, as `jobs --json` gives them.
fn jobs(cfg: &Path) -> Vec<Value> {
    json(cfg, &["jobs", "--json", "--limit", "100"])
        .as_array()
        .unwrap()
        .clone()
}

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

// ---------------------------------------------------------------- pipes

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
            wrong.push(format!("{args:?}: exit {:?}, stderr {stderr:?}", out.status));
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
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 1),
            arm_connection("lab", "127.0.0.1:9", LAB_LOGIN, 10, "")
        ),
    );
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000099"]);
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
            wrong.push(format!("{args:?}: exit {:?}, stderr {stderr:?}", out.status));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Defect: `--help` and `--version` (clap's own printing) to a full disk
/// exit 0 saying nothing, and 0 too when their reader is gone; every other
/// command says `cannot write` with 1, or exits 141.
#[test]
#[ignore = "defect: --help/--version to /dev/full or a gone reader exit 0 silently (want 1 with a line, 141)"]
fn help_and_version_report_a_write_that_failed() {
    let mut wrong = vec![];
    for args in [&["--help"][..], &["--version"][..], &["numbers", "--help"][..]] {
        let mut cmd = bin();
        cmd.args(args);
        let full = to_dev_full(cmd);
        if full.status.code() != Some(1) || !text(&full).1.contains("cannot write") {
            wrong.push(format!("{args:?} > /dev/full: {:?} {:?}", full.status, text(&full).1));
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
        assert!(!stderr.contains("panic") && !stderr.contains("internal"), "{stderr}");
    }
    assert_eq!(inventory(&cfg, NOW).len(), 1_000);
    assert!(store_dump(&store).contains("+15550000999"));
}

/// Defect: `switchboard sim` whose stderr reader is gone (a script that
/// read the address line and left, or `2>&-` into a dead pipe) dies of
/// SIGABRT (a panic while printing its address, then a panic in the panic
/// hook) before it writes its config; it should serve on.
#[test]
#[ignore = "defect: sim with a gone stderr reader aborts (SIGABRT) instead of serving"]
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

// ------------------------------------------------------------ exit codes

/// Guard: each code of the README's table, produced once through the
/// binary (the unit tests of `exit_code.rs` map outcomes; this checks
/// that a real run reaches them), and `--help` lists them all.
#[test]
fn each_exit_code_of_the_table_once() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        "{}\n[live_platform]\nclient_id = \"lp-client\"\nclient_secret = \"lp-secret-value\"\n",
        lab_scenario(40)
    );
    let sim = SimProcess::with_scenario(dir.path(), &scenario);
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}{}",
            config_head(&store, 5),
            arm_connection("lab", &sim.addr, LAB_LOGIN, 10, ""),
            lp_connection(&format!("http://{}", sim.addr), "lp-secret-value")
        ),
    );
    ok(&cfg, &["sync", "audiocodes", "lab"]);
    ok(&cfg, &["refresh", "live-platform", "lp"]);
    let code = |args: &[&str]| run_at(&cfg, NOW, args).status.code();
    let file = dir.path().join("one.csv");
    std::fs::write(&file, "number\n+15559990000\n").unwrap();
    let before = store_file_hashes(&store);
    assert_eq!(code(&["--read-only", "numbers", "import", file.to_str().unwrap()]), Some(4));
    assert_eq!(store_file_hashes(&store), before, "a refused import wrote");
    assert_eq!(code(&["numbers"]), Some(0));
    assert_eq!(code(&["sync", "audiocodes", "nosuch"]), Some(1));
    assert_eq!(code(&["synk"]), Some(2));
    assert_eq!(code(&["numbers", "--json", "--csv"]), Some(2));
    assert_eq!(code(&["purge", "audiocodes", "lab"]), Some(3));
    sim.generate("lab", 5);
    let tripped = run_at(&cfg, NOW, &["sync", "audiocodes", "lab", "--json"]);
    assert_eq!(tripped.status.code(), Some(3), "{}", text(&tripped).1);
    let v: Value = serde_json::from_slice(&tripped.stdout).unwrap();
    assert!(v["error"].is_string() && v["state"] != "succeeded", "{v}");
    sim.fault(r#"{"path":"/tenantui/api/v2/oc/callingprofile","kind":"expire_token"}"#);
    assert_eq!(code(&["refresh", "live-platform", "lp"]), Some(5));
    sim.clear_faults();
    let gone = reader_gone(switchboard(&cfg, &["numbers"]));
    assert_eq!(gone.status.code(), Some(141));
    let help = String::from_utf8(bin().arg("--help").output().unwrap().stdout).unwrap();
    for c in ["0 success", "1 error", "2 usage", "3 stopped", "4 refused", "5 partial", "70 ", "130 ", "141 "] {
        assert!(help.contains(c), "--help lacks {c:?}");
    }
}

/// Defect: a mistyped value of an enum flag (`--status bogus`) is a usage
/// error by the README's own words ("a mistyped command line"); it exits 1,
/// the code of a failed job, while a mistyped `--tab` exits 2.
#[test]
#[ignore = "defect: numbers --status bogus exits 1, not 2 (usage) as tui --tab bogus does"]
fn a_mistyped_status_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000001"]);
    assert_eq!(run_at(&cfg, NOW, &["tui", "--tab", "bogus"]).status.code(), Some(2));
    let out = run_at(&cfg, NOW, &["numbers", "--status", "Coolnig"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

// ------------------------------------------------------------------- JSON

/// Guard: the documented keys of `jobs --json`, `connections list --json`,
/// `numbers --json` and a job's result object, and null (never "") for an
/// absent job error, CA file or time.
#[test]
fn json_keys_are_as_documented_and_absent_job_fields_are_null() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 1),
            arm_connection("lab", "127.0.0.1:9", LAB_LOGIN, 10, "")
        ),
    );
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000002"]);
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k.join(",")
    };
    let audit = json(&cfg, &["audit", "--json"]);
    assert_eq!(keys(&audit), "error,result,state,summary");
    assert_eq!(audit["error"], Value::Null);
    let job = &jobs(&cfg)[0];
    assert_eq!(
        keys(job),
        "created_at,done,ended_at,error,id,kind,started_at,state,summary,target,total"
    );
    assert_eq!(job["error"], Value::Null, "{job}");
    let conns = json(&cfg, &["connections", "list", "--json"]);
    let lab = &conns[0];
    assert_eq!(
        keys(lab),
        "address,auth,ca_file,name,read_only,source,stale,tls_verify,vendor"
    );
    assert_eq!(lab["ca_file"], Value::Null);
    let nums = json(&cfg, &["numbers", "--json"]);
    assert_eq!(
        keys(&nums[0]),
        "connection,last_seen,number,registered_user,release_date,status,tag,usage,vendor"
    );
    for k in ["release_date", "connection", "registered_user", "last_seen"] {
        assert_eq!(nums[0][k], Value::Null, "{k}");
    }
}

/// Defect: the README says every listing's JSON has "absent values `null`,
/// never `""`"; a number without a tag (`numbers tag N ""` "clears it"),
/// usage or vendor has `"tag":""`, `"usage":""`, `"vendor":""`. (The CSV
/// round trip test pins `""` for an empty tag: the lead decides which.)
#[test]
#[ignore = "defect: numbers --json gives \"\" for an absent tag, usage, vendor (README: null, never \"\")"]
fn a_number_without_tag_usage_or_vendor_has_null_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000000"]);
    let nums = json(&cfg, &["numbers", "--json"]);
    for k in ["tag", "usage", "vendor"] {
        assert_eq!(nums[0][k], Value::Null, "{k}: {}", nums[0]);
    }
}

/// Defect: the import's summary says "imported 1 numbers … holds 1
/// numbers" (issue 18: plural forms right).
#[test]
#[ignore = "defect: import summary says \"imported 1 numbers\", \"holds 1 numbers\""]
fn the_import_summary_has_its_plurals_right() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    let file = dir.path().join("one.csv");
    std::fs::write(&file, "number\n+15550000000\n").unwrap();
    let out = import(&cfg, &file);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("imported 1 number from") && stdout.contains("now holds 1 number\n"),
        "{stdout}"
    );
}

/// Defect: the README says a command that runs one job (`sync`, `sweep`,
/// `audit`, `refresh`, …) prints "with `--json` one object: state,
/// summary, error, result"; `sweep --json` and `refresh … --json` are
/// usage errors (exit 2).
#[test]
#[ignore = "defect: sweep --json and refresh ... --json are refused (exit 2) though the README promises one object"]
fn every_one_job_command_the_readme_names_takes_json() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        "[live_platform]\nclient_id = \"lp-client\"\nclient_secret = \"lp-secret-value\"\n",
    );
    let store = dir.path().join("s.db");
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            lp_connection(&format!("http://{}", sim.addr), "lp-secret-value")
        ),
    );
    for args in [
        &["sweep", "--json"][..],
        &["refresh", "live-platform", "lp", "--json"][..],
    ] {
        let v = json(&cfg, args);
        assert_eq!(v["state"], "succeeded", "{args:?}: {v}");
        assert_eq!(v["error"], Value::Null, "{args:?}: {v}");
    }
}

// -------------------------------------------------------------------- CSV

/// A field of a CSV as a writer must quote it (RFC 4180).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Guard: tags no spreadsheet should ever write, each through import,
/// export, import into a fresh store and export again: the JSON keeps each
/// exactly, and the two CSV exports are byte-equal.
#[test]
fn hostile_tags_round_trip_exactly() {
    let long = "x".repeat(10 * 1024);
    let tags: Vec<&str> = vec![
        "nul\0inside",
        "lone\rcr",
        "crlf\r\ninside",
        "\"starts with a quote",
        "\"",
        "'=1+2",
        "'",
        "''=x",
        "\r",
        "\rstarts with cr",
        "=",
        "-",
        "\t=x",
        "\n",
        "ends with lf\n",
        "ends with cr\r",
        "a,b\r",
        "\u{2028}line separator",
        "\u{feff}bom in a tag",
        " =space first",
        &long,
    ];
    let dir = tempfile::tempdir().unwrap();
    let (cfg_a, _) = fresh(dir.path(), "a");
    let mut seed = String::from("number,tag\n");
    for (i, tag) in tags.iter().enumerate() {
        let cell = quoted(&switchboard::domain::number_io::escape_formula(tag));
        seed.push_str(&format!("+155510{i:05},{cell}\n"));
    }
    let file = dir.path().join("seed.csv");
    std::fs::write(&file, seed).unwrap();
    let out = import(&cfg_a, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    let json_a = json(&cfg_a, &["numbers", "--json"]);
    let rows = json_a.as_array().unwrap();
    for (i, tag) in tags.iter().enumerate() {
        let got = &row(rows, &format!("+155510{i:05}"))["tag"];
        assert_eq!(got, *tag, "tag {i}");
    }
    let csv_a = run_at(&cfg_a, NOW, &["numbers", "--csv"]).stdout;
    let file_a = dir.path().join("a.csv");
    std::fs::write(&file_a, &csv_a).unwrap();
    let (cfg_b, _) = fresh(dir.path(), "b");
    let out = import(&cfg_b, &file_a);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(json(&cfg_b, &["numbers", "--json"]), json_a);
    let csv_b = run_at(&cfg_b, NOW, &["numbers", "--csv"]).stdout;
    assert!(csv_a == csv_b, "the second export differs from the first");
}

/// Guard: files that are not UTF-8 CSV, or hold nothing, import nothing
/// with a clear error and leave the store as it was; a BOM and a header
/// alone are an empty import, not an error.
#[test]
fn bad_encodings_and_empty_inputs_import_nothing_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000004"]);
    let before = store_dump(&store);
    let mut utf16 = vec![0xff, 0xfe];
    for c in "number\n+15551230000\n".encode_utf16() {
        utf16.extend(c.to_le_bytes());
    }
    let mut bad_last = b"number,tag\n+15551230001,ok\n+15551230002,ok\n".to_vec();
    bad_last.extend(b"+15551230003,\xff\xfe latin-1 \xe9\n");
    let directory = dir.path().join("a-directory");
    std::fs::create_dir(&directory).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bad-last.csv", bad_last, "line 4: not UTF-8"),
        ("utf16.csv", utf16, "not UTF-8"),
        ("empty.csv", vec![], "the file is empty"),
    ];
    for (name, bytes, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(&cfg, &file);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("nothing was imported") && stderr.contains(says), "{name}: {stderr}");
        assert_same_store(&before, &store_dump(&store), name);
    }
    let out = import(&cfg, &directory);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("directory"), "{}", text(&out).1);
    assert_same_store(&before, &store_dump(&store), "a directory");
    for (name, bytes) in [("bom-header.csv", &b"\xef\xbb\xbfnumber\r\n"[..]), ("header.csv", b"number,tag\n")] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(&cfg, &file);
        assert!(out.status.success(), "{name}: {}", text(&out).1);
        assert!(text(&out).0.contains("imported 0 numbers"), "{name}: {}", text(&out).0);
    }
    assert_eq!(inventory(&cfg, NOW).len(), 5);
}

/// Guard: odd but valid inputs import: a FIFO, blank lines at the end, an
/// upper-case header with spaces, a number written with spaces, a BOM on a
/// file without a header; number spellings that cannot be right (`tel:`,
/// no `+` on 11 digits, the same number twice once padded) and a column
/// named twice are refused, naming the line.
#[test]
fn odd_valid_files_import_and_wrong_spellings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    let fifo = dir.path().join("fifo.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "number\n+15550000001\n").unwrap())
    };
    let out = import(&cfg, &fifo);
    writer.join().unwrap();
    assert!(out.status.success(), "fifo: {}", text(&out).1);
    for (name, body) in [
        ("blank-end.csv", "number,tag\n+15550000002,x\n\n\n"),
        ("upper.csv", " NUMBER , TAG \n+15550000003,y\n"),
        ("spaced.csv", "number\n+1 555 000 0004\n"),
        ("bom-no-header.csv", "\u{feff}+15550000005\r\n+15550000006\r\n"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = import(&cfg, &file);
        assert!(out.status.success(), "{name}: {}", text(&out).1);
    }
    let inv = inventory(&cfg, NOW);
    assert_eq!(inv.len(), 6, "{inv:?}");
    assert_eq!(row(&inv, "+15550000003")["tag"], "y");
    row(&inv, "+15550000004");
    let before = store_dump(&store);
    for (name, body, says) in [
        ("tel.csv", "number\ntel:+15550000007\n", "line 2: \"tel:+15550000007\""),
        ("no-plus.csv", "number\n+15550000008\n15550000008\n", "line 3: \"15550000008\""),
        ("twice.csv", "number\n+15550000009\n  +15550000009 \n", "appears twice (first on line 2)"),
        ("column-twice.csv", "number,tag,Tag\n+15550000010,a,b\n", "column \"tag\" is named twice"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = import(&cfg, &file);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert_same_store(&before, &store_dump(&store), name);
    }
}

/// Guard: every free-text column (usage, vendor, tag from an import;
/// registered_user from a sync of an ARM whose user names start with
/// formula characters) is written with a leading `'` in CSV, never in
/// JSON, and an import of that export restores the text.
#[test]
fn the_formula_guard_covers_every_free_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(0));
    let cfg = lab_config(dir.path(), &sim.addr);
    for (i, name) in ["=HYPERLINK(\"http://x\")", "-2+3", "@SUM(A1)", "\tcmd"].iter().enumerate() {
        let body = serde_json::json!({
            "id": format!("u{i}"), "userName": name, "displayName": "d",
            "phoneNumber": format!("+1555000100{i}"), "status": "REGISTERED",
            "lastSeen": "2026-11-22T00:00:00Z", "sbc": "sbc1"
        });
        assert_eq!(sim.control("POST", "/_sim/arm/lab/users", &body.to_string()), 204);
    }
    ok(&cfg, &["sync", "audiocodes", "lab"]);
    let file = dir.path().join("in.csv");
    std::fs::write(&file, "number,usage,vendor,tag\n+15550002000,=u,+v,@t\n").unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    let csv = String::from_utf8(run_at(&cfg, NOW, &["numbers", "--csv"]).stdout).unwrap();
    for cell in ["\"'=HYPERLINK(\"\"http://x\"\")\"", ",'-2+3,", ",'@SUM(A1),", ",'\tcmd,", ",'=u,'+v,'@t,"] {
        assert!(csv.contains(cell), "{cell:?} not in\n{csv}");
    }
    let inv = inventory(&cfg, NOW);
    assert_eq!(row(&inv, "+15550001001")["registered_user"], "-2+3");
    assert_eq!(row(&inv, "+15550002000")["usage"], "=u");
    let export = dir.path().join("export.csv");
    std::fs::write(&export, &csv).unwrap();
    let (cfg_b, _) = fresh(dir.path(), "b");
    let out = import(&cfg_b, &export);
    assert!(out.status.success(), "{}", text(&out).1);
    let b = inventory(&cfg_b, NOW);
    let imported = row(&b, "+15550002000");
    assert_eq!((&imported["usage"], &imported["vendor"], &imported["tag"]), (&"=u".into(), &"+v".into(), &"@t".into()));
}

/// A CSV of `n` good lines (`number,tag`), then `last`.
fn million_lines(path: &Path, n: u32, last: &str) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "number,tag").unwrap();
    for i in 0..n {
        writeln!(f, "+1666{i:07},t").unwrap();
    }
    f.write_all(last.as_bytes()).unwrap();
    f.flush().unwrap();
}

/// Guard: 1,000,000 lines with a bad last line import nothing: exit 1,
/// the line named, the store's data as it was.
#[test]
fn a_million_lines_with_a_bad_last_line_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000009"]);
    let before = store_dump(&store);
    let file = dir.path().join("big.csv");
    million_lines(&file, 999_999, "+1666x,bad\n");
    let out = import(&cfg, &file);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 1000001: \"+1666x\""), "{stderr}");
    assert_same_store(&before, &store_dump(&store), "a refused million");
}

fn sigint(child: &std::process::Child) {
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// Guard: Ctrl-C during a long import: nothing imported, the job
/// cancelled, exit 1; a second Ctrl-C leaves at once (130), still nothing
/// imported, and the job is not left "running".
#[test]
fn ctrl_c_during_a_long_import_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(&cfg, &["numbers", "add-range", "+15550000000", "+15550000009"]);
    let before = store_dump(&store);
    let file = dir.path().join("big.csv");
    million_lines(&file, 1_000_000, "");
    for presses in [1, 2] {
        let mut cmd = switchboard(&cfg, &["numbers", "import", file.to_str().unwrap()]);
        let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        for _ in 0..presses {
            sigint(&child);
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        let (_, stderr) = text(&out);
        let want = if presses == 1 { 1 } else { 130 };
        assert_eq!(out.status.code(), Some(want), "{presses} Ctrl-C: {stderr}");
        assert_same_store(&before, &store_dump(&store), "after Ctrl-C");
        let job = &jobs(&cfg)[0];
        assert_eq!(job["kind"], "import");
        let state = if presses == 1 { "cancelled" } else { "failed" };
        assert_eq!(job["state"], state, "{job}");
    }
}

/// Guard: an import while another process syncs: both land (the store's
/// writers wait their turn), and the inventory holds both sets.
#[test]
fn an_import_while_another_process_syncs_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(20_000));
    let (_keep, cfg, _) = lab_at(&sim.addr, 200, "");
    let file = dir.path().join("import.csv");
    let mut csv = String::from("number,tag\n");
    for i in 0..50_000 {
        csv.push_str(&format!("+4420{i:07},imported\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let sync = switchboard(&cfg, &["sync", "audiocodes", "lab"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let imported = import(&cfg, &file);
    let synced = sync.wait_with_output().unwrap();
    assert!(imported.status.success(), "import: {}", text(&imported).1);
    assert!(synced.status.success(), "sync: {}", text(&synced).1);
    assert_eq!(inventory(&cfg, NOW).len(), 70_000);
}

// ---------------------------------------------------- sim --write-config

/// `switchboard sim --write-config PATH` (extra args after), ended within
/// 30 s or killed once PATH appears; returns its exit code (None while it
/// still ran) and stderr so far.
fn write_config_run(path: &Path, extra: &[&str], umask: &str) -> (Option<i32>, String) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_switchboard"))
        .args(["sim", "--listen", "127.0.0.1:0", "--write-config"])
        .arg(path)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        let written = std::fs::symlink_metadata(path)
            .is_ok_and(|m| m.is_file() && m.len() > 0);
        if written && !extra.contains(&"--force") || started.elapsed() > Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(300));
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr);
    (code, stderr)
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Guard: a path in a missing directory, a directory, and a dangling
/// symlink are refused with exit 1 (the simulator does not stay up), and
/// nothing is created where the symlink points.
#[test]
fn write_config_refuses_bad_targets_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling.toml");
    let nowhere = dir.path().join("nowhere.toml");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    for (path, says) in [
        (dir.path().join("missing/sim.toml"), "No such file or directory"),
        (dir.path().to_path_buf(), "directory"),
        (dangling.clone(), "symlink"),
    ] {
        let (code, stderr) = write_config_run(&path, &[], "077");
        assert_eq!(code, Some(1), "{path:?}: {stderr}");
        assert!(stderr.contains(says), "{path:?}: {stderr}");
    }
    assert!(!nowhere.exists(), "written through the dangling symlink");
}

/// Guard: under umask 000 the file is still 0600; `--force` over a file
/// that others can read replaces it with a new 0600 file, and never
/// writes into the old one (a hard link to it keeps its text).
#[test]
fn write_config_is_private_under_any_umask_and_over_a_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.toml");
    let (code, stderr) = write_config_run(&fresh_path, &[], "000");
    assert_eq!(code, None, "{stderr}");
    assert_eq!(mode(&fresh_path), 0o600);
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, "# someone's\n").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
    let other_name = dir.path().join("other-name.toml");
    std::fs::hard_link(&shared, &other_name).unwrap();
    let _ = write_config_run(&shared, &["--force"], "000");
    assert_eq!(mode(&shared), 0o600);
    assert!(std::fs::read_to_string(&shared).unwrap().contains("--write-config"));
    assert_eq!(std::fs::read_to_string(&other_name).unwrap(), "# someone's\n");
}

/// Defect: `--write-config x.db` puts the store beside the config as
/// `x.db`: the config itself. `config check` calls it ok; every command
/// then fails "file is not a database". The config and its store must be
/// two files (or the path refused).
#[test]
#[ignore = "defect: sim --write-config x.db names the config file itself as its store"]
fn write_config_never_makes_the_config_its_own_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.db");
    let (code, stderr) = write_config_run(&path, &[], "077");
    if code == Some(1) {
        return; // refusing the path is a right answer too
    }
    assert_eq!(code, None, "{stderr}");
    let out = run(&path, &["numbers"]);
    assert!(out.status.success(), "{}", text(&out).1);
}

// ----------------------------------------------------------------- tables

/// How many terminal cells a character takes: two for the CJK ideographs
/// and emoji these tests use, none for a zero-width one, else one.
fn cells(c: char) -> usize {
    match u32::from(c) {
        0x200b | 0x0300..=0x036f => 0,
        0x2e80..=0xa4cf | 0xac00..=0xd7a3 | 0xf900..=0xfaff | 0xff00..=0xff60 => 2,
        0x1f300..=0x1faff => 2,
        _ => 1,
    }
}

/// Each line as (terminal column, char).
fn placed(line: &str) -> Vec<(usize, char)> {
    let mut col = 0;
    line.chars()
        .map(|c| {
            let at = col;
            col += cells(c);
            (at, c)
        })
        .collect()
}

/// The rows of a table whose cells (but the last) start where the header's
/// titles start, in terminal columns; the names of those that do not.
fn misaligned(listing: &str) -> Vec<String> {
    let mut lines = listing.lines();
    let header = placed(lines.next().unwrap_or(""));
    let starts: Vec<usize> = header
        .windows(3)
        .filter(|w| w[0].1 == ' ' && w[1].1 == ' ' && w[2].1 != ' ')
        .map(|w| w[2].0)
        .collect();
    lines
        .filter(|line| {
            let p = placed(line);
            starts.iter().any(|s| {
                let i = p.iter().position(|(at, _)| at == s);
                !i.is_some_and(|i| i >= 2 && p[i].1 != ' ' && p[i - 1].1 == ' ' && p[i - 2].1 == ' ')
            })
        })
        .map(str::to_string)
        .collect()
}

/// A store whose numbers carry the given usages (one number each).
fn numbers_with_usages(dir: &Path, usages: &[&str]) -> PathBuf {
    let (cfg, _) = fresh(dir, "t");
    let mut csv = String::from("number,usage,vendor,tag\n");
    for (i, u) in usages.iter().enumerate() {
        csv.push_str(&format!("+155520{i:05},{},Acme,t{i}\n", quoted(u)));
    }
    let file = dir.join("usages.csv");
    std::fs::write(&file, csv).unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    cfg
}

/// Guard: nothing a cell holds reaches the terminal raw: no C0 control
/// but the line feed, no DEL, no C1 control (U+009B is a CSI to some
/// terminals), no bidi override, in `numbers` and in `jobs` (whose TARGET
/// is an import's file name).
#[test]
fn nothing_raw_reaches_the_terminal_from_a_table() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = ["\x1b[2J", "\u{9b}31m", "\x1b]0;title\x07", "\x7fdel", "\u{202e}rtl", "bell\x07"];
    let cfg = numbers_with_usages(dir.path(), &hostile);
    let named = dir.path().join("esc\x1b[2J\u{9b}name.csv");
    std::fs::write(&named, "number\n+15559990000\n").unwrap();
    let out = import(&cfg, &named);
    assert!(out.status.success(), "{}", text(&out).1);
    for args in [&["numbers"][..], &["jobs"][..]] {
        let listing = ok(&cfg, args);
        let raw: Vec<char> = listing
            .chars()
            .filter(|&c| {
                (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c)
            })
            .collect();
        assert!(raw.is_empty(), "{args:?}: raw {raw:?} in\n{listing}");
    }
}

/// Defect: the streamed `numbers` table takes its widths from the store
/// before escaping, so a usage holding a TAB (`a\x09b` once escaped, three
/// characters wider) pushes the rest of its row out of its columns.
#[test]
#[ignore = "defect: numbers table: a control character in usage/vendor breaks the columns (widths counted before escaping)"]
fn a_control_character_in_a_column_keeps_the_numbers_table_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbers_with_usages(dir.path(), &["a\tb", "usage"]);
    let listing = ok(&cfg, &["numbers"]);
    let bad = misaligned(&listing);
    assert!(bad.is_empty(), "broken rows {bad:#?} in\n{listing}");
}

/// Defect: widths count characters, not terminal cells, so a CJK usage in
/// `numbers` or a CJK file name in `jobs` (an import's TARGET) pushes its
/// row's later columns right of their titles.
#[test]
#[ignore = "defect: wide Unicode (CJK, emoji) breaks table columns: widths count chars, not terminal cells"]
fn wide_unicode_keeps_table_columns_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = numbers_with_usages(dir.path(), &["中文用户", "📞📞", "usage"]);
    let named = dir.path().join("电话号码.csv");
    std::fs::write(&named, "number\n+15559990000\n").unwrap();
    let out = import(&cfg, &named);
    assert!(out.status.success(), "{}", text(&out).1);
    let mut wrong = vec![];
    for args in [&["numbers"][..], &["jobs"][..]] {
        let listing = ok(&cfg, args);
        let bad = misaligned(&listing);
        if !bad.is_empty() {
            wrong.push(format!("{args:?}: {bad:#?} in\n{listing}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
