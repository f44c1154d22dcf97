//! Secrets: where they come from, and a wrapper that never prints its value.

use std::fmt;
use std::process::Command;

/// A resolved secret. `Debug` and `Display` print a mask, so a secret cannot
/// leak through logs, error messages or panics by accident.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The only way to read the value: name it at the call site.
    pub fn expose(&self) -> &str {
        &self.0
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

/// How a secret is given in the config file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Literal(Secret),
    Env(String),
    Cmd(String),
}

impl SecretSource {
    /// Builds the source from the three mutually exclusive keys
    /// `<key>`, `<key>_env`, `<key>_cmd`.
    pub fn from_keys(
        key: &str,
        literal: Option<String>,
        env: Option<String>,
        cmd: Option<String>,
    ) -> Result<Option<SecretSource>, String> {
        let given = [literal.is_some(), env.is_some(), cmd.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
        if given > 1 {
            return Err(format!("give only one of {key}, {key}_env and {key}_cmd"));
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
        }
    }

    pub fn resolve(&self) -> Result<Secret, String> {
        match self {
            SecretSource::Literal(s) => Ok(s.clone()),
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
                _ => Err(format!("environment variable {var} is not set or empty")),
            },
            SecretSource::Cmd(cmd) => {
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(cmd)
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|e| format!("could not run {}: {e}", program_of(cmd)))?;
                if !out.status.success() {
                    // stderr of a password manager is not the secret; stdout might be.
                    let err = String::from_utf8_lossy(&out.stderr);
                    return Err(format!(
                        "{} exited with {}: {}",
                        program_of(cmd),
                        out.status,
                        err.lines().next().unwrap_or("").trim()
                    ));
                }
                let value = String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string();
                if value.is_empty() {
                    return Err(format!("{} printed nothing", program_of(cmd)));
                }
                Ok(Secret::new(value))
            }
        }
    }
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
        let err = failing.resolve().unwrap_err();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("`false …` exited"), "{err}");
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
        assert!(r.unwrap_err().contains("only one of password"));
    }

    #[test]
    fn command_source_takes_first_line() {
        let s = SecretSource::Cmd("printf 'abc\\nrest'".into())
            .resolve()
            .unwrap();
        assert_eq!(s.expose(), "abc");
        let e = SecretSource::Cmd("exit 3".into()).resolve().unwrap_err();
        assert!(e.contains("exited"), "{e}");
    }
}
