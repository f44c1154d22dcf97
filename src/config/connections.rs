//! The connections a config (or the store) yields, resolved and ready for
//! the vendor clients, with the network options they share.

use super::secrets::{all_at_hand, resolve_all, SecretEntry, SecretError, SecretSettings};
use crate::domain::arm_users::PageShape;
use crate::domain::connection::AudioCodesSpec;
use crate::domain::connection_spec::{AxpSpec, LivePlatformSpec};
use crate::domain::interval::parse_interval;
use crate::domain::vendor::Vendor;
use crate::secret::Secret;
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

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

/// Pages of one list fetched at once once its total is known, unless a
/// connection's `fetch_concurrency` says otherwise (1: one after another).
pub const DEFAULT_FETCH_CONCURRENCY: usize = 4;
/// The most `fetch_concurrency` allows: more would only queue at the server.
pub const MAX_FETCH_CONCURRENCY: usize = 16;

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
    /// Pages fetched at once once the total is known (1: one at a time).
    pub fetch_concurrency: usize,
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
            fetch_concurrency: DEFAULT_FETCH_CONCURRENCY,
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
    /// Lists of a refresh fetched at once (1: one at a time).
    pub fetch_concurrency: usize,
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
            fetch_concurrency: DEFAULT_FETCH_CONCURRENCY,
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
    /// Pages (and families) fetched at once once a total is known (1: one
    /// at a time).
    pub fetch_concurrency: usize,
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
            fetch_concurrency: DEFAULT_FETCH_CONCURRENCY,
            tls: tls_from_spec(&spec.ca_file, spec.insecure_skip_verify),
            read_only: false,
            secrets_resolved: all_at_hand(&secret_sources),
            secret_sources,
        }
    }
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
