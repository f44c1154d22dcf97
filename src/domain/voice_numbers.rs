//! Numbers AXP holds (DID numbers of ACO and MS Teams elements, AXP phone
//! numbers) joined to the inventory: where each is seen, and which are
//! Available or Cooling here while AXP uses them.

use super::number::{canonical, InventoryItem, Status};
use serde_json::Value;

/// Where a reference comes from, to tell AXP's apart from others.
pub const AXP_PREFIX: &str = "AXP ";

/// (number, where) for every number AXP holds, from stored items as
/// (family key, body). Disabled phone numbers are not in use.
pub fn axp_numbers(items: &[(String, Value)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let name = |v: &Value| {
        v.get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    for (family, body) in items {
        match family.as_str() {
            "aco" | "msteams" => {
                let kind = if family == "aco" {
                    "ACO element"
                } else {
                    "MS Teams element"
                };
                for did in body
                    .get("didNumbers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if let Ok(c) = canonical(did) {
                        out.push((c, format!("{AXP_PREFIX}{kind} {}", name(body))));
                    }
                }
            }
            "phone_numbers" => {
                let status = body.get("status").and_then(Value::as_str).unwrap_or("");
                let number = body.get("phoneNumber").and_then(Value::as_str);
                if let (Some(n), false) = (number, status.eq_ignore_ascii_case("DISABLED")) {
                    if let Ok(c) = canonical(n) {
                        let label = body
                            .get("displayName")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        out.push((
                            c,
                            format!("{AXP_PREFIX}phone number {label}")
                                .trim_end()
                                .to_string(),
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether a row is free here (Available or Cooling) though AXP uses it.
pub fn free_but_used_on_axp(item: &InventoryItem, seen: &[(String, String)]) -> bool {
    matches!(item.status, Status::Available | Status::Cooling)
        && seen
            .iter()
            .any(|(n, w)| *n == item.number && w.starts_with(AXP_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dids_and_phone_numbers_are_referenced_disabled_ones_are_not() {
        let items = vec![
            (
                "aco".to_string(),
                json!({"name": "ACO 1", "didNumbers": ["+16062128688", "bad"]}),
            ),
            (
                "phone_numbers".to_string(),
                json!({"phoneNumber": "+16479308804", "displayName": "private Number", "status": "ACTIVE"}),
            ),
            (
                "phone_numbers".to_string(),
                json!({"phoneNumber": "+16479300000", "status": "DISABLED"}),
            ),
            ("cm".to_string(), json!({"name": "CM"})),
        ];
        let refs = axp_numbers(&items);
        assert_eq!(
            refs,
            vec![
                ("+16062128688".into(), "AXP ACO element ACO 1".into()),
                (
                    "+16479308804".into(),
                    "AXP phone number private Number".into()
                ),
            ]
        );
        let mut row = InventoryItem::available("+16062128688");
        assert!(free_but_used_on_axp(&row, &refs));
        row.status = Status::Used;
        assert!(!free_but_used_on_axp(&row, &refs));
    }
}
