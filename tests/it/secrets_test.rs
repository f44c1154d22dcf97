//! Distinctive secrets go in; every flow runs, failures included, at the
//! most verbose log level; then everything written (standard output and
//! error, logs, the store, exports) is searched for them.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};

const ARM_PASSWORD: &str = "Zq7-arm-password-5521";
const ARM_CLIENT_SECRET: &str = "Zq7-arm-client-secret-5522";
const LP_CLIENT_SECRET: &str = "Zq7-lp-client-secret-5523";
const AXP_CLIENT_SECRET: &str = "Zq7-axp-client-secret-5524";
const AXP_APP_KEY: &str = "Zq7-axp-app-key-5525";
const CM_PASSWORD: &str = "Zq7-cm-password-5526";
const WRONG_PASSWORD: &str = "Zq7-wrong-password-5527";
/// Every token the simulator issues starts so.
const TOKEN_PREFIX: &str = "simtok-";

fn scenario() -> String {
    format!(
        r#"[[arm]]
name = "lab"
username = "svc-lab"
password = "{ARM_PASSWORD}"
client_id = "lab-client"
client_secret = "{ARM_CLIENT_SECRET}"
users = 30
number_start = "+15550001000"

[live_platform]
client_id = "lp-client"
client_secret = "{LP_CLIENT_SECRET}"
extra_profiles = 2
customers = 3
leads = 2

[axp]
account_id = "DEMOAX"
client_id = "axp-client"
client_secret = "{AXP_CLIENT_SECRET}"
app_key = "{AXP_APP_KEY}"
items_per_family = 2
"#
    )
}

/// Every vendor and every way of giving a secret: literal, environment
/// variable and command. `password` is the ARM password to use.
fn config(dir: &Path, addr: &str, password: &str) -> PathBuf {
    write_config(
        dir,
        &format!(
            r#"{head}
[[audiocodes]]
name = "lab-session"
host = "{addr}"
scheme = "http"
auth = "session"
username = "svc-lab"
password = "{password}"

[[audiocodes]]
name = "lab-basic"
host = "{addr}"
scheme = "http"
auth = "basic"
username = "svc-lab"
password_env = "SB_TEST_ARM_PASSWORD"

[[audiocodes]]
name = "lab-azure"
host = "{addr}"
scheme = "http"
auth = "azure_ad"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "lab-client"
client_secret_cmd = "echo {ARM_CLIENT_SECRET}"

[[live_platform]]
name = "lp"
base_url = "http://{addr}/tenantui"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "lp-client"
client_secret = "{LP_CLIENT_SECRET}"

[[axp]]
name = "axp"
base_url = "http://{addr}"
account_id = "DEMOAX"
client_id = "axp-client"
client_secret = "{AXP_CLIENT_SECRET}"
app_key = "{AXP_APP_KEY}"
"#,
            head = config_head(&dir.join("s.db"), 2)
        ),
    )
}

/// Runs one flow at the trace log level and keeps what it printed.
fn flow(cfg: &Path, args: &[&str], printed: &mut Vec<(String, String)>) -> std::process::Output {
    let out = bin()
        .env("SWITCHBOARD_LOG", "trace")
        .env("SB_TEST_ARM_PASSWORD", ARM_PASSWORD)
        .arg("--config")
        .arg(cfg)
        .args(args)
        .output()
        .unwrap();
    let (o, e) = text(&out);
    printed.push((args.join(" "), format!("{o}\n{e}")));
    out
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_secret_is_ever_written_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &scenario());
    let cfg = config(&work, &sim.addr, ARM_PASSWORD);
    let mut printed = Vec::new();

    // Everything that works.
    let cm = work.join("cm.json");
    std::fs::write(
        &cm,
        format!(
            r#"{{"name":"CM-secret-test","hostname":"cm1.example.net","username":"cust","password":"{CM_PASSWORD}","hybridCloudGatewayId":"hcg-1"}}"#
        ),
    )
    .unwrap();
    let export = work.join("export.csv");
    for args in [
        vec!["config", "check"],
        vec!["connections", "list"],
        vec!["connections", "test", "lab-session"],
        vec!["connections", "test", "lab-basic"],
        vec!["connections", "test", "lab-azure"],
        vec!["connections", "test", "lp"],
        vec!["connections", "test", "axp"],
        vec!["sync", "audiocodes", "lab-session", "--json"],
        vec!["sync", "audiocodes", "lab-basic", "--dry-run", "--json"],
        vec!["sync", "audiocodes", "lab-azure", "--dry-run"],
        vec!["refresh", "live-platform", "lp"],
        vec!["refresh", "axp", "axp"],
        vec![
            "voice",
            "create",
            "communication-managers",
            "--file",
            cm.to_str().unwrap(),
            "--wait",
            "--json",
        ],
        vec!["voice", "list", "communication-managers", "--json"],
        vec!["refresh", "axp", "axp"],
        vec!["profiles", "--json"],
        vec!["services", "--json"],
        vec!["numbers", "--json"],
        vec!["jobs", "--limit", "100"],
        vec!["audit", "--json"],
    ] {
        let out = flow(&cfg, &args, &mut printed);
        assert!(out.status.success(), "{args:?}: {}", text(&out).1);
    }
    let out = flow(&cfg, &["numbers", "--csv"], &mut printed);
    std::fs::write(&export, &out.stdout).unwrap();

    // Everything that fails: refused credentials, an expired token that
    // stays expired, server errors, a dead port.
    let wrong = work.join("wrong");
    std::fs::create_dir(&wrong).unwrap();
    let wrong_cfg = config(&wrong, &sim.addr, WRONG_PASSWORD);
    for args in [
        vec!["connections", "test", "lab-session"],
        vec!["sync", "audiocodes", "lab-session"],
    ] {
        let out = flow(&wrong_cfg, &args, &mut printed);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out).1);
    }
    for fault in [
        r#"{"path":"/","kind":"expire_token"}"#,
        r#"{"path":"/","kind":"status","status":500}"#,
        r#"{"path":"/","kind":"malformed"}"#,
    ] {
        sim.fault(fault);
        for args in [
            vec!["connections", "test", "lab-session"],
            vec!["sync", "audiocodes", "lab-basic"],
            vec!["sync", "audiocodes", "lab-azure"],
            vec!["refresh", "live-platform", "lp"],
            vec!["refresh", "axp", "axp"],
        ] {
            let out = flow(&cfg, &args, &mut printed);
            assert_eq!(
                out.status.code(),
                Some(1),
                "{fault} {args:?}: {}",
                text(&out).1
            );
        }
        sim.clear_faults();
    }
    let dead = work.join("dead");
    std::fs::create_dir(&dead).unwrap();
    let dead_cfg = config(&dead, "127.0.0.1:9", ARM_PASSWORD);
    let out = flow(&dead_cfg, &["refresh", "axp", "axp"], &mut printed);
    assert_eq!(out.status.code(), Some(1));

    // Search everything written: what was printed, and every file under
    // the working directory except the config files that hold the secrets
    // and the request body the test wrote.
    let needles = [
        ARM_PASSWORD,
        ARM_CLIENT_SECRET,
        LP_CLIENT_SECRET,
        AXP_CLIENT_SECRET,
        AXP_APP_KEY,
        CM_PASSWORD,
        WRONG_PASSWORD,
        TOKEN_PREFIX,
    ];
    let basic = base64_of(&format!("svc-lab:{ARM_PASSWORD}"));
    let mut leaks = Vec::new();
    for (what, output) in &printed {
        for n in needles.iter().chain([&basic.as_str()]) {
            if output.contains(n) {
                leaks.push(format!("output of `{what}` holds {n}"));
            }
        }
    }
    let mut files = Vec::new();
    files_under(&work, &mut files);
    let mut searched = 0;
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if name == "config.toml" || name == "cm.json" {
            continue;
        }
        let bytes = std::fs::read(f).unwrap();
        searched += 1;
        for n in needles.iter().chain([&basic.as_str()]) {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                leaks.push(format!("{} holds {n}", f.display()));
            }
        }
    }
    assert!(
        leaks.is_empty(),
        "secrets were written:\n{}",
        leaks.join("\n")
    );
    // The search covered the store, the logs and the export.
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n == "s.db"), "{names:?}");
    assert!(
        names.iter().any(|n| n.starts_with("switchboard.log")),
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "export.csv"), "{names:?}");
    assert!(searched >= 5, "{names:?}");
    // The flows really ran at trace level and reached the simulator.
    let log = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("switchboard.log"))
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect::<String>();
    assert!(log.contains("TRACE"), "the log is not at trace level");
    assert!(
        log.contains("lab-session"),
        "the log does not mention the flows"
    );
}

#[test]
fn the_store_and_its_journals_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &scenario());
    let cfg = config(dir.path(), &sim.addr, ARM_PASSWORD);
    let out = bin()
        .env("SB_TEST_ARM_PASSWORD", ARM_PASSWORD)
        .arg("--config")
        .arg(&cfg)
        .args(["sync", "audiocodes", "lab-session"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    // A second process keeps the store open, so its journals exist.
    let store = dir.path().join("s.db");
    let hold = rusqlite::Connection::open(&store).unwrap();
    hold.execute_batch("BEGIN; SELECT count(*) FROM numbers;")
        .unwrap();
    let mut checked = 0;
    for ext in ["", "-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{ext}", store.display()));
        if let Ok(m) = std::fs::metadata(&p) {
            assert_eq!(m.permissions().mode() & 0o777, 0o600, "{}", p.display());
            checked += 1;
        }
    }
    assert!(checked >= 2, "the store and its WAL");
}

fn base64_of(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}
