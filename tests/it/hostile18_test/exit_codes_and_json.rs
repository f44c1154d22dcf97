//! Every code of the exit table once; the documented JSON keys and null
//! for what is absent; plurals.

use super::*;

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
    assert_eq!(
        code(&["--read-only", "numbers", "import", file.to_str().unwrap()]),
        Some(4)
    );
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
    // The failed part is shown stale, with the documented keys.
    let conns = json(&cfg, &["connections", "list", "--json"]);
    let lp = conns
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lp")
        .unwrap();
    let stale = &lp["stale"][0];
    let mut keys: Vec<&String> = stale.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["error", "failed_at", "kind", "refreshed_at"], "{lp}");
    assert!(stale["refreshed_at"].is_string(), "{lp}");
    let gone = reader_gone(switchboard(&cfg, &["numbers"]));
    assert_eq!(gone.status.code(), Some(141));
    let help = String::from_utf8(bin().arg("--help").output().unwrap().stdout).unwrap();
    for c in [
        "0 success",
        "1 error",
        "2 usage",
        "3 stopped",
        "4 refused",
        "5 partial",
        "70 ",
        "130 ",
        "141 ",
    ] {
        assert!(help.contains(c), "--help lacks {c:?}");
    }
}

/// Defect: a mistyped value of an enum flag (`--status bogus`) is a usage
/// error by the README's own words ("a mistyped command line"); it exits 1,
/// the code of a failed job, while a mistyped `--tab` exits 2.
#[test]
fn a_mistyped_status_value_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000001"],
    );
    assert_eq!(
        run_at(&cfg, NOW, &["tui", "--tab", "bogus"]).status.code(),
        Some(2)
    );
    let out = run_at(&cfg, NOW, &["numbers", "--status", "Coolnig"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
}

/// Guard: the documented keys of `jobs --json`, `connections list --json`,
/// `numbers --json` and a job's result object, and null (never "") for an
/// absent job error, CA file or time.
#[test]
fn json_keys_are_as_documented_and_absent_job_fields_are_null() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = lab_config(dir.path(), "127.0.0.1:9");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000002"],
    );
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
fn a_number_without_tag_usage_or_vendor_has_null_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000000"],
    );
    let nums = json(&cfg, &["numbers", "--json"]);
    for k in ["tag", "usage", "vendor"] {
        assert_eq!(nums[0][k], Value::Null, "{k}: {}", nums[0]);
    }
}

/// Defect: the import's summary says "imported 1 numbers … holds 1
/// numbers" (issue 18: plural forms right).
#[test]
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

/// Defect: `jobs --limit 0` on a store that holds jobs says "no jobs
/// recorded in STORE; a sync, refresh, sweep or number change records
/// one": the hint meant for an empty store, and not true here.
#[test]
fn jobs_limit_0_does_not_say_the_store_has_no_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000001"],
    );
    let out = run_at(&cfg, NOW, &["jobs", "--limit", "0"]);
    let (_, stderr) = text(&out);
    assert!(!stderr.contains("no jobs recorded"), "{stderr}");
    // A usage error: the limit's range is 1 and up.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
}
