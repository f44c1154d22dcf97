//! Redirects never carry a secret to another origin: a second listener
//! stands where the redirect points, and its request log is the proof.

use crate::common;
use common::hostile::{HostileServer, Reply};
use common::*;

#[test]
fn a_login_redirected_to_another_host_sends_it_nothing_and_the_test_fails() {
    let elsewhere = HostileServer::start(|_| Reply::json(serde_json::json!({"token": "t"})));
    let target = format!("{}/ARM/v1/login", elsewhere.url());
    let arm = HostileServer::start(move |req| match req.path() {
        "/ARM/v1/login" => Reply::redirect(307, &target),
        _ => Reply::not_found(),
    });
    let (_dir, config, _) = lab_at(&arm.addr, 10, "auth = \"session\"");
    let out = run(&config, &["connections", "test", "lab"]);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("redirect") && stderr.contains(&elsewhere.addr),
        "the error names the Location: {stderr}"
    );
    assert_eq!(arm.count("/ARM/v1/login"), 1, "{:?}", arm.seen());
    assert!(
        elsewhere.seen().is_empty(),
        "the second listener received: {:?}",
        elsewhere.seen()
    );
}

/// The second listener received nothing, and (were it ever to) no request
/// of it carries one of `secrets`.
fn assert_untouched(elsewhere: &HostileServer, secrets: &[&str]) {
    for req in elsewhere.seen() {
        let raw = req.raw();
        for s in secrets {
            assert!(
                !raw.contains(s),
                "a secret reached the second listener:\n{raw}"
            );
        }
    }
    assert!(
        elsewhere.seen().is_empty(),
        "the second listener received: {:?}",
        elsewhere.seen()
    );
}

/// The command failed, with one `switchboard:` line that says it was a
/// redirect and names where to.
fn assert_refused(out: &std::process::Output, location: &str) -> String {
    let (stdout, stderr) = text(out);
    assert!(!out.status.success(), "{stdout}{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("switchboard:"))
        .collect();
    assert_eq!(lines.len(), 1, "one error line: {stderr}");
    assert!(
        lines[0].contains("redirect") && lines[0].contains(location),
        "the error names the Location {location}: {stderr}"
    );
    lines[0].to_string()
}

/// Runs `args` and checks the store's data is what it was before.
fn run_unchanged(config: &std::path::Path, store: &std::path::Path, args: &[&str]) -> Output {
    let before = store_dump(store);
    let out = run(config, args);
    assert_same_store(&before, &store_dump(store), &args.join(" "));
    out
}

use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const ARM_CLIENT_SECRET: &str = "arm-client-secret-7f3a";

#[test]
fn an_arm_token_request_redirected_elsewhere_sends_no_client_secret() {
    let elsewhere = HostileServer::start(|_| {
        Reply::json(serde_json::json!({"access_token": "stolen", "expires_in": 3600}))
    });
    let target = format!("{}/oauth2/v2.0/token", elsewhere.url());
    let location = target.clone();
    let arm = HostileServer::start(move |req| match req.path() {
        "/oauth2/v2.0/token" => Reply::redirect(307, &location),
        _ => Reply::not_found(),
    });
    let (_dir, config, store) = lab_at(
        &arm.addr,
        10,
        &format!(
            "auth = \"azure_ad\"\ntoken_url = \"{}/oauth2/v2.0/token\"\nclient_id = \"arm-client\"\nclient_secret = \"{ARM_CLIENT_SECRET}\"",
            arm.url()
        ),
    );
    let secrets = [ARM_CLIENT_SECRET, "arm-client", LAB_LOGIN.1];
    let out = run(&config, &["connections", "test", "lab"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &target);
    assert!(arm.count("/oauth2/v2.0/token") >= 1, "{:?}", arm.seen());
    let out = run_unchanged(&config, &store, &["sync", "audiocodes", "lab"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &target);
}

const LP_CLIENT_SECRET: &str = "lp-client-secret-91c2";

#[test]
fn a_live_platform_token_request_redirected_elsewhere_sends_no_client_secret() {
    let elsewhere = HostileServer::start(|_| {
        Reply::json(serde_json::json!({"access_token": "stolen", "expires_in": 3600}))
    });
    let target = format!("{}/oauth2/v2.0/token", elsewhere.url());
    let location = target.clone();
    let redirect = Arc::new(AtomicBool::new(false));
    let redirecting = redirect.clone();
    let lp = HostileServer::start(move |req| match (req.method.as_str(), req.path()) {
        ("POST", "/oauth2/v2.0/token") if redirecting.load(Ordering::SeqCst) => {
            Reply::redirect(307, &location)
        }
        ("POST", "/oauth2/v2.0/token") => {
            Reply::json(serde_json::json!({"access_token": "t", "expires_in": 3600}))
        }
        ("GET", "/tenantui/api/v2/oc/callingprofile") => Reply::json(serde_json::json!([
            {"callingProfileId": "cp-1", "name": "PROD", "trunksEnrolled": []}
        ])),
        ("GET", "/tenantui/api/v3/customer") => Reply::json(serde_json::json!([
            {"UmpCustomerGuid": "g-1", "CustomerShortName": "acme"}
        ])),
        ("GET", "/tenantui/api/v2/oc/lead") => Reply::json(serde_json::json!([])),
        _ => Reply::not_found(),
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            lp_connection(&lp.url(), LP_CLIENT_SECRET)
        ),
    );
    // A good refresh first, so that there is something to keep.
    let out = run(&config, &["refresh", "live-platform", "lp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    redirect.store(true, Ordering::SeqCst);
    let secrets = [LP_CLIENT_SECRET, "lp-client"];
    let out = run(&config, &["connections", "test", "lp"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &target);
    let out = run_unchanged(&config, &store, &["refresh", "live-platform", "lp"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &target);
    // What the good refresh stored is still there.
    let profiles = run(&config, &["profiles", "--json"]);
    assert!(text(&profiles).0.contains("cp-1"), "{}", text(&profiles).0);
}

const AXP_APP_KEY: &str = "axp-app-key-5d0e";
const AXP_TOKEN: &str = "axp-bearer-token-c4b1";
const AXP_CLIENT_SECRET: &str = "axp-client-secret-08aa";

#[test]
fn an_axp_list_redirected_elsewhere_sends_no_app_key_and_no_bearer() {
    let elsewhere = HostileServer::start(|_| Reply::json(serde_json::json!({"sipTrunks": []})));
    let redirect = Arc::new(AtomicBool::new(false));
    let redirecting = redirect.clone();
    let there = elsewhere.url();
    let lists = "/api/admin/voice/v1/accounts/REDIRX/";
    let axp = HostileServer::start(move |req| {
        if req.method == "POST" && req.path() == "/api/auth/v1/REDIRX/protocol/openid-connect/token"
        {
            return Reply::json(serde_json::json!({"access_token": AXP_TOKEN, "expires_in": 900}));
        }
        let Some(family) = req.path().strip_prefix(lists) else {
            return Reply::not_found();
        };
        if redirecting.load(Ordering::SeqCst) {
            return Reply::redirect(302, &format!("{there}{}", req.target));
        }
        match family {
            "sip-trunks" => Reply::json(serde_json::json!({"sipTrunks": [
                {"id": "st-1", "trunkName": "kept", "callerId": "+15550001000"}
            ], "pagination": {"total": 1}})),
            _ => Reply::json(serde_json::json!([])),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            axp_connection(&axp.url(), "REDIRX", AXP_CLIENT_SECRET, AXP_APP_KEY)
        ),
    );
    let out = run(&config, &["refresh", "axp", "axp"]);
    assert!(out.status.success(), "{}", text(&out).1);
    redirect.store(true, Ordering::SeqCst);
    let location = format!(
        "{}/api/admin/voice/v1/accounts/REDIRX/sip-trunks",
        elsewhere.url()
    );
    let secrets = [AXP_APP_KEY, AXP_TOKEN, AXP_CLIENT_SECRET, "appkey"];
    let out = run(&config, &["voice", "list", "sip-trunks"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &location);
    let out = run(&config, &["connections", "test", "axp"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &elsewhere.url());
    let out = run_unchanged(&config, &store, &["refresh", "axp", "axp"]);
    assert_untouched(&elsewhere, &secrets);
    assert_refused(&out, &elsewhere.url());
}

/// A users page of the lab ARM: two registered users.
fn users_page() -> Reply {
    Reply::json(serde_json::json!({
        "total": 2, "offset": 0, "limit": 10,
        "users": [
            {"id": "u-1", "userName": "a", "phoneNumber": "+15550001000", "status": "REGISTERED"},
            {"id": "u-2", "userName": "b", "phoneNumber": "+15550001001", "status": "REGISTERED"},
        ]
    }))
}

#[test]
fn a_same_origin_get_redirect_is_followed() {
    let arm = HostileServer::start(|req| match req.path() {
        "/ARM/v1/registeredUsers" => Reply::redirect(
            301,
            &format!(
                "/ARM/v2/registeredUsers?{}",
                req.target.split_once('?').map_or("", |(_, q)| q)
            ),
        ),
        "/ARM/v2/registeredUsers" => users_page(),
        "/ARM/v1/version" => Reply::json(serde_json::json!({"version": "9.8.0"})),
        _ => Reply::not_found(),
    });
    let (_dir, config, _) = lab_at(&arm.addr, 10, "");
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let inv = inventory(&config, "2026-11-22T00:00:00Z");
    assert_eq!(row(&inv, "+15550001001")["status"], "Used", "{inv:?}");
    // The followed hop went to the same server, with the credentials.
    let v2: Vec<_> = arm
        .seen()
        .into_iter()
        .filter(|s| s.path() == "/ARM/v2/registeredUsers")
        .collect();
    assert!(!v2.is_empty(), "{:?}", arm.seen());
    assert!(v2.iter().all(|s| s.header("authorization").is_some()));
}

#[test]
fn a_post_redirected_on_the_same_origin_is_not_followed() {
    let arm = HostileServer::start(|req| match req.path() {
        "/ARM/v1/login" => Reply::redirect(308, "/ARM/v1/login-here"),
        "/ARM/v1/login-here" => Reply::json(serde_json::json!({"token": "t", "expiresIn": 3600})),
        _ => Reply::not_found(),
    });
    let (_dir, config, _) = lab_at(&arm.addr, 10, "auth = \"session\"");
    let line = assert_refused(
        &run(&config, &["connections", "test", "lab"]),
        &format!("{}/ARM/v1/login-here", arm.url()),
    );
    assert!(line.contains("only GET"), "{line}");
    assert_eq!(arm.count("/ARM/v1/login-here"), 0, "{:?}", arm.seen());
}

#[test]
fn a_redirect_loop_stops_with_a_clear_error_and_changes_nothing() {
    let looping = Arc::new(AtomicBool::new(false));
    let on = looping.clone();
    let arm = HostileServer::start(move |req| match req.path() {
        "/ARM/v1/registeredUsers" if on.load(Ordering::SeqCst) => {
            Reply::redirect(302, "/ARM/v1/registeredUsers?offset=0&limit=10")
        }
        "/ARM/v1/registeredUsers" => users_page(),
        _ => Reply::not_found(),
    });
    let (_dir, config, store) = lab_at(&arm.addr, 10, "");
    let out = run(&config, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    looping.store(true, Ordering::SeqCst);
    let before = arm.count("/ARM/v1/registeredUsers");
    let out = run_unchanged(&config, &store, &["sync", "audiocodes", "lab", "--force"]);
    let line = assert_refused(&out, "/ARM/v1/registeredUsers");
    assert!(line.contains("too many redirects"), "{line}");
    let hops = arm.count("/ARM/v1/registeredUsers") - before;
    assert!(hops <= 5, "{hops} requests for one redirect loop");
}
