//! Connections made in the TUI, turned from their stored spec and secrets
//! into the same connections the config file gives. Their secrets are read
//! only for the one connection a job touches ([`find`]); listing reads none.

use crate::config::{
    AudioCodesConnection, AxpConnection, Config, Connection, LivePlatformConnection,
};
use crate::domain::connection_spec::ConnectionSpec;
use crate::store::connections::StoredConnection;
use crate::store::{Store, StoreError};

/// Every store-made connection, without its secrets (for lists and
/// schedules). Names the config file also declares are left to the file.
pub fn stored(store: &Store, config: &Config) -> Result<Vec<Connection>, StoreError> {
    Ok(listed(config, &store.stored_connections()?))
}

/// The connections of `stored` (already read), without their secrets.
pub fn listed(config: &Config, stored: &[StoredConnection]) -> Vec<Connection> {
    stored
        .iter()
        .filter(|s| config.find(s.spec.name()).is_none())
        .filter_map(|s| build(&s.spec, |_| Ok(None)).ok())
        .collect()
}

/// A connection from its spec; `secret` reads one of its secrets by key.
fn build(
    spec: &ConnectionSpec,
    secret: impl Fn(&str) -> Result<Option<crate::secret::Secret>, StoreError>,
) -> Result<Connection, StoreError> {
    Ok(match spec {
        ConnectionSpec::AudioCodes(s) => Connection::AudioCodes(AudioCodesConnection::from_spec(
            s,
            secret("password")?,
            secret("client_secret")?,
        )),
        ConnectionSpec::LivePlatform(s) => Connection::LivePlatform(
            LivePlatformConnection::from_spec(s, secret("client_secret")?),
        ),
        ConnectionSpec::Axp(s) => Connection::Axp(AxpConnection::from_spec(
            s,
            secret("client_secret")?,
            secret("app_key")?,
        )),
    })
}

/// One connection by name: the config file's (its secrets unresolved
/// until its client is built), else the store's, with its stored secrets.
pub fn find(store: &Store, config: &Config, name: &str) -> Result<Option<Connection>, StoreError> {
    if let Some(c) = config.find(name) {
        return Ok(Some(c.to_owned()));
    }
    let Some(found) = store
        .stored_connections()?
        .into_iter()
        .find(|c| c.spec.name() == name)
    else {
        return Ok(None);
    };
    build(&found.spec, |key| store.connection_secret(name, key)).map(Some)
}

/// Every AudioCodes connection, without secrets: the config file's, then
/// the store's.
pub fn all_audiocodes(
    store: &Store,
    config: &Config,
) -> Result<Vec<AudioCodesConnection>, StoreError> {
    let mut all = config.audiocodes.clone();
    all.extend(stored(store, config)?.into_iter().filter_map(|c| match c {
        Connection::AudioCodes(a) => Some(a),
        _ => None,
    }));
    Ok(all)
}
