//! CSV files a person or a spreadsheet could hand over: hostile tags,
//! bad encodings, odd spellings, formula cells, a million lines, Ctrl-C,
//! a concurrent sync.

use super::*;

/// Guard: tags no spreadsheet should ever write, each through import,
/// export, import into a fresh store and export again: the JSON keeps each
/// exactly, and the two CSV exports are byte-equal.
#[test]
fn hostile_tags_round_trip_exactly() {
    let long = "x".repeat(10 * 1024);
    let tags: Vec<&str> = vec![
        "nul\0inside",
        "lone\rcr",
        "crlf\r\ninside",
        "\"starts with a quote",
        "\"",
        "'=1+2",
        "'",
        "''=x",
        "\r",
        "\rstarts with cr",
        "=",
        "-",
        "\t=x",
        "\n",
        "ends with lf\n",
        "ends with cr\r",
        "a,b\r",
        "\u{2028}line separator",
        "\u{feff}bom in a tag",
        " =space first",
        &long,
    ];
    let dir = tempfile::tempdir().unwrap();
    let (cfg_a, _) = fresh(dir.path(), "a");
    let mut seed = String::from("number,tag\n");
    for (i, tag) in tags.iter().enumerate() {
        let cell = quoted(&switchboard::domain::number_io::escape_formula(tag));
        seed.push_str(&format!("+155510{i:05},{cell}\n"));
    }
    let file = dir.path().join("seed.csv");
    std::fs::write(&file, seed).unwrap();
    let out = import(&cfg_a, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    let json_a = json(&cfg_a, &["numbers", "--json"]);
    let rows = json_a.as_array().unwrap();
    for (i, tag) in tags.iter().enumerate() {
        let got = &row(rows, &format!("+155510{i:05}"))["tag"];
        assert_eq!(got, *tag, "tag {i}");
    }
    let csv_a = run_at(&cfg_a, NOW, &["numbers", "--csv"]).stdout;
    let file_a = dir.path().join("a.csv");
    std::fs::write(&file_a, &csv_a).unwrap();
    let (cfg_b, _) = fresh(dir.path(), "b");
    let out = import(&cfg_b, &file_a);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(json(&cfg_b, &["numbers", "--json"]), json_a);
    let csv_b = run_at(&cfg_b, NOW, &["numbers", "--csv"]).stdout;
    assert!(csv_a == csv_b, "the second export differs from the first");
}

/// Guard: files that are not UTF-8 CSV, or hold nothing, import nothing
/// with a clear error and leave the store as it was; a BOM and a header
/// alone are an empty import, not an error.
#[test]
fn bad_encodings_and_empty_inputs_import_nothing_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000004"],
    );
    let before = store_dump(&store);
    let mut utf16 = vec![0xff, 0xfe];
    for c in "number\n+15551230000\n".encode_utf16() {
        utf16.extend(c.to_le_bytes());
    }
    let mut bad_last = b"number,tag\n+15551230001,ok\n+15551230002,ok\n".to_vec();
    bad_last.extend(b"+15551230003,\xff\xfe latin-1 \xe9\n");
    let directory = dir.path().join("a-directory");
    std::fs::create_dir(&directory).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bad-last.csv", bad_last, "line 4: not UTF-8"),
        ("utf16.csv", utf16, "not UTF-8"),
        ("empty.csv", vec![], "the file is empty"),
    ];
    for (name, bytes, says) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(&cfg, &file);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.contains("nothing was imported") && stderr.contains(says),
            "{name}: {stderr}"
        );
        assert_same_store(&before, &store_dump(&store), name);
    }
    let out = import(&cfg, &directory);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).1.contains("directory"), "{}", text(&out).1);
    assert_same_store(&before, &store_dump(&store), "a directory");
    for (name, bytes) in [
        ("bom-header.csv", &b"\xef\xbb\xbfnumber\r\n"[..]),
        ("header.csv", b"number,tag\n"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(&cfg, &file);
        assert!(out.status.success(), "{name}: {}", text(&out).1);
        assert!(
            text(&out).0.contains("imported 0 numbers"),
            "{name}: {}",
            text(&out).0
        );
    }
    assert_eq!(inventory(&cfg, NOW).len(), 5);
}

/// Guard: odd but valid inputs import: a FIFO, blank lines at the end (LF
/// or CRLF), a last line without its line break, an
/// upper-case header with spaces, a number written with spaces, a BOM on a
/// file without a header; number spellings that cannot be right (`tel:`,
/// no `+` on 11 digits, the same number twice once padded) and a column
/// named twice are refused, naming the line.
#[test]
fn odd_valid_files_import_and_wrong_spellings_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    let fifo = dir.path().join("fifo.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, "number\n+15550000001\n").unwrap())
    };
    let out = import(&cfg, &fifo);
    writer.join().unwrap();
    assert!(out.status.success(), "fifo: {}", text(&out).1);
    for (name, body) in [
        ("blank-end.csv", "number,tag\n+15550000002,x\n\n\n"),
        ("upper.csv", " NUMBER , TAG \n+15550000003,y\n"),
        ("spaced.csv", "number\n+1 555 000 0004\n"),
        (
            "bom-no-header.csv",
            "\u{feff}+15550000005\r\n+15550000006\r\n",
        ),
        ("no-final-newline.csv", "number,tag\n+15550000011,\"last\""),
        ("crlf-blank-end.csv", "number,tag\r\n+15550000012,x\r\n\r\n"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = import(&cfg, &file);
        assert!(out.status.success(), "{name}: {}", text(&out).1);
    }
    let inv = inventory(&cfg, NOW);
    assert_eq!(inv.len(), 8, "{inv:?}");
    assert_eq!(row(&inv, "+15550000011")["tag"], "last");
    assert_eq!(row(&inv, "+15550000003")["tag"], "y");
    row(&inv, "+15550000004");
    let before = store_dump(&store);
    for (name, body, says) in [
        (
            "tel.csv",
            "number\ntel:+15550000007\n",
            "line 2: \"tel:+15550000007\"",
        ),
        (
            "no-plus.csv",
            "number\n+15550000008\n15550000008\n",
            "line 3: \"15550000008\"",
        ),
        (
            "twice.csv",
            "number\n+15550000009\n  +15550000009 \n",
            "appears twice (first on line 2)",
        ),
        (
            "column-twice.csv",
            "number,tag,Tag\n+15550000010,a,b\n",
            "column \"tag\" is named twice",
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = import(&cfg, &file);
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert_same_store(&before, &store_dump(&store), name);
    }
}

/// Guard: every free-text column (usage, vendor, tag from an import;
/// registered_user from a sync of an ARM whose user names start with
/// formula characters) is written with a leading `'` in CSV, never in
/// JSON, and an import of that export restores the text.
#[test]
fn the_formula_guard_covers_every_free_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(0));
    let cfg = lab_config(dir.path(), &sim.addr);
    for (i, name) in ["=HYPERLINK(\"http://x\")", "-2+3", "@SUM(A1)", "\tcmd"]
        .iter()
        .enumerate()
    {
        let body = serde_json::json!({
            "id": format!("u{i}"), "userName": name, "displayName": "d",
            "phoneNumber": format!("+1555000100{i}"), "status": "REGISTERED",
            "lastSeen": "2026-11-22T00:00:00Z", "sbc": "sbc1"
        });
        assert_eq!(
            sim.control("POST", "/_sim/arm/lab/users", &body.to_string()),
            204
        );
    }
    ok(&cfg, &["sync", "audiocodes", "lab"]);
    let file = dir.path().join("in.csv");
    std::fs::write(&file, "number,usage,vendor,tag\n+15550002000,=u,+v,@t\n").unwrap();
    let out = import(&cfg, &file);
    assert!(out.status.success(), "{}", text(&out).1);
    let csv = String::from_utf8(run_at(&cfg, NOW, &["numbers", "--csv"]).stdout).unwrap();
    for cell in [
        "\"'=HYPERLINK(\"\"http://x\"\")\"",
        ",'-2+3,",
        ",'@SUM(A1),",
        ",'\tcmd,",
        ",'=u,'+v,'@t,",
    ] {
        assert!(csv.contains(cell), "{cell:?} not in\n{csv}");
    }
    let inv = inventory(&cfg, NOW);
    assert_eq!(row(&inv, "+15550001001")["registered_user"], "-2+3");
    assert_eq!(row(&inv, "+15550002000")["usage"], "=u");
    let export = dir.path().join("export.csv");
    std::fs::write(&export, &csv).unwrap();
    let (cfg_b, _) = fresh(dir.path(), "b");
    let out = import(&cfg_b, &export);
    assert!(out.status.success(), "{}", text(&out).1);
    let b = inventory(&cfg_b, NOW);
    let imported = row(&b, "+15550002000");
    assert_eq!(
        (&imported["usage"], &imported["vendor"], &imported["tag"]),
        (&"=u".into(), &"+v".into(), &"@t".into())
    );
}

/// A CSV of `n` good lines (`number,tag`), then `last`.
fn million_lines(path: &Path, n: u32, last: &str) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "number,tag").unwrap();
    for i in 0..n {
        writeln!(f, "+1666{i:07},t").unwrap();
    }
    f.write_all(last.as_bytes()).unwrap();
    f.flush().unwrap();
}

/// Guard: 1,000,000 lines with a bad last line import nothing: exit 1,
/// the line named, the store's data as it was.
#[test]
fn a_million_lines_with_a_bad_last_line_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000009"],
    );
    let before = store_dump(&store);
    let file = dir.path().join("big.csv");
    million_lines(&file, 999_999, "+1666x,bad\n");
    let out = import(&cfg, &file);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 1000001: \"+1666x\""), "{stderr}");
    assert_same_store(&before, &store_dump(&store), "a refused million");
}

fn sigint(child: &std::process::Child) {
    let st = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}

/// Waits until the newest job of the store is an import that runs.
fn wait_for_running_import(cfg: &Path) {
    let started = Instant::now();
    loop {
        let all = jobs(cfg);
        if all
            .first()
            .is_some_and(|j| j["kind"] == "import" && j["state"] == "running")
        {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{all:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Guard: Ctrl-C during a long import: nothing imported, the job
/// cancelled, exit 1. Ctrl-C twice in a row: still nothing imported and
/// the job not left "running"; it leaves at once (130, the job then
/// failed) unless the cancel had already ended it (1, cancelled).
#[test]
fn ctrl_c_during_a_long_import_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store) = fresh(dir.path(), "a");
    ok(
        &cfg,
        &["numbers", "add-range", "+15550000000", "+15550000009"],
    );
    let before = store_dump(&store);
    let file = dir.path().join("big.csv");
    million_lines(&file, 1_000_000, "");
    for presses in [1, 2] {
        let mut cmd = switchboard(&cfg, &["numbers", "import", file.to_str().unwrap()]);
        let child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_running_import(&cfg);
        // Well into the write, nothing of it is seen by a reader.
        std::thread::sleep(Duration::from_secs(1));
        assert_eq!(inventory(&cfg, NOW).len(), 10, "a half import is seen");
        for _ in 0..presses {
            sigint(&child);
        }
        let out = child.wait_with_output().unwrap();
        let (_, stderr) = text(&out);
        assert_same_store(&before, &store_dump(&store), "after Ctrl-C");
        let job = &jobs(&cfg)[0];
        assert_eq!(job["kind"], "import");
        let ended = (out.status.code(), job["state"].as_str().unwrap_or(""));
        let right = if presses == 1 {
            ended == (Some(1), "cancelled")
        } else {
            matches!(ended, (Some(130), "failed") | (Some(1), "cancelled"))
        };
        assert!(right, "{presses} Ctrl-C: {ended:?} {job} {stderr}");
    }
}

/// Guard: an import while another process syncs: both land (the store's
/// writers wait their turn), and the inventory holds both sets.
#[test]
fn an_import_while_another_process_syncs_both_land() {
    let dir = tempfile::tempdir().unwrap();
    let sim = SimProcess::with_scenario(dir.path(), &lab_scenario(20_000));
    let (_keep, cfg, _) = lab_at(&sim.addr, 200, "");
    let file = dir.path().join("import.csv");
    let mut csv = String::from("number,tag\n");
    for i in 0..50_000 {
        csv.push_str(&format!("+4420{i:07},imported\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let sync = switchboard(&cfg, &["sync", "audiocodes", "lab"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let imported = import(&cfg, &file);
    let synced = sync.wait_with_output().unwrap();
    assert!(imported.status.success(), "import: {}", text(&imported).1);
    assert!(synced.status.success(), "sync: {}", text(&synced).1);
    // Piped, stderr carries log lines only: no progress bar, no spinner.
    for (what, out) in [("import", &imported), ("sync", &synced)] {
        let stderr = text(out).1;
        assert!(
            !stderr.contains('\r') && !stderr.contains('\x1b'),
            "{what}: {stderr:?}"
        );
    }
    assert_eq!(inventory(&cfg, NOW).len(), 70_000);
}
