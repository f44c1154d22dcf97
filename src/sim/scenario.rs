//! What the simulator serves: a TOML scenario with deterministic generators,
//! so "2,400 registered users" is one line and the same on every run.

use super::error::SimError;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(default)]
    pub arm: Vec<ArmScenario>,
    pub live_platform: Option<LivePlatformScenario>,
    pub axp: Option<AxpScenario>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmScenario {
    pub name: String,
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    /// How many registered users to generate.
    pub users: usize,
    /// First number; the rest count up from it.
    pub number_start: String,
    #[serde(default)]
    pub offline_percent: u32,
    #[serde(default)]
    pub no_number_percent: u32,
    #[serde(default)]
    pub sbcs: Vec<String>,
    #[serde(default = "version")]
    pub version: String,
}

fn version() -> String {
    "9.8.0".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LivePlatformScenario {
    pub client_id: String,
    pub client_secret: String,
    #[serde(default)]
    pub extra_profiles: usize,
    #[serde(default)]
    pub customers: usize,
    #[serde(default)]
    pub leads: usize,
    /// Seconds a created service's task stays "InProgress".
    #[serde(default = "task_secs")]
    pub task_seconds: u64,
}

fn task_secs() -> u64 {
    4
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxpScenario {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub app_key: String,
    #[serde(default = "items")]
    pub items_per_family: usize,
    /// Phone numbers to generate (default: `items_per_family`), to page.
    #[serde(default)]
    pub phone_numbers: Option<usize>,
    /// How long a 202 takes to settle.
    #[serde(default = "settle_ms")]
    pub settle_ms: u64,
    /// How long a CM sync job runs.
    #[serde(default = "sync_seconds")]
    pub sync_seconds: u64,
}

fn settle_ms() -> u64 {
    2000
}

fn sync_seconds() -> u64 {
    6
}

fn items() -> usize {
    5
}

/// The scenario `switchboard demo` and `switchboard sim` use by default.
pub const DEMO: &str = include_str!("../../assets/demo-scenario.toml");

impl Scenario {
    pub fn demo() -> Scenario {
        toml::from_str(DEMO).expect("the embedded demo scenario parses")
    }

    pub fn load(path: &Path) -> Result<Scenario, SimError> {
        let text = std::fs::read_to_string(path).map_err(|source| SimError::ReadScenario {
            path: path.to_path_buf(),
            source,
        })?;
        toml::from_str(&text).map_err(|e| SimError::BadScenario {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
    }
}

/// A small deterministic generator (SplitMix64), so runs are repeatable
/// without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// A UUID-shaped id, deterministic for the seed.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}
