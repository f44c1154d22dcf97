//! Snapshots of each tab's shell, rendered with ratatui's TestBackend.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use switchboard::domain::connection::AudioCodesSpec;
use switchboard::domain::connection_spec::ConnectionSpec;
use switchboard::domain::cooling::cooled;
use switchboard::domain::number::{InventoryItem, Status};
use switchboard::store::number_query::RowKey;
use switchboard::store::number_window::Window;
use switchboard::store::remote::RemoteItem;
use switchboard::tui::action::Action;
use switchboard::tui::app::App;
use switchboard::tui::data::{profile_rows, ConnInfo, Data, NumberSummary, NumbersPage, VoiceData};
use switchboard::tui::keymap::Keymap;
use switchboard::tui::theme::Theme;
use switchboard::tui::view;

fn app() -> App {
    // Fix the clock so countdowns are stable (every test sets the same value).
    std::env::set_var("SWITCHBOARD_NOW", "2026-11-22T19:48:00Z");
    let conns = vec![
        ("arm-east".to_string(), "audiocodes"),
        ("lp".to_string(), "live_platform"),
        ("axp".to_string(), "axp"),
    ];
    let mut app = App::new(
        Keymap::load(None).unwrap(),
        Theme { color: false },
        false,
        &conns,
    );
    let east = ConnInfo {
        name: "arm-east".into(),
        vendor: "audiocodes",
        source: "config",
        spec: None,
        secrets_kept: Default::default(),
        next_run: Some("2026-11-22T20:00:00Z".into()),
        address: "https://arm.example.com".into(),
        auth: "session".into(),
        insecure: true,
        read_only: false,
        schedule: "every 15m".into(),
        last_run: None,
        last_sync: None,
        last_purge: None,
        used: 2,
        cooling: 1,
        remote: vec![],
    };
    let lab_spec = AudioCodesSpec {
        name: "arm-lab".into(),
        host: "10.0.0.5:8443".into(),
        username: "svc-lab".into(),
        ..Default::default()
    };
    let lab = ConnInfo {
        name: "arm-lab".into(),
        source: "store",
        spec: Some(ConnectionSpec::AudioCodes(lab_spec)),
        secrets_kept: vec!["password".into()],
        next_run: None,
        address: "https://10.0.0.5:8443".into(),
        auth: "basic".into(),
        insecure: false,
        schedule: "none".into(),
        ..east.clone()
    };
    app.on_data(Data::Connections(vec![east, lab]));
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn render(app: &App) -> String {
    let mut term = Terminal::new(TestBackend::new(120, 24)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn item(number: &str, status: Status, vendor: &str) -> InventoryItem {
    let mut i = InventoryItem::available(number);
    i.status = status;
    i.vendor = vendor.into();
    if vendor == "AudioCodes" {
        i.usage = "Device".into();
        i.connection = Some("arm-east".into());
        i.registered_user = Some("jdoe".into());
    }
    i
}

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
    let keys = rows
        .iter()
        .map(|r| RowKey {
            sort: r.number.clone(),
            number: r.number.clone(),
        })
        .collect();
    app.on_data(Data::Numbers(NumbersPage {
        query: Default::default(),
        total: Some(rows.len()),
        window: Window {
            offset: 0,
            rows,
            keys,
            at_start: true,
            at_end: true,
        },
        seen_in: vec![(
            "+15551230005".into(),
            "test number of calling profile PROD_EMEA".into(),
        )],
    }));
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
    app.on_data(Data::Profiles(
        profile_rows(vec![(
            "lp".into(),
            RemoteItem {
                id: "9097a8b4".into(),
                parent: String::new(),
                name: "PROD_EMEA".into(),
                body,
            },
        )]),
        Some("2026-11-22T19:00:00Z".into()),
    ));
    insta::assert_snapshot!(render(&app));
}

/// A config-file Live Platform or AXP connection with nothing fetched.
fn cloud_connection(name: &str, vendor: &'static str, address: &str) -> ConnInfo {
    ConnInfo {
        name: name.into(),
        vendor,
        source: "config",
        spec: None,
        secrets_kept: Default::default(),
        next_run: None,
        address: address.into(),
        auth: "oauth2".into(),
        insecure: false,
        read_only: false,
        schedule: "-".into(),
        last_run: None,
        last_sync: None,
        last_purge: None,
        used: 0,
        cooling: 0,
        remote: vec![],
    }
}

fn voice_app() -> App {
    let mut app = app();
    app.on_data(Data::Connections(vec![cloud_connection(
        "axp",
        "axp",
        "https://na.cc.avayacloud.com (account ABCDEF)",
    )]));
    app.update(Action::Tab4);
    let mut v = VoiceData::default();
    let aco = |id: &str, name: &str, status: &str, did: &str| RemoteItem {
        id: id.into(),
        parent: String::new(),
        name: name.into(),
        body: serde_json::json!({"elementId": id, "name": name, "environment": "Production", "status": status, "didNumbers": [did]}),
    };
    v.families
        .push(("aco".into(), String::new(), "ACO elements".into(), 3));
    v.families.push((
        "cm".into(),
        String::new(),
        "Communication Managers".into(),
        1,
    ));
    v.families.push((
        "reason_codes".into(),
        "cm-1".into(),
        "CM4696 › Reason codes".into(),
        2,
    ));
    v.families.push((
        "sync_jobs".into(),
        "cm-1".into(),
        "CM4696 › Sync jobs".into(),
        1,
    ));
    v.items.insert(
        ("aco".into(), String::new()),
        vec![
            aco(
                "ce8042a2-12f8-406f-5fd3-86c1c16d3a77",
                "Avaya Cloud Office",
                "SUCCESS",
                "+16062128688",
            ),
            aco(
                "c8c2909d-75e9-484a-94c0-b7e8d29771fe",
                "ACO staging",
                "IN_PROGRESS",
                "+12702289911",
            ),
            aco(
                "5e9be49a-32d3-4927-83c7-7b0952798028",
                "ACO old",
                "FAILED",
                "+12702289912",
            ),
        ],
    );
    v.refreshed = Some("2026-11-22T19:00:00Z".into());
    app.on_data(Data::Voice(v));
    app
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
        "live_platform",
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
