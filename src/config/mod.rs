//! TOML configuration: where it is found ([`paths`]), what it may say
//! ([`raw`], checked by [`validate`] and [`vendors`] while [`parse`] reads
//! it), the resolved connections ([`connections`]) and where each secret
//! comes from ([`secrets`], resolved only when a job needs it). A bad config
//! is one clear error naming the file, the line and the key; nothing starts
//! half-configured.

mod connections;
mod parse;
mod paths;
mod raw;
mod secrets;
mod validate;
mod vendors;

pub use connections::{
    ArmAuthMethod, AudioCodesConnection, AxpConnection, Connection, ConnectionRef, HttpSettings,
    LivePlatformConnection, OAuthClient, TlsOptions,
};
pub use parse::parse;
pub use paths::{
    default_config_path, default_export_dir, default_log_dir, default_store_path, expand_home,
    load, locate,
};
pub use secrets::{SecretEntry, SecretError, SecretSettings};

use crate::domain::settings::InventorySettings;
use std::fmt;
use std::path::PathBuf;

/// A config error: file, line (when known), key path and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.line.map(|l| format!(":{l}")).unwrap_or_default();
        write!(f, "{}{}: ", self.file.display(), line)?;
        if !self.key.is_empty() {
            write!(f, "key `{}`: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any.
    pub file: Option<PathBuf>,
    pub store_path: PathBuf,
    pub log_dir: PathBuf,
    /// Where an export goes unless a path is given: `export_dir`, else
    /// the directory the store lives in (the data directory by default).
    pub export_dir: PathBuf,
    pub keymap_file: Option<PathBuf>,
    pub read_only: bool,
    pub mouse: bool,
    pub inventory: InventorySettings,
    pub http: HttpSettings,
    pub secrets: SecretSettings,
    pub audiocodes: Vec<AudioCodesConnection>,
    pub live_platform: Vec<LivePlatformConnection>,
    pub axp: Vec<AxpConnection>,
}

impl Config {
    /// Every connection, AudioCodes first, in file order.
    pub fn connections(&self) -> Vec<ConnectionRef<'_>> {
        let mut all: Vec<ConnectionRef<'_>> = Vec::new();
        all.extend(self.audiocodes.iter().map(ConnectionRef::AudioCodes));
        all.extend(self.live_platform.iter().map(ConnectionRef::LivePlatform));
        all.extend(self.axp.iter().map(ConnectionRef::Axp));
        all
    }

    pub fn find(&self, name: &str) -> Option<ConnectionRef<'_>> {
        self.connections().into_iter().find(|c| c.name() == name)
    }

    pub fn audiocodes(&self, name: &str) -> Option<&AudioCodesConnection> {
        self.audiocodes.iter().find(|c| c.name == name)
    }

    /// Resolves every secret of the file now (fresh, commands within the
    /// timeout), for `config check`: each source's problem with file, line
    /// and key, never a value. Empty when all resolve.
    pub fn check_secrets(&self) -> Vec<ConfigError> {
        let timeout = self.secrets.command_timeout();
        let mut problems = Vec::new();
        for c in self.connections() {
            for e in c.secret_sources() {
                if let Err(why) = e.source.resolve_within(timeout) {
                    problems.push(e.config_error(&why).unwrap_or_else(|| ConfigError {
                        file: self.file.clone().unwrap_or_default(),
                        line: None,
                        key: String::new(),
                        message: format!("connection `{}`: {}", c.name(), e.failure(&why)),
                    }));
                }
            }
        }
        problems
    }

    /// A config with no file: default paths, no connections.
    pub fn empty() -> Config {
        Config {
            file: None,
            store_path: default_store_path(),
            log_dir: default_log_dir(),
            export_dir: default_export_dir(&default_store_path()),
            keymap_file: None,
            read_only: false,
            mouse: false,
            inventory: InventorySettings::default(),
            http: HttpSettings::default(),
            secrets: SecretSettings::default(),
            audiocodes: vec![],
            live_platform: vec![],
            axp: vec![],
        }
    }
}
