//! The exact JSON of the Live Platform seeds (copied to tests/fixtures):
//! `null` fields, the vendor's `enviroment` spelling, the task and problem
//! bodies.

use switchboard::domain::calling_profile::{problems, CallingProfile, Problem};
use switchboard::domain::oc_service::CreateServiceRequest;

const PROFILES: &str = include_str!("fixtures/lp_calling_profiles_seed.json");
const REQUEST: &str = include_str!("fixtures/lp_create_service_seed.json");
const TASK: &str = include_str!("fixtures/lp_task_seed.json");
const PROBLEM: &str = include_str!("fixtures/lp_problem_seed.json");

#[test]
fn the_seed_profiles_parse_with_nulls_and_enviroment() {
    let profiles: Vec<CallingProfile> = serde_json::from_str(PROFILES).unwrap();
    assert_eq!(profiles.len(), 2);
    let p = &profiles[0];
    assert_eq!(p.calling_profile_id, "9097a8b4-1cc8-461c-af93-e5b14943f5d7");
    assert_eq!(p.name, "PROD_AudioCodesRD_Calling_AC_EMEA");
    assert_eq!(
        (p.environment.as_deref(), p.region.as_deref()),
        (None, None)
    );
    assert_eq!(p.emergency_profile_id, None);
    assert_eq!(p.offer_names(), ["Calling", "AudioConferencing"]);
    assert_eq!(p.trunks_enrolled[0].matching_sbc_list[0].sbc_id, Some(2));
    assert_eq!(
        p.trunks_enrolled[0].matching_sbc_list[0]
            .ip_address
            .as_deref(),
        Some("172.17.239.165")
    );
    assert_eq!(p.validation["OCMobile"].as_deref(), Some("NotRun"));
    // The vendor spelling goes back out as it came in.
    let back = serde_json::to_value(p).unwrap();
    assert!(back.get("enviroment").is_some() && back.get("environment").is_none());

    let marks = problems(&profiles);
    assert!(marks[0].contains(&Problem::NoFailover { trunks: 1 }));
    assert!(marks[0].contains(&Problem::Validation {
        offer: "Calling".into(),
        state: "NotRun".into()
    }));
    // The second profile has two trunks, neither with a matching SBC.
    assert!(!marks[1]
        .iter()
        .any(|m| matches!(m, Problem::NoFailover { .. })));
    assert_eq!(
        marks[1]
            .iter()
            .filter(|m| matches!(m, Problem::TrunkWithoutSbc { .. }))
            .count(),
        2
    );
}

#[test]
fn an_enviroment_value_and_null_lists_are_read() {
    let p: CallingProfile = serde_json::from_str(
        r#"{"callingProfileId": "x", "name": "n", "enviroment": "Production",
            "offerTypes": null, "trunksEnrolled": null, "validation": null,
            "emergencyDialStrings": null, "isEmergencyProfile": null}"#,
    )
    .unwrap();
    assert_eq!(p.environment.as_deref(), Some("Production"));
    assert!(p.offer_types.is_empty() && p.trunks_enrolled.is_empty());
}

#[test]
fn the_seed_request_task_and_problem_bodies() {
    let r: CreateServiceRequest = serde_json::from_str(REQUEST).unwrap();
    assert_eq!(r.customer_short_name, "Bradx35340067");
    assert_eq!(
        r.script_parameters["OnlinePstnGateway"],
        "oc1.sandbox2.audiocodes.be"
    );
    assert!(r.validate().is_empty(), "{:?}", r.validate());
    // Sent back with the seed's spellings.
    let wire = serde_json::to_value(&r).unwrap();
    assert_eq!(wire["msTenantId"], "f9f53ee0-56e1-43f6-8fe3-5fb322986657");
    assert_eq!(wire["configurationName"], "OcEssential_IPGROUP_TYPE");

    let task: serde_json::Value = serde_json::from_str(TASK).unwrap();
    assert_eq!(
        switchboard::api::live_platform::task_state(task["status"].as_str().unwrap()),
        switchboard::api::live_platform::TaskState::Succeeded
    );
    assert_eq!(
        task["executionMessages"][1]["message"],
        "Site created in Ovoc"
    );

    let text = switchboard::api::http::problem_message(PROBLEM.as_bytes());
    assert!(text.contains("Internal Server Error"), "{text}");
    assert!(
        text.contains("00-5bcfb1f75627574e43998a4558b34f5e"),
        "{text}"
    );
}
