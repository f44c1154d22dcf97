//! Jobs that change the inventory without fetching from a vendor: sweep,
//! purge of a connection, hand edits, ranges, imports, audit.

use super::tasks::{acquire_sync_lease, JobCtx};
use super::{JobEvent, JobOutcome};
use crate::clock;
use crate::config::ConnectionRef;
use crate::domain::actions::{self, NumberAction};
use crate::domain::audit as audit_rules;
use crate::domain::number::InventoryItem;
use crate::domain::number_import::{BadLines, ImportError, ImportReader, Line};
use crate::domain::text::{count, plural};
use crate::store::number_edits::AddOutcome;
use crate::store::sync::{SyncMode, SyncRequest};
use crate::store::{Store, StoreError};
use tokio_util::sync::CancellationToken;

/// Who did it, for events, tags and lease holders: the name of the
/// operating system account the process runs as (its real uid), never
/// `$USER` or `$LOGNAME`, which anyone can set to anything. A name the
/// password database does not give, or one holding a control character,
/// is recorded as `uid N`.
pub fn who() -> String {
    // SAFETY: getuid cannot fail and touches no memory of ours.
    let uid = unsafe { libc::getuid() };
    recorded_name(account_name(uid), uid)
}

/// The account's name as recorded: `uid N` when there is none or it holds
/// a control character (an escape sequence in a tag reaches terminals).
fn recorded_name(name: Option<String>, uid: libc::uid_t) -> String {
    name.filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// The password database's name for `uid` (getpwuid_r, thread-safe).
fn account_name(uid: libc::uid_t) -> Option<String> {
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: an all-zero passwd is a valid value to be filled in.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call, and `buf`'s length
        // is the length given; the strings set in `pwd` point into `buf`.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: pw_name is a NUL-terminated string inside `buf`.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        return Some(String::from_utf8_lossy(name.to_bytes()).into_owned());
    }
}

/// "1 was", "2 were": how many of the numbers were already there.
fn were(n: usize) -> String {
    format!("{n} {}", plural(n, "was", "were"))
}

pub async fn sweep(ctx: &JobCtx) -> Result<JobOutcome, JobOutcome> {
    ctx.refuse_local_writes()?;
    let today = ctx.clock().today();
    let n = ctx
        .write(
            "sweep",
            move |s| s.sweep(today),
            |n| format!("{n} released"),
        )
        .await?;
    Ok(JobOutcome::ok(
        format!(
            "sweep released {}",
            count(n, "cooling number", "cooling numbers")
        ),
        Some(serde_json::json!({ "released": n })),
    ))
}

pub async fn purge(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    let conn = ctx.audiocodes(name).await?;
    if let Some(refused) = ctx.refuse_writes(Some(ConnectionRef::AudioCodes(&conn))) {
        return Err(refused);
    }
    acquire_sync_lease(ctx, name).await?;
    let (n, settings, jid) = (
        name.to_string(),
        ctx.shared.config.inventory.clone(),
        ctx.id.clone(),
    );
    let (started, today) = (ctx.clock().now(), ctx.clock().today());
    let outcome = ctx
        .write(
            &format!("purge of {name}"),
            move |s| {
                s.apply_sync(&SyncRequest {
                    connection: &n,
                    users: &[],
                    today,
                    settings: &settings,
                    mode: SyncMode::Purge,
                    force: true,
                    job_id: Some(&jid),
                    started_at: started,
                })
            },
            |o| {
                format!(
                    "{} cooling, {} released",
                    o.counts.cooled, o.counts.released
                )
            },
        )
        .await?;
    let c = &outcome.counts;
    Ok(JobOutcome::ok(
        format!(
            "{name} purged: cached users removed, {} cooling, {} released",
            count(c.cooled, "number", "numbers"),
            c.released
        ),
        serde_json::to_value(&outcome).ok(),
    ))
}

pub async fn edit_numbers(
    ctx: &JobCtx,
    numbers: &[String],
    action: &NumberAction,
) -> Result<JobOutcome, JobOutcome> {
    ctx.refuse_local_writes()?;
    action.validate().map_err(JobOutcome::failed)?;
    let (list, act, by) = (numbers.to_vec(), action.clone(), who());
    let today = ctx.clock().today();
    let out = ctx
        .write(
            &action.label(),
            move |s| s.apply_number_action(&list, &act, today, &by),
            |o| format!("{} changed", count(o.changed, "number", "numbers")),
        )
        .await?;
    let mut summary = format!(
        "{}: {} of {}",
        action.label(),
        out.changed,
        count(numbers.len(), "number", "numbers")
    );
    if !out.refused.is_empty() {
        let first = &out.refused[0];
        summary.push_str(&format!(
            "; {} left alone (e.g. {} {})",
            out.refused.len(),
            first.number,
            first.reason
        ));
    }
    if !out.missing.is_empty() {
        summary.push_str(&format!(
            "; {} not in the inventory (e.g. {})",
            out.missing.len(),
            out.missing[0]
        ));
    }
    let detail = serde_json::to_value(&out).ok();
    if out.changed == 0 {
        return Err(JobOutcome {
            detail,
            ..JobOutcome::failed(format!("nothing changed: {summary}"))
        });
    }
    Ok(JobOutcome::ok(summary, detail))
}

pub async fn add_range(ctx: &JobCtx, from: &str, to: &str) -> Result<JobOutcome, JobOutcome> {
    ctx.refuse_local_writes()?;
    let numbers = actions::number_range(from, to).map_err(JobOutcome::failed)?;
    let items: Vec<InventoryItem> = numbers.into_iter().map(InventoryItem::available).collect();
    let cause = format!("user {}: add range {from}..{to}", who());
    let out = ctx
        .write(
            "add range",
            move |s| s.add_numbers(&items, &cause),
            |o| format!("{} added", count(o.added, "number", "numbers")),
        )
        .await?;
    Ok(JobOutcome::ok(
        format!(
            "added {}; {} already in the inventory and left as {}",
            count(out.added, "Available number", "Available numbers"),
            were(out.existing),
            plural(out.existing, "it was", "they were")
        ),
        serde_json::to_value(&out).ok(),
    ))
}

/// Lines read between two store batches and progress events.
const IMPORT_BATCH: usize = 2_000;

/// `numbers import FILE`: the file is read as a stream and written as it
/// is read, in batches, inside one transaction. A bad line stops the
/// writing (the rest is only checked, so every bad line is reported) and
/// the transaction rolls back: all or nothing, in one pass over the file.
pub async fn import(ctx: &JobCtx, path: &str) -> Result<JobOutcome, JobOutcome> {
    ctx.refuse_local_writes()?;
    let refused = |e: String| JobOutcome::failed(format!("{path}: nothing was imported: {e}"));
    let file = std::fs::File::open(path)
        .map_err(|e| JobOutcome::failed(format!("cannot read {path}: {e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = ImportReader::new(file).map_err(|e| refused(e.to_string()))?;
    let cause = format!("user {}: import {path}", who());
    let (events, id, cancel) = (
        ctx.shared.events.clone(),
        ctx.id.clone(),
        ctx.cancel.clone(),
    );
    let progress = move |bytes: u64| {
        let _ = events.send(JobEvent::Progress {
            id: id.clone(),
            entity: "bytes read".into(),
            done: bytes,
            failed: 0,
            total: size.max(bytes),
        });
    };
    let out = ctx
        .write(
            "import",
            move |s| import_rows(s, reader, &cause, progress, &cancel),
            |r| match r {
                Ok(o) => format!("{} added", count(o.added, "number", "numbers")),
                Err(_) => "nothing imported (the file was refused)".into(),
            },
        )
        .await?
        .map_err(|e| refused(e.to_string()))?;
    Ok(JobOutcome::ok(
        format!(
            "imported {} from {path}; {} already in the inventory and left as {}; \
             the inventory now holds {}",
            count(out.added, "number", "numbers"),
            were(out.existing),
            plural(out.existing, "it was", "they were"),
            count(out.held, "number", "numbers")
        ),
        serde_json::to_value(&out).ok(),
    ))
}

/// The import's one pass: rows are written in batches until a bad line is
/// read; from then on lines are only checked. Any bad line, error or
/// cancel drops the transaction, which rolls back.
fn import_rows<R: std::io::Read>(
    s: &mut Store,
    mut reader: ImportReader<R>,
    cause: &str,
    mut progress: impl FnMut(u64),
    cancel: &CancellationToken,
) -> Result<Result<AddOutcome, ImportError>, StoreError> {
    let mut import = s.begin_import(cause)?;
    let mut batch = Vec::with_capacity(IMPORT_BATCH);
    let mut bad = BadLines::default();
    let mut lines = 0;
    loop {
        let line = match reader.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(e) => return Ok(Err(e)),
        };
        match line {
            Line::Row(item) if bad.is_empty() => batch.push(item),
            Line::Row(_) => {}
            Line::Bad(n, e) => {
                bad.push(n, e);
                batch.clear();
            }
        }
        lines += 1;
        if lines % IMPORT_BATCH == 0 {
            if cancel.is_cancelled() {
                return Err(StoreError::Interrupted(None));
            }
            import.add(&batch)?;
            batch.clear();
            progress(reader.bytes_read());
        }
    }
    progress(reader.bytes_read());
    if !bad.is_empty() {
        return Ok(Err(ImportError::BadLines(bad)));
    }
    import.add(&batch)?;
    import.commit().map(Ok)
}

pub async fn audit(ctx: &JobCtx, fix: bool) -> Result<JobOutcome, JobOutcome> {
    if fix {
        ctx.refuse_local_writes()?;
    }
    let days = ctx.shared.config.inventory.audiocodes_cooling_duration_days;
    let today = ctx.clock().today();
    let work = move |s: &mut crate::store::Store| {
        let (items, snapshots) = s.audit_inputs()?;
        let mut findings = audit_rules::audit(&items, &snapshots, today, days);
        // Numbers free here that AXP uses: reported, never fixed.
        let refs = crate::domain::voice_numbers::axp_numbers(&s.axp_number_items()?);
        let mut numbers: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
        numbers.dedup();
        let mut rows = Vec::new();
        for n in numbers {
            rows.extend(s.number(n)?);
        }
        findings.extend(audit_rules::in_use_on_axp(&rows, &refs));
        // The AXP families whose last refresh failed: their stored
        // items (used above) are older than the rest.
        let stale: Vec<_> = s
            .stale_kinds(None)?
            .into_iter()
            .filter(|k| crate::domain::voice_registry::family(&k.kind).is_some())
            .collect();
        let fixed = if fix {
            let fixes: Vec<_> = findings
                .iter()
                .filter_map(|f| f.transition.clone())
                .collect();
            s.apply_audit_fixes(&fixes)?
        } else {
            0
        };
        Ok((findings, fixed, stale))
    };
    // With --fix the audit writes: its commit point.
    let (findings, fixed, stale) = if fix {
        ctx.write("audit fix", work, |(_, fixed, _)| format!("{fixed} fixed"))
            .await?
    } else {
        ctx.store("audit", work).await?
    };
    let mut summary = if fix {
        format!(
            "audit: {}, {fixed} fixed",
            count(findings.len(), "finding", "findings")
        )
    } else {
        format!("audit: {}", count(findings.len(), "finding", "findings"))
    };
    if !stale.is_empty() {
        let which: Vec<String> = stale
            .iter()
            .map(|k| {
                let since = k
                    .refreshed_at
                    .as_deref()
                    .map_or("never fetched".to_string(), |at| {
                        format!("items from {}", clock::human(at))
                    });
                format!("{} of {} ({since})", k.kind, k.connection)
            })
            .collect();
        summary.push_str(&format!(
            "; AXP data used as stored, stale for {}",
            which.join(", ")
        ));
    }
    Ok(JobOutcome::ok(
        summary,
        Some(serde_json::json!({ "findings": findings, "fixed": fixed, "stale_axp": stale })),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_name_is_recorded_unless_it_holds_a_control_character() {
        assert_eq!(recorded_name(Some("alice".into()), 1000), "alice");
        assert_eq!(
            recorded_name(Some("alice\x1b]52;c;SGk=\x07".into()), 1000),
            "uid 1000"
        );
        assert_eq!(recorded_name(Some(String::new()), 7), "uid 7");
        assert_eq!(recorded_name(None, 7), "uid 7");
    }

    #[test]
    fn who_ignores_the_environment() {
        // SAFETY: getuid cannot fail.
        let uid = unsafe { libc::getuid() };
        assert_eq!(who(), recorded_name(account_name(uid), uid));
        assert!(!who().is_empty());
    }
}
