//! The connection form of the Connections tab, for every vendor. The vendor
//! is the first field; changing it swaps the fields below (the name stays).
//! Secrets are never filled in: left blank, the stored one is kept.

use super::form::{Field, FieldKind, Form};
use crate::domain::connection::{AudioCodesSpec, FieldError, SecretsPresent};
use crate::domain::connection_spec::{AxpSpec, ConnectionSpec, LivePlatformSpec};
use crate::domain::vendor::Vendor;
use crate::secret::Secret;

pub const VENDORS: &[&str] = &[
    Vendor::AudioCodes.as_str(),
    Vendor::LivePlatform.as_str(),
    Vendor::Axp.as_str(),
];
const AUTH: &[&str] = &["basic", "session", "azure_ad"];
const SCHEME: &[&str] = &["https", "http"];
const USER_AUTH: &[&str] = &["basic", "session"];
const AZURE: &[&str] = &["azure_ad"];

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// An empty spec of `vendor`, keeping `name`.
pub fn blank(vendor: Vendor, name: &str) -> ConnectionSpec {
    let name = name.to_string();
    match vendor {
        Vendor::LivePlatform => ConnectionSpec::LivePlatform(LivePlatformSpec {
            name,
            ..Default::default()
        }),
        Vendor::Axp => ConnectionSpec::Axp(AxpSpec {
            name,
            ..Default::default()
        }),
        Vendor::AudioCodes => ConnectionSpec::AudioCodes(AudioCodesSpec {
            name,
            ..Default::default()
        }),
    }
}

/// The form for `spec`; `kept` are the secrets already stored, and
/// `editing` locks the vendor and name.
pub fn form(spec: &ConnectionSpec, kept: &[String], editing: bool) -> Form {
    let mut fields = vec![
        Field::new(
            "vendor",
            "Vendor",
            FieldKind::Choice(VENDORS),
            spec.vendor().as_str(),
        )
        .locked(editing),
        Field::new("name", "Name", FieldKind::Text, spec.name())
            .locked(editing)
            .hint(match spec {
                ConnectionSpec::AudioCodes(_) => "e.g. arm-east (used in SyncAudioCodes__<name>)",
                _ => "letters, digits, '-', '_' or '.'",
            }),
    ];
    let (title, rest): (&str, Vec<Field>) = match spec {
        ConnectionSpec::AudioCodes(s) => ("AudioCodes connection", audiocodes_fields(s, kept)),
        ConnectionSpec::LivePlatform(s) => {
            ("Live Platform connection", live_platform_fields(s, kept))
        }
        ConnectionSpec::Axp(s) => ("AXP connection", axp_fields(s, kept)),
    };
    fields.extend(rest);
    let title = if editing {
        format!("Edit {title} {}", spec.name())
    } else {
        format!("New {title}")
    };
    let mut form = Form::new(title, fields);
    form.footer = "save".into();
    form
}

/// A secret's field, never filled in; `kept` says whether one is stored.
fn secret(kept: &[String], key: &'static str, label: &'static str) -> Field {
    let hint = if kept.iter().any(|k| k == key) {
        "(unchanged; type to replace)"
    } else {
        ""
    };
    Field::new(key, label, FieldKind::Secret, "").hint(hint)
}

/// The TLS fields every vendor ends with.
fn tls(insecure: bool, ca_file: &str) -> [Field; 2] {
    [
        Field::new(
            "insecure",
            "Skip TLS verify",
            FieldKind::Toggle,
            yes_no(insecure),
        ),
        Field::new("ca_file", "CA file", FieldKind::Text, ca_file).hint("PEM file (optional)"),
    ]
}

/// An AudioCodes connection's fields after the vendor and name.
fn audiocodes_fields(s: &AudioCodesSpec, kept: &[String]) -> Vec<Field> {
    vec![
        Field::new("host", "ARM host", FieldKind::Text, &s.host)
            .hint("hostname or IP, optional :port"),
        Field::new("scheme", "Scheme", FieldKind::Choice(SCHEME), &s.scheme),
        Field::new("auth", "Authentication", FieldKind::Choice(AUTH), &s.auth),
        Field::new("username", "Username", FieldKind::Text, &s.username)
            .only_when("auth", USER_AUTH),
        secret(kept, "password", "Password").only_when("auth", USER_AUTH),
        Field::new("token_url", "Token URL", FieldKind::Text, &s.token_url)
            .hint("https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token")
            .only_when("auth", AZURE),
        Field::new("client_id", "Client id", FieldKind::Text, &s.client_id)
            .only_when("auth", AZURE),
        secret(kept, "client_secret", "Client secret").only_when("auth", AZURE),
        Field::new("scope", "Scope", FieldKind::Text, &s.scope).only_when("auth", AZURE),
        Field::new("schedule", "Schedule", FieldKind::Text, &s.schedule)
            .hint("e.g. 15m, 1h, 1d (empty: none)"),
        Field::new(
            "schedule_enabled",
            "Schedule on",
            FieldKind::Toggle,
            yes_no(s.schedule_enabled),
        ),
        Field::new(
            "sync_on_save",
            "Sync on save",
            FieldKind::Toggle,
            yes_no(s.sync_on_save),
        ),
        Field::new("users_path", "Users path", FieldKind::Text, &s.users_path)
            .hint("default /ARM/v1/registeredUsers"),
        Field::new(
            "page_size",
            "Page size",
            FieldKind::Text,
            &s.page_size.to_string(),
        )
        .hint("users asked per page, 1 to 5000"),
        Field::new(
            "users_pointer",
            "Users pointer",
            FieldKind::Text,
            &s.users_pointer,
        )
        .hint("JSON pointer, e.g. /data/list (empty: found by itself)"),
        Field::new(
            "total_pointer",
            "Total pointer",
            FieldKind::Text,
            &s.total_pointer,
        )
        .hint("JSON pointer, e.g. /meta/total (empty: found by itself)"),
        Field::new(
            "number_fields",
            "Number fields",
            FieldKind::Text,
            &s.number_fields.join(", "),
        )
        .hint("JSON pointers, comma-separated (empty: phoneNumber, uri)"),
    ]
    .into_iter()
    .chain(tls(s.insecure_skip_verify, &s.ca_file))
    .collect()
}

/// A Live Platform connection's fields after the vendor and name.
fn live_platform_fields(s: &LivePlatformSpec, kept: &[String]) -> Vec<Field> {
    vec![
        Field::new("base_url", "Base URL", FieldKind::Text, &s.base_url)
            .hint("https://<host>/tenantui"),
        Field::new("token_url", "Token URL", FieldKind::Text, &s.token_url)
            .hint("https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"),
        Field::new("tenant_id", "Tenant", FieldKind::Text, &s.tenant_id).hint("(optional)"),
        Field::new("client_id", "Client id", FieldKind::Text, &s.client_id),
        secret(kept, "client_secret", "Client secret"),
        Field::new("scope", "Scope", FieldKind::Text, &s.scope).hint("(optional)"),
    ]
    .into_iter()
    .chain(tls(s.insecure_skip_verify, &s.ca_file))
    .collect()
}

/// An AXP connection's fields after the vendor and name.
fn axp_fields(s: &AxpSpec, kept: &[String]) -> Vec<Field> {
    vec![
        Field::new("base_url", "Base URL", FieldKind::Text, &s.base_url)
            .hint("https://<region>.api.avayacloud.com"),
        Field::new("account_id", "Account id", FieldKind::Text, &s.account_id)
            .hint("six letters, e.g. ABCDEF"),
        Field::new("client_id", "Client id", FieldKind::Text, &s.client_id),
        secret(kept, "client_secret", "Client secret"),
        secret(kept, "app_key", "App key"),
    ]
    .into_iter()
    .chain(tls(s.insecure_skip_verify, &s.ca_file))
    .collect()
}

/// The vendor the form's fields were built for (the vendor field may have
/// just been changed).
pub fn built_for(form: &Form) -> Vendor {
    let has = |k: &str| form.fields.iter().any(|f| f.key == k);
    if has("host") {
        Vendor::AudioCodes
    } else if has("account_id") {
        Vendor::Axp
    } else {
        Vendor::LivePlatform
    }
}

/// The vendor chosen in the vendor field (a choice among `VENDORS`).
fn chosen(form: &Form) -> Vendor {
    Vendor::parse(form.value("vendor")).unwrap_or(Vendor::AudioCodes)
}

/// When the vendor was changed, the form for the new vendor (name kept,
/// focus left on the vendor field).
pub fn refit(form: &Form) -> Option<Form> {
    let vendor = chosen(form);
    if vendor == built_for(form) {
        return None;
    }
    let mut new = self::form(&blank(vendor, form.value("name")), &[], false);
    new.focus = 0;
    Some(new)
}

/// The spec the form stands for.
pub fn spec_from(form: &Form) -> ConnectionSpec {
    let text = |k: &str| form.value(k).trim().to_string();
    let name = text("name");
    let insecure_skip_verify = form.is_on("insecure");
    let ca_file = text("ca_file");
    match chosen(form) {
        Vendor::LivePlatform => ConnectionSpec::LivePlatform(LivePlatformSpec {
            name,
            base_url: text("base_url"),
            token_url: text("token_url"),
            tenant_id: text("tenant_id"),
            client_id: text("client_id"),
            scope: text("scope"),
            ca_file,
            insecure_skip_verify,
        }),
        Vendor::Axp => ConnectionSpec::Axp(AxpSpec {
            name,
            base_url: text("base_url"),
            account_id: text("account_id"),
            client_id: text("client_id"),
            ca_file,
            insecure_skip_verify,
        }),
        Vendor::AudioCodes => ConnectionSpec::AudioCodes(AudioCodesSpec {
            name,
            host: text("host"),
            scheme: form.value("scheme").to_string(),
            username: text("username"),
            auth: form.value("auth").to_string(),
            token_url: text("token_url"),
            client_id: text("client_id"),
            scope: text("scope"),
            schedule: text("schedule"),
            schedule_enabled: form.is_on("schedule_enabled"),
            sync_on_save: form.is_on("sync_on_save"),
            users_path: text("users_path"),
            page_size: text("page_size").parse().unwrap_or(0),
            users_pointer: text("users_pointer"),
            total_pointer: text("total_pointer"),
            number_fields: text("number_fields")
                .split(',')
                .map(|f| f.trim().to_string())
                .filter(|f| !f.is_empty())
                .collect(),
            insecure_skip_verify,
            ca_file,
        }),
    }
}

/// The secrets typed into the form (blank ones are left out, so the stored
/// value is kept).
pub fn secrets_from(form: &Form) -> Vec<(&'static str, Secret)> {
    spec_from(form)
        .secret_keys()
        .iter()
        .filter(|k| form.visible_key(k))
        .filter_map(|k| {
            let v = form.value(k);
            (!v.is_empty()).then(|| (*k, Secret::new(v)))
        })
        .collect()
}

/// Every problem of the form; `taken` are other connections' names and
/// `kept` the secrets already stored.
pub fn validate(form: &Form, taken: &[String], kept: &[String]) -> Vec<FieldError> {
    let has = |k: &str| kept.iter().any(|x| x == k) || !form.value(k).is_empty();
    let present = SecretsPresent {
        password: has("password"),
        client_secret: has("client_secret"),
        app_key: has("app_key"),
    };
    spec_from(form).validate(taken, present)
}
