//! The paging rules: a fetch finishes exactly or fails.

use super::seen::{HashedPage, KeyHasher, SeenKeys};
use super::{ArmPage, ArmUsers, Envelope};

/// Why a list could not be read whole: each case would leave users out
/// (they would look deleted) or count some twice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PagingError {
    /// An empty page short of the total announced.
    #[error("unexpected response: the ARM announced {total} users but sent an empty page at offset {offset}")]
    EmptyPage { total: u64, offset: u64 },
    /// Users came or went while the list was read.
    #[error("the ARM's total changed from {first} to {now} during the fetch (page at offset {offset}); users were added or removed meanwhile: sync again")]
    TotalChanged { first: u64, now: u64, offset: u64 },
    /// A page repeats a user already seen.
    #[error("the ARM ignores offset; the page at offset {offset} repeats {who} already seen, so the list cannot be read whole: point users_path at a resource that pages by offset, or, {remedy} (`switchboard connections probe` shows a page)")]
    IgnoresOffset {
        offset: u64,
        who: String,
        remedy: &'static str,
    },
    #[error("unexpected response: the ARM sent {sent} users, more than its total of {total}")]
    MoreThanTotal { sent: u64, total: u64 },
}

/// What the pager wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Ask for the page at this offset.
    Page(u64),
    Done,
}

/// The paging rules: a fetch finishes exactly or fails.
#[derive(Debug)]
pub struct Pager {
    limit: u64,
    offset: u64,
    /// The first total the ARM announced (None while it has sent none).
    total: Option<u64>,
    /// The first page was a bare array larger than the limit: the server
    /// ignores `limit`. The next page tells whether it ignores `offset`
    /// too (the same users again: the list is whole) or pages by offset
    /// with a size of its own (new users: read on).
    larger_than_asked: bool,
    seen: SeenKeys,
    /// The users of the pages taken, in order, assembled as each page is
    /// taken.
    users: ArmUsers,
    received: usize,
}

impl Pager {
    pub fn new(limit: u64) -> Pager {
        Pager {
            limit,
            offset: 0,
            total: None,
            larger_than_asked: false,
            seen: SeenKeys::default(),
            users: ArmUsers::default(),
            received: 0,
        }
    }

    /// What hashes pages for [`Pager::accept_hashed`]: a page can be
    /// hashed where it is read, off the thread that takes pages in order.
    pub fn key_hasher(&self) -> KeyHasher {
        self.seen.hasher()
    }

    /// Users received so far, and the total if the ARM gave one.
    pub fn progress(&self) -> (u64, u64) {
        let got = self.received as u64;
        (got, self.total.unwrap_or(got).max(got))
    }

    /// Takes the page asked for at the current offset.
    pub fn accept(&mut self, page: ArmPage) -> Result<Next, PagingError> {
        let page = self.key_hasher().hash(page);
        self.accept_hashed(page)
    }

    /// Takes the page asked for at the current offset, its keys hashed by
    /// this pager's [`Pager::key_hasher`].
    pub fn accept_hashed(&mut self, page: HashedPage) -> Result<Next, PagingError> {
        let HashedPage { page, hashes } = page;
        let n = page.users.len() as u64;
        if std::mem::take(&mut self.larger_than_asked)
            && page.users.len() == self.received
            && page
                .users
                .iter()
                .zip(&hashes)
                .all(|(u, h)| self.seen.contains(*h, u))
        {
            // The very same users at another offset: the server ignores
            // paging and sent its whole list; it was taken once.
            return Ok(Next::Done);
        }
        if self.offset == 0 && page.envelope == Envelope::BareArray && n > self.limit {
            self.larger_than_asked = true;
        }
        // An empty page short of the total announced: the users it leaves
        // out would look deleted (whatever total this page claims).
        if let (0, Some(t)) = (n, self.total) {
            if self.offset < t {
                return Err(PagingError::EmptyPage {
                    total: t,
                    offset: self.offset,
                });
            }
        }
        // A total that moves means users came or went while the list was
        // read; a page without one (some ARMs send it only first) says nothing.
        match (self.total, page.total) {
            (Some(first), Some(now)) if first != now => {
                return Err(PagingError::TotalChanged {
                    first,
                    now,
                    offset: self.offset,
                });
            }
            (None, Some(now)) => self.total = Some(now),
            _ => {}
        }
        // Each key is added to `seen`: the first one already there, from
        // an earlier page or this one, is a repeat. A failed page fails
        // the list, so what it left in `seen` is never read.
        self.seen.reserve(page.users.len());
        if let Some(again) = page
            .users
            .iter()
            .zip(hashes)
            .position(|(u, h)| !self.seen.insert(h, u))
        {
            let again = &page.users[again];
            let who = if again.id.is_empty() {
                "a user".to_string()
            } else {
                format!("user {:?}", again.id)
            };
            // A bare array that repeats may be the whole list sent on every
            // call; only a page larger than asked for proves it is (a server
            // that caps its pages and ignores offset looks the same).
            let remedy = if page.envelope == Envelope::BareArray {
                "if this ARM sends its whole list as a bare array on every call, set \
                 page_size = 1 for the connection: a list longer than the page asked for is \
                 then read once, whole"
            } else {
                "if the ARM sends a total, raise page_size above the number of users"
            };
            return Err(PagingError::IgnoresOffset {
                offset: self.offset,
                who,
                remedy,
            });
        }
        self.received += page.users.len();
        self.users.push_page(page.users);
        if n == 0 {
            return match self.total {
                // The first page: empty, yet announcing users.
                Some(t) if self.offset < t => Err(PagingError::EmptyPage {
                    total: t,
                    offset: self.offset,
                }),
                _ => Ok(Next::Done),
            };
        }
        self.offset += n;
        match self.total {
            Some(t) if self.offset > t => Err(PagingError::MoreThanTotal {
                sent: self.offset,
                total: t,
            }),
            Some(t) if self.offset == t => Ok(Next::Done),
            _ => Ok(Next::Page(self.offset)),
        }
    }

    pub fn finish(self) -> ArmUsers {
        self.users
    }
}
