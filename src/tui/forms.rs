//! The forms Switchboard opens: an AudioCodes connection, and the prompts of
//! the Numbers tab. Each is built, checked on every key, and turned into
//! one command; the rules themselves live in `domain`.

use super::app::Command;
use super::data::DataRequest;
use super::form::{Field, FieldKind, Form};
use super::service_form;
use crate::domain::actions::{self, NumberAction};
use crate::domain::connection::{AudioCodesSpec, SecretsPresent};
use crate::domain::job::JobKind;
use crate::domain::number::canonical;
use crate::secret::Secret;
use crate::store::numbers::NumberQuery;

const AUTH: &[&str] = &["basic", "session", "azure_ad"];
const SCHEME: &[&str] = &["https", "http"];
const USER_AUTH: &[&str] = &["basic", "session"];
const AZURE: &[&str] = &["azure_ad"];
const FORMAT: &[&str] = &["csv", "json"];

/// What a form is for, with what it needs to finish.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    /// `taken`: names other connections use.
    NewConnection {
        taken: Vec<String>,
    },
    EditConnection {
        had: SecretsKept,
    },
    Cool(Vec<String>),
    Extend(Vec<String>),
    Tag(Vec<String>),
    AddRange,
    Import,
    Export(NumberQuery),
    /// An OC service on this Live Platform connection.
    CreateService {
        connection: String,
    },
}

/// Which secrets a connection being edited already has in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SecretsKept {
    pub password: bool,
    pub client_secret: bool,
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

/// The connection form, empty (`None`) or filled from a stored spec.
/// Secrets are never filled in: left blank, the stored one is kept.
pub fn connection_form(existing: Option<(&AudioCodesSpec, SecretsKept)>) -> Form {
    let default = AudioCodesSpec::default();
    let (spec, kept) = existing.unwrap_or((&default, SecretsKept::default()));
    let keep = |has: bool| {
        if has {
            "(unchanged; type to replace)"
        } else {
            ""
        }
    };
    let fields = vec![
        Field::new("name", "Name", FieldKind::Text, &spec.name)
            .locked(existing.is_some())
            .hint("e.g. arm-east (used in SyncAudioCodes__<name>)"),
        Field::new("host", "ARM host", FieldKind::Text, &spec.host)
            .hint("hostname or IP, optional :port"),
        Field::new("scheme", "Scheme", FieldKind::Choice(SCHEME), &spec.scheme),
        Field::new(
            "auth",
            "Authentication",
            FieldKind::Choice(AUTH),
            &spec.auth,
        ),
        Field::new("username", "Username", FieldKind::Text, &spec.username)
            .only_when("auth", USER_AUTH),
        Field::new("password", "Password", FieldKind::Secret, "")
            .hint(keep(kept.password))
            .only_when("auth", USER_AUTH),
        Field::new("token_url", "Token URL", FieldKind::Text, &spec.token_url)
            .hint("https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token")
            .only_when("auth", AZURE),
        Field::new("client_id", "Client id", FieldKind::Text, &spec.client_id)
            .only_when("auth", AZURE),
        Field::new("client_secret", "Client secret", FieldKind::Secret, "")
            .hint(keep(kept.client_secret))
            .only_when("auth", AZURE),
        Field::new("scope", "Scope", FieldKind::Text, &spec.scope).only_when("auth", AZURE),
        Field::new("schedule", "Schedule", FieldKind::Text, &spec.schedule)
            .hint("e.g. 15m, 1h, 1d (empty: none)"),
        Field::new(
            "schedule_enabled",
            "Schedule on",
            FieldKind::Toggle,
            yes_no(spec.schedule_enabled),
        ),
        Field::new(
            "sync_on_save",
            "Sync on save",
            FieldKind::Toggle,
            yes_no(spec.sync_on_save),
        ),
        Field::new(
            "insecure",
            "Skip TLS verify",
            FieldKind::Toggle,
            yes_no(spec.insecure_skip_verify),
        ),
        Field::new("ca_file", "CA file", FieldKind::Text, &spec.ca_file)
            .hint("PEM file (optional)"),
    ];
    let title = match existing {
        Some((s, _)) => format!("Edit AudioCodes connection {}", s.name),
        None => "New AudioCodes connection".to_string(),
    };
    let mut form = Form::new(title, fields);
    form.footer = "save".into();
    form
}

fn spec_from(form: &Form) -> AudioCodesSpec {
    let d = AudioCodesSpec::default();
    AudioCodesSpec {
        name: form.value("name").trim().to_string(),
        host: form.value("host").trim().to_string(),
        scheme: form.value("scheme").to_string(),
        username: form.value("username").trim().to_string(),
        auth: form.value("auth").to_string(),
        token_url: form.value("token_url").trim().to_string(),
        client_id: form.value("client_id").trim().to_string(),
        scope: form.value("scope").trim().to_string(),
        schedule: form.value("schedule").trim().to_string(),
        schedule_enabled: form.is_on("schedule_enabled"),
        sync_on_save: form.is_on("sync_on_save"),
        insecure_skip_verify: form.is_on("insecure"),
        ca_file: form.value("ca_file").trim().to_string(),
        ..d
    }
}

fn secret(form: &Form, key: &str) -> Option<Secret> {
    let v = form.value(key);
    (!v.is_empty()).then(|| Secret::new(v))
}

/// A prompt of one or two fields for the Numbers tab.
pub fn prompt(purpose: &FormPurpose) -> Form {
    let count = |n: &[String]| match n.len() {
        1 => n[0].clone(),
        k => format!("{k} numbers"),
    };
    let (title, fields, footer) = match purpose {
        FormPurpose::Cool(n) => (
            format!("Apply cooling to {}", count(n)),
            vec![Field::new("days", "Days", FieldKind::Text, "").hint("1 to 999")],
            "apply cooling",
        ),
        FormPurpose::Extend(n) => (
            format!("Extend cooling of {}", count(n)),
            vec![Field::new("days", "More days", FieldKind::Text, "").hint("1 to 999")],
            "extend",
        ),
        FormPurpose::Tag(n) => (
            format!("Tag {}", count(n)),
            vec![Field::new("tag", "Tag", FieldKind::Text, "").hint("empty clears the tag")],
            "set tag",
        ),
        FormPurpose::AddRange => (
            "Add a number range as Available".to_string(),
            vec![
                Field::new("from", "From", FieldKind::Text, "").hint("+4930100000"),
                Field::new("to", "To", FieldKind::Text, "").hint("+4930100999 (at most 100,000)"),
            ],
            "add",
        ),
        FormPurpose::Import => (
            "Import numbers from a CSV file".to_string(),
            vec![Field::new("path", "File", FieldKind::Text, "")
                .hint("header: number[,status,usage,vendor,tag,release_date]")],
            "import",
        ),
        FormPurpose::Export(_) => (
            "Export the current view".to_string(),
            vec![
                Field::new("format", "Format", FieldKind::Choice(FORMAT), "csv"),
                Field::new("path", "File", FieldKind::Text, "numbers.csv"),
            ],
            "export",
        ),
        FormPurpose::NewConnection { .. } | FormPurpose::EditConnection { .. } => {
            return connection_form(None)
        }
        FormPurpose::CreateService { .. } => return service_form::form(&[]),
    };
    let mut form = Form::new(title, fields);
    form.footer = footer.into();
    form
}

fn one(key: &'static str, r: Result<impl Sized, String>) -> Vec<(&'static str, String)> {
    r.err().map(|e| vec![(key, e)]).unwrap_or_default()
}

/// Every problem of the form as it stands, by field.
pub fn validate(purpose: &FormPurpose, form: &Form) -> Vec<(&'static str, String)> {
    match purpose {
        FormPurpose::NewConnection { taken } => {
            let present = SecretsPresent {
                password: !form.value("password").is_empty(),
                client_secret: !form.value("client_secret").is_empty(),
            };
            field_errors(spec_from(form).validate(taken, present))
        }
        FormPurpose::EditConnection { had } => {
            let present = SecretsPresent {
                password: had.password || !form.value("password").is_empty(),
                client_secret: had.client_secret || !form.value("client_secret").is_empty(),
            };
            field_errors(spec_from(form).validate(&[], present))
        }
        FormPurpose::Cool(_) | FormPurpose::Extend(_) => {
            one("days", actions::parse_days(form.value("days")))
        }
        FormPurpose::Tag(_) => one(
            "tag",
            NumberAction::Tag {
                text: form.value("tag").into(),
            }
            .validate(),
        ),
        FormPurpose::AddRange => {
            let mut e = one("from", canonical(form.value("from")));
            e.extend(one("to", canonical(form.value("to"))));
            if e.is_empty() {
                e = one(
                    "to",
                    actions::number_range(form.value("from"), form.value("to")),
                );
            }
            e
        }
        FormPurpose::Import => {
            let p = form.value("path").trim();
            if p.is_empty() {
                vec![("path", "give a file".into())]
            } else if !std::path::Path::new(p).is_file() {
                vec![("path", format!("no such file: {p}"))]
            } else {
                vec![]
            }
        }
        FormPurpose::CreateService { .. } => service_form::request(form).err().unwrap_or_default(),
        FormPurpose::Export(_) => {
            if form.value("path").trim().is_empty() {
                vec![("path", "give a file".into())]
            } else {
                vec![]
            }
        }
    }
}

fn field_errors(errs: Vec<crate::domain::connection::FieldError>) -> Vec<(&'static str, String)> {
    errs.into_iter().map(|e| (e.field, e.message)).collect()
}

/// The command a valid form stands for.
pub fn command(purpose: &FormPurpose, form: &Form) -> Command {
    let edit = |numbers: &[String], action| {
        Command::Submit(JobKind::EditNumbers {
            numbers: numbers.to_vec(),
            action,
        })
    };
    let days = || actions::parse_days(form.value("days")).unwrap_or(1);
    match purpose {
        FormPurpose::NewConnection { .. } | FormPurpose::EditConnection { .. } => {
            Command::SaveConnection {
                spec: Box::new(spec_from(form)),
                password: secret(form, "password"),
                client_secret: secret(form, "client_secret"),
            }
        }
        FormPurpose::Cool(n) => edit(n, NumberAction::Cool { days: days() }),
        FormPurpose::Extend(n) => edit(n, NumberAction::Extend { days: days() }),
        FormPurpose::Tag(n) => edit(
            n,
            NumberAction::Tag {
                text: form.value("tag").to_string(),
            },
        ),
        FormPurpose::AddRange => Command::Submit(JobKind::AddRange {
            from: form.value("from").trim().to_string(),
            to: form.value("to").trim().to_string(),
        }),
        FormPurpose::Import => Command::Submit(JobKind::Import {
            path: form.value("path").trim().to_string(),
        }),
        FormPurpose::CreateService { connection } => match service_form::request(form) {
            Ok(request) => Command::CreateService {
                connection: connection.clone(),
                request: Box::new(request),
            },
            // Not reached: a form is only submitted once it validates.
            Err(_) => Command::Load(DataRequest::Services),
        },
        FormPurpose::Export(query) => Command::Load(DataRequest::Export {
            query: query.clone(),
            path: form.value("path").trim().to_string(),
            json: form.value("format") == "json",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn typ(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn the_connection_form_checks_as_you_type_and_masks_the_password() {
        let purpose = FormPurpose::NewConnection {
            taken: vec!["arm-east".into()],
        };
        let mut form = connection_form(None);
        typ(&mut form, "arm-east");
        assert_eq!(form.value("name"), "arm-east");
        let errs = validate(&purpose, &form);
        assert!(errs
            .iter()
            .any(|(k, e)| *k == "name" && e.contains("already")));
        assert!(errs.iter().any(|(k, _)| *k == "host"));
        typ(&mut form, "2");
        form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        typ(&mut form, "arm.example.com:8443");
        // Tab past scheme and auth to the username and password.
        for _ in 0..3 {
            form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        }
        typ(&mut form, "svc");
        form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        typ(&mut form, "hunter2");
        assert!(
            validate(&purpose, &form).is_empty(),
            "{:?}",
            validate(&purpose, &form)
        );
        match command(&purpose, &form) {
            Command::SaveConnection { spec, password, .. } => {
                assert_eq!(spec.name, "arm-east2");
                assert_eq!(spec.host, "arm.example.com:8443");
                assert_eq!(password.unwrap().expose(), "hunter2");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn prompts_validate_their_fields() {
        let p = FormPurpose::Cool(vec!["+15551230001".into()]);
        let mut form = prompt(&p);
        typ(&mut form, "1000");
        assert_eq!(validate(&p, &form)[0].0, "days");
        let p = FormPurpose::AddRange;
        let mut form = prompt(&p);
        typ(&mut form, "+4930100");
        form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        typ(&mut form, "+4930199");
        assert!(validate(&p, &form).is_empty());
        assert_eq!(
            command(&p, &form),
            Command::Submit(JobKind::AddRange {
                from: "+4930100".into(),
                to: "+4930199".into()
            })
        );
    }
}
