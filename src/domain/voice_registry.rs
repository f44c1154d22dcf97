//! The AXP Voice Admin resource families, declared once. The client, the
//! simulator and the Voice tab all read this table: adding a family is one
//! entry here.

/// Where the list of a family sits in a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    Key(&'static str),
    BareArray,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Stable key, used in the store and the TUI.
    pub key: &'static str,
    pub title: &'static str,
    /// Path segment under the account (or under its parent item).
    pub segment: &'static str,
    /// Parent family key (e.g. reason codes live under a Communication Manager).
    pub parent: Option<&'static str>,
    pub envelope: Envelope,
    pub id_field: &'static str,
    /// Columns of the table: JSON field names.
    pub columns: &'static [&'static str],
    /// Largest page size the API allows.
    pub max_page_size: u32,
    pub can_create: bool,
    pub can_delete: bool,
}

const RES: Envelope = Envelope::Key("resources");

pub const FAMILIES: &[Family] = &[
    Family {
        key: "aco",
        title: "ACO elements",
        segment: "aco-elements",
        parent: None,
        envelope: RES,
        id_field: "elementId",
        columns: &["name", "environment", "status", "didNumbers"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "msteams",
        title: "MS Teams elements",
        segment: "msteams-elements",
        parent: None,
        envelope: RES,
        id_field: "elementId",
        columns: &["name", "environment", "status", "didNumbers"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "phone_numbers",
        title: "Phone numbers",
        segment: "phone-numbers",
        parent: None,
        envelope: Envelope::Key("phoneNumbers"),
        id_field: "phoneNumberId",
        columns: &["phoneNumber", "type", "status", "elementId"],
        max_page_size: 50,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "aads",
        title: "Aura Device Services",
        segment: "avaya-aura-device-services",
        parent: None,
        envelope: RES,
        id_field: "id",
        columns: &["name", "hostname", "port", "description"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "cm",
        title: "Communication Managers",
        segment: "communication-managers",
        parent: None,
        envelope: RES,
        id_field: "id",
        columns: &["name", "hostname", "version", "status"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "hcg",
        title: "Hybrid Cloud Gateways",
        segment: "hybrid-cloud-gateways",
        parent: None,
        envelope: RES,
        id_field: "id",
        columns: &["name", "description", "status"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "sm",
        title: "System Managers",
        segment: "system-managers",
        parent: None,
        envelope: RES,
        id_field: "id",
        columns: &["name", "hostname", "status"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "reason_codes",
        title: "Reason codes",
        segment: "reason-codes",
        parent: Some("cm"),
        envelope: RES,
        id_field: "reasonCodeId",
        columns: &["name", "type", "code"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "voice_plans",
        title: "Voice plans",
        segment: "voice-plans",
        parent: Some("cm"),
        envelope: RES,
        id_field: "voicePlanId",
        columns: &["name", "type", "status"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "cm_extensions",
        title: "Extensions",
        segment: "extensions",
        parent: Some("cm"),
        envelope: RES,
        id_field: "id",
        columns: &["extension", "loginId", "type"],
        max_page_size: 100,
        can_create: false,
        can_delete: true,
    },
    Family {
        key: "skills",
        title: "Hybrid skills",
        segment: "skills",
        parent: Some("cm"),
        envelope: Envelope::Key("skills"),
        id_field: "id",
        columns: &["name", "number", "agentAssistProfileId"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "sync_jobs",
        title: "Sync jobs",
        segment: "jobs",
        parent: Some("cm"),
        envelope: Envelope::Key("jobs"),
        id_field: "id",
        columns: &["name", "statusCode", "createdAt", "statusMessage"],
        max_page_size: 100,
        can_create: false,
        can_delete: false,
    },
    Family {
        key: "route_points",
        title: "Hybrid extensions",
        segment: "extensions",
        parent: None,
        envelope: RES,
        id_field: "id",
        columns: &["extension", "type", "description"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "location_profiles",
        title: "Location profiles",
        segment: "location-profiles",
        parent: None,
        envelope: Envelope::Key("profiles"),
        id_field: "id",
        columns: &["name", "description", "status"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "sip_trunks",
        title: "SIP trunks",
        segment: "sip-trunks",
        parent: None,
        envelope: Envelope::Key("sipTrunks"),
        id_field: "id",
        columns: &["name", "callerId", "status"],
        max_page_size: 100,
        can_create: false,
        can_delete: false,
    },
    Family {
        key: "routing_rules",
        title: "Outbound routing rules",
        segment: "outbound-routing-rules",
        parent: None,
        envelope: Envelope::Key("outboundRoutingRules"),
        id_field: "id",
        columns: &["name", "priority", "sipTrunkId", "pattern"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
    Family {
        key: "agent_locations",
        title: "Agent locations",
        segment: "agent-locations",
        parent: None,
        envelope: Envelope::Key("locations"),
        id_field: "id",
        columns: &["userId", "loginId", "locationProfileId"],
        max_page_size: 100,
        can_create: true,
        can_delete: true,
    },
];

pub fn family(key: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.key == key)
}

/// Families under a Communication Manager.
pub fn children_of(parent: &str) -> impl Iterator<Item = &'static Family> + '_ {
    FAMILIES.iter().filter(move |f| f.parent == Some(parent))
}

/// Top-level families, in the order the Voice tab lists them.
pub fn top_level() -> impl Iterator<Item = &'static Family> {
    FAMILIES.iter().filter(|f| f.parent.is_none())
}

/// The statuses a 202 follow-up polls until.
pub fn is_terminal_status(status: &str) -> bool {
    matches!(
        status.to_ascii_uppercase().as_str(),
        "SUCCESS"
            | "FAILED"
            | "ACTIVE"
            | "INACTIVE"
            | "DISABLED"
            | "COMPLETED"
            | "TIMEOUT_FAILED"
            | "NEEDS_ACTION"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn keys_are_unique_and_parents_exist() {
        let mut keys: Vec<_> = FAMILIES.iter().map(|f| f.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), FAMILIES.len());
        for f in FAMILIES {
            if let Some(p) = f.parent {
                assert!(family(p).is_some(), "{}", f.key);
            }
        }
        assert_eq!(children_of("cm").count(), 5);
    }
}
