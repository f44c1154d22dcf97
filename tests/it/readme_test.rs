//! The README as a new user meets it: its marked shell blocks run as
//! written against the simulator, and its key table says what the keymap
//! does.

use crate::common;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MARK: &str = "<!-- readme-test -->";

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// Every ```sh block right after a `<!-- readme-test -->` line, in order.
fn marked_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != MARK {
            continue;
        }
        let fence = lines.next().unwrap_or("");
        assert_eq!(
            fence.trim(),
            "```sh",
            "{MARK} must be followed by a ```sh block"
        );
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        blocks.push(body.join("\n"));
    }
    blocks
}

#[test]
fn the_readmes_marked_shell_blocks_run_as_written() {
    let blocks = marked_blocks(&readme());
    assert!(
        blocks.len() >= 3,
        "the README's first run is marked for this test; found {} blocks",
        blocks.len()
    );
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    // One shell, so a block sees what an earlier one started (the
    // simulator, `%1`); after each block a line says it got there.
    let mut script = String::new();
    for (i, b) in blocks.iter().enumerate() {
        script += &format!("{b}\necho 'readme-test: block {i} ok' >&2\n");
    }
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_switchboard"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(&work)
        .env("PATH", path)
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .env_remove("SWITCHBOARD_CONFIG")
        .env_remove("SWITCHBOARD_STORE")
        .env_remove("SWITCHBOARD_NOW")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_STATE_HOME")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group: whatever the blocks leave running (the
        // simulator, should `kill %1` not be reached) is killed with it.
        .process_group(0)
        .spawn()
        .unwrap();
    let group = child.id();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(180) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .stderr(Stdio::null())
        .status();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = common::text(&out);
    for (i, block) in blocks.iter().enumerate() {
        assert!(
            stderr.contains(&format!("readme-test: block {i} ok")),
            "README block {i} failed (exit {:?}):\n{block}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}",
            out.status.code(),
        );
    }
    assert!(out.status.success(), "{stderr}");
    // The first run wrote what it says: a private config, a store beside it.
    let config = work.join("sim.toml");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(work.join("sim.db").exists());
    assert!(stdout.contains("arm-east: added"), "{stdout}");
}

/// The views a key table row can name in parentheses, with the keymap
/// section whose keys act there.
const VIEWS: &[(&str, &str)] = &[
    ("Connections", "connections"),
    ("Numbers", "numbers"),
    ("Calling Profiles", "profiles"),
    ("Services", "profiles"),
    ("Voice", "voice"),
    ("Voice items", "voice"),
    ("Jobs", "jobs"),
];

/// Each row of the README's Keys table that ends a clause with the views
/// it acts on, e.g. "… (Numbers)" or "… (Jobs)": every one-character key
/// of its first cell must be bound in each named view (or globally).
#[test]
fn the_key_table_names_keys_the_keymap_binds_in_those_views() {
    let text = readme();
    let keymap: toml::Table = toml::from_str(include_str!("../../assets/keymap.toml")).unwrap();
    let bound = |section: &str, key: &str| {
        [section, "global"].iter().any(|s| {
            keymap
                .get(*s)
                .and_then(|t| t.as_table())
                .is_some_and(|t| t.contains_key(key))
        })
    };
    let section = text.split("\n## Keys\n").nth(1).expect("a Keys section");
    let rows = section
        .lines()
        .skip_while(|l| !l.starts_with("| key |"))
        .take_while(|l| l.starts_with('|'));
    let mut checked = 0;
    for row in rows.filter(|l| l.starts_with("| `")) {
        let mut cells = row.split(" | ");
        let keys: Vec<&str> = cells
            .next()
            .unwrap_or("")
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|k| k.chars().count() == 1)
            .collect();
        let action = cells.collect::<Vec<_>>().join(" | ");
        for clause in action.split("); ") {
            let Some(named) = clause.rsplit_once('(').map(|(_, v)| v) else {
                continue;
            };
            let named = named
                .split(';')
                .next()
                .unwrap_or("")
                .trim_end_matches([')', ' ', '|']);
            let views: Option<Vec<&str>> = named
                .split([',', '/'])
                .map(|v| {
                    VIEWS
                        .iter()
                        .find(|(name, _)| *name == v.trim())
                        .map(|(_, s)| *s)
                })
                .collect();
            for section in views.into_iter().flatten() {
                for key in &keys {
                    assert!(
                        bound(section, key),
                        "README Keys table: `{key}` is said to act in [{section}] but is not bound there:\n{row}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked >= 15,
        "only {checked} key claims were read from the table"
    );
}
