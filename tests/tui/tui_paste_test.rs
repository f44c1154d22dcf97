//! A paste is text for the focused input, never keys: in a filter, the
//! palette or a form field it is typed (controls dropped); with no input
//! focused it is dropped, so a pasted `r` syncs nothing and `q` quits
//! nothing.

use crate::tui_common;
use tui_common::*;

use crossterm::event::KeyCode;
use switchboard::tui::action::Action;
use switchboard::tui::app::{Command, Overlay};

fn no_job(commands: &[Command]) {
    assert!(
        commands.iter().all(|c| matches!(c, Command::Load(_))),
        "a paste asked for more than reads: {commands:?}"
    );
}

#[test]
fn with_no_input_focused_a_paste_runs_nothing() {
    let mut app = app();
    let commands = app.on_paste("rq\rD");
    assert!(commands.is_empty(), "{commands:?}");
    assert!(!app.quit, "a pasted q quit");
    assert!(app.overlay.is_none(), "a pasted D opened something");
    assert!(render(&app).contains("paste ignored"), "{}", render(&app));
}

#[test]
fn a_paste_into_the_numbers_filter_is_its_text() {
    let mut app = app();
    app.update(Action::Tab2);
    app.update(Action::Filter);
    let commands = app.on_paste("rq/\r\n");
    no_job(&commands);
    assert!(!app.quit);
    let screen = render(&app);
    assert!(screen.contains("filter: rq/▏"), "{screen}");
}

#[test]
fn a_paste_into_the_palette_is_its_query() {
    let mut app = app();
    app.update(Action::Palette);
    no_job(&app.on_paste("numb\u{1b}[2J"));
    match &app.overlay {
        Some(Overlay::Palette { input, .. }) => assert_eq!(input.value(), "numb[2J"),
        other => panic!("the palette closed: {other:?}"),
    }
}

#[test]
fn a_paste_into_a_form_field_is_its_text_and_submits_nothing() {
    let mut app = app();
    key(&mut app, KeyCode::Char('n'));
    // The vendor is a choice, not text: the paste is dropped.
    no_job(&app.on_paste("axp"));
    key(&mut app, KeyCode::Tab);
    // Enter in the paste would submit the form if it were a key.
    no_job(&app.on_paste("arm-\tnew\r\n"));
    match &app.overlay {
        Some(Overlay::Form { form, .. }) => {
            assert_eq!(form.fields[0].input.value(), "audiocodes");
            assert_eq!(form.fields[form.focus].input.value(), "arm-new");
        }
        other => panic!("the form closed: {other:?}"),
    }
}
