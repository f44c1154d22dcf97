//! `--read-only` and `read_only = true` leave the store's bytes as they
//! were: the store file and its -wal and -shm, hashed before and after
//! reads, previews, tests, refreshes and refused writes. A missing store
//! is an error rather than created, a store that needs a migration is an
//! error rather than migrated, and the jobs of a read-only session live in
//! memory, where the dashboard still finds them.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

const DAY0: &str = "2026-11-22T10:00:00Z";

fn run_with(cfg: &Path, extra: &[&str], args: &[&str]) -> std::process::Output {
    bin()
        .env("SWITCHBOARD_NOW", DAY0)
        .arg("--config")
        .arg(cfg)
        .args(extra)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn read_only_runs_leave_the_store_bytes_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::start();
    let store = dir.path().join("s.db");
    let body = demo_config(&sim.addr, &store);
    let cfg = write_config(dir.path(), &body);
    for args in [
        &["sync", "audiocodes", "arm-basic"][..],
        &["refresh", "live-platform", "lp"][..],
        &["refresh", "axp", "axp"][..],
    ] {
        let out = run_at(&cfg, DAY0, args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    let before = store_file_hashes(&store);
    // Every process has closed the store: SQLite removed its -wal and -shm.
    assert_eq!(before[1].1, None, "{before:?}");
    assert_eq!(before[2].1, None, "{before:?}");

    let ro_dir = tempfile::tempdir().unwrap();
    let ro_cfg = write_config(ro_dir.path(), &format!("read_only = true\n{body}"));
    for (cfg, extra) in [(&cfg, &["--read-only"][..]), (&ro_cfg, &[][..])] {
        // Reads, a preview, a test and refreshes succeed...
        let out = run_with(
            cfg,
            extra,
            &["sync", "audiocodes", "arm-basic", "--dry-run"],
        );
        assert!(out.status.success(), "{extra:?}: {}", text(&out).1);
        assert!(
            text(&out).0.contains("preview (not applied)"),
            "{}",
            text(&out).0
        );
        for args in [
            &["numbers", "--json"][..],
            &["jobs"][..],
            &["audit"][..],
            &["connections", "test", "arm-basic"][..],
            &["connections", "list"][..],
        ] {
            let out = run_with(cfg, extra, args);
            assert!(out.status.success(), "{extra:?} {args:?}: {}", text(&out).1);
        }
        // ...a refresh says it kept nothing...
        for args in [
            &["refresh", "live-platform", "lp"][..],
            &["refresh", "axp", "axp"][..],
        ] {
            let out = run_with(cfg, extra, args);
            assert!(out.status.success(), "{extra:?} {args:?}: {}", text(&out).1);
            assert!(
                text(&out).0.contains("not stored (read-only)"),
                "{args:?}: {}",
                text(&out).0
            );
        }
        // ...and writes are refused.
        for args in [
            &["sweep"][..],
            &["numbers", "cool", "+12125550001", "--days", "3"][..],
        ] {
            let out = run_with(cfg, extra, args);
            assert_eq!(out.status.code(), Some(4), "{args:?}: {}", text(&out).1);
        }
        assert_eq!(
            store_file_hashes(&store),
            before,
            "{extra:?}: the store's bytes changed"
        );
    }
    // The check can tell: a preview without read-only records its run.
    let out = run_at(
        &cfg,
        DAY0,
        &["sync", "audiocodes", "arm-basic", "--dry-run"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    assert_ne!(
        store_file_hashes(&store)[0],
        before[0],
        "a preview wrote nothing"
    );
}

/// While another process has the store open, a read-only run leaves its
/// -wal and -shm to it, and its commits stay visible.
#[test]
fn a_read_only_run_beside_an_open_store_leaves_its_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 5));
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15559990000", "+15559990003"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let other = rusqlite::Connection::open(&store).unwrap();
    let n: i64 = other
        .query_row("SELECT count(*) FROM numbers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
    let wal = PathBuf::from(format!("{}-wal", store.display()));
    assert!(wal.exists());
    let out = run_with(&cfg, &["--read-only"], &["numbers", "--json"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(text(&out).0.matches("+1555999000").count(), 4);
    assert!(wal.exists(), "the -wal of an open store was removed");
    drop(other);
    assert!(!wal.exists());
}

#[test]
fn a_missing_store_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("new/s.db");
    // Logs elsewhere: the store's directory is not made for them.
    let head = format!(
        "store_path = {:?}\nlog_dir = {:?}\n",
        store.display().to_string(),
        dir.path().join("logs").display().to_string()
    );
    let cfg = write_config(dir.path(), &head);
    let ro_dir = tempfile::tempdir().unwrap();
    let ro_cfg = write_config(ro_dir.path(), &format!("read_only = true\n{head}"));
    let expected = format!(
        "switchboard: no store at {}; run once without --read-only to create it",
        store.display()
    );
    for (cfg, extra, args) in [
        (&cfg, &["--read-only"][..], &["numbers"][..]),
        (&cfg, &["--read-only"][..], &["jobs"][..]),
        (&cfg, &["--read-only"][..], &["audit"][..]),
        (&ro_cfg, &[][..], &["numbers", "--json"][..]),
        (&ro_cfg, &[][..], &["sweep"][..]),
    ] {
        let out = run_with(cfg, extra, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out).1);
        assert!(
            text(&out).1.lines().any(|l| l == expected),
            "{args:?}: {}",
            text(&out).1
        );
        assert!(
            !store.parent().unwrap().exists(),
            "{args:?} made the directory"
        );
    }
    // A test or probe of a connection in the config file reads only the
    // vendor: it works, and creates nothing either.
    let sim = SimProcess::start();
    let with_arm = write_config(
        ro_dir.path(),
        &format!(
            "read_only = true\n{}",
            demo_config(&sim.addr, &store).replacen(
                &config_head(&store, 5),
                &format!("{head}[http]\nmax_retries = 1\n"),
                1
            )
        ),
    );
    for args in [
        &["connections", "test", "arm-basic"][..],
        &["connections", "probe", "arm-basic"][..],
    ] {
        let out = run_with(&with_arm, &[], args);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    let out = run_with(
        &with_arm,
        &[],
        &["sync", "audiocodes", "arm-basic", "--dry-run"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out).1);
    assert!(
        text(&out).1.lines().any(|l| l == expected),
        "{}",
        text(&out).1
    );
    assert!(
        !store.parent().unwrap().exists(),
        "a test or probe made the directory"
    );
    // The same store without read-only is created.
    let out = run(&cfg, &["numbers"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(store.exists());
}

#[test]
fn a_store_that_needs_a_migration_is_an_error_under_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 5));
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15559990000", "+15559990003"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    {
        let c = rusqlite::Connection::open(&store).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        c.pragma_update(None, "user_version", v - 1).unwrap();
    }
    let before = store_file_hashes(&store);
    let out = run_with(&cfg, &["--read-only"], &["numbers"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out).1);
    let stderr = text(&out).1;
    assert!(
        stderr.contains("needs an upgrade") && stderr.contains("run once without --read-only"),
        "{stderr}"
    );
    assert_eq!(store_file_hashes(&store), before, "the store was migrated");
}

/// The dashboard's reader lists the jobs a read-only session ran (from
/// memory) with the stored ones, and shows their logs.
#[test]
fn the_dashboard_lists_the_jobs_of_a_read_only_session() {
    use switchboard::domain::job::{JobKind, JobState};
    use switchboard::tui::data::{self, Data, DataRequest};
    use switchboard::worker::{JobEvent, Worker};

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let cfg = write_config(dir.path(), &config_head(&store, 5));
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15559990000", "+15559990003"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let before = store_file_hashes(&store);

    let config = std::sync::Arc::new(switchboard::config::load(Some(&cfg)).unwrap());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ids, worker) = rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let worker = Worker::new(config.clone(), true, tx);
        let ids = [
            worker.submit(JobKind::Sweep),
            worker.submit(JobKind::Audit { fix: false }),
        ];
        let mut ended = 0;
        while let Some(ev) = rx.recv().await {
            if matches!(ev, JobEvent::Finished { .. }) {
                ended += 1;
                if ended == ids.len() {
                    break;
                }
            }
        }
        (ids, worker)
    });
    let session = worker.session_jobs().expect("jobs kept in memory");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let loader = data::spawn_with(
        config.clone(),
        switchboard::store::StoreAt::new(&store, true),
        Some(session),
        tx,
    );
    loader.send(DataRequest::Jobs);
    let jobs = match rx.blocking_recv() {
        Some(Data::Jobs(j)) => j,
        other => panic!("{other:?}"),
    };
    let find = |id: &str| {
        jobs.iter()
            .find(|j| j.id == id)
            .unwrap_or_else(|| panic!("{jobs:?}"))
    };
    assert_eq!(find(&ids[0]).state, JobState::Failed);
    assert!(find(&ids[0]).error.starts_with("refused"), "{jobs:?}");
    assert_eq!(find(&ids[1]).state, JobState::Succeeded, "{jobs:?}");
    // The stored jobs are listed too (the add-range above).
    assert!(jobs.iter().any(|j| j.kind == "add range"), "{jobs:?}");
    drop(loader);
    drop(rt);
    // The reader closes its connection when it sees the loader gone.
    let t = std::time::Instant::now();
    while store_file_hashes(&store) != before && t.elapsed().as_secs() < 5 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(
        store_file_hashes(&store),
        before,
        "the session wrote to the store"
    );
}
