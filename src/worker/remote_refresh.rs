//! A refresh of vendor lists (Live Platform kinds, AXP families) into the
//! store's cache, kind by kind: what was fetched is stored, what failed
//! keeps its items and is marked stale, and the job says which (partial).

use super::tasks::JobCtx;
use super::JobOutcome;
use crate::api::{ApiError, ErrorKind};
use crate::clock;
use crate::domain::terminal_text::terminal_safe;
use crate::domain::text::count;
use crate::store::remote::{RemoteItem, RemoteSet};
use crate::store::StoreError;
use serde_json::Value;

/// An item of a fetched list without its id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("item {item} has no `{id_field}` (a string or a number)")]
pub(super) struct MissingId {
    /// From 1.
    item: usize,
    id_field: String,
}

/// A fetched list the store cannot keep: where it came from, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{conn}: {endpoint}: unexpected response: {why}")]
pub(super) struct UnkeepableList {
    conn: String,
    endpoint: String,
    why: MissingId,
}

/// Why one kind of a refresh failed: the API, or a list the store
/// cannot keep.
#[derive(Debug, thiserror::Error)]
pub(super) enum PartFailure {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    List(#[from] UnkeepableList),
}

/// The store's rows for a fetched list. Every item must carry its id (a
/// string or a number): rows without one could not be told apart, so such
/// a list fails the job instead of being stored.
pub(super) fn items(
    list: &[Value],
    id_field: &str,
    name_field: &str,
) -> Result<Vec<RemoteItem>, MissingId> {
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            let id = match v.get(id_field) {
                Some(Value::String(s)) if !s.is_empty() => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => {
                    return Err(MissingId {
                        item: i + 1,
                        id_field: id_field.to_string(),
                    })
                }
            };
            Ok(RemoteItem {
                id,
                parent: String::new(),
                name: v
                    .get(name_field)
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string(),
                body: v.clone(),
            })
        })
        .collect()
}

/// One fetched list as a set for the store; a list without ids is refused
/// with the connection, the endpoint and what was wrong.
pub(super) fn set_of(
    conn: &str,
    endpoint: &str,
    (kind, parent): (&str, &str),
    list: &[Value],
    (id_field, name_field): (&str, &str),
) -> Result<RemoteSet, UnkeepableList> {
    let mut rows = items(list, id_field, name_field).map_err(|why| UnkeepableList {
        conn: conn.to_string(),
        endpoint: endpoint.to_string(),
        why,
    })?;
    for r in &mut rows {
        r.parent = parent.to_string();
    }
    Ok(RemoteSet {
        kind: kind.into(),
        parent: parent.into(),
        items: rows,
    })
}

/// A refresh of several kinds (AXP families; calling profiles, services,
/// leads), each on its own: what was fetched is stored, what failed keeps
/// its previous items and is marked stale. A connection that cannot be
/// reached or a deadline stops the rest, which keep theirs too.
pub(super) struct PartRefresh {
    conn: String,
    sets: Vec<RemoteSet>,
    failed: Vec<FailedPart>,
    /// Why the rest was not fetched, once something stopped the refresh.
    pub stopped: Option<String>,
}

struct FailedPart {
    kind: String,
    parent: Option<String>,
    /// What people call it: `msteams`, `skills under CM cm-1`.
    label: String,
    error: String,
    /// Not tried: the refresh had stopped before it.
    skipped: bool,
}

impl PartRefresh {
    pub fn new(conn: &str) -> PartRefresh {
        PartRefresh {
            conn: conn.into(),
            sets: vec![],
            failed: vec![],
            stopped: None,
        }
    }

    pub fn stored(&mut self, set: RemoteSet) {
        self.sets.push(set);
    }

    /// A kind (under `parent`) that failed with `e`; an error that means
    /// nothing further can work stops the refresh.
    pub fn failed(&mut self, kind: &str, parent: Option<&str>, label: &str, e: PartFailure) {
        if let PartFailure::Api(api) = &e {
            if matches!(api.kind, ErrorKind::Connect(_) | ErrorKind::Deadline { .. }) {
                self.stopped = Some(api.to_string());
            }
        }
        let error = e.to_string();
        self.failed.push(FailedPart {
            kind: kind.into(),
            parent: parent.map(String::from),
            label: label.into(),
            error: terminal_safe(&error).into_owned(),
            skipped: false,
        });
    }

    /// A kind left unfetched because the refresh stopped.
    pub fn skipped(&mut self, kind: &str, label: &str) {
        self.failed.push(FailedPart {
            kind: kind.into(),
            parent: None,
            label: label.into(),
            error: "not fetched: the refresh stopped at an earlier error".into(),
            skipped: true,
        });
    }

    pub fn kind_stored(&self, kind: &str) -> bool {
        self.sets.iter().any(|s| s.kind == kind)
    }

    /// Every fetch failed: the store stays as it was.
    fn nothing_refreshed(&self) -> JobOutcome {
        let mut last = None;
        let mut lines: Vec<String> = self
            .failed
            .iter()
            .filter(|f| !f.skipped)
            .map(|f| format!("{} failed ({})", f.label, once(&mut last, &f.error)))
            .collect();
        if self.failed.iter().any(|f| f.skipped) {
            lines.push("the rest was not fetched".into());
        }
        JobOutcome::failed(format!(
            "{}: nothing refreshed: {}; nothing was changed",
            self.conn,
            lines.join("; ")
        ))
    }

    /// Stores the refresh and says how it went: `ok` when all was
    /// fetched; failed, with the store untouched, when nothing was;
    /// otherwise partial, `done` saying what was refreshed.
    ///
    /// Under read-only the refresh is fetched and reported but not
    /// stored (the local copy is a write like any other): the report
    /// says so, and the views keep showing the stored copy.
    pub async fn finish(
        self,
        ctx: &JobCtx,
        ok: String,
        done: String,
    ) -> Result<JobOutcome, JobOutcome> {
        let name = self.conn.clone();
        if self.failed.is_empty() {
            if !ctx.shared.store.at().read_only {
                let (c, sets) = (name.clone(), self.sets);
                ctx.write(
                    &format!("storing the refresh of {name}"),
                    move |s| s.replace_remote_sets(&c, &sets),
                    |_| "every fetched list".into(),
                )
                .await?;
            }
            return Ok(JobOutcome::ok(format!("{ok}{}", not_stored(ctx)), None));
        }
        if self.sets.is_empty() {
            return Err(self.nothing_refreshed());
        }
        // What each failed kind keeps, before the store changes.
        let asks: Vec<(String, Option<String>)> = self
            .failed
            .iter()
            .map(|f| (f.kind.clone(), f.parent.clone()))
            .collect();
        let c = name.clone();
        let kept = ctx
            .store("reading what the failed kinds hold", move |s| {
                asks.iter()
                    .map(|(k, p)| {
                        Ok((
                            s.remote_count(&c, k, p.as_deref())?,
                            s.remote_refreshed_at(&c, k)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, StoreError>>()
            })
            .await?;
        let mut stale: Vec<(String, String)> = Vec::new();
        let mut lines = Vec::new();
        let mut detail = Vec::new();
        let mut skipped = Vec::new();
        let mut last = None;
        for (f, (n, at)) in self.failed.iter().zip(kept) {
            let keeps = match &at {
                Some(at) => format!(
                    "kept {} from {}",
                    count(n, "item", "items"),
                    clock::human(at)
                ),
                None => format!("kept {} (never fetched before)", count(n, "item", "items")),
            };
            if f.skipped {
                skipped.push(f.label.clone());
            } else {
                lines.push(format!(
                    "{} failed ({}), {keeps}",
                    f.label,
                    once(&mut last, &f.error)
                ));
            }
            detail.push(serde_json::json!({
                "kind": f.kind, "parent": f.parent, "error": f.error,
                "kept": n, "last_good": at,
            }));
            let why = match &f.parent {
                Some(p) => format!("under {p}: {}", f.error),
                None => f.error.clone(),
            };
            if !stale.iter().any(|(k, _)| *k == f.kind) {
                stale.push((f.kind.clone(), why));
            }
        }
        if !skipped.is_empty() {
            lines.push(format!(
                "not fetched after that, each keeping its items: {}",
                skipped.join(", ")
            ));
        }
        let refreshed: Vec<String> = self.sets.iter().map(|s| s.kind.clone()).collect();
        let (c, sets, marks) = (name.clone(), self.sets, stale);
        if !ctx.shared.store.at().read_only {
            ctx.write(
                &format!("storing the refresh of {name}"),
                move |s| s.refresh_remote(&c, &sets, &marks),
                |_| "the lists that were fetched".into(),
            )
            .await?;
        }
        let failures = lines.join("; ");
        Ok(JobOutcome::partial(
            format!("{done}; {failures}{}", not_stored(ctx)),
            format!("{name}: refreshed in part: {failures}"),
            Some(serde_json::json!({ "refreshed": refreshed, "failed": detail })),
        ))
    }
}

/// An error as it is said in a list of failed kinds: in full the first
/// time, "the same error" when it repeats the one before (a token endpoint
/// that fails fails every kind after it, with the very same line).
fn once<'a>(last: &mut Option<&'a str>, error: &'a str) -> &'a str {
    if last.replace(error) == Some(error) {
        "the same error"
    } else {
        error
    }
}

/// What a refresh under read-only adds to its report.
fn not_stored(ctx: &JobCtx) -> &'static str {
    if ctx.shared.store.at().read_only {
        "; not stored (read-only): the local copy is as it was"
    } else {
        ""
    }
}

/// Stores every set of one refresh in one transaction (under read-only,
/// nothing: see [`PartRefresh::finish`]).
pub(super) async fn store_sets(
    ctx: &JobCtx,
    conn: &str,
    sets: Vec<RemoteSet>,
) -> Result<(), JobOutcome> {
    if ctx.shared.store.at().read_only {
        return Ok(());
    }
    let c = conn.to_string();
    ctx.shared
        .store
        .run(move |s| s.replace_remote_sets(&c, &sets))
        .await
        .map_err(|e| {
            JobOutcome::failed(format!(
                "{conn}: could not store what was fetched: {e}; nothing was changed"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::once;

    #[test]
    fn a_repeated_error_is_said_once() {
        let mut last = None;
        let said: Vec<&str> = ["a: HTTP 500", "a: HTTP 500", "b: 404", "a: HTTP 500"]
            .iter()
            .map(|e| once(&mut last, e))
            .collect();
        assert_eq!(
            said,
            ["a: HTTP 500", "the same error", "b: 404", "a: HTTP 500"]
        );
    }
}
