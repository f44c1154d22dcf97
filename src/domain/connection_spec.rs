//! A connection made in the Connections tab, for any vendor: its editable
//! fields (never its secrets, which are kept apart) and their checks.

use super::connection::{validate_host, validate_name, AudioCodesSpec, FieldError, SecretsPresent};
use super::invalid::Invalid;
use super::vendor::Vendor;
use serde::{Deserialize, Serialize};

/// A Live Platform (Operator Connect) tenant reached with OAuth2 client
/// credentials; the client secret is kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LivePlatformSpec {
    pub name: String,
    /// `https://<host>/tenantui`
    pub base_url: String,
    pub token_url: String,
    pub tenant_id: String,
    pub client_id: String,
    pub scope: String,
    pub ca_file: String,
    pub insecure_skip_verify: bool,
}

/// An Avaya AXP account; the client secret and app key are kept apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AxpSpec {
    pub name: String,
    pub base_url: String,
    /// Six letters, e.g. `ABCDEF`.
    pub account_id: String,
    pub client_id: String,
    pub ca_file: String,
    pub insecure_skip_verify: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "vendor", rename_all = "snake_case")]
pub enum ConnectionSpec {
    AudioCodes(AudioCodesSpec),
    LivePlatform(LivePlatformSpec),
    Axp(AxpSpec),
}

/// Stored settings this switchboard cannot read back.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("stored settings are unreadable: {0}")]
    Unreadable(#[source] serde_json::Error),
}

/// An http(s) URL whose host is a hostname or IP address with an optional
/// port, and any path after it.
pub fn validate_url(url: &str) -> Result<(), Invalid> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| Invalid::new("url", format!("{url:?} is not an http(s) URL")))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    validate_host(host).map_err(|_| Invalid::new("url", format!("{url:?} has no valid host")))
}

/// An AXP account id is six letters.
pub fn validate_account_id(id: &str) -> Result<(), Invalid> {
    if id.len() == 6 && id.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err(Invalid::new(
            "account_id",
            "an AXP account id is six letters (e.g. ABCDEF)",
        ))
    }
}

/// Collects problems field by field.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    fn check(&mut self, field: &'static str, r: Result<(), Invalid>) {
        if let Err(e) = r {
            self.0.push(FieldError {
                field,
                message: e.why,
            });
        }
    }
    fn require(&mut self, field: &'static str, present: bool, what: &str) {
        if !present {
            self.0.push(FieldError {
                field,
                message: format!("{what} is required"),
            });
        }
    }
    fn name(&mut self, name: &str, taken: &[String]) {
        self.check("name", validate_name(name));
        if taken.iter().any(|t| t == name) {
            let taken = format!("{name:?} is already a connection");
            self.check("name", Err(Invalid::new("name", taken)));
        }
    }
}

impl LivePlatformSpec {
    pub fn validate(&self, taken: &[String], secrets: SecretsPresent) -> Vec<FieldError> {
        let mut p = Problems::default();
        p.name(&self.name, taken);
        p.check("base_url", validate_url(&self.base_url));
        p.check("token_url", validate_url(&self.token_url));
        p.require(
            "client_id",
            !self.client_id.trim().is_empty(),
            "a client id",
        );
        p.require("client_secret", secrets.client_secret, "a client secret");
        p.0
    }
}

impl AxpSpec {
    pub fn validate(&self, taken: &[String], secrets: SecretsPresent) -> Vec<FieldError> {
        let mut p = Problems::default();
        p.name(&self.name, taken);
        p.check("base_url", validate_url(&self.base_url));
        p.check("account_id", validate_account_id(&self.account_id));
        p.require(
            "client_id",
            !self.client_id.trim().is_empty(),
            "a client id",
        );
        p.require("client_secret", secrets.client_secret, "a client secret");
        p.require("app_key", secrets.app_key, "an app key");
        p.0
    }
}

impl ConnectionSpec {
    pub fn name(&self) -> &str {
        match self {
            ConnectionSpec::AudioCodes(s) => &s.name,
            ConnectionSpec::LivePlatform(s) => &s.name,
            ConnectionSpec::Axp(s) => &s.name,
        }
    }

    pub fn vendor(&self) -> Vendor {
        match self {
            ConnectionSpec::AudioCodes(_) => Vendor::AudioCodes,
            ConnectionSpec::LivePlatform(_) => Vendor::LivePlatform,
            ConnectionSpec::Axp(_) => Vendor::Axp,
        }
    }

    /// Where it points, as the Connections tab shows it.
    pub fn address(&self) -> String {
        match self {
            ConnectionSpec::AudioCodes(s) => format!("{}://{}", s.scheme, s.host),
            ConnectionSpec::LivePlatform(s) => s.base_url.clone(),
            ConnectionSpec::Axp(s) => format!("{} (account {})", s.base_url, s.account_id),
        }
    }

    /// The secrets this vendor's connections have, by key.
    pub fn secret_keys(&self) -> &'static [&'static str] {
        match self {
            ConnectionSpec::AudioCodes(_) => &["password", "client_secret"],
            ConnectionSpec::LivePlatform(_) => &["client_secret"],
            ConnectionSpec::Axp(_) => &["client_secret", "app_key"],
        }
    }

    pub fn validate(&self, taken: &[String], secrets: SecretsPresent) -> Vec<FieldError> {
        match self {
            ConnectionSpec::AudioCodes(s) => s.validate(taken, secrets),
            ConnectionSpec::LivePlatform(s) => s.validate(taken, secrets),
            ConnectionSpec::Axp(s) => s.validate(taken, secrets),
        }
    }

    /// The fields as JSON, for the store (no secrets are in a spec).
    pub fn settings_json(&self) -> String {
        let v = match self {
            ConnectionSpec::AudioCodes(s) => serde_json::to_string(s),
            ConnectionSpec::LivePlatform(s) => serde_json::to_string(s),
            ConnectionSpec::Axp(s) => serde_json::to_string(s),
        };
        v.expect("a spec of strings and numbers serialises")
    }

    /// Reads stored settings back, given the vendor they were saved under.
    pub fn from_settings(vendor: Vendor, json: &str) -> Result<ConnectionSpec, SettingsError> {
        let bad = SettingsError::Unreadable;
        Ok(match vendor {
            Vendor::AudioCodes => {
                ConnectionSpec::AudioCodes(serde_json::from_str(json).map_err(bad)?)
            }
            Vendor::LivePlatform => {
                ConnectionSpec::LivePlatform(serde_json::from_str(json).map_err(bad)?)
            }
            Vendor::Axp => ConnectionSpec::Axp(serde_json::from_str(json).map_err(bad)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errs: Vec<FieldError>) -> Vec<&'static str> {
        errs.iter().map(|e| e.field).collect()
    }

    #[test]
    fn urls() {
        for ok in [
            "https://lp.example.com/tenantui",
            "http://127.0.0.1:8080",
            "https://login.example.com/t/oauth2/v2.0/token?x=1",
        ] {
            assert!(validate_url(ok).is_ok(), "{ok}");
        }
        for bad in ["lp.example.com", "https://", "ftp://x", "https://a b/c"] {
            assert!(validate_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn live_platform_fields_are_checked_one_by_one() {
        let spec = LivePlatformSpec {
            name: "lp".into(),
            base_url: "lp.example.com".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(spec.validate(&["lp".into()], SecretsPresent::default())),
            [
                "name",
                "base_url",
                "token_url",
                "client_id",
                "client_secret"
            ]
        );
        let ok = LivePlatformSpec {
            name: "lp2".into(),
            base_url: "https://lp.example.com/tenantui".into(),
            token_url: "https://login.example.com/token".into(),
            client_id: "app".into(),
            ..Default::default()
        };
        let present = SecretsPresent {
            client_secret: true,
            ..Default::default()
        };
        assert!(ok.validate(&[], present).is_empty());
    }

    #[test]
    fn axp_needs_six_letters_and_both_secrets() {
        let spec = AxpSpec {
            name: "axp".into(),
            base_url: "https://axp.example.com".into(),
            account_id: "ABC1EF".into(),
            client_id: "c".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(spec.validate(&[], SecretsPresent::default())),
            ["account_id", "client_secret", "app_key"]
        );
    }

    #[test]
    fn settings_round_trip_by_vendor() {
        let spec = ConnectionSpec::LivePlatform(LivePlatformSpec {
            name: "lp".into(),
            tenant_id: "t".into(),
            ..Default::default()
        });
        let back = ConnectionSpec::from_settings(spec.vendor(), &spec.settings_json()).unwrap();
        assert_eq!(back, spec);
        assert!(ConnectionSpec::from_settings(Vendor::Axp, "not json").is_err());
    }
}
