//! The help: generated from the keymap in force for the open view only
//! (and the global keys), grouped (navigate / act / select / global), with
//! what each key does on that view. A key bound globally that does nothing
//! on the view is left out. The palette lists the same commands.

use super::action::Action;
use super::keymap::Keymap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    Navigate,
    Act,
    Select,
    Global,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Navigate => "Navigate",
            Group::Act => "Act",
            Group::Select => "Select",
            Group::Global => "Global",
        }
    }
}

/// The order of the actions within a group.
const ORDER: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::HalfPageUp,
    Action::HalfPageDown,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::Enter,
    Action::Refresh,
    Action::Preview,
    Action::Test,
    Action::New,
    Action::Edit,
    Action::Delete,
    Action::Purge,
    Action::Services,
    Action::Actions,
    Action::SyncCm,
    Action::Release,
    Action::Cool,
    Action::Extend,
    Action::Reserve,
    Action::Unreserve,
    Action::AddRange,
    Action::Import,
    Action::Export,
    Action::Cancel,
    Action::Copy,
    Action::Filter,
    Action::Escape,
    Action::Mark,
    Action::StatusFilter,
    Action::Sort,
    Action::ReverseSort,
    Action::Help,
    Action::Palette,
    Action::Messages,
    Action::Dismiss,
    Action::NextTab,
    Action::PrevTab,
    Action::Tab1,
    Action::Tab2,
    Action::Tab3,
    Action::Tab4,
    Action::Tab5,
    Action::Quit,
];

/// What `action` does on the view with keymap section `section`, and its
/// group; `None` when it does nothing there.
pub fn meaning(section: &str, action: Action) -> Option<(Group, &'static str)> {
    use Action as A;
    use Group::*;
    let global = match action {
        A::Help => Some("this help"),
        A::Palette => Some("command palette: run any command"),
        A::Messages => Some("message log: every message of this session"),
        A::Dismiss => Some("dismiss the messages on screen (errors stay till then)"),
        A::NextTab => Some("next tab"),
        A::PrevTab => Some("previous tab"),
        A::Tab1 => Some("go to Connections"),
        A::Tab2 => Some("go to Numbers"),
        A::Tab3 => Some("go to Calling Profiles"),
        A::Tab4 => Some("go to Voice"),
        A::Tab5 => Some("go to Jobs"),
        A::Quit => Some("quit"),
        _ => None,
    };
    if let Some(what) = global {
        return Some((Global, what));
    }
    let navigate = match action {
        A::Up => Some("up"),
        A::Down => Some("down"),
        A::Top => Some("first row"),
        A::Bottom => Some("last row"),
        A::PageUp => Some("page up"),
        A::PageDown => Some("page down"),
        A::HalfPageUp => Some("half page up"),
        A::HalfPageDown => Some("half page down"),
        _ => None,
    };
    if let Some(what) = navigate {
        return Some((Navigate, what));
    }
    // Every list filters as you type (issue 17).
    match action {
        A::Filter => return Some((Select, "filter the list as you type")),
        A::Escape => return Some((Select, "clear the filter (one thing at a time)")),
        _ => {}
    }
    let (group, what) = match (section, action) {
        ("connections", A::Refresh) => (Act, "sync (AudioCodes) or refresh the connection"),
        ("connections", A::Preview) => (Act, "preview the AudioCodes sync (dry run)"),
        ("connections", A::Test) => (Act, "test the connection"),
        ("connections", A::New) => (Act, "new AudioCodes connection"),
        ("connections", A::Edit) => (Act, "edit the connection (stored ones)"),
        ("connections", A::Delete) => (Act, "delete the connection (confirmed; purged first)"),
        ("connections", A::Purge) => (Act, "purge: forget cached users, cool numbers (confirmed)"),
        ("connections", A::Copy) => (Act, "copy the connection's name (OSC 52)"),

        ("numbers", A::Enter) => (Navigate, "the number's details and history"),
        ("numbers", A::Release) => (Act, "release the number(s) now (confirmed)"),
        ("numbers", A::Cool) => (Act, "cool the number(s) for N days"),
        ("numbers", A::Extend) => (Act, "extend cooling by N days"),
        ("numbers", A::Reserve) => (Act, "reserve the number(s)"),
        ("numbers", A::Unreserve) => (Act, "unreserve the number(s)"),
        ("numbers", A::Edit) => (Act, "tag the number(s)"),
        ("numbers", A::AddRange) => (Act, "add a number range as Available"),
        ("numbers", A::Import) => (Act, "import numbers from a CSV file"),
        ("numbers", A::Export) => (Act, "export the current view (CSV or JSON)"),
        ("numbers", A::Copy) => (Act, "copy the number(s) (OSC 52)"),
        ("numbers", A::Mark) => (Select, "mark the row for a bulk action"),
        ("numbers", A::StatusFilter) => (Select, "cycle the status filter"),
        ("numbers", A::Sort) => (Select, "sort by the next column"),
        ("numbers", A::ReverseSort) => (Select, "reverse the sort"),

        ("profiles", A::Enter) => (Navigate, "the profile's or service's details"),
        ("profiles", A::Refresh) => (Act, "refresh the Live Platform connection"),
        ("profiles", A::Services) => (Act, "switch: services and leads / calling profiles"),
        ("profiles", A::New) => (Act, "new OC service (a form)"),
        ("profiles", A::Copy) => (Act, "copy the selected id (OSC 52)"),
        ("profiles", A::StatusFilter) => (Select, "cycle the status filter"),

        ("voice", A::Left) => (Navigate, "focus the families pane"),
        ("voice", A::Right) => (Navigate, "focus the items pane"),
        ("voice", A::Enter) => (Navigate, "open the family; the item's JSON"),
        ("voice", A::Refresh) => (Act, "refresh from AXP"),
        ("voice", A::New) => (Act, "new item of the family (a form)"),
        ("voice", A::Edit) => (Act, "edit the selected item"),
        ("voice", A::Delete) => (Act, "delete the selected AXP item (confirmed)"),
        ("voice", A::Actions) => (Act, "the family's actions (validate, push, abort...)"),
        ("voice", A::SyncCm) => (Act, "sync the Communication Manager from Aura"),
        ("voice", A::Copy) => (Act, "copy the item's id (OSC 52)"),

        ("jobs", A::Enter) => (Navigate, "the job's details and log"),
        ("jobs", A::Cancel) => (Act, "cancel the selected job"),
        _ => return None,
    };
    Some((group, what))
}

/// One line of a view's help: its keys as the keymap spells them.
#[derive(Debug, Clone, PartialEq)]
pub struct HelpEntry {
    pub group: Group,
    pub action: Action,
    pub keys: String,
    pub what: &'static str,
}

/// The help of the view with keymap section `section`: one entry per
/// action bound there (its own keys, then the global ones) that does
/// something there, grouped, keeping those whose keys or text hold every
/// word of `filter`.
pub fn entries(keymap: &Keymap, section: &str, filter: &str) -> Vec<HelpEntry> {
    let binds = keymap.bindings(section);
    let words: Vec<String> = filter
        .split_whitespace()
        .map(|w| w.to_lowercase())
        .collect();
    let mut out: Vec<HelpEntry> = Vec::new();
    for &action in ORDER {
        let Some((group, what)) = meaning(section, action) else {
            continue;
        };
        let keys: Vec<&str> = binds
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(k, _)| if k == " " { "space" } else { k.as_str() })
            .collect();
        if keys.is_empty() {
            continue;
        }
        let keys = keys.join(" ");
        let hay = format!("{keys} {what} {}", group.title()).to_lowercase();
        if words.iter().all(|w| hay.contains(w.as_str())) {
            out.push(HelpEntry {
                group,
                action,
                keys,
                what,
            });
        }
    }
    out.sort_by_key(|e| e.group);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn km() -> Keymap {
        Keymap::load(None).unwrap()
    }

    fn line(e: &[HelpEntry], action: Action) -> Option<&HelpEntry> {
        e.iter().find(|x| x.action == action)
    }

    #[test]
    fn help_is_grouped_navigate_act_select_global() {
        let e = entries(&km(), "numbers", "");
        let groups: Vec<Group> = e.iter().map(|x| x.group).collect();
        let mut sorted = groups.clone();
        sorted.sort();
        assert_eq!(groups, sorted, "grouped in order");
        for g in [Group::Navigate, Group::Act, Group::Select, Group::Global] {
            assert!(groups.contains(&g), "{g:?} missing");
        }
        assert_eq!(line(&e, Action::Mark).unwrap().group, Group::Select);
        assert_eq!(line(&e, Action::Release).unwrap().group, Group::Act);
        assert_eq!(line(&e, Action::Quit).unwrap().keys, "ctrl-c q");
    }

    #[test]
    fn only_the_views_own_actions_are_listed() {
        let km = km();
        for section in ["connections", "numbers", "profiles", "voice", "jobs"] {
            let e = entries(&km, section, "");
            assert!(line(&e, Action::Fix).is_none(), "F listed on {section}");
            assert!(meaning(section, Action::Fix).is_none());
        }
        // Bound globally, meaningless here: h/l and Enter on Connections,
        // y (copy) on Jobs.
        let conns = entries(&km, "connections", "");
        for a in [Action::Left, Action::Right, Action::Enter] {
            assert!(line(&conns, a).is_none(), "{a:?} on connections");
        }
        assert!(line(&entries(&km, "jobs", ""), Action::Copy).is_none());
        let voice = entries(&km, "voice", "");
        let delete = line(&voice, Action::Delete).unwrap();
        assert!(delete.what.contains("AXP item"), "{}", delete.what);
        assert!(!delete.what.contains("connection"));
        let conns = entries(&km, "connections", "");
        assert!(line(&conns, Action::Delete)
            .unwrap()
            .what
            .contains("connection"));
        // Marks and sorting are the Numbers tab's.
        assert!(line(&conns, Action::Mark).is_none());
        assert!(line(&entries(&km, "jobs", ""), Action::Sort).is_none());
    }

    #[test]
    fn the_filter_keeps_lines_holding_every_word() {
        let e = entries(&km(), "numbers", "cool");
        let actions: Vec<Action> = e.iter().map(|x| x.action).collect();
        assert_eq!(actions, [Action::Cool, Action::Extend]);
        let e = entries(&km(), "numbers", "global tab");
        assert!(e.iter().all(|x| x.group == Group::Global));
        assert!(line(&e, Action::NextTab).is_some());
        assert!(entries(&km(), "jobs", "zzz").is_empty());
    }

    #[test]
    fn a_user_rebinding_shows_in_the_help() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.toml");
        std::fs::write(&p, "[jobs]\n\"K\" = \"cancel\"\n").unwrap();
        let km = Keymap::load(Some(&p)).unwrap();
        let e = entries(&km, "jobs", "");
        assert_eq!(line(&e, Action::Cancel).unwrap().keys, "K c");
    }
}
