//! A synthetic inventory of any size, the same on every run, for the
//! benchmark and the large-data tests: every status, tags, users, cooling
//! release dates around `today`, and empty fields where VOSS leaves them.

use crate::domain::cooling::cooling_tag;
use crate::domain::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// Row `i` of `count`: numbers count up from `+1` `first` (11 digits).
pub fn synthetic_number(first: u64, i: u64) -> String {
    format!("+{}", first + i)
}

/// The `i`th synthetic row. About 1 in 20 cools, 1 in 100 is Reserved,
/// a third is Used by one of four connections, the rest is Available.
pub fn synthetic_item(first: u64, i: u64, today: NaiveDate, seen: DateTime<Utc>) -> InventoryItem {
    let number = synthetic_number(first, i);
    let mix = (i.wrapping_mul(2_654_435_761)) % 100;
    let connection = format!("arm-{}", i % 4);
    match mix {
        0 => InventoryItem {
            status: Status::Reserved,
            tag: format!("held for customer {}", i % 37),
            ..InventoryItem::available(number)
        },
        1..=5 => {
            let began = today - Days::new(i % 2);
            InventoryItem {
                status: Status::Cooling,
                usage: USAGE_DEVICE.into(),
                vendor: VENDOR_AUDIOCODES.into(),
                tag: cooling_tag(began, 2),
                release_date: began.checked_add_days(Days::new(2)),
                connection: Some(connection),
                registered_user: Some(format!("user-{i:07}@example.com")),
                last_seen: Some(seen),
                ..InventoryItem::available(number)
            }
        }
        6..=38 => InventoryItem {
            status: Status::Used,
            usage: USAGE_DEVICE.into(),
            vendor: VENDOR_AUDIOCODES.into(),
            connection: Some(connection),
            registered_user: Some(format!("user-{i:07}@example.com")),
            last_seen: Some(
                seen - chrono::Duration::minutes(
                    i64::try_from(i % 1440).expect("a day's minutes fit i64"),
                ),
            ),
            ..InventoryItem::available(number)
        },
        _ => InventoryItem::available(number),
    }
}
