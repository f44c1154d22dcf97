//! The connections table: every connection known to the store, with where
//! it was declared. Config-file connections are mirrored in at start-up.

use super::{Result, Store, StoreError};
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::vendor::{ConnectionSource, Vendor};
use crate::secret::Secret;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, ToSql};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    pub name: String,
    pub vendor: Vendor,
    pub source: ConnectionSource,
    pub address: String,
}

/// The `connections.vendor` column holds [`Vendor::as_str`].
impl ToSql for Vendor {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Vendor {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Vendor::parse(text).ok_or_else(|| unknown("vendor", text))
    }
}

/// The `connections.source` column holds [`ConnectionSource::as_str`].
impl FromSql for ConnectionSource {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        ConnectionSource::parse(text).ok_or_else(|| unknown("source", text))
    }
}

fn unknown(what: &str, text: &str) -> FromSqlError {
    FromSqlError::Other(format!("unknown connection {what} {text:?}").into())
}

impl Store {
    /// Mirrors the config file's connections (marked `config`); rows from the
    /// file that are no longer in it are dropped, store-made ones are kept.
    pub fn mirror_config_connections(&mut self, rows: &[ConnectionRow]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = self.clock.stamp();
        tx.execute("DELETE FROM connections WHERE source = 'config'", [])?;
        for r in rows {
            tx.execute(
                "INSERT INTO connections(name, vendor, source, address, created_at, updated_at)
                 VALUES (?1, ?2, 'config', ?3, ?4, ?4)
                 ON CONFLICT(name) DO UPDATE SET vendor = excluded.vendor, source = 'config',
                   address = excluded.address, updated_at = excluded.updated_at",
                params![r.name, r.vendor, r.address, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn connection_rows(&self) -> Result<Vec<ConnectionRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, vendor, source, address FROM connections ORDER BY vendor, name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ConnectionRow {
                name: r.get(0)?,
                vendor: r.get(1)?,
                source: r.get(2)?,
                address: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A connection made in the TUI, as the store keeps it: its fields and the
/// keys of the secrets it has (never their values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredConnection {
    pub spec: ConnectionSpec,
    pub secrets_kept: Vec<String>,
}

impl StoredConnection {
    pub fn keeps(&self, key: &str) -> bool {
        self.secrets_kept.iter().any(|k| k == key)
    }
}

impl Store {
    /// Creates or updates a store-made connection. A secret not given keeps
    /// the one already stored (the form leaves it blank). Refuses to
    /// overwrite a connection declared in the config file, or to change a
    /// connection's vendor.
    pub fn save_connection(
        &mut self,
        spec: &ConnectionSpec,
        secrets: &[(&str, &Secret)],
    ) -> Result<()> {
        let name = spec.name();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let existing: Option<(ConnectionSource, Vendor)> = tx
            .query_row(
                "SELECT source, vendor FROM connections WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match existing {
            Some((ConnectionSource::ConfigFile, _)) => {
                return Err(StoreError::Refused(format!(
                    "{name} is declared in the config file; edit it there"
                )))
            }
            Some((_, vendor)) if vendor != spec.vendor() => {
                return Err(StoreError::Refused(format!(
                    "{name} is already a {vendor} connection; choose another name"
                )))
            }
            _ => {}
        }
        let now = self.clock.stamp();
        tx.execute(
            "INSERT INTO connections(name, vendor, source, address, settings, created_at, updated_at)
             VALUES (?1, ?2, 'store', ?3, ?4, ?5, ?5)
             ON CONFLICT(name) DO UPDATE SET address = excluded.address,
               settings = excluded.settings, updated_at = excluded.updated_at",
            params![name, spec.vendor(), spec.address(), spec.settings_json(), now],
        )?;
        for (key, value) in secrets {
            tx.execute(
                "INSERT OR REPLACE INTO connection_secrets(name, key, value) VALUES (?1, ?2, ?3)",
                params![name, key, value.expose()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every store-made connection, by name.
    pub fn stored_connections(&self) -> Result<Vec<StoredConnection>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.vendor, c.settings,
                    (SELECT group_concat(s.key) FROM connection_secrets s WHERE s.name = c.name)
             FROM connections c WHERE c.source = 'store' ORDER BY c.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Vendor>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (vendor, settings, keys) = row?;
            let spec = ConnectionSpec::from_settings(vendor, &settings).map_err(|e| {
                StoreError::Corrupt {
                    what: "a stored connection",
                    why: e.to_string(),
                }
            })?;
            out.push(StoredConnection {
                spec,
                secrets_kept: keys
                    .map(|k| k.split(',').map(str::to_string).collect())
                    .unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// A store-made connection's secret, for the worker's HTTP client only.
    pub fn connection_secret(&self, name: &str, key: &str) -> Result<Option<Secret>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM connection_secrets WHERE name = ?1 AND key = ?2",
                [name, key],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .map(Secret::new))
    }

    /// Forgets a store-made connection, its secrets, cached users and run
    /// history. Its numbers must have been purged first.
    pub fn delete_connection(&mut self, name: &str) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let n = tx.execute(
            "DELETE FROM connections WHERE name = ?1 AND source = 'store'",
            [name],
        )?;
        if n == 0 {
            return Err(StoreError::Refused(format!(
                "{name} is not a connection made in switchboard (config-file connections are removed from the file)"
            )));
        }
        tx.execute("DELETE FROM connection_secrets WHERE name = ?1", [name])?;
        tx.execute("DELETE FROM registered_users WHERE connection = ?1", [name])?;
        tx.execute("DELETE FROM sync_runs WHERE connection = ?1", [name])?;
        tx.execute("DELETE FROM remote_items WHERE connection = ?1", [name])?;
        tx.execute("DELETE FROM remote_refreshes WHERE connection = ?1", [name])?;
        tx.commit()?;
        Ok(())
    }
}
