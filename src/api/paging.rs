//! What every paged list shares: a deadline (`http.job_timeout_secs`) that
//! stops a list with no end, and the ids already received, so a page that
//! repeats them (a server ignoring the page number) fails the list instead
//! of being taken as more of it; and the fetching of a list's later pages
//! several at once, handed back in page order.

use super::http::HttpClient;
use super::{ApiError, ErrorKind};
use futures_util::stream::{self, Stream, StreamExt};
use serde_json::Value;
use std::collections::HashSet;
use std::future::Future;
use std::time::{Duration, Instant};

/// When a list must stop.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub at: Instant,
    pub secs: u64,
}

impl Deadline {
    /// `secs` from now.
    pub fn after_secs(secs: u64) -> Deadline {
        Deadline {
            at: Instant::now() + Duration::from_secs(secs),
            secs,
        }
    }

    /// Runs one page's call, cut off at the deadline; `so_far` says how
    /// far the list got, for the error.
    pub async fn run<T>(
        &self,
        http: &HttpClient,
        endpoint: &str,
        so_far: impl FnOnce() -> String,
        call: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<T, ApiError> {
        let stop = |what: String| {
            http.error(
                endpoint,
                ErrorKind::Deadline {
                    secs: self.secs,
                    what,
                },
            )
        };
        if Instant::now() >= self.at {
            return Err(stop(so_far()));
        }
        match tokio::time::timeout_at(self.at.into(), call).await {
            Ok(r) => r,
            Err(_) => Err(stop(so_far())),
        }
    }
}

/// A page that repeats an id received on an earlier page: the list
/// cannot be read whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "page {page} repeats {id_field} {:?}, already received on an earlier page \
     (the server ignores the page number or the list changed while it was read); \
     the list is not complete",
    crate::domain::terminal_text::terminal_safe(id)
)]
pub struct RepeatedId {
    pub page: u32,
    pub id_field: String,
    /// As the server sent it (the message shows it escaped).
    pub id: String,
}

/// The ids a list has received so far, by the family's id field.
#[derive(Default)]
pub struct SeenIds {
    ids: HashSet<String>,
}

impl SeenIds {
    /// Adds a page's ids; the first one already received is an error
    /// message. Items without an id are not compared (the store refuses
    /// them later, with the item's position).
    pub fn add(&mut self, items: &[Value], id_field: &str, page: u32) -> Result<(), RepeatedId> {
        for it in items {
            let id = match it.get(id_field) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => continue,
            };
            if !self.ids.insert(id.clone()) {
                return Err(RepeatedId {
                    page,
                    id_field: id_field.to_string(),
                    id,
                });
            }
        }
        Ok(())
    }
}

/// The pages named by `keys` (offsets, page numbers, the lists of a
/// refresh), fetched with at most `in_flight` requests at once and handed
/// back in the order of `keys`, each with its key, whatever order the
/// answers arrive in. The caller checks each page, in order, by the same
/// rules as a serial fetch and stops reading where they fail: dropping
/// the stream cancels the requests still in flight.
pub fn in_page_order<'a, K, T, Fut>(
    keys: impl IntoIterator<Item = K> + 'a,
    in_flight: usize,
    fetch: impl Fn(K) -> Fut + 'a,
) -> impl Stream<Item = (K, T)> + 'a
where
    K: Clone + 'a,
    Fut: Future<Output = T> + 'a,
    T: 'a,
{
    stream::iter(keys)
        .map(move |k| {
            let page = fetch(k.clone());
            async move { (k, page.await) }
        })
        .buffered(in_flight.max(1))
}

/// Pages fetched ahead that go on being read while the caller awaits
/// other requests between two of them ([`Ahead::meanwhile`]). A request
/// nobody polls keeps its timeout running: reqwest would report an answer
/// that arrived in time as timed out once polled again.
pub struct Ahead<'a, T> {
    pages: std::pin::Pin<Box<dyn Stream<Item = T> + Send + 'a>>,
    taken: std::collections::VecDeque<T>,
    ended: bool,
}

impl<'a, T> Ahead<'a, T> {
    pub fn new(pages: impl Stream<Item = T> + Send + 'a) -> Self {
        Ahead {
            pages: Box::pin(pages),
            taken: std::collections::VecDeque::new(),
            ended: false,
        }
    }

    /// The next page in order.
    pub async fn next(&mut self) -> Option<T> {
        if let Some(page) = self.taken.pop_front() {
            return Some(page);
        }
        if self.ended {
            return None;
        }
        let page = self.pages.next().await;
        self.ended = page.is_none();
        page
    }

    /// Runs `work` while the pages ahead keep arriving (kept, in order,
    /// for [`Ahead::next`]).
    pub async fn meanwhile<R>(&mut self, work: impl Future<Output = R>) -> R {
        let mut work = std::pin::pin!(work);
        loop {
            tokio::select! {
                biased;
                out = &mut work => return out,
                page = self.pages.next(), if !self.ended => match page {
                    Some(page) => self.taken.push_back(page),
                    None => self.ended = true,
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_repeated_id_is_refused_and_items_without_one_are_let_through() {
        let mut seen = SeenIds::default();
        assert!(seen
            .add(&[json!({"id": "a"}), json!({"id": 2}), json!({})], "id", 1)
            .is_ok());
        assert!(seen.add(&[json!({"id": "b"}), json!({})], "id", 2).is_ok());
        let e = seen.add(&[json!({"id": 2})], "id", 3).unwrap_err();
        assert_eq!((e.page, e.id.as_str()), (3, "2"));
        assert!(e.to_string().starts_with("page 3 repeats id \"2\""), "{e}");
    }
}
