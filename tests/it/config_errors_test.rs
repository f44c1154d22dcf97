//! One test per class of config error: each names file, line and key.

use crate::common;
use common::*;
use std::os::unix::fs::PermissionsExt;

fn check(config_text: &str, mode: u32) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), config_text);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
    let out = run(&p, &["config", "check"]);
    let (_, stderr) = text(&out);
    (
        out.status.code().unwrap_or(-1),
        stderr.replace(&p.display().to_string(), "CONFIG"),
    )
}

const GOOD: &str = "[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com\"\nusername = \"u\"\npassword_env = \"SB_TEST_SECRET\"\n";

#[test]
fn syntax_error() {
    let (code, err) = check("store_path = \"x\"\n[[audiocodes\nname = 1\n", 0o600);
    assert_eq!(code, 1);
    assert!(err.starts_with("switchboard: CONFIG:2: "), "{err}");
}

#[test]
fn unknown_key() {
    let (code, err) = check(&format!("{GOOD}colour = \"red\"\n"), 0o600);
    assert_eq!(code, 1);
    assert!(
        err.contains("CONFIG:6: key `colour`: unknown field `colour`"),
        "{err}"
    );
}

#[test]
fn missing_secret() {
    let (code, err) = check("[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com\"\nusername = \"u\"\npassword_env = \"SB_SURELY_UNSET_VAR\"\n", 0o600);
    assert_eq!(code, 1);
    assert!(err.contains("CONFIG:2: key `audiocodes[0].password`: cannot resolve secret: environment variable SB_SURELY_UNSET_VAR is not set"), "{err}");
    let (code, err) = check(
        "[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com\"\nusername = \"u\"\n",
        0o600,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("missing secret: set password, password_env or password_cmd"),
        "{err}"
    );
}

#[test]
fn world_readable_literal_secret() {
    let text = "[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com\"\nusername = \"u\"\npassword = \"literal-s3cret-77\"\n";
    let (code, err) = check(text, 0o644);
    assert_eq!(code, 1);
    assert!(err.contains("CONFIG:2: key `audiocodes[0].password`: a literal secret in a file readable by group or others is refused; run `chmod 600 CONFIG`"), "{err}");
    assert!(!err.contains("literal-s3cret-77"));
    // The same file at 0600 is fine, and the check masks the secret.
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), text);
    let out = run(&p, &["config", "check"]);
    let (stdout, _) = common::text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("password = ******** (literal in config, resolved)"),
        "{stdout}"
    );
    assert!(!stdout.contains("literal-s3cret-77"));
}

#[test]
fn secret_from_env_and_command() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"SB_T_PW\"\n[[live_platform]]\nname = \"lp\"\nbase_url = \"https://lp.example.com/tenantui\"\ntoken_url = \"https://login.example.com/t\"\nclient_id = \"c\"\nclient_secret_cmd = \"echo from-cmd-secret\"\n");
    let out = bin()
        .arg("--config")
        .arg(&p)
        .args(["config", "check"])
        .env("SB_T_PW", "env-secret-value")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("password = ******** (env SB_T_PW, resolved)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("client_secret = ******** (command `echo …`, resolved)"),
        "{stdout}"
    );
    assert!(!stdout.contains("env-secret-value"));
}

#[test]
fn config_from_environment_variable_and_missing_explicit_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_config(dir.path(), "read_only = true\n");
    let out = bin()
        .env("SWITCHBOARD_CONFIG", &p)
        .args(["config", "check"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out)
        .0
        .contains(&format!("config: {} (ok)", p.display())));
    let out = bin()
        .args(["--config", "/nonexistent/sb.toml", "config", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out)
        .1
        .contains("/nonexistent/sb.toml: no such config file"));
}
