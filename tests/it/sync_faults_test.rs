//! A sync that cannot fetch every page changes nothing; a sync that would
//! cool too much stops for confirmation. Real binary, real simulator.

use crate::common;
use common::*;

const DAY0: &str = "2026-11-22T10:00:00Z";

/// The lab ARM with 40 users synced in, then 10 of them gone, so that any
/// partial fetch would cool numbers it must not.
fn synced_lab(dir: &std::path::Path) -> (SimProcess, std::path::PathBuf) {
    let sim = SimProcess::with_scenario(dir, &lab_scenario(40));
    let cfg = lab_config(dir, &sim.addr);
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    sim.generate("lab", 30);
    (sim, cfg)
}

#[test]
fn a_failed_page_truncated_body_or_timeout_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = synced_lab(dir.path());
    let before = run_at(&cfg, DAY0, &["numbers", "--csv"]).stdout;
    assert_eq!(String::from_utf8_lossy(&before).lines().count(), 41);

    for (fault, expect) in [
        (
            r#"{"path":"/ARM/v1/registeredUsers","kind":"status","status":500,"after":1}"#,
            "500",
        ),
        (
            r#"{"path":"/ARM/v1/registeredUsers","kind":"truncate","after":2}"#,
            "registeredUsers",
        ),
        (
            r#"{"path":"/ARM/v1/registeredUsers","kind":"malformed","after":1}"#,
            "registeredUsers",
        ),
        (
            r#"{"path":"/ARM/v1/registeredUsers","kind":"delay","ms":2500,"after":1}"#,
            "registeredUsers",
        ),
    ] {
        sim.fault(fault);
        let out = run_at(&cfg, "2026-11-22T11:00:00Z", &["sync", "audiocodes", "lab"]);
        let (_, stderr) = text(&out);
        sim.clear_faults();
        assert_eq!(out.status.code(), Some(1), "{fault}: {stderr}");
        assert!(stderr.contains(expect), "{fault}: {stderr}");
        assert!(stderr.contains("nothing was changed"), "{fault}: {stderr}");
        assert!(
            !stderr.contains("lab-password"),
            "the secret leaked: {stderr}"
        );
        let after = run_at(&cfg, DAY0, &["numbers", "--csv"]).stdout;
        assert_eq!(before, after, "{fault}: the inventory changed");
    }

    // Without faults the same sync goes through: the failures above were
    // the faults, not a sync that could never have cooled anything.
    let out = run_at(&cfg, "2026-11-22T11:00:00Z", &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(text(&out).0.contains("cooled 10"), "{}", text(&out).0);
}

#[test]
fn the_guard_stops_a_sync_that_would_cool_most_numbers_until_forced() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = synced_lab(dir.path());
    sim.generate("lab", 5);
    let before = run_at(&cfg, DAY0, &["numbers", "--csv"]).stdout;

    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("would cool 35 of 40"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(before, run_at(&cfg, DAY0, &["numbers", "--csv"]).stdout);

    let out = run_at(
        &cfg,
        DAY0,
        &["sync", "audiocodes", "lab", "--force", "--json"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["result"]["counts"]["cooled"], 35, "{v}");
    let cooling = inventory(&cfg, DAY0)
        .iter()
        .filter(|r| r["status"] == "Cooling")
        .count();
    assert_eq!(cooling, 35);
}
