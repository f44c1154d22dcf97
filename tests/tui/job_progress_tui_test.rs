//! The dashboard's job detail draws its bars from the job's typed progress
//! events (`JobEvent::Progress`), never from its log lines.

use crate::tui_common;
use tui_common::*;

use switchboard::domain::job::{JobKind, JobState};
use switchboard::store::jobs::JobRecord;
use switchboard::tui::action::Action;
use switchboard::tui::app::{App, Overlay};
use switchboard::tui::data::Data;
use switchboard::tui::sync_bars::MARK;
use switchboard::worker::JobEvent;

const ID: &str = "0123456789abcdef";

fn detail(app: &App) -> Vec<String> {
    match &app.overlay {
        Some(Overlay::Detail { lines, .. }) => lines.clone(),
        other => panic!("no detail open: {other:?}"),
    }
}

fn progress(entity: &str, done: u64, failed: u64, total: u64) -> JobEvent {
    JobEvent::Progress {
        id: ID.into(),
        entity: entity.into(),
        done,
        failed,
        total,
    }
}

#[test]
fn a_cm_syncs_entities_show_as_bars_from_its_progress_events() {
    let mut app = app();
    app.on_job(JobEvent::Queued {
        id: ID.into(),
        kind: JobKind::Sweep,
    });
    app.on_data(Data::Jobs(vec![JobRecord {
        id: ID.into(),
        kind: "sync-cm".into(),
        target: "axp/cm-1".into(),
        state: JobState::Running,
        done: 0,
        total: 0,
        created_at: "2026-11-22T09:00:00Z".into(),
        started_at: None,
        ended_at: None,
        summary: String::new(),
        error: String::new(),
    }]));
    app.update(Action::Tab5);
    app.update(Action::Enter);
    // A log line in the old counts' shape draws nothing by itself.
    app.on_data(Data::JobLog(
        ID.into(),
        vec!["AGENT: 1 completed, 0 failed, 3 in progress".into()],
    ));
    assert!(!detail(&app).iter().any(|l| l.starts_with(MARK)));

    app.on_job(progress("AGENT", 20, 0, 40));
    app.on_job(progress("SKILL", 8, 2, 10));
    app.on_job(progress("status checks", 3, 0, 0));
    let lines = detail(&app);
    let bars: Vec<&String> = lines.iter().filter(|l| l.starts_with(MARK)).collect();
    assert_eq!(bars.len(), 2, "{lines:#?}");
    assert!(lines[2].starts_with(&format!("{MARK}AGENT ")), "{lines:#?}");
    assert!(lines[2].ends_with(" 20/40"), "{}", lines[2]);
    assert!(lines[3].ends_with(" 8/10 (2 failed)"), "{}", lines[3]);
    // The Jobs row's bar: what has ended of everything counted.
    assert_eq!((app.ctx.live[0].done, app.ctx.live[0].total), (30, 50));

    // Newer counts replace the block; more log lines keep it under the header.
    app.on_job(progress("AGENT", 40, 0, 40));
    app.on_job(JobEvent::Log {
        id: ID.into(),
        line: "statusCode COMPLETED".into(),
    });
    let lines = detail(&app);
    assert_eq!(lines.iter().filter(|l| l.starts_with(MARK)).count(), 2);
    assert!(lines[2].ends_with(" 40/40"), "{}", lines[2]);
    assert_eq!(lines.last().unwrap(), "statusCode COMPLETED");
}
