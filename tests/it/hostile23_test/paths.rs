//! One hostile list synced into an empty store (the bulk path: numbers
//! through `Batch`'s kept statement bound in place, cached users 400 rows
//! per `INSERT`) and into a store already holding one row of the same
//! connection (the ordinary path: per-row writes, cached users upserted).
//! Every value written must be the value synced, the same both ways.

use super::*;

/// 1,200 users numbered +1555…, with hostile texts sprinkled in: a 100 KB
/// name, empty names, NUL bytes, combining marks, U+FFFF, quotes and
/// backslashes; every 97th user has no number; ids `u0399`, `u0400` and
/// `u0401` (sorted positions 399-401, across the first 400-row INSERT's
/// end) hold a second number each (cached as `u0399#2`, ...) and users
/// `u0399#2`, ... come later in the list: the last of an id is cached.
pub(super) fn hostile_estate() -> Vec<String> {
    let long = format!("{}\u{301}", "é".repeat(50_000));
    let odd = [
        String::new(),
        "nul\u{0}inside".to_string(),
        "e\u{301}\u{301}\u{20dd}".to_string(),
        "\u{ffff}\u{fffe}\u{10ffff}".to_string(),
        "quote\" single' back\\slash %_".to_string(),
        long,
    ];
    let mut users: Vec<String> = (0..1200)
        .map(|i| {
            let id = format!("u{i:04}");
            let pick = |k: usize| odd[(i + k) % odd.len()].clone();
            let mut u = json!({
                "id": id,
                "status": if i % 5 == 0 { "OFFLINE" } else { "REGISTERED" },
                "userName": if i % 7 == 0 { pick(0) } else { format!("name-{id}") },
                "displayName": if i % 11 == 0 { pick(1) } else { String::new() },
                "sbc": if i % 13 == 0 { pick(2) } else { "sbc-1".to_string() },
                "lastSeen": "2026-11-30T09:00:00Z",
            });
            if i % 97 != 3 {
                u["phoneNumber"] = json!(format!("+1555{i:07}"));
            }
            u.to_string()
        })
        .collect();
    // A user holding two numbers is cached as `id` and `id#2`; a user
    // whose own id is `id#2`, sent later, repeats that id (ids repeated
    // as ids fail the list: the ARM would be ignoring the offset).
    for i in [399, 400, 401] {
        let mut u: serde_json::Value = serde_json::from_str(&users[i]).unwrap();
        u["more"] = json!([format!("+1666{i:07}")]);
        users[i] = u.to_string();
        users.push(user(&format!("u{i:04}#2"), &format!("+1777{i:07}")));
    }
    users
}

/// Numbers are read from `phoneNumber` and from the array `more`.
pub(super) const MORE: &str = r#"number_fields = ["/phoneNumber", "/more"]"#;

/// The store's numbers (own columns) and cached users, without `skip`'s
/// rows.
fn estate(store: &Path, skip: &str) -> (Vec<String>, Vec<String>) {
    let numbers = rows(store, NUMBER_COLUMNS);
    let users = rows(store, "SELECT * FROM registered_users");
    let keep = |v: Vec<String>| v.into_iter().filter(|r| !r.contains(skip)).collect();
    (keep(numbers), keep(users))
}

#[test]
fn a_hostile_list_written_in_bulk_is_the_list_written_row_by_row() {
    let users = hostile_estate();

    // Bulk: an empty store.
    let server = arm(RawUsers::new(users.clone()));
    let (_dir, config, store) = common::lab_at(&server.addr, 500, MORE);
    let (ok, bulk_log) = sync(&config, NOW);
    assert!(ok, "{bulk_log}");

    // Ordinary: the same connection synced once before with one user.
    let pre = RawUsers::new(vec![user("pre", "+19990000001")]);
    let server2 = arm(pre.clone());
    let (_dir2, config2, store2) = common::lab_at(&server2.addr, 500, MORE);
    let (ok, log) = sync(&config2, NOW);
    assert!(ok, "{log}");
    pre.set(users.clone());
    let (ok, ordinary_log) = sync(&config2, NOW);
    assert!(ok, "{ordinary_log}");

    let (numbers, cached) = estate(&store, "+19990000001");
    let (numbers2, cached2) = estate(&store2, "+19990000001");
    let cached2: Vec<String> = cached2
        .into_iter()
        .filter(|r| !r.contains("\"pre\""))
        .collect();
    assert!(numbers.len() > 900, "{}", numbers.len());
    assert_eq!(numbers.len(), numbers2.len());
    for (a, b) in numbers.iter().zip(&numbers2) {
        assert_eq!(
            a, b,
            "a number row differs between the bulk and the ordinary write"
        );
    }
    assert_eq!(cached.len(), cached2.len());
    for (a, b) in cached.iter().zip(&cached2) {
        assert_eq!(
            a, b,
            "a cached user differs between the bulk and the ordinary write"
        );
    }

    // Each repeated id keeps its last user; the 100 KB name arrives whole.
    for i in [399, 400, 401] {
        let id = format!("\"u{i:04}#2\"");
        let mine: Vec<&String> = cached.iter().filter(|r| r.contains(&id)).collect();
        assert_eq!(mine.len(), 1, "{mine:?}");
        assert!(mine[0].contains(&format!("+1777{i:07}")), "{mine:?}");
    }
    let longest = rows(
        &store,
        "SELECT max(length(user_name)), max(length(CAST(user_name AS BLOB))) FROM registered_users",
    );
    assert_eq!(longest, vec!["Integer(50001)|Integer(100002)".to_string()]);
    // Every cached user's texts are the texts sent (the last user of an
    // id): both writes bind through `no_copy`, so they are checked
    // against the list too, not only against each other.
    let sent: std::collections::HashMap<String, serde_json::Value> = users
        .iter()
        .map(|u| {
            let v: serde_json::Value = serde_json::from_str(u).unwrap();
            (v["id"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let conn = rusqlite::Connection::open(&store).unwrap();
    let mut stmt = conn
        .prepare("SELECT user_id, user_name, display_name, sbc FROM registered_users")
        .unwrap();
    let cached_texts: Vec<[String; 4]> = stmt
        .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(cached_texts.len(), 1200 + 3);
    for [id, name, display, sbc] in &cached_texts {
        let u = &sent[id];
        let field = |k: &str| u[k].as_str().unwrap_or("").to_string();
        assert_eq!(name, &field("userName"), "{id}'s user name");
        assert_eq!(display, &field("displayName"), "{id}'s display name");
        assert_eq!(sbc, &field("sbc"), "{id}'s sbc");
    }
    let nul = rows(
        &store,
        "SELECT count(*) FROM registered_users WHERE instr(CAST(display_name AS BLOB), x'6e756c00696e73696465') > 0",
    );
    assert_ne!(
        nul,
        vec!["Integer(0)".to_string()],
        "a NUL cut a text short"
    );
}

/// User "1" holding two numbers (cached as "1" and "1#2") next to a user
/// whose own id is "1#2": one cached "1#2" (the last in the list), and
/// every number of both users is Used; the same in the bulk write (the
/// 1,200-user list above has three such pairs).
#[test]
fn a_two_number_user_next_to_its_lookalike_id() {
    let mut two: serde_json::Value = serde_json::from_str(&user("1", "+17770000001")).unwrap();
    two["more"] = json!(["+17770000002"]);
    let users = vec![two.to_string(), user("1#2", "+17770000003")];
    let server = arm(RawUsers::new(users));
    let (_dir, config, store) = common::lab_at(&server.addr, 10, MORE);
    let (ok, log) = sync(&config, NOW);
    assert!(ok, "{log}");
    let cached = rows(&store, "SELECT user_id, number FROM registered_users");
    let used = rows(
        &store,
        "SELECT number, status, registered_user FROM numbers",
    );
    // Known older collision, pinned: the second number's cached row
    // ("1#2") is replaced by the other user's, yet all three numbers are
    // Used, each by its own user, as the report says; re-syncs agree.
    assert_eq!(
        cached,
        vec![
            "\"1\"|\"+17770000001\"".to_string(),
            "\"1#2\"|\"+17770000003\"".to_string()
        ]
    );
    assert_eq!(
        used,
        vec![
            "\"+17770000001\"|\"Used\"|\"name-1\"".to_string(),
            "\"+17770000002\"|\"Used\"|\"name-1\"".to_string(),
            "\"+17770000003\"|\"Used\"|\"name-1#2\"".to_string()
        ]
    );
    assert!(log.contains("added 3, restored 0, cooled 0"), "{log}");
    let before = common::store_dump(&store);
    let (ok, again) = sync(&config, LATER);
    assert!(ok, "{again}");
    assert!(
        again.contains("added 0, restored 0, cooled 0, released 0, unchanged 3"),
        "{again}"
    );
    common::assert_same_store(&before, &common::store_dump(&store), "a re-sync");
}
