//! Operator Connect calling profiles as Live Platform sends them, and the
//! health marks an operator needs at a glance. Field names follow the wire,
//! including the vendor's `enviroment`; `null` lists read as empty.

use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeMap, BTreeSet};

fn null_as_empty<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallingProfile {
    pub calling_profile_id: String,
    #[serde(default)]
    pub name: String,
    /// Spelt `enviroment` on the wire.
    #[serde(default, rename = "enviroment")]
    pub environment: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub offer_types: Vec<OfferType>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub emergency_dial_strings: Vec<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub is_emergency_profile: bool,
    #[serde(default)]
    pub emergency_profile_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub trunks_enrolled: Vec<Trunk>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub additional_sbc_list: Vec<Sbc>,
    /// Offer type name to its validation state (`NotRun`, `Passed`, ...).
    #[serde(default, deserialize_with = "null_as_empty")]
    pub validation: BTreeMap<String, Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferType {
    #[serde(default)]
    pub offer_type_name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub test_numbers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trunk {
    #[serde(default)]
    pub trunk_fqdn: String,
    #[serde(default)]
    pub trunk_id: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub matching_sbc_list: Vec<Sbc>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Sbc {
    #[serde(default)]
    pub sbc_id: Option<i64>,
    #[serde(default)]
    pub fqdn: Option<String>,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl Sbc {
    /// What identifies an SBC across profiles: its id, else its FQDN.
    fn key(&self) -> Option<String> {
        self.sbc_id
            .map(|i| format!("#{i}"))
            .or_else(|| self.fqdn.clone())
    }
    pub fn label(&self) -> String {
        let id = self.sbc_id.map(|i| i.to_string()).unwrap_or("-".into());
        format!(
            "SBC {id} {} {} {}",
            self.name.as_deref().unwrap_or("-"),
            self.fqdn.as_deref().unwrap_or("-"),
            self.ip_address.as_deref().unwrap_or("-")
        )
    }
}

/// A health mark on a profile.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Problem {
    /// Fewer than two enrolled trunks: no failover (as the seed states).
    NoFailover {
        trunks: usize,
    },
    TrunkWithoutSbc {
        trunk: String,
    },
    /// An offered type whose validation is not `Passed`.
    Validation {
        offer: String,
        state: String,
    },
    /// An SBC that also serves another profile.
    SharedSbc {
        sbc: String,
        with: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NoFailover { trunks: 1 } => write!(f, "no failover (1 trunk)"),
            Problem::NoFailover { trunks } => write!(f, "no failover ({trunks} trunks)"),
            Problem::TrunkWithoutSbc { trunk } => write!(f, "trunk {trunk} has no SBC"),
            Problem::Validation { offer, state } => write!(f, "{offer} validation {state}"),
            Problem::SharedSbc { sbc, with } => write!(f, "SBC {sbc} also in {with}"),
        }
    }
}

impl CallingProfile {
    pub fn offer_names(&self) -> Vec<&str> {
        self.offer_types
            .iter()
            .map(|o| o.offer_type_name.as_str())
            .collect()
    }

    /// Every SBC of the profile: those matching its trunks and the additional ones.
    pub fn sbcs(&self) -> impl Iterator<Item = &Sbc> {
        self.trunks_enrolled
            .iter()
            .flat_map(|t| t.matching_sbc_list.iter())
            .chain(self.additional_sbc_list.iter())
    }
}

/// The health marks of profiles fetched from several Live Platform
/// connections (`connection[i]` is where `profiles[i]` came from): sharing
/// is judged within each connection only, as each is its own estate.
pub fn problems_by_connection<S: AsRef<str>>(
    profiles: &[CallingProfile],
    connection: &[S],
) -> Vec<Vec<Problem>> {
    let mut marks = vec![Vec::new(); profiles.len()];
    let mut names: Vec<&str> = connection.iter().map(AsRef::as_ref).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let at: Vec<usize> = (0..profiles.len())
            .filter(|&i| connection[i].as_ref() == name)
            .collect();
        let group: Vec<CallingProfile> = at.iter().map(|&i| profiles[i].clone()).collect();
        for (i, m) in at.into_iter().zip(problems(&group)) {
            marks[i] = m;
        }
    }
    marks
}

/// The health marks of each profile, in the order given. Sharing is judged
/// across all the profiles passed in.
pub fn problems(profiles: &[CallingProfile]) -> Vec<Vec<Problem>> {
    let mut users: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for p in profiles {
        for key in p.sbcs().filter_map(Sbc::key) {
            users.entry(key).or_default().insert(p.name.as_str());
        }
    }
    profiles
        .iter()
        .map(|p| {
            let mut out = Vec::new();
            if p.trunks_enrolled.len() < 2 {
                out.push(Problem::NoFailover {
                    trunks: p.trunks_enrolled.len(),
                });
            }
            for t in &p.trunks_enrolled {
                if t.matching_sbc_list.is_empty() {
                    out.push(Problem::TrunkWithoutSbc {
                        trunk: t.trunk_fqdn.clone(),
                    });
                }
            }
            for offer in p.offer_names() {
                let state = p.validation.get(offer).cloned().flatten();
                let state = state.as_deref().unwrap_or("missing");
                if state != "Passed" {
                    out.push(Problem::Validation {
                        offer: offer.to_string(),
                        state: state.to_string(),
                    });
                }
            }
            let mut seen = BTreeSet::new();
            for sbc in p.sbcs() {
                let Some(key) = sbc.key() else { continue };
                if !seen.insert(key.clone()) {
                    continue;
                }
                let others: Vec<&str> = users[&key]
                    .iter()
                    .copied()
                    .filter(|n| *n != p.name)
                    .collect();
                if !others.is_empty() {
                    out.push(Problem::SharedSbc {
                        sbc: sbc.name.clone().or(sbc.fqdn.clone()).unwrap_or(key),
                        with: others.join(", "),
                    });
                }
            }
            out
        })
        .collect()
}

/// Test numbers and emergency dial strings by profile name, for the
/// inventory's cross-reference ("seen in: calling profile X").
pub fn referenced_numbers(profiles: &[CallingProfile]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in profiles {
        for o in &p.offer_types {
            for n in &o.test_numbers {
                if let Ok(c) = super::number::canonical(n) {
                    out.push((c, format!("test number of calling profile {}", p.name)));
                }
            }
        }
        for d in &p.emergency_dial_strings {
            if let Ok(c) = super::number::canonical(d) {
                out.push((
                    c,
                    format!("emergency dial string of calling profile {}", p.name),
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str, trunks: &[(&str, &[i64])]) -> CallingProfile {
        CallingProfile {
            calling_profile_id: format!("id-{name}"),
            name: name.into(),
            offer_types: vec![OfferType {
                offer_type_name: "Calling".into(),
                test_numbers: vec!["+44 20 7950 0000".into()],
            }],
            validation: BTreeMap::from([("Calling".into(), Some("Passed".into()))]),
            trunks_enrolled: trunks
                .iter()
                .map(|(fqdn, sbcs)| Trunk {
                    trunk_fqdn: fqdn.to_string(),
                    trunk_id: format!("t-{fqdn}"),
                    matching_sbc_list: sbcs
                        .iter()
                        .map(|i| Sbc {
                            sbc_id: Some(*i),
                            name: Some(format!("SBC{i}")),
                            ..Default::default()
                        })
                        .collect(),
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn health_marks() {
        let healthy = profile("A", &[("a1", &[1]), ("a2", &[2])]);
        let lonely = profile("B", &[("b1", &[])]);
        let sharing = profile("C", &[("c1", &[2]), ("c2", &[3])]);
        let p = problems(&[healthy, lonely, sharing]);
        assert_eq!(
            p[0],
            vec![Problem::SharedSbc {
                sbc: "SBC2".into(),
                with: "C".into()
            }]
        );
        assert_eq!(
            p[1],
            vec![
                Problem::NoFailover { trunks: 1 },
                Problem::TrunkWithoutSbc { trunk: "b1".into() }
            ]
        );
        assert_eq!(p[2].len(), 1);
        assert_eq!(p[1][0].to_string(), "no failover (1 trunk)");
    }

    #[test]
    fn sharing_is_judged_within_one_connection() {
        let a = profile("A", &[("a1", &[1]), ("a2", &[2])]);
        let c = profile("C", &[("c1", &[2]), ("c2", &[3])]);
        let apart = problems_by_connection(&[a.clone(), c.clone()], &["lp-1", "lp-2"]);
        assert!(apart.iter().all(Vec::is_empty), "{apart:?}");
        let together = problems_by_connection(&[a, c], &["lp-1", "lp-1"]);
        assert_eq!(together[0].len(), 1);
        assert_eq!(together[1].len(), 1);
    }

    #[test]
    fn referenced_numbers_are_canonical() {
        let mut p = profile("A", &[]);
        p.emergency_dial_strings = vec!["".into(), "112".into()];
        let refs = referenced_numbers(&[p]);
        assert_eq!(
            refs,
            vec![
                (
                    "+442079500000".into(),
                    "test number of calling profile A".into()
                ),
                (
                    "112".into(),
                    "emergency dial string of calling profile A".into()
                ),
            ]
        );
    }
}
