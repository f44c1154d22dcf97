//! The users a list has received, by key: exact (keys are compared, not
//! only their hashes), with each page's keys hashed where the page is read
//! so that the one thread taking pages in order only probes the set.

use super::ArmPage;
use std::collections::hash_map::RandomState;
use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

/// Hashes users' keys for one pager (a random key per list: a server
/// cannot choose ids that all fall in one bucket).
#[derive(Debug, Clone, Default)]
pub struct KeyHasher(RandomState);

impl KeyHasher {
    /// The page with its users' keys hashed.
    pub fn hash(&self, page: ArmPage) -> HashedPage {
        let hashes = page.users.iter().map(|u| self.0.hash_one(&u.key)).collect();
        HashedPage { page, hashes }
    }
}

/// A page with each user's key hashed by the pager's [`KeyHasher`].
#[derive(Debug)]
pub struct HashedPage {
    pub(super) page: ArmPage,
    pub(super) hashes: Vec<u64>,
}

impl HashedPage {
    pub fn page(&self) -> &ArmPage {
        &self.page
    }
}

/// A key with its hash: equal when the keys are.
#[derive(Debug, PartialEq, Eq)]
struct SeenKey {
    hash: u64,
    key: String,
}

impl Hash for SeenKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Hands the hash computed beforehand to the set as it is.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called (by `SeenKey`); this is the fallback.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The keys received so far.
#[derive(Debug, Default)]
pub(super) struct SeenKeys {
    hasher: KeyHasher,
    keys: HashSet<SeenKey, BuildHasherDefault<PassThrough>>,
}

impl SeenKeys {
    pub(super) fn hasher(&self) -> KeyHasher {
        self.hasher.clone()
    }

    pub(super) fn contains(&self, hash: u64, key: &str) -> bool {
        // Rare (a bare array larger than asked for): the copy does not matter.
        self.keys.contains(&SeenKey {
            hash,
            key: key.to_string(),
        })
    }

    /// Adds a key; false when it was already there.
    pub(super) fn insert(&mut self, hash: u64, key: String) -> bool {
        self.keys.insert(SeenKey { hash, key })
    }

    /// Room for `more` keys.
    pub(super) fn reserve(&mut self, more: usize) {
        self.keys.reserve(more);
    }
}

impl std::fmt::Debug for PassThrough {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PassThrough")
    }
}
