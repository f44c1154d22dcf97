//! Messages, help and palette at 80×24 (issue 17): toasts stay off the
//! selected row and at most two show, identical ones merge, errors stay
//! until dismissed, the message log keeps them all with their time; the
//! help is the open view's, grouped, fits, scrolls and searches; the
//! palette finds the commands with their keys and says "no match".

use crate::tui_common;
use tui_common::*;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;
use switchboard::domain::number::Status;
use switchboard::tui::action::Action;
use switchboard::tui::app::{App, Level};

fn lines(buf: &Buffer) -> Vec<String> {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect()
}

fn screen(app: &App) -> String {
    lines(&draw(app, 80, 24)).join("\n")
}

/// The Numbers tab with 18 numbers, the cursor on the last one.
fn numbers_at_bottom() -> App {
    let mut app = app();
    app.layout(ratatui::layout::Rect::new(0, 0, 80, 24));
    app.update(Action::Tab2);
    let rows = (1..=18)
        .map(|i| item(&format!("+1555123{i:04}"), Status::Available, ""))
        .collect();
    app.on_data(numbers_page(rows, vec![]));
    app.update(Action::Bottom);
    app
}

/// The rows drawn in the selected style (reversed without colour).
fn selected_rows(buf: &Buffer) -> Vec<u16> {
    (0..buf.area.height)
        .filter(|&y| (0..buf.area.width).any(|x| buf[(x, y)].modifier.contains(Modifier::REVERSED)))
        .collect()
}

#[test]
fn toasts_leave_the_selected_row_readable_and_two_at_most_show() {
    let mut app = numbers_at_bottom();
    let before = draw(&app, 80, 24);
    let sel = selected_rows(&before);
    assert!(!sel.is_empty(), "a row is selected");
    let selected_text: Vec<String> = sel
        .iter()
        .map(|&y| lines(&before)[y as usize].clone())
        .collect();
    assert!(
        selected_text.iter().any(|l| l.contains("+15551")),
        "{sel:?} {}",
        lines(&before).join("\n")
    );

    for text in [
        "synced arm-east: 12 added",
        "refreshed lp",
        "authentication failed (HTTP 401 Unauthorized) for axp",
        "refreshed lp",
    ] {
        let level = if text.starts_with("auth") {
            Level::Error
        } else {
            Level::Info
        };
        app.toast(level, text);
    }
    let after = draw(&app, 80, 24);
    let shown = lines(&after);
    for &y in &sel {
        assert_eq!(
            shown[y as usize],
            lines(&before)[y as usize],
            "the selected row is covered:\n{}",
            shown.join("\n")
        );
    }
    let text = shown.join("\n");
    assert_eq!(app.toasts.iter().count(), 2, "two at most");
    assert!(
        text.contains("refreshed lp ×2"),
        "merged with a count:\n{text}"
    );
    assert!(text.contains("authentication failed"), "{text}");
    assert!(
        !text.contains("synced arm-east"),
        "the oldest info gave way"
    );
    // The corner toasts take: at most the body's rows of two small boxes.
    let toast_rows = shown
        .iter()
        .filter(|l| l.contains("refreshed lp") || l.contains("authentication"))
        .count();
    assert!(toast_rows <= 3, "{text}");
}

#[test]
fn an_error_stays_until_dismissed_and_the_log_keeps_everything() {
    let mut app = numbers_at_bottom();
    app.toast(Level::Info, "synced arm-east");
    app.toast(Level::Error, "authentication failed (HTTP 401)");
    let later = std::time::Instant::now() + std::time::Duration::from_secs(600);
    app.expire_toasts(later);
    assert!(screen(&app).contains("authentication failed (HTTP 401)"));
    assert!(!screen(&app).contains("synced arm-east"), "the info faded");
    assert!(screen(&app).contains("X dismisses"), "the key is named");

    key(&mut app, KeyCode::Char('X'));
    assert!(!screen(&app).contains("authentication failed"));

    // The log: every toast with its time, errors marked, newest last.
    key(&mut app, KeyCode::Char('M'));
    let text = screen(&app);
    let info = text.find("19:48:00 info  synced arm-east");
    let error = text.find("19:48:00 ERROR authentication failed (HTTP 401)");
    assert!(info.is_some() && error.is_some(), "{text}");
    assert!(info < error, "newest last:\n{text}");
    key(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // From the palette too.
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "messages");
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("ERROR authentication failed"));
}

#[test]
fn the_log_opens_on_its_newest_lines_and_scrolls() {
    let mut app = numbers_at_bottom();
    for i in 1..=40 {
        app.toast(Level::Info, format!("message number {i}"));
    }
    key(&mut app, KeyCode::Char('M'));
    let text = screen(&app);
    assert!(text.contains("message number 40"), "{text}");
    assert!(!text.contains("message number 1 "), "{text}");
    assert!(text.contains("of 40"), "{text}");
    key(&mut app, KeyCode::Char('g'));
    let text = screen(&app);
    assert!(text.contains("message number 1 "), "{text}");
    assert!(!text.contains("message number 40"), "{text}");
    // Searching narrows it.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "number 3");
    let text = screen(&app);
    assert!(text.contains("message number 33"), "{text}");
    assert!(!text.contains("message number 2 "), "{text}");
}

#[test]
fn help_at_80x24() {
    let mut app = voice_app();
    app.layout(ratatui::layout::Rect::new(0, 0, 80, 24));
    app.update(Action::Help);
    let text = screen(&app);
    insta::assert_snapshot!("voice_help_80x24", text);
    assert!(text.contains("delete the selected AXP item"));
    assert!(!text.contains("fix every finding"));
    assert!(!text.contains("delete the connection"));
}

#[test]
fn help_scrolls_to_its_end_and_searches_with_slash() {
    let mut app = voice_app();
    app.layout(ratatui::layout::Rect::new(0, 0, 80, 24));
    app.update(Action::Help);
    assert!(!screen(&app).contains("ctrl-c q  quit"), "the end is below");
    key(&mut app, KeyCode::Char('G'));
    let text = screen(&app);
    assert!(text.contains("ctrl-c q  quit"), "{text}");
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "delete"); // D would delete on the view
    let text = screen(&app);
    assert!(text.contains("D  delete the selected AXP item"), "{text}");
    assert!(!text.contains("refresh from AXP"), "{text}");
    assert!(text.contains("/delete"), "{text}");
    assert!(app.overlay.is_some());
    key(&mut app, KeyCode::Enter); // the search gives the keys back
    key(&mut app, KeyCode::Esc); // clears the search
    assert!(screen(&app).contains("refresh from AXP"));
    key(&mut app, KeyCode::Esc); // closes
    assert!(app.overlay.is_none());
}

#[test]
fn the_palette_shows_keys_ranks_fuzzily_and_says_no_match() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "purge");
    let text = screen(&app);
    let first = text
        .lines()
        .find(|l| l.contains("purge: forget cached users"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(first.trim_end_matches(['│', ' ']).ends_with('P'), "{first}");
    key(&mut app, KeyCode::Esc);

    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "qqqzz");
    assert!(screen(&app).contains("no match"), "{}", screen(&app));
    key(&mut app, KeyCode::Enter);
    assert!(
        app.overlay.is_none() && !app.quit,
        "Enter on no match does nothing"
    );

    // Services and leads from the Connections tab: runs on their tab.
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "leads");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current().section(), "profiles");
}

#[test]
fn a_long_message_is_whole_in_the_log() {
    let mut app = numbers_at_bottom();
    let long = "arm-east: GET /ARM/v1/registeredUsers: authentication failed \
                (HTTP 401: Unauthorized; wrong username or password); the sync \
                stopped before any change and nothing was written to the store";
    app.toast(Level::Error, long);
    assert!(
        !screen(&app).contains("nothing was written to the store"),
        "cut on the toast"
    );
    key(&mut app, KeyCode::Char('M'));
    let text = screen(&app);
    let words: String = text
        .lines()
        .filter(|l| l.starts_with('│'))
        .map(|l| l.trim_matches(|c| c == '│' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ");
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(long), "{text}");
}
