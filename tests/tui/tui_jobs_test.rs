//! The Jobs tab says how each job ended.

use crate::tui_common;
use tui_common::*;

use switchboard::domain::job::JobState;
use switchboard::store::jobs::JobRecord;
use switchboard::tui::action::Action;
use switchboard::tui::data::Data;

/// A partial refresh shows its summary (what was refreshed and what
/// failed, kept from when), not only the error, as `switchboard jobs` does.
#[test]
fn a_partial_job_shows_what_was_refreshed_and_what_failed() {
    let mut app = app();
    app.update(Action::Tab5);
    app.on_data(Data::Jobs(vec![JobRecord {
        id: "j1".into(),
        kind: "refresh".into(),
        target: "axp".into(),
        state: JobState::Partial,
        done: 0,
        total: 0,
        created_at: "2026-11-30T05:52:28Z".into(),
        started_at: None,
        ended_at: None,
        summary: "axp: 12 of 13 families refreshed".into(),
        error: "axp: refreshed in part: msteams failed".into(),
    }]));
    let screen = render(&app);
    assert!(
        screen.contains("partial") && screen.contains("axp: 12 of 13 famil"),
        "{screen}"
    );
}

/// A failed import's error lists its bad lines: the job's details show
/// them as lines, not as one line with `\x0a` in it.
#[test]
fn a_job_error_of_several_lines_shows_as_lines_in_the_details() {
    let mut app = app();
    app.update(Action::Tab5);
    app.on_data(Data::Jobs(vec![JobRecord {
        id: "j1".into(),
        kind: "import".into(),
        target: "in.csv".into(),
        state: JobState::Failed,
        done: 0,
        total: 0,
        created_at: "2026-11-30T05:52:28Z".into(),
        started_at: None,
        ended_at: None,
        summary: String::new(),
        error: "in.csv: nothing was imported: 2 bad lines\n  line 2: unknown status \"Bogus\"\n  line 3: 3 fields, but the header has 2".into(),
    }]));
    app.update(Action::Enter);
    let screen = render(&app);
    let line_of = |needle: &str| {
        screen
            .lines()
            .position(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in:\n{screen}"))
    };
    let (count, first, second) = (
        line_of("nothing was imported: 2 bad lines"),
        line_of("line 2: unknown status"),
        line_of("line 3: 3 fields"),
    );
    assert!(count < first && first < second, "{screen}");
}
