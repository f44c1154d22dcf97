//! The dashboard shows vendor text escaped. ratatui already drops control
//! characters and zero-width ones (a bidi override among them) as it fills
//! its buffer, so nothing raw reaches the terminal either way; escaped,
//! the operator also sees that they are there, instead of a name that
//! silently reads as another.

use crate::tui_common;
use tui_common::*;

use crossterm::event::KeyCode;
use switchboard::store::remote::RemoteItem;
use switchboard::tui::action::Action;
use switchboard::tui::data::{Data, VoiceData};

const NAME: &str = "Evil\u{1b}[2J\u{202e}1555";
const SHOWN: &str = "Evil\\x1b[2J\\u{202e}1555";
/// What a narrow column keeps of it.
const SHOWN_HEAD: &str = "Evil\\x1b[2J\\u{";

fn assert_shown_escaped(screen: &str) {
    assert!(screen.contains(SHOWN_HEAD), "{screen}");
    assert!(
        !screen.contains(['\u{1b}', '\u{7}', '\u{202e}']),
        "{screen:?}"
    );
}

#[test]
fn a_calling_profile_name_is_shown_escaped() {
    let mut app = app();
    app.update(Action::Tab3);
    let body = serde_json::json!({"callingProfileId": "cp-1", "name": NAME, "enviroment": "Production",
        "region": "EMEA", "trunksEnrolled": []});
    app.on_data(one_profile(body, Some("2026-11-22T19:00:00Z")));
    let screen = render(&app);
    assert!(screen.contains(SHOWN), "{screen}");
    assert_shown_escaped(&screen);
    // The raw body stays exact (it is what Enter shows as JSON, escaped there).
    key(&mut app, KeyCode::Enter);
    let json = render(&app);
    assert!(json.contains("Evil\\u001b[2J\\u202e1555"), "{json}");
    assert!(!json.contains(['\u{1b}', '\u{202e}']), "{json:?}");
}

#[test]
fn an_axp_element_name_is_shown_escaped_and_its_body_kept_exact() {
    let mut app = voice_app();
    let mut v = VoiceData::default();
    v.families
        .push(("aco".into(), String::new(), "ACO elements".into(), 1));
    let body = serde_json::json!({"elementId": "el-1", "name": NAME, "environment": "Production",
        "status": "SUCCESS", "didNumbers": ["+16062128688"]});
    v.items.insert(
        ("aco".into(), String::new()),
        vec![RemoteItem {
            id: "el-1".into(),
            parent: String::new(),
            name: NAME.into(),
            body: body.clone(),
        }],
    );
    app.on_data(Data::Voice(v));
    app.update(Action::Right);
    assert_shown_escaped(&render(&app));
    // What an edit form starts from is the vendor's exact value.
    let voice = app.view::<switchboard::tui::views::voice::Voice>().unwrap();
    assert_eq!(voice.selected_items().unwrap()[0].body, body);
}

#[test]
fn a_service_and_a_lead_are_shown_escaped() {
    let mut app = app();
    app.update(Action::Tab3);
    key(&mut app, KeyCode::Char('S'));
    app.on_data(Data::Services(
        vec![(
            "lp".into(),
            serde_json::json!({"UmpCustomerGuid": "g-1", "CustomerShortName": NAME}),
        )],
        vec![(
            "lp".into(),
            serde_json::json!({"id": "lead-1", "status": "Active",
                "contactDetails": {"companyName": NAME}}),
        )],
    ));
    let screen = render(&app);
    assert_eq!(screen.matches(SHOWN_HEAD).count(), 2, "{screen}");
    assert_shown_escaped(&screen);
    // The lead a service is made from keeps its exact text.
    let profiles = app
        .view::<switchboard::tui::views::profiles::Profiles>()
        .unwrap();
    assert_eq!(
        profiles.services.leads[0].1["contactDetails"]["companyName"],
        NAME
    );
}

/// A job recorded raw (by an older switchboard, before the worker escaped
/// what it records) still shows escaped: the reader escapes what it loads.
#[test]
fn a_job_recorded_raw_is_loaded_escaped_and_shown_escaped() {
    use switchboard::domain::job::{JobKind, JobState};
    use switchboard::store::Store;
    use switchboard::tui::data::{spawn, DataRequest};

    let dir = tempfile::tempdir().unwrap();
    let store_path = dir.path().join("s.db");
    let store = Store::open(&store_path).unwrap();
    store.insert_job("job-raw-1", &JobKind::Sweep).unwrap();
    store.append_job_log("job-raw-1", NAME).unwrap();
    store
        .finish_job("job-raw-1", JobState::Failed, "", &format!("lp: {NAME}"))
        .unwrap();
    drop(store);
    let config_path = dir.path().join("config.toml");
    std::fs::write(
        &config_path,
        format!(
            "store_path = \"{}\"\nlog_dir = \"{}\"\n",
            store_path.display(),
            dir.path().join("logs").display()
        ),
    )
    .unwrap();
    let config = switchboard::config::load(Some(&config_path)).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let loader = spawn(std::sync::Arc::new(config), tx);

    loader.send(DataRequest::Jobs);
    let jobs = match rx.blocking_recv() {
        Some(Data::Jobs(j)) => j,
        other => panic!("{other:?}"),
    };
    assert_eq!(jobs[0].error, format!("lp: {SHOWN}"));
    loader.send(DataRequest::JobLog("job-raw-1".into()));
    match rx.blocking_recv() {
        Some(Data::JobLog(_, lines)) => {
            assert!(lines[0].ends_with(SHOWN), "{lines:?}")
        }
        other => panic!("{other:?}"),
    }

    let mut app = app();
    app.update(Action::Tab5);
    app.on_data(Data::Jobs(jobs));
    let screen = render(&app);
    assert!(screen.contains(&format!("lp: {SHOWN_HEAD}")), "{screen}");
    assert_shown_escaped(&screen);
}
