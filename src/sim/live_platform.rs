//! The simulated Live Platform: calling profiles (the seed's two and
//! generated ones), customers, leads, service creation and its task.

use super::scenario::{LivePlatformScenario, Rng};
use super::state::{LivePlatformData, Principal};
use super::Sim;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The two profiles of the seed document, verbatim in shape.
fn seed_profiles() -> Vec<Value> {
    vec![
        json!({"additionalSbcList": [], "callingProfileId": "9097a8b4-1cc8-461c-af93-e5b14943f5d7", "name": "PROD_AudioCodesRD_Calling_AC_EMEA", "enviroment": null, "region": null, "carrier": null,
               "offerTypes": [{"offerTypeName": "Calling", "testNumbers": []}, {"offerTypeName": "AudioConferencing", "testNumbers": []}],
               "emergencyDialStrings": [""], "isEmergencyProfile": false, "emergencyProfileId": null,
               "trunksEnrolled": [{"trunkFqdn": "oc.sandbox1.audiocodes.be", "trunkId": "ecb022e4-cc18-499f-a625-6646dc55c2b4", "matchingSbcList": [{"sbcId": 2, "fqdn": "NL-SBC05.lab.lan", "ipAddress": "172.17.239.165", "name": "NL-SBC05"}]}],
               "validation": {"Calling": "NotRun", "AudioConferencing": "NotRun", "OCMobile": "NotRun"}}),
        json!({"additionalSbcList": [], "callingProfileId": "9dd77aaf-1179-4373-8dc4-c74bdd2b018d", "name": "PROD_AudioCodesRD_Calling_AC_EMEA_Call_Conf", "enviroment": null, "region": null, "carrier": null,
               "offerTypes": [{"offerTypeName": "Calling", "testNumbers": []}, {"offerTypeName": "AudioConferencing", "testNumbers": []}],
               "emergencyDialStrings": [""], "isEmergencyProfile": false, "emergencyProfileId": null,
               "trunksEnrolled": [{"trunkFqdn": "oc2.customers.audio-code.co.il", "trunkId": "87b50f79-65c8-4198-b9a4-e65d2fefae5a", "matchingSbcList": []},
                                  {"trunkFqdn": "oc1.customers.audio-code.co.il", "trunkId": "8734a246-317e-4146-bf93-fb39f353b920", "matchingSbcList": []}],
               "validation": {"Calling": "NotRun", "AudioConferencing": "NotRun", "OCMobile": "NotRun"}}),
    ]
}

pub fn generate(s: &LivePlatformScenario, rng: &mut Rng) -> LivePlatformData {
    const REGIONS: [&str; 4] = ["EMEA", "AMER", "APAC", "UK"];
    const VALIDATION: [&str; 3] = ["Passed", "NotRun", "Failed"];
    let mut profiles = seed_profiles();
    for i in 0..s.extra_profiles {
        let region = REGIONS[i % REGIONS.len()];
        let trunks: Vec<Value> = (0..(1 + rng.below(3)))
            .map(|t| {
                let sbcs: Vec<Value> = if rng.below(5) == 0 { vec![] } else {
                    vec![json!({"sbcId": 10 + (i as u64 * 3 + t) % 7, "fqdn": format!("sbc{}.{}.oc.example.net", t + 1, region.to_lowercase()), "ipAddress": format!("10.{}.{}.{}", i, t, 10 + t), "name": format!("SBC-{region}-{}", t + 1)})]
                };
                json!({"trunkFqdn": format!("oc{}.{}.carrier.example.net", t + 1, region.to_lowercase()), "trunkId": rng.uuid(), "matchingSbcList": sbcs})
            })
            .collect();
        profiles.push(json!({
            "additionalSbcList": [], "callingProfileId": rng.uuid(), "name": format!("PROD_{region}_Calling_{:02}", i + 1),
            "enviroment": if i % 2 == 0 { "Production" } else { "Test" }, "region": region, "carrier": "Example Carrier",
            "offerTypes": [{"offerTypeName": "Calling", "testNumbers": [format!("+4420795{:05}", i * 3), format!("+4420795{:05}", i * 3 + 1)]}],
            "emergencyDialStrings": ["112", "999"], "isEmergencyProfile": i == 3, "emergencyProfileId": null,
            "trunksEnrolled": trunks,
            "validation": {"Calling": VALIDATION[i % 3], "AudioConferencing": "NotRun", "OCMobile": "NotRun"}
        }));
    }
    let customers = (0..s.customers)
        .map(|i| {
            json!({"UmpCustomerGuid": rng.uuid(), "CustomerShortName": format!("Cust{:03}", i + 1), "CustomerFullName": format!("Customer {} Ltd", i + 1),
                   "LicenseType": 3, "LicensedUsersCount": 50 + i * 10, "MsTenantId": rng.uuid(), "ActiveUserCount": 20 + i * 7,
                   "SiteLocation": [{"id": i + 1, "name": format!("site-{}", i + 1), "sbcId": 10 + i % 7, "sbcDeploymentState": "Deployed", "sbcConfigurationType": "IPGroup"}]})
        })
        .collect();
    let leads = (0..s.leads)
        .map(|i| {
            json!({"id": rng.uuid(), "tenantId": rng.uuid(), "status": if i % 5 == 4 { "Removed" } else { "Active" }, "consentedOn": "2026-10-01T10:00:00Z", "lastModifiedOn": "2026-11-01T10:00:00Z",
                   "consentedCountries": ["GB", "US"], "contactDetails": {"fullName": format!("Lead Contact {}", i + 1), "email": format!("lead{}@example.com", i + 1), "phoneNumber": format!("+4420700{:05}", i), "companyName": format!("Prospect {} plc", i + 1), "companySize": "100-500"}})
        })
        .collect();
    LivePlatformData {
        scenario: s.clone(),
        profiles,
        customers,
        leads,
        tasks: HashMap::new(),
    }
}

#[allow(clippy::result_large_err)] // the error is the HTTP answer itself
fn authorized(sim: &Sim, headers: &HeaderMap) -> Result<(), Response> {
    let tok = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    match sim.data.lock().unwrap().principal(tok) {
        Some(Principal::LivePlatform) => Ok(()),
        _ => Err((StatusCode::UNAUTHORIZED, Json(json!({"type": "https://httpstatuses.com/401", "title": "Unauthorized", "status": 401, "traceId": "00-sim-401"}))).into_response()),
    }
}

fn with_lp(
    sim: &Sim,
    headers: &HeaderMap,
    f: impl FnOnce(&mut LivePlatformData) -> Response,
) -> Response {
    if let Err(r) = authorized(sim, headers) {
        return r;
    }
    let mut d = sim.data.lock().unwrap();
    match d.live_platform.as_mut() {
        Some(lp) => f(lp),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn calling_profiles(State(sim): State<Sim>, headers: HeaderMap) -> Response {
    with_lp(&sim, &headers, |lp| {
        Json(lp.profiles.clone()).into_response()
    })
}

pub async fn customers(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = q.get("allDetails").is_some_and(|v| v == "true");
    with_lp(&sim, &headers, |lp| {
        let list: Vec<Value> = lp
            .customers
            .iter()
            .map(|c| {
                let mut c = c.clone();
                if !all {
                    c.as_object_mut().map(|o| o.remove("SiteLocation"));
                }
                c
            })
            .collect();
        Json(list).into_response()
    })
}

pub async fn leads(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page: usize = q
        .get("PageNumber")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    let size: usize = q
        .get("PageSize")
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        .clamp(1, 500);
    with_lp(&sim, &headers, |lp| {
        Json(
            lp.leads
                .iter()
                .skip((page - 1) * size)
                .take(size)
                .cloned()
                .collect::<Vec<_>>(),
        )
        .into_response()
    })
}

pub async fn create_service(
    State(sim): State<Sim>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let short = body
        .get("customerShortName")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    if short.is_empty() {
        return (
            StatusCode::OK,
            Json(json!({"Message": "customerShortName is required"})),
        )
            .into_response();
    }
    let id = format!("wst_{}", uuid::Uuid::new_v4());
    let task_id = id.clone();
    with_lp(&sim, &headers, move |lp| {
        lp.tasks.insert(task_id.clone(), (Instant::now(), short));
        Json(json!({"jobId": task_id})).into_response()
    })
}

pub async fn task(State(sim): State<Sim>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    with_lp(&sim, &headers, |lp| {
        let secs = lp.scenario.task_seconds;
        let Some((started, short)) = lp.tasks.get(&id) else {
            return (
                StatusCode::NOT_FOUND,
                Json(json!({"title": "Not Found", "status": 404, "traceId": "00-sim-404"})),
            )
                .into_response();
        };
        let done = started.elapsed() >= Duration::from_secs(secs);
        // A short name starting with "Fail" ends the way a broken script does.
        let fails = short.starts_with("Fail");
        let short = short.clone();
        let mut messages = vec![
            json!({"level": "Information", "message": format!("SBC sbc-onboarding started for site {short}.")}),
        ];
        let status = match (done, fails) {
            (false, _) => "InProgress",
            (true, true) => {
                messages.push(json!({"level": "Error", "message": format!("SBC sbc-onboarding failed for site {short}: IP Group {short}-c already exists.")}));
                "CompletedWithErrors"
            }
            (true, false) => {
                messages.push(json!({"level": "Information", "message": format!("SBC sbc-onboarding done for site {short}.")}));
                messages.push(json!({"level": "Information", "message": "Site created in Ovoc"}));
                if !lp
                    .customers
                    .iter()
                    .any(|c| c["CustomerShortName"] == short.as_str())
                {
                    lp.customers.push(json!({"UmpCustomerGuid": uuid::Uuid::new_v4().to_string(), "CustomerShortName": short, "CustomerFullName": short,
                        "LicenseType": 3, "LicensedUsersCount": 0, "MsTenantId": "", "ActiveUserCount": 0, "SiteLocation": []}));
                }
                "CompletedSuccess"
            }
        };
        Json(json!({"id": id, "status": status, "details": if status == "CompletedSuccess" { vec!["Converted"] } else { vec![] }, "executionMessages": messages, "outputData": {}})).into_response()
    })
}
