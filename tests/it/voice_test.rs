//! AXP Voice Admin against the real simulator process, through the real
//! binary: every family listed, a create followed from 202 to SUCCESS, a
//! delete to 404, a problem body with two violations, a CM sync from QUEUED
//! to COMPLETED with its counts, phone numbers over three pages, a skill's
//! 207 partial success, the phone number actions and a forced delete.

use crate::common;
use common::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use switchboard::domain::voice_registry;

const PHONE_NUMBERS: usize = 120;

fn setup(dir: &Path) -> (SimProcess, PathBuf) {
    let sim = SimProcess::with_scenario(
        dir,
        &format!(
            r#"[axp]
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "axp-secret-value"
app_key = "axp-app-key-value"
items_per_family = 3
phone_numbers = {PHONE_NUMBERS}
settle_ms = 300
sync_seconds = 3
"#
        ),
    );
    let cfg = write_config(
        dir,
        &format!(
            r#"{head}
[[axp]]
name = "axp"
base_url = "http://{addr}"
account_id = "TESTAX"
client_id = "axp-client"
client_secret = "axp-secret-value"
app_key = "axp-app-key-value"
"#,
            head = config_head(&dir.join("s.db"), 5),
            addr = sim.addr
        ),
    );
    (sim, cfg)
}

fn ok(cfg: &Path, args: &[&str]) -> (String, String) {
    let out = run(cfg, args);
    assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    text(&out)
}

fn json_of(cfg: &Path, args: &[&str]) -> Value {
    let (out, _) = ok(cfg, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

fn body_file(dir: &Path, name: &str, body: Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body.to_string()).unwrap();
    p.to_str().unwrap().to_string()
}

fn first_cm(cfg: &Path) -> String {
    let cms = json_of(cfg, &["voice", "list", "communication-managers", "--json"]);
    cms[0]["id"].as_str().unwrap().to_string()
}

#[test]
fn every_family_is_listed_through_the_real_client() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let cm = first_cm(&cfg);
    let mut listed = 0;
    for f in voice_registry::FAMILIES.iter().filter(|f| f.ops.list) {
        let mut args = vec!["voice", "list", f.segment, "--json"];
        if f.parent.is_some() {
            args.extend(["--parent", cm.as_str()]);
        }
        let items = json_of(&cfg, &args);
        let items = items.as_array().unwrap();
        let want = if f.key == "phone_numbers" {
            PHONE_NUMBERS
        } else {
            3
        };
        assert_eq!(items.len(), want, "{}", f.segment);
        let mut ids: Vec<&str> = items
            .iter()
            .map(|i| {
                i[f.id_field]
                    .as_str()
                    .unwrap_or_else(|| panic!("{} id", f.key))
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), want, "{} ids are distinct", f.segment);
        listed += 1;
    }
    assert_eq!(listed, 18);
    // The seed's example payloads, as served.
    let aco = json_of(&cfg, &["voice", "list", "aco-elements", "--json"]);
    assert_eq!(aco[0]["elementType"], "ACO");
    assert_eq!(aco[0]["environment"], "Production");
    // Filters reach the API: one US toll-free area of available numbers.
    let avail = json_of(
        &cfg,
        &[
            "voice",
            "list",
            "available-phone-numbers",
            "--filter",
            "countryCode=US",
            "--json",
        ],
    );
    assert_eq!(avail.as_array().unwrap().len(), 3);
    let bad = run(&cfg, &["voice", "list", "reason-codes"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad).1.contains("--parent"), "{}", text(&bad).1);
    // And a refresh stores every family for the Voice tab, with the
    // passwords the API echoes (CMs, System Managers) masked everywhere.
    let (out, _) = ok(&cfg, &["refresh", "axp", "axp"]);
    assert!(out.contains("voice elements"), "{out}");
    let cms = json_of(&cfg, &["voice", "list", "communication-managers", "--json"]);
    assert_eq!(cms[0]["password"], "********");
    let mut stored = std::fs::read(dir.path().join("s.db")).unwrap();
    stored.extend(std::fs::read(dir.path().join("s.db-wal")).unwrap_or_default());
    let text = String::from_utf8_lossy(&stored);
    assert!(text.contains("CM4696"), "the store holds the CMs");
    assert!(!text.contains("testpassword") && !text.contains("dummypassword"));
}

#[test]
fn create_follows_the_202_to_success_and_delete_to_404() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let file = body_file(
        dir.path(),
        "aco.json",
        json!({"name": "ACO new", "description": "lab", "environment": "Production",
               "didNumbers": ["+16065550001", "+16065550002"]}),
    );
    let out = run(
        &cfg,
        &[
            "voice",
            "create",
            "aco-elements",
            "--file",
            &file,
            "--wait",
            "--json",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("HTTP 202"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["state"], "succeeded");
    assert_eq!(v["result"]["status"], "SUCCESS", "{v}");
    let id = v["result"]["elementId"].as_str().unwrap().to_string();
    let got = json_of(&cfg, &["voice", "get", "aco-elements", &id]);
    assert_eq!(got["didNumbers"][1], "+16065550002");

    // Without --yes nothing is deleted.
    let refused = run(&cfg, &["voice", "delete", "aco-elements", &id]);
    assert_eq!(refused.status.code(), Some(3));
    let (out, err) = ok(
        &cfg,
        &["voice", "delete", "aco-elements", &id, "--yes", "--wait"],
    );
    assert!(out.contains("gone"), "{out} {err}");
    let gone = run(&cfg, &["voice", "get", "aco-elements", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(text(&gone).1.contains("404"), "{}", text(&gone).1);
}

#[test]
fn a_problem_body_lists_each_violation_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let existing = json_of(&cfg, &["voice", "list", "aco-elements", "--json"]);
    let name = existing[0]["name"].as_str().unwrap();
    let did = existing[1]["didNumbers"][0].as_str().unwrap();
    let file = body_file(
        dir.path(),
        "dup.json",
        json!({"name": name, "environment": "Production", "didNumbers": [did]}),
    );
    let out = run(&cfg, &["voice", "create", "aco-elements", "--file", &file]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out).1;
    assert!(err.contains("HTTP 400"), "{err}");
    assert!(
        err.contains(&format!("name: {name:?} already exists (Unique)")),
        "{err}"
    );
    assert!(
        err.contains(&format!("didNumbers[0]: {did} is already assigned to")),
        "{err}"
    );
    assert!(err.contains("(Conflict)"), "{err}");
    assert!(err.contains("[request sim-req-1]"), "{err}");
    // Our own checks stop a bad body before it is sent, naming the row.
    let bad = body_file(
        dir.path(),
        "bad.json",
        json!({"name": "x", "environment": "Production", "didNumbers": ["+16065550009", "0123"]}),
    );
    let out = run(&cfg, &["voice", "create", "aco-elements", "--file", &bad]);
    let err = text(&out).1;
    assert!(err.contains("field `didNumbers`: row 2"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
}

#[test]
fn a_cm_sync_runs_from_queued_to_completed_with_its_counts() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let cm = first_cm(&cfg);
    let (out, _) = ok(
        &cfg,
        &[
            "voice",
            "sync-cm",
            &cm,
            "--entities",
            "AGENT",
            "--name",
            "quick",
        ],
    );
    let job = out.split_whitespace().nth(2).unwrap().to_string();
    let queued = json_of(&cfg, &["voice", "get", "jobs", &job, "--parent", &cm]);
    assert_eq!(queued["statusCode"], "QUEUED", "{queued}");

    let out = run(
        &cfg,
        &[
            "voice",
            "sync-cm",
            &cm,
            "--entities",
            "agent,REASONCODE_AUX",
            "--wait",
            "--json",
        ],
    );
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("statusCode IN_PROGRESS"), "{stderr}");
    assert!(stderr.contains("statusCode COMPLETED"), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let details = v["result"]["details"]["jobEntityDetails"]
        .as_array()
        .unwrap();
    let entities: Vec<&str> = details
        .iter()
        .map(|d| d["entityType"].as_str().unwrap())
        .collect();
    assert_eq!(entities, ["AGENT", "REASONCODE_AUX"]);
    assert_eq!(details[0]["entitySyncDetails"][0]["entityCount"], 40);
    assert_eq!(
        v["result"]["entityDetails"]["syncEntityDetails"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let bad = run(&cfg, &["voice", "sync-cm", &cm, "--entities", "PHONES"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad).1.contains("not a sync entity"),
        "{}",
        text(&bad).1
    );
}

#[test]
fn a_skill_saved_without_agent_assist_is_a_partial_success() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let cm = first_cm(&cfg);
    let file = body_file(
        dir.path(),
        "skill.json",
        json!({"name": "German", "number": "40", "extension": "253640000",
               "agentAssistProfileId": "unreachable-profile"}),
    );
    let (out, _) = ok(
        &cfg,
        &[
            "voice", "create", "skills", "--parent", &cm, "--file", &file,
        ],
    );
    assert!(out.contains("PARTIAL"), "{out}");
    assert!(out.contains("Failure in agent assist API"), "{out}");
    assert!(out.contains("207"), "{out}");
    let skills = json_of(
        &cfg,
        &["voice", "list", "skills", "--parent", &cm, "--json"],
    );
    assert!(skills
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["name"] == "German"));
}

#[test]
fn phone_number_actions_and_a_forced_delete() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    let numbers = json_of(&cfg, &["voice", "list", "phone-numbers", "--json"]);
    let id = numbers[0]["phoneNumberId"].as_str().unwrap();
    let ids = body_file(dir.path(), "ids.json", json!([id, "no-such-id"]));
    let (out, _) = ok(
        &cfg,
        &[
            "voice",
            "action",
            "phone-numbers",
            "validate",
            "--file",
            &ids,
        ],
    );
    assert!(out.contains("1 valid, 1 invalid"), "{out}");
    let nums = body_file(dir.path(), "nums.json", json!([numbers[5]["phoneNumber"]]));
    let (out, _) = ok(
        &cfg,
        &[
            "voice",
            "action",
            "phone-numbers",
            "getByPhoneNumbers",
            "--file",
            &nums,
        ],
    );
    assert!(out.contains("1 phone number"), "{out}");
    assert!(!out.contains("1 phone numbers"), "{out}");

    // The second location profile is FAILED (the sim cycles statuses): a
    // plain delete leaves it PENDING_DELETE; a forced one removes it.
    let profiles = json_of(&cfg, &["voice", "list", "location-profiles", "--json"]);
    let failed = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["status"] == "FAILED")
        .expect("a FAILED location profile");
    let pid = failed["id"].as_str().unwrap();
    ok(
        &cfg,
        &["voice", "delete", "location-profiles", pid, "--yes"],
    );
    let still = json_of(&cfg, &["voice", "get", "location-profiles", pid]);
    assert_eq!(still["status"], "PENDING_DELETE");
    ok(
        &cfg,
        &[
            "voice",
            "delete",
            "location-profiles",
            pid,
            "--yes",
            "--force",
            "--wait",
        ],
    );
    assert_eq!(
        run(&cfg, &["voice", "get", "location-profiles", pid])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn numbers_free_here_but_used_on_axp_are_flagged_by_the_audit() {
    let dir = tempfile::tempdir().unwrap();
    let (_sim, cfg) = setup(dir.path());
    // The sim's phone numbers start at +13125550000; its ACO DIDs at +16062120000.
    ok(
        &cfg,
        &["numbers", "add-range", "+13125550000", "+13125550004"],
    );
    ok(
        &cfg,
        &["numbers", "add-range", "+16062120000", "+16062120001"],
    );
    ok(&cfg, &["numbers", "reserve", "+13125550004"]);
    let before = json_of(&cfg, &["audit", "--json"]);
    let count = |v: &Value| {
        v["result"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "in_use_on_axp")
            .count()
    };
    assert_eq!(
        count(&before),
        0,
        "nothing is known of AXP before a refresh"
    );
    ok(&cfg, &["refresh", "axp", "axp"]);
    let after = json_of(&cfg, &["audit", "--json"]);
    let flagged: Vec<&Value> = after["result"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "in_use_on_axp")
        .collect();
    // Four free phone numbers and two free DIDs; the Reserved one is fine.
    assert_eq!(flagged.len(), 6, "{after}");
    let did = flagged
        .iter()
        .find(|f| f["number"] == "+16062120000")
        .expect("the first ACO element's DID");
    assert_eq!(did["connection"], "AXP ACO element Avaya Cloud Office 1");
    assert!(did["fix"].is_null(), "never fixed automatically");
    // --fix leaves them as they are.
    ok(&cfg, &["audit", "--fix"]);
    let inv = json_of(&cfg, &["numbers", "--json"]);
    let row = inv
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["number"] == "+13125550000")
        .unwrap();
    assert_eq!(row["status"], "Available");
}
