//! Create/update bodies of AXP resource families: built from what a form
//! holds and checked against the registry's fields, so the TUI, the CLI and
//! the worker apply the same rules before anything is sent.

use super::voice_registry::{Family, FieldSpec, Kind, Pattern};
use serde_json::{Map, Value};

/// What a form field holds: one line of text, or rows of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entered {
    Text(String),
    Rows(Vec<String>),
}

/// A value that does not match the pattern its field documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", no_match_words(*.pattern, .value))]
pub struct NoMatch {
    pub pattern: Pattern,
    pub value: String,
}

fn no_match_words(pattern: Pattern, value: &str) -> String {
    match pattern {
        Pattern::E164 => format!("{value:?} is not E.164 (+ then 4 to 14 digits, no leading 0)"),
        Pattern::Range => format!("{value:?} is not a range from:to (e.g. 20000:20100)"),
        Pattern::Host => format!("{value:?} is not a hostname"),
        Pattern::Country => format!("{value:?} is not a two-letter country code (e.g. US)"),
    }
}

/// Whether `value` matches `pattern`.
pub fn check_pattern(pattern: Pattern, value: &str) -> Result<(), NoMatch> {
    let ok = match pattern {
        Pattern::E164 => {
            let digits = value.strip_prefix('+').unwrap_or("");
            value.starts_with('+')
                && (4..=14).contains(&digits.len())
                && digits.chars().all(|c| c.is_ascii_digit())
                && !digits.starts_with('0')
        }
        Pattern::Range => match value.split_once(':') {
            Some((a, b)) => match (a.trim().parse::<u64>(), b.trim().parse::<u64>()) {
                (Ok(a), Ok(b)) => a <= b,
                _ => false,
            },
            None => false,
        },
        Pattern::Host => {
            !value.is_empty()
                && value.len() <= 253
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        }
        Pattern::Country => value.len() == 2 && value.chars().all(|c| c.is_ascii_uppercase()),
    };
    if ok {
        return Ok(());
    }
    Err(NoMatch {
        pattern,
        value: value.to_string(),
    })
}

/// The fields a body has when creating (all) or updating (not create-only),
/// given the values of the fields that decide which are shown.
pub fn fields_for(family: &Family, creating: bool) -> impl Iterator<Item = &'static FieldSpec> {
    family
        .fields
        .iter()
        .filter(move |f| creating || !f.create_only)
}

fn shown(f: &FieldSpec, body: &Map<String, Value>) -> bool {
    f.only_when.is_none_or(|(k, vals)| {
        body.get(k)
            .and_then(Value::as_str)
            .is_some_and(|v| vals.contains(&v))
    })
}

/// Every problem of a body, by field. A list's bad row is named by its
/// number (from 1).
pub fn validate(family: &Family, body: &Value, creating: bool) -> Vec<(&'static str, String)> {
    let Some(obj) = body.as_object() else {
        return vec![("body", "must be a JSON object".into())];
    };
    let mut errs = Vec::new();
    for f in fields_for(family, creating) {
        if !shown(f, obj) {
            continue;
        }
        let v = obj.get(f.name).filter(|v| !v.is_null());
        let empty = match v {
            None => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            _ => false,
        };
        if empty {
            if f.required {
                errs.push((f.name, "required".to_string()));
            }
            continue;
        }
        let v = v.expect("not empty");
        let typed = match (f.kind, v) {
            (Kind::Number, Value::Number(n)) if n.is_i64() || n.is_u64() => Ok(()),
            (Kind::Number, _) => Err("a whole number".to_string()),
            (Kind::Bool, Value::Bool(_)) => Ok(()),
            (Kind::Bool, _) => Err("true or false".to_string()),
            (Kind::Digits, Value::String(s)) if s.chars().all(|c| c.is_ascii_digit()) => Ok(()),
            (Kind::Digits, _) => Err("digits only".to_string()),
            (Kind::Choice(opts), Value::String(s)) if opts.contains(&s.as_str()) => Ok(()),
            (Kind::Choice(opts), _) => Err(format!("one of {}", opts.join(", "))),
            (Kind::List, Value::Array(items)) => list_problem(f, items).map_err(|e| e.to_string()),
            (Kind::List, _) => Err("a list".to_string()),
            (Kind::Text | Kind::Secret, Value::String(s)) => match f.pattern {
                Some(p) => check_pattern(p, s).map_err(|e| e.to_string()),
                None => Ok(()),
            },
            (Kind::Text | Kind::Secret, _) => Err("text".to_string()),
        };
        if let Err(m) = typed {
            errs.push((f.name, m));
        }
    }
    errs
}

/// A row of a list that does not match its field's pattern.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {problem}")]
struct BadRow {
    /// From 1.
    row: usize,
    problem: NoMatch,
}

fn list_problem(f: &FieldSpec, items: &[Value]) -> Result<(), BadRow> {
    for (i, item) in items.iter().enumerate() {
        let Some(s) = item.as_str() else {
            // Lists of objects (a webhook's accounts) are checked by the API.
            continue;
        };
        if let Some(p) = f.pattern {
            check_pattern(p, s).map_err(|problem| BadRow {
                row: i + 1,
                problem,
            })?;
        }
    }
    Ok(())
}

/// The JSON body for what a form holds: numbers and booleans typed, empty
/// optional fields left out. A value that cannot be typed is kept as text,
/// so `validate` names it.
pub fn build(family: &Family, creating: bool, entered: &[(&str, Entered)]) -> Value {
    let mut obj = Map::new();
    for f in fields_for(family, creating) {
        let Some((_, e)) = entered.iter().find(|(k, _)| *k == f.name) else {
            continue;
        };
        let v = match (f.kind, e) {
            (_, Entered::Text(t)) if t.trim().is_empty() => continue,
            (Kind::List, Entered::Rows(rows)) => {
                let items: Vec<Value> = rows
                    .iter()
                    .map(|r| r.trim())
                    .filter(|r| !r.is_empty())
                    .map(list_item)
                    .collect();
                if items.is_empty() {
                    continue;
                }
                Value::Array(items)
            }
            (Kind::Number, Entered::Text(t)) => t
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(t.trim().into())),
            (Kind::Bool, Entered::Text(t)) => match t.trim() {
                "yes" | "true" => Value::Bool(true),
                "no" | "false" => Value::Bool(false),
                other => Value::String(other.into()),
            },
            (_, Entered::Text(t)) => Value::String(t.trim().into()),
            (_, Entered::Rows(rows)) => Value::String(rows.join(",")),
        };
        obj.insert(f.name.into(), v);
    }
    Value::Object(obj)
}

/// A list row: a JSON object when it is one (a webhook account such as
/// `{"accountId": "ALL", "enabled": true, "value": false}`), else text.
fn list_item(row: &str) -> Value {
    if row.starts_with('{') {
        if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(row) {
            return v;
        }
    }
    Value::String(row.to_string())
}

/// What a secret field shows instead of its value.
pub const MASK: &str = "********";

/// Replaces the value of every secret field (a CM's or System Manager's
/// `password`, `enrollmentPassword`) in an answer, at any depth, so no
/// secret the API echoes reaches the store, a job record or the screen.
pub fn mask_secrets(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (k, val) in o.iter_mut() {
                let secret = super::voice_registry::FAMILIES
                    .iter()
                    .flat_map(|f| f.fields)
                    .any(|f| f.kind == Kind::Secret && f.name == k);
                if secret && !val.is_null() {
                    *val = Value::String(MASK.into());
                } else {
                    mask_secrets(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

/// A field's value as a table cell: text as is, lists joined, nothing empty.
pub fn cell_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// What a stored item holds for a field, as a form shows it.
pub fn entered_from(f: &FieldSpec, item: &Value) -> Entered {
    match (f.kind, item.get(f.name)) {
        (Kind::List, Some(Value::Array(a))) => Entered::Rows(
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| x.to_string())
                })
                .collect(),
        ),
        (Kind::List, _) => Entered::Rows(vec![]),
        (Kind::Secret, _) | (_, None | Some(Value::Null)) => Entered::Text(String::new()),
        (Kind::Bool, Some(Value::Bool(b))) => Entered::Text(if *b { "yes" } else { "no" }.into()),
        (_, Some(Value::String(s))) => Entered::Text(s.clone()),
        (_, Some(other)) => Entered::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::voice_registry::family;
    use serde_json::json;

    #[test]
    fn secrets_the_api_echoes_are_masked() {
        let mut v = json!({"resources": [{"name": "CM", "password": "testpassword",
                                          "nested": {"enrollmentPassword": "x"}}]});
        mask_secrets(&mut v);
        assert_eq!(v["resources"][0]["password"], MASK);
        assert_eq!(v["resources"][0]["nested"]["enrollmentPassword"], MASK);
        assert_eq!(v["resources"][0]["name"], "CM");
    }

    #[test]
    fn patterns() {
        assert!(check_pattern(Pattern::E164, "+16062128688").is_ok());
        for bad in [
            "16062128688",
            "+0606",
            "+123",
            "+1234567890123456",
            "+1 606",
        ] {
            assert!(check_pattern(Pattern::E164, bad).is_err(), "{bad}");
        }
        assert!(check_pattern(Pattern::Range, "20000:20100").is_ok());
        assert!(check_pattern(Pattern::Range, "9:1").is_err());
        assert!(check_pattern(Pattern::Country, "US").is_ok());
        assert!(check_pattern(Pattern::Country, "usa").is_err());
    }

    #[test]
    fn a_body_is_built_typed_and_checked_field_by_field() {
        let aco = family("aco").unwrap();
        let body = build(
            aco,
            true,
            &[
                ("name", Entered::Text("ACO prod".into())),
                ("environment", Entered::Text(String::new())),
                (
                    "didNumbers",
                    Entered::Rows(vec!["+16062128688".into(), "".into(), "12702289911".into()]),
                ),
            ],
        );
        assert_eq!(
            body,
            json!({"name": "ACO prod", "didNumbers": ["+16062128688", "12702289911"]})
        );
        let errs = validate(aco, &body, true);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!(errs[0], ("environment", "required".to_string()));
        assert_eq!(errs[1].0, "didNumbers");
        assert!(errs[1].1.starts_with("row 2:"), "{}", errs[1].1);
    }

    #[test]
    fn numbers_booleans_and_shown_only_fields() {
        let rules = family("routing_rules").unwrap();
        let body = build(
            rules,
            true,
            &[
                ("type", Entered::Text("NUMBER_PREFIX".into())),
                ("priority", Entered::Text("ninety".into())),
                ("prefix", Entered::Text("+1".into())),
                ("minLength", Entered::Text("1".into())),
                ("maxLength", Entered::Text("45".into())),
            ],
        );
        assert_eq!(body["minLength"], json!(1));
        assert_eq!(
            validate(rules, &body, true),
            [("priority", "a whole number".to_string())]
        );
        // A USER voice plan does not need SYSTEM ranges; its own are checked.
        let plans = family("voice_plans").unwrap();
        let plan = json!({"name": "p", "type": "USER", "userProfileId": "ASEDFG",
                          "agentDialPlanRange": ["20000:20100", "9:1"]});
        let errs = validate(plans, &plan, true);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].0, "agentDialPlanRange");
        // Updates leave out create-only fields.
        let numbers = family("phone_numbers").unwrap();
        assert!(validate(numbers, &json!({"displayName": "x"}), false).is_empty());
        assert_eq!(
            validate(numbers, &json!({"displayName": "x"}), true).len(),
            2
        );
    }
}
