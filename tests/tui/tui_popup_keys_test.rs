//! The popups take their keys from the keymap: a user file rebinds a
//! confirmation's keys and the popup both shows and obeys them; a letter
//! typed into the palette is text, not the global binding it has elsewhere.

use crate::tui_common;
use tui_common::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::domain::actions::NumberAction;
use switchboard::domain::job::JobKind;
use switchboard::domain::number::Status;
use switchboard::tui::action::Action;
use switchboard::tui::app::Command;
use switchboard::tui::keymap::Keymap;

/// The Numbers tab with one Cooling number under the cursor.
fn one_cooling_number() -> switchboard::tui::app::App {
    let mut app = app();
    app.update(Action::Tab2);
    app.on_data(numbers_page(
        vec![item("+15551230001", Status::Cooling, "AudioCodes")],
        vec![],
    ));
    app
}

fn release_one() -> Vec<Command> {
    vec![Command::Submit(JobKind::EditNumbers {
        numbers: vec!["+15551230001".into()],
        action: NumberAction::Release,
    })]
}

#[test]
fn a_rebound_confirmation_shows_and_takes_the_users_keys() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keys.toml");
    std::fs::write(
        &file,
        "[confirm]\n\"a\" = \"confirm\"\n\"y\" = \"escape\"\n",
    )
    .unwrap();
    let mut app = one_cooling_number();
    app.keymap = Keymap::load(Some(&file)).unwrap();

    key(&mut app, KeyCode::Char('R')); // release one number: asks first
    let screen = render(&app);
    assert!(screen.contains("[a] apply   [n] cancel"), "{screen}");
    key(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none(), "y cancels now");
    assert_eq!(
        app.toasts.last().map(|t| t.text.as_str()),
        Some("cancelled; nothing was applied")
    );

    key(&mut app, KeyCode::Char('R'));
    let commands = app.on_key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
    assert_eq!(commands, release_one());
}

#[test]
fn the_default_confirmation_ignores_keys_it_does_not_bind() {
    let mut app = one_cooling_number();
    key(&mut app, KeyCode::Char('R'));
    assert!(render(&app).contains("[y] apply   [n] cancel"));
    // Ctrl-c quits elsewhere; a confirmation waits for its own answer.
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    key(&mut app, KeyCode::Char('j'));
    assert!(app.overlay.is_some() && !app.quit);
    key(&mut app, KeyCode::Char('q'));
    assert!(app.overlay.is_none() && !app.quit, "q answers no here");
    key(&mut app, KeyCode::Char('R'));
    assert_eq!(
        app.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE)),
        release_one()
    );
}

#[test]
fn a_letter_typed_into_the_palette_is_text() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "go jobs"); // j is `down` elsewhere
    assert!(render(&app).contains(":go jobs"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.current().section(), "jobs");

    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "quit");
    assert!(!app.quit, "q is typed, not the global quit");
    assert!(render(&app).contains(":quit"));
    key(&mut app, KeyCode::Enter);
    assert!(app.quit, "the palette's quit entry runs");
}
