//! Issue 17, readability: `switchboard demo` in a real 80×24 terminal
//! (tmux), every tab visited; numbers, connection names, profile names and
//! job targets are whole wherever they show (a column gives way entirely
//! rather than cutting one).

use crate::common;
use common::tmux::TmuxPane;
use std::time::{Duration, Instant};

const CONNECTIONS: [&str; 4] = ["arm-east", "arm-west", "lp-demo", "axp-demo"];

/// The words of a screen, without the box drawing around them.
fn words(screen: &str) -> Vec<&str> {
    screen
        .split(|c: char| c.is_whitespace() || "│┌┐└┘─".contains(c))
        .map(|w| w.trim_end_matches([':', ',', ';', ')']))
        .map(|w| w.trim_start_matches('('))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every E.164 number, connection name and calling profile name on
/// `screen` is whole.
fn assert_whole(screen: &str, tab: &str) {
    for w in words(screen) {
        // ("+1 more" in the status bar is a count, not a number.)
        let number = w
            .strip_prefix('+')
            .filter(|d| d.len() >= 4 && d.starts_with(|c: char| c.is_ascii_digit()));
        if let Some(digits) = number {
            assert!(
                digits.len() >= 11 && digits.chars().all(|c| c.is_ascii_digit()),
                "{tab}: number cut: {w:?}\n{screen}"
            );
        }
        if ["arm-", "lp-", "axp-"].iter().any(|p| w.starts_with(p)) {
            assert!(
                CONNECTIONS.contains(&w),
                "{tab}: connection name cut: {w:?}\n{screen}"
            );
        }
        if w.starts_with("PROD_") {
            let whole = w.ends_with("AC_EMEA")
                || w.ends_with("AC_EMEA_Call_Conf")
                || w.rsplit('_')
                    .next()
                    .is_some_and(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_digit()));
            assert!(whole, "{tab}: profile name cut: {w:?}\n{screen}");
        }
    }
}

#[test]
fn demo_at_80x24_shows_whole_numbers_and_names_on_every_tab() {
    let command = format!(
        "sh -c '{} demo; echo EXIT=$?; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard")
    );
    let Some(pane) = TmuxPane::start("layout80", &command, (80, 24)) else {
        return;
    };
    pane.wait_for("Connections (4)");
    // The demo's syncs and refreshes run in the dashboard: every tab full.
    pane.wait_for("idle");
    // And their toasts gone (they are drawn over the rows).
    let began = Instant::now();
    let screen = loop {
        let screen = pane.screen();
        let toasts = ["added 2300,", "calling profiles,", "voice elements in"];
        if !toasts.iter().any(|t| screen.contains(t)) {
            break screen;
        }
        assert!(began.elapsed() < Duration::from_secs(30), "{screen}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_whole(&screen, "Connections");
    for name in CONNECTIONS {
        assert!(screen.contains(name), "{name}:\n{screen}");
    }

    // (key, what the tab shows once loaded, what must be on it whole)
    let tabs: [(&str, &str, &[&str]); 5] = [
        ("2", "Numbers 1 of", &["arm-east"]),
        (
            "3",
            "Calling profiles 8/8",
            &["PROD_AudioCodesRD_Calling_AC_EMEA"],
        ),
        ("S", "Services (", &["Cust001"]),
        ("4", "ACO elements (", &["Avaya Cloud Office 1"]),
        (
            "5",
            "Jobs (",
            &["arm-east", "arm-west", "lp-demo", "axp-demo"],
        ),
    ];
    for (key, loaded, shown) in tabs {
        pane.keys(key);
        let screen = pane.wait_for(loaded);
        // Let the rows of the tab arrive after its title.
        std::thread::sleep(Duration::from_millis(300));
        let screen = if key == "2" {
            pane.wait_for("+1212")
        } else {
            let _ = screen;
            pane.screen()
        };
        assert_whole(&screen, loaded);
        for s in shown {
            assert!(screen.contains(s), "{loaded}: {s}:\n{screen}");
        }
        if key == "2" {
            // A whole E.164 number of the demo's first ARM.
            assert!(screen.contains("+12125550000"), "{screen}");
        }
        if key == "4" {
            // The items pane: its names whole, with the focus on it.
            pane.keys("l");
            std::thread::sleep(Duration::from_millis(300));
            assert_whole(&pane.screen(), "Voice items");
        }
    }

    // Leave the way an operator does (the demo removes its files).
    pane.keys("q");
    let began = Instant::now();
    while !pane.screen().contains("EXIT=") && began.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
    }
}
