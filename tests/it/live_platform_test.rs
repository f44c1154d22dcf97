//! Live Platform against the real simulator process: refresh into the
//! store, profiles with health marks, service creation polled to its end,
//! a failing task, a 500 problem body, an expired token.

use crate::common;
use common::*;
use serde_json::Value;

const REQUEST: &str = include_str!("fixtures/lp_create_service_seed.json");

fn lp_setup(dir: &std::path::Path) -> (SimProcess, std::path::PathBuf) {
    let sim = SimProcess::with_scenario(
        dir,
        r#"[live_platform]
client_id = "lp-client"
client_secret = "lp-secret-value"
extra_profiles = 3
customers = 2
leads = 3
task_seconds = 1
"#,
    );
    let cfg = write_config(
        dir,
        &format!(
            r#"{head}
[[live_platform]]
name = "lp"
base_url = "http://{addr}/tenantui"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "lp-client"
client_secret = "lp-secret-value"
"#,
            head = config_head(&dir.join("s.db"), 5),
            addr = sim.addr
        ),
    );
    (sim, cfg)
}

/// `oc create-service --file FILE [--wait]`.
fn create(cfg: &std::path::Path, file: &std::path::Path, wait: bool) -> std::process::Output {
    let mut args = vec!["oc", "create-service", "--file", file.to_str().unwrap()];
    if wait {
        args.push("--wait");
    }
    run(cfg, &args)
}

fn ok(cfg: &std::path::Path, args: &[&str]) -> (String, String) {
    let out = run(cfg, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    text(&out)
}

#[test]
fn profiles_are_fetched_stored_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = lp_setup(dir.path());
    let (out, _) = ok(&cfg, &["refresh", "live-platform", "lp"]);
    assert!(
        out.contains("lp: 5 calling profiles, 2 services, 3 leads"),
        "{out}"
    );

    let (json, _) = ok(&cfg, &["profiles", "--json"]);
    let v: Vec<Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(v.len(), 5);
    let seed = v
        .iter()
        .find(|p| p["profile"]["name"] == "PROD_AudioCodesRD_Calling_AC_EMEA")
        .expect("the seed's first profile");
    let trunk = &seed["profile"]["trunksEnrolled"][0];
    assert_eq!(trunk["trunkFqdn"], "oc.sandbox1.audiocodes.be");
    assert_eq!(trunk["matchingSbcList"][0]["name"], "NL-SBC05");
    let marks: Vec<&str> = seed["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["problem"].as_str().unwrap())
        .collect();
    assert!(
        marks.contains(&"no_failover") && marks.contains(&"validation"),
        "{marks:?}"
    );

    let (text_out, _) = ok(&cfg, &["profiles", "--problems"]);
    assert!(text_out.contains("no failover (1 trunk)"), "{text_out}");
    let (services, _) = ok(&cfg, &["services"]);
    // A header row (issue 18), then the two services.
    assert_eq!(services.lines().count(), 3, "{services}");
    let (leads, _) = ok(&cfg, &["leads", "--json"]);
    assert_eq!(serde_json::from_str::<Vec<Value>>(&leads).unwrap().len(), 3);
}

#[test]
fn a_service_is_created_and_its_task_polled_to_completed_success() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = lp_setup(dir.path());
    let file = dir.path().join("req.json");
    std::fs::write(&file, REQUEST).unwrap();
    let out = create(&cfg, &file, true);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("task wst_"), "{stderr}");
    assert!(
        stderr.contains("Information: Site created in Ovoc"),
        "{stderr}"
    );
    assert!(stdout.contains("service Bradx35340067 created"), "{stdout}");
    assert!(stdout.contains("CompletedSuccess"), "{stdout}");
    // The new service is in the list once it is fetched again.
    ok(&cfg, &["refresh", "live-platform", "lp"]);
    let (services, _) = ok(&cfg, &["services"]);
    assert!(services.contains("Bradx35340067"), "{services}");
}

#[test]
fn a_failing_task_a_500_and_a_bad_request_end_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = lp_setup(dir.path());
    let file = dir.path().join("req.json");

    std::fs::write(
        &file,
        REQUEST.replace(
            "\"customerShortName\": \"Bradx35340067\"",
            "\"customerShortName\": \"FailCo1\"",
        ),
    )
    .unwrap();
    let out = create(&cfg, &file, true);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("ended CompletedWithErrors: SBC sbc-onboarding failed"),
        "{stderr}"
    );

    std::fs::write(&file, REQUEST).unwrap();
    sim.fault(r#"{"path":"/tenantui/api/v3/customer","kind":"status","status":500}"#);
    let out = create(&cfg, &file, true);
    let (_, stderr) = text(&out);
    sim.clear_faults();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("Internal Server Error") && stderr.contains("trace id 00-sim-fault"),
        "{stderr}"
    );
    assert!(stderr.contains("not created"), "{stderr}");

    std::fs::write(
        &file,
        REQUEST.replace("f9f53ee0-56e1-43f6-8fe3-5fb322986657", "not-a-tenant"),
    )
    .unwrap();
    let out = create(&cfg, &file, false);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("field `msTenantId`") && stderr.contains("nothing was sent"),
        "{stderr}"
    );
    assert!(!stderr.contains("lp-secret-value"));
}

#[test]
fn an_expired_token_is_refreshed_once_then_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, cfg) = lp_setup(dir.path());
    sim.fault(r#"{"path":"/tenantui/api/v2/oc/callingprofile","kind":"expire_token","count":1}"#);
    ok(&cfg, &["refresh", "live-platform", "lp"]);
    sim.fault(r#"{"path":"/tenantui/api/v2/oc/callingprofile","kind":"expire_token"}"#);
    let out = run(&cfg, &["refresh", "live-platform", "lp"]);
    let (_, stderr) = text(&out);
    sim.clear_faults();
    // Only the profiles' calls are refused: services and leads are
    // refreshed, the profiles keep what the first refresh stored (partial).
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains("calling profiles failed") && stderr.contains("401"),
        "{stderr}"
    );
    assert!(stderr.contains("kept 5 items from"), "{stderr}");
    assert!(!stderr.contains("lp-secret-value"));
}
