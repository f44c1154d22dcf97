//! Writing the rows of a Numbers query to a file, streaming: the CSV or
//! JSON of `numbers --csv|--json`. The file appears whole or not at all:
//! rows go to a hidden sibling that is renamed over `path` at the end, so
//! a cancel or a failure leaves what was there before. The sibling is this
//! export's own (two exports to one path each end whole, the last one
//! renamed wins), a symlink is followed (the file it points to gets the
//! rows and the link stays), and an existing file keeps its mode (a
//! private 0600 file stays private).

use crate::domain::number_filter::NumberQuery;
use crate::domain::number_io::ExportWriter;
use crate::store::Store;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How an export ended without a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// Asked to stop: nothing was written at `path`.
    Cancelled,
    /// The store could not be read, or the file not written.
    Failed(String),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Cancelled => f.write_str("cancelled; nothing was written"),
            ExportError::Failed(e) => f.write_str(e),
        }
    }
}

/// How often (in rows) `go_on` is asked whether to go on.
pub const PROGRESS_EVERY: usize = 500;

/// A hidden sibling of `path` of this export's own.
fn part_path(path: &Path) -> PathBuf {
    static EXPORTS: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = EXPORTS.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}.{}-{n}.part", std::process::id()))
}

/// The file an export to `path` replaces: the one a symlink points to.
fn target_of(path: &Path) -> PathBuf {
    match path.symlink_metadata() {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Writes the rows of `query` to `path` (JSON when `json`, else CSV) and
/// returns how many. `go_on(done, total)` is called at the start, every
/// [`PROGRESS_EVERY`] rows and at the end; `false` stops the export.
pub fn write_file(
    store: &Store,
    query: &NumberQuery,
    path: &Path,
    json: bool,
    mut go_on: impl FnMut(usize, usize) -> bool,
) -> Result<usize, ExportError> {
    let total = store
        .count_numbers(query)
        .map_err(|e| ExportError::Failed(e.to_string()))?;
    if !go_on(0, total) {
        return Err(ExportError::Cancelled);
    }
    let path = &target_of(path);
    let part = part_path(path);
    // The mode of the file replaced, if there is one.
    let mode = std::fs::metadata(path).ok().map(|m| m.permissions());
    let written = write_rows(store, query, &part, json, mode, total, &mut go_on);
    let result = written.and_then(|n| {
        if !go_on(n, total) {
            return Err(ExportError::Cancelled);
        }
        std::fs::rename(&part, path)
            .map(|()| n)
            .map_err(|e| ExportError::Failed(e.to_string()))
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

fn write_rows(
    store: &Store,
    query: &NumberQuery,
    part: &Path,
    json: bool,
    mode: Option<std::fs::Permissions>,
    total: usize,
    go_on: &mut impl FnMut(usize, usize) -> bool,
) -> Result<usize, ExportError> {
    let failed = |e: std::io::Error| ExportError::Failed(e.to_string());
    let file = std::fs::File::create(part).map_err(failed)?;
    // Before any row is written: a private file's rows never sit readable.
    if let Some(mode) = mode {
        file.set_permissions(mode).map_err(failed)?;
    }
    let mut w = ExportWriter::start(std::io::BufWriter::new(file), json).map_err(failed)?;
    let mut done = 0;
    let mut stopped = false;
    let rows = store.for_each_number(query, |i| {
        w.row(i)?;
        done += 1;
        if done % PROGRESS_EVERY == 0 && !go_on(done, total) {
            stopped = true;
            return Err(std::io::Error::other("cancelled"));
        }
        Ok(())
    });
    if stopped {
        return Err(ExportError::Cancelled);
    }
    rows.map_err(|e| ExportError::Failed(e.to_string()))?;
    w.finish().map_err(failed)
}
