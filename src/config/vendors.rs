//! Each vendor's table (`[[audiocodes]]`, `[[live_platform]]`, `[[axp]]`)
//! checked into its connection.

use super::connections::{
    ArmAuthMethod, AudioCodesConnection, AxpConnection, LivePlatformConnection, OAuthClient,
};
use super::raw::{RawAudioCodes, RawAxp, RawLivePlatform};
use super::secrets::all_at_hand;
use super::validate::{Ctx, SecretKeys};
use super::ConfigError;
use crate::domain::arm_users::{validate_number_field, validate_pointer, PageShape};
use crate::domain::connection_spec::validate_account_id;
use crate::domain::interval::parse_interval;
use crate::domain::vendor::Vendor;
use toml::Spanned;

impl Ctx<'_> {
    pub(super) fn audiocodes(
        &self,
        i: usize,
        r: RawAudioCodes,
    ) -> Result<AudioCodesConnection, ConfigError> {
        const T: &str = Vendor::AudioCodes.as_str();
        let name = self.name(T, i, &r.name)?;
        let line = self.line(&r.name);
        self.check_arm_endpoint(i, &r, line)?;
        let at = |key: &str| self.key_line(T, Some(i), key).or(line);
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
            fetch_concurrency: self.fetch_concurrency(T, i, r.fetch_concurrency)?,
            shape: page_shape(r.users_pointer, r.total_pointer, r.number_fields),
            sync_on_save: r.sync_on_save,
            schedule,
            schedule_enabled: r.schedule_enabled,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }

    /// Where and how an ARM is asked for its users: host, scheme, page
    /// size, users path, the JSON pointers and the number fields.
    fn check_arm_endpoint(
        &self,
        i: usize,
        r: &RawAudioCodes,
        line: Option<usize>,
    ) -> Result<(), ConfigError> {
        const T: &str = Vendor::AudioCodes.as_str();
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
        Ok(())
    }

    pub(super) fn live_platform(
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
            fetch_concurrency: self.fetch_concurrency(T, i, r.fetch_concurrency)?,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }

    pub(super) fn axp(&self, i: usize, r: RawAxp) -> Result<AxpConnection, ConfigError> {
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
            fetch_concurrency: self.fetch_concurrency(T, i, r.fetch_concurrency)?,
            tls: self.tls(r.ca_file, r.insecure_skip_verify, T, i, &r.name)?,
            read_only: r.read_only,
            secrets_resolved: all_at_hand(&sources),
            secret_sources: sources,
        })
    }
}

/// How an ARM's user pages are read, without the file positions the
/// checks above needed.
fn page_shape(
    users_pointer: Option<Spanned<String>>,
    total_pointer: Option<Spanned<String>>,
    number_fields: Vec<Spanned<String>>,
) -> PageShape {
    PageShape {
        users_pointer: users_pointer.map(Spanned::into_inner),
        total_pointer: total_pointer.map(Spanned::into_inner),
        number_fields: number_fields.into_iter().map(Spanned::into_inner).collect(),
    }
}
