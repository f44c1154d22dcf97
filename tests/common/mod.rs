//! Shared helpers: the real binary, the real simulator as a process.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchboard"));
    c.env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_STORE")
        .env("NO_COLOR", "1");
    c
}

/// `switchboard sim` on a free loopback port; killed on drop.
pub struct SimProcess {
    child: Child,
    pub addr: String,
}

impl SimProcess {
    pub fn start() -> SimProcess {
        let mut child = bin()
            .args(["sim", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start switchboard sim");
        let stderr = child.stderr.take().unwrap();
        let mut line = String::new();
        BufReader::new(stderr)
            .read_line(&mut line)
            .expect("sim prints its address");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        SimProcess { child, addr }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a config file with mode 0600 and returns its path.
pub fn write_config(dir: &Path, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join("config.toml");
    std::fs::write(&p, text).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    p
}

pub fn run(config: &Path, args: &[&str]) -> Output {
    bin()
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run switchboard")
}

pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The demo scenario's credentials, pointed at `addr`.
pub fn demo_config(addr: &str, store: &Path) -> String {
    format!(
        r#"store_path = "{store}"
log_dir = "{logs}"
[http]
max_retries = 1
request_timeout_secs = 5

[[audiocodes]]
name = "arm-basic"
host = "{addr}"
scheme = "http"
username = "svc-east"
password = "demo-east-password"
auth = "basic"

[[audiocodes]]
name = "arm-session"
host = "{addr}"
scheme = "http"
username = "svc-west"
password = "demo-west-password"
auth = "session"

[[audiocodes]]
name = "arm-azure"
host = "{addr}"
scheme = "http"
auth = "azure_ad"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "arm-west-client"
client_secret = "demo-west-client-secret"

[[live_platform]]
name = "lp"
base_url = "http://{addr}/tenantui"
token_url = "http://{addr}/oauth2/v2.0/token"
client_id = "lp-demo-client"
client_secret = "demo-lp-client-secret"

[[axp]]
name = "axp"
base_url = "http://{addr}"
account_id = "DEMOAX"
client_id = "axp-demo-client"
client_secret = "demo-axp-client-secret"
app_key = "demo-axp-app-key"
"#,
        store = store.display(),
        logs = store.parent().unwrap().join("logs").display()
    )
}
