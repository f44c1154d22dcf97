//! Jobs that save or forget a connection made in switchboard.

use super::inventory::purge;
use super::tasks::JobCtx;
use super::JobOutcome;
use crate::domain::connection::SecretsPresent;
use crate::domain::connection_spec::ConnectionSpec;
use crate::domain::job::JobKind;

/// Saves a connection made in the TUI, with the secrets the form sent beside
/// the job; a secret left blank keeps the stored one. Then it syncs (an
/// AudioCodes connection with "sync on save") or refreshes (Live Platform,
/// AXP) so its data appears at once.
pub async fn save_connection(
    ctx: &JobCtx,
    spec: &ConnectionSpec,
) -> Result<JobOutcome, JobOutcome> {
    let secrets = ctx.take_form_secrets().connection;
    ctx.refuse_local_writes()?;
    let name = spec.name().to_string();
    if ctx.shared.config.find(&name).is_some() {
        return Err(JobOutcome::failed(format!(
            "{name} is declared in the config file; edit it there"
        )));
    }
    let n = name.clone();
    let kept = ctx
        .store("save", move |s| {
            Ok(s.stored_connections()?
                .into_iter()
                .find(|c| c.spec.name() == n)
                .map(|c| c.secrets_kept)
                .unwrap_or_default())
        })
        .await?;
    let has = |key: &str| secrets.iter().any(|(k, _)| *k == key) || kept.iter().any(|k| k == key);
    let present = SecretsPresent {
        password: has("password"),
        client_secret: has("client_secret"),
        app_key: has("app_key"),
    };
    // The form checked as the user typed; check again here, where it counts.
    if let Some(e) = spec.validate(&[], present).first() {
        return Err(JobOutcome::failed(format!(
            "{name}: {} {}; nothing was saved",
            e.field, e.message
        )));
    }
    let s2 = spec.clone();
    ctx.write(
        &format!("saving {name}"),
        move |s| {
            let refs: Vec<(&str, &crate::secret::Secret)> =
                secrets.iter().map(|(k, v)| (*k, v)).collect();
            s.save_connection(&s2, &refs)
        },
        |_| "the connection saved".into(),
    )
    .await?;
    let follow_up = match spec {
        ConnectionSpec::AudioCodes(a) if a.sync_on_save => Some(JobKind::SyncAudioCodes {
            connection: name.clone(),
            dry_run: false,
            force: false,
        }),
        ConnectionSpec::AudioCodes(_) => None,
        ConnectionSpec::LivePlatform(_) => Some(JobKind::RefreshLivePlatform {
            connection: name.clone(),
        }),
        ConnectionSpec::Axp(_) => Some(JobKind::RefreshVoice {
            connection: name.clone(),
        }),
    };
    let then = match follow_up {
        Some(kind) => {
            let what = kind.label();
            ctx.log(format!("{name}: {what} after saving")).await;
            super::Worker {
                shared: ctx.shared.clone(),
            }
            .submit(kind);
            format!("; {what} started")
        }
        None => String::new(),
    };
    Ok(JobOutcome::ok(format!("{name} saved{then}"), None))
}

/// Forgets a connection made in switchboard. An AudioCodes connection is
/// purged first, so its numbers cool as VOSS's purge would.
pub async fn delete_connection(ctx: &JobCtx, name: &str) -> Result<JobOutcome, JobOutcome> {
    if ctx.shared.config.find(name).is_some() {
        return Err(JobOutcome::failed(format!(
            "{name} is declared in the config file; remove it there"
        )));
    }
    ctx.refuse_local_writes()?;
    let purged = match ctx.connection(name).await? {
        crate::config::Connection::AudioCodes(_) => Some(purge(ctx, name).await?),
        _ => None,
    };
    let n = name.to_string();
    ctx.write(
        &format!("deleting {name}"),
        move |s| s.delete_connection(&n),
        |_| "the connection deleted".into(),
    )
    .await?;
    Ok(match purged {
        Some(p) => JobOutcome::ok(format!("{name} deleted ({})", p.summary), p.detail),
        None => JobOutcome::ok(format!("{name} deleted with its cached data"), None),
    })
}
