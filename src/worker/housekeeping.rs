//! Start-up housekeeping, run by every front door that opens the store for
//! writing (the dashboard, the CLI's jobs, `switchboard worker`): the
//! config file's connections are mirrored into the store, and jobs left
//! running by a process that is gone are closed with what the store knows
//! of them (their leases freed).

use crate::config::Config;
use crate::domain::vendor::ConnectionSource;
use crate::store::connections::ConnectionRow;
use crate::store::{Store, StoreAt};

/// Opens the store at `at` and tidies it; under read-only only checks
/// that it can be read (it is then never created, migrated or written).
pub fn prepare_store(config: &Config, at: &StoreAt) -> crate::store::Result<()> {
    let mut s = at.open()?;
    if at.read_only {
        return Ok(());
    }
    tidy(&mut s, config)
}

/// The housekeeping itself, on an open writable store.
pub fn tidy(s: &mut Store, config: &Config) -> crate::store::Result<()> {
    let rows: Vec<ConnectionRow> = config
        .connections()
        .iter()
        .map(|c| ConnectionRow {
            name: c.name().into(),
            vendor: c.vendor(),
            source: ConnectionSource::ConfigFile,
            address: c.address(),
        })
        .collect();
    // Written only when something differs: an unchanged store takes no
    // write lock (another process's long write must not hold this one up).
    if mirror_differs(&rows, &s.connection_rows()?) {
        s.mirror_config_connections(&rows)?;
    }
    let closed = s.fail_orphaned_jobs()?;
    if closed > 0 {
        tracing::info!("closed {closed} job(s) left running by a process that is gone");
    }
    Ok(())
}

/// Whether the store's rows of config connections differ from `wanted`
/// (a row missing, changed or no longer in the file, or a name the store
/// holds as made here that the file now declares).
fn mirror_differs(wanted: &[ConnectionRow], stored: &[ConnectionRow]) -> bool {
    let key = |r: &ConnectionRow| (r.name.clone(), r.vendor, r.address.clone());
    let mut have: Vec<_> = stored
        .iter()
        .filter(|r| {
            r.source == ConnectionSource::ConfigFile || wanted.iter().any(|w| w.name == r.name)
        })
        .map(|r| (key(r), r.source == ConnectionSource::ConfigFile))
        .collect();
    let mut want: Vec<_> = wanted.iter().map(|r| (key(r), true)).collect();
    have.sort();
    want.sort();
    have != want
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, source: &str, address: &str) -> ConnectionRow {
        ConnectionRow {
            name: name.into(),
            vendor: crate::domain::vendor::Vendor::AudioCodes,
            source: ConnectionSource::parse(source).unwrap(),
            address: address.into(),
        }
    }

    #[test]
    fn the_mirror_is_written_only_when_the_file_and_the_store_differ() {
        let wanted = [row("a", "config", "h1"), row("b", "config", "h2")];
        let same = [
            row("b", "config", "h2"),
            row("a", "config", "h1"),
            row("c", "store", "h3"),
        ];
        assert!(
            !mirror_differs(&wanted, &same),
            "order and made-here rows do not count"
        );
        let moved = [row("a", "config", "h1"), row("b", "config", "elsewhere")];
        assert!(mirror_differs(&wanted, &moved), "an address changed");
        let dropped = [
            row("a", "config", "h1"),
            row("b", "config", "h2"),
            row("d", "config", "x"),
        ];
        assert!(
            mirror_differs(&wanted, &dropped),
            "a connection left the file"
        );
        let missing = [row("a", "config", "h1")];
        assert!(
            mirror_differs(&wanted, &missing),
            "a connection came into the file"
        );
        let made_here = [row("a", "config", "h1"), row("b", "store", "h2")];
        assert!(
            mirror_differs(&wanted, &made_here),
            "the file now declares a made-here name"
        );
    }
}
