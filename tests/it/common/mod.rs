//! Shared helpers: the real binary, the real simulator as a process.

pub mod hostile;
pub mod raw_arm;
pub mod sort_order;
pub mod tmux;

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
        Self::spawn(None, &[])
    }

    /// A simulator serving the scenario in `toml` instead of the demo's.
    pub fn with_scenario(dir: &Path, toml: &str) -> SimProcess {
        Self::with_args(dir, toml, &[])
    }

    /// A simulator serving `toml`, started with more arguments (`--tls-cert`).
    pub fn with_args(dir: &Path, toml: &str, args: &[&std::ffi::OsStr]) -> SimProcess {
        let path = dir.join("scenario.toml");
        std::fs::write(&path, toml).unwrap();
        Self::spawn(Some(&path), args)
    }

    fn spawn(scenario: Option<&Path>, args: &[&std::ffi::OsStr]) -> SimProcess {
        let mut cmd = bin();
        cmd.args(["sim", "--listen", "127.0.0.1:0"]);
        if let Some(p) = scenario {
            cmd.arg("--scenario").arg(p);
        }
        cmd.args(args);
        let mut child = cmd
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
            .split("://")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        SimProcess { child, addr }
    }
}

impl SimProcess {
    /// One request to the simulator's control API; returns the status code.
    pub fn control(&self, method: &str, path: &str, body: &str) -> u16 {
        let reply = self.control_reply(method, path, body);
        reply
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("no status in {reply:?}"))
    }

    /// How many requests the simulator has had on paths starting with `prefix`.
    pub fn requests(&self, prefix: &str) -> u64 {
        let reply = self.control_reply("GET", "/_sim/requests", "");
        let body = reply.split("\r\n\r\n").nth(1).unwrap_or("{}");
        let counts: std::collections::BTreeMap<String, u64> =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
        counts
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    pub fn clear_requests(&self) {
        assert_eq!(self.control("DELETE", "/_sim/requests", ""), 204);
    }

    fn control_reply(&self, method: &str, path: &str, body: &str) -> String {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(&self.addr).expect("connect to sim");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        reply
    }

    /// Adds or replaces a registered user on the named simulated ARM.
    pub fn add_user(&self, arm: &str, id: &str, number: &str, status: &str) {
        let body = format!(
            r#"{{"id":"{id}","userName":"{id}","displayName":"{id}","phoneNumber":"{number}","status":"{status}","lastSeen":"2026-11-22T00:00:00Z","sbc":"sbc1"}}"#
        );
        assert_eq!(
            self.control("POST", &format!("/_sim/arm/{arm}/users"), &body),
            204
        );
    }

    pub fn set_status(&self, arm: &str, id: &str, status: &str) {
        let body = format!(r#"{{"status":"{status}"}}"#);
        assert_eq!(
            self.control("POST", &format!("/_sim/arm/{arm}/users/{id}"), &body),
            204
        );
    }

    pub fn delete_user(&self, arm: &str, id: &str) {
        assert_eq!(
            self.control("DELETE", &format!("/_sim/arm/{arm}/users/{id}"), ""),
            204
        );
    }

    pub fn generate(&self, arm: &str, users: usize) {
        let body = format!(r#"{{"users":{users}}}"#);
        assert_eq!(
            self.control("POST", &format!("/_sim/arm/{arm}/generate"), &body),
            204
        );
    }

    pub fn fault(&self, json: &str) {
        assert_eq!(self.control("POST", "/_sim/faults", json), 204);
    }

    pub fn clear_faults(&self) {
        assert_eq!(self.control("DELETE", "/_sim/faults", ""), 204);
    }
}

/// A one-ARM scenario ("lab", basic auth) with `users` generated users,
/// all registered, numbered from +15550001000.
pub fn lab_scenario(users: usize) -> String {
    format!(
        r#"[[arm]]
name = "lab"
username = "svc-lab"
password = "lab-password"
users = {users}
number_start = "+15550001000"
"#
    )
}

/// One `[[audiocodes]]` block (basic auth over plain HTTP) at `addr`;
/// `extra` lines are appended to it.
pub fn arm_connection(
    name: &str,
    addr: &str,
    (username, password): (&str, &str),
    page_size: u32,
    extra: &str,
) -> String {
    format!(
        r#"
[[audiocodes]]
name = "{name}"
host = "{addr}"
scheme = "http"
username = "{username}"
password = "{password}"
page_size = {page_size}
{extra}
"#
    )
}

/// One `[[live_platform]]` block named "lp" whose API and token endpoint
/// (`/oauth2/v2.0/token`) are both at `url` (`http://host:port`).
pub fn lp_connection(url: &str, client_secret: &str) -> String {
    format!(
        r#"
[[live_platform]]
name = "lp"
base_url = "{url}/tenantui"
token_url = "{url}/oauth2/v2.0/token"
client_id = "lp-client"
client_secret = "{client_secret}"
"#
    )
}

/// One `[[axp]]` block named "axp" for `account` at `url` (`http://host:port`).
pub fn axp_connection(url: &str, account: &str, client_secret: &str, app_key: &str) -> String {
    format!(
        r#"
[[axp]]
name = "axp"
base_url = "{url}"
account_id = "{account}"
client_id = "axp-client"
client_secret = "{client_secret}"
app_key = "{app_key}"
"#
    )
}

/// A fresh directory holding a config with connection "lab" (basic auth
/// over plain HTTP unless `extra` says otherwise) at `addr`, page size
/// `page`; returns (dir, config, store).
pub fn lab_at(addr: &str, page: u32, extra: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(
        dir.path(),
        &format!(
            "{}{}",
            config_head(&store, 5),
            arm_connection("lab", addr, LAB_LOGIN, page, extra)
        ),
    );
    (dir, config, store)
}

/// `oc create-service --wait` of the seed's request, against a simulated
/// Live Platform whose tasks take `task_seconds`, as connection "lp" in
/// `dir` (`head_extra` lines follow the config head, e.g. a job timeout).
/// Returns the simulator (keep it alive), the config and the output.
pub fn create_service_and_wait(
    dir: &Path,
    task_seconds: u32,
    head_extra: &str,
) -> (SimProcess, PathBuf, Output) {
    let sim = SimProcess::with_scenario(
        dir,
        &format!(
            "[live_platform]\nclient_id = \"lp-client\"\nclient_secret = \"lp-secret-value\"\ntask_seconds = {task_seconds}\n"
        ),
    );
    let cfg = write_config(
        dir,
        &format!(
            "{}{head_extra}{}",
            config_head(&dir.join("s.db"), 5),
            lp_connection(&format!("http://{}", sim.addr), "lp-secret-value")
        ),
    );
    let file = dir.join("req.json");
    std::fs::write(
        &file,
        include_str!("../fixtures/lp_create_service_seed.json"),
    )
    .unwrap();
    let out = run(
        &cfg,
        &[
            "oc",
            "create-service",
            "--file",
            file.to_str().unwrap(),
            "--wait",
        ],
    );
    (sim, cfg, out)
}

/// The lab scenario's credentials.
pub const LAB_LOGIN: (&str, &str) = ("svc-lab", "lab-password");

/// A config with the lab ARM as connection "lab" (page size 10, so that
/// syncs of a few dozen users take several pages).
pub fn lab_config(dir: &Path, addr: &str) -> PathBuf {
    write_config(
        dir,
        &format!(
            "{}{}",
            config_head(&dir.join("s.db"), 1),
            arm_connection("lab", addr, LAB_LOGIN, 10, "")
        ),
    )
}

/// Runs switchboard at a simulated instant.
pub fn run_at(config: &Path, now: &str, args: &[&str]) -> Output {
    bin()
        .env("SWITCHBOARD_NOW", now)
        .arg("--config")
        .arg(config)
        .args(args)
        .output()
        .expect("run switchboard")
}

/// The inventory as `numbers --json` prints it, parsed.
/// `sync audiocodes lab` at `now`, with its stdout and stderr as text.
pub fn sync_lab_at(config: &Path, now: &str) -> (Output, String, String) {
    let out = run_at(config, now, &["sync", "audiocodes", "lab"]);
    let (o, e) = text(&out);
    (out, o, e)
}

/// How many numbers are Used at `now`.
pub fn used_at(config: &Path, now: &str) -> usize {
    inventory(config, now)
        .iter()
        .filter(|r| r["status"] == "Used")
        .count()
}

pub fn inventory(config: &Path, now: &str) -> Vec<serde_json::Value> {
    let out = run_at(config, now, &["numbers", "--json"]);
    assert!(out.status.success(), "{}", text(&out).1);
    serde_json::from_slice(&out.stdout).expect("numbers --json is JSON")
}

pub fn row<'a>(inv: &'a [serde_json::Value], number: &str) -> &'a serde_json::Value {
    inv.iter()
        .find(|r| r["number"] == number)
        .unwrap_or_else(|| panic!("{number} not in inventory"))
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

/// The top of every test config: the store file, logs beside it, one
/// retry, and `timeout_secs` for connecting and for each request.
pub fn config_head(store: &Path, timeout_secs: u32) -> String {
    format!(
        r#"store_path = "{store}"
log_dir = "{logs}"
[http]
max_retries = 1
request_timeout_secs = {timeout_secs}
connect_timeout_secs = {timeout_secs}
"#,
        store = store.display(),
        logs = store.parent().unwrap().join("logs").display()
    )
}

/// The demo scenario's credentials, pointed at `addr`; the store is `store`.
pub fn demo_config(addr: &str, store: &Path) -> String {
    let head = config_head(store, 5);
    format!(
        r#"{head}
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
"#
    )
}

/// Tables that record attempts (jobs, their logs, sync runs, leases) rather
/// than the estate: a failed job adds to them by design.
const ATTEMPT_TABLES: [&str; 4] = ["jobs", "job_logs", "sync_runs", "leases"];

/// Every row of every other table of the store, in a stable order: two
/// dumps are equal exactly when the store's data is.
pub fn store_dump(store: &Path) -> String {
    let conn =
        rusqlite::Connection::open_with_flags(store, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the store");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .filter(|t: &String| !ATTEMPT_TABLES.contains(&t.as_str()))
        .collect();
    let mut out = String::new();
    for t in tables {
        // Virtual tables are dumped through their shadow tables.
        if t == "numbers_fts" {
            continue;
        }
        out += &format!("== {t}\n");
        let rows = table_rows(&conn, &t);
        for r in rows {
            out += &r;
            out.push('\n');
        }
    }
    out
}

/// Every row of `table`, sorted, each column as text (texts quoted).
pub fn table_rows(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    query_rows(conn, &format!("SELECT * FROM \"{table}\""))
}

/// The rows of `sql` (a SELECT), sorted, each column as text (texts quoted).
pub fn query_rows(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    let width = stmt.column_count();
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            Ok((0..width)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(t) => {
                        format!("{:?}", String::from_utf8_lossy(t))
                    }
                    other => format!("{other:?}"),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows.sort();
    rows
}

/// A copy of a store (closed by every process) at `to`.
pub fn copy_store(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    for ext in ["-wal", "-shm"] {
        let (f, t) = (
            PathBuf::from(format!("{}{ext}", from.display())),
            PathBuf::from(format!("{}{ext}", to.display())),
        );
        let _ = std::fs::remove_file(&t);
        if f.exists() {
            std::fs::copy(&f, &t).unwrap();
        }
    }
}

/// Fails with the first lines that differ between two store dumps.
pub fn assert_same_store(before: &str, after: &str, what: &str) {
    if before == after {
        return;
    }
    let (b, a): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    let gone: Vec<&&str> = b.iter().filter(|l| !a.contains(l)).take(5).collect();
    let new: Vec<&&str> = a.iter().filter(|l| !b.contains(l)).take(5).collect();
    panic!("{what}: the store changed\n  rows gone: {gone:#?}\n  rows new: {new:#?}");
}

/// A hash of the bytes of the store at `store` and of its -wal and -shm
/// (`None` for one that is absent): equal before and after means nothing
/// wrote the store.
pub fn store_file_hashes(store: &Path) -> Vec<(String, Option<u64>)> {
    use std::hash::{Hash, Hasher};
    ["", "-wal", "-shm"]
        .iter()
        .map(|ext| {
            let p = PathBuf::from(format!("{}{ext}", store.display()));
            let h = std::fs::read(&p).ok().map(|bytes| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut h);
                h.finish()
            });
            (format!("s.db{ext}"), h)
        })
        .collect()
}
