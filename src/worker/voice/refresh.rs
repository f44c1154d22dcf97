//! Refreshing every AXP Voice family (and each Communication Manager's
//! families) into the store, each family on its own; and listing one
//! family again after a write.

use super::client;
use crate::api::axp::AxpClient;
use crate::api::paging::{in_page_order, Ahead};
use crate::domain::text;
use crate::domain::voice_registry::{self, Family};
use crate::store::remote::RemoteSet;
use crate::worker::remote_refresh::{set_of, store_sets, PartFailure, PartRefresh, UnkeepableList};
use crate::worker::tasks::{api_failed, JobCtx};
use crate::worker::JobOutcome;
use serde_json::Value;

/// Every listable family (and each Communication Manager's children) into
/// the store, each family on its own (see `PartRefresh`): a family that
/// fails (a 404 for an account without MS Teams elements, a 500) keeps its
/// previous items, is marked stale, and the job ends partial.
pub async fn refresh(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    let (_, client) = client(ctx, name).await?;
    // Credentials first: without a token nothing can be fetched.
    client.authenticate().await.map_err(api_failed)?;
    let mut refresh = PartRefresh::new(name);
    let top: Vec<_> = voice_registry::listable().collect();
    let total = top.len() as u64;
    let (mut whole, mut count) = (0usize, 0usize);
    // The families fetched at once (`fetch_concurrency`), taken in order;
    // a CM's own families are fetched as its turn comes. Once the refresh
    // stops, the rest is no longer awaited (dropped with the stream).
    // A CM's own families are listed while those fetched ahead go on
    // being read (`Ahead::meanwhile`).
    let mut lists = Ahead::new(in_page_order(
        0..top.len(),
        client.fetch_concurrency(),
        |i: usize| fetch_set(&client, name, top[i], ""),
    ));
    for (i, f) in top.iter().enumerate() {
        if refresh.stopped.is_some() {
            refresh.skipped(f.key, f.key);
            if f.key == "cm" {
                for child in voice_registry::children_of("cm") {
                    refresh.skipped(child.key, child.key);
                }
            }
            continue;
        }
        let Some((_, fetched)) = lists.next().await else {
            break;
        };
        let mut all_fetched = true;
        match fetched {
            Ok((list, set)) => {
                count += list.len();
                if f.key == "cm" {
                    // The ids as the store reads them (a string or a number):
                    // every CM in the set has one, or the set would be refused.
                    let cm_ids: Vec<String> = set.items.iter().map(|i| i.id.clone()).collect();
                    for cm_id in &cm_ids {
                        let cm_id = cm_id.as_str();
                        for child in voice_registry::children_of("cm") {
                            if refresh.stopped.is_some() {
                                all_fetched = false;
                                break;
                            }
                            match lists
                                .meanwhile(fetch_set(&client, name, child, cm_id))
                                .await
                            {
                                Ok((kids, set)) => {
                                    count += kids.len();
                                    refresh.stored(set);
                                }
                                Err(e) => {
                                    all_fetched = false;
                                    let label = format!("{} under CM {cm_id}", child.key);
                                    refresh.failed(child.key, Some(cm_id), &label, e);
                                }
                            }
                        }
                    }
                }
                refresh.stored(set);
            }
            Err(e) => {
                all_fetched = false;
                refresh.failed(f.key, None, f.key, e);
                if f.key == "cm" {
                    // Without the CMs their children cannot be listed.
                    for child in voice_registry::children_of("cm") {
                        refresh.skipped(child.key, child.key);
                    }
                }
            }
        }
        whole += usize::from(all_fetched);
        let (tried, whole) = (i as u64 + 1, whole as u64);
        ctx.progress("families", whole, tried - whole, total);
    }
    let ok = format!(
        "{name}: {} in {}",
        text::count(count, "voice element", "voice elements"),
        text::count(total, "family", "families")
    );
    let done = format!(
        "{name}: {whole} of {} refreshed, {}",
        text::count(total, "family", "families"),
        text::count(count, "element", "elements")
    );
    refresh.finish(ctx, ok, done).await
}

/// One family's list and its set for the store, or why not (an API error,
/// or items the store cannot tell apart).
async fn fetch_set(
    client: &AxpClient,
    name: &str,
    f: &Family,
    parent: &str,
) -> Result<(Vec<Value>, RemoteSet), PartFailure> {
    let list = client
        .list(f, (!parent.is_empty()).then_some(parent))
        .await?;
    let set = family_set_of(client, name, f, parent, &list)?;
    Ok((list, set))
}

/// One family's fetched list as a set for the store.
fn family_set(
    client: &AxpClient,
    conn: &str,
    f: &Family,
    parent: &str,
    list: &[Value],
) -> Result<RemoteSet, JobOutcome> {
    family_set_of(client, conn, f, parent, list)
        .map_err(|e| JobOutcome::failed(format!("{e}; nothing was changed")))
}

/// [`family_set`], with the reason as one line.
fn family_set_of(
    client: &AxpClient,
    conn: &str,
    f: &Family,
    parent: &str,
    list: &[Value],
) -> Result<RemoteSet, UnkeepableList> {
    let endpoint = format!(
        "GET {}",
        client.family_path(f, (!parent.is_empty()).then_some(parent))
    );
    set_of(
        conn,
        &endpoint,
        (f.key, parent),
        list,
        (f.id_field, f.columns.first().copied().unwrap_or("name")),
    )
}

/// Lists one family again after a write, so the Voice tab shows the change.
/// A failure here is logged, not fatal: the write itself is done.
pub(super) async fn relist(
    ctx: &JobCtx,
    name: &str,
    client: &AxpClient,
    f: &Family,
    parent: Option<&str>,
) {
    if !f.ops.list {
        return;
    }
    match client.list(f, parent).await {
        Ok(list) => {
            let stored = match family_set(client, name, f, parent.unwrap_or(""), &list) {
                Ok(set) => store_sets(ctx, name, vec![set]).await,
                Err(e) => Err(e),
            };
            if let Err(e) = stored {
                ctx.log(format!("the list was not stored again: {}", e.error))
                    .await;
            }
        }
        Err(e) => {
            ctx.log(format!("the list was not fetched again: {e}"))
                .await
        }
    }
}
