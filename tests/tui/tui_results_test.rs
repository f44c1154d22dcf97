//! Results you can see and act on together (issue 17): marks on Voice
//! items with one confirmation for their delete, the export form's
//! directory, extension and overwrite question, and the snapshots of a
//! marked list and of a sync's last preview beside its last run.

use crate::tui_common;
use tui_common::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use switchboard::domain::job::{JobKind, VoiceOp};
use switchboard::store::sync::SyncRun;
use switchboard::tui::action::Action;
use switchboard::tui::app::Command;
use switchboard::tui::data::Data;
use switchboard::tui::overlay::Overlay;

fn deletes(commands: &[Command]) -> Vec<&str> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Submit(JobKind::VoiceWrite {
                op: VoiceOp::Delete { .. },
                id: Some(id),
                ..
            }) => Some(id.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn marked_voice_items_are_deleted_behind_one_confirmation() {
    let mut app = voice_app();
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char(' ')); // marks the first, moves down
    app.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::SHIFT));
    let screen = render(&app);
    assert!(
        screen.contains("ACO elements (3) · 3 marked (marking a range)"),
        "{screen}"
    );
    assert!(app.update(Action::Delete).is_empty(), "asks first");
    match &app.overlay {
        Some(Overlay::Confirm { message, .. }) => assert!(
            message.starts_with("Delete 3 ACO elements?\nAvaya Cloud Office, ACO staging, ACO old"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
    let commands = app.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    assert_eq!(
        deletes(&commands),
        [
            "ce8042a2-12f8-406f-5fd3-86c1c16d3a77",
            "c8c2909d-75e9-484a-94c0-b7e8d29771fe",
            "5e9be49a-32d3-4927-83c7-7b0952798028"
        ]
    );
}

#[test]
fn esc_ends_a_range_then_clears_the_marks() {
    let mut app = voice_app();
    key(&mut app, KeyCode::Right);
    type_text(&mut app, "*");
    assert!(render(&app).contains("· 3 marked"));
    type_text(&mut app, "V");
    assert!(render(&app).contains("(marking a range)"));
    key(&mut app, KeyCode::Esc);
    assert!(render(&app).contains("· 3 marked —"), "{}", render(&app));
    key(&mut app, KeyCode::Esc);
    assert!(!render(&app).contains("marked"));
    // Without marks, D asks about the item under the cursor only.
    app.update(Action::Delete);
    assert!(
        matches!(&app.overlay, Some(Overlay::Confirm { message, .. }) if message.starts_with("Delete ACO elements Avaya Cloud Office?"))
    );
}

#[test]
fn voice_tab_with_marks() {
    let mut app = voice_app();
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Char(' '));
    insta::assert_snapshot!(render(&app));
}

fn form_value(app: &switchboard::tui::app::App, key: &str) -> String {
    match &app.overlay {
        Some(Overlay::Form { form, .. }) => form.value(key).to_string(),
        other => panic!("no form: {other:?}"),
    }
}

#[test]
fn export_starts_in_the_export_dir_follows_the_format_and_asks_before_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app();
    app.ctx.export_dir = dir.path().to_path_buf();
    app.update(Action::Tab2);
    app.update(Action::Export);
    let csv = dir.path().join("numbers.csv");
    assert_eq!(form_value(&app, "path"), csv.display().to_string());
    key(&mut app, KeyCode::Right); // the format: json
    assert_eq!(form_value(&app, "format"), "json");
    let json = dir.path().join("numbers.json");
    assert_eq!(form_value(&app, "path"), json.display().to_string());

    // A file that is there already: a question first, nothing submitted.
    std::fs::write(&json, "[]").unwrap();
    let submitted = app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(submitted.is_empty(), "{submitted:?}");
    match &app.overlay {
        Some(Overlay::Confirm { message, .. }) => {
            assert!(
                message.starts_with(&format!("Overwrite {}?", json.display())),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    // n declines: nothing is written, the file is as it was.
    assert!(app
        .on_key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE))
        .is_empty());
    assert!(app.overlay.is_none());
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "[]");

    // Confirmed, the export job writes the full path, as JSON.
    app.update(Action::Export);
    key(&mut app, KeyCode::Right);
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let commands = app.on_key(KeyEvent::new(KeyCode::Char('y'), KeyModifiers::NONE));
    assert!(
        matches!(
            commands.as_slice(),
            [Command::Submit(JobKind::ExportNumbers { path, json: true, .. })] if *path == json.display().to_string()
        ),
        "{commands:?}"
    );
}

fn run(kind: &str, result: &str, at: &str, conflicts: usize) -> SyncRun {
    let mut r = SyncRun {
        kind: kind.into(),
        started_at: at.into(),
        ended_at: at.into(),
        result: result.into(),
        counts: Default::default(),
        error: String::new(),
        job_id: Some(format!("{kind}-job")),
    };
    r.counts.conflicts = conflicts;
    r
}

#[test]
fn connections_show_the_last_sync_and_the_last_preview_side_by_side() {
    let mut app = app();
    let mut conns = match app.ctx.connections.clone() {
        c if !c.is_empty() => c,
        _ => panic!("the test app lists connections"),
    };
    let arm = &mut conns[0];
    arm.last_sync = Some(run("sync", "applied", "2026-11-22T18:00:00Z", 2));
    arm.last_run = arm.last_sync.clone();
    arm.last_preview = Some(run("preview", "preview", "2026-11-22T19:00:00Z", 3));
    app.on_data(Data::Connections(conns));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn the_numbers_header_states_the_conflicts_filter() {
    let mut app = app();
    app.update(Action::Tab2);
    // all, then each status, then the conflicts.
    for _ in 0..=switchboard::domain::number::Status::ALL.len() {
        type_text(&mut app, "f");
    }
    let screen = render(&app);
    assert!(
        screen.contains("status: conflicts of the last sync"),
        "{screen}"
    );
    key(&mut app, KeyCode::Esc);
    assert!(render(&app).contains("status: all"));
}

#[test]
fn jobs_are_marked_by_keys_and_counted_in_the_title() {
    let mut app = app();
    app.update(Action::Tab5);
    let job = |id: &str| switchboard::store::jobs::JobRecord {
        id: id.into(),
        kind: "sync".into(),
        target: "arm-east".into(),
        state: switchboard::domain::job::JobState::Running,
        done: 0,
        total: 0,
        created_at: "2026-11-22T19:00:00Z".into(),
        started_at: None,
        ended_at: None,
        summary: String::new(),
        error: String::new(),
    };
    app.on_data(Data::Jobs(vec![job("a"), job("b"), job("c")]));
    type_text(&mut app, "*");
    assert!(
        render(&app).contains(" Jobs (3) · 3 marked — "),
        "{}",
        render(&app)
    );
    let commands = app.update(Action::Cancel);
    assert_eq!(
        commands
            .iter()
            .filter(|c| matches!(c, Command::Cancel(_)))
            .count(),
        3
    );
}
