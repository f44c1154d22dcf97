//! `switchboard demo` (simulator + temporary store + TUI) and
//! `switchboard sim` (the simulator alone).

use super::sim_config;
pub use super::sim_config::ConfigOut;
use super::{EXIT_ERROR, EXIT_OK};
use crate::clock;
use crate::domain::job::JobKind;
use crate::domain::number::{InventoryItem, Status, USAGE_DEVICE, VENDOR_AUDIOCODES};
use crate::sim::{self, scenario::Scenario, tls::TlsFiles, SimError};
use crate::store::Store;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// Starts the simulator on its own runtime thread; returns its address.
fn start_sim(
    listen: SocketAddr,
    scenario: Scenario,
    tls: Option<TlsFiles>,
) -> Result<SocketAddr, SimError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("simulator".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => return drop(tx.send(Err(SimError::Io(e)))),
            };
            rt.block_on(async move {
                match sim::spawn(listen, &scenario, tls.as_ref()).await {
                    Ok((addr, handle)) => {
                        let _ = tx.send(Ok(addr));
                        let _ = handle.await;
                    }
                    Err(e) => drop(tx.send(Err(e))),
                }
            });
        })?;
    rx.recv()?
}

/// `switchboard sim`: serves until Ctrl-C, after printing or writing a
/// config pointing at itself when asked.
pub fn serve_sim(
    listen: SocketAddr,
    scenario: Option<&Path>,
    config_out: &ConfigOut,
    tls: Option<TlsFiles>,
) -> i32 {
    if let ConfigOut::File { path, force } = config_out {
        // Refused before anything listens.
        if let Err(e) = sim_config::check_target(path, *force) {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    }
    let scenario = match scenario
        .map(Scenario::load)
        .unwrap_or_else(|| Ok(Scenario::demo()))
    {
        Ok(s) => s,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    let https = tls.is_some();
    let scheme = if https { "https" } else { "http" };
    let addr = match start_sim(listen, scenario.clone(), tls) {
        Ok(a) => a,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    errln!("simulator listening on {scheme}://{addr} (control: {scheme}://{addr}/_sim/health); Ctrl-C stops it");
    match sim_config::give(config_out, &scenario, addr, https) {
        Ok(Some(line)) => errln!("{line}"),
        Ok(None) => {}
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    EXIT_OK
}

/// Numbers the simulator does not hold, so every status shows in the demo:
/// another vendor's, reserved ones, a free range and some AudioCodes
/// numbers cooling down.
fn seed_demo_inventory(store: &mut Store) -> crate::store::Result<usize> {
    let today = clock::today();
    let mut items = Vec::new();
    for i in 0..120 {
        let mut it = InventoryItem::available(format!("+4420790{:05}", i));
        match i % 4 {
            0 => {
                it.status = Status::Used;
                it.vendor = "Microsoft".into();
                it.usage = "User".into();
            }
            1 => it.status = Status::Reserved,
            _ => {}
        }
        items.push(it);
    }
    // Demo conflict: a Microsoft number inside arm-east's range.
    let mut ms = InventoryItem::available("+12125550007");
    ms.status = Status::Used;
    ms.vendor = "Microsoft".into();
    ms.usage = "User".into();
    items.push(ms);
    for i in 0..36u32 {
        let began = today - chrono::Days::new(u64::from(i % 2));
        let mut it = InventoryItem::available(format!("+12125559{:03}", i));
        it.vendor = VENDOR_AUDIOCODES.into();
        it.usage = USAGE_DEVICE.into();
        it.connection = Some("arm-east".into());
        it.registered_user = Some(format!("user9{:03}", i));
        let it = crate::domain::cooling::cooled(&it, began, 2);
        items.push(it);
    }
    store.insert_numbers(&items, "demo seed")
}

pub fn run(read_only: bool, args: &crate::cli::TuiArgs) -> i32 {
    let dir = match tempfile::Builder::new()
        .prefix("switchboard-demo-")
        .tempdir()
    {
        Ok(d) => d,
        Err(e) => {
            errln!("switchboard: cannot create a temporary directory: {e}");
            return EXIT_ERROR;
        }
    };
    let scenario = Scenario::demo();
    let addr = match start_sim("127.0.0.1:0".parse().expect("addr"), scenario.clone(), None) {
        Ok(a) => a,
        Err(e) => {
            errln!("switchboard: {e}");
            return EXIT_ERROR;
        }
    };
    let store_path = dir.path().join("demo.db");
    let config_path = dir.path().join("config.toml");
    let text = format!(
        "# Written by `switchboard demo` for its session; removed when the demo\n\
         # ends. The secrets are the simulator's own demo values.\n\n{}",
        sim::config_for(&scenario, addr, "http", &store_path)
    );
    if let Err(e) = write_private(&config_path, &text) {
        errln!("switchboard: cannot write {}: {e}", config_path.display());
        return EXIT_ERROR;
    }
    let config = match crate::config::load(Some(&config_path)) {
        Ok(c) => c,
        Err(e) => {
            errln!("switchboard: demo config: {e}");
            return EXIT_ERROR;
        }
    };
    let log = crate::logging::init(&config.log_dir);
    crate::panic_report::keep_log(config.log_dir.join("switchboard.log"), log);
    if let Err(e) = Store::open(&store_path).and_then(|mut s| seed_demo_inventory(&mut s)) {
        errln!("switchboard: cannot prepare the demo store: {e}");
        return EXIT_ERROR;
    }
    let mut first: Vec<JobKind> = vec![];
    first.extend(config.audiocodes.iter().map(|c| JobKind::SyncAudioCodes {
        connection: c.name.clone(),
        dry_run: false,
        force: false,
    }));
    first.extend(
        config
            .live_platform
            .iter()
            .map(|c| JobKind::RefreshLivePlatform {
                connection: c.name.clone(),
            }),
    );
    first.extend(config.axp.iter().map(|c| JobKind::RefreshVoice {
        connection: c.name.clone(),
    }));
    let start = crate::tui::Start {
        read_only,
        mouse: args.mouse,
        tab: args.tab.clone(),
        jobs: first,
    };
    let code = crate::tui::run(Arc::new(config), start);
    drop(dir); // the temporary store and config go with the demo
    code
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())
}
