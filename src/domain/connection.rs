//! Connection names and hosts, the VOSS instance names derived from them,
//! and the fields of a connection made in the TUI.

use super::arm_users::{validate_number_field, validate_pointer, PageShape};
use super::invalid::Invalid;
use serde::{Deserialize, Serialize};

/// A name must be safe inside `SyncAudioCodes__<name>`: letters, digits,
/// `-`, `_` and `.`, 1 to 64 characters, starting with a letter or digit.
pub fn validate_name(name: &str) -> Result<(), Invalid> {
    if name.is_empty() || name.len() > 64 {
        return Err(Invalid::new(
            "name",
            "a connection name is 1 to 64 characters",
        ));
    }
    if !name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return Err(Invalid::new(
            "name",
            format!("{name:?} must start with a letter or digit"),
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Invalid::new(
            "name",
            format!("{name:?} has {bad:?}; use letters, digits, '-', '_' or '.'"),
        ));
    }
    Ok(())
}

/// A host is a hostname, an IPv4 address or a bracketed IPv6 address, with
/// an optional `:port`.
/// An ARM users path: an absolute path on the connection's host, so that
/// `https://host` + path cannot name another host (`@otherhost/...`,
/// `//otherhost/...`) nor lose its port (a path without `/`).
pub fn validate_users_path(path: &str) -> Result<(), Invalid> {
    let what = "must be an absolute path on the host, like /ARM/v1/registeredUsers";
    if !path.starts_with('/') {
        return Err(Invalid::new("users_path", format!("{path:?} {what}")));
    }
    if path.starts_with("//") {
        return Err(Invalid::new(
            "users_path",
            format!("{path:?} {what} (// would name another host)"),
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| matches!(c, '@' | '\\' | '#') || c.is_whitespace() || c.is_control())
    {
        return Err(Invalid::new(
            "users_path",
            format!("{path:?} {what}, without {c:?}"),
        ));
    }
    Ok(())
}

pub fn validate_host(host: &str) -> Result<(), Invalid> {
    let bad = || {
        Invalid::new(
            "host",
            format!("{host:?} is not a hostname or IP address with an optional :port"),
        )
    };
    if host.is_empty() {
        return Err(Invalid::new("host", "host is required"));
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let end = rest.find(']').ok_or_else(bad)?;
        let addr = &rest[..end];
        addr.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?;
        (None, rest[end + 1..].strip_prefix(':'))
    } else {
        match host.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(host), None),
        }
    };
    if let Some(p) = port {
        match p.parse::<u16>() {
            Ok(n) if n > 0 => {}
            _ => {
                return Err(Invalid::new(
                    "host",
                    format!("port {p:?} must be 1 to 65535"),
                ))
            }
        }
    }
    if let Some(name) = name {
        let labels_ok = !name.is_empty()
            && name.len() <= 253
            && name.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !labels_ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// An AudioCodes connection made in the Connections tab: every field but
/// the secrets, which are kept apart and never shown back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AudioCodesSpec {
    pub name: String,
    pub host: String,
    pub scheme: String,
    pub username: String,
    /// `basic`, `session` or `azure_ad`.
    pub auth: String,
    pub token_url: String,
    pub client_id: String,
    pub scope: String,
    pub users_path: String,
    pub page_size: u32,
    /// JSON pointer to the users list; empty: found by itself.
    pub users_pointer: String,
    /// JSON pointer to the total; empty: found by itself.
    pub total_pointer: String,
    /// JSON pointers of the fields holding numbers; empty: `phoneNumber`, then `uri`.
    pub number_fields: Vec<String>,
    pub sync_on_save: bool,
    /// An interval such as `15m`, `1h`, `1d`; empty for none.
    pub schedule: String,
    pub schedule_enabled: bool,
    pub ca_file: String,
    pub insecure_skip_verify: bool,
}

impl Default for AudioCodesSpec {
    fn default() -> Self {
        AudioCodesSpec {
            name: String::new(),
            host: String::new(),
            scheme: "https".into(),
            username: String::new(),
            auth: "basic".into(),
            token_url: String::new(),
            client_id: String::new(),
            scope: String::new(),
            users_path: "/ARM/v1/registeredUsers".into(),
            page_size: 500,
            users_pointer: String::new(),
            total_pointer: String::new(),
            number_fields: Vec::new(),
            sync_on_save: true,
            schedule: String::new(),
            schedule_enabled: false,
            ca_file: String::new(),
            insecure_skip_verify: false,
        }
    }
}

/// One field's problem, for the form to show beside the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// Which secrets a spec will have once saved (a new value typed, or an
/// existing one kept).
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretsPresent {
    pub password: bool,
    pub client_secret: bool,
    pub app_key: bool,
}

impl AudioCodesSpec {
    /// Every problem at once; `taken` are the names other connections use.
    pub fn validate(&self, taken: &[String], secrets: SecretsPresent) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut bad = |field, r: Result<(), Invalid>| {
            if let Err(e) = r {
                errs.push(FieldError {
                    field,
                    message: e.why,
                });
            }
        };
        bad("name", validate_name(&self.name));
        if taken.iter().any(|t| t == &self.name) {
            bad(
                "name",
                Err(Invalid::new(
                    "name",
                    format!("{:?} is already a connection", self.name),
                )),
            );
        }
        bad("host", validate_host(&self.host));
        if self.scheme != "https" && self.scheme != "http" {
            bad("scheme", Err(Invalid::new("scheme", "https or http")));
        }
        self.check_auth(secrets, &mut bad);
        bad("users_path", validate_users_path(&self.users_path));
        if !(1..=5000).contains(&self.page_size) {
            bad("page_size", Err(Invalid::new("page_size", "1 to 5000")));
        }
        if !self.users_pointer.is_empty() {
            bad("users_pointer", validate_pointer(&self.users_pointer));
        }
        if !self.total_pointer.is_empty() {
            bad("total_pointer", validate_pointer(&self.total_pointer));
        }
        if let Some(e) = self
            .number_fields
            .iter()
            .find_map(|f| validate_number_field(f).err())
        {
            bad("number_fields", Err(e));
        }
        if !self.schedule.trim().is_empty() {
            bad(
                "schedule",
                super::interval::parse_interval(&self.schedule).map(|_| ()),
            );
        } else if self.schedule_enabled {
            bad(
                "schedule",
                Err(Invalid::new(
                    "schedule",
                    "give an interval (15m, 1h, 1d) to enable",
                )),
            );
        }
        errs
    }

    /// The fields the chosen authentication needs.
    fn check_auth(
        &self,
        secrets: SecretsPresent,
        bad: &mut impl FnMut(&'static str, Result<(), Invalid>),
    ) {
        match self.auth.as_str() {
            "basic" | "session" => {
                if self.username.trim().is_empty() {
                    bad(
                        "username",
                        Err(Invalid::new("username", "required for basic and session")),
                    );
                }
                if !secrets.password {
                    bad(
                        "password",
                        Err(Invalid::new("password", "required for basic and session")),
                    );
                }
            }
            "azure_ad" => {
                if !(self.token_url.starts_with("https://")
                    || self.token_url.starts_with("http://"))
                {
                    bad(
                        "token_url",
                        Err(Invalid::new(
                            "token_url",
                            "an http(s) URL is required for azure_ad",
                        )),
                    );
                }
                if self.client_id.trim().is_empty() {
                    bad(
                        "client_id",
                        Err(Invalid::new("client_id", "required for azure_ad")),
                    );
                }
                if !secrets.client_secret {
                    bad(
                        "client_secret",
                        Err(Invalid::new("client_secret", "required for azure_ad")),
                    );
                }
            }
            other => bad(
                "auth",
                Err(Invalid::new(
                    "auth",
                    format!("{other:?}: basic, session or azure_ad"),
                )),
            ),
        }
    }
}

impl AudioCodesSpec {
    /// How this connection's users pages are read.
    pub fn shape(&self) -> PageShape {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        PageShape {
            users_pointer: opt(&self.users_pointer),
            total_pointer: opt(&self.total_pointer),
            number_fields: self.number_fields.clone(),
        }
    }
}

/// The three VOSS instances of an AudioCodes connection.
pub fn instance_names(name: &str) -> [String; 3] {
    [
        format!("SyncAudioCodes__{name}"),
        format!("PurgeAudioCodes__{name}"),
        format!("ScheduleAudioCodes__{name}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn users_path_stays_on_the_host() {
        assert!(validate_users_path("/ARM/v1/registeredUsers").is_ok());
        assert!(validate_users_path("/ARM/v1/users?filter=x").is_ok());
        for bad in [
            "ARM/v1/users",
            "@evil.example/x",
            "//evil.example/x",
            "/a@b",
            "/a b",
            "/a#b",
            "/a\\b",
            "https://evil.example/x",
            "",
        ] {
            assert!(validate_users_path(bad).is_err(), "{bad:?}");
        }
        let spec = AudioCodesSpec {
            users_path: "@evil.example/ARM".into(),
            ..AudioCodesSpec::default()
        };
        let errs = spec.validate(&[], SecretsPresent::default());
        assert!(errs.iter().any(|e| e.field == "users_path"), "{errs:?}");
    }

    #[test]
    fn hosts() {
        for ok in [
            "arm.example.com",
            "10.0.0.5:8443",
            "[::1]:9000",
            "localhost",
            "a-b.c",
        ] {
            assert!(validate_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "arm example",
            "http://arm",
            "arm:0",
            "arm:99999",
            "-a.com",
            "[zz]:1",
        ] {
            assert!(validate_host(bad).is_err(), "{bad}");
        }
    }
    #[test]
    fn names() {
        assert!(validate_name("arm-east_1.lab").is_ok());
        assert!(validate_name("a b").is_err());
        assert!(validate_name("_x").is_err());
        assert_eq!(instance_names("x")[1], "PurgeAudioCodes__x");
    }
    #[test]
    fn spec_validation_names_each_field() {
        let spec = AudioCodesSpec {
            name: "arm-east".into(),
            host: "arm east".into(),
            schedule: "5s".into(),
            ..Default::default()
        };
        let errs = spec.validate(&["arm-east".into()], SecretsPresent::default());
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "host", "username", "password", "schedule"]);
        let ok = AudioCodesSpec {
            name: "arm-new".into(),
            host: "10.0.0.5:8443".into(),
            username: "svc".into(),
            ..Default::default()
        };
        let present = SecretsPresent {
            password: true,
            ..Default::default()
        };
        assert!(ok.validate(&[], present).is_empty());
        let azure = AudioCodesSpec {
            auth: "azure_ad".into(),
            ..ok
        };
        let fields: Vec<&str> = azure
            .validate(&[], present)
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["token_url", "client_id", "client_secret"]);
    }
    #[test]
    fn spec_pointers_are_checked_and_read() {
        let present = SecretsPresent {
            password: true,
            ..Default::default()
        };
        let spec = AudioCodesSpec {
            name: "a".into(),
            host: "arm".into(),
            username: "u".into(),
            users_pointer: "data/list".into(),
            total_pointer: "/meta/total".into(),
            number_fields: vec!["/phoneNumber".into(), "".into()],
            ..Default::default()
        };
        let fields: Vec<&str> = spec
            .validate(&[], present)
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["users_pointer", "number_fields"]);
        let shape = AudioCodesSpec {
            users_pointer: " ".into(),
            ..spec
        }
        .shape();
        assert_eq!(shape.users_pointer, None);
        assert_eq!(shape.total_pointer.as_deref(), Some("/meta/total"));
    }
}
