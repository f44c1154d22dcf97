//! A sync's results you can see: which numbers conflicted (and with whom)
//! and which users were skipped, listed in the job's details and kept with
//! the connection's last run; a preview never hides the last applied run.
//! The real binary, the simulator and a real store.

use crate::common;
use common::*;
use switchboard::query;
use switchboard::store::number_query::{NumberQuery, Seek};
use switchboard::store::Store;

#[test]
fn a_sync_with_conflicts_lists_them_in_the_job_details() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(0));
    let cfg = lab_config(dir.path(), &sim.addr);
    sim.add_user("lab", "u1", "+15550001001", "REGISTERED");
    // u5 claims a Microsoft number: a conflict; u9 has no number: skipped.
    sim.add_user("lab", "u5", "+15550001005", "REGISTERED");
    sim.add_user("lab", "u9", "", "REGISTERED");
    let csv = dir.path().join("ms.csv");
    std::fs::write(
        &csv,
        "number,status,usage,vendor\n+15550001005,Used,User,Microsoft\n",
    )
    .unwrap();
    let now = "2026-11-22T09:00:00Z";
    let out = run_at(&cfg, now, &["numbers", "import", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run_at(&cfg, now, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let out = run_at(&cfg, now, &["sync", "audiocodes", "lab", "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out).1);

    let config = switchboard::config::load(Some(&cfg)).unwrap();
    let store = Store::open(&config.store_path).unwrap();
    let jobs = query::jobs::recent(&store, None, 10).unwrap();
    let sync = jobs
        .iter()
        .find(|j| j.kind == "sync")
        .expect("the sync job");
    let lines = query::jobs::log(&store, None, &sync.id).unwrap();
    let at = |want: &str| {
        lines
            .iter()
            .position(|l| l == want)
            .unwrap_or_else(|| panic!("no line {want:?} in {lines:#?}"))
    };
    assert!(
        at("conflicts (1): numbers the sync may not take")
            < at("  +15550001005  Used  held by Microsoft")
    );
    assert!(at("skipped users (1)") < at("  u9  no usable number"));

    // The Connections list: the last run is the applied sync, the preview
    // beside it; each names the job whose details Enter opens.
    let infos = query::connections::connection_infos(&store, &config).unwrap();
    let lab = infos.iter().find(|c| c.name == "lab").unwrap();
    let last = lab.last_run.as_ref().expect("a last run");
    assert_eq!(
        (last.kind.as_str(), last.result.as_str()),
        ("sync", "applied")
    );
    assert_eq!(last.job_id.as_deref(), Some(sync.id.as_str()));
    let preview = lab.last_preview.as_ref().expect("a last preview");
    assert_eq!(preview.counts.conflicts, 1);
    let preview_job = jobs
        .iter()
        .find(|j| j.kind == "preview")
        .expect("the preview job");
    assert_eq!(preview.job_id.as_deref(), Some(preview_job.id.as_str()));
    let preview_lines = query::jobs::log(&store, None, &preview_job.id).unwrap();
    assert!(preview_lines.contains(&"  +15550001005  Used  held by Microsoft".to_string()));

    // The Numbers tab's "conflicts of the last sync" filter: that number only.
    let conflicts = NumberQuery {
        last_sync_conflicts: true,
        ..Default::default()
    };
    assert_eq!(store.count_numbers(&conflicts).unwrap(), 1);
    assert_eq!(store.quick_count(&conflicts).unwrap(), Some(1));
    let page = store.number_window(&conflicts, &Seek::First, 10).unwrap();
    let numbers: Vec<&str> = page.rows.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers, ["+15550001005"]);
}

#[test]
fn a_live_platform_refresh_is_its_connections_last_run() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(
        dir.path(),
        "[live_platform]\nclient_id = \"lp-client\"\nclient_secret = \"lp-secret-value\"\n",
    );
    let cfg = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            lp_connection(&format!("http://{}", sim.addr), "lp-secret-value")
        ),
    );
    let config = switchboard::config::load(Some(&cfg)).unwrap();
    let last = |config: &switchboard::config::Config| {
        let store = Store::open(&config.store_path).unwrap();
        let infos = query::connections::connection_infos(&store, config).unwrap();
        infos.into_iter().find(|c| c.name == "lp").unwrap().last_run
    };
    assert_eq!(last(&config), None, "never refreshed: never run");
    let out = run(&cfg, &["refresh", "live-platform", "lp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let run = last(&config).expect("the refresh is the last run");
    assert_eq!(
        (run.kind.as_str(), run.result.as_str()),
        ("refresh", "refreshed")
    );
    assert!(run.job_id.is_some(), "Enter on Connections opens its job");
}
