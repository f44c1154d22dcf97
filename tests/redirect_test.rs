//! Redirects never carry a secret to another origin: a second listener
//! stands where the redirect points, and its request log is the proof.

mod common;
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
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&dir.path().join("s.db"), 5),
            arm_connection("lab", &arm.addr, LAB_LOGIN, 10, "auth = \"session\"")
        ),
    );
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
