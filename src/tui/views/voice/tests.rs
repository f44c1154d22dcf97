use super::*;
use crate::tui::component::testing::{confirmed, connection, ctx, submitted, toasts};

/// Two location profiles, one stuck deleting.
fn view() -> Voice {
    let profile = |id: &str, status: &str| RemoteItem {
        id: id.into(),
        parent: String::new(),
        name: format!("profile {id}"),
        body: serde_json::json!({"id": id, "status": status}),
    };
    let mut data = VoiceData::default();
    data.families.push((
        "location_profiles".into(),
        String::new(),
        "Location profiles".into(),
        2,
    ));
    data.items.insert(
        ("location_profiles".into(), String::new()),
        vec![profile("lp-1", "ACTIVE"), profile("lp-2", "PENDING_DELETE")],
    );
    let mut v = Voice::default();
    assert!(matches!(v.on_data(Data::Voice(data)), Taken::Mine(_)));
    v
}

fn delete_op(kind: Option<&JobKind>) -> Option<(&str, VoiceOp)> {
    match kind {
        Some(JobKind::VoiceWrite {
            id: Some(id), op, ..
        }) => Some((id.as_str(), *op)),
        _ => None,
    }
}

#[test]
fn delete_asks_first_and_forces_a_stuck_location_profile() {
    let ctx = ctx(vec![connection("axp", Vendor::Axp)]);
    let mut v = view();
    // The family pane has the focus: no item is chosen yet.
    let effects = v.handle(Action::Delete, &ctx);
    assert_eq!(
        toasts(&effects),
        ["choose an item on the right (→) to delete"]
    );
    v.handle(Action::Enter, &ctx);
    let effects = v.handle(Action::Delete, &ctx);
    assert!(submitted(&effects).is_empty(), "nothing runs before yes");
    assert_eq!(
        delete_op(confirmed(&effects)),
        Some(("lp-1", VoiceOp::Delete { force: false }))
    );
    v.handle(Action::Down, &ctx);
    let effects = v.handle(Action::Delete, &ctx);
    assert_eq!(
        delete_op(confirmed(&effects)),
        Some(("lp-2", VoiceOp::Delete { force: true }))
    );
}

#[test]
fn without_an_axp_connection_writes_and_refreshes_say_so() {
    let ctx = ctx(vec![connection("arm", Vendor::AudioCodes)]);
    let mut v = view();
    for action in [Action::New, Action::Refresh] {
        assert_eq!(
            toasts(&v.handle(action, &ctx)),
            ["no AXP connection is configured"]
        );
    }
    assert_eq!(v.writes(Action::Delete, &ctx), Writes::Nothing);
}

#[test]
fn left_and_right_move_the_focus_and_the_right_cursor() {
    let ctx = ctx(vec![connection("axp", Vendor::Axp)]);
    let mut v = view();
    v.handle(Action::Right, &ctx);
    v.handle(Action::Down, &ctx);
    assert_eq!((v.family.cursor, v.item.cursor), (0, 1));
    v.handle(Action::Left, &ctx);
    assert!(v.selected_item().is_none());
    assert!(matches!(v.handle(Action::Copy, &ctx).as_slice(), []));
    v.handle(Action::Right, &ctx);
    assert!(matches!(
        v.handle(Action::Copy, &ctx).as_slice(),
        [Effect::Run(Command::Copy(id))] if id == "lp-2"
    ));
}

#[test]
fn the_filter_narrows_the_items_and_delete_is_typed_as_text() {
    let ctx = ctx(vec![connection("axp", Vendor::Axp)]);
    let mut v = view();
    v.handle(Action::Filter, &ctx);
    assert!(v.typing() && v.right, "the items take the focus");
    let key = |c| {
        KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        )
    };
    // `D` deletes elsewhere; `/Dev` once opened a delete.
    for c in "PENDING".chars() {
        assert!(v.type_key(None, key(c)).is_empty());
    }
    v.type_key(Some(Action::Enter), key('x'));
    let ids: Vec<&str> = v.visible_items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["lp-2"]);
    assert_eq!(
        delete_op(confirmed(&v.handle(Action::Delete, &ctx))),
        Some(("lp-2", VoiceOp::Delete { force: true })),
        "the filtered row is the one acted on"
    );
    v.handle(Action::Escape, &ctx);
    assert_eq!(v.visible_items().len(), 2);
}
