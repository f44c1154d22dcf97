//! Reading AXP Voice live: every item of a family (every page, with the
//! family's filters) or one item, as the job's result. Nothing is stored.

use super::{client, family};
use crate::domain::text::count_titled;
use crate::worker::tasks::JobCtx;
use crate::worker::JobOutcome;
use serde_json::Value;

/// Every item of a family, live; the items are the job's `detail`.
pub async fn list(
    ctx: &JobCtx,
    name: &str,
    family_key: &str,
    parent: Option<&str>,
    filters: &[(String, String)],
) -> Result<JobOutcome, JobOutcome> {
    let f = family(family_key)?;
    let (_, client) = client(ctx, name).await?;
    let items = client
        .list_filtered(f, parent, filters)
        .await
        .map_err(|e| JobOutcome::failed(e.to_string()))?;
    let summary = format!("{name}: {}", count_titled(items.len(), f.title));
    Ok(JobOutcome::ok(summary, Some(Value::Array(items))))
}

/// One item, live, as the job's `detail`; a 404 fails the job.
pub async fn get(
    ctx: &JobCtx,
    name: &str,
    family_key: &str,
    parent: Option<&str>,
    id: &str,
) -> Result<JobOutcome, JobOutcome> {
    let f = family(family_key)?;
    let (_, client) = client(ctx, name).await?;
    match client
        .get(f, parent, id)
        .await
        .map_err(|e| JobOutcome::failed(e.to_string()))?
    {
        Some(item) => Ok(JobOutcome::ok(
            format!("{name}: {} {id}", f.title),
            Some(item),
        )),
        None => Err(JobOutcome::failed(format!(
            "{} {id}: not found (404)",
            f.title
        ))),
    }
}
