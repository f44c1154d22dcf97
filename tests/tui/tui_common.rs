//! The TUI tests' app: connections, a numbers page, voice data, and a
//! renderer to text, all without a terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;
use switchboard::domain::connection::AudioCodesSpec;
use switchboard::domain::connection_spec::ConnectionSpec;
use switchboard::domain::number::{InventoryItem, Status};
pub use switchboard::domain::vendor::{ConnectionSource, Vendor};
use switchboard::store::number_query::RowKey;
use switchboard::store::number_window::Window;
use switchboard::store::remote::RemoteItem;
use switchboard::tui::action::Action;
use switchboard::tui::app::App;
use switchboard::tui::data::{profile_rows, ConnInfo, Data, NumbersPage, VoiceData};
use switchboard::tui::keymap::Keymap;
use switchboard::tui::theme::Theme;
use switchboard::tui::view;

pub fn app() -> App {
    app_with(Theme { color: false }, false)
}

/// Two AudioCodes connections (arm-east with TLS verification off), with
/// `theme` and the process-wide read-only switch.
pub fn app_with(theme: Theme, read_only: bool) -> App {
    // Fix the clock so countdowns are stable (every test sets the same value).
    std::env::set_var("SWITCHBOARD_NOW", "2026-11-22T19:48:00Z");
    let conns = vec![
        ("arm-east".to_string(), Vendor::AudioCodes),
        ("lp".to_string(), Vendor::LivePlatform),
        ("axp".to_string(), Vendor::Axp),
    ];
    let mut app = App::new(Keymap::load(None).unwrap(), theme, read_only, &conns);
    let east = ConnInfo {
        name: "arm-east".into(),
        vendor: Vendor::AudioCodes,
        source: ConnectionSource::ConfigFile,
        spec: None,
        secrets_kept: Default::default(),
        next_run: Some("2026-11-22T20:00:00Z".into()),
        address: "https://arm.example.com".into(),
        auth: "session".into(),
        insecure: true,
        read_only: false,
        schedule: "every 15m".into(),
        last_run: None,
        last_preview: None,
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
        source: ConnectionSource::Store,
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

pub fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// The frame drawn on a `width`×`height` terminal.
pub fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut term = Terminal::new(TestBackend::new(width, height)).unwrap();
    term.draw(|f| view::draw(f, app)).unwrap();
    term.backend().buffer().clone()
}

/// The frame as text, 120×24, trailing spaces trimmed.
pub fn render(app: &App) -> String {
    let buf = draw(app, 120, 24);
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

pub fn item(number: &str, status: Status, vendor: &str) -> InventoryItem {
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

/// A config-file Live Platform or AXP connection with nothing fetched.
pub fn cloud_connection(name: &str, vendor: Vendor, address: &str) -> ConnInfo {
    ConnInfo {
        name: name.into(),
        vendor,
        source: ConnectionSource::ConfigFile,
        spec: None,
        secrets_kept: Default::default(),
        next_run: None,
        address: address.into(),
        auth: "oauth2".into(),
        insecure: false,
        read_only: false,
        schedule: "-".into(),
        last_run: None,
        last_preview: None,
        last_sync: None,
        last_purge: None,
        used: 0,
        cooling: 0,
        remote: vec![],
    }
}

pub fn voice_app() -> App {
    let mut app = app();
    app.on_data(Data::Connections(vec![cloud_connection(
        "axp",
        Vendor::Axp,
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

/// A one-window page of `rows` (all of the query), with where rows are seen.
pub fn numbers_page(rows: Vec<InventoryItem>, seen_in: Vec<(String, String)>) -> Data {
    let keys = rows
        .iter()
        .map(|r| RowKey {
            sort: r.number.clone(),
            number: r.number.clone(),
        })
        .collect();
    Data::Numbers(NumbersPage {
        query: Default::default(),
        total: Some(rows.len()),
        window: Window {
            offset: 0,
            rows,
            keys,
            at_start: true,
            at_end: true,
        },
        seen_in,
    })
}

/// One stored calling profile of connection `lp`, as the loader sends it.
pub fn one_profile(body: serde_json::Value, refreshed: Option<&str>) -> Data {
    let id = body["callingProfileId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let name = body["name"].as_str().unwrap_or_default().to_string();
    Data::Profiles(
        profile_rows(vec![(
            "lp".into(),
            RemoteItem {
                id,
                parent: String::new(),
                name,
                body,
            },
        )]),
        refreshed.map(String::from),
    )
}
