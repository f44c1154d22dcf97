//! The users a list has received, by key: exact (keys are compared, not
//! only their hashes), with each page's keys hashed where the page is read
//! so that the one thread taking pages in order only probes the set. The
//! keys are kept in one buffer of text: no string is made (nor freed at
//! the end of the list) per user.

use super::{ArmPage, ArmUser};
use std::collections::hash_map::{Entry, RandomState};
use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

/// Hashes users' keys for one pager (a random key per list: a server
/// cannot choose ids that all fall in one bucket).
#[derive(Debug, Clone, Default)]
pub struct KeyHasher(RandomState);

impl KeyHasher {
    /// The page with its users' keys hashed.
    pub fn hash(&self, page: ArmPage) -> HashedPage {
        let hashes = page.users.iter().map(|u| self.hash_user(u)).collect();
        HashedPage { page, hashes }
    }

    fn hash_user(&self, u: &ArmUser) -> u64 {
        let mut h = self.0.build_hasher();
        for part in u.key_parts() {
            h.write(part.as_bytes());
        }
        h.write_u8(0xff);
        h.finish()
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

/// Hands the hash computed beforehand to the map as it is.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called (by the map's `u64` keys); this is
        // the fallback.
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Where a key sits in [`SeenKeys::text`].
type Span = (usize, usize);

/// The keys received so far.
#[derive(Debug, Default)]
pub(super) struct SeenKeys {
    hasher: KeyHasher,
    /// Every key received, one after another.
    text: String,
    /// The first key received with each hash.
    keys: HashMap<u64, Span, BuildHasherDefault<PassThrough>>,
    /// Other keys with a hash already in `keys` (different keys whose
    /// 64-bit hashes collide: rare, and no server can aim for it).
    more: Vec<(u64, Span)>,
}

impl SeenKeys {
    pub(super) fn hasher(&self) -> KeyHasher {
        self.hasher.clone()
    }

    /// Whether the key at `span` is the user's.
    fn is(&self, (start, end): Span, u: &ArmUser) -> bool {
        let [first, rest] = u.key_parts();
        self.text[start..end]
            .strip_prefix(first)
            .is_some_and(|r| r == rest)
    }

    /// Whether the user's key (hashed as `hash`) was received.
    pub(super) fn contains(&self, hash: u64, u: &ArmUser) -> bool {
        match self.keys.get(&hash) {
            None => false,
            Some(span) => {
                self.is(*span, u)
                    || self
                        .more
                        .iter()
                        .any(|(h, span)| *h == hash && self.is(*span, u))
            }
        }
    }

    /// Adds the user's key; false when it was already there.
    pub(super) fn insert(&mut self, hash: u64, u: &ArmUser) -> bool {
        if self.contains(hash, u) {
            return false;
        }
        let start = self.text.len();
        for part in u.key_parts() {
            self.text.push_str(part);
        }
        let span = (start, self.text.len());
        match self.keys.entry(hash) {
            Entry::Vacant(v) => {
                v.insert(span);
            }
            Entry::Occupied(_) => self.more.push((hash, span)),
        }
        true
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

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, key: &str) -> ArmUser {
        ArmUser {
            id: id.into(),
            key: key.into(),
            numbers: vec![],
            status: String::new(),
            reading: super::super::StatusReading::Absent,
            user_name: String::new(),
            display_name: String::new(),
            sbc: String::new(),
            last_seen: None,
            raw: serde_json::Value::Null,
        }
    }

    /// Keys are compared whole, whatever their hashes: two different
    /// keys given the same hash are both taken, the same key twice is not.
    #[test]
    fn keys_are_told_apart_by_their_text_not_their_hash() {
        let mut seen = SeenKeys::default();
        let (a, b, json) = (user("a", ""), user("b", ""), user("", r#"{"x":1}"#));
        assert!(seen.insert(7, &a));
        assert!(seen.insert(7, &b), "a collision is not a repeat");
        assert!(seen.insert(7, &json));
        for u in [&a, &b, &json] {
            assert!(seen.contains(7, u));
            assert!(!seen.insert(7, u), "{:?} again", u.key_parts());
        }
        assert!(!seen.contains(8, &a), "another hash: another key");
        assert!(!seen.contains(7, &user("ab", "")), "a longer id");
        assert!(!seen.contains(7, &user("", "")), "an empty id");
    }
}
