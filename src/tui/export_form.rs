//! The Numbers export form: a format and a file. The file starts as
//! `numbers.csv` in the export directory (`export_dir`, else the store's
//! directory) and follows the format's extension until the person types
//! their own; a name without a directory goes to the export directory; an
//! existing file is overwritten only after a confirmation.

use super::form::{Field, FieldKind, Form};
use std::path::{Path, PathBuf};

pub const FORMAT: &[&str] = &["csv", "json"];

/// The file an export of `format` is given before anything is typed.
pub fn default_path(dir: &Path, format: &str) -> PathBuf {
    dir.join(format!("numbers.{format}"))
}

pub fn form(dir: &Path) -> Form {
    let mut form = Form::new(
        "Export the current view",
        vec![
            Field::new("format", "Format", FieldKind::Choice(FORMAT), "csv"),
            Field::new(
                "path",
                "File",
                FieldKind::Text,
                &default_path(dir, "csv").display().to_string(),
            )
            .hint(format!("a name alone goes to {}", dir.display())),
        ],
    );
    form.footer = "export".into();
    form
}

/// After a key: a file still named as the other format's default takes
/// the chosen format's extension (a file the person typed is theirs).
pub fn refit(dir: &Path, form: &mut Form) {
    let format = form.value("format").to_string();
    let path = PathBuf::from(form.value("path"));
    let was_default = FORMAT
        .iter()
        .any(|f| *f != format && path == default_path(dir, f));
    if was_default {
        let new = default_path(dir, &format).display().to_string();
        if let Some(field) = form.fields.iter_mut().find(|f| f.key == "path") {
            field.input = tui_input::Input::new(new);
        }
    }
}

/// Where the typed file is: `~/` is the home directory, a relative path
/// is under the export directory.
pub fn resolve(dir: &Path, typed: &str) -> PathBuf {
    let p = crate::config::expand_home(PathBuf::from(typed.trim()));
    if p.is_absolute() {
        p
    } else {
        dir.join(p)
    }
}

/// What is wrong with the file, if anything.
pub fn validate(dir: &Path, form: &Form) -> Vec<(&'static str, String)> {
    let typed = form.value("path").trim();
    if typed.is_empty() {
        return vec![("path", "give a file".into())];
    }
    let path = resolve(dir, typed);
    if path.is_dir() {
        return vec![("path", format!("{} is a directory", path.display()))];
    }
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() && !parent.is_dir() => {
            vec![("path", format!("no such directory: {}", parent.display()))]
        }
        _ => vec![],
    }
}

/// The question to ask before writing, when the file already exists.
pub fn overwrite_question(dir: &Path, form: &Form) -> Option<String> {
    let path = resolve(dir, form.value("path"));
    path.exists().then(|| {
        format!(
            "Overwrite {}?\nThe file exists; the export replaces it.",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn key(form: &mut Form, dir: &Path, code: KeyCode) {
        form.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        refit(dir, form);
    }

    #[test]
    fn the_file_follows_the_format_until_the_person_types_one() {
        let dir = Path::new("/data/switchboard");
        let mut form = form(dir);
        assert_eq!(form.value("path"), "/data/switchboard/numbers.csv");
        key(&mut form, dir, KeyCode::Right);
        assert_eq!(form.value("format"), "json");
        assert_eq!(form.value("path"), "/data/switchboard/numbers.json");
        key(&mut form, dir, KeyCode::Right);
        assert_eq!(form.value("path"), "/data/switchboard/numbers.csv");
        // A file of their own stays as typed whatever the format.
        key(&mut form, dir, KeyCode::Tab);
        form.fields[1].input = tui_input::Input::new("mine.csv".into());
        key(&mut form, dir, KeyCode::BackTab);
        key(&mut form, dir, KeyCode::Right);
        assert_eq!(form.value("format"), "json");
        assert_eq!(form.value("path"), "mine.csv");
    }

    #[test]
    fn a_name_alone_goes_to_the_export_directory() {
        let dir = Path::new("/data/switchboard");
        assert_eq!(
            resolve(dir, "march.json"),
            PathBuf::from("/data/switchboard/march.json")
        );
        assert_eq!(resolve(dir, "/tmp/x.csv"), PathBuf::from("/tmp/x.csv"));
    }

    #[test]
    fn an_existing_file_is_asked_about_and_a_directory_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut form = form(dir.path());
        assert!(validate(dir.path(), &form).is_empty());
        assert_eq!(overwrite_question(dir.path(), &form), None);
        std::fs::write(default_path(dir.path(), "csv"), "old").unwrap();
        let asked = overwrite_question(dir.path(), &form).expect("asks");
        assert!(asked.starts_with(&format!(
            "Overwrite {}?",
            default_path(dir.path(), "csv").display()
        )));
        form.fields[1].input = tui_input::Input::new(dir.path().display().to_string());
        assert!(validate(dir.path(), &form)[0].1.ends_with("is a directory"));
        form.fields[1].input = tui_input::Input::new("nowhere/x.csv".into());
        assert!(validate(dir.path(), &form)[0]
            .1
            .starts_with("no such directory"));
    }
}
