//! Stored AXP Voice items as the Voice tab's tree shows them: each
//! top-level family, and each Communication Manager's families under it.

use crate::config::Config;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::voice_registry;
use crate::store::remote::RemoteItem;
use crate::store::{Result, Store};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct VoiceData {
    /// (family key, parent id, label, count), in tree order.
    pub families: Vec<(String, String, String, usize)>,
    pub items: HashMap<(String, String), Vec<RemoteItem>>,
    pub refreshed: Option<String>,
}

/// Every stored family in tree order; families whose last refresh failed
/// (showing the items kept) are labelled STALE.
pub fn voice_items(store: &Store, config: &Config) -> Result<VoiceData> {
    let mut v = VoiceData::default();
    let stale: HashSet<String> = store
        .stale_kinds(None)?
        .into_iter()
        .map(|k| k.kind)
        .collect();
    let mark = |key: &str, label: String| {
        if stale.contains(key) {
            format!("{label} STALE")
        } else {
            label
        }
    };
    for f in voice_registry::top_level() {
        let list: Vec<RemoteItem> = store
            .remote_items(None, f.key)?
            .into_iter()
            .map(|(_, i)| i)
            .collect();
        v.families.push((
            f.key.into(),
            String::new(),
            mark(f.key, f.title.into()),
            list.len(),
        ));
        if f.key == "cm" {
            for cm in &list {
                for child in voice_registry::children_of("cm") {
                    let kids: Vec<RemoteItem> = store
                        .remote_items(None, child.key)?
                        .into_iter()
                        .map(|(_, i)| i)
                        .filter(|i| i.parent == cm.id)
                        .collect();
                    v.families.push((
                        child.key.into(),
                        cm.id.clone(),
                        mark(
                            child.key,
                            format!("{} › {}", terminal_safe(&cm.name), child.title),
                        ),
                        kids.len(),
                    ));
                    v.items.insert((child.key.into(), cm.id.clone()), kids);
                }
            }
        }
        v.items.insert((f.key.into(), String::new()), list);
    }
    v.refreshed = config
        .axp
        .first()
        .map(|c| store.remote_refreshed_at(&c.name, "cm"))
        .transpose()?
        .flatten();
    Ok(v)
}
