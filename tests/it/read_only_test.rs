//! `--read-only`, `read_only = true` at the top of the config, and
//! `read_only = true` on one connection: every write action, local and
//! remote, is refused (exit 4, "refused: …") and the store stays as it was.
//! Reads, previews and tests still work.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

const DAY0: &str = "2026-11-22T10:00:00Z";

/// The demo scenario's connections; `ro` marks the ones made read-only
/// (`*` for the whole config).
fn config(dir: &Path, addr: &str, ro: &[&str]) -> PathBuf {
    let text = demo_config(addr, &dir.join("s.db"));
    let mut out = String::new();
    if ro.contains(&"*") {
        out.push_str("read_only = true\n");
    }
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if let Some(name) = line.strip_prefix("name = ") {
            if ro.contains(&name.trim_matches('"')) {
                out.push_str("read_only = true\n");
            }
        }
    }
    write_config(dir, &out)
}

/// Every write the CLI offers: to the inventory and to each vendor.
fn writes(dir: &Path) -> Vec<Vec<String>> {
    let csv = dir.join("import.csv");
    std::fs::write(&csv, "number\n+15559990001\n").unwrap();
    let aco = dir.join("aco.json");
    std::fs::write(
        &aco,
        r#"{"name":"ro-test","environment":"Production","didNumbers":["+16065550123"]}"#,
    )
    .unwrap();
    let service =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/lp_create_service_seed.json");
    let n = "+12125550001";
    let p = |s: &Path| s.display().to_string();
    [
        vec!["sync", "audiocodes", "arm-basic"],
        vec!["purge", "audiocodes", "arm-basic", "--yes"],
        vec!["sweep"],
        vec!["audit", "--fix"],
        vec!["numbers", "add-range", "+15559990000", "+15559990009"],
        vec!["numbers", "import", &p(&csv)],
        vec!["numbers", "release", n],
        vec!["numbers", "cool", n, "--days", "3"],
        vec!["numbers", "extend", n, "--days", "3"],
        vec!["numbers", "reserve", n],
        vec!["numbers", "unreserve", n],
        vec!["numbers", "tag", n, "hello"],
        vec!["voice", "create", "aco-elements", "--file", &p(&aco)],
        vec!["voice", "delete", "aco-elements", "some-id", "--yes"],
        vec!["voice", "sync-cm", "cm-1", "--entities", "AGENT"],
        vec![
            "oc",
            "create-service",
            "--file",
            &p(&service),
            "--connection",
            "lp",
        ],
    ]
    .into_iter()
    .map(|a| a.into_iter().map(String::from).collect())
    .collect()
}

/// The vendor a write goes to, if any (for per-connection read-only).
fn target(args: &[String]) -> &'static str {
    match args[0].as_str() {
        "sync" | "purge" => "arm-basic",
        "voice" => "axp",
        "oc" => "lp",
        _ => "",
    }
}

fn seeded(dir: &Path, sim: &SimProcess) -> PathBuf {
    let cfg = config(dir, &sim.addr, &[]);
    for args in [
        &["sync", "audiocodes", "arm-basic"][..],
        &["refresh", "live-platform", "lp"][..],
        &["refresh", "axp", "axp"][..],
    ] {
        let out = run_at(&cfg, DAY0, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    cfg
}

fn refused(cfg: &Path, extra: &[&str], args: &[String]) -> Result<(), String> {
    let out = bin()
        .env("SWITCHBOARD_NOW", DAY0)
        .arg("--config")
        .arg(cfg)
        .args(extra)
        .args(args)
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    if out.status.code() == Some(4) && stderr.contains("refused: ") {
        Ok(())
    } else {
        Err(format!("{args:?}: exit {:?}: {stderr}", out.status.code()))
    }
}

#[test]
fn read_only_refuses_every_write_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start();
    seeded(dir.path(), &sim);
    let store = dir.path().join("s.db");
    let before = store_dump(&store);
    let writes = writes(dir.path());
    let mut failures = Vec::new();

    // The flag, and the config's own read_only = true.
    let cfg = config(dir.path(), &sim.addr, &[]);
    for args in &writes {
        if let Err(e) = refused(&cfg, &["--read-only"], args) {
            failures.push(format!("--read-only: {e}"));
        }
    }
    let ro_cfg = config(dir.path(), &sim.addr, &["*"]);
    for args in &writes {
        if let Err(e) = refused(&ro_cfg, &[], args) {
            failures.push(format!("read_only = true: {e}"));
        }
    }
    // One connection read-only: the writes to it are refused.
    let per_conn = config(dir.path(), &sim.addr, &["arm-basic", "lp", "axp"]);
    for args in writes.iter().filter(|a| !target(a).is_empty()) {
        if let Err(e) = refused(&per_conn, &[], args) {
            failures.push(format!("{} read_only: {e}", target(args)));
        }
    }
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    assert_same_store(&before, &store_dump(&store), "after refused writes");
    // The check above can tell: without read-only, a write is not refused.
    assert!(
        refused(&cfg, &[], &writes[5]).is_err(),
        "an import was refused without read-only"
    );

    // Reads, previews and tests still work.
    for args in [
        &["sync", "audiocodes", "arm-basic", "--dry-run"][..],
        &["connections", "test", "arm-basic"][..],
        &["numbers", "--json"][..],
        &["audit"][..],
        &["voice", "list", "aco-elements"][..],
    ] {
        let out = run_at(&ro_cfg, DAY0, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    // A connection that is not read-only still takes writes.
    let out = run_at(&per_conn, DAY0, &["sync", "audiocodes", "arm-session"]);
    assert!(out.status.success(), "{}", text(&out).1);
    // And the read-only connections are marked where they are listed.
    let out = run(&per_conn, &["connections", "list"]);
    let listed = text(&out).0;
    let line = |n: &str| {
        listed
            .lines()
            .find(|l| l.contains(n))
            .unwrap_or("")
            .to_string()
    };
    assert!(line("arm-basic ").contains("read-only"), "{listed}");
    assert!(!line("arm-session").contains("read-only"), "{listed}");
}

/// Read-only pauses the worker's clockwork instead of failing a refused job
/// every minute: with a due schedule and a due sweep, `worker --once`
/// submits nothing. A read-only connection's schedule waits while the
/// sweep, a local write, still runs.
#[test]
fn the_worker_pauses_schedules_and_sweeps_under_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(4));
    let lab = std::fs::read_to_string(lab_config(dir.path(), &sim.addr)).unwrap();
    let scheduled = format!("{lab}schedule = \"15m\"\nschedule_enabled = true\n");
    let cfg = write_config(dir.path(), &scheduled);
    // One number cooling: the sync cools it, its release is two days on.
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    sim.delete_user("lab", "lab-u00001");
    let out = run_at(&cfg, DAY0, &["sync", "audiocodes", "lab"]);
    assert!(text(&out).0.contains("cooled 1"), "{}", text(&out).0);

    let store = dir.path().join("s.db");
    let jobs = || -> i64 {
        rusqlite::Connection::open(&store)
            .unwrap()
            .query_row("SELECT count(*) FROM jobs", [], |r| r.get(0))
            .unwrap()
    };
    let before = (store_dump(&store), jobs());
    let later = "2026-11-25T10:00:00Z";
    let worker_once = |cfg: &Path, extra: &[&str]| {
        let out = bin()
            .env("SWITCHBOARD_NOW", later)
            .arg("--config")
            .arg(cfg)
            .args(extra)
            .args(["worker", "--once"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out).1);
        text(&out).0
    };
    let everything = write_config(dir.path(), &format!("read_only = true\n{scheduled}"));
    for (cfg, extra) in [(&cfg, &["--read-only"][..]), (&everything, &[][..])] {
        assert_eq!(worker_once(cfg, extra), "", "{extra:?}: submitted work");
        assert_same_store(&before.0, &store_dump(&store), "a read-only worker");
        assert_eq!(jobs(), before.1, "{extra:?}: a job was recorded");
    }

    let lab_read_only = write_config(dir.path(), &format!("{scheduled}read_only = true\n"));
    let out = worker_once(&lab_read_only, &[]);
    assert!(out.contains("sweep released 1"), "{out}");
    assert!(!out.contains("lab:"), "the read-only lab was synced: {out}");
}
