//! Connections made in the TUI, turned from their stored spec and secrets
//! into the same `AudioCodesConnection` the config file gives.

use crate::config::{AudioCodesConnection, Config};
use crate::store::connections::StoredAudioCodes;
use crate::store::{Store, StoreError};

/// Every store-made AudioCodes connection, with its secrets, for the HTTP
/// client. Names the config file also declares are left to the file.
pub fn stored_audiocodes(
    store: &Store,
    config: &Config,
) -> Result<Vec<AudioCodesConnection>, StoreError> {
    resolve(store, config, &store.stored_audiocodes()?)
}

/// The connections of `stored` (already read) with their secrets.
pub fn resolve(
    store: &Store,
    config: &Config,
    stored: &[StoredAudioCodes],
) -> Result<Vec<AudioCodesConnection>, StoreError> {
    let mut out = Vec::new();
    for stored in stored {
        if config.find(&stored.spec.name).is_some() {
            continue;
        }
        let name = &stored.spec.name;
        let password = store.connection_secret(name, "password")?;
        let client_secret = store.connection_secret(name, "client_secret")?;
        out.push(AudioCodesConnection::from_spec(
            &stored.spec,
            password,
            client_secret,
        ));
    }
    Ok(out)
}

/// Every AudioCodes connection: the config file's, then the store's.
pub fn all_audiocodes(
    store: &Store,
    config: &Config,
) -> Result<Vec<AudioCodesConnection>, StoreError> {
    let mut all = config.audiocodes.clone();
    all.extend(stored_audiocodes(store, config)?);
    Ok(all)
}
