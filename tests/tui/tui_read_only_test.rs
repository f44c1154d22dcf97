//! Read-only and the connection badges in the TUI. Every write key on every
//! tab is refused before a form or a confirmation opens, and no write ever
//! reaches the worker; reads still work. A connection with TLS
//! verification off carries a red badge everywhere it is named.

use crate::tui_common;
use tui_common::*;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use switchboard::domain::connection::AudioCodesSpec;
use switchboard::domain::connection_spec::ConnectionSpec;
use switchboard::domain::job::{JobKind, JobState};
use switchboard::domain::number::Status;
use switchboard::store::jobs::JobRecord;
use switchboard::store::remote::RemoteItem;
use switchboard::tui::action::Action;
use switchboard::tui::app::{App, Command, Level};
use switchboard::tui::data::{ConnInfo, Data, VoiceData};
use switchboard::tui::theme::Theme;
use switchboard::worker::{JobError, JobEvent, JobOutcome};

/// arm-east (TLS verification off), arm-ro (read-only), lp (TLS off) and
/// axp (read-only), one number, one profile and one Communication Manager.
fn estate(read_only: bool) -> App {
    let mut app = app_with(Theme { color: true }, read_only);
    let arm = |name: &str, insecure, read_only| ConnInfo {
        insecure,
        read_only,
        ..cloud_connection(name, Vendor::AudioCodes, "https://arm.example.com")
    };
    let spec = AudioCodesSpec {
        name: "arm-east".into(),
        host: "arm.example.com".into(),
        username: "svc".into(),
        ..Default::default()
    };
    app.on_data(Data::Connections(vec![
        ConnInfo {
            source: ConnectionSource::Store,
            spec: Some(ConnectionSpec::AudioCodes(spec)),
            ..arm("arm-east", true, false)
        },
        arm("arm-ro", false, true),
        ConnInfo {
            insecure: true,
            ..cloud_connection("lp", Vendor::LivePlatform, "https://lp.example.com")
        },
        ConnInfo {
            read_only: true,
            ..cloud_connection("axp", Vendor::Axp, "https://na.cc.avayacloud.com")
        },
    ]));
    app.on_data(numbers_page(
        vec![
            item("+15551230001", Status::Used, "AudioCodes"),
            item("+15551230002", Status::Available, ""),
        ],
        vec![],
    ));
    app.on_data(one_profile(
        serde_json::json!({"callingProfileId": "9097a8b4", "name": "PROD_EMEA"}),
        None,
    ));
    let mut voice = VoiceData::default();
    voice.families.push((
        "cm".into(),
        String::new(),
        "Communication Managers".into(),
        1,
    ));
    voice.items.insert(
        ("cm".into(), String::new()),
        vec![RemoteItem {
            id: "cm-1".into(),
            parent: String::new(),
            name: "CM4696".into(),
            body: serde_json::json!({"id": "cm-1", "name": "CM4696"}),
        }],
    );
    app.on_data(Data::Voice(voice));
    app
}

/// Goes to `tab` with the cursor on its first row (the item pane on Voice).
fn at(app: &mut App, tab: Action) {
    app.overlay = None;
    app.update(tab);
    app.update(Action::Top);
    if tab == Action::Tab4 {
        app.update(Action::Right);
    }
}

fn press(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn writes(commands: &[Command]) -> Vec<&Command> {
    commands
        .iter()
        .filter(|c| match c {
            Command::Submit(kind) => {
                kind.writes() != switchboard::domain::read_only::Writes::Nothing
            }
            Command::SaveConnection { .. } | Command::CreateService { .. } => true,
            // The gate takes it apart: never handed out whole.
            Command::Many(_) => true,
            Command::Cancel(_) | Command::Load(_) | Command::Copy(_) => false,
        })
        .collect()
}

fn last_error(app: &App) -> String {
    app.toasts
        .iter()
        .rev()
        .find(|t| t.level == Level::Error)
        .map(|t| t.text.clone())
        .unwrap_or_default()
}

/// Every write key of every tab, with where it is pressed.
const WRITE_KEYS: &[(Action, &[Action])] = &[
    (
        Action::Tab1,
        &[
            Action::Refresh,
            Action::New,
            Action::Edit,
            Action::Delete,
            Action::Purge,
        ],
    ),
    (
        Action::Tab2,
        &[
            Action::Release,
            Action::Cool,
            Action::Extend,
            Action::Reserve,
            Action::Unreserve,
            Action::AddRange,
            Action::Import,
            Action::Edit,
        ],
    ),
    (Action::Tab3, &[Action::New]),
    (
        Action::Tab4,
        &[
            Action::New,
            Action::Edit,
            Action::Delete,
            Action::Actions,
            Action::SyncCm,
        ],
    ),
];

#[test]
fn every_write_key_is_refused_up_front_under_read_only() {
    let mut app = estate(true);
    for (tab, actions) in WRITE_KEYS {
        for action in *actions {
            at(&mut app, *tab);
            app.toasts.clear();
            let commands = app.update(*action);
            let what = format!("{action:?} on {tab:?}");
            assert!(writes(&commands).is_empty(), "{what}: {commands:?}");
            assert!(app.overlay.is_none(), "{what} opened {:?}", app.overlay);
            assert_eq!(
                last_error(&app),
                "refused: switchboard runs read-only (--read-only or read_only = true)",
                "{what}"
            );
        }
    }
}

#[test]
fn the_same_keys_go_ahead_without_read_only() {
    // The control for the test above: each key does open its form or
    // confirmation, or submits its job, when nothing is read-only
    // (arm-east and lp are writable; the Voice tab is checked apart).
    let mut app = estate(false);
    for (tab, actions) in &WRITE_KEYS[..3] {
        for action in *actions {
            at(&mut app, *tab);
            app.toasts.clear();
            let commands = app.update(*action);
            let what = format!("{action:?} on {tab:?}");
            assert!(
                app.overlay.is_some() || !writes(&commands).is_empty(),
                "{what} did nothing: {:?}",
                app.toasts.iter().map(|t| &t.text).collect::<Vec<_>>()
            );
            assert_eq!(last_error(&app), "", "{what}");
        }
    }
}

#[test]
fn reads_previews_tests_refreshes_and_exports_still_work_under_read_only() {
    let mut app = estate(true);
    at(&mut app, Action::Tab1);
    let preview = app.update(Action::Preview);
    assert!(matches!(
        preview.as_slice(),
        [Command::Submit(JobKind::SyncAudioCodes {
            dry_run: true,
            ..
        })]
    ));
    let test = app.update(Action::Test);
    assert!(matches!(
        test.as_slice(),
        [Command::Submit(JobKind::TestConnection { .. })]
    ));
    at(&mut app, Action::Tab3);
    let refresh = app.update(Action::Refresh);
    assert!(matches!(
        refresh.as_slice(),
        [Command::Submit(JobKind::RefreshLivePlatform { .. })]
    ));
    at(&mut app, Action::Tab2);
    app.update(Action::Export);
    assert!(app.overlay.is_some(), "the export form opens");
    assert_eq!(last_error(&app), "");
}

#[test]
fn a_read_only_connection_refuses_its_own_writes_only() {
    let mut app = estate(false);
    at(&mut app, Action::Tab1);
    app.update(Action::Down); // arm-ro
    for action in [Action::Refresh, Action::Purge] {
        app.toasts.clear();
        let commands = app.update(action);
        assert!(writes(&commands).is_empty(), "{action:?}: {commands:?}");
        assert!(app.overlay.is_none());
        assert_eq!(last_error(&app), "refused: connection arm-ro is read-only");
    }
    // Testing and previewing it are reads.
    assert!(!app.update(Action::Test).is_empty());
    assert!(!app.update(Action::Preview).is_empty());
    // Voice acts on axp, which is read-only.
    for action in WRITE_KEYS[3].1 {
        at(&mut app, Action::Tab4);
        app.toasts.clear();
        app.update(*action);
        assert!(app.overlay.is_none(), "{action:?}");
        assert_eq!(last_error(&app), "refused: connection axp is read-only");
    }
    // The inventory's hand edits are local: allowed.
    at(&mut app, Action::Tab2);
    assert!(!writes(&app.update(Action::Reserve)).is_empty());
}

#[test]
fn writes_reached_by_the_palette_the_audit_and_a_confirmation_are_refused_too() {
    let mut app = estate(true);
    // The palette runs a sync job directly.
    app.update(Action::Palette);
    type_text(&mut app, "sync arm-east");
    app.toasts.clear();
    let commands = app.on_key(press(KeyCode::Enter));
    assert!(writes(&commands).is_empty(), "{commands:?}");
    assert!(last_error(&app).starts_with("refused:"));

    // The audit's F (fix every finding).
    app.on_job(JobEvent::Queued {
        id: "audit-1".into(),
        kind: JobKind::Audit { fix: false },
    });
    app.on_job(JobEvent::Finished {
        id: "audit-1".into(),
        outcome: JobOutcome {
            state: JobState::Succeeded,
            summary: "1 finding".into(),
            error: String::new(),
            detail: Some(serde_json::json!({"findings": [
                {"number": "+15551230001", "kind": "registered_not_used", "connection": "arm-east", "fix": "set Used"}
            ]})),
            failure: None,
            stopped: None,
        },
    });
    assert!(app.overlay.is_some(), "the audit view opens");
    app.toasts.clear();
    let commands = app.update(Action::Fix);
    assert!(writes(&commands).is_empty());
    assert!(last_error(&app).starts_with("refused:"));

    // A confirmation opened before (a cooling-guard sync) cannot submit.
    app.overlay = None;
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
            summary: "would cool 9".into(),
            error: "the cooling guard stopped the sync".into(),
            detail: Some(serde_json::json!({"guard": {"would_cool": 9}})),
            failure: Some(Box::new(JobError::NeedsConfirmation(
                "the cooling guard stopped the sync".into(),
            ))),
            stopped: None,
        },
    });
    assert!(app.overlay.is_some(), "the confirmation opens");
    app.toasts.clear();
    // The count that would cool is typed, then Enter applies.
    app.on_key(press(KeyCode::Char('9')));
    let commands = app.on_key(press(KeyCode::Enter));
    assert!(writes(&commands).is_empty(), "{commands:?}");
    assert!(last_error(&app).starts_with("refused:"));
}

#[test]
fn the_help_marks_write_keys_off_under_read_only() {
    let mut app = estate(true);
    at(&mut app, Action::Tab2);
    app.update(Action::Help);
    let text = text_of(&draw(&app, 160, 45));
    let line = |what: &str| {
        text.lines()
            .find(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what:?} in\n{text}"))
            .to_string()
    };
    assert!(line("reserve").contains("off: read-only"));
    assert!(line("add a number range").contains("off: read-only"));
    assert!(!line("export the current view").contains("off: read-only"));
}

fn text_of(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The background colour under the first `needle` on row `y` (any row when
/// `None`), or `None` when it is not on screen.
fn background_of(buf: &Buffer, needle: &str, row: Option<u16>) -> Option<Color> {
    let text = text_of(buf);
    for (y, line) in (0u16..).zip(text.lines()) {
        if row.is_some_and(|r| r != y) {
            continue;
        }
        if let Some(byte) = line.find(needle) {
            let x = u16::try_from(line[..byte].chars().count()).expect("a screen column");
            return Some(buf[(x, y)].bg);
        }
    }
    None
}

fn row_of(buf: &Buffer, needle: &str) -> u16 {
    text_of(buf)
        .lines()
        .position(|l| l.contains(needle))
        .map(|y| u16::try_from(y).expect("a screen row"))
        .unwrap_or_else(|| panic!("{needle:?} is not on screen"))
}

#[test]
fn tls_off_is_a_red_badge_wherever_the_connection_appears() {
    let mut app = estate(false);
    let red = Some(Color::Red);
    let magenta = Some(Color::Magenta);

    // The selection's highlight paints over its own row, so each row is
    // looked at with the cursor elsewhere; the selected connection's badges
    // head the pane below the list.
    let buf = draw(&app, 160, 45);
    let pane = row_of(&buf, "· instances");
    assert!(text_of(&buf)
        .lines()
        .nth(pane as usize)
        .unwrap()
        .contains("arm-east"));
    assert_eq!(background_of(&buf, "TLS OFF", Some(pane)), red, "instances");
    let ro = row_of(&buf, "arm-ro");
    assert_eq!(
        background_of(&buf, " RO ", Some(ro)),
        magenta,
        "Connections"
    );
    assert_eq!(background_of(&buf, "TLS OFF", Some(ro)), None);
    app.update(Action::Down);
    let buf = draw(&app, 160, 45);
    let east = row_of(&buf, "arm-east");
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(east)),
        red,
        "Connections"
    );
    let pane = row_of(&buf, "· instances");
    assert!(text_of(&buf)
        .lines()
        .nth(pane as usize)
        .unwrap()
        .contains("arm-ro"));
    assert_eq!(
        background_of(&buf, " RO ", Some(pane)),
        magenta,
        "instances"
    );

    // Numbers: the connection cell, and the number's detail.
    at(&mut app, Action::Tab2);
    app.update(Action::Down);
    let buf = draw(&app, 160, 45);
    let row = row_of(&buf, "+15551230001");
    assert_eq!(background_of(&buf, "arm-east", Some(row)), red, "Numbers");
    app.update(Action::Up);
    app.update(Action::Enter);
    app.on_data(Data::Detail(
        "+15551230001".into(),
        Some(item("+15551230001", Status::Used, "AudioCodes")),
        vec![],
        vec![],
    ));
    let buf = draw(&app, 160, 45);
    assert_eq!(background_of(&buf, "TLS OFF", None), red, "number detail");

    // Calling Profiles: the title and the profile's detail.
    at(&mut app, Action::Tab3);
    let buf = draw(&app, 160, 45);
    let title = row_of(&buf, "Calling profiles");
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(title)),
        red,
        "Profiles title"
    );
    let detail = row_of(&buf, "9097a8b4 · lp");
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(detail)),
        red,
        "profile detail"
    );

    // Services (S) share the Live Platform connection.
    app.update(Action::Services);
    let buf = draw(&app, 160, 45);
    let title = row_of(&buf, "Services (");
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(title)),
        red,
        "Services title"
    );
    app.update(Action::Services);

    // Voice: the AXP connection is read-only.
    at(&mut app, Action::Tab4);
    let buf = draw(&app, 160, 45);
    let title = row_of(&buf, "never refreshed");
    assert_eq!(
        background_of(&buf, " RO ", Some(title)),
        magenta,
        "Voice title"
    );

    // Jobs: the target column, and the running job in the status bar.
    let job = |target: &str, summary: &str| JobRecord {
        id: summary.into(),
        kind: "sync".into(),
        target: target.into(),
        state: JobState::Succeeded,
        done: 0,
        total: 0,
        created_at: "2026-11-22T19:00:00Z".into(),
        started_at: None,
        ended_at: None,
        summary: summary.into(),
        error: String::new(),
    };
    app.on_data(Data::Jobs(vec![
        job("arm-east", "added 1"),
        job("arm-ro", "added 2"),
    ]));
    app.on_job(JobEvent::Queued {
        id: "j2".into(),
        kind: JobKind::RefreshLivePlatform {
            connection: "lp".into(),
        },
    });
    at(&mut app, Action::Tab5);
    app.update(Action::Down);
    let buf = draw(&app, 160, 45);
    let job = row_of(&buf, "added 1");
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(job)),
        red,
        "Jobs target"
    );
    assert_eq!(
        background_of(&buf, "TLS OFF", Some(44)),
        red,
        "status bar's running job"
    );
}
