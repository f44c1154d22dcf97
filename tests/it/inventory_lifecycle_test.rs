//! The VOSS AudioCodes lifecycle across simulated days: the real binary,
//! the real simulator, a real store, `SWITCHBOARD_NOW` moving the clock.

use crate::common;
use common::*;
use serde_json::{json, Value};

fn sync_at(cfg: &std::path::Path, now: &str) -> Value {
    let out = run_at(cfg, now, &["sync", "audiocodes", "lab", "--json"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "sync at {now}: {stderr}{stdout}");
    serde_json::from_str(&stdout).unwrap()
}

fn sweep_at(cfg: &std::path::Path, now: &str) -> String {
    let out = run_at(cfg, now, &["sweep"]);
    assert!(out.status.success(), "{}", text(&out).1);
    text(&out).0
}

#[test]
fn registered_offline_back_deleted_released_and_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(0));
    let cfg = lab_config(dir.path(), &sim.addr);
    for (id, n) in [
        ("u1", "+15550001001"),
        ("u2", "+15550001002"),
        ("u3", "+15550001003"),
        ("u4", "+15550001004"),
        ("u5", "+15550001005"),
    ] {
        sim.add_user("lab", id, n, "REGISTERED");
    }
    // A Microsoft number that u5 also claims: a conflict, never taken.
    let csv = dir.path().join("ms.csv");
    std::fs::write(
        &csv,
        "number,status,usage,vendor\n+15550001005,Used,User,Microsoft\n",
    )
    .unwrap();
    let out = run_at(
        &cfg,
        "2026-11-22T09:00:00Z",
        &["numbers", "import", csv.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out).1);

    // Day 0: registered users become Used / Device / AudioCodes.
    let r = sync_at(&cfg, "2026-11-22T10:00:00Z");
    assert_eq!(r["result"]["counts"]["added"], 4, "{r}");
    assert_eq!(r["result"]["counts"]["conflicts"], 1, "{r}");
    assert_eq!(r["result"]["conflicts"][0]["number"], "+15550001005");
    let inv = inventory(&cfg, "2026-11-22T10:00:00Z");
    let u1 = row(&inv, "+15550001001");
    assert_eq!(
        (
            u1["status"].as_str(),
            u1["usage"].as_str(),
            u1["vendor"].as_str()
        ),
        (Some("Used"), Some("Device"), Some("AudioCodes"))
    );
    assert_eq!(u1["connection"], "lab");
    assert_eq!(u1["registered_user"], "u1");

    // Day 0, later: u1 goes offline, u2 is deleted.
    sim.set_status("lab", "u1", "OFFLINE");
    sim.delete_user("lab", "u2");
    let r = sync_at(&cfg, "2026-11-22T15:30:00Z");
    assert_eq!(r["result"]["counts"]["cooled"], 2, "{r}");
    let inv = inventory(&cfg, "2026-11-22T15:30:00Z");
    for n in ["+15550001001", "+15550001002"] {
        let it = row(&inv, n);
        assert_eq!(it["status"], "Cooling", "{n}");
        assert_eq!(
            it["tag"],
            "Registered user is either offline or deleted, release date 2026-11-22 + 2 days"
        );
        assert_eq!(it["release_date"], "2026-11-24");
    }

    // Day 1: u1 is back online before its release: Used again, tag cleared.
    sim.set_status("lab", "u1", "registered");
    let r = sync_at(&cfg, "2026-11-23T09:00:00Z");
    assert_eq!(r["result"]["counts"]["restored"], 1, "{r}");
    let inv = inventory(&cfg, "2026-11-23T09:00:00Z");
    let u1 = row(&inv, "+15550001001");
    assert_eq!(u1["status"], "Used");
    assert_eq!(u1["usage"], "Device");
    assert_eq!(u1["vendor"], "AudioCodes");
    assert_eq!(u1["tag"], Value::Null);
    assert_eq!(u1["release_date"], Value::Null);

    // Not yet: one minute before 00:00 UTC of the release date.
    assert!(sweep_at(&cfg, "2026-11-23T23:59:00Z").contains("released 0"));
    assert_eq!(
        row(&inventory(&cfg, "2026-11-23T23:59:00Z"), "+15550001002")["status"],
        "Cooling"
    );

    // Day 2 at 00:00 UTC: the deleted user's number is Available, cleared.
    assert!(sweep_at(&cfg, "2026-11-24T00:00:00Z").contains("released 1"));
    let inv = inventory(&cfg, "2026-11-24T00:00:00Z");
    let u2 = row(&inv, "+15550001002");
    assert_eq!(
        (
            u2["status"].clone(),
            u2["vendor"].clone(),
            u2["usage"].clone(),
            u2["tag"].clone(),
            u2["release_date"].clone()
        ),
        (
            json!("Available"),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null
        )
    );

    // The other vendor's number was left exactly as it was throughout.
    let ms = row(&inv, "+15550001005");
    assert_eq!(
        (
            ms["status"].clone(),
            ms["vendor"].clone(),
            ms["connection"].clone()
        ),
        (json!("Used"), json!("Microsoft"), Value::Null)
    );
}

#[test]
fn hand_actions_ranges_and_audit_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(3));
    let cfg = lab_config(dir.path(), &sim.addr);
    let now = "2026-11-22T10:00:00Z";
    sync_at(&cfg, now);

    let ok = |args: &[&str]| {
        let out = run_at(&cfg, now, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
        text(&out).0
    };
    assert!(ok(&["numbers", "add-range", "+15550002000", "+15550002009"]).contains("added 10"));
    assert!(
        ok(&["numbers", "add-range", "+15550002005", "+15550002014"]).contains("5 were already")
    );
    ok(&["numbers", "reserve", "+15550002000"]);
    ok(&["numbers", "cool", "+15550002001", "--days", "7"]);
    ok(&["numbers", "extend", "+15550002001", "--days", "3"]);
    ok(&["numbers", "tag", "+15550002002", "lab bench"]);
    let inv = inventory(&cfg, now);
    assert_eq!(row(&inv, "+15550002000")["status"], "Reserved");
    let cooled = row(&inv, "+15550002001");
    assert_eq!(cooled["release_date"], "2026-12-02");
    assert!(cooled["tag"]
        .as_str()
        .unwrap()
        .ends_with("release date 2026-11-22 + 10 days"));
    assert_eq!(row(&inv, "+15550002002")["tag"], "lab bench");

    // Refusals are clear and change nothing.
    let out = run_at(&cfg, now, &["numbers", "reserve", "+15550002000"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("is Reserved, not Available"),
        "{}",
        text(&out).1
    );
    let out = run_at(
        &cfg,
        now,
        &["numbers", "cool", "+15550002003", "--days", "1000"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("1 to 999"));
    let out = run_at(
        &cfg,
        now,
        &["numbers", "add-range", "+15550000000", "+15550100000"],
    );
    assert!(text(&out).1.contains("at most 100000"), "{}", text(&out).1);

    // Audit: a number of this ARM put Available by hand is a finding; --fix
    // applies the sync rule (registered, so Used again).
    ok(&["numbers", "cool", "+15550001000", "--days", "1"]);
    ok(&["numbers", "release", "+15550001000"]);
    let out = run_at(&cfg, now, &["audit", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["result"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["number"], "+15550001000");
    assert_eq!(findings[0]["kind"], "registered_not_used");
    ok(&["audit", "--fix"]);
    assert_eq!(row(&inventory(&cfg, now), "+15550001000")["status"], "Used");
    let out = run_at(&cfg, now, &["audit", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["findings"].as_array().unwrap().len(), 0, "{v}");

    // Filters and CSV export.
    let out = ok(&["numbers", "--status", "Reserved", "--csv"]);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.starts_with(
        "number,status,usage,vendor,tag,release_date,connection,registered_user,last_seen\n"
    ));
    // The table's header row (issue 18), then the one match.
    let out = ok(&["numbers", "--filter", "lab bench"]);
    assert!(
        out.contains("+15550002002") && out.lines().count() == 2,
        "{out}"
    );
}

#[test]
fn purge_cools_every_number_of_the_connection_and_needs_yes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(12));
    let cfg = lab_config(dir.path(), &sim.addr);
    let now = "2026-11-22T10:00:00Z";
    sync_at(&cfg, now);
    let out = run_at(&cfg, now, &["purge", "audiocodes", "lab"]);
    assert_eq!(out.status.code(), Some(3), "without --yes nothing is done");
    assert!(inventory(&cfg, now).iter().all(|r| r["status"] == "Used"));
    let out = run_at(&cfg, now, &["purge", "audiocodes", "lab", "--yes"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).0.contains("12 numbers cooling"),
        "{}",
        text(&out).0
    );
    let inv = inventory(&cfg, now);
    assert!(inv
        .iter()
        .all(|r| r["status"] == "Cooling" && r["release_date"] == "2026-11-24"));
    // The cached users are gone: the audit has nothing registered to compare.
    let out = run_at(&cfg, now, &["audit", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["findings"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn the_headless_worker_runs_due_schedules_and_the_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(4));
    let cfg = lab_config(dir.path(), &sim.addr);
    let text_cfg =
        std::fs::read_to_string(&cfg).unwrap() + "schedule = \"15m\"\nschedule_enabled = true\n";
    let cfg = write_config(dir.path(), &text_cfg);

    let once = |now: &str| {
        let out = run_at(&cfg, now, &["worker", "--once"]);
        assert!(out.status.success(), "{}", text(&out).1);
        text(&out).0
    };
    assert!(
        once("2026-11-22T10:00:00Z").contains("lab: added 4"),
        "never ran: due at once"
    );
    assert_eq!(
        once("2026-11-22T10:10:00Z"),
        "",
        "not due for another 5 minutes"
    );
    sim.delete_user("lab", "lab-u00001");
    assert!(once("2026-11-22T10:16:00Z").contains("cooled 1"));
    let cooling: Vec<_> = inventory(&cfg, "2026-11-22T10:17:00Z")
        .into_iter()
        .filter(|r| r["status"] == "Cooling")
        .collect();
    assert_eq!(cooling.len(), 1, "{cooling:?}");
    // Two days later the sweep is due as well as the schedule. Both run in
    // the same round and either may release the number first; between them
    // it is released exactly once.
    let out = once("2026-11-24T00:01:00Z");
    assert!(out.contains("sweep released"), "no sweep ran: {out}");
    let released: u32 = out
        .lines()
        .filter_map(|l| {
            l.split("released ")
                .nth(1)?
                .split([' ', ','])
                .next()?
                .parse::<u32>()
                .ok()
        })
        .sum();
    assert_eq!(released, 1, "{out}");
    let after = inventory(&cfg, "2026-11-24T00:02:00Z");
    assert_eq!(
        row(&after, cooling[0]["number"].as_str().unwrap())["status"],
        "Available"
    );
}
