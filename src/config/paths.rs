//! Where the config file, the store and the logs are by default, and
//! finding and reading the config file.

use super::parse::parse;
use super::{Config, ConfigError};
use std::path::{Path, PathBuf};

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "switchboard")
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

pub fn default_store_path() -> PathBuf {
    project_dirs()
        .map(|d| d.data_dir().join("switchboard.db"))
        .unwrap_or_else(|| PathBuf::from("switchboard.db"))
}

/// The directory the store at `store_path` lives in (the data directory
/// unless `store_path` says otherwise): where exports go by default.
pub fn default_export_dir(store_path: &Path) -> PathBuf {
    match store_path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => project_dirs()
            .map(|d| d.data_dir().to_path_buf())
            .unwrap_or_else(|| PathBuf::from(".")),
    }
}

pub fn default_log_dir() -> PathBuf {
    project_dirs()
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .to_path_buf()
        })
        .unwrap_or_else(std::env::temp_dir)
}

/// Which file to read: `--config`, else `$SWITCHBOARD_CONFIG`, else the XDG
/// config dir. The flag and the variable must name a file that exists; the
/// default location may be absent (then the config is empty).
pub fn locate(flag: Option<&Path>) -> Result<Option<PathBuf>, ConfigError> {
    let explicit = flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("SWITCHBOARD_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(ConfigError {
                file: path,
                line: None,
                key: String::new(),
                message: "no such config file (given by --config or SWITCHBOARD_CONFIG)".into(),
            });
        }
        return Ok(Some(path));
    }
    Ok(default_config_path().filter(|p| p.is_file()))
}

/// Locates, reads, validates and resolves. Overrides from the command line
/// are applied by the caller.
pub fn load(flag: Option<&Path>) -> Result<Config, ConfigError> {
    match locate(flag)? {
        None => Ok(Config::empty()),
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
                file: path.clone(),
                line: None,
                key: String::new(),
                message: format!("cannot read: {e}"),
            })?;
            let group_or_world_readable = file_mode(&path).map(|m| m & 0o077 != 0).unwrap_or(false);
            parse(&path, &text, group_or_world_readable)
        }
    }
}

fn file_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

/// `~/...` under the home directory.
pub fn expand_home(p: PathBuf) -> PathBuf {
    match (p.strip_prefix("~"), directories::BaseDirs::new()) {
        (Ok(rest), Some(b)) => b.home_dir().join(rest),
        _ => p,
    }
}
