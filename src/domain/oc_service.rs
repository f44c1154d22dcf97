//! "Create OC Essential Service from Lead with IP Group": the request body of
//! `POST /api/v3/customer` with the seed's field spellings, and the checks
//! made before anything is sent.

use super::invalid::Invalid;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Licence type of OC Essential (seed: "OC Essential: 3").
pub const LICENSE_OC_ESSENTIAL: i64 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteLocation {
    #[serde(default)]
    pub site_location_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbc_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbc_onboarding_script: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbc_cleanup_script: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbc_oc_upload_number_script: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbc_oc_release_number_script: Option<i64>,
}

#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamsQos {
    #[serde(rename = "applicationID", default)]
    pub application_id: String,
    /// A secret of the customer's app registration: never logged or shown.
    #[serde(rename = "applicationPassword", default)]
    pub application_password: String,
}

/// Debug never prints the password (requests travel in commands and jobs).
impl std::fmt::Debug for TeamsQos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamsQos")
            .field("application_id", &self.application_id)
            .field("application_password", &"********")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateServiceRequest {
    #[serde(default)]
    pub configuration_name: String,
    #[serde(default)]
    pub customer_short_name: String,
    #[serde(default)]
    pub customer_full_name: String,
    #[serde(default)]
    pub ms_tenant_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub lead_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_location: Option<SiteLocation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_type: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licensed_users_count: Option<i64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub invitation_email: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub script_parameters: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_qos: Option<TeamsQos>,
    /// Fields of the seed this form does not model, passed through as given.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// Whether `s` is a GUID: 8-4-4-4-12 hex digits.
pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The customer short name rule Switchboard enforces: 3 to 32 letters and
/// digits, starting with a letter. The seed announces validation rules but
/// its text omits them; this matches its example (`Bradx35340067`) and is
/// safe as an SBC IP Group name.
pub fn validate_short_name(s: &str) -> Result<(), Invalid> {
    if !(3..=32).contains(&s.len()) {
        return Err(Invalid::new("customerShortName", "3 to 32 characters"));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Invalid::new(
            "customerShortName",
            "must start with a letter",
        ));
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(Invalid::new(
            "customerShortName",
            format!("{c:?} is not allowed: letters and digits only"),
        ));
    }
    Ok(())
}

impl CreateServiceRequest {
    /// Every problem, by the wire name of its field.
    pub fn validate(&self) -> Vec<(&'static str, String)> {
        let mut errs = Vec::new();
        let mut need = |field: &'static str, v: &str| {
            if v.trim().is_empty() {
                errs.push((field, "required".to_string()));
            }
        };
        need("configurationName", &self.configuration_name);
        need("customerFullName", &self.customer_full_name);
        need("msTenantId", &self.ms_tenant_id);
        if let Err(e) = validate_short_name(&self.customer_short_name) {
            errs.push((e.field, e.why));
        }
        if !self.ms_tenant_id.is_empty() && !is_guid(&self.ms_tenant_id) {
            errs.push((
                "msTenantId",
                "a GUID like f9f53ee0-56e1-43f6-8fe3-5fb322986657".into(),
            ));
        }
        if !self.lead_id.is_empty() && !is_guid(&self.lead_id) {
            errs.push(("leadId", "a lead id (GUID) from the leads list".into()));
        }
        let positive = |v: Option<i64>| v.is_none_or(|n| n > 0);
        if !positive(self.licensed_users_count) {
            errs.push(("licensedUsersCount", "a positive whole number".into()));
        }
        if !positive(self.license_type) {
            errs.push((
                "licenseType",
                "a positive whole number (OC Essential: 3)".into(),
            ));
        }
        if let Some(site) = &self.site_location {
            for (field, v) in [
                ("siteLocation.sbcId", site.sbc_id),
                (
                    "siteLocation.sbcOnboardingScript",
                    site.sbc_onboarding_script,
                ),
                ("siteLocation.sbcCleanupScript", site.sbc_cleanup_script),
                (
                    "siteLocation.sbcOcUploadNumberScript",
                    site.sbc_oc_upload_number_script,
                ),
                (
                    "siteLocation.sbcOcReleaseNumberScript",
                    site.sbc_oc_release_number_script,
                ),
            ] {
                if !positive(v) {
                    errs.push((field, "a positive whole number".into()));
                }
            }
        }
        if let Some(q) = &self.teams_qos {
            if !q.application_id.is_empty() && !is_guid(&q.application_id) {
                errs.push(("teamsQos.applicationID", "a GUID".into()));
            }
        }
        errs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_and_short_names() {
        assert!(is_guid("f9f53ee0-56e1-43f6-8fe3-5fb322986657"));
        assert!(!is_guid("f9f53ee0-56e1-43f6-8fe3-5fb32298665"));
        assert!(!is_guid("not-a-guid"));
        assert!(validate_short_name("Bradx35340067").is_ok());
        assert!(validate_short_name("9lives").is_err());
        assert!(validate_short_name("a b").is_err());
        assert!(validate_short_name("ab").is_err());
    }

    #[test]
    fn validation_names_wire_fields() {
        let r = CreateServiceRequest {
            customer_short_name: "x y".into(),
            ms_tenant_id: "nope".into(),
            licensed_users_count: Some(0),
            ..Default::default()
        };
        let fields: Vec<&str> = r.validate().iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            [
                "configurationName",
                "customerFullName",
                "customerShortName",
                "msTenantId",
                "licensedUsersCount"
            ]
        );
    }
}
