//! The config file `switchboard sim` gives for itself: printed
//! (`--print-config`) or written (`--write-config PATH`), with a header
//! that says what made it, when, and why the file must stay private.

use crate::sim::{self, scenario::Scenario};
use std::io::Write;
use std::net::SocketAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where `switchboard sim` puts a config for itself, if anywhere.
pub enum ConfigOut {
    None,
    Stdout,
    File { path: PathBuf, force: bool },
}

/// The printed config's store: relative, so where the commands run.
const PRINTED_STORE: &str = "switchboard-sim.db";

/// Refuses an existing `path` (a file, a symlink, anything) unless `force`,
/// a directory always, and a path whose directory is missing or is not a
/// directory: checked before the simulator starts (so a refused path
/// prints no "listening" line), and again when the file is written.
pub fn check_target(path: &Path, force: bool) -> Result<(), String> {
    check_directory(path)?;
    store_beside(path)?;
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
        Ok(m) if m.is_dir() => Err(format!(
            "cannot write {}: it is a directory; give a file name",
            path.display()
        )),
        Ok(_) if force => Ok(()),
        Ok(m) => Err(format!(
            "{} already exists{}; nothing was written: choose another path, or add --force to replace it",
            path.display(),
            if m.file_type().is_symlink() {
                " (a symlink, which is never followed)"
            } else {
                ""
            }
        )),
    }
}

/// Prints or writes the config for the simulator at `addr`; returns the
/// line to tell the person on stderr, if any.
pub fn give(
    out: &ConfigOut,
    scenario: &Scenario,
    addr: SocketAddr,
    tls: bool,
) -> Result<Option<String>, String> {
    let scheme = if tls { "https" } else { "http" };
    match out {
        ConfigOut::None => Ok(None),
        ConfigOut::Stdout => {
            let body = sim::config_for(scenario, addr, scheme, Path::new(PRINTED_STORE));
            super::out_line(&format!(
                "{}{body}",
                header(Made::Printed, scheme, addr, tls)
            ));
            Ok(None)
        }
        ConfigOut::File { path, force } => {
            let store = store_beside(path)?;
            let text = format!(
                "{}{}",
                header(Made::Written, scheme, addr, tls),
                sim::config_for(scenario, addr, scheme, &store)
            );
            write_private(path, &text, *force)?;
            Ok(Some(format!(
                "config for it written to {} (mode 0600; store {}): switchboard --config {} …",
                path.display(),
                store.display(),
                path.display()
            )))
        }
    }
}

#[derive(Clone, Copy)]
enum Made {
    Printed,
    Written,
}

fn header(made: Made, scheme: &str, addr: SocketAddr, tls: bool) -> String {
    let how = match made {
        Made::Printed => "--print-config",
        Made::Written => "--write-config",
    };
    let mut h = format!(
        "# Switchboard config for the simulator at {scheme}://{addr}, made by\n\
         # `switchboard sim {how}` (switchboard {}) at {}.\n\
         # Every connection points at that simulator and works while it runs.\n\
         # The secrets below are the simulator's own demo values, not real\n\
         # credentials. They are literal, so the config loader accepts this file\n\
         # only while no one else can read it (mode 0600).\n",
        env!("CARGO_PKG_VERSION"),
        crate::clock::now().format("%Y-%m-%dT%H:%M:%SZ"),
    );
    if matches!(made, Made::Printed) {
        h += "# Save it with `switchboard sim --write-config PATH`, or `chmod 600` the\n\
              # file you redirect this to.\n";
    }
    if tls {
        h += "# The simulator serves HTTPS with the certificate given to --tls-cert:\n\
              # add ca_file = \"CA.pem\" to each connection when a private CA signed it.\n";
    }
    h + "\n"
}

/// The directory `path` goes in must be there and be a directory (a
/// symlink to one is fine; a dangling one is not).
fn check_directory(path: &Path) -> Result<(), String> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!(
            "cannot write {}: {} is not a directory",
            path.display(),
            parent.display()
        )),
        Err(e) => Err(format!(
            "cannot write {}: its directory {}: {e}",
            path.display(),
            parent.display()
        )),
    }
}

/// `sim.toml` → `<its directory, absolute>/sim.db`: the store beside the
/// config, found whichever directory the commands run in. A config named
/// `x.db` gets the store `x.store.db`, never itself.
fn store_beside(config: &Path) -> Result<PathBuf, String> {
    let absolute = std::path::absolute(config)
        .map_err(|e| format!("cannot write {}: {e}", config.display()))?;
    if absolute.file_name().is_none() {
        return Err(format!(
            "cannot write {}: not a file name",
            config.display()
        ));
    }
    let store = absolute.with_extension("db");
    if store == absolute {
        return Ok(absolute.with_extension("store.db"));
    }
    Ok(store)
}

/// Writes `text` to `path` as a new file of mode 0600 (never widened
/// after): first to a temporary file beside it, then linked into place,
/// so that `path` never exists half written and an existing file or
/// symlink at `path` is refused (replaced, never followed, with `force`).
fn write_private(path: &Path, text: &str, force: bool) -> Result<(), String> {
    check_target(path, force)?;
    let cannot = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let name = path
        .file_name()
        .ok_or_else(|| format!("cannot write {}: not a file name", path.display()))?;
    let temp = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(cannot(e));
    }
    let placed = if force {
        // rename replaces a symlink itself, never its target.
        std::fs::rename(&temp, path)
    } else {
        // link fails when anything is at `path` (a symlink included).
        std::fs::hard_link(&temp, path)
    };
    let _ = std::fs::remove_file(&temp);
    placed.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} appeared while the config was written; nothing was written: \
             choose another path, or add --force to replace it",
            path.display()
        ),
        _ => cannot(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_store_is_never_the_config_itself() {
        let at = |p: &str| store_beside(Path::new(p)).unwrap();
        assert!(at("/x/sim.toml").ends_with("sim.db"));
        assert!(at("/x/sim").ends_with("sim.db"));
        assert!(at("/x/sim.db").ends_with("sim.store.db"));
        assert!(at("/x/sim.DB").ends_with("sim.db"));
    }

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_file_is_private_and_an_existing_one_or_a_symlink_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.toml");
        write_private(&path, "a = 1\n", false).unwrap();
        assert_eq!(mode(&path), 0o600);
        let again = write_private(&path, "a = 2\n", false).unwrap_err();
        assert!(again.contains("already exists"), "{again}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");

        let target = dir.path().join("target.toml");
        std::fs::write(&target, "kept\n").unwrap();
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let refused = write_private(&link, "a = 3\n", false).unwrap_err();
        assert!(refused.contains("symlink"), "{refused}");
        // --force replaces the link itself; the file it pointed at is kept.
        write_private(&link, "a = 3\n", true).unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept\n");
        assert!(!std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(mode(&link), 0o600);
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }
}
