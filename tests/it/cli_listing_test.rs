//! Issue 18: the listings as Unix tools. Every listing has a header row
//! (left out with `--no-header`) and columns fitted to their content; the
//! `--json` of `jobs`, `connections list` and a job's result has its
//! documented keys, with null for what is absent; enum filters ignore
//! case; an empty store says what to run; a dry run says it applied
//! nothing; counts have their plural right.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A name much longer than any column title.
const LONG: &str = "a-connection-with-a-name-far-longer-than-its-column";

/// The simulator (an ARM "lab", Live Platform, AXP) and a config naming
/// them "lab", LONG (the same ARM), "lp" and "axp"; numbers imported with
/// three vendors, profiles, services and leads refreshed, and one sync.
fn setup(dir: &Path) -> (SimProcess, PathBuf) {
    let scenario = format!(
        "{}{}",
        lab_scenario(3),
        r#"
[live_platform]
client_id = "lp-client"
client_secret = "lp-secret-value"
extra_profiles = 3
customers = 2
leads = 3
task_seconds = 1

[axp]
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "s"
app_key = "k"
items_per_family = 2
phone_numbers = 5
"#
    );
    let sim = SimProcess::with_scenario(dir, &scenario);
    let url = format!("http://{}", sim.addr);
    let cfg = write_config(
        dir,
        &format!(
            "{}{}{}{}{}",
            config_head(&dir.join("s.db"), 5),
            arm_connection("lab", &sim.addr, LAB_LOGIN, 10, ""),
            arm_connection(LONG, &sim.addr, LAB_LOGIN, 10, ""),
            lp_connection(&url, "lp-secret-value"),
            axp_connection(&url, "TESTAX", "s", "k")
        ),
    );
    let csv = dir.join("numbers.csv");
    std::fs::write(
        &csv,
        "number,status,vendor,usage\n\
         +15557770001,Used,AudioCodes,user\n\
         +15557770002,Available,Microsoft,\n\
         +15557770003,Used,a-vendor-with-a-very-long-name,x\n",
    )
    .unwrap();
    for args in [
        &["numbers", "import", csv.to_str().unwrap()][..],
        &["refresh", "live-platform", "lp"][..],
        &["sync", "audiocodes", "lab"][..],
    ] {
        let out = run(&cfg, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    (sim, cfg)
}

fn ok(cfg: &Path, args: &[&str]) -> (String, String) {
    let out = run(cfg, args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

fn json(cfg: &Path, args: &[&str]) -> Value {
    let (stdout, _) = ok(cfg, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

/// Where each column starts, from the header row: each title's first
/// character after the gap of two spaces.
fn column_starts(header: &str) -> Vec<usize> {
    let chars: Vec<char> = header.chars().collect();
    (0..chars.len())
        .filter(|&i| {
            i == 0 || (i >= 2 && chars[i - 1] == ' ' && chars[i - 2] == ' ' && chars[i] != ' ')
        })
        .collect()
}

/// Every row's cells start where the header's titles start (a long cell
/// widens its column rather than pushing the rest of its row).
fn assert_aligned(args: &[&str], listing: &str) {
    let mut lines = listing.lines();
    let header = lines.next().unwrap_or_else(|| panic!("{args:?}: empty"));
    let starts = column_starts(header);
    for line in lines.filter(|l| !l.starts_with("      ")) {
        let chars: Vec<char> = line.chars().collect();
        for &s in &starts[1..] {
            let starts_here = chars.get(s).is_some_and(|c| *c != ' ')
                && chars[s - 1] == ' '
                && chars[s - 2] == ' ';
            // A trailing empty cell is trimmed.
            assert!(
                starts_here || chars.len() <= s,
                "{args:?}: column at {s} broken in\n{header}\n{line}"
            );
        }
    }
}

/// Rule: each listing starts with its header row of titles, fitted to the
/// content; `--no-header` leaves the header out and nothing else.
#[test]
fn every_listing_has_a_header_row_that_no_header_leaves_out() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    for (args, first_title) in [
        (&["numbers"][..], "NUMBER"),
        (&["profiles"][..], "NAME"),
        (&["services"][..], "SHORT NAME"),
        (&["leads"][..], "ID"),
        (&["voice", "list", "phone-numbers"][..], "PHONE NUMBER ID"),
        (&["jobs"][..], "CREATED"),
        (&["connections", "list"][..], "VENDOR"),
        (&["audit"][..], "NUMBER"),
    ] {
        // `audit` ends with the job's summary line, after its table.
        let not_summary = |l: &&str| !l.starts_with("audit: ");
        let (with, _) = ok(&cfg, args);
        let with = with
            .lines()
            .filter(not_summary)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(with.starts_with(first_title), "{args:?}:\n{with}");
        assert_aligned(args, &with);
        let mut flagged = args.to_vec();
        flagged.push("--no-header");
        let (without, _) = ok(&cfg, &flagged);
        let rows: Vec<&str> = with.lines().skip(1).collect();
        let bare: Vec<&str> = without.lines().filter(not_summary).collect();
        assert_eq!(rows.len(), bare.len(), "{args:?}:\n{with}\n--\n{without}");
        assert!(!without.contains(first_title), "{args:?}:\n{without}");
        // The rows are the same, only their padding may be narrower.
        for (row, plain) in rows.iter().zip(&bare) {
            let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(words(row), words(plain), "{args:?}");
        }
    }
    // The long name and the long vendor have widened their columns.
    let (listing, _) = ok(&cfg, &["connections", "list"]);
    assert!(listing.contains(LONG), "{listing}");
    let (listing, _) = ok(&cfg, &["numbers"]);
    assert!(
        listing.contains("a-vendor-with-a-very-long-name"),
        "{listing}"
    );
}

/// Rule: `jobs --json` and `connections list --json` have their documented
/// keys; absent values are null, never "".
#[test]
fn jobs_and_connections_json_have_their_keys_and_null_for_absent() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let jobs = json(&cfg, &["jobs", "--json"]);
    let jobs = jobs.as_array().unwrap();
    assert_eq!(jobs.len(), 3, "{jobs:?}");
    for j in jobs {
        let mut keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "created_at",
                "done",
                "ended_at",
                "error",
                "id",
                "kind",
                "started_at",
                "state",
                "summary",
                "target",
                "total"
            ]
        );
        assert_eq!(j["state"], "succeeded", "{j}");
        assert!(j["error"].is_null(), "a success has no error: {j}");
        assert!(j["summary"].is_string(), "{j}");
    }

    let conns = json(&cfg, &["connections", "list", "--json"]);
    let conns = conns.as_array().unwrap();
    let names: Vec<&str> = conns.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["lab", LONG, "lp", "axp"]);
    for c in conns {
        let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "address",
                "auth",
                "ca_file",
                "name",
                "read_only",
                "source",
                "stale",
                "tls_verify",
                "vendor"
            ]
        );
        assert!(c["ca_file"].is_null(), "{c}");
        assert_eq!(c["source"], "config");
        assert_eq!(c["stale"], serde_json::json!([]));
        assert_eq!(c["tls_verify"], true);
    }
    assert_eq!(conns[0]["vendor"], "audiocodes");
    assert_eq!(conns[0]["auth"], "basic");
}

/// Rule: the JSON of a job's result has null for an absent error (it was
/// `"error": ""`), and the keys state, summary, error, result.
#[test]
fn a_successful_jobs_json_result_has_a_null_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    for args in [
        &["audit", "--json"][..],
        &["sync", "audiocodes", "lab", "--json"][..],
    ] {
        let v = json(&cfg, args);
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["error", "result", "state", "summary"], "{args:?}");
        assert_eq!(v["state"], "succeeded", "{args:?}: {v}");
        assert!(v["error"].is_null(), "{args:?}: {v}");
        assert!(v["summary"].is_string(), "{args:?}: {v}");
    }
}

/// Rule: `--vendor` ignores case, as `--status` does.
#[test]
fn the_vendor_filter_ignores_case() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &config_head(&dir.path().join("s.db"), 1));
    let csv = dir.path().join("n.csv");
    std::fs::write(
        &csv,
        "number,vendor\n+15557770001,AudioCodes\n+15557770002,Microsoft\n",
    )
    .unwrap();
    ok(&cfg, &["numbers", "import", csv.to_str().unwrap()]);
    let numbers = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["numbers", "--json"];
        all.extend_from_slice(args);
        json(&cfg, &all)
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].as_str().unwrap().to_string())
            .collect()
    };
    for vendor in ["audiocodes", "AUDIOCODES", "AudioCodes"] {
        assert_eq!(numbers(&["--vendor", vendor]), ["+15557770001"], "{vendor}");
    }
    assert_eq!(numbers(&["--vendor", "microsoft"]), ["+15557770002"]);
    assert_eq!(
        numbers(&["--vendor", "audiocodes", "--status", "available"]),
        ["+15557770001"]
    );
    // The text filter ignores case too (tags, registered users).
    ok(&cfg, &["numbers", "tag", "+15557770002", "Front Desk"]);
    assert_eq!(numbers(&["--filter", "front desk"]), ["+15557770002"]);
}

/// Rule: a listing of an empty store prints nothing on stdout (`[]` with
/// `--json`), says on stderr what to run, and exits 0.
#[test]
fn an_empty_store_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(dir.path(), &config_head(&dir.path().join("s.db"), 1));
    for (args, hint) in [
        (
            &["profiles"][..],
            "no calling profiles stored; run `switchboard refresh live-platform NAME`",
        ),
        (
            &["services"][..],
            "no Operator Connect services stored; run `switchboard refresh live-platform NAME`",
        ),
        (
            &["leads"][..],
            "no Operator Connect leads stored; run `switchboard refresh live-platform NAME`",
        ),
        (
            &["numbers"][..],
            "no numbers stored; add some with `switchboard numbers add-range FROM TO`",
        ),
        (&["jobs"][..], "no jobs recorded in"),
        (
            &["connections", "list"][..],
            "no connections configured; add one to the config file",
        ),
    ] {
        let (stdout, stderr) = ok(&cfg, args);
        assert_eq!(stdout, "", "{args:?}");
        assert!(stderr.contains(hint), "{args:?}: {stderr}");
        let mut as_json = args.to_vec();
        as_json.push("--json");
        let (stdout, _) = ok(&cfg, &as_json);
        assert_eq!(stdout, "[]\n", "{args:?}");
    }
    // Stored numbers that no filter matches are not "nothing stored".
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000001"],
    );
    let (stdout, stderr) = ok(&cfg, &["numbers", "--status", "cooling"]);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "no numbers match the filters\n");
}

/// Rule: a dry run's log says it planned and applied nothing (it said
/// "planned and written"); a real sync says it applied.
#[test]
fn a_dry_run_says_nothing_was_applied() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(5));
    let cfg = lab_config(dir.path(), &sim.addr);
    let (_, stderr) = ok(&cfg, &["sync", "audiocodes", "lab", "--dry-run"]);
    assert!(
        stderr.contains("a dry run: nothing applied to the inventory"),
        "{stderr}"
    );
    assert!(!stderr.contains("written"), "{stderr}");
    assert!(!stderr.contains("applied in"), "{stderr}");
    let (numbers, _) = ok(&cfg, &["numbers", "--json"]);
    assert_eq!(numbers, "[]\n", "the dry run added nothing");
    let (_, stderr) = ok(&cfg, &["sync", "audiocodes", "lab"]);
    assert!(stderr.contains("planned and applied in"), "{stderr}");
}

/// Rule: one trunk is "1 trunk", any other count "N trunks".
#[test]
fn trunk_counts_have_their_plural_right() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let profiles = json(&cfg, &["profiles", "--json"]);
    let (table, _) = ok(&cfg, &["profiles", "--no-header"]);
    let mut seen = std::collections::BTreeSet::new();
    for p in profiles.as_array().unwrap() {
        let name = p["profile"]["name"].as_str().unwrap();
        let trunks = p["profile"]["trunksEnrolled"].as_array().unwrap().len();
        let count = if trunks == 1 {
            "  1 trunk  ".to_string()
        } else {
            format!("  {trunks} trunks  ")
        };
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not in\n{table}"));
        assert!(line.contains(&count), "{count:?} not in {line:?}");
        seen.insert(trunks == 1);
    }
    assert_eq!(
        seen.len(),
        2,
        "the scenario has one-trunk and many-trunk profiles"
    );
}

/// Rule: `voice list --filter` keys ignore case, and reach the API spelled
/// as it takes them (the simulator filters on `countryCode` only).
#[test]
fn voice_list_filter_keys_ignore_case() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let listed = |filter: &str| -> usize {
        let args = [
            "voice",
            "list",
            "available-phone-numbers",
            "--filter",
            filter,
            "--json",
        ];
        json(&cfg, &args).as_array().unwrap().len()
    };
    assert!(listed("countryCode=US") > 0);
    assert_eq!(listed("COUNTRYCODE=US"), listed("countryCode=US"));
    assert_eq!(listed("countryCode=CA"), 0, "the simulator filters");
    assert_eq!(listed("countrycode=CA"), 0, "the key reached the API");
}

/// `numbers --csv` on a terminal: a tag holding a terminal command (an
/// OSC title change) is shown escaped, as every line for people is; piped,
/// the CSV keeps the tag's bytes.
#[test]
fn csv_on_a_terminal_shows_vendor_text_escaped_and_piped_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = lab_config(dir.path(), "127.0.0.1:9");
    let file = dir.path().join("tags.csv");
    std::fs::write(&file, "number,tag\n+15550000001,a\x1b]0;pwned\x07b\n").unwrap();
    let out = run(&cfg, &["numbers", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);
    let piped = run(&cfg, &["numbers", "--csv"]);
    assert!(
        text(&piped).0.contains("a\x1b]0;pwned\x07b"),
        "{}",
        text(&piped).0
    );
    let command = format!(
        "{} --config {} numbers --csv; echo EXIT=$?; sleep 60",
        env!("CARGO_BIN_EXE_switchboard"),
        cfg.display()
    );
    let Some(pane) = tmux::TmuxPane::start("csvtty", &command, (100, 10)) else {
        return;
    };
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert!(screen.contains(r"a\x1b]0;pwned\x07b"), "{screen}");
}

/// `audit` on an empty store says how to add numbers; with numbers, no hint.
#[test]
fn audit_of_an_empty_store_says_what_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = lab_config(dir.path(), "127.0.0.1:9");
    let empty = run(&cfg, &["audit"]);
    assert!(empty.status.success(), "{}", text(&empty).1);
    assert!(
        text(&empty).1.contains("no numbers stored; add some with"),
        "{}",
        text(&empty).1
    );
    let json = run(&cfg, &["audit", "--json"]);
    assert!(
        !text(&json).1.contains("no numbers stored"),
        "{}",
        text(&json).1
    );
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000002"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let stocked = run(&cfg, &["audit"]);
    assert!(stocked.status.success(), "{}", text(&stocked).1);
    assert!(
        !text(&stocked).1.contains("no numbers stored"),
        "{}",
        text(&stocked).1
    );
}
