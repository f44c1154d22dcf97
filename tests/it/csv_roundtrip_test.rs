//! CSV that round-trips (issue 18): export and import share one column set;
//! quoted commas, quotes and line breaks, a UTF-8 BOM and CRLF line ends
//! are read; free text that a spreadsheet would run as a formula is written
//! with a leading `'` in CSV (never in JSON) and read back without it; an
//! import with one bad line among 10,000 changes nothing and names the line.
//! The real binary, the simulator and real stores.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const NOW: &str = "2026-11-22T09:00:00Z";

/// Tags a person or a spreadsheet could write, one per imported number.
const HOSTILE_TAGS: [&str; 14] = [
    "a, b",
    "say \"hi\"",
    "two\nlines",
    "crlf\r\ninside",
    "=1+2",
    "+44 20 7946 0000",
    "-minus",
    "@at",
    "\ttab",
    "'=already quoted",
    "'plain quote",
    "ünïcødé ☎ 中文",
    "",
    "trailing space ",
];

/// A store of its own in `dir/name` with its config; no connections.
fn fresh_store(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let sub = dir.join(name);
    std::fs::create_dir_all(&sub).unwrap();
    let store = sub.join("s.db");
    (write_config(&sub, &config_head(&store, 1)), store)
}

/// `numbers --csv` (or `--json`) of the store, as bytes.
fn export(cfg: &Path, format: &str) -> Vec<u8> {
    let out = run_at(cfg, NOW, &["numbers", format]);
    assert!(out.status.success(), "{}", text(&out).1);
    out.stdout
}

fn import(cfg: &Path, file: &Path) -> std::process::Output {
    run_at(cfg, NOW, &["numbers", "import", file.to_str().unwrap()])
}

/// A field of a CSV as it must be written for a reader (RFC 4180).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

#[test]
fn every_column_round_trips_through_export_and_import() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(0));
    let cfg = lab_config(dir.path(), &sim.addr);
    for (id, n) in [("u1", "+15550001001"), ("u2", "+15550001002")] {
        sim.add_user("lab", id, n, "REGISTERED");
    }
    let out = run_at(&cfg, NOW, &["sync", "audiocodes", "lab"]);
    assert!(out.status.success(), "{}", text(&out).1);
    // A synced number's tag set by hand (one line, as the tag action takes).
    let out = run_at(
        &cfg,
        NOW,
        &["numbers", "tag", "+15550001001", "=HYPERLINK(\"x\")"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    // Hostile tags, usages and vendors, written as an export writes them
    // (a tag that starts with ' before a formula character gets one more).
    let mut seed = String::from("number,status,usage,vendor,tag,release_date\n");
    for (i, tag) in HOSTILE_TAGS.iter().enumerate() {
        let cell = quoted(&switchboard::domain::number_io::escape_formula(tag));
        seed.push_str(&format!("+1555000200{i:02},Available,,,{cell},\n"));
    }
    seed.push_str("+15550003001,Cooling,@usage,-vendor,cooling,2026-12-01\n");
    seed.push_str("+15550003002,Reserved,User,Microsoft,'@kept,\n");
    seed.push_str("4021,Used-Utility,Fax,Acme,ext,\n");
    let seed_file = dir.path().join("seed.csv");
    std::fs::write(&seed_file, seed).unwrap();
    let out = import(&cfg, &seed_file);
    assert!(out.status.success(), "{}", text(&out).1);

    let json_a: Vec<Value> = serde_json::from_slice(&export(&cfg, "--json")).unwrap();
    for (i, tag) in HOSTILE_TAGS.iter().enumerate() {
        // An empty tag is null in JSON (absent values are never "").
        let want = if tag.is_empty() {
            Value::Null
        } else {
            Value::from(*tag)
        };
        assert_eq!(row(&json_a, &format!("+1555000200{i:02}"))["tag"], want);
    }
    let u1 = row(&json_a, "+15550001001");
    assert_eq!(u1["connection"], "lab");
    assert_eq!(u1["registered_user"], "u1");
    assert!(u1["last_seen"].is_string(), "{u1}");
    assert_eq!(row(&json_a, "+15550003002")["tag"], "@kept");

    // Export A, import into a fresh store B, export B.
    let csv_a = export(&cfg, "--csv");
    let file_a = dir.path().join("a.csv");
    std::fs::write(&file_a, &csv_a).unwrap();
    let (cfg_b, _) = fresh_store(dir.path(), "b");
    let out = import(&cfg_b, &file_a);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).0.contains(&format!(
            "imported {n} numbers from {}; 0 were already in the inventory and left as they were; \
             the inventory now holds {n} numbers",
            file_a.display(),
            n = json_a.len()
        )),
        "{}",
        text(&out).0
    );
    // Field-equal on every column import takes; the three that say where
    // a sync saw the number are read and ignored (the next sync sets them).
    let json_b: Vec<Value> = serde_json::from_slice(&export(&cfg_b, "--json")).unwrap();
    let seen_by_sync_cleared: Vec<Value> = json_a
        .iter()
        .map(|r| {
            let mut r = r.clone();
            for k in ["connection", "registered_user", "last_seen"] {
                r[k] = Value::Null;
            }
            r
        })
        .collect();
    assert_eq!(json_b, seen_by_sync_cleared);

    // And byte-equal from then on: B's export through a fresh store C.
    let csv_b = export(&cfg_b, "--csv");
    let file_b = dir.path().join("b.csv");
    std::fs::write(&file_b, &csv_b).unwrap();
    let (cfg_c, _) = fresh_store(dir.path(), "c");
    let out = import(&cfg_c, &file_b);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(
        String::from_utf8(export(&cfg_c, "--csv")).unwrap(),
        String::from_utf8(csv_b).unwrap()
    );
}

#[test]
fn formula_cells_are_escaped_in_csv_and_not_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh_store(dir.path(), "a");
    let file = dir.path().join("in.csv");
    std::fs::write(
        &file,
        "number,tag,usage\n+442079460000,=cmd|' /C calc'!A0,+usage\n+15551230001,@SUM(A1),\n",
    )
    .unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    let csv = String::from_utf8(export(&cfg, "--csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines,
        [
            "number,status,usage,vendor,tag,release_date,connection,registered_user,last_seen",
            "+15551230001,Available,,,'@SUM(A1),,,,",
            "+442079460000,Available,'+usage,,'=cmd|' /C calc'!A0,,,,",
        ]
    );
    let json: Vec<Value> = serde_json::from_slice(&export(&cfg, "--json")).unwrap();
    assert_eq!(row(&json, "+442079460000")["tag"], "=cmd|' /C calc'!A0");
    assert_eq!(row(&json, "+442079460000")["usage"], "+usage");
    assert_eq!(row(&json, "+15551230001")["tag"], "@SUM(A1)");
}

#[test]
fn a_spreadsheets_csv_utf8_with_bom_and_crlf_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, _) = fresh_store(dir.path(), "a");
    let file = dir.path().join("excel.csv");
    std::fs::write(
        &file,
        "\u{feff}Number,Status,Tag,Connection,Registered_User,Last_Seen\r\n\
         +15551230001,Used,\"east, rack 2\r\nshelf \"\"B\"\"\",lab,u1,2026-11-20T10:00:00Z\r\n\
         +15551230002,Reserved,,,,\r\n",
    )
    .unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).0.contains("imported 2 numbers"),
        "{}",
        text(&out).0
    );
    let json: Vec<Value> = serde_json::from_slice(&export(&cfg, "--json")).unwrap();
    let first = row(&json, "+15551230001");
    assert_eq!(first["tag"], "east, rack 2\r\nshelf \"B\"");
    assert_eq!(first["status"], "Used");
    assert_eq!(first["connection"], Value::Null, "read and ignored");
    assert_eq!(row(&json, "+15551230002")["status"], "Reserved");
}

#[test]
fn one_bad_line_among_ten_thousand_imports_nothing_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh_store(dir.path(), "a");
    let out = run_at(
        &cfg,
        NOW,
        &["numbers", "add-range", "+15551239000", "+15551239004"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let before = store_dump(&store);
    let mut csv = String::from("number,tag\n");
    for i in 0..10_000 {
        // Line 5,003 holds a number that is not one; a quoted tag with a
        // line break before it moves every later line down by one.
        match i {
            10 => csv.push_str("+15550010010,\"two\nlines\"\n"),
            5_000 => csv.push_str("+1555001x000,oops\n"),
            _ => csv.push_str(&format!("+155500{i:05},\"tag, {i}\"\n")),
        }
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).unwrap();
    let out = import(&cfg, &file);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("nothing was imported: 1 bad line"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 5003: \"+1555001x000\" is neither E.164"),
        "{stderr}"
    );
    assert_same_store(&before, &store_dump(&store), "after a refused import");
    let out = run_at(&cfg, NOW, &["numbers", "--json"]);
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 5, "only the five numbers of the range");
}

#[test]
fn import_help_states_the_column_rules() {
    let out = bin()
        .args(["numbers", "import", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for words in [
        "connection, registered_user and last_seen are read and ignored",
        "'",
        "one bad line imports nothing",
    ] {
        assert!(help.contains(words), "missing {words:?} in:\n{help}");
    }
}

#[test]
fn an_import_dropped_before_commit_leaves_the_store_file_byte_for_byte() {
    use switchboard::domain::number::InventoryItem;
    use switchboard::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    Store::open(&path)
        .unwrap()
        .add_numbers(&[InventoryItem::available("+15551239000")], "seed")
        .unwrap();
    let before = store_file_hashes(&path);
    {
        let mut store = Store::open(&path).unwrap();
        let mut import = store.begin_import("test").unwrap();
        // Far more than SQLite's page cache holds: pages spill into the
        // WAL before the end, and must not count.
        let items: Vec<InventoryItem> = (0..50_000)
            .map(|i| InventoryItem {
                tag: format!("rack {i}, shelf {}", i % 7),
                ..InventoryItem::available(format!("+1555{i:07}"))
            })
            .collect();
        for batch in items.chunks(2_000) {
            import.add(batch).unwrap();
        }
        // Dropped here without commit: a bad line found late, or a cancel.
    }
    assert_eq!(store_file_hashes(&path), before);
}
