//! The config file's shape as serde reads it, before any check.

use super::connections::{ArmAuthMethod, HttpSettings};
use crate::domain::settings::InventorySettings;
use serde::Deserialize;
use std::path::PathBuf;
use toml::Spanned;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) store_path: Option<PathBuf>,
    pub(super) log_dir: Option<PathBuf>,
    pub(super) export_dir: Option<PathBuf>,
    pub(super) keymap_file: Option<PathBuf>,
    #[serde(default)]
    pub(super) read_only: bool,
    #[serde(default)]
    pub(super) mouse: bool,
    #[serde(default)]
    pub(super) inventory: InventorySettings,
    #[serde(default)]
    pub(super) http: HttpSettings,
    #[serde(default)]
    pub(super) secrets: RawSecrets,
    #[serde(default)]
    pub(super) audiocodes: Vec<RawAudioCodes>,
    #[serde(default)]
    pub(super) live_platform: Vec<RawLivePlatform>,
    #[serde(default)]
    pub(super) axp: Vec<RawAxp>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSecrets {
    pub(super) command_timeout_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAudioCodes {
    pub(super) name: Spanned<String>,
    pub(super) host: String,
    #[serde(default = "https")]
    pub(super) scheme: String,
    #[serde(default)]
    pub(super) username: String,
    pub(super) password: Option<String>,
    pub(super) password_env: Option<String>,
    pub(super) password_cmd: Option<String>,
    #[serde(default = "basic")]
    pub(super) auth: ArmAuthMethod,
    pub(super) token_url: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
    pub(super) client_secret_env: Option<String>,
    pub(super) client_secret_cmd: Option<String>,
    #[serde(default)]
    pub(super) scope: String,
    #[serde(default = "users_path")]
    pub(super) users_path: String,
    #[serde(default = "page_size")]
    pub(super) page_size: u32,
    pub(super) fetch_concurrency: Option<Spanned<i64>>,
    pub(super) users_pointer: Option<Spanned<String>>,
    pub(super) total_pointer: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) number_fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub(super) sync_on_save: bool,
    pub(super) schedule: Option<String>,
    #[serde(default)]
    pub(super) schedule_enabled: bool,
    pub(super) ca_file: Option<PathBuf>,
    #[serde(default)]
    pub(super) insecure_skip_verify: bool,
    #[serde(default)]
    pub(super) read_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLivePlatform {
    pub(super) name: Spanned<String>,
    pub(super) base_url: String,
    pub(super) token_url: String,
    pub(super) tenant_id: Option<String>,
    pub(super) client_id: String,
    pub(super) client_secret: Option<String>,
    pub(super) client_secret_env: Option<String>,
    pub(super) client_secret_cmd: Option<String>,
    #[serde(default)]
    pub(super) scope: String,
    pub(super) ca_file: Option<PathBuf>,
    #[serde(default)]
    pub(super) insecure_skip_verify: bool,
    pub(super) fetch_concurrency: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) read_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAxp {
    pub(super) name: Spanned<String>,
    pub(super) base_url: String,
    pub(super) account_id: String,
    pub(super) client_id: String,
    pub(super) client_secret: Option<String>,
    pub(super) client_secret_env: Option<String>,
    pub(super) client_secret_cmd: Option<String>,
    pub(super) app_key: Option<String>,
    pub(super) app_key_env: Option<String>,
    pub(super) app_key_cmd: Option<String>,
    pub(super) ca_file: Option<PathBuf>,
    #[serde(default)]
    pub(super) insecure_skip_verify: bool,
    pub(super) fetch_concurrency: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) read_only: bool,
}

pub(super) fn https() -> String {
    "https".into()
}
pub(super) fn basic() -> ArmAuthMethod {
    ArmAuthMethod::Basic
}
pub(super) fn users_path() -> String {
    "/ARM/v1/registeredUsers".into()
}
pub(super) fn page_size() -> u32 {
    500
}
