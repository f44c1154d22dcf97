//! The tag sort's two stretches on screen, at 80x24 in tmux: tags empty,
//! led by spaces, punctuation, letters; walked with PgDn from the top and PgUp from
//! the end, both directions. Every screenful is a run of the order
//! spelled out here (tag, then number).

use crate::common;
use common::tmux::TmuxPane;
use common::*;

const ROWS: usize = 45;

fn number(i: usize) -> String {
    format!("+1555000{:04}", 100 + i)
}

/// The tag of row `i`: a third empty, the rest near the seam or letters.
fn tag(i: usize) -> &'static str {
    ["", "b", " x", "", "a", "  z", "", "!", "a"][i % 9]
}

/// The numbers on the screen, top to bottom.
fn shown(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter_map(|l| l.split_whitespace().find(|w| w.starts_with("+1555000")))
        .map(|w| {
            w.trim_matches(|c: char| c != '+' && !c.is_ascii_digit())
                .to_string()
        })
        .collect()
}

fn assert_a_run(screen: &str, order: &[String]) {
    let got = shown(screen);
    assert!(got.len() >= 10, "too few rows:\n{screen}");
    let at = order
        .iter()
        .position(|n| *n == got[0])
        .unwrap_or_else(|| panic!("{} not listed:\n{screen}", got[0]));
    assert_eq!(
        got,
        order[at..at + got.len()],
        "not a run of the order:\n{screen}"
    );
}

#[test]
fn the_tag_sort_reads_across_the_seam_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s.db");
    let config = write_config(dir.path(), &config_head(&store, 5));
    let out = run(
        &config,
        &["numbers", "add-range", &number(0), &number(ROWS - 1)],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    for i in 0..ROWS {
        if !tag(i).is_empty() {
            let out = run(&config, &["numbers", "tag", &number(i), tag(i)]);
            assert!(out.status.success(), "{}", text(&out).1);
        }
    }
    // As stored (a tag may be trimmed on the way in): tag, then number.
    let mut order: Vec<(String, String)> = inventory(&config, "2026-11-30T10:00:00Z")
        .iter()
        .map(|r| {
            (
                r["tag"].as_str().unwrap_or("").to_string(),
                r["number"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    order.sort();
    let up: Vec<String> = order.into_iter().map(|(_, n)| n).collect();
    let down: Vec<String> = up.iter().rev().cloned().collect();

    let command = format!(
        "sh -c '{} --config {}; sleep 60'",
        env!("CARGO_BIN_EXE_switchboard"),
        config.display()
    );
    let Some(pane) = TmuxPane::start("h20sort", &command, (80, 24)) else {
        return;
    };
    pane.keys("2");
    pane.wait_for(&format!("of {ROWS}"));
    for _ in 0..12 {
        if pane.screen().contains("sort: tag") {
            break;
        }
        pane.keys("s");
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    pane.wait_for("sort: tag ↑");
    for (order, first) in [(&up, "g"), (&down, "S")] {
        pane.keys(first);
        let top = pane.wait_until("at the top", |s| shown(s).first() == order.first());
        assert_a_run(&top, order);
        for _ in 0..3 {
            pane.keys("PageDown");
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert_a_run(&pane.screen(), order);
        }
        pane.keys("G");
        let end = pane.wait_until("at the end", |s| shown(s).last() == order.last());
        assert_a_run(&end, order);
        for _ in 0..3 {
            pane.keys("PageUp");
            std::thread::sleep(std::time::Duration::from_millis(200));
            assert_a_run(&pane.screen(), order);
        }
        pane.keys("g");
    }
}
