//! Snapshots of each tab's shell, rendered with ratatui's TestBackend.

use crate::tui_common;
use tui_common::*;

use chrono::NaiveDate;
use crossterm::event::KeyCode;
use switchboard::domain::cooling::cooled;
use switchboard::domain::number::Status;
use switchboard::tui::action::Action;
use switchboard::tui::data::{Data, NumberSummary};

#[test]
fn connections_tab() {
    insta::assert_snapshot!(render(&app()));
}

#[test]
fn numbers_tab_with_cooling_countdown() {
    let mut app = app();
    app.update(Action::Tab2);
    let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let rows = vec![
        item("+15551230001", Status::Used, "AudioCodes"),
        cooled(&item("+15551230002", Status::Used, "AudioCodes"), day, 2),
        item("+15551230003", Status::Used, "Microsoft"),
        item("+15551230004", Status::Reserved, ""),
        item("+15551230005", Status::Available, ""),
    ];
    app.on_data(numbers_page(
        rows,
        vec![(
            "+15551230005".into(),
            "test number of calling profile PROD_EMEA".into(),
        )],
    ));
    app.on_data(Data::NumberSummary(NumberSummary {
        counts: vec![
            (Status::Used, 2),
            (Status::Cooling, 1),
            (Status::Available, 1),
            (Status::Reserved, 1),
        ],
        releases: (0..14)
            .map(|i| (day + chrono::Days::new(i), if i == 2 { 1 } else { 0 }))
            .collect(),
    }));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn calling_profiles_tab() {
    let mut app = app();
    app.update(Action::Tab3);
    let body = serde_json::json!({"callingProfileId": "9097a8b4", "name": "PROD_EMEA", "enviroment": "Production", "region": "EMEA",
        "offerTypes": [{"offerTypeName": "Calling", "testNumbers": ["+442079500000"]}], "emergencyDialStrings": ["112"],
        "trunksEnrolled": [{"trunkFqdn": "oc.sandbox1.audiocodes.be", "trunkId": "ecb022e4", "matchingSbcList": [{"sbcId": 2, "fqdn": "NL-SBC05.lab.lan", "ipAddress": "172.17.239.165", "name": "NL-SBC05"}]}],
        "validation": {"Calling": "NotRun"}});
    app.on_data(one_profile(body, Some("2026-11-22T19:00:00Z")));
    insta::assert_snapshot!(render(&app));
}

#[test]
fn voice_tab() {
    let mut app = voice_app();
    app.update(Action::Right);
    app.update(Action::Down);
    insta::assert_snapshot!(render(&app));
}

#[test]
fn a_generated_voice_form_with_a_validation_error() {
    let mut app = voice_app();
    key(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "ACO lab");
    // Down to the DID number rows, past description and environment.
    for _ in 0..3 {
        key(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "+16065550001");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "6065550002");
    let screen = render(&app);
    assert!(screen.contains("row 2"), "{screen}");
    insta::assert_snapshot!("voice_form_error", screen);
}

#[test]
fn jobs_tab_and_help() {
    let mut app = app();
    app.update(Action::Tab5);
    insta::assert_snapshot!("jobs_tab", render(&app));
    app.update(Action::Help);
    insta::assert_snapshot!("jobs_help", render(&app));
}

#[test]
fn new_connection_form_validates_as_you_type() {
    let mut app = app();
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "arm-east");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "arm east");
    insta::assert_snapshot!("connection_form_errors", render(&app));
    // Fix the host, fill in user and password: the errors go, the password
    // shows as dots only.
    for _ in 0..5 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "-2.example.com:8443");
    key(&mut app, KeyCode::BackTab);
    type_text(&mut app, "2");
    for _ in 0..4 {
        key(&mut app, KeyCode::Tab);
    }
    type_text(&mut app, "svc");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "s3cret-pw");
    let screen = render(&app);
    assert!(!screen.contains("s3cret-pw"), "the password is shown");
    insta::assert_snapshot!("connection_form_ready", screen);
}

#[test]
fn a_live_platform_connection_is_made_from_the_same_form() {
    let mut app = app();
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "lp-prod");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "lp.example.com");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "https://login.example.com/t/token");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "lp-client");
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "lp-s3cret");
    let screen = render(&app);
    assert!(!screen.contains("lp-s3cret"), "the secret is shown");
    insta::assert_snapshot!("live_platform_connection_form", screen);
}

#[test]
fn editing_a_stored_connection_keeps_the_secret_unshown() {
    let mut app = app();
    app.update(Action::Down);
    key(&mut app, KeyCode::Char('e'));
    insta::assert_snapshot!("connection_form_edit", render(&app));
    // A config-file connection is not edited here.
    key(&mut app, KeyCode::Esc);
    app.update(Action::Up);
    key(&mut app, KeyCode::Char('e'));
    let screen = render(&app);
    assert!(screen.contains("declared in the config file"), "{screen}");
}

#[test]
fn create_service_form_with_a_validation_error() {
    let mut app = app();
    app.on_data(Data::Connections(vec![cloud_connection(
        "lp",
        Vendor::LivePlatform,
        "https://lp.example.com/tenantui",
    )]));
    app.on_data(Data::Services(
        vec![],
        vec![(
            "lp".into(),
            serde_json::json!({"id": "3f0e4a6c-2b7d-4e3a-9c1d-0a1b2c3d4e5f", "tenantId": "f9f53ee0-56e1-43f6-8fe3-5fb322986657", "status": "Active"}),
        )],
    ));
    app.update(Action::Tab3);
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('n'));
    key(&mut app, KeyCode::Tab);
    type_text(&mut app, "9 Brad");
    let screen = render(&app);
    assert!(screen.contains("must start with a letter"), "{screen}");
    insta::assert_snapshot!("create_service_form", screen);
}

#[test]
fn a_one_field_form_shows_its_field() {
    // The tag form has a single field; it once scrolled out of its box.
    let mut app = app();
    app.update(Action::Tab2);
    app.on_data(numbers_page(
        vec![item("+15551230001", Status::Used, "AudioCodes")],
        vec![],
    ));
    app.update(Action::Edit);
    let screen = render(&app);
    let line = screen
        .lines()
        .find(|l| l.contains("empty clears the tag"))
        .unwrap_or_else(|| panic!("the field is not shown:\n{screen}"));
    assert!(line.contains("Tag"), "{line}");
}
