//! Forms generated from the AXP registry: an item's create/update body
//! (lists as rows, patterns checked as you type), a family's extra actions,
//! and a Communication Manager sync.

use super::form::{Field, FieldKind, Form};
use crate::domain::voice_body::{self, Entered};
use crate::domain::voice_registry::{ActionInput, Family, Kind, SYNC_ENTITIES};
use serde_json::Value;

/// The key of the item-id field of a family without a list (HCG systems).
pub const ID_FIELD: &str = "(id)";

/// A create (`item` None) or update form for `f`, filled from `item`.
pub fn item_form(f: &Family, item: Option<&Value>, creating: bool) -> Form {
    let mut fields = Vec::new();
    if !creating && !f.ops.list && f.account_scoped {
        fields.push(
            Field::new(ID_FIELD, "Item id", FieldKind::Text, "").hint("e.g. the HCG systemId"),
        );
    }
    for spec in voice_body::fields_for(f, creating) {
        let entered = item
            .map(|it| voice_body::entered_from(spec, it))
            .unwrap_or(Entered::Text(String::new()));
        let text = match &entered {
            Entered::Text(t) => t.clone(),
            Entered::Rows(_) => String::new(),
        };
        let mut field = match spec.kind {
            Kind::List => {
                let rows: Vec<Vec<String>> = match entered {
                    Entered::Rows(r) => r.into_iter().map(|x| vec![x]).collect(),
                    Entered::Text(_) => vec![],
                };
                Field::rows(spec.name, spec.name, &["Value"], &rows)
            }
            Kind::Bool => {
                let v = if text.is_empty() { "no" } else { text.as_str() };
                Field::new(spec.name, spec.name, FieldKind::Toggle, v)
            }
            Kind::Choice(opts) => {
                let v = if text.is_empty() {
                    opts[0]
                } else {
                    text.as_str()
                };
                Field::new(spec.name, spec.name, FieldKind::Choice(opts), v)
            }
            Kind::Secret => {
                Field::new(spec.name, spec.name, FieldKind::Secret, "").hint(if creating {
                    ""
                } else {
                    "(retype: an update replaces the whole item)"
                })
            }
            Kind::Text | Kind::Number | Kind::Digits => {
                Field::new(spec.name, spec.name, FieldKind::Text, &text)
            }
        };
        if spec.required && field.hint.is_empty() {
            field = field.hint("required");
        }
        if let Some((k, vals)) = spec.only_when {
            field = field.only_when(k, vals);
        }
        fields.push(field);
    }
    let verb = if creating { "New" } else { "Edit" };
    let mut form = Form::new(format!("{verb} — {}", f.title), fields);
    form.footer = if creating { "create" } else { "save" }.into();
    form
}

/// The body the form stands for.
pub fn body(f: &Family, creating: bool, form: &Form) -> Value {
    let entered: Vec<(&str, Entered)> = voice_body::fields_for(f, creating)
        .filter(|s| form.visible_key(s.name))
        .map(|s| {
            let e = match s.kind {
                Kind::List => Entered::Rows(
                    form.rows(s.name)
                        .into_iter()
                        .filter_map(|r| r.into_iter().next())
                        .collect(),
                ),
                _ => Entered::Text(form.value(s.name).to_string()),
            };
            (s.name, e)
        })
        .collect();
    voice_body::build(f, creating, &entered)
}

/// Every problem of the form, on its field.
pub fn validate(f: &Family, creating: bool, form: &Form) -> Vec<(&'static str, String)> {
    let mut errs = voice_body::validate(f, &body(f, creating, form), creating);
    if form.fields.iter().any(|x| x.key == ID_FIELD) && form.value(ID_FIELD).trim().is_empty() {
        errs.insert(0, (ID_FIELD, "required".into()));
    }
    errs
}

/// The actions of a family, with rows for their list input.
pub fn action_form(f: &Family) -> Form {
    let names: Vec<String> = f.actions.iter().map(|a| a.name.to_string()).collect();
    let first = names.first().cloned().unwrap_or_default();
    let fields = vec![
        Field::new("action", "Action", FieldKind::Pick(names), &first).hint("←→ to choose"),
        Field::rows("items", "Ids / numbers", &["Value"], &[]),
    ];
    let mut form = Form::new(format!("Actions — {}", f.title), fields);
    form.footer = "run".into();
    form
}

/// The chosen action's name and body.
pub fn action_request(f: &Family, form: &Form) -> Result<(String, Option<Value>), String> {
    let name = form.value("action").to_string();
    let spec = f
        .actions
        .iter()
        .find(|a| a.name == name)
        .ok_or("choose an action")?;
    let rows: Vec<Value> = form
        .rows("items")
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .map(Value::String)
        .collect();
    let body = match spec.input {
        ActionInput::Ids | ActionInput::Numbers => {
            if rows.is_empty() {
                return Err("give at least one row".into());
            }
            if spec.input == ActionInput::Numbers {
                for (i, r) in rows.iter().enumerate() {
                    voice_body::check_pattern(
                        crate::domain::voice_registry::Pattern::E164,
                        r.as_str().unwrap_or(""),
                    )
                    .map_err(|m| format!("row {}: {m}", i + 1))?;
                }
            }
            Some(Value::Array(rows))
        }
        ActionInput::Nothing => None,
        ActionInput::WholeList | ActionInput::Fields(_) => {
            return Err(format!(
                "{} is run from the command line (switchboard voice action)",
                spec.title
            ))
        }
    };
    Ok((name, body))
}

/// A Communication Manager sync: the job's name and a toggle per entity.
pub fn sync_form(cm_name: &str) -> Form {
    let mut fields = vec![Field::new(
        "name",
        "Job name",
        FieldKind::Text,
        &format!("switchboard-{}", crate::clock::now().format("%Y%m%d-%H%M")),
    )];
    for e in SYNC_ENTITIES {
        fields.push(Field::new(e, e, FieldKind::Toggle, "no"));
    }
    let mut form = Form::new(format!("Sync {cm_name} from Aura"), fields);
    form.footer = "start the sync and follow it".into();
    form
}

/// The entities switched on.
pub fn sync_entities(form: &Form) -> Vec<String> {
    SYNC_ENTITIES
        .iter()
        .filter(|e| form.is_on(e))
        .map(|e| e.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::voice_registry::family;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn typ(form: &mut Form, text: &str) {
        for c in text.chars() {
            form.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    #[test]
    fn an_aco_element_form_checks_dids_as_rows() {
        let aco = family("aco").unwrap();
        let mut form = item_form(aco, None, true);
        assert_eq!(
            validate(aco, true, &form),
            [
                ("name", "required".to_string()),
                ("environment", "required".to_string())
            ]
        );
        typ(&mut form, "ACO lab");
        form.focus = form
            .fields
            .iter()
            .position(|f| f.key == "didNumbers")
            .unwrap();
        form.cell = 0;
        typ(&mut form, "+16065550001");
        form.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        typ(&mut form, "06065550002");
        let errs = validate(aco, true, &form);
        assert!(
            errs.iter()
                .any(|(k, m)| *k == "didNumbers" && m.starts_with("row 2")),
            "{errs:?}"
        );
        let b = body(aco, true, &form);
        assert_eq!(b["didNumbers"][0], "+16065550001");
    }

    #[test]
    fn an_edit_form_is_filled_and_leaves_create_only_fields_out() {
        let numbers = family("phone_numbers").unwrap();
        let item = serde_json::json!({"phoneNumberId": "p1", "phoneNumber": "+16479308804",
            "displayName": "private", "countryCode": "US", "isCallingPartyNumber": true});
        let form = item_form(numbers, Some(&item), false);
        assert_eq!(form.value("displayName"), "private");
        assert_eq!(form.value("isCallingPartyNumber"), "yes");
        assert!(!form.visible_key("phoneNumber"));
        assert!(validate(numbers, false, &form).is_empty());
        assert_eq!(body(numbers, false, &form)["isCallingPartyNumber"], true);
    }
}
