use super::*;
use crate::domain::number::InventoryItem;
use crate::store::number_query::RowKey;
use crate::store::number_window::Window;
use crate::tui::component::testing::{confirmed, ctx, submitted, typed};
use crate::tui::data::NumbersPage;
use crossterm::event::{KeyCode, KeyModifiers};

/// A view holding `numbers`, all of the (unfiltered) query.
fn view(numbers: &[&str]) -> Numbers {
    let mut v = Numbers::default();
    assert!(matches!(v.on_data(page(numbers)), Taken::Mine(_)));
    v
}

/// The whole (unfiltered) query's rows: `numbers`.
fn page(numbers: &[&str]) -> Data {
    let rows: Vec<InventoryItem> = numbers
        .iter()
        .map(|n| InventoryItem::available(*n))
        .collect();
    let keys = rows
        .iter()
        .map(|r| RowKey {
            sort: r.number.clone(),
            number: r.number.clone(),
        })
        .collect();
    let page = NumbersPage {
        query: Default::default(),
        total: Some(rows.len()),
        window: Window {
            offset: 0,
            rows,
            keys,
            at_start: true,
            at_end: true,
        },
        seen_in: vec![],
    };
    Data::Numbers(page)
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn typing_a_filter_asks_for_the_filtered_rows_from_the_top() {
    let mut v = view(&["+15550001", "+15550002", "+15550003"]);
    v.handle(Action::Down, &ctx(vec![]));
    v.handle(Action::Filter, &ctx(vec![]));
    assert!(v.typing());
    let effects = v.type_key(None, key('2'));
    assert_eq!(v.state.query.text, "2");
    assert_eq!(v.state.cursor, 0);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Run(Command::Load(DataRequest::Numbers { query, .. }))] if query.text == "2"
    ));
    // Enter keeps the filter; Esc (through the keymap's filter section)
    // would have dropped the text typed.
    v.type_key(Some(Action::Enter), key('x'));
    assert!(!v.typing());
    assert_eq!(v.state.query.text, "2");
    // Ctrl-c while typing quits.
    v.handle(Action::Filter, &ctx(vec![]));
    assert!(matches!(
        v.type_key(Some(Action::Quit), key('c')).as_slice(),
        [Effect::Quit]
    ));
}

#[test]
fn marked_numbers_are_released_after_a_confirmation() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001", "+15550002", "+15550003"]);
    v.handle(Action::Mark, &ctx);
    v.handle(Action::Mark, &ctx);
    assert_eq!(v.state.cursor, 2, "marking moves down");
    let effects = v.handle(Action::Release, &ctx);
    assert!(submitted(&effects).is_empty(), "nothing runs before yes");
    assert_eq!(
        confirmed(&effects),
        Some(&JobKind::EditNumbers {
            numbers: vec!["+15550001".into(), "+15550002".into()],
            action: NumberAction::Release,
        })
    );
    assert!(
        matches!(&effects[0], Effect::Confirm { message, .. } if message.starts_with("Release 2 marked numbers now?"))
    );
    assert_eq!(v.state.marks.len(), 2, "kept until the release succeeds");
}

#[test]
fn without_marks_the_cursors_number_is_edited() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001", "+15550002"]);
    v.handle(Action::Down, &ctx);
    assert_eq!(
        submitted(&v.handle(Action::Reserve, &ctx)),
        [&JobKind::EditNumbers {
            numbers: vec!["+15550002".into()],
            action: NumberAction::Reserve,
        }]
    );
    assert!(matches!(
        v.handle(Action::Cool, &ctx).as_slice(),
        [Effect::Form(FormPurpose::Cool(n), _)] if n == &["+15550002"]
    ));
    assert_eq!(v.writes(Action::Cool, &ctx), Writes::Store);
    assert_eq!(v.writes(Action::Export, &ctx), Writes::Nothing);
}

#[test]
fn escape_clears_one_thing_at_a_time_input_then_filter_then_marks() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001"]);
    v.handle(Action::StatusFilter, &ctx);
    assert_eq!(v.state.query.status, Some(Status::ALL[0]));
    v.state.marks.insert("+15550001".into());
    v.handle(Action::Filter, &ctx);
    v.type_key(None, key('5'));
    // 1: the text being typed.
    v.type_key(Some(Action::Escape), key('x'));
    assert!(!v.typing());
    assert_eq!(v.state.query.text, "");
    assert_eq!(v.state.query.status, Some(Status::ALL[0]));
    assert_eq!(v.state.marks.len(), 1);
    // 2: the filter (the status filter).
    let effects = v.handle(Action::Escape, &ctx);
    assert_eq!(v.state.query, Default::default());
    assert_eq!(effects.len(), 1, "one new query");
    assert_eq!(v.state.marks.len(), 1, "the marks stay");
    // 3: the marks.
    assert!(v.handle(Action::Escape, &ctx).is_empty());
    assert!(v.state.marks.is_empty());
    // Nothing left to clear: Escape does nothing.
    assert!(v.handle(Action::Escape, &ctx).is_empty());
}

#[test]
fn releasing_more_than_five_numbers_asks_for_the_count() {
    let ctx = ctx(vec![]);
    let numbers: Vec<String> = (1..=6).map(|i| format!("+1555000{i}")).collect();
    let refs: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let mut v = view(&refs);
    for _ in 0..5 {
        v.handle(Action::Mark, &ctx);
    }
    let effects = v.handle(Action::Release, &ctx);
    assert!(confirmed(&effects).is_some(), "five keep a y/n question");
    v.handle(Action::Mark, &ctx);
    let effects = v.handle(Action::Release, &ctx);
    assert!(confirmed(&effects).is_none());
    assert!(
        matches!(typed(&effects), Some(("6", JobKind::EditNumbers { numbers, .. })) if numbers.len() == 6)
    );
}

#[test]
fn while_typing_a_filter_the_edit_keys_are_text() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001"]);
    v.handle(Action::Filter, &ctx);
    for c in "RcxvVeaiEq".chars() {
        let effects = v.type_key(None, key(c));
        assert!(submitted(&effects).is_empty() && confirmed(&effects).is_none());
        assert!(!effects
            .iter()
            .any(|e| matches!(e, Effect::Form(..) | Effect::Quit)));
    }
    assert_eq!(v.state.query.text, "RcxvVeaiEq");
}

#[test]
fn the_status_filter_ends_with_the_conflicts_of_the_last_sync() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001"]);
    for _ in Status::ALL {
        v.handle(Action::StatusFilter, &ctx);
    }
    assert!(!v.state.query.last_sync_conflicts);
    let effects = v.handle(Action::StatusFilter, &ctx);
    assert_eq!(v.state.query.status, None);
    assert!(v.state.query.last_sync_conflicts);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Run(Command::Load(DataRequest::Numbers { query, .. }))] if query.last_sync_conflicts
    ));
    // Once more: back to every number.
    v.handle(Action::StatusFilter, &ctx);
    assert_eq!(v.state.query, Default::default());
}

#[test]
fn mark_all_marks_the_whole_view_and_shift_movement_a_range() {
    let ctx = ctx(vec![]);
    let mut v = view(&["+15550001", "+15550002", "+15550003"]);
    v.handle(Action::MarkDown, &ctx);
    assert_eq!(v.state.cursor, 1);
    assert_eq!(v.state.marks.len(), 2, "the row left and the row reached");
    v.handle(Action::Escape, &ctx); // ends the range, keeps its marks
    assert!(!v.state.range.active());
    assert_eq!(v.state.marks.len(), 2);
    v.handle(Action::MarkAll, &ctx);
    assert_eq!(v.state.marks.len(), 3);
    v.handle(Action::MarkAll, &ctx);
    assert!(v.state.marks.is_empty(), "all marked: * unmarks them");
}

#[test]
fn mark_all_on_a_partly_loaded_view_asks_for_the_whole_list_first() {
    let ctx = ctx(vec![]);
    let mut v = Numbers::default();
    let effects = v.handle(Action::MarkAll, &ctx);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Run(Command::Load(DataRequest::Numbers { seek: Seek::First, limit, .. }))] if *limit == MARK_ALL_MAX + 1
    ));
    assert!(v.state.mark_all_pending);
    v.on_data(page(&["+15550001", "+15550002"]));
    assert!(!v.state.mark_all_pending);
    assert_eq!(v.state.marks.len(), 2);
}

#[test]
fn the_viewport_comes_from_layout_not_from_drawing() {
    let mut v = Numbers::default();
    v.layout(Rect::new(0, 0, 120, 22));
    // Three lines of header, the table's borders and its header row.
    assert_eq!(v.viewport, 16);
}

#[test]
fn a_count_on_its_way_says_so_and_claims_only_the_rows_seen() {
    let mut v = Numbers::default();
    let Data::Numbers(mut first) = page(&["+15550001", "+15550002", "+15550003"]) else {
        unreachable!()
    };
    // A full window (3 rows asked, 3 came): there may be no fourth row.
    first.total = None;
    first.window.at_end = false;
    v.on_data(Data::Numbers(first));
    assert_eq!(v.state.extent(), 4, "the cursor may try one row further");
    let title = draw::table_title(&v.state, v.state.extent(), 200);
    assert!(title.contains("Numbers 1 of 3+ (counting…)"), "{title}");
    v.on_data(Data::NumbersTotal(Default::default(), 3));
    let title = draw::table_title(&v.state, v.state.extent(), 200);
    assert!(title.contains("Numbers 1 of 3 "), "{title}");
}
