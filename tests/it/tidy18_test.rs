//! Issue 18's loose ends: counts say one in the singular in every summary
//! a person reads; a job's error of several lines (an import's bad lines)
//! prints as lines, each still escaped; `--tab` takes any case.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

/// A config with an empty store in `dir`.
fn empty_store(dir: &Path) -> PathBuf {
    write_config(dir, &config_head(&dir.join("s.db"), 1))
}

/// Runs a command that must succeed; its stdout.
fn ok(cfg: &Path, now: &str, args: &[&str]) -> String {
    let out = run_at(cfg, now, args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?}: {stderr}");
    stdout
}

const NOW: &str = "2026-11-30T10:00:00Z";
const LATER: &str = "2027-01-01T10:00:00Z";

#[test]
fn one_of_a_thing_is_said_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = empty_store(dir.path());
    let csv = dir.path().join("one.csv");
    // An AudioCodes number that is not Used: one audit finding.
    std::fs::write(
        &csv,
        "number,status,usage,vendor\n+15557770001,Available,,AudioCodes\n",
    )
    .unwrap();
    let n = "+15557770001";
    let said = [
        (
            ok(&cfg, NOW, &["numbers", "import", csv.to_str().unwrap()]),
            "imported 1 number from",
        ),
        (ok(&cfg, NOW, &["audit"]), "audit: 1 finding\n"),
        (
            ok(&cfg, NOW, &["numbers", "reserve", n]),
            "reserve: 1 of 1 number\n",
        ),
        (
            ok(&cfg, NOW, &["numbers", "unreserve", n]),
            "unreserve: 1 of 1 number\n",
        ),
        (
            ok(&cfg, NOW, &["numbers", "cool", n, "--days", "1"]),
            "cool 1 day: 1 of 1 number\n",
        ),
        (
            ok(&cfg, LATER, &["sweep"]),
            "sweep released 1 cooling number\n",
        ),
        (
            ok(
                &cfg,
                NOW,
                &["numbers", "add-range", "+15557770002", "+15557770002"],
            ),
            "added 1 Available number; 0 were already",
        ),
        (
            ok(
                &cfg,
                NOW,
                &["numbers", "add-range", "+15557770002", "+15557770003"],
            ),
            "added 1 Available number; 1 was already in the inventory and left as it was",
        ),
    ];
    for (stdout, expected) in said {
        assert!(stdout.contains(expected), "`{expected}` in {stdout:?}");
    }
    // The inventory's total after the import said "1 number" too.
    let csv2 = dir.path().join("two.csv");
    std::fs::write(&csv2, "+15557770004\n+15557770005\n").unwrap();
    let stdout = ok(&cfg, NOW, &["numbers", "import", csv2.to_str().unwrap()]);
    assert!(
        stdout.contains("imported 2 numbers from") && stdout.ends_with("holds 5 numbers\n"),
        "{stdout}"
    );
}

/// An import with three bad lines fails with four lines on stderr: the
/// count, then one line per bad line; raw escapes (here in the file's
/// name) are still shown escaped.
#[test]
fn an_error_of_several_lines_prints_as_lines_each_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = empty_store(dir.path());
    let csv = dir.path().join("bad\x1b[2J.csv");
    std::fs::write(
        &csv,
        "number,status\n+1555x,Available\n+15557770009,Bogus\n+15557770010,,\n",
    )
    .unwrap();
    let out = run_at(&cfg, NOW, &["numbers", "import", csv.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(
        lines[0].ends_with("bad\\x1b[2J.csv: nothing was imported: 3 bad lines"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with("  line 2: \"+1555x\" is neither E.164"),
        "{stderr}"
    );
    assert_eq!(lines[2], "  line 3: unknown status \"Bogus\"");
    assert_eq!(lines[3], "  line 4: 3 fields, but the header has 2");
    assert!(
        !stderr.contains('\x1b'),
        "a raw ESC reached the terminal: {stderr:?}"
    );
    assert!(!stderr.contains("\\x0a"), "{stderr}");

    // The job's record keeps the lines (`jobs --json` carries them as is).
    let jobs = run_at(&cfg, NOW, &["jobs", "--json"]);
    let jobs: serde_json::Value = serde_json::from_slice(&jobs.stdout).unwrap();
    let error = jobs[0]["error"].as_str().unwrap();
    assert_eq!(error.lines().count(), 4, "{error}");
    assert!(!error.contains('\x1b'), "{error:?}");

    // The `jobs` table keeps the job on one row: the first line, and how
    // many more there are.
    let listing = text(&run_at(&cfg, NOW, &["jobs", "--no-header"])).0;
    let row: Vec<&str> = listing.lines().filter(|l| l.contains("import")).collect();
    assert_eq!(row.len(), 1, "{listing}");
    assert!(
        row[0].ends_with(
            "nothing was imported: 3 bad lines (and 3 more lines in `switchboard jobs --json`)"
        ),
        "{listing}"
    );
}

/// The accepted spellings are pinned by a unit test in src/cli.rs (a
/// right one here would open the dashboard on a developer's terminal).
#[test]
fn a_start_tab_that_is_none_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = empty_store(dir.path());
    let out = run_at(&cfg, NOW, &["tui", "--tab", "numberz"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("invalid value 'numberz'"), "{stderr}");
}

/// A voice family and its actions are named in any case, as the enum
/// filters are.
#[test]
fn voice_families_and_actions_take_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        r#"
[axp]
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "s"
app_key = "k"
items_per_family = 2
phone_numbers = 1
"#,
    );
    let url = format!("http://{}", sim.addr);
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            axp_connection(&url, "TESTAX", "s", "k")
        ),
    );
    let lower = ok(
        &cfg,
        NOW,
        &["voice", "list", "phone-numbers", "--no-header"],
    );
    let upper = ok(
        &cfg,
        NOW,
        &["voice", "list", "Phone-Numbers", "--no-header"],
    );
    assert_eq!(lower.lines().count(), 1, "{lower}");
    assert_eq!(upper, lower);
    let body = dir.path().join("numbers.json");
    let number = lower.split_whitespace().nth(1).unwrap();
    std::fs::write(&body, format!("[\"{number}\"]")).unwrap();
    let stdout = ok(
        &cfg,
        NOW,
        &[
            "voice",
            "action",
            "PHONE-NUMBERS",
            "getbyphonenumbers",
            "--file",
            body.to_str().unwrap(),
        ],
    );
    assert!(stdout.contains(": 1 phone number\n"), "{stdout}");
}
