//! The export job: a Numbers query's rows to a CSV or JSON file, read
//! off the async threads, with progress events and cancel between rows.

use super::tasks::JobCtx;
use super::{with_store, JobError, JobEvent, JobOutcome};
use crate::domain::number_filter::NumberQuery;
use crate::query::export::{write_file, ExportError};

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
    let (query, file) = (query.clone(), std::path::PathBuf::from(path));
    let written = with_store(ctx.shared.store_path.clone(), move |s| {
        Ok(write_file(s, &query, &file, json, |done, total| {
            let _ = events.send(JobEvent::Progress {
                id: id.clone(),
                done: done as u64,
                total: total as u64,
            });
            !cancel.is_cancelled()
        }))
    })
    .await;
    match written {
        Ok(Ok(n)) => JobOutcome::ok(format!("exported {n} numbers to {path}"), None),
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
