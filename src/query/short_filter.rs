//! The reader's compact copy of the text the substring rule tests
//! (`number_query::substring_condition`), loaded in the background, which
//! finds any substring's rows at memory speed. One or two letters have no
//! index in the store at all (the trigram index needs three), and three or
//! more whose matches lie far down the sort order cost a stretch of the
//! sort's index and then trigram queries; the copy answers both alike, as
//! LIKE would. It is used only while the store's data is the data it was
//! read from; otherwise the store answers, as before, and a fresh copy is
//! loaded.

use crate::store::number_texts::{each_number_text, NumberText, ReadVersion};
use crate::store::{Result, Store};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The characters of a number. A number made only of these cannot hold a
/// substring with any other character, so it is left out of the copy (most
/// are), and a substring made only of these is left to the store.
fn number_char(b: u8) -> bool {
    b == b'+' || b.is_ascii_digit()
}

/// Longer needles are left to the store (its LIKE refuses a pattern of
/// more than 50,000 bytes; a person types nothing near this).
const NEEDLE_MAX: usize = 1000;

/// Whether the copy can answer `needle`: it holds a character a plain
/// number lacks, and no NUL (which would end SQLite's LIKE pattern).
pub fn answers(needle: &str) -> bool {
    needle.len() <= NEEDLE_MAX && !needle.contains('\0') && needle.bytes().any(|b| !number_char(b))
}

/// The searchable text of the rows that have any: each field lower-cased
/// as LIKE folds case (ASCII only) and closed by a NUL, which no field and
/// no answered needle holds, so a match never spans two fields or rows.
#[derive(Debug, Default)]
pub struct NumberTexts {
    text: Vec<u8>,
    /// Where each row's text ends in `text`.
    ends: Vec<u32>,
    ids: Vec<i64>,
}

impl NumberTexts {
    /// Adds a row's fields; false when the text outgrows the offsets.
    fn push(&mut self, row: &NumberText<'_>) -> bool {
        let before = self.text.len();
        let number = Some(row.number).filter(|n| !n.bytes().all(number_char));
        for field in [row.registered_user, number, Some(row.hand_tag)]
            .into_iter()
            .flatten()
            .filter(|f| !f.is_empty())
        {
            self.text
                .extend(field.bytes().map(|b| b.to_ascii_lowercase()));
            self.text.push(0);
        }
        if self.text.len() == before {
            return true;
        }
        let Ok(end) = u32::try_from(self.text.len()) else {
            return false;
        };
        self.ends.push(end);
        self.ids.push(row.id);
        true
    }

    /// The ids of the rows whose text holds `needle` (an answered one,
    /// see [`answers`]), as LIKE '%needle%' would find them.
    pub fn matching(&self, needle: &str) -> Vec<i64> {
        let needle = needle.to_ascii_lowercase();
        let mut out = vec![];
        let mut row = 0;
        for at in memchr::memmem::find_iter(&self.text, needle.as_bytes()) {
            let at = u32::try_from(at).expect("the text's length fits u32");
            while self.ends[row] <= at {
                row += 1;
            }
            if out.last() != Some(&self.ids[row]) {
                out.push(self.ids[row]);
            }
        }
        out
    }

    /// Reads the copy from the store at `path`; None when stopped or when
    /// no exact copy can be made.
    pub fn load(path: &std::path::Path, stop: Arc<AtomicBool>) -> Result<Option<NumberTexts>> {
        let mut texts = NumberTexts::default();
        let mut fits = true;
        let whole = each_number_text(path, stop, |row| fits = fits && texts.push(&row))?;
        texts.text.shrink_to_fit();
        texts.ends.shrink_to_fit();
        texts.ids.shrink_to_fit();
        Ok((whole && fits).then_some(texts))
    }
}

struct Loading {
    since: ReadVersion,
    stop: Arc<AtomicBool>,
    done: Receiver<Option<NumberTexts>>,
    thread: JoinHandle<()>,
}

/// The reader's copy, the version of the data it holds, and a load under
/// way.
#[derive(Default)]
pub struct ShortFilter {
    ready: Option<(ReadVersion, NumberTexts)>,
    loading: Option<Loading>,
    /// A version no exact copy could be made of (not tried again).
    failed_at: Option<ReadVersion>,
}

impl ShortFilter {
    /// Starts loading a copy unless one is loaded or loading.
    pub fn warm(&mut self, store: &Store) -> Result<()> {
        self.current(store).map(|_| ())
    }

    /// The ids of the rows `needle` matches, when the copy holds the
    /// store's current data and can answer it; else None (and a fresh copy
    /// is loaded in the background).
    pub fn matching(&mut self, store: &Store, needle: &str) -> Result<Option<Vec<i64>>> {
        if !answers(needle) {
            return Ok(None);
        }
        Ok(self.current(store)?.map(|t| t.matching(needle)))
    }

    fn current(&mut self, store: &Store) -> Result<Option<&NumberTexts>> {
        let now = store.read_version()?;
        self.collect(now);
        if self.ready.as_ref().is_some_and(|(v, _)| *v != now) {
            self.ready = None;
        }
        if self.ready.is_none() && self.loading.is_none() && self.failed_at != Some(now) {
            self.start(store.path().to_path_buf(), now);
        }
        Ok(self.ready.as_ref().map(|(_, t)| t))
    }

    /// Takes a finished load: kept if no commit came since it began.
    fn collect(&mut self, now: ReadVersion) {
        let Some(loading) = &self.loading else {
            return;
        };
        let got = match loading.done.try_recv() {
            Ok(got) => got,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => None,
        };
        let loading = self.loading.take().expect("a load is under way");
        let _ = loading.thread.join();
        if loading.since == now {
            match got {
                Some(texts) => self.ready = Some((now, texts)),
                None => self.failed_at = Some(now),
            }
        }
    }

    fn start(&mut self, path: PathBuf, since: ReadVersion) {
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, done) = mpsc::channel();
        let flag = stop.clone();
        let spawned = std::thread::Builder::new()
            .name("short-filter-load".into())
            .spawn(move || {
                let texts = NumberTexts::load(&path, flag).ok().flatten();
                let _ = tx.send(texts);
            });
        match spawned {
            Ok(thread) => {
                self.loading = Some(Loading {
                    since,
                    stop,
                    done,
                    thread,
                })
            }
            Err(_) => self.failed_at = Some(since),
        }
    }
}

impl Drop for ShortFilter {
    /// Stops a load under way and waits for it, so that its connection is
    /// closed with the reader's.
    fn drop(&mut self) {
        if let Some(loading) = self.loading.take() {
            loading.stop.store(true, Ordering::Relaxed);
            let _ = loading.thread.join();
        }
    }
}

#[cfg(test)]
#[path = "short_filter_tests.rs"]
mod tests;
