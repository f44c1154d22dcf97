//! Listing an AXP family as the server pages it (api-contracts.md §3), and,
//! once the first page gives a total, its later pages several at once
//! (`fetch_concurrency`), checked in page order by the same rules.

use super::{encode, AxpClient};
use crate::api::http::Request;
use crate::api::live_platform::kind_of;
use crate::api::paging::{in_page_order, SeenIds};
use crate::api::{ApiError, ErrorKind};
use crate::domain::terminal_text::terminal_safe;
use crate::domain::text::count;
use crate::domain::voice_registry::{Envelope, Family};
use futures_util::StreamExt;
use reqwest::Url;
use serde_json::Value;

impl AxpClient {
    /// Every item of a family matching `filters` (query parameters such as
    /// available numbers' `countryCode`), page by page, as the server pages
    /// it (api-contracts.md §3): the page size it used (which may be below
    /// the one asked for), `pagination.total`, and a `links.next` on the
    /// same origin. More pages follow while the total is not reached; with
    /// no total, while `links.next` is set; with neither, until an empty
    /// page. A page repeating ids already received, a total that changes,
    /// an empty page short of the total, a `next` to another origin, and
    /// the deadline (`http.job_timeout_secs`) each fail the list.
    ///
    /// When the first page gives a total and its next page is found by
    /// page number, the pages up to the total are asked for
    /// `fetch_concurrency` at once and read in page order; where a page
    /// leads elsewhere than the page number predicted, the pages fetched
    /// ahead are dropped and the list goes on one page at a time.
    pub async fn list_filtered(
        &self,
        family: &Family,
        parent_id: Option<&str>,
        filters: &[(String, String)],
    ) -> Result<Vec<Value>, ApiError> {
        let path = self.family_path(family, parent_id);
        let endpoint = format!("GET {path}");
        let size = family.max_page_size;
        let query: String = filters
            .iter()
            .map(|(k, v)| format!("&{}={}", encode(k), encode(v)))
            .collect();
        let numbered = |page: u32| format!("{path}?pageNumber={page}&pageSize={size}{query}");
        let unexpected = |m: String| self.http.error(&endpoint, ErrorKind::Decode(m));
        let mut read = ListRead::new(family);
        let mut url = numbered(1);
        let mut page = 1u32;
        let body = self.page_in_time(&url, &endpoint, &read, page).await?;
        let mut after = read.take(page, &body, &unexpected)?;
        if let Some(ahead) = self.pages_ahead(&read, &url, &after, &numbered(2)) {
            let mut pages = std::pin::pin!(in_page_order(
                2..=ahead.last,
                self.conn.fetch_concurrency,
                |p| self.page(ahead.url_of(p), &endpoint)
            ));
            // Decided before waiting on the next page fetched ahead: a list
            // already whole, or one whose next page is another than the
            // one fetched ahead, must not wait on it (it may never come).
            for p in 2..=ahead.last {
                let After::More(link) = &after else { break };
                // The page a serial read would ask for next, else stop here.
                let serial = match link {
                    Some(l) => self.http.resolve(&url, l),
                    None => self.http.resolve(&url, &numbered(p)),
                };
                if serial.as_deref().and_then(page_key) != page_key(&ahead.url_of(p)) {
                    break;
                }
                let got = read.out.len();
                let next = self
                    .deadline
                    .run(&self.http, &endpoint, || items_in_pages(got, page), async {
                        Ok(pages.next().await)
                    })
                    .await?;
                let Some((_, body)) = next else { break };
                (url, page) = (ahead.url_of(p), p);
                after = read.take(page, &body?, &unexpected)?;
            }
        }
        while let After::More(link) = after {
            url = match link {
                Some(link) => self.next_url(&url, &link, &endpoint)?,
                None => numbered(page + 1),
            };
            page += 1;
            let body = self.page_in_time(&url, &endpoint, &read, page).await?;
            after = read.take(page, &body, &unexpected)?;
        }
        Ok(read.out)
    }

    /// One page's body.
    async fn page(&self, url: String, endpoint: &str) -> Result<Value, ApiError> {
        let resp = self.call(Request::get(url)).await?;
        self.decode(endpoint, &resp)
    }

    /// One page's body, cut off at the deadline.
    async fn page_in_time(
        &self,
        url: &str,
        endpoint: &str,
        read: &ListRead<'_>,
        page: u32,
    ) -> Result<Value, ApiError> {
        let got = read.out.len();
        self.deadline
            .run(
                &self.http,
                endpoint,
                || items_in_pages(got, page - 1),
                self.page(url.to_string(), endpoint),
            )
            .await
    }

    /// The pages 2 to the last that page 1 announces, when they can be
    /// fetched ahead: more than one at once allowed, a total, and a next
    /// page (its `links.next`, else `second`) on the connection's origin
    /// that names its page by `pageNumber=2`.
    fn pages_ahead(
        &self,
        read: &ListRead<'_>,
        first: &str,
        after: &After,
        second: &str,
    ) -> Option<PagesAhead> {
        let (After::More(link), Some(total)) = (after, read.total) else {
            return None;
        };
        let per_page = read.out.len() as u64;
        if self.conn.fetch_concurrency < 2 || per_page == 0 {
            return None;
        }
        let next = self
            .http
            .resolve(first, link.as_deref().unwrap_or(second))?;
        if !self.http.same_origin(&next) {
            return None;
        }
        let template = Url::parse(&next).ok()?;
        let names_page_2 = template
            .query_pairs()
            .any(|(k, v)| k == "pageNumber" && v == "2");
        names_page_2.then(|| PagesAhead {
            template,
            last: u32::try_from(total.div_ceil(per_page)).unwrap_or(u32::MAX),
        })
    }
}

/// The later pages of a list, by page number.
struct PagesAhead {
    /// Page 2's URL.
    template: Url,
    last: u32,
}

impl PagesAhead {
    /// Page `p`'s URL: page 2's with `pageNumber=p`.
    fn url_of(&self, p: u32) -> String {
        let pairs: Vec<(String, String)> = self
            .template
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "pageNumber" {
                    p.to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        let mut url = self.template.clone();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        url.to_string()
    }
}

/// What tells two page URLs apart: origin, path and the query's
/// parameters (decoded, in any order).
#[derive(Debug, PartialEq, Eq)]
struct PageKey {
    origin: String,
    path: String,
    query: Vec<(String, String)>,
}

fn page_key(url: &str) -> Option<PageKey> {
    let u = Url::parse(url).ok()?;
    let mut query: Vec<(String, String)> = u.query_pairs().into_owned().collect();
    query.sort();
    Some(PageKey {
        origin: u.origin().ascii_serialization(),
        path: u.path().to_string(),
        query,
    })
}

/// What follows a page.
enum After {
    Done,
    /// More pages, with the page's `links.next` if it gave one.
    More(Option<String>),
}

/// The pages read so far, in order, and the rules each new one must keep.
struct ListRead<'a> {
    family: &'a Family,
    out: Vec<Value>,
    seen: SeenIds,
    total: Option<u64>,
}

impl<'a> ListRead<'a> {
    fn new(family: &'a Family) -> Self {
        ListRead {
            family,
            out: Vec::new(),
            seen: SeenIds::default(),
            total: None,
        }
    }

    /// Takes page `page` (from 1), read in order: its total must be the
    /// first one, its ids new, and the items so far no more than the
    /// total; an empty page short of the total fails the list.
    fn take(
        &mut self,
        page: u32,
        body: &Value,
        unexpected: &impl Fn(String) -> ApiError,
    ) -> Result<After, ApiError> {
        let items = page_items(self.family, body, unexpected)?;
        let page_total = body.pointer("/pagination/total").and_then(Value::as_u64);
        match (self.total, page_total) {
            (Some(t), Some(now)) if t != now => {
                return Err(unexpected(format!(
                    "the total changed from {t} to {now} at page {page}; \
                     the list changed while it was read, try again"
                )))
            }
            (None, Some(now)) => self.total = Some(now),
            _ => {}
        }
        self.seen
            .add(&items, self.family.id_field, page)
            .map_err(|e| unexpected(e.to_string()))?;
        let n = items.len();
        self.out.extend(items);
        let got = self.out.len();
        let next = body
            .pointer("/links/next")
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty());
        let more = match self.total {
            Some(t) if got as u64 > t => {
                return Err(unexpected(format!(
                    "{got} items received, more than the announced total of {t}"
                )))
            }
            Some(t) if n == 0 && (got as u64) < t => {
                return Err(unexpected(format!(
                    "the server announced {t} items but sent an empty page {page} after {got}; \
                     the list is not complete"
                )))
            }
            Some(t) => (got as u64) < t,
            None => n > 0,
        };
        Ok(if more {
            After::More(next.map(String::from))
        } else {
            After::Done
        })
    }
}

/// The items of one page, out of the family's envelope (or a bare array,
/// which some list calls answer even where an envelope is documented).
fn page_items(
    family: &Family,
    body: &Value,
    unexpected: impl Fn(String) -> ApiError,
) -> Result<Vec<Value>, ApiError> {
    match (family.envelope, body) {
        // A bare array is taken under any envelope.
        (_, Value::Array(a)) => Ok(a.clone()),
        (Envelope::Key(k), Value::Object(o)) => match o.get(k) {
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(Value::Null) => Ok(vec![]),
            // Another envelope, or a problem body sent with a 200:
            // never read as an empty list.
            None => {
                let mut keys: Vec<&str> = o.keys().map(String::as_str).collect();
                keys.truncate(8);
                Err(unexpected(format!(
                    "no `{k}` list (nor a bare array) in the answer, which has {}",
                    if keys.is_empty() {
                        "no keys".to_string()
                    } else {
                        format!("keys {}", terminal_safe(&keys.join(", ")))
                    }
                )))
            }
            Some(other) => Err(unexpected(format!(
                "field `{k}`: expected an array, got {}",
                kind_of(other)
            ))),
        },
        (_, other) => Err(unexpected(format!(
            "expected a list, got {}",
            kind_of(other)
        ))),
    }
}

/// How far a list got when its time ran out: "1 item in 1 page".
fn items_in_pages(items: usize, pages: u32) -> String {
    format!(
        "{} in {}",
        count(items, "item", "items"),
        count(pages, "page", "pages")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_later_page_is_page_2_with_its_number_and_keys_ignore_order() {
        let ahead = PagesAhead {
            template: Url::parse("http://h:1/a/b?pageNumber=2&pageSize=50&countryCode=US").unwrap(),
            last: 3,
        };
        assert_eq!(
            ahead.url_of(3),
            "http://h:1/a/b?pageNumber=3&pageSize=50&countryCode=US"
        );
        assert_eq!(
            page_key("http://h:1/a/b?pageSize=50&pageNumber=3&countryCode=US"),
            page_key(&ahead.url_of(3))
        );
        assert_ne!(
            page_key("http://h:1/a/b?pageNumber=3&pageSize=20&countryCode=US"),
            page_key(&ahead.url_of(3))
        );
        assert_ne!(
            page_key("http://other:1/a/b?pageNumber=3&pageSize=50&countryCode=US"),
            page_key(&ahead.url_of(3))
        );
    }
}
