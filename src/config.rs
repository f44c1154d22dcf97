//! TOML configuration: where it is found, what it may say, and where each
//! secret comes from (resolved only when a job needs it). A bad config is
//! one clear error naming the file, the line and the key; nothing starts
//! half-configured.

use crate::domain::arm_users::{validate_number_field, validate_pointer, PageShape};
use crate::domain::connection::AudioCodesSpec;
use crate::domain::connection_spec::{validate_account_id, AxpSpec, LivePlatformSpec};
use crate::domain::interval::parse_interval;
use crate::domain::settings::InventorySettings;
use crate::domain::vendor::Vendor;
use crate::secret::{Secret, SecretSource};
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

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

#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub insecure_skip_verify: bool,
}

/// Network limits shared by every vendor client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSettings {
    pub connect_timeout_secs: u64,
    pub request_timeout_secs: u64,
    pub job_timeout_secs: u64,
    pub max_retries: u32,
    pub max_response_bytes: u64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout_secs: 5,
            request_timeout_secs: 30,
            job_timeout_secs: 600,
            max_retries: 3,
            max_response_bytes: 64 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArmAuthMethod {
    Basic,
    Session,
    AzureAd,
}

impl ArmAuthMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ArmAuthMethod::Basic => "basic",
            ArmAuthMethod::Session => "session",
            ArmAuthMethod::AzureAd => "azure_ad",
        }
    }
}

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
    fn store(key: &str, value: Option<Secret>) -> SecretEntry {
        SecretEntry {
            key: key.to_string(),
            source: SecretSource::Store(value),
            origin: None,
        }
    }

    /// The config error for this secret's source failing with `why`.
    fn error(&self, why: String) -> Result<ConfigError, String> {
        match &self.origin {
            Some(o) => Ok(ConfigError {
                message: format!("cannot resolve secret: {why}"),
                ..o.clone()
            }),
            None => Err(format!("secret `{}`: {why}", self.key)),
        }
    }

    /// Resolves now (a command once per process, within `settings`).
    fn resolve(&self, connection: &str, settings: &SecretSettings) -> Result<Secret, SecretError> {
        self.source
            .resolve_cached(settings.command_timeout())
            .map_err(|why| SecretError {
                connection: connection.to_string(),
                key: self.key.clone(),
                detail: match self.error(why) {
                    Ok(e) => e.to_string(),
                    Err(s) => s,
                },
            })
    }
}

/// Whether every secret of `entries` is already in its connection (a
/// literal of the file, a value read from the store).
fn all_at_hand(entries: &[SecretEntry]) -> bool {
    entries.iter().all(|e| {
        matches!(
            e.source,
            SecretSource::Literal(_) | SecretSource::Store(Some(_))
        )
    })
}

/// Each secret of `entries`, resolved, by key.
fn resolve_all(
    connection: &str,
    entries: &[SecretEntry],
    settings: &SecretSettings,
) -> Result<Vec<(String, Secret)>, SecretError> {
    entries
        .iter()
        .map(|e| Ok((e.key.clone(), e.resolve(connection, settings)?)))
        .collect()
}

/// OAuth2 client-credentials settings (Azure AD for ARM and Live Platform).
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub token_url: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub scope: String,
}

#[derive(Debug, Clone)]
pub struct AudioCodesConnection {
    pub name: String,
    /// `host` or `host:port`.
    pub host: String,
    /// `https` unless the config says `http` (a lab ARM or the simulator).
    pub scheme: String,
    pub username: String,
    pub password: Secret,
    pub auth: ArmAuthMethod,
    pub oauth: Option<OAuthClient>,
    pub users_path: String,
    pub page_size: u32,
    /// Where the list, the total and the numbers sit in a users page.
    pub shape: PageShape,
    pub sync_on_save: bool,
    pub schedule: Option<Duration>,
    pub schedule_enabled: bool,
    pub tls: TlsOptions,
    pub read_only: bool,
    /// Where each secret comes from (never the value).
    pub secret_sources: Vec<SecretEntry>,
    /// The secret fields hold their values (else they are empty until
    /// [`AudioCodesConnection::with_secrets`]).
    pub secrets_resolved: bool,
}

impl AudioCodesConnection {
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.host)
    }

    /// This connection with its secrets resolved: run when a job for it
    /// builds its client, never before.
    pub fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        let mut c = self.clone();
        for (key, value) in resolve_all(&self.name, &self.secret_sources, settings)? {
            match key.as_str() {
                "password" => c.password = value,
                "client_secret" => {
                    if let Some(o) = c.oauth.as_mut() {
                        o.client_secret = value;
                    }
                }
                _ => {}
            }
        }
        c.secrets_resolved = true;
        Ok(c)
    }

    /// A connection made in the TUI and kept in the store. The spec was
    /// validated when it was saved.
    pub fn from_spec(
        spec: &AudioCodesSpec,
        password: Option<Secret>,
        client_secret: Option<Secret>,
    ) -> AudioCodesConnection {
        let auth = match spec.auth.as_str() {
            "session" => ArmAuthMethod::Session,
            "azure_ad" => ArmAuthMethod::AzureAd,
            _ => ArmAuthMethod::Basic,
        };
        let oauth = (auth == ArmAuthMethod::AzureAd).then(|| OAuthClient {
            token_url: spec.token_url.clone(),
            client_id: spec.client_id.clone(),
            client_secret: client_secret
                .clone()
                .unwrap_or_else(|| Secret::new(String::new())),
            scope: spec.scope.clone(),
        });
        let mut secret_sources = vec![];
        if password.is_some() {
            secret_sources.push(SecretEntry::store("password", password.clone()));
        }
        if client_secret.is_some() {
            secret_sources.push(SecretEntry::store("client_secret", client_secret.clone()));
        }
        AudioCodesConnection {
            name: spec.name.clone(),
            host: spec.host.clone(),
            scheme: spec.scheme.clone(),
            username: spec.username.clone(),
            password: password.unwrap_or_else(|| Secret::new(String::new())),
            auth,
            oauth,
            users_path: spec.users_path.clone(),
            page_size: spec.page_size,
            shape: spec.shape(),
            sync_on_save: spec.sync_on_save,
            schedule: parse_interval(&spec.schedule).ok(),
            schedule_enabled: spec.schedule_enabled,
            tls: tls_from_spec(&spec.ca_file, spec.insecure_skip_verify),
            read_only: false,
            secrets_resolved: all_at_hand(&secret_sources),
            secret_sources,
        }
    }
}

#[derive(Debug, Clone)]
pub struct LivePlatformConnection {
    pub name: String,
    pub base_url: String,
    pub oauth: OAuthClient,
    pub tenant_id: Option<String>,
    pub tls: TlsOptions,
    pub read_only: bool,
    pub secret_sources: Vec<SecretEntry>,
    pub secrets_resolved: bool,
}

impl LivePlatformConnection {
    /// This connection with its secret resolved (see
    /// [`AudioCodesConnection::with_secrets`]).
    pub fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        let mut c = self.clone();
        for (key, value) in resolve_all(&self.name, &self.secret_sources, settings)? {
            if key == "client_secret" {
                c.oauth.client_secret = value;
            }
        }
        c.secrets_resolved = true;
        Ok(c)
    }

    /// A connection made in the TUI and kept in the store; `client_secret`
    /// is `None` when it was not read (listing).
    pub fn from_spec(spec: &LivePlatformSpec, client_secret: Option<Secret>) -> Self {
        let secret_sources = vec![SecretEntry::store("client_secret", client_secret.clone())];
        LivePlatformConnection {
            name: spec.name.clone(),
            base_url: spec.base_url.trim_end_matches('/').to_string(),
            oauth: OAuthClient {
                token_url: spec.token_url.clone(),
                client_id: spec.client_id.clone(),
                client_secret: client_secret.unwrap_or_else(|| Secret::new(String::new())),
                scope: spec.scope.clone(),
            },
            tenant_id: (!spec.tenant_id.is_empty()).then(|| spec.tenant_id.clone()),
            tls: tls_from_spec(&spec.ca_file, spec.insecure_skip_verify),
            read_only: false,
            secrets_resolved: all_at_hand(&secret_sources),
            secret_sources,
        }
    }
}

fn tls_from_spec(ca_file: &str, insecure_skip_verify: bool) -> TlsOptions {
    TlsOptions {
        ca_file: (!ca_file.is_empty()).then(|| PathBuf::from(ca_file)),
        insecure_skip_verify,
    }
}

#[derive(Debug, Clone)]
pub struct AxpConnection {
    pub name: String,
    pub base_url: String,
    pub account_id: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub app_key: Secret,
    pub tls: TlsOptions,
    pub read_only: bool,
    pub secret_sources: Vec<SecretEntry>,
    pub secrets_resolved: bool,
}

impl AxpConnection {
    /// This connection with its secrets resolved (see
    /// [`AudioCodesConnection::with_secrets`]).
    pub fn with_secrets(&self, settings: &SecretSettings) -> Result<Self, SecretError> {
        let mut c = self.clone();
        for (key, value) in resolve_all(&self.name, &self.secret_sources, settings)? {
            match key.as_str() {
                "client_secret" => c.client_secret = value,
                "app_key" => c.app_key = value,
                _ => {}
            }
        }
        c.secrets_resolved = true;
        Ok(c)
    }

    /// A connection made in the TUI and kept in the store.
    pub fn from_spec(
        spec: &AxpSpec,
        client_secret: Option<Secret>,
        app_key: Option<Secret>,
    ) -> Self {
        let blank = || Secret::new(String::new());
        let secret_sources = vec![
            SecretEntry::store("client_secret", client_secret.clone()),
            SecretEntry::store("app_key", app_key.clone()),
        ];
        AxpConnection {
            name: spec.name.clone(),
            base_url: spec.base_url.trim_end_matches('/').to_string(),
            account_id: spec.account_id.clone(),
            client_id: spec.client_id.clone(),
            client_secret: client_secret.unwrap_or_else(blank),
            app_key: app_key.unwrap_or_else(blank),
            tls: tls_from_spec(&spec.ca_file, spec.insecure_skip_verify),
            read_only: false,
            secrets_resolved: all_at_hand(&secret_sources),
            secret_sources,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// The file this came from, if any.
    pub file: Option<PathBuf>,
    pub store_path: PathBuf,
    pub log_dir: PathBuf,
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

/// One connection of any vendor, by reference.
#[derive(Debug, Clone, Copy)]
pub enum ConnectionRef<'a> {
    AudioCodes(&'a AudioCodesConnection),
    LivePlatform(&'a LivePlatformConnection),
    Axp(&'a AxpConnection),
}

/// One connection of any vendor, owned (e.g. one read from the store).
#[derive(Debug, Clone)]
pub enum Connection {
    AudioCodes(AudioCodesConnection),
    LivePlatform(LivePlatformConnection),
    Axp(AxpConnection),
}

impl Connection {
    pub fn as_ref(&self) -> ConnectionRef<'_> {
        match self {
            Connection::AudioCodes(c) => ConnectionRef::AudioCodes(c),
            Connection::LivePlatform(c) => ConnectionRef::LivePlatform(c),
            Connection::Axp(c) => ConnectionRef::Axp(c),
        }
    }
}

impl ConnectionRef<'_> {
    pub fn to_owned(&self) -> Connection {
        match *self {
            ConnectionRef::AudioCodes(c) => Connection::AudioCodes(c.clone()),
            ConnectionRef::LivePlatform(c) => Connection::LivePlatform(c.clone()),
            ConnectionRef::Axp(c) => Connection::Axp(c.clone()),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            ConnectionRef::AudioCodes(c) => &c.name,
            ConnectionRef::LivePlatform(c) => &c.name,
            ConnectionRef::Axp(c) => &c.name,
        }
    }
    pub fn vendor(&self) -> Vendor {
        match self {
            ConnectionRef::AudioCodes(_) => Vendor::AudioCodes,
            ConnectionRef::LivePlatform(_) => Vendor::LivePlatform,
            ConnectionRef::Axp(_) => Vendor::Axp,
        }
    }
    pub fn address(&self) -> String {
        match self {
            ConnectionRef::AudioCodes(c) => c.base_url(),
            ConnectionRef::LivePlatform(c) => c.base_url.clone(),
            ConnectionRef::Axp(c) => format!("{} (account {})", c.base_url, c.account_id),
        }
    }
    pub fn tls(&self) -> &TlsOptions {
        match self {
            ConnectionRef::AudioCodes(c) => &c.tls,
            ConnectionRef::LivePlatform(c) => &c.tls,
            ConnectionRef::Axp(c) => &c.tls,
        }
    }
    pub fn read_only(&self) -> bool {
        match self {
            ConnectionRef::AudioCodes(c) => c.read_only,
            ConnectionRef::LivePlatform(c) => c.read_only,
            ConnectionRef::Axp(c) => c.read_only,
        }
    }
    pub fn secret_sources(&self) -> &[SecretEntry] {
        match self {
            ConnectionRef::AudioCodes(c) => &c.secret_sources,
            ConnectionRef::LivePlatform(c) => &c.secret_sources,
            ConnectionRef::Axp(c) => &c.secret_sources,
        }
    }
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
                    match e.error(why) {
                        Ok(err) => problems.push(err),
                        Err(s) => problems.push(ConfigError {
                            file: self.file.clone().unwrap_or_default(),
                            line: None,
                            key: String::new(),
                            message: format!("connection `{}`: {s}", c.name()),
                        }),
                    }
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

// ---- raw file shape -------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    store_path: Option<PathBuf>,
    log_dir: Option<PathBuf>,
    keymap_file: Option<PathBuf>,
    #[serde(default)]
    read_only: bool,
    #[serde(default)]
    mouse: bool,
    #[serde(default)]
    inventory: InventorySettings,
    #[serde(default)]
    http: HttpSettings,
    #[serde(default)]
    secrets: RawSecrets,
    #[serde(default)]
    audiocodes: Vec<RawAudioCodes>,
    #[serde(default)]
    live_platform: Vec<RawLivePlatform>,
    #[serde(default)]
    axp: Vec<RawAxp>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSecrets {
    command_timeout_secs: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudioCodes {
    name: Spanned<String>,
    host: String,
    #[serde(default = "https")]
    scheme: String,
    #[serde(default)]
    username: String,
    password: Option<String>,
    password_env: Option<String>,
    password_cmd: Option<String>,
    #[serde(default = "basic")]
    auth: ArmAuthMethod,
    token_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    client_secret_env: Option<String>,
    client_secret_cmd: Option<String>,
    #[serde(default)]
    scope: String,
    #[serde(default = "users_path")]
    users_path: String,
    #[serde(default = "page_size")]
    page_size: u32,
    users_pointer: Option<Spanned<String>>,
    total_pointer: Option<Spanned<String>>,
    #[serde(default)]
    number_fields: Vec<Spanned<String>>,
    #[serde(default)]
    sync_on_save: bool,
    schedule: Option<String>,
    #[serde(default)]
    schedule_enabled: bool,
    ca_file: Option<PathBuf>,
    #[serde(default)]
    insecure_skip_verify: bool,
    #[serde(default)]
    read_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLivePlatform {
    name: Spanned<String>,
    base_url: String,
    token_url: String,
    tenant_id: Option<String>,
    client_id: String,
    client_secret: Option<String>,
    client_secret_env: Option<String>,
    client_secret_cmd: Option<String>,
    #[serde(default)]
    scope: String,
    ca_file: Option<PathBuf>,
    #[serde(default)]
    insecure_skip_verify: bool,
    #[serde(default)]
    read_only: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAxp {
    name: Spanned<String>,
    base_url: String,
    account_id: String,
    client_id: String,
    client_secret: Option<String>,
    client_secret_env: Option<String>,
    client_secret_cmd: Option<String>,
    app_key: Option<String>,
    app_key_env: Option<String>,
    app_key_cmd: Option<String>,
    ca_file: Option<PathBuf>,
    #[serde(default)]
    insecure_skip_verify: bool,
    #[serde(default)]
    read_only: bool,
}

fn https() -> String {
    "https".into()
}
fn basic() -> ArmAuthMethod {
    ArmAuthMethod::Basic
}
fn users_path() -> String {
    "/ARM/v1/registeredUsers".into()
}
fn page_size() -> u32 {
    500
}

/// `key` as written on the line at `at`, prefixed with the table it is in
/// (`http.job_timeout_secs`, `audiocodes[1].page_size`).
fn qualified(text: &str, at: usize, key: &str) -> String {
    let mut table = String::new();
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    for l in text[..at].lines().map(str::trim) {
        if let Some(name) = l.strip_prefix("[[").and_then(|l| l.split_once("]]")) {
            let name = name.0.trim().to_string();
            let n = counts.entry(name.clone()).or_insert(0);
            table = format!("{name}[{n}]");
            *n += 1;
        } else if let Some(name) = l.strip_prefix('[').and_then(|l| l.split_once(']')) {
            table = name.0.trim().to_string();
        }
    }
    if table.is_empty() {
        key.to_string()
    } else {
        format!("{table}.{key}")
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses config text. `loose_permissions` says the file can be read by
/// group or others, which forbids literal secrets in it.
pub fn parse(file: &Path, text: &str, loose_permissions: bool) -> Result<Config, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let key = e
            .span()
            .map(|s| {
                // A bad value (`page_size = -1`) is reported at the value:
                // the key is what stands before `=` on its line.
                let start = s.start.min(text.len());
                let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
                match text[line_start..start].find('=') {
                    Some(eq) => {
                        qualified(text, line_start, text[line_start..line_start + eq].trim())
                    }
                    None => text[s.clone()]
                        .split(['=', '\n'])
                        .next()
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                }
            })
            .filter(|k| !k.is_empty() && k.len() < 80 && !k.starts_with('['))
            .unwrap_or_default();
        ConfigError {
            file: file.to_path_buf(),
            line,
            key,
            message: e.message().trim().to_string(),
        }
    })?;
    let cx = Ctx {
        file,
        text,
        loose_permissions,
        keys: toml::from_str(text).unwrap_or_default(),
    };

    // Settings first: a value out of range is reported before any secret
    // of a connection is resolved.
    cx.bounds(&raw.http, &raw.inventory)?;
    let keymap_file = raw.keymap_file.map(expand_home);
    if let Some(k) = &keymap_file {
        cx.keymap(k)?;
    }

    let mut seen = std::collections::HashSet::new();
    let mut audiocodes = Vec::new();
    for (i, r) in raw.audiocodes.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.audiocodes(i, r)?;
        cx.unique(&mut seen, &name, Vendor::AudioCodes.as_str(), i)?;
        audiocodes.push(c);
    }
    let mut live_platform = Vec::new();
    for (i, r) in raw.live_platform.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.live_platform(i, r)?;
        cx.unique(&mut seen, &name, Vendor::LivePlatform.as_str(), i)?;
        live_platform.push(c);
    }
    let mut axp = Vec::new();
    for (i, r) in raw.axp.into_iter().enumerate() {
        let name = r.name.clone();
        let c = cx.axp(i, r)?;
        cx.unique(&mut seen, &name, Vendor::Axp.as_str(), i)?;
        axp.push(c);
    }
    let secrets = cx.secret_settings(raw.secrets)?;

    Ok(Config {
        file: Some(file.to_path_buf()),
        store_path: raw
            .store_path
            .map(expand_home)
            .unwrap_or_else(default_store_path),
        log_dir: raw.log_dir.map(expand_home).unwrap_or_else(default_log_dir),
        keymap_file,
        read_only: raw.read_only,
        mouse: raw.mouse,
        inventory: raw.inventory,
        http: raw.http,
        secrets,
        audiocodes,
        live_platform,
        axp,
    })
}

fn expand_home(p: PathBuf) -> PathBuf {
    match (p.strip_prefix("~"), directories::BaseDirs::new()) {
        (Ok(rest), Some(b)) => b.home_dir().join(rest),
        _ => p,
    }
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    loose_permissions: bool,
    keys: KeyPlaces,
}

/// Where the keys checked after parsing sit in the file, so that a value
/// serde accepted but the bounds refuse is reported at its own line.
#[derive(Deserialize, Default)]
struct KeyPlaces {
    keymap_file: Option<Spanned<toml::Value>>,
    #[serde(default)]
    http: std::collections::HashMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    inventory: std::collections::HashMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    audiocodes: Vec<std::collections::HashMap<String, Spanned<toml::Value>>>,
}

/// The three keys a secret may be given by.
struct SecretKeys {
    literal: Option<String>,
    env: Option<String>,
    cmd: Option<String>,
}

impl Ctx<'_> {
    fn err(&self, line: Option<usize>, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.to_path_buf(),
            line,
            key: key.to_string(),
            message: message.into(),
        }
    }

    fn line(&self, name: &Spanned<String>) -> Option<usize> {
        Some(line_of(self.text, name.span().start))
    }

    /// The line of `key` in `[table]` (`audiocodes` with `Some(i)` for the
    /// i-th `[[audiocodes]]`), if the file spells it.
    fn key_line(&self, table: &str, i: Option<usize>, key: &str) -> Option<usize> {
        let place = match (table, i) {
            ("", _) if key == "keymap_file" => self.keys.keymap_file.as_ref(),
            ("http", _) => self.keys.http.get(key),
            ("inventory", _) => self.keys.inventory.get(key),
            ("audiocodes", Some(i)) => self.keys.audiocodes.get(i).and_then(|t| t.get(key)),
            _ => None,
        };
        place.map(|v| line_of(self.text, v.span().start))
    }

    /// Settings that cannot work, or that would put a date or a timer out
    /// of range, are refused here (by `config check` and every load).
    fn bounds(&self, http: &HttpSettings, inv: &InventorySettings) -> Result<(), ConfigError> {
        let range = |table: &str, key: &str, v: u64, lo: u64, hi: u64, what: &str| {
            if (lo..=hi).contains(&v) {
                Ok(())
            } else {
                Err(self.err(
                    self.key_line(table, None, key),
                    &format!("{table}.{key}"),
                    format!("must be {what}, not {v}"),
                ))
            }
        };
        let (day, mib, gib) = (86_400, 1 << 20, 1 << 30);
        for (key, v) in [
            ("connect_timeout_secs", http.connect_timeout_secs),
            ("request_timeout_secs", http.request_timeout_secs),
            ("job_timeout_secs", http.job_timeout_secs),
        ] {
            range("http", key, v, 1, day, "1 to 86400 seconds (a day)")?;
        }
        range(
            "http",
            "max_retries",
            http.max_retries.into(),
            0,
            10,
            "0 to 10",
        )?;
        range(
            "http",
            "max_response_bytes",
            http.max_response_bytes,
            mib,
            4 * gib,
            "1 MiB to 4 GiB (1048576 to 4294967296 bytes)",
        )?;
        for (key, v) in [
            (
                "audiocodes_cooling_duration_days",
                inv.audiocodes_cooling_duration_days,
            ),
            ("cooling_duration_days", inv.cooling_duration_days),
        ] {
            range("inventory", key, v.into(), 1, 999, "1 to 999 days")?;
        }
        range(
            "inventory",
            "cooling_guard_percent",
            inv.cooling_guard_percent.into(),
            0,
            100,
            "0 to 100",
        )?;
        // Whatever the rules above miss, the domain's own check still holds.
        inv.validate().map_err(|m| self.err(None, "inventory", m))
    }

    /// `keymap_file` must exist and be a keymap; its errors name its own
    /// file, line and binding.
    fn keymap(&self, path: &Path) -> Result<(), ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            self.err(
                self.key_line("", None, "keymap_file"),
                "keymap_file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        crate::tui::keymap::Keymap::check(&text).map_err(|(line, key, message)| ConfigError {
            file: path.to_path_buf(),
            line,
            key,
            message: format!("{message} (keymap_file of {})", self.file.display()),
        })
    }

    fn unique(
        &self,
        seen: &mut std::collections::HashSet<String>,
        name: &Spanned<String>,
        table: &str,
        i: usize,
    ) -> Result<(), ConfigError> {
        let line = self.line(name);
        let name = name.get_ref();
        if !seen.insert(name.to_string()) {
            return Err(self.err(
                line,
                &format!("{table}[{i}].name"),
                format!("connection name {name:?} is used twice; names must be unique"),
            ));
        }
        Ok(())
    }

    fn name(&self, table: &str, i: usize, name: &Spanned<String>) -> Result<String, ConfigError> {
        crate::domain::connection::validate_name(name.get_ref())
            .map_err(|m| self.err(self.line(name), &format!("{table}[{i}].name"), m))?;
        Ok(name.get_ref().clone())
    }

    /// Reads one secret's source (a literal's value; others stay
    /// unresolved). `required` secrets must be given; a literal one is
    /// refused when the file is readable by group or others.
    fn secret(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        keys: SecretKeys,
        sources: &mut Vec<SecretEntry>,
    ) -> Result<Option<Secret>, ConfigError> {
        let path = format!("{table}[{i}].{key}");
        let line = self.line(name);
        let source = SecretSource::from_keys(key, keys.literal, keys.env, keys.cmd)
            .map_err(|m| self.err(line, &path, m))?;
        let Some(source) = source else {
            return Ok(None);
        };
        if source.is_literal() && self.loose_permissions {
            return Err(self.err(
                line,
                &path,
                format!(
                    "a literal secret in a file readable by group or others is refused; run `chmod 600 {}` or use {key}_env / {key}_cmd",
                    self.file.display()
                ),
            ));
        }
        // Only a literal is at hand now; the others are read when a job
        // needs them (an empty placeholder until then).
        let value = match &source {
            SecretSource::Literal(s) => s.clone(),
            _ => Secret::default(),
        };
        sources.push(SecretEntry {
            key: key.to_string(),
            source,
            origin: Some(self.err(line, &path, "")),
        });
        Ok(Some(value))
    }

    fn secret_settings(&self, raw: RawSecrets) -> Result<SecretSettings, ConfigError> {
        let mut s = SecretSettings::default();
        if let Some(t) = raw.command_timeout_secs {
            let line = Some(line_of(self.text, t.span().start));
            let secs = *t.get_ref();
            if !(1..=3600).contains(&secs) {
                return Err(self.err(
                    line,
                    "secrets.command_timeout_secs",
                    format!("{secs} is out of range: give 1 to 3600 seconds"),
                ));
            }
            s.command_timeout_secs = secs as u64;
        }
        Ok(s)
    }

    fn require(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        value: Option<Secret>,
    ) -> Result<Secret, ConfigError> {
        value.ok_or_else(|| {
            self.err(
                self.line(name),
                &format!("{table}[{i}].{key}"),
                format!("missing secret: set {key}, {key}_env or {key}_cmd"),
            )
        })
    }

    fn tls(
        &self,
        ca_file: Option<PathBuf>,
        insecure: bool,
        table: &str,
        i: usize,
        name: &Spanned<String>,
    ) -> Result<TlsOptions, ConfigError> {
        let ca_file = ca_file.map(expand_home);
        if let Some(ca) = &ca_file {
            if !ca.is_file() {
                return Err(self.err(
                    self.line(name),
                    &format!("{table}[{i}].ca_file"),
                    format!("no such file {}", ca.display()),
                ));
            }
        }
        Ok(TlsOptions {
            ca_file,
            insecure_skip_verify: insecure,
        })
    }

    fn url(
        &self,
        table: &str,
        i: usize,
        name: &Spanned<String>,
        key: &str,
        url: &str,
    ) -> Result<String, ConfigError> {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && reqwest::Url::parse(url).is_ok();
        if !ok {
            return Err(self.err(
                self.line(name),
                &format!("{table}[{i}].{key}"),
                format!("{url:?} is not an http(s) URL"),
            ));
        }
        Ok(url.trim_end_matches('/').to_string())
    }

    fn audiocodes(&self, i: usize, r: RawAudioCodes) -> Result<AudioCodesConnection, ConfigError> {
        const T: &str = Vendor::AudioCodes.as_str();
        let name = self.name(T, i, &r.name)?;
        let line = self.line(&r.name);
        crate::domain::connection::validate_host(&r.host)
            .map_err(|m| self.err(line, &format!("{T}[{i}].host"), m))?;
        if r.scheme != "https" && r.scheme != "http" {
            return Err(self.err(
                line,
                &format!("{T}[{i}].scheme"),
                "must be \"https\" or \"http\"",
            ));
        }
        let at = |key: &str| self.key_line(T, Some(i), key).or(line);
        if !(1..=5000).contains(&r.page_size) {
            return Err(self.err(
                at("page_size"),
                &format!("{T}[{i}].page_size"),
                format!("must be 1 to 5000, not {}", r.page_size),
            ));
        }
        crate::domain::connection::validate_users_path(&r.users_path)
            .map_err(|m| self.err(at("users_path"), &format!("{T}[{i}].users_path"), m))?;
        for (key, p) in [
            ("users_pointer", &r.users_pointer),
            ("total_pointer", &r.total_pointer),
        ] {
            if let Some(p) = p {
                validate_pointer(p.get_ref())
                    .map_err(|m| self.err(self.line(p), &format!("{T}[{i}].{key}"), m))?;
            }
        }
        for (k, f) in r.number_fields.iter().enumerate() {
            validate_number_field(f.get_ref())
                .map_err(|m| self.err(self.line(f), &format!("{T}[{i}].number_fields[{k}]"), m))?;
        }
        let schedule = r
            .schedule
            .as_deref()
            .map(parse_interval)
            .transpose()
            .map_err(|m| self.err(at("schedule"), &format!("{T}[{i}].schedule"), m))?;
        let mut sources = Vec::new();
        let password = self.secret(
            T,
            i,
            &r.name,
            "password",
            SecretKeys {
                literal: r.password,
                env: r.password_env,
                cmd: r.password_cmd,
            },
            &mut sources,
        )?;
        let client_secret = self.secret(
            T,
            i,
            &r.name,
            "client_secret",
            SecretKeys {
                literal: r.client_secret,
                env: r.client_secret_env,
                cmd: r.client_secret_cmd,
            },
            &mut sources,
        )?;
        let (password, oauth) = match r.auth {
            ArmAuthMethod::Basic | ArmAuthMethod::Session => {
                if r.username.is_empty() {
                    return Err(self.err(
                        line,
                        &format!("{T}[{i}].username"),
                        "required for basic and session authentication",
                    ));
                }
                (self.require(T, i, &r.name, "password", password)?, None)
            }
            ArmAuthMethod::AzureAd => {
                let token_url = r.token_url.ok_or_else(|| {
                    self.err(
                        line,
                        &format!("{T}[{i}].token_url"),
                        "required for azure_ad authentication",
                    )
                })?;
                let token_url = self.url(T, i, &r.name, "token_url", &token_url)?;
                let client_id = r.client_id.ok_or_else(|| {
                    self.err(
                        line,
                        &format!("{T}[{i}].client_id"),
                        "required for azure_ad authentication",
                    )
                })?;
                let client_secret = self.require(T, i, &r.name, "client_secret", client_secret)?;
                (
                    password.unwrap_or_default(),
                    Some(OAuthClient {
                        token_url,
                        client_id,
                        client_secret,
                        scope: r.scope,
                    }),
                )
            }
        };
        Ok(AudioCodesConnection {
            name,
            host: r.host,
            scheme: r.scheme,
            username: r.username,
            password,
            auth: r.auth,
            oauth,
            users_path: r.users_path,
            page_size: r.page_size,
            shape: PageShape {
                users_pointer: r.users_pointer.map(Spanned::into_inner),
                total_pointer: r.total_pointer.map(Spanned::into_inner),
                number_fields: r
                    .number_fields
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
            },
            sync_on_save: r.sync_on_save,
            schedule,
            schedule_enabled: r.schedule_enabled,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }

    fn live_platform(
        &self,
        i: usize,
        r: RawLivePlatform,
    ) -> Result<LivePlatformConnection, ConfigError> {
        const T: &str = Vendor::LivePlatform.as_str();
        let name = self.name(T, i, &r.name)?;
        let base_url = self.url(T, i, &r.name, "base_url", &r.base_url)?;
        let token_url = self.url(T, i, &r.name, "token_url", &r.token_url)?;
        let mut sources = Vec::new();
        let secret = self.secret(
            T,
            i,
            &r.name,
            "client_secret",
            SecretKeys {
                literal: r.client_secret,
                env: r.client_secret_env,
                cmd: r.client_secret_cmd,
            },
            &mut sources,
        )?;
        let client_secret = self.require(T, i, &r.name, "client_secret", secret)?;
        Ok(LivePlatformConnection {
            name,
            base_url,
            oauth: OAuthClient {
                token_url,
                client_id: r.client_id,
                client_secret,
                scope: r.scope,
            },
            tenant_id: r.tenant_id,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }

    fn axp(&self, i: usize, r: RawAxp) -> Result<AxpConnection, ConfigError> {
        const T: &str = Vendor::Axp.as_str();
        let name = self.name(T, i, &r.name)?;
        let line = self.line(&r.name);
        let base_url = self.url(T, i, &r.name, "base_url", &r.base_url)?;
        validate_account_id(&r.account_id)
            .map_err(|m| self.err(line, &format!("{T}[{i}].account_id"), m))?;
        let mut sources = Vec::new();
        let secret = self.secret(
            T,
            i,
            &r.name,
            "client_secret",
            SecretKeys {
                literal: r.client_secret,
                env: r.client_secret_env,
                cmd: r.client_secret_cmd,
            },
            &mut sources,
        )?;
        let client_secret = self.require(T, i, &r.name, "client_secret", secret)?;
        let app_key = self.secret(
            T,
            i,
            &r.name,
            "app_key",
            SecretKeys {
                literal: r.app_key,
                env: r.app_key_env,
                cmd: r.app_key_cmd,
            },
            &mut sources,
        )?;
        let app_key = self.require(T, i, &r.name, "app_key", app_key)?;
        Ok(AxpConnection {
            name,
            base_url,
            account_id: r.account_id,
            client_id: r.client_id,
            client_secret,
            app_key,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Config, ConfigError> {
        parse(Path::new("/etc/sb.toml"), text, false)
    }

    #[test]
    fn minimal_audiocodes_block_parses_with_defaults() {
        let c = p("[[audiocodes]]\nname = \"arm1\"\nhost = \"arm.example.com:8443\"\nusername = \"u\"\npassword = \"p\"\n").unwrap();
        let a = &c.audiocodes[0];
        assert_eq!(a.base_url(), "https://arm.example.com:8443");
        assert_eq!(a.auth, ArmAuthMethod::Basic);
        assert_eq!(a.page_size, 500);
        assert_eq!(c.inventory.audiocodes_cooling_duration_days, 2);
        assert_eq!(c.inventory.cooling_duration_days, 30);
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let e = p("read_only = false\n[[audiocodes]\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        assert!(e.to_string().starts_with("/etc/sb.toml:2: "), "{e}");
    }

    #[test]
    fn unknown_key_is_named() {
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\npasword = \"x\"\n").unwrap_err();
        assert_eq!(e.line, Some(6), "{e}");
        assert!(e.to_string().contains("pasword"), "{e}");
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

    #[test]
    fn names_must_be_unique_and_safe() {
        let e = p(
            "[[audiocodes]]\nname = \"a b\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\n",
        )
        .unwrap_err();
        assert_eq!(e.key, "audiocodes[0].name");
        let two = "[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\n[[axp]]\nname = \"a\"\nbase_url = \"https://x\"\naccount_id = \"ABCDEF\"\nclient_id = \"c\"\nclient_secret = \"s\"\napp_key = \"k\"\n";
        assert!(p(two).unwrap_err().message.contains("used twice"));
    }

    #[test]
    fn bad_values_are_refused() {
        let e = p("[[axp]]\nname = \"x\"\nbase_url = \"https://x\"\naccount_id = \"ABC\"\nclient_id = \"c\"\nclient_secret = \"s\"\napp_key = \"k\"\n").unwrap_err();
        assert!(e.message.contains("six letters"), "{e}");
        let e = p("[[audiocodes]]\nname = \"a\"\nhost = \"h\"\nusername = \"u\"\npassword = \"p\"\nschedule = \"5 parsecs\"\n").unwrap_err();
        assert_eq!(e.key, "audiocodes[0].schedule");
        let e = p("[inventory]\naudiocodes_cooling_duration_days = 0\n").unwrap_err();
        assert_eq!(e.key, "inventory.audiocodes_cooling_duration_days");
        assert_eq!(e.line, Some(2));
    }
}
