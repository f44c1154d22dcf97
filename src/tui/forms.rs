//! The forms Switchboard opens (a connection, a service, the prompts of the
//! Numbers tab) and what each one checks and submits. Each is built, checked on every key, and turned into
//! one command; the rules themselves live in `domain`.

use super::app::Command;
use super::connection_form;
use super::data::DataRequest;
use super::export_form;
use super::form::{Field, FieldKind, Form};
use super::service_form;
use super::voice_form;
use crate::domain::actions::{self, NumberAction};
use crate::domain::job::{JobKind, VoiceOp};
use crate::domain::number::canonical;
use crate::domain::vendor::Vendor;
use crate::store::number_query::NumberQuery;
use std::path::PathBuf;

/// What a form is for, with what it needs to finish.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    /// `taken`: names other connections use.
    NewConnection {
        taken: Vec<String>,
    },
    /// `kept`: the keys of the secrets already stored.
    EditConnection {
        kept: Vec<String>,
    },
    Cool(Vec<String>),
    Extend(Vec<String>),
    Tag(Vec<String>),
    AddRange,
    Import,
    /// The current view's query, to a file under `dir` unless a path says
    /// otherwise (see `export_form`).
    Export {
        query: NumberQuery,
        dir: PathBuf,
    },
    /// An OC service on this Live Platform connection.
    CreateService {
        connection: String,
    },
    /// Create (`id` None) or update an AXP item of the family `family`.
    VoiceItem {
        connection: String,
        family: &'static str,
        parent: Option<String>,
        id: Option<String>,
        creating: bool,
    },
    /// One of a family's extra actions, on the item `id` if it needs one.
    VoiceAction {
        connection: String,
        family: &'static str,
        parent: Option<String>,
        id: Option<String>,
    },
    /// A Communication Manager sync.
    SyncCm {
        connection: String,
        cm: String,
    },
}

fn registry(key: &str) -> &'static crate::domain::voice_registry::Family {
    crate::domain::voice_registry::family(key).expect("a family key from the registry")
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
        FormPurpose::Export { dir, .. } => return export_form::form(dir),
        FormPurpose::NewConnection { .. } | FormPurpose::EditConnection { .. } => {
            return connection_form::form(
                &connection_form::blank(Vendor::AudioCodes, ""),
                &[],
                false,
            )
        }
        FormPurpose::CreateService { .. } => return service_form::form(&[]),
        FormPurpose::VoiceItem {
            family, creating, ..
        } => return voice_form::item_form(registry(family), None, *creating),
        FormPurpose::VoiceAction { family, .. } => {
            return voice_form::action_form(registry(family))
        }
        FormPurpose::SyncCm { cm, .. } => return voice_form::sync_form(cm),
    };
    let mut form = Form::new(title, fields);
    form.footer = footer.into();
    form
}

fn one(key: &'static str, r: Result<impl Sized, impl Into<String>>) -> Vec<(&'static str, String)> {
    r.err().map(|e| vec![(key, e.into())]).unwrap_or_default()
}

/// After a key: a new connection whose vendor was changed gets that
/// vendor's fields; then every field is checked again.
pub fn edited(purpose: &FormPurpose, form: &mut Form) {
    if let FormPurpose::NewConnection { .. } = purpose {
        if let Some(refitted) = connection_form::refit(form) {
            *form = refitted;
        }
    }
    if let FormPurpose::Export { dir, .. } = purpose {
        export_form::refit(dir, form);
    }
    form.errors = validate(purpose, form);
}

/// Every problem of the form as it stands, by field.
pub fn validate(purpose: &FormPurpose, form: &Form) -> Vec<(&'static str, String)> {
    match purpose {
        FormPurpose::NewConnection { taken } => {
            field_errors(connection_form::validate(form, taken, &[]))
        }
        FormPurpose::EditConnection { kept } => {
            field_errors(connection_form::validate(form, &[], kept))
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
        FormPurpose::VoiceItem {
            family, creating, ..
        } => voice_form::validate(registry(family), *creating, form),
        FormPurpose::VoiceAction { family, .. } => {
            one("items", voice_form::action_request(registry(family), form))
        }
        FormPurpose::SyncCm { .. } => {
            let mut e = Vec::new();
            if form.value("name").trim().is_empty() {
                e.push(("name", "required".to_string()));
            }
            if voice_form::sync_entities(form).is_empty() {
                e.push(("AGENT", "switch on at least one entity".to_string()));
            }
            e
        }
        FormPurpose::Export { dir, .. } => export_form::validate(dir, form),
    }
}

fn field_errors(errs: Vec<crate::domain::connection::FieldError>) -> Vec<(&'static str, String)> {
    errs.into_iter().map(|e| (e.field, e.message)).collect()
}

/// A question to answer before a valid form's command runs (an export
/// over an existing file), or None.
pub fn ask_first(purpose: &FormPurpose, form: &Form) -> Option<String> {
    match purpose {
        FormPurpose::Export { dir, .. } => export_form::overwrite_question(dir, form),
        _ => None,
    }
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
                spec: Box::new(connection_form::spec_from(form)),
                secrets: connection_form::secrets_from(form),
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
        FormPurpose::VoiceItem {
            connection,
            family,
            parent,
            id,
            creating,
        } => {
            let f = registry(family);
            let typed_id = form.value(voice_form::ID_FIELD).trim().to_string();
            Command::Submit(JobKind::VoiceWrite {
                connection: connection.clone(),
                family: family.to_string(),
                parent: parent.clone(),
                id: id.clone().or((!typed_id.is_empty()).then_some(typed_id)),
                op: if *creating {
                    VoiceOp::Create
                } else {
                    VoiceOp::Update
                },
                body: Some(voice_form::body(f, *creating, form)),
                wait: true,
            })
        }
        FormPurpose::VoiceAction {
            connection,
            family,
            parent,
            id,
        } => match voice_form::action_request(registry(family), form) {
            Ok((action, body)) => Command::Submit(JobKind::VoiceAction {
                connection: connection.clone(),
                family: family.to_string(),
                parent: parent.clone(),
                id: id.clone(),
                action,
                body,
            }),
            // Not reached: a form is only submitted once it validates.
            Err(_) => Command::Load(DataRequest::Voice),
        },
        FormPurpose::SyncCm { connection, cm } => Command::Submit(JobKind::SyncCm {
            connection: connection.clone(),
            cm: cm.clone(),
            entities: voice_form::sync_entities(form),
            name: form.value("name").trim().to_string(),
            wait: true,
        }),
        FormPurpose::Export { query, dir } => Command::Submit(JobKind::ExportNumbers {
            query: query.clone(),
            path: export_form::resolve(dir, form.value("path"))
                .display()
                .to_string(),
            json: form.value("format") == "json",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::connection_spec::ConnectionSpec;
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
        let mut form =
            connection_form::form(&connection_form::blank(Vendor::AudioCodes, ""), &[], false);
        form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
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
            Command::SaveConnection { spec, secrets } => {
                let ConnectionSpec::AudioCodes(spec) = *spec else {
                    panic!("{spec:?}")
                };
                assert_eq!(spec.name, "arm-east2");
                assert_eq!(spec.host, "arm.example.com:8443");
                assert_eq!(secrets.len(), 1);
                assert_eq!(
                    (secrets[0].0, secrets[0].1.expose()),
                    ("password", "hunter2")
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn changing_the_vendor_swaps_the_fields_and_keeps_the_name() {
        let purpose = FormPurpose::NewConnection { taken: vec![] };
        let key = |form: &mut Form, code| {
            form.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
            edited(&purpose, form);
        };
        let mut form =
            connection_form::form(&connection_form::blank(Vendor::AudioCodes, ""), &[], false);
        key(&mut form, KeyCode::Tab);
        typ(&mut form, "lp-prod");
        key(&mut form, KeyCode::BackTab);
        key(&mut form, KeyCode::Right);
        assert_eq!(form.value("vendor"), "live_platform");
        assert_eq!(form.value("name"), "lp-prod");
        assert!(!form.visible_key("host"));
        let fields: Vec<&str> = form.errors.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            fields,
            ["base_url", "token_url", "client_id", "client_secret"]
        );
        // Fill in base URL, token URL, (tenant), client id and secret.
        for (tabs, text) in [
            (2, "https://lp.example.com/tenantui"),
            (1, "https://login.example.com/t/token"),
            (2, "app-1"),
            (1, "s3cret"),
        ] {
            for _ in 0..tabs {
                key(&mut form, KeyCode::Tab);
            }
            typ(&mut form, text);
            edited(&purpose, &mut form);
        }
        assert!(form.errors.is_empty(), "{:?}", form.errors);
        match command(&purpose, &form) {
            Command::SaveConnection { spec, secrets } => {
                let ConnectionSpec::LivePlatform(lp) = *spec else {
                    panic!("{spec:?}")
                };
                assert_eq!(lp.base_url, "https://lp.example.com/tenantui");
                assert_eq!(lp.client_id, "app-1");
                assert_eq!(secrets[0].0, "client_secret");
                assert_eq!(secrets[0].1.expose(), "s3cret");
            }
            other => panic!("{other:?}"),
        }
        // And on to AXP, which asks for an account id and an app key.
        key(&mut form, KeyCode::BackTab);
        while form.fields[form.focus].key != "vendor" {
            key(&mut form, KeyCode::BackTab);
        }
        key(&mut form, KeyCode::Right);
        let fields: Vec<&str> = form.errors.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            fields,
            [
                "base_url",
                "account_id",
                "client_id",
                "client_secret",
                "app_key"
            ]
        );
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
