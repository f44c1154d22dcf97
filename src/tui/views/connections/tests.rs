use super::*;
use crate::tui::component::testing::{confirmed, connection, ctx, submitted, toasts, typed};

fn estate() -> Ctx {
    ctx(vec![
        connection("arm", Vendor::AudioCodes),
        connection("lp", Vendor::LivePlatform),
        connection("axp", Vendor::Axp),
    ])
}

#[test]
fn purge_asks_for_the_name_on_audiocodes_and_refuses_elsewhere() {
    let ctx = estate();
    let mut view = Connections::default();
    let effects = view.handle(Action::Purge, &ctx);
    assert!(confirmed(&effects).is_none(), "no y/n for a purge");
    assert_eq!(
        typed(&effects),
        Some((
            "arm",
            &JobKind::PurgeAudioCodes {
                connection: "arm".into()
            }
        ))
    );
    view.handle(Action::Down, &ctx);
    let effects = view.handle(Action::Purge, &ctx);
    assert!(confirmed(&effects).is_none() && submitted(&effects).is_empty());
    assert_eq!(
        toasts(&effects),
        ["purge is for AudioCodes connections (PurgeAudioCodes__<name>)"]
    );
}

#[test]
fn refresh_is_the_vendors_job_and_only_a_sync_writes() {
    let ctx = estate();
    let mut view = Connections::default();
    let kinds: Vec<(JobKind, bool)> = (0..3)
        .map(|i| {
            view.cursor.cursor = i;
            let writes = view.writes(Action::Refresh, &ctx) != Writes::Nothing;
            (
                submitted(&view.handle(Action::Refresh, &ctx))[0].clone(),
                writes,
            )
        })
        .collect();
    assert!(matches!(
        kinds[0],
        (JobKind::SyncAudioCodes { dry_run: false, .. }, true)
    ));
    assert!(matches!(
        kinds[1],
        (JobKind::RefreshLivePlatform { .. }, false)
    ));
    assert!(matches!(kinds[2], (JobKind::RefreshVoice { .. }, false)));
}

#[test]
fn a_config_file_connection_is_edited_in_the_file() {
    let ctx = estate();
    let mut view = Connections::default();
    for action in [Action::Edit, Action::Delete] {
        let effects = view.handle(action, &ctx);
        assert_eq!(
            toasts(&effects),
            ["arm is declared in the config file; change it there"]
        );
    }
    assert!(matches!(
        view.handle(Action::New, &ctx).as_slice(),
        [Effect::Form(FormPurpose::NewConnection { taken }, _)] if taken.len() == 3
    ));
}

fn run(kind: &str, job: &str, at: &str) -> SyncRun {
    SyncRun {
        kind: kind.into(),
        started_at: at.into(),
        ended_at: at.into(),
        result: if kind == "preview" {
            "preview"
        } else {
            "applied"
        }
        .into(),
        counts: Default::default(),
        error: String::new(),
        job_id: Some(job.into()),
    }
}

#[test]
fn enter_opens_the_newest_runs_details_whatever_its_kind() {
    let mut ctx = estate();
    let arm = &mut ctx.connections[0];
    arm.last_sync = Some(run("sync", "sync-job-1", "2026-11-30T08:00:00Z"));
    arm.last_run = arm.last_sync.clone();
    arm.last_preview = Some(run("preview", "preview-job-2", "2026-11-30T09:00:00Z"));
    let mut view = Connections::default();
    match view.handle(Action::Enter, &ctx).as_slice() {
        [Effect::Detail { title, lines }, Effect::Run(Command::Load(DataRequest::JobLog(id)))] => {
            assert_eq!(id, "preview-job-2", "the preview is newer than the sync");
            assert_eq!(title, &job_title(id));
            assert_eq!(lines[0], "preview arm — preview");
        }
        other => panic!("{other:?}"),
    }
    // A connection that never ran says so rather than opening nothing.
    view.handle(Action::Down, &ctx);
    assert_eq!(
        toasts(&view.handle(Action::Enter, &ctx)),
        ["lp has no run to show yet"]
    );
}

#[test]
fn the_cursor_stays_on_a_list_that_shrank() {
    let mut ctx = estate();
    let mut view = Connections::default();
    view.handle(Action::Bottom, &ctx);
    ctx.connections.truncate(1);
    assert_eq!(view.selected(&ctx).map(|c| c.name.as_str()), Some("arm"));
    view.handle(Action::Up, &ctx);
    assert_eq!(view.cursor.cursor, 0);
}

fn letter(c: char) -> KeyEvent {
    KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}

#[test]
fn a_stored_connection_is_deleted_only_by_typing_its_name() {
    let mut lab = connection("arm-lab", Vendor::AudioCodes);
    lab.source = ConnectionSource::Store;
    let ctx = ctx(vec![lab]);
    let mut view = Connections::default();
    let effects = view.handle(Action::Delete, &ctx);
    assert_eq!(
        typed(&effects),
        Some((
            "arm-lab",
            &JobKind::DeleteConnection {
                connection: "arm-lab".into()
            }
        ))
    );
}

#[test]
fn the_filter_takes_letters_as_text_and_narrows_the_list() {
    let ctx = estate();
    let mut view = Connections::default();
    assert!(view.handle(Action::Filter, &ctx).is_empty());
    assert!(view.typing());
    // `r` syncs and `t` tests elsewhere: here they are text.
    for c in "axp".chars().chain("rtpPD".chars()) {
        assert!(view.type_key(None, letter(c)).is_empty());
    }
    assert_eq!(view.filter.text(), "axprtpPD");
    assert!(view.visible(&ctx).is_empty());
    view.type_key(Some(Action::Escape), letter('x'));
    assert!(!view.typing() && view.visible(&ctx).len() == 3);

    view.handle(Action::Filter, &ctx);
    for c in "lp".chars() {
        view.type_key(None, letter(c));
    }
    view.type_key(Some(Action::Enter), letter('x'));
    assert!(!view.typing(), "Enter closes the filter");
    assert_eq!(view.selected(&ctx).map(|c| c.name.as_str()), Some("lp"));
    // The filtered row is the one acted on.
    assert!(matches!(
        submitted(&view.handle(Action::Refresh, &ctx))[..],
        [JobKind::RefreshLivePlatform { .. }]
    ));
    view.handle(Action::Escape, &ctx);
    assert_eq!(view.visible(&ctx).len(), 3, "Esc clears the filter");
}
