//! A hostile tester of issue 18 ("the CLI as a good Unix citizen"), through
//! the real binary, real stores and the simulator: readers that go away
//! before or during a command, full disks, a closed stdout, every exit code
//! of the README's table, CSV files a person or a spreadsheet could hand
//! over, `sim --write-config` targets, and cells that try to break a table.
//! A test that exposes a defect asserts the right behaviour and is ignored
//! with `defect: …`; the others are guards that pass today. One file per
//! area in `hostile18_test/`; the shared helpers are here.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-22T09:00:00Z";

/// A store of its own in `dir/name` with its config (no connections, logs
/// beside it); returns (config, store).
fn fresh(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).unwrap();
    let store = sub.join("s.db");
    (write_config(&sub, &config_head(&store, 1)), store)
}

fn ok(cfg: &Path, args: &[&str]) -> String {
    let out = run_at(cfg, NOW, args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?}: {stderr}");
    stdout
}

fn json(cfg: &Path, args: &[&str]) -> Value {
    let stdout = ok(cfg, args);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}"))
}

fn import(cfg: &Path, file: &Path) -> Output {
    run_at(cfg, NOW, &["numbers", "import", file.to_str().unwrap()])
}

fn switchboard(cfg: &Path, args: &[&str]) -> Command {
    let mut cmd = bin();
    cmd.env("SWITCHBOARD_NOW", NOW)
        .arg("--config")
        .arg(cfg)
        .args(args);
    cmd
}

/// Runs `cmd` with stdout a pipe whose reader closed before it started.
fn reader_gone(mut cmd: Command) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    cmd.stdout(writer).stderr(Stdio::piped()).output().unwrap()
}

fn to_dev_full(mut cmd: Command) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    cmd.stdout(full).stderr(Stdio::piped()).output().unwrap()
}

/// The jobs of the store, newest first, as `jobs --json` gives them.
fn jobs(cfg: &Path) -> Vec<Value> {
    json(cfg, &["jobs", "--json", "--limit", "100"])
        .as_array()
        .unwrap()
        .clone()
}

/// A field of a CSV as a writer must quote it (RFC 4180).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

mod csv_files;
mod exit_codes_and_json;
mod pipes;
mod sim_config;
mod tables;
