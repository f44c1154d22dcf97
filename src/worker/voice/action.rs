//! A family's extra actions (`:validate`, `:pushConfig`, `:abort`, bulk
//! priorities…), their input checked before anything is sent.

use super::refresh::relist;
use super::{check_cmd, client, family, refuse};
use crate::domain::text::count;
use crate::domain::voice_body;
use crate::domain::voice_registry::{self, ActionInput};
use crate::worker::tasks::{api_failed, write_failed, JobCtx};
use crate::worker::JobOutcome;
use reqwest::Method;
use serde_json::{json, Value};

/// Checks an action's input before sending it.
/// An action's input that cannot be sent.
#[derive(Debug, thiserror::Error)]
enum BadInput {
    #[error("give a JSON list")]
    NotAList,
    #[error("give 1 to {max} items (got {got})")]
    Count { max: usize, got: usize },
    #[error("item {item}: {problem}")]
    Item {
        /// From 1.
        item: usize,
        problem: voice_body::NoMatch,
    },
    #[error("field `{0}` is required")]
    Required(&'static str),
}

fn check_input(input: ActionInput, body: &Option<Value>, max: usize) -> Result<(), BadInput> {
    let list = || body.as_ref().and_then(Value::as_array);
    match input {
        ActionInput::Nothing => Ok(()),
        ActionInput::Ids | ActionInput::Numbers | ActionInput::WholeList => {
            let items = list().ok_or(BadInput::NotAList)?;
            if items.is_empty() || items.len() > max {
                return Err(BadInput::Count {
                    max,
                    got: items.len(),
                });
            }
            if input == ActionInput::Numbers {
                for (i, n) in items.iter().enumerate() {
                    let s = n.as_str().unwrap_or("");
                    voice_body::check_pattern(voice_registry::Pattern::E164, s).map_err(
                        |problem| BadInput::Item {
                            item: i + 1,
                            problem,
                        },
                    )?;
                }
            }
            Ok(())
        }
        ActionInput::Fields(fields) => {
            for fs in fields.iter().filter(|f| f.required) {
                let present = body
                    .as_ref()
                    .and_then(|b| b.get(fs.name))
                    .is_some_and(|v| !v.is_null() && v != &json!("") && v != &json!([]));
                if !present {
                    return Err(BadInput::Required(fs.name));
                }
            }
            Ok(())
        }
    }
}

/// One of a family's extra actions.
pub async fn action(
    ctx: &JobCtx,
    name: &str,
    family_key: &str,
    parent: Option<&str>,
    id: Option<&str>,
    action: &str,
    body: &Option<Value>,
) -> Result<JobOutcome, JobOutcome> {
    let f = family(family_key)?;
    let spec = f
        .actions
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(action))
        .ok_or_else(|| {
            let known: Vec<&str> = f.actions.iter().map(|a| a.name).collect();
            JobOutcome::failed(format!(
                "{} has no action {action:?} (it has: {})",
                f.title,
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?;
    check_input(spec.input, body, spec.max_items)
        .map_err(|m| JobOutcome::failed(format!("{}: {m}; nothing was sent", spec.title)))?;
    let (conn, client) = client(ctx, name).await?;
    let reads =
        spec.method == "GET" || matches!(spec.name, "list" | "validate" | "getByPhoneNumbers");
    if !reads {
        refuse(ctx, &conn)?;
    }
    let base = match (spec.on_item, id) {
        (true, Some(id)) => client.item_path(f, parent, id),
        (true, None) => {
            return Err(JobOutcome::failed(format!(
                "{} needs the id of an item",
                spec.title
            )))
        }
        (false, _) => client.family_path(f, parent),
    };
    let path = format!("{base}{}", spec.suffix);
    let answer = if spec.method == "GET" {
        Some(client.get_json(&path).await.map_err(api_failed)?)
    } else {
        let method =
            Method::from_bytes(spec.method.as_bytes()).expect("registry methods are valid");
        let check = check_cmd(name, f, parent, id);
        if !reads {
            ctx.commit.sent(spec.title, &check);
        }
        let written = client
            .write(method, &path, body.clone())
            .await
            .map_err(|e| write_failed(e, "nothing was changed", &check))?;
        let answer = format!("HTTP {}", written.status);
        if written.status == 202 {
            ctx.commit.accepted(&answer);
        } else {
            ctx.commit.done(&answer);
        }
        written.body
    };
    let summary = describe_answer(spec.name, answer.as_ref());
    if !reads {
        relist(ctx, name, &client, f, parent).await;
    }
    Ok(JobOutcome::ok(format!("{}: {summary}", spec.title), answer))
}

/// One line for an action's answer.
fn describe_answer(action: &str, answer: Option<&Value>) -> String {
    let len = |k: &str| {
        answer
            .and_then(|a| a.get(k))
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    };
    match (action, answer) {
        ("validate", _) => format!("{} valid, {} invalid", len("valid"), len("invalid")),
        ("list" | "getByPhoneNumbers", Some(Value::Array(a))) => {
            count(a.len(), "phone number", "phone numbers")
        }
        ("discoveryUrl", Some(a)) => a
            .get("oidcDiscoveryUrl")
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_string(),
        (_, None) => "done".into(),
        (_, Some(Value::Array(a))) => count(a.len(), "item", "items"),
        (_, Some(_)) => "done".into(),
    }
}
