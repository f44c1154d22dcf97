//! `switchboard sim --write-config` aimed at bad targets.

use super::*;

/// `switchboard sim --write-config PATH` (extra args after), ended within
/// 30 s or killed once PATH appears; returns its exit code (None while it
/// still ran) and stderr so far.
fn write_config_run(path: &Path, extra: &[&str], umask: &str) -> (Option<i32>, String) {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_switchboard"))
        .args(["sim", "--listen", "127.0.0.1:0", "--write-config"])
        .arg(path)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        let written = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() > 0);
        if written && !extra.contains(&"--force") || started.elapsed() > Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(300));
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr);
    (code, stderr)
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Guard: a path in a missing directory, a directory, and a dangling
/// symlink are refused with exit 1 (the simulator does not stay up), and
/// nothing is created where the symlink points.
#[test]
fn write_config_refuses_bad_targets_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = dir.path().join("dangling.toml");
    let nowhere = dir.path().join("nowhere.toml");
    std::os::unix::fs::symlink(&nowhere, &dangling).unwrap();
    let a_file = dir.path().join("a-file");
    std::fs::write(&a_file, "x").unwrap();
    for (path, says) in [
        (a_file.join("sim.toml"), "not a directory"),
        (
            dir.path().join("missing/sim.toml"),
            "No such file or directory",
        ),
        (dir.path().to_path_buf(), "directory"),
        (dangling.clone(), "symlink"),
    ] {
        let (code, stderr) = write_config_run(&path, &[], "077");
        assert_eq!(code, Some(1), "{path:?}: {stderr}");
        assert!(stderr.contains(says), "{path:?}: {stderr}");
        // Refused before the simulator binds: no "listening" line for a
        // script's `until [ -e sim.toml ]` loop to trust.
        assert!(!stderr.contains("listening"), "{path:?}: {stderr}");
    }
    assert!(!nowhere.exists(), "written through the dangling symlink");
}

/// Guard: under umask 000 the file is still 0600; `--force` over a file
/// that others can read replaces it with a new 0600 file, and never
/// writes into the old one (a hard link to it keeps its text).
#[test]
fn write_config_is_private_under_any_umask_and_over_a_readable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fresh_path = dir.path().join("fresh.toml");
    let (code, stderr) = write_config_run(&fresh_path, &[], "000");
    assert_eq!(code, None, "{stderr}");
    assert_eq!(mode(&fresh_path), 0o600);
    let shared = dir.path().join("shared.toml");
    std::fs::write(&shared, "# someone's\n").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
    let other_name = dir.path().join("other-name.toml");
    std::fs::hard_link(&shared, &other_name).unwrap();
    let _ = write_config_run(&shared, &["--force"], "000");
    assert_eq!(mode(&shared), 0o600);
    assert!(std::fs::read_to_string(&shared)
        .unwrap()
        .contains("--write-config"));
    assert_eq!(
        std::fs::read_to_string(&other_name).unwrap(),
        "# someone's\n"
    );
}

/// Defect: `--write-config x.db` puts the store beside the config as
/// `x.db`: the config itself. `config check` calls it ok; every command
/// then fails "file is not a database". The config and its store must be
/// two files (or the path refused).
#[test]
fn write_config_never_makes_the_config_its_own_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sim.db");
    let (code, stderr) = write_config_run(&path, &[], "077");
    if code == Some(1) {
        return; // refusing the path is a right answer too
    }
    assert_eq!(code, None, "{stderr}");
    let out = run(&path, &["numbers"]);
    assert!(out.status.success(), "{}", text(&out).1);
}
