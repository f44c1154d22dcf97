//! Secrets: where they come from, and a wrapper that never prints its value
//! and zeroes it when dropped.

use std::collections::HashMap;
use std::fmt;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use zeroize::{Zeroize, Zeroizing};

/// How long a `*_cmd` may run when the config does not say
/// (`[secrets] command_timeout_secs`).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(10);

/// A resolved secret. `Debug` and `Display` print a mask, so a secret cannot
/// leak through logs, error messages or panics by accident; its bytes are
/// overwritten with zeroes when it is dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Zeroizing::new(value.into()))
    }
    /// The only way to read the value: name it at the call site.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(********)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

/// Marks the process non-dumpable (Linux): no core file, and other
/// processes of the same user cannot attach to it or read its memory.
/// Called at the start of every command that may hold a secret.
pub fn protect_process() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_DUMPABLE takes one integer argument and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// Whether the process is dumpable (Linux; elsewhere always `true`).
pub fn process_is_dumpable() -> bool {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_GET_DUMPABLE takes no argument and returns the flag.
    unsafe {
        libc::prctl(libc::PR_GET_DUMPABLE, 0, 0, 0, 0) != 0
    }
    #[cfg(not(target_os = "linux"))]
    true
}

/// One command's value, once it ran (its lock held while it runs).
type CachedSecret = Arc<Mutex<Option<Secret>>>;

/// How a secret is given: in the config file (a literal, an environment
/// variable, a command) or kept in the store for a connection made in the
/// TUI (`Store(None)` when it was not loaded: listing needs no secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Literal(Secret),
    Env(String),
    Cmd(String),
    Store(Option<Secret>),
}

impl SecretSource {
    /// Builds the source from the three mutually exclusive keys
    /// `<key>`, `<key>_env`, `<key>_cmd`.
    pub fn from_keys(
        key: &str,
        literal: Option<String>,
        env: Option<String>,
        cmd: Option<String>,
    ) -> Result<Option<SecretSource>, SourceError> {
        let given = [literal.is_some(), env.is_some(), cmd.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if given > 1 {
            return Err(SourceError::SeveralGiven {
                key: key.to_string(),
            });
        }
        Ok(literal
            .map(|v| SecretSource::Literal(Secret::new(v)))
            .or(env.map(SecretSource::Env))
            .or(cmd.map(SecretSource::Cmd)))
    }

    pub fn is_literal(&self) -> bool {
        matches!(self, SecretSource::Literal(_))
    }

    /// Where the secret comes from, safe to show.
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Literal(_) => "literal in config".into(),
            SecretSource::Env(v) => format!("env {v}"),
            SecretSource::Cmd(c) => format!("command {}", program_of(c)),
            SecretSource::Store(_) => "store".into(),
        }
    }

    /// Resolves now, a command within the default timeout.
    pub fn resolve(&self) -> Result<Secret, ResolveError> {
        self.resolve_within(DEFAULT_COMMAND_TIMEOUT)
    }

    /// Resolves now; a command is stopped (with its whole process group)
    /// after `timeout`.
    pub fn resolve_within(&self, timeout: Duration) -> Result<Secret, ResolveError> {
        match self {
            SecretSource::Literal(s) | SecretSource::Store(Some(s)) => Ok(s.clone()),
            SecretSource::Store(None) => Err(ResolveError::NotRead),
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
                _ => Err(ResolveError::EnvUnset { var: var.clone() }),
            },
            SecretSource::Cmd(cmd) => run_command(cmd, timeout),
        }
    }

    /// Like [`SecretSource::resolve_within`], but a command that succeeded
    /// once in this process is not run again: its value is kept (zeroed
    /// when the process ends) and shared by every job. Failures are not
    /// kept. Two jobs needing the same command wait for one run of it.
    pub fn resolve_cached(&self, timeout: Duration) -> Result<Secret, ResolveError> {
        let SecretSource::Cmd(cmd) = self else {
            return self.resolve_within(timeout);
        };
        static CACHE: OnceLock<Mutex<HashMap<String, CachedSecret>>> = OnceLock::new();
        let slot = {
            let mut all = CACHE
                .get_or_init(Default::default)
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            all.entry(cmd.clone()).or_default().clone()
        };
        let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let s = run_command(cmd, timeout)?;
        *slot = Some(s.clone());
        Ok(s)
    }
}

/// A secret's keys in the config that cannot all be meant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("give only one of {key}, {key}_env and {key}_cmd")]
    SeveralGiven { key: String },
}

/// Why a secret could not be read now. The words name the variable or
/// the command's program, never the value nor the command's arguments.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("the secret kept in the store was not read")]
    NotRead,
    #[error("environment variable {var} is not set or empty")]
    EnvUnset { var: String },
    #[error("could not run {program}: {source}")]
    CannotRun {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not wait for {program}: {source}")]
    CannotWait {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{program} did not finish within {secs}s ([secrets] command_timeout_secs); it was stopped"
    )]
    TimedOut { program: String, secs: u64 },
    #[error("{program} printed more than {kib} KiB; a secret command prints the secret alone")]
    TooMuchOutput { program: String, kib: u64 },
    #[error("{program} exited with {status}: {first_line}")]
    Exited {
        program: String,
        status: std::process::ExitStatus,
        first_line: String,
    },
    #[error("{program} printed nothing")]
    PrintedNothing { program: String },
}

/// The most a secret command may print: far more than any secret.
const MAX_OUTPUT: u64 = 64 * 1024;

/// Runs a `*_cmd` with `/bin/sh -s`, its text written on the shell's
/// standard input, so that it never appears in an argument list (`ps`).
/// The command itself reads `/dev/null`. It runs in a process group of its
/// own, killed whole after `timeout`. The first line of its output is the
/// secret.
fn run_command(cmd: &str, timeout: Duration) -> Result<Secret, ResolveError> {
    use std::os::unix::process::CommandExt;
    let program = program_of(cmd);
    let mut child = Command::new("/bin/sh")
        .arg("-s")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|source| ResolveError::CannotRun {
            program: program.clone(),
            source,
        })?;
    // The group's id is the shell's pid: it stays ours until the shell is
    // reaped, and while any process of the group lives. std made the u32
    // from the kernel's (positive) pid_t; `cast_signed` gives it back.
    let group: libc::pid_t = child.id().cast_signed();
    let kill_group = || {
        // SAFETY: kill(2) with a negative pid signals the group we created.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    };
    let deadline = Instant::now() + timeout;
    let timed_out = || ResolveError::TimedOut {
        program: program.clone(),
        secs: timeout.as_secs(),
    };
    // The whole text is parsed before it runs, so the command's own reads
    // of standard input get /dev/null, not the rest of the script.
    if let Some(mut stdin) = child.stdin.take() {
        let script = Zeroizing::new(format!("{{\n{cmd}\n}} </dev/null\n"));
        std::thread::spawn(move || {
            let _ = stdin.write_all(script.as_bytes());
        });
    }
    let read_all = |pipe: Option<Box<dyn Read + Send>>| {
        let (tx, rx) = mpsc::channel::<Zeroizing<Vec<u8>>>();
        if let Some(mut pipe) = pipe {
            std::thread::spawn(move || {
                // At most one byte past the limit is kept; the rest is
                // drained unread, so that the command is not blocked on a
                // full pipe and a command printing without end (`yes`)
                // cannot take the memory.
                let mut buf = Zeroizing::new(Vec::new());
                let _ = pipe.by_ref().take(MAX_OUTPUT + 1).read_to_end(&mut buf);
                let _ = std::io::copy(&mut pipe, &mut std::io::sink());
                let _ = tx.send(buf);
            });
        }
        rx
    };
    let out = read_all(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = read_all(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                kill_group();
                let _ = child.wait();
                return Err(timed_out());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => {
                kill_group();
                let _ = child.wait();
                return Err(ResolveError::CannotWait { program, source: e });
            }
        }
    };
    // A process the command left behind may still hold its output open.
    let left = deadline.saturating_duration_since(Instant::now());
    let Ok(stdout) = out.recv_timeout(left) else {
        kill_group();
        return Err(timed_out());
    };
    let stderr = err
        .recv_timeout(Duration::from_millis(100))
        .unwrap_or_default();
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(ResolveError::TooMuchOutput {
            program,
            kib: MAX_OUTPUT / 1024,
        });
    }
    if !status.success() {
        // stderr of a password manager is not the secret; stdout might be.
        let err = String::from_utf8_lossy(&stderr);
        return Err(ResolveError::Exited {
            program,
            status,
            first_line: err.lines().next().unwrap_or("").trim().to_string(),
        });
    }
    let mut text = String::from_utf8_lossy(&stdout).into_owned();
    let value = Secret::new(text.lines().next().unwrap_or(""));
    text.zeroize();
    if value.is_empty() {
        return Err(ResolveError::PrintedNothing { program });
    }
    Ok(value)
}

/// A command named by its program only (`pass …`): its arguments may
/// hold a secret (`echo s3cret`), so they are never shown.
fn program_of(cmd: &str) -> String {
    let program = cmd.split_whitespace().next().unwrap_or("");
    if cmd.trim() == program {
        format!("`{program}`")
    } else {
        format!("`{program} …`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_shown_without_its_arguments() {
        let s = SecretSource::Cmd("echo hunter2".into());
        assert_eq!(s.describe(), "command `echo …`");
        let failing = SecretSource::Cmd("false hunter2".into());
        let err = failing.resolve().unwrap_err().to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("`false …` exited"), "{err}");
    }

    #[test]
    fn a_slow_command_is_stopped_with_its_group() {
        let began = std::time::Instant::now();
        let e = SecretSource::Cmd("sleep 30 & sleep 30; echo late".into())
            .resolve_within(Duration::from_millis(300))
            .unwrap_err();
        assert!(began.elapsed() < Duration::from_secs(5));
        assert!(matches!(e, ResolveError::TimedOut { .. }), "{e:?}");
        let e = e.to_string();
        assert!(e.contains("did not finish within"), "{e}");
        assert!(!e.contains("late"), "{e}");
    }

    #[test]
    fn a_command_reads_no_script_and_gets_null_input() {
        // `cat` would print the rest of the script if it read the shell's input.
        let s = SecretSource::Cmd("cat; echo pw-from-cmd".into())
            .resolve()
            .unwrap();
        assert_eq!(s.expose(), "pw-from-cmd");
    }

    #[test]
    fn the_process_can_be_made_non_dumpable() {
        protect_process();
        #[cfg(target_os = "linux")]
        assert!(!process_is_dumpable());
    }

    #[test]
    fn debug_and_display_mask_the_value() {
        let s = Secret::new("hunter2-distinctive");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{s}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2-distinctive");
    }

    #[test]
    fn only_one_source_may_be_given() {
        let r = SecretSource::from_keys("password", Some("a".into()), Some("B".into()), None);
        assert!(r.unwrap_err().to_string().contains("only one of password"));
    }

    #[test]
    fn command_source_takes_first_line() {
        let s = SecretSource::Cmd("printf 'abc\\nrest'".into())
            .resolve()
            .unwrap();
        assert_eq!(s.expose(), "abc");
        let e = SecretSource::Cmd("exit 3".into()).resolve().unwrap_err();
        assert!(matches!(e, ResolveError::Exited { .. }), "{e}");
        assert!(e.to_string().contains("exited"), "{e}");
    }
}
