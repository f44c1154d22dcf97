//! The compact rows are read ahead while the later pages are fetched.
//! Another program that edits one field of a Used row meanwhile (after the
//! read ahead, before the sync's write lock) must find its edit planned
//! against: the in-place compare must see the edited row, not the row
//! read ahead, and rewrite it.

use super::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn number(i: usize) -> String {
    format!("+1555600{i:04}")
}

#[test]
fn a_field_edited_during_the_fetch_is_planned_against() {
    let users: Vec<Value> = (1..=6)
        .map(|i| user(&format!("u{i}"), &number(i), "2026-11-30T09:00:00Z"))
        .collect();
    let all = Users::new(users);
    let held = Arc::new(AtomicBool::new(false));
    let asked_second = Arc::new(AtomicBool::new(false));
    let (h, s, list) = (held.clone(), asked_second.clone(), all.clone());
    let server = HostileServer::start(move |req: &Seen| {
        if req.path() != USERS_PATH {
            return Reply::not_found();
        }
        let (offset, limit) = req.offset_limit();
        if offset > 0 {
            s.store(true, Ordering::SeqCst);
            let until = Instant::now() + Duration::from_secs(4);
            while h.load(Ordering::SeqCst) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        let users = list.0.lock().unwrap().clone();
        let page: Vec<Value> = users.iter().skip(offset).take(limit).cloned().collect();
        Reply::json(json!({"total": users.len(), "users": page}))
    });
    let (_dir, config, store) = common::lab_at(&server.addr, 2, "");
    sync_ok(&config, NOW);
    let first = numbers(&store);

    held.store(true, Ordering::SeqCst);
    let cfg = config.clone();
    let sync = std::thread::spawn(move || common::sync_lab_at(&cfg, LATER));
    let until = Instant::now() + Duration::from_secs(10);
    while !asked_second.load(Ordering::SeqCst) && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let the read ahead finish (six rows), then edit as another program.
    std::thread::sleep(Duration::from_millis(300));
    edit(
        &store,
        &format!(
            "UPDATE numbers SET usage = 'Other' WHERE number = '{}';
             UPDATE numbers SET last_seen = '2026-11-30T09:00:01Z' WHERE number = '{}';
             UPDATE numbers SET registered_user = 'u99' WHERE number = '{}';",
            number(2),
            number(4),
            number(6)
        ),
    );
    held.store(false, Ordering::SeqCst);
    let (out, o, e) = sync.join().unwrap();
    assert!(out.status.success(), "{o}\n{e}");
    let after = numbers(&store);
    for i in [2, 4, 6] {
        let n = number(i);
        assert_eq!(after[&n][..8], first[&n][..8], "{n} kept its edit\n{o}{e}");
        assert_eq!(after[&n][8].as_deref(), Some(LATER), "{n}");
    }
    for i in [1, 3, 5] {
        let n = number(i);
        assert_eq!(after[&n], first[&n], "{n}");
    }
}
