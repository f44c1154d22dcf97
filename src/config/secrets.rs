//! Where each secret of a connection comes from, and resolving it when a
//! job needs it (never when the file is read).

use super::ConfigError;
use crate::secret::{Secret, SecretSource};
use std::fmt;
use std::time::Duration;

/// How secrets given by command are run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSettings {
    /// A `*_cmd` still running after this many seconds is killed, with
    /// its process group, and its connection's job fails.
    pub command_timeout_secs: u64,
}

impl Default for SecretSettings {
    fn default() -> Self {
        SecretSettings {
            command_timeout_secs: crate::secret::DEFAULT_COMMAND_TIMEOUT.as_secs(),
        }
    }
}

impl SecretSettings {
    pub fn command_timeout(&self) -> Duration {
        Duration::from_secs(self.command_timeout_secs)
    }
}

/// One secret of a connection: its key, where it comes from, and where
/// the config file gives it (for errors). The value is read only when a
/// job for the connection needs it ([`AudioCodesConnection::with_secrets`]).
#[derive(Debug, Clone)]
pub struct SecretEntry {
    /// `password`, `client_secret`, `app_key`.
    pub key: String,
    pub source: SecretSource,
    /// File, line and key path of a config file's secret (its message
    /// empty); `None` for a connection made in the TUI.
    pub origin: Option<ConfigError>,
}

/// A secret that could not be resolved: the connection and the key, why,
/// never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError {
    pub connection: String,
    pub key: String,
    /// The config error (file, line, key) or, for a connection made in the
    /// TUI, the key and the reason.
    pub detail: String,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "connection `{}`: {}", self.connection, self.detail)
    }
}

impl std::error::Error for SecretError {}

impl SecretEntry {
    pub(super) fn store(key: &str, value: Option<Secret>) -> SecretEntry {
        SecretEntry {
            key: key.to_string(),
            source: SecretSource::Store(value),
            origin: None,
        }
    }

    /// The config error (file, line, key) for this secret's source
    /// failing with `why`; `None` for a secret not read from the file.
    pub(super) fn config_error(&self, why: &crate::secret::ResolveError) -> Option<ConfigError> {
        self.origin.as_ref().map(|o| ConfigError {
            message: format!("cannot resolve secret: {why}"),
            ..o.clone()
        })
    }

    /// The same in words; a secret not from the file is named by its key.
    pub(super) fn failure(&self, why: &crate::secret::ResolveError) -> String {
        match self.config_error(why) {
            Some(e) => e.to_string(),
            None => format!("secret `{}`: {why}", self.key),
        }
    }

    /// Resolves now (a command once per process, within `settings`).
    fn resolve(&self, connection: &str, settings: &SecretSettings) -> Result<Secret, SecretError> {
        self.source
            .resolve_cached(settings.command_timeout())
            .map_err(|why| SecretError {
                connection: connection.to_string(),
                key: self.key.clone(),
                detail: self.failure(&why),
            })
    }
}

/// Whether every secret of `entries` is already in its connection (a
/// literal of the file, a value read from the store).
pub(super) fn all_at_hand(entries: &[SecretEntry]) -> bool {
    entries.iter().all(|e| {
        matches!(
            e.source,
            SecretSource::Literal(_) | SecretSource::Store(Some(_))
        )
    })
}

/// Each secret of `entries`, resolved, by key.
pub(super) fn resolve_all(
    connection: &str,
    entries: &[SecretEntry],
    settings: &SecretSettings,
) -> Result<Vec<(String, Secret)>, SecretError> {
    entries
        .iter()
        .map(|e| Ok((e.key.clone(), e.resolve(connection, settings)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::{parse, Config, ConfigError};
    use std::path::Path;
    use std::time::Duration;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/etc/sb.toml"), text, false)
    }

    #[test]
    fn missing_secret_says_how_to_give_it() {
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\n").unwrap_err();
        assert_eq!(e.key, "audiocodes[0].password");
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("password_env"), "{e}");
    }

    #[test]
    fn literal_secret_in_loose_file_is_refused_but_env_is_fine() {
        let text = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"s3cret-xyz\"\n";
        let e = parse(Path::new("/etc/sb.toml"), text, true).unwrap_err();
        assert!(e.message.contains("chmod 600 /etc/sb.toml"), "{e}");
        assert!(!e.to_string().contains("s3cret-xyz"));
        std::env::set_var("SB_TEST_PW_ENV", "from-env");
        let ok = parse(Path::new("/etc/sb.toml"), "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"SB_TEST_PW_ENV\"\n", true).unwrap();
        // Read only when a job needs it.
        assert_eq!(ok.audiocodes[0].password.expose(), "");
        assert!(!ok.audiocodes[0].secrets_resolved);
        let a = ok.audiocodes[0].with_secrets(&ok.secrets).unwrap();
        assert_eq!(a.password.expose(), "from-env");
        assert!(a.secrets_resolved);
    }

    #[test]
    fn secrets_are_not_resolved_when_the_file_is_read() {
        let text = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword_env = \"SB_TEST_SURELY_UNSET\"\n[[axp]]\nname = \"x\"\nbase_url = \"https://x\"\naccount_id = \"ABCDEF\"\nclient_id = \"c\"\nclient_secret_cmd = \"exit 7\"\napp_key = \"k\"\n";
        let c = p(text).unwrap();
        let e = c.audiocodes[0].with_secrets(&c.secrets).unwrap_err();
        assert_eq!(e.connection, "a");
        assert_eq!(e.key, "password");
        assert!(
            e.to_string().starts_with("connection `a`: /etc/sb.toml:2: key `audiocodes[0].password`: cannot resolve secret: environment variable SB_TEST_SURELY_UNSET"),
            "{e}"
        );
        let e = c.axp[0].with_secrets(&c.secrets).unwrap_err();
        assert!(e.to_string().contains("key `axp[0].client_secret`"), "{e}");
        assert_eq!(c.check_secrets().len(), 2);
    }

    #[test]
    fn secret_command_timeout_is_a_setting_in_range() {
        let c = p("[secrets]\ncommand_timeout_secs = 3\n").unwrap();
        assert_eq!(c.secrets.command_timeout(), Duration::from_secs(3));
        assert_eq!(p("").unwrap().secrets.command_timeout_secs, 10);
        let e = p("read_only = false\n[secrets]\ncommand_timeout_secs = 0\n").unwrap_err();
        assert_eq!(e.key, "secrets.command_timeout_secs");
        assert_eq!(e.line, Some(3));
    }
}
