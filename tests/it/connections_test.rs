//! `connections test` against the real simulator process.

use crate::common;
use common::*;

#[test]
fn every_vendor_and_auth_method_connects() {
    let sim = SimProcess::start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &demo_config(&sim.addr, &dir.path().join("s.db")),
    );
    for (name, expect) in [
        ("arm-basic", "ARM version 9.8.0 (basic authentication OK)"),
        (
            "arm-session",
            "ARM version 9.8.0 (session authentication OK)",
        ),
        (
            "arm-azure",
            "ARM version 9.8.0 (azure_ad authentication OK)",
        ),
        ("lp", "Live Platform OK, 8 calling profiles"),
        ("axp", "AXP account DEMOAX OK, 6 Communication Managers"),
    ] {
        let out = run(&cfg, &["connections", "test", name]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{name}: {stderr}");
        assert!(stdout.contains(expect), "{name}: {stdout}");
    }
}

#[test]
fn wrong_password_fails_clearly_without_echoing_it() {
    let sim = SimProcess::start();
    let dir = tempfile::tempdir().unwrap();
    let text_cfg = demo_config(&sim.addr, &dir.path().join("s.db"))
        .replace("demo-east-password", "not-the-password-xyz")
        .replace("demo-west-password", "not-the-password-xyz")
        .replace("demo-axp-client-secret", "not-the-password-xyz");
    let cfg = write_config(dir.path(), &text_cfg);
    for (name, endpoint) in [
        // OK or not is decided by a users page, not by the version probe.
        ("arm-basic", "GET /ARM/v1/registeredUsers"),
        ("arm-session", "POST /ARM/v1/login"),
        ("axp", "openid-connect/token"),
    ] {
        let out = run(&cfg, &["connections", "test", name]);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(
            stderr.contains(&format!("{name}: ")) && stderr.contains(endpoint),
            "{name}: {stderr}"
        );
        assert!(stderr.contains("authentication failed"), "{name}: {stderr}");
        assert!(
            !stderr.contains("not-the-password-xyz") && !stdout.contains("not-the-password-xyz")
        );
    }
}

#[test]
fn closed_port_fails_clearly() {
    // Bind then drop a listener: nothing listens there now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &demo_config(&format!("127.0.0.1:{port}"), &dir.path().join("s.db")),
    );
    let out = run(&cfg, &["connections", "test", "arm-basic"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("arm-basic: GET /ARM/v1/registeredUsers: cannot connect"),
        "{stderr}"
    );
    assert!(stderr.to_lowercase().contains("refused"), "{stderr}");
}

#[test]
fn unknown_connection_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = write_config(
        dir.path(),
        &demo_config("127.0.0.1:9", &dir.path().join("s.db")),
    );
    let out = run(&cfg, &["connections", "test", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("no connection named \"nope\""));
}
