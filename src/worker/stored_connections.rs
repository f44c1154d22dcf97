//! Connections made in the TUI, turned from their stored spec and secrets
//! into the same connections the config file gives.

use crate::config::{
    AudioCodesConnection, AxpConnection, Config, Connection, LivePlatformConnection,
};
use crate::domain::connection_spec::ConnectionSpec;
use crate::store::connections::StoredConnection;
use crate::store::{Store, StoreError};

/// Every store-made connection, with its secrets, for the HTTP clients.
/// Names the config file also declares are left to the file.
pub fn stored(store: &Store, config: &Config) -> Result<Vec<Connection>, StoreError> {
    resolve(store, config, &store.stored_connections()?)
}

/// The connections of `stored` (already read) with their secrets.
pub fn resolve(
    store: &Store,
    config: &Config,
    stored: &[StoredConnection],
) -> Result<Vec<Connection>, StoreError> {
    let mut out = Vec::new();
    for stored in stored {
        let name = stored.spec.name();
        if config.find(name).is_some() {
            continue;
        }
        let secret = |key| store.connection_secret(name, key);
        out.push(match &stored.spec {
            ConnectionSpec::AudioCodes(s) => Connection::AudioCodes(
                AudioCodesConnection::from_spec(s, secret("password")?, secret("client_secret")?),
            ),
            ConnectionSpec::LivePlatform(s) => Connection::LivePlatform(
                LivePlatformConnection::from_spec(s, secret("client_secret")?),
            ),
            ConnectionSpec::Axp(s) => Connection::Axp(AxpConnection::from_spec(
                s,
                secret("client_secret")?,
                secret("app_key")?,
            )),
        });
    }
    Ok(out)
}

/// One connection by name: the config file's, else the store's.
pub fn find(store: &Store, config: &Config, name: &str) -> Result<Option<Connection>, StoreError> {
    if let Some(c) = config.find(name) {
        return Ok(Some(c.to_owned()));
    }
    Ok(stored(store, config)?
        .into_iter()
        .find(|c| c.as_ref().name() == name))
}

/// Every AudioCodes connection: the config file's, then the store's.
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
