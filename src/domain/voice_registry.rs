//! The AXP Voice Admin resource families, declared once. The client, the
//! simulator, the CLI and the Voice tab all read this table: adding a family
//! is one entry here (paths, envelopes, fields and rules from the seed
//! `axp-voice-admin-api.txt` and api-contracts.md §3).

/// Where the list of a family sits in a list response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Envelope {
    Key(&'static str),
    BareArray,
}

/// What a body field holds, and so how the form edits it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number, sent as a JSON number.
    Number,
    /// Digits, sent as a JSON string (e.g. a CM's `port`, a `codeNumber`).
    Digits,
    Bool,
    Choice(&'static [&'static str]),
    /// A list of strings, edited as rows.
    List,
    /// Never shown back (CM and System Manager passwords).
    Secret,
}

/// A documented pattern a value must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// `^\+[1-9]\d{3,13}$`
    E164,
    /// `from:to`, whole numbers, from ≤ to (voice plan ranges).
    Range,
    /// A hostname or FQDN (letters, digits, `-`, `_`, `.`).
    Host,
    /// Two capital letters (a country code).
    Country,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The wire name.
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// Sent on create only (e.g. a phone number's `phoneNumber`).
    pub create_only: bool,
    pub pattern: Option<Pattern>,
    /// Shown only while the field `.0` has one of the values `.1` (voice
    /// plan ranges).
    pub only_when: Option<(&'static str, &'static [&'static str])>,
}

const fn field(name: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec {
        name,
        kind,
        required: false,
        create_only: false,
        pattern: None,
        only_when: None,
    }
}

impl FieldSpec {
    const fn req(mut self) -> Self {
        self.required = true;
        self
    }
    const fn create_only(mut self) -> Self {
        self.create_only = true;
        self
    }
    const fn pattern(mut self, p: Pattern) -> Self {
        self.pattern = Some(p);
        self
    }
    const fn when(mut self, field: &'static str, values: &'static [&'static str]) -> Self {
        self.only_when = Some((field, values));
        self
    }
}

/// Which of the standard operations a family has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ops {
    pub list: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
}

const ALL: Ops = Ops {
    list: true,
    create: true,
    update: true,
    delete: true,
};
const READ_DELETE: Ops = Ops {
    list: true,
    create: false,
    update: false,
    delete: true,
};

/// What an extra action sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionInput {
    Nothing,
    /// A JSON array of ids.
    Ids,
    /// A JSON array of E.164 numbers.
    Numbers,
    /// The whole list back, edited (bulk priority update).
    WholeList,
    /// A body of these fields.
    Fields(&'static [FieldSpec]),
}

/// An operation beyond list/get/create/update/delete, e.g. `:validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionSpec {
    pub name: &'static str,
    pub title: &'static str,
    pub method: &'static str,
    /// `:verb` appended to the collection or item path; empty for none.
    pub suffix: &'static str,
    /// On one item (its id in the path) rather than the collection.
    pub on_item: bool,
    pub input: ActionInput,
    /// At most this many items in an array input.
    pub max_items: usize,
}

const fn action(
    name: &'static str,
    title: &'static str,
    method: &'static str,
    suffix: &'static str,
    on_item: bool,
    input: ActionInput,
) -> ActionSpec {
    ActionSpec {
        name,
        title,
        method,
        suffix,
        on_item,
        input,
        max_items: 1000,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Stable key, used in the store and the TUI.
    pub key: &'static str,
    pub title: &'static str,
    /// Path segment under the account (or under its parent item); also the
    /// CLI's FAMILY.
    pub segment: &'static str,
    /// Parent family key (e.g. reason codes live under a Communication Manager).
    pub parent: Option<&'static str>,
    /// False for the one family outside `/accounts/{id}` (the webhook).
    pub account_scoped: bool,
    pub envelope: Envelope,
    pub id_field: &'static str,
    /// Columns of the table: JSON field names.
    pub columns: &'static [&'static str],
    /// Largest page size the API allows.
    pub max_page_size: u32,
    pub ops: Ops,
    /// The field that carries the item's state (`status`, `statusCode`), if
    /// any: a 202 is followed by polling it until a terminal value.
    pub status_field: Option<&'static str>,
    /// The create/update body.
    pub fields: &'static [FieldSpec],
    pub actions: &'static [ActionSpec],
    /// Query parameters a list takes (available numbers' filters).
    pub filters: &'static [&'static str],
}

const RES: Envelope = Envelope::Key("resources");

const fn base(key: &'static str, title: &'static str, segment: &'static str) -> Family {
    Family {
        key,
        title,
        segment,
        parent: None,
        account_scoped: true,
        envelope: RES,
        id_field: "id",
        columns: &[],
        max_page_size: 100,
        ops: ALL,
        status_field: None,
        fields: &[],
        actions: &[],
        filters: &[],
    }
}

const E164: Pattern = Pattern::E164;
const ELEMENT_DIDS: FieldSpec = field("didNumbers", Kind::List).pattern(E164);
const DESCRIPTION: FieldSpec = field("description", Kind::Text);
const NAME: FieldSpec = field("name", Kind::Text).req();

pub const SYNC_ENTITIES: &[&str] = &[
    "AGENT",
    "EXTENSION",
    "VDN",
    "REASONCODE_AUX",
    "REASONCODE_LOGOUT",
    "SYSTEM_PARAMETER_FEATURES",
];

pub const FAMILIES: &[Family] = &[
    Family {
        id_field: "elementId",
        columns: &["name", "environment", "status", "didNumbers"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("environment", Kind::Text).req(),
            ELEMENT_DIDS,
        ],
        ..base("aco", "ACO elements", "aco-elements")
    },
    Family {
        id_field: "elementId",
        columns: &["name", "domain", "status", "didNumbers"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("domain", Kind::Text).req().pattern(Pattern::Host),
            ELEMENT_DIDS,
        ],
        ..base("msteams", "MS Teams elements", "msteams-elements")
    },
    Family {
        envelope: Envelope::Key("phoneNumbers"),
        id_field: "phoneNumberId",
        columns: &["phoneNumber", "displayName", "type", "status"],
        max_page_size: 50,
        status_field: Some("status"),
        fields: &[
            field("phoneNumber", Kind::Text)
                .req()
                .create_only()
                .pattern(E164),
            field("displayName", Kind::Text).req(),
            field("countryCode", Kind::Text)
                .req()
                .create_only()
                .pattern(Pattern::Country),
            field("isCallingPartyNumber", Kind::Bool),
            field("preferredMediaLocation", Kind::Text),
        ],
        actions: &[
            action(
                "list",
                "Phone numbers by id (:list)",
                "POST",
                ":list",
                false,
                ActionInput::Ids,
            ),
            action(
                "validate",
                "Validate ids (:validate)",
                "POST",
                ":validate",
                false,
                ActionInput::Ids,
            ),
            action(
                "getByPhoneNumbers",
                "Phone numbers by number (:getByPhoneNumbers)",
                "POST",
                ":getByPhoneNumbers",
                false,
                ActionInput::Numbers,
            ),
        ],
        ..base("phone_numbers", "Phone numbers", "phone-numbers")
    },
    Family {
        envelope: Envelope::Key("phoneNumbers"),
        id_field: "phoneNumber",
        columns: &[
            "phoneNumber",
            "countryCode",
            "type",
            "documentationRequired",
        ],
        max_page_size: 50,
        ops: Ops {
            list: true,
            create: false,
            update: false,
            delete: false,
        },
        filters: &["countryCode", "type", "areaCode", "phoneNumber"],
        ..base(
            "available_numbers",
            "Available phone numbers",
            "available-phone-numbers",
        )
    },
    Family {
        columns: &["name", "hostname", "port", "description"],
        fields: &[
            NAME,
            field("hostname", Kind::Text).req().pattern(Pattern::Host),
            field("port", Kind::Number).req(),
            DESCRIPTION,
        ],
        actions: &[action(
            "discoveryUrl",
            "OpenID Connect discovery URL",
            "GET",
            ":discoveryUrl",
            false,
            ActionInput::Nothing,
        )],
        ..base("aads", "Aura Device Services", "avaya-aura-device-services")
    },
    Family {
        columns: &["name", "hostname", "version", "status"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("hostname", Kind::Text).pattern(Pattern::Host),
            field("port", Kind::Digits),
            field("username", Kind::Text),
            field("password", Kind::Secret),
            field("version", Kind::Text),
            field("hybridCloudGatewayId", Kind::Text).req(),
        ],
        actions: &[action(
            "sync",
            "Sync from Aura (:sync)",
            "POST",
            ":sync",
            true,
            ActionInput::Fields(&[
                field("name", Kind::Text).req(),
                field("entities", Kind::List).req(),
            ]),
        )],
        ..base("cm", "Communication Managers", "communication-managers")
    },
    Family {
        columns: &["name", "locationCode", "systemId", "status"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("systemId", Kind::Text).req().create_only(),
            field("publicKey", Kind::Text).req(),
            field("publicKeyAlgorithm", Kind::Text).req(),
            field("locationCode", Kind::Text).req(),
            field("sessionManagerFqdnList", Kind::List).pattern(Pattern::Host),
            field("isTermsAndConditionsAccepted", Kind::Bool).create_only(),
        ],
        ..base("hcg", "Hybrid Cloud Gateways", "hybrid-cloud-gateways")
    },
    Family {
        ops: Ops {
            list: false,
            create: false,
            update: true,
            delete: false,
        },
        fields: &[
            field("publicKey", Kind::Text).req(),
            field("publicKeyAlgorithm", Kind::Text).req(),
        ],
        actions: &[action(
            "pushConfig",
            "Initiate push config (:pushConfig)",
            "POST",
            ":pushConfig",
            true,
            ActionInput::Nothing,
        )],
        ..base(
            "hcg_systems",
            "HCG systems (push config, public key)",
            "hybrid-cloud-gateway-systems",
        )
    },
    Family {
        columns: &["name", "primaryHostname", "activeSystemManager", "status"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("primaryHostname", Kind::Text)
                .req()
                .pattern(Pattern::Host),
            field("secondaryHostname", Kind::Text).pattern(Pattern::Host),
            field("username", Kind::Text).req(),
            field("password", Kind::Secret).req(),
            field("enrollmentPassword", Kind::Secret).req(),
            field(
                "activeSystemManager",
                Kind::Choice(&["PRIMARY", "SECONDARY"]),
            ),
            field("useForCerts", Kind::Bool).create_only(),
        ],
        ..base("sm", "System Managers", "system-managers")
    },
    Family {
        parent: Some("cm"),
        id_field: "reasonCodeId",
        columns: &["codeName", "codeNumber", "codeType", "status"],
        status_field: Some("status"),
        fields: &[
            field("codeName", Kind::Text).req(),
            DESCRIPTION,
            field("codeNumber", Kind::Digits).req().create_only(),
            field(
                "codeType",
                Kind::Choice(&["NOT_READY", "LOGOUT", "CALL_WORK_CODES"]),
            )
            .req()
            .create_only(),
            field("isInterruptible", Kind::Bool),
            field("systemDefinedAttributes", Kind::List),
            field("organizationNodeId", Kind::Text),
        ],
        ..base("reason_codes", "Reason codes", "reason-codes")
    },
    Family {
        parent: Some("cm"),
        id_field: "voicePlanId",
        columns: &["name", "type", "userProfileId", "description"],
        fields: &[
            NAME,
            field("type", Kind::Choice(&["SYSTEM", "USER"])).req(),
            field("userProfileId", Kind::Text).req(),
            DESCRIPTION,
            field("reasonCodeNotReadyRange", Kind::List)
                .pattern(Pattern::Range)
                .when("type", &["SYSTEM"]),
            field("reasonCodeLogOutRange", Kind::List)
                .pattern(Pattern::Range)
                .when("type", &["SYSTEM"]),
            field("agentDialPlanRange", Kind::List)
                .pattern(Pattern::Range)
                .when("type", &["USER"]),
            field("extensionDialPlanRange", Kind::List)
                .pattern(Pattern::Range)
                .when("type", &["USER"]),
        ],
        ..base("voice_plans", "Voice plans", "voice-plans")
    },
    Family {
        parent: Some("cm"),
        columns: &["number", "name", "loginId"],
        ops: READ_DELETE,
        ..base("cm_extensions", "Hybrid extensions", "extensions")
    },
    Family {
        parent: Some("cm"),
        envelope: Envelope::Key("skills"),
        columns: &["name", "number", "extension", "agentAssistProfileId"],
        fields: &[
            NAME,
            field("number", Kind::Digits).req(),
            field("extension", Kind::Digits).req(),
            field("agentAssistProfileId", Kind::Text),
        ],
        ..base("skills", "Hybrid skills", "skills")
    },
    Family {
        parent: Some("cm"),
        envelope: Envelope::Key("jobs"),
        columns: &["name", "statusCode", "createdAt", "statusMessage"],
        ops: Ops {
            list: true,
            create: false,
            update: false,
            delete: false,
        },
        status_field: Some("statusCode"),
        actions: &[
            action(
                "details",
                "Per-entity counts (:details)",
                "GET",
                ":details",
                true,
                ActionInput::Nothing,
            ),
            action(
                "entity-details",
                "Synced entities (:entity-details)",
                "GET",
                ":entity-details",
                true,
                ActionInput::Nothing,
            ),
            action(
                "abort",
                "Abort the job (:abort)",
                "POST",
                ":abort",
                true,
                ActionInput::Nothing,
            ),
        ],
        ..base("sync_jobs", "Sync jobs", "jobs")
    },
    Family {
        columns: &["number", "name"],
        fields: &[field("number", Kind::Number).req(), NAME],
        ..base("route_points", "Route points", "extensions")
    },
    Family {
        envelope: Envelope::Key("profiles"),
        columns: &["name", "locationCode", "isMediaLatchingEnabled", "status"],
        status_field: Some("status"),
        fields: &[
            NAME,
            DESCRIPTION,
            field("locationCode", Kind::Text).req(),
            field("sipServerAddressList", Kind::List).pattern(Pattern::Host),
            field("isMediaLatchingEnabled", Kind::Bool),
        ],
        ..base(
            "location_profiles",
            "Location profiles",
            "location-profiles",
        )
    },
    Family {
        envelope: Envelope::Key("sipTrunks"),
        columns: &["trunkName", "type", "preferredMediaLocation", "callerId"],
        ops: Ops {
            list: true,
            create: false,
            update: true,
            delete: false,
        },
        fields: &[field("callerId", Kind::Text).req()],
        ..base("sip_trunks", "SIP trunks", "sip-trunks")
    },
    Family {
        envelope: Envelope::Key("outboundRoutingRules"),
        columns: &[
            "priority",
            "type",
            "prefix",
            "minLength",
            "maxLength",
            "isoCountry",
        ],
        fields: &[
            field("type", Kind::Choice(&["NUMBER_PREFIX"])).req(),
            field("priority", Kind::Number).req(),
            field("prefix", Kind::Text).req(),
            field("minLength", Kind::Number).req(),
            field("maxLength", Kind::Number).req(),
            field("sipTrunkId", Kind::Text),
            field("callerId", Kind::Text),
            field("isoCountry", Kind::Text),
            field("locationIds", Kind::List),
        ],
        actions: &[action(
            "priorities",
            "Bulk priority update",
            "PUT",
            "",
            false,
            ActionInput::WholeList,
        )],
        ..base(
            "routing_rules",
            "Outbound routing rules",
            "outbound-routing-rules",
        )
    },
    Family {
        envelope: Envelope::Key("locations"),
        columns: &["name", "description", "isDialingRestrictionEnabled"],
        fields: &[
            NAME,
            DESCRIPTION,
            field("isDialingRestrictionEnabled", Kind::Bool).req(),
        ],
        ..base("agent_locations", "Agent locations", "agent-locations")
    },
    Family {
        account_scoped: false,
        ops: Ops {
            list: false,
            create: false,
            update: true,
            delete: false,
        },
        fields: &[
            field("featureToggleId", Kind::Text).req(),
            field("featureToggleName", Kind::Text).req(),
            field("displayName", Kind::Text),
            DESCRIPTION,
            field("type", Kind::Text),
            field("defaultValue", Kind::Text),
            field("defaultState", Kind::Bool).req(),
            field("deprecated", Kind::Bool).req(),
            field(
                "operation",
                Kind::Choice(&["CREATED", "UPDATED", "DELETED"]),
            )
            .req(),
            field("accounts", Kind::List).req(),
        ],
        ..base(
            "webhook",
            "Feature-toggle webhook payload",
            "voice-service-webhook",
        )
    },
];

pub fn family(key: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.key == key)
}

/// A family by its path segment (the CLI's FAMILY): nested families when a
/// parent is given, top-level ones otherwise.
pub fn by_segment(segment: &str, nested: bool) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .find(|f| f.segment == segment && f.parent.is_some() == nested)
}

/// Families under a Communication Manager.
pub fn children_of(parent: &str) -> impl Iterator<Item = &'static Family> + '_ {
    FAMILIES.iter().filter(move |f| f.parent == Some(parent))
}

/// Top-level families, in the order the Voice tab lists them.
pub fn top_level() -> impl Iterator<Item = &'static Family> {
    FAMILIES.iter().filter(|f| f.parent.is_none())
}

/// Top-level families that can be listed (what a refresh fetches).
pub fn listable() -> impl Iterator<Item = &'static Family> {
    top_level().filter(|f| f.ops.list)
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

/// Statuses that mean it went wrong.
pub fn is_failed_status(status: &str) -> bool {
    matches!(
        status.to_ascii_uppercase().as_str(),
        "FAILED" | "TIMEOUT_FAILED" | "NEEDS_ACTION"
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
            for c in f.columns {
                assert!(!c.is_empty(), "{}", f.key);
            }
            assert!(
                !f.ops.list || !f.columns.is_empty(),
                "{} lists without columns",
                f.key
            );
            assert!(
                !(f.ops.create || f.ops.update) || !f.fields.is_empty(),
                "{} writes without fields",
                f.key
            );
        }
        assert_eq!(children_of("cm").count(), 5);
        // "extensions" is both a top-level family and one under a CM.
        assert_eq!(by_segment("extensions", false).unwrap().key, "route_points");
        assert_eq!(by_segment("extensions", true).unwrap().key, "cm_extensions");
    }
}
