//! Inventory settings, mirroring VOSS's macros and global settings.

use super::invalid::Invalid;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InventorySettings {
    /// VOSS macro `audiocodes_cooling_duration`: days an AudioCodes number cools.
    pub audiocodes_cooling_duration_days: u32,
    /// VOSS global "Number Inventory Cooling Duration (Days)", for other numbers.
    pub cooling_duration_days: u32,
    /// A sync that would cool more than this many numbers...
    pub cooling_guard_min: u32,
    /// ...and more than this percent of the connection's numbers stops first.
    pub cooling_guard_percent: u32,
}

impl Default for InventorySettings {
    fn default() -> Self {
        InventorySettings {
            audiocodes_cooling_duration_days: 2,
            cooling_duration_days: 30,
            cooling_guard_min: 10,
            cooling_guard_percent: 25,
        }
    }
}

impl InventorySettings {
    pub fn validate(&self) -> Result<(), Invalid> {
        for (key, v) in [
            (
                "audiocodes_cooling_duration_days",
                self.audiocodes_cooling_duration_days,
            ),
            ("cooling_duration_days", self.cooling_duration_days),
        ] {
            if !(1..=999).contains(&v) {
                return Err(Invalid::new(
                    key,
                    format!("{key} must be 1 to 999 days, not {v}"),
                ));
            }
        }
        if self.cooling_guard_percent > 100 {
            return Err(Invalid::new(
                "cooling_guard_percent",
                "cooling_guard_percent must be 0 to 100",
            ));
        }
        Ok(())
    }
}
