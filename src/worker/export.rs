//! The export job: a Numbers query's rows to a CSV or JSON file, read
//! off the async threads, with progress events and cancel between rows.

use super::tasks::JobCtx;
use super::{JobError, JobEvent, JobOutcome};
use crate::domain::number_filter::NumberQuery;
use crate::domain::text::count;
use crate::query::export::{write_file, ExportError};
use crate::store::StoreError;

pub async fn export_numbers(
    ctx: &JobCtx,
    query: &NumberQuery,
    path: &str,
    json: bool,
) -> JobOutcome {
    let (events, id, cancel) = (
        ctx.shared.events.clone(),
        ctx.id.clone(),
        ctx.cancel.clone(),
    );
    // The full path in every message: the person sees where it went.
    let file = std::path::absolute(path).unwrap_or_else(|_| path.into());
    let shown = file.display().to_string();
    let path = shown.as_str();
    let query = query.clone();
    // A connection of its own: a long export is a read and must not hold
    // up the worker's other store calls on its kept connection.
    let (at, clock) = (ctx.shared.store.at().clone(), ctx.shared.store.clock());
    let written = tokio::task::spawn_blocking(move || {
        let s = at.open_with(clock)?;
        Ok(write_file(&s, &query, &file, json, |done, total| {
            let _ = events.send(JobEvent::Progress {
                id: id.clone(),
                entity: "numbers".into(),
                done: done as u64,
                failed: 0,
                total: total as u64,
            });
            !cancel.is_cancelled()
        }))
    })
    .await
    .unwrap_or_else(|e| Err(StoreError::Task(format!("export task failed: {e}"))));
    match written {
        Ok(Ok(n)) => JobOutcome::ok(
            format!("exported {} to {path}", count(n, "number", "numbers")),
            None,
        ),
        Ok(Err(ExportError::Cancelled)) => JobOutcome {
            state: crate::domain::job::JobState::Cancelled,
            ..JobOutcome::failed(JobError::Cancelled(format!(
                "export to {path}: {}",
                ExportError::Cancelled
            )))
        },
        Ok(Err(ExportError::Failed(e))) => {
            JobOutcome::failed(format!("export to {path} failed: {e}"))
        }
        Err(e) => JobOutcome::failed(JobError::store(format!("export to {path} failed: {e}"), e)),
    }
}
