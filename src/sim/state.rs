//! The simulator's mutable world: users, items, tokens and pending changes.

use super::faults::Fault;
use super::scenario::{ArmScenario, AxpScenario, LivePlatformScenario, Rng, Scenario};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmUser {
    pub id: String,
    pub user_name: String,
    pub display_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    pub status: String,
    pub last_seen: String,
    pub sbc: String,
}

pub struct ArmInstance {
    pub scenario: ArmScenario,
    pub users: Vec<ArmUser>,
}

pub struct LivePlatformData {
    pub scenario: LivePlatformScenario,
    pub profiles: Vec<Value>,
    pub customers: Vec<Value>,
    pub leads: Vec<Value>,
    pub tasks: HashMap<String, (Instant, String)>,
}

/// A change the simulator makes a little later (AXP's 202 flows).
pub struct Pending {
    pub due: Instant,
    pub family: String,
    pub parent: String,
    pub id: String,
    /// New status, or None to delete the item.
    pub status: Option<String>,
}

pub struct AxpData {
    pub scenario: AxpScenario,
    /// Items by (family key, parent id or "").
    pub items: HashMap<(String, String), Vec<Value>>,
    pub pending: Vec<Pending>,
    /// CM sync jobs by job id.
    pub sync_jobs: HashMap<String, SyncJob>,
}

/// A Communication Manager sync job as it progresses.
pub struct SyncJob {
    pub started: Instant,
    pub entities: Vec<String>,
    pub aborted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Arm(usize),
    LivePlatform,
    Axp,
}

pub struct SimData {
    pub arm: Vec<ArmInstance>,
    pub live_platform: Option<LivePlatformData>,
    pub axp: Option<AxpData>,
    pub tokens: HashMap<String, (Principal, Instant)>,
    pub faults: Vec<Fault>,
    pub rng: Rng,
    pub requests: u64,
    /// Requests seen per path (control paths excluded), for retry counts.
    pub requests_by_path: std::collections::BTreeMap<String, u64>,
}

pub fn generate_users(s: &ArmScenario, rng: &mut Rng) -> Vec<ArmUser> {
    let digits = s.number_start.trim_start_matches('+');
    let start: u128 = digits.parse().unwrap_or(10_000_000);
    let now = crate::clock::now();
    (0..s.users)
        .map(|i| {
            let number = format!("+{}", start + i as u128);
            let roll = rng.below(100);
            let (phone, uri) = if roll < u64::from(s.no_number_percent) {
                (None, None)
            } else if roll % 10 == 7 {
                // Some ARM versions only fill the SIP URI.
                (
                    None,
                    Some(format!("sip:{number}@{}.example.net;user=phone", s.name)),
                )
            } else {
                (
                    Some(number.clone()),
                    Some(format!("sip:{number}@{}.example.net", s.name)),
                )
            };
            let offline = rng.below(100) < u64::from(s.offline_percent);
            let sbc = s
                .sbcs
                .get(i % s.sbcs.len().max(1))
                .cloned()
                .unwrap_or_else(|| "sbc1".into());
            ArmUser {
                id: format!("{}-u{:05}", s.name, i),
                user_name: format!("user{:05}", i),
                display_name: format!("User {i} ({})", s.name),
                phone_number: phone,
                uri,
                status: if offline {
                    "OFFLINE".into()
                } else {
                    "REGISTERED".into()
                },
                last_seen: crate::clock::stamp(
                    now - chrono::Duration::minutes(
                        i64::try_from(i % 1440).expect("a day's minutes fit i64"),
                    ),
                ),
                sbc,
            }
        })
        .collect()
}

impl SimData {
    pub fn new(scenario: &Scenario) -> SimData {
        let mut rng = Rng::new(0x5317_c8b0);
        let arm = scenario
            .arm
            .iter()
            .map(|s| ArmInstance {
                users: generate_users(s, &mut rng),
                scenario: s.clone(),
            })
            .collect();
        let live_platform = scenario
            .live_platform
            .as_ref()
            .map(|s| super::live_platform::generate(s, &mut rng));
        let axp = scenario
            .axp
            .as_ref()
            .map(|s| super::axp::generate(s, &mut rng));
        SimData {
            arm,
            live_platform,
            axp,
            tokens: HashMap::new(),
            faults: vec![],
            rng,
            requests: 0,
            requests_by_path: Default::default(),
        }
    }

    pub fn issue_token(&mut self, who: Principal, lifetime: Duration) -> String {
        let token = format!("simtok-{}", self.rng.uuid());
        self.tokens
            .insert(token.clone(), (who, Instant::now() + lifetime));
        token
    }

    pub fn principal(&self, bearer: &str) -> Option<Principal> {
        self.tokens
            .get(bearer)
            .filter(|(_, until)| *until > Instant::now())
            .map(|(p, _)| p.clone())
    }

    pub fn arm_by_name(&mut self, name: &str) -> Option<&mut ArmInstance> {
        self.arm.iter_mut().find(|a| a.scenario.name == name)
    }
}
