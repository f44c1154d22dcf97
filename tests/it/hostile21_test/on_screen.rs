//! After a re-sync that rewrote a hand-edited row, cooled a number gone
//! from the list and reported a conflict, the dashboard's Numbers tab at
//! 80x24 in tmux shows every row with the status the store holds.

use super::*;
use common::tmux::TmuxPane;

fn number(i: usize) -> String {
    format!("+1555700{i:04}")
}

#[test]
fn the_numbers_tab_shows_the_re_synced_rows() {
    let user_of = |i: usize| user(&format!("u{i}"), &number(i), "2026-11-30T09:00:00Z");
    let users = Users::new((1..=8).map(user_of).collect());
    let server = arm(users.clone());
    let (_dir, config, store) = common::lab_at(&server.addr, 3, "");
    sync_ok(&config, NOW);
    edit(
        &store,
        &format!(
            "UPDATE numbers SET usage = 'Other' WHERE number = '{}';
             UPDATE numbers SET status = 'Reserved', vendor = '' WHERE number = '{}';",
            number(2),
            number(4)
        ),
    );
    *users.0.lock().unwrap() = [1, 2, 3, 4, 5, 7, 8].into_iter().map(user_of).collect();
    let log = sync_ok(&config, LATER);
    assert!(
        log.contains("cooled 1") && log.contains("conflicts 1"),
        "{log}"
    );
    let want: Vec<(String, String)> = numbers(&store)
        .into_iter()
        .map(|(n, row)| (n, row[0].clone().unwrap_or_default()))
        .collect();
    assert_eq!(want[5].1, "Cooling");
    assert_eq!(want[3].1, "Reserved");

    let command = format!(
        "sh -c 'SWITCHBOARD_NOW={LATER} {} --config {}; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("h21screen", &command, (80, 24)) else {
        return;
    };
    pane.keys("2");
    let screen = pane.wait_until("all eight rows shown", |s| {
        want.iter().all(|(n, _)| s.contains(n.as_str()))
    });
    for (n, status) in &want {
        let line = screen
            .lines()
            .find(|l| l.contains(n.as_str()))
            .unwrap_or_default();
        assert!(line.contains(status.as_str()), "{n} is {status}:\n{screen}");
        // The usage edited by hand is the sync's again.
        assert!(line.contains("Device"), "{n}:\n{screen}");
    }
    // The status counts (number_counts) after the re-sync.
    assert!(
        screen.contains("Used 6  Cooling 1  Available 0  Reserved 1"),
        "{screen}"
    );
}
