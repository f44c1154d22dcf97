//! The vendor families a connection can be of, and where a connection was
//! declared. Their text forms are the ones the config file's tables, the
//! store's `connections` columns, the connection form and JSON output use:
//! they must not change.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The family of a connection (not the `vendor` column of a number, which
/// is what the number's owner is, e.g. `AudioCodes` or `Microsoft`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Vendor {
    /// AudioCodes ARM: `[[audiocodes]]`.
    #[serde(rename = "audiocodes")]
    AudioCodes,
    /// Live Platform Operator Connect: `[[live_platform]]`.
    #[serde(rename = "live_platform")]
    LivePlatform,
    /// Avaya AXP Voice Admin: `[[axp]]`.
    #[serde(rename = "axp")]
    Axp,
}

impl Vendor {
    /// Every vendor, in the order the config file and the form list them.
    pub const ALL: [Vendor; 3] = [Vendor::AudioCodes, Vendor::LivePlatform, Vendor::Axp];

    /// The text form (config table name, store column, form choice).
    pub const fn as_str(self) -> &'static str {
        match self {
            Vendor::AudioCodes => "audiocodes",
            Vendor::LivePlatform => "live_platform",
            Vendor::Axp => "axp",
        }
    }

    /// The vendor named `text` exactly as [`Vendor::as_str`] writes it.
    pub fn parse(text: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a connection was declared: in the config file (changed only
/// there) or made in the dashboard and kept in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConnectionSource {
    #[serde(rename = "config")]
    ConfigFile,
    #[serde(rename = "store")]
    Store,
}

impl ConnectionSource {
    /// The text form (the store's `connections.source` column).
    pub const fn as_str(self) -> &'static str {
        match self {
            ConnectionSource::ConfigFile => "config",
            ConnectionSource::Store => "store",
        }
    }

    pub fn parse(text: &str) -> Option<ConnectionSource> {
        [ConnectionSource::ConfigFile, ConnectionSource::Store]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl fmt::Display for ConnectionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text forms are stored and written in config files: pinned.
    #[test]
    fn text_forms_are_the_stored_ones() {
        let names: Vec<_> = Vendor::ALL.iter().map(|v| v.as_str()).collect();
        assert_eq!(names, ["audiocodes", "live_platform", "axp"]);
        assert_eq!(ConnectionSource::ConfigFile.as_str(), "config");
        assert_eq!(ConnectionSource::Store.as_str(), "store");
    }

    #[test]
    fn parse_is_the_inverse_of_as_str_and_exact() {
        for v in Vendor::ALL {
            assert_eq!(Vendor::parse(v.as_str()), Some(v));
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{v}\""));
        }
        assert_eq!(Vendor::parse("AudioCodes"), None);
        assert_eq!(Vendor::parse(""), None);
        for s in [ConnectionSource::ConfigFile, ConnectionSource::Store] {
            assert_eq!(ConnectionSource::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(ConnectionSource::parse("file"), None);
    }
}
