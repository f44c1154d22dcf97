//! Everything a key can do. The keymap file names these; the palette and
//! the help overlay list them.

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Palette,
    NextTab,
    PrevTab,
    Tab1,
    Tab2,
    Tab3,
    Tab4,
    Tab5,
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Filter,
    Escape,
    Enter,
    Mark,
    Sort,
    ReverseSort,
    StatusFilter,
    Refresh,
    Preview,
    Test,
    Cancel,
    Copy,
    Left,
    Right,
}

impl Action {
    pub fn describe(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "this help",
            Action::Palette => "command palette: jump to a view or run a command",
            Action::NextTab => "next tab",
            Action::PrevTab => "previous tab",
            Action::Tab1 => "Connections",
            Action::Tab2 => "Numbers",
            Action::Tab3 => "Calling Profiles",
            Action::Tab4 => "Voice",
            Action::Tab5 => "Jobs",
            Action::Up => "up",
            Action::Down => "down",
            Action::Top => "first row",
            Action::Bottom => "last row",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::HalfPageUp => "half page up",
            Action::HalfPageDown => "half page down",
            Action::Filter => "filter as you type",
            Action::Escape => "clear filter / close",
            Action::Enter => "details",
            Action::Mark => "mark row",
            Action::Sort => "next sort column",
            Action::ReverseSort => "reverse sort",
            Action::StatusFilter => "cycle status filter",
            Action::Refresh => "sync / refresh the selected connection",
            Action::Preview => "preview the sync (dry run)",
            Action::Test => "test the connection",
            Action::Cancel => "cancel the selected job",
            Action::Copy => "copy (OSC 52)",
            Action::Left => "focus left pane",
            Action::Right => "focus right pane",
        }
    }
}
