//! A terminal whose locale is not UTF-8 gets ASCII only: every scene that
//! draws box drawing, bars, arrows, marks or ellipses, rendered as the
//! event loop renders it (`tui::render`) with the ASCII set, holds no
//! other byte, at 80×24 and at 160×45. The same scenes in Unicode do hold
//! such symbols (so the check can fail).

use crate::tui_common;
use tui_common::*;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::domain::cooling::cooled;
use switchboard::domain::job::JobKind;
use switchboard::domain::number::Status;
use switchboard::tui::action::Action;
use switchboard::tui::app::{App, Level};
use switchboard::tui::data::{Data, NumberSummary};
use switchboard::tui::symbols::Charset;
use switchboard::worker::JobEvent;

/// The screen as `tui::render` draws it in `charset`, line by line.
fn screen(app: &App, (width, height): (u16, u16), charset: Charset) -> String {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| switchboard::tui::render(f, app, charset))
        .unwrap();
    let buf = term.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sync of arm-east under way, half done: the status bar's `⟳`.
fn with_running_sync(app: &mut App) {
    let id = "job-1".to_string();
    app.on_job(JobEvent::Queued {
        id: id.clone(),
        kind: JobKind::SyncAudioCodes {
            connection: "arm-east".into(),
            dry_run: false,
            force: false,
        },
    });
    app.on_job(JobEvent::Started { id: id.clone() });
    app.on_job(JobEvent::Progress {
        id,
        entity: "registered users".into(),
        done: 50,
        failed: 0,
        total: 100,
    });
}

fn numbers_scene() -> App {
    let mut app = app();
    app.update(Action::Tab2);
    let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let rows = vec![
        item("+15551230001", Status::Used, "AudioCodes"),
        cooled(&item("+15551230002", Status::Used, "AudioCodes"), day, 2),
        item("+15551230003", Status::Reserved, ""),
    ];
    app.on_data(numbers_page(
        rows,
        vec![("+15551230003".into(), "test number of PROD".into())],
    ));
    app.on_data(Data::NumberSummary(NumberSummary {
        counts: vec![
            (Status::Used, 1),
            (Status::Cooling, 1),
            (Status::Reserved, 1),
        ],
        releases: (0..14)
            .map(|i| (day + chrono::Days::new(i), (i % 5) as usize))
            .collect(),
    }));
    app.update(Action::Mark);
    app
}

fn profiles_scene() -> App {
    let mut app = app();
    app.update(Action::Tab3);
    let body = serde_json::json!({"callingProfileId": "9097a8b4", "name": "PROD_EMEA",
        "enviroment": "Production", "region": "EMEA",
        "trunksEnrolled": [
            {"trunkFqdn": "oc.example.be", "trunkId": "t-1", "matchingSbcList": []},
            {"trunkFqdn": "oc2.example.be", "trunkId": "t-2", "matchingSbcList": [{"sbcId": 2, "fqdn": "sbc.lan", "ipAddress": "10.0.0.1", "name": "SBC"}]}
        ],
        "validation": {"Calling": "NotRun"}});
    app.on_data(one_profile(body, Some("2026-11-22T19:00:00Z")));
    app
}

/// Every scene with symbols: name and app.
fn scenes() -> Vec<(&'static str, App)> {
    let mut jobs = app();
    with_running_sync(&mut jobs);
    jobs.update(Action::Tab5);
    jobs.toast(Level::Info, "stopping 1 job(s) before quitting…");
    let mut help = app();
    help.update(Action::Help);
    let mut palette = app();
    palette.update(Action::Palette);
    let mut form = app();
    key(&mut form, KeyCode::Char('n'));
    type_text(&mut form, "bad name!");
    let mut voice = voice_app();
    voice.update(Action::Right);
    vec![
        ("connections", app()),
        ("numbers", numbers_scene()),
        ("profiles", profiles_scene()),
        ("voice", voice),
        ("jobs with a running sync and a toast", jobs),
        ("help", help),
        ("palette", palette),
        ("new connection form", form),
    ]
}

#[test]
fn in_ascii_no_scene_sends_a_byte_outside_ascii() {
    for size in [(80, 24), (160, 45)] {
        for (name, app) in scenes() {
            let text = screen(&app, size, Charset::Ascii);
            if let Some(c) = text.chars().find(|c| !c.is_ascii()) {
                panic!("{name} at {size:?} sends {c:?}:\n{text}");
            }
        }
    }
}

#[test]
fn in_unicode_the_same_scenes_draw_their_symbols() {
    for (name, app) in scenes() {
        let text = screen(&app, (160, 45), Charset::Unicode);
        assert!(
            !text.is_ascii(),
            "{name} has nothing for the ASCII check to catch:\n{text}"
        );
    }
    // The borders stand as + - |, the cursor's bars and the mark as #.
    let numbers = screen(&numbers_scene(), (80, 24), Charset::Ascii);
    assert!(numbers.contains("+ Numbers"), "{numbers}");
    assert!(numbers.lines().any(|l| l.starts_with("|  ")), "{numbers}");
}

/// Every symbol a drawing site of `src/tui` writes has an ASCII stand-in
/// in the table (else it would reach an ASCII terminal as `?`): a new
/// symbol fails here until it is added to `symbols::ascii_for`. Comments
/// and test modules are not drawn and are not read.
#[test]
fn every_symbol_the_dashboard_draws_has_a_stand_in() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = vec![];
    rust_files(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui"),
        &mut files,
    );
    let mut missing = vec![];
    for file in files.iter().filter(|f| !f.ends_with("symbols.rs")) {
        let text = std::fs::read_to_string(file).unwrap();
        let code = text
            .lines()
            .take_while(|l| l.trim() != "#[cfg(test)]")
            .filter(|l| !l.trim_start().starts_with("//"));
        for (c, line) in code.flat_map(|l| l.chars().map(move |c| (c, l))) {
            if !c.is_ascii() && switchboard::tui::symbols::ascii_for(c).is_none() {
                missing.push(format!("{c:?} in {}: {}", file.display(), line.trim()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "no ASCII stand-in for:\n{}",
        missing.join("\n")
    );
}
