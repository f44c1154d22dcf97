//! Readability at the sizes operators use (issue 17): every tab at 80×24
//! and 160×45 as snapshots, identifiers (numbers, connection and profile
//! names, job targets) whole or absent at 60, 80 and 160 columns, and the
//! tab bar naming the active tab at any width.

use crate::tui_common;
use tui_common::*;

use chrono::NaiveDate;
use switchboard::domain::cooling::cooled;
use switchboard::domain::job::JobState;
use switchboard::domain::number::Status;
use switchboard::store::jobs::JobRecord;
use switchboard::store::remote::RemoteItem;
use switchboard::store::sync::SyncRun;
use switchboard::tui::action::Action;
use switchboard::tui::app::App;
use switchboard::tui::data::{profile_rows, Data, NumberSummary};
use switchboard::tui::theme::Theme;

const NUMBERS: [&str; 6] = [
    "+12125550123",
    "+12125550124",
    "+442079460000",
    "+12125550126",
    "+12125550127",
    "+16062128688",
];
const CONNECTIONS: [&str; 4] = ["arm-east", "arm-lab", "lp-demo", "axp-demo"];
const PROFILES: [&str; 3] = [
    "PROD_AudioCodesRD_Calling_AC_EMEA_Call_Conf",
    "PROD_AMER_Calling_02",
    "PROD_UK_Calling_04",
];

/// `width`×`height` as text, trailing spaces trimmed.
fn screen(app: &App, width: u16, height: u16) -> String {
    let buf = draw(app, width, height);
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

/// Every identifier of `ids` that starts on screen (its first five
/// characters after a non-word character) is there whole.
fn assert_whole(screen: &str, ids: &[&str], what: &str) {
    let word = |c: char| c.is_alphanumeric() || "_-+".contains(c);
    for id in ids {
        let head: String = id.chars().take(5).collect();
        for (at, _) in screen.match_indices(head.as_str()) {
            let before = screen[..at].chars().last();
            if before.is_some_and(word) {
                continue;
            }
            let rest = &screen[at..];
            assert!(
                ids.iter().any(|other| rest.starts_with(other)),
                "{what}: {id} cut at {:?}:\n{screen}",
                rest.chars().take(id.len()).collect::<String>()
            );
        }
    }
}

/// The connections, profiles, services, voice items, numbers and jobs of a
/// small estate, with the long names the demo has.
fn estate() -> App {
    let mut app = voice_app();
    let mut conns = vec![];
    let east_run = SyncRun {
        kind: "sync".into(),
        started_at: "2026-11-22T19:40:00Z".into(),
        ended_at: "2026-11-22T19:40:02Z".into(),
        result: "applied".into(),
        counts: Default::default(),
        error: String::new(),
        job_id: None,
    };
    app.update(Action::Tab1);
    let base = app_with(Theme { color: false }, false);
    for c in &base.ctx.connections {
        let mut c = c.clone();
        c.last_run = Some(east_run.clone());
        c.last_sync = Some(east_run.clone());
        conns.push(c);
    }
    conns.push(cloud_connection(
        "lp-demo",
        Vendor::LivePlatform,
        "https://lp.example.com",
    ));
    conns.push(cloud_connection(
        "axp-demo",
        Vendor::Axp,
        "https://na.cc.avayacloud.com (account ABCDEF)",
    ));
    app.on_data(Data::Connections(conns));

    let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut rows = vec![
        item(NUMBERS[0], Status::Used, "AudioCodes"),
        cooled(&item(NUMBERS[1], Status::Used, "AudioCodes"), day, 2),
        item(NUMBERS[2], Status::Used, "Microsoft"),
        item(NUMBERS[3], Status::Reserved, ""),
        item(NUMBERS[4], Status::Available, ""),
        item(NUMBERS[5], Status::Available, ""),
    ];
    rows[3].tag = "lab handsets, 4th floor".into();
    app.on_data(numbers_page(
        rows,
        vec![
            (NUMBERS[4].into(), "test number of calling profile X".into()),
            (NUMBERS[5].into(), "ACO element Avaya Cloud Office".into()),
        ],
    ));
    app.on_data(Data::NumberSummary(NumberSummary {
        counts: vec![
            (Status::Used, 3862),
            (Status::Cooling, 36),
            (Status::Available, 60),
            (Status::Reserved, 30),
        ],
        releases: (0..14)
            .map(|i| (day + chrono::Days::new(i), if i < 3 { 12 } else { 0 }))
            .collect(),
    }));

    let profile = |id: &str, name: &str, trunks: usize| {
        let trunks: Vec<serde_json::Value> = (0..trunks)
            .map(|i| serde_json::json!({"trunkId": format!("3167c9da-26b5-4e14-b513-460e1c1134f{i}"), "trunkFqdn": format!("oc{i}.amer.carrier.example.net"), "matchingSbcList": [{"sbcId": 13, "fqdn": "sbc1.amer.oc.example.net", "ipAddress": "10.1.0.10", "name": "SBC-AMER-1"}]}))
            .collect();
        (
            "lp-demo".to_string(),
            RemoteItem {
                id: id.into(),
                parent: String::new(),
                name: name.into(),
                body: serde_json::json!({"callingProfileId": id, "name": name, "enviroment": "Test", "region": "AMER", "carrier": "Example Carrier",
                    "offerTypes": [{"offerTypeName": "Calling", "testNumbers": ["+442079500000"]}], "trunksEnrolled": trunks,
                    "validation": {"Calling": "NotRun"}}),
            },
        )
    };
    app.on_data(Data::Profiles(
        profile_rows(vec![
            profile("843896fb-4ef4-457b-b36f-8fb29c4525ca", PROFILES[0], 2),
            profile("9c4525ca-4ef4-457b-b36f-8fb2843896fb", PROFILES[1], 1),
            profile("4ef4457b-9c45-25ca-b36f-8fb2843896fb", PROFILES[2], 3),
        ]),
        Some("2026-11-22T19:00:00Z".into()),
    ));
    let service = |n: u32| {
        (
            "lp-demo".to_string(),
            serde_json::json!({"CustomerShortName": format!("Cust00{n}"), "CustomerFullName": format!("Customer {n} Holdings International plc"),
                "LicenseType": "Paid", "ActiveUserCount": 20 + n, "LicensedUsersCount": 50,
                "MsTenantId": format!("13c4f292-f003-499f-abc4-8af362b3ca6{n}"),
                "SiteLocation": [{"name": format!("site-{n}"), "sbcId": 10, "sbcDeploymentState": "Deployed"}]}),
        )
    };
    let lead = |n: u32| {
        (
            "lp-demo".to_string(),
            serde_json::json!({"id": format!("0b9d6a5e-7f7e-4a43-9d8a-1d3c2b4a5e6{n}"), "status": "Active",
                "contactDetails": {"companyName": format!("Prospect {n} plc"), "email": format!("lead{n}@example.com")},
                "tenantId": format!("7d520982-a17b-4d59-9803-cbdc13a9a89{n}")}),
        )
    };
    app.on_data(Data::Services(
        (1..4).map(service).collect(),
        (1..4).map(lead).collect(),
    ));
    let job = |id: &str, kind: &str, target: &str, state: JobState, summary: &str| JobRecord {
        id: id.into(),
        kind: kind.into(),
        target: target.into(),
        state,
        done: 0,
        total: 0,
        created_at: "2026-11-22T19:48:00Z".into(),
        started_at: Some("2026-11-22T19:48:00Z".into()),
        ended_at: Some("2026-11-22T19:48:02Z".into()),
        summary: summary.into(),
        error: String::new(),
    };
    app.on_data(Data::Jobs(vec![
        job("j1", "sync", "arm-east", JobState::Succeeded, "arm-east: added 2300, restored 0, cooled 0, released 0, unchanged 114, skipped 21, conflicts 1"),
        job("j2", "refresh", "lp-demo", JobState::Succeeded, "lp-demo: 8 calling profiles, 14 services, 25 leads"),
        job("j3", "refresh", "axp-demo", JobState::Partial, "axp-demo: 138 voice elements; 2 families failed"),
    ]));
    app
}

/// Each tab (and the Services view) with its name for snapshots, and the
/// identifiers it shows.
fn tabs() -> Vec<(&'static str, Vec<Action>, Vec<&'static str>)> {
    vec![
        ("connections", vec![Action::Tab1], CONNECTIONS.to_vec()),
        ("numbers", vec![Action::Tab2], {
            let mut ids = NUMBERS.to_vec();
            ids.extend(CONNECTIONS);
            ids
        }),
        ("calling_profiles", vec![Action::Tab3], PROFILES.to_vec()),
        (
            "services",
            vec![Action::Tab3, Action::Services],
            vec![
                "Cust001",
                "Cust002",
                "Cust003",
                "Prospect 1 plc",
                "Prospect 2 plc",
                "Prospect 3 plc",
            ],
        ),
        (
            "voice",
            vec![Action::Tab4, Action::Right],
            vec!["Avaya Cloud Office", "ACO staging", "+16062128688"],
        ),
        ("jobs", vec![Action::Tab5], CONNECTIONS.to_vec()),
    ]
}

fn open(tab: &[Action]) -> App {
    let mut app = estate();
    for a in tab {
        app.update(*a);
    }
    app
}

#[test]
fn every_tab_at_80x24_and_160x45() {
    for (name, actions, _) in tabs() {
        let app = open(&actions);
        insta::assert_snapshot!(format!("{name}_80x24"), screen(&app, 80, 24));
        insta::assert_snapshot!(format!("{name}_160x45"), screen(&app, 160, 45));
    }
}

#[test]
fn identifiers_are_whole_or_absent_at_every_width() {
    for (name, actions, ids) in tabs() {
        let app = open(&actions);
        for (w, h) in [(60, 20), (80, 24), (100, 30), (160, 45)] {
            let text = screen(&app, w, h);
            assert_whole(&text, &ids, &format!("{name} at {w}x{h}"));
            // The first identifier of each tab shows at 80 columns.
            if w >= 80 {
                assert!(text.contains(ids[0]), "{name} at {w}x{h}:\n{text}");
            }
        }
    }
}

#[test]
fn numbers_at_80_columns_show_every_number_and_its_connection_whole() {
    let app = open(&[Action::Tab2]);
    let text = screen(&app, 80, 24);
    for n in NUMBERS {
        assert!(text.contains(n), "{n}:\n{text}");
    }
    assert!(text.contains("arm-east"), "{text}");
    // Headers are never cut.
    for header in ["Number", "Status", "Connection"] {
        assert!(text.contains(header), "{header}:\n{text}");
    }
}

#[test]
fn the_tab_bar_names_the_active_tab_at_60_80_and_160_columns() {
    let titles = [
        "1 Connections",
        "2 Numbers",
        "3 Calling Profiles",
        "4 Voice",
        "5 Jobs",
    ];
    let go = [
        Action::Tab1,
        Action::Tab2,
        Action::Tab3,
        Action::Tab4,
        Action::Tab5,
    ];
    for read_only in [false, true] {
        let mut app = app_with(Theme { color: false }, read_only);
        for (tab, title) in go.iter().zip(titles) {
            app.update(*tab);
            for width in [60, 80, 160] {
                let top = screen(&app, width, 24);
                let top = top.lines().next().unwrap_or_default();
                assert!(top.contains(title), "{width} cols: {title} in {top:?}");
                for n in 1..=5 {
                    assert!(top.contains(&n.to_string()), "{width}: tab {n} in {top:?}");
                }
                if read_only {
                    assert!(top.contains("READ-ONLY"), "{width}: {top:?}");
                }
                if width >= 80 {
                    assert!(top.contains(&titles.join("  ")), "{width}: {top:?}");
                }
            }
        }
    }
}

#[test]
fn below_60x20_the_screen_says_it_is_too_small() {
    let app = open(&[Action::Tab2]);
    for (w, h) in [(59, 24), (80, 19), (40, 10)] {
        let text = screen(&app, w, h);
        assert!(
            text.contains(&format!("{w}×{h}")) && text.contains("60×20"),
            "{w}x{h}:\n{text}"
        );
        assert!(!text.contains("+12125550123"), "{w}x{h}:\n{text}");
    }
    let text = screen(&app, 60, 20);
    assert!(!text.contains("needs at least"), "{text}");
    assert!(text.contains("+12125550123"), "{text}");
}
