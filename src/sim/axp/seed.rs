//! The simulated AXP estate: every family of the registry seeded from the
//! example payloads (`assets/axp-examples.json`), varied per item.

use super::super::scenario::{AxpScenario, Rng};
use super::super::state::AxpData;
use crate::domain::voice_registry::{self, Family};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const EXAMPLES: &str = include_str!("../../../assets/axp-examples.json");

fn examples() -> &'static Map<String, Value> {
    static PARSED: OnceLock<Map<String, Value>> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(EXAMPLES).expect("axp-examples.json parses"))
}

/// The seed's example of `f`, made the `i`th of its kind.
fn sample(f: &Family, i: usize, rng: &mut Rng) -> Value {
    let mut o = examples()
        .get(f.key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if f.id_field != "phoneNumber" {
        o.insert(f.id_field.into(), json!(rng.uuid()));
    }
    let n = i + 1;
    for key in ["name", "codeName"] {
        if let Some(Value::String(s)) = o.get(key) {
            let v = format!("{s} {n}");
            o.insert(key.into(), json!(v));
        }
    }
    let set = |o: &mut Map<String, Value>, k: &str, v: Value| {
        if o.contains_key(k) {
            o.insert(k.into(), v);
        }
    };
    let phone = match f.key {
        "available_numbers" => format!("+1647930{:04}", i),
        _ => format!("+1312555{:04}", i),
    };
    set(&mut o, "phoneNumber", json!(phone));
    // Each element family its own DID block (a DID is on one element only).
    let block = if f.key == "msteams" { 3 } else { 2 };
    set(
        &mut o,
        "didNumbers",
        json!([
            format!("+160621{block}{:04}", i * 2),
            format!("+160621{block}{:04}", i * 2 + 1)
        ]),
    );
    set(&mut o, "priority", json!(n * 10));
    set(&mut o, "codeNumber", json!((88 + n).to_string()));
    match f.key {
        "skills" => {
            set(&mut o, "number", json!((10 + n).to_string()));
            set(&mut o, "extension", json!((253647783 + n).to_string()));
        }
        "route_points" | "cm_extensions" => set(&mut o, "number", json!(50003455 + n)),
        _ => {}
    }
    if let Some(field) = f.status_field {
        let cycle: &[&str] = match field {
            "statusCode" => &["COMPLETED", "FAILED", "COMPLETED"],
            _ if f.key == "phone_numbers" => &["ACTIVE", "ACTIVE", "INACTIVE", "INPROGRESS"],
            _ => &[
                "SUCCESS",
                "FAILED",
                "IN_PROGRESS",
                "SUCCESS",
                "INACTIVE",
                "SUCCESS",
            ],
        };
        o.insert(field.into(), json!(cycle[i % cycle.len()]));
    }
    Value::Object(o)
}

fn count(s: &AxpScenario, f: &Family) -> usize {
    match f.key {
        "phone_numbers" => s.phone_numbers.unwrap_or(s.items_per_family),
        _ => s.items_per_family,
    }
}

pub fn generate(s: &AxpScenario, rng: &mut Rng) -> AxpData {
    let mut items: HashMap<(String, String), Vec<Value>> = HashMap::new();
    for f in voice_registry::listable() {
        let list = (0..count(s, f)).map(|i| sample(f, i, rng)).collect();
        items.insert((f.key.into(), String::new()), list);
    }
    let cms: Vec<String> = items[&("cm".to_string(), String::new())]
        .iter()
        .filter_map(|c| c.get("id").and_then(|v| v.as_str()).map(String::from))
        .take(2)
        .collect();
    for cm in cms {
        for f in voice_registry::children_of("cm") {
            let list = (0..s.items_per_family).map(|i| sample(f, i, rng)).collect();
            items.insert((f.key.into(), cm.clone()), list);
        }
    }
    AxpData {
        scenario: s.clone(),
        items,
        pending: vec![],
        sync_jobs: HashMap::new(),
    }
}
