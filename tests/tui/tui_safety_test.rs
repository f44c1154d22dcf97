//! No write by accident (issue 17): `/` is a filter on every list and the
//! letters typed after it are text; Enter never applies a destructive
//! confirmation; a name or a count is typed for the big ones; quitting
//! with a job running or a changed form asks, and the default is to stay.

use crate::tui_common;
use tui_common::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::domain::actions::NumberAction;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::domain::number::Status;
use switchboard::store::jobs::JobRecord;
use switchboard::tui::action::Action;
use switchboard::tui::app::{App, Command, Overlay};
use switchboard::tui::data::Data;
use switchboard::worker::{JobError, JobEvent, JobOutcome};

/// Every key that runs a command somewhere, and more.
const LETTERS: &str = "arm rtpPDnecsSRxvVaiEFyq?:12345jkgGhl";

/// The frame on a `width`×`height` terminal, as text.
fn screen(app: &App, width: u16, height: u16) -> String {
    let buf = draw(app, width, height);
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn writes(commands: &[Command]) -> Vec<&Command> {
    commands
        .iter()
        .filter(|c| !matches!(c, Command::Load(_)))
        .collect()
}

fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn typed(app: &mut App, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

fn numbers(app: &mut App, count: usize) {
    app.update(Action::Tab2);
    let rows = (1..=count)
        .map(|i| item(&format!("+1555123000{i}"), Status::Cooling, "AudioCodes"))
        .collect();
    app.on_data(numbers_page(rows, vec![]));
}

fn job(id: &str, state: JobState) -> JobRecord {
    JobRecord {
        id: id.into(),
        kind: "sync".into(),
        target: "arm-east".into(),
        state,
        done: 0,
        total: 0,
        created_at: "2026-11-22T19:00:00Z".into(),
        started_at: None,
        ended_at: None,
        summary: String::new(),
        error: String::new(),
    }
}

/// Each list, opened and filled: its name and the app showing it.
fn every_list() -> Vec<(&'static str, App)> {
    let mut connections = tui_common::app();
    connections.update(Action::Tab1);

    let mut nums = tui_common::app();
    numbers(&mut nums, 3);

    let mut profiles = tui_common::app();
    profiles.update(Action::Tab3);
    profiles.on_data(one_profile(
        serde_json::json!({"callingProfileId": "p-1", "name": "US East"}),
        None,
    ));

    let mut services = tui_common::app();
    services.update(Action::Tab3);
    services.on_data(Data::Services(
        vec![(
            "lp".into(),
            serde_json::json!({"UmpCustomerGuid": "g-1", "CustomerShortName": "acme"}),
        )],
        vec![],
    ));
    services.update(Action::Services);

    let voice = voice_app();

    let mut jobs = tui_common::app();
    jobs.update(Action::Tab5);
    jobs.on_data(Data::Jobs(vec![job("running-1", JobState::Running)]));

    vec![
        ("connections", connections),
        ("numbers", nums),
        ("profiles", profiles),
        ("services", services),
        ("voice", voice),
        ("jobs", jobs),
    ]
}

#[test]
fn slash_and_letters_on_every_list_run_nothing() {
    for (name, mut app) in every_list() {
        let section = app.current().section();
        let mut commands = press(&mut app, KeyCode::Char('/'));
        commands.extend(typed(&mut app, LETTERS));
        assert!(writes(&commands).is_empty(), "{name}: {commands:?}");
        assert!(app.overlay.is_none(), "{name}: {:?}", app.overlay);
        assert!(!app.quit, "{name}");
        assert_eq!(app.current().section(), section, "{name}: no tab switch");
        let shown = screen(&app, 160, 45);
        assert!(
            shown.contains(&format!("{}▏", LETTERS.trim_end())),
            "{name}: the filter shows what was typed\n{shown}"
        );
        // Enter keeps the filter and closes it: the keys are commands again.
        let commands = press(&mut app, KeyCode::Enter);
        assert!(writes(&commands).is_empty(), "{name}: {commands:?}");
        assert!(!app.current().typing(), "{name}");
        let shown = screen(&app, 160, 45);
        assert!(shown.contains(LETTERS), "{name}\n{shown}");
        // Esc clears the filter.
        press(&mut app, KeyCode::Esc);
        let shown = screen(&app, 160, 45);
        assert!(!shown.contains(LETTERS), "{name}\n{shown}");
    }
}

#[test]
fn a_filter_finds_the_row_that_is_then_acted_on() {
    let mut app = tui_common::app();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "lab");
    press(&mut app, KeyCode::Enter);
    let shown = render(&app);
    assert!(
        shown.contains("arm-lab") && !shown.contains("arm-east  "),
        "{shown}"
    );
    // `D` deletes the one row shown, once its name is typed.
    press(&mut app, KeyCode::Char('D'));
    assert!(matches!(&app.overlay, Some(Overlay::TypedConfirm(c)) if c.expect == "arm-lab"));
}

/// Opens a confirmation with `open`, presses Enter: nothing may be
/// submitted. Returns the app for more.
fn enter_applies_nothing(what: &str, mut app: App, open: impl FnOnce(&mut App)) -> App {
    open(&mut app);
    assert!(app.overlay.is_some(), "{what}: a confirmation opens");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(writes(&commands).is_empty(), "{what}: {commands:?}");
    app
}

#[test]
fn enter_on_every_destructive_confirmation_applies_nothing() {
    // Purge of a connection: its name is typed; Enter alone does nothing,
    // nor does a name that is nearly right.
    let mut app = enter_applies_nothing("purge", tui_common::app(), |a| {
        press(a, KeyCode::Char('P'));
    });
    assert!(matches!(app.overlay, Some(Overlay::TypedConfirm(_))));
    let shown = render(&app);
    assert!(shown.contains("Type arm-east to confirm"), "{shown}");
    typed(&mut app, "arm-eas");
    assert!(writes(&press(&mut app, KeyCode::Enter)).is_empty());
    typed(&mut app, "t");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Command::Submit(JobKind::PurgeAudioCodes {
            connection: "arm-east".into()
        })]
    );

    // Delete of a (stored) connection: the same.
    let app = enter_applies_nothing("delete", tui_common::app(), |a| {
        press(a, KeyCode::Char('j'));
        press(a, KeyCode::Char('D'));
    });
    assert!(matches!(&app.overlay, Some(Overlay::TypedConfirm(c)) if c.expect == "arm-lab"));

    // Release of one number: y/n, and Enter is no.
    let app = enter_applies_nothing(
        "release one",
        {
            let mut a = tui_common::app();
            numbers(&mut a, 1);
            a
        },
        |a| {
            press(a, KeyCode::Char('R'));
        },
    );
    assert!(app.overlay.is_none(), "Enter cancelled it");

    // Release of six: the count is typed.
    let mut app = enter_applies_nothing(
        "release six",
        {
            let mut a = tui_common::app();
            numbers(&mut a, 6);
            a
        },
        |a| {
            typed(a, "      ");
            press(a, KeyCode::Char('R'));
        },
    );
    assert!(matches!(&app.overlay, Some(Overlay::TypedConfirm(c)) if c.expect == "6"));
    typed(&mut app, "6");
    assert!(matches!(
        &press(&mut app, KeyCode::Enter)[..],
        [Command::Submit(JobKind::EditNumbers { numbers, action: NumberAction::Release })] if numbers.len() == 6
    ));

    // Cooling six: after the days, the count is typed.
    let mut app = enter_applies_nothing(
        "cool six",
        {
            let mut a = tui_common::app();
            numbers(&mut a, 6);
            a
        },
        |a| {
            typed(a, "      ");
            press(a, KeyCode::Char('c'));
            typed(a, "30");
            assert!(
                writes(&press(a, KeyCode::Enter)).is_empty(),
                "the form asks next"
            );
        },
    );
    assert!(matches!(&app.overlay, Some(Overlay::TypedConfirm(c)) if c.expect == "6"));
    typed(&mut app, "6");
    assert!(matches!(
        &press(&mut app, KeyCode::Enter)[..],
        [Command::Submit(JobKind::EditNumbers {
            action: NumberAction::Cool { days: 30 },
            ..
        })]
    ));

    // A sync stopped by the cooling guard: the number that would cool.
    let app = enter_applies_nothing("cooling guard", tui_common::app(), |a| {
        a.on_job(JobEvent::Queued {
            id: "sync-1".into(),
            kind: JobKind::SyncAudioCodes {
                connection: "arm-east".into(),
                dry_run: false,
                force: false,
            },
        });
        a.on_job(JobEvent::Finished {
            id: "sync-1".into(),
            outcome: JobOutcome {
                state: JobState::Failed,
                summary: "cooled 1378".into(),
                error:
                    "arm-east: stopped before applying: the sync would cool 1378 of 2301 numbers"
                        .into(),
                detail: Some(
                    serde_json::json!({"guard": {"would_cool": 1378, "of_numbers": 2301}}),
                ),
                failure: Some(Box::new(JobError::NeedsConfirmation("guard".into()))),
                stopped: None,
            },
        });
    });
    assert!(matches!(&app.overlay, Some(Overlay::TypedConfirm(c)) if c.expect == "1378"));
    assert!(render(&app).contains("Type 1378 to confirm"));

    // Deleting a voice item: y/n, Enter is no.
    let app = enter_applies_nothing("voice delete", voice_app(), |a| {
        press(a, KeyCode::Char('l'));
        press(a, KeyCode::Char('D'));
    });
    assert!(app.overlay.is_none(), "Enter cancelled it");
}

fn running_job(app: &mut App) {
    app.on_job(JobEvent::Queued {
        id: "job-1234567890".into(),
        kind: JobKind::TestConnection {
            connection: "arm-east".into(),
        },
    });
    app.on_job(JobEvent::Started {
        id: "job-1234567890".into(),
    });
}

#[test]
fn quitting_with_a_running_job_asks_and_stays_by_default() {
    // Nothing to lose: q quits at once.
    let mut app = tui_common::app();
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);

    let mut app = tui_common::app();
    running_job(&mut app);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "q asks first");
    assert!(matches!(app.overlay, Some(Overlay::Quit { .. })));
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("still running"), "{shown}");
    assert!(shown.contains("15 s"), "{shown}");
    press(&mut app, KeyCode::Enter);
    assert!(!app.quit && app.overlay.is_none(), "Enter stays");
    // Ctrl-c asks too; q (again) answers no.
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!app.quit && app.overlay.is_some());
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit && app.overlay.is_none());
    // From a filter, Ctrl-c asks as well.
    press(&mut app, KeyCode::Char('/'));
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!app.quit && matches!(app.overlay, Some(Overlay::Quit { .. })));
    press(&mut app, KeyCode::Char('y'));
    assert!(
        app.quit,
        "y quits (the loop then cancels and records the job)"
    );
}

#[test]
fn quitting_from_a_changed_form_asks_and_staying_keeps_the_form() {
    let mut app = tui_common::app();
    press(&mut app, KeyCode::Char('n')); // a new connection
                                         // Untouched: Ctrl-c quits at once.
    let mut untouched = tui_common::app();
    press(&mut untouched, KeyCode::Char('n'));
    untouched.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(untouched.quit);

    press(&mut app, KeyCode::Tab); // from the vendor to the name
    typed(&mut app, "arm-new");
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!app.quit);
    let shown = screen(&app, 80, 24);
    assert!(shown.contains("not saved"), "{shown}");
    press(&mut app, KeyCode::Esc);
    match &app.overlay {
        Some(Overlay::Form { form, .. }) => assert!(form.changed(), "the text is still there"),
        other => panic!("{other:?}"),
    }
    assert!(render(&app).contains("arm-new"));
}

#[test]
fn escape_clears_one_thing_at_a_time_on_numbers() {
    let mut app = tui_common::app();
    numbers(&mut app, 3);
    press(&mut app, KeyCode::Char(' ')); // mark one
    press(&mut app, KeyCode::Char('f')); // a status filter
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "+1");
    let marked = |app: &App| render(app).contains("marked: 1");
    press(&mut app, KeyCode::Esc); // the text typed
    assert!(!app.current().typing() && marked(&app));
    assert!(render(&app).contains("status: Available") || !render(&app).contains("status: all"));
    press(&mut app, KeyCode::Esc); // the filter
    assert!(render(&app).contains("status: all") && marked(&app));
    press(&mut app, KeyCode::Esc); // the marks
    assert!(render(&app).contains("marked: 0"));
}

#[test]
fn a_question_that_opens_over_a_filter_takes_the_keys() {
    let mut app = tui_common::app();
    press(&mut app, KeyCode::Char('/'));
    typed(&mut app, "arm");
    app.on_job(JobEvent::Queued {
        id: "sync-1".into(),
        kind: JobKind::SyncAudioCodes {
            connection: "arm-east".into(),
            dry_run: false,
            force: false,
        },
    });
    app.on_job(JobEvent::Finished {
        id: "sync-1".into(),
        outcome: JobOutcome {
            state: JobState::Failed,
            summary: String::new(),
            error: "arm-east: stopped before applying".into(),
            detail: Some(serde_json::json!({"guard": {"would_cool": 12}})),
            failure: Some(Box::new(JobError::NeedsConfirmation("guard".into()))),
            stopped: None,
        },
    });
    typed(&mut app, "12");
    match &app.overlay {
        Some(Overlay::TypedConfirm(c)) => assert_eq!(c.input.value(), "12"),
        other => panic!("{other:?}"),
    }
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none() && app.current().typing());
    typed(&mut app, "-east");
    assert!(
        render(&app).contains("/arm-east"),
        "the filter keeps its keys"
    );
}

/// Below the minimum size only the size is drawn: no key acts on what
/// cannot be seen (here `P`, which would open the purge question, `2` and
/// `r`); `q` quits when quitting would lose nothing.
#[test]
fn a_terminal_too_small_to_draw_takes_no_key_but_a_harmless_quit() {
    let mut app = app();
    app.layout(ratatui::layout::Rect::new(0, 0, 50, 15));
    let tab = app.tab;
    for c in ['P', '2', 'r'] {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert_eq!(app.tab, tab);
    // Back to a size that draws: keys act again.
    app.layout(ratatui::layout::Rect::new(0, 0, 80, 24));
    app.on_key(KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    assert_ne!(app.tab, tab);
    app.layout(ratatui::layout::Rect::new(0, 0, 50, 15));
    app.on_key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE));
    assert!(app.quit);
}
