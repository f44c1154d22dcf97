//! Keys to actions: the default keymap in `assets/`, overridden by a user file.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

pub const DEFAULT: &str = include_str!("../../assets/keymap.toml");

/// Sections: `global`, one per view, and one per text-entry overlay
/// (`palette`, `filter`, `form`, `confirm`: see `overlay.rs`).
#[derive(Debug, Clone, Default)]
pub struct Keymap {
    sections: HashMap<String, Vec<(KeyEvent, String, Action)>>,
}

pub fn parse_key(s: &str) -> Result<KeyEvent, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = s;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("shift-") {
            mods |= KeyModifiers::SHIFT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        r if r.chars().count() == 1 => KeyCode::Char(r.chars().next().unwrap()),
        other => return Err(format!("unknown key {other:?}")),
    };
    Ok(KeyEvent::new(code, mods))
}

/// Shift is implied by an upper-case character; terminals differ in
/// reporting it, so compare without it for characters.
fn same(a: &KeyEvent, b: &KeyEvent) -> bool {
    match (a.code, b.code) {
        (KeyCode::Char(x), KeyCode::Char(y)) => {
            x == y && (a.modifiers - KeyModifiers::SHIFT) == (b.modifiers - KeyModifiers::SHIFT)
        }
        (KeyCode::BackTab, KeyCode::BackTab) => true,
        _ => a.code == b.code && a.modifiers == b.modifiers,
    }
}

/// How a hint names one of these keys (their names as the keymap spells
/// them): a single character if there is one (`q` rather than `ctrl-c`),
/// named keys capitalised (`Esc`, `Enter`); `?` when none is bound.
fn shown<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let keys: Vec<&str> = keys.collect();
    let Some(key) = keys
        .iter()
        .find(|k| k.chars().count() == 1 && **k != " ")
        .or(keys.first())
    else {
        return "?".into();
    };
    match *key {
        " " | "space" => "Space".into(),
        "esc" => "Esc".into(),
        "enter" => "Enter".into(),
        "tab" => "Tab".into(),
        other => other.into(),
    }
}

impl Keymap {
    fn merge(&mut self, text: &str, origin: &str) -> Result<(), String> {
        let table: HashMap<String, HashMap<String, Action>> =
            toml::from_str(text).map_err(|e| format!("{origin}: {}", e.message()))?;
        for (section, binds) in table {
            let list = self.sections.entry(section).or_default();
            for (key, action) in binds {
                let ev = parse_key(&key).map_err(|e| format!("{origin}: {e}"))?;
                list.retain(|(k, _, _)| !same(k, &ev));
                list.push((ev, key, action));
            }
        }
        Ok(())
    }

    /// Checks a keymap file's text: `Err((line, key, message))` names the
    /// first binding that is not `"key" = "action"` with a known key and
    /// action (`key` is `section."key"`).
    pub fn check(text: &str) -> Result<(), (Option<usize>, String, String)> {
        use toml::Spanned;
        let line = |at: usize| Some(text[..at.min(text.len())].matches('\n').count() + 1);
        let table: HashMap<String, HashMap<String, Spanned<toml::Value>>> = toml::from_str(text)
            .map_err(|e| {
                (
                    e.span().and_then(|s| line(s.start)),
                    String::new(),
                    e.message().trim().to_string(),
                )
            })?;
        let mut found: Vec<(usize, String, String)> = Vec::new();
        for (section, binds) in table {
            for (key, value) in binds {
                let at = value.span().start;
                let name = format!("{section}.{key:?}");
                if let Err(e) = parse_key(&key) {
                    found.push((at, name, e));
                } else if let Err(e) = value.into_inner().try_into::<Action>() {
                    found.push((at, name, e.message().trim().to_string()));
                }
            }
        }
        match found.into_iter().min_by_key(|f| f.0) {
            Some((at, key, message)) => Err((line(at), key, message)),
            None => Ok(()),
        }
    }

    pub fn load(user_file: Option<&std::path::Path>) -> Result<Keymap, String> {
        let mut km = Keymap::default();
        km.merge(DEFAULT, "default keymap")?;
        if let Some(p) = user_file {
            let text =
                std::fs::read_to_string(p).map_err(|e| format!("keymap {}: {e}", p.display()))?;
            km.merge(&text, &p.display().to_string())?;
        }
        for list in km.sections.values_mut() {
            list.sort_by(|a, b| a.1.cmp(&b.1));
        }
        Ok(km)
    }

    /// The view's own bindings first, then the global ones.
    pub fn lookup(&self, view: &str, key: &KeyEvent) -> Option<Action> {
        self.lookup_in(view, key)
            .or_else(|| self.lookup_in("global", key))
    }

    /// The section's own binding only (no global fallback): for popups
    /// where an unbound key is text.
    pub fn lookup_in(&self, section: &str, key: &KeyEvent) -> Option<Action> {
        self.sections
            .get(section)
            .and_then(|l| l.iter().find(|(k, _, _)| same(k, key)).map(|(_, _, a)| *a))
    }

    /// The key a hint shows for `action` in `section` alone (a popup's):
    /// see `shown`.
    pub fn hint_in(&self, section: &str, action: Action) -> String {
        let list = self.sections.get(section).into_iter().flatten();
        shown(
            list.filter(|(_, _, a)| *a == action)
                .map(|(_, n, _)| n.as_str()),
        )
    }

    /// The key a hint shows for `action` on a view (its bindings, then the
    /// global ones): see `shown`.
    pub fn hint(&self, view: &str, action: Action) -> String {
        let binds = self.bindings(view);
        shown(
            binds
                .iter()
                .filter(|(_, a)| *a == action)
                .map(|(n, _)| n.as_str()),
        )
    }

    /// Every binding in force for a view, for the help overlay.
    pub fn bindings(&self, view: &str) -> Vec<(String, Action)> {
        let mut out: Vec<(String, Action)> = Vec::new();
        for s in [view, "global"] {
            for (k, name, a) in self.sections.get(s).into_iter().flatten() {
                if !out.iter().any(|(n, _)| n == name) && self.lookup(view, k) == Some(*a) {
                    out.push((name.clone(), *a));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn default_keymap_loads_and_view_overrides_global() {
        let km = Keymap::load(None).unwrap();
        let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(km.lookup("connections", &r), Some(Action::Refresh));
        assert_eq!(km.lookup("jobs", &r), None);
        let g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.lookup("numbers", &g), Some(Action::Bottom));
        let cu = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
        assert_eq!(km.lookup("numbers", &cu), Some(Action::HalfPageUp));
    }

    #[test]
    fn popups_read_their_own_sections_without_the_global_keys() {
        let km = Keymap::load(None).unwrap();
        let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(km.lookup_in("confirm", &key('y')), Some(Action::Confirm));
        // Enter takes the safe answer of a yes/no question.
        for k in [key('n'), key('q'), esc, enter] {
            assert_eq!(km.lookup_in("confirm", &k), Some(Action::Escape));
        }
        // A typed confirmation: Enter applies (once the text matches), a
        // letter is text.
        assert_eq!(km.lookup_in("typed_confirm", &enter), Some(Action::Confirm));
        assert_eq!(km.lookup_in("typed_confirm", &key('y')), None);
        assert_eq!(km.lookup_in("typed_confirm", &ctrl_c), Some(Action::Escape));
        // Ctrl-c quits everywhere else, but not from a confirmation.
        assert_eq!(km.lookup_in("confirm", &ctrl_c), None);
        assert_eq!(km.lookup_in("form", &ctrl_c), Some(Action::Quit));
        assert_eq!(km.lookup_in("filter", &ctrl_c), Some(Action::Quit));
        // A letter in the palette or a form is text, not `j` = down.
        assert_eq!(km.lookup_in("palette", &key('j')), None);
        assert_eq!(km.lookup_in("form", &key('j')), None);
        assert_eq!(km.lookup_in("form", &key(' ')), Some(Action::Right));
    }

    #[test]
    fn hints_name_the_keys_in_force() {
        let km = Keymap::load(None).unwrap();
        assert_eq!(km.hint("jobs", Action::Quit), "q");
        assert_eq!(km.hint("jobs", Action::Escape), "Esc");
        assert_eq!(km.hint("numbers", Action::Mark), "Space");
        assert_eq!(km.hint_in("confirm", Action::Confirm), "y");
        assert_eq!(km.hint_in("confirm", Action::Escape), "n");
        assert_eq!(km.hint_in("confirm", Action::Purge), "?");
    }

    #[test]
    fn a_user_file_rebinds_a_popup_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.toml");
        std::fs::write(&p, "[confirm]\n\"j\" = \"confirm\"\n\"y\" = \"escape\"\n").unwrap();
        let km = Keymap::load(Some(&p)).unwrap();
        let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(km.lookup_in("confirm", &key('j')), Some(Action::Confirm));
        assert_eq!(km.lookup_in("confirm", &key('y')), Some(Action::Escape));
    }

    #[test]
    fn user_file_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.toml");
        std::fs::write(&p, "[global]\n\"x\" = \"quit\"\n\"q\" = \"help\"\n").unwrap();
        let km = Keymap::load(Some(&p)).unwrap();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.lookup("numbers", &q), Some(Action::Help));
        std::fs::write(&p, "[global]\n\"x\" = \"explode\"\n").unwrap();
        let (line, key, message) =
            Keymap::check("[global]\n\"q\" = \"quit\"\n\"x\" = \"explode\"\n").unwrap_err();
        assert_eq!((line, key.as_str()), (Some(3), "global.\"x\""), "{message}");
        assert!(Keymap::check("[global]\n\"nokey\" = \"quit\"\n").is_err());
        assert!(Keymap::check("[global\n").unwrap_err().0 == Some(1));
        assert!(Keymap::check(DEFAULT).is_ok());
        assert!(Keymap::load(Some(&p)).unwrap_err().contains("explode"));
    }
}
