//! What an administrator can do to numbers by hand: release early, apply or
//! extend cooling, reserve, tag, and add ranges. Pure: the store loads the
//! rows, these rules decide, the store writes the transitions.

use super::cooling::{release_after, released, ChangeKind, Transition};
use super::invalid::Invalid;
use super::number::{canonical, InventoryItem, Status};
use super::text::count;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Most numbers one `add-range` may create.
pub const MAX_RANGE: u64 = 100_000;
/// Longest tag accepted.
pub const MAX_TAG: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NumberAction {
    /// Cooling to Available now.
    Release,
    /// Used or Available to Cooling for `days` (1 to 999).
    Cool {
        days: u32,
    },
    /// Cooling: release date `days` later.
    Extend {
        days: u32,
    },
    Reserve,
    Unreserve,
    Tag {
        text: String,
    },
}

impl NumberAction {
    pub fn label(&self) -> String {
        match self {
            NumberAction::Release => "release now".into(),
            NumberAction::Cool { days } => format!("cool {}", count(*days, "day", "days")),
            NumberAction::Extend { days } => {
                format!("extend cooling {}", count(*days, "day", "days"))
            }
            NumberAction::Reserve => "reserve".into(),
            NumberAction::Unreserve => "unreserve".into(),
            NumberAction::Tag { .. } => "edit tag".into(),
        }
    }

    /// Checks the action's own arguments (not the numbers it applies to).
    pub fn validate(&self) -> Result<(), Invalid> {
        match self {
            NumberAction::Cool { days } | NumberAction::Extend { days } => {
                validate_days(*days).map(|_| ())
            }
            NumberAction::Tag { text } if text.chars().count() > MAX_TAG => Err(Invalid::new(
                "tag",
                format!("a tag is at most {MAX_TAG} characters"),
            )),
            NumberAction::Tag { text } if text.chars().any(char::is_control) => {
                Err(Invalid::new("tag", "a tag is one line of text"))
            }
            _ => Ok(()),
        }
    }
}

/// A number an action was not applied to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub number: String,
    pub reason: String,
}

pub fn validate_days(days: u32) -> Result<u32, Invalid> {
    if (1..=999).contains(&days) {
        Ok(days)
    } else {
        Err(Invalid::new(
            "days",
            format!("cooling is 1 to 999 days, not {days}"),
        ))
    }
}

pub fn parse_days(text: &str) -> Result<u32, Invalid> {
    let d: u32 = text.trim().parse().map_err(|_| {
        Invalid::new(
            "days",
            format!("{:?} is not a number of days (1 to 999)", text.trim()),
        )
    })?;
    validate_days(d)
}

/// The tag of cooling applied by hand.
pub fn manual_cooling_tag(began: NaiveDate, days: u32, by: &str) -> String {
    format!(
        "Cooling applied by {by}, release date {} + {days} days",
        began.format("%Y-%m-%d")
    )
}

/// A cooling tag ending in `+ N days` reads `+ N+extra days` afterwards, so
/// the tag keeps agreeing with the release date.
fn extended_tag(tag: &str, extra: u32) -> String {
    let parsed = tag
        .strip_suffix(" days")
        .and_then(|t| t.rsplit_once(" + "))
        .and_then(|(head, n)| n.parse::<u32>().ok().map(|n| (head, n)));
    match parsed {
        Some((head, n)) => format!("{head} + {} days", u64::from(n) + u64::from(extra)),
        None => tag.to_string(),
    }
}

/// Applies `action` to each item; returns the transitions to write and the
/// numbers it does not apply to.
pub fn apply(
    action: &NumberAction,
    items: &[InventoryItem],
    today: NaiveDate,
    by: &str,
) -> (Vec<Transition>, Vec<Refusal>) {
    let mut out = Vec::new();
    let mut refused = Vec::new();
    for item in items {
        match change(action, item, today, by) {
            Ok((kind, after)) => out.push(Transition {
                kind,
                before: Some(item.clone()),
                after,
                whole_row: false,
            }),
            Err(reason) => refused.push(Refusal {
                number: item.number.clone(),
                reason: reason.why,
            }),
        }
    }
    (out, refused)
}

fn past_the_calendar(from: NaiveDate) -> Invalid {
    Invalid::new(
        "release_date",
        format!("its release date would be past 9999-12-31 (counting from {from})"),
    )
}

fn change(
    action: &NumberAction,
    item: &InventoryItem,
    today: NaiveDate,
    by: &str,
) -> Result<(ChangeKind, InventoryItem), Invalid> {
    let not = |what: &str| format!("is {}, not {what}", item.status);
    match action {
        NumberAction::Release => match item.status {
            Status::Cooling => Ok((ChangeKind::Released, released(item))),
            _ => Err(Invalid::new("status", not("Cooling"))),
        },
        NumberAction::Cool { days } => match item.status {
            Status::Used | Status::UsedUtility | Status::Available => Ok((
                ChangeKind::Cooled,
                InventoryItem {
                    status: Status::Cooling,
                    tag: manual_cooling_tag(today, *days, by),
                    release_date: Some(
                        release_after(today, *days).ok_or_else(|| past_the_calendar(today))?,
                    ),
                    ..item.clone()
                },
            )),
            Status::Cooling => Err(Invalid::new(
                "status",
                "is already Cooling; extend it instead",
            )),
            _ => Err(Invalid::new("status", not("Used or Available"))),
        },
        NumberAction::Extend { days } => match (item.status, item.release_date) {
            (Status::Cooling, Some(d)) => Ok((
                ChangeKind::Extended,
                InventoryItem {
                    release_date: Some(
                        release_after(d, *days).ok_or_else(|| past_the_calendar(d))?,
                    ),
                    tag: extended_tag(&item.tag, *days),
                    ..item.clone()
                },
            )),
            (Status::Cooling, None) => {
                Err(Invalid::new("status", "is Cooling with no release date"))
            }
            _ => Err(Invalid::new("status", not("Cooling"))),
        },
        NumberAction::Reserve => match item.status {
            Status::Available => Ok((
                ChangeKind::Reserved,
                InventoryItem {
                    status: Status::Reserved,
                    ..item.clone()
                },
            )),
            _ => Err(Invalid::new("status", not("Available"))),
        },
        NumberAction::Unreserve => match item.status {
            Status::Reserved => Ok((
                ChangeKind::Unreserved,
                InventoryItem {
                    status: Status::Available,
                    ..item.clone()
                },
            )),
            _ => Err(Invalid::new("status", not("Reserved"))),
        },
        NumberAction::Tag { text } => Ok((
            ChangeKind::Tagged,
            InventoryItem {
                tag: text.trim().to_string(),
                ..item.clone()
            },
        )),
    }
}

/// Every number from `from` to `to` inclusive, in canonical form. Both ends
/// must have the same form and length (`+4930100` to `+4930199`), and the
/// range holds at most [`MAX_RANGE`] numbers.
pub fn number_range(from: &str, to: &str) -> Result<Vec<String>, Invalid> {
    let (a, b) = (canonical(from)?, canonical(to)?);
    let plus = a.starts_with('+');
    if plus != b.starts_with('+') || a.len() != b.len() {
        return Err(Invalid::new(
            "range",
            format!("{a} and {b} must have the same form and number of digits"),
        ));
    }
    let digits = |s: &str| s.trim_start_matches('+').parse::<u64>().unwrap_or(0);
    let (lo, hi) = (digits(&a), digits(&b));
    if lo > hi {
        return Err(Invalid::new(
            "range",
            format!("{a} comes after {b}; give the lower number first"),
        ));
    }
    let count = hi - lo + 1;
    if count > MAX_RANGE {
        return Err(Invalid::new(
            "range",
            format!("{a} to {b} is {count} numbers; add at most {MAX_RANGE} at once"),
        ));
    }
    let width = a.len() - usize::from(plus);
    let prefix = if plus { "+" } else { "" };
    Ok((lo..=hi).map(|n| format!("{prefix}{n:0width$}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(n: &str, status: Status) -> InventoryItem {
        InventoryItem {
            status,
            ..InventoryItem::available(n)
        }
    }

    #[test]
    fn cooling_by_hand_and_extending_it() {
        let today = d("2026-11-22");
        let (t, refused) = apply(
            &NumberAction::Cool { days: 5 },
            &[
                item("+1555001", Status::Used),
                item("+1555002", Status::Reserved),
            ],
            today,
            "ops",
        );
        assert_eq!(refused.len(), 1, "Reserved is not cooled");
        assert_eq!(t[0].after.release_date, Some(d("2026-11-27")));
        assert_eq!(
            t[0].after.tag,
            "Cooling applied by ops, release date 2026-11-22 + 5 days"
        );
        let (t, _) = apply(
            &NumberAction::Extend { days: 3 },
            &[t[0].after.clone()],
            today,
            "ops",
        );
        assert_eq!(t[0].after.release_date, Some(d("2026-11-30")));
        assert!(
            t[0].after.tag.ends_with("2026-11-22 + 8 days"),
            "{}",
            t[0].after.tag
        );
        assert_eq!(t[0].kind, ChangeKind::Extended);
    }

    #[test]
    fn release_reserve_and_tag_rules() {
        let today = d("2026-11-22");
        let cooling = InventoryItem {
            status: Status::Cooling,
            vendor: "AudioCodes".into(),
            tag: "x".into(),
            release_date: Some(d("2026-11-24")),
            ..InventoryItem::available("+1555003")
        };
        let (t, _) = apply(
            &NumberAction::Release,
            std::slice::from_ref(&cooling),
            today,
            "ops",
        );
        assert_eq!(t[0].after, InventoryItem::available("+1555003"));
        let (_, refused) = apply(&NumberAction::Reserve, &[cooling], today, "ops");
        assert_eq!(refused[0].reason, "is Cooling, not Available");
        let (t, _) = apply(
            &NumberAction::Reserve,
            &[item("+1555004", Status::Available)],
            today,
            "ops",
        );
        assert_eq!(t[0].after.status, Status::Reserved);
        let (t, _) = apply(
            &NumberAction::Unreserve,
            &[t[0].after.clone()],
            today,
            "ops",
        );
        assert_eq!(t[0].after.status, Status::Available);
        assert!(NumberAction::Tag {
            text: "a\nb".into()
        }
        .validate()
        .is_err());
        assert!(NumberAction::Cool { days: 0 }.validate().is_err());
        assert!(NumberAction::Cool { days: 1000 }.validate().is_err());
        assert_eq!(parse_days(" 999 "), Ok(999));
    }

    #[test]
    fn extending_to_the_end_of_the_calendar_is_refused_not_a_panic() {
        let far = InventoryItem {
            release_date: Some(d("9999-12-30")),
            tag: "by hand + 4294967295 days".into(),
            ..item("+1555001", Status::Cooling)
        };
        let (t, refused) = apply(
            &NumberAction::Extend { days: 999 },
            std::slice::from_ref(&far),
            d("2026-11-22"),
            "ops",
        );
        assert!(t.is_empty());
        assert!(
            refused[0].reason.contains("past 9999-12-31"),
            "{}",
            refused[0].reason
        );
        let near = InventoryItem {
            release_date: Some(d("2026-12-01")),
            ..far
        };
        let (t, _) = apply(
            &NumberAction::Extend { days: 1 },
            &[near],
            d("2026-11-22"),
            "ops",
        );
        assert_eq!(t[0].after.tag, "by hand + 4294967296 days");
        let (_, refused) = apply(
            &NumberAction::Cool { days: 999 },
            &[item("+1555002", Status::Used)],
            NaiveDate::MAX,
            "ops",
        );
        assert_eq!(refused.len(), 1);
    }

    #[test]
    fn ranges() {
        let r = number_range("+4930100098", "+4930100102").unwrap();
        assert_eq!(r.len(), 5);
        assert_eq!(r[2], "+4930100100");
        assert_eq!(number_range("0100", "0102").unwrap()[0], "0100");
        assert!(
            number_range("+4930100", "+49301000").is_err(),
            "lengths differ"
        );
        assert!(number_range("+4930199", "+4930100").is_err(), "reversed");
        assert!(
            number_range("+49300000000", "+49300100000").is_err(),
            "100,001"
        );
        assert_eq!(
            number_range("+49300000000", "+49300099999").unwrap().len(),
            100_000
        );
    }
}
