//! Marks on a list with bulk actions (Numbers, Voice items, Jobs): Space
//! marks one row, `*` marks every row (or, when all are marked, none),
//! `V` starts a range at the cursor that follows it until `V` again (or
//! Esc), and Shift+movement marks the rows it passes. Marks are keys (a
//! number, an item id, a job id), so they survive a reload.

use crate::tui::action::Action;
use std::collections::BTreeSet;

/// A range being marked: where it started and the marks made before it
/// (the range is added to those, so moving back unmarks what it left).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Range {
    anchor: Option<(usize, BTreeSet<String>)>,
}

impl Range {
    pub fn active(&self) -> bool {
        self.anchor.is_some()
    }

    /// `V`: starts a range at `cursor`, or ends the one under way.
    pub fn toggle(
        &mut self,
        cursor: usize,
        marks: &mut BTreeSet<String>,
        key_at: impl Fn(usize) -> Option<String>,
    ) {
        if self.anchor.take().is_none() {
            self.anchor = Some((cursor, marks.clone()));
            self.follow(cursor, marks, key_at);
        }
    }

    pub fn stop(&mut self) {
        self.anchor = None;
    }

    /// After the cursor moved: the marks are those from before the range
    /// and every row from the anchor to the cursor.
    pub fn follow(
        &self,
        cursor: usize,
        marks: &mut BTreeSet<String>,
        key_at: impl Fn(usize) -> Option<String>,
    ) {
        let Some((anchor, before)) = &self.anchor else {
            return;
        };
        let mut now = before.clone();
        let (from, to) = (cursor.min(*anchor), cursor.max(*anchor));
        now.extend((from..=to).filter_map(key_at));
        *marks = now;
    }
}

/// `*`: marks every key, or unmarks them all when every one is marked.
pub fn mark_all(marks: &mut BTreeSet<String>, keys: impl IntoIterator<Item = String>) {
    let keys: Vec<String> = keys.into_iter().collect();
    if !keys.is_empty() && keys.iter().all(|k| marks.contains(k)) {
        for k in &keys {
            marks.remove(k);
        }
    } else {
        marks.extend(keys);
    }
}

/// Space: marks the key, or unmarks it.
pub fn toggle(marks: &mut BTreeSet<String>, key: String) {
    if !marks.remove(&key) {
        marks.insert(key);
    }
}

/// Shift+movement: the movement it stands for (the row left and the row
/// reached are both marked).
pub fn shift_movement(action: Action) -> Option<Action> {
    match action {
        Action::MarkDown => Some(Action::Down),
        Action::MarkUp => Some(Action::Up),
        _ => None,
    }
}

/// ` · 3 marked` for a list's title, or nothing.
pub fn title(marks: &BTreeSet<String>, range: &Range) -> String {
    match (marks.len(), range.active()) {
        (0, false) => String::new(),
        (n, false) => format!(" · {n} marked"),
        (n, true) => format!(" · {n} marked (marking a range)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(i: usize) -> Option<String> {
        (i < 10).then(|| format!("k{i}"))
    }

    #[test]
    fn a_range_follows_the_cursor_and_keeps_earlier_marks() {
        let mut marks: BTreeSet<String> = ["k9".to_string()].into();
        let mut range = Range::default();
        range.toggle(2, &mut marks, key);
        assert!(range.active());
        range.follow(4, &mut marks, key);
        assert_eq!(marks, ["k2", "k3", "k4", "k9"].map(String::from).into());
        // Back above the anchor: the rows left behind are unmarked.
        range.follow(1, &mut marks, key);
        assert_eq!(marks, ["k1", "k2", "k9"].map(String::from).into());
        range.toggle(1, &mut marks, key);
        assert!(!range.active());
        range.follow(5, &mut marks, key);
        assert_eq!(marks.len(), 3, "an ended range no longer follows");
    }

    #[test]
    fn mark_all_marks_every_row_then_none() {
        let mut marks = BTreeSet::new();
        let all = || (0..3).filter_map(key);
        mark_all(&mut marks, all());
        assert_eq!(marks.len(), 3);
        mark_all(&mut marks, all());
        assert!(marks.is_empty());
        toggle(&mut marks, "k1".into());
        mark_all(&mut marks, all());
        assert_eq!(marks.len(), 3, "some marked: all are marked");
    }
}
