//! The "create OC Essential service from lead" form: the seed's request
//! body as fields (keys are the wire names, so the domain's checks land on
//! the right field), with the lead picked from the fetched leads.

use super::form::{Field, FieldKind, Form};
use crate::domain::oc_service::{
    CreateServiceRequest, SiteLocation, TeamsQos, LICENSE_OC_ESSENTIAL,
};
use serde_json::Value;
use std::collections::BTreeMap;

const NUMBER_FIELDS: [&str; 7] = [
    "siteLocation.sbcId",
    "siteLocation.sbcOnboardingScript",
    "siteLocation.sbcCleanupScript",
    "siteLocation.sbcOcUploadNumberScript",
    "siteLocation.sbcOcReleaseNumberScript",
    "licenseType",
    "licensedUsersCount",
];

/// Active leads as `(id, tenant id)`, in the order fetched.
pub fn active_leads(leads: &[(String, Value)]) -> Vec<(String, String)> {
    leads
        .iter()
        .filter(|(_, l)| l.get("status").and_then(Value::as_str) != Some("Removed"))
        .filter_map(|(_, l)| {
            Some((
                l.get("id")?.as_str()?.to_string(),
                l.get("tenantId")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
            ))
        })
        .collect()
}

pub fn form(leads: &[(String, String)]) -> Form {
    let first = leads.first().cloned().unwrap_or_default();
    let ids: Vec<String> = leads.iter().map(|(id, _)| id.clone()).collect();
    let t = |key, label, value: &str| Field::new(key, label, FieldKind::Text, value);
    let fields = vec![
        t(
            "configurationName",
            "Configuration",
            "OcEssential_IPGROUP_TYPE",
        ),
        t("customerShortName", "Short name", "").hint("letters and digits, starting with a letter"),
        t("customerFullName", "Full name", "").hint("generally the company name"),
        Field::new("leadId", "Lead", FieldKind::Pick(ids), &first.0).hint("←→ to pick a lead"),
        t("msTenantId", "MS tenant id", &first.1).hint("GUID"),
        t("siteLocation.siteLocationName", "Site location", ""),
        t("siteLocation.sbcId", "SBC id", ""),
        t("siteLocation.sbcOnboardingScript", "Onboarding script", ""),
        t("siteLocation.sbcCleanupScript", "Cleanup script", ""),
        t("siteLocation.sbcOcUploadNumberScript", "Upload script", ""),
        t(
            "siteLocation.sbcOcReleaseNumberScript",
            "Release script",
            "",
        ),
        t(
            "licenseType",
            "Licence type",
            &LICENSE_OC_ESSENTIAL.to_string(),
        )
        .hint("OC Essential: 3"),
        t("licensedUsersCount", "Licensed users", ""),
        Field::rows("scriptParameters", "Script params", &["Key", "Value"], &[]),
        t("teamsQos.applicationID", "Teams QoS app id", "").hint("GUID (optional)"),
        Field::new(
            "teamsQos.applicationPassword",
            "Teams QoS secret",
            FieldKind::Secret,
            "",
        ),
    ];
    let mut f = Form::new("Create OC Essential service from lead", fields);
    f.footer = "create and follow the task".into();
    f
}

fn number(form: &Form, key: &str) -> Result<Option<i64>, String> {
    let v = form.value(key).trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("{v:?} is not a whole number"))
}

/// Script parameters from their rows: each needs a key, and a key once.
fn script_parameters(rows: &[Vec<String>]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, row) in rows.iter().enumerate() {
        let (key, value) = (&row[0], &row[1]);
        if key.is_empty() {
            return Err(format!("row {}: give a key for {value:?}", n + 1));
        }
        if out.insert(key.clone(), value.clone()).is_some() {
            return Err(format!("row {}: {key} is given twice", n + 1));
        }
    }
    Ok(out)
}

/// The request the form stands for, or the problems of its fields.
pub fn request(form: &Form) -> Result<CreateServiceRequest, Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    let mut nums = BTreeMap::new();
    for key in NUMBER_FIELDS {
        let v = number(form, key).unwrap_or_else(|e| {
            errs.push((key, e));
            None
        });
        nums.insert(key, v);
    }
    let params = script_parameters(&form.rows("scriptParameters")).unwrap_or_else(|e| {
        errs.push(("scriptParameters", e));
        BTreeMap::new()
    });
    let text = |k: &str| form.value(k).trim().to_string();
    let site = SiteLocation {
        site_location_name: text("siteLocation.siteLocationName"),
        sbc_id: nums["siteLocation.sbcId"],
        sbc_onboarding_script: nums["siteLocation.sbcOnboardingScript"],
        sbc_cleanup_script: nums["siteLocation.sbcCleanupScript"],
        sbc_oc_upload_number_script: nums["siteLocation.sbcOcUploadNumberScript"],
        sbc_oc_release_number_script: nums["siteLocation.sbcOcReleaseNumberScript"],
    };
    let qos = TeamsQos {
        application_id: text("teamsQos.applicationID"),
        application_password: form.value("teamsQos.applicationPassword").to_string(),
    };
    let r = CreateServiceRequest {
        configuration_name: text("configurationName"),
        customer_short_name: text("customerShortName"),
        customer_full_name: text("customerFullName"),
        ms_tenant_id: text("msTenantId"),
        lead_id: text("leadId"),
        site_location: (site != SiteLocation::default()).then_some(site),
        license_type: nums["licenseType"],
        licensed_users_count: nums["licensedUsersCount"],
        script_parameters: params,
        teams_qos: (!qos.application_id.is_empty() || !qos.application_password.is_empty())
            .then_some(qos),
        ..Default::default()
    };
    errs.extend(r.validate());
    if r.licensed_users_count.is_none() && !errs.iter().any(|(k, _)| *k == "licensedUsersCount") {
        errs.push(("licensedUsersCount", "required".into()));
    }
    if errs.is_empty() {
        Ok(r)
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn set(form: &mut Form, key: &str, value: &str) {
        let f = form.fields.iter_mut().find(|f| f.key == key).unwrap();
        f.input = tui_input::Input::new(value.to_string());
    }

    fn press(form: &mut Form, code: KeyCode) {
        form.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
    }

    fn typ(form: &mut Form, text: &str) {
        text.chars().for_each(|c| press(form, KeyCode::Char(c)));
    }

    /// Focuses the first cell of the script parameter rows.
    fn to_params(form: &mut Form) {
        form.focus = form
            .fields
            .iter()
            .position(|f| f.key == "scriptParameters")
            .unwrap();
        form.cell = 0;
    }

    #[test]
    fn script_parameters_are_rows_added_by_typing_and_removed_with_ctrl_d() {
        let mut f = form(&[]);
        to_params(&mut f);
        typ(&mut f, "ProxySet");
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "SIPTrunk");
        press(&mut f, KeyCode::Tab);
        // The blank row grew a new one as soon as the first was typed in.
        typ(&mut f, "OnlinePstnGateway");
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "oc1.example");
        assert_eq!(
            f.rows("scriptParameters"),
            [
                vec!["ProxySet".to_string(), "SIPTrunk".into()],
                vec!["OnlinePstnGateway".into(), "oc1.example".into()],
            ]
        );
        let field = f
            .fields
            .iter()
            .find(|x| x.key == "scriptParameters")
            .unwrap();
        assert_eq!(field.rows.len(), 3, "a blank row stays at the end");
        // A value without a key is refused, naming its row.
        press(&mut f, KeyCode::Tab);
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "orphan");
        let errs = request(&f).unwrap_err();
        let (_, e) = errs.iter().find(|(k, _)| *k == "scriptParameters").unwrap();
        assert!(e.contains("row 3"), "{e}");
        // Ctrl+D on the first row removes it.
        to_params(&mut f);
        f.handle_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL));
        assert_eq!(f.rows("scriptParameters")[0][0], "OnlinePstnGateway");
    }

    #[test]
    fn the_lead_is_picked_and_errors_land_on_their_fields() {
        let leads = vec![
            (
                "11111111-1111-1111-1111-111111111111".to_string(),
                "f9f53ee0-56e1-43f6-8fe3-5fb322986657".to_string(),
            ),
            (
                "22222222-2222-2222-2222-222222222222".to_string(),
                String::new(),
            ),
        ];
        let mut f = form(&leads);
        assert_eq!(
            f.value("msTenantId"),
            "f9f53ee0-56e1-43f6-8fe3-5fb322986657"
        );
        f.focus = 3;
        f.handle_key(KeyEvent::new(KeyCode::Right, KeyModifiers::NONE));
        assert_eq!(f.value("leadId"), leads[1].0);
        set(&mut f, "customerShortName", "9bad");
        set(&mut f, "licensedUsersCount", "ten");
        to_params(&mut f);
        typ(&mut f, "ProxySet");
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "SIPTrunk");
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "ProxySet");
        let errs = request(&f).unwrap_err();
        let keys: Vec<&str> = errs.iter().map(|(k, _)| *k).collect();
        for k in [
            "customerShortName",
            "licensedUsersCount",
            "scriptParameters",
            "customerFullName",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
        set(&mut f, "customerShortName", "Bradx35340067");
        set(&mut f, "customerFullName", "Brad X");
        set(&mut f, "licensedUsersCount", "25");
        f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        typ(&mut f, "OnlinePstnGateway");
        press(&mut f, KeyCode::Tab);
        typ(&mut f, "oc1.example");
        set(&mut f, "msTenantId", "f9f53ee0-56e1-43f6-8fe3-5fb322986657");
        let r = request(&f).unwrap();
        assert_eq!(r.script_parameters["OnlinePstnGateway"], "oc1.example");
        assert_eq!(r.license_type, Some(3));
        assert_eq!(r.site_location, None);
    }
}
