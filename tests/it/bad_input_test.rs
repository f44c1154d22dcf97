//! Bad input from people: an import with bad rows imports nothing and lists
//! every bad row by its line number; numbers outside E.164 or extension
//! form and out-of-range arguments are refused with a message; the store
//! stays as it was.

use crate::common;
use common::*;

/// A store holding five Available numbers, its config, and its dump.
fn seeded(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let store = dir.join("s.db");
    let cfg = write_config(dir, &config_head(&store, 1));
    let out = run(
        &cfg,
        &["numbers", "add-range", "+15551239000", "+15551239004"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let before = store_dump(&store);
    (cfg, store, before)
}

#[test]
fn an_import_with_bad_rows_imports_nothing_and_lists_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store, before) = seeded(dir.path());

    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        "number,status,release_date\n\
         +15551230001,Available,\n\
         abc,Available,\n\
         +15551230002,Bogus,\n\
         +15551230003,,\n\
         \n\
         +15551230004,Cooling,\n\
         +15551230005,Cooling,2026-13-01\n\
         +15551230001,,\n\
         +1555123000600000000,,\n",
    )
    .unwrap();
    let out = run(&cfg, &["numbers", "import", csv.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("nothing was imported: 6 bad lines"),
        "{stderr}"
    );
    for expected in [
        "line 3: \"abc\" is neither E.164",
        "line 4: unknown status \"Bogus\"",
        "line 7: +15551230004 is Cooling without a release_date",
        "line 8: release_date \"2026-13-01\" is not YYYY-MM-DD",
        "line 9: +15551230001 appears twice (first on line 2)",
        "line 10: \"+1555123000600000000\" is neither E.164",
    ] {
        assert!(
            stderr.contains(expected),
            "missing `{expected}` in:\n{stderr}"
        );
    }
    assert_same_store(&before, &store_dump(&store), "after a bad import");

    // With the bad lines gone the same file imports.
    std::fs::write(
        &csv,
        "number,status,release_date\n+15551230001,Available,\n+15551230003,,\n",
    )
    .unwrap();
    let out = run(&cfg, &["numbers", "import", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).0.contains("imported 2 numbers"),
        "{}",
        text(&out).0
    );
}

#[test]
fn bad_numbers_and_arguments_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (cfg, store, before) = seeded(dir.path());
    for (args, says) in [
        (&["numbers", "reserve", "not-a-number"][..], "neither E.164"),
        (
            &["numbers", "add-range", "+1555", "+1556x"][..],
            "neither E.164",
        ),
        (
            &["numbers", "add-range", "+15551230000", "+15551130000"][..],
            "",
        ),
        (
            &["numbers", "add-range", "+15550000000", "+15559999999"][..],
            "at most 100000",
        ),
        (
            &["numbers", "cool", "+15551239000", "--days", "0"][..],
            "1 to 999",
        ),
        (
            &["numbers", "cool", "+15551239000", "--days", "1000"][..],
            "1 to 999",
        ),
        (&["numbers", "tag", "+99", "x"][..], ""),
        (&["numbers", "--status", "Whatever"][..], "Whatever"),
    ] {
        let out = run(&cfg, args);
        let (_, stderr) = text(&out);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(
            stderr.starts_with("switchboard: ") || stderr.starts_with("error: "),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        let lines = stderr.trim().lines().count();
        assert!(
            lines <= 3,
            "{args:?}: a short message, not {lines} lines: {stderr}"
        );
    }
    assert_same_store(&before, &store_dump(&store), "after refused arguments");
}
